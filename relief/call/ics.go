package call

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ProdID is the PRODID of struna's calendar objects.
const ProdID = "-//struna//coordination call//EN"

// icsTime writes a UTC DATE-TIME (RFC 5545 §3.3.5, form #2).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon
// and comma get a backslash, a line break (CRLF, LF or CR) becomes \n, and
// other control characters, which TEXT cannot hold, are dropped.
func escapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ';' || c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t' || c >= 0x20 && c != 0x7f:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// paramValue quotes a parameter value (§3.1: quoted-string), dropping the
// double quotes and control characters it cannot contain.
func paramValue(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r < 0x20 || r == 0x7f || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// fold writes one content line folded at 75 octets (§3.1): a CRLF and a
// space before each continuation, never inside a UTF-8 sequence.
func fold(b *strings.Builder, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > limit-4 && !utf8.RuneStart(line[cut]) {
			cut-- // a UTF-8 sequence is at most 4 bytes long
		}
		if !utf8.RuneStart(line[cut]) {
			cut = limit // not UTF-8 here: cut anywhere rather than loop
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// calAddress is the cal-address URI of an e-mail or, failing one, a URN
// naming struna's record.
func calAddress(email, kind, id string) string {
	if email != "" {
		return "mailto:" + email
	}
	return "urn:struna:" + kind + ":" + url.PathEscape(id)
}

// Description is the DESCRIPTION text of the invitation: the agenda
// numbered from 1, then the room's address.
func Description(c Call) string {
	var b strings.Builder
	if c.Immediate {
		b.WriteString("Urgent coordination call, convened to start at once.\n")
	}
	b.WriteString("Agenda:")
	if len(c.Agenda) == 0 {
		b.WriteString(" to be set at the start of the call.")
	}
	for i, a := range c.Agenda {
		fmt.Fprintf(&b, "\n%d. %s", i+1, a)
	}
	if c.URL != "" {
		b.WriteString("\n\nJoin: " + c.URL)
	}
	return b.String()
}

// ICS returns the iCalendar invitation for c: METHOD:REQUEST, or
// METHOD:CANCEL with STATUS:CANCELLED once cancelled. UID is
// "call-ID@struna", so a call's id must be unique among the hub's calls;
// DTSTAMP is the time of the call's last change; attendees carry their
// current readiness as PARTSTAT (ready or delayed: ACCEPTED, declined:
// DECLINED, no answer: NEEDS-ACTION with RSVP=TRUE).
func ICS(c Call) []byte {
	var b strings.Builder
	method, status := "REQUEST", "CONFIRMED"
	if c.Status == Cancelled {
		method, status = "CANCEL", "CANCELLED"
	}
	for _, l := range []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:" + ProdID,
		"CALSCALE:GREGORIAN",
		"METHOD:" + method,
		"BEGIN:VEVENT",
		"UID:call-" + escapeText(c.ID) + "@struna",
		"DTSTAMP:" + icsTime(c.Updated),
		"SEQUENCE:" + strconv.Itoa(c.Sequence),
		"STATUS:" + status,
		"DTSTART:" + icsTime(c.Start),
		"DTEND:" + icsTime(c.EndTime()),
		"SUMMARY:" + escapeText(c.Title),
		"DESCRIPTION:" + escapeText(Description(c)),
	} {
		fold(&b, l)
	}
	if c.URL != "" && !strings.ContainsAny(c.URL, "\r\n") {
		fold(&b, "URL:"+c.URL)
	}
	cn := c.ConvenerName
	if cn == "" {
		cn = c.Convener
	}
	fold(&b, "ORGANIZER;CN="+paramValue(cn)+":"+calAddress(c.ConvenerEmail, "org", c.Convener))
	for _, s := range c.Seats() {
		role := "REQ-PARTICIPANT"
		if s.Optional {
			role = "OPT-PARTICIPANT"
		}
		part := "NEEDS-ACTION;RSVP=TRUE"
		switch s.Readiness {
		case Ready, Delayed:
			part = "ACCEPTED"
		case Declined:
			part = "DECLINED"
		}
		name := s.Name
		if name == "" {
			name = s.ID
		}
		fold(&b, "ATTENDEE;CN="+paramValue(name+" ("+s.Org+")")+";CUTYPE=INDIVIDUAL;ROLE="+role+";PARTSTAT="+part+
			":"+calAddress(s.Email, "invitee", s.ID))
	}
	fold(&b, "END:VEVENT")
	fold(&b, "END:VCALENDAR")
	return []byte(b.String())
}

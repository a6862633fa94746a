// Package call holds an urgent coordination call among the parties of a
// relief operation: who is convened, when (now or at a set time), the
// readiness of each invitee (ready, delayed by some minutes, declined) with
// its history, reschedules, the decisions logged during the call, and the
// calendar invitation.
//
// The invitation is an iCalendar object (RFC 5545, "Internet Calendaring
// and Scheduling Core Object Specification", 2009) with the iTIP method
// REQUEST, or CANCEL once the call is cancelled (RFC 5546): one VEVENT with
// UID, DTSTAMP, DTSTART and DTEND in UTC, SEQUENCE raised at every
// reschedule and at cancellation so that calendars replace the earlier
// copy, SUMMARY, DESCRIPTION with the agenda, ORGANIZER and one ATTENDEE
// per invitee. Lines end in CRLF and are folded at 75 octets without
// splitting a UTF-8 character (§3.1); text escapes backslash, semicolon,
// comma and newline (§3.3.11).
//
// A Call changes only through its methods, each taking the time from the
// caller's clock and either applying entirely or returning an error that
// names the field. The histories (readiness, reschedules, decisions) are
// append-only. The package does no I/O.
package call

import (
	"fmt"
	"github.com/struna/struna/relief"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/seis"
)

// Status is where a call stands.
type Status string

// Call statuses.
const (
	Scheduled Status = "scheduled"
	Open      Status = "open"
	Ended     Status = "ended"
	Cancelled Status = "cancelled"
)

// Readiness is an invitee's answer.
type Readiness string

// Readiness values. NoAnswer is the zero value.
const (
	NoAnswer Readiness = ""
	Ready    Readiness = "ready"
	Delayed  Readiness = "delayed"
	Declined Readiness = "declined"
)

// Limits.
const (
	MaxDuration  = 12 * time.Hour
	MaxDelay     = 12 * 60 // minutes
	MaxInvitees  = 200
	MaxAgenda    = 50
	MaxTextLen   = 4000
	maxIDLen     = 128
	earlyAllowed = time.Minute // a start this much before the clock is still "now"
)

// Invitee is a person or an organisation's seat invited to the call.
type Invitee struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Org   string `json:"org"`
	Email string `json:"email,omitempty"`
	// Optional marks an invitee whose presence is not required (iCalendar
	// ROLE=OPT-PARTICIPANT).
	Optional bool `json:"optional,omitempty"`
}

// ReadinessChange is one answer of an invitee.
type ReadinessChange struct {
	Invitee      string    `json:"invitee"`
	Readiness    Readiness `json:"readiness"`
	DelayMinutes int       `json:"delay_minutes,omitempty"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
}

// Reschedule records a change of time.
type Reschedule struct {
	At          time.Time     `json:"at"`
	By          string        `json:"by"`
	OldStart    time.Time     `json:"old_start"`
	OldDuration time.Duration `json:"old_duration"`
	NewStart    time.Time     `json:"new_start"`
	NewDuration time.Duration `json:"new_duration"`
	Reason      string        `json:"reason,omitempty"`
	// Answers is how many readiness answers had been given before: those
	// are no longer current.
	Answers int `json:"answers"`
}

// Decision is an entry of the decisions log.
type Decision struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Call is a coordination call.
type Call struct {
	ID             string            `json:"id"`
	Incident       string            `json:"incident,omitempty"`
	Title          string            `json:"title"`
	Convener       string            `json:"convener"` // organisation
	ConvenerName   string            `json:"convener_name,omitempty"`
	ConvenerEmail  string            `json:"convener_email,omitempty"`
	Invitees       []Invitee         `json:"invitees"`
	Start          time.Time         `json:"start"`
	Immediate      bool              `json:"immediate"` // convened "now"
	Duration       time.Duration     `json:"duration"`
	Agenda         []string          `json:"agenda"`
	URL            string            `json:"url,omitempty"` // the call room
	Visibility     share.Visibility  `json:"visibility"`
	Status         Status            `json:"status"`
	Created        time.Time         `json:"created"`
	Updated        time.Time         `json:"updated"`
	Sequence       int               `json:"sequence"`
	Readiness      []ReadinessChange `json:"readiness"`
	Reschedules    []Reschedule      `json:"reschedules"`
	Decisions      []Decision        `json:"decisions"`
	Opened, Closed time.Time         `json:"-"`
}

// Access implements share.Record.
func (c Call) Access() (string, share.Visibility) { return c.Convener, c.Visibility }

// Spec is what convening a call takes.
type Spec struct {
	ID            string
	Incident      string
	Title         string
	Convener      string
	ConvenerName  string
	ConvenerEmail string
	Invitees      []Invitee
	// Start is when the call begins; zero means now (an urgent call).
	Start      time.Time
	Duration   time.Duration
	Agenda     []string
	URL        string
	Visibility share.Visibility
}

func fieldErr(id, field, format string, args ...any) error {
	return &seis.FormatError{File: "call " + id, Offset: -1, Record: -1, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// checkOrg checks an organisation's name: names such as "Armenia MES"
// are display text, not identifiers, so spaces are allowed.
func checkOrg(s string) string {
	if strings.TrimSpace(s) == "" {
		return "is empty"
	}
	return relief.CheckText(s, relief.MaxIDLen)
}

func checkEmail(s string) string {
	if s == "" {
		return ""
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(s, " \t\r\n<>\",;:") || !utf8.ValidString(s) {
		return fmt.Sprintf("%q is not an e-mail address", s)
	}
	return ""
}

// New convenes a call at time now. A zero Spec.Start convenes it for now
// (Immediate). The call starts Scheduled with Sequence 0.
func New(s Spec, now time.Time) (Call, error) {
	id := s.ID
	if e := relief.CheckID(s.ID); e != "" {
		return Call{}, fieldErr(id, "id", "%s", e)
	}
	if e := checkOrg(s.Convener); e != "" {
		return Call{}, fieldErr(id, "convener", "%s", e)
	}
	if s.Incident != "" {
		if e := relief.CheckID(s.Incident); e != "" {
			return Call{}, fieldErr(id, "incident", "%s", e)
		}
	}
	if strings.TrimSpace(s.Title) == "" {
		return Call{}, fieldErr(id, "title", "is empty")
	}
	for _, f := range []struct{ n, v string }{{"title", s.Title}, {"convener_name", s.ConvenerName}, {"url", s.URL}} {
		if e := relief.CheckText(f.v, MaxTextLen); e != "" {
			return Call{}, fieldErr(id, f.n, "%s", e)
		}
	}
	if e := checkEmail(s.ConvenerEmail); e != "" {
		return Call{}, fieldErr(id, "convener_email", "%s", e)
	}
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s.URL, " \t\r\n") {
			return Call{}, fieldErr(id, "url", "%q is not an http(s) URL", s.URL)
		}
	}
	if now.IsZero() {
		return Call{}, fieldErr(id, "created", "the clock gave no time")
	}
	if len(s.Invitees) == 0 || len(s.Invitees) > MaxInvitees {
		return Call{}, fieldErr(id, "invitees", "%d invitees; 1 to %d", len(s.Invitees), MaxInvitees)
	}
	for i, inv := range s.Invitees {
		f := fmt.Sprintf("invitees[%d]", i)
		if e := relief.CheckID(inv.ID); e != "" {
			return Call{}, fieldErr(id, f+".id", "%s", e)
		}
		if e := checkOrg(inv.Org); e != "" {
			return Call{}, fieldErr(id, f+".org", "%s", e)
		}
		if e := relief.CheckText(inv.Name, MaxTextLen); e != "" {
			return Call{}, fieldErr(id, f+".name", "%s", e)
		}
		if e := checkEmail(inv.Email); e != "" {
			return Call{}, fieldErr(id, f+".email", "%s", e)
		}
		if slices.ContainsFunc(s.Invitees[:i], func(o Invitee) bool { return o.ID == inv.ID }) {
			return Call{}, fieldErr(id, f+".id", "%s is invited twice", inv.ID)
		}
	}
	if s.Duration < time.Minute || s.Duration > MaxDuration {
		return Call{}, fieldErr(id, "duration", "%v; 1m to %v", s.Duration, MaxDuration)
	}
	if len(s.Agenda) > MaxAgenda {
		return Call{}, fieldErr(id, "agenda", "%d items, at most %d", len(s.Agenda), MaxAgenda)
	}
	for i, a := range s.Agenda {
		if strings.TrimSpace(a) == "" {
			return Call{}, fieldErr(id, fmt.Sprintf("agenda[%d]", i), "is empty")
		}
		if e := relief.CheckText(a, MaxTextLen); e != "" {
			return Call{}, fieldErr(id, fmt.Sprintf("agenda[%d]", i), "%s", e)
		}
	}
	if !s.Visibility.Valid() {
		return Call{}, fieldErr(id, "visibility", "%q is not public, parties or org", s.Visibility)
	}
	start, immediate := s.Start, false
	switch {
	case start.IsZero():
		start, immediate = now, true
	case start.Before(now.Add(-earlyAllowed)):
		return Call{}, fieldErr(id, "start", "%s is in the past (now %s)", start.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return Call{
		ID: s.ID, Incident: s.Incident, Title: s.Title, Convener: s.Convener, ConvenerName: s.ConvenerName,
		ConvenerEmail: s.ConvenerEmail, Invitees: slices.Clone(s.Invitees), Start: start, Immediate: immediate,
		Duration: s.Duration, Agenda: slices.Clone(s.Agenda), URL: s.URL, Visibility: s.Visibility,
		Status: Scheduled, Created: now, Updated: now,
		Readiness: []ReadinessChange{}, Reschedules: []Reschedule{}, Decisions: []Decision{},
	}, nil
}

func (c *Call) invitee(id string) (Invitee, bool) {
	for _, i := range c.Invitees {
		if i.ID == id {
			return i, true
		}
	}
	return Invitee{}, false
}

func (c *Call) clock(at time.Time) error {
	if at.Before(c.Updated) {
		return fieldErr(c.ID, "at", "%s is before the call's last change (%s)", at.UTC().Format(time.RFC3339), c.Updated.UTC().Format(time.RFC3339))
	}
	return nil
}

// SetReadiness records invitee's answer at time at: Ready, Declined, or
// Delayed by delayMinutes (1 to 720; 0 for the others). Answers are taken
// while the call is scheduled or open.
func (c *Call) SetReadiness(invitee string, r Readiness, delayMinutes int, note string, at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Scheduled && c.Status != Open {
		return fieldErr(c.ID, "status", "the call is %s", c.Status)
	}
	if _, ok := c.invitee(invitee); !ok {
		return fieldErr(c.ID, "invitee", "%q is not invited", invitee)
	}
	switch r {
	case Delayed:
		if delayMinutes < 1 || delayMinutes > MaxDelay {
			return fieldErr(c.ID, "delay_minutes", "%d; 1 to %d for a delayed invitee", delayMinutes, MaxDelay)
		}
	case Ready, Declined:
		if delayMinutes != 0 {
			return fieldErr(c.ID, "delay_minutes", "%d given for a %s invitee", delayMinutes, r)
		}
	default:
		return fieldErr(c.ID, "readiness", "%q is not ready, delayed or declined", r)
	}
	if e := relief.CheckText(note, MaxTextLen); e != "" {
		return fieldErr(c.ID, "note", "%s", e)
	}
	c.Readiness = append(c.Readiness, ReadinessChange{Invitee: invitee, Readiness: r, DelayMinutes: delayMinutes, Note: note, At: at})
	c.Updated = at
	return nil
}

// Reschedule moves a scheduled call to start (zero: now) for duration at
// time at. SEQUENCE goes up by one. Readiness given before is kept in the
// history but is no longer current: a new time asks everyone again.
func (c *Call) Reschedule(start time.Time, duration time.Duration, by, reason string, at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Scheduled {
		return fieldErr(c.ID, "status", "a %s call cannot be rescheduled", c.Status)
	}
	if e := checkOrg(by); e != "" {
		return fieldErr(c.ID, "by", "%s", e)
	}
	if duration < time.Minute || duration > MaxDuration {
		return fieldErr(c.ID, "duration", "%v; 1m to %v", duration, MaxDuration)
	}
	if e := relief.CheckText(reason, MaxTextLen); e != "" {
		return fieldErr(c.ID, "reason", "%s", e)
	}
	immediate := false
	switch {
	case start.IsZero():
		start, immediate = at, true
	case start.Before(at.Add(-earlyAllowed)):
		return fieldErr(c.ID, "start", "%s is in the past", start.UTC().Format(time.RFC3339))
	}
	if start.Equal(c.Start) && duration == c.Duration {
		return fieldErr(c.ID, "start", "the call is already at that time")
	}
	c.Reschedules = append(c.Reschedules, Reschedule{At: at, By: by, OldStart: c.Start, OldDuration: c.Duration,
		NewStart: start, NewDuration: duration, Reason: reason, Answers: len(c.Readiness)})
	c.Start, c.Duration, c.Immediate = start, duration, immediate
	c.Sequence++
	c.Updated = at
	return nil
}

// Open marks the call as begun.
func (c *Call) Open(at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Scheduled {
		return fieldErr(c.ID, "status", "a %s call cannot be opened", c.Status)
	}
	c.Status, c.Opened, c.Updated = Open, at, at
	return nil
}

// End marks the call as over.
func (c *Call) End(at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Open {
		return fieldErr(c.ID, "status", "a %s call cannot be ended", c.Status)
	}
	c.Status, c.Closed, c.Updated = Ended, at, at
	return nil
}

// Cancel cancels a scheduled call; SEQUENCE goes up by one so that the
// CANCEL invitation supersedes the REQUEST.
func (c *Call) Cancel(by, reason string, at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Scheduled {
		return fieldErr(c.ID, "status", "a %s call cannot be cancelled", c.Status)
	}
	if e := checkOrg(by); e != "" {
		return fieldErr(c.ID, "by", "%s", e)
	}
	if e := relief.CheckText(reason, MaxTextLen); e != "" {
		return fieldErr(c.ID, "reason", "%s", e)
	}
	text := "Call cancelled"
	if strings.TrimSpace(reason) != "" {
		text += ": " + reason
	}
	c.Decisions = append(c.Decisions, Decision{Text: text, By: by, At: at})
	c.Status, c.Closed, c.Updated = Cancelled, at, at
	c.Sequence++
	return nil
}

// LogDecision adds an entry to the decisions log while the call is open,
// or once it has ended (minutes are often completed right after).
func (c *Call) LogDecision(text, by string, at time.Time) error {
	if err := c.clock(at); err != nil {
		return err
	}
	if c.Status != Open && c.Status != Ended {
		return fieldErr(c.ID, "status", "decisions are logged during or after the call, not when %s", c.Status)
	}
	if strings.TrimSpace(text) == "" {
		return fieldErr(c.ID, "text", "is empty")
	}
	if e := relief.CheckText(text, MaxTextLen); e != "" {
		return fieldErr(c.ID, "text", "%s", e)
	}
	if e := checkOrg(by); e != "" {
		return fieldErr(c.ID, "by", "%s", e)
	}
	c.Decisions = append(c.Decisions, Decision{Text: text, By: by, At: at})
	c.Updated = at
	return nil
}

// Seat is an invitee's current readiness.
type Seat struct {
	Invitee
	Readiness    Readiness `json:"readiness"`
	DelayMinutes int       `json:"delay_minutes,omitempty"`
	Note         string    `json:"note,omitempty"`
	Since        time.Time `json:"since,omitzero"`
	// Expected is when the invitee is expected on the call: the start, plus
	// the delay; zero if declined.
	Expected time.Time `json:"expected,omitzero"`
}

// Seats is every invitee's current readiness, in invitation order: the
// last answer given since the last reschedule.
func (c Call) Seats() []Seat {
	answers := c.Readiness
	if n := len(c.Reschedules); n > 0 {
		if k := c.Reschedules[n-1].Answers; k >= 0 && k <= len(answers) {
			answers = answers[k:]
		}
	}
	seats := make([]Seat, len(c.Invitees))
	for i, inv := range c.Invitees {
		seats[i] = Seat{Invitee: inv, Expected: c.Start}
	}
	for _, r := range answers {
		for i := range seats {
			if seats[i].ID != r.Invitee {
				continue
			}
			seats[i].Readiness, seats[i].DelayMinutes, seats[i].Note, seats[i].Since = r.Readiness, r.DelayMinutes, r.Note, r.At
			switch r.Readiness {
			case Declined:
				seats[i].Expected = time.Time{}
			case Delayed:
				seats[i].Expected = c.Start.Add(time.Duration(r.DelayMinutes) * time.Minute)
			default:
				seats[i].Expected = c.Start
			}
		}
	}
	return seats
}

// Tally counts the current answers.
type Tally struct {
	Ready, Delayed, Declined, NoAnswer int
}

// Tally counts the seats by readiness.
func (c Call) Tally() Tally {
	var t Tally
	for _, s := range c.Seats() {
		switch s.Readiness {
		case Ready:
			t.Ready++
		case Delayed:
			t.Delayed++
		case Declined:
			t.Declined++
		default:
			t.NoAnswer++
		}
	}
	return t
}

// End time of the call as scheduled.
func (c Call) EndTime() time.Time { return c.Start.Add(c.Duration) }

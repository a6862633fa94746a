package call

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/seis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2023, 2, 7, 6, 0, 0, 0, time.UTC)

func mins(m float64) time.Time { return t0.Add(time.Duration(m * float64(time.Minute))) }

func spec() Spec {
	return Spec{
		ID: "TR-2023-EQ-call-1", Incident: "TR-2023-EQ", Title: "Coordination: USAR, diagnostics; Kahramanmaraş, Hatay",
		Convener: "TR-AFAD", ConvenerName: "AFAD coordination cell", ConvenerEmail: "cell@afad.example",
		Invitees: []Invitee{
			{ID: "p-ru", Name: "Head of EMERCOM team", Org: "RU-EMERCOM", Email: "team@emercom.example"},
			{ID: "p-de", Name: "THW liaison", Org: "DE-THW"},
			{ID: "p-un", Name: "UNDAC \"team leader\"", Org: "UN-OCHA", Optional: true},
		},
		Start: mins(30), Duration: 45 * time.Minute,
		Agenda: []string{
			"Unfulfilled urgent requests: 2 USAR teams, Antakya",
			"Duplicate offers to resolve; RUS-1 offered twice",
			"Red buildings without a team \\ trapped persons first",
			"Распределение бригад диагностики по секторам C-1…C-9 с учётом аварийных зданий и повторных толчков",
		},
		URL: "https://hub.struna.example/calls/TR-2023-EQ-call-1", Visibility: share.Parties,
	}
}

func fieldOf(err error) string {
	var fe *seis.FormatError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func mustNew(t *testing.T, s Spec, now time.Time) Call {
	t.Helper()
	c, err := New(s, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNew(t *testing.T) {
	c := mustNew(t, spec(), t0)
	if c.Status != Scheduled || c.Sequence != 0 || c.Immediate || !c.Start.Equal(mins(30)) || !c.EndTime().Equal(mins(75)) {
		t.Errorf("new call: %+v", c)
	}
	s := spec()
	s.Start = time.Time{}
	now := mustNew(t, s, t0)
	if !now.Immediate || !now.Start.Equal(t0) {
		t.Errorf("a call for now starts at %v immediate=%v", now.Start, now.Immediate)
	}
	tests := []struct {
		field string
		edit  func(s *Spec)
	}{
		{"id", func(s *Spec) { s.ID = "" }},
		{"title", func(s *Spec) { s.Title = " " }},
		{"convener", func(s *Spec) { s.Convener = "TR\x00AFAD" }},
		{"convener", func(s *Spec) { s.Convener = "  " }},
		{"convener_email", func(s *Spec) { s.ConvenerEmail = "cell" }},
		{"url", func(s *Spec) { s.URL = "javascript:alert(1)" }},
		{"invitees", func(s *Spec) { s.Invitees = nil }},
		{"invitees[1].id", func(s *Spec) { s.Invitees[1].ID = "p-ru" }},
		{"invitees[0].org", func(s *Spec) { s.Invitees[0].Org = "" }},
		{"invitees[2].email", func(s *Spec) { s.Invitees[2].Email = "a@b;c" }},
		{"duration", func(s *Spec) { s.Duration = 30 * time.Second }},
		{"duration", func(s *Spec) { s.Duration = 13 * time.Hour }},
		{"agenda[1]", func(s *Spec) { s.Agenda[1] = "" }},
		{"start", func(s *Spec) { s.Start = t0.Add(-2 * time.Minute) }},
		{"visibility", func(s *Spec) { s.Visibility = "all" }},
	}
	for _, tc := range tests {
		s := spec()
		s.Invitees = append([]Invitee(nil), s.Invitees...)
		s.Agenda = append([]string(nil), s.Agenda...)
		tc.edit(&s)
		_, err := New(s, t0)
		if got := fieldOf(err); got != tc.field {
			t.Errorf("%s: error %v names %q", tc.field, err, got)
		}
	}
}

func TestReadiness(t *testing.T) {
	c := mustNew(t, spec(), t0)
	steps := []struct {
		inv   string
		r     Readiness
		delay int
		at    float64
	}{
		{"p-ru", Ready, 0, 1},
		{"p-de", Delayed, 15, 2},
		{"p-un", Declined, 0, 3},
		{"p-un", Ready, 0, 4}, // changed their mind
	}
	for _, s := range steps {
		if err := c.SetReadiness(s.inv, s.r, s.delay, "", mins(s.at)); err != nil {
			t.Fatal(err)
		}
	}
	seats := c.Seats()
	if seats[0].Readiness != Ready || !seats[0].Expected.Equal(mins(30)) ||
		seats[1].Readiness != Delayed || !seats[1].Expected.Equal(mins(45)) ||
		seats[2].Readiness != Ready || !seats[2].Since.Equal(mins(4)) {
		t.Errorf("seats: %+v", seats)
	}
	if tally := c.Tally(); tally != (Tally{Ready: 2, Delayed: 1}) {
		t.Errorf("tally %+v", tally)
	}
	if len(c.Readiness) != 4 {
		t.Errorf("history has %d answers, want 4", len(c.Readiness))
	}
	errs := []struct {
		field string
		do    func() error
	}{
		{"invitee", func() error { return c.SetReadiness("p-xx", Ready, 0, "", mins(5)) }},
		{"readiness", func() error { return c.SetReadiness("p-ru", "maybe", 0, "", mins(5)) }},
		{"delay_minutes", func() error { return c.SetReadiness("p-ru", Delayed, 0, "", mins(5)) }},
		{"delay_minutes", func() error { return c.SetReadiness("p-ru", Delayed, MaxDelay+1, "", mins(5)) }},
		{"delay_minutes", func() error { return c.SetReadiness("p-ru", Ready, 5, "", mins(5)) }},
		{"at", func() error { return c.SetReadiness("p-ru", Ready, 0, "", mins(3)) }},
	}
	before := len(c.Readiness)
	for _, e := range errs {
		if got := fieldOf(e.do()); got != e.field {
			t.Errorf("want an error on %s, got %q", e.field, got)
		}
	}
	if len(c.Readiness) != before {
		t.Error("a refused answer was recorded")
	}
}

func TestRescheduleAndLifecycle(t *testing.T) {
	c := mustNew(t, spec(), t0)
	_ = c.SetReadiness("p-ru", Ready, 0, "", mins(1))
	_ = c.SetReadiness("p-de", Declined, 0, "in the field", mins(2))
	if err := c.Reschedule(mins(60), 30*time.Minute, "TR-AFAD", "THW team leader on the way back", mins(5)); err != nil {
		t.Fatal(err)
	}
	if c.Sequence != 1 || !c.Start.Equal(mins(60)) || c.Duration != 30*time.Minute || len(c.Reschedules) != 1 {
		t.Errorf("after reschedule: seq %d start %v dur %v", c.Sequence, c.Start, c.Duration)
	}
	if tally := c.Tally(); tally != (Tally{NoAnswer: 3}) {
		t.Errorf("answers before the reschedule still count: %+v", tally)
	}
	if len(c.Readiness) != 2 {
		t.Error("history lost at reschedule")
	}
	_ = c.SetReadiness("p-de", Ready, 0, "", mins(5)) // same instant as the reschedule, given after it
	if s := c.Seats(); s[1].Readiness != Ready {
		t.Errorf("answer after the reschedule: %+v", s[1])
	}
	if err := c.Reschedule(mins(60), 30*time.Minute, "TR-AFAD", "", mins(6)); fieldOf(err) != "start" {
		t.Errorf("reschedule to the same time: %v", err)
	}
	if err := c.Reschedule(mins(1), 30*time.Minute, "TR-AFAD", "", mins(6)); fieldOf(err) != "start" {
		t.Errorf("reschedule into the past: %v", err)
	}
	if err := c.LogDecision("too early", "TR-AFAD", mins(7)); fieldOf(err) != "status" {
		t.Errorf("decision before the call: %v", err)
	}
	if err := c.Open(mins(60)); err != nil {
		t.Fatal(err)
	}
	if err := c.Reschedule(mins(90), 30*time.Minute, "TR-AFAD", "", mins(61)); fieldOf(err) != "status" {
		t.Errorf("reschedule an open call: %v", err)
	}
	if err := c.LogDecision("RUS-1 takes worksite C-6; THW takes C-9.", "TR-AFAD", mins(70)); err != nil {
		t.Fatal(err)
	}
	if err := c.LogDecision("", "TR-AFAD", mins(71)); fieldOf(err) != "text" {
		t.Errorf("empty decision: %v", err)
	}
	if err := c.End(mins(88)); err != nil {
		t.Fatal(err)
	}
	if err := c.LogDecision("Next call at 18:00.", "UN-OCHA", mins(90)); err != nil {
		t.Errorf("decision right after the call: %v", err)
	}
	if err := c.Cancel("TR-AFAD", "", mins(91)); fieldOf(err) != "status" {
		t.Errorf("cancel an ended call: %v", err)
	}
	if len(c.Decisions) != 2 || c.Decisions[0].By != "TR-AFAD" || c.Status != Ended {
		t.Errorf("decisions %+v status %s", c.Decisions, c.Status)
	}

	// JSON round trip keeps everything the seats are derived from.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Call
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(back); !bytes.Equal(b, b2) {
		t.Errorf("JSON round trip differs:\n%s\n%s", b, b2)
	}
}

// unfold reverses RFC 5545 folding and checks the physical lines.
func unfold(t *testing.T, ics []byte) []string {
	t.Helper()
	s := string(ics)
	if !strings.HasSuffix(s, "\r\n") {
		t.Error("does not end with CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, p := range phys {
		if strings.ContainsAny(p, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i, p)
		}
		if len(p) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(p), p)
		}
		if !utf8.ValidString(p) {
			t.Errorf("line %d splits a UTF-8 character: %q", i, p)
		}
		if strings.HasPrefix(p, " ") || strings.HasPrefix(p, "\t") {
			if len(lines) == 0 {
				t.Fatal("continuation first")
			}
			lines[len(lines)-1] += p[1:]
			continue
		}
		lines = append(lines, p)
	}
	return lines
}

// unescape reverses TEXT escaping.
func unescape(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n")
	return r.Replace(s)
}

func prop(lines []string, name string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";") {
			out = append(out, l)
		}
	}
	return out
}

func value(l string) string {
	// The value follows the first colon outside a quoted parameter.
	inQuote := false
	for i, c := range l {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == ':' && !inQuote:
			return l[i+1:]
		}
	}
	return ""
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestICS(t *testing.T) {
	c := mustNew(t, spec(), t0)
	_ = c.SetReadiness("p-ru", Ready, 0, "", mins(1))
	_ = c.SetReadiness("p-de", Declined, 0, "", mins(2))
	ics := ICS(c)
	golden(t, "call.ics", ics)
	lines := unfold(t, ics)
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("not a VCALENDAR: %q ... %q", lines[0], lines[len(lines)-1])
	}
	for _, want := range []string{"VERSION:2.0", "METHOD:REQUEST", "BEGIN:VEVENT", "END:VEVENT", "SEQUENCE:0", "STATUS:CONFIRMED",
		"UID:call-TR-2023-EQ-call-1@struna", "DTSTAMP:20230207T060200Z", "DTSTART:20230207T063000Z", "DTEND:20230207T071500Z",
		`SUMMARY:Coordination: USAR\, diagnostics\; Kahramanmaraş\, Hatay`} {
		if len(prop(lines, strings.SplitN(want, ":", 2)[0])) == 0 || !containsLine(lines, want) {
			t.Errorf("no line %q", want)
		}
	}
	utc := regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	for _, p := range []string{"DTSTAMP", "DTSTART", "DTEND"} {
		if v := value(prop(lines, p)[0]); !utc.MatchString(v) {
			t.Errorf("%s %q is not a UTC DATE-TIME", p, v)
		}
	}
	// The description, unescaped, is the agenda as written by hand here.
	want := "Agenda:\n" +
		"1. Unfulfilled urgent requests: 2 USAR teams, Antakya\n" +
		"2. Duplicate offers to resolve; RUS-1 offered twice\n" +
		"3. Red buildings without a team \\ trapped persons first\n" +
		"4. Распределение бригад диагностики по секторам C-1…C-9 с учётом аварийных зданий и повторных толчков\n" +
		"\nJoin: https://hub.struna.example/calls/TR-2023-EQ-call-1"
	if got := unescape(value(prop(lines, "DESCRIPTION")[0])); got != want {
		t.Errorf("description:\n%q\nwant\n%q", got, want)
	}
	// No unescaped comma or semicolon in TEXT values.
	if raw := value(prop(lines, "DESCRIPTION")[0]); regexp.MustCompile(`[^\\][,;]`).MatchString(raw) {
		t.Errorf("unescaped , or ; in %q", raw)
	}
	att := prop(lines, "ATTENDEE")
	if len(att) != 3 {
		t.Fatalf("%d attendees", len(att))
	}
	for i, want := range []string{"PARTSTAT=ACCEPTED", "PARTSTAT=DECLINED", "PARTSTAT=NEEDS-ACTION;RSVP=TRUE"} {
		if !strings.Contains(att[i], want) {
			t.Errorf("attendee %d: %q lacks %s", i, att[i], want)
		}
	}
	if value(att[0]) != "mailto:team@emercom.example" || value(att[1]) != "urn:struna:invitee:p-de" ||
		!strings.Contains(att[2], `CN="UNDAC team leader (UN-OCHA)"`) || !strings.Contains(att[2], "ROLE=OPT-PARTICIPANT") {
		t.Errorf("attendees %q", att)
	}
	if org := prop(lines, "ORGANIZER"); len(org) != 1 || org[0] != `ORGANIZER;CN="AFAD coordination cell":mailto:cell@afad.example` {
		t.Errorf("organizer %q", org)
	}

	// Rescheduling raises SEQUENCE; cancelling raises it again and turns the method to CANCEL.
	if err := c.Reschedule(mins(90), time.Hour, "TR-AFAD", "", mins(10)); err != nil {
		t.Fatal(err)
	}
	l2 := unfold(t, ICS(c))
	if !containsLine(l2, "SEQUENCE:1") || !containsLine(l2, "DTSTART:20230207T073000Z") || !containsLine(l2, "DTEND:20230207T083000Z") {
		t.Errorf("after reschedule: %q", l2)
	}
	if err := c.Cancel("TR-AFAD", "merged with the OSOCC meeting", mins(11)); err != nil {
		t.Fatal(err)
	}
	l3 := unfold(t, ICS(c))
	golden(t, "cancel.ics", ICS(c))
	if !containsLine(l3, "SEQUENCE:2") || !containsLine(l3, "METHOD:CANCEL") || !containsLine(l3, "STATUS:CANCELLED") {
		t.Errorf("after cancel: %q", l3)
	}
}

func containsLine(lines []string, l string) bool {
	for _, x := range lines {
		if x == l {
			return true
		}
	}
	return false
}

func TestFoldAndEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a,b;c\\d", `a\,b\;c\\d`},
		{"l1\r\nl2\nl3\rl4", `l1\nl2\nl3\nl4`},
		{"tab\there\x00\x07bell", "tab\there" + "bell"},
	} {
		if got := escapeText(tc.in); got != tc.want {
			t.Errorf("escapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A line of 2-byte characters folds without splitting one, and unfolds back.
	long := "DESCRIPTION:" + strings.Repeat("ж", 100)
	var b strings.Builder
	fold(&b, long)
	got := unfold(t, []byte(b.String()))
	if len(got) != 1 || got[0] != long {
		t.Errorf("fold/unfold: %q", got)
	}
	// Exactly 75 octets is not folded; 76 is.
	for n, want := range map[int]int{75: 1, 76: 2} {
		var b strings.Builder
		fold(&b, strings.Repeat("x", n))
		if lines := strings.Count(b.String(), "\r\n"); lines != want {
			t.Errorf("%d octets: %d physical lines, want %d", n, lines, want)
		}
	}
}

func FuzzFoldEscape(f *testing.F) {
	f.Add("Coordination: USAR, diagnostics; Kahramanmaraş\\Hatay\r\n" + strings.Repeat("ж", 60))
	f.Add(strings.Repeat("\x80", 200))
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		fold(&b, "DESCRIPTION:"+escapeText(s))
		out := b.String()
		if !strings.HasSuffix(out, "\r\n") {
			t.Fatal("no CRLF at the end")
		}
		var joined strings.Builder
		for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Fatalf("line of %d octets", len(l))
			}
			if strings.ContainsAny(l, "\r\n") {
				t.Fatalf("bare CR or LF in %q", l)
			}
			if i > 0 {
				if l[0] != ' ' {
					t.Fatalf("continuation without a space: %q", l)
				}
				l = l[1:]
			}
			if utf8.ValidString(s) && !utf8.ValidString(l) {
				t.Fatalf("a UTF-8 character was split: %q", l)
			}
			joined.WriteString(l)
		}
		if joined.String() != "DESCRIPTION:"+escapeText(s) {
			t.Fatal("unfolding does not give the line back")
		}
	})
}

// Organisation names are display text: "Armenia MES" convenes and is
// invited like any other.
func TestOrgNamesWithSpaces(t *testing.T) {
	now := time.Date(2026, 2, 7, 9, 0, 0, 0, time.UTC)
	c, err := New(Spec{ID: "CALL-9", Title: "Sync", Convener: "Armenia MES", Duration: 30 * time.Minute, Visibility: share.Parties,
		Invitees: []Invitee{{ID: "Red_Cross", Org: "Armenian Red Cross"}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Open(now); err != nil {
		t.Fatal(err)
	}
	if err := c.LogDecision("Open a second base", "Armenian Red Cross", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
}

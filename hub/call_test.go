package hub

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/share"
)

// callBody is a POST /api/v1/calls body by USAR-AM inviting USAR-FR and
// DE-THW.
func callBody(id string, vis share.Visibility) map[string]any {
	return map[string]any{"id": id, "title": "Heavy USAR coordination", "start": "now", "duration_minutes": 30,
		"invitees": []map[string]any{{"org": "USAR-FR"}, {"org": "DE-THW"}, {"id": "p-anna", "name": "Anna", "org": "USAR-FR", "email": "anna@example.org"}},
		"agenda":   []string{"Cover R-1"}, "visibility": vis}
}

func decodeCallView(t *testing.T, data []byte) callView {
	t.Helper()
	var v callView
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

// TestCallRoles: every call endpoint × every kind of caller → status, in
// order, on a call convened by USAR-AM (coordinator) inviting USAR-FR
// ("other" field, "fr-coord" coordinator) and DE-THW ("de" coordinator).
func TestCallRoles(t *testing.T) {
	h := reliefHub(t)
	steps := []struct {
		who, method, path string
		body              any
		want              int
		msg               string
	}{
		{"field", "POST", "/api/v1/calls", callBody("CALL-1", share.Parties), 403, "coordinator role"},
		{"viewer", "POST", "/api/v1/calls", callBody("CALL-1", share.Parties), 403, "coordinator role"},
		{"coordinator", "POST", "/api/v1/calls", `{"title":"x","colour":"red"}`, 400, `unknown field "colour"`},
		{"coordinator", "POST", "/api/v1/calls", func() map[string]any { b := callBody("CALL-1", share.Parties); b["start"] = "tomorrow"; return b }(), 400, "start:"},
		{"coordinator", "POST", "/api/v1/calls", func() map[string]any { b := callBody("CALL-1", share.Parties); b["duration_minutes"] = 0; return b }(), 400, "duration"},
		{"coordinator", "POST", "/api/v1/calls", func() map[string]any {
			b := callBody("CALL-1", share.Parties)
			b["invitees"] = []map[string]any{{"org": "NOPE"}}
			return b
		}(), 400, `invitees[0].org: organisation "NOPE"`},
		{"coordinator", "POST", "/api/v1/calls", func() map[string]any { b := callBody("CALL-1", share.Parties); b["title"] = " "; return b }(), 400, "title"},
		{"coordinator", "POST", "/api/v1/calls", callBody("CALL-1", share.Parties), 201, ""},
		{"admin", "POST", "/api/v1/calls", callBody("CALL-1", share.Parties), 409, "CALL-1 already exists"},
		{"", "GET", "/api/v1/calls/CALL-1", nil, 401, ""},
		{"viewer", "GET", "/api/v1/calls/CALL-1", nil, 404, "CALL-1 does not exist"},
		{"de", "GET", "/api/v1/calls/CALL-1", nil, 200, ""},
		{"viewer", "GET", "/api/v1/calls/CALL-1/ics", nil, 404, ""},
		// Readiness: an invited organisation's member, for its own seats.
		{"viewer", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "ready"}, 403, "field role"},
		{"field", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "ready"}, 403, "USAR-AM is not invited"},
		{"other", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"invitee": "DE-THW", "readiness": "ready"}, 403, "answers for itself only"},
		{"other", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "delayed"}, 400, "delay_minutes"},
		{"other", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "maybe"}, 400, "readiness"},
		{"other", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "delayed", "delay_minutes": 10}, 200, ""},
		{"other", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"invitee": "p-anna", "readiness": "ready"}, 200, ""},
		{"de", "POST", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "declined", "note": "no one free"}, 200, ""},
		// Reschedule, open, end, cancel: the convener's coordinators.
		{"field", "POST", "/api/v1/calls/CALL-1/reschedule", map[string]any{"start": t0.Add(time.Hour).Format(time.RFC3339)}, 403, "coordinator role"},
		{"fr-coord", "POST", "/api/v1/calls/CALL-1/reschedule", map[string]any{"start": t0.Add(time.Hour).Format(time.RFC3339)}, 403, "only USAR-AM"},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/reschedule", map[string]any{"start": "yesterday"}, 400, "start:"},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/reschedule", map[string]any{"start": t0.Add(time.Hour).Format(time.RFC3339), "reason": "teams en route"}, 200, ""},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": "too early"}, 400, "not when scheduled"},
		{"fr-coord", "POST", "/api/v1/calls/CALL-1/open", nil, 403, "only USAR-AM"},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/open", nil, 200, ""},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/open", nil, 400, "open call cannot be opened"},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/reschedule", map[string]any{"start": "now"}, 400, "cannot be rescheduled"},
		// Decisions: the convener's or an invitee's coordinators.
		{"other", "POST", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": "x"}, 403, "coordinator role"},
		{"fr-coord", "POST", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": ""}, 400, "text"},
		{"fr-coord", "POST", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": "FRA-1 takes C-6"}, 200, ""},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": "AM logistics supports FRA-1", "extra": 1}, 400, `unknown field "extra"`},
		{"coordinator", "POST", "/api/v1/calls/CALL-1/cancel", nil, 400, "open call cannot be cancelled"},
		{"de", "POST", "/api/v1/calls/CALL-1/end", nil, 403, "only USAR-AM"},
		{"admin", "POST", "/api/v1/calls/CALL-1/end", nil, 200, ""},
		{"coordinator", "POST", "/api/v1/calls/CALL-404/end", nil, 404, "CALL-404"},
		// A second call, cancelled.
		{"coordinator", "POST", "/api/v1/calls", func() map[string]any {
			b := callBody("CALL-2", share.Parties)
			b["start"] = t0.Add(2 * time.Hour).Format(time.RFC3339)
			return b
		}(), 201, ""},
		{"de", "POST", "/api/v1/calls/CALL-2/cancel", map[string]any{"reason": "x"}, 403, "only USAR-AM"},
		{"coordinator", "POST", "/api/v1/calls/CALL-2/cancel", map[string]any{"reason": "merged into CALL-1"}, 200, ""},
		{"coordinator", "POST", "/api/v1/calls/CALL-2/readiness", map[string]any{"readiness": "ready"}, 403, "not invited"},
		{"fr-coord", "POST", "/api/v1/calls/CALL-2/readiness", map[string]any{"readiness": "ready"}, 400, "the call is cancelled"},
	}
	for i, s := range steps {
		h.clk.Advance(time.Second)
		got, data, _ := h.do(s.method, s.path, s.who, s.body)
		if got != s.want {
			t.Fatalf("step %d: %s %s as %q: %d, want %d (%s)", i, s.method, s.path, s.who, got, s.want, data)
		}
		if s.msg != "" && !strings.Contains(errorOf(t, data), s.msg) {
			t.Fatalf("step %d: error %q does not say %q", i, errorOf(t, data), s.msg)
		}
	}
	_, data, _ := h.do("GET", "/api/v1/calls/CALL-1", "other", nil)
	v := decodeCallView(t, data)
	if v.Status != call.Ended || len(v.Decisions) != 1 || v.Decisions[0].By != "USAR-FR" || len(v.Reschedules) != 1 || v.Sequence != 1 {
		t.Fatalf("CALL-1: %s", data)
	}
	// Answers given before the reschedule are history, not current.
	if len(v.Readiness) != 3 || v.Tally != (callTally{NoAnswer: 3}) {
		t.Fatalf("CALL-1 readiness %d, tally %+v", len(v.Readiness), v.Tally)
	}
	if v.Brief == nil || v.Brief.Public {
		t.Fatalf("CALL-1 brief for a party: %+v", v.Brief)
	}
	// Each change has its audit entry by the caller.
	es := auditOf(t, h, "call/CALL-1")
	want := []string{"call.create coordinator", "call.readiness other", "call.readiness other", "call.readiness de", "call.reschedule coordinator",
		"call.open coordinator", "call.decision fr-coord", "call.ended admin"}
	if strings.Join(es, ",") != strings.Join(want, ",") {
		t.Fatalf("audit %v, want %v", es, want)
	}
}

// auditOf lists "action actor" of the audit entries of object, oldest
// first.
func auditOf(t *testing.T, h *testHub, object string) []string {
	t.Helper()
	_, data, _ := h.do("GET", "/api/v1/audit?limit=1000", "admin", nil)
	var es []struct {
		Action, Actor, Object string
	}
	if err := json.Unmarshal(data, &es); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	var out []string
	for _, e := range es {
		if e.Object == object {
			out = append(out, e.Action+" "+e.Actor)
		}
	}
	slices.Reverse(out) // the audit lists newest first
	return out
}

// TestCallVisibility: who sees calls of each visibility convened by
// USAR-AM inviting USAR-FR only.
func TestCallVisibility(t *testing.T) {
	h := reliefHub(t)
	for _, v := range []share.Visibility{share.Public, share.Parties, share.Org} {
		b := callBody("CALL-"+string(v), v)
		b["invitees"] = []map[string]any{{"org": "USAR-FR"}}
		if got, data, _ := h.do("POST", "/api/v1/calls", "coordinator", b); got != 201 {
			t.Fatalf("call %s: %d %s", v, got, data)
		}
	}
	cases := []struct {
		who  string
		sees []string
	}{
		{"coordinator", []string{"CALL-public", "CALL-parties", "CALL-org"}},
		{"field", []string{"CALL-public", "CALL-parties", "CALL-org"}},
		// Invited: sees even the call restricted to the convener's org.
		{"other", []string{"CALL-public", "CALL-parties", "CALL-org"}},
		{"de", []string{"CALL-public", "CALL-parties"}},
		// A viewer sees what the public sees, even of its own organisation.
		{"viewer", []string{"CALL-public"}},
	}
	for _, c := range cases {
		got, data, _ := h.do("GET", "/api/v1/calls", c.who, nil)
		if got != 200 {
			t.Fatalf("%s: %d %s", c.who, got, data)
		}
		var vs []callView
		if err := json.Unmarshal(data, &vs); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
		if strings.Join(ids, ",") != strings.Join(c.sees, ",") {
			t.Errorf("%s sees %v, want %v", c.who, ids, c.sees)
		}
		for _, id := range []string{"CALL-public", "CALL-parties", "CALL-org"} {
			want := 404
			if strings.Contains(strings.Join(c.sees, ","), id) {
				want = 200
			}
			for _, path := range []string{"/api/v1/calls/" + id, "/api/v1/calls/" + id + "/ics"} {
				if got, data, _ := h.do("GET", path, c.who, nil); got != want {
					t.Errorf("%s GET %s: %d, want %d (%s)", c.who, path, got, want, data)
				}
			}
			// Changing a call one may not see is answered like a missing one.
			if want == 404 {
				if got, _, _ := h.do("POST", "/api/v1/calls/"+id+"/decisions", c.who, map[string]any{"text": "x"}); got != 404 && got != 403 {
					t.Errorf("%s POST decision on %s: %d", c.who, id, got)
				}
			}
		}
	}
}

// TestCallEvents: each change publishes a call event; a restricted call's
// event carries nothing but its visibility.
func TestCallEvents(t *testing.T) {
	h := reliefHub(t)
	ch, ok := h.srv.events.subscribe()
	if !ok {
		t.Fatal("no subscription")
	}
	defer h.srv.events.unsubscribe(ch)
	pub := callBody("CALL-P", share.Public)
	h.do("POST", "/api/v1/calls", "coordinator", pub)
	h.do("POST", "/api/v1/calls/CALL-P/readiness", "other", map[string]any{"invitee": "USAR-FR", "readiness": "ready"})
	h.do("POST", "/api/v1/calls", "coordinator", callBody("CALL-R", share.Parties))
	var got []string
	for range 3 {
		select {
		case ev := <-ch:
			if ev.name != "call" {
				t.Fatalf("event %s", ev.name)
			}
			got = append(got, string(ev.data))
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
		}
	}
	var v callView
	if err := json.Unmarshal([]byte(got[1]), &v); err != nil || v.ID != "CALL-P" || v.Tally.Ready != 1 {
		t.Fatalf("public readiness event %s", got[1])
	}
	if got[2] != `{"visibility":"parties"}` {
		t.Fatalf("restricted event %s", got[2])
	}
}

// icsLines unfolds an iCalendar object (RFC 5545 §3.1) into its content
// lines, failing on a line not ended by CRLF or longer than 75 octets.
func icsLines(t *testing.T, b []byte) []string {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("iCalendar does not end with CRLF")
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := strings.Index(string(data), "\r\n"); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return 0, nil, fmt.Errorf("line without CRLF: %q", data)
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		l := sc.Text()
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// icsProps parses the VEVENT of an invitation: its properties by name
// (parameters dropped) and the calendar's METHOD, checking the
// BEGIN/END nesting.
func icsProps(t *testing.T, b []byte) map[string][]string {
	t.Helper()
	lines := icsLines(t, b)
	props := map[string][]string{}
	var stack []string
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("content line without ':': %q", l)
		}
		name, _, _ = strings.Cut(name, ";")
		switch name {
		case "BEGIN":
			stack = append(stack, value)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			props[name] = append(props[name], value)
		}
	}
	if len(stack) != 0 || lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not one VCALENDAR: %v", lines)
	}
	for _, req := range []string{"VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART", "SEQUENCE", "METHOD"} {
		if len(props[req]) != 1 {
			t.Fatalf("%s: %v", req, props[req])
		}
	}
	return props
}

// TestCallICS: the invitation parses, and SEQUENCE and DTSTART follow a
// reschedule and the cancellation.
func TestCallICS(t *testing.T) {
	h := reliefHub(t)
	b := callBody("CALL-1", share.Parties)
	start := t0.Add(time.Hour)
	b["start"] = start.Format(time.RFC3339)
	if got, data, _ := h.do("POST", "/api/v1/calls", "coordinator", b); got != 201 {
		t.Fatalf("%d %s", got, data)
	}
	get := func() map[string][]string {
		got, data, hdr := h.do("GET", "/api/v1/calls/CALL-1/ics", "de", nil)
		if got != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/calendar") {
			t.Fatalf("ics: %d %s %s", got, hdr.Get("Content-Type"), data)
		}
		return icsProps(t, data)
	}
	p := get()
	if p["SEQUENCE"][0] != "0" || p["METHOD"][0] != "REQUEST" || p["DTSTART"][0] != "20260207T103000Z" || p["DTEND"][0] != "20260207T110000Z" ||
		p["UID"][0] != "call-CALL-1@struna" || len(p["ATTENDEE"]) != 3 || p["ATTENDEE"][2] != "mailto:anna@example.org" {
		t.Fatalf("invitation %v", p)
	}
	h.clk.Advance(time.Minute)
	if got, data, _ := h.do("POST", "/api/v1/calls/CALL-1/reschedule", "coordinator", map[string]any{"start": t0.Add(3 * time.Hour).Format(time.RFC3339), "duration_minutes": 45}); got != 200 {
		t.Fatalf("%d %s", got, data)
	}
	p = get()
	if p["SEQUENCE"][0] != "1" || p["DTSTART"][0] != "20260207T123000Z" || p["DTEND"][0] != "20260207T131500Z" || p["DTSTAMP"][0] != "20260207T093100Z" {
		t.Fatalf("rescheduled invitation %v", p)
	}
	h.clk.Advance(time.Minute)
	if got, data, _ := h.do("POST", "/api/v1/calls/CALL-1/cancel", "coordinator", nil); got != 200 {
		t.Fatalf("%d %s", got, data)
	}
	p = get()
	if p["SEQUENCE"][0] != "2" || p["METHOD"][0] != "CANCEL" || p["STATUS"][0] != "CANCELLED" {
		t.Fatalf("cancelled invitation %v", p)
	}
}

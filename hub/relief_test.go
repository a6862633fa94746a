package hub

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/brief"
	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

// reliefHub is a test hub with two more tokens: "fr-coord", coordinator of
// USAR-FR, and "de", coordinator of a third organisation DE-THW.
func reliefHub(t *testing.T) *testHub {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	ctx := context.Background()
	boot := store.Actor{Name: "test", Role: "local"}
	if _, err := h.st.CreateOrg(ctx, boot, "DE-THW", "agency"); err != nil {
		t.Fatal(err)
	}
	for who, org := range map[string]string{"fr-coord": "USAR-FR", "de": "DE-THW"} {
		tok, err := IssueToken(ctx, h.st, boot, org, coordinator, who)
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[who] = tok
	}
	return h
}

func reqMsg(id string, kind relief.ResourceKind, vis share.Visibility) relief.Message {
	return relief.Message{ID: id, Type: relief.RequestResource, Sent: t0, Visibility: vis,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: kind}, Quantity: 1,
			Location: relief.Location{Lat: 40.18, Lon: 44.51, Place: "Gyumri"}, Priority: relief.Urgent}}
}

func offerMsg(id, req string, res relief.Resource, vis share.Visibility) relief.Message {
	return relief.Message{ID: id, Type: relief.ResponseToRequestResource, Sent: t0.Add(time.Hour), RequestID: req, Visibility: vis,
		Offer: &relief.Offer{Resource: res, Quantity: 1, ETA: t0.Add(10 * time.Hour)}}
}

func stepMsg(id string, typ relief.MessageType, offer string, at time.Duration) relief.Message {
	m := relief.Message{ID: id, Type: typ, Sent: t0.Add(at), OfferID: offer, Visibility: share.Parties}
	switch typ {
	case relief.RequisitionResource:
		m.Decision = &relief.Decision{Accept: true}
	case relief.CommitResource:
		m.Commit = &relief.Commitment{}
	case relief.ReportResourceDeploymentStatus:
		m.Status = &relief.StatusReport{Status: relief.Arrived, Worksite: "C-6"}
	case relief.ReleaseResource:
		m.Release = &relief.Release{}
	}
	return m
}

var frTeam = relief.Resource{Kind: relief.USARTeam, ID: "FRA-1", Name: "USAR France", Class: relief.Heavy, Size: 60}

// TestReliefWrites: who may post what, and the errors that name the field.
func TestReliefWrites(t *testing.T) {
	h := reliefHub(t)
	pub := reqMsg("R-1", relief.USARTeam, share.Parties)
	steps := []struct {
		who, path string
		body      any
		want      int
		msg       string
	}{
		{"field", "/api/v1/requests", pub, 403, "coordinator role"},
		{"viewer", "/api/v1/requests", pub, 403, "coordinator role"},
		{"coordinator", "/api/v1/requests", func() relief.Message { m := pub; m.From = "USAR-FR"; return m }(), 403, `"USAR-FR" is not the organisation`},
		{"coordinator", "/api/v1/requests", offerMsg("O-0", "R-1", frTeam, share.Parties), 400, "is not RequestResource"},
		{"coordinator", "/api/v1/requests", func() relief.Message {
			m := reqMsg("R-1", relief.USARTeam, share.Parties)
			m.Request.Quantity = 0
			return m
		}(), 400, "request.quantity"},
		{"coordinator", "/api/v1/requests", `{"id":"R-1","colour":"red"}`, 400, `unknown field "colour"`},
		{"coordinator", "/api/v1/requests", pub, 201, ""},
		{"admin", "/api/v1/requests", pub, 409, "R-1 already exists"},
		{"viewer", "/api/v1/offers", offerMsg("O-1", "R-1", frTeam, share.Parties), 403, "field role"},
		{"other", "/api/v1/offers", offerMsg("O-1", "R-404", frTeam, share.Parties), 404, "request R-404 does not exist"},
		{"coordinator", "/api/v1/offers", offerMsg("O-1", "R-1", frTeam, share.Parties), 400, "cannot offer to it"},
		{"other", "/api/v1/offers", offerMsg("O-1", "R-1", frTeam, share.Parties), 201, ""},
		// Deciding binds the organisation: a field token may not.
		{"field", "/api/v1/requests/R-1/messages", stepMsg("D-1", relief.RequisitionResource, "O-1", 2*time.Hour), 403, "coordinator role"},
		{"coordinator", "/api/v1/requests/R-2/messages", func() relief.Message {
			m := stepMsg("D-1", relief.RequisitionResource, "O-1", 2*time.Hour)
			m.RequestID = "R-1"
			return m
		}(), 400, "not R-2, the request of this path"},
		{"coordinator", "/api/v1/requests/R-1/messages", offerMsg("O-2", "R-1", frTeam, share.Parties), 400, "is not RequisitionResource"},
		{"fr-coord", "/api/v1/requests/R-1/messages", stepMsg("C-1", relief.CommitResource, "O-1", 2*time.Hour), 400, "after its acceptance"},
		{"fr-coord", "/api/v1/requests/R-1/messages", stepMsg("D-1", relief.RequisitionResource, "O-1", 2*time.Hour), 400, "only USAR-AM"},
		{"coordinator", "/api/v1/requests/R-1/messages", stepMsg("D-1", relief.RequisitionResource, "O-1", 2*time.Hour), 201, ""},
		{"fr-coord", "/api/v1/requests/R-1/messages", stepMsg("C-1", relief.CommitResource, "O-1", 3*time.Hour), 201, ""},
		{"other", "/api/v1/requests/R-1/messages", stepMsg("S-1", relief.ReportResourceDeploymentStatus, "O-1", 4*time.Hour), 201, ""},
	}
	for i, s := range steps {
		got, data, _ := h.do("POST", s.path, s.who, s.body)
		if got != s.want {
			t.Fatalf("step %d: %s as %s: %d, want %d (%s)", i, s.path, s.who, got, s.want, data)
		}
		if s.msg != "" && !strings.Contains(errorOf(t, data), s.msg) {
			t.Fatalf("step %d: error %q does not say %q", i, errorOf(t, data), s.msg)
		}
	}
	var view reliefView
	_, data, _ := h.do("GET", "/api/v1/requests", "coordinator", nil)
	if err := json.Unmarshal(data, &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Requests) != 1 || view.Requests[0].Fulfilment != relief.FulfilComplete || len(view.Requests[0].Offers) != 1 ||
		view.Requests[0].Offers[0].Status != relief.OfferArrived || view.Requests[0].Offers[0].Worksite != "C-6" {
		t.Fatalf("requests: %s", data)
	}
	// Each stored message has its audit entry, by the caller.
	es, err := h.st.Audit(context.Background(), store.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byObj := map[string]string{}
	for _, e := range es {
		byObj[e.Object] = e.Actor
	}
	for obj, actor := range map[string]string{"relief/R-1": "coordinator", "relief/O-1": "other", "relief/D-1": "coordinator", "relief/C-1": "fr-coord", "relief/S-1": "other"} {
		if byObj[obj] != actor {
			t.Errorf("audit of %s by %q, want %q", obj, byObj[obj], actor)
		}
	}
}

// TestReliefVisibility: each kind of caller against records of each
// visibility owned by USAR-AM, as a table.
func TestReliefVisibility(t *testing.T) {
	h := reliefHub(t)
	for _, v := range []share.Visibility{share.Public, share.Parties, share.Org} {
		m := reqMsg("R-"+string(v), relief.USARTeam, v)
		if got, data, _ := h.do("POST", "/api/v1/requests", "coordinator", m); got != 201 {
			t.Fatalf("request %s: %d %s", v, got, data)
		}
	}
	// Offers of each visibility by USAR-FR to the public request.
	for _, v := range []share.Visibility{share.Public, share.Parties, share.Org} {
		res := frTeam
		res.ID = "FRA-" + string(v)
		if got, data, _ := h.do("POST", "/api/v1/offers", "other", offerMsg("O-"+string(v), "R-public", res, v)); got != 201 {
			t.Fatalf("offer %s: %d %s", v, got, data)
		}
	}
	cases := []struct {
		who      string
		requests []string
		offers   []string // of R-public
	}{
		{"coordinator", []string{"R-public", "R-parties", "R-org"}, []string{"O-public", "O-parties"}},
		{"field", []string{"R-public", "R-parties", "R-org"}, []string{"O-public", "O-parties"}},
		{"other", []string{"R-public", "R-parties"}, []string{"O-public", "O-parties", "O-org"}},
		{"de", []string{"R-public", "R-parties"}, []string{"O-public", "O-parties"}},
		// A viewer sees what the public sees, even of its own organisation.
		{"viewer", []string{"R-public"}, []string{"O-public"}},
	}
	for _, c := range cases {
		var view reliefView
		got, data, _ := h.do("GET", "/api/v1/requests", c.who, nil)
		if got != 200 {
			t.Fatalf("%s: %d %s", c.who, got, data)
		}
		if err := json.Unmarshal(data, &view); err != nil {
			t.Fatal(err)
		}
		var reqs, offers []string
		for _, r := range view.Requests {
			reqs = append(reqs, r.RequestID)
			if r.RequestID == "R-public" {
				for _, o := range r.Offers {
					offers = append(offers, o.OfferID)
				}
			}
		}
		if strings.Join(reqs, ",") != strings.Join(c.requests, ",") || strings.Join(offers, ",") != strings.Join(c.offers, ",") {
			t.Errorf("%s sees requests %v offers %v, want %v %v", c.who, reqs, offers, c.requests, c.offers)
		}
		// The same rule on one thread, its EDXL export, the HXL tables and
		// the brief.
		for _, id := range []string{"R-public", "R-parties", "R-org"} {
			want := 404
			for _, r := range c.requests {
				if r == id {
					want = 200
				}
			}
			for _, path := range []string{"/api/v1/requests/" + id, "/api/v1/requests/" + id + "/edxl"} {
				if got, data, _ := h.do("GET", path, c.who, nil); got != want {
					t.Errorf("%s GET %s: %d, want %d (%s)", c.who, path, got, want, data)
				}
			}
		}
		_, edx, _ := h.do("GET", "/api/v1/requests/R-public/edxl", c.who, nil)
		_, csv, _ := h.do("GET", "/api/v1/requests.hxl.csv?table=offers", c.who, nil)
		_, md, _ := h.do("GET", "/api/v1/brief?format=md", c.who, nil)
		for _, o := range []string{"O-public", "O-parties", "O-org"} {
			want := strings.Contains(strings.Join(c.offers, ","), o)
			if strings.Contains(string(edx), o) != want || strings.Contains(string(csv), o) != want {
				t.Errorf("%s: %s in EDXL %v, in HXL %v, want %v", c.who, o, strings.Contains(string(edx), o), strings.Contains(string(csv), o), want)
			}
		}
		for _, r := range []string{"R-parties", "R-org"} {
			want := strings.Contains(strings.Join(c.requests, ","), r)
			if strings.Contains(string(md), r) != want {
				t.Errorf("%s: %s in brief %v, want %v", c.who, r, !want, want)
			}
		}
	}
}

// TestReliefScenario follows issue 6's scenario as far as the hub carries
// it: the affected state (USAR-AM) requests USAR teams and building
// diagnostics; two partners offer, one offer is flagged as a duplicate; a
// team is committed and arrives; its diagnostics crew pushes assessments;
// the brief reflects it; a viewer sees none of the restricted records.
func TestReliefScenario(t *testing.T) {
	h := reliefHub(t)
	post := func(who, path string, body any) {
		t.Helper()
		if got, data, _ := h.do("POST", path, who, body); got != 201 {
			t.Fatalf("POST %s as %s: %d %s", path, who, got, data)
		}
	}
	post("coordinator", "/api/v1/requests", reqMsg("R-USAR", relief.USARTeam, share.Parties))
	post("coordinator", "/api/v1/requests", reqMsg("R-DIAG", relief.DiagnosticsTeam, share.Parties))
	post("fr-coord", "/api/v1/offers", offerMsg("O-FR", "R-USAR", frTeam, share.Parties))
	// The same team offered again through another body, half an hour later.
	de := offerMsg("O-DE", "R-USAR", frTeam, share.Parties)
	de.Sent = de.Sent.Add(30 * time.Minute)
	post("de", "/api/v1/offers", de)
	diag := relief.Resource{Kind: relief.DiagnosticsTeam, ID: "FRA-DIAG", Type: "mobile diagnostic complex", Size: 6}
	post("fr-coord", "/api/v1/offers", offerMsg("O-FR-DIAG", "R-DIAG", diag, share.Parties))
	for _, o := range []struct{ req, offer string }{{"R-USAR", "O-FR"}, {"R-DIAG", "O-FR-DIAG"}} {
		post("coordinator", "/api/v1/requests/"+o.req+"/messages", stepMsg("D-"+o.offer, relief.RequisitionResource, o.offer, 2*time.Hour))
		post("fr-coord", "/api/v1/requests/"+o.req+"/messages", stepMsg("C-"+o.offer, relief.CommitResource, o.offer, 3*time.Hour))
		post("other", "/api/v1/requests/"+o.req+"/messages", stepMsg("S-"+o.offer, relief.ReportResourceDeploymentStatus, o.offer, 12*time.Hour))
	}
	// The diagnostics crew pushes its assessments.
	// Public, so the viewer's brief below counts it (visibility_test.go).
	if st, data, _ := h.do("POST", "/api/v1/assessments?visibility=public", "other", hubtest.JSON(t, hubtest.Report("B-1", t0.Add(13*time.Hour), "red"))); st != 201 {
		t.Fatalf("report: %d %s", st, data)
	}
	if st, data := h.postReport("other", "B-2", t0.Add(13*time.Hour), "green"); st != 201 {
		t.Fatalf("report: %d %s", st, data)
	}

	var view reliefView
	_, data, _ := h.do("GET", "/api/v1/requests", "coordinator", nil)
	if err := json.Unmarshal(data, &view); err != nil {
		t.Fatal(err)
	}
	var dup *relief.Flag
	for _, r := range view.Requests {
		for _, o := range r.Offers {
			if o.Duplicate != nil {
				if dup != nil {
					t.Fatalf("two offers flagged: %s", data)
				}
				dup = o.Duplicate
			}
		}
	}
	if dup == nil || dup.OfferID != "O-DE" || dup.Of != "O-FR" || dup.Rule != relief.SameResource {
		t.Fatalf("duplicate flag %+v, want O-DE same_resource of O-FR", dup)
	}

	var b brief.Brief
	_, data, _ = h.do("GET", "/api/v1/brief", "coordinator", nil)
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	hl := b.Headline
	if hl.TeamsOnSite != 2 || hl.DuplicateOffers != 1 || hl.Red != 1 || hl.Green != 1 || hl.OpenRequests != 0 || len(b.Requests) != 2 {
		t.Fatalf("brief headline %+v, %d requests", hl, len(b.Requests))
	}
	_, md, hdr := h.do("GET", "/api/v1/brief?format=md", "coordinator", nil)
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/markdown") || !strings.Contains(string(md), "FRA-1") || !strings.Contains(string(md), "B-1") {
		t.Fatalf("brief markdown (%s):\n%s", hdr.Get("Content-Type"), md)
	}

	// Exports.
	_, x, hdr := h.do("GET", "/api/v1/requests/R-USAR/edxl", "coordinator", nil)
	for _, want := range []string{"urn:oasis:names:tc:emergency:EDXL:RM:1.0", "RequestResource", "CommitResource", "ReportResourceDeploymentStatus"} {
		if !strings.Contains(string(x), want) {
			t.Errorf("EDXL lacks %q:\n%s", want, x)
		}
	}
	if !strings.HasPrefix(hdr.Get("Content-Type"), "application/xml") {
		t.Errorf("EDXL content type %q", hdr.Get("Content-Type"))
	}
	got, capx, _ := h.do("GET", "/api/v1/hazards.cap", "viewer", nil)
	if got != 200 || !strings.Contains(string(capx), "urn:oasis:names:tc:emergency:cap:1.2") || !strings.Contains(string(capx), "<polygon>") ||
		!strings.Contains(string(capx), "B-1") || strings.Contains(string(capx), "B-2") {
		t.Errorf("CAP alert (%d):\n%s", got, capx)
	}
	_, csv, _ := h.do("GET", "/api/v1/requests.hxl.csv", "coordinator", nil)
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "#") || !strings.Contains(string(csv), "R-DIAG") {
		t.Errorf("HXL requests:\n%s", csv)
	}

	// A coordination call is convened now with the agenda left to the
	// hub; the invitees get ready; the brief attached to the call reflects
	// the requests, offers, teams and buildings; a decision is logged.
	callReq := map[string]any{"id": "CALL-1", "title": "USAR coordination", "start": "now", "duration_minutes": 30, "visibility": "parties",
		"invitees": []map[string]any{{"org": "USAR-FR"}, {"org": "DE-THW"}}}
	got, data, _ = h.do("POST", "/api/v1/calls", "coordinator", callReq)
	cv := decodeCallView(t, data)
	if got != 201 || !cv.Immediate || len(cv.Agenda) == 0 || !strings.Contains(strings.Join(cv.Agenda, "\n"), "O-DE") {
		t.Fatalf("call (%d): agenda %q, want one proposed from the brief (duplicate O-DE): %s", got, cv.Agenda, data)
	}
	post2 := func(who, path string, body any) callView {
		t.Helper()
		h.clk.Advance(time.Second)
		got, data, _ := h.do("POST", path, who, body)
		if got != 200 {
			t.Fatalf("POST %s as %s: %d %s", path, who, got, data)
		}
		return decodeCallView(t, data)
	}
	post2("fr-coord", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "ready"})
	cv = post2("de", "/api/v1/calls/CALL-1/readiness", map[string]any{"readiness": "delayed", "delay_minutes": 5})
	if cv.Tally != (callTally{Ready: 1, Delayed: 1}) {
		t.Fatalf("call tally %+v", cv.Tally)
	}
	post2("coordinator", "/api/v1/calls/CALL-1/open", nil)
	post2("fr-coord", "/api/v1/calls/CALL-1/decisions", map[string]any{"text": "O-DE withdrawn as a duplicate of O-FR; FRA-1 keeps C-6"})
	_, data, _ = h.do("GET", "/api/v1/calls/CALL-1", "de", nil)
	cv = decodeCallView(t, data)
	if cv.Status != call.Open || len(cv.Decisions) != 1 || cv.Decisions[0].By != "USAR-FR" || cv.Brief == nil {
		t.Fatalf("call: %s", data)
	}
	cb := cv.Brief.Headline
	if len(cv.Brief.Requests) != 2 || cb.DuplicateOffers != 1 || cb.TeamsOnSite != 2 || cb.Red != 1 || cb.Green != 1 {
		t.Fatalf("call brief headline %+v, %d requests", cb, len(cv.Brief.Requests))
	}
	if got, _, _ := h.do("GET", "/api/v1/calls/CALL-1", "viewer", nil); got != 404 {
		t.Errorf("viewer GET call: %d, want 404", got)
	}

	// The partner sends a signed official message; the affected state
	// verifies it with the key the hub publishes for the sender.
	fr := testKey(7)
	post("fr-coord", "/api/v1/keys", keyRequest{pubB64(fr)})
	note := msg.Message{ID: "M-THANKS", From: "USAR-FR", To: []string{"USAR-AM"}, Kind: msg.Note,
		Subject: "FRA-1 on site", Body: "FRA-1 is deployed at C-6; diagnostics crew reports pushed.", Created: t0, Visibility: share.Parties}
	signed, err := msg.Sign(note, fr)
	if err != nil {
		t.Fatal(err)
	}
	post("fr-coord", "/api/v1/messages", signed)
	var inbox []store.OfficialMessage
	_, data, _ = h.do("GET", "/api/v1/messages", "coordinator", nil)
	if err := json.Unmarshal(data, &inbox); err != nil || len(inbox) != 1 {
		t.Fatalf("recipient's messages: %s (%v)", data, err)
	}
	var keys []store.SigningKey
	_, kdata, _ := h.do("GET", "/api/v1/keys?org=USAR-FR", "coordinator", nil)
	if err := json.Unmarshal(kdata, &keys); err != nil || len(keys) != 1 {
		t.Fatalf("keys: %s (%v)", kdata, err)
	}
	if err := msg.Verify(inbox[0].Signed, keys[0].PublicKey); err != nil {
		t.Fatalf("the recipient cannot verify the partner's message: %v", err)
	}
	if _, data, _ = h.do("GET", "/api/v1/messages", "viewer", nil); strings.Contains(string(data), "M-THANKS") {
		t.Errorf("viewer reads the official message: %s", data)
	}

	// A viewer without rights sees none of it.
	_, data, _ = h.do("GET", "/api/v1/requests", "viewer", nil)
	if string(data) != `{"requests":[],"unsolicited":[]}`+"\n" {
		t.Errorf("viewer sees %s", data)
	}
	_, data, _ = h.do("GET", "/api/v1/brief", "viewer", nil)
	var vb brief.Brief
	if err := json.Unmarshal(data, &vb); err != nil {
		t.Fatal(err)
	}
	if !vb.Public || len(vb.Requests) != 0 || len(vb.Offers) != 0 || len(vb.Teams) != 0 || len(vb.Duplicates) != 0 || vb.Headline.Red != 1 {
		t.Errorf("viewer's brief: %s", data)
	}
	for _, path := range []string{"/api/v1/requests/R-USAR", "/api/v1/requests/R-USAR/edxl"} {
		if got, _, _ := h.do("GET", path, "viewer", nil); got != 404 {
			t.Errorf("viewer GET %s: %d, want 404", path, got)
		}
	}
	_, csv, _ = h.do("GET", "/api/v1/requests.hxl.csv?table=offers", "viewer", nil)
	if strings.Contains(string(csv), "O-") {
		t.Errorf("viewer's HXL offers:\n%s", csv)
	}
}

package relief_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/brief"
	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/cap"
	"github.com/struna/struna/relief/edxl"
	"github.com/struna/struna/relief/hxl"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
)

// TestScenario is issue 6's "done when" scenario on the pure core (the hub
// adds storage, the API and the live stream around it): the affected state
// requests USAR teams and building diagnostics; two partners offer, one
// offer is flagged as a duplicate; a team is committed and arrives; its
// diagnostics crew's assessments put placards on buildings; a coordination
// call is convened, invitees get ready, the brief reflects everything, a
// decision is logged; a partner sends a signed message that the recipient
// verifies; a viewer without rights sees none of the restricted records.
func TestScenario(t *testing.T) {
	t0 := time.Date(2023, 2, 6, 4, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	policy := share.Policy{Parties: []string{"TR-AFAD", "TR-MFA", "RU-EMERCOM", "RU-MFA"}}
	must := func(th relief.Thread, err error) relief.Thread {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	kahramanmaras := relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş", Admin1: "Kahramanmaraş"}

	// 1. The affected state requests two USAR teams and building diagnostics.
	usarReq, err := relief.NewThread(relief.Message{ID: "R-1", Type: relief.RequestResource, Sent: at(0), From: "TR-AFAD",
		Incident: "TR-2023-EQ", Visibility: share.Parties,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.USARTeam, Class: relief.Medium}, Quantity: 2,
			Location: kahramanmaras, NeededBy: at(24), Priority: relief.Urgent}})
	if err != nil {
		t.Fatal(err)
	}
	diagReq, err := relief.NewThread(relief.Message{ID: "R-2", Type: relief.RequestResource, Sent: at(0.5), From: "TR-AFAD",
		Incident: "TR-2023-EQ", Visibility: share.Parties,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.DiagnosticsTeam, Type: "building diagnostics"}, Quantity: 1,
			Location: kahramanmaras, NeededBy: at(48), Priority: relief.High}})
	if err != nil {
		t.Fatal(err)
	}

	// 2. Two partners offer; the ministry offers the agency's team again.
	rus1 := relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Name: "EMERCOM rescue detachment", Class: relief.Heavy, Size: 60}
	usarReq = must(usarReq.Append(relief.Message{ID: "O-1", Type: relief.ResponseToRequestResource, Sent: at(1), From: "RU-EMERCOM",
		RequestID: "R-1", Visibility: share.Parties, Offer: &relief.Offer{Resource: rus1, Quantity: 1, ETA: at(12)}}))
	usarReq = must(usarReq.Append(relief.Message{ID: "O-2", Type: relief.ResponseToRequestResource, Sent: at(1.5), From: "RU-MFA",
		RequestID: "R-1", Visibility: share.Parties, Offer: &relief.Offer{Resource: rus1, Quantity: 1, ETA: at(13)}}))
	diagReq = must(diagReq.Append(relief.Message{ID: "O-3", Type: relief.ResponseToRequestResource, Sent: at(2), From: "RU-EMERCOM",
		RequestID: "R-2", Visibility: share.Parties, Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.DiagnosticsTeam,
			ID: "RUS-1-DIAG", Name: "diagnostics crew", Type: "mobile diagnostic complex", Size: 4}, Quantity: 1, ETA: at(12)}}))
	flags := relief.FlagDuplicates([]relief.Thread{usarReq, diagReq}, nil, relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance})
	if len(flags) != 1 || flags[0].OfferID != "O-2" || flags[0].Of != "O-1" {
		t.Fatalf("duplicates: %+v", flags)
	}

	// 3. The team and its diagnostics crew are accepted, committed, and arrive.
	for _, step := range []struct {
		th  *relief.Thread
		req string
		off string
		n   string
		h   float64
	}{{&usarReq, "R-1", "O-1", "1", 3}, {&diagReq, "R-2", "O-3", "3", 3}} {
		*step.th = must(step.th.Append(relief.Message{ID: "D-" + step.n, Type: relief.RequisitionResource, Sent: at(step.h), From: "TR-AFAD",
			RequestID: step.req, OfferID: step.off, Visibility: share.Parties, Decision: &relief.Decision{Accept: true}}))
		*step.th = must(step.th.Append(relief.Message{ID: "C-" + step.n, Type: relief.CommitResource, Sent: at(step.h + 0.5), From: "RU-EMERCOM",
			RequestID: step.req, OfferID: step.off, Visibility: share.Parties, Commit: &relief.Commitment{}}))
		*step.th = must(step.th.Append(relief.Message{ID: "S-" + step.n, Type: relief.ReportResourceDeploymentStatus, Sent: at(12), From: "RU-EMERCOM",
			RequestID: step.req, OfferID: step.off, Visibility: share.Parties, Status: &relief.StatusReport{Status: relief.Arrived}}))
	}
	if st := usarReq.State(); st.Fulfilment != relief.FulfilPartial || st.Arrived != 1 {
		t.Fatalf("R-1: %+v", st)
	}
	if st := diagReq.State(); st.Fulfilment != relief.FulfilComplete || st.OnSite != relief.FulfilComplete {
		t.Fatalf("R-2: %+v", st)
	}

	// 4. The diagnostics crew's assessments (pushed to the hub) placard buildings.
	buildings := []brief.Building{
		{ID: "C-6", Name: "Block B", Placard: "red", Team: "RUS-1", Trapped: share.Trapped{Count: 2, Locations: []share.Point{{Lat: 37.5859, Lon: 36.9372}}},
			Org: "TR-AFAD", Visibility: share.Public},
		{ID: "C-7", Name: "Market hall", Placard: "red", Org: "TR-AFAD", Visibility: share.Public},
		{ID: "C-9", Name: "School No. 4", Placard: "yellow", Org: "TR-AFAD", Visibility: share.Public},
		{ID: "C-10", Name: "Hospital annex", Placard: "green", Org: "TR-AFAD", Visibility: share.Parties},
	}
	snap := brief.Snapshot{Incident: "TR-2023-EQ", At: at(14), Threads: []relief.Thread{usarReq, diagReq}, Buildings: buildings,
		SafeAreas: []brief.Area{{ID: "A-1", Kind: "assembly", Name: "Stadium", Org: "TR-AFAD", Visibility: share.Public}},
		Pending:   []brief.Pending{{ID: "P-1", Text: "Who takes worksite C-7", RaisedBy: "TR-AFAD", Since: at(13), Org: "TR-AFAD", Visibility: share.Parties}},
		Rules:     relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance}}

	// 5. A coordination call is convened now, with the agenda from the brief.
	coordinator := share.Viewer{Org: "TR-AFAD", Role: share.Coordinator}
	b := brief.Build(snap, policy, coordinator)
	c, err := call.New(call.Spec{ID: "call-1", Incident: "TR-2023-EQ", Title: "USAR and diagnostics coordination", Convener: "TR-AFAD",
		Invitees: []call.Invitee{{ID: "p-emercom", Name: "EMERCOM team leader", Org: "RU-EMERCOM"}, {ID: "p-mfa", Name: "RU MFA desk", Org: "RU-MFA"}},
		Duration: 30 * time.Minute, Agenda: brief.AgendaTitles(brief.Agenda(b)), Visibility: share.Parties}, at(14))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadiness("p-emercom", call.Ready, 0, "", at(14.05))
	_ = c.SetReadiness("p-mfa", call.Delayed, 5, "in another meeting", at(14.06))
	if tally := c.Tally(); tally.Ready != 1 || tally.Delayed != 1 {
		t.Fatalf("readiness %+v", tally)
	}
	h := b.Headline
	if h.OpenRequests != 1 || h.DuplicateOffers != 1 || h.TeamsOnSite != 2 || h.Red != 2 || h.Yellow != 1 || h.Green != 1 ||
		h.RedWithoutTeam != 1 || h.TrappedReported != 2 || h.SafeAreas != 1 || h.PendingDecisions != 1 {
		t.Fatalf("brief headline %+v", h)
	}
	if !strings.Contains(strings.Join(c.Agenda, "\n"), "Resolve 1 duplicate offer: O-2") || !strings.Contains(strings.Join(c.Agenda, "\n"), "red building: C-7") {
		t.Fatalf("agenda %q", c.Agenda)
	}
	if err := c.Open(at(14.1)); err != nil {
		t.Fatal(err)
	}
	if err := c.LogDecision("THW team takes worksite C-7; O-2 declined as a duplicate of O-1.", "TR-AFAD", at(14.3)); err != nil {
		t.Fatal(err)
	}
	if ics := call.ICS(c); !bytes.Contains(ics, []byte("BEGIN:VEVENT\r\n")) {
		t.Fatal("no invitation")
	}

	// 6. A partner sends a signed message; the recipient verifies it and signs a receipt.
	ruPub, ruPriv := keyPair(1)
	trPub, trPriv := keyPair(2)
	keys := msg.Keys{"RU-MFA": {ruPub}, "TR-MFA": {trPub}}
	sm, err := msg.Sign(msg.Message{ID: "M-1", Incident: "TR-2023-EQ", From: "RU-MFA", To: []string{"TR-MFA"}, Kind: msg.Condolence,
		Subject: "Condolences", Body: "Deepest condolences to the families of the victims.", Created: at(14.4), Visibility: share.Parties}, ruPriv)
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Verify(sm); err != nil {
		t.Fatalf("recipient cannot verify: %v", err)
	}
	r, err := msg.NewReceipt(sm, msg.Read, "TR-MFA", at(14.5))
	if err != nil {
		t.Fatal(err)
	}
	sr, _ := msg.SignReceipt(r, trPriv)
	if err := msg.VerifyReceipt(sr, sm, trPub); err != nil {
		t.Fatal(err)
	}

	// 7. A viewer without rights sees none of the restricted records.
	anon := share.Viewer{}
	pb := brief.Build(snap, policy, anon)
	if len(pb.Requests) != 0 || len(pb.Offers) != 0 || len(pb.Pending) != 0 || pb.Headline.Buildings != 3 || pb.Headline.TrappedReported != 0 {
		t.Errorf("public brief shows restricted records: %+v", pb)
	}
	for _, rb := range pb.RedBuildings {
		if rb.Trapped != 0 {
			t.Errorf("public sees trapped persons in %s", rb.ID)
		}
	}
	if policy.CanSee(anon, c.Convener, c.Visibility) || len(share.Filter(policy, anon, []msg.Message{sm.Message}, nil)) != 0 ||
		len(share.Filter(policy, anon, usarReq.Messages(), nil)) != 0 {
		t.Error("anonymous viewer sees the call, the message or the thread")
	}
	outsider := share.Viewer{Org: "ACME", Role: share.Member}
	if len(brief.Build(snap, policy, outsider).Requests) != 0 {
		t.Error("non-party sees requests")
	}

	// 8. Interoperability exports.
	d, err := edxl.Thread(usarReq, edxl.Options{DistributionID: "x-1", SenderID: "hub@struna.example", Sent: at(15)})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := edxl.Marshal(d)
	if err := xml.Unmarshal(doc, new(edxl.Distribution)); err != nil || len(d.ContentObjects) != usarReq.Len() {
		t.Errorf("EDXL-RM export: %v", err)
	}
	var red []cap.Building
	for _, bl := range pb.RedBuildings { // what the public may see
		red = append(red, cap.Building{ID: bl.ID, Name: bl.Name, Lat: 37.5858, Lon: 36.9371, RadiusKm: 0.05})
	}
	alert, err := cap.UnsafeBuildings(cap.Header{Identifier: "unsafe-1", Sender: "hub@struna.example", Sent: at(15), Status: cap.Actual,
		MsgType: cap.MsgAlert, Scope: cap.Public}, red)
	if err != nil || len(alert.Info[0].Area) != 2 {
		t.Errorf("CAP export: %v", err)
	}
	if _, err := hxl.Requests([]relief.State{usarReq.State(), diagReq.State()}).CSV(); err != nil {
		t.Error(err)
	}
}

func keyPair(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

package brief

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2023, 2, 6, 6, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

var policy = share.Policy{Parties: []string{"TR-AFAD", "RU-EMERCOM", "RU-MFA", "JP-JICA", "IL-IDF", "UN-OCHA"}}

func thread(t testing.TB, msgs ...relief.Message) relief.Thread {
	t.Helper()
	th, err := relief.NewThread(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs[1:] {
		if th, err = th.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	return th
}

func req(id string, kind relief.ResourceKind, q int, p relief.Priority, needed float64, vis share.Visibility) relief.Message {
	return relief.Message{ID: id, Type: relief.RequestResource, Sent: t0, From: "TR-AFAD", Visibility: vis,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: kind}, Quantity: q, Priority: p, NeededBy: at(needed),
			Location: relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş"}}}
}

func off(id, r, org string, res relief.Resource, sent, eta float64) relief.Message {
	return relief.Message{ID: id, Type: relief.ResponseToRequestResource, Sent: at(sent), From: org, RequestID: r, Visibility: share.Parties,
		Offer: &relief.Offer{Resource: res, Quantity: 1, ETA: at(eta)}}
}

func step(typ relief.MessageType, id, r, o, org string, sent float64) relief.Message {
	m := relief.Message{ID: id, Type: typ, Sent: at(sent), From: org, RequestID: r, OfferID: o, Visibility: share.Parties}
	switch typ {
	case relief.RequisitionResource:
		m.Decision = &relief.Decision{Accept: true}
	case relief.CommitResource:
		m.Commit = &relief.Commitment{}
	}
	return m
}

func status(id, r, o, org string, s relief.DeploymentStatus, sent float64, worksite string) relief.Message {
	return relief.Message{ID: id, Type: relief.ReportResourceDeploymentStatus, Sent: at(sent), From: org, RequestID: r, OfferID: o,
		Visibility: share.Parties, Status: &relief.StatusReport{Status: s, Worksite: worksite}}
}

func snapshot(t *testing.T) Snapshot {
	rus1 := relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Name: "EMERCOM rescue detachment", Class: relief.Heavy, Size: 60}
	r1 := thread(t, req("R-1", relief.USARTeam, 2, relief.Urgent, 24, share.Parties),
		off("O-1", "R-1", "RU-EMERCOM", rus1, 0.5, 3),
		step(relief.RequisitionResource, "D-1", "R-1", "O-1", "TR-AFAD", 1),
		step(relief.CommitResource, "C-1", "R-1", "O-1", "RU-EMERCOM", 1.5),
		status("S-1", "R-1", "O-1", "RU-EMERCOM", relief.Arrived, 3, ""),
		status("S-2", "R-1", "O-1", "RU-EMERCOM", relief.Deployed, 4, "C-6"),
		off("O-2", "R-1", "RU-MFA", rus1, 1, 3.5),
	)
	r2 := thread(t, req("R-2", relief.DiagnosticsTeam, 1, relief.High, 2, share.Parties),
		off("O-3", "R-2", "JP-JICA", relief.Resource{Kind: relief.DiagnosticsTeam, Name: "JICA building experts"}, 1, 20))
	r3 := thread(t, req("R-3", relief.Aircraft, 1, relief.Normal, 48, share.Org),
		off("O-4", "R-3", "RU-EMERCOM", relief.Resource{Kind: relief.Aircraft, Type: "Il-76", Capacity: 42, CapacityUnit: "t"}, 1, 10),
		step(relief.RequisitionResource, "D-4", "R-3", "O-4", "TR-AFAD", 2),
		step(relief.CommitResource, "C-4", "R-3", "O-4", "RU-EMERCOM", 3))
	loose := relief.Message{ID: "O-5", Type: relief.OfferUnsolicitedResource, Sent: at(2), From: "IL-IDF", Visibility: share.Public,
		Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.MedicalTeam, Type: "EMT 2"}, Quantity: 1, InRegion: true}}
	return Snapshot{
		Incident: "TR-2023-EQ", At: at(6),
		Threads: []relief.Thread{r1, r2, r3},
		Loose:   []relief.Message{loose},
		Teams:   []Team{{ID: "TR-AKUT-1", Name: "AKUT", Org: "TR-AFAD", Kind: relief.USARTeam, Status: relief.Deployed, Worksite: "C-9", Visibility: share.Public}},
		Buildings: []Building{
			{ID: "C-6", Name: "Block B", Placard: "red", Team: "RUS-1", Trapped: share.Trapped{Count: 2, Locations: []share.Point{{Lat: 37.58, Lon: 36.93}}}, Org: "TR-AFAD", Visibility: share.Parties},
			{ID: "C-7", Name: "Market hall", Placard: "red", Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-8", Name: "School No. 4", Placard: "red", Trapped: share.Trapped{Count: 3, Note: "knocking heard"}, Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-9", Name: "Hospital annex", Placard: "yellow", Team: "TR-AKUT-1", Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-10", Name: "Mosque", Placard: "green", Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-11", Name: "Shop", Org: "TR-AFAD", Visibility: share.Public},
			{ID: "C-12", Name: "Ministry archive", Placard: "red", Org: "TR-AFAD", Visibility: share.Org},
		},
		SafeAreas: []Area{
			{ID: "A-2", Kind: "base", Name: "Base of operations, stadium car park", Org: "UN-OCHA", Visibility: share.Parties},
			{ID: "A-1", Kind: "assembly", Name: "Stadium", Org: "TR-AFAD", Visibility: share.Public},
		},
		Hazards: []Hazard{{ID: "H-1", Kind: "gas_leak", Detail: "smell of gas", BuildingID: "C-7", Org: "TR-AFAD", Visibility: share.Public}},
		Pending: []Pending{{ID: "P-1", Text: "Night shift rotation for USAR teams", RaisedBy: "UN-OCHA", Since: at(5), Org: "UN-OCHA", Visibility: share.Parties}},
		Rules:   relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance},
	}
}

func ids[T any](xs []T, id func(T) string) string {
	var s []string
	for _, x := range xs {
		s = append(s, id(x))
	}
	return strings.Join(s, ",")
}

func TestBuildParty(t *testing.T) {
	b := Build(snapshot(t), policy, share.Viewer{Org: "RU-EMERCOM", Role: share.Member})
	want := Headline{OpenRequests: 2, UrgentUnfulfilled: 2, Overdue: 1, OffersAwaiting: 3, DuplicateOffers: 1,
		TeamsOnSite: 2, TeamsEnRoute: 0, Buildings: 6, Red: 3, Yellow: 1, Green: 1, Unassessed: 1, RedWithoutTeam: 2,
		TrappedReported: 5, SafeAreas: 2, Hazards: 1, PendingDecisions: 1}
	if b.Headline != want {
		t.Errorf("headline\n got %+v\nwant %+v", b.Headline, want)
	}
	if b.Public {
		t.Error("a party's brief is marked public")
	}
	if got := ids(b.Requests, func(r RequestLine) string { return r.ID }); got != "R-1,R-2" {
		t.Errorf("requests %s", got)
	}
	if r := b.Requests[0]; r.Committed != 1 || r.Arrived != 1 || r.Fulfilment != relief.FulfilPartial || r.Overdue {
		t.Errorf("R-1 line %+v", r)
	}
	if !b.Requests[1].Overdue {
		t.Error("R-2 is past its needed-by time with nothing on site")
	}
	if got := ids(b.Offers, func(o OfferLine) string { return o.ID }); got != "O-2,O-3,O-5" {
		t.Errorf("open offers %s", got)
	}
	if len(b.Duplicates) != 1 || b.Duplicates[0].OfferID != "O-2" || b.Duplicates[0].Rule != relief.SameResource || b.Offers[0].Duplicate == "" {
		t.Errorf("duplicates %+v", b.Duplicates)
	}
	if got := ids(b.Teams, func(l TeamLine) string { return l.ID + ":" + string(l.Status) + "@" + l.Worksite }); got != "RUS-1:deployed@C-6,TR-AKUT-1:deployed@C-9" {
		t.Errorf("teams %s", got)
	}
	if got := ids(b.RedBuildings, func(l BuildingLine) string { return fmt.Sprintf("%s/%d/%s", l.ID, l.Trapped, l.Team) }); got != "C-8/3/,C-6/2/RUS-1,C-7/0/" {
		t.Errorf("red buildings %s", got)
	}
	if got := ids(b.SafeAreas, func(a Area) string { return a.ID }); got != "A-1,A-2" {
		t.Errorf("safe areas %s", got)
	}
	agenda := AgendaTitles(Agenda(b))
	wantAgenda := []string{
		"Cover 2 unfulfilled urgent or high-priority requests: R-1, R-2",
		"Resolve 1 duplicate offer: O-2",
		"Assign teams to 2 red buildings: C-8, C-7",
		"Accept or decline 2 offers: O-3, O-5",
		"Decide: Night shift rotation for USAR teams",
	}
	if !slices.Equal(agenda, wantAgenda) {
		t.Errorf("agenda\n%q\nwant\n%q", agenda, wantAgenda)
	}
}

func TestBuildOwner(t *testing.T) {
	b := Build(snapshot(t), policy, share.Viewer{Org: "TR-AFAD", Role: share.Coordinator})
	if got := ids(b.Requests, func(r RequestLine) string { return r.ID + ":" + string(r.Fulfilment) }); got != "R-1:partial,R-2:none,R-3:complete" {
		t.Errorf("requests %s", got)
	}
	if b.Headline.Buildings != 7 || b.Headline.Red != 4 || b.Headline.RedWithoutTeam != 3 || b.Headline.OpenRequests != 2 {
		t.Errorf("headline %+v", b.Headline)
	}
	// The committed aircraft is not a team.
	if b.Headline.TeamsOnSite != 2 || b.Headline.TeamsEnRoute != 0 {
		t.Errorf("teams %+v", b.Teams)
	}
}

func TestBuildPublic(t *testing.T) {
	s := snapshot(t)
	for _, v := range []share.Viewer{{}, {Org: "PRESS", Role: share.Observer}, {Org: "ACME", Role: share.Member}} {
		b := Build(s, policy, v)
		if !b.Public {
			t.Errorf("%+v: not marked public", v)
		}
		want := Headline{OffersAwaiting: 1, TeamsOnSite: 1, Buildings: 5, Red: 2, Yellow: 1, Green: 1, Unassessed: 1, RedWithoutTeam: 2, SafeAreas: 1, Hazards: 1}
		if b.Headline != want {
			t.Errorf("%+v: headline\n got %+v\nwant %+v", v, b.Headline, want)
		}
		if len(b.Requests) != 0 || len(b.Pending) != 0 || len(b.Duplicates) != 0 {
			t.Errorf("%+v sees restricted records: %+v", v, b)
		}
		for _, rb := range b.RedBuildings {
			if rb.Trapped != 0 {
				t.Errorf("%+v sees %d trapped in %s", v, rb.Trapped, rb.ID)
			}
		}
		js, _ := json.Marshal(b)
		md := b.Markdown()
		for _, secret := range []string{"C-6", "C-12", "R-1", "R-3", "O-1", "O-2", "RUS-1", "Night shift", "Base of operations", "knocking", `"trapped":`, "trapped", "Trapped"} {
			if (strings.Contains(string(js), secret) && secret != "trapped") || strings.Contains(md, secret) {
				t.Errorf("%+v: public brief mentions %q", v, secret)
			}
		}
	}
}

func TestHiddenOriginal(t *testing.T) {
	s := snapshot(t)
	// A public offer of the team that RU-EMERCOM offered to the parties only.
	s.Loose = append(s.Loose, relief.Message{ID: "O-6", Type: relief.OfferUnsolicitedResource, Sent: at(2.5), From: "XX-NGO",
		Visibility: share.Public, Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1"}, Quantity: 1, ETA: at(3)}})
	pub := Build(s, policy, share.Viewer{})
	if len(pub.Duplicates) != 1 || pub.Duplicates[0].OfferID != "O-6" || pub.Duplicates[0].Of != "" ||
		strings.Contains(pub.Duplicates[0].Reason, "O-1") || strings.Contains(pub.Duplicates[0].Reason, "RU-EMERCOM") {
		t.Errorf("public duplicate flag reveals the hidden original: %+v", pub.Duplicates)
	}
	party := Build(s, policy, share.Viewer{Org: "RU-EMERCOM", Role: share.Member})
	for _, d := range party.Duplicates {
		if d.OfferID == "O-6" && (d.Of != "O-1" || !strings.Contains(d.Reason, "RU-EMERCOM")) {
			t.Errorf("a party loses the original: %+v", d)
		}
	}
}

func TestDeterministic(t *testing.T) {
	s := snapshot(t)
	v := share.Viewer{Org: "TR-AFAD", Role: share.Member}
	a, _ := json.Marshal(Build(s, policy, v))
	// The same data in another order gives the same brief.
	slices.Reverse(s.Threads)
	slices.Reverse(s.Buildings)
	slices.Reverse(s.SafeAreas)
	slices.Reverse(s.Teams)
	b, _ := json.Marshal(Build(s, policy, v))
	if !bytes.Equal(a, b) {
		t.Errorf("input order changes the brief:\n%s\n%s", a, b)
	}
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

func TestMarkdown(t *testing.T) {
	s := snapshot(t)
	md := Build(s, policy, share.Viewer{Org: "UN-OCHA", Role: share.Coordinator}).Markdown()
	golden(t, "brief_party.md", []byte(md))
	lines := strings.Split(md, "\n")
	if !strings.HasPrefix(lines[0], "# Situation brief") || !strings.HasPrefix(lines[4], "- **Requests open:** 2") {
		t.Errorf("headline numbers do not come first:\n%s", md)
	}
	if len(lines) > 70 {
		t.Errorf("%d lines: more than a page", len(lines))
	}
	for _, want := range []string{"| R-2 | TR-AFAD | diagnostics_team | high | 0 / 0 / 1 (none) | 06 Feb 08:00 **overdue** |",
		"- C-8 School No. 4: **no team**, 3 trapped", "**duplicate**", "## Proposed agenda", "1. Cover 2 unfulfilled"} {
		if !strings.Contains(md, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	golden(t, "brief_public.md", []byte(Build(s, policy, share.Viewer{}).Markdown()))

	// Untrusted text cannot inject Markdown or HTML, and long lists are cut.
	s.Buildings = nil
	for i := range 12 {
		s.Buildings = append(s.Buildings, Building{ID: fmt.Sprintf("X-%02d", i), Name: "<script>alert(1)</script> | *x*", Placard: "red",
			Org: "TR-AFAD", Visibility: share.Public})
	}
	md = Build(s, policy, share.Viewer{}).Markdown()
	if strings.Contains(md, "<script>") || strings.Contains(md, " | *x*") {
		t.Errorf("markup not escaped:\n%s", md)
	}
	if !strings.Contains(md, `\<script\>alert(1)\</script\> \| *x*`) || !strings.Contains(md, "… and 4 more.") {
		t.Errorf("escaping or truncation:\n%s", md)
	}
}

package relief

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/seis"
)

var t0 = time.Date(2023, 2, 6, 6, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func request(id string, kind ResourceKind, q int) Message {
	return Message{ID: id, Type: RequestResource, Sent: t0, From: "TR-AFAD", Incident: "TR-2023-EQ",
		Visibility: share.Parties,
		Request: &Request{Resource: ResourceSpec{Kind: kind, Class: map[bool]USARClass{true: Medium}[kind == USARTeam]},
			Quantity: q, Location: Location{Lat: 36.2023, Lon: 36.1613, Place: "Antakya, Hatay", Admin1: "Hatay"},
			NeededBy: at(24), Priority: Urgent}}
}

func offer(id, req, org string, r Resource, q int, eta time.Time) Message {
	typ := ResponseToRequestResource
	if req == "" {
		typ = OfferUnsolicitedResource
	}
	return Message{ID: id, Type: typ, Sent: at(0.5), From: org, RequestID: req, Visibility: share.Parties,
		Offer: &Offer{Resource: r, Quantity: q, ETA: eta}}
}

func decide(id, req, offerID string, accept bool, sent time.Time) Message {
	return Message{ID: id, Type: RequisitionResource, Sent: sent, From: "TR-AFAD", RequestID: req, OfferID: offerID,
		Visibility: share.Parties, Decision: &Decision{Accept: accept}}
}

func commit(id, req, offerID, org string, q int, sent time.Time) Message {
	return Message{ID: id, Type: CommitResource, Sent: sent, From: org, RequestID: req, OfferID: offerID,
		Visibility: share.Parties, Commit: &Commitment{Quantity: q}}
}

func status(id, req, offerID, org string, s DeploymentStatus, sent time.Time) Message {
	return Message{ID: id, Type: ReportResourceDeploymentStatus, Sent: sent, From: org, RequestID: req, OfferID: offerID,
		Visibility: share.Parties, Status: &StatusReport{Status: s}}
}

func usar(id string, class USARClass) Resource {
	return Resource{Kind: USARTeam, ID: id, Name: "team " + id, Class: class, Size: 60, Capabilities: []string{"search dogs", "heavy lifting"}}
}

func mustThread(t testing.TB, msgs ...Message) Thread {
	t.Helper()
	th, err := NewThread(msgs[0])
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

func fieldOf(err error) string {
	var fe *seis.FormatError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestValidate(t *testing.T) {
	good := request("R-1", USARTeam, 2)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	goodOffer := offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(10))
	if err := goodOffer.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field string
		edit  func(m *Message)
		base  Message
	}{
		{"id", func(m *Message) { m.ID = "" }, good},
		{"id", func(m *Message) { m.ID = "R 1" }, good},
		{"id", func(m *Message) { m.ID = strings.Repeat("x", MaxIDLen+1) }, good},
		{"from", func(m *Message) { m.From = "" }, good},
		{"sent", func(m *Message) { m.Sent = time.Time{} }, good},
		{"visibility", func(m *Message) { m.Visibility = "world" }, good},
		{"type", func(m *Message) { m.Type = "RequestQuote" }, good},
		{"request", func(m *Message) { m.Request = nil }, good},
		{"offer", func(m *Message) { m.Offer = &Offer{} }, good},
		{"request_id", func(m *Message) { m.RequestID = "R-0" }, good},
		{"request.resource.kind", func(m *Message) { m.Request.Resource.Kind = "tank" }, good},
		{"request.resource.class", func(m *Message) { m.Request.Resource.Class = "super-heavy" }, good},
		{"request.quantity", func(m *Message) { m.Request.Quantity = 0 }, good},
		{"request.quantity", func(m *Message) { m.Request.Quantity = MaxQuantity + 1 }, good},
		{"request.location.lat", func(m *Message) { m.Request.Location.Lat = 91 }, good},
		{"request.location.lon", func(m *Message) { m.Request.Location.Lon = -180.5 }, good},
		{"request.location.place", func(m *Message) { m.Request.Location.Place = "bad\x00byte" }, good},
		{"request.priority", func(m *Message) { m.Request.Priority = "asap" }, good},
		{"request.note", func(m *Message) { m.Request.Note = "\xff" }, good},
		{"request_id", func(m *Message) { m.RequestID = "" }, goodOffer},
		{"offer_id", func(m *Message) { m.OfferID = "O-0" }, goodOffer},
		{"offer.resource.class", func(m *Message) { m.Offer.Resource.Kind = Aircraft }, goodOffer},
		{"offer.resource.size", func(m *Message) { m.Offer.Resource.Size = -1 }, goodOffer},
		{"offer.resource.capabilities[1]", func(m *Message) { m.Offer.Resource.Capabilities = []string{"dogs", " "} }, goodOffer},
		{"offer.quantity", func(m *Message) { m.Offer.Quantity = -3 }, goodOffer},
		{"offer.eta", func(m *Message) { m.Offer.ETA = time.Time{} }, goodOffer},
		{"offer.eta_latest", func(m *Message) { m.Offer.ETALatest = m.Offer.ETA.Add(-time.Minute) }, goodOffer},
	}
	for _, tc := range tests {
		m := tc.base.Clone()
		tc.edit(&m)
		err := m.Validate()
		if err == nil {
			t.Errorf("%s: invalid message accepted", tc.field)
			continue
		}
		if got := fieldOf(err); got != tc.field {
			t.Errorf("error %q names field %q, want %q", err, got, tc.field)
		}
		if !strings.HasPrefix(err.Error(), "message ") {
			t.Errorf("error %q does not name the message", err)
		}
	}
	// An offer of a resource already in the region needs no ETA.
	m := goodOffer.Clone()
	m.Offer.ETA, m.Offer.InRegion = time.Time{}, true
	if err := m.Validate(); err != nil {
		t.Errorf("in-region offer without ETA: %v", err)
	}
}

func TestThreadLifecycle(t *testing.T) {
	th := mustThread(t, request("R-1", USARTeam, 2))
	st := th.State()
	if st.Requested != 2 || st.Fulfilment != FulfilNone || st.OnSite != FulfilNone || len(st.Offers) != 0 {
		t.Fatalf("fresh request: %+v", st)
	}
	steps := []struct {
		m                  Message
		committed, arrived int
		fulfilment, onSite Fulfilment
		offer              string
		status             OfferStatus
	}{
		{offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(14)), 0, 0, FulfilNone, FulfilNone, "O-1", OfferOffered},
		{offer("O-2", "R-1", "DE-THW", usar("GER-2", Medium), 1, at(16)), 0, 0, FulfilNone, FulfilNone, "O-2", OfferOffered},
		{decide("D-1", "R-1", "O-1", true, at(3)), 0, 0, FulfilNone, FulfilNone, "O-1", OfferAccepted},
		{commit("C-1", "R-1", "O-1", "RU-EMERCOM", 0, at(4)), 1, 0, FulfilPartial, FulfilNone, "O-1", OfferCommitted},
		{status("S-1", "R-1", "O-1", "RU-EMERCOM", EnRoute, at(8)), 1, 0, FulfilPartial, FulfilNone, "O-1", OfferEnRoute},
		{status("S-2", "R-1", "O-1", "TR-AFAD", Arrived, at(14)), 1, 1, FulfilPartial, FulfilPartial, "O-1", OfferArrived},
		{decide("D-2", "R-1", "O-2", true, at(5)), 1, 1, FulfilPartial, FulfilPartial, "O-2", OfferAccepted},
		{commit("C-2", "R-1", "O-2", "DE-THW", 1, at(6)), 2, 1, FulfilComplete, FulfilPartial, "O-2", OfferCommitted},
		{status("S-3", "R-1", "O-2", "DE-THW", Deployed, at(17)), 2, 2, FulfilComplete, FulfilComplete, "O-2", OfferDeployed},
		{Message{ID: "X-1", Type: ReleaseResource, Sent: at(200), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1",
			Visibility: share.Parties, Release: &Release{Reason: "rescue phase over"}}, 2, 2, FulfilComplete, FulfilComplete, "O-1", OfferReleased},
	}
	for _, s := range steps {
		var err error
		th, err = th.Append(s.m)
		if err != nil {
			t.Fatalf("%s: %v", s.m.ID, err)
		}
		st := th.State()
		o, ok := st.Offer(s.offer)
		if !ok {
			t.Fatalf("%s: offer %s missing", s.m.ID, s.offer)
		}
		if st.Committed != s.committed || st.Arrived != s.arrived || st.Fulfilment != s.fulfilment || st.OnSite != s.onSite || o.Status != s.status {
			t.Errorf("after %s: committed %d arrived %d fulfilment %s on site %s, %s %s; want %d %d %s %s %s",
				s.m.ID, st.Committed, st.Arrived, st.Fulfilment, st.OnSite, s.offer, o.Status,
				s.committed, s.arrived, s.fulfilment, s.onSite, s.status)
		}
	}
	o, _ := th.State().Offer("O-1")
	var hist []string
	for _, h := range o.History {
		hist = append(hist, string(h.Status)+"@"+h.MessageID)
	}
	if got := strings.Join(hist, " "); got != "offered@O-1 accepted@D-1 committed@C-1 en_route@S-1 arrived@S-2 released@X-1" {
		t.Errorf("history of O-1: %s", got)
	}
	if o.LastReason != "rescue phase over" || !o.ArrivedAt.Equal(at(14)) {
		t.Errorf("O-1 reason %q arrived %v", o.LastReason, o.ArrivedAt)
	}
	if th.Len() != 11 {
		t.Errorf("Len = %d, want 11", th.Len())
	}
}

func TestPartialCommitAndDecline(t *testing.T) {
	th := mustThread(t, request("R-2", DiagnosticsTeam, 3),
		offer("O-1", "R-2", "RU-EMERCOM", Resource{Kind: DiagnosticsTeam, Name: "Struna crew 1", Type: "mobile diagnostic complex"}, 2, at(10)),
		offer("O-2", "R-2", "JP-JICA", Resource{Kind: DiagnosticsTeam, Name: "JICA experts"}, 2, at(20)),
		decide("D-1", "R-2", "O-1", true, at(1)),
		commit("C-1", "R-2", "O-1", "RU-EMERCOM", 1, at(2)),
		decide("D-2", "R-2", "O-2", false, at(2)),
	)
	st := th.State()
	if st.Offered != 2 || st.Committed != 1 || st.Fulfilment != FulfilPartial {
		t.Errorf("offered %d committed %d fulfilment %s; want 2 1 partial", st.Offered, st.Committed, st.Fulfilment)
	}
	if o, _ := st.Offer("O-2"); o.Status != OfferDeclined {
		t.Errorf("O-2 is %s, want declined", o.Status)
	}
}

func TestAppendErrors(t *testing.T) {
	base := mustThread(t, request("R-1", USARTeam, 1),
		offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(14)),
	)
	accepted, err := base.Append(decide("D-1", "R-1", "O-1", true, at(2)))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := accepted.Append(commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(3)))
	if err != nil {
		t.Fatal(err)
	}
	arrived, err := committed.Append(status("S-1", "R-1", "O-1", "RU-EMERCOM", Arrived, at(12)))
	if err != nil {
		t.Fatal(err)
	}
	unsolicited := offer("O-9", "", "IL-IDF", usar("ISR-1", Heavy), 1, at(20))
	tests := []struct {
		name  string
		th    Thread
		m     Message
		field string
	}{
		{"second request", base, request("R-2", USARTeam, 1), "type"},
		{"wrong request", base, offer("O-2", "R-7", "DE-THW", usar("GER-2", Medium), 1, at(14)), "request_id"},
		{"unlinked unsolicited offer", base, unsolicited, "request_id"},
		{"offer to own request", base, offer("O-2", "R-1", "TR-AFAD", usar("TUR-1", Heavy), 1, at(14)), "from"},
		{"wrong kind", base, offer("O-2", "R-1", "DE-THW", Resource{Kind: Aircraft, Type: "Il-76"}, 1, at(14)), "offer.resource.kind"},
		{"offer before request", base, func() Message {
			m := offer("O-2", "R-1", "DE-THW", usar("GER-2", Medium), 1, at(14))
			m.Sent = at(-1)
			return m
		}(), "sent"},
		{"id reused", base, offer("O-1", "R-1", "DE-THW", usar("GER-2", Medium), 1, at(14)), "id"},
		{"unknown offer", base, decide("D-1", "R-1", "O-7", true, at(2)), "offer_id"},
		{"accept by provider", base, func() Message { m := decide("D-1", "R-1", "O-1", true, at(2)); m.From = "RU-EMERCOM"; return m }(), "from"},
		{"accept twice", accepted, decide("D-2", "R-1", "O-1", true, at(2)), "decision.accept"},
		{"decline after commit", committed, decide("D-2", "R-1", "O-1", false, at(4)), "decision.accept"},
		{"commit before acceptance", base, commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(3)), "type"},
		{"commit by requester", accepted, commit("C-1", "R-1", "O-1", "TR-AFAD", 1, at(3)), "from"},
		{"commit more than offered", accepted, commit("C-1", "R-1", "O-1", "RU-EMERCOM", 2, at(3)), "commit.quantity"},
		{"status before commit", accepted, status("S-1", "R-1", "O-1", "RU-EMERCOM", EnRoute, at(3)), "status.status"},
		{"status by a third party", committed, status("S-1", "R-1", "O-1", "DE-THW", EnRoute, at(4)), "from"},
		{"step back", arrived, status("S-2", "R-1", "O-1", "RU-EMERCOM", EnRoute, at(13)), "status.status"},
		{"time travel", committed, status("S-1", "R-1", "O-1", "RU-EMERCOM", EnRoute, at(2.5)), "sent"},
		{"release before commit", accepted, Message{ID: "X-1", Type: ReleaseResource, Sent: at(5), From: "TR-AFAD",
			RequestID: "R-1", OfferID: "O-1", Visibility: share.Parties, Release: &Release{}}, "type"},
	}
	for _, tc := range tests {
		before := tc.th.Len()
		_, err := tc.th.Append(tc.m)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if got := fieldOf(err); got != tc.field {
			t.Errorf("%s: error %q names %q, want %q", tc.name, err, got, tc.field)
		}
		if tc.th.Len() != before {
			t.Errorf("%s: failed Append changed the thread", tc.name)
		}
	}
	if _, err := (Thread{}).Append(unsolicited); err == nil {
		t.Error("Append on a zero Thread accepted")
	}
	if _, err := NewThread(unsolicited); err == nil {
		t.Error("NewThread with an offer accepted")
	}
}

func TestThreadImmutable(t *testing.T) {
	req := request("R-1", USARTeam, 1)
	th := mustThread(t, req)
	o := offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(14))
	th2, err := th.Append(o)
	if err != nil {
		t.Fatal(err)
	}
	// Editing what went in or came out changes nothing inside.
	req.Request.Quantity = 99
	o.Offer.Resource.Capabilities[0] = "tampered"
	msgs := th2.Messages()
	msgs[1].Offer.Resource.Name = "tampered"
	st := th2.State()
	st.Offers[0].Resource.Capabilities[0] = "tampered"
	if th.Len() != 1 || th2.Len() != 2 {
		t.Fatalf("lengths %d %d", th.Len(), th2.Len())
	}
	got := th2.Messages()[1].Offer.Resource
	if got.Name != "team RUS-1" || got.Capabilities[0] != "search dogs" || th2.Request().Request.Quantity != 1 {
		t.Errorf("thread content changed from outside: %+v", got)
	}
	if c := th2.State().Offers[0].Resource.Capabilities[0]; c != "search dogs" {
		t.Errorf("state shares memory with the thread: %q", c)
	}
}

func TestThreadJSON(t *testing.T) {
	th := mustThread(t, request("R-1", USARTeam, 1),
		offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(14)),
		decide("D-1", "R-1", "O-1", true, at(2)),
	)
	b, err := json.Marshal(th)
	if err != nil {
		t.Fatal(err)
	}
	var back Thread
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) || back.State().Offers[0].Status != OfferAccepted {
		t.Errorf("round trip differs:\n%s\n%s", b, b2)
	}
	// A tampered history (acceptance before the offer exists) is refused.
	var w threadJSON
	_ = json.Unmarshal(b, &w)
	w.Messages[1], w.Messages[2] = w.Messages[2], w.Messages[1]
	bad, _ := json.Marshal(w)
	if err := json.Unmarshal(bad, &back); err == nil || !strings.Contains(err.Error(), "thread message 1") {
		t.Errorf("out-of-order thread: err = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"messages":[]}`), &back); err == nil {
		t.Error("empty thread accepted")
	}
}

func FuzzThreadJSON(f *testing.F) {
	th := mustThread(f, request("R-1", USARTeam, 2),
		offer("O-1", "R-1", "RU-EMERCOM", usar("RUS-1", Heavy), 1, at(14)),
		decide("D-1", "R-1", "O-1", true, at(2)),
		commit("C-1", "R-1", "O-1", "RU-EMERCOM", 1, at(3)),
		status("S-1", "R-1", "O-1", "RU-EMERCOM", Arrived, at(12)))
	b, _ := json.Marshal(th)
	f.Add(b)
	f.Add([]byte(`{"messages":[{"id":"R","type":"RequestResource"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var th Thread
		if err := json.Unmarshal(data, &th); err != nil {
			return
		}
		st := th.State()
		if st.Arrived > st.Committed || st.Committed < 0 {
			t.Fatalf("arrived %d > committed %d", st.Arrived, st.Committed)
		}
		b, err := json.Marshal(th)
		if err != nil {
			t.Fatal(err)
		}
		var back Thread
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("a thread that loaded does not load again: %v", err)
		}
		_ = FlagDuplicates([]Thread{th}, th.Messages(), DuplicateRules{ETATolerance: DefaultETATolerance})
	})
}

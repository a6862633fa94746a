package hub

import (
	"context"
	"fmt"
	"net/http"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/brief"
	"github.com/struna/struna/relief/cap"
	"github.com/struna/struna/relief/edxl"
	"github.com/struna/struna/relief/hxl"
	"github.com/struna/struna/relief/share"
)

// The relief operation's API (issue 6): requests for assistance, offers,
// the messages that move an offer along (EDXL-RM 1.0 types, see package
// relief), their exports (EDXL-RM, CAP 1.2, HXL) and the situation brief.
//
// Who sees what is decided by relief/share: every organisation registered
// in the hub is a party to the incident; a field, coordinator or admin
// token acts for its organisation (share.Member or share.Coordinator); a
// viewer token sees what the public sees (share.Observer), so a viewer never
// reads a record restricted to the parties or to an organisation, not even
// its own organisation's.

// reliefRoutes registers the relief routes.
func (s *Server) reliefRoutes() {
	s.route("POST /api/v1/requests", coordinator, s.postReliefRequest)
	s.route("GET /api/v1/requests", viewer, s.getReliefRequests)
	s.route("GET /api/v1/requests/{id}", viewer, s.getReliefRequest)
	s.route("POST /api/v1/requests/{id}/messages", field, s.postReliefMessage)
	s.route("GET /api/v1/requests/{id}/edxl", viewer, s.getReliefEDXL)
	s.route("GET /api/v1/requests.hxl.csv", viewer, s.getReliefHXL)
	s.route("POST /api/v1/offers", field, s.postReliefOffer)
	s.route("GET /api/v1/hazards.cap", viewer, s.getHazardsCAP)
	s.route("GET /api/v1/brief", viewer, s.getBrief)

	s.route("POST /api/v1/keys", coordinator, s.postKey)
	s.route("GET /api/v1/keys", viewer, s.getKeys)
	s.route("POST /api/v1/messages", coordinator, s.postOfficialMessage)
	s.route("GET /api/v1/messages", viewer, s.getOfficialMessages)
	s.route("POST /api/v1/messages/{id}/receipts", field, s.postReceipt)
}

// hubSender names the hub in EDXL-DE and CAP headers.
const hubSender = "hub@struna"

// shareViewer is the principal as relief/share sees it.
func shareViewer(p store.Principal) share.Viewer {
	switch p.Role {
	case admin, coordinator:
		return share.Viewer{Org: p.Org, Role: share.Coordinator}
	case field:
		return share.Viewer{Org: p.Org, Role: share.Member}
	}
	return share.Viewer{Org: p.Org, Role: share.Observer}
}

// policy lists every registered organisation as a party.
func (s *Server) policy(ctx context.Context) (share.Policy, error) {
	os, err := s.st.Orgs(ctx)
	if err != nil {
		return share.Policy{}, err
	}
	p := share.Policy{Parties: make([]string, len(os))}
	for i, o := range os {
		p.Parties[i] = o.Name
	}
	return p, nil
}

// acceptMessage decodes a relief message strictly and fills what the hub
// knows: the sender is the caller's organisation (a message for another
// organisation is refused), the time is the hub's clock if absent.
func (s *Server) acceptMessage(w http.ResponseWriter, r *http.Request, p store.Principal, m *relief.Message) bool {
	if !decodeBody(w, r, s.maxBody, m) {
		return false
	}
	switch m.From {
	case "":
		m.From = p.Org
	case p.Org:
	default:
		writeError(w, http.StatusForbidden, fmt.Sprintf("from: %q is not the organisation of this token (%s)", m.From, p.Org))
		return false
	}
	if m.Sent.IsZero() {
		m.Sent = s.now().UTC()
	}
	return true
}

func (s *Server) storeReliefMessage(w http.ResponseWriter, r *http.Request, p store.Principal, m relief.Message) {
	th, err := s.st.AppendReliefMessage(r.Context(), p.Actor(), m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The live stream reaches every token, viewers included: only public
	// messages go out in full; the others as a bare "something changed".
	if m.Visibility == share.Public {
		s.events.publish("relief", m)
	} else {
		s.events.publish("relief", map[string]string{"visibility": string(m.Visibility)})
	}
	if th.Len() == 0 {
		writeJSON(w, http.StatusCreated, m)
		return
	}
	writeJSON(w, http.StatusCreated, th.State())
}

func (s *Server) postReliefRequest(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var m relief.Message
	if !s.acceptMessage(w, r, p, &m) {
		return
	}
	if m.Type != relief.RequestResource {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("type: %q is not %s (offers go to /api/v1/offers, other messages to /api/v1/requests/{id}/messages)", m.Type, relief.RequestResource))
		return
	}
	s.storeReliefMessage(w, r, p, m)
}

func (s *Server) postReliefOffer(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var m relief.Message
	if !s.acceptMessage(w, r, p, &m) {
		return
	}
	if !m.Type.IsOffer() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("type: %q is not %s or %s", m.Type, relief.ResponseToRequestResource, relief.OfferUnsolicitedResource))
		return
	}
	s.storeReliefMessage(w, r, p, m)
}

func (s *Server) postReliefMessage(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var m relief.Message
	if !s.acceptMessage(w, r, p, &m) {
		return
	}
	id := r.PathValue("id")
	switch m.RequestID {
	case "":
		m.RequestID = id
	case id:
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("request_id: %q is not %s, the request of this path", m.RequestID, id))
		return
	}
	switch m.Type {
	case relief.RequisitionResource, relief.CommitResource, relief.ReleaseResource:
		// Accepting, declining, committing and releasing bind the
		// organisation: a coordinator's decision.
		if store.RoleRank(p.Role) < store.RoleRank(coordinator) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("a %s needs the coordinator role or higher; this token has %s", m.Type, p.Role))
			return
		}
	case relief.ReportResourceDeploymentStatus:
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("type: %q is not %s, %s, %s or %s", m.Type,
			relief.RequisitionResource, relief.CommitResource, relief.ReportResourceDeploymentStatus, relief.ReleaseResource))
		return
	}
	s.storeReliefMessage(w, r, p, m)
}

// reliefOffer is an offer as the API shows it: its state and, if it
// duplicates another offer or a fulfilled need, why.
type reliefOffer struct {
	relief.OfferState
	Duplicate *relief.Flag `json:"duplicate"`
}

// reliefRequest is a request's thread as the API shows it.
type reliefRequest struct {
	relief.State
	Offers []reliefOffer `json:"offers"`
}

// reliefLoose is an unsolicited offer not linked to a request.
type reliefLoose struct {
	relief.Message
	Duplicate *relief.Flag `json:"duplicate"`
}

type reliefView struct {
	Requests    []reliefRequest `json:"requests"`
	Unsolicited []reliefLoose   `json:"unsolicited"`
}

// reliefView builds what p may see of the relief threads. Duplicates are
// judged on every offer (a hidden offer still makes a visible one a
// duplicate, as relief/brief does); a flag pointing at a record p may not
// see does not name it.
func (s *Server) reliefView(ctx context.Context, p store.Principal) (reliefView, []relief.Thread, share.Policy, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return reliefView{}, nil, pol, err
	}
	threads, loose, err := s.st.ReliefThreads(ctx)
	if err != nil {
		return reliefView{}, nil, pol, err
	}
	v := shareViewer(p)
	flagOf := map[string]relief.Flag{}
	for _, f := range relief.FlagDuplicates(threads, loose, relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance}) {
		flagOf[f.OfferID] = f
	}
	seen := map[string]bool{}
	view := reliefView{Requests: []reliefRequest{}, Unsolicited: []reliefLoose{}}
	var visible []relief.Thread
	for _, th := range threads {
		st := th.State()
		if !pol.CanSee(v, st.From, st.Visibility) {
			continue
		}
		visible = append(visible, th)
		seen[st.RequestID] = true
		rq := reliefRequest{State: st, Offers: []reliefOffer{}}
		for _, o := range share.Filter(pol, v, st.Offers, nil) {
			seen[o.OfferID] = true
			rq.Offers = append(rq.Offers, reliefOffer{OfferState: o})
		}
		rq.State.Offers = nil
		view.Requests = append(view.Requests, rq)
	}
	for _, m := range share.Filter(pol, v, loose, nil) {
		seen[m.ID] = true
		view.Unsolicited = append(view.Unsolicited, reliefLoose{Message: m})
	}
	flag := func(id string) *relief.Flag {
		f, ok := flagOf[id]
		if !ok {
			return nil
		}
		if !seen[f.Of] {
			f.Of, f.Reason = "", fmt.Sprintf("duplicates a record you may not see (%s)", f.Rule)
		}
		return &f
	}
	for i := range view.Requests {
		for j := range view.Requests[i].Offers {
			view.Requests[i].Offers[j].Duplicate = flag(view.Requests[i].Offers[j].OfferID)
		}
	}
	for i := range view.Unsolicited {
		view.Unsolicited[i].Duplicate = flag(view.Unsolicited[i].ID)
	}
	return view, visible, pol, nil
}

func (s *Server) getReliefRequests(w http.ResponseWriter, r *http.Request, p store.Principal) {
	view, _, _, err := s.reliefView(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// visibleThread returns the messages of request id that p may see: the
// request, the offers p may see and the messages acting on them. A request
// p may not see is answered as not found, like one that does not exist.
func (s *Server) visibleThread(ctx context.Context, p store.Principal, id string) ([]relief.Message, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return nil, err
	}
	th, err := s.st.ReliefThread(ctx, id)
	if err != nil {
		return nil, err
	}
	v := shareViewer(p)
	req := th.Request()
	if !pol.CanSee(v, req.From, req.Visibility) {
		return nil, &store.Error{Kind: store.ErrNotFound, Msg: fmt.Sprintf("request %s does not exist", id)}
	}
	offers := map[string]bool{}
	var out []relief.Message
	for _, m := range th.Messages() {
		switch {
		case m.Type == relief.RequestResource:
		case m.Type.IsOffer():
			if !pol.CanSee(v, m.From, m.Visibility) {
				continue
			}
			offers[m.ID] = true
		case !offers[m.OfferID] || !pol.CanSee(v, m.From, m.Visibility):
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Server) getReliefRequest(w http.ResponseWriter, r *http.Request, p store.Principal) {
	msgs, err := s.visibleThread(r.Context(), p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (s *Server) getReliefEDXL(w http.ResponseWriter, r *http.Request, p store.Principal) {
	id := r.PathValue("id")
	msgs, err := s.visibleThread(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now().UTC()
	d, err := edxl.Messages(msgs, edxl.Options{
		DistributionID: fmt.Sprintf("%s-%d", id, now.UnixNano()), SenderID: hubSender, Sent: now,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := edxl.Marshal(d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(b)
}

func (s *Server) getReliefHXL(w http.ResponseWriter, r *http.Request, p store.Principal) {
	view, _, _, err := s.reliefView(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var t hxl.Table
	switch table := r.URL.Query().Get("table"); table {
	case "", "requests":
		states := make([]relief.State, len(view.Requests))
		for i, rq := range view.Requests {
			states[i] = rq.State
		}
		t = hxl.Requests(states)
	case "offers":
		var (
			states []relief.State
			loose  []relief.Message
			flags  []relief.Flag
		)
		for _, rq := range view.Requests {
			st := rq.State
			for _, o := range rq.Offers {
				st.Offers = append(st.Offers, o.OfferState)
				if o.Duplicate != nil {
					flags = append(flags, *o.Duplicate)
				}
			}
			states = append(states, st)
		}
		for _, l := range view.Unsolicited {
			loose = append(loose, l.Message)
			if l.Duplicate != nil {
				flags = append(flags, *l.Duplicate)
			}
		}
		t = hxl.Offers(states, loose, flags)
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("table: %q is not requests or offers", table))
		return
	}
	b, err := t.CSV()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Write(b)
}

// hazardRadiusKm is the zone kept clear around a red building in the CAP
// alert: 100 m, about the height of the tallest buildings that get a
// placard, so a collapse falls inside it.
const hazardRadiusKm = 0.1

func (s *Server) getHazardsCAP(w http.ResponseWriter, r *http.Request, p store.Principal) {
	bs, err := s.st.Buildings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var red []cap.Building
	for _, b := range bs {
		// The alert's scope is Public: only buildings shown to the public.
		if b.Placard == "red" && b.Visibility == share.Public {
			red = append(red, cap.Building{ID: b.ID, Name: b.Name, Lat: b.Lat, Lon: b.Lon, RadiusKm: hazardRadiusKm, Sides: 16})
		}
	}
	if len(red) == 0 {
		writeError(w, http.StatusNotFound, "no public building has a red placard: there is no hazard zone to alert")
		return
	}
	now := s.now().UTC()
	a, err := cap.UnsafeBuildings(cap.Header{
		Identifier: fmt.Sprintf("struna-hazards-%d", now.UnixNano()), Sender: hubSender, Sent: now,
		Status: "Actual", MsgType: "Alert", Scope: "Public",
	}, red)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := a.Marshal()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/cap+xml; charset=utf-8")
	w.Write(b)
}

func (s *Server) getBrief(w http.ResponseWriter, r *http.Request, p store.Principal) {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "md" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("format: %q is not json or md", format))
		return
	}
	// Buildings, areas and trapped persons carry their visibility: the
	// brief shows what the caller may see (hub/visibility.go).
	snap, pol, err := s.snapshot(r.Context(), trappedSeenBy(p))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := brief.Build(snap, pol, shareViewer(p))
	if format == "md" {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Write([]byte(b.Markdown()))
		return
	}
	s.writeVisibleJSON(w, r, visView{pol, shareViewer(p)}, http.StatusOK, b)
}

package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/brief"
	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/share"
)

// Urgent coordination calls (relief/call): a coordinator convenes the
// parties now or at a set time, each invited organisation answers for its
// own seats (ready, delayed, declined), the convener reschedules, opens,
// ends or cancels, and the convener's and invitees' coordinators log the
// decisions. GET of one call attaches the situation brief built at request
// time for the caller.
//
// Who sees a call: relief/share on its convener and visibility, and also
// any member (field or higher) of an invited organisation, who must see a
// call it is asked to attend. A viewer token sees only public calls.

// callRoutes registers the call routes.
func (s *Server) callRoutes() {
	s.route("POST /api/v1/calls", coordinator, s.postCall)
	s.route("GET /api/v1/calls", viewer, s.getCalls)
	s.route("GET /api/v1/calls/{id}", viewer, s.getCall)
	s.route("GET /api/v1/calls/{id}/ics", viewer, s.getCallICS)
	s.route("POST /api/v1/calls/{id}/readiness", field, s.postCallReadiness)
	s.route("POST /api/v1/calls/{id}/reschedule", coordinator, s.postCallReschedule)
	s.route("POST /api/v1/calls/{id}/decisions", coordinator, s.postCallDecision)
	s.route("POST /api/v1/calls/{id}/open", coordinator, s.postCallOpen)
	s.route("POST /api/v1/calls/{id}/end", coordinator, s.postCallEnd)
	s.route("POST /api/v1/calls/{id}/cancel", coordinator, s.postCallCancel)
}

// callInvitee is an invitee as posted: an organisation ({"org": "X"},
// which takes the seat "X") or a person of one.
type callInvitee struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Org      string `json:"org"`
	Email    string `json:"email"`
	Optional bool   `json:"optional"`
}

type callRequest struct {
	ID              string           `json:"id"` // default: generated
	Incident        string           `json:"incident"`
	Title           string           `json:"title"`
	Invitees        []callInvitee    `json:"invitees"`
	Start           string           `json:"start"` // RFC 3339, or "now" / "" for an urgent call
	DurationMinutes int              `json:"duration_minutes"`
	Agenda          []string         `json:"agenda"` // empty: proposed from the brief
	URL             string           `json:"url"`
	Visibility      share.Visibility `json:"visibility"`
}

type callTally struct {
	Ready    int `json:"ready"`
	Delayed  int `json:"delayed"`
	Declined int `json:"declined"`
	NoAnswer int `json:"no_answer"`
}

// callView is a call as the API shows it: the call, its seats' current
// readiness and their tally, and (for one call) the brief.
type callView struct {
	call.Call
	Seats []call.Seat  `json:"seats"`
	Tally callTally    `json:"tally"`
	Brief *brief.Brief `json:"brief,omitempty"`
}

func viewOf(c call.Call) callView {
	t := c.Tally()
	return callView{Call: c, Seats: c.Seats(), Tally: callTally{Ready: t.Ready, Delayed: t.Delayed, Declined: t.Declined, NoAnswer: t.NoAnswer}}
}

// parseStart reads "now" or "" (zero: now) or an RFC 3339 time.
func parseStart(field, v string) (time.Time, error) {
	if v == "" || v == "now" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not \"now\" or an RFC 3339 time", field, v)
	}
	return t.UTC(), nil
}

func newCallID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "CALL-" + hex.EncodeToString(b[:]), nil
}

// snapshot is the live data of the situation brief, as GET /api/v1/brief
// builds it. Every record carries its own visibility (brief.Build filters
// them); the trapped persons of a building are those of the reports
// seesTrapped accepts (given the policy), since a report's visibility may
// be narrower than its building's.
func (s *Server) snapshot(ctx context.Context, seesTrapped func(share.Policy, store.Trapped) bool) (brief.Snapshot, share.Policy, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	threads, loose, err := s.st.ReliefThreads(ctx)
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	bs, err := s.st.Buildings(ctx)
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	ars, err := s.st.Areas(ctx)
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	ws, err := s.st.Worksites(ctx)
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	ts, err := s.st.TrappedReports(ctx, "")
	if err != nil {
		return brief.Snapshot{}, pol, err
	}
	trapped := trappedByBuilding(ts, func(t store.Trapped) bool { return seesTrapped(pol, t) })
	snap := brief.Snapshot{At: s.now().UTC(), Threads: threads, Loose: loose,
		Rules: relief.DuplicateRules{ETATolerance: relief.DefaultETATolerance}}
	team := map[string]string{}
	for _, w := range ws {
		// A team is named only from a worksite every party sees: the
		// building line does not carry the worksite's own visibility.
		if w.BuildingID != "" && w.Holder != nil && (w.Visibility == share.Public || w.Visibility == share.Parties) {
			team[w.BuildingID] = w.Holder.Team
		}
	}
	for _, b := range bs {
		snap.Buildings = append(snap.Buildings, brief.Building{ID: b.ID, Name: b.Name, Placard: b.Placard, Team: team[b.ID],
			Trapped: trapped[b.ID], Org: b.Org, Visibility: b.Visibility})
	}
	for _, a := range ars {
		id := fmt.Sprint(a.ID)
		if a.Kind == "hazard" {
			snap.Hazards = append(snap.Hazards, brief.Hazard{ID: id, Kind: a.Kind, Detail: a.Name, Org: a.Org, Visibility: a.Visibility})
			continue
		}
		snap.SafeAreas = append(snap.SafeAreas, brief.Area{ID: id, Kind: a.Kind, Name: a.Name, Org: a.Org, Visibility: a.Visibility})
	}
	return snap, pol, nil
}

// audience is the viewer whose brief proposes a call's agenda: the agenda
// is part of the call, shown to everyone who sees the call, so it may name
// only records they all see. A public call's audience is the public; any
// other call's is a party that is none of the organisations (it sees what
// is shared with the parties, nothing restricted to one organisation).
func audience(pol share.Policy, vis share.Visibility) (share.Policy, share.Viewer) {
	if vis == share.Public {
		return pol, share.Viewer{}
	}
	const anyParty = "\x00any party"
	pol.Parties = append(slices.Clip(pol.Parties), anyParty)
	return pol, share.Viewer{Org: anyParty, Role: share.Member}
}

// invited reports whether org has a seat in c.
func invited(c call.Call, org string) bool {
	return slices.ContainsFunc(c.Invitees, func(i call.Invitee) bool { return i.Org == org })
}

// maySeeCall is the visibility rule of calls (see the top of this file).
func maySeeCall(pol share.Policy, p store.Principal, c call.Call) bool {
	if pol.CanSee(shareViewer(p), c.Convener, c.Visibility) {
		return true
	}
	return store.RoleRank(p.Role) >= store.RoleRank(field) && invited(c, p.Org)
}

// visibleCall loads call id for p; a call p may not see is not found.
func (s *Server) visibleCall(ctx context.Context, p store.Principal, id string) (call.Call, share.Policy, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return call.Call{}, pol, err
	}
	c, err := s.st.Call(ctx, id)
	if err != nil {
		return c, pol, err
	}
	if !maySeeCall(pol, p, c) {
		return call.Call{}, pol, &store.Error{Kind: store.ErrNotFound, Msg: fmt.Sprintf("call %s does not exist", id)}
	}
	return c, pol, nil
}

// publishCall sends the call event: in full (with seats) for a public
// call, else only its visibility, as the relief events do, so a client
// that may see more fetches it.
func (s *Server) publishCall(c call.Call) {
	if c.Visibility == share.Public {
		s.events.publish("call", viewOf(c))
		return
	}
	s.events.publish("call", map[string]string{"visibility": string(c.Visibility)})
}

func (s *Server) postCall(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req callRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	start, err := parseStart("start", req.Start)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx := r.Context()
	orgs, err := s.st.Orgs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	spec := call.Spec{ID: req.ID, Incident: req.Incident, Title: req.Title, Convener: p.Org, ConvenerName: p.Org, Start: start,
		Duration: time.Duration(req.DurationMinutes) * time.Minute, Agenda: req.Agenda, URL: req.URL, Visibility: req.Visibility}
	if spec.ID == "" {
		if spec.ID, err = newCallID(); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for i, in := range req.Invitees {
		if !slices.ContainsFunc(orgs, func(o store.Org) bool { return o.Name == in.Org }) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invitees[%d].org: organisation %q is not registered in the hub", i, in.Org))
			return
		}
		inv := call.Invitee(in)
		if inv.ID == "" {
			// The organisation's own seat; identifiers carry no spaces.
			inv.ID = strings.Join(strings.Fields(in.Org), "_")
		}
		if inv.Name == "" {
			inv.Name = in.Org
		}
		spec.Invitees = append(spec.Invitees, inv)
	}
	now := s.now().UTC()
	if len(spec.Agenda) == 0 {
		vis := req.Visibility
		if !vis.Valid() {
			vis = share.Org // call.New refuses it below
		}
		snap, pol, err := s.snapshot(ctx, func(pol share.Policy, t store.Trapped) bool {
			apol, av := audience(pol, vis)
			return apol.CanSee(av, t.Org, t.Visibility)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		apol, av := audience(pol, vis)
		spec.Agenda = brief.AgendaTitles(brief.Agenda(brief.Build(snap, apol, av)))
		if len(spec.Agenda) > call.MaxAgenda {
			spec.Agenda = spec.Agenda[:call.MaxAgenda]
		}
	}
	c, err := call.New(spec, now)
	if err != nil {
		writeError(w, http.StatusBadRequest, oneLine(err))
		return
	}
	if err := s.st.CreateCall(ctx, p.Actor(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishCall(c)
	writeJSON(w, http.StatusCreated, viewOf(c))
}

func (s *Server) getCalls(w http.ResponseWriter, r *http.Request, p store.Principal) {
	ctx := r.Context()
	pol, err := s.policy(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.st.Calls(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []callView{}
	for _, c := range cs {
		if maySeeCall(pol, p, c) {
			out = append(out, viewOf(c))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request, p store.Principal) {
	ctx := r.Context()
	c, _, err := s.visibleCall(ctx, p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap, pol, err := s.snapshot(ctx, trappedSeenBy(p))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap.Incident = c.Incident
	b := brief.Build(snap, pol, shareViewer(p))
	v := viewOf(c)
	v.Brief = &b
	s.writeVisibleJSON(w, r, visView{pol, shareViewer(p)}, http.StatusOK, v)
}

func (s *Server) getCallICS(w http.ResponseWriter, r *http.Request, p store.Principal) {
	c, _, err := s.visibleCall(r.Context(), p, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	method := "REQUEST"
	if c.Status == call.Cancelled {
		method = "CANCEL"
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method="+method)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r > 0x7e {
			return '_'
		}
		return r
	}, c.ID)+`.ics"`)
	w.Write(call.ICS(c))
}

// updateCall checks that p may see call id, then applies fn to it in the
// store's transaction, and answers with the call.
func (s *Server) updateCall(w http.ResponseWriter, r *http.Request, p store.Principal, fn func(*call.Call) error) {
	ctx := r.Context()
	id := r.PathValue("id")
	if _, _, err := s.visibleCall(ctx, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.st.UpdateCall(ctx, p.Actor(), id, fn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishCall(c)
	writeJSON(w, http.StatusOK, viewOf(c))
}

func forbidden(format string, args ...any) error {
	return &store.Error{Kind: store.ErrForbidden, Msg: fmt.Sprintf(format, args...)}
}

// asConvener refuses anyone but the convening organisation.
func asConvener(p store.Principal, c *call.Call, what string) error {
	if c.Convener != p.Org {
		return forbidden("only %s, the convener of call %s, may %s it; this token is of %s", c.Convener, c.ID, what, p.Org)
	}
	return nil
}

type readinessRequest struct {
	// Invitee is the seat answered for; default: the seat of the caller's
	// organisation, or its only seat.
	Invitee      string         `json:"invitee"`
	Readiness    call.Readiness `json:"readiness"`
	DelayMinutes int            `json:"delay_minutes"`
	Note         string         `json:"note"`
}

func (s *Server) postCallReadiness(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req readinessRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	s.updateCall(w, r, p, func(c *call.Call) error {
		seat := req.Invitee
		var own []string
		for _, in := range c.Invitees {
			if in.Org == p.Org {
				own = append(own, in.ID)
			}
		}
		switch {
		case len(own) == 0:
			return forbidden("%s is not invited to call %s: only an invited organisation answers", p.Org, c.ID)
		case seat == "" && slices.Contains(own, p.Org):
			seat = p.Org
		case seat == "" && len(own) == 1:
			seat = own[0]
		case seat == "":
			return &store.Error{Kind: store.ErrInvalid, Msg: fmt.Sprintf("invitee: missing; %s has seats %s", p.Org, strings.Join(own, ", "))}
		case !slices.Contains(own, seat):
			return forbidden("invitee: %q is not a seat of %s (its seats: %s); an organisation answers for itself only", seat, p.Org, strings.Join(own, ", "))
		}
		return c.SetReadiness(seat, req.Readiness, req.DelayMinutes, req.Note, s.now().UTC())
	})
}

type rescheduleRequest struct {
	Start           string `json:"start"`
	DurationMinutes int    `json:"duration_minutes"` // default: unchanged
	Reason          string `json:"reason"`
}

func (s *Server) postCallReschedule(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req rescheduleRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	start, err := parseStart("start", req.Start)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.updateCall(w, r, p, func(c *call.Call) error {
		if err := asConvener(p, c, "reschedule"); err != nil {
			return err
		}
		d := c.Duration
		if req.DurationMinutes != 0 {
			d = time.Duration(req.DurationMinutes) * time.Minute
		}
		return c.Reschedule(start, d, p.Org, req.Reason, s.now().UTC())
	})
}

type decisionRequest struct {
	Text string `json:"text"`
}

func (s *Server) postCallDecision(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req decisionRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	s.updateCall(w, r, p, func(c *call.Call) error {
		if c.Convener != p.Org && !invited(*c, p.Org) {
			return forbidden("%s is neither the convener nor an invitee of call %s", p.Org, c.ID)
		}
		return c.LogDecision(req.Text, p.Org, s.now().UTC())
	})
}

type cancelRequest struct {
	Reason string `json:"reason"`
}

// decodeOptional decodes a body that may be empty.
func decodeOptional(w http.ResponseWriter, r *http.Request, limit int64, dst any) bool {
	if r.ContentLength == 0 {
		return true
	}
	return decodeBody(w, r, limit, dst)
}

func (s *Server) postCallOpen(w http.ResponseWriter, r *http.Request, p store.Principal) {
	s.convenerStep(w, r, p, "open", (*call.Call).Open)
}

func (s *Server) postCallEnd(w http.ResponseWriter, r *http.Request, p store.Principal) {
	s.convenerStep(w, r, p, "end", (*call.Call).End)
}

// convenerStep applies a body-less state change that only the convener
// may make (open, end).
func (s *Server) convenerStep(w http.ResponseWriter, r *http.Request, p store.Principal, what string, step func(*call.Call, time.Time) error) {
	var req struct{}
	if !decodeOptional(w, r, s.maxBody, &req) {
		return
	}
	s.updateCall(w, r, p, func(c *call.Call) error {
		if err := asConvener(p, c, what); err != nil {
			return err
		}
		return step(c, s.now().UTC())
	})
}

func (s *Server) postCallCancel(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req cancelRequest
	if !decodeOptional(w, r, s.maxBody, &req) {
		return
	}
	s.updateCall(w, r, p, func(c *call.Call) error {
		if err := asConvener(p, c, "cancel"); err != nil {
			return err
		}
		return c.Cancel(p.Org, req.Reason, s.now().UTC())
	})
}

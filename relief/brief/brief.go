// Package brief builds the one-page situation brief of a relief operation
// from a snapshot of live data, for the officials on an urgent
// coordination call: headline numbers first (open requests, offers waiting,
// duplicates, teams on site, buildings by placard, red buildings without a
// team, safe areas, hazards, decisions pending), then short lists, and an
// agenda proposed from what needs deciding.
//
// The brief is built for one viewer: every record passes through the
// sharing rules of package share, and a public viewer sees no trapped
// persons at all (not even counts, which would locate them through their
// building). The structure follows the situation report headings of the
// UN OCHA / INSARAG coordination methodology (INSARAG Guidelines 2020,
// vol. II manual B: situation, needs, resources, gaps, decisions) cut to
// one page.
//
// Build is deterministic for a given snapshot, viewer and clock value
// (Snapshot.At); lists have a documented order. The package does no I/O.
package brief

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
)

// Team is a team in the operation as the hub knows it.
type Team struct {
	ID         string                  `json:"id"` // e.g. INSARAG team id "RUS-1"
	Name       string                  `json:"name"`
	Org        string                  `json:"org"`
	Kind       relief.ResourceKind     `json:"kind"`
	Status     relief.DeploymentStatus `json:"status"`
	Worksite   string                  `json:"worksite,omitempty"`
	Visibility share.Visibility        `json:"visibility"`
}

// Access implements share.Record.
func (t Team) Access() (string, share.Visibility) { return t.Org, t.Visibility }

// Building is a building with its current placard.
type Building struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Placard    string           `json:"placard"` // green, yellow, red; empty if not assessed
	Team       string           `json:"team,omitempty"`
	Trapped    share.Trapped    `json:"trapped"`
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (b Building) Access() (string, share.Visibility) { return b.Org, b.Visibility }

// Area is a safe area: assembly point, base of operations, helipad.
type Area struct {
	ID         string           `json:"id"`
	Kind       string           `json:"kind"`
	Name       string           `json:"name"`
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (a Area) Access() (string, share.Visibility) { return a.Org, a.Visibility }

// Hazard is a hazard reported in the area (gas leak, unstable facade...).
type Hazard struct {
	ID         string           `json:"id"`
	Kind       string           `json:"kind"`
	Detail     string           `json:"detail,omitempty"`
	BuildingID string           `json:"building_id,omitempty"`
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (h Hazard) Access() (string, share.Visibility) { return h.Org, h.Visibility }

// Pending is a decision waiting to be taken.
type Pending struct {
	ID         string           `json:"id"`
	Text       string           `json:"text"`
	RaisedBy   string           `json:"raised_by"`
	Since      time.Time        `json:"since"`
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (p Pending) Access() (string, share.Visibility) { return p.Org, p.Visibility }

// Snapshot is the live data a brief is built from.
type Snapshot struct {
	Incident string
	At       time.Time // the clock: what "now" is for the brief
	Threads  []relief.Thread
	// Loose are offers not linked to any request yet.
	Loose     []relief.Message
	Teams     []Team
	Buildings []Building
	SafeAreas []Area
	Hazards   []Hazard
	Pending   []Pending
	Rules     relief.DuplicateRules
}

// Headline is the numbers at the top of the page.
type Headline struct {
	OpenRequests      int `json:"open_requests"`      // not completely covered by commitments
	UrgentUnfulfilled int `json:"urgent_unfulfilled"` // of which urgent or high priority
	Overdue           int `json:"overdue"`            // of which past their needed-by time with nothing on site
	OffersAwaiting    int `json:"offers_awaiting"`    // offered, not yet accepted or declined
	DuplicateOffers   int `json:"duplicate_offers"`   // flagged
	TeamsOnSite       int `json:"teams_on_site"`      // arrived or deployed
	TeamsEnRoute      int `json:"teams_en_route"`
	Buildings         int `json:"buildings"`
	Red               int `json:"red"`
	Yellow            int `json:"yellow"`
	Green             int `json:"green"`
	Unassessed        int `json:"unassessed"`
	RedWithoutTeam    int `json:"red_without_team"`
	TrappedReported   int `json:"trapped_reported"` // 0 for a public viewer
	SafeAreas         int `json:"safe_areas"`
	Hazards           int `json:"hazards"`
	PendingDecisions  int `json:"pending_decisions"`
}

// RequestLine is a request on the page.
type RequestLine struct {
	ID         string              `json:"id"`
	From       string              `json:"from"`
	Kind       relief.ResourceKind `json:"kind"`
	What       string              `json:"what"`
	Priority   relief.Priority     `json:"priority"`
	Requested  int                 `json:"requested"`
	Committed  int                 `json:"committed"`
	Arrived    int                 `json:"arrived"`
	Fulfilment relief.Fulfilment   `json:"fulfilment"`
	NeededBy   time.Time           `json:"needed_by,omitzero"`
	Overdue    bool                `json:"overdue"`
	Place      string              `json:"place,omitempty"`
}

// OfferLine is an offer still open (offered or accepted, not yet
// committed) or flagged as a duplicate.
type OfferLine struct {
	ID        string             `json:"id"`
	RequestID string             `json:"request_id,omitempty"`
	Org       string             `json:"org"`
	What      string             `json:"what"`
	Quantity  int                `json:"quantity"`
	Status    relief.OfferStatus `json:"status"`
	ETA       time.Time          `json:"eta"`
	Duplicate string             `json:"duplicate,omitempty"` // reason
}

// TeamLine is a team on its way or on site.
type TeamLine struct {
	ID       string                  `json:"id"`
	Name     string                  `json:"name"`
	Org      string                  `json:"org"`
	Kind     relief.ResourceKind     `json:"kind"`
	Status   relief.DeploymentStatus `json:"status"`
	Worksite string                  `json:"worksite,omitempty"`
	ETA      time.Time               `json:"eta,omitzero"`
}

// BuildingLine is a red building.
type BuildingLine struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Team    string `json:"team,omitempty"`
	Trapped int    `json:"trapped,omitempty"`
}

// Brief is the situation brief for one viewer at one time.
type Brief struct {
	Incident     string         `json:"incident"`
	At           time.Time      `json:"at"`
	Public       bool           `json:"public"`
	Headline     Headline       `json:"headline"`
	Requests     []RequestLine  `json:"requests"`
	Offers       []OfferLine    `json:"offers"`
	Duplicates   []relief.Flag  `json:"duplicates"`
	Teams        []TeamLine     `json:"teams"`
	RedBuildings []BuildingLine `json:"red_buildings"`
	SafeAreas    []Area         `json:"safe_areas"`
	Hazards      []Hazard       `json:"hazards"`
	Pending      []Pending      `json:"pending"`
}

func describeSpec(s relief.ResourceSpec) string {
	w := string(s.Kind)
	if s.Class != "" {
		w += " (" + string(s.Class) + " or heavier)"
	}
	if s.Type != "" {
		w += ": " + s.Type
	}
	return w
}

func describeResource(r relief.Resource) string {
	w := string(r.Kind)
	switch {
	case r.Class != "":
		w += " " + string(r.Class)
	case r.Type != "":
		w += " " + r.Type
	}
	if r.ID != "" {
		w += " " + r.ID
	} else if r.Name != "" {
		w += " \"" + r.Name + "\""
	}
	return w
}

func isTeam(k relief.ResourceKind) bool {
	return k == relief.USARTeam || k == relief.MedicalTeam || k == relief.DiagnosticsTeam
}

// Build makes the brief of s for viewer v under policy p. Records the
// viewer may not see are left out; a visible request's quantities
// (committed, arrived) still count all its offers, and a visible offer is
// still flagged as a duplicate of one the viewer cannot see, with a reason
// that then names neither the hidden record nor its organisation.
//
// Orders: requests not complete first, then by priority (urgent first),
// needed-by time (earliest first, none last) and id; offers by time sent
// and id; duplicates in offer order; teams en route then on site, by id;
// red buildings with trapped persons first (most first), then without a
// team, then by id; safe areas by kind and name; hazards by kind and id;
// pending decisions oldest first.
func Build(s Snapshot, p share.Policy, v share.Viewer) Brief {
	b := Brief{Incident: s.Incident, At: s.At, Public: p.Public(v)}

	// Duplicates are judged on everything (a hidden offer still makes a
	// visible one a duplicate); only the visible flags are shown.
	flags := relief.FlagDuplicates(s.Threads, s.Loose, s.Rules)
	flagOf := map[string]relief.Flag{}
	for _, f := range flags {
		flagOf[f.OfferID] = f
	}

	var visibleOffers []relief.OfferState
	for _, t := range s.Threads {
		st := t.State()
		if !p.CanSee(v, st.From, st.Visibility) {
			continue
		}
		r := st.Request
		line := RequestLine{
			ID: st.RequestID, From: st.From, Kind: r.Resource.Kind, What: describeSpec(r.Resource), Priority: r.Priority,
			Requested: st.Requested, Committed: st.Committed, Arrived: st.Arrived, Fulfilment: st.Fulfilment,
			NeededBy: r.NeededBy, Place: r.Location.Place,
		}
		line.Overdue = !r.NeededBy.IsZero() && r.NeededBy.Before(s.At) && st.OnSite != relief.FulfilComplete
		b.Requests = append(b.Requests, line)
		if st.Fulfilment != relief.FulfilComplete {
			b.Headline.OpenRequests++
			if r.Priority.Rank() >= relief.High.Rank() {
				b.Headline.UrgentUnfulfilled++
			}
			if line.Overdue {
				b.Headline.Overdue++
			}
		}
		visibleOffers = append(visibleOffers, share.Filter(p, v, st.Offers, nil)...)
	}
	for _, m := range share.Filter(p, v, s.Loose, nil) {
		if !m.Type.IsOffer() || m.Validate() != nil {
			continue
		}
		eta := m.Offer.ETA
		if eta.IsZero() {
			eta = m.Sent
		}
		visibleOffers = append(visibleOffers, relief.OfferState{OfferID: m.ID, RequestID: m.RequestID, Org: m.From, Sent: m.Sent,
			Resource: m.Offer.Resource, Quantity: m.Offer.Quantity, Status: relief.OfferOffered, ETA: eta, InRegion: m.Offer.InRegion})
	}
	slices.SortStableFunc(visibleOffers, func(a, c relief.OfferState) int {
		return cmp.Or(a.Sent.Compare(c.Sent), cmp.Compare(a.OfferID, c.OfferID))
	})

	seen := map[string]bool{}
	for _, r := range b.Requests {
		seen[r.ID] = true
	}
	for _, o := range visibleOffers {
		seen[o.OfferID] = true
	}

	teams := map[string]TeamLine{}
	for _, t := range share.Filter(p, v, s.Teams, nil) {
		teams[t.ID] = TeamLine{ID: t.ID, Name: t.Name, Org: t.Org, Kind: t.Kind, Status: t.Status, Worksite: t.Worksite}
	}
	for _, o := range visibleOffers {
		f, flagged := flagOf[o.OfferID]
		if flagged {
			if !seen[f.Of] {
				f.Of, f.Reason = "", hiddenReason(f.Rule)
			}
			b.Duplicates = append(b.Duplicates, f)
		}
		if o.Status == relief.OfferOffered {
			b.Headline.OffersAwaiting++
		}
		if o.Status == relief.OfferOffered || o.Status == relief.OfferAccepted || flagged {
			line := OfferLine{ID: o.OfferID, RequestID: o.RequestID, Org: o.Org, What: describeResource(o.Resource),
				Quantity: o.Quantity, Status: o.Status, ETA: o.ETA}
			if flagged {
				line.Duplicate = f.Reason
			}
			b.Offers = append(b.Offers, line)
		}
		// A team resource on its way or there is a team of the operation,
		// unless the hub already lists it.
		st := relief.DeploymentStatus(o.Status)
		if isTeam(o.Resource.Kind) && (st == relief.EnRoute || st == relief.Arrived || st == relief.Deployed ||
			o.Status == relief.OfferCommitted) {
			id := o.Resource.ID
			if id == "" {
				id = o.OfferID
			}
			if _, known := teams[id]; !known {
				if o.Status == relief.OfferCommitted {
					st = relief.EnRoute // committed: mobilising
				}
				teams[id] = TeamLine{ID: id, Name: o.Resource.Name, Org: o.Org, Kind: o.Resource.Kind, Status: st, Worksite: o.Worksite, ETA: o.ETA}
			}
		}
	}
	b.Headline.DuplicateOffers = len(b.Duplicates)
	for _, t := range teams {
		switch t.Status {
		case relief.EnRoute:
			b.Headline.TeamsEnRoute++
		case relief.Arrived, relief.Deployed:
			b.Headline.TeamsOnSite++
		default:
			continue // released teams are not on the page
		}
		b.Teams = append(b.Teams, t)
	}
	slices.SortFunc(b.Teams, func(a, c TeamLine) int {
		return cmp.Or(cmp.Compare(teamRank(a.Status), teamRank(c.Status)), cmp.Compare(a.ID, c.ID))
	})

	pub := func(x Building) Building { x.Trapped = x.Trapped.Public(); return x }
	for _, bl := range share.Filter(p, v, s.Buildings, pub) {
		b.Headline.Buildings++
		b.Headline.TrappedReported += bl.Trapped.Count
		switch bl.Placard {
		case "red":
			b.Headline.Red++
			if bl.Team == "" {
				b.Headline.RedWithoutTeam++
			}
			b.RedBuildings = append(b.RedBuildings, BuildingLine{ID: bl.ID, Name: bl.Name, Team: bl.Team, Trapped: bl.Trapped.Count})
		case "yellow":
			b.Headline.Yellow++
		case "green":
			b.Headline.Green++
		default:
			b.Headline.Unassessed++
		}
	}
	slices.SortFunc(b.RedBuildings, func(a, c BuildingLine) int {
		return cmp.Or(cmp.Compare(c.Trapped, a.Trapped), cmp.Compare(boolRank(a.Team != ""), boolRank(c.Team != "")), cmp.Compare(a.ID, c.ID))
	})

	b.SafeAreas = share.Filter(p, v, s.SafeAreas, nil)
	slices.SortFunc(b.SafeAreas, func(a, c Area) int {
		return cmp.Or(cmp.Compare(a.Kind, c.Kind), cmp.Compare(a.Name, c.Name), cmp.Compare(a.ID, c.ID))
	})
	b.Hazards = share.Filter(p, v, s.Hazards, nil)
	slices.SortFunc(b.Hazards, func(a, c Hazard) int { return cmp.Or(cmp.Compare(a.Kind, c.Kind), cmp.Compare(a.ID, c.ID)) })
	b.Pending = share.Filter(p, v, s.Pending, nil)
	slices.SortFunc(b.Pending, func(a, c Pending) int { return cmp.Or(a.Since.Compare(c.Since), cmp.Compare(a.ID, c.ID)) })
	b.Headline.SafeAreas, b.Headline.Hazards, b.Headline.PendingDecisions = len(b.SafeAreas), len(b.Hazards), len(b.Pending)

	slices.SortStableFunc(b.Requests, func(a, c RequestLine) int {
		return cmp.Or(
			cmp.Compare(boolRank(a.Fulfilment == relief.FulfilComplete), boolRank(c.Fulfilment == relief.FulfilComplete)),
			cmp.Compare(c.Priority.Rank(), a.Priority.Rank()),
			compareDeadline(a.NeededBy, c.NeededBy),
			cmp.Compare(a.ID, c.ID))
	})
	if b.Requests == nil {
		b.Requests = []RequestLine{}
	}
	if b.Offers == nil {
		b.Offers = []OfferLine{}
	}
	if b.Duplicates == nil {
		b.Duplicates = []relief.Flag{}
	}
	if b.Teams == nil {
		b.Teams = []TeamLine{}
	}
	if b.RedBuildings == nil {
		b.RedBuildings = []BuildingLine{}
	}
	return b
}

// hiddenReason explains a duplicate whose original the viewer cannot see.
func hiddenReason(r relief.DuplicateRule) string {
	switch r {
	case relief.FulfilledNeed:
		return "the request it answers is already covered"
	case relief.SameOrg:
		return "its organisation already offered the same kind of resource for the same time"
	}
	return "the same resource was already offered for the same time"
}

func teamRank(s relief.DeploymentStatus) int {
	switch s {
	case relief.EnRoute:
		return 0
	case relief.Arrived:
		return 1
	}
	return 2
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareDeadline orders times earliest first with the zero time last.
func compareDeadline(a, c time.Time) int {
	switch {
	case a.IsZero() && c.IsZero():
		return 0
	case a.IsZero():
		return 1
	case c.IsZero():
		return -1
	}
	return a.Compare(c)
}

// AgendaItem is a point proposed for the call.
type AgendaItem struct {
	Title string   `json:"title"`
	Refs  []string `json:"refs"`
}

// Agenda proposes the call's agenda from b, in this order: unfulfilled
// urgent and high-priority requests (overdue ones named first), duplicate
// offers to resolve, red buildings without an assigned team (trapped
// persons first), offers awaiting acceptance, then each pending decision,
// oldest first. Points with nothing to discuss are left out.
func Agenda(b Brief) []AgendaItem {
	var items []AgendaItem
	var urgent []string
	for _, r := range b.Requests {
		if r.Fulfilment != relief.FulfilComplete && r.Priority.Rank() >= relief.High.Rank() {
			urgent = append(urgent, r.ID)
		}
	}
	if len(urgent) > 0 {
		items = append(items, AgendaItem{Title: fmt.Sprintf("Cover %s: %s", plural(len(urgent), "unfulfilled urgent or high-priority request"),
			strings.Join(urgent, ", ")), Refs: urgent})
	}
	if len(b.Duplicates) > 0 {
		var refs []string
		for _, d := range b.Duplicates {
			refs = append(refs, d.OfferID)
		}
		items = append(items, AgendaItem{Title: fmt.Sprintf("Resolve %s: %s", plural(len(refs), "duplicate offer"), strings.Join(refs, ", ")), Refs: refs})
	}
	var red []string
	for _, bl := range b.RedBuildings {
		if bl.Team == "" {
			red = append(red, bl.ID)
		}
	}
	if len(red) > 0 {
		items = append(items, AgendaItem{Title: fmt.Sprintf("Assign teams to %s: %s", plural(len(red), "red building"), strings.Join(red, ", ")), Refs: red})
	}
	var waiting []string
	for _, o := range b.Offers {
		if o.Status == relief.OfferOffered && o.Duplicate == "" {
			waiting = append(waiting, o.ID)
		}
	}
	if len(waiting) > 0 {
		items = append(items, AgendaItem{Title: fmt.Sprintf("Accept or decline %s: %s", plural(len(waiting), "offer"), strings.Join(waiting, ", ")), Refs: waiting})
	}
	for _, pd := range b.Pending {
		items = append(items, AgendaItem{Title: "Decide: " + pd.Text, Refs: []string{pd.ID}})
	}
	return items
}

// AgendaTitles is the agenda as lines for call.Spec.Agenda.
func AgendaTitles(items []AgendaItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Title
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

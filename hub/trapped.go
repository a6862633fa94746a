package hub

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/share"
)

// Trapped persons (POST/GET /api/v1/trapped): reports by field teams of
// persons trapped in a building, with where they were located. Their
// visibility is parties or org, never public (INSARAG Guidelines 2020,
// vol. II manual B: victim locations are operational information for the
// USAR teams). A public viewer (a viewer token) gets none, not even a
// count; the live stream carries only that something changed.

func (s *Server) trappedRoutes() {
	s.route("POST /api/v1/trapped", field, s.postTrapped)
	s.route("GET /api/v1/trapped", viewer, s.getTrapped)
}

type trappedLocation struct {
	Lat  *float64 `json:"lat"`
	Lon  *float64 `json:"lon"`
	Note string   `json:"note"`
}

type trappedRequest struct {
	BuildingID string            `json:"building_id"`
	Count      *int              `json:"count"`
	Locations  []trappedLocation `json:"locations"`
	Visibility string            `json:"visibility"`
}

// MaxTrappedLocations bounds the locations of one report.
const MaxTrappedLocations = 1000

func (s *Server) postTrapped(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req trappedRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	errs := []error{checkText("building_id", req.BuildingID, 200, true)}
	switch {
	case req.Count == nil:
		errs = append(errs, errors.New("count: missing"))
	case *req.Count < 0 || *req.Count > 100000:
		errs = append(errs, fmt.Errorf("count: %d is outside 0..100000", *req.Count))
	}
	if len(req.Locations) > MaxTrappedLocations {
		errs = append(errs, fmt.Errorf("locations: %d locations, at most %d", len(req.Locations), MaxTrappedLocations))
	}
	vis, err := checkVisibility("visibility", req.Visibility)
	errs = append(errs, err)
	if vis == share.Public {
		errs = append(errs, errors.New("visibility: trapped-person locations are never public (parties or org)"))
	}
	locs := make([]store.TrappedPoint, 0, len(req.Locations))
	for i, l := range req.Locations {
		where := fmt.Sprintf("locations[%d].", i)
		switch {
		case l.Lat == nil:
			errs = append(errs, errors.New(where+"lat: missing"))
		case l.Lon == nil:
			errs = append(errs, errors.New(where+"lon: missing"))
		default:
			errs = append(errs, checkLatLon(where, *l.Lat, *l.Lon), checkText(where+"note", l.Note, 1000, false))
			locs = append(locs, store.TrappedPoint{Lat: *l.Lat, Lon: *l.Lon, Note: l.Note})
		}
	}
	for _, e := range errs {
		if e != nil {
			writeError(w, http.StatusBadRequest, e.Error())
			return
		}
	}
	tr, err := s.st.PutTrapped(r.Context(), p.Actor(), store.Trapped{
		BuildingID: req.BuildingID, Count: *req.Count, Locations: locs, Visibility: vis,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Never public, so never in full on the stream every token reads.
	s.publishVisible("trapped", tr, tr.Visibility)
	writeJSON(w, http.StatusCreated, tr)
}

func (s *Server) getTrapped(w http.ResponseWriter, r *http.Request, p store.Principal) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	building := r.URL.Query().Get("building_id")
	if err := checkText("building_id", building, 200, false); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	out := []store.Trapped{}
	// A public viewer sees no trapped persons whatever the records say
	// (they are never public; this does not rely on it).
	if !vw.public() {
		ts, err := s.st.TrappedReports(r.Context(), building)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = filterVisible(vw, ts)
	}
	s.writeVisibleJSON(w, r, vw, http.StatusOK, out)
}

// trappedByBuilding sums the reports seen by see per building, for the
// brief: each report counts its persons, its locations are kept.
func trappedByBuilding(ts []store.Trapped, see func(store.Trapped) bool) map[string]share.Trapped {
	m := map[string]share.Trapped{}
	for _, t := range ts {
		if !see(t) {
			continue
		}
		x := m[t.BuildingID]
		x.Count += t.Count
		for _, l := range t.Locations {
			x.Locations = append(x.Locations, share.Point{Lat: l.Lat, Lon: l.Lon})
		}
		m[t.BuildingID] = x
	}
	return m
}

// trappedSeenBy is the snapshot's filter of trapped-person reports for p.
func trappedSeenBy(p store.Principal) func(share.Policy, store.Trapped) bool {
	v := shareViewer(p)
	return func(pol share.Policy, t store.Trapped) bool {
		return !pol.Public(v) && pol.CanSee(v, t.Org, t.Visibility)
	}
}

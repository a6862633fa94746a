package hub

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/report"
)

// --- organisations and tokens (admin)

type orgRequest struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

func (s *Server) postOrg(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req orgRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	if err := checkText("name", req.Name, 100, true); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	o, err := s.st.CreateOrg(r.Context(), p.Actor(), req.Name, req.Kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

type tokenRequest struct {
	Org  string `json:"org"`
	Role string `json:"role"`
	Name string `json:"name"`
}

func (s *Server) postToken(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req tokenRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	for _, e := range []error{checkText("org", req.Org, 100, true), checkText("name", req.Name, 100, true)} {
		if e != nil {
			writeError(w, http.StatusBadRequest, e.Error())
			return
		}
	}
	tok, err := IssueToken(r.Context(), s.st, p.Actor(), req.Org, req.Role, req.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": tok, "org": req.Org, "role": req.Role, "name": req.Name})
}

// --- assessments and buildings

func (s *Server) postAssessment(w http.ResponseWriter, r *http.Request, p store.Principal) {
	// The report is the schema's and stays as it is: who may see it is a
	// query parameter (default parties).
	vis, err := checkVisibility("visibility", r.URL.Query().Get("visibility"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("report is larger than the limit of %d bytes", mbe.Limit))
			return
		}
		writeError(w, http.StatusBadRequest, "reading the report: "+err.Error())
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		writeError(w, http.StatusBadRequest, "empty body: expected a report.json from struna assess")
		return
	}
	// report.Decode is the schema's own reader: it allows fields a newer
	// struna may add (the report is stored byte for byte, so none is lost)
	// and checks the fields every consumer relies on.
	rep, err := report.Decode(bytes.NewReader(body), "report")
	if err != nil {
		writeError(w, http.StatusBadRequest, strings.ReplaceAll(err.Error(), "\n", "; "))
		return
	}
	for _, e := range []error{
		checkText("report: id", rep.ID, 200, true), checkText("report: building.id", rep.Building.ID, 200, true),
		checkText("report: building.name", rep.Building.Name, 200, false), checkLatLon("report: building.", rep.Building.Lat, rep.Building.Lon),
	} {
		if e != nil {
			writeError(w, http.StatusBadRequest, e.Error())
			return
		}
	}
	as := store.AssessmentFromReport(rep, body)
	as.Visibility = vis
	st, err := s.st.PutAssessment(r.Context(), p.Actor(), as)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if st.New {
		status = http.StatusCreated
		s.publishVisible("assessment", map[string]any{
			"id": st.ID, "building_id": st.BuildingID, "placard": rep.Placard, "category": rep.Category,
			"confidence": rep.Confidence, "created": rep.Created,
		}, cmp.Or(vis, share.Parties))
		s.publishVisible("building", st.Building, st.Building.Visibility)
	}
	writeJSON(w, status, st)
}

func (s *Server) getAssessment(w http.ResponseWriter, r *http.Request, p store.Principal) {
	body, ok := s.visibleAssessment(w, r, p, r.PathValue("id"))
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *Server) getAssessmentHTML(w http.ResponseWriter, r *http.Request, p store.Principal) {
	id := r.PathValue("id")
	body, ok := s.visibleAssessment(w, r, p, id)
	if !ok {
		return
	}
	rep, err := report.Decode(bytes.NewReader(body), "assessment "+id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var page bytes.Buffer
	if err := report.RenderHTML(&page, rep); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Write(page.Bytes())
}

func (s *Server) getBuildings(w http.ResponseWriter, r *http.Request, p store.Principal) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bs, _, _, err := s.buildings.get(r.Context(), s.st, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeVisibleJSON(w, r, vw, http.StatusOK, filterVisible(vw, bs))
}

func (s *Server) getBuilding(w http.ResponseWriter, r *http.Request, p store.Principal) {
	id := r.PathValue("id")
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, hist, err := s.st.Building(r.Context(), id)
	if err == nil && !vw.sees(b) {
		err = &store.Error{Kind: store.ErrNotFound, Msg: fmt.Sprintf("building %s does not exist", id)}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Trapped persons only for a party that may see the reports; the
	// field is absent for anyone else (and RedactJSON would drop it).
	var trapped []store.Trapped
	if !vw.public() {
		ts, err := s.st.TrappedReports(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		trapped = filterVisible(vw, ts)
	}
	s.writeVisibleJSON(w, r, vw, http.StatusOK, struct {
		store.Building
		History []store.HistoryEntry `json:"history"`
		Trapped []store.Trapped      `json:"trapped,omitempty"`
	}{b, filterVisible(vw, hist), trapped})
}

func (s *Server) getBuildingsGeoJSON(w http.ResponseWriter, r *http.Request, p store.Principal) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geo, etag, err := s.visibleBuildingsGeoJSON(r.Context(), vw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", etag)
	// Revalidate every time (no-store is set for the API): a map that
	// polls gets 304 until a building changes.
	h.Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/geo+json")
	w.Write(geo)
}

// --- teams, sectors, worksites

type teamRequest struct {
	Name string `json:"name"`
}

func (s *Server) getTeams(w http.ResponseWriter, r *http.Request, p store.Principal) {
	ts, err := s.st.Teams(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

func (s *Server) postTeam(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req teamRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	if err := checkText("name", req.Name, 64, true); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// A team always belongs to the caller's organisation.
	t, err := s.st.CreateTeam(r.Context(), p.Actor(), p.Org, req.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

type sectorRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (s *Server) getSectors(w http.ResponseWriter, r *http.Request, p store.Principal) {
	ss, err := s.st.Sectors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ss)
}

func (s *Server) postSector(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req sectorRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	for _, e := range []error{checkCode("code", req.Code, 16), checkText("name", req.Name, 100, false)} {
		if e != nil {
			writeError(w, http.StatusBadRequest, e.Error())
			return
		}
	}
	sc, err := s.st.CreateSector(r.Context(), p.Actor(), store.Sector(req))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sc)
}

type worksiteRequest struct {
	Code       string   `json:"code"`
	Lat        *float64 `json:"lat"`
	Lon        *float64 `json:"lon"`
	Name       string   `json:"name"`
	Sector     string   `json:"sector"`
	BuildingID string   `json:"building_id"`
	Notes      string   `json:"notes"`
	Visibility string   `json:"visibility"`
}

func (s *Server) getWorksites(w http.ResponseWriter, r *http.Request, p store.Principal) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ws, err := s.st.Worksites(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeVisibleJSON(w, r, vw, http.StatusOK, filterVisible(vw, ws))
}

func (s *Server) postWorksite(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req worksiteRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	errs := []error{checkCode("code", req.Code, 32), checkText("name", req.Name, 200, false),
		checkText("building_id", req.BuildingID, 200, false), checkText("notes", req.Notes, 4000, false)}
	if req.Sector != "" {
		errs = append(errs, checkCode("sector", req.Sector, 16))
	}
	vis, verr := checkVisibility("visibility", req.Visibility)
	errs = append(errs, verr)
	switch {
	case req.Lat == nil:
		errs = append(errs, errors.New("lat: missing"))
	case req.Lon == nil:
		errs = append(errs, errors.New("lon: missing"))
	default:
		errs = append(errs, checkLatLon("", *req.Lat, *req.Lon))
	}
	for _, e := range errs {
		if e != nil {
			writeError(w, http.StatusBadRequest, e.Error())
			return
		}
	}
	ws, err := s.st.CreateWorksite(r.Context(), p.Actor(), store.Worksite{
		Code: req.Code, Name: req.Name, Lat: *req.Lat, Lon: *req.Lon, Sector: req.Sector, BuildingID: req.BuildingID, Notes: req.Notes,
		Visibility: vis,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishVisible("worksite", ws, ws.Visibility)
	writeJSON(w, http.StatusCreated, ws)
}

type claimRequest struct {
	Team    string `json:"team"`
	Minutes *int   `json:"minutes"`
}

// MaxLease is the longest lease a claim may ask for.
const MaxLease = 24 * time.Hour

func (s *Server) postClaim(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req claimRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	if err := checkText("team", req.Team, 64, true); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	minutes := 60
	if req.Minutes != nil {
		minutes = *req.Minutes
	}
	if minutes < 1 || time.Duration(minutes)*time.Minute > MaxLease {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("minutes: %d is outside 1..%d", minutes, int(MaxLease/time.Minute)))
		return
	}
	code := r.PathValue("code")
	ws, err := s.st.Claim(r.Context(), p.Actor(), store.Claim{Code: code, Org: p.Org, Team: req.Team, For: time.Duration(minutes) * time.Minute})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishVisible("worksite", ws, ws.Visibility)
	writeJSON(w, http.StatusOK, map[string]any{"code": ws.Code, "team": ws.Holder.Team, "org": ws.Holder.Org, "since": ws.Holder.Since, "until": ws.Holder.Until})
}

type releaseRequest struct {
	Team  string `json:"team"`
	Break bool   `json:"break"`
}

func (s *Server) postRelease(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req releaseRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	if req.Break && store.RoleRank(p.Role) < store.RoleRank(coordinator) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("breaking a lease needs the coordinator role or higher; this token has %s (release your own team's lease with {\"team\": NAME})", p.Role))
		return
	}
	if !req.Break {
		if err := checkText("team", req.Team, 64, true); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	ws, err := s.st.Release(r.Context(), p.Actor(), store.Release{Code: r.PathValue("code"), Org: p.Org, Team: req.Team, Break: req.Break})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishVisible("worksite", ws, ws.Visibility)
	writeJSON(w, http.StatusOK, ws)
}

// --- areas

type areaRequest struct {
	Kind       string          `json:"kind"`
	Name       string          `json:"name"`
	Geometry   json.RawMessage `json:"geometry"`
	Visibility string          `json:"visibility"`
}

func (s *Server) postArea(w http.ResponseWriter, r *http.Request, p store.Principal) {
	var req areaRequest
	if !decodeBody(w, r, s.maxBody, &req) {
		return
	}
	if err := checkText("name", req.Name, 200, false); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	geom, err := checkGeometry(req.Geometry)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	vis, err := checkVisibility("visibility", req.Visibility)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.st.CreateArea(r.Context(), p.Actor(), store.Area{Kind: req.Kind, Name: req.Name, Geometry: geom, Visibility: vis})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishVisible("area", a, a.Visibility)
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) getAreasGeoJSON(w http.ResponseWriter, r *http.Request, p store.Principal) {
	vw, err := s.viewFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.st.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bs, _, _, err := s.buildings.get(r.Context(), s.st, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geo := areasGeoJSON(filterVisible(vw, as), filterVisible(vw, bs))
	if vw.public() {
		if geo, err = share.RedactJSON("areas.geojson", geo); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Write(geo)
}

// --- audit

func (s *Server) getAudit(w http.ResponseWriter, r *http.Request, p store.Principal) {
	q := store.AuditQuery{Limit: 100}
	// An admin sees every organisation's changes; a coordinator their own.
	if p.Role != admin {
		q.Org = p.Org
	}
	v := r.URL.Query()
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit: %q is not an integer in 1..1000", l))
			return
		}
		q.Limit = n
	}
	if since := v.Get("since"); since != "" {
		t, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("since: %q is not an RFC 3339 time such as 2026-02-07T09:30:00Z", since))
			return
		}
		q.Since = t
	}
	es, err := s.st.Audit(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, es)
}

// Package hub is struna's coordination server (DESIGN §3): the HTTP/JSON
// API under /api/v1 that field laptops push reports to and the
// coordination cell works from, a server-sent event stream of changes, and
// the embedded web UI.
//
// The server is a thin shell around [store.Store]: it authenticates bearer
// tokens (stored as SHA-256 hashes), checks roles (admin > coordinator >
// field > viewer, per organisation), decodes request bodies strictly
// (unknown fields, trailing data and oversized bodies are refused with a
// message naming the field), and answers with the store's result only
// after the store has committed it. Events are published after the commit.
// The clock and logger are injected; there is no global state.
package hub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/struna/struna/hub/store"
)

// Config is what a Server needs.
type Config struct {
	Store  store.Store
	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default: time.Now
	// Tiles is the map tile URL template given to the UI
	// ("https://…/{z}/{x}/{y}.png"), "" for none.
	Tiles string
	// MaxBody is the largest request body accepted (default 8 MiB).
	MaxBody int64
	// Heartbeat is the interval of SSE comment lines (default 15 s).
	Heartbeat time.Duration
	// EventQueue is how many events a subscriber may lag behind before it
	// is dropped (default 256).
	EventQueue int
	// UI is the web UI's file system (index.html at its root); default:
	// the embedded UI.
	UI fs.FS
	// RTCAddrs are the local addresses the call audio rooms offer to
	// browsers (ICE host candidates); empty means loopback only, so that
	// nothing leaves the machine. A deployment lists the hub's LAN address.
	RTCAddrs []net.IP
}

// DefaultMaxBody is the default request size limit: a report with its
// decimated plots fits with room to spare.
const DefaultMaxBody = 8 << 20

// Server is the hub.
type Server struct {
	st        store.Store
	log       *slog.Logger
	now       func() time.Time
	tiles     string
	maxBody   int64
	heartbeat time.Duration
	events    *broker
	buildings *buildingCache
	classGeo  *classGeoJSON // buildings.geojson per visibility class: visibility.go
	mux       *http.ServeMux
	ui        fs.FS
	rtcAddrs  []net.IP
}

// New checks cfg and builds a server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("hub: Config.Store is nil")
	}
	s := &Server{
		st: cfg.Store, log: cfg.Logger, now: cfg.Now, tiles: cfg.Tiles, rtcAddrs: cfg.RTCAddrs,
		maxBody: cfg.MaxBody, heartbeat: cfg.Heartbeat, ui: cfg.UI,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.heartbeat <= 0 {
		s.heartbeat = 15 * time.Second
	}
	q := cfg.EventQueue
	if q <= 0 {
		q = 256
	}
	if s.ui == nil {
		s.ui = uiFS()
	}
	if _, err := fs.Stat(s.ui, "index.html"); err != nil {
		return nil, fmt.Errorf("hub: web UI has no index.html: %w", err)
	}
	s.events = newBroker(q)
	s.buildings = newBuildingCache()
	s.classGeo = &classGeoJSON{}
	s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close ends every event stream (call it when shutting down: the streams
// never end by themselves). Requests after Close get no events.
func (s *Server) Close() { s.events.close() }

const (
	viewer      = store.RoleViewer
	field       = store.RoleField
	coordinator = store.RoleCoordinator
	admin       = store.RoleAdmin
)

func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /api/v1/config", s.config)
	s.route("GET /api/v1/me", viewer, s.me)
	s.route("GET /api/v1/events", viewer, s.eventStream)

	s.route("POST /api/v1/orgs", admin, s.postOrg)
	s.route("POST /api/v1/tokens", admin, s.postToken)

	s.route("POST /api/v1/assessments", field, s.postAssessment)
	s.route("GET /api/v1/assessments/{id}", viewer, s.getAssessment)
	s.route("GET /api/v1/assessments/{id}/html", viewer, s.getAssessmentHTML)
	s.route("GET /api/v1/buildings", viewer, s.getBuildings)
	s.route("GET /api/v1/buildings/{id}", viewer, s.getBuilding)
	s.route("GET /api/v1/buildings.geojson", viewer, s.getBuildingsGeoJSON)

	s.route("GET /api/v1/teams", viewer, s.getTeams)
	s.route("POST /api/v1/teams", field, s.postTeam)
	s.route("GET /api/v1/sectors", viewer, s.getSectors)
	s.route("POST /api/v1/sectors", coordinator, s.postSector)
	s.route("GET /api/v1/worksites", viewer, s.getWorksites)
	s.route("POST /api/v1/worksites", coordinator, s.postWorksite)
	s.route("POST /api/v1/worksites/{code}/claim", field, s.postClaim)
	s.route("POST /api/v1/worksites/{code}/release", field, s.postRelease)

	s.route("GET /api/v1/areas.geojson", viewer, s.getAreasGeoJSON)
	s.route("POST /api/v1/areas", coordinator, s.postArea)

	// Read only: no route changes or deletes audit entries, so PUT,
	// PATCH and DELETE get 405.
	s.route("GET /api/v1/audit", coordinator, s.getAudit)

	// The relief operation (issue 6): hub/relief.go.
	s.reliefRoutes()
	s.callRoutes()    // coordination calls: hub/call.go
	s.trappedRoutes() // trapped persons: hub/trapped.go
	s.rtcRoutes()     // their audio rooms: hub/rtc_routes.go

	m.HandleFunc("GET /{$}", s.uiIndex)
	m.Handle("GET /static/", http.FileServerFS(s.ui))
}

// serveHTTP adds the headers every answer carries and turns the mux's
// plain-text 404 and 405 into the API's JSON errors.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	sw := &statusWriter{ResponseWriter: w}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.noRoute(sw, r)
	} else {
		s.mux.ServeHTTP(sw, r)
	}
	// Never log the query: /api/v1/events may carry a token there.
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
}

// noRoute answers a request no pattern matches: 405 (with Allow) when the
// path exists with other methods, else 404; redirects pass through.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rec.header.Get("Allow")))
	case http.StatusNotFound, 0:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such route: %s %s", r.Method, r.URL.Path))
	default:
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
	}
}

// headerRecorder keeps a handler's status and headers, and drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return len(b), nil
}
func (h *headerRecorder) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

// statusWriter remembers the status for the log; Unwrap lets
// http.ResponseController reach Flush and deadlines.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// route registers an authenticated route open to role min and above.
func (s *Server) route(pattern, min string, h func(http.ResponseWriter, *http.Request, store.Principal)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		p, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if store.RoleRank(p.Role) < store.RoleRank(min) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("%s %s needs the %s role or higher; this token (%s of %s) has %s",
				r.Method, r.URL.Path, min, p.TokenName, p.Org, p.Role))
			return
		}
		h(w, r, p)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.st.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "error", "db": s.st.Kind(), "error": "database does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "db": s.st.Kind()})
}

func (s *Server) config(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"tiles": s.tiles})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, p store.Principal) {
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) uiIndex(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(s.ui, "index.html")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

// fail answers with the HTTP status of a store error; anything that is
// not about a record is logged and answered 500 without detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var held *store.HeldError
	switch {
	case errors.As(err, &held):
		writeJSON(w, http.StatusConflict, map[string]any{"error": held.Error(), "holder": held.Team, "org": held.Org, "until": held.Until})
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, store.ErrForbidden):
		writeError(w, http.StatusForbidden, err.Error())
	case errors.Is(err, store.ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error: the hub could not complete the request (see the server log)")
	}
}

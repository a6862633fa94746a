package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/struna/struna/report"
)

// fakeHub implements the subset of the hub API (v1) the UI uses, with
// in-memory data: three buildings (green, yellow, red), areas, two
// worksites (one free, one held by another organisation), teams, two
// trapped-person reports in the red building, and an SSE stream into
// which changes are pushed. It follows the contract's
// auth rules: bearer token everywhere under /api/v1 except /config, and
// ?access_token= accepted on /api/v1/events only.
type fakeHub struct {
	token string
	tiles string // tile URL template announced by /api/v1/config

	mu        sync.Mutex
	buildings []map[string]any
	reports   map[string][]byte // assessment id → HTML
	worksites []map[string]any
	trapped   []map[string]any // GET /api/v1/trapped, in id order
	relief    map[string]any   // GET /api/v1/requests
	call      map[string]any   // the one coordination call, as GET /api/v1/calls shows it
	messages  []map[string]any // GET /api/v1/messages
	answers   []string         // "SEAT READINESS" of every accepted readiness answer
	subs      map[chan sse]bool
	claims    []string // "CODE TEAM" of every accepted claim, in order
	sseAuth   []string // how each SSE client authenticated
	queryAuth []string // paths (other than /events) where a query token was tried
}

type sse struct{ kind, data string }

const (
	fakeOrg     = "ORG-A"
	fakeTeam    = "USAR-1"
	fakeOther   = "USAR-9"
	fakeOtherOr = "ORG-B"
)

func newFakeHub(token string) (*fakeHub, error) {
	f := &fakeHub{token: token, reports: map[string][]byte{}, subs: map[chan sse]bool{}}
	now := time.Now().UTC()
	// Report pages rendered by the real renderer from report's fixtures.
	for _, fx := range []struct{ id, file string }{{"A-GREEN", "green_typology.json"}, {"A-RED", "red_baseline.json"}} {
		b, err := os.ReadFile(filepath.Join("..", "..", "report", "testdata", fx.file))
		if err != nil {
			return nil, err
		}
		r, err := report.Decode(bytes.NewReader(b), fx.file)
		if err != nil {
			return nil, err
		}
		var html bytes.Buffer
		if err := report.RenderHTML(&html, r); err != nil {
			return nil, err
		}
		f.reports[fx.id] = html.Bytes()
	}
	f.reports["A-YELLOW"] = f.reports["A-GREEN"]
	f.reports["A-OLD"] = f.reports["A-GREEN"]
	f.buildings = []map[string]any{
		{"id": "B-1", "name": "School No. 3", "lat": 36.2021, "lon": 36.1600, "placard": "green", "category": "normative",
			"confidence": 0.82, "last_assessed": now.Add(-3 * time.Hour).Format(time.RFC3339), "assessment_id": "A-GREEN", "hazards": []any{}},
		{"id": "B-2", "name": "Clinic <b>East</b>", "lat": 36.2040, "lon": 36.1645, "placard": "yellow", "category": "limited",
			"confidence": 0.64, "last_assessed": now.Add(-90 * time.Minute).Format(time.RFC3339), "assessment_id": "A-YELLOW",
			"hazards": []any{map[string]any{"kind": "electricity", "detail": "damaged switchboard, power off at the mains"}}},
		{"id": "B-3", "name": "Apartment block 7", "lat": 36.1998, "lon": 36.1662, "placard": "red", "category": "emergency",
			"confidence": 0.91, "last_assessed": now.Add(-20 * time.Minute).Format(time.RFC3339), "assessment_id": "A-RED",
			"hazards": []any{map[string]any{"kind": "gas", "detail": "smell of gas on floors 1-2"}, map[string]any{"kind": "collapse", "detail": "stair partly collapsed"}}},
	}
	f.worksites = []map[string]any{
		{"code": "C-1", "name": "Clinic East", "lat": 36.2043, "lon": 36.1640, "sector": "C", "building_id": "B-2", "holder": nil},
		{"code": "C-2", "name": "Apartment block 7", "lat": 36.1995, "lon": 36.1668, "sector": "C", "building_id": "B-3",
			"holder": map[string]any{"team": fakeOther, "org": fakeOtherOr, "since": now.Add(-15 * time.Minute).Format(time.RFC3339), "until": now.Add(45 * time.Minute).Format(time.RFC3339)}},
	}
	// B-3 has two reports (3 + 1 persons, the first with two located);
	// B-1 and B-2 have none.
	f.trapped = []map[string]any{
		{"id": 1, "building_id": "B-3", "count": 3, "org": fakeOtherOr, "visibility": "parties", "actor": "usar9-tablet",
			"created": now.Add(-25 * time.Minute).Format(time.RFC3339),
			"locations": []any{
				map[string]any{"lat": 36.19982, "lon": 36.166213, "note": "Basement <stairwell>, 2 voices"},
				map[string]any{"lat": 36.199771, "lon": 36.16628, "note": ""},
			}},
		{"id": 2, "building_id": "B-3", "count": 1, "org": fakeOrg, "visibility": "org", "actor": "laptop-1",
			"created": now.Add(-10 * time.Minute).Format(time.RFC3339), "locations": []any{}},
	}
	f.seedRelief(now)
	return f, nil
}

// seedRelief adds the relief data: one urgent request with two offers of
// the same team (the second flagged as a duplicate of the first), one call
// with two invited organisations, and one official message.
func (f *fakeHub) seedRelief(now time.Time) {
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	team := map[string]any{"kind": "usar_team", "id": "RUS-1", "name": "EMERCOM <b>heavy</b>", "class": "heavy", "size": 60}
	f.relief = map[string]any{
		"requests": []any{map[string]any{
			"request_id": "REQ-1", "from": fakeOrg, "incident": "TR-2023", "sent": ts(-2 * time.Hour), "visibility": "parties",
			"request": map[string]any{"resource": map[string]any{"kind": "usar_team", "class": "heavy"}, "quantity": 2,
				"location": map[string]any{"lat": 36.2, "lon": 36.16, "place": "Antakya, Hatay"}, "needed_by": ts(4 * time.Hour), "priority": "urgent"},
			"requested": 2, "offered": 2, "committed": 1, "arrived": 0, "fulfilment": "partial", "on_site": "none",
			"offers": []any{
				map[string]any{"offer_id": "OFF-1", "request_id": "REQ-1", "type": "ResponseToRequestResource", "org": fakeOtherOr, "sent": ts(-90 * time.Minute),
					"visibility": "parties", "resource": team, "quantity": 1, "committed": 1, "eta": ts(3 * time.Hour), "status": "committed", "history": []any{}, "duplicate": nil},
				map[string]any{"offer_id": "OFF-2", "request_id": "REQ-1", "type": "ResponseToRequestResource", "org": fakeOtherOr, "sent": ts(-30 * time.Minute),
					"visibility": "parties", "resource": team, "quantity": 1, "committed": 0, "eta": ts(3 * time.Hour), "status": "offered", "history": []any{},
					"duplicate": map[string]any{"offer_id": "OFF-2", "rule": "same_resource", "of": "OFF-1", "reason": "offers resource RUS-1 <again>, already offered in OFF-1"}},
			},
		}},
		"unsolicited": []any{},
	}
	f.call = map[string]any{
		"id": "CALL-1", "incident": "TR-2023", "title": "Heavy USAR <coordination>", "convener": fakeOrg, "convener_name": fakeOrg,
		"invitees": []any{map[string]any{"id": fakeOrg, "name": fakeOrg, "org": fakeOrg}, map[string]any{"id": fakeOtherOr, "name": fakeOtherOr, "org": fakeOtherOr}},
		"start":    ts(20 * time.Minute), "immediate": false, "duration": int64(30 * time.Minute), "agenda": []any{"Heavy USAR teams"},
		"visibility": "public", "status": "scheduled", "created": ts(-5 * time.Minute), "updated": ts(-5 * time.Minute), "sequence": 0,
		"readiness": []any{}, "reschedules": []any{}, "decisions": []any{},
		"seats": []any{
			map[string]any{"id": fakeOrg, "name": fakeOrg, "org": fakeOrg, "readiness": ""},
			map[string]any{"id": fakeOtherOr, "name": fakeOtherOr, "org": fakeOtherOr, "readiness": ""},
		},
		"tally": map[string]any{"ready": 0, "delayed": 0, "declined": 0, "no_answer": 2},
	}
	f.messages = []map[string]any{{
		"signed": map[string]any{"message": map[string]any{"id": "MSG-1", "incident": "TR-2023", "from": fakeOtherOr, "to": []any{fakeOrg},
			"kind": "note", "subject": "Airspace <closed> over sector C", "body": "Until 18:00 UTC.", "created": ts(-40 * time.Minute), "visibility": "parties"},
			"key_id": "k1", "digests": map[string]any{}, "signature": "c2ln"},
		"receipts": []any{},
	}}
}

// setSeat records a readiness answer in the call (held under f.mu) and
// tells the event stream, as the real hub does for a public call.
func (f *fakeHub) setSeat(seat, readiness string, delay int) {
	tally := map[string]int{"ready": 0, "delayed": 0, "declined": 0, "no_answer": 0}
	for _, x := range f.call["seats"].([]any) {
		s := x.(map[string]any)
		if s["id"] == seat {
			s["readiness"] = readiness
			delete(s, "delay_minutes")
			if readiness == "delayed" {
				s["delay_minutes"] = delay
			}
		}
		r, _ := s["readiness"].(string)
		if r == "" {
			r = "no_answer"
		}
		tally[r]++
	}
	f.call["tally"] = tally
	f.answers = append(f.answers, seat+" "+readiness)
	f.broadcast("call", f.call)
}

func (f *fakeHub) areas() map[string]any {
	poly := func(kind, name string, lon, lat, d float64) map[string]any {
		return map[string]any{"type": "Feature", "properties": map[string]any{"kind": kind, "name": name},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d*0.8}, {lon, lat + d*0.8}, {lon, lat}}}}}
	}
	point := func(kind, name, source string, lon, lat float64) map[string]any {
		p := map[string]any{"kind": kind, "name": name}
		if source != "" {
			p["source"] = source
		}
		return map[string]any{"type": "Feature", "properties": p, "geometry": map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}}
	}
	return map[string]any{"type": "FeatureCollection", "features": []any{
		poly("assembly", "Park assembly area", 36.1570, 36.2000, 0.0018),
		poly("hazard", "Fuel spill", 36.1680, 36.2025, 0.0012),
		point("base", "Base of operations", "", 36.1610, 36.1975),
		point("helipad", "Stadium helipad", "", 36.1545, 36.2045),
		point("hazard", "Apartment block 7", "placard", 36.1662, 36.1998),
	}}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeHub) broadcast(kind string, v any) {
	b, _ := json.Marshal(v)
	for ch := range f.subs {
		select {
		case ch <- sse{kind, string(b)}:
		default: // a slow client misses the event (and resyncs on reconnect)
		}
	}
}

func (f *fakeHub) find(code string) map[string]any {
	for _, w := range f.worksites {
		if w["code"] == code {
			return w
		}
	}
	return nil
}

// ServeHTTP routes like the real hub: the UI at "/", the API under /api/v1.
func (f *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/_test/") {
		http.FileServerFS(FS()).ServeHTTP(w, r)
		return
	}
	if p == "/api/v1/config" {
		f.mu.Lock()
		tiles := f.tiles
		f.mu.Unlock()
		writeJSON(w, 200, map[string]string{"tiles": tiles})
		return
	}
	if strings.HasPrefix(p, "/_test/tile/") {
		// A stand-in tile server: every tile a pale square with an edge.
		img := image.NewRGBA(image.Rect(0, 0, 256, 256))
		for y := 0; y < 256; y++ {
			for x := 0; x < 256; x++ {
				c := color.RGBA{0xdd, 0xe8, 0xd5, 0xff}
				if x < 2 || y < 2 {
					c = color.RGBA{0x9a, 0xb0, 0x8c, 0xff}
				}
				img.SetRGBA(x, y, c)
			}
		}
		w.Header().Set("Content-Type", "image/png")
		_ = png.Encode(w, img)
		return
	}
	if p == "/_test/tiles" {
		f.mu.Lock()
		f.tiles = "/_test/tile/{z}/{x}/{y}.png"
		f.mu.Unlock()
		writeJSON(w, 200, map[string]string{"tiles": f.tiles})
		return
	}
	auth := r.Header.Get("Authorization") == "Bearer "+f.token
	if q := r.URL.Query().Get("access_token"); q != "" {
		if p == "/api/v1/events" {
			auth = auth || q == f.token
		} else {
			f.mu.Lock()
			f.queryAuth = append(f.queryAuth, p)
			f.mu.Unlock()
		}
	}
	if !auth {
		writeJSON(w, 401, map[string]string{"error": "missing or unknown bearer token"})
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSON(w, 400, map[string]string{"error": "body: " + err.Error()})
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case p == "/api/v1/events":
		f.serveEvents(w, r)
	case p == "/_test/push" && r.Method == http.MethodPost:
		// The test's own hook: B-2 is re-assessed red.
		b := f.buildings[1]
		b["placard"], b["category"], b["assessment_id"] = "red", "emergency", "A-RED"
		f.broadcast("building", b)
		writeJSON(w, 200, b)
	case p == "/_test/drop" && r.Method == http.MethodPost:
		// The test's own hook: B-1 turns yellow while the streams are cut,
		// so only a resync after the reconnect can show it.
		f.buildings[0]["placard"] = "yellow"
		for ch := range f.subs {
			select {
			case ch <- sse{kind: "__close"}:
			default:
			}
		}
		writeJSON(w, 200, f.buildings[0])
	case p == "/_test/call-other" && r.Method == http.MethodPost:
		// The test's own hook: the other organisation answers "delayed 10 min".
		f.setSeat(fakeOtherOr, "delayed", 10)
		writeJSON(w, 200, f.call)
	case p == "/_test/trapped" && r.Method == http.MethodPost:
		// The test's own hook: a team reports 2 more persons in B-3. Like
		// the real hub, the stream says only that something changed (a
		// trapped report is never public).
		tr := map[string]any{"id": len(f.trapped) + 1, "building_id": "B-3", "count": 2, "org": fakeOrg, "visibility": "parties",
			"actor": "laptop-1", "created": time.Now().UTC().Format(time.RFC3339),
			"locations": []any{map[string]any{"lat": 36.1999, "lon": 36.1661, "note": "roof"}}}
		f.trapped = append(f.trapped, tr)
		f.broadcast("trapped", map[string]string{"visibility": "parties"})
		writeJSON(w, 200, tr)
	case p == "/api/v1/trapped" && r.Method == http.MethodGet:
		id := r.URL.Query().Get("building_id")
		out := []any{}
		for _, t := range f.trapped {
			if id == "" || t["building_id"] == id {
				out = append(out, t)
			}
		}
		writeJSON(w, 200, out)
	case p == "/api/v1/requests":
		writeJSON(w, 200, f.relief)
	case p == "/api/v1/messages":
		writeJSON(w, 200, f.messages)
	case p == "/api/v1/calls":
		writeJSON(w, 200, []any{f.call})
	case strings.HasPrefix(p, "/api/v1/calls/"):
		f.serveCall(w, r, strings.TrimPrefix(p, "/api/v1/calls/"), body)
	case p == "/api/v1/me":
		writeJSON(w, 200, map[string]string{"org": fakeOrg, "role": "field", "token_name": "laptop-1"})
	case p == "/api/v1/buildings.geojson":
		feats := []any{}
		for _, b := range f.buildings {
			props := map[string]any{}
			for _, k := range []string{"id", "name", "placard", "category", "confidence", "last_assessed", "assessment_id"} {
				props[k] = b[k]
			}
			feats = append(feats, map[string]any{"type": "Feature", "properties": props,
				"geometry": map[string]any{"type": "Point", "coordinates": []any{b["lon"], b["lat"]}}})
		}
		writeJSON(w, 200, map[string]any{"type": "FeatureCollection", "features": feats})
	case p == "/api/v1/buildings":
		writeJSON(w, 200, f.buildings)
	case strings.HasPrefix(p, "/api/v1/buildings/"):
		id := strings.TrimPrefix(p, "/api/v1/buildings/")
		for _, b := range f.buildings {
			if b["id"] == id {
				d := map[string]any{}
				for k, v := range b {
					d[k] = v
				}
				hist := []any{map[string]any{"assessment_id": b["assessment_id"], "created": b["last_assessed"], "placard": b["placard"], "category": b["category"], "confidence": b["confidence"]}}
				if id == "B-3" {
					hist = append(hist, map[string]any{"assessment_id": "A-OLD", "created": "2026-02-01T09:30:00Z", "placard": "yellow", "category": "limited", "confidence": 0.5})
				}
				d["history"] = hist
				writeJSON(w, 200, d)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"error": "building " + id + " not found"})
	case strings.HasPrefix(p, "/api/v1/assessments/") && strings.HasSuffix(p, "/html"):
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/assessments/"), "/html")
		html, ok := f.reports[id]
		if !ok {
			writeJSON(w, 404, map[string]string{"error": "assessment " + id + " not found"})
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(html)
	case p == "/api/v1/areas.geojson":
		writeJSON(w, 200, f.areas())
	case p == "/api/v1/teams":
		writeJSON(w, 200, []any{
			map[string]string{"id": "t1", "name": fakeTeam, "org": fakeOrg},
			map[string]string{"id": "t9", "name": fakeOther, "org": fakeOtherOr},
		})
	case p == "/api/v1/worksites":
		writeJSON(w, 200, f.worksites)
	case strings.HasPrefix(p, "/api/v1/worksites/") && r.Method == http.MethodPost:
		f.serveLease(w, p, body)
	default:
		writeJSON(w, 404, map[string]string{"error": "no route " + r.Method + " " + p})
	}
}

func (f *fakeHub) serveLease(w http.ResponseWriter, p string, body map[string]any) {
	rest := strings.TrimPrefix(p, "/api/v1/worksites/")
	code, action, _ := strings.Cut(rest, "/")
	ws := f.find(code)
	if ws == nil {
		writeJSON(w, 404, map[string]string{"error": "worksite " + code + " not found"})
		return
	}
	team, _ := body["team"].(string)
	if team != fakeTeam {
		writeJSON(w, 403, map[string]string{"error": fmt.Sprintf("team %q is not a team of organisation %s", team, fakeOrg)})
		return
	}
	now := time.Now().UTC()
	holder, _ := ws["holder"].(map[string]any)
	if holder != nil {
		if until, err := time.Parse(time.RFC3339, holder["until"].(string)); err == nil && until.Before(now) {
			holder = nil
		}
	}
	switch action {
	case "claim":
		if holder != nil && holder["team"] != team {
			writeJSON(w, 409, map[string]string{
				"error":  fmt.Sprintf("worksite %s is held by team %s (org %s) until %s", code, holder["team"], holder["org"], holder["until"]),
				"holder": holder["team"].(string), "until": holder["until"].(string)})
			return
		}
		minutes := 60.0
		if m, ok := body["minutes"].(float64); ok && m > 0 {
			minutes = m
		}
		until := now.Add(time.Duration(minutes * float64(time.Minute))).Format(time.RFC3339)
		ws["holder"] = map[string]any{"team": team, "org": fakeOrg, "since": now.Format(time.RFC3339), "until": until}
		f.claims = append(f.claims, code+" "+team)
		writeJSON(w, 200, map[string]string{"code": code, "team": team, "until": until})
	case "release":
		if holder == nil || holder["team"] != team {
			writeJSON(w, 409, map[string]string{"error": fmt.Sprintf("worksite %s is not held by team %s", code, team)})
			return
		}
		ws["holder"] = nil
		writeJSON(w, 200, map[string]string{"code": code})
	default:
		writeJSON(w, 404, map[string]string{"error": "no route " + p})
		return
	}
	f.broadcast("worksite", ws)
}

func (f *fakeHub) serveCall(w http.ResponseWriter, r *http.Request, rest string, body map[string]any) {
	id, action, _ := strings.Cut(rest, "/")
	if id != f.call["id"] {
		writeJSON(w, 404, map[string]string{"error": "call " + id + " does not exist"})
		return
	}
	switch {
	case action == "" && r.Method == http.MethodGet:
		v := map[string]any{}
		for k, x := range f.call {
			v[k] = x
		}
		v["brief"] = map[string]any{"incident": "TR-2023", "at": time.Now().UTC().Format(time.RFC3339), "public": false,
			"headline": map[string]any{"open_requests": 1, "urgent_unfulfilled": 1, "overdue": 0, "offers_awaiting": 1, "duplicate_offers": 1,
				"teams_on_site": 0, "teams_en_route": 1, "buildings": 3, "red": 1, "yellow": 1, "green": 1, "unassessed": 0,
				"red_without_team": 1, "trapped_reported": 0, "safe_areas": 3, "hazards": 2, "pending_decisions": 0}}
		writeJSON(w, 200, v)
	case action == "ics" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=REQUEST")
		w.Header().Set("Content-Disposition", `attachment; filename="CALL-1.ics"`)
		_, _ = fmt.Fprint(w, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//struna//fake//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:CALL-1\r\nSUMMARY:Heavy USAR coordination\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	case action == "readiness" && r.Method == http.MethodPost:
		seat, _ := body["invitee"].(string)
		if seat == "" {
			seat = fakeOrg
		}
		if seat != fakeOrg {
			writeJSON(w, 403, map[string]string{"error": fmt.Sprintf("invitee: %q is not a seat of %s (its seats: %s); an organisation answers for itself only", seat, fakeOrg, fakeOrg)})
			return
		}
		rd, _ := body["readiness"].(string)
		delay, _ := body["delay_minutes"].(float64)
		switch {
		case rd != "ready" && rd != "delayed" && rd != "declined":
			writeJSON(w, 400, map[string]string{"error": fmt.Sprintf("readiness: %q is not ready, delayed or declined", rd)})
			return
		case rd == "delayed" && delay < 1:
			writeJSON(w, 400, map[string]string{"error": "delay_minutes: a delayed answer needs the minutes of delay"})
			return
		}
		f.setSeat(seat, rd, int(delay))
		writeJSON(w, 200, f.call)
	default:
		writeJSON(w, 404, map[string]string{"error": "no route " + r.Method + " " + r.URL.Path})
	}
}

// serveEvents streams events until the client goes away. Called with
// f.mu held; it releases the lock while streaming.
func (f *fakeHub) serveEvents(w http.ResponseWriter, r *http.Request) {
	how := "header"
	if r.URL.Query().Get("access_token") != "" {
		how = "query"
	}
	f.sseAuth = append(f.sseAuth, how)
	ch := make(chan sse, 16)
	f.subs[ch] = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, ch)
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(200)
	fl, _ := w.(http.Flusher)
	_, _ = fmt.Fprint(w, "retry: 500\n: hello\n\n")
	if fl != nil {
		fl.Flush()
	}
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			_, _ = fmt.Fprint(w, ": heartbeat\n\n")
		case ev := <-ch:
			if ev.kind == "__close" {
				return
			}
			_, _ = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.kind, ev.data)
		}
		if fl != nil {
			fl.Flush()
		}
	}
}

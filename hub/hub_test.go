package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
)

var t0 = time.Date(2026, 2, 7, 9, 30, 0, 0, time.UTC)

// testHub is a hub on httptest (loopback) with a token per principal:
// admin, coordinator, field and viewer of organisation "USAR-AM", and
// "other", a field token of organisation "USAR-FR".
type testHub struct {
	t      *testing.T
	st     store.Store
	srv    *Server
	ts     *httptest.Server
	clk    *hubtest.Clock
	tokens map[string]string
}

var orgOf = map[string]string{"admin": "USAR-AM", "coordinator": "USAR-AM", "field": "USAR-AM", "viewer": "USAR-AM", "other": "USAR-FR"}
var roleOf = map[string]string{"admin": "admin", "coordinator": "coordinator", "field": "field", "viewer": "viewer", "other": "field"}

func newTestHub(t *testing.T, dsn string, cfg Config) *testHub {
	t.Helper()
	clk := hubtest.NewClock(t0)
	st, err := store.Open(context.Background(), dsn, store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Now = st, clk.Now
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &testHub{t: t, st: st, srv: srv, ts: httptest.NewServer(srv.Handler()), clk: clk, tokens: map[string]string{}}
	t.Cleanup(func() {
		srv.Close()
		h.ts.Close()
		st.Close()
	})
	ctx := context.Background()
	boot := store.Actor{Name: "test", Role: "local"}
	for _, who := range []string{"admin", "coordinator", "field", "viewer", "other"} {
		if _, _, err := st.EnsureOrg(ctx, boot, orgOf[who], "agency"); err != nil {
			t.Fatal(err)
		}
		tok, err := IssueToken(ctx, st, boot, orgOf[who], roleOf[who], who)
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[who] = tok
	}
	return h
}

// do sends a request with who's token ("" for none, "wrong" for an unknown
// one); body is JSON-encoded unless it is []byte or string.
func (h *testHub) do(method, path, who string, body any) (int, []byte, http.Header) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, h.ts.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	switch who {
	case "":
	case "wrong":
		req.Header.Set("Authorization", "Bearer struna_not-a-token")
	default:
		req.Header.Set("Authorization", "Bearer "+h.tokens[who])
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, nil, resp.Header // a stream: the status is what counts here
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

// errorOf returns the "error" of a JSON error body.
func errorOf(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error body: %q", body)
	}
	return e.Error
}

func (h *testHub) postReport(who string, b string, created time.Time, placard string) (int, []byte) {
	h.t.Helper()
	st, body, _ := h.do("POST", "/api/v1/assessments", who, hubtest.JSON(h.t, hubtest.Report(b, created, placard)))
	return st, body
}

// TestRoleTable: every route × every kind of caller → the expected status.
func TestRoleTable(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	ctx := context.Background()
	boot := store.Actor{Name: "test", Role: "local"}
	rep := hubtest.Report("B-1", t0, "red")
	// Public, so that the viewer's 200 is about the role, not visibility
	// (visibility_test.go).
	pub := store.AssessmentFromReport(rep, hubtest.JSON(t, rep))
	pub.Visibility = "public"
	if _, err := h.st.PutAssessment(ctx, boot, pub); err != nil {
		t.Fatal(err)
	}
	callers := []string{"admin", "coordinator", "field", "viewer", "other", "wrong", ""}
	// Each caller gets its own team, a free worksite C-who and a worksite
	// R-who its team holds, so every cell of the table is independent.
	for _, who := range callers[:5] {
		team := who + "-team"
		if _, err := h.st.CreateTeam(ctx, boot, orgOf[who], team); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"C-" + who, "R-" + who} {
			if _, err := h.st.CreateWorksite(ctx, boot, store.Worksite{Code: c, Lat: 40, Lon: 44}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.st.Claim(ctx, boot, store.Claim{Code: "R-" + who, Org: orgOf[who], Team: team, For: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	type route struct {
		method, path string
		min          string // "" for open routes
		ok           int
		body         func(who string, i int) any
	}
	routes := []route{
		{"GET", "/healthz", "", 200, nil},
		{"GET", "/api/v1/config", "", 200, nil},
		{"GET", "/api/v1/me", viewer, 200, nil},
		{"GET", "/api/v1/events", viewer, 200, nil},
		{"POST", "/api/v1/orgs", admin, 201, func(who string, i int) any { return map[string]string{"name": "Org-" + who, "kind": "ngo"} }},
		{"POST", "/api/v1/tokens", admin, 201, func(who string, i int) any {
			return map[string]string{"org": "USAR-AM", "role": "viewer", "name": "tok-" + who}
		}},
		{"POST", "/api/v1/assessments", field, 201, func(who string, i int) any {
			return hubtest.JSON(t, hubtest.Report("B-"+who, t0, "green"))
		}},
		{"GET", "/api/v1/assessments/" + rep.ID, viewer, 200, nil},
		{"GET", "/api/v1/assessments/" + rep.ID + "/html", viewer, 200, nil},
		{"GET", "/api/v1/buildings", viewer, 200, nil},
		{"GET", "/api/v1/buildings/B-1", viewer, 200, nil},
		{"GET", "/api/v1/buildings.geojson", viewer, 200, nil},
		{"GET", "/api/v1/teams", viewer, 200, nil},
		{"POST", "/api/v1/teams", field, 201, func(who string, i int) any { return map[string]string{"name": "new-" + who} }},
		{"GET", "/api/v1/sectors", viewer, 200, nil},
		{"POST", "/api/v1/sectors", coordinator, 201, func(who string, i int) any { return map[string]string{"code": fmt.Sprintf("S%d", i), "name": who} }},
		{"GET", "/api/v1/worksites", viewer, 200, nil},
		{"POST", "/api/v1/worksites", coordinator, 201, func(who string, i int) any {
			return map[string]any{"code": "N-" + who, "lat": 40.1, "lon": 44.5}
		}},
		{"POST", "/api/v1/worksites/C-{who}/claim", field, 200, func(who string, i int) any { return map[string]any{"team": who + "-team"} }},
		{"POST", "/api/v1/worksites/R-{who}/release", field, 200, func(who string, i int) any { return map[string]any{"team": who + "-team"} }},
		{"GET", "/api/v1/areas.geojson", viewer, 200, nil},
		{"POST", "/api/v1/areas", coordinator, 201, func(who string, i int) any {
			return map[string]any{"kind": "assembly", "name": "A-" + who, "geometry": map[string]any{"type": "Point", "coordinates": []float64{44.5, 40.1}}}
		}},
		{"GET", "/api/v1/audit", coordinator, 200, nil},
		{"PUT", "/api/v1/audit", admin, 405, nil},
		{"PATCH", "/api/v1/audit", admin, 405, nil},
		{"DELETE", "/api/v1/audit", admin, 405, nil},
		{"DELETE", "/api/v1/worksites", admin, 405, nil},
		{"GET", "/api/v1/no-such-thing", admin, 404, nil},
	}
	for _, rt := range routes {
		for i, who := range callers {
			path := strings.ReplaceAll(rt.path, "{who}", who)
			var body any
			if rt.body != nil {
				body = rt.body(who, i)
			}
			want := rt.ok
			switch {
			case rt.ok == 405 || rt.ok == 404 || rt.min == "":
				// Method and route errors come before authentication; open
				// routes need none.
			case who == "" || who == "wrong":
				want = 401
			case store.RoleRank(roleOf[who]) < store.RoleRank(rt.min):
				want = 403
			}
			got, data, hdr := h.do(rt.method, path, who, body)
			if got != want {
				t.Errorf("%s %s as %q: %d, want %d (%s)", rt.method, path, who, got, want, data)
				continue
			}
			if got >= 400 {
				msg := errorOf(t, data)
				if got == 401 && hdr.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s: 401 without WWW-Authenticate", rt.method, path)
				}
				if got == 405 && hdr.Get("Allow") == "" {
					t.Errorf("%s %s: 405 without Allow", rt.method, path)
				}
				if got == 403 && !strings.Contains(msg, rt.min) {
					t.Errorf("%s %s as %s: 403 message %q does not name the role needed", rt.method, path, who, msg)
				}
			}
		}
	}
	// The audit log is unchanged by the refused PUT/PATCH/DELETE: every
	// entry is still there and none was altered.
	es, err := h.st.Audit(ctx, store.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 || es[len(es)-1].Action != "org.create" {
		t.Fatalf("audit log lost its first entry: %d entries", len(es))
	}
}

// TestCrossOrganisation: a token acts only for its own organisation's
// teams and leases; breaking a lease needs a coordinator.
func TestCrossOrganisation(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	ctx := context.Background()
	boot := store.Actor{Name: "test", Role: "local"}
	for _, tm := range [][2]string{{"USAR-AM", "AM-1"}, {"USAR-FR", "FR-1"}} {
		if _, err := h.st.CreateTeam(ctx, boot, tm[0], tm[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"C-1", "C-2"} {
		if _, err := h.st.CreateWorksite(ctx, boot, store.Worksite{Code: c, Lat: 40, Lon: 44}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		who, path string
		body      any
		want      int
		msg       string
	}{
		{"other", "/api/v1/worksites/C-1/claim", map[string]any{"team": "AM-1"}, 403, `team "AM-1" is not a team of organisation "USAR-FR"`},
		{"field", "/api/v1/worksites/C-1/claim", map[string]any{"team": "AM-1", "minutes": 90}, 200, ""},
		{"other", "/api/v1/worksites/C-1/claim", map[string]any{"team": "FR-1"}, 409, "worksite C-1 is held by team AM-1 (org USAR-AM) until 2026-02-07T11:00:00Z"},
		{"other", "/api/v1/worksites/C-1/release", map[string]any{"team": "AM-1"}, 403, `not a team of organisation "USAR-FR"`},
		{"other", "/api/v1/worksites/C-1/release", map[string]any{"team": "FR-1"}, 409, "not held by team FR-1"},
		{"other", "/api/v1/worksites/C-1/release", map[string]any{"break": true}, 403, "needs the coordinator role"},
		{"field", "/api/v1/worksites/C-1/release", map[string]any{"break": true}, 403, "needs the coordinator role"},
		{"coordinator", "/api/v1/worksites/C-1/release", map[string]any{"break": true}, 200, ""},
		{"coordinator", "/api/v1/worksites/C-1/release", map[string]any{"break": true}, 409, "worksite C-1 is not held"},
		{"field", "/api/v1/worksites/C-9/claim", map[string]any{"team": "AM-1"}, 404, "worksite C-9 does not exist"},
		{"field", "/api/v1/worksites/C-2/claim", map[string]any{"team": "AM-7"}, 404, `team "AM-7" does not exist`},
		{"field", "/api/v1/worksites/C-2/claim", map[string]any{"team": "AM-1", "minutes": 0}, 400, "minutes: 0 is outside 1..1440"},
		{"field", "/api/v1/worksites/C-2/claim", map[string]any{"team": "AM-1", "minutes": 1441}, 400, "minutes: 1441"},
		{"field", "/api/v1/worksites/C-2/claim", map[string]any{}, 400, "team: missing"},
		{"field", "/api/v1/worksites/C-2/release", map[string]any{}, 400, "team: missing"},
	}
	for _, s := range steps {
		got, data, _ := h.do("POST", s.path, s.who, s.body)
		if got != s.want {
			t.Fatalf("%s %s %v: %d, want %d (%s)", s.who, s.path, s.body, got, s.want, data)
		}
		if s.msg != "" && !strings.Contains(errorOf(t, data), s.msg) {
			t.Fatalf("%s %s: message %q, want it to say %q", s.who, s.path, data, s.msg)
		}
	}
	// The 409 of a claim names the holder and the end of its lease.
	h.do("POST", "/api/v1/worksites/C-2/claim", "field", map[string]any{"team": "AM-1"})
	_, data, _ := h.do("POST", "/api/v1/worksites/C-2/claim", "other", map[string]any{"team": "FR-1"})
	var held struct {
		Error, Holder, Org string
		Until              time.Time
	}
	if err := json.Unmarshal(data, &held); err != nil || held.Holder != "AM-1" || held.Org != "USAR-AM" || !held.Until.Equal(t0.Add(time.Hour)) {
		t.Fatalf("409 body %s", data)
	}
	// Teams are registered in the caller's organisation only.
	_, data, _ = h.do("POST", "/api/v1/teams", "other", map[string]any{"name": "FR-2"})
	var tm store.Team
	if err := json.Unmarshal(data, &tm); err != nil || tm.Org != "USAR-FR" || tm.Name != "FR-2" || tm.ID == 0 {
		t.Fatalf("team %s", data)
	}
	if st, data, _ := h.do("POST", "/api/v1/teams", "other", map[string]any{"name": "FR-2"}); st != 409 || !strings.Contains(errorOf(t, data), `already has a team named "FR-2"`) {
		t.Fatalf("duplicate team: %d %s", st, data)
	}
}

// TestStrictBodies: malformed JSON, unknown fields, wrong types, trailing
// data and oversized bodies get a 4xx whose message says what is wrong.
func TestStrictBodies(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{MaxBody: 4096})
	big := `{"name":"` + strings.Repeat("x", 5000) + `","kind":"ngo"}`
	okReport := hubtest.JSON(t, hubtest.Report("B-9", t0, "green"))
	badPlacard := strings.Replace(string(okReport), `"placard": "green"`, `"placard": "purple"`, 1)
	cases := []struct {
		path, body string
		want       int
		msg        string
	}{
		{"/api/v1/orgs", `{"name":"X","kind":"ngo"`, 400, "ends in the middle"},
		{"/api/v1/orgs", `{"name":"X" "kind":"ngo"}`, 400, "malformed JSON at byte 13"},
		{"/api/v1/orgs", `{"name":"X","kind":"ngo","boss":"me"}`, 400, `unknown field "boss" (allowed: name, kind)`},
		{"/api/v1/orgs", `{"name":7,"kind":"ngo"}`, 400, `field "name": expected a string, got number`},
		{"/api/v1/orgs", `{"name":"X","kind":"ngo"}{"name":"Y"}`, 400, "exactly one JSON object"},
		{"/api/v1/orgs", `[{"name":"X"}]`, 400, "must be a JSON object, not array"},
		{"/api/v1/orgs", ``, 400, "empty body"},
		{"/api/v1/orgs", `{"kind":"ngo"}`, 400, "name: missing"},
		{"/api/v1/orgs", `{"name":"X","kind":"club"}`, 400, `kind: "club" is not state, agency, ngo or team`},
		{"/api/v1/orgs", `{"name":" X","kind":"ngo"}`, 400, "leading or trailing space"},
		{"/api/v1/orgs", big, 413, "larger than the limit of 4096 bytes"},
		{"/api/v1/tokens", `{"org":"USAR-AM","role":"boss","name":"n"}`, 400, `role: "boss"`},
		{"/api/v1/tokens", `{"org":"Nowhere","role":"field","name":"n"}`, 404, `organisation "Nowhere" does not exist`},
		{"/api/v1/worksites", `{"code":"C-1","lat":40}`, 400, "lon: missing"},
		{"/api/v1/worksites", `{"code":"C-1","lat":91,"lon":44}`, 400, "lat: 91 is outside -90..90"},
		{"/api/v1/worksites", `{"code":"C 1","lat":40,"lon":44}`, 400, `code: "C 1" may hold only`},
		{"/api/v1/worksites", `{"code":"C-1","lat":40,"lon":44,"sector":"Q"}`, 404, "sector Q does not exist"},
		{"/api/v1/worksites", `{"code":"C-1","lat":"40","lon":44}`, 400, `field "lat": expected a number, got string`},
		{"/api/v1/areas", `{"kind":"assembly","name":"A"}`, 400, "geometry: missing"},
		{"/api/v1/areas", `{"kind":"assembly","name":"A","geometry":{"type":"Point","coordinates":[40.1,144.5]}}`, 400, "is not [lon, lat]"},
		{"/api/v1/areas", `{"kind":"assembly","name":"A","geometry":{"type":"Polygon","coordinates":[[[44,40],[44.1,40],[44.1,40.1],[44,40.1]]]}}`, 400, "ring 0 is not closed"},
		{"/api/v1/areas", `{"kind":"assembly","name":"A","geometry":{"type":"Polygon","coordinates":[[[44,40],[44.1,40],[44,40]]]}}`, 400, "at least 4"},
		{"/api/v1/areas", `{"kind":"assembly","name":"A","geometry":{"type":"LineString","coordinates":[[44,40],[44.1,40]]}}`, 400, `type "LineString" is not Point or Polygon`},
		{"/api/v1/areas", `{"kind":"assembly","name":"A","geometry":{"type":"Point","coordinates":[44,40],"crs":1}}`, 400, `geometry: unknown field "crs"`},
		{"/api/v1/areas", `{"kind":"parking","name":"A","geometry":{"type":"Point","coordinates":[44,40]}}`, 400, `kind: "parking"`},
		{"/api/v1/assessments", `{"schema":"struna.report/1",`, 400, "not a struna report"},
		{"/api/v1/assessments", badPlacard, 400, `placard: "purple"`},
		{"/api/v1/assessments", `{"schema":"struna.report/0"}`, 400, `schema: "struna.report/0"`},
		{"/api/v1/assessments", string(okReport) + `{}`, 400, "not a struna report"},
		{"/api/v1/assessments", "", 400, "empty body"},
	}
	for _, c := range cases {
		got, data, _ := h.do("POST", c.path, "admin", c.body)
		if got != c.want {
			t.Errorf("POST %s %.60q: %d, want %d (%s)", c.path, c.body, got, c.want, data)
			continue
		}
		if msg := errorOf(t, data); !strings.Contains(msg, c.msg) {
			t.Errorf("POST %s %.60q: message %q, want it to say %q", c.path, c.body, msg, c.msg)
		}
	}
	// An oversized report is 413 at the real default limit too.
	h2 := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	huge := bytes.Repeat([]byte(" "), DefaultMaxBody+1)
	if got, data, _ := h2.do("POST", "/api/v1/assessments", "field", huge); got != 413 || !strings.Contains(errorOf(t, data), "larger than the limit of 8388608 bytes") {
		t.Fatalf("oversized report: %d %s", got, data)
	}
	// Unknown fields in a report are the report schema's business: a newer
	// struna may add some, and the report is kept byte for byte.
	var m map[string]any
	json.Unmarshal(okReport, &m)
	m["added_by_a_newer_struna"] = true
	newer, _ := json.Marshal(m)
	if got, data, _ := h2.do("POST", "/api/v1/assessments", "field", newer); got != 201 {
		t.Fatalf("report with an extra field: %d %s", got, data)
	}
	if _, data, _ := h2.do("GET", "/api/v1/assessments/"+m["id"].(string), "field", nil); !bytes.Equal(data, newer) {
		t.Fatal("report not kept byte for byte")
	}
}

func TestAssessmentsAndBuildings(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	r1 := hubtest.Report("B-1", t0, "yellow")
	body := hubtest.JSON(t, r1)
	st1, a1, _ := h.do("POST", "/api/v1/assessments", "field", body)
	st2, a2, _ := h.do("POST", "/api/v1/assessments", "coordinator", body)
	if st1 != 201 || st2 != 200 || !bytes.Equal(a1, a2) {
		t.Fatalf("upload twice: %d %s, then %d %s", st1, a1, st2, a2)
	}
	var ack map[string]any
	if err := json.Unmarshal(a1, &ack); err != nil || ack["id"] != r1.ID || ack["building_id"] != "B-1" || ack["placard"] != "yellow" || len(ack) != 3 {
		t.Fatalf("ack %s", a1)
	}
	if st, _ := h.postReport("field", "B-1", t0.Add(time.Hour), "red"); st != 201 {
		t.Fatal(st)
	}
	if st, _ := h.postReport("field", "B-2", t0, "green"); st != 201 {
		t.Fatal(st)
	}
	_, got, hdr := h.do("GET", "/api/v1/assessments/"+r1.ID, "field", nil)
	if !bytes.Equal(got, body) || hdr.Get("Content-Type") != "application/json" {
		t.Fatal("stored report differs from the upload")
	}
	code, page, hdr := h.do("GET", "/api/v1/assessments/"+r1.ID+"/html", "field", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !bytes.Contains(page, []byte("Building B-1")) {
		t.Fatalf("html: %d %s %.200s", code, hdr.Get("Content-Type"), page)
	}
	if code, data, _ := h.do("GET", "/api/v1/assessments/nope", "field", nil); code != 404 || !strings.Contains(errorOf(t, data), "assessment nope does not exist") {
		t.Fatalf("unknown assessment: %d %s", code, data)
	}

	var bs []map[string]any
	_, data, _ := h.do("GET", "/api/v1/buildings", "field", nil)
	if err := json.Unmarshal(data, &bs); err != nil || len(bs) != 2 {
		t.Fatalf("buildings %s", data)
	}
	for _, k := range []string{"id", "name", "lat", "lon", "placard", "category", "confidence", "last_assessed", "assessment_id", "hazards"} {
		if _, ok := bs[0][k]; !ok {
			t.Errorf("building has no %q: %v", k, bs[0])
		}
	}
	if bs[0]["placard"] != "red" || bs[0]["last_assessed"] != "2026-02-07T10:30:00Z" {
		t.Errorf("B-1 current: %v", bs[0])
	}
	var b struct {
		ID      string
		Placard string
		Hazards []struct{ Kind, Detail string }
		History []struct {
			AssessmentID string `json:"assessment_id"`
			Created      time.Time
			Placard      string
		}
	}
	_, data, _ = h.do("GET", "/api/v1/buildings/B-1", "field", nil)
	if err := json.Unmarshal(data, &b); err != nil || b.Placard != "red" || len(b.History) != 2 ||
		b.History[0].Placard != "red" || b.History[1].AssessmentID != r1.ID || len(b.Hazards) != 1 || b.Hazards[0].Kind != "collapse" {
		t.Fatalf("building %s", data)
	}
	if code, _, _ := h.do("GET", "/api/v1/buildings/B-404", "field", nil); code != 404 {
		t.Fatalf("unknown building: %d", code)
	}

	// GeoJSON: points in lon,lat order with the map's properties.
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			ID       string
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties map[string]any
		}
	}
	_, data, hdr = h.do("GET", "/api/v1/buildings.geojson", "field", nil)
	if err := json.Unmarshal(data, &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 2 || hdr.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("geojson %s", data)
	}
	f := fc.Features[0]
	if f.Geometry.Type != "Point" || f.Geometry.Coordinates[0] != 44.51 || f.Geometry.Coordinates[1] != 40.18 ||
		f.Properties["placard"] != "red" || f.Properties["category"] != "emergency" || f.Properties["confidence"] != 0.8 ||
		f.Properties["last_assessed"] != "2026-02-07T10:30:00Z" || f.Properties["id"] != "B-1" || f.Properties["name"] != "Building B-1" ||
		f.Properties["assessment_id"] != hubtest.Report("B-1", t0.Add(time.Hour), "red").ID {
		t.Fatalf("feature %+v", f)
	}

	// The GeoJSON follows changes, and a client that has it gets 304.
	etag := hdr.Get("ETag")
	req, _ := http.NewRequest("GET", h.ts.URL+"/api/v1/buildings.geojson", nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["field"])
	req.Header.Set("If-None-Match", etag)
	if resp, err := h.ts.Client().Do(req); err != nil || resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	h.postReport("field", "B-2", t0.Add(time.Hour), "red")
	_, data, hdr = h.do("GET", "/api/v1/buildings.geojson", "field", nil)
	if hdr.Get("ETag") == etag || !bytes.Contains(data, []byte(`"id":"B-2","name":"Building B-2","placard":"red"`)) {
		t.Fatalf("GeoJSON did not follow the upload: %s", data)
	}
	h.postReport("field", "B-2", t0.Add(2*time.Hour), "green")

	// Areas: the operators' areas and a hazard around each red building.
	if code, data, _ := h.do("POST", "/api/v1/areas", "coordinator", map[string]any{"kind": "base", "name": "BoO",
		"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{44, 40}, {44.1, 40}, {44.1, 40.1}, {44, 40}}}}}); code != 201 {
		t.Fatalf("area: %d %s", code, data)
	}
	var ac struct {
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	_, data, _ = h.do("GET", "/api/v1/areas.geojson", "field", nil)
	if err := json.Unmarshal(data, &ac); err != nil || len(ac.Features) != 2 {
		t.Fatalf("areas %s", data)
	}
	if p := ac.Features[0].Properties; p["kind"] != "base" || p["source"] != "operator" || p["org"] != "USAR-AM" || ac.Features[0].Geometry.Type != "Polygon" {
		t.Fatalf("area feature %v", p)
	}
	hz := ac.Features[1]
	if p := hz.Properties; p["kind"] != "hazard" || p["source"] != "placard" || p["building_id"] != "B-1" || p["radius_m"] != 50.0 ||
		string(hz.Geometry.Coordinates) != "[44.51,40.18]" {
		t.Fatalf("hazard feature %+v", hz)
	}
}

// TestConcurrentHTTPClaims: 200 teams claim one worksite through the API
// at once: exactly one 200, 199 409s, on each database.
func TestConcurrentHTTPClaims(t *testing.T) {
	for _, db := range hubtest.DBs {
		t.Run(db.Name, func(t *testing.T) {
			h := newTestHub(t, db.DSN(t), Config{})
			ctx := context.Background()
			boot := store.Actor{Name: "test", Role: "local"}
			const n = 200
			for i := range n {
				if _, err := h.st.CreateTeam(ctx, boot, "USAR-AM", fmt.Sprintf("T-%03d", i)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := h.st.CreateWorksite(ctx, boot, store.Worksite{Code: "C-6", Lat: 40, Lon: 44}); err != nil {
				t.Fatal(err)
			}
			tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
			var (
				wg     sync.WaitGroup
				start  = make(chan struct{})
				mu     sync.Mutex
				counts = map[int]int{}
				errs   []error
			)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := fmt.Sprintf(`{"team":"T-%03d"}`, i)
					req, _ := http.NewRequest("POST", h.ts.URL+"/api/v1/worksites/C-6/claim", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+h.tokens["field"])
					<-start
					resp, err := client.Do(req)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					counts[resp.StatusCode]++
				}()
			}
			close(start)
			wg.Wait()
			if len(errs) > 0 || counts[200] != 1 || counts[409] != n-1 {
				t.Fatalf("statuses %v, errors %v", counts, errs)
			}
		})
	}
}

// TestEvents: a subscriber sees committed changes as SSE events, and
// heartbeats between them.
func TestEvents(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{Heartbeat: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The browser's EventSource cannot send headers: ?access_token= works here.
	req, _ := http.NewRequestWithContext(ctx, "GET", h.ts.URL+"/api/v1/events?access_token="+h.tokens["viewer"], nil)
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(tmp)
			buf = append(buf, tmp[:n]...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				lines <- string(buf[:i])
				buf = buf[i+1:]
			}
			if err != nil {
				return
			}
		}
	}()
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended waiting for %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case <-ctx.Done():
				t.Fatalf("timeout waiting for %q", prefix)
			}
		}
	}
	next(": connected")
	next(": heartbeat")
	for h.srv.events.count() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Public records go out in full (others only as their visibility,
	// visibility_test.go).
	postPublic := func() {
		h.do("POST", "/api/v1/assessments?visibility=public", "field", hubtest.JSON(t, hubtest.Report("B-5", t0, "red")))
	}
	postPublic()
	if l := next("event: "); l != "event: assessment" {
		t.Fatalf("first event %q", l)
	}
	if d := next("data: "); !strings.Contains(d, `"building_id":"B-5"`) || !strings.Contains(d, `"placard":"red"`) {
		t.Fatalf("assessment data %q", d)
	}
	if l := next("event: "); l != "event: building" {
		t.Fatalf("second event %q", l)
	}
	next("data: ")
	// A resend changes nothing and sends nothing.
	postPublic()
	h.do("POST", "/api/v1/worksites", "coordinator", map[string]any{"code": "C-1", "lat": 40, "lon": 44, "visibility": "public"})
	if l := next("event: "); l != "event: worksite" {
		t.Fatalf("after a resend: event %q, want worksite (the resend is no event)", l)
	}
	next("data: ")
	h.do("POST", "/api/v1/teams", "field", map[string]any{"name": "AM-1"})
	h.do("POST", "/api/v1/worksites/C-1/claim", "field", map[string]any{"team": "AM-1"})
	next("event: worksite")
	if d := next("data: "); !strings.Contains(d, `"holder":{"team":"AM-1"`) {
		t.Fatalf("claim event %q", d)
	}
	h.do("POST", "/api/v1/areas", "coordinator", map[string]any{"kind": "helipad", "name": "H", "geometry": map[string]any{"type": "Point", "coordinates": []float64{44, 40}}})
	next("event: area")
	// Closing the server ends the stream.
	h.srv.Close()
	for range lines {
	}
}

func TestBrokerDropsSlowSubscriber(t *testing.T) {
	b := newBroker(2)
	slow, _ := b.subscribe()
	fast, _ := b.subscribe()
	for i := range 3 {
		b.publish("worksite", i)
		<-fast // fast keeps up
	}
	// slow got two events, then was dropped rather than blocking publish.
	var got []string
	for ev := range slow {
		got = append(got, string(ev.data))
	}
	if strings.Join(got, ",") != "0,1" {
		t.Fatalf("slow subscriber got %v", got)
	}
	if b.count() != 1 {
		t.Fatalf("%d subscribers, want 1", b.count())
	}
	b.unsubscribe(slow) // already gone: no panic
	b.close()
	if _, ok := <-fast; ok {
		t.Fatal("fast not closed by close")
	}
	if _, ok := b.subscribe(); ok {
		t.Fatal("subscribe after close")
	}
}

func TestAuditHTTP(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	h.do("POST", "/api/v1/teams", "field", map[string]any{"name": "AM-1"})
	h.clk.Advance(time.Hour)
	h.do("POST", "/api/v1/teams", "other", map[string]any{"name": "FR-1"})
	var es []store.AuditEntry
	_, data, _ := h.do("GET", "/api/v1/audit", "coordinator", nil)
	if err := json.Unmarshal(data, &es); err != nil || len(es) != 1 || es[0].Actor != "field" || es[0].Action != "team.create" {
		t.Fatalf("coordinator's audit: %s", data)
	}
	_, data, _ = h.do("GET", "/api/v1/audit", "admin", nil)
	json.Unmarshal(data, &es)
	// 2 org.create and 5 token.create (the bootstrap), 2 team.create.
	if len(es) != 9 || es[0].Org != "USAR-FR" {
		t.Fatalf("admin's audit: %d entries: %s", len(es), data)
	}
	var raw []map[string]any
	json.Unmarshal(data, &raw)
	for _, k := range []string{"id", "at", "actor", "org", "action", "object", "before", "after"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("audit entry has no %q", k)
		}
	}
	_, data, _ = h.do("GET", "/api/v1/audit?limit=1&since=2026-02-07T10:00:00Z", "admin", nil)
	if json.Unmarshal(data, &es); len(es) != 1 || es[0].Object != "team/USAR-FR/FR-1" {
		t.Fatalf("limit+since: %s", data)
	}
	for q, msg := range map[string]string{"limit=0": "limit:", "limit=x": "limit:", "since=yesterday": "since:"} {
		if code, data, _ := h.do("GET", "/api/v1/audit?"+q, "admin", nil); code != 400 || !strings.Contains(errorOf(t, data), msg) {
			t.Errorf("?%s: %d %s", q, code, data)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "Config.Store is nil") {
		t.Fatalf("New without a store: %v", err)
	}
}

func TestOpenEndpoints(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{Tiles: "https://tiles.example/{z}/{x}/{y}.png"})
	if _, data, _ := h.do("GET", "/healthz", "", nil); string(data) != `{"db":"sqlite","status":"ok"}`+"\n" {
		t.Fatalf("healthz %s", data)
	}
	if _, data, _ := h.do("GET", "/api/v1/config", "", nil); string(data) != `{"tiles":"https://tiles.example/{z}/{x}/{y}.png"}`+"\n" {
		t.Fatalf("config %s", data)
	}
	if _, data, _ := h.do("GET", "/api/v1/me", "other", nil); string(data) != `{"token_name":"other","org":"USAR-FR","role":"field"}`+"\n" {
		t.Fatalf("me %s", data)
	}
	code, data, hdr := h.do("GET", "/", "", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !bytes.Contains(data, []byte("<html")) {
		t.Fatalf("UI: %d %s", code, hdr.Get("Content-Type"))
	}
	// Every asset the page names is served.
	for _, m := range regexp.MustCompile(`(?:href|src)="(static/[^"]+)"`).FindAllSubmatch(data, -1) {
		if code, _, _ := h.do("GET", "/"+string(m[1]), "", nil); code != 200 {
			t.Errorf("UI asset %s: %d", m[1], code)
		}
	}
	// A token in a malformed header is refused with a reason.
	req, _ := http.NewRequest("GET", h.ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(errorOf(t, data), `not "Bearer <token>"`) {
		t.Fatalf("Basic auth: %d %s", resp.StatusCode, data)
	}
	// ?access_token= is accepted only by the event stream.
	if code, _, _ := h.do("GET", "/api/v1/me?access_token="+h.tokens["admin"], "", nil); code != 401 {
		t.Fatalf("?access_token= on /me: %d", code)
	}
}

func TestTokensAreHashed(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	_, data, _ := h.do("POST", "/api/v1/tokens", "admin", map[string]string{"org": "USAR-FR", "role": "coordinator", "name": "fr-cell"})
	var tk struct{ Token string }
	if err := json.Unmarshal(data, &tk); err != nil || !strings.HasPrefix(tk.Token, TokenPrefix) || len(tk.Token) != len(TokenPrefix)+43 {
		t.Fatalf("token answer %s", data)
	}
	p, err := h.st.TokenByHash(context.Background(), HashToken(tk.Token))
	if err != nil || p.Org != "USAR-FR" || p.Role != "coordinator" || p.TokenName != "fr-cell" {
		t.Fatalf("stored principal %+v %v", p, err)
	}
	// The new token works, and the audit log never holds it.
	h.tokens["fr"] = tk.Token
	if code, _, _ := h.do("GET", "/api/v1/audit", "fr", nil); code != 200 {
		t.Fatalf("new coordinator token: %d", code)
	}
	_, data, _ = h.do("GET", "/api/v1/audit?limit=1000", "admin", nil)
	if bytes.Contains(data, []byte(tk.Token)) || bytes.Contains(data, []byte(fmt.Sprintf("%x", HashToken(tk.Token)))) {
		t.Fatal("audit log holds the token or its hash")
	}
}

package hub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/struna/struna/hub/internal/hubtest"
)

// TestVisibilityTable: record kind × visibility × viewer → seen or not,
// by the rule of relief/share (CanSee's table): a public record is seen by
// all, a parties record by every party's field token (own organisation
// "field" of USAR-AM, the other party "other" of USAR-FR) but not by a
// viewer token (a public observer), an org record by its organisation
// only. Trapped persons are never seen by the viewer token, in any answer.
func TestVisibilityTable(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	ch, _ := h.srv.events.subscribe()
	viss := []string{"public", "parties", "org"}
	const secretNote, secretLat = "SECRET-LOCATION-NOTE", 40.123457
	for _, v := range viss {
		if code, data, _ := h.do("POST", "/api/v1/areas", "coordinator", map[string]any{"kind": "assembly", "name": "A-" + v, "visibility": v,
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{44.5, 40.1}}}); code != 201 {
			t.Fatalf("area %s: %d %s", v, code, data)
		}
		if code, data, _ := h.do("POST", "/api/v1/worksites", "coordinator", map[string]any{"code": "W-" + v, "lat": 40.1, "lon": 44.5, "visibility": v}); code != 201 {
			t.Fatalf("worksite %s: %d %s", v, code, data)
		}
		// Red, so the building is in the brief's red list and has a
		// placard hazard in areas.geojson.
		if code, data, _ := h.do("POST", "/api/v1/assessments?visibility="+v, "field", hubtest.JSON(t, hubtest.Report("B-"+v, t0, "red"))); code != 201 {
			t.Fatalf("assessment %s: %d %s", v, code, data)
		}
	}
	// Trapped persons in the public building: 2 shared with the parties,
	// 5 kept by USAR-AM. Public is refused.
	for v, n := range map[string]int{"parties": 2, "org": 5, "public": 1} {
		code, data, _ := h.do("POST", "/api/v1/trapped", "field", map[string]any{"building_id": "B-public", "count": n, "visibility": v,
			"locations": []map[string]any{{"lat": secretLat, "lon": 44.5, "note": secretNote + "-" + v}}})
		want := 201
		if v == "public" {
			want = 400
		}
		if code != want {
			t.Fatalf("trapped %s: %d %s, want %d", v, code, data, want)
		}
	}

	sees := map[string]map[string]bool{ // visibility → who → seen
		"public":  {"field": true, "other": true, "viewer": true},
		"parties": {"field": true, "other": true, "viewer": false},
		"org":     {"field": true, "other": false, "viewer": false},
	}
	get := func(path, who string) (int, string) {
		t.Helper()
		code, data, _ := h.do("GET", path, who, nil)
		if who == "viewer" && (strings.Contains(string(data), secretNote) || strings.Contains(string(data), fmt.Sprint(secretLat)) || strings.Contains(string(data), `"trapped"`)) {
			t.Errorf("viewer: GET %s shows trapped persons: %s", path, data)
		}
		return code, string(data)
	}
	for _, who := range []string{"field", "other", "viewer"} {
		_, areas := get("/api/v1/areas.geojson", who)
		_, worksites := get("/api/v1/worksites", who)
		_, buildings := get("/api/v1/buildings", who)
		_, geo := get("/api/v1/buildings.geojson", who)
		_, br := get("/api/v1/brief", who)
		for _, v := range viss {
			want := sees[v][who]
			check := func(kind string, got bool) {
				t.Helper()
				if got != want {
					t.Errorf("%s %s seen by %s: %v, want %v", kind, v, who, got, want)
				}
			}
			check("area", strings.Contains(areas, `"name":"A-`+v+`"`))
			check("placard hazard", strings.Contains(areas, `"building_id":"B-`+v+`"`))
			check("worksite", strings.Contains(worksites, `"code":"W-`+v+`"`))
			check("building in list", strings.Contains(buildings, `"id":"B-`+v+`"`))
			check("building in geojson", strings.Contains(geo, `"id":"B-`+v+`"`))
			check("building in brief", strings.Contains(br, `"id":"B-`+v+`"`))
			code, _ := get("/api/v1/buildings/B-"+v, who)
			check("building by id", code == 200)
			code, _ = get("/api/v1/assessments/"+hubtest.Report("B-"+v, t0, "red").ID, who)
			check("assessment by id", code == 200)
			code, _ = get("/api/v1/assessments/"+hubtest.Report("B-"+v, t0, "red").ID+"/html", who)
			check("assessment page", code == 200)
		}
		// Trapped: parties seen by both parties, org by USAR-AM only,
		// nothing by the viewer.
		_, tr := get("/api/v1/trapped", who)
		_, detail := get("/api/v1/buildings/B-public", who)
		_, brief := get("/api/v1/brief", who)
		for v, want := range map[string]bool{"parties": who != "viewer", "org": who == "field"} {
			for what, doc := range map[string]string{"GET /trapped": tr, "building detail": detail} {
				if got := strings.Contains(doc, secretNote+"-"+v); got != want {
					t.Errorf("%s: trapped %s seen by %s: %v, want %v", what, v, who, got, want)
				}
			}
		}
		var b struct {
			Headline struct {
				TrappedReported int `json:"trapped_reported"`
			}
		}
		if err := json.Unmarshal([]byte(brief), &b); err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"field": 7, "other": 2, "viewer": 0}[who]; b.Headline.TrappedReported != want {
			t.Errorf("brief for %s: %d trapped, want %d", who, b.Headline.TrappedReported, want)
		}
	}

	// The public CAP alert names public buildings only, whoever asks.
	_, capx, _ := h.do("GET", "/api/v1/hazards.cap", "field", nil)
	if !strings.Contains(string(capx), "B-public") || strings.Contains(string(capx), "B-parties") || strings.Contains(string(capx), "B-org") {
		t.Errorf("CAP alert: %s", capx)
	}
	// The GeoJSON's ETag differs between viewers who see different sets,
	// so a shared cache never answers 304 with another class's layer.
	_, _, hf := h.do("GET", "/api/v1/buildings.geojson", "field", nil)
	_, _, ho := h.do("GET", "/api/v1/buildings.geojson", "other", nil)
	_, _, hv := h.do("GET", "/api/v1/buildings.geojson", "viewer", nil)
	if e := []string{hf.Get("ETag"), ho.Get("ETag"), hv.Get("ETag")}; e[0] == "" || e[0] == e[1] || e[1] == e[2] || e[0] == e[2] {
		t.Errorf("ETags per class: %q", e)
	}

	// The stream every token reads: public records in full, the others
	// only as their visibility; trapped persons never.
	h.srv.events.unsubscribe(ch)
	var stream strings.Builder
	for ev := range ch {
		fmt.Fprintf(&stream, "%s %s\n", ev.name, ev.data)
	}
	s := stream.String()
	for _, frag := range []string{`"name":"A-public"`, `"code":"W-public"`, `"building_id":"B-public"`, "trapped {\"visibility\":\"parties\"}"} {
		if !strings.Contains(s, frag) {
			t.Errorf("stream lacks %s:\n%s", frag, s)
		}
	}
	for _, frag := range []string{"A-parties", "A-org", "W-parties", "W-org", "B-parties", "B-org", secretNote} {
		if strings.Contains(s, frag) {
			t.Errorf("stream shows %s:\n%s", frag, s)
		}
	}
}

// TestVisibilityInput: the visibility a client gives is checked strictly.
func TestVisibilityInput(t *testing.T) {
	h := newTestHub(t, hubtest.SQLiteDSN(t), Config{})
	point := map[string]any{"type": "Point", "coordinates": []float64{44.5, 40.1}}
	cases := []struct {
		path, who string
		body      any
		code      int
		msg       string
	}{
		{"/api/v1/areas", "coordinator", map[string]any{"kind": "base", "geometry": point, "visibility": "everyone"}, 400, `visibility: "everyone" is not public, parties or org`},
		{"/api/v1/worksites", "coordinator", map[string]any{"code": "W-1", "lat": 40, "lon": 44, "visibility": "Public"}, 400, `visibility: "Public" is not`},
		{"/api/v1/assessments?visibility=world", "field", hubtest.JSON(t, hubtest.Report("B-1", t0, "red")), 400, `visibility: "world" is not`},
		{"/api/v1/trapped", "field", map[string]any{"building_id": "B-1", "count": 1, "visibility": "public"}, 400, "never public"},
		{"/api/v1/trapped", "field", map[string]any{"building_id": "B-1", "visibility": "org"}, 400, "count: missing"},
		{"/api/v1/trapped", "field", map[string]any{"building_id": "B-1", "count": 1, "locations": []map[string]any{{"lat": 91, "lon": 0}}}, 400, "locations[0].lat: 91 is outside"},
		{"/api/v1/trapped", "field", map[string]any{"building_id": "", "count": 1}, 400, "building_id"},
		{"/api/v1/trapped", "viewer", map[string]any{"building_id": "B-1", "count": 1}, 403, "needs the field role"},
		{"/api/v1/trapped", "field", map[string]any{"building_id": "B-1", "count": 3}, 201, ""},
	}
	for _, c := range cases {
		code, data, _ := h.do("POST", c.path, c.who, c.body)
		if code != c.code || (c.msg != "" && !strings.Contains(errorOf(t, data), c.msg)) {
			t.Errorf("POST %s %v: %d %s, want %d %q", c.path, c.body, code, data, c.code, c.msg)
		}
	}
	// The default is parties.
	_, data, _ := h.do("GET", "/api/v1/trapped", "other", nil)
	if !strings.Contains(string(data), `"visibility":"parties"`) || !strings.Contains(string(data), `"count":3`) {
		t.Errorf("trapped default visibility: %s", data)
	}
}

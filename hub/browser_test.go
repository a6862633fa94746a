package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/struna/struna/hub"
	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/hub/web"
)

// TestBrowserRealHub drives the embedded UI in Debian's headless Chromium
// (playwright-core, hub/web/e2e/run.mjs) against the real server on a real
// SQLite store: sign in, see the buildings with their placards, open a
// report, claim a worksite and see the board update through the event
// stream, and a 409 for a worksite another organisation holds.
func TestBrowserRealHub(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no %s (apt-get install chromium): browser test skipped", chromium)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH: browser test skipped")
	}
	e2e, err := filepath.Abs(filepath.Join("web", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e2e, "node_modules")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Skip("no npm on PATH: browser test skipped")
		}
		if out, err := exec.Command(npm, "ci", "--prefix", e2e, "--no-audit", "--no-fund").CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", e2e, err, out)
		}
	}

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hub.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := store.Actor{Name: "setup", Org: "HQ", Role: "admin"}
	if _, _, err := st.EnsureOrg(ctx, sys, "HQ", "state"); err != nil {
		t.Fatal(err)
	}
	admin, err := hub.IssueToken(ctx, st, sys, "HQ", "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(hub.Config{Store: st, UI: web.FS(), Heartbeat: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()
	call := func(tok, method, path string, body any) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("setup %s %s → %d %s", method, path, res.StatusCode, out.String())
		}
		return out.Bytes()
	}
	call(admin, "POST", "/api/v1/orgs", map[string]any{"name": "ORG-A", "kind": "team"})
	call(admin, "POST", "/api/v1/orgs", map[string]any{"name": "ORG-B", "kind": "team"})
	var tk, tkB struct{ Token string }
	json.Unmarshal(call(admin, "POST", "/api/v1/tokens", map[string]any{"org": "ORG-A", "role": "field", "name": "laptop-1"}), &tk)
	json.Unmarshal(call(admin, "POST", "/api/v1/tokens", map[string]any{"org": "ORG-B", "role": "field", "name": "laptop-9"}), &tkB)
	call(tk.Token, "POST", "/api/v1/teams", map[string]any{"name": "USAR-1"})
	call(tkB.Token, "POST", "/api/v1/teams", map[string]any{"name": "USAR-9"})
	now := time.Now().UTC()
	for i, p := range []string{"green", "yellow", "red"} {
		r := hubtest.Report([]string{"B-1", "B-2", "B-3"}[i], now.Add(-time.Duration(i+1)*time.Hour), p)
		r.Building.Lat += float64(i) * 0.002
		r.Building.Lon += float64(i) * 0.003
		call(tk.Token, "POST", "/api/v1/assessments", r)
	}
	call(admin, "POST", "/api/v1/worksites", map[string]any{"code": "C-1", "lat": 40.181, "lon": 44.512, "name": "Clinic", "building_id": "B-2"})
	call(admin, "POST", "/api/v1/worksites", map[string]any{"code": "C-2", "lat": 40.183, "lon": 44.515, "name": "Block 7"})
	call(tkB.Token, "POST", "/api/v1/worksites/C-2/claim", map[string]any{"team": "USAR-9", "minutes": 45})
	call(admin, "POST", "/api/v1/areas", map[string]any{"kind": "assembly", "name": "Park", "geometry": map[string]any{"type": "Point", "coordinates": []float64{44.508, 40.179}}})

	runCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, node, "run.mjs")
	cmd.Dir = e2e
	cmd.Env = append(os.Environ(), "STRUNA_URL="+ts.URL+"/", "STRUNA_TOKEN="+tk.Token, "STRUNA_CHROMIUM="+chromium, "STRUNA_SHOTS="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("browser run against the real hub failed: %v", err)
	}
}

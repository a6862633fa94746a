package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	large    = flag.Int("large", 0, "TestBrowserLarge: load the UI with this many extra buildings and print timings")
	update   = flag.Bool("update", false, "keep two of the browser test's screenshots in testdata/")
	shotsDir = flag.String("shots", "", "write all of the browser test's screenshots to this folder")
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the UI in Debian's headless Chromium (playwright-core,
// e2e/run.mjs) against a fake hub serving FS(): sign-in, the three
// buildings with their placards in the list and on the map canvas, the
// trapped persons' badge on the map and count in the list, a
// building's panel and report iframe, its trapped persons, a worksite
// claim, a 409, and updates arriving through the event stream. Needs /usr/bin/chromium, node and npm
// (it runs `npm ci` in e2e/ when e2e/node_modules is missing).
func TestBrowser(t *testing.T) {
	node, e2e := browserPrereqs(t)
	const token = "e2e-token-5f1c9a"
	hub, err := newFakeHub(token)
	if err != nil {
		t.Fatalf("fake hub: %v", err)
	}
	srv := serveLoopback(t, hub)

	shots := *shotsDir
	if shots == "" {
		shots = t.TempDir()
	} else if shots, err = filepath.Abs(shots); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "run.mjs")
	cmd.Dir = e2e
	cmd.Env = append(os.Environ(),
		"STRUNA_URL="+srv.URL+"/",
		"STRUNA_TOKEN="+token,
		"STRUNA_SHOTS="+shots,
		"STRUNA_CHROMIUM="+chromiumPath,
		"STRUNA_PUSH_URL="+srv.URL+"/_test/push",
		"STRUNA_DROP_URL="+srv.URL+"/_test/drop",
		"STRUNA_TILES_URL="+srv.URL+"/_test/tiles",
		"STRUNA_E2E_RELIEF=1",
		"STRUNA_CALL_URL="+srv.URL+"/_test/call-other",
		"STRUNA_TRAPPED_URL="+srv.URL+"/_test/trapped",
	)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	runErr := cmd.Run()
	t.Logf("e2e/run.mjs:\n%s", out.String())
	if runErr != nil {
		t.Fatalf("e2e/run.mjs failed: %v (screenshots of failures in %s)", runErr, shots)
	}
	for _, want := range []string{
		"ok - building B-1 listed as green", "ok - building B-2 listed as yellow", "ok - building B-3 listed as red",
		"ok - building B-3 drawn on the map in its placard colour", "ok - report page is rendered in the iframe",
		"ok - board shows C-1 held by USAR-1", "held by … until …", "without reload (event stream)",
		"ok - building B-2 turns red in the list without reload",
		"ok - after the stream is cut the page reconnects and catches up",
		"ok - with a tile URL configured the map shows tiles under the buildings",
		"ok - duplicate offer OFF-2 flagged with the reason", "ok - call lists both invitees",
		"ok - answering \"ready\" shows ORG-A ready", "arrives without reload (event stream)",
		"ok - official message MSG-1 listed",
		"ok - building B-3 shows 4 persons trapped", "ok - building B-1 shows no trapped count",
		"ok - building B-3 shows 6 persons trapped after a new report (event stream)",
		"ok - building B-3 listed with 4 trapped", "ok - building B-1 listed without a trapped count",
		"ok - map shows a trapped badge with 4 on B-3", "ok - map shows no trapped badge on B-1",
		"ok - map badge of B-3 redrawn with 6",
		"ok - building B-3 shows 6 trapped in the list and on the map after a new report, without reload (event stream)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("e2e output lacks %q: a step was skipped", want)
		}
	}

	// What the fake hub saw: the UI claimed through the API with the
	// caller's team, and the event stream authenticated by query token
	// (EventSource cannot send headers), never on other routes.
	hub.mu.Lock()
	claims, sseAuth, queryAuth, answers := hub.claims, hub.sseAuth, hub.queryAuth, hub.answers
	hub.mu.Unlock()
	if len(claims) == 0 || claims[0] != "C-1 "+fakeTeam {
		t.Errorf("claims seen by the hub = %q, want first %q", claims, "C-1 "+fakeTeam)
	}
	if len(answers) == 0 || answers[0] != fakeOrg+" ready" {
		t.Errorf("readiness answers seen by the hub = %q, want first %q", answers, fakeOrg+" ready")
	}
	if len(sseAuth) < 2 {
		t.Errorf("the UI opened the event stream %d times, want at least 2 (a reconnect after the cut)", len(sseAuth))
	}
	for _, a := range sseAuth {
		if a != "query" {
			t.Errorf("event stream authenticated by %s, want the access_token query parameter", a)
		}
	}
	if len(queryAuth) > 0 {
		t.Errorf("the UI sent the token as a query parameter outside /api/v1/events: %q", queryAuth)
	}

	for _, name := range []string{"map", "building", "report", "worksites", "conflict", "map-live", "map-tiles", "relief"} {
		b, err := os.ReadFile(filepath.Join(shots, name+".png"))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			continue
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("screenshot %s is not a PNG: %v", name, err)
			continue
		}
		if r := img.Bounds(); r.Dx() != 1280 || r.Dy() != 800 {
			t.Errorf("screenshot %s is %v, want 1280×800", name, r)
		}
		if *update && (name == "building" || name == "worksites" || name == "relief") {
			if err := os.WriteFile(filepath.Join("testdata", "screenshot-"+name+".png"), b, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}

// browserPrereqs skips unless Chromium, node and npm are present, runs
// `npm ci` in e2e/ when its node_modules is missing, and returns node's
// path and the e2e folder.
func browserPrereqs(t *testing.T) (node, e2e string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no %s (apt-get install chromium): browser test skipped", chromiumPath)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH: browser test skipped")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("no npm on PATH: browser test skipped")
	}
	if e2e, err = filepath.Abs("e2e"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e2e, "node_modules", "playwright-core")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = e2e
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", e2e, err, out)
		}
	}
	return node, e2e
}

// serveLoopback serves h on 127.0.0.1 until the test ends.
func serveLoopback(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() {
		srv.CloseClientConnections() // the event streams never end by themselves
		srv.Close()
	})
	return srv
}

// TestBrowserLarge loads the UI with -large=N extra buildings (a hub may
// hold 20 000) and prints how long the list and a zoom redraw take; it
// checks only that every building is counted. Off unless -large is set:
//
//	go test ./hub/web -run TestBrowserLarge -large=20000 -v
func TestBrowserLarge(t *testing.T) {
	if *large <= 0 {
		t.Skip("set -large=N to load the UI with N extra buildings")
	}
	node, e2e := browserPrereqs(t)
	const token = "e2e-large-token"
	hub, err := newFakeHub(token)
	if err != nil {
		t.Fatalf("fake hub: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	placards := []string{"green", "yellow", "red", "unknown"}
	for i := range *large {
		hub.buildings = append(hub.buildings, map[string]any{
			"id": fmt.Sprintf("X-%d", i), "name": fmt.Sprintf("Synthetic building %d", i),
			// About 10 km × 11 km around the fixture buildings.
			"lat": 36.15 + rng.Float64()*0.1, "lon": 36.10 + rng.Float64()*0.12,
			"placard": placards[rng.IntN(len(placards))], "category": "working", "confidence": 0.5,
			"last_assessed": "2026-02-06T09:00:00Z", "assessment_id": "A-GREEN"})
	}
	srv := serveLoopback(t, hub)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "large.mjs")
	cmd.Dir = e2e
	cmd.Env = append(os.Environ(), "STRUNA_URL="+srv.URL+"/", "STRUNA_TOKEN="+token, "STRUNA_CHROMIUM="+chromiumPath, "STRUNA_SHOTS="+*shotsDir)
	out, err := cmd.CombinedOutput()
	t.Logf("e2e/large.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("e2e/large.mjs failed: %v", err)
	}
}

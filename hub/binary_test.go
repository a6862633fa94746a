package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
)

// moduleRoot finds the directory holding go.mod above the test's.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// buildStruna builds the struna command into a temp dir.
func buildStruna(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "struna")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/struna")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs "struna serve" on a free loopback port and returns the
// process and its base URL.
func startServe(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	addr := make(chan string, 1)
	cmd.Stdout = &addrWriter{addr: addr}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(30 * time.Second):
		t.Fatalf("struna serve did not start: %s", stderr.String())
	}
	return nil, ""
}

// addrWriter takes serve's output and sends the address it listens on.
type addrWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

func (w *addrWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if _, a, ok := strings.Cut(w.buf.String(), "listening on "); ok && !w.sent && strings.Contains(a, " ") {
		w.addr <- strings.Fields(a)[0]
		w.sent = true
	}
	return len(p), nil
}

// TestStrunaBinary builds the struna command and runs its hub commands
// as an operator would.
func TestStrunaBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the struna binary; skipped in -short")
	}
	bin := buildStruna(t)
	t.Run("SIGKILL", func(t *testing.T) { testSIGKILL(t, bin) })
	t.Run("push", func(t *testing.T) { testPushCommand(t, bin) })
}

// testSIGKILL kills the hub with SIGKILL in the middle of a stream of
// uploads, restarts it on the same database, and checks that every upload
// it acknowledged is there exactly once, and every other one at most once.
func testSIGKILL(t *testing.T, bin string) {
	db := filepath.Join(t.TempDir(), "hub.db")
	out, err := exec.Command(bin, "token", "create", "--db", db, "--org", "USAR-AM", "--role", "field", "--name", "laptop").Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	token := strings.TrimSpace(string(out))

	srv, base := startServe(t, bin, db)
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(body []byte) (int, error) {
		req, _ := http.NewRequest("POST", base+"/api/v1/assessments", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}

	var (
		mu        sync.Mutex
		acked     = map[string][]byte{} // id → body, acknowledged with 201
		attempted = map[string]bool{}
		wg        sync.WaitGroup
		stop      = make(chan struct{})
	)
	for u := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := hubtest.Report(fmt.Sprintf("K-%d-%05d", u, i), t0, "yellow")
				body := hubtest.JSON(t, r)
				mu.Lock()
				attempted[r.ID] = true
				mu.Unlock()
				code, err := post(body)
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusCreated {
					t.Errorf("upload %s: %d", r.ID, code)
					return
				}
				mu.Lock()
				acked[r.ID] = body
				mu.Unlock()
			}
		}()
	}
	// Kill once a good number of uploads went through, with more in flight.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) == 0 {
		t.Fatal("no upload was acknowledged before the kill")
	}
	t.Logf("killed after %d acknowledged uploads, %d attempted", len(acked), len(attempted))

	srv2, base2 := startServe(t, bin, db)
	base = base2
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	for id, body := range acked {
		code, got := get("/api/v1/assessments/" + id)
		if code != 200 || !bytes.Equal(got, body) {
			t.Fatalf("acknowledged report %s after restart: %d", id, code)
		}
	}
	// Each report is its own building: a building's history counts the
	// copies of its report.
	_, data := get("/api/v1/buildings")
	var bs []struct{ ID string }
	if err := json.Unmarshal(data, &bs); err != nil {
		t.Fatal(err)
	}
	if len(bs) < len(acked) || len(bs) > len(attempted) {
		t.Fatalf("%d buildings after restart: acknowledged %d, attempted %d", len(bs), len(acked), len(attempted))
	}
	for _, b := range bs {
		_, data := get("/api/v1/buildings/" + b.ID)
		var bh struct {
			History []struct {
				AssessmentID string `json:"assessment_id"`
			}
		}
		if err := json.Unmarshal(data, &bh); err != nil || len(bh.History) != 1 || !attempted[bh.History[0].AssessmentID] {
			t.Fatalf("building %s: %s", b.ID, data)
		}
	}
	// Resending an acknowledged report after the restart stores nothing new.
	for _, body := range acked {
		if code, err := post(body); err != nil || code != http.StatusOK {
			t.Fatalf("resend after restart: %d %v", code, err)
		}
		break
	}
	// SIGTERM stops the hub cleanly.
	if err := srv2.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv2.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop on SIGTERM")
	}
}

// run runs the struna binary and returns its exit code, stdout and stderr.
func run(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// testPushCommand: struna push sends, spools while the hub is down, and
// flushes when it is back; struna token create bootstraps.
func testPushCommand(t *testing.T, bin string) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hub.db")
	spool := filepath.Join(dir, "spool")
	code, tok, stderr := run(t, bin, nil, "token", "create", "--db", db, "--org", "USAR-AM", "--role", "field", "--name", "laptop")
	tok = strings.TrimSpace(tok)
	if code != 0 || !strings.HasPrefix(tok, TokenPrefix) || !strings.Contains(stderr, `created organisation "USAR-AM"`) {
		t.Fatalf("token create: %d %q %q", code, tok, stderr)
	}
	for _, args := range [][]string{
		{"token", "create", "--db", db, "--org", "X", "--role", "boss"},
		{"token", "create", "--db", db, "--org", "X"},
		{"push", "r.json", "--token", tok},
		{"push", "--hub", "ftp://x", "--token", tok, "--flush"},
		{"push", "--hub", "http://127.0.0.1:1"},
		{"serve", "--tiles", "https://tiles/without/placeholders.png"},
	} {
		if code, _, stderr := run(t, bin, []string{"STRUNA_HUB=", "STRUNA_TOKEN="}, args...); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d (want 2), stderr %q", args, code, stderr)
		}
	}
	rep := filepath.Join(dir, "report.json")
	if err := os.WriteFile(rep, hubtest.JSON(t, hubtest.Report("B-1", t0, "red")), 0o644); err != nil {
		t.Fatal(err)
	}

	// The hub is down: the report is spooled, and push still exits 0.
	down := "http://127.0.0.1:1"
	code, _, stderr = run(t, bin, nil, "push", rep, "--hub", down, "--token", tok, "--spool", spool)
	if code != 0 || !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "kept in the spool") {
		t.Fatalf("push while down: %d %q", code, stderr)
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 1 {
		t.Fatalf("spool: %v", ents)
	}
	code, _, stderr = run(t, bin, nil, "push", "--flush", "--hub", down, "--token", tok, "--spool", spool)
	if code != 1 || !strings.Contains(stderr, "1 report(s) stay in") {
		t.Fatalf("flush while down: %d %q", code, stderr)
	}

	srv, base := startServe(t, bin, db)
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	// Token from the environment; a wrong one is refused (exit 1), not spooled.
	code, _, stderr = run(t, bin, []string{"STRUNA_TOKEN=struna_wrong"}, "push", rep, "--hub", base, "--spool", spool)
	if code != 1 || !strings.Contains(stderr, "unknown token") {
		t.Fatalf("wrong token: %d %q", code, stderr)
	}
	code, stdout, stderr := run(t, bin, []string{"STRUNA_HUB=" + base, "STRUNA_TOKEN=" + tok}, "push", "--flush", "--spool", spool)
	if code != 0 || !strings.Contains(stdout, "sent") || !strings.Contains(stdout, "flushed 1 of 1") {
		t.Fatalf("flush: %d %q %q", code, stdout, stderr)
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Fatalf("spool after flush: %v", ents)
	}
	code, stdout, _ = run(t, bin, nil, "push", rep, "--hub", base, "--token", tok, "--spool", spool)
	if code != 0 || !strings.Contains(stdout, "already on the hub") || !strings.Contains(stdout, "placard red") {
		t.Fatalf("push again: %d %q", code, stdout)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema":"struna.report/1","id":"x"}`), 0o644)
	code, _, stderr = run(t, bin, nil, "push", bad, filepath.Join(dir, "missing.json"), "--hub", base, "--token", tok, "--spool", spool)
	if code != 1 || !strings.Contains(stderr, "bad.json: building.id: missing; placard") || !strings.Contains(stderr, "missing.json") {
		t.Fatalf("bad reports: %d %q", code, stderr)
	}
}

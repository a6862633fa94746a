package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/struna/struna/hub"
	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
)

var t0 = time.Date(2026, 2, 7, 9, 30, 0, 0, time.UTC)

// realHub starts a hub on loopback and returns its URL, a field token and
// its store.
func realHub(t *testing.T) (string, string, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, hubtest.SQLiteDSN(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	boot := store.Actor{Name: "test", Role: "local"}
	if _, _, err := st.EnsureOrg(ctx, boot, "USAR-AM", "agency"); err != nil {
		t.Fatal(err)
	}
	tok, err := hub.IssueToken(ctx, st, boot, "USAR-AM", "field", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(hub.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { srv.Close(); ts.Close(); st.Close() })
	return ts.URL, tok, st
}

// deadURL is a loopback address nothing listens on.
func deadURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func reportBytes(t *testing.T, b string, placard string) []byte {
	return hubtest.JSON(t, hubtest.Report(b, t0, placard))
}

func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestPushToHub(t *testing.T) {
	url, tok, st := realHub(t)
	c := &Client{Hub: url + "/", Token: tok, Spool: t.TempDir()}
	body := reportBytes(t, "B-1", "red")
	r := c.Push(context.Background(), "r.json", body)
	if r.Outcome != Sent || r.Status != 201 || r.Placard != "red" || r.BuildingID != "B-1" || r.Err != nil {
		t.Fatalf("first push %+v", r)
	}
	r = c.Push(context.Background(), "r.json", body)
	if r.Outcome != Known || r.Status != 200 {
		t.Fatalf("second push %+v", r)
	}
	if fs := spoolFiles(t, c.Spool); len(fs) != 0 {
		t.Fatalf("spool holds %v after successful pushes", fs)
	}
	if _, hist, err := st.Building(context.Background(), "B-1"); err != nil || len(hist) != 1 {
		t.Fatalf("hub has %d assessments of B-1 (%v)", len(hist), err)
	}
}

func TestPushUnreachableSpools(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body so the server notices the client leaving.
		io.Copy(io.Discard, r.Body)
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"database is down"}`, http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	for _, tc := range []struct {
		name, url string
		http      *http.Client
		status    int
		msg       string
	}{
		{"connection refused", deadURL(t), nil, 0, "hub unreachable"},
		{"timeout", slow.URL, HTTPClient(200 * time.Millisecond), 0, "Timeout"},
		{"503", failing.URL, nil, 503, "database is down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{Hub: tc.url, Token: "x", Spool: filepath.Join(t.TempDir(), "new", "spool"), HTTP: tc.http}
			body := reportBytes(t, "B-2", "yellow")
			r := c.Push(context.Background(), "r.json", body)
			if r.Outcome != Spooled || r.Status != tc.status || !strings.Contains(r.Err.Error(), tc.msg) {
				t.Fatalf("%+v", r)
			}
			got, err := os.ReadFile(r.SpoolPath)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("spooled copy differs (%v)", err)
			}
			if fs := spoolFiles(t, c.Spool); len(fs) != 1 || fs[0] != filepath.Base(r.SpoolPath) {
				t.Fatalf("spool holds %v (temp files left?)", fs)
			}
			if info, _ := os.Stat(c.Spool); info.Mode().Perm() != 0o700 {
				t.Errorf("spool mode %v", info.Mode().Perm())
			}
		})
	}
}

func TestPushRejected(t *testing.T) {
	url, _, _ := realHub(t)
	spool := t.TempDir()
	// A wrong token is the caller's mistake: nothing is spooled.
	c := &Client{Hub: url, Token: "struna_wrong", Spool: spool}
	r := c.Push(context.Background(), "r.json", reportBytes(t, "B-3", "green"))
	var rj *RejectedError
	if r.Outcome != Rejected || r.Status != 401 || !errors.As(r.Err, &rj) || !strings.Contains(r.Err.Error(), "unknown token") {
		t.Fatalf("%+v", r)
	}
	// Not a report: refused before any request.
	r = c.Push(context.Background(), "notes.json", []byte(`{"schema":"something/1"}`))
	if r.Outcome != Rejected || r.Status != 0 || !strings.Contains(r.Err.Error(), `notes.json: schema: "something/1"`) {
		t.Fatalf("%+v", r)
	}
	if fs := spoolFiles(t, spool); len(fs) != 0 {
		t.Fatalf("refused reports spooled: %v", fs)
	}
}

// TestFlush: the spool is sent when the hub is back; each file goes only
// after the hub acknowledged it; refused ones stay with the reason.
func TestFlush(t *testing.T) {
	spool := t.TempDir()
	down := &Client{Hub: deadURL(t), Token: "x", Spool: spool}
	var ids []string
	for _, b := range []string{"B-1", "B-2", "B-3"} {
		r := down.Push(context.Background(), b, reportBytes(t, b, "green"))
		if r.Outcome != Spooled {
			t.Fatalf("%+v", r)
		}
		ids = append(ids, r.ID)
		// Distinct modification times give a defined order.
		old := t0.Add(time.Duration(len(ids)) * time.Minute)
		os.Chtimes(r.SpoolPath, old, old)
	}
	// Still down: everything stays.
	res, err := down.Flush(context.Background())
	if err == nil || len(res) != 3 || res[0].Outcome != Kept || res[2].Outcome != Kept || len(spoolFiles(t, spool)) != 3 {
		t.Fatalf("flush while down: %v %+v", err, res)
	}
	// Back, but refusing B-2 (say, a report the hub cannot take).
	var mu sync.Mutex
	var seen []string
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rep struct {
			ID       string
			Building struct{ ID string }
		}
		json.NewDecoder(r.Body).Decode(&rep)
		mu.Lock()
		seen = append(seen, rep.Building.ID)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if rep.Building.ID == "B-2" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"report: placard: \"purple\" is not green, yellow or red"}`))
			return
		}
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]string{"id": rep.ID, "building_id": rep.Building.ID, "placard": "green"})
	}))
	defer flaky.Close()
	up := &Client{Hub: flaky.URL, Token: "x", Spool: spool}
	res, err = up.Flush(context.Background())
	if err != nil || len(res) != 3 {
		t.Fatalf("flush: %v %+v", err, res)
	}
	if strings.Join(seen, ",") != "B-1,B-2,B-3" {
		t.Fatalf("sent in order %v, want oldest first", seen)
	}
	if res[0].Outcome != Sent || res[1].Outcome != Rejected || res[2].Outcome != Sent || res[1].Status != 400 ||
		!strings.Contains(res[1].Err.Error(), `placard: "purple"`) {
		t.Fatalf("results %+v", res)
	}
	if fs := spoolFiles(t, spool); len(fs) != 1 || fs[0] != spoolName(ids[1]) {
		t.Fatalf("spool after flush: %v", fs)
	}
	// A real hub takes the rest; sending again would be harmless.
	url, tok, st := realHub(t)
	real := &Client{Hub: url, Token: tok, Spool: spool}
	if res, err := real.Flush(context.Background()); err != nil || len(res) != 1 || res[0].Outcome != Sent {
		t.Fatalf("flush to hub: %v %+v", err, res)
	}
	if fs := spoolFiles(t, spool); len(fs) != 0 {
		t.Fatalf("spool not empty: %v", fs)
	}
	if _, _, err := st.Building(context.Background(), "B-2"); err != nil {
		t.Fatal(err)
	}
}

// TestFlushStopsWhenHubGoesAway: a flush that loses the hub midway keeps
// the report it was sending and the rest.
func TestFlushStopsWhenHubGoesAway(t *testing.T) {
	spool := t.TempDir()
	down := &Client{Hub: deadURL(t), Token: "x", Spool: spool}
	for i, b := range []string{"B-1", "B-2", "B-3"} {
		r := down.Push(context.Background(), b, reportBytes(t, b, "green"))
		old := t0.Add(time.Duration(i) * time.Minute)
		os.Chtimes(r.SpoolPath, old, old)
	}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 1 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"id":"x","building_id":"B-1","placard":"green"}`))
	}))
	defer srv.Close()
	c := &Client{Hub: srv.URL, Token: "x", Spool: spool}
	res, err := c.Flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "2 report(s) stay in") || len(res) != 3 || res[0].Outcome != Sent || res[1].Outcome != Kept || res[2].Outcome != Kept {
		t.Fatalf("%v %+v", err, res)
	}
	if len(spoolFiles(t, spool)) != 2 || n.Load() != 2 {
		t.Fatalf("spool %v after %d requests", spoolFiles(t, spool), n.Load())
	}
}

func TestSpoolNameAndDir(t *testing.T) {
	for id, want := range map[string]string{
		"3f2a9c": "3f2a9c.json", "../../etc/passwd": "_.._etc_passwd.json", "": "report.json", "a b/c": "a_b_c.json",
	} {
		if got := spoolName(id); got != want {
			t.Errorf("spoolName(%q) = %q, want %q", id, got, want)
		}
	}
	t.Setenv("XDG_STATE_HOME", "/var/lib/x")
	if d, _ := DefaultSpoolDir(); d != "/var/lib/x/struna/spool" {
		t.Errorf("with XDG_STATE_HOME: %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/crew")
	if d, _ := DefaultSpoolDir(); d != "/home/crew/.local/state/struna/spool" {
		t.Errorf("without XDG_STATE_HOME: %s", d)
	}
	if _, err := (&Client{Hub: "ftp://x", Spool: t.TempDir()}).Send(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "not http(s)") {
		t.Errorf("ftp hub: %v", err)
	}
}

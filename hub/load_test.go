package hub

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
)

var (
	long          = flag.Bool("long", false, "run the long tests (TestLoad)")
	loadClients   = flag.Int("load.clients", 500, "TestLoad: simulated field clients")
	loadCycles    = flag.Int("load.cycles", 5, "TestLoad: claim+upload cycles per client")
	loadThink     = flag.Duration("load.think", 2*time.Second, "TestLoad: mean pause between a client's requests (uniform 0..2×)")
	loadWorksites = flag.Int("load.worksites", 100, "TestLoad: worksites the clients compete for")
	loadPlots     = flag.Int("load.plots", 1200, "TestLoad: plot points per report (≈150 bytes each; 1200 ≈ 180 kB, like a real report)")
)

// TestLoad simulates field laptops against a hub on loopback: each client
// has its own token and team, and repeats {claim a random worksite,
// upload a new report} with a random pause between requests. It prints
// the latency percentiles of claims and uploads. Bounded by count (clients
// × cycles) and by time (3 minutes). The default pace — a request every
// 2 s per laptop, 180 kB reports, about 250 requests/s in all — is far
// above a real operation's (a crew pushes a report every 15–30 minutes).
//
//	go test -run TestLoad -long -v ./hub
//	go test -run TestLoad -long -v ./hub -args -load.clients 500 -load.think 1s
func TestLoad(t *testing.T) {
	if !*long {
		t.Skip("long test: run with -long")
	}
	for _, db := range hubtest.DBs {
		t.Run(db.Name, func(t *testing.T) { runLoad(t, db.DSN(t)) })
	}
}

func runLoad(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler()) // 127.0.0.1 only
	defer hs.Close()
	ts := hs.URL
	boot := store.Actor{Name: "load", Role: "local"}
	if _, _, err := st.EnsureOrg(ctx, boot, "USAR-AM", "agency"); err != nil {
		t.Fatal(err)
	}
	n := *loadClients
	tokens := make([]string, n)
	for i := range n {
		if tokens[i], err = IssueToken(ctx, st, boot, "USAR-AM", "field", fmt.Sprintf("laptop-%03d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateTeam(ctx, boot, "USAR-AM", fmt.Sprintf("T-%03d", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range *loadWorksites {
		if _, err := st.CreateWorksite(ctx, boot, store.Worksite{Code: fmt.Sprintf("C-%d", i), Lat: 40, Lon: 44}); err != nil {
			t.Fatal(err)
		}
	}
	// One report, made unique per upload by replacing fixed-width
	// placeholders, so the clients spend no CPU encoding 180 kB reports.
	tmpl := hubtest.WithPlots(hubtest.Report("BUILDING-XXXXXXX", t0, "yellow"), *loadPlots)
	tmpl.ID = "REPORT-XXXXXXX"
	sample := hubtest.JSON(t, tmpl)
	reportFor := func(c, cycle int) ([]byte, string) {
		id := fmt.Sprintf("%03d-%03d", c%1000, cycle%1000)
		b := bytes.Replace(sample, []byte(`"REPORT-XXXXXXX"`), []byte(`"REPORT-`+id+`"`), 1)
		return bytes.ReplaceAll(b, []byte("BUILDING-XXXXXXX"), []byte("BUILDING-"+id)), "REPORT-" + id
	}
	t.Logf("%d clients × %d cycles, mean pause %s, %d worksites, reports of %d bytes, database %s",
		n, *loadCycles, *loadThink, *loadWorksites, len(sample), st.Kind())

	tr := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	lctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	var (
		mu              sync.Mutex
		claims, uploads []time.Duration
		statuses        = map[string]int{}
		failures        []string
	)
	do := func(path, token string, body []byte) (int, time.Duration, error) {
		req, _ := http.NewRequestWithContext(lctx, "POST", ts+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), nil
	}
	pause := func(rng *rand.Rand) bool {
		d := time.Duration(rng.Int64N(int64(2**loadThink) + 1))
		select {
		case <-time.After(d):
			return true
		case <-lctx.Done():
			return false
		}
	}
	start := time.Now()
	// The WAL's peak size shows whether checkpoints keep up (SQLite).
	walStop := make(chan struct{})
	var walPeak atomic.Int64
	go func() {
		for {
			select {
			case <-walStop:
				return
			case <-time.After(100 * time.Millisecond):
				if fi, err := os.Stat(dsn + "-wal"); err == nil && fi.Size() > walPeak.Load() {
					walPeak.Store(fi.Size())
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			team := fmt.Sprintf("T-%03d", c)
			for cycle := range *loadCycles {
				if !pause(rng) {
					return
				}
				ws := fmt.Sprintf("C-%d", rng.IntN(*loadWorksites))
				code, d, err := do("/api/v1/worksites/"+ws+"/claim", tokens[c], []byte(`{"team":"`+team+`","minutes":1}`))
				mu.Lock()
				if err != nil || (code != 200 && code != 409) {
					failures = append(failures, fmt.Sprintf("claim %s: %d %v", ws, code, err))
				} else {
					claims = append(claims, d)
					statuses[fmt.Sprintf("claim %d", code)]++
				}
				mu.Unlock()
				if !pause(rng) {
					return
				}
				body, id := reportFor(c, cycle)
				code, d, err = do("/api/v1/assessments", tokens[c], body)
				mu.Lock()
				if err != nil || code != 201 {
					failures = append(failures, fmt.Sprintf("upload %s: %d %v", id, code, err))
				} else {
					uploads = append(uploads, d)
					statuses["upload 201"]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(walStop)
	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %s", len(failures), failures[0])
	}
	total := len(claims) + len(uploads)
	summary := fmt.Sprintf("%s: %d requests in %s (%.0f/s), %v\n  claim  %s\n  upload %s",
		st.Kind(), total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), statuses,
		percentiles(claims), percentiles(uploads))
	if p := walPeak.Load(); p > 0 {
		summary += fmt.Sprintf("\n  WAL peak %.0f MB", float64(p)/(1<<20))
	}
	t.Log(summary)
	fmt.Println("TestLoad " + summary)
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s", len(ds), q(0.50), q(0.95), q(0.99), ds[len(ds)-1].Round(10*time.Microsecond))
}

// Package hubtest holds what the hub's tests share: valid reports made to
// order, a settable clock, and fresh databases of both kinds (SQLite in a
// temp dir; PostgreSQL in a new schema of the database named by
// STRUNA_TEST_POSTGRES, skipped with a message when it is unset).
package hubtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/struna/struna/report"
	"github.com/struna/struna/survey"
)

// PostgresEnv names the variable holding a PostgreSQL DSN for tests.
const PostgresEnv = "STRUNA_TEST_POSTGRES"

// Report returns a report that passes report.Check: building b assessed at
// created with the given placard; its id is derived from b, created and
// placard (and so differs when any of them does).
func Report(b string, created time.Time, placard string) *report.Report {
	cat := map[string]string{"green": "normative", "yellow": "limited", "red": "emergency"}[placard]
	r := &report.Report{
		Schema:   report.Schema,
		Created:  created.UTC(),
		Software: report.Software{Name: "struna", Version: "test"},
		Building: survey.Building{ID: b, Name: "Building " + b, Lat: 40.18, Lon: 44.51, Storeys: 6},
		Modes:    []report.Mode{{FHz: 2.5, Zeta: 0.02, Methods: []string{"fdd"}, Direction: "x"}},
		Reference: report.Reference{
			Kind: "typology", Note: "test",
		},
		Category:   cat,
		Placard:    placard,
		Confidence: 0.8,
		Reasons:    []string{"test report"},
		Hazards:    []report.Hazard{},
		Policy:     report.PolicyRef{Name: "default", Version: "1"},
	}
	if placard == "red" {
		r.Hazards = []report.Hazard{{Kind: "collapse", Detail: "partial collapse of storey 2"}}
	}
	r.ID = fmt.Sprintf("%s-%d-%s", b, created.UnixNano(), placard)
	return r
}

// WithPlots fills a report's plot data with n points of spectrum and n
// poles, about 75·n bytes of JSON: real reports carry 150–200 kB of it.
func WithPlots(r *report.Report, n int) *report.Report {
	p := &r.Plots
	p.SpectrumHz, p.SV1dB, p.SV2dB, p.Poles = make([]float64, n), make([]float64, n), make([]float64, n), make([]report.PlotPole, n)
	for i := range n {
		f := 0.5 + 24.5*float64(i)/float64(n)
		p.SpectrumHz[i] = f
		p.SV1dB[i] = -60 + 20*math.Exp(-(f-2.5)*(f-2.5)/0.01) + math.Sin(float64(i)*0.7311)
		p.SV2dB[i] = p.SV1dB[i] - 12.25 + math.Cos(float64(i)*0.377)
		p.Poles[i] = report.PlotPole{FHz: 2.5 + 0.01*math.Sin(float64(i)), Order: 2 + 2*(i%40), Stable: i%3 != 0}
	}
	return r
}

// JSON encodes a report as struna assess writes it.
func JSON(t testing.TB, r *report.Report) []byte {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Clock is a settable clock safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// DB is a kind of database tests run against.
type DB struct {
	Name string
	// DSN returns the DSN of a fresh, empty database for t (it skips t
	// when the database is not available).
	DSN func(t testing.TB) string
}

// DBs lists SQLite and PostgreSQL.
var DBs = []DB{{"sqlite", SQLiteDSN}, {"postgres", PostgresDSN}}

// SQLiteDSN returns the path of a new SQLite file in t's temp dir.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "hub.db")
}

// PostgresDSN returns a DSN whose search_path is a new schema, dropped when
// t ends. It skips t if STRUNA_TEST_POSTGRES is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL variant skipped: set %s to a postgres:// DSN (CI does; see .ci/run)", PostgresEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(rnd[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

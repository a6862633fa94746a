package hub

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/hub/store"
	"github.com/struna/struna/relief/share"
)

// BenchmarkBuildingsGeoJSON20k: GET /api/v1/buildings.geojson with 20 000
// buildings, through the handler (authentication, query, encoding).
//
//	go test -run '^$' -bench BuildingsGeoJSON20k -benchtime 20x ./hub
func BenchmarkBuildingsGeoJSON20k(b *testing.B) {
	for _, db := range hubtest.DBs {
		b.Run(db.Name, func(b *testing.B) {
			dsn := db.DSN(b)
			if store.IsPostgres(dsn) {
				// Building the fixture needs no durable commits.
				dsn += "&synchronous_commit=off"
			}
			ctx := context.Background()
			// The fixture needs no durable commits either (sync is a write
			// cost; this measures reads).
			st, err := store.Open(ctx, dsn, store.Options{UnsafeNoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			boot := store.Actor{Name: "bench", Role: "local"}
			placards := []string{"green", "yellow", "red"}
			body := hubtest.JSON(b, hubtest.Report("X", t0, "green"))
			for i := range 20000 {
				r := hubtest.Report(fmt.Sprintf("AM-%05d", i), t0.Add(time.Duration(i)*time.Second), placards[i%3])
				r.Building.Lat += float64(i%200) * 1e-4
				r.Building.Lon += float64(i/200) * 1e-4
				// Public: the viewer token sees them all, through the
				// public (filtered and redacted) path.
				as := store.AssessmentFromReport(r, body)
				as.Visibility = share.Public
				if _, err := st.PutAssessment(ctx, boot, as); err != nil {
					b.Fatal(err)
				}
			}
			if _, _, err := st.EnsureOrg(ctx, boot, "OPS", "agency"); err != nil {
				b.Fatal(err)
			}
			tok, err := IssueToken(ctx, st, boot, "OPS", "viewer", "bench")
			if err != nil {
				b.Fatal(err)
			}
			srv, err := New(Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			req := httptest.NewRequest("GET", "/api/v1/buildings.geojson", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			// cold: the first request after a building changed (query and
			// encode); cached: every later one until the next change.
			for _, cold := range []bool{true, false} {
				name := "cached"
				if cold {
					name = "cold"
				}
				b.Run(name, func(b *testing.B) {
					var size int
					for b.Loop() {
						if cold {
							srv.buildings.invalidate()
							srv.classGeo.reset()
						}
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("status %d: %s", rec.Code, rec.Body)
						}
						size = rec.Body.Len()
					}
					b.ReportMetric(float64(size)/1e6, "MB/response")
				})
			}
		})
	}
}

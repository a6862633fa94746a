package store

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/struna/struna/hub/internal/hubtest"
	"github.com/struna/struna/relief/share"
)

// TestVisibilityStored: every record kind keeps the visibility it was made
// with, "" is stored as parties, an unknown one is refused, and a
// building shows its current assessment's owner and visibility.
func TestVisibilityStored(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		field := Actor{Name: "f1", Org: "USAR-AM", Role: RoleField}
		geom := json.RawMessage(`{"type":"Point","coordinates":[44.5,40.1]}`)
		must(s.CreateArea(ctx, admin, Area{Kind: "base", Name: "def", Geometry: geom}))(t)
		must(s.CreateArea(ctx, admin, Area{Kind: "base", Name: "org", Geometry: geom, Visibility: share.Org}))(t)
		_, err := s.CreateArea(ctx, admin, Area{Kind: "base", Geometry: geom, Visibility: "world"})
		wantErr(t, err, ErrInvalid, `visibility: "world" is not public, parties or org`)
		as := must(s.Areas(ctx))(t)
		if len(as) != 2 || as[0].Visibility != share.Parties || as[1].Visibility != share.Org {
			t.Fatalf("areas %+v", as)
		}

		must(s.CreateWorksite(ctx, field, Worksite{Code: "W-1", Lat: 1, Lon: 2, Visibility: share.Public}))(t)
		must(s.CreateWorksite(ctx, field, Worksite{Code: "W-2", Lat: 1, Lon: 2}))(t)
		_, err = s.CreateWorksite(ctx, field, Worksite{Code: "W-3", Lat: 1, Lon: 2, Visibility: "PUBLIC"})
		wantErr(t, err, ErrInvalid, "visibility")
		ws := must(s.Worksites(ctx))(t)
		if len(ws) != 2 || ws[0].Visibility != share.Public || ws[0].Org != "USAR-AM" || ws[1].Visibility != share.Parties {
			t.Fatalf("worksites %+v", ws)
		}

		r1 := hubtest.Report("B-1", t0, "green")
		a1 := AssessmentFromReport(r1, hubtest.JSON(t, r1))
		a1.Visibility = share.Public
		must(s.PutAssessment(ctx, field, a1))(t)
		other := Actor{Name: "f2", Org: "USAR-FR", Role: RoleField}
		r2 := hubtest.Report("B-1", t0.Add(1), "red")
		a2 := AssessmentFromReport(r2, hubtest.JSON(t, r2))
		a2.Visibility = share.Org
		st := must(s.PutAssessment(ctx, other, a2))(t)
		if st.Building.Org != "USAR-FR" || st.Building.Visibility != share.Org {
			t.Fatalf("building after the newer report: %+v", st.Building)
		}
		b, hist := must2(s.Building(ctx, "B-1"))(t)
		if b.Visibility != share.Org || len(hist) != 2 || hist[0].Visibility != share.Org || hist[0].Org != "USAR-FR" ||
			hist[1].Visibility != share.Public || hist[1].Org != "USAR-AM" {
			t.Fatalf("building %+v history %+v", b, hist)
		}
		ai := must(s.AssessmentInfo(ctx, r1.ID))(t)
		if ai.Org != "USAR-AM" || ai.Visibility != share.Public || ai.BuildingID != "B-1" || string(ai.Body) != string(a1.Body) {
			t.Fatalf("assessment info %+v", ai)
		}
		_, err = s.AssessmentInfo(ctx, "nope")
		wantErr(t, err, ErrNotFound, "assessment nope does not exist")
		r3 := hubtest.Report("B-3", t0, "red")
		a3 := AssessmentFromReport(r3, hubtest.JSON(t, r3))
		a3.Visibility = "secret"
		_, err = s.PutAssessment(ctx, field, a3)
		wantErr(t, err, ErrInvalid, "visibility")
	})
}

// TestTrapped: reports of trapped persons are stored with their owner and
// audit entry, never as public.
func TestTrapped(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		field := Actor{Name: "f1", Org: "USAR-AM", Role: RoleField}
		_, err := s.PutTrapped(ctx, field, Trapped{BuildingID: "B-1", Count: 1, Visibility: share.Public})
		wantErr(t, err, ErrInvalid, "never public")
		_, err = s.PutTrapped(ctx, field, Trapped{BuildingID: "B-1", Count: -1})
		wantErr(t, err, ErrInvalid, "count: -1 is negative")
		_, err = s.PutTrapped(ctx, field, Trapped{BuildingID: "B-1", Count: 1, Locations: []TrappedPoint{{Lat: 100}}})
		wantErr(t, err, ErrInvalid, "locations[0]")
		t1 := must(s.PutTrapped(ctx, field, Trapped{BuildingID: "B-1", Count: 3, Locations: []TrappedPoint{{Lat: 40.1, Lon: 44.5, Note: "basement"}}}))(t)
		must(s.PutTrapped(ctx, field, Trapped{BuildingID: "B-2", Count: 1, Visibility: share.Org}))(t)
		if t1.ID == 0 || t1.Org != "USAR-AM" || t1.Actor != "f1" || t1.Visibility != share.Parties || !t1.Created.Equal(t0) {
			t.Fatalf("stored %+v", t1)
		}
		all := must(s.TrappedReports(ctx, ""))(t)
		one := must(s.TrappedReports(ctx, "B-1"))(t)
		if len(all) != 2 || all[1].BuildingID != "B-2" || all[1].Visibility != share.Org || all[1].Locations == nil ||
			len(one) != 1 || one[0].Count != 3 || len(one[0].Locations) != 1 || one[0].Locations[0] != (TrappedPoint{40.1, 44.5, "basement"}) {
			t.Fatalf("all %+v, B-1 %+v", all, one)
		}
		es := must(s.Audit(ctx, AuditQuery{}))(t)
		if len(es) == 0 || es[0].Action != "trapped.create" || es[1].Action != "trapped.create" {
			t.Fatalf("audit %+v", es)
		}
	})
}

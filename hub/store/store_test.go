package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/struna/struna/report"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/struna/struna/hub/internal/hubtest"
)

var t0 = time.Date(2026, 2, 7, 9, 30, 0, 0, time.UTC)

var admin = Actor{Name: "boot", Org: "ops", Role: RoleAdmin}

// eachDB runs fn against a fresh database of each kind.
func eachDB(t *testing.T, fn func(t *testing.T, s Store, clk *hubtest.Clock)) {
	for _, db := range hubtest.DBs {
		t.Run(db.Name, func(t *testing.T) {
			dsn := db.DSN(t)
			clk := hubtest.NewClock(t0)
			s, err := Open(context.Background(), dsn, Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if s.Kind() != db.Name {
				t.Fatalf("Kind() = %q, want %q", s.Kind(), db.Name)
			}
			fn(t, s, clk)
		})
	}
}

// must(f())(t) is f's value, failing t if f failed.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, err, kind error, msg string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q does not say %q", err, msg)
	}
}

// setup makes two organisations with a team each and a worksite.
func setup(t *testing.T, s Store) {
	ctx := context.Background()
	must(s.CreateOrg(ctx, admin, "USAR-AM", "agency"))(t)
	must(s.CreateOrg(ctx, admin, "USAR-FR", "team"))(t)
	must(s.CreateTeam(ctx, admin, "USAR-AM", "AM-1"))(t)
	must(s.CreateTeam(ctx, admin, "USAR-FR", "FR-1"))(t)
	must(s.CreateSector(ctx, admin, Sector{Code: "C", Name: "Centre"}))(t)
	must(s.CreateWorksite(ctx, admin, Worksite{Code: "C-6", Name: "School 6", Lat: 40.18, Lon: 44.51, Sector: "C"}))(t)
}

func TestMigrationsIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ss := s.(*sqlStore)
		ctx := context.Background()
		// Applying again changes nothing and does not fail.
		if err := migrate(ctx, ss.b, clk.Now); err != nil {
			t.Fatal(err)
		}
		var n, v int64
		if err := ss.b.queryRow(ctx, "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &v); err != nil {
			t.Fatal(err)
		}
		if int(v) != SchemaVersion() || n != int64(SchemaVersion()) {
			t.Fatalf("schema_migrations: %d rows up to %d, want %d", n, v, SchemaVersion())
		}
		// A database from a newer struna is refused.
		if err := ss.write(ctx, func(t tx) error {
			_, err := t.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_ns) VALUES (9999, 'future', 0)")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		wantErrMsg(t, migrate(ctx, ss.b, clk.Now), "newer than this struna")
	})
}

func wantErrMsg(t *testing.T, err error, msg string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %v, want one saying %q", err, msg)
	}
}

func TestOrgsAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		o := must(s.CreateOrg(ctx, admin, "Armenia MES", "state"))(t)
		if o.Name != "Armenia MES" || o.Kind != "state" || !o.Created.Equal(t0) {
			t.Fatalf("org %+v", o)
		}
		_, err := s.CreateOrg(ctx, admin, "Armenia MES", "state")
		wantErr(t, err, ErrConflict, `"Armenia MES" already exists`)
		_, err = s.CreateOrg(ctx, admin, "X", "club")
		wantErr(t, err, ErrInvalid, `kind: "club"`)

		o2, created, err := s.EnsureOrg(ctx, admin, "Armenia MES", "agency")
		if err != nil || created || o2.Kind != "state" {
			t.Fatalf("EnsureOrg existing: %+v %v %v", o2, created, err)
		}
		o3, created, err := s.EnsureOrg(ctx, admin, "Red Cross", "ngo")
		if err != nil || !created || o3.Kind != "ngo" {
			t.Fatalf("EnsureOrg new: %+v %v %v", o3, created, err)
		}

		h := bytes.Repeat([]byte{7}, 32)
		if err := s.CreateToken(ctx, admin, NewToken{Org: "Armenia MES", Role: RoleCoordinator, Name: "cell", Hash: h}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.CreateToken(ctx, admin, NewToken{Org: "Armenia MES", Role: RoleField, Name: "cell", Hash: []byte{1}}), ErrConflict, `token named "cell"`)
		wantErr(t, s.CreateToken(ctx, admin, NewToken{Org: "Nobody", Role: RoleField, Name: "x", Hash: []byte{2}}), ErrNotFound, `"Nobody" does not exist`)
		wantErr(t, s.CreateToken(ctx, admin, NewToken{Org: "Armenia MES", Role: "boss", Name: "y", Hash: []byte{3}}), ErrInvalid, `role: "boss"`)

		p, err := s.TokenByHash(ctx, h)
		if err != nil || p.Org != "Armenia MES" || p.Role != RoleCoordinator || p.TokenName != "cell" || !bytes.Equal(p.Hash, h) {
			t.Fatalf("TokenByHash: %+v %v", p, err)
		}
		_, err = s.TokenByHash(ctx, bytes.Repeat([]byte{8}, 32))
		wantErr(t, err, ErrNotFound, "unknown token")

		// The audit log has the token but not its hash.
		es := must(s.Audit(ctx, AuditQuery{}))(t)
		if len(es) != 3 || es[0].Action != "token.create" || es[1].Action != "org.create" {
			t.Fatalf("audit: %+v", es)
		}
		if strings.Contains(string(es[0].After), "hash") || !strings.Contains(string(es[0].After), `"role":"coordinator"`) {
			t.Fatalf("token audit after = %s", es[0].After)
		}
	})
}

func TestTeams(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s)
		_, err := s.CreateTeam(ctx, admin, "USAR-AM", "AM-1")
		wantErr(t, err, ErrConflict, `already has a team named "AM-1"`)
		// The same name in another organisation is another team.
		must(s.CreateTeam(ctx, admin, "USAR-FR", "AM-1"))(t)
		_, err = s.CreateTeam(ctx, admin, "Nobody", "N-1")
		wantErr(t, err, ErrNotFound, "does not exist")
		ts := must(s.Teams(ctx))(t)
		var got []string
		for _, tm := range ts {
			got = append(got, tm.Org+"/"+tm.Name)
			if tm.ID == 0 {
				t.Errorf("team %v has no id", tm)
			}
		}
		if want := "USAR-AM/AM-1 USAR-FR/AM-1 USAR-FR/FR-1"; strings.Join(got, " ") != want {
			t.Fatalf("teams %v, want %s", got, want)
		}
	})
}

func TestWorksites(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s)
		_, err := s.CreateSector(ctx, admin, Sector{Code: "C", Name: "again"})
		wantErr(t, err, ErrConflict, "sector C already exists")
		_, err = s.CreateWorksite(ctx, admin, Worksite{Code: "C-6", Lat: 1, Lon: 2})
		wantErr(t, err, ErrConflict, "worksite C-6 already exists")
		_, err = s.CreateWorksite(ctx, admin, Worksite{Code: "D-1", Lat: 1, Lon: 2, Sector: "D"})
		wantErr(t, err, ErrNotFound, "sector D does not exist")
		must(s.CreateWorksite(ctx, admin, Worksite{Code: "A-1", Lat: -1.5, Lon: 2.25, BuildingID: "B-9", Notes: "n"}))(t)
		ws := must(s.Worksites(ctx))(t)
		if len(ws) != 2 || ws[0].Code != "A-1" || ws[0].Lat != -1.5 || ws[0].Lon != 2.25 || ws[0].BuildingID != "B-9" || ws[0].Sector != "" ||
			ws[1].Code != "C-6" || ws[1].Sector != "C" || ws[1].Name != "School 6" || ws[1].Holder != nil {
			t.Fatalf("worksites %+v", ws)
		}
		_, err = s.Worksite(ctx, "Z-9")
		wantErr(t, err, ErrNotFound, "worksite Z-9 does not exist")
	})
}

func TestClaimLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s)
		am := Actor{Name: "am-laptop", Org: "USAR-AM", Role: RoleField}
		fr := Actor{Name: "fr-laptop", Org: "USAR-FR", Role: RoleField}

		w := must(s.Claim(ctx, am, Claim{Code: "C-6", Org: "USAR-AM", Team: "AM-1", For: time.Hour}))(t)
		if w.Holder == nil || w.Holder.Team != "AM-1" || w.Holder.Org != "USAR-AM" || !w.Holder.Since.Equal(t0) || !w.Holder.Until.Equal(t0.Add(time.Hour)) {
			t.Fatalf("claim: %+v", w.Holder)
		}
		// Another team is refused, and told who holds it until when.
		clk.Advance(10 * time.Minute)
		_, err := s.Claim(ctx, fr, Claim{Code: "C-6", Org: "USAR-FR", Team: "FR-1", For: time.Hour})
		var held *HeldError
		if !errors.As(err, &held) || !errors.Is(err, ErrConflict) || held.Team != "AM-1" || held.Org != "USAR-AM" || !held.Until.Equal(t0.Add(time.Hour)) {
			t.Fatalf("second claim: %v", err)
		}
		wantErrMsg(t, err, "worksite C-6 is held by team AM-1 (org USAR-AM) until 2026-02-07T10:30:00Z")

		// The holder re-claims: the lease is extended and keeps its start.
		w = must(s.Claim(ctx, am, Claim{Code: "C-6", Org: "USAR-AM", Team: "AM-1", For: 2 * time.Hour}))(t)
		if !w.Holder.Since.Equal(t0) || !w.Holder.Until.Equal(t0.Add(130*time.Minute)) {
			t.Fatalf("extended lease %+v", w.Holder)
		}
		// A shorter re-claim does not shorten it.
		w = must(s.Claim(ctx, am, Claim{Code: "C-6", Org: "USAR-AM", Team: "AM-1", For: time.Minute}))(t)
		if !w.Holder.Until.Equal(t0.Add(130 * time.Minute)) {
			t.Fatalf("re-claim shortened the lease to %v", w.Holder.Until)
		}

		// Teams of other organisations, unknown teams and worksites.
		_, err = s.Claim(ctx, fr, Claim{Code: "C-6", Org: "USAR-FR", Team: "AM-1", For: time.Hour})
		wantErr(t, err, ErrForbidden, `team "AM-1" is not a team of organisation "USAR-FR"`)
		_, err = s.Claim(ctx, fr, Claim{Code: "C-6", Org: "USAR-FR", Team: "FR-9", For: time.Hour})
		wantErr(t, err, ErrNotFound, `team "FR-9" does not exist`)
		_, err = s.Claim(ctx, fr, Claim{Code: "C-7", Org: "USAR-FR", Team: "FR-1", For: time.Hour})
		wantErr(t, err, ErrNotFound, "worksite C-7 does not exist")

		// The lease expires: the worksite shows free and another team wins.
		clk.Advance(2 * time.Hour)
		if w := must(s.Worksite(ctx, "C-6"))(t); w.Holder != nil {
			t.Fatalf("expired lease still shown: %+v", w.Holder)
		}
		w = must(s.Claim(ctx, fr, Claim{Code: "C-6", Org: "USAR-FR", Team: "FR-1", For: 30 * time.Minute}))(t)
		if w.Holder.Team != "FR-1" || !w.Holder.Since.Equal(clk.Now()) {
			t.Fatalf("claim after expiry: %+v", w.Holder)
		}

		// Release: only by the holding team; a break by anyone.
		_, err = s.Release(ctx, am, Release{Code: "C-6", Org: "USAR-AM", Team: "AM-1"})
		wantErr(t, err, ErrConflict, "worksite C-6 is not held by team AM-1")
		w = must(s.Release(ctx, fr, Release{Code: "C-6", Org: "USAR-FR", Team: "FR-1"}))(t)
		if w.Holder != nil {
			t.Fatalf("released worksite still held: %+v", w.Holder)
		}
		_, err = s.Release(ctx, admin, Release{Code: "C-6", Break: true})
		wantErr(t, err, ErrConflict, "worksite C-6 is not held")
		must(s.Claim(ctx, am, Claim{Code: "C-6", Org: "USAR-AM", Team: "AM-1", For: time.Hour}))(t)
		w = must(s.Release(ctx, admin, Release{Code: "C-6", Break: true}))(t)
		if w.Holder != nil || must(s.Worksite(ctx, "C-6"))(t).Holder != nil {
			t.Fatal("broken lease still held")
		}

		// Every change is audited with before and after; refused claims are not.
		es := must(s.Audit(ctx, AuditQuery{Org: "USAR-AM"}))(t)
		var acts []string
		for _, e := range es {
			acts = append(acts, e.Action)
		}
		if want := "worksite.claim worksite.claim worksite.claim worksite.claim"; strings.Join(acts, " ") != want {
			t.Fatalf("USAR-AM audit %v, want %s", acts, want)
		}
		first := es[len(es)-1]
		if string(first.Before) == "" || !strings.Contains(string(first.Before), `"holder":null`) || !strings.Contains(string(first.After), `"team":"AM-1"`) {
			t.Fatalf("claim audit before %s after %s", first.Before, first.After)
		}
		br := must(s.Audit(ctx, AuditQuery{Org: "ops", Limit: 1}))(t)
		if len(br) != 1 || br[0].Action != "worksite.break" || !strings.Contains(string(br[0].Before), `"team":"AM-1"`) || !strings.Contains(string(br[0].After), `"holder":null`) {
			t.Fatalf("break audit %+v", br)
		}
	})
}

// TestConcurrentClaims: 200 teams claim one worksite at once; exactly one
// wins, on either database.
func TestConcurrentClaims(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s)
		const n = 200
		for i := range n {
			must(s.CreateTeam(ctx, admin, "USAR-AM", fmt.Sprintf("T-%03d", i)))(t)
		}
		var (
			wg              sync.WaitGroup
			start           = make(chan struct{})
			mu              sync.Mutex
			wins, conflicts int
			winner          string
			other           []error
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				team := fmt.Sprintf("T-%03d", i)
				<-start
				_, err := s.Claim(ctx, admin, Claim{Code: "C-6", Org: "USAR-AM", Team: team, For: time.Hour})
				mu.Lock()
				defer mu.Unlock()
				var held *HeldError
				switch {
				case err == nil:
					wins++
					winner = team
				case errors.As(err, &held):
					conflicts++
				default:
					other = append(other, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins != 1 || conflicts != n-1 || len(other) > 0 {
			t.Fatalf("%d wins, %d conflicts, other errors %v", wins, conflicts, other)
		}
		if w := must(s.Worksite(ctx, "C-6"))(t); w.Holder == nil || w.Holder.Team != winner {
			t.Fatalf("holder %+v, winner %s", w.Holder, winner)
		}
		claims := 0
		for _, e := range must(s.Audit(ctx, AuditQuery{Limit: 1000}))(t) {
			if e.Action == "worksite.claim" {
				claims++
			}
		}
		if claims != 1 {
			t.Fatalf("%d claims audited, want 1", claims)
		}
	})
}

func putReport(t *testing.T, s Store, b string, created time.Time, placard string) Stored {
	t.Helper()
	r := hubtest.Report(b, created, placard)
	return must(s.PutAssessment(context.Background(), Actor{Name: "laptop", Org: "USAR-AM", Role: RoleField},
		AssessmentFromReport(r, hubtest.JSON(t, r))))(t)
}

func TestAssessments(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		field := Actor{Name: "laptop", Org: "USAR-AM", Role: RoleField}
		r1 := hubtest.Report("B-1", t0, "yellow")
		body := hubtest.JSON(t, r1)
		st := must(s.PutAssessment(ctx, field, AssessmentFromReport(r1, body)))(t)
		if !st.New || st.ID != r1.ID || st.BuildingID != "B-1" || st.Placard != "yellow" || st.Building.Placard != "yellow" {
			t.Fatalf("first put %+v", st)
		}
		// The same report again: nothing new, same answer.
		st2 := must(s.PutAssessment(ctx, field, AssessmentFromReport(r1, body)))(t)
		if st2.New || st2.ID != st.ID || st2.Placard != "yellow" || st2.BuildingID != "B-1" {
			t.Fatalf("second put %+v", st2)
		}
		// The same id for another building is refused.
		bad := *r1
		bad.Building.ID = "B-2"
		_, err := s.PutAssessment(ctx, field, AssessmentFromReport(&bad, body))
		wantErr(t, err, ErrConflict, "already stored for building B-1")
		if _, _, err := s.Building(ctx, "B-2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("refused report left building B-2: %v", err)
		}
		// The body comes back byte for byte.
		if got := must(s.AssessmentBody(ctx, r1.ID))(t); !bytes.Equal(got, body) {
			t.Fatal("stored body differs")
		}
		_, err = s.AssessmentBody(ctx, "nope")
		wantErr(t, err, ErrNotFound, "assessment nope does not exist")

		// Reports arriving out of order: the current placard is the
		// latest by creation time, not by arrival.
		putReport(t, s, "B-1", t0.Add(48*time.Hour), "red")
		putReport(t, s, "B-1", t0.Add(24*time.Hour), "green")
		b, hist := must2(s.Building(ctx, "B-1"))(t)
		if b.Placard != "red" || !b.LastAssessed.Equal(t0.Add(48*time.Hour)) || b.Category != "emergency" {
			t.Fatalf("current %+v", b)
		}
		var hz []map[string]string
		if err := json.Unmarshal(b.Hazards, &hz); err != nil || len(hz) != 1 || hz[0]["kind"] != "collapse" {
			t.Fatalf("hazards %s", b.Hazards)
		}
		var order []string
		for _, h := range hist {
			order = append(order, h.Placard)
		}
		if strings.Join(order, " ") != "red green yellow" {
			t.Fatalf("history %v, want newest first: red green yellow", order)
		}
		// A report computed late from an older recording (a re-run of
		// yesterday's data, a spooled laptop) must not replace the placard
		// of a newer survey: the survey decides, not the computation.
		newer := hubtest.Report("B-4", t0.Add(2*time.Hour), "red")
		newer.Survey.End = t0.Add(90 * time.Minute)
		older := hubtest.Report("B-4", t0.Add(5*time.Hour), "green") // computed later…
		older.Survey.End = t0.Add(-20 * time.Hour)                   // …from yesterday's recording
		for _, r := range []*report.Report{newer, older} {
			must(s.PutAssessment(ctx, field, AssessmentFromReport(r, hubtest.JSON(t, r))))(t)
		}
		b4, hist4 := must2(s.Building(ctx, "B-4"))(t)
		if b4.Placard != "red" || !b4.LastAssessed.Equal(newer.Survey.End) {
			t.Fatalf("a late report of an older survey replaced the current placard: %+v", b4)
		}
		if len(hist4) != 2 || hist4[0].Placard != "red" || !hist4[1].Surveyed.Equal(older.Survey.End) || !hist4[1].Created.Equal(older.Created) {
			t.Fatalf("history %+v, want the newer survey first with both times", hist4)
		}
		// Ties in creation time go to the larger id ("…-yellow" > "…-red"
		// > "…-green" for the same building and time).
		tie := t0.Add(72 * time.Hour)
		putReport(t, s, "B-3", tie, "green")
		putReport(t, s, "B-3", tie, "yellow")
		putReport(t, s, "B-3", tie, "red")
		if b, _ := must2(s.Building(ctx, "B-3"))(t); b.Placard != "yellow" {
			t.Fatalf("tie: current %s, want yellow (largest id)", b.Placard)
		}

		bs := must(s.Buildings(ctx))(t)
		if len(bs) != 3 || bs[0].ID != "B-1" || bs[1].ID != "B-3" || bs[0].Name != "Building B-1" || bs[0].Lat != 40.18 {
			t.Fatalf("buildings %+v", bs)
		}
		if _, _, err := s.Building(ctx, "B-404"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown building: %v", err)
		}
		n := 0
		for _, e := range must(s.Audit(ctx, AuditQuery{}))(t) {
			if e.Action == "assessment.create" {
				n++
			}
		}
		if n != 8 {
			t.Fatalf("%d assessments audited, want 8 (the resend and the refused one are not changes)", n)
		}
	})
}

func must2[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

// TestConcurrentSameReport: a report sent by many laptops at once is
// stored once.
func TestConcurrentSameReport(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		r := hubtest.Report("B-7", t0, "green")
		as := AssessmentFromReport(r, hubtest.JSON(t, r))
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			newCount int
			errs     []error
		)
		for range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := s.PutAssessment(ctx, admin, as)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else if st.New {
					newCount++
				}
			}()
		}
		wg.Wait()
		if newCount != 1 || len(errs) > 0 {
			t.Fatalf("%d new, errors %v", newCount, errs)
		}
		_, hist := must2(s.Building(ctx, "B-7"))(t)
		if len(hist) != 1 {
			t.Fatalf("%d rows for one report", len(hist))
		}
	})
}

func TestAreas(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		geom := json.RawMessage(`{"type":"Point","coordinates":[44.5,40.1]}`)
		a := must(s.CreateArea(ctx, admin, Area{Kind: "helipad", Name: "H1", Geometry: geom}))(t)
		if a.ID == 0 || a.Org != "ops" || !a.Created.Equal(t0) {
			t.Fatalf("area %+v", a)
		}
		_, err := s.CreateArea(ctx, admin, Area{Kind: "parking", Geometry: geom})
		wantErr(t, err, ErrInvalid, `kind: "parking"`)
		as := must(s.Areas(ctx))(t)
		if len(as) != 1 || as[0].Name != "H1" || string(as[0].Geometry) != string(geom) {
			t.Fatalf("areas %+v", as)
		}
	})
}

func TestAuditQueryAndAppendOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s) // 6 entries at t0
		clk.Advance(time.Hour)
		must(s.CreateTeam(ctx, Actor{Name: "cell", Org: "USAR-FR", Role: RoleCoordinator}, "USAR-FR", "FR-2"))(t)
		all := must(s.Audit(ctx, AuditQuery{}))(t)
		if len(all) != 7 {
			t.Fatalf("%d entries, want 7", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Fatal("audit not newest first")
			}
		}
		e := all[0]
		if e.Actor != "cell" || e.Org != "USAR-FR" || e.Role != RoleCoordinator || e.Action != "team.create" ||
			e.Object != "team/USAR-FR/FR-2" || e.Before != nil || !strings.Contains(string(e.After), `"name":"FR-2"`) || !e.At.Equal(t0.Add(time.Hour)) {
			t.Fatalf("entry %+v", e)
		}
		if got := must(s.Audit(ctx, AuditQuery{Since: t0.Add(30 * time.Minute)}))(t); len(got) != 1 {
			t.Fatalf("since: %d entries, want 1", len(got))
		}
		if got := must(s.Audit(ctx, AuditQuery{Limit: 2}))(t); len(got) != 2 || got[0].ID != all[0].ID {
			t.Fatalf("limit: %+v", got)
		}
		if got := must(s.Audit(ctx, AuditQuery{Org: "USAR-FR"}))(t); len(got) != 1 {
			t.Fatalf("org filter: %d entries, want 1", len(got))
		}
		// The database itself refuses to change the log.
		b := s.(*sqlStore).b
		for _, q := range []string{"UPDATE audit SET actor = 'me'", "DELETE FROM audit"} {
			tx, err := b.begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tx.exec(ctx, q)
			tx.rollback(ctx)
			wantErrMsg(t, err, "append-only")
		}
		if n := len(must(s.Audit(ctx, AuditQuery{}))(t)); n != 7 {
			t.Fatalf("%d entries after refused changes", n)
		}
	})
}

// TestFailedWriteLeavesNoAudit: the audit entry shares the change's
// transaction, so a change that fails leaves neither.
func TestFailedWriteLeavesNoAudit(t *testing.T) {
	eachDB(t, func(t *testing.T, s Store, clk *hubtest.Clock) {
		ctx := context.Background()
		setup(t, s)
		before := len(must(s.Audit(ctx, AuditQuery{}))(t))
		ss := s.(*sqlStore)
		err := ss.write(ctx, func(t tx) error {
			if err := audit(ctx, t, admin, clk.Now(), "test.change", "x", nil, map[string]int{"a": 1}); err != nil {
				return err
			}
			return errors.New("the change failed")
		})
		wantErrMsg(t, err, "the change failed")
		if after := len(must(s.Audit(ctx, AuditQuery{}))(t)); after != before {
			t.Fatalf("audit entries %d → %d after a rolled-back write", before, after)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"", "file:x.db?mode=ro", t.TempDir() + "/no/such/dir/hub.db"} {
		if s, err := Open(ctx, dsn, Options{}); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
	if _, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", Options{}); err == nil {
		t.Error("Open of an unreachable PostgreSQL succeeded")
	}
}

// TestSQLiteSettings: the writer runs with the settings durability and
// integrity rest on, and readers cannot write.
func TestSQLiteSettings(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, hubtest.SQLiteDSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.(*sqlStore).b.(*sqliteDB)
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000", "wal_autocheckpoint": "0"} {
		var got string
		if err := db.w.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("writer PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
	if _, err := db.r.ExecContext(ctx, "INSERT INTO sectors (code, name, created_ns) VALUES ('Z', 'z', 0)"); err == nil {
		t.Error("a reader connection could write")
	}
	// The foreign keys hold: an assessment of a building that does not exist is refused.
	err = s.(*sqlStore).write(ctx, func(t tx) error {
		_, err := t.exec(ctx, "INSERT INTO assessments (id, building_id, created_ns, placard, category, confidence, received_ns, actor, org, body) VALUES ('a', 'nope', 0, 'red', 'emergency', 1, 0, 'x', 'y', x'00')")
		return err
	})
	wantErrMsg(t, err, "FOREIGN KEY")
}

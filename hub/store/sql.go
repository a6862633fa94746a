package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/struna/struna/report"
)

// sqlStore implements Store on either backend.
type sqlStore struct {
	b   backend
	now func() time.Time
}

func (s *sqlStore) Kind() string                   { return s.b.kind() }
func (s *sqlStore) Ping(ctx context.Context) error { return s.b.ping(ctx) }
func (s *sqlStore) Close() error                   { return s.b.close() }

// write runs fn in a write transaction and commits it; any error rolls it
// back.
func (s *sqlStore) write(ctx context.Context, fn func(t tx) error) error {
	t, err := s.b.begin(ctx)
	if err != nil {
		return fmt.Errorf("database: begin: %w", err)
	}
	if err := fn(t); err != nil {
		t.rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := t.commit(ctx); err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	return nil
}

// clock returns the store's now truncated to what the database keeps.
func (s *sqlStore) clock() time.Time { return fromNS(s.now().UnixNano()) }

func fromNS(n int64) time.Time { return time.Unix(0, n).UTC() }

func isNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// audit appends one entry in the transaction of the change it records.
func audit(ctx context.Context, t tx, a Actor, at time.Time, action, object string, before, after any) error {
	enc := func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("audit %s %s: %w", action, object, err)
		}
		return string(b), nil
	}
	bj, err := enc(before)
	if err != nil {
		return err
	}
	aj, err := enc(after)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO audit (at_ns, actor, org, role, action, object, before, after)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, at.UnixNano(), a.Name, a.Org, a.Role, action, object, bj, aj)
	return err
}

func oneOf(v string, set []string) bool { return slices.Contains(set, v) }

func listOr(set []string) string {
	if len(set) < 2 {
		return strings.Join(set, "")
	}
	return strings.Join(set[:len(set)-1], ", ") + " or " + set[len(set)-1]
}

// --- organisations and tokens

func (s *sqlStore) CreateOrg(ctx context.Context, a Actor, name, kind string) (Org, error) {
	if name == "" {
		return Org{}, errorf(ErrInvalid, "name: missing")
	}
	if !oneOf(kind, OrgKinds) {
		return Org{}, errorf(ErrInvalid, "kind: %q is not %s", kind, listOr(OrgKinds))
	}
	o := Org{Name: name, Kind: kind, Created: s.clock()}
	err := s.write(ctx, func(t tx) error {
		n, err := t.exec(ctx, "INSERT INTO orgs (name, kind, created_ns) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
			name, kind, o.Created.UnixNano())
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "organisation %q already exists", name)
		}
		return audit(ctx, t, a, o.Created, "org.create", "org/"+name, nil, o)
	})
	return o, err
}

func (s *sqlStore) EnsureOrg(ctx context.Context, a Actor, name, kind string) (Org, bool, error) {
	o, err := s.CreateOrg(ctx, a, name, kind)
	if err == nil {
		return o, true, nil
	}
	if !errors.Is(err, ErrConflict) {
		return o, false, err
	}
	var created int64
	err = s.b.queryRow(ctx, "SELECT kind, created_ns FROM orgs WHERE name = $1", name).Scan(&o.Kind, &created)
	o.Name, o.Created = name, fromNS(created)
	return o, false, err
}

func (s *sqlStore) orgID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, "SELECT id FROM orgs WHERE name = $1", name).Scan(&id)
	if isNoRows(err) {
		return 0, errorf(ErrNotFound, "organisation %q does not exist", name)
	}
	return id, err
}

func (s *sqlStore) CreateToken(ctx context.Context, a Actor, nt NewToken) error {
	if RoleRank(nt.Role) == 0 {
		return errorf(ErrInvalid, "role: %q is not admin, coordinator, field or viewer", nt.Role)
	}
	if nt.Name == "" {
		return errorf(ErrInvalid, "name: missing")
	}
	if len(nt.Hash) == 0 {
		return errorf(ErrInvalid, "token hash: missing")
	}
	now := s.clock()
	return s.write(ctx, func(t tx) error {
		org, err := s.orgID(ctx, t, nt.Org)
		if err != nil {
			return err
		}
		n, err := t.exec(ctx, "INSERT INTO tokens (org_id, role, name, hash, created_ns) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
			org, nt.Role, nt.Name, nt.Hash, now.UnixNano())
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "organisation %q already has a token named %q", nt.Org, nt.Name)
		}
		// Never the hash: the audit log is readable by coordinators.
		after := map[string]any{"org": nt.Org, "role": nt.Role, "name": nt.Name, "created": now}
		return audit(ctx, t, a, now, "token.create", "token/"+nt.Org+"/"+nt.Name, nil, after)
	})
}

func (s *sqlStore) TokenByHash(ctx context.Context, hash []byte) (Principal, error) {
	var p Principal
	err := s.b.queryRow(ctx, `SELECT t.name, o.name, t.role, t.hash FROM tokens t JOIN orgs o ON o.id = t.org_id WHERE t.hash = $1`, hash).
		Scan(&p.TokenName, &p.Org, &p.Role, &p.Hash)
	if isNoRows(err) {
		return p, errorf(ErrNotFound, "unknown token")
	}
	return p, err
}

// --- teams, sectors, worksites

func (s *sqlStore) CreateTeam(ctx context.Context, a Actor, org, name string) (Team, error) {
	if name == "" {
		return Team{}, errorf(ErrInvalid, "name: missing")
	}
	tm := Team{Name: name, Org: org}
	now := s.clock()
	err := s.write(ctx, func(t tx) error {
		oid, err := s.orgID(ctx, t, org)
		if err != nil {
			return err
		}
		err = t.queryRow(ctx, "INSERT INTO teams (org_id, name, created_ns) VALUES ($1, $2, $3) ON CONFLICT (org_id, name) DO NOTHING RETURNING id",
			oid, name, now.UnixNano()).Scan(&tm.ID)
		if isNoRows(err) {
			return errorf(ErrConflict, "organisation %q already has a team named %q", org, name)
		}
		if err != nil {
			return err
		}
		return audit(ctx, t, a, now, "team.create", "team/"+org+"/"+name, nil, tm)
	})
	return tm, err
}

func (s *sqlStore) Teams(ctx context.Context) ([]Team, error) {
	rs, err := s.b.query(ctx, "SELECT t.id, t.name, o.name FROM teams t JOIN orgs o ON o.id = t.org_id ORDER BY o.name, t.name")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Team{}
	for rs.Next() {
		var tm Team
		if err := rs.Scan(&tm.ID, &tm.Name, &tm.Org); err != nil {
			return nil, err
		}
		out = append(out, tm)
	}
	return out, rs.Err()
}

// teamID finds a team of org. A team of that name in another organisation
// is ErrForbidden: the caller may only act for its own teams.
func (s *sqlStore) teamID(ctx context.Context, q querier, org, team string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, "SELECT t.id FROM teams t JOIN orgs o ON o.id = t.org_id WHERE o.name = $1 AND t.name = $2", org, team).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !isNoRows(err) {
		return 0, err
	}
	var n int64
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM teams WHERE name = $1", team).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, errorf(ErrForbidden, "team %q is not a team of organisation %q", team, org)
	}
	return 0, errorf(ErrNotFound, "team %q does not exist in organisation %q", team, org)
}

func (s *sqlStore) CreateSector(ctx context.Context, a Actor, sc Sector) (Sector, error) {
	if sc.Code == "" {
		return sc, errorf(ErrInvalid, "code: missing")
	}
	now := s.clock()
	err := s.write(ctx, func(t tx) error {
		n, err := t.exec(ctx, "INSERT INTO sectors (code, name, created_ns) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
			sc.Code, sc.Name, now.UnixNano())
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "sector %s already exists", sc.Code)
		}
		return audit(ctx, t, a, now, "sector.create", "sector/"+sc.Code, nil, sc)
	})
	return sc, err
}

func (s *sqlStore) Sectors(ctx context.Context) ([]Sector, error) {
	rs, err := s.b.query(ctx, "SELECT code, name FROM sectors ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Sector{}
	for rs.Next() {
		var sc Sector
		if err := rs.Scan(&sc.Code, &sc.Name); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rs.Err()
}

func (s *sqlStore) CreateWorksite(ctx context.Context, a Actor, w Worksite) (Worksite, error) {
	if w.Code == "" {
		return w, errorf(ErrInvalid, "code: missing")
	}
	w.Holder = nil
	w.Org = a.Org
	vis, err := storedVisibility(w.Visibility)
	if err != nil {
		return w, err
	}
	w.Visibility = vis
	now := s.clock()
	err = s.write(ctx, func(t tx) error {
		var sector any
		if w.Sector != "" {
			var n int64
			if err := t.queryRow(ctx, "SELECT COUNT(*) FROM sectors WHERE code = $1", w.Sector).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errorf(ErrNotFound, "sector %s does not exist", w.Sector)
			}
			sector = w.Sector
		}
		n, err := t.exec(ctx, `INSERT INTO worksites (code, name, lat, lon, sector, building_id, notes, created_ns, org, visibility)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (code) DO NOTHING`,
			w.Code, w.Name, w.Lat, w.Lon, sector, w.BuildingID, w.Notes, now.UnixNano(), w.Org, string(w.Visibility))
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "worksite %s already exists", w.Code)
		}
		return audit(ctx, t, a, now, "worksite.create", "worksite/"+w.Code, nil, w)
	})
	return w, err
}

const worksiteSelect = `SELECT w.code, w.name, w.lat, w.lon, COALESCE(w.sector, ''), w.building_id, w.notes,
  t.name, o.name, w.since_ns, w.until_ns, w.org, w.visibility
FROM worksites w LEFT JOIN teams t ON t.id = w.holder_team_id LEFT JOIN orgs o ON o.id = t.org_id`

func scanWorksite(r row, now time.Time) (Worksite, error) {
	var (
		w            Worksite
		team, org    sql.NullString
		since, until sql.NullInt64
	)
	if err := r.Scan(&w.Code, &w.Name, &w.Lat, &w.Lon, &w.Sector, &w.BuildingID, &w.Notes, &team, &org, &since, &until, &w.Org, &w.Visibility); err != nil {
		return w, err
	}
	// An expired lease is no lease: nothing clears it, a later claim
	// overwrites it.
	if team.Valid && until.Valid && until.Int64 > now.UnixNano() {
		w.Holder = &Lease{Team: team.String, Org: org.String, Since: fromNS(since.Int64), Until: fromNS(until.Int64)}
	}
	return w, nil
}

func (s *sqlStore) Worksites(ctx context.Context) ([]Worksite, error) {
	now := s.clock()
	rs, err := s.b.query(ctx, worksiteSelect+" ORDER BY w.code")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Worksite{}
	for rs.Next() {
		w, err := scanWorksite(rs, now)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rs.Err()
}

// worksite reads one worksite; with lock (PostgreSQL) it first locks the
// row until the end of the transaction. The lock is taken by a statement
// of its own: a row locked after waiting for another writer is re-read at
// its new version, but the columns joined to it may not be, while the next
// statement (READ COMMITTED) sees everything that writer committed.
func (s *sqlStore) worksite(ctx context.Context, q querier, code string, now time.Time, lock bool) (Worksite, error) {
	notFound := errorf(ErrNotFound, "worksite %s does not exist", code)
	if f := s.b.forUpdate(); lock && f != "" {
		var c string
		err := q.queryRow(ctx, "SELECT code FROM worksites WHERE code = $1"+f, code).Scan(&c)
		if isNoRows(err) {
			return Worksite{}, notFound
		}
		if err != nil {
			return Worksite{}, err
		}
	}
	w, err := scanWorksite(q.queryRow(ctx, worksiteSelect+" WHERE w.code = $1", code), now)
	if isNoRows(err) {
		return w, notFound
	}
	return w, err
}

func (s *sqlStore) Worksite(ctx context.Context, code string) (Worksite, error) {
	return s.worksite(ctx, s.b, code, s.clock(), false)
}

func (s *sqlStore) Claim(ctx context.Context, a Actor, c Claim) (Worksite, error) {
	if c.For <= 0 {
		return Worksite{}, errorf(ErrInvalid, "lease duration %s is not positive", c.For)
	}
	now := s.clock()
	until := now.Add(c.For)
	var after Worksite
	err := s.write(ctx, func(t tx) error {
		team, err := s.teamID(ctx, t, c.Org, c.Team)
		if err != nil {
			return err
		}
		// The row lock (PostgreSQL) only makes "before" exact for the
		// audit log; the UPDATE's WHERE alone decides the claim.
		before, err := s.worksite(ctx, t, c.Code, now, true)
		if err != nil {
			return err
		}
		// The claim: one conditional write. It succeeds only if the
		// worksite is free, its lease has expired, or this team holds it
		// (then the lease is extended, never shortened, and keeps its
		// start).
		n, err := t.exec(ctx, `UPDATE worksites SET
  since_ns = CASE WHEN holder_team_id = $2 AND until_ns > $3 THEN since_ns ELSE $3 END,
  until_ns = CASE WHEN holder_team_id = $2 AND until_ns > $4 THEN until_ns ELSE $4 END,
  holder_team_id = $2
WHERE code = $1 AND (holder_team_id IS NULL OR until_ns <= $3 OR holder_team_id = $2)`,
			c.Code, team, now.UnixNano(), until.UnixNano())
		if err != nil {
			return err
		}
		if n == 0 {
			if h := before.Holder; h != nil {
				return &HeldError{Code: c.Code, Team: h.Team, Org: h.Org, Until: h.Until}
			}
			return errorf(ErrConflict, "worksite %s is held by another team", c.Code)
		}
		after, err = s.worksite(ctx, t, c.Code, now, false)
		if err != nil {
			return err
		}
		return audit(ctx, t, a, now, "worksite.claim", "worksite/"+c.Code, before, after)
	})
	return after, err
}

func (s *sqlStore) Release(ctx context.Context, a Actor, r Release) (Worksite, error) {
	now := s.clock()
	var after Worksite
	err := s.write(ctx, func(t tx) error {
		var team int64
		if !r.Break {
			var err error
			if team, err = s.teamID(ctx, t, r.Org, r.Team); err != nil {
				return err
			}
		}
		before, err := s.worksite(ctx, t, r.Code, now, true)
		if err != nil {
			return err
		}
		action := "worksite.release"
		var n int64
		if r.Break {
			action = "worksite.break"
			if before.Holder == nil {
				return errorf(ErrConflict, "worksite %s is not held", r.Code)
			}
			n, err = t.exec(ctx, "UPDATE worksites SET holder_team_id = NULL, since_ns = NULL, until_ns = NULL WHERE code = $1", r.Code)
		} else {
			n, err = t.exec(ctx, `UPDATE worksites SET holder_team_id = NULL, since_ns = NULL, until_ns = NULL
WHERE code = $1 AND holder_team_id = $2 AND until_ns > $3`, r.Code, team, now.UnixNano())
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrConflict, "worksite %s is not held by team %s", r.Code, r.Team)
		}
		after = before
		after.Holder = nil
		return audit(ctx, t, a, now, action, "worksite/"+r.Code, before, after)
	})
	return after, err
}

// --- buildings and assessments

const buildingSelect = `SELECT id, name, lat, lon, placard, category, confidence, surveyed_ns, assessment_id, hazards, org, visibility FROM buildings`

func scanBuilding(r row) (Building, error) {
	var (
		b        Building
		surveyed int64
		hazards  string
	)
	err := r.Scan(&b.ID, &b.Name, &b.Lat, &b.Lon, &b.Placard, &b.Category, &b.Confidence, &surveyed, &b.AssessmentID, &hazards, &b.Org, &b.Visibility)
	b.LastAssessed = fromNS(surveyed)
	b.Hazards = json.RawMessage(hazards)
	return b, err
}

func (s *sqlStore) PutAssessment(ctx context.Context, a Actor, as Assessment) (Stored, error) {
	if as.ID == "" || as.BuildingID == "" {
		return Stored{}, errorf(ErrInvalid, "assessment: id and building id are required")
	}
	hz := as.Hazards
	if hz == nil {
		hz = []report.Hazard{}
	}
	hazards, err := json.Marshal(hz)
	if err != nil {
		return Stored{}, errorf(ErrInvalid, "hazards: %v", err)
	}
	vis, err := storedVisibility(as.Visibility)
	if err != nil {
		return Stored{}, err
	}
	now := s.clock()
	created, surveyed := as.Created.UnixNano(), as.Surveyed.UnixNano()
	if as.Surveyed.IsZero() {
		surveyed = created
	}
	st := Stored{ID: as.ID, BuildingID: as.BuildingID, Placard: as.Placard}
	err = s.write(ctx, func(t tx) error {
		// The building first (the assessment references it); a new one
		// starts with this assessment as its current state.
		bnew, err := t.exec(ctx, `INSERT INTO buildings (id, name, lat, lon, assessment_id, created_ns, placard, category, confidence, hazards, org, visibility, surveyed_ns)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
			as.BuildingID, as.Name, as.Lat, as.Lon, as.ID, created, as.Placard, as.Category, as.Confidence, string(hazards), a.Org, string(vis), surveyed)
		if err != nil {
			return err
		}
		// The idempotency key: a report id is stored once.
		anew, err := t.exec(ctx, `INSERT INTO assessments (id, building_id, created_ns, placard, category, confidence, received_ns, actor, org, body, visibility, surveyed_ns)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
			as.ID, as.BuildingID, created, as.Placard, as.Category, as.Confidence, now.UnixNano(), a.Name, a.Org, as.Body, string(vis), surveyed)
		if err != nil {
			return err
		}
		if anew == 0 {
			var bid, placard string
			if err := t.queryRow(ctx, "SELECT building_id, placard FROM assessments WHERE id = $1", as.ID).Scan(&bid, &placard); err != nil {
				return err
			}
			if bid != as.BuildingID {
				return errorf(ErrConflict, "report %s is already stored for building %s, not %s", as.ID, bid, as.BuildingID)
			}
			st.BuildingID, st.Placard = bid, placard
			return errAlreadyStored
		}
		st.New = true
		if bnew == 0 {
			// The building's current state follows its latest survey, then
			// its latest report by creation time, then the larger id,
			// whatever order reports arrive in.
			if _, err := t.exec(ctx, `UPDATE buildings SET name = $2, lat = $3, lon = $4, assessment_id = $5, created_ns = $6,
  placard = $7, category = $8, confidence = $9, hazards = $10, org = $11, visibility = $12, surveyed_ns = $13
WHERE id = $1 AND (surveyed_ns < $13 OR (surveyed_ns = $13 AND (created_ns < $6 OR (created_ns = $6 AND assessment_id < $5))))`,
				as.BuildingID, as.Name, as.Lat, as.Lon, as.ID, created, as.Placard, as.Category, as.Confidence, string(hazards), a.Org, string(vis), surveyed); err != nil {
				return err
			}
		}
		if st.Building, err = scanBuilding(t.queryRow(ctx, buildingSelect+" WHERE id = $1", as.BuildingID)); err != nil {
			return err
		}
		after := map[string]any{"id": as.ID, "building_id": as.BuildingID, "created": fromNS(created),
			"placard": as.Placard, "category": as.Category, "confidence": as.Confidence, "visibility": vis}
		return audit(ctx, t, a, now, "assessment.create", "assessment/"+as.ID, nil, after)
	})
	if errors.Is(err, errAlreadyStored) {
		// Nothing changed; the transaction was rolled back.
		b, _, berr := s.Building(ctx, st.BuildingID)
		st.Building = b
		return st, berr
	}
	return st, err
}

// errAlreadyStored rolls back the transaction of a report sent again.
var errAlreadyStored = errors.New("already stored")

func (s *sqlStore) AssessmentBody(ctx context.Context, id string) ([]byte, error) {
	var body []byte
	err := s.b.queryRow(ctx, "SELECT body FROM assessments WHERE id = $1", id).Scan(&body)
	if isNoRows(err) {
		return nil, errorf(ErrNotFound, "assessment %s does not exist", id)
	}
	return body, err
}

func (s *sqlStore) AssessmentInfo(ctx context.Context, id string) (AssessmentInfo, error) {
	ai := AssessmentInfo{ID: id}
	err := s.b.queryRow(ctx, "SELECT building_id, org, visibility, body FROM assessments WHERE id = $1", id).
		Scan(&ai.BuildingID, &ai.Org, &ai.Visibility, &ai.Body)
	if isNoRows(err) {
		return ai, errorf(ErrNotFound, "assessment %s does not exist", id)
	}
	return ai, err
}

func (s *sqlStore) Buildings(ctx context.Context) ([]Building, error) {
	rs, err := s.b.query(ctx, buildingSelect+" ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Building{}
	for rs.Next() {
		b, err := scanBuilding(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rs.Err()
}

func (s *sqlStore) BuildingsVersion(ctx context.Context) (int64, error) {
	var n int64
	err := s.b.queryRow(ctx, "SELECT COUNT(*) FROM assessments").Scan(&n)
	return n, err
}

func (s *sqlStore) Building(ctx context.Context, id string) (Building, []HistoryEntry, error) {
	b, err := scanBuilding(s.b.queryRow(ctx, buildingSelect+" WHERE id = $1", id))
	if isNoRows(err) {
		return b, nil, errorf(ErrNotFound, "building %s does not exist", id)
	}
	if err != nil {
		return b, nil, err
	}
	rs, err := s.b.query(ctx, `SELECT id, created_ns, surveyed_ns, placard, category, confidence, org, visibility FROM assessments
WHERE building_id = $1 ORDER BY surveyed_ns DESC, created_ns DESC, id DESC`, id)
	if err != nil {
		return b, nil, err
	}
	defer rs.Close()
	hist := []HistoryEntry{}
	for rs.Next() {
		var (
			h                 HistoryEntry
			created, surveyed int64
		)
		if err := rs.Scan(&h.AssessmentID, &created, &surveyed, &h.Placard, &h.Category, &h.Confidence, &h.Org, &h.Visibility); err != nil {
			return b, nil, err
		}
		h.Created, h.Surveyed = fromNS(created), fromNS(surveyed)
		hist = append(hist, h)
	}
	return b, hist, rs.Err()
}

// --- areas

func (s *sqlStore) CreateArea(ctx context.Context, a Actor, ar Area) (Area, error) {
	if !oneOf(ar.Kind, AreaKinds) {
		return ar, errorf(ErrInvalid, "kind: %q is not %s", ar.Kind, listOr(AreaKinds))
	}
	if !json.Valid(ar.Geometry) {
		return ar, errorf(ErrInvalid, "geometry: not JSON")
	}
	vis, err := storedVisibility(ar.Visibility)
	if err != nil {
		return ar, err
	}
	ar.Created = s.clock()
	ar.Org = a.Org
	ar.Visibility = vis
	err = s.write(ctx, func(t tx) error {
		err := t.queryRow(ctx, "INSERT INTO areas (kind, name, geometry, org, created_ns, visibility) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			ar.Kind, ar.Name, string(ar.Geometry), ar.Org, ar.Created.UnixNano(), string(ar.Visibility)).Scan(&ar.ID)
		if err != nil {
			return err
		}
		return audit(ctx, t, a, ar.Created, "area.create", fmt.Sprintf("area/%d", ar.ID), nil, ar)
	})
	return ar, err
}

func (s *sqlStore) Areas(ctx context.Context) ([]Area, error) {
	rs, err := s.b.query(ctx, "SELECT id, kind, name, geometry, org, created_ns, visibility FROM areas ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Area{}
	for rs.Next() {
		var (
			ar      Area
			geom    string
			created int64
		)
		if err := rs.Scan(&ar.ID, &ar.Kind, &ar.Name, &geom, &ar.Org, &created, &ar.Visibility); err != nil {
			return nil, err
		}
		ar.Geometry, ar.Created = json.RawMessage(geom), fromNS(created)
		out = append(out, ar)
	}
	return out, rs.Err()
}

// --- audit

func (s *sqlStore) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	var since int64 = -1 << 63
	if !q.Since.IsZero() {
		since = q.Since.UnixNano()
	}
	rs, err := s.b.query(ctx, `SELECT id, at_ns, actor, org, role, action, object, before, after FROM audit
WHERE (CAST($1 AS TEXT) = '' OR org = $1) AND at_ns >= $2 ORDER BY id DESC LIMIT $3`, q.Org, since, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []AuditEntry{}
	for rs.Next() {
		var (
			e             AuditEntry
			at            int64
			before, after sql.NullString
		)
		if err := rs.Scan(&e.ID, &at, &e.Actor, &e.Org, &e.Role, &e.Action, &e.Object, &before, &after); err != nil {
			return nil, err
		}
		e.At = fromNS(at)
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		out = append(out, e)
	}
	return out, rs.Err()
}

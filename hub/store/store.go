// Package store keeps the hub's records: organisations and their tokens,
// teams, sectors, worksites and their leases, buildings and the assessments
// pushed from the field, safe areas and hazards, and the append-only audit
// log of every change (DESIGN §3).
//
// One interface, [Store], has two implementations chosen by the DSN given
// to [Open]: a file path opens SQLite (modernc.org/sqlite, WAL journal,
// synchronous=FULL so a committed write survives power loss, foreign keys
// on, one writer connection) and a postgres:// URL opens PostgreSQL through
// a pgx pool. Both run the same SQL where the dialects agree and their own
// versioned migrations (embedded, recorded in schema_migrations) where they
// do not. Every write and its audit record share one transaction.
//
// The two guarantees the operation depends on are written on the methods:
// [Store.Claim] is one conditional UPDATE, so two teams can never both hold
// a worksite whatever the concurrency; [Store.PutAssessment] is keyed by the
// report id (INSERT … ON CONFLICT DO NOTHING), so a report sent twice is
// stored once.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/call"
	"github.com/struna/struna/relief/msg"
	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/report"
)

// Roles in decreasing order of power. A role may do everything the roles
// after it may do.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleField       = "field"
	RoleViewer      = "viewer"
)

// RoleRank orders roles: admin 4, coordinator 3, field 2, viewer 1, and 0
// for anything else.
func RoleRank(role string) int {
	switch role {
	case RoleAdmin:
		return 4
	case RoleCoordinator:
		return 3
	case RoleField:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// Kinds of organisation and of area.
var (
	OrgKinds  = []string{"state", "agency", "ngo", "team"}
	AreaKinds = []string{"assembly", "base", "helipad", "hazard"}
)

// Errors returned by the store, wrapped in an *Error whose message names the
// record. Test with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
	ErrInvalid   = errors.New("invalid")
)

// Error is a store error with a message fit for the API's caller.
type Error struct {
	Kind error // one of ErrNotFound, ErrConflict, ErrForbidden, ErrInvalid
	Msg  string
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// HeldError is the answer to a claim of a worksite that another team holds.
// It matches ErrConflict.
type HeldError struct {
	Code  string
	Team  string
	Org   string
	Until time.Time
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("worksite %s is held by team %s (org %s) until %s", e.Code, e.Team, e.Org, e.Until.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *HeldError) Is(target error) bool { return target == ErrConflict }

// Actor is who makes a change, as the audit log records it.
type Actor struct {
	Name string // token name
	Org  string
	Role string
}

// Org is an organisation taking part in the operation.
type Org struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Created time.Time `json:"created"`
}

// NewToken is a token to record. Only its hash is stored.
type NewToken struct {
	Org  string
	Role string
	Name string
	Hash []byte // SHA-256 of the secret
}

// Principal is the holder of a token: what a request may do.
type Principal struct {
	TokenName string `json:"token_name"`
	Org       string `json:"org"`
	Role      string `json:"role"`
	Hash      []byte `json:"-"`
}

// Actor returns the principal as an audit actor.
func (p Principal) Actor() Actor { return Actor{Name: p.TokenName, Org: p.Org, Role: p.Role} }

// Team is a team of an organisation.
type Team struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Org  string `json:"org"`
}

// Sector is a part of the affected area (INSARAG: a letter).
type Sector struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Worksite is a place where a team works (INSARAG-style code, e.g. C-6).
type Worksite struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Sector     string  `json:"sector"`
	BuildingID string  `json:"building_id"`
	Notes      string  `json:"notes"`
	Holder     *Lease  `json:"holder"` // nil when free or the lease has expired
	// Org is the organisation that created the worksite, Visibility who
	// may see it (relief/share; "" is stored as parties).
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (w Worksite) Access() (string, share.Visibility) { return w.Org, w.Visibility }

// Lease is a team's hold on a worksite.
type Lease struct {
	Team  string    `json:"team"`
	Org   string    `json:"org"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// Claim asks for a lease on a worksite for a team of the caller's
// organisation.
type Claim struct {
	Code string
	Org  string // the caller's organisation: the team must belong to it
	Team string
	For  time.Duration
}

// Release gives up a lease. With Break, whoever holds the worksite loses
// it (the caller must be a coordinator or admin: the hub checks roles).
type Release struct {
	Code  string
	Org   string
	Team  string
	Break bool
}

// Assessment is a report as the hub keeps it: the fields it indexes and the
// report's bytes as received.
type Assessment struct {
	ID         string
	BuildingID string
	Name       string
	Lat, Lon   float64
	Created    time.Time
	// Surveyed is when the recording the report describes ended: the
	// moment of the building's state it gives. A building's current
	// placard is that of its latest survey.
	Surveyed   time.Time
	Placard    string
	Category   string
	Confidence float64
	Hazards    []report.Hazard
	Body       []byte
	// Visibility is who may see the report (relief/share); "" is stored
	// as parties: what the field pushes is shared with all parties.
	Visibility share.Visibility
}

// AssessmentInfo is a stored report with who may see it.
type AssessmentInfo struct {
	ID         string
	BuildingID string
	Org        string // of the token that pushed it
	Visibility share.Visibility
	Body       []byte
}

// Access implements share.Record.
func (a AssessmentInfo) Access() (string, share.Visibility) { return a.Org, a.Visibility }

// AssessmentFromReport fills an Assessment from a checked report and its
// bytes.
func AssessmentFromReport(r *report.Report, body []byte) Assessment {
	surveyed := r.Survey.End
	if surveyed.IsZero() {
		surveyed = r.Survey.Start
	}
	if surveyed.IsZero() {
		surveyed = r.Created
	}
	return Assessment{
		ID: r.ID, BuildingID: r.Building.ID, Name: r.Building.Name, Lat: r.Building.Lat, Lon: r.Building.Lon,
		Created: r.Created, Surveyed: surveyed, Placard: r.Placard, Category: r.Category, Confidence: r.Confidence,
		Hazards: r.Hazards, Body: body,
	}
}

// Stored is what the hub answers to an upload.
type Stored struct {
	ID         string   `json:"id"`
	BuildingID string   `json:"building_id"`
	Placard    string   `json:"placard"`
	New        bool     `json:"-"` // false when the report was already stored
	Building   Building `json:"-"` // the building after the upload
}

// Building is a building with its current placard: that of its latest
// survey (the end of the recording its report describes), ties broken by
// the later report creation time, then by the larger id — whatever order
// the reports arrive in, and however late an old recording is assessed.
type Building struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Lat          float64         `json:"lat"`
	Lon          float64         `json:"lon"`
	Placard      string          `json:"placard"`
	Category     string          `json:"category"`
	Confidence   float64         `json:"confidence"`
	LastAssessed time.Time       `json:"last_assessed"` // when the current placard's survey ended
	AssessmentID string          `json:"assessment_id"`
	Hazards      json.RawMessage `json:"hazards"` // [{"kind","detail"}], never null
	// Org and Visibility are those of the current assessment.
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (b Building) Access() (string, share.Visibility) { return b.Org, b.Visibility }

// HistoryEntry is one assessment of a building.
type HistoryEntry struct {
	AssessmentID string           `json:"assessment_id"`
	Created      time.Time        `json:"created"`
	Surveyed     time.Time        `json:"surveyed"`
	Placard      string           `json:"placard"`
	Category     string           `json:"category"`
	Confidence   float64          `json:"confidence"`
	Org          string           `json:"org"`
	Visibility   share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (h HistoryEntry) Access() (string, share.Visibility) { return h.Org, h.Visibility }

// Area is a safe area, a base, a helipad or a hazard zone drawn by an
// operator. Geometry is a GeoJSON Point or Polygon in lon,lat order.
type Area struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Name     string          `json:"name"`
	Geometry json.RawMessage `json:"geometry"`
	Org      string          `json:"org"`
	Created  time.Time       `json:"created"`
	// Visibility is who may see the area ("" is stored as parties).
	Visibility share.Visibility `json:"visibility"`
}

// Access implements share.Record.
func (a Area) Access() (string, share.Visibility) { return a.Org, a.Visibility }

// AuditEntry is one change in the audit log. Before and After are JSON
// (null when the record did not exist before or after).
type AuditEntry struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Org    string          `json:"org"`
	Role   string          `json:"role"`
	Action string          `json:"action"`
	Object string          `json:"object"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Org   string    // only entries made by this organisation; "" for all
	Since time.Time // only entries at or after this time; zero for all
	Limit int       // at most this many; ≤ 0 means 100
}

// Store is the hub's storage. Every method is safe for concurrent use. A
// write returns only after its transaction has committed (durably: SQLite
// synchronous=FULL, PostgreSQL synchronous_commit), and every write records
// an audit entry in the same transaction. Errors about records are *Error
// or *HeldError values matching ErrNotFound, ErrConflict, ErrForbidden or
// ErrInvalid; anything else is the database failing.
type Store interface {
	// Kind is "sqlite" or "postgres".
	Kind() string
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	// CreateOrg records an organisation: ErrConflict if the name exists,
	// ErrInvalid for an unknown kind.
	CreateOrg(ctx context.Context, a Actor, name, kind string) (Org, error)
	// EnsureOrg returns the organisation, creating it with kind if missing.
	EnsureOrg(ctx context.Context, a Actor, name, kind string) (o Org, created bool, err error)
	// CreateToken records a token of an existing organisation:
	// ErrNotFound for an unknown org, ErrConflict if the org already has a
	// token of that name, ErrInvalid for an unknown role.
	CreateToken(ctx context.Context, a Actor, t NewToken) error
	// TokenByHash returns the principal of a token hash, ErrNotFound if none.
	TokenByHash(ctx context.Context, hash []byte) (Principal, error)

	// CreateTeam registers a team of org: ErrConflict if org has a team of
	// that name.
	CreateTeam(ctx context.Context, a Actor, org, name string) (Team, error)
	// Teams lists all teams by organisation and name.
	Teams(ctx context.Context) ([]Team, error)

	// CreateSector records a sector: ErrConflict if the code exists.
	CreateSector(ctx context.Context, a Actor, s Sector) (Sector, error)
	// Sectors lists sectors by code.
	Sectors(ctx context.Context) ([]Sector, error)

	// CreateWorksite records a free worksite: ErrConflict if the code
	// exists, ErrNotFound if its sector does not.
	CreateWorksite(ctx context.Context, a Actor, w Worksite) (Worksite, error)
	// Worksites lists worksites by code, with their current holders.
	Worksites(ctx context.Context) ([]Worksite, error)
	// Worksite returns one worksite, ErrNotFound if none.
	Worksite(ctx context.Context, code string) (Worksite, error)
	// Claim gives c.Team a lease on the worksite until now+c.For. It is
	// one conditional UPDATE that succeeds only if the worksite is free,
	// its lease has expired, or c.Team already holds it (the lease is then
	// extended): under any concurrency, on either database, at most one
	// team holds a worksite. A worksite held by another team gives a
	// *HeldError (ErrConflict); an unknown worksite or team ErrNotFound; a
	// team of another organisation ErrForbidden.
	Claim(ctx context.Context, a Actor, c Claim) (Worksite, error)
	// Release frees a worksite held by r.Team (of r.Org), or by anyone
	// with r.Break. ErrConflict if it is not held (by that team).
	Release(ctx context.Context, a Actor, r Release) (Worksite, error)

	// PutAssessment stores a report once: the first call with an id
	// stores it (Stored.New) and updates its building's current placard if
	// the report is the building's latest; later calls with the same id
	// change nothing and return what was stored. ErrConflict if the id is
	// stored with a different building.
	PutAssessment(ctx context.Context, a Actor, as Assessment) (Stored, error)
	// AssessmentBody returns a stored report's bytes, ErrNotFound if none.
	AssessmentBody(ctx context.Context, id string) ([]byte, error)
	// AssessmentInfo returns a stored report with its owner and
	// visibility, ErrNotFound if none.
	AssessmentInfo(ctx context.Context, id string) (AssessmentInfo, error)
	// Buildings lists all buildings by id.
	Buildings(ctx context.Context) ([]Building, error)
	// BuildingsVersion is a number that changes whenever any building's
	// current state may have changed (it counts stored assessments, which
	// are never deleted). What is derived from Buildings may be cached
	// under it if the version is read before Buildings.
	BuildingsVersion(ctx context.Context) (int64, error)
	// Building returns a building and its assessments newest first,
	// ErrNotFound if none.
	Building(ctx context.Context, id string) (Building, []HistoryEntry, error)

	// CreateArea records an area; its geometry must already be checked.
	CreateArea(ctx context.Context, a Actor, ar Area) (Area, error)
	// Areas lists areas by id.
	Areas(ctx context.Context) ([]Area, error)

	// PutTrapped records a report of trapped persons (visibility parties
	// or org, never public: ErrInvalid) made by the actor's organisation.
	PutTrapped(ctx context.Context, a Actor, t Trapped) (Trapped, error)
	// TrappedReports lists the reports of trapped persons in buildingID
	// ("" for all) in the order they were made.
	TrappedReports(ctx context.Context, buildingID string) ([]Trapped, error)

	// Audit lists audit entries newest first. There is no method that
	// changes or deletes them, and the database refuses it too.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)

	// Orgs lists the organisations by name.
	Orgs(ctx context.Context) ([]Org, error)

	// AppendReliefMessage stores an EDXL-RM message of the relief
	// operation. A RequestResource starts a thread; an unsolicited offer
	// without a request id is stored loose; any other message is checked
	// against its request's thread as stored (relief.Thread.Append) and
	// the thread with it is returned (the zero Thread for a loose offer).
	// ErrInvalid names what makes the message invalid there, ErrNotFound
	// an unknown request, ErrConflict an id already stored. Appends to one
	// thread are serialised.
	AppendReliefMessage(ctx context.Context, a Actor, m relief.Message) (relief.Thread, error)
	// ReliefThread rebuilds one request's thread, ErrNotFound if none.
	ReliefThread(ctx context.Context, requestID string) (relief.Thread, error)
	// ReliefThreads rebuilds every thread in the order the requests were
	// stored, and returns the loose unsolicited offers.
	ReliefThreads(ctx context.Context) ([]relief.Thread, []relief.Message, error)
	// PutSigningKey registers an organisation's Ed25519 public key:
	// ErrNotFound for an unknown org, ErrConflict if the key id is
	// registered already.
	PutSigningKey(ctx context.Context, a Actor, k SigningKey) (SigningKey, error)
	// SigningKeys lists the keys of org ("" for all) by org and age.
	SigningKeys(ctx context.Context, org string) ([]SigningKey, error)

	// PutOfficialMessage stores a signed official message (the caller has
	// verified it): ErrConflict if its id is stored.
	PutOfficialMessage(ctx context.Context, a Actor, sm msg.SignedMessage) error
	// OfficialMessage returns a message with its receipts, ErrNotFound if
	// none.
	OfficialMessage(ctx context.Context, id string) (OfficialMessage, error)
	// OfficialMessages lists the messages from or to org ("" for all) in
	// the order they were stored, with their receipts.
	OfficialMessages(ctx context.Context, org string) ([]OfficialMessage, error)
	// PutReceipt stores a signed receipt (the caller has verified it):
	// ErrNotFound for an unknown message, ErrConflict if its organisation
	// already sent a receipt of that kind.
	PutReceipt(ctx context.Context, a Actor, sr msg.SignedReceipt) error

	// CreateCall stores a new coordination call (made by call.New):
	// ErrConflict if its id exists, ErrInvalid if it is not well formed.
	CreateCall(ctx context.Context, a Actor, c call.Call) error
	// Call returns a call, ErrNotFound if none.
	Call(ctx context.Context, id string) (call.Call, error)
	// Calls lists the calls in the order they were convened.
	Calls(ctx context.Context) ([]call.Call, error)
	// UpdateCall loads call id, applies fn and stores the result with its
	// audit entry, all in one transaction holding the call's row, so that
	// concurrent changes (readiness answers from several invitees) are
	// applied one after the other and none is lost. An error from fn is
	// returned as is if it is an *Error, else as ErrInvalid; nothing is
	// stored then. It returns the call as stored.
	UpdateCall(ctx context.Context, a Actor, id string, fn func(*call.Call) error) (call.Call, error)
}

// OfficialMessage is a signed official message and its signed receipts.
type OfficialMessage struct {
	Signed   msg.SignedMessage   `json:"signed"`
	Receipts []msg.SignedReceipt `json:"receipts"`
}

// SigningKey is an organisation's registered Ed25519 public key.
type SigningKey struct {
	Org       string    `json:"org"`
	KeyID     string    `json:"key_id"` // relief/msg.KeyID of PublicKey
	PublicKey []byte    `json:"public_key"`
	Created   time.Time `json:"created"`
}

// Options tune a store.
type Options struct {
	// Now is the clock for leases and audit times (default time.Now).
	Now func() time.Time
	// UnsafeNoSync turns SQLite's synchronous=FULL off: acknowledged
	// writes may be lost on power failure. Only for tests that build large
	// fixtures; never for a hub.
	UnsafeNoSync bool
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn — a file path
// for SQLite, a postgres:// URL for PostgreSQL — and applies pending
// migrations.
func Open(ctx context.Context, dsn string, opts Options) (Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var (
		b   backend
		err error
	)
	if IsPostgres(dsn) {
		b, err = openPostgres(ctx, dsn)
	} else {
		b, err = openSQLite(ctx, dsn, opts.UnsafeNoSync)
	}
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, b, opts.Now); err != nil {
		b.close()
		return nil, err
	}
	return &sqlStore{b: b, now: opts.Now}, nil
}

-- struna hub schema, version 1 (SQLite). Times are Unix nanoseconds.
CREATE TABLE orgs (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL CHECK (kind IN ('state', 'agency', 'ngo', 'team')),
  created_ns INTEGER NOT NULL
);

CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES orgs (id),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'field', 'viewer')),
  name       TEXT NOT NULL,
  hash       BLOB NOT NULL UNIQUE,
  created_ns INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE teams (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES orgs (id),
  name       TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  UNIQUE (org_id, name)
);
CREATE INDEX teams_by_name ON teams (name);

CREATE TABLE sectors (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_ns INTEGER NOT NULL
);

-- A worksite's lease lives on its row: holder_team_id and until_ns are set
-- together, and a claim is one conditional UPDATE of this row.
CREATE TABLE worksites (
  code           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  lat            REAL NOT NULL,
  lon            REAL NOT NULL,
  sector         TEXT REFERENCES sectors (code),
  building_id    TEXT NOT NULL,
  notes          TEXT NOT NULL,
  holder_team_id INTEGER REFERENCES teams (id),
  since_ns       INTEGER,
  until_ns       INTEGER,
  created_ns     INTEGER NOT NULL,
  CHECK ((holder_team_id IS NULL) = (until_ns IS NULL))
);

-- buildings keeps the current assessment's fields (the latest by report
-- creation time, ties by id) so the map is one scan of one table.
CREATE TABLE buildings (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  lat           REAL NOT NULL,
  lon           REAL NOT NULL,
  assessment_id TEXT NOT NULL,
  created_ns    INTEGER NOT NULL,
  placard       TEXT NOT NULL,
  category      TEXT NOT NULL,
  confidence    REAL NOT NULL,
  hazards       TEXT NOT NULL
);

CREATE TABLE assessments (
  id          TEXT PRIMARY KEY,
  building_id TEXT NOT NULL REFERENCES buildings (id),
  created_ns  INTEGER NOT NULL,
  placard     TEXT NOT NULL,
  category    TEXT NOT NULL,
  confidence  REAL NOT NULL,
  received_ns INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  org         TEXT NOT NULL,
  body        BLOB NOT NULL
);
CREATE INDEX assessments_by_building ON assessments (building_id, created_ns DESC, id DESC);

CREATE TABLE areas (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('assembly', 'base', 'helipad', 'hazard')),
  name       TEXT NOT NULL,
  geometry   TEXT NOT NULL,
  org        TEXT NOT NULL,
  created_ns INTEGER NOT NULL
);

-- The audit log is append-only: the API has no route that changes it and
-- the database refuses UPDATE and DELETE.
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ns  INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  org    TEXT NOT NULL,
  role   TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  before TEXT,
  after  TEXT
);
CREATE INDEX audit_by_org ON audit (org, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;

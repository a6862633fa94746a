-- Coordination calls (relief/call): one row per call holding the whole
-- call.Call as JSON. Every change is read, applied and written back in
-- one transaction (SQLite has one writer, PostgreSQL locks the row with
-- SELECT … FOR UPDATE); version counts the changes and the UPDATE checks
-- it as well, so no concurrent answer can overwrite another.
CREATE TABLE calls (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  convener_org TEXT NOT NULL,
  visibility   TEXT NOT NULL,
  status       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  created_ns   INTEGER NOT NULL,
  updated_ns   INTEGER NOT NULL,
  body         TEXT NOT NULL -- the call.Call as JSON
);

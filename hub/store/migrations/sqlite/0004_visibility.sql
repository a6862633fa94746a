-- Visibility (relief/share: public, parties or org) of areas, worksites and
-- assessments, and reports of trapped persons. Records made before this
-- version are shared with the parties, as is what the field pushes unless
-- it says otherwise. A building shows the visibility and organisation of
-- its current assessment.
ALTER TABLE areas ADD COLUMN visibility TEXT NOT NULL DEFAULT 'parties';
ALTER TABLE worksites ADD COLUMN visibility TEXT NOT NULL DEFAULT 'parties';
ALTER TABLE worksites ADD COLUMN org TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN visibility TEXT NOT NULL DEFAULT 'parties';
ALTER TABLE buildings ADD COLUMN visibility TEXT NOT NULL DEFAULT 'parties';
ALTER TABLE buildings ADD COLUMN org TEXT NOT NULL DEFAULT '';

-- The owner of an existing worksite is the organisation that created it
-- (the audit log says), of an existing building that of its current
-- assessment.
UPDATE worksites SET org = COALESCE((SELECT a.org FROM audit a
  WHERE a.action = 'worksite.create' AND a.object = 'worksite/' || worksites.code ORDER BY a.id LIMIT 1), '');
UPDATE buildings SET org = COALESCE((SELECT a.org FROM assessments a WHERE a.id = buildings.assessment_id), '');

-- Trapped persons: never public (the hub refuses it and the CHECK too).
-- locations is a JSON array of {"lat","lon","note"}.
CREATE TABLE trapped (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  building_id TEXT NOT NULL,
  persons     INTEGER NOT NULL CHECK (persons >= 0),
  locations   TEXT NOT NULL,
  org         TEXT NOT NULL,
  visibility  TEXT NOT NULL CHECK (visibility IN ('parties', 'org')),
  actor       TEXT NOT NULL,
  created_ns  INTEGER NOT NULL
);
CREATE INDEX trapped_by_building ON trapped (building_id, id);

-- A building's current state follows the survey its report describes
-- (the end of the recording), not when the report was computed: a report
-- re-computed later from an older recording must not replace the placard
-- of a newer survey. Reports stored before this version are taken as
-- surveyed when they were created (minutes apart in practice).
ALTER TABLE assessments ADD COLUMN surveyed_ns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE buildings ADD COLUMN surveyed_ns BIGINT NOT NULL DEFAULT 0;
UPDATE assessments SET surveyed_ns = created_ns;
UPDATE buildings SET surveyed_ns = created_ns;

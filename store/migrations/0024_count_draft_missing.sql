-- 0024_count_draft_missing: the units a technician ticked missing in a
-- stock count not booked yet (app.CountDraft.Missing), beside the counts
-- of 0021_count_drafts: without them a restart brought the counts back and
-- made the technician tick each missing serial again. One row a unit, in
-- the order ticked (pos). Local to the device, never synced; the
-- location's foreign key drops them with their location, as the counts.
--
-- IF NOT EXISTS: the upgrade tests take a file back to an older version
-- and run the later migrations again over it.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE IF NOT EXISTS count_draft_missing (
	technician  TEXT NOT NULL,
	location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
	part        TEXT NOT NULL,
	pos         INTEGER NOT NULL,
	serial      TEXT NOT NULL,
	PRIMARY KEY (technician, location_id, part, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS count_draft_missing_location ON count_draft_missing (location_id);

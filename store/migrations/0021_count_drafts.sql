-- 0021_count_drafts: a stock count typed on the parts page and not booked
-- yet (app.CountDraftService): per technician and location, the units
-- counted of each part, kept so that a restart or a crash loses no
-- counting. Local to the device: no outbox row, never synced. Keyed by
-- the technician first, so one technician's count never shows to another
-- on a shared device; the location's foreign key drops the count with its
-- location (a sign-out wipes them).
--
-- IF NOT EXISTS: the upgrade tests take a file back to an older version
-- and run the later migrations again over it.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE IF NOT EXISTS count_drafts (
	technician  TEXT NOT NULL,
	location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
	part        TEXT NOT NULL,
	counted     INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL, -- Unix ns, the store's clock
	PRIMARY KEY (technician, location_id, part)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS count_drafts_location ON count_drafts (location_id);

-- 0020_drafts: text typed into a ticket's diagnosis or note field and not
-- saved yet (app.Draft), kept so that a ticket switch, a restart or a
-- crash loses no typing. Local to the device: no outbox row, never
-- synced, never sent. Keyed by the ticket first, so the foreign key's
-- cascade (a ticket purged, reassigned away, wiped by a sign-out) finds
-- its drafts by the primary key; then by the technician typing, so one
-- technician's drafts never show to another on a shared device.
--
-- IF NOT EXISTS: the upgrade tests (TestMigrate0010, TestMigrate0013)
-- take a file back to an older version and run the later migrations
-- again over it.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE IF NOT EXISTS drafts (
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	technician TEXT NOT NULL,
	field      TEXT NOT NULL,
	text       TEXT NOT NULL,
	base       TEXT NOT NULL,
	updated_at INTEGER NOT NULL, -- Unix ns, the store's clock
	PRIMARY KEY (ticket_id, technician, field)
) WITHOUT ROWID;

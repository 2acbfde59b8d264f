-- 0002_sync: what the device needs to sync with the central service and
-- rebase its pending mutations on pulled server state (see replica.go).
--
-- Never edit this file once released: add 0003_*.sql instead.

-- The ticket a mutation acts on (app.TicketOf), NULL for stock-only ones:
-- rebase replays the pending mutations of the tickets a page changed, and
-- a ticket with pending mutations is never dropped. actor_* is who
-- committed it, so a replay runs the command as the original Commit did.
-- The mutation's wire form does not carry the actor (the server
-- authenticates the device), so these columns never leave the device.
ALTER TABLE outbox ADD COLUMN ticket_id TEXT;
ALTER TABLE outbox ADD COLUMN actor_role TEXT;
ALTER TABLE outbox ADD COLUMN actor_technician TEXT;
ALTER TABLE outbox ADD COLUMN actor_name TEXT;

-- Backfill from the argument paths of the v1 mutations: "ticket" is an ID,
-- except in ticket.create where it is the whole ticket; the facts name
-- their ticket inside. Who committed older rows is unknown: their actor
-- stays NULL (see replayActor in replica.go). json_valid keeps a damaged
-- row from failing the migration, and with it every later Open.
UPDATE outbox SET ticket_id = nullif(coalesce(
		CASE json_type(args, '$.ticket')
			WHEN 'text' THEN json_extract(args, '$.ticket')
			WHEN 'object' THEN json_extract(args, '$.ticket.id')
		END,
		json_extract(args, '$.entry.ticket'),
		json_extract(args, '$.used.ticket'),
		json_extract(args, '$.movement.ticket'),
		json_extract(args, '$.photo.ticket'),
		json_extract(args, '$.note.ticket')), '')
	WHERE json_valid(args);
CREATE INDEX outbox_ticket ON outbox (ticket_id, seq) WHERE ticket_id IS NOT NULL;

-- epoch: the server epoch that cursor and acked_seq belong to ('' before
-- the first sync). last_success: when a pull last completed (unix ns), for
-- "last synced" and for forcing a push when it is long ago.
ALTER TABLE device ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN last_success INTEGER;

-- base: the server's JSON of the ticket as last pulled; data is base with
-- the pending mutations re-applied. NULL for a ticket created on this
-- device and not pulled yet, and for tickets loaded before this migration.
-- left_scope: the server says the ticket left this device's scopes, but
-- the device still has unsent work on it; it is dropped once that work is
-- confirmed.
ALTER TABLE tickets ADD COLUMN base TEXT;
ALTER TABLE tickets ADD COLUMN left_scope INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_left_scope ON tickets (id) WHERE left_scope = 1;

-- The photo upload queue: photos whose bytes the server has not verified,
-- oldest first. Small, since rows leave it once verified.
CREATE INDEX photos_unsent ON photos (at, id) WHERE state IN ('local', 'uploading');

-- Conflicts the server raised (app.Conflict as JSON in data), shown to the
-- technician until resolved. No foreign key to tickets: a conflict stays
-- visible after its ticket left the device.
CREATE TABLE conflicts (
	id        TEXT PRIMARY KEY,
	kind      TEXT NOT NULL,
	ticket_id TEXT,
	open      INTEGER NOT NULL,
	at        INTEGER,
	data      TEXT NOT NULL
);
CREATE INDEX conflicts_open ON conflicts (at DESC, id DESC) WHERE open = 1;
CREATE INDEX conflicts_ticket ON conflicts (ticket_id, at) WHERE ticket_id IS NOT NULL;

-- Facts recorded on this device carry the outbox seq of the mutation that
-- recorded them; pulled is set once the server's copy arrived. A fact whose
-- mutation the server has acknowledged but never sent back, once a pull is
-- complete, was refused: it is dropped from the view (the conflict the
-- server raised keeps the technician's work visible).
ALTER TABLE repairs ADD COLUMN outbox_seq INTEGER;
ALTER TABLE parts_used ADD COLUMN outbox_seq INTEGER;
ALTER TABLE photos ADD COLUMN outbox_seq INTEGER;
ALTER TABLE notes ADD COLUMN outbox_seq INTEGER;
ALTER TABLE repairs ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE parts_used ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE photos ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notes ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE movements ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
CREATE INDEX repairs_local ON repairs (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;
CREATE INDEX parts_used_local ON parts_used (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;
CREATE INDEX photos_local ON photos (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;
CREATE INDEX notes_local ON notes (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;
CREATE INDEX movements_local ON movements (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;

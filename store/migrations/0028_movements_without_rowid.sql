-- 0028_movements_without_rowid: two pages less per part used (issue 16).
-- A part used wrote its movement (the van's stock going down) to four
-- b-trees besides its balance index: the table by rowid, the index of its
-- ID, the balance index and movements_local, the partial index of the
-- movements recorded here that the server has not sent back.
--
-- WITHOUT ROWID, a movement lives in its ID's b-tree (as the facts did in
-- 0014): the table and the index of its ID are one. A movement is looked
-- up by its ID (a device-minted UUID, the pull's upsert) and read through
-- its balance indexes, which now hold the ID instead of the rowid; nothing
-- reads a movement's rowid.
--
-- movements_local no longer holds a part used's own movement (kind
-- 'consume', whose ID is its part used's): its one reader, dropRefused,
-- finds a refused part use's movement by that ID, which the refused
-- mutation's arguments carry, from the conflicts and their outbox rows
-- found by ticket (0013, 0015). The other movements (transfers,
-- receipts, losses, defective returns: rarer, and some without a ticket)
-- keep the index.
--
-- The table is rebuilt with the same columns, in the same order, with the
-- same constraints (a WITHOUT ROWID primary key is also NOT NULL: every
-- movement has an ID, StockMovement.Validate refuses one without).
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE movements_0028 (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	part        TEXT NOT NULL,
	from_loc    TEXT,
	to_loc      TEXT,
	qty         INTEGER NOT NULL,
	serial      TEXT NOT NULL DEFAULT '',
	ticket_id   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	at          INTEGER,
	recorded_by TEXT NOT NULL DEFAULT '',
	outbox_seq  INTEGER,
	pulled      INTEGER NOT NULL DEFAULT 0,
	shipment    TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO movements_0028 (id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, outbox_seq, pulled, shipment, source)
	SELECT id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, outbox_seq, pulled, shipment, source FROM movements;
DROP TABLE movements;
ALTER TABLE movements_0028 RENAME TO movements;
CREATE INDEX movements_to ON movements (to_loc, part, qty, outbox_seq) WHERE to_loc IS NOT NULL;
CREATE INDEX movements_from ON movements (from_loc, part, qty, outbox_seq) WHERE from_loc IS NOT NULL;
CREATE INDEX movements_local ON movements (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0 AND kind <> 'consume';
CREATE INDEX movements_serial ON movements (serial COLLATE NOCASE, part) WHERE serial <> '';

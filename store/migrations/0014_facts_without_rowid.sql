-- 0014_facts_without_rowid: one page less per note, repair entry and part
-- used (issue 16). These facts are looked up by their ID (a device-minted
-- UUID) and listed by ticket; a rowid table kept each row twice over, in
-- the table's b-tree by rowid and in the index of its ID, so recording a
-- fact wrote a page of each to the write-ahead log. WITHOUT ROWID, the row
-- lives in its ID's b-tree: the fact's ID index and table are one, and the
-- index by ticket holds the ID instead of the rowid. Nothing reads a
-- rowid of these tables. Each table is rebuilt with the same columns, in
-- the same order, with the same constraints (a WITHOUT ROWID primary key
-- is also NOT NULL: every fact has an ID, addFact refuses one without).
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE notes_0014 (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	text       TEXT NOT NULL,
	at         INTEGER,
	by         TEXT NOT NULL DEFAULT '',
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO notes_0014 (id, ticket_id, text, at, by, outbox_seq, pulled)
	SELECT id, ticket_id, text, at, by, outbox_seq, pulled FROM notes;
DROP TABLE notes;
ALTER TABLE notes_0014 RENAME TO notes;
CREATE INDEX notes_ticket ON notes (ticket_id, at);

CREATE TABLE repairs_0014 (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	action     TEXT NOT NULL,
	minutes    INTEGER NOT NULL DEFAULT 0,
	at         INTEGER,
	by         TEXT NOT NULL DEFAULT '',
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO repairs_0014 (id, ticket_id, action, minutes, at, by, outbox_seq, pulled)
	SELECT id, ticket_id, action, minutes, at, by, outbox_seq, pulled FROM repairs;
DROP TABLE repairs;
ALTER TABLE repairs_0014 RENAME TO repairs;
CREATE INDEX repairs_ticket ON repairs (ticket_id, at);

CREATE TABLE parts_used_0014 (
	id               TEXT PRIMARY KEY,
	ticket_id        TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	part             TEXT NOT NULL,
	qty              INTEGER NOT NULL,
	serial           TEXT NOT NULL DEFAULT '',
	defective_serial TEXT NOT NULL DEFAULT '',
	from_loc         TEXT NOT NULL DEFAULT '',
	at               INTEGER,
	outbox_seq       INTEGER,
	pulled           INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO parts_used_0014 (id, ticket_id, part, qty, serial, defective_serial, from_loc, at, outbox_seq, pulled)
	SELECT id, ticket_id, part, qty, serial, defective_serial, from_loc, at, outbox_seq, pulled FROM parts_used;
DROP TABLE parts_used;
ALTER TABLE parts_used_0014 RENAME TO parts_used;
CREATE INDEX parts_used_ticket ON parts_used (ticket_id, at);

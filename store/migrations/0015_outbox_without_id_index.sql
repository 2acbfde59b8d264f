-- 0015_outbox_without_id_index: one page less per user action (issue 16).
-- The outbox's mutation ID was UNIQUE, so SQLite kept an index of it
-- (sqlite_autoindex_outbox_1), and every commit wrote a page of it to the
-- write-ahead log, one of about six. Its only readers were a pull's lookup
-- of the refused mutations (refusedMutations), which now goes through the
-- ticket their conflicts name and outbox_ticket, and MutationTimes, which
-- the conflicts screen calls for the few conflicts it shows and which now
-- reads the outbox in seq order (measured in docs/BENCHMARKS.md). The ID
-- stays unique by construction: Commit mints a UUIDv7 for every row, and
-- nothing else inserts into the outbox. The table is rebuilt with the same
-- columns, in the same order, every row with its seq, and the index by
-- ticket made again.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE outbox_0015 (
	seq              INTEGER PRIMARY KEY,
	id               TEXT NOT NULL,
	name             TEXT NOT NULL,
	version          INTEGER NOT NULL,
	args             TEXT NOT NULL,
	hlc              TEXT NOT NULL,
	at               INTEGER NOT NULL,
	ticket_id        TEXT,
	actor_role       TEXT,
	actor_technician TEXT,
	actor_name       TEXT
);
INSERT INTO outbox_0015 (seq, id, name, version, args, hlc, at, ticket_id, actor_role, actor_technician, actor_name)
	SELECT seq, id, name, version, args, hlc, at, ticket_id, actor_role, actor_technician, actor_name FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_0015 RENAME TO outbox;
CREATE INDEX outbox_ticket ON outbox (ticket_id, seq) WHERE ticket_id IS NOT NULL;

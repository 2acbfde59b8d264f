-- 0001_init: the first schema of the on-device store.
--
-- Never edit this file once released: add 0002_*.sql instead. Times are
-- INTEGER unix nanoseconds in UTC (exact, sortable, compact); NULL means
-- "not set" (the zero time.Time). Empty IDs are stored as NULL so partial
-- indexes skip them.

-- The one device row: identity, hybrid logical clock, outbox watermarks and
-- the server's pull cursor. One row with typed columns instead of a
-- key/value table, so every Commit updates it with a single statement.
CREATE TABLE device (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	device_id   TEXT NOT NULL,
	hlc_wall    INTEGER NOT NULL DEFAULT 0, -- unix milliseconds
	hlc_logical INTEGER NOT NULL DEFAULT 0,
	last_seq    INTEGER NOT NULL DEFAULT 0, -- last outbox seq handed out
	acked_seq   INTEGER NOT NULL DEFAULT 0, -- every seq <= this is accepted by the server
	cursor      TEXT NOT NULL DEFAULT ''    -- opaque server pull cursor
);

-- The outbox: one row per committed user action, seq gapless from 1.
-- Rows at or below device.acked_seq are kept for audit.
CREATE TABLE outbox (
	seq     INTEGER PRIMARY KEY,
	id      TEXT NOT NULL UNIQUE,
	name    TEXT NOT NULL,
	version INTEGER NOT NULL,
	args    TEXT NOT NULL,
	hlc     TEXT NOT NULL,
	at      INTEGER NOT NULL
);

CREATE TABLE technicians (
	id       TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	phone    TEXT NOT NULL DEFAULT '',
	country  TEXT NOT NULL DEFAULT '',
	van      TEXT NOT NULL DEFAULT '',
	store    TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT ''
);

CREATE TABLE locations (
	id    TEXT PRIMARY KEY,
	kind  TEXT NOT NULL,
	name  TEXT NOT NULL,
	owner TEXT NOT NULL DEFAULT ''
);

-- Tickets: the full app.Ticket as JSON in data, plus the fields lists filter
-- and sort on as real, indexed columns (written from the same value by
-- saveTicket, so they cannot drift from data).
CREATE TABLE tickets (
	rid            INTEGER PRIMARY KEY, -- the rowid of tickets_fts; stable, unlike an implicit rowid
	id             TEXT NOT NULL UNIQUE,
	number         TEXT NOT NULL,
	technician     TEXT,
	store          TEXT,
	status         TEXT NOT NULL,
	is_open        INTEGER NOT NULL,
	priority       INTEGER NOT NULL,
	window_start   INTEGER,
	window_end     INTEGER,
	respond_by     INTEGER,
	resolve_by     INTEGER,
	customer_name  TEXT NOT NULL,
	customer_phone TEXT NOT NULL,
	phone_digits   TEXT NOT NULL, -- customer_phone without spaces, dashes, "+"
	serial         TEXT NOT NULL,
	created_at     INTEGER,
	updated_at     INTEGER,
	completed_at   INTEGER,
	data           TEXT NOT NULL
);
-- "My tickets": technician first, then the open/closed split and the
-- default (appointment) order; SLA and priority orders sort the few hundred
-- rows of one technician in memory.
CREATE INDEX tickets_technician ON tickets (technician, is_open, window_start);
CREATE INDEX tickets_open ON tickets (is_open, window_start);
CREATE INDEX tickets_number ON tickets (number);

-- Ticket search over number, customer name, phone (digits only) and
-- serial, with the same trigram and short-gram scheme as parts (see
-- "Search tokens" in part.go): a LIKE over 10,000 tickets takes 50 ms per
-- keystroke, the index about a millisecond.
CREATE VIRTUAL TABLE tickets_fts USING fts5 (
	number, customer_name, phone_digits, serial, short,
	content = '', contentless_delete = 1,
	tokenize = 'trigram remove_diacritics 1'
);

-- Append-only facts on a ticket. IDs are device-minted UUIDs.
CREATE TABLE repairs (
	id        TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	action    TEXT NOT NULL,
	minutes   INTEGER NOT NULL DEFAULT 0,
	at        INTEGER,
	by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX repairs_ticket ON repairs (ticket_id, at);

CREATE TABLE parts_used (
	id               TEXT PRIMARY KEY,
	ticket_id        TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	part             TEXT NOT NULL,
	qty              INTEGER NOT NULL,
	serial           TEXT NOT NULL DEFAULT '',
	defective_serial TEXT NOT NULL DEFAULT '',
	from_loc         TEXT NOT NULL DEFAULT '',
	at               INTEGER
);
CREATE INDEX parts_used_ticket ON parts_used (ticket_id, at);

CREATE TABLE photos (
	id        TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	sha256    TEXT NOT NULL,
	size      INTEGER NOT NULL,
	mime      TEXT NOT NULL DEFAULT '',
	caption   TEXT NOT NULL DEFAULT '',
	kind      TEXT NOT NULL DEFAULT '',
	at        INTEGER,
	state     TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX photos_ticket ON photos (ticket_id, at);

CREATE TABLE notes (
	id        TEXT PRIMARY KEY,
	ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	text      TEXT NOT NULL,
	at        INTEGER,
	by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notes_ticket ON notes (ticket_id, at);

-- The parts catalog. number is COLLATE NOCASE so the UNIQUE index serves
-- case-insensitive lookups and the prefix range "number >= ? AND number < ?".
-- id is the rowid of parts_fts. models and prices are the lists as read
-- with the part (see encodeModels and encodePrices in part.go): one row per
-- part keeps a page of 50 results one query, where per-part list queries
-- cost more than the search itself. part_models indexes the models.
CREATE TABLE parts (
	id            INTEGER PRIMARY KEY,
	number        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name_en       TEXT NOT NULL DEFAULT '',
	name_zh       TEXT NOT NULL DEFAULT '',
	category      TEXT NOT NULL DEFAULT '',
	class         TEXT NOT NULL,
	brand         TEXT NOT NULL DEFAULT '',
	serialized    INTEGER NOT NULL DEFAULT 0,
	return_needed INTEGER NOT NULL DEFAULT 0,
	models        TEXT NOT NULL DEFAULT '',
	prices        TEXT NOT NULL DEFAULT ''
);

-- Compatible models, for "parts for this model"; model is lower case
-- (modelKey in part.go).
CREATE TABLE part_models (
	model TEXT NOT NULL,
	part  INTEGER NOT NULL REFERENCES parts (id) ON DELETE CASCADE,
	PRIMARY KEY (model, part)
) WITHOUT ROWID;
CREATE INDEX part_models_part ON part_models (part);

-- Part search. Trigram tokens give substring matches of 3 or more
-- characters in any column, so Chinese words of 3+ characters and parts of
-- English words or part numbers match. Trigrams cannot match 1-2 character
-- words (common in Chinese: 电池, 主板), so "short" holds every 1-2
-- character gram of Chinese text and the 2-character prefix of every other
-- word, each padded to exactly one trigram, plus one token per compatible
-- model (see "Search tokens" in part.go).
-- Contentless: the text lives in parts; contentless_delete lets Load replace
-- a part by rowid.
CREATE VIRTUAL TABLE parts_fts USING fts5 (
	number, name_en, name_zh, short,
	content = '', contentless_delete = 1,
	tokenize = 'trigram remove_diacritics 1'
);

-- The stock ledger. Balances are sums over it, never stored counts.
-- outbox_seq is set for movements made on this device, so Balance.Pending
-- is the part of a sum not yet accepted by the server. The partial covering
-- indexes make a location's sums index-only scans.
CREATE TABLE movements (
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
	outbox_seq  INTEGER
);
CREATE INDEX movements_to ON movements (to_loc, part, qty, outbox_seq) WHERE to_loc IS NOT NULL;
CREATE INDEX movements_from ON movements (from_loc, part, qty, outbox_seq) WHERE from_loc IS NOT NULL;

-- Warranty rule sets: server-owned, versioned reference data, one JSON
-- document per set.
CREATE TABLE rule_sets (
	id      TEXT PRIMARY KEY,
	country TEXT NOT NULL,
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);
CREATE INDEX rule_sets_country ON rule_sets (country, version);

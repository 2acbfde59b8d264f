-- The central service's schema, portable between SQLite and PostgreSQL:
-- BIGINT and TEXT only, "?" placeholders rebound for PostgreSQL. Times are
-- unix nanoseconds (UTC).

-- meta holds the server epoch (minted at creation and by restore-epoch).
CREATE TABLE IF NOT EXISTS meta (
	k TEXT PRIMARY KEY,
	v TEXT NOT NULL
);

-- The change-log version counter: one row, incremented first in every
-- writing transaction. Holding its row lock until commit serializes the
-- writers, so version order is commit order and a reader never skips a
-- change that committed late.
CREATE TABLE IF NOT EXISTS counter (
	id BIGINT PRIMARY KEY,
	v  BIGINT NOT NULL
);

-- zone is the IANA time zone the office console shows and reads times
-- in (zone.go); a database made before it gets the column on open
-- (migrateTenantZone).
CREATE TABLE IF NOT EXISTS tenants (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	zone TEXT NOT NULL DEFAULT 'UTC'
);

-- The first admin tokens, unnamed and irrevocable: kept only to be copied
-- into admin_tokens below when a database made before them is opened.
CREATE TABLE IF NOT EXISTS admins (
	token_hash TEXT PRIMARY KEY,
	tenant     TEXT NOT NULL REFERENCES tenants (id),
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- Admin and dispatcher tokens, named per tenant; only their SHA-256 is
-- kept. Rotation replaces the hash; a revoked token keeps its row (and
-- name) for the record.
CREATE TABLE IF NOT EXISTS admin_tokens (
	tenant     TEXT NOT NULL REFERENCES tenants (id),
	name       TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	role       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	rotated_at BIGINT,
	revoked_at BIGINT,
	PRIMARY KEY (tenant, name)
);

-- Old tokens keep working under their name, or, when several shared a
-- name (central init run twice), under the name and their hash's start.
-- "WHERE true": SQLite needs a WHERE before ON CONFLICT in INSERT SELECT.
INSERT INTO admin_tokens (tenant, name, token_hash, role, created_at)
	SELECT tenant, name, token_hash, role, created_at FROM admins WHERE true
	ON CONFLICT DO NOTHING;
INSERT INTO admin_tokens (tenant, name, token_hash, role, created_at)
	SELECT tenant, name || '-' || substr(token_hash, 1, 8), token_hash, role, created_at FROM admins
	WHERE token_hash NOT IN (SELECT token_hash FROM admin_tokens)
	ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS pairings (
	code_hash  TEXT PRIMARY KEY,
	tenant     TEXT NOT NULL,
	technician TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT
);

-- Pairing guards: a wrong code whose first group (the selector, hashed)
-- is that of a pending code counts against it; after maxPairingFailures
-- the code is locked and the administrator mints a new one.
CREATE TABLE IF NOT EXISTS pairing_guards (
	code_hash TEXT PRIMARY KEY,
	selector  TEXT NOT NULL,
	failures  INTEGER NOT NULL DEFAULT 0,
	locked_at BIGINT
);

CREATE INDEX IF NOT EXISTS pairing_guards_selector ON pairing_guards (selector);

-- Devices: last_seq is the exactly-once watermark of the device's outbox.
CREATE TABLE IF NOT EXISTS devices (
	id              TEXT PRIMARY KEY,
	tenant          TEXT NOT NULL,
	technician      TEXT NOT NULL,
	name            TEXT NOT NULL,
	token_hash      TEXT NOT NULL UNIQUE,
	last_seq        BIGINT NOT NULL DEFAULT 0,
	clock_offset_ms BIGINT NOT NULL DEFAULT 0,
	created_at      BIGINT NOT NULL,
	last_seen       BIGINT NOT NULL DEFAULT 0,
	revoked_at      BIGINT
);

-- Every entity as its app JSON: tickets, repairs, parts used, photos,
-- notes, parts, locations, movements, rule sets, technicians, conflicts.
-- ticket_id links a fact to its ticket.
CREATE TABLE IF NOT EXISTS entities (
	tenant    TEXT NOT NULL,
	kind      TEXT NOT NULL,
	id        TEXT NOT NULL,
	ticket_id TEXT NOT NULL DEFAULT '',
	data      TEXT NOT NULL,
	PRIMARY KEY (tenant, kind, id)
);
CREATE INDEX IF NOT EXISTS entities_ticket ON entities (tenant, ticket_id, kind);

-- The stock ledger as signed deltas, one row per location a movement
-- touches: a balance is a sum, never a stored count.
CREATE TABLE IF NOT EXISTS ledger (
	tenant   TEXT NOT NULL,
	movement TEXT NOT NULL,
	location TEXT NOT NULL,
	part     TEXT NOT NULL,
	delta    BIGINT NOT NULL,
	PRIMARY KEY (tenant, movement, location)
);
CREATE INDEX IF NOT EXISTS ledger_balance ON ledger (tenant, location, part);

-- The change log: the latest version of each entity in each scope. gone
-- marks an entity that left the scope.
-- ord ranks kinds within one version (kindOrder in pull.go): reference
-- data, then tickets, then their facts, so a page holds a ticket before
-- the facts written with it and never has to send it twice.
CREATE TABLE IF NOT EXISTS changes (
	scope   TEXT NOT NULL,
	kind    TEXT NOT NULL,
	id      TEXT NOT NULL,
	version BIGINT NOT NULL,
	ord     BIGINT NOT NULL DEFAULT 0,
	gone    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (scope, kind, id)
);
CREATE INDEX IF NOT EXISTS changes_pull ON changes (scope, version, ord, kind, id);

-- Every pushed mutation the server took, applied or rejected: the audit
-- trail, and the guard that makes a re-push after a restore harmless.
-- Mutation IDs are chosen by devices, so they are keyed per device: another
-- device's mutation with the same ID is a change of its own. (Databases
-- from before keyed them by mutation alone; migrateApplied in db.go
-- re-keys them.) On SQLite the table is WITHOUT ROWID (sqliteWithoutRowid
-- in db.go): one b-tree fewer per pushed mutation.
CREATE TABLE IF NOT EXISTS applied (
	mutation   TEXT NOT NULL,
	device     TEXT NOT NULL,
	seq        BIGINT NOT NULL,
	name       TEXT NOT NULL,
	status     TEXT NOT NULL,
	conflict   TEXT NOT NULL DEFAULT '',
	at         BIGINT NOT NULL,
	device_at  BIGINT NOT NULL,
	hlc        TEXT NOT NULL DEFAULT '',
	version    BIGINT NOT NULL DEFAULT 0, -- the change-log version of its transaction
	PRIMARY KEY (device, mutation)
);
CREATE INDEX IF NOT EXISTS applied_device ON applied (device, seq);

-- Photo hashes, to find the photos an upload's bytes belong to.
-- device is the one that attached the photo: it may send the bytes even
-- after the ticket went to someone else.
CREATE TABLE IF NOT EXISTS photo_hashes (
	tenant TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	photo  TEXT NOT NULL,
	device TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tenant, sha256, photo)
);

-- Every status a ticket went through, in server order: the audit trail of
-- in- versus out-of-warranty and SLA disputes, and what the sync
-- simulation checks against the state machine. at is when the server
-- wrote the step (audit, order); field_at when it happened in the field:
-- a technician's step at its mutation's time (app.FieldTime, never before
-- the ticket's previous step), any other at the server's (tx.go,
-- stepFieldAt). The office's figures count field_at. A database made
-- before field_at gets it from migrateHistoryFieldAt, its rows at = at.
CREATE TABLE IF NOT EXISTS history (
	tenant      TEXT NOT NULL,
	ticket      TEXT NOT NULL,
	version     BIGINT NOT NULL,
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	epoch       BIGINT NOT NULL,
	at          BIGINT NOT NULL,
	field_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_ticket ON history (tenant, ticket, version);

-- Brand warranty claims (claims.go): one per closed ticket whose warranty
-- decision leaves a share to the brand, made in the transaction that closes
-- the ticket (UNIQUE (tenant, ticket): never two). lines is the JSON of
-- the claim's []app.ClaimLine as decided at the close; amount and paid are
-- minor units of currency; times are unix nanoseconds.
CREATE TABLE IF NOT EXISTS claims (
	tenant           TEXT NOT NULL,
	id               TEXT NOT NULL,
	ticket           TEXT NOT NULL,
	brand            TEXT NOT NULL,
	country          TEXT NOT NULL,
	period           TEXT NOT NULL,
	closed_at        BIGINT NOT NULL,
	rule_set         TEXT NOT NULL,
	rule_set_version BIGINT NOT NULL,
	currency         TEXT NOT NULL,
	amount           BIGINT NOT NULL,
	lines            TEXT NOT NULL,
	state            TEXT NOT NULL,
	reason           TEXT NOT NULL DEFAULT '',
	paid             BIGINT NOT NULL DEFAULT 0,
	brand_ref        TEXT NOT NULL DEFAULT '',
	updated_at       BIGINT NOT NULL,
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, ticket)
);
CREATE INDEX IF NOT EXISTS claims_list ON claims (tenant, closed_at, id);

-- Money (app/payment.go): payments and estimates are entities (kinds
-- "payment" and "estimate"). payment_index holds what the office asks of
-- a payment: its receipt number (a number already there raises a
-- duplicate_receipt conflict; the payment is recorded all the same), the
-- device and technician who took it (none when dispatch recorded it), and
-- the cash hand-in that covered it ('' until handed in).
CREATE TABLE IF NOT EXISTS payment_index (
	tenant     TEXT NOT NULL,
	payment    TEXT NOT NULL,
	ticket     TEXT NOT NULL,
	receipt    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	method     TEXT NOT NULL,
	amount     BIGINT NOT NULL,
	currency   TEXT NOT NULL,
	at         BIGINT NOT NULL,
	device     TEXT NOT NULL DEFAULT '',
	technician TEXT NOT NULL DEFAULT '',
	handover   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tenant, payment)
);
CREATE INDEX IF NOT EXISTS payment_index_receipt ON payment_index (tenant, receipt);
CREATE INDEX IF NOT EXISTS payment_index_cash ON payment_index (tenant, technician, handover);

-- Each device's receipt prefix, unique in its tenant: "D" and the
-- tenant's device number, given at pairing, or at the next sync of a
-- device paired before receipts existed.
CREATE TABLE IF NOT EXISTS receipt_prefixes (
	tenant TEXT NOT NULL,
	device TEXT NOT NULL UNIQUE,
	num    BIGINT NOT NULL,
	PRIMARY KEY (tenant, num)
);

-- Cash a technician handed in, and who at the office received it; the
-- payments it covered name it in payment_index.handover.
CREATE TABLE IF NOT EXISTS cash_handovers (
	tenant      TEXT NOT NULL,
	id          TEXT NOT NULL,
	technician  TEXT NOT NULL,
	received_by TEXT NOT NULL,
	amount      BIGINT NOT NULL,
	currency    TEXT NOT NULL,
	at          BIGINT NOT NULL,
	PRIMARY KEY (tenant, id)
);

-- Customer notices (notice.send): the sender's durable queue. The notice
-- itself is an entity of kind "notice"; a row here means it is not
-- delivered yet. next_at (unix ms) is when an instance may try it next:
-- an instance claims a row by moving next_at past its attempt's timeout,
-- so after a crash another instance (or the restarted one) resumes it.
CREATE TABLE IF NOT EXISTS notice_queue (
	tenant  TEXT NOT NULL,
	notice  TEXT NOT NULL,
	next_at BIGINT NOT NULL,
	PRIMARY KEY (tenant, notice)
);
CREATE INDEX IF NOT EXISTS notice_queue_due ON notice_queue (next_at);

-- Device passcodes (ticket.passcode; docs/PROTOCOL.md, "Device
-- passcodes"): at most one per ticket, never in the ticket's entity, so
-- that no admin answer, export or claim, which read entities, can hold
-- it. A row is deleted when the passcode is erased (an empty passcode, the
-- ticket closed or cancelled); changes rows of kind "passcode" (ID: the
-- ticket's) bring it, or its erasure, to the ticket's store and
-- technician scopes only.
CREATE TABLE IF NOT EXISTS ticket_passcodes (
	tenant   TEXT NOT NULL,
	ticket   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	passcode TEXT NOT NULL,
	PRIMARY KEY (tenant, ticket)
);

-- The office console's data (stockdata.go, deviceinfo.go): what each
-- device said of itself at its latest sync: the app's version (the
-- Fieldbench-App header, '' from an app that sends none) and the
-- protocol version of the request; at is that sync's time, kept to
-- within a minute (deviceInfoEvery).
CREATE TABLE IF NOT EXISTS device_info (
	device   TEXT PRIMARY KEY,
	app      TEXT NOT NULL DEFAULT '',
	protocol BIGINT NOT NULL DEFAULT 0,
	at       BIGINT NOT NULL
);

-- Office console, the board (board.go): one row per ticket with what the
-- board filters, sorts and shows, written in the transaction that writes
-- the ticket's entity (SaveTicket, LoadDataset's bulk path) and filled
-- from the entities when a database made before it is opened. Times are
-- unix nanoseconds of the server's UTC, 9223372036854775807 when the
-- ticket has none (it sorts last and overlaps no period). open is 0 for a
-- closed or cancelled ticket. The *_fold columns are the folded (app.Fold)
-- values searches compare with, so that both databases fold alike
-- (product_fold: the brand and the model, a space between; a database
-- made before it gets it from migrateTicketIndexProduct); customer_phone
-- holds the phone's digits only, in ASCII (app.PhoneDigits). step_at is
-- when the ticket's latest step was taken in the field (the greatest
-- field_at of its history), which the office reads as when the ticket
-- last moved; a database made before it held updated_at, the server's
-- time of the row's last change, and gets step_at from
-- migrateTicketIndexStepAt. A write that changes no other column and
-- brings no later step leaves the row alone (ticketIndexUpsert).
CREATE TABLE IF NOT EXISTS ticket_index (
	tenant         TEXT NOT NULL,
	id             TEXT NOT NULL,
	number         TEXT NOT NULL,
	number_fold    TEXT NOT NULL,
	status         TEXT NOT NULL,
	open           INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	priority       INTEGER NOT NULL,
	technician     TEXT NOT NULL,
	store          TEXT NOT NULL,
	window_start   BIGINT NOT NULL,
	window_end     BIGINT NOT NULL,
	respond_by     BIGINT NOT NULL,
	resolve_by     BIGINT NOT NULL,
	customer_name  TEXT NOT NULL,
	name_fold      TEXT NOT NULL,
	customer_phone TEXT NOT NULL,
	serial         TEXT NOT NULL,
	serial_fold    TEXT NOT NULL,
	brand          TEXT NOT NULL,
	model          TEXT NOT NULL,
	step_at        BIGINT NOT NULL,
	product_fold   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS ticket_index_due ON ticket_index (tenant, open, resolve_by, window_start, number, id);
CREATE INDEX IF NOT EXISTS ticket_index_all ON ticket_index (tenant, resolve_by, window_start, number, id);
CREATE INDEX IF NOT EXISTS ticket_index_tech ON ticket_index (tenant, technician, resolve_by, window_start, number, id);
CREATE INDEX IF NOT EXISTS ticket_index_load ON ticket_index (tenant, open, technician, resolve_by);
CREATE INDEX IF NOT EXISTS ticket_index_status ON ticket_index (tenant, status);
CREATE INDEX IF NOT EXISTS ticket_index_store ON ticket_index (tenant, store, open, resolve_by, window_start, number, id);
CREATE INDEX IF NOT EXISTS ticket_index_number ON ticket_index (tenant, number_fold);
CREATE INDEX IF NOT EXISTS ticket_index_serial ON ticket_index (tenant, serial_fold);

-- The office console (sync/console; docs/PROTOCOL.md, "The office
-- console"): people who sign in with a password, their sessions and the
-- record of what they changed. login is unique across the service, so
-- sign-in needs no tenant. password_hash is an argon2id PHC string.
-- locked_until and the time columns are unix milliseconds (0: none).
CREATE TABLE IF NOT EXISTS console_users (
	login         TEXT PRIMARY KEY,
	tenant        TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	store         TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	failed        INTEGER NOT NULL DEFAULT 0,
	locked_until  BIGINT NOT NULL DEFAULT 0,
	language      TEXT NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL,
	disabled_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS console_users_tenant ON console_users (tenant, login);
-- A session is kept as the SHA-256 of its ID: a stolen backup holds no
-- working cookie. flash is a message to show once on its next page.
CREATE TABLE IF NOT EXISTS console_sessions (
	id_hash    TEXT PRIMARY KEY,
	tenant     TEXT NOT NULL,
	login      TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen  BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	flash      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS console_sessions_login ON console_sessions (login);
CREATE TABLE IF NOT EXISTS console_audit (
	id     TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	login  TEXT NOT NULL,
	at     BIGINT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS console_audit_tenant ON console_audit (tenant, at);

-- Office figures (numbers.go): the tickets closed in a period are found by
-- their move into closed in the status history, at its field time
-- (history_closed, on the server's time, was the index before it).
DROP INDEX IF EXISTS history_closed;
CREATE INDEX IF NOT EXISTS history_closed_field ON history (tenant, to_status, field_at);

-- The console's ticket page: who made each step of a ticket's history
-- (StepTechnicians finds a step's push by its transaction's version).
CREATE INDEX IF NOT EXISTS applied_version ON applied (version);

-- Parts on their way (supply.go): part requests and shipments are
-- entities; these index what the admin lists filter and order by.
CREATE TABLE IF NOT EXISTS part_request_index (
	tenant TEXT NOT NULL,
	id     TEXT NOT NULL,
	ticket TEXT NOT NULL,
	state  TEXT NOT NULL,
	at     BIGINT NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS part_request_index_at ON part_request_index (tenant, at, id);
CREATE TABLE IF NOT EXISTS shipment_index (
	tenant   TEXT NOT NULL,
	id       TEXT NOT NULL,
	kind     TEXT NOT NULL,
	state    TEXT NOT NULL,
	from_loc TEXT NOT NULL,
	to_loc   TEXT NOT NULL,
	at       BIGINT NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS shipment_index_at ON shipment_index (tenant, at, id);

-- Where each serialized unit is (serial.go): a location, the ticket it was
-- fitted on, or the shipment it travels in, as the last movement naming
-- its serial left it. A movement that takes a unit from a place this table
-- says it is not at raises a conflict (afterApply). A unit with no row
-- (received before the table, or without its serial) is recorded where
-- its next movement puts it, and raises nothing.
CREATE TABLE IF NOT EXISTS serial_units (
	tenant     TEXT NOT NULL,
	part       TEXT NOT NULL,
	serial     TEXT NOT NULL,
	place_kind TEXT NOT NULL,
	place      TEXT NOT NULL,
	PRIMARY KEY (tenant, part, serial)
);
-- A first pull's openings list the units at a location (unitOpenings).
CREATE INDEX IF NOT EXISTS serial_units_place ON serial_units (tenant, place_kind, place, part, serial);

-- 0005_money: estimates, deposits, payments, refunds and receipt numbers
-- (app/payment.go).
--
-- Never edit this file once released: add a later migration instead.

-- Payments are facts like notes: outbox_seq is the mutation that recorded
-- one here, pulled is set once the server's copy arrived (see 0002).
-- amount is positive; kind gives the direction.
CREATE TABLE payments (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	method     TEXT NOT NULL,
	amount     INTEGER NOT NULL,
	currency   TEXT NOT NULL,
	reference  TEXT NOT NULL DEFAULT '',
	receipt    TEXT NOT NULL,
	at         INTEGER,
	by         TEXT NOT NULL DEFAULT '',
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payments_ticket ON payments (ticket_id, at);
CREATE INDEX payments_local ON payments (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;

-- Estimates: issued, then decided (the row is replaced with its decision,
-- here by estimate.decide and by a pulled page alike).
CREATE TABLE estimates (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	at         INTEGER,
	data       TEXT NOT NULL, -- app.Estimate as JSON
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX estimates_ticket ON estimates (ticket_id, at);
CREATE INDEX estimates_local ON estimates (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;

-- receipt_prefix: this device's receipt prefix, unique in its tenant, as
-- the server gave it ('' until then: the device takes no payment before).
-- receipt_seq: the last receipt number issued, incremented in the
-- transaction that records the payment, so a number is never issued
-- twice, even after a crash.
ALTER TABLE device ADD COLUMN receipt_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE device ADD COLUMN receipt_seq INTEGER NOT NULL DEFAULT 0;

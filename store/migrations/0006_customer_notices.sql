-- 0007_customer_notices: customer notices (app.CustomerNotice), "on my
-- way" and "ready for pick-up", with the delivery state the central
-- service's sender sets and the pull brings back.
--
-- Never edit this file once released: add a later migration instead.

-- outbox_seq and pulled as for the other facts (0002_sync): a notice
-- recorded here has its notice.send seq until the server's copy arrives.
-- Unlike the other facts, a known notice takes the state the server sends.
CREATE TABLE customer_notices (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	eta        INTEGER,
	at         INTEGER,
	by         TEXT NOT NULL DEFAULT '',
	state      TEXT NOT NULL DEFAULT 'queued',
	channel    TEXT NOT NULL DEFAULT '',
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	sent_at    INTEGER,
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_notices_ticket ON customer_notices (ticket_id, at);
CREATE INDEX customer_notices_local ON customer_notices (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;

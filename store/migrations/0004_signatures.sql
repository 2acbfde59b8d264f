-- 0006_signatures: the customer's sign-offs and refusals (app.Signature).
--
-- Never edit this file once released: add a later migration instead.

-- data is the signature's JSON (app.Signature), strokes included (at
-- most 16 KB encoded): a signature is read whole, for the ticket's detail
-- and the report, and never searched by its fields. outbox_seq and pulled
-- are as on the other facts (see 0002_sync.sql).
CREATE TABLE signatures (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	at         INTEGER,
	data       TEXT NOT NULL,
	outbox_seq INTEGER,
	pulled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX signatures_ticket ON signatures (ticket_id, at);
CREATE INDEX signatures_local ON signatures (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0;

-- 0008_supply: part requests and shipments (app/partrequest.go,
-- app/shipment.go), the parts the central service expects open tickets to
-- need (app/likely.go), and the shipment of a ship or receive movement.
--
-- Never edit this file once released: add a later migration instead.

-- Part requests change state (decided, shipped, received), so they are
-- kept as tickets are: data is the view, base the server's copy (NULL
-- until the server sent one), and a change refused by the server returns
-- the view to base (dropRefused). outbox_seq is the last mutation of this
-- device that wrote the view. state and at copy the view's, for the lists.
CREATE TABLE part_requests (
	id         TEXT PRIMARY KEY,
	ticket_id  TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	state      TEXT NOT NULL,
	at         INTEGER,
	data       TEXT NOT NULL, -- app.PartRequest as JSON
	base       TEXT,
	outbox_seq INTEGER
);
-- A ticket's requests in request order; the requests still waiting for
-- their part (app.RequestState.Open), oldest first.
CREATE INDEX part_requests_ticket ON part_requests (ticket_id, at, id);
CREATE INDEX part_requests_open ON part_requests (at, id) WHERE state IN ('requested', 'approved', 'shipped');

-- Shipments, kept as part requests are (data, base, outbox_seq). They name
-- no ticket: they stay when tickets go. tracking_key is the tracking
-- number folded (trimmed, lower case) for FindShipment; received_at the
-- receipt's time, for the latest received first.
CREATE TABLE shipments (
	id           TEXT PRIMARY KEY,
	from_loc     TEXT NOT NULL,
	to_loc       TEXT NOT NULL,
	state        TEXT NOT NULL,
	tracking_key TEXT NOT NULL DEFAULT '',
	at           INTEGER,
	received_at  INTEGER,
	data         TEXT NOT NULL, -- app.Shipment as JSON
	base         TEXT,
	outbox_seq   INTEGER
);
CREATE INDEX shipments_from ON shipments (from_loc, state, at);
CREATE INDEX shipments_to ON shipments (to_loc, state, at);
CREATE INDEX shipments_tracking ON shipments (tracking_key);

-- What the central service expects an open ticket to need, replaced whole
-- by each list it sends for the ticket; only the server writes it.
CREATE TABLE likely_parts (
	ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
	at        INTEGER,
	data      TEXT NOT NULL -- app.LikelyParts as JSON
);

-- The shipment a ship or receive movement belongs to ('' for none).
ALTER TABLE movements ADD COLUMN shipment TEXT NOT NULL DEFAULT '';

-- 0007_passcodes: the passcode or unlock pattern of a ticket's device
-- (app.Passcode), at most one per ticket, kept apart from the ticket's row
-- so that nothing that reads tickets (search, reports, exports) sees it.
--
-- Never edit this file once released: add a later migration instead.

-- outbox_seq is the seq of this device's ticket.passcode that wrote the
-- row, until the server acknowledges it; a pulled passcode does not
-- replace one still waiting to be sent. Rows are deleted under
-- secure_delete (store/db.go), so an erased passcode leaves no bytes.
CREATE TABLE passcodes (
	ticket_id  TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	passcode   TEXT NOT NULL,
	outbox_seq INTEGER
);

-- 0009_ticket_lists: the ticket lists and search read indexes only
-- (issue 16). A ticket row carries its JSON twice (data and base), about
-- one row per page, so a list that filtered or sorted on the row read a
-- page per ticket: 270 ms for the counter's "today" at 100,000 tickets.
--
-- Never edit this file once released: add a later migration instead.

-- The view a ticket is in, for FindTickets: 0 done (not open), 2 waiting
-- for parts, 1 the other open ones (today or upcoming). ws_key and rb_key
-- are window_start and resolve_by with NULL as the largest value, so
-- "NULLS LAST" orders are index orders and "due today" is decided on the
-- index alone (no real time reaches the year 2262, int64's largest
-- nanosecond). saveTicket writes them with the other columns (ticketArgs).
-- Plain columns, not generated ones: SQLite reads a virtual column's
-- inputs from the row, so an index on one is never covering.
ALTER TABLE tickets ADD COLUMN list_state INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tickets ADD COLUMN ws_key INTEGER NOT NULL DEFAULT 9223372036854775807;
ALTER TABLE tickets ADD COLUMN rb_key INTEGER NOT NULL DEFAULT 9223372036854775807;
UPDATE tickets SET
	list_state = CASE WHEN is_open = 0 THEN 0 WHEN status = 'waiting_parts' THEN 2 ELSE 1 END,
	ws_key = coalesce(window_start, 9223372036854775807),
	rb_key = coalesce(resolve_by, 9223372036854775807);

-- One index per order of ticketOrder, each led by the technician and the
-- view: a page is the first rows of one index range, with no sort, and
-- the count of a list reads only that range of the index.
CREATE INDEX tickets_list_appointment ON tickets (technician, list_state, ws_key, rb_key, priority, number);
CREATE INDEX tickets_list_sla ON tickets (technician, list_state, rb_key, priority, ws_key, number);
CREATE INDEX tickets_list_priority ON tickets (technician, list_state, priority, rb_key, ws_key, number);
CREATE INDEX tickets_list_updated ON tickets (technician, list_state, updated_at DESC, number);
-- Every ticket of a technician in appointment order: a search for a
-- single letter, which narrows nothing.
CREATE INDEX tickets_list_all ON tickets (technician, ws_key, rb_key, priority, number);

-- Search: every column a search filters and sorts its matches on, by row:
-- each match found by tickets_fts is one seek in this index, not a page
-- of the table.
CREATE INDEX tickets_search ON tickets (rid, technician, list_state, ws_key, rb_key, priority, number, updated_at);

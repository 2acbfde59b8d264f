-- 0011_ticket_rows: lean list rows (issue 16). The terminal's ticket list
-- (TicketService.ListTickets) shows a handful of a ticket's fields; read
-- from its JSON, a page of 200 was mostly decoding whole tickets, and
-- read from a dozen columns, mostly the driver's work per column. list_row
-- holds them in one column, a JSON array in the order of
-- store.listRowFields: id, number, customer name, address, city, brand,
-- model, status, then window start, window end, resolve by and promised
-- at as nanoseconds since 1970 (null: none). saveTicket writes it with the
-- other columns (ticketArgs); here it is made, in place, from each row's
-- columns and JSON.
--
-- Never edit this file once released: add a later migration instead.
ALTER TABLE tickets ADD COLUMN list_row TEXT NOT NULL DEFAULT '[]';

-- promised_at is written in the JSON as Go writes a time (RFC 3339 with
-- up to nine digits of fraction, then Z or an offset). SQLite's date
-- functions keep milliseconds and round them, so the seconds are read
-- from the text without its fraction and the fraction's digits are added
-- as nanoseconds: the row holds exactly what saveTicket writes.
UPDATE tickets SET list_row = json_array(id, number, customer_name,
	coalesce(json_extract(data, '$.customer.address'), ''),
	coalesce(json_extract(data, '$.customer.city'), ''),
	coalesce(json_extract(data, '$.product.brand'), ''),
	coalesce(json_extract(data, '$.product.model'), ''),
	status, window_start, window_end, resolve_by, (
		SELECT unixepoch(substr(p, 1, 19) || substr(rest, digits + 1)) * 1000000000
			+ CAST(substr(substr(rest, 1, digits) || '000000000', 1, 9) AS INTEGER)
		FROM (
			SELECT p, rest, CASE WHEN substr(p, 20, 1) = '.'
				THEN length(rest) - length(ltrim(rest, '0123456789')) ELSE 0 END AS digits
			FROM (
				SELECT p, CASE WHEN substr(p, 20, 1) = '.' THEN substr(p, 21) ELSE substr(p, 20) END AS rest
				FROM (SELECT json_extract(data, '$.promised_at') AS p)
			)
		)
		WHERE p IS NOT NULL
	));

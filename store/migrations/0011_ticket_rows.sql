-- 0011_ticket_rows: lean list rows (issue 16). The terminal's ticket list
-- (TicketService.ListTickets) shows a handful of a ticket's fields; read
-- from its JSON, a page of 200 was mostly decoding whole tickets. The
-- fields the row columns did not hold yet are copied here, in place, from
-- each ticket's JSON; saveTicket writes them with the other columns
-- (ticketArgs).
--
-- Never edit this file once released: add a later migration instead.
ALTER TABLE tickets ADD COLUMN brand TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN city TEXT NOT NULL DEFAULT '';
-- nanoseconds since 1970 as the other time columns; NULL: none promised.
ALTER TABLE tickets ADD COLUMN promised_at INTEGER;

-- promised_at is written in the JSON as Go writes a time (RFC 3339 with
-- up to nine digits of fraction, then Z or an offset). SQLite's date
-- functions keep milliseconds and round them, so the seconds are read
-- from the text without its fraction and the fraction's digits are added
-- as nanoseconds: the column holds exactly what saveTicket writes.
UPDATE tickets SET
	brand = coalesce(json_extract(data, '$.product.brand'), ''),
	model = coalesce(json_extract(data, '$.product.model'), ''),
	address = coalesce(json_extract(data, '$.customer.address'), ''),
	city = coalesce(json_extract(data, '$.customer.city'), ''),
	promised_at = (
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
	);

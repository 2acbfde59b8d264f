-- 0016_ticket_search_product: the product's brand and model in the ticket
-- search index (issue 16). A technician or a counter clerk types the
-- brand ("Bosch", "LG") or the model ("WAT28") of the appliance in front
-- of them; the index held the number, the customer's name, the phone's
-- digits and the serial only, so such a search found nothing. FTS5
-- cannot add a column to a table: tickets_fts is made again with brand
-- and model columns, before short (whose grams now also hold those of the
-- brand and model, so "LG" is found), and every entry is written again
-- from the ticket rows by rebuildTicketSearch, in Go (the short grams are
-- Go's), in this migration's transaction. The brand and model are read
-- from each row's list_row (0011), which saveTicket writes from the
-- ticket; the technician's token (0012) is written as before.
--
-- Never edit this file once released: add a later migration instead.
DROP TABLE tickets_fts;

CREATE VIRTUAL TABLE tickets_fts USING fts5 (
	number, customer_name, phone_digits, serial, brand, model, short,
	content = '', contentless_delete = 1,
	tokenize = 'trigram remove_diacritics 1'
);

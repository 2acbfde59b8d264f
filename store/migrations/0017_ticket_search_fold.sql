-- 0017_ticket_search_fold: the ticket search folds as the board does
-- (app.Fold). The trigram tokenizer's remove_diacritics folds accents but
-- leaves ligatures and stroked letters as they are: "loeuvre", "strasse",
-- "lodz" and "soren" found "Lœuvre", "Straße", "Łódź" and "Søren" on the
-- board, not on the device; and a Chinese input method's full-width
-- "１３８…" or "ＳＮ１２" was neither a phone's digits nor "SN12". Every
-- entry now holds its text folded, and a query is folded alike
-- (store/ticketsearch.go). FTS5, contentless, cannot rewrite its entries:
-- every entry is deleted and written again from the ticket rows by
-- refoldTicketSearch, in Go (app.Fold is Go's), in this migration's
-- transaction, after it makes each row's phone_digits again from its
-- phone (app.PhoneDigits now reads full-width digits). The table and its
-- tokenizer stay as 0016 made them.
--
-- search_fold holds the app.FoldVersion that made the entries and the
-- phone digits (one row, written by the step): Open folds them again
-- when the app folds otherwise, without a migration of its own. IF NOT
-- EXISTS: the tests of earlier migrations run this one again.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE IF NOT EXISTS search_fold (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version TEXT NOT NULL
);

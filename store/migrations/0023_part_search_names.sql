-- 0023_part_search_names: the part search finds a part by its names in
-- other languages too (app.Part.Names, 0022): a French technician typing
-- "pompe" found nothing, the index holding the number and the English and
-- Chinese names only. parts_fts gains a column names (the other names,
-- folded by app.Fold as the rest, one a line; their short grams join the
-- short column). FTS5 cannot add a column: the table is made again as
-- 0001 made it, with names, and refoldPartSearch, in Go, in this
-- migration's transaction, writes every entry from its part's row, a
-- batch at a time. migrate leaves 0018's and 0019's steps out before it,
-- as it writes parts_fts (and part_models' keys) whole again.
--
-- Never edit this file once released: add a later migration instead.
DROP TABLE parts_fts;
CREATE VIRTUAL TABLE parts_fts USING fts5 (
	number, name_en, name_zh, names, short,
	content = '', contentless_delete = 1,
	tokenize = 'trigram remove_diacritics 1'
);

-- 0013_fact_local: fewer pages per user action (issue 16). A note, a
-- repair entry or a part used was written to a third b-tree, the partial
-- index of the facts recorded here that the server has not sent back
-- (notes_local, repairs_local, parts_used_local): one page of the
-- write-ahead log per action, and another when the pull sets pulled. Its
-- one reader was dropRefused, which now finds those facts from the
-- refused mutations instead (the conflicts pulled, their outbox rows, and
-- the facts of each one's ticket through the *_ticket index), so the
-- indexes go. The other facts keep theirs: a movement may have no ticket,
-- and the rest are rare.
--
-- Never edit this file once released: add a later migration instead.
DROP INDEX IF EXISTS notes_local;
DROP INDEX IF EXISTS repairs_local;
DROP INDEX IF EXISTS parts_used_local;

-- 0010_history_away: closed tickets' history on demand (app/historyaway.go,
-- docs/PROTOCOL.md "History on demand"). A ticket the server sent without
-- its facts has a row here counting what it kept back; requested is the
-- device's mark that the history is to be asked for at the next sync. The
-- row goes when the history arrives, and with its ticket.
--
-- Never edit this file once released: add a later migration instead.
CREATE TABLE history_away (
	ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
	data      TEXT NOT NULL, -- app.HistoryAway as JSON
	requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX history_away_requested ON history_away (requested) WHERE requested = 1;

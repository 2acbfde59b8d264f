package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/fieldbench/fieldbench/app"
)

// The technician in the ticket search index (issue 16,
// 0012_ticket_search_technician.sql). The terminal searches within the
// technician's tickets; with only the text in tickets_fts, a word in
// every ticket made a search visit every match to keep that technician's
// few. The short column of a ticket's entry also holds its technician's
// token, and a search within a technician's tickets adds the token to
// its MATCH: FTS5 intersects the words with the technician's tickets
// inside the index. Two technicians' tokens may collide; the search
// still checks each row's technician, so a collision costs reading,
// never a wrong ticket.

// technicianToken is the search token of a technician.
func technicianToken(id app.TechnicianID) string { return privateToken(string(id)) }

// technicianMatch narrows match, an expression of ticketMatchExpr, to the
// tickets of tech; no technician or no match leaves it as it is.
func technicianMatch(tech app.TechnicianID, match string) string {
	if tech == "" || match == "" {
		return match
	}
	return quoteFTS(technicianToken(tech)) + " AND " + match
}

// ticketFTSInsert writes a ticket's search entry from ticketSearchValues.
const ticketFTSInsert = `INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`

// ticketSearchValues are ticketFTSInsert's arguments for the ticket of
// row rid whose searchFields are f: the text columns, then the short
// grams of the text and the technician's token, if it has one.
func ticketSearchValues(rid int64, f [5]string) []any {
	short := shortGrams(f[0], f[1], f[2], f[3])
	if f[4] != "" {
		short += pad + technicianToken(app.TechnicianID(f[4]))
	}
	return []any{rid, f[0], f[1], f[2], f[3], short}
}

// rebuildBatch is how many ticket rows rebuildTicketSearch holds at once.
const rebuildBatch = 1000

// rebuildTicketSearch writes the search entry of every ticket, from the
// columns of its row, which hold its searchFields (ticketArgs writes
// them): migration 0012's step, after it emptied tickets_fts. The rows
// are read a batch at a time in rid order, so memory stays bounded on a
// store of any size, and the index is merged into one segment at the end,
// as DB.Optimize leaves it after a first sync.
func rebuildTicketSearch(ctx context.Context, tx *sql.Tx) error {
	ins, err := tx.PrepareContext(ctx, ticketFTSInsert)
	if err != nil {
		return err
	}
	defer ins.Close()
	last := int64(math.MinInt64)
	for {
		batch, err := ticketSearchBatch(ctx, tx, last)
		if err != nil {
			return err
		}
		for _, v := range batch {
			if _, err := ins.ExecContext(ctx, v...); err != nil {
				return fmt.Errorf("index ticket %s: %w", v[1], err)
			}
		}
		if len(batch) < rebuildBatch {
			break
		}
		last = batch[len(batch)-1][0].(int64)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')`)
	return err
}

// ticketSearchBatch reads up to rebuildBatch ticket rows after rid after,
// as ticketSearchValues.
func ticketSearchBatch(ctx context.Context, tx *sql.Tx, after int64) ([][]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rid, number, customer_name, phone_digits, serial, coalesce(technician, '')
		FROM tickets WHERE rid > ? ORDER BY rid LIMIT ?`, after, rebuildBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		var rid int64
		var f [5]string
		if err := rows.Scan(&rid, &f[0], &f[1], &f[2], &f[3], &f[4]); err != nil {
			return nil, err
		}
		out = append(out, ticketSearchValues(rid, f))
	}
	return out, rows.Err()
}

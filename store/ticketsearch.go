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
//
// The product's brand and model (0016_ticket_search_product.sql) have
// columns of their own, and their short grams are in the short column
// with the others': "Bosch", "wat2" and "LG" find a ticket as its
// customer's name or serial would.

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
const ticketFTSInsert = `INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, brand, model, short) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// ticketSearchValues are ticketFTSInsert's arguments for the ticket of
// row rid whose searchFields are f: the text columns, then the short
// grams of the text and the technician's token, if it has one.
func ticketSearchValues(rid int64, f searchText) []any {
	short := shortGrams(f.number, f.customer, f.phone, f.serial, f.brand, f.model)
	if f.technician != "" {
		short += pad + technicianToken(f.technician)
	}
	return []any{rid, f.number, f.customer, f.phone, f.serial, f.brand, f.model, short}
}

// ticketSearchValues0012 are the arguments of an entry of tickets_fts as
// migrations 0012 to 0015 left it, without brand and model (0016 added
// them): what migration 0012's step writes, kept as it was released.
func ticketSearchValues0012(rid int64, f searchText) []any {
	short := shortGrams(f.number, f.customer, f.phone, f.serial)
	if f.technician != "" {
		short += pad + technicianToken(f.technician)
	}
	return []any{rid, f.number, f.customer, f.phone, f.serial, short}
}

// rebuildBatch is how many ticket rows rebuildTicketSearch holds at once.
const rebuildBatch = 1000

// rebuildTicketSearch writes the search entry of every ticket, from the
// columns of its row, which hold its searchFields (ticketArgs writes
// them): migration 0016's step, after it made tickets_fts again.
func rebuildTicketSearch(ctx context.Context, tx *sql.Tx) error {
	return rebuildTicketSearchWith(ctx, tx, ticketFTSInsert, ticketSearchValues)
}

// rebuildTicketSearch0012 is migration 0012's step, after it emptied
// tickets_fts: the entries of that schema (ticketSearchValues0012).
func rebuildTicketSearch0012(ctx context.Context, tx *sql.Tx) error {
	return rebuildTicketSearchWith(ctx, tx,
		`INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
		ticketSearchValues0012)
}

// rebuildTicketSearchWith writes, with insert, the entry values makes of
// every ticket row. The rows are read a batch at a time in rid order, so
// memory stays bounded on a store of any size, and the index is merged
// into one segment at the end, as DB.Optimize leaves it after a first
// sync.
func rebuildTicketSearchWith(ctx context.Context, tx *sql.Tx, insert string, values func(int64, searchText) []any) error {
	ins, err := tx.PrepareContext(ctx, insert)
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
		for _, r := range batch {
			if _, err := ins.ExecContext(ctx, values(r.rid, r.text)...); err != nil {
				return fmt.Errorf("index ticket %s: %w", r.text.number, err)
			}
		}
		if len(batch) < rebuildBatch {
			break
		}
		last = batch[len(batch)-1].rid
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')`)
	return err
}

// searchRow is a ticket row's rid and searchFields.
type searchRow struct {
	rid  int64
	text searchText
}

// ticketSearchBatch reads up to rebuildBatch ticket rows after rid after.
// The brand and model are those of the row's list_row (0011), which
// ticketArgs writes from the ticket as it writes the other columns.
func ticketSearchBatch(ctx context.Context, tx *sql.Tx, after int64) ([]searchRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rid, number, customer_name, phone_digits, serial, coalesce(technician, ''), list_row
		FROM tickets WHERE rid > ? ORDER BY rid LIMIT ?`, after, rebuildBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]searchRow, 0, rebuildBatch)
	for rows.Next() {
		var r searchRow
		var tech, listRow string
		if err := rows.Scan(&r.rid, &r.text.number, &r.text.customer, &r.text.phone, &r.text.serial, &tech, &listRow); err != nil {
			return nil, err
		}
		// A list_row that does not decode (damage only) leaves its ticket
		// indexed without brand and model, found by everything else, not
		// the whole store unopenable with unsent work in it: the lists
		// show that ticket as damaged, and its next download writes its
		// entry whole.
		if lr, err := decodeListRow(listRow); err == nil {
			r.text.brand, r.text.model = lr.Brand, lr.Model
		}
		r.text.technician = app.TechnicianID(tech)
		out = append(out, r)
	}
	return out, rows.Err()
}

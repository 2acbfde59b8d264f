package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

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

// The text of an entry is folded by app.Fold, the board's rule, and so is
// a query's, in ticketMatchExpr (since 0017_ticket_search_fold.sql): the
// trigram tokenizer's remove_diacritics leaves ligatures and stroked
// letters as they are, so "loeuvre", "strasse", "lodz" and "soren" found
// "Lœuvre", "Straße", "Łódź" and "Søren" on the board and not here, and a
// Chinese input method's full-width "ＳＮ１２" was not "SN12". The
// tokenizer still folds case and diacritics, of both alike.

// ticketFTSInsert writes a ticket's search entry from ticketSearchValues.
const ticketFTSInsert = `INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, brand, model, short) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// ticketSearchValues are ticketFTSInsert's arguments for the ticket of
// row rid whose searchFields are f: the text columns folded (app.Fold;
// the phone is its digits already), then the short grams of the folded
// text and the technician's token, if it has one.
func ticketSearchValues(rid int64, f searchText) []any {
	number, customer, serial, brand, model := app.Fold(f.number), app.Fold(f.customer), app.Fold(f.serial), app.Fold(f.brand), app.Fold(f.model)
	short := shortGrams(number, customer, f.phone, serial, brand, model)
	if f.technician != "" {
		short += pad + technicianToken(f.technician)
	}
	return []any{rid, number, customer, f.phone, serial, brand, model, short}
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
// them): migration 0016's step, after it made tickets_fts again. A store
// that upgrades past 0016 and 0017 at once leaves it out (migrate): 0017's
// step writes every entry again.
func rebuildTicketSearch(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	return rebuildTicketSearchWith(ctx, tx, ticketFTSInsert, ticketSearchValues, report)
}

// refoldTicketSearch is migration 0017's step, and the ticket half of
// what Open does when search_fold holds another app.FoldVersion than the
// app's (refoldSearch, checkSearchFold):
// every row's phone_digits made again from its phone by app.PhoneDigits
// (since fold version 3 it reads full-width digits: a phone typed
// "１３８…" was stored without digits), every entry deleted and written
// again, folded (rebuildTicketSearch), and the version recorded. Both
// passes read the rows rebuildBatch at a time.
func refoldTicketSearch(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	if err := refoldPhoneDigits(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tickets_fts (tickets_fts) VALUES ('delete-all')`); err != nil {
		return err
	}
	if err := rebuildTicketSearch(ctx, tx, report); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fold (id, version) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version`, app.FoldVersion)
	return err
}

// searchFoldCurrent reports whether the search entries, the tickets' and
// (since 0018) the parts', were folded by this app's app.FoldVersion
// (search_fold).
func (db *DB) searchFoldCurrent(ctx context.Context) (bool, error) {
	var v string
	err := db.write.QueryRowContext(ctx, `SELECT version FROM search_fold WHERE id = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == app.FoldVersion, err
}

// refoldPhoneDigits writes the phone_digits of every ticket row whose
// value is not app.PhoneDigits of its customer_phone, as ticketArgs
// writes it.
func refoldPhoneDigits(ctx context.Context, tx *sql.Tx) error {
	upd, err := tx.PrepareContext(ctx, `UPDATE tickets SET phone_digits = ? WHERE rid = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	last := int64(math.MinInt64)
	for {
		type change struct {
			rid    int64
			digits string
		}
		var changes []change
		rows, err := tx.QueryContext(ctx, `SELECT rid, customer_phone, phone_digits FROM tickets WHERE rid > ? ORDER BY rid LIMIT ?`, last, rebuildBatch)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var phone, digits string
			if err := rows.Scan(&last, &phone, &digits); err != nil {
				rows.Close()
				return err
			}
			n++
			if d := app.PhoneDigits(phone); d != digits {
				changes = append(changes, change{last, d})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := upd.ExecContext(ctx, c.digits, c.rid); err != nil {
				return fmt.Errorf("refold a ticket's phone digits: %w", err)
			}
		}
		if n < rebuildBatch {
			return nil
		}
	}
}

// rebuildTicketSearch0012 is migration 0012's step, after it emptied
// tickets_fts: the entries of that schema (ticketSearchValues0012).
func rebuildTicketSearch0012(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	return rebuildTicketSearchWith(ctx, tx,
		`INSERT INTO tickets_fts (rowid, number, customer_name, phone_digits, serial, short) VALUES (?, ?, ?, ?, ?, ?)`,
		ticketSearchValues0012, report)
}

// rebuildTicketSearchWith writes, with insert, the entry values makes of
// every ticket row (rebuildSearchWith).
func rebuildTicketSearchWith(ctx context.Context, tx *sql.Tx, insert string, values func(int64, searchText) []any, report *upgradeReport) error {
	return rebuildSearchWith(ctx, tx, "tickets_fts", insert, app.RowsTickets, report,
		func(after int64) ([]searchRow, error) { return ticketSearchBatch(ctx, tx, after) },
		func(r searchRow) (int64, []any) { return r.rid, values(r.rid, r.text) },
		func(r searchRow) string { return "ticket " + r.text.number })
}

// rebuildSearchWith writes, with the statement insert, the entry of every
// row of a search index's table (fts, tickets_fts or parts_fts): batch
// reads up to rebuildBatch rows after a key in key order, so memory stays
// bounded on a store of any size; entry is a row's key and insert's
// arguments; what names a row in an error. The index is merged into one
// segment at the end, as DB.Optimize leaves it after a first sync. It
// reports the rows written, of the table's (of), to report, a batch at a
// time: a rewrite of 100,000 parts takes seconds of CPU, tens on a phone.
func rebuildSearchWith[R any](ctx context.Context, tx *sql.Tx, fts, insert string, of app.StartRows, report *upgradeReport,
	batch func(after int64) ([]R, error), entry func(R) (int64, []any), what func(R) string) error {
	// Counted only for a listener: one scan of the table, small beside
	// writing an entry per row (BenchmarkUpgradeFrom17 shows no cost), in
	// the same transaction as the rewrite, so the rows written end at it.
	// The table's name is the index's, a constant of this package.
	total := 0
	if report != nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+strings.TrimSuffix(fts, "_fts")).Scan(&total); err != nil {
			return err
		}
		report.rows(of, 0, total)
	}
	done := 0
	// Merging as it writes (FTS5's automerge) made segments of every few
	// thousand entries into larger ones again and again: the 'optimize'
	// below merges them all once. Off while the index is written whole,
	// and on again (FTS5's default, 4) before the transaction commits.
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`, rank) VALUES ('automerge', 0)`); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer ins.Close()
	last := int64(math.MinInt64)
	for {
		rows, err := batch(last)
		if err != nil {
			return err
		}
		for _, r := range rows {
			key, values := entry(r)
			if _, err := ins.ExecContext(ctx, values...); err != nil {
				return fmt.Errorf("index %s: %w", what(r), err)
			}
			last = key
		}
		done += len(rows)
		report.rows(of, done, total)
		if len(rows) < rebuildBatch {
			break
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`, rank) VALUES ('automerge', 4)`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO `+fts+` (`+fts+`) VALUES ('optimize')`)
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

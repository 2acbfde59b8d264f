package central

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// The board's bounds: a page holds BoardDefaultLimit tickets unless the
// query asks for 1 to BoardMaxLimit; a search is at most boardMaxSearch
// characters, and a phone search needs app.MinPhoneDigits digits, or
// app.MinPhoneLinkDigits after "tel:" (fewer match half the customers).
const (
	BoardDefaultLimit = 200
	BoardMaxLimit     = 500
	boardMaxSearch    = 100
	// boardMaxCursor has room for the ticket's number and ID at their
	// longest in JSON (app.MaxIDLen characters each, none over 6 bytes
	// once encoded: "\u003c" for '<', 3 bytes of UTF-8 as "\u2028") and
	// two numbers, in base64 (4 characters per 3 bytes).
	boardMaxCursor = (2*6*app.MaxIDLen + 128) * 4 / 3
)

// noTime is how ticket_index stores a time the ticket does not have: it
// sorts after every real time and overlaps no period.
const noTime = math.MaxInt64

// indexTime is t as ticket_index stores it (unix nanoseconds; times
// UnixNano cannot hold are clamped to its range).
func indexTime(t time.Time) int64 {
	switch {
	case t.IsZero():
		return noTime
	case t.Year() >= 2262:
		return noTime - 1
	case t.Year() <= 1678:
		return math.MinInt64 + 1
	}
	return t.UnixNano()
}

func fromIndexTime(n int64) time.Time {
	if n == noTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

const ticketIndexCols = `tenant, id, number, number_fold, status, open, kind, priority, technician, store,
	window_start, window_end, respond_by, resolve_by, customer_name, name_fold, customer_phone,
	serial, serial_fold, brand, model, step_at, product_fold`

// noStep is the step_at of a ticket_index row written without a step
// (a ticket's write that changes neither its status nor its epoch): the
// row keeps the step_at it has (ticketIndexUpsert).
const noStep = math.MinInt64

// ticketIndexUpsert ends the INSERT of a ticket_index row (SaveTicket's,
// LoadDataset's bulk path): a ticket already indexed gets every column
// of the row given (excluded) but its key, unless none of its listed
// columns (all but step_at) changes and it brings no later step. Then
// the row and its eight indexes are left alone: a reload of 10,000
// unchanged tickets rewrote them all (docs/BENCHMARKS.md, "A reload
// leaves unchanged tickets' list rows alone"). step_at, when the
// ticket's latest step was taken in the field, only moves forward: a
// write without a step (noStep) keeps it. Both databases compare the
// row values column by column; no column is NULL.
const ticketIndexUpsert = `ON CONFLICT (tenant, id) DO UPDATE SET number = excluded.number, number_fold = excluded.number_fold,
	status = excluded.status, open = excluded.open, kind = excluded.kind, priority = excluded.priority,
	technician = excluded.technician, store = excluded.store, window_start = excluded.window_start,
	window_end = excluded.window_end, respond_by = excluded.respond_by, resolve_by = excluded.resolve_by,
	customer_name = excluded.customer_name, name_fold = excluded.name_fold, customer_phone = excluded.customer_phone,
	serial = excluded.serial, serial_fold = excluded.serial_fold, brand = excluded.brand, model = excluded.model,
	step_at = CASE WHEN excluded.step_at > ticket_index.step_at THEN excluded.step_at ELSE ticket_index.step_at END,
	product_fold = excluded.product_fold
	WHERE (ticket_index.number, ticket_index.number_fold, ticket_index.status, ticket_index.open, ticket_index.kind,
		ticket_index.priority, ticket_index.technician, ticket_index.store, ticket_index.window_start, ticket_index.window_end,
		ticket_index.respond_by, ticket_index.resolve_by, ticket_index.customer_name, ticket_index.name_fold,
		ticket_index.customer_phone, ticket_index.serial, ticket_index.serial_fold, ticket_index.brand, ticket_index.model,
		ticket_index.product_fold)
	<> (excluded.number, excluded.number_fold, excluded.status, excluded.open, excluded.kind,
		excluded.priority, excluded.technician, excluded.store, excluded.window_start, excluded.window_end,
		excluded.respond_by, excluded.resolve_by, excluded.customer_name, excluded.name_fold,
		excluded.customer_phone, excluded.serial, excluded.serial_fold, excluded.brand, excluded.model,
		excluded.product_fold)
	OR excluded.step_at > ticket_index.step_at`

// ticketIndexRow is t's ticket_index row, its latest step taken in the
// field at stepAt (unix nanoseconds, history's field_at; noStep when the
// write brings no step).
func ticketIndexRow(tenant string, t app.Ticket, stepAt int64) []any {
	open := 1
	if t.Status.Terminal() {
		open = 0
	}
	return []any{tenant, string(t.ID), t.Number, app.Fold(t.Number), string(t.Status), open, string(t.Kind),
		int(t.Priority), string(t.Technician), string(t.Store),
		indexTime(t.WindowStart), indexTime(t.WindowEnd), indexTime(t.RespondBy), indexTime(t.ResolveBy),
		t.Customer.Name, app.Fold(t.Customer.Name), app.PhoneDigits(t.Customer.Phone),
		t.Product.Serial, serialFold(t.Product.Serial), t.Product.Brand, t.Product.Model, stepAt,
		productFold(t.Product.Brand, t.Product.Model)}
}

// maxSerialFold bounds ticket_index's serial_fold, in characters: the
// column is in an index (ticket_index_serial), and PostgreSQL refuses an
// index entry over 2,704 bytes, which a serial at its bound (4,000
// characters, up to 16,000 bytes) that does not compress passes: the
// ticket could not be saved, and its push failed at every try. 200
// characters are at most 800 bytes, and far past any serial or IMEI.
const maxSerialFold = 200

// serialFold is ticket_index's serial_fold: the serial folded (app.Fold),
// its first maxSerialFold characters, which the board's search reads.
func serialFold(serial string) string { return app.CutText(app.Fold(serial), maxSerialFold) }

// productFold is ticket_index's product_fold: the brand and the model,
// folded (app.Fold), a space between ("" for neither), so that one search
// finds "bosch", "wat28" and "bosch wat28".
func productFold(brand, model string) string {
	if brand == "" || model == "" {
		return app.Fold(brand + model)
	}
	return app.Fold(brand + " " + model)
}

// indexTicket writes t's ticket_index row in the transaction that writes
// its entity and its steps, the latest taken in the field at stepAt
// (noStep: none).
func (s *serverTx) indexTicket(ctx context.Context, t app.Ticket, stepAt int64) error {
	row := ticketIndexRow(s.tenant, t, stepAt)
	_, err := s.exec(ctx, `INSERT INTO ticket_index (`+ticketIndexCols+`) VALUES (?`+strings.Repeat(", ?", len(row)-1)+`) `+ticketIndexUpsert, row...)
	return transient(err)
}

// migrateTicketIndexProduct gives the ticket_index of a database made
// before it had product_fold the column, and drops the folds' mark in the
// same transaction, so that refoldTicketIndex, which runs next, fills it
// from each row's brand and model (productFold, in Go, so that both
// databases fold alike): a crash leaves the column out, or the mark
// gone, and the next open goes on.
func (db *DB) migrateTicketIndexProduct(ctx context.Context, conn *sql.Conn) error {
	if has, err := db.hasColumn(ctx, conn, "ticket_index", "product_fold"); err != nil || has {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `ALTER TABLE ticket_index ADD COLUMN product_fold TEXT NOT NULL DEFAULT ''`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM meta WHERE k = ?`), ticketIndexFoldMark); err != nil {
		return err
	}
	return tx.Commit()
}

// migrateTicketIndexStepAt gives the ticket_index of a database made
// before it kept step_at (when each ticket's latest step was taken in
// the field) the column, in place of updated_at (the server's time of
// the row's last change, or of the latest step's write for a row the
// fill made), which nothing else read: the rows' times become their
// history's latest field_at, in one statement, a ticket without history
// keeping the time it had. One transaction, the rename with the times:
// a crash leaves updated_at, and the next open starts again. Its cost is a read of the history and a write of
// every index row: docs/BENCHMARKS.md,
// "The board's index keeps when each ticket last moved in the field".
func (db *DB) migrateTicketIndexStepAt(ctx context.Context, conn *sql.Conn) error {
	if has, err := db.hasColumn(ctx, conn, "ticket_index", "step_at"); err != nil || has {
		return err
	}
	tx, mlog, total, err := db.beginIndexMigration(ctx, conn, "keeping when each ticket last moved in the field in the board's index",
		"the index held when the server last wrote a ticket's row; the office orders and shows tickets by when their latest step was taken, as its figures count")
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `ALTER TABLE ticket_index RENAME COLUMN updated_at TO step_at`); err != nil {
		return err
	}
	// One statement, one pass over the history and the index: in
	// chunks of bulkRows keys, each chunk cost PostgreSQL more as the
	// tables grew (300,000 tickets took 377 s where 30,000 took 3 s),
	// as if it read far past the chunk's range.
	res, err := tx.ExecContext(ctx, `UPDATE ticket_index SET step_at = s.at
		FROM (SELECT h.tenant, h.ticket, max(h.field_at) AS at FROM history h GROUP BY h.tenant, h.ticket) AS s
		WHERE ticket_index.tenant = s.tenant AND ticket_index.id = s.ticket`)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	mlog.progress(total)
	changed := int(n)
	if err := tx.Commit(); err != nil {
		return err
	}
	mlog.end(changed)
	return nil
}

// beginIndexMigration begins, on conn, the one transaction of a
// migration what of the whole board's index, for reason why, and starts
// its log over the index's rows, which it returns with the count: a nil
// log for an empty index (a new database's), which has nothing to tell.
// The caller rolls tx back unless it commits.
func (db *DB) beginIndexMigration(ctx context.Context, conn *sql.Conn, what, why string) (*sql.Tx, *migrationLog, int, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ticket_index`).Scan(&total); err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	var mlog *migrationLog
	if total > 0 {
		mlog = db.startMigration(what, why, total)
	}
	return tx, mlog, total, nil
}

// hasColumn reports whether table has column, on either database.
func (db *DB) hasColumn(ctx context.Context, conn *sql.Conn, table, column string) (bool, error) {
	q := `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`
	if db.dialect == dialectPostgres {
		q = `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`
	}
	var n int
	err := conn.QueryRowContext(ctx, q, table, column).Scan(&n)
	return n > 0, err
}

// ticketIndexFoldMark is the meta key holding the app.FoldVersion that
// made ticket_index's folds.
const ticketIndexFoldMark = "ticket_index_fold"

// refoldTicketIndex makes ticket_index's folds (number_fold, name_fold,
// serial_fold, product_fold; and customer_phone where the phone has
// full-width digits, refoldTicketPhones) again from each row's text when
// another app.Fold made them than this one (meta ticketIndexFoldMark): a database
// made before the board folded accents holds them lower-cased only, and
// "jose" would not find its "José"; one whose product_fold column
// migrateTicketIndexProduct just added holds none. Only rows whose folds change are
// written, bulkRows rows a statement, in one transaction with the mark: a
// crash leaves the old folds and the old mark, and the next open starts
// again. It runs under the migration lock (migrate).
func (db *DB) refoldTicketIndex(ctx context.Context, conn *sql.Conn) error {
	var made string
	err := conn.QueryRowContext(ctx, db.q(`SELECT v FROM meta WHERE k = ?`), ticketIndexFoldMark).Scan(&made)
	switch {
	case err == nil && made == app.FoldVersion:
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	why := "no record of the fold that made it (an older service made it, or its product column was just added)"
	if made != "" {
		why = fmt.Sprintf("fold version %s made it, this service folds with version %s", made, app.FoldVersion)
	}
	tx, mlog, _, err := db.beginIndexMigration(ctx, conn, "refolding the board's search index", why)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	changed := 0
	var tenant, id string // the last row read: rows are read in key order
	for {
		rows, err := tx.QueryContext(ctx, db.q(`SELECT tenant, id, number, customer_name, serial, brand, model,
			number_fold, name_fold, serial_fold, product_fold FROM ticket_index
			WHERE (tenant, id) > (?, ?) ORDER BY tenant, id LIMIT ?`), tenant, id, bulkRows)
		if err != nil {
			return err
		}
		var set []any // tenant, id and the four folds of each row whose folds change
		read := 0
		for rows.Next() {
			var number, name, serial, brand, model string
			var was [4]string
			if err := rows.Scan(&tenant, &id, &number, &name, &serial, &brand, &model, &was[0], &was[1], &was[2], &was[3]); err != nil {
				rows.Close()
				return err
			}
			read++
			if now := [4]string{app.Fold(number), app.Fold(name), serialFold(serial), productFold(brand, model)}; now != was {
				set = append(set, tenant, id, now[0], now[1], now[2], now[3])
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(set) > 0 {
			// VALUES names its columns column1, column2... on both
			// databases.
			values := "(?, ?, ?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?, ?, ?)", len(set)/6-1)
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE ticket_index SET number_fold = v.column3, name_fold = v.column4,
				serial_fold = v.column5, product_fold = v.column6 FROM (VALUES `+values+`) AS v
				WHERE ticket_index.tenant = v.column1 AND ticket_index.id = v.column2`), set...); err != nil {
				return err
			}
			changed += len(set) / 6
		}
		mlog.progress(read)
		if read < bulkRows {
			break
		}
	}
	phones, err := db.refoldTicketPhones(ctx, tx)
	if err != nil {
		return err
	}
	changed += phones
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`), ticketIndexFoldMark, app.FoldVersion); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	mlog.end(changed)
	return nil
}

// fullWidthDigits is an SQL condition true of an entity whose data holds
// one of the full-width digits ("０" to "９") a Chinese input method
// types: one pass over the text per row (a GLOB's or a regular
// expression's class), where ten LIKEs made ten and took four times the
// rest of the refold (docs/BENCHMARKS.md).
func (db *DB) fullWidthDigits() string {
	if db.dialect == dialectPostgres {
		return `data ~ '[０-９]'`
	}
	return `data GLOB '*[０-９]*'`
}

// refoldTicketPhones makes ticket_index's customer_phone again, in tx,
// for the tickets whose phone holds full-width digits: app.PhoneDigits
// reads them since fold version 3 and left them out before, so
// "１３８…" was stored without its digits, and only the ticket's entity
// holds the phone as typed. The entities are read bulkRows at a time, in
// key order, and only those holding such a digit. It returns how many
// rows it changed.
func (db *DB) refoldTicketPhones(ctx context.Context, tx *sql.Tx) (int, error) {
	changed := 0
	var tenant, id string // the last entity read
	for {
		rows, err := tx.QueryContext(ctx, db.q(`SELECT tenant, id, data FROM entities
			WHERE kind = 'ticket' AND (tenant, id) > (?, ?) AND `+db.fullWidthDigits()+`
			ORDER BY tenant, id LIMIT ?`), tenant, id, bulkRows)
		if err != nil {
			return 0, err
		}
		var set []any // tenant, id and digits of each ticket
		read := 0
		for rows.Next() {
			var data string
			if err := rows.Scan(&tenant, &id, &data); err != nil {
				rows.Close()
				return 0, err
			}
			read++
			var t app.Ticket
			if err := json.Unmarshal([]byte(data), &t); err != nil {
				rows.Close()
				return 0, fmt.Errorf("refold the phone of ticket %s: %w", id, err)
			}
			set = append(set, tenant, id, app.PhoneDigits(t.Customer.Phone))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		for i := 0; i < len(set); i += 3 {
			res, err := tx.ExecContext(ctx, db.q(`UPDATE ticket_index SET customer_phone = ? WHERE tenant = ? AND id = ? AND customer_phone <> ?`),
				set[i+2], set[i], set[i+1], set[i+2])
			if err != nil {
				return 0, err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return 0, err
			}
			changed += int(n)
		}
		if read < bulkRows {
			return changed, nil
		}
	}
}

// fillTicketIndex indexes the tickets a database made before ticket_index
// holds without a row, bulkRows at a time; run at every open, it finds
// none once they are indexed. Their step_at is their latest step's field
// time, else (no history) the ticket's CreatedAt, its creation's.
//
// A fill with work logs it (migrationLog); the count of the tickets left
// to index, a scan of every ticket, is read only then.
func (db *DB) fillTicketIndex(ctx context.Context, conn *sql.Conn) error {
	n, err := db.fillTicketIndexChunk(ctx, conn)
	if err != nil || n == 0 {
		return err
	}
	left := 0
	if n == bulkRows {
		err := conn.QueryRowContext(ctx, `SELECT count(*) FROM entities e WHERE e.kind = 'ticket'
			AND NOT EXISTS (SELECT 1 FROM ticket_index i WHERE i.tenant = e.tenant AND i.id = e.id)`).Scan(&left)
		if err != nil {
			return err
		}
	}
	mlog := db.startMigration("indexing tickets for the board", "tickets an older service stored have no row in the board's index", n+left)
	mlog.progress(n)
	for n == bulkRows {
		if n, err = db.fillTicketIndexChunk(ctx, conn); err != nil {
			return err
		}
		mlog.progress(n)
	}
	mlog.end(-1)
	return nil
}

func (db *DB) fillTicketIndexChunk(ctx context.Context, conn *sql.Conn) (int, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, db.q(`SELECT e.tenant, e.data, (SELECT max(h.field_at) FROM history h WHERE h.tenant = e.tenant AND h.ticket = e.id)
		FROM entities e WHERE e.kind = 'ticket'
		AND NOT EXISTS (SELECT 1 FROM ticket_index i WHERE i.tenant = e.tenant AND i.id = e.id) LIMIT ?`), bulkRows)
	if err != nil {
		return 0, err
	}
	var add [][]any
	for rows.Next() {
		var tenant, data string
		var at sql.NullInt64
		if err := rows.Scan(&tenant, &data, &at); err != nil {
			rows.Close()
			return 0, err
		}
		var t app.Ticket
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			rows.Close()
			return 0, fmt.Errorf("index ticket: %w", err)
		}
		switch {
		case at.Valid:
		case !t.CreatedAt.IsZero():
			at.Int64 = t.CreatedAt.UnixNano()
		default:
			at.Int64 = t.UpdatedAt.UnixNano()
		}
		add = append(add, ticketIndexRow(tenant, t, at.Int64))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := db.bulkInsert(ctx, tx, `INSERT INTO ticket_index (`+ticketIndexCols+`)`, 2, `ON CONFLICT (tenant, id) DO NOTHING`, add); err != nil {
		return 0, err
	}
	return len(add), tx.Commit()
}

// BoardQuery says which of a tenant's tickets the office's board shows.
type BoardQuery struct {
	Tenant string
	// Store limits the board to one store's tickets ("" = the whole
	// tenant); a store manager's board always sets it.
	Store app.StoreID
	// Technician limits it to one technician's tickets, Unassigned to
	// those without one (not both).
	Technician app.TechnicianID
	Unassigned bool
	// Statuses limits it to these statuses (none = all).
	Statuses []app.Status
	// Open keeps only tickets that are not closed or cancelled.
	Open bool
	// From and To keep the tickets whose visit window overlaps [From, To)
	// or whose response or resolution is due in it; a zero bound is open.
	From, To time.Time
	// Search matches a ticket number (exact or prefix), the customer's
	// name (a part of it, any case), phone (when the query reads as a
	// phone, app.PhoneText: its last 8 digits, at least 4, or 3 after
	// "tel:", as a part of the phone's digits; full-width digits are
	// digits), the product's brand and model
	// (a part of "brand model", any case) or a serial number (prefix, any
	// case). '%' and '_' match themselves.
	Search string
	// Limit is the page size, 1 to BoardMaxLimit (0 = BoardDefaultLimit).
	Limit int
	// After is the Next of the page before ("" = the first page).
	After string
}

// Board is one page of the board.
type Board struct {
	// Tickets are ordered by the SLA due first: resolve-by, then the
	// window's start, then the number; tickets without come last.
	Tickets []BoardTicket `json:"tickets"`
	// Next is the cursor of the next page, "" on the last.
	Next string `json:"next,omitempty"`
	// Total is how many tickets the query matches, on every page.
	Total int `json:"total"`
	// ByStatus counts the tickets the query matches per status, ignoring
	// its Statuses and Open (the status filter's own counts).
	ByStatus map[app.Status]int `json:"by_status"`
	// ByTechnician counts each technician's open tickets, and those
	// past their resolve-by, in the query's tenant and store (the other
	// filters do not apply): the dispatcher's view of everyone's load.
	// Technicians without an open ticket are not listed.
	ByTechnician []TechnicianCount `json:"by_technician"`
}

// TechnicianCount is a technician's load on the board.
type TechnicianCount struct {
	ID      app.TechnicianID `json:"id"`
	Name    string           `json:"name"`
	Open    int              `json:"open"`
	Overdue int              `json:"overdue"`
}

// BoardTicket is a ticket as the board shows it (a ticket_index row).
type BoardTicket struct {
	ID            app.TicketID     `json:"id"`
	Number        string           `json:"number"`
	Status        app.Status       `json:"status"`
	Open          bool             `json:"open"`
	Kind          app.TicketKind   `json:"kind"`
	Priority      app.Priority     `json:"priority"`
	Technician    app.TechnicianID `json:"technician,omitempty"`
	Store         app.StoreID      `json:"store,omitempty"`
	WindowStart   time.Time        `json:"window_start,omitzero"`
	WindowEnd     time.Time        `json:"window_end,omitzero"`
	RespondBy     time.Time        `json:"respond_by,omitzero"`
	ResolveBy     time.Time        `json:"resolve_by,omitzero"`
	CustomerName  string           `json:"customer_name"`
	CustomerPhone string           `json:"customer_phone"` // digits only
	Serial        string           `json:"serial,omitempty"`
	Brand         string           `json:"brand"`
	Model         string           `json:"model"`
	// StepAt is when the ticket's latest step was taken in the field
	// (its status history's latest field_at, docs/PROTOCOL.md "Clocks"):
	// a step taken offline at 14:20 and synced at 17:00 is 14:20.
	StepAt time.Time `json:"step_at"`
	// StatusReason is why the ticket waits, failed or was cancelled
	// (app.Ticket.StatusReason), for those statuses only (reasonStatuses);
	// the technician's device shows it, and so does the board.
	StatusReason string `json:"status_reason,omitempty"`
	// StartedAt is when the work began (app.Ticket.StartedAt), for a
	// ticket en route only: a second visit on its way has not missed the
	// first one's window (app.WindowMissed).
	StartedAt time.Time `json:"started_at,omitzero"`
}

// reasonStatuses are the statuses whose reason tells dispatch why the
// ticket stands still: Board reads it for the page's tickets of these
// only, as a ticket of another status carries the reason of a step it
// has left behind (a reopened ticket's "rework").
var reasonStatuses = []app.Status{app.StatusWaitingParts, app.StatusCannotComplete, app.StatusCancelled}

// boardCursor is the position of a page's last ticket in the board's
// order, sent base64url-encoded JSON: opaque to the client.
type boardCursor struct {
	ResolveBy   int64  `json:"r"`
	WindowStart int64  `json:"w"`
	Number      string `json:"n"`
	ID          string `json:"i"`
}

func (c boardCursor) String() string {
	b, _ := json.Marshal(c) // a struct of ints and strings always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseBoardCursor(s string) (boardCursor, error) {
	var c boardCursor
	bad := app.Errorf(app.EINVALID, "board.bad_cursor", "The page cursor is not one this server gave: load the board again from the first page.")
	if len(s) > boardMaxCursor {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || !app.ValidID(c.ID) {
		return c, bad
	}
	return c, nil
}

// validate checks q and sets its default limit.
func (q *BoardQuery) validate() (*boardCursor, error) {
	switch {
	case q.Tenant == "":
		return nil, app.Errorf(app.EINVALID, "board.no_tenant", "The board needs a tenant; sign in again.")
	case q.Limit < 0 || q.Limit > BoardMaxLimit:
		return nil, app.Errorf(app.EINVALID, "board.bad_limit", "Show 1 to {{.Max}} tickets per page.", "Max", BoardMaxLimit)
	case (q.Technician != "" && !app.ValidID(string(q.Technician))) || (q.Store != "" && !app.ValidID(string(q.Store))):
		return nil, app.Errorf(app.EINVALID, "board.bad_filter", "The technician or store of the filter is not one of the tenant's; choose it from the list.")
	case q.Technician != "" && q.Unassigned:
		return nil, app.Errorf(app.EINVALID, "board.tech_and_unassigned", "Choose either a technician or the unassigned tickets, not both.")
	case !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From):
		return nil, app.Errorf(app.EINVALID, "board.bad_period", "The period ends before it starts; choose an end after the start.")
	case app.TextLen(q.Search) > boardMaxSearch:
		return nil, app.Errorf(app.EINVALID, "board.search_too_long", "Search with at most {{.Max}} characters.", "Max", boardMaxSearch)
	case len(q.Statuses) > len(app.Statuses):
		return nil, app.Errorf(app.EINVALID, "board.bad_status", "Unknown status {{.Status}}; choose one of the listed statuses.", "Status", "")
	}
	for _, s := range q.Statuses {
		if !s.Valid() {
			return nil, app.Errorf(app.EINVALID, "board.bad_status", "Unknown status {{.Status}}; choose one of the listed statuses.", "Status", string(s))
		}
	}
	if q.Limit == 0 {
		q.Limit = BoardDefaultLimit
	}
	if q.After == "" {
		return nil, nil
	}
	c, err := parseBoardCursor(q.After)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// boardWhere is the WHERE clause of q's tickets; statuses says whether
// q's Statuses and Open apply.
func (db *DB) boardWhere(q BoardQuery, statuses bool) (string, []any) {
	w := []string{"tenant = ?"}
	args := []any{q.Tenant}
	if q.Store != "" {
		w, args = append(w, "store = ?"), append(args, string(q.Store))
	}
	if q.Technician != "" {
		w, args = append(w, "technician = ?"), append(args, string(q.Technician))
	}
	if q.Unassigned {
		w = append(w, "technician = ''")
	}
	if statuses && q.Open {
		w = append(w, "open = 1")
	}
	if statuses && len(q.Statuses) > 0 {
		w = append(w, "status IN (?"+strings.Repeat(", ?", len(q.Statuses)-1)+")")
		for _, s := range q.Statuses {
			args = append(args, string(s))
		}
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		from, to := int64(math.MinInt64), int64(noTime)
		if !q.From.IsZero() {
			from = indexTime(q.From)
		}
		if !q.To.IsZero() {
			to = indexTime(q.To)
		}
		w = append(w, "((window_start < ? AND window_end > ?) OR (respond_by >= ? AND respond_by < ?) OR (resolve_by >= ? AND resolve_by < ?))")
		args = append(args, to, from, from, to, from, to)
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		// The *_fold columns hold app.Fold of their text: a search
		// folded alike finds "José" from "jose" and "JOSE". Every column
		// matches anywhere in its text, as the device's search does from
		// three characters (below three it matches a word's start, which
		// its trigram index needs; the board reads every row anyway): a
		// customer on the phone reads out the number's last digits
		// ("2816" for FB-2026-002816) or the end of an IMEI. The name's
		// and the product's contains already read the tenant's rows, so
		// the number's and the serial's cost no more.
		fold := "%" + likeEscape(app.Fold(s)) + "%"
		or := []string{`number_fold LIKE ? ESCAPE '\'`, `name_fold LIKE ? ESCAPE '\'`, `serial_fold LIKE ? ESCAPE '\'`, `product_fold LIKE ? ESCAPE '\'`}
		args = append(args, fold, fold, fold, fold)
		// The phone, only for a search that reads as one: the digits
		// scattered in a serial are no phone (app.PhoneText). A whole
		// number is searched by its subscriber's last digits
		// (app.PhoneLookupKey), so "+86 139…" finds "139…" and "0139…".
		if p, ok := app.PhoneText(s); ok {
			d := app.PhoneLookupKey(p)
			or = append(or, `customer_phone LIKE ?`)
			args = append(args, "%"+d+"%")
		}
		w = append(w, "("+strings.Join(or, " OR ")+")")
	}
	return strings.Join(w, " AND "), args
}

// collate orders text by its bytes on both databases: SQLite's default,
// and PostgreSQL's "C" whatever the database's locale.
func (db *DB) collate() string {
	if db.dialect == dialectPostgres {
		return ` COLLATE "C"`
	}
	return ""
}

// Board returns a page of a tenant's tickets for the office's board,
// with its counts. The query is checked first (EINVALID); every answer
// is read from ticket_index, in one read transaction.
func (db *DB) Board(ctx context.Context, q BoardQuery) (Board, error) {
	after, err := q.validate()
	if err != nil {
		return Board{}, err
	}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return Board{}, transient(err)
	}
	defer tx.Rollback()
	var b Board
	where, args := db.boardWhere(q, true)
	if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM ticket_index WHERE `+where), args...).Scan(&b.Total); err != nil {
		return Board{}, transient(err)
	}
	page, pageArgs := where, slices.Clone(args)
	if after != nil {
		c := db.collate()
		page += ` AND (resolve_by > ? OR (resolve_by = ? AND (window_start > ? OR (window_start = ? AND (number` + c + ` > ? OR (number` + c + ` = ? AND id` + c + ` > ?))))))`
		pageArgs = append(pageArgs, after.ResolveBy, after.ResolveBy, after.WindowStart, after.WindowStart, after.Number, after.Number, after.ID)
	}
	if b.Tickets, err = db.boardTickets(ctx, tx, page, append(pageArgs, q.Limit+1)); err != nil {
		return Board{}, err
	}
	if len(b.Tickets) > q.Limit {
		b.Tickets = b.Tickets[:q.Limit]
		last := b.Tickets[q.Limit-1]
		b.Next = boardCursor{indexTime(last.ResolveBy), indexTime(last.WindowStart), last.Number, string(last.ID)}.String()
	}
	if err := db.boardReasons(ctx, tx, q.Tenant, b.Tickets); err != nil {
		return Board{}, err
	}
	if b.ByStatus, err = db.boardByStatus(ctx, tx, q); err != nil {
		return Board{}, err
	}
	if b.ByTechnician, err = db.boardByTechnician(ctx, tx, q); err != nil {
		return Board{}, err
	}
	return b, nil
}

func (db *DB) boardTickets(ctx context.Context, tx *sql.Tx, where string, args []any) ([]BoardTicket, error) {
	c := db.collate()
	rows, err := tx.QueryContext(ctx, db.q(`SELECT id, number, status, open, kind, priority, technician, store,
		window_start, window_end, respond_by, resolve_by, customer_name, customer_phone, serial, brand, model, step_at
		FROM ticket_index WHERE `+where+` ORDER BY resolve_by, window_start, number`+c+`, id`+c+` LIMIT ?`), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []BoardTicket{}
	for rows.Next() {
		var t BoardTicket
		var open int
		var ws, we, rs, rv, step int64
		if err := rows.Scan(&t.ID, &t.Number, &t.Status, &open, &t.Kind, &t.Priority, &t.Technician, &t.Store,
			&ws, &we, &rs, &rv, &t.CustomerName, &t.CustomerPhone, &t.Serial, &t.Brand, &t.Model, &step); err != nil {
			return nil, transient(err)
		}
		t.Open = open == 1
		t.WindowStart, t.WindowEnd, t.RespondBy, t.ResolveBy = fromIndexTime(ws), fromIndexTime(we), fromIndexTime(rs), fromIndexTime(rv)
		t.StepAt = time.Unix(0, step).UTC()
		out = append(out, t)
	}
	return out, transient(rows.Err())
}

// boardReasons sets the StatusReason of the tickets of reasonStatuses,
// and the StartedAt of those en route, read from their entities
// (entitiesByID): neither is in ticket_index, and only a page's tickets
// are read.
func (db *DB) boardReasons(ctx context.Context, tx *sql.Tx, tenant string, tickets []BoardTicket) error {
	at := map[string]int{}
	for i, t := range tickets {
		if slices.Contains(reasonStatuses, t.Status) || t.Status == app.StatusEnRoute {
			at[string(t.ID)] = i
		}
	}
	// Only the reason and the start: decoding the whole app.Ticket cost
	// a page of 100 waiting tickets 2,800 more allocations (of 162,000,
	// BenchmarkBoardPage with its tickets waiting for parts).
	type reason struct {
		StatusReason string    `json:"status_reason"`
		StartedAt    time.Time `json:"started_at"`
	}
	read, err := entitiesByID[reason](ctx, db, tx, tenant, kindTicket, slices.Collect(maps.Keys(at)))
	if err != nil {
		return err
	}
	for id, t := range read {
		if bt := &tickets[at[id]]; bt.Status == app.StatusEnRoute {
			bt.StartedAt = t.StartedAt
		} else {
			bt.StatusReason = t.StatusReason
		}
	}
	return nil
}

func (db *DB) boardByStatus(ctx context.Context, tx *sql.Tx, q BoardQuery) (map[app.Status]int, error) {
	where, args := db.boardWhere(q, false)
	rows, err := tx.QueryContext(ctx, db.q(`SELECT status, count(*) FROM ticket_index WHERE `+where+` GROUP BY status`), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := map[app.Status]int{}
	for rows.Next() {
		var s app.Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, transient(err)
		}
		out[s] = n
	}
	return out, transient(rows.Err())
}

func (db *DB) boardByTechnician(ctx context.Context, tx *sql.Tx, q BoardQuery) ([]TechnicianCount, error) {
	where, args := db.boardWhere(BoardQuery{Tenant: q.Tenant, Store: q.Store}, false)
	rows, err := tx.QueryContext(ctx, db.q(`SELECT technician, count(*), sum(CASE WHEN resolve_by < ? THEN 1 ELSE 0 END)
		FROM ticket_index WHERE `+where+` AND open = 1 AND technician <> '' GROUP BY technician`), append([]any{db.now().UnixNano()}, args...)...)
	if err != nil {
		return nil, transient(err)
	}
	out := []TechnicianCount{}
	for rows.Next() {
		var c TechnicianCount
		if err := rows.Scan(&c.ID, &c.Open, &c.Overdue); err != nil {
			rows.Close()
			return nil, transient(err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	ids := make([]string, len(out))
	for i, c := range out {
		ids[i] = string(c.ID)
	}
	techs, err := entitiesByID[app.Technician](ctx, db, tx, q.Tenant, kindTechnician, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Name = techs[string(out[i].ID)].Name
	}
	slices.SortFunc(out, func(a, b TechnicianCount) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// A ticket row's list_row (0011_ticket_rows.sql) is what a list shows of
// the ticket in one column: a JSON array of listRowStrings strings (id,
// number, customer name, address, city, brand, model, status), then
// listRowTimes times in nanoseconds since 1970, null for none (window
// start, window end, resolve by, promised at, started at), then the
// ticket's kind. One column, parsed here, costs a fraction of a dozen
// columns read through the driver. A row written before started at was
// kept (0011's, or an older app's) ends after promised at, and reads as
// not started; one written before the kind was kept ends after started
// at, and reads with no kind (a list then says only that a waiting
// ticket's parts arrived). Either reads so until the ticket is written
// again; 0026 wrote again the rows of the tickets waiting for parts, the
// only ones whose kind a list reads, and any step out of or into waiting
// writes the row, status and all.
const (
	listRowStrings = 8
	listRowTimes   = 5
	listRowOlder   = 1 // times a row written before started at lacks
)

// encodeListRow is the list_row of r.
func encodeListRow(r app.TicketRow) (string, error) {
	b, err := json.Marshal([listRowStrings + listRowTimes + 1]any{
		string(r.ID), r.Number, r.CustomerName, r.Address, r.City, r.Brand, r.Model, string(r.Status),
		nsec(r.WindowStart), nsec(r.WindowEnd), nsec(r.ResolveBy), nsec(r.PromisedAt), nsec(r.StartedAt),
		string(r.Kind)})
	return string(b), err
}

var errListRow = errors.New("list_row is not the array of a ticket's list row")

// decodeListRow parses a list_row as SQLite's json_array and Go's
// encoding/json write it: no white space, strings copied as they are
// unless they hold an escape.
func decodeListRow(s string) (app.TicketRow, error) {
	var strs [listRowStrings]string
	var times [listRowTimes]time.Time
	var kind string
	if !strings.HasPrefix(s, "[") {
		return app.TicketRow{}, errListRow
	}
	i := 1
	for f := range listRowStrings + listRowTimes + 1 {
		if f >= listRowStrings+listRowTimes-listRowOlder && s[i:] == "]" {
			break // an older row: no started at, or no kind
		}
		if f > 0 {
			if i >= len(s) || s[i] != ',' {
				return app.TicketRow{}, errListRow
			}
			i++
		}
		var ok bool
		switch {
		case f < listRowStrings:
			strs[f], i, ok = listRowString(s, i)
		case f < listRowStrings+listRowTimes:
			times[f-listRowStrings], i, ok = listRowTime(s, i)
		default:
			kind, i, ok = listRowString(s, i)
		}
		if !ok {
			return app.TicketRow{}, errListRow
		}
	}
	if s[i:] != "]" {
		return app.TicketRow{}, errListRow
	}
	return app.TicketRow{ID: app.TicketID(strs[0]), Number: strs[1], CustomerName: strs[2], Address: strs[3],
		City: strs[4], Brand: strs[5], Model: strs[6], Status: app.Status(strs[7]),
		WindowStart: times[0], WindowEnd: times[1], ResolveBy: times[2], PromisedAt: times[3], StartedAt: times[4],
		Kind: app.TicketKind(kind)}, nil
}

// listRowString reads the JSON string at s[i:], returning it and the
// index after it.
func listRowString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return s[i+1 : j], j + 1, true
			}
			var out string
			err := json.Unmarshal([]byte(s[i:j+1]), &out)
			return out, j + 1, err == nil
		}
	}
	return "", i, false
}

// listRowTime reads the nanoseconds or null at s[i:] as a time (the zero
// time for null), returning it and the index after it.
func listRowTime(s string, i int) (time.Time, int, bool) {
	if strings.HasPrefix(s[i:], "null") {
		return time.Time{}, i + 4, true
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(s[i:j], 10, 64)
	if err != nil {
		return time.Time{}, i, false
	}
	return time.Unix(0, n).UTC(), j, true
}

// writeWaitingListRows is migration 0026's step: it writes again the
// list_row of every ticket waiting for parts from the ticket's JSON, with
// its kind (encodeListRow, as saveTicket writes it), rebuildBatch rows at
// a time so memory stays bounded, and reports them to report as tickets'
// rows. It runs in the migration's transaction: a kill leaves the rows
// and the schema as they were, and the next Open writes them all again.
func writeWaitingListRows(ctx context.Context, tx *sql.Tx, report *upgradeReport) error {
	total := 0
	if report != nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tickets WHERE status = ?`, string(app.StatusWaitingParts)).Scan(&total); err != nil {
			return err
		}
		report.rows(app.RowsTickets, 0, total)
	}
	upd, err := tx.PrepareContext(ctx, `UPDATE tickets SET list_row = ? WHERE rid = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	type waiting struct {
		rid int64
		row string
	}
	last, done := int64(math.MinInt64), 0
	for {
		var batch []waiting
		n := 0
		rows, err := tx.QueryContext(ctx, `SELECT rid, data FROM tickets WHERE rid > ? AND status = ? ORDER BY rid LIMIT ?`,
			last, string(app.StatusWaitingParts), rebuildBatch)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rid int64
			var data []byte
			if err := rows.Scan(&rid, &data); err != nil {
				rows.Close()
				return err
			}
			n++
			last = rid
			t, err := decodeTicket(data)
			if err != nil {
				// Damage, which a sync mends (store.ticket_damaged): the
				// row keeps its list_row and reads with no kind, and the
				// upgrade does not stop the app from opening over one.
				continue
			}
			row, err := encodeListRow(t.Row())
			if err != nil {
				rows.Close()
				return fmt.Errorf("ticket %s: %w", t.Number, err)
			}
			batch = append(batch, waiting{rid, row})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, w := range batch {
			if _, err := upd.ExecContext(ctx, w.row, w.rid); err != nil {
				return err
			}
		}
		done += n
		report.rows(app.RowsTickets, done, total)
		if n < rebuildBatch {
			return nil
		}
	}
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

var (
	_ app.HistoryService = (*DB)(nil)
	_ app.HistoryReplica = (*DB)(nil)
)

// HistoryAway returns the counts of ticket id's facts the server kept
// back, or nil when the device holds its whole history. Requested says
// the history is asked for at the next sync. ENOTFOUND when the device
// holds no such ticket.
func (db *DB) HistoryAway(ctx context.Context, id app.TicketID) (*app.HistoryAway, error) {
	var h *app.HistoryAway
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if _, err := getTicket(ctx, tx, id); err != nil {
			return err
		}
		var err error
		h, err = historyAway(ctx, tx, id)
		return err
	})
	return h, db.sqlError(err)
}

func historyAway(ctx context.Context, q rowQueryer, id app.TicketID) (*app.HistoryAway, error) {
	var data []byte
	var requested bool
	err := q.QueryRowContext(ctx, `SELECT data, requested FROM history_away WHERE ticket_id = ?`, string(id)).Scan(&data, &requested)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var h app.HistoryAway
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, app.Errorf(app.ECORRUPT, "store.ticket_damaged", "A ticket record on this device is damaged. Sync to download it again.").WithCause(err)
	}
	h.Requested = requested
	return &h, nil
}

// RequestHistory marks ticket id's history to be asked for at the next
// sync, and asks for a sync (the after-commit hook, as a saved action
// does). A ticket whose history is here, or is asked for already, changes
// nothing; ENOTFOUND when the device holds no such ticket.
func (db *DB) RequestHistory(ctx context.Context, id app.TicketID) error {
	var marked bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := getTicket(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE history_away SET requested = 1 WHERE ticket_id = ? AND requested = 0`, string(id))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		marked = n > 0
		return err
	})
	if err != nil {
		return db.sqlError(err)
	}
	if marked && db.afterCommit != nil {
		db.afterCommit()
	}
	return nil
}

// HistoryRequested returns up to limit tickets whose history is asked
// for, in ID order, for the sync engine's next request.
func (db *DB) HistoryRequested(ctx context.Context, limit int) ([]app.TicketID, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT ticket_id FROM history_away WHERE requested = 1 ORDER BY ticket_id LIMIT ?`, limit)
	if err != nil {
		return nil, db.sqlError(err)
	}
	defer rows.Close()
	var out []app.TicketID
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, db.sqlError(err)
		}
		out = append(out, app.TicketID(id))
	}
	return out, db.sqlError(rows.Err())
}

// awayLoad records what the server kept back of a ticket it sent. A ticket
// sent again without counts keeps its row: the facts are still away (an
// incremental pull sends only what changed). The requested mark stays.
const awayLoad = `INSERT INTO history_away (ticket_id, data) VALUES (?, ?)
	ON CONFLICT (ticket_id) DO UPDATE SET data = excluded.data`

func (l *loader) away(t app.Ticket, h *app.HistoryAway) error {
	id := t.ID
	if h == nil || h.Total() == 0 {
		if !t.Status.Open() {
			return nil
		}
		// A ticket reopened while its history is away needs it at hand:
		// ask for it at the next sync.
		if _, err := l.exec(`UPDATE history_away SET requested = 1 WHERE ticket_id = ? AND requested = 0`, string(id)); err != nil {
			return fmt.Errorf("load ticket %s: %w", id, err)
		}
		return nil
	}
	data, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode history away of %s: %w", id, err)
	}
	if _, err := l.exec(awayLoad, string(id), data); err != nil {
		return fmt.Errorf("load ticket %s: %w", id, err)
	}
	return nil
}

// history applies a sync answer's histories (app.PullPage.History): the
// facts of the tickets answered whole, then their away rows go, so the
// ticket is whole on the device. Of the asked tickets the answer left out,
// the mark goes when the answer was not cut by its bound (the server does
// not answer a ticket outside the device's scopes); their counts stay.
// Facts of a ticket the device no longer holds are skipped. Facts with a
// known ID are skipped as Load skips them, so an answer applied twice
// changes nothing.
func (l *loader) history(p app.PullPage) error {
	if len(p.HistoryOf) == 0 && len(p.HistoryAsked) == 0 {
		return nil
	}
	held := map[app.TicketID]bool{}
	for _, id := range p.HistoryOf {
		var one int
		err := l.QueryRowContext(l.ctx, `SELECT 1 FROM tickets WHERE id = ?`, string(id)).Scan(&one)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		held[id] = err == nil
	}
	ds := p.History
	keep := func(t app.TicketID) bool { return held[t] }
	facts := app.Dataset{
		Repairs:         filter(ds.Repairs, func(v app.RepairEntry) bool { return keep(v.Ticket) }),
		PartsUsed:       filter(ds.PartsUsed, func(v app.PartUsed) bool { return keep(v.Ticket) }),
		Photos:          filter(ds.Photos, func(v app.Photo) bool { return keep(v.Ticket) }),
		Notes:           filter(ds.Notes, func(v app.Note) bool { return keep(v.Ticket) }),
		Signatures:      filter(ds.Signatures, func(v app.Signature) bool { return keep(v.Ticket) }),
		Payments:        filter(ds.Payments, func(v app.Payment) bool { return keep(v.Ticket) }),
		Estimates:       filter(ds.Estimates, func(v app.Estimate) bool { return keep(v.Ticket) }),
		CustomerNotices: filter(ds.CustomerNotices, func(v app.CustomerNotice) bool { return keep(v.Ticket) }),
	}
	if err := l.load(facts); err != nil {
		return err
	}
	for _, id := range p.HistoryOf {
		if _, err := l.exec(`DELETE FROM history_away WHERE ticket_id = ?`, string(id)); err != nil {
			return fmt.Errorf("history of %s: %w", id, err)
		}
	}
	if !p.HistoryMore {
		for _, id := range p.HistoryAsked {
			if _, err := l.exec(`UPDATE history_away SET requested = 0 WHERE ticket_id = ?`, string(id)); err != nil {
				return fmt.Errorf("history of %s: %w", id, err)
			}
		}
	}
	return nil
}

func filter[T any](list []T, keep func(T) bool) []T {
	var out []T
	for _, v := range list {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

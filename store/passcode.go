package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.PasscodeService = (*DB)(nil)

// A device passcode lives in the passcodes table only (0007_passcodes):
// deleted under secure_delete when erased, scrubbed from the outbox once
// the server has it (scrubPasscodes), and the write-ahead log truncated
// after either (eraseWAL), so that no byte of it stays in the database's
// files. It is never logged: errors name the ticket, never the secret.

// notPending is the SQL condition of a passcode row a pull may replace:
// none of this device's ticket.passcode on it waits for the server.
const notPending = `(passcodes.outbox_seq IS NULL OR passcodes.outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1))`

func (m *mutationTx) SavePasscode(ctx context.Context, p app.Passcode) error {
	if err := app.ValidatePasscode(p.Kind, p.Secret); err != nil {
		return err
	}
	if _, err := m.Ticket(ctx, p.Ticket); err != nil {
		return err
	}
	if p.Secret == "" {
		res, err := m.tx.ExecContext(ctx, `DELETE FROM passcodes WHERE ticket_id = ?`, string(p.Ticket))
		if err != nil {
			return m.db.sqlError(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			m.db.passcodeErased.Store(true)
		}
		return nil
	}
	old, err := readPasscode(ctx, m.tx, p.Ticket)
	if err != nil {
		return m.db.sqlError(err)
	}
	if old.Secret != "" && old.Secret != p.Secret {
		m.db.passcodeErased.Store(true) // the old one is replaced: erased
	}
	_, err = m.tx.ExecContext(ctx, `INSERT INTO passcodes (ticket_id, kind, passcode, outbox_seq) VALUES (?, ?, ?, ?)
		ON CONFLICT (ticket_id) DO UPDATE SET kind = excluded.kind, passcode = excluded.passcode, outbox_seq = excluded.outbox_seq`,
		string(p.Ticket), string(p.Kind), p.Secret, m.seqArg())
	return m.db.sqlError(err)
}

func (m *mutationTx) Passcode(ctx context.Context, id app.TicketID) (app.Passcode, error) {
	if _, err := m.Ticket(ctx, id); err != nil {
		return app.Passcode{}, err
	}
	p, err := readPasscode(ctx, m.tx, id)
	return p, m.db.sqlError(err)
}

func readPasscode(ctx context.Context, q rowQueryer, id app.TicketID) (app.Passcode, error) {
	p := app.Passcode{Ticket: id}
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind, passcode FROM passcodes WHERE ticket_id = ?`, string(id)).Scan(&kind, &p.Secret)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	p.Kind = app.PasscodeKind(kind)
	return p, err
}

// passcode loads the server's passcode of a ticket, or its erasure (an
// empty Secret), unless this device's own change to it is still pending.
func (l *loader) passcode(p app.Passcode) error {
	if p.Ticket == "" {
		return missing("passcode")
	}
	if err := app.ValidatePasscode(p.Kind, p.Secret); err != nil {
		return fmt.Errorf("load passcode of ticket %s: %w", p.Ticket, err)
	}
	if p.Secret == "" {
		res, err := l.exec(`DELETE FROM passcodes WHERE ticket_id = ? AND `+notPending, string(p.Ticket))
		if err != nil {
			return fmt.Errorf("erase passcode of ticket %s: %w", p.Ticket, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			l.erased.Store(true)
		}
		return nil
	}
	res, err := l.exec(`INSERT INTO passcodes (ticket_id, kind, passcode) VALUES (?, ?, ?)
		ON CONFLICT (ticket_id) DO UPDATE SET kind = excluded.kind, passcode = excluded.passcode, outbox_seq = NULL
		WHERE (passcodes.passcode <> excluded.passcode OR passcodes.kind <> excluded.kind) AND `+notPending,
		string(p.Ticket), string(p.Kind), p.Secret)
	if err != nil {
		return fmt.Errorf("load passcode of ticket %s: %w", p.Ticket, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		// A new row or a replaced one: the replaced one is erased.
		l.erased.Store(true)
	}
	return nil
}

// countPasscodes counts the passcodes on the device: ApplyPull compares
// the counts before and after a page, as a gone ticket's passcode goes
// with it (ON DELETE CASCADE) where no statement of this file sees it.
func countPasscodes(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM passcodes`).Scan(&n)
	return n, err
}

// scrubPasscodes overwrites the secret of every acknowledged
// ticket.passcode in the outbox with app.PasscodeRedacted: the mutation
// stays in the device's history, its secret does not. Run in ApplyPull
// after acked_seq moved; a pending one keeps it, the push needs it.
func scrubPasscodes(ctx context.Context, db *DB, tx *sql.Tx) error {
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET args = json_set(args, '$.passcode', ?)
		WHERE name = 'ticket.passcode' AND seq <= (SELECT acked_seq FROM device WHERE id = 1)
		AND json_extract(args, '$.passcode') NOT IN ('', ?)`, app.PasscodeRedacted, app.PasscodeRedacted)
	if err != nil {
		return fmt.Errorf("scrub passcodes from the outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		db.passcodeErased.Store(true)
	}
	return nil
}

// eraseWAL truncates the write-ahead log after a committed write that
// erased a passcode: the log keeps pages as they were before until they
// are overwritten, which may be never on a quiet device. The checkpoint
// copies the log into the database (whose freed bytes secure_delete
// zeroed) and empties the log file. It cannot fail the write that
// committed: when a reader's snapshot holds the log, or the checkpoint
// fails, the flag stays set and the next write tries again.
func (db *DB) eraseWAL(ctx context.Context) {
	if !db.passcodeErased.Swap(false) {
		return
	}
	var busy, logged, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil || busy != 0 {
		db.passcodeErased.Store(true)
	}
}

// Passcode returns a ticket's device passcode for actor: counter staff of
// its store and its technician only (app.MayPasscode).
func (db *DB) Passcode(ctx context.Context, actor app.Actor, id app.TicketID) (app.Passcode, error) {
	t, err := getTicket(ctx, db.read, id)
	if err != nil {
		return app.Passcode{}, db.sqlError(err)
	}
	if !app.MayPasscode(actor, t) {
		return app.Passcode{}, app.Errorf(app.EFORBIDDEN, "passcode.not_allowed", "Only the counter staff of ticket {{.Number}}'s store and its technician may handle the device's passcode.", "Number", t.Number)
	}
	p, err := readPasscode(ctx, db.read, id)
	return p, db.sqlError(err)
}

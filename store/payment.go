package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

// The money facts of app/payment.go: payments (append-only, like notes)
// and estimates (replaced when decided), and the device's receipt numbers.

const (
	paymentInsert = `INSERT INTO payments (id, ticket_id, kind, method, amount, currency, reference, receipt, at, by, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	paymentLoad = `INSERT INTO payments (id, ticket_id, kind, method, amount, currency, reference, receipt, at, by, pulled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
	// An estimate is replaced whole: by estimate.decide here, and by the
	// server's copy when it sends a decided one.
	estimateSave = `INSERT INTO estimates (id, ticket_id, at, data, outbox_seq) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET at = excluded.at, data = excluded.data,
		outbox_seq = coalesce(excluded.outbox_seq, estimates.outbox_seq)`
	// A pulled estimate does not replace one this device changed by a
	// mutation the server has not acknowledged (a decision still to
	// send): the server's copy predates it.
	estimateLoad = `INSERT INTO estimates (id, ticket_id, at, data, pulled) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (id) DO UPDATE SET at = excluded.at, data = excluded.data, pulled = 1
		WHERE estimates.outbox_seq IS NULL OR estimates.outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1)`
)

func paymentArgs(p app.Payment) []any {
	return []any{p.ID, string(p.Ticket), string(p.Kind), string(p.Method), p.Amount.Amount, p.Amount.Currency,
		p.Reference, p.Receipt, nsec(p.At), p.By}
}

func estimateArgs(e app.Estimate) ([]any, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode estimate %s: %w", e.ID, err)
	}
	return []any{e.ID, string(e.Ticket), nsec(e.At), string(data)}, nil
}

func (m *mutationTx) AddPayment(ctx context.Context, p app.Payment) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return m.addFact(ctx, "payment", p.ID, p.Ticket, paymentInsert, append(paymentArgs(p), m.seqArg())...)
}

func (m *mutationTx) Payments(ctx context.Context, id app.TicketID) ([]app.Payment, error) {
	ps, err := ticketPayments(ctx, m.tx, id)
	return ps, m.db.sqlError(err)
}

func (m *mutationTx) SaveEstimate(ctx context.Context, e app.Estimate) error {
	if e.ID == "" {
		return app.FactWithoutID("estimate")
	}
	args, err := estimateArgs(e)
	if err != nil {
		return err
	}
	_, err = m.tx.ExecContext(ctx, estimateSave, append(args, m.seqArg())...)
	if foreignKeyFailed(err) {
		return errNoTicket(e.Ticket).WithCause(err)
	}
	return m.db.sqlError(err)
}

func (m *mutationTx) Estimates(ctx context.Context, id app.TicketID) ([]app.Estimate, error) {
	es, err := ticketEstimates(ctx, m.tx, id)
	return es, m.db.sqlError(err)
}

func ticketPayments(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.Payment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, method, amount, currency, reference, receipt, at, by
		FROM payments WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Payment{}
	for rows.Next() {
		p := app.Payment{Ticket: id}
		var at sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Kind, &p.Method, &p.Amount.Amount, &p.Amount.Currency, &p.Reference, &p.Receipt, &at, &p.By); err != nil {
			return nil, err
		}
		p.At = fromNsec(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

func ticketEstimates(ctx context.Context, q rowQueryer, id app.TicketID) ([]app.Estimate, error) {
	rows, err := q.QueryContext(ctx, `SELECT data FROM estimates WHERE ticket_id = ? ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Estimate{}
	for rows.Next() {
		var data []byte
		var e app.Estimate
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, app.Errorf(app.ECORRUPT, "store.estimate_damaged", "An estimate on this device is damaged. Sync to download it again.").WithCause(err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (l *loader) payment(p app.Payment) error {
	if p.ID == "" {
		return missing("payment")
	}
	if _, err := l.exec(paymentLoad, paymentArgs(p)...); err != nil {
		return fmt.Errorf("load payment %s: %w", p.ID, err)
	}
	return nil
}

func (l *loader) estimate(e app.Estimate) error {
	if e.ID == "" {
		return missing("estimate")
	}
	args, err := estimateArgs(e)
	if err != nil {
		return err
	}
	if _, err := l.exec(estimateLoad, args...); err != nil {
		return fmt.Errorf("load estimate %s: %w", e.ID, err)
	}
	return nil
}

// nextReceipt issues the device's next receipt number in tx, the
// transaction that records the payment: a number is used once, also after
// a crash (the counter and the payment commit together, or neither does).
func nextReceipt(ctx context.Context, tx execer) (string, error) {
	var prefix string
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT receipt_prefix, receipt_seq FROM device WHERE id = 1`).Scan(&prefix, &seq); err != nil {
		return "", err
	}
	if prefix == "" {
		return "", app.Errorf(app.ECONFLICT, "store.no_receipt_prefix", "This device cannot number receipts yet: sync once with the server, then take the payment.")
	}
	seq++
	if _, err := tx.ExecContext(ctx, `UPDATE device SET receipt_seq = ? WHERE id = 1`, seq); err != nil {
		return "", err
	}
	return app.ReceiptNumber(prefix, seq), nil
}

// setReceiptPrefix keeps the prefix the server gave this device. A prefix
// only changes with the device (a new pairing after Wipe): the sequence
// goes on from where it is, so a number is never issued twice.
func setReceiptPrefix(ctx context.Context, tx *sql.Tx, prefix string) error {
	if !app.ValidReceiptPrefix(prefix) {
		return app.Errorf(app.EINVALID, "store.bad_receipt_prefix", "The server sent a malformed receipt prefix ({{.Prefix}}); nothing was saved. Sync again, and contact support if it keeps happening.", "Prefix", prefix)
	}
	_, err := tx.ExecContext(ctx, `UPDATE device SET receipt_prefix = ? WHERE id = 1`, prefix)
	return err
}

// ReceiptPrefix returns the device's receipt prefix, "" before the server
// gave one.
func (db *DB) ReceiptPrefix(ctx context.Context) (string, error) {
	var p string
	err := db.read.QueryRowContext(ctx, `SELECT receipt_prefix FROM device WHERE id = 1`).Scan(&p)
	return p, db.sqlError(err)
}

var _ app.PaymentService = (*PaymentService)(nil)

// PaymentService implements app.PaymentService.
type PaymentService struct{ db *DB }

// NewPaymentService returns the payment service of db.
func NewPaymentService(db *DB) *PaymentService { return &PaymentService{db: db} }

// Payments lists a ticket's payments; ELEASE ("lease.locked") on a device
// past its lease, as for the rest of the customer's data.
func (s *PaymentService) Payments(ctx context.Context, ticket app.TicketID) ([]app.Payment, error) {
	if err := s.db.checkLease(ctx); err != nil {
		return nil, err
	}
	ps, err := ticketPayments(ctx, s.db.read, ticket)
	return ps, s.db.sqlError(err)
}

// Estimates lists a ticket's estimates, as Payments.
func (s *PaymentService) Estimates(ctx context.Context, ticket app.TicketID) ([]app.Estimate, error) {
	if err := s.db.checkLease(ctx); err != nil {
		return nil, err
	}
	es, err := ticketEstimates(ctx, s.db.read, ticket)
	return es, s.db.sqlError(err)
}

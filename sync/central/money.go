package central

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// The money facts of app/payment.go on the server: payments (append-only)
// and estimates (replaced when decided) are entities of their ticket, and
// the receipts table keeps each receipt number once per tenant.

const (
	kindPayment  = "payment"
	kindEstimate = "estimate"
)

// AddPayment records a payment, deposit or refund, indexed by its receipt
// number and the technician who took it. A number another payment of the tenant has already is not a
// refusal: the money was taken, so the payment is recorded, and a
// duplicate_receipt conflict tells the office to reissue the receipt.
func (s *serverTx) AddPayment(ctx context.Context, p app.Payment) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.addTicketFact(ctx, kindPayment, p.ID, p.Ticket, p); err != nil {
		return err
	}
	// Two pushes recording one number at the same moment (devices
	// restored from one copy) would each look before the other's payment
	// is committed, and neither raise the conflict: the look waits for
	// the number's check lock (lockCheck).
	if err := s.lockCheck(ctx, receiptLockKey(s.tenant, p.Receipt)); err != nil {
		return err
	}
	var first string
	err := s.queryRow(ctx, `SELECT payment FROM payment_index WHERE tenant = ? AND receipt = ? LIMIT 1`, s.tenant, p.Receipt).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return transient(err)
	}
	if _, err := s.exec(ctx, `INSERT INTO payment_index (tenant, payment, ticket, receipt, kind, method, amount, currency, at, device, technician)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.tenant, p.ID, string(p.Ticket), p.Receipt, string(p.Kind), string(p.Method),
		p.Amount.Amount, p.Amount.Currency, p.At.UnixNano(), string(s.device), string(s.tech.ID)); err != nil {
		return transient(err)
	}
	if first == "" {
		return nil
	}
	e := app.DuplicateReceipt(p.Receipt)
	return s.addConflict(ctx, &app.Conflict{
		ID: "rc-" + p.ID, Kind: app.ConflictDuplicateReceipt, Ticket: p.Ticket, Technician: s.tech.ID, Device: s.device,
		Ours: p.ID, Theirs: first, Code: e.Code, Key: e.Key, Message: e.Text(),
		Data: map[string]any{"Receipt": p.Receipt}, At: s.db.now(),
	})
}

func (s *serverTx) Payments(ctx context.Context, id app.TicketID) ([]app.Payment, error) {
	out := []app.Payment{}
	err := s.ticketEntities(ctx, kindPayment, id, func(data string) error { return appendJSON(data, &out, nil, nil) })
	slices.SortFunc(out, func(a, b app.Payment) int { return cmpAtID(a.At.Compare(b.At), a.ID, b.ID) })
	return out, err
}

// SaveEstimate writes an estimate and sends it (again) to the ticket's
// scopes, so a decision reaches the devices.
func (s *serverTx) SaveEstimate(ctx context.Context, e app.Estimate) error {
	if e.ID == "" {
		return app.FactWithoutID(kindEstimate)
	}
	t, err := s.Ticket(ctx, e.Ticket)
	if err != nil {
		return err
	}
	if err := s.put(ctx, kindEstimate, e.ID, string(e.Ticket), e); err != nil {
		return err
	}
	s.changed.ticket(e.Ticket)
	return s.emitAll(ctx, ticketScopes(s.tenant, t), kindEstimate, e.ID)
}

func (s *serverTx) Estimates(ctx context.Context, id app.TicketID) ([]app.Estimate, error) {
	out := []app.Estimate{}
	err := s.ticketEntities(ctx, kindEstimate, id, func(data string) error { return appendJSON(data, &out, nil, nil) })
	slices.SortFunc(out, func(a, b app.Estimate) int { return cmpAtID(a.At.Compare(b.At), a.ID, b.ID) })
	return out, err
}

// ReceiptPrefix returns a device's receipt prefix, "D" and its number in
// the tenant, giving it the next number on first use: at pairing, or at
// the first sync of a device paired before receipts existed. The write
// transaction holds the counter row, so two devices never get one number.
func (db *DB) ReceiptPrefix(ctx context.Context, tenant string, device app.DeviceID) (string, error) {
	var num int64
	err := db.readRow(ctx, qReceiptPrefix, string(device)).Scan(&num)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
			err := tx.QueryRowContext(ctx, db.q(`SELECT num FROM receipt_prefixes WHERE device = ?`), string(device)).Scan(&num)
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := tx.QueryRowContext(ctx, db.q(`SELECT coalesce(max(num), 0) + 1 FROM receipt_prefixes WHERE tenant = ?`), tenant).Scan(&num); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, db.q(`INSERT INTO receipt_prefixes (tenant, device, num) VALUES (?, ?, ?)`), tenant, string(device), num)
			return err
		})
	}
	if err != nil {
		return "", transient(err)
	}
	return "D" + strconv.FormatInt(num, 10), nil
}

func cmpAtID(at int, a, b string) int {
	if at != 0 {
		return at
	}
	return strings.Compare(a, b)
}

// ticketEntities calls fn with the data of each entity of kind on ticket.
func (s *serverTx) ticketEntities(ctx context.Context, kind string, id app.TicketID, fn func(data string) error) error {
	rows, err := s.tx.QueryContext(ctx, s.db.q(`SELECT id, data FROM entities WHERE tenant = ? AND ticket_id = ? AND kind = ?`), s.tenant, string(id), kind)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var eid, data string
		if err := rows.Scan(&eid, &data); err != nil {
			return transient(err)
		}
		if err := fn(data); err != nil {
			return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", eid).WithCause(err)
		}
	}
	return transient(rows.Err())
}

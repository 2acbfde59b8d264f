package central

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// CashReceipt is one cash payment or refund a technician took and has not
// handed in yet.
type CashReceipt struct {
	Payment string          `json:"payment"`
	Ticket  app.TicketID    `json:"ticket"`
	Receipt string          `json:"receipt"`
	Kind    app.PaymentKind `json:"kind"`
	Amount  int64           `json:"amount"` // minor units, positive; Kind gives the direction
	At      time.Time       `json:"at"`
}

// CashDue is the cash one technician holds in one currency: taken minus
// refunded, not yet handed in, with the receipts that make it up.
type CashDue struct {
	Technician app.TechnicianID `json:"technician"`
	Currency   string           `json:"currency"`
	Amount     int64            `json:"amount"`
	Receipts   []CashReceipt    `json:"receipts"`
}

// Handover records cash a technician handed in at the office.
type Handover struct {
	ID         string           `json:"id,omitempty"`
	Technician app.TechnicianID `json:"technician"`
	ReceivedBy string           `json:"received_by"`
	Amount     int64            `json:"amount"`
	Currency   string           `json:"currency"`
	Receipts   []string         `json:"receipts"`
	At         time.Time        `json:"at,omitzero"`
}

// maxHandoverReceipts bounds the receipts of one hand-in: a month of a
// busy counter's cash.
const maxHandoverReceipts = 5000

// CashDue lists, per technician (only tech when not "") and currency, the
// cash taken on devices and not handed in yet. Payments dispatch recorded
// name no technician and are not in it.
func (db *DB) CashDue(ctx context.Context, tenant string, tech app.TechnicianID) ([]CashDue, error) {
	return cashDue(ctx, db, db.read, tenant, tech)
}

func cashDue(ctx context.Context, db *DB, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, tenant string, tech app.TechnicianID) ([]CashDue, error) {
	query := `SELECT technician, currency, payment, ticket, receipt, kind, amount, at FROM payment_index
		WHERE tenant = ? AND method = 'cash' AND technician <> '' AND handover = ''`
	args := []any{tenant}
	if tech != "" {
		query += ` AND technician = ?`
		args = append(args, string(tech))
	}
	rows, err := q.QueryContext(ctx, db.q(query+` ORDER BY technician, currency, at, payment`), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []CashDue{}
	for rows.Next() {
		var t app.TechnicianID
		var cur string
		var r CashReceipt
		var at int64
		if err := rows.Scan(&t, &cur, &r.Payment, &r.Ticket, &r.Receipt, &r.Kind, &r.Amount, &at); err != nil {
			return nil, transient(err)
		}
		r.At = time.Unix(0, at).UTC()
		if n := len(out); n == 0 || out[n-1].Technician != t || out[n-1].Currency != cur {
			out = append(out, CashDue{Technician: t, Currency: cur, Receipts: []CashReceipt{}})
		}
		d := &out[len(out)-1]
		if r.Kind == app.PaymentRefund {
			d.Amount -= r.Amount
		} else {
			d.Amount += r.Amount
		}
		d.Receipts = append(d.Receipts, r)
	}
	return out, transient(rows.Err())
}

// RecordHandover records that h.ReceivedBy received h.Amount in
// h.Currency from h.Technician for the receipts listed: each must be a
// cash receipt of that technician in that currency not handed in yet, and
// the amount what they add up to (a difference means counting again).
// Nothing is recorded when anything does not match.
func (db *DB) RecordHandover(ctx context.Context, tenant string, h Handover) (Handover, error) {
	h.ReceivedBy = strings.TrimSpace(h.ReceivedBy)
	switch {
	case h.Technician == "" || !app.ValidID(string(h.Technician)):
		return h, app.Errorf(app.EINVALID, "cash.needs_technician", "Name the technician who hands in the cash.")
	case h.ReceivedBy == "" || app.CheckTextLen("received_by", h.ReceivedBy, app.MaxNameLen) != nil:
		return h, app.Errorf(app.EINVALID, "cash.needs_receiver", "Name who received the cash (at most {{.Max}} characters).", "Max", app.MaxNameLen)
	case len(h.Receipts) == 0 || len(h.Receipts) > maxHandoverReceipts:
		return h, app.Errorf(app.EINVALID, "cash.needs_receipts", "List the receipts the cash covers (1 to {{.Max}}).", "Max", maxHandoverReceipts)
	}
	if err := (app.Money{Amount: h.Amount, Currency: h.Currency}).Validate(); err != nil {
		return h, err
	}
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		due, err := cashDue(ctx, db, tx, tenant, h.Technician)
		if err != nil {
			return err
		}
		var open []CashReceipt
		for _, d := range due {
			if d.Currency == h.Currency {
				open = d.Receipts
			}
		}
		var sum int64
		var ids []string
		seen := map[string]bool{}
		for _, want := range h.Receipts {
			if seen[want] {
				return app.Errorf(app.EINVALID, "cash.receipt_twice", "Receipt {{.Receipt}} is listed twice.", "Receipt", want)
			}
			seen[want] = true
			i := slices.IndexFunc(open, func(r CashReceipt) bool { return r.Receipt == want })
			if i < 0 {
				return app.Errorf(app.ECONFLICT, "cash.receipt_not_due", "Receipt {{.Receipt}} is not cash in {{.Currency}} that {{.Technician}} still holds: it was handed in already, or is another's; list the cash again.",
					"Receipt", want, "Currency", h.Currency, "Technician", string(h.Technician))
			}
			for _, r := range open {
				if r.Receipt != want {
					continue
				}
				if r.Kind == app.PaymentRefund {
					sum -= r.Amount
				} else {
					sum += r.Amount
				}
				ids = append(ids, r.Payment)
			}
		}
		if sum != h.Amount {
			return app.Errorf(app.ECONFLICT, "cash.amount_mismatch", "These receipts add up to {{.Sum}}, not {{.Amount}}: count the cash again.",
				"Sum", app.Money{Amount: sum, Currency: h.Currency}.String(), "Amount", app.Money{Amount: h.Amount, Currency: h.Currency}.String())
		}
		h.ID, h.At = app.NewID(), db.now().UTC()
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO cash_handovers (tenant, id, technician, received_by, amount, currency, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			tenant, h.ID, string(h.Technician), h.ReceivedBy, h.Amount, h.Currency, h.At.UnixNano()); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE payment_index SET handover = ? WHERE tenant = ? AND payment = ?`), h.ID, tenant, id); err != nil {
				return err
			}
		}
		return nil
	})
	return h, transient(err)
}

func (s *Server) handleCash(w http.ResponseWriter, r *http.Request, p Principal) {
	due, err := s.db.CashDue(r.Context(), p.Tenant, app.TechnicianID(r.URL.Query().Get("technician")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, due)
}

func (s *Server) handleHandover(w http.ResponseWriter, r *http.Request, p Principal) {
	var h Handover
	if err := readJSON(w, r, &h); err != nil {
		writeError(w, err)
		return
	}
	if h.ID != "" || !h.At.IsZero() {
		writeError(w, app.Errorf(app.EINVALID, "cash.server_fields", "Leave out id and at: the server sets them."))
		return
	}
	h, err := s.db.RecordHandover(r.Context(), p.Tenant, h)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, h)
}

package store

import (
	"context"
	"database/sql"

	"github.com/fieldbench/fieldbench/app"
)

// maxKnownTickets bounds the tickets a customer look-up reads to group
// into app.MaxKnownDevices devices: a regular's many visits with one
// device must not crowd out their other devices, nor cost unbounded work.
const maxKnownTickets = 10 * app.MaxKnownDevices

// KnownCustomers finds the customers whose phone's digits hold
// app.PhoneLookupKey(phone), newest ticket first, grouped by
// app.GroupKnownDevices. The search index's phone column answers it (a
// trigram phrase matches as a substring), not a scan of every ticket.
// Fewer than app.MinPhoneDigits digits typed is EINVALID; a device past
// its lease, ELEASE.
func (s *TicketService) KnownCustomers(ctx context.Context, phone string) ([]app.KnownCustomer, error) {
	digits := app.PhoneLookupKey(phone)
	if len(digits) < app.MinPhoneDigits {
		return nil, app.Errorf(app.EINVALID, "intake.phone_short", "Type at least {{.Min}} digits of the phone number to look the customer up.", "Min", app.MinPhoneDigits)
	}
	if _, ok := app.PhoneText(phone); !ok {
		// A serial's digits would find strangers whose phones hold them.
		return nil, app.Errorf(app.EINVALID, "intake.not_a_phone", "Look the customer up by their phone number: its digits, with spaces or + - ( ) . if you like.")
	}
	if err := s.db.checkLease(ctx); err != nil {
		return nil, err
	}
	var out []app.KnownCustomer
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT rid FROM tickets
			WHERE rid IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?)
			ORDER BY created_at DESC, rid DESC LIMIT ?`, "phone_digits : "+quoteFTS(digits), maxKnownTickets)
		if err != nil {
			return err
		}
		defer rows.Close()
		var rids []any
		for rows.Next() {
			var rid int64
			if err := rows.Scan(&rid); err != nil {
				return err
			}
			rids = append(rids, rid)
		}
		if err := rows.Err(); err != nil || len(rids) == 0 {
			return err
		}
		tickets, err := ticketsByRID(ctx, tx, rids)
		if err != nil {
			return err
		}
		out = app.GroupKnownDevices(tickets)
		return nil
	})
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	return out, nil
}

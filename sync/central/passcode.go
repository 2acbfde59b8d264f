package central

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fieldbench/fieldbench/app"
)

// kindPasscode is the change-log kind of a ticket's device passcode; its
// ID is the ticket's. The passcode itself is in ticket_passcodes, never in
// entities.
const kindPasscode = "passcode"

// SavePasscode records or erases a ticket's passcode and emits the change
// in the ticket's scopes (its store's and its technician's), where the
// pull sends the passcode, or its erasure, to the devices.
func (s *serverTx) SavePasscode(ctx context.Context, p app.Passcode) error {
	if err := app.ValidatePasscode(p.Kind, p.Secret); err != nil {
		return err
	}
	t, err := s.Ticket(ctx, p.Ticket)
	if err != nil {
		return err
	}
	var res sql.Result
	if p.Secret == "" {
		res, err = s.exec(ctx, `DELETE FROM ticket_passcodes WHERE tenant = ? AND ticket = ?`, s.tenant, string(p.Ticket))
	} else {
		res, err = s.exec(ctx, `INSERT INTO ticket_passcodes (tenant, ticket, kind, passcode) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant, ticket) DO UPDATE SET kind = excluded.kind, passcode = excluded.passcode`,
			s.tenant, string(p.Ticket), string(p.Kind), p.Secret)
	}
	if err != nil {
		return transient(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return transient(err)
	} else if n == 0 {
		return nil // erasing none: no device holds one to erase
	}
	return s.emitAll(ctx, ticketScopes(s.tenant, t), kindPasscode, string(p.Ticket))
}

func (s *serverTx) Passcode(ctx context.Context, id app.TicketID) (app.Passcode, error) {
	if _, err := s.Ticket(ctx, id); err != nil {
		return app.Passcode{}, err
	}
	return readPasscode(ctx, s.queryRow(ctx, `SELECT kind, passcode FROM ticket_passcodes WHERE tenant = ? AND ticket = ?`, s.tenant, string(id)), id)
}

func readPasscode(ctx context.Context, row rowScanner, id app.TicketID) (app.Passcode, error) {
	p := app.Passcode{Ticket: id}
	var kind string
	err := row.Scan(&kind, &p.Secret)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	p.Kind = app.PasscodeKind(kind)
	return p, transient(err)
}

// addPasscode puts a ticket's passcode into the page, or, when it has
// none, its erasure (but not on a first pull: that device holds none).
func (pg *page) addPasscode(ctx context.Context, id string, first bool) error {
	p, err := readPasscode(ctx, pg.tx.QueryRowContext(ctx, pg.db.q(`SELECT kind, passcode FROM ticket_passcodes WHERE tenant = ? AND ticket = ?`), pg.tenant, id), app.TicketID(id))
	if err != nil {
		return err
	}
	if p.Secret == "" && first {
		return nil
	}
	pg.used += len(id) + len(p.Secret) + 40
	pg.data.Passcodes = append(pg.data.Passcodes, p)
	if p.Secret != "" {
		pg.facts = append(pg.facts, p.Ticket)
	}
	return nil
}

package central

import (
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestDecisionClosesTheFieldsOtherConflicts: a service that ran before a
// field had one open conflict at most may hold two on one field (a
// device's clash, then dispatch's). Deciding one closes the other with
// the same decision, so no question is left open that the decision
// answered; a conflict on the ticket's other field stays open.
func TestDecisionClosesTheFieldsOtherConflicts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		dispatchPhone, devicePhone, seen := "139 1111 1111", "137 2222 2222", w.ticketA.Customer.Phone
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerPhone: &dispatchPhone}, Base: app.TicketFields{CustomerPhone: &seen}})); err != nil {
			t.Fatal(err)
		}
		push(t, db, w.a, mut(t, 1, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerPhone: &devicePhone}, Base: app.TicketFields{CustomerPhone: &seen}}))
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 {
			t.Fatalf("conflicts = %+v, want the device's clash", cs)
		}
		first := cs[0]
		// Written as the service before the rule wrote dispatch's clash:
		// a second open conflict on the phone, and one on the address.
		older := first
		older.ID, older.Key, older.Theirs, older.TheirsBy = "cf-legacy-customer_phone", "conflict.field_dispatch", "135 3333 3333", "Dana"
		address := first
		address.ID, address.Field, address.Ours, address.Theirs = "cf-legacy-customer_address", app.FieldCustomerAddress, "1 Road", "2 Road"
		err := db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
			for _, c := range []app.Conflict{older, address} {
				if err := st.addConflict(ctx, &c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResolveConflict(ctx, w.dispatch, first.ID, app.ResolveAcceptOurs); err != nil {
			t.Fatal(err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Phone; got != devicePhone {
			t.Errorf("phone after accept_ours = %q, want %q", got, devicePhone)
		}
		all, _ := db.Conflicts(ctx, tenant, false)
		for _, c := range all {
			switch c.ID {
			case older.ID:
				if c.Open() || c.Resolution != app.ResolveAcceptOurs || c.ResolvedBy != w.dispatch.Name {
					t.Errorf("the phone's other conflict is %+v; want it closed as the decision: accept_ours by %s", c, w.dispatch.Name)
				}
			case address.ID:
				if !c.Open() {
					t.Errorf("the address's conflict was closed by the phone's decision: %+v", c)
				}
			}
		}
	})
}

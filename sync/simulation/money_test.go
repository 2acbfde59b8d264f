package simulation

import (
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
)

// TestPaymentsOffline: two devices take payments offline, numbering their
// receipts with the prefixes the server gave them; once synced, every
// payment is on the server, every receipt number is distinct, and none
// raised a duplicate_receipt conflict. A payment taken on a ticket that
// dispatch cancelled meanwhile is kept: money is a fact.
func TestPaymentsOffline(t *testing.T) {
	w := newRestoreWorld(t)
	ctx := t.Context()
	prefixes := map[string]bool{}
	for _, tech := range []app.TechnicianID{techA, techB} {
		p, err := w.devs[tech].store.ReceiptPrefix(ctx)
		if err != nil || !app.ValidReceiptPrefix(p) || prefixes[p] {
			t.Fatalf("%s: receipt prefix %q, %v; want a valid one of its own (have %v)", tech, p, err, prefixes)
		}
		prefixes[p] = true
	}
	// Dispatch cancels ticket A; device A does not know yet.
	m, err := app.NewMutation(&app.TransitionTicket{Action: app.ActionCancel, Ticket: ticketA, Epoch: 1, Reason: "customer withdrew"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.server().ApplyAdmin(ctx, w.dispatch, m); err != nil {
		t.Fatal(err)
	}
	const each = 5
	var ids []string
	tickets := map[app.TechnicianID][]app.TicketID{techA: {ticketA, ticketA2}, techB: {ticketB}}
	for i := range each {
		for tech, tks := range tickets {
			for _, tk := range tks {
				kind := app.PaymentDeposit
				if i > 0 {
					kind = app.PaymentPayment
				}
				cmd := &app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: tk, Kind: kind, Method: app.MethodCash,
					Amount: app.Money{Amount: int64(1000 * (i + 1)), Currency: "CNY"}}}
				w.commit(tech, cmd)
				if !app.ValidReceipt(cmd.Payment.Receipt) {
					t.Fatalf("%s: receipt %q", tech, cmd.Payment.Receipt)
				}
				ids = append(ids, cmd.Payment.ID)
			}
		}
	}
	w.sync(techA)
	w.sync(techB)
	receipts := map[string]string{}
	var got []string
	for _, tk := range []app.TicketID{ticketA, ticketA2, ticketB} {
		d, err := w.server().TicketDetail(ctx, "t", tk)
		if err != nil {
			t.Fatal(err)
		}
		if tk == ticketA && d.Ticket.Status != app.StatusCancelled {
			t.Fatalf("ticket A is %s, want cancelled", d.Ticket.Status)
		}
		if n := len(d.Payments); n != each {
			t.Errorf("%s: %d payments on the server, want %d", tk, n, each)
		}
		for _, p := range d.Payments {
			if other, dup := receipts[p.Receipt]; dup {
				t.Errorf("receipt %s issued to payments %s and %s", p.Receipt, other, p.ID)
			}
			receipts[p.Receipt] = p.ID
			got = append(got, p.ID)
		}
	}
	slices.Sort(ids)
	slices.Sort(got)
	if !slices.Equal(ids, got) {
		t.Errorf("payments on the server %v, want %v", got, ids)
	}
	cfs, err := w.server().Conflicts(ctx, "t", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cfs {
		if c.Kind == app.ConflictDuplicateReceipt || c.Name == "payment.record.v1" {
			t.Errorf("conflict %+v", c)
		}
	}
	// Device A sees its payments confirmed on the cancelled ticket.
	d, err := store.NewTicketService(w.devs[techA].store).TicketDetail(ctx, ticketA)
	if err != nil || d.Ticket.Status != app.StatusCancelled || len(d.Payments) != each {
		t.Fatalf("device A: ticket %s with %d payments, %v; want cancelled with %d", d.Ticket.Status, len(d.Payments), err, each)
	}
}

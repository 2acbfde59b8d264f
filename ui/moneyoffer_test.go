package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestMoneyCardOffersWhatMakesSense: the charges card offers Take payment
// while a balance is due and Refund while something paid was not given
// back, on an open ticket and a closed one alike (the lead's walk: a
// closed, settled ticket offered both). A closed ticket left owing still
// takes the balance at pick-up; a settled one can still refund.
func TestMoneyCardOffersWhatMakesSense(t *testing.T) {
	term, _, deps, _ := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643809")
	ctx := context.Background()
	offers := func(when string, take, refund bool) {
		t.Helper()
		term.Detail().Show(tk.ID)
		d := term.Detail().Object()
		if got := button(d, "Take payment") != nil; got != take {
			t.Errorf("%s: Take payment offered %v, want %v:\n%s", when, got, take, labels(d))
		}
		if got := button(d, "Refund") != nil; got != refund {
			t.Errorf("%s: Refund offered %v, want %v:\n%s", when, got, refund, labels(d))
		}
	}
	commit := func(cmds ...app.Command) {
		t.Helper()
		for _, cmd := range cmds {
			if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
				t.Fatal(err)
			}
		}
	}
	payment := func(kind app.PaymentKind, amount int64) app.Payment {
		return app.Payment{ID: app.NewID(), Ticket: tk.ID, Kind: kind, Method: app.MethodCash, Amount: app.Money{Amount: amount, Currency: total.Currency}}
	}
	offers("open, nothing paid", true, false)

	half := total.Amount / 2
	commit(&app.RecordPayment{Payment: payment(app.PaymentPayment, half)})
	offers("open, half paid", true, true)

	diag := "Display connector loose"
	owed := app.Money{Amount: total.Amount - half, Currency: total.Currency}
	commit(
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
		&app.TransitionTicket{Action: app.ActionClose, Ticket: tk.ID, Epoch: tk.Epoch, Balance: &owed, UnpaidReason: app.UnpaidInvoiceLater},
	)
	if st := ticketNow(t, deps, tk.ID).Ticket.Status; st != app.StatusClosed {
		t.Fatalf("the ticket is %s, want closed", st)
	}
	offers("closed owing: the pick-up pays the balance", true, true)

	commit(&app.RecordPayment{Payment: payment(app.PaymentPayment, owed.Amount)})
	offers("closed, paid in full", false, true)
	if s := labels(term.Detail().Object()); !strings.Contains(s, "Nothing owed.") {
		t.Errorf("paid in full, the card shows:\n%s", s)
	}

	commit(&app.RefundPayment{Payment: payment(app.PaymentRefund, total.Amount)})
	offers("closed, refunded in full (goodwill)", true, false)
}

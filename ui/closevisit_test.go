package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestCloseVisitAfterSignOff: closing a completed visit not yet signed off
// says so and offers the sign-off itself, or closing without it; once
// signed, the confirmation names the signature instead of sending the
// technician back for a step already done.
func TestCloseVisitAfterSignOff(t *testing.T) {
	test.NewTempApp(t)
	deps, ds := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	var visits []app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == app.StatusCompleted && d.Ticket.Kind == app.KindOnSite {
			visits = append(visits, d.Ticket)
		}
	}
	if len(visits) < 2 {
		t.Fatalf("the demo technician has %d completed on-site visits, want 2", len(visits))
	}
	tk := visits[0]
	term, w := signingTerminal(t, deps)
	term.Detail().Show(tk.ID)

	for _, tc := range []struct {
		name string
		// signHere takes the signature from the close question's own
		// button, not the card's.
		signHere      bool
		want, wantNot string
	}{
		{"NotSigned", false, "has not signed off the work", "Signed by"},
		{"SignedFromTheQuestion", true, "Signed by Chen Jing (Customer)", "has not signed off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.signHere {
				tapButton(t, term.Detail().Object(), "Close visit")
				tapButton(t, front(w), "Customer sign-off")
				pad := term.SignOffPad()
				if pad == nil {
					t.Fatal("the close question's Customer sign-off opened no signature pad")
				}
				s := pad.Size()
				drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.5, s.Height*0.3), fyne.NewPos(s.Width*0.8, s.Height*0.6))
				term.SignOffName().SetText("Chen Jing")
				term.SignOffRole(app.SignerCustomer)
				test.Tap(term.SignOffButton("Sign"))
			}
			tapButton(t, term.Detail().Object(), "Close visit")
			shown := labels(front(w))
			if !strings.Contains(shown, tc.want) || strings.Contains(shown, tc.wantNot) || !strings.Contains(shown, "cannot be changed or reopened") {
				t.Errorf("the close confirmation says:\n%s\nwant %q, not %q", shown, tc.want, tc.wantNot)
			}
			tapButton(t, front(w), "Keep it open")
			if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
				t.Errorf("Keep it open left the ticket %s", got)
			}
		})
	}

	// A customer gone before the end: the visit closes without the
	// sign-off, in one more tap.
	other := visits[1]
	term.Detail().Show(other.ID)
	tapButton(t, term.Detail().Object(), "Close visit")
	tapButton(t, front(w), "Close without sign-off")
	if got := detailOf(t, deps, other.ID).Ticket.Status; got != app.StatusClosed {
		t.Errorf("Close without sign-off left the visit %s, want closed", got)
	}
}

// TestCloseWithoutSignOffStillAsksForMoneyOwed: closing a visit without
// the customer's sign-off (a customer gone before the end) with money
// still owed asks for the payment or a reason, as every close does; it
// does not close the visit at once.
func TestCloseWithoutSignOffStillAsksForMoneyOwed(t *testing.T) {
	test.NewTempApp(t)
	deps, ds, db := openDemoStore(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	deps.Payments = store.NewPaymentService(db)
	term, w := signingTerminal(t, deps)
	var owing *app.Ticket
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Technician != demo.DemoTechnician || tk.Status != app.StatusCompleted || tk.Kind != app.KindOnSite {
			continue
		}
		term.Detail().Show(tk.ID)
		if total, ok := term.Detail().Charges(); ok && total.Amount > 0 && len(paymentsOf(t, db, tk.ID)) == 0 {
			owing = &tk
			break
		}
	}
	if owing == nil {
		t.Fatal("the demo technician has no completed visit with charges and no payment")
	}
	tapButton(t, term.Detail().Object(), "Close visit")
	tapButton(t, front(w), "Close without sign-off")
	if s := labels(front(w)); !strings.Contains(s, "is still owed") {
		t.Errorf("closing without sign-off with money owed does not ask for it:\n%s", s)
	}
	if got := detailOf(t, deps, owing.ID).Ticket.Status; got != app.StatusCompleted {
		t.Errorf("closing without sign-off with money owed left the visit %s, want it open until paid or a reason is given", got)
	}
}

// signingTerminal is a terminal at 1280x800 whose sign-off signs a
// report of ¥ 180.00.
func signingTerminal(t *testing.T, deps ui.Deps) (*ui.Terminal, fyne.Window) {
	t.Helper()
	deps.ReportToSign = func(context.Context, app.TicketDetail) (ui.ReportToSign, error) {
		return ui.ReportToSign{Digest: reportDigest, Total: "¥ 180.00"}, nil
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return term, w
}

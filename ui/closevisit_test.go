package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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
			} else {
				tapButton(t, term.Detail().Object(), "Close visit")
			}
			// Signed from the question, the close goes on by itself
			// (TestSignOffFromTheCloseGoesOnToClose).
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
	owing, _ := owingVisit(t, term, db, ds)
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

// TestSignOffFromTheCloseGoesOnToClose: the close question's "Customer
// sign-off", once the signature or a refusal is saved (and the report
// filed, as main wires it), opens the close's confirmation on the ticket
// reloaded with it, and one tap closes; Cancel on the sign-off closes
// nothing and asks nothing, nor does a sign-off taken from the card's own
// button, which the technician did not ask to close.
func TestSignOffFromTheCloseGoesOnToClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		// fromClose opens the sign-off from the close question, else
		// from the card's own button.
		fromClose bool
		// act signs, refuses or cancels on the open sign-off.
		act       func(t *testing.T, term *ui.Terminal, w fyne.Window)
		wantAsked string // in the close's confirmation; "" for none shown
	}{
		{"Signed", true, signAs("Chen Jing"), "Signed by Chen Jing (Customer)"},
		{"Refused", true, refuseWith("disputes the labour charge"), "Not signed, the customer refused"},
		{"Cancelled", true, func(t *testing.T, _ *ui.Terminal, w fyne.Window) { tapButton(t, front(w), "Cancel") }, ""},
		{"FromTheCard", false, signAs("Chen Jing"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, w, deps, ds := docsTerminal(t)
			tk := completedVisit(t, ds)
			term.Detail().Show(tk.ID)
			if tc.fromClose {
				tapButton(t, term.Detail().Object(), "Close visit")
				tapButton(t, front(w), "Customer sign-off")
			} else {
				tapButton(t, term.Detail().Object(), "Customer sign-off")
			}
			if !term.SignOffShown() {
				t.Fatal("the sign-off did not open")
			}
			tc.act(t, term, w)
			if term.SignOffShown() {
				t.Fatal("the sign-off is still open")
			}
			asked := front(w) != nil && strings.Contains(labels(front(w)), "cannot be changed or reopened")
			if tc.wantAsked == "" {
				if asked {
					t.Fatalf("a close's confirmation opened:\n%s", labels(front(w)))
				}
				if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
					t.Fatalf("the visit is %s, want still completed", got)
				}
				if tc.fromClose {
					// The close asked for was given up with the sign-off:
					// the card's own sign-off, taken next, must not find
					// it waiting.
					tapButton(t, term.Detail().Object(), "Customer sign-off")
					signAs("Chen Jing")(t, term, w)
					if front(w) != nil && strings.Contains(labels(front(w)), "cannot be changed or reopened") {
						t.Fatalf("the card's sign-off after a cancelled one opened a close's confirmation:\n%s", labels(front(w)))
					}
				}
				// Nor may a later reload of the ticket (a sync, a save).
				term.Detail().Show(tk.ID)
				if front(w) != nil && strings.Contains(labels(front(w)), "cannot be changed or reopened") {
					t.Fatalf("a reload opened a close's confirmation:\n%s", labels(front(w)))
				}
				if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
					t.Fatalf("the visit is %s, want still completed", got)
				}
				return
			}
			if !asked || !strings.Contains(labels(front(w)), tc.wantAsked) {
				on := "nothing"
				if front(w) != nil {
					on = labels(front(w))
				}
				t.Fatalf("after the sign-off, no close's confirmation saying %q on top; on top:\n%s", tc.wantAsked, on)
			}
			if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
				t.Fatalf("the visit is %s before the confirmation's tap, want completed", got)
			}
			tapButton(t, front(w), "Close visit")
			if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusClosed {
				t.Errorf("one tap on the confirmation left the visit %s, want closed", got)
			}
		})
	}
}

// TestCloseOwedVisitTakesPaymentBeforeSignOff: closing a visit that
// owes money and is not signed off offers the payment first, then the
// sign-off of the report that shows it, then the close: signed first and
// paid after, the payment changed the report, the signature no longer
// covered it, and the card asked for a new one (the lead's walk in
// French). The close's confirmation then names a signature of the
// report as it is, and one tap closes a settled visit.
func TestCloseOwedVisitTakesPaymentBeforeSignOff(t *testing.T) {
	term, w, deps, db, owing, total := owingWorld(t)
	tapButton(t, term.Detail().Object(), "Close visit")
	// One order, said once: not "take the payment first" beside "take
	// their signature first".
	q := front(w)
	wantText := ui.MoneyText(total) + " is still owed. The usual order: take the payment, then the customer signs the report that shows it, then the visit closes."
	if s := labels(q); !strings.Contains(s, wantText) || strings.Count(s, "first") > 0 {
		t.Fatalf("the close question of a visit owing money says:\n%s\nwant %q, and no step said to come first", s, wantText)
	}
	if got, want := buttonTexts(q), "Take payment, then sign-off\nCustomer sign-off\nClose without sign-off\n"; !strings.Contains(got, want) {
		t.Fatalf("the close question offers:\n%s\nwant, in this order:\n%s", got, want)
	}
	tapButton(t, front(w), "Take payment, then sign-off")
	tapButton(t, front(w), "Record payment")
	tapButton(t, front(w), "Continue")
	if len(paymentsOf(t, db, owing.ID)) != 1 {
		t.Fatal("no payment recorded")
	}
	if !term.SignOffShown() {
		t.Fatalf("the sign-off did not open after the payment; on top:\n%s", labels(front(w)))
	}
	signAs("Chen Jing")(t, term, w)
	top := front(w)
	if top == nil || !strings.Contains(labels(top), "Signed by Chen Jing (Customer)") || strings.Contains(labels(top), "report changed") {
		on := "nothing"
		if top != nil {
			on = labels(top)
		}
		t.Fatalf("after payment and signature, no close's confirmation of a signature of the report as it is; on top:\n%s", on)
	}
	tapButton(t, top, "Close visit")
	if got := detailOf(t, deps, owing.ID).Ticket.Status; got != app.StatusClosed {
		t.Errorf("one tap on the confirmation left the visit %s, want closed", got)
	}
	if line := labels(term.Detail().Object()); strings.Contains(line, "report changed since") {
		t.Errorf("the closed visit's card says its report changed since the signature:\n%s", line)
	}
}

// owingWorld is the demo terminal with payments, numbering receipts (as
// once a sync gave the device its prefix), on owingVisit's visit: the
// close tests' world.
func owingWorld(t *testing.T) (*ui.Terminal, fyne.Window, ui.Deps, *store.DB, *app.Ticket, app.Money) {
	t.Helper()
	var db *store.DB
	term, w, deps, ds := docsTerminalEdit(t, func(d *ui.Deps, s *store.DB) {
		d.Payments, db = store.NewPaymentService(s), s
		if err := s.ApplyPull(context.Background(), app.PullPage{ReceiptPrefix: "R5", At: d.Now()}); err != nil {
			t.Fatal(err)
		}
	})
	owing, total := owingVisit(t, term, db, ds)
	return term, w, deps, db, owing, total
}

// owingVisit shows, on term, a completed on-site visit of the demo
// technician with charges and no payment, and returns it with what it
// owes.
func owingVisit(t *testing.T, term *ui.Terminal, db *store.DB, ds app.Dataset) (*app.Ticket, app.Money) {
	t.Helper()
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Technician != demo.DemoTechnician || tk.Status != app.StatusCompleted || tk.Kind != app.KindOnSite {
			continue
		}
		term.Detail().Show(tk.ID)
		if total, ok := term.Detail().Charges(); ok && total.Amount > 0 && len(paymentsOf(t, db, tk.ID)) == 0 {
			return &tk, total
		}
	}
	t.Fatal("the demo technician has no completed visit with charges and no payment")
	return nil, app.Money{}
}

// completedVisit is a completed on-site visit of the demo technician.
func completedVisit(t *testing.T, ds app.Dataset) app.Ticket {
	t.Helper()
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician && d.Ticket.Status == app.StatusCompleted && d.Ticket.Kind == app.KindOnSite {
			return d.Ticket
		}
	}
	t.Fatal("the demo technician has no completed on-site visit")
	return app.Ticket{}
}

// signAs draws a signature on the open sign-off and signs it as name,
// the customer.
func signAs(name string) func(t *testing.T, term *ui.Terminal, w fyne.Window) {
	return func(t *testing.T, term *ui.Terminal, _ fyne.Window) {
		t.Helper()
		pad := term.SignOffPad()
		s := pad.Size()
		drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.5, s.Height*0.3), fyne.NewPos(s.Width*0.8, s.Height*0.6))
		term.SignOffName().SetText(name)
		term.SignOffRole(app.SignerCustomer)
		test.Tap(term.SignOffButton("Sign"))
	}
}

// refuseWith records on the open sign-off that the customer refused to
// sign, for reason, and confirms it.
func refuseWith(reason string) func(t *testing.T, term *ui.Terminal, w fyne.Window) {
	return func(t *testing.T, term *ui.Terminal, w fyne.Window) {
		t.Helper()
		test.Tap(term.SignOffButton("Refuse"))
		form := front(w)
		var entry *widget.Entry
		walk(form, func(o fyne.CanvasObject) {
			if e := entryOf(o); e != nil && strings.HasPrefix(e.PlaceHolder, "What happened") {
				entry = e
			}
		})
		if entry == nil {
			t.Fatalf("no reason in the refusal's form:\n%s", labels(form))
		}
		entry.SetText(reason)
		tapButton(t, form, "Record")
		tapButton(t, front(w), "Record")
	}
}

// failingSignatures is a committer that refuses to record signatures.
type failingSignatures struct{ app.Committer }

func (f failingSignatures) Commit(ctx context.Context, actor app.Actor, cmd app.Command) (app.Mutation, error) {
	if _, ok := cmd.(*app.RecordSignature); ok {
		return app.Mutation{}, app.Errorf(app.EINTERNAL, "test.disk_full", "The device's storage is full.")
	}
	return f.Committer.Commit(ctx, actor, cmd)
}

// TestSignOffFromTheCloseNotSavedDoesNotClose: a signature the device
// failed to save leaves the visit open, says why, and asks no close.
func TestSignOffFromTheCloseNotSavedDoesNotClose(t *testing.T) {
	test.NewTempApp(t)
	deps, ds := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	deps.Commit = failingSignatures{deps.Commit}
	tk := completedVisit(t, ds)
	term, w := signingTerminal(t, deps)
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Close visit")
	tapButton(t, front(w), "Customer sign-off")
	signAs("Chen Jing")(t, term, w)
	shown := labels(front(w))
	if !strings.Contains(shown, "storage is full") || strings.Contains(shown, "cannot be changed or reopened") {
		t.Fatalf("after a signature not saved, on top:\n%s\nwant the error, and no close's confirmation", shown)
	}
	term.Detail().Show(tk.ID)
	if s := labels(front(w)); strings.Contains(s, "cannot be changed or reopened") {
		t.Fatalf("a reload after the failed save opened a close's confirmation:\n%s", s)
	}
	if got := detailOf(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Fatalf("the visit is %s, want still completed", got)
	}
}

// TestSignedOwingVisitCloseKeepsTheSignature: a customer who signed,
// from the close question, a report that shows money owed is not then
// asked for the payment as if nothing happened: a payment changes the
// report, and the visit closed with a signature of a report it no longer
// had. The close after the signature offers to close with the amount
// owed, an invoice to follow, as the report they signed says, or to take
// the payment and then a new signature of the report that shows it.
func TestSignedOwingVisitCloseKeepsTheSignature(t *testing.T) {
	for _, tc := range []struct {
		name string
		// payAgain takes the payment and signs again, else closes with
		// the invoice to follow.
		payAgain bool
	}{
		{"InvoiceToFollow", false},
		{"PayThenSignAgain", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, w, deps, db, owing, total := owingWorld(t)
			tapButton(t, term.Detail().Object(), "Close visit")
			tapButton(t, front(w), "Customer sign-off")
			signAs("Chen Jing")(t, term, w)
			q := front(w)
			if q == nil {
				t.Fatal("after the signature, no close question")
			}
			want := "The signed report shows " + ui.MoneyText(total) + " still owed."
			if s := labels(q); !strings.Contains(s, "Signed by Chen Jing (Customer)") || !strings.Contains(s, want) {
				t.Fatalf("the close after the signature says:\n%s\nwant the signature and %q", s, want)
			}
			offered := buttonTexts(q)
			if wantOffer := "Close, invoice to follow\nTake payment, then sign again\n"; !strings.Contains(offered, wantOffer) || strings.Contains(offered, "Take payment\n") {
				t.Fatalf("the close after the signature offers:\n%s\nwant, in this order:\n%s\nand no payment that would outdate the signature", offered, wantOffer)
			}
			if !tc.payAgain {
				tapButton(t, q, "Close, invoice to follow")
				got := detailOf(t, deps, owing.ID)
				if tk := got.Ticket; tk.Status != app.StatusClosed || tk.UnpaidReason != app.UnpaidInvoiceLater || tk.ClosedBalance == nil || *tk.ClosedBalance != total {
					t.Fatalf("closed as %s, unpaid %q, balance %v; want closed, invoice_later, %v", tk.Status, tk.UnpaidReason, tk.ClosedBalance, total)
				}
				if ps := paymentsOf(t, db, owing.ID); len(ps) != 0 {
					t.Errorf("closing with an invoice to follow recorded payments %+v", ps)
				}
				if len(got.Signatures) != 1 {
					t.Errorf("%d signatures, want the one the customer gave", len(got.Signatures))
				}
				return
			}
			tapButton(t, q, "Take payment, then sign again")
			tapButton(t, front(w), "Record payment")
			tapButton(t, front(w), "Continue")
			if len(paymentsOf(t, db, owing.ID)) != 1 {
				t.Fatal("no payment recorded")
			}
			if !term.SignOffShown() {
				t.Fatalf("the sign-off did not open again after the payment; on top:\n%s", labels(front(w)))
			}
			signAs("Chen Jing")(t, term, w)
			top := front(w)
			if top == nil || !strings.Contains(labels(top), "Signed by Chen Jing (Customer)") || strings.Contains(labels(top), "report changed") || strings.Contains(labels(top), "owed") {
				on := "nothing"
				if top != nil {
					on = labels(top)
				}
				t.Fatalf("after the payment and the new signature, no plain close's confirmation; on top:\n%s", on)
			}
			tapButton(t, top, "Close visit")
			got := detailOf(t, deps, owing.ID)
			if tk := got.Ticket; tk.Status != app.StatusClosed || tk.UnpaidReason != "" || tk.ClosedBalance == nil || tk.ClosedBalance.Amount != 0 {
				t.Fatalf("closed as %s, unpaid %q, balance %v; want closed with nothing owed", tk.Status, tk.UnpaidReason, tk.ClosedBalance)
			}
			if len(got.Signatures) != 2 {
				t.Errorf("%d signatures, want 2: the one of the report owed and the one of the report paid", len(got.Signatures))
			}
		})
	}
}

// TestSignedThenChangedOwingVisitSaysBoth: a customer who signed the
// report, which then changed (a part payment taken after the signature),
// with money still owed: the close says both, that the report changed
// since the signature and what is still owed (the amount after the part
// payment), in the usual order, and offers the payment then the sign-off
// first, the sign-off, and the close without it; closing without it still
// asks for the money, and closes nothing.
func TestSignedThenChangedOwingVisitSaysBoth(t *testing.T) {
	term, w, deps, _, owing, total := owingWorld(t)
	tapButton(t, term.Detail().Object(), "Customer sign-off")
	signAs("Chen Jing")(t, term, w)
	part := app.Money{Amount: total.Amount / 2, Currency: total.Currency}
	if _, err := deps.Commit.Commit(t.Context(), deps.Actor, &app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: owing.ID,
		Kind: app.PaymentPayment, Method: app.MethodCash, Amount: part}}); err != nil {
		t.Fatal(err)
	}
	left := app.Money{Amount: total.Amount - part.Amount, Currency: total.Currency}
	term.Detail().Show(owing.ID)
	tapButton(t, term.Detail().Object(), "Close visit")
	q := front(w)
	want := "Signed by Chen Jing (Customer)"
	wantOwed := ", but the report changed since (a payment, part or repair). " + ui.MoneyText(left) + " is still owed. The usual order: take the payment, then the customer signs the report that shows it, then the visit closes."
	if s := labels(q); !strings.Contains(s, want) || !strings.Contains(s, wantOwed) {
		t.Fatalf("the close of a visit signed, changed since and owing says:\n%s\nwant %q and %q", s, want, wantOwed)
	}
	if got, want := buttonTexts(q), "Take payment, then sign-off\nCustomer sign-off\nClose without sign-off\n"; !strings.Contains(got, want) {
		t.Fatalf("the close question offers:\n%s\nwant, in this order:\n%s", got, want)
	}
	tapButton(t, q, "Close without sign-off")
	if s := labels(front(w)); !strings.Contains(s, ui.MoneyText(left)+" is still owed") {
		t.Errorf("closing without a new sign-off with money owed does not ask for it:\n%s", s)
	}
	if got := detailOf(t, deps, owing.ID).Ticket.Status; got != app.StatusCompleted {
		t.Errorf("closing without a new sign-off with money owed left the visit %s, want it open until paid or a reason is given", got)
	}
}

// TestSignedOwingVisitClosesWithoutFullPayment: the close after a
// signature of a report that shows money owed offers "Close without full
// payment" beside the invoice to follow: it asks why, showing the amount
// owed, and records the reason chosen (goodwill; other, in the words
// typed) with the balance, the signature kept and no payment; "Other"
// without words, and no reason at all, close nothing; "Keep it open"
// leaves the visit as it was. Before, the choice sent no balance, and
// every reason was refused with "Send the balance owed with the reason
// it is unpaid": the visit could not close that way.
func TestSignedOwingVisitClosesWithoutFullPayment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reason string // the choice; "" keeps it open
		words  string
	}{
		{"Goodwill", "Goodwill (waived)", ""},
		{"OtherInWords", "Other", "The customer disputes the call-out fee"},
		{"KeptOpen", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, w, deps, db, owing, total := owingWorld(t)
			tapButton(t, term.Detail().Object(), "Close visit")
			tapButton(t, front(w), "Customer sign-off")
			signAs("Chen Jing")(t, term, w)
			tapButton(t, front(w), "Close without full payment")
			form := front(w)
			if s := labels(form); !strings.Contains(s, "Owed") || !strings.Contains(s, ui.MoneyText(total)) || !strings.Contains(s, "Why unpaid") {
				t.Fatalf("the unpaid close's form says:\n%s\nwant the amount owed, %s, and why", s, ui.MoneyText(total))
			}
			status := func() app.Status { return detailOf(t, deps, owing.ID).Ticket.Status }
			if tc.reason == "" {
				tapButton(t, form, "Keep it open")
				if got := status(); got != app.StatusCompleted {
					t.Fatalf("Keep it open left the visit %s", got)
				}
				return
			}
			tapButton(t, form, "Close unpaid")
			if got := status(); got != app.StatusCompleted {
				t.Fatalf("closed unpaid with no reason chosen: %s", got)
			}
			ui.ChooseInFront(w, tc.reason)
			if tc.words != "" {
				tapButton(t, front(w), "Close unpaid")
				if got := status(); got != app.StatusCompleted {
					t.Fatalf("closed for %s without words: %s", tc.reason, got)
				}
				typeInto(t, front(w), "In words", tc.words)
			}
			tapButton(t, front(w), "Close unpaid")
			got := detailOf(t, deps, owing.ID)
			tk := got.Ticket
			wantUnpaid := map[string]string{"Goodwill (waived)": app.UnpaidGoodwill, "Other": app.UnpaidOther}[tc.reason]
			if tk.Status != app.StatusClosed || tk.UnpaidReason != wantUnpaid || tk.ClosedBalance == nil || *tk.ClosedBalance != total {
				t.Fatalf("closed as %s, unpaid %q, balance %v; want closed, %s, %v", tk.Status, tk.UnpaidReason, tk.ClosedBalance, wantUnpaid, total)
			}
			if tk.StatusReason != tc.words {
				t.Errorf("the close's reason is %q, want the words typed, %q", tk.StatusReason, tc.words)
			}
			if ps := paymentsOf(t, db, owing.ID); len(ps) != 0 {
				t.Errorf("closing unpaid recorded payments %+v", ps)
			}
			if len(got.Signatures) != 1 {
				t.Errorf("%d signatures, want the one the customer gave", len(got.Signatures))
			}
		})
	}
}

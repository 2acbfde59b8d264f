package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// moneyTerminal is a terminal on a real store that reads payments; the
// device has receipt prefix (none when "", as before its first sync).
func moneyTerminal(t *testing.T, prefix string) (*ui.Terminal, fyne.Window, ui.Deps, *store.DB) {
	t.Helper()
	return moneyTerminalWith(t, prefix, nil)
}

// moneyTerminalWith is moneyTerminal whose deps edit changes before the
// terminal starts.
func moneyTerminalWith(t *testing.T, prefix string, edit func(*ui.Deps)) (*ui.Terminal, fyne.Window, ui.Deps, *store.DB) {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _, db := openDemoStore(t, now)
	deps.Payments = store.NewPaymentService(db)
	if prefix != "" {
		if err := db.ApplyPull(context.Background(), app.PullPage{ReceiptPrefix: prefix, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(&deps)
	}
	term := ui.NewTerminal(t.Context(), deps)
	term.ManualSearch()
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	return term, w, deps, db
}

// paidTicket is unpricedTicket with an hour of repair logged on it, so
// the customer pays: the ticket, open and assigned, is on screen with its
// charges.
func paidTicket(t *testing.T, term *ui.Terminal, deps ui.Deps, serial string) (app.Ticket, app.Money) {
	t.Helper()
	ctx := context.Background()
	tk := unpricedTicket(t, term, deps, serial)
	if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the display", Minutes: 60}}); err != nil {
		t.Fatal(err)
	}
	tk = ticketNow(t, deps, tk.ID).Ticket
	term.Detail().Show(tk.ID)
	total, ok := term.Detail().Charges()
	if !ok || total.Amount <= 0 {
		t.Fatalf("the ticket's charges are %v (priced: %v); the tests need a paid repair", total, ok)
	}
	return tk, total
}

// unpricedTicket checks in a phone with no proof of purchase (out of
// warranty) and nothing done on it yet: the ticket, open and assigned, is
// on screen, its work paid and not priced.
func unpricedTicket(t *testing.T, term *ui.Terminal, deps ui.Deps, serial string) app.Ticket {
	t.Helper()
	ctx := context.Background()
	now := deps.Now()
	tk := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindCarryIn, Country: deps.Country,
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi Note 13", Serial: serial},
		Customer: app.Customer{Name: "Li Na", Phone: "+86 139 1234 5678"}, Fault: "Screen flickers",
		Priority: app.PriorityNormal, Status: app.StatusAssigned, CreatedAt: now}
	if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.CreateTicket{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	tk = ticketNow(t, deps, tk.ID).Ticket
	term.Detail().Show(tk.ID)
	return tk
}

func paymentsOf(t *testing.T, db *store.DB, id app.TicketID) []app.Payment {
	t.Helper()
	ps, err := store.NewPaymentService(db).Payments(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func front(w fyne.Window) fyne.CanvasObject { return w.Canvas().Overlays().Top() }

// TestEstimateApproval: paid work warns before it starts, the warning's
// one tap issues the estimate prefilled with the charges, the customer
// answers with their typed name, and work then starts without a warning.
func TestEstimateApproval(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643809")
	detail := term.Detail().Object()
	if !strings.Contains(labels(detail), "has not approved the cost of "+ui.MoneyText(total)) {
		t.Fatalf("no approval warning on the ticket:\n%s", labels(detail))
	}
	tapButton(t, detail, "Start work")
	if !strings.Contains(labels(front(w)), "No approved estimate") {
		t.Fatalf("starting paid work did not warn:\n%s", labels(front(w)))
	}
	tapButton(t, front(w), "Estimate")
	if got, _ := ui.EntryTextInFront(w, ""); got != ui.AmountText(total) {
		t.Errorf("estimate prefilled with %q, want %q", got, ui.AmountText(total))
	}
	if !ui.TypeInFront(w, "What the price covers, what may change it", "Display and labour") {
		t.Fatal("no note field")
	}
	tapButton(t, front(w), "Issue estimate")
	ests, err := store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
	if err != nil || len(ests) != 1 || ests[0].Amount != total || ests[0].Decision != app.EstimatePending {
		t.Fatalf("estimates %+v, %v; want one pending for %v", ests, err, total)
	}
	// The customer's answer opens at once; without a name it is refused
	// and nothing changes.
	for _, tc := range []struct{ name, answer, want string }{
		{"Li Na", "", "approved or declined"},
		{"", "Approve", "type or say their name"},
	} {
		if tc.answer != "" && !ui.ChooseInFront(w, tc.answer) {
			t.Fatalf("no %q choice:\n%s", tc.answer, labels(front(w)))
		}
		ui.TypeInFront(w, "Name of the person answering", tc.name)
		tapButton(t, front(w), "Record answer")
		if !strings.Contains(labels(front(w)), tc.want) {
			t.Errorf("answer %q/%q: the form does not say %q:\n%s", tc.name, tc.answer, tc.want, labels(front(w)))
		}
		if ests, _ := store.NewPaymentService(db).Estimates(context.Background(), tk.ID); ests[0].Decision != app.EstimatePending {
			t.Fatalf("a refused answer was saved: %+v", ests[0])
		}
	}
	// An approval needs the customer's signature on the pad: without
	// strokes it is refused, and nothing is recorded.
	ui.ChooseInFront(w, "Approve")
	ui.TypeInFront(w, "Name of the person answering", "Li Na")
	tapButton(t, front(w), "Record answer")
	if !strings.Contains(labels(front(w)), "sign on the pad to approve") {
		t.Errorf("an approval without a signature does not ask for one:\n%s", labels(front(w)))
	}
	if d := ticketNow(t, deps, tk.ID); len(d.Signatures) != 0 || len(d.Photos) != 0 {
		t.Fatalf("an unsigned approval recorded %d signatures, %d photos", len(d.Signatures), len(d.Photos))
	}
	if ests, _ := store.NewPaymentService(db).Estimates(context.Background(), tk.ID); ests[0].Decision != app.EstimatePending {
		t.Fatalf("an unsigned approval was saved: %+v", ests[0])
	}
	pad := ui.SignPadInFront(w)
	if pad == nil {
		t.Fatalf("no signature pad in the answer:\n%s", labels(front(w)))
	}
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.2, s.Height*0.4), fyne.NewPos(s.Width*0.3, s.Height*0.7))
	strokes := pad.Strokes()
	tapButton(t, front(w), "Record answer")
	ests, _ = store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
	if ests[0].Decision != app.EstimateApproved || ests[0].ApprovedBy != "Li Na" || ests[0].Signature == "" {
		t.Fatalf("estimate after approval: %+v", ests[0])
	}
	checkEstimateSignature(t, deps, ests[0], strokes)
	detail = term.Detail().Object()
	if s := labels(detail); strings.Contains(s, "has not approved") || !strings.Contains(s, "approved by Li Na") {
		t.Errorf("after approval the ticket shows:\n%s", s)
	}
	// The technician asked to start: approved, the work starts, without
	// a second tap on the button they had tapped.
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusInProgress {
		t.Errorf("after approval asked for by Start work the ticket is %s, want %s", got, app.StatusInProgress)
	}
}

// TestDeclinedEstimateDoesNotStart: the customer declines the estimate
// asked for by Start work: nothing starts, and the ticket says so.
func TestDeclinedEstimateDoesNotStart(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	tk, _ := paidTicket(t, term, deps, "356938035643817")
	tapButton(t, term.Detail().Object(), "Start work")
	tapButton(t, front(w), "Estimate")
	tapButton(t, front(w), "Issue estimate")
	ui.ChooseInFront(w, "Decline")
	ui.TypeInFront(w, "Name of the person answering", "Li Na")
	tapButton(t, front(w), "Record answer")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusAssigned {
		t.Errorf("after a declined estimate the ticket is %s, want %s", got, app.StatusAssigned)
	}
}

// TestPartialPaymentThenBalance: a part payment in cash, then the
// balance by card, which needs its slip number; bad amounts are refused
// in the form and save nothing.
func TestPartialPaymentThenBalance(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643809")
	const hint = "Amount in CNY, e.g. 67.80"
	tapButton(t, term.Detail().Object(), "Take payment")
	if got, ok := ui.EntryTextInFront(w, hint); !ok || got != ui.AmountText(total) {
		t.Fatalf("amount prefilled %q (%v), want the balance %q", got, ok, ui.AmountText(total))
	}
	for _, bad := range []string{"abc", "10.555", "-5", "1e3", "12,3.4", "", "99999999999999999999"} {
		ui.TypeInFront(w, hint, bad)
		tapButton(t, front(w), "Record payment")
		// "10.555" reads as ten thousand five hundred and fifty-five in
		// Spanish: the form asks for it without a thousands mark.
		if s := labels(front(w)); !strings.Contains(s, "up to two decimals") && !strings.Contains(s, "out of range") && !strings.Contains(s, "above zero") && !strings.Contains(s, "no thousands mark") {
			t.Errorf("amount %q: the form does not say what is wrong:\n%s", bad, s)
		}
		if n := len(paymentsOf(t, db, tk.ID)); n != 0 {
			t.Fatalf("amount %q saved %d payments", bad, n)
		}
	}
	ui.TypeInFront(w, hint, "10,5")
	tapButton(t, front(w), "Record payment")
	if s := labels(front(w)); !strings.Contains(s, "Receipt D12-1") {
		t.Errorf("no receipt number shown:\n%s", s)
	}
	ps := paymentsOf(t, db, tk.ID)
	if len(ps) != 1 || ps[0].Amount.Amount != 1050 || ps[0].Method != app.MethodCash || ps[0].Receipt != "D12-1" || ps[0].Kind != app.PaymentPayment {
		t.Fatalf("payments %+v; want one cash payment of 10.50, receipt D12-1", ps)
	}
	press(w, fyne.KeyEscape)
	rest := app.Money{Amount: total.Amount - 1050, Currency: total.Currency}
	detail := term.Detail().Object()
	if s := labels(detail); !strings.Contains(s, "Still owed: "+ui.MoneyText(rest)) || !strings.Contains(s, "D12-1") {
		t.Fatalf("after a part payment the card shows:\n%s", s)
	}
	tapButton(t, detail, "Take payment")
	if got, _ := ui.EntryTextInFront(w, hint); got != ui.AmountText(rest) {
		t.Errorf("second payment prefilled %q, want the rest %q", got, ui.AmountText(rest))
	}
	ui.ChooseInFront(w, "Card")
	tapButton(t, front(w), "Record payment")
	if s := labels(front(w)); !strings.Contains(s, "slip or transaction number") {
		t.Errorf("a card payment without its slip number was not refused in the form:\n%s", s)
	}
	if n := len(paymentsOf(t, db, tk.ID)); n != 1 {
		t.Fatalf("a refused card payment was saved: %d payments", n)
	}
	ui.TypeInFront(w, "Slip or transaction number (card, mobile)", "SLIP-4471")
	tapButton(t, front(w), "Record payment")
	ps = paymentsOf(t, db, tk.ID)
	if len(ps) != 2 || ps[1].Receipt != "D12-2" || ps[1].Reference != "SLIP-4471" || app.Paid(ps, total.Currency) != total.Amount {
		t.Fatalf("payments %+v; want the rest by card, receipt D12-2", ps)
	}
	press(w, fyne.KeyEscape)
	if s := labels(term.Detail().Object()); !strings.Contains(s, "Nothing owed.") {
		t.Errorf("paid in full, the card shows:\n%s", s)
	}
}

// TestPaymentWithoutReceiptPrefix: before its first sync a device has no
// receipt numbers: the payment is refused with what to do, and nothing is
// saved.
func TestPaymentWithoutReceiptPrefix(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "")
	tk, _ := paidTicket(t, term, deps, "356938035643809")
	tapButton(t, term.Detail().Object(), "Take payment")
	tapButton(t, front(w), "Record payment")
	if s := labels(front(w)); !strings.Contains(s, "sync once") {
		t.Errorf("the refusal does not say to sync:\n%s", s)
	}
	if n := len(paymentsOf(t, db, tk.ID)); n != 0 {
		t.Errorf("%d payments saved without a receipt prefix", n)
	}
}

// TestCloseRefusedWhileOwed: closing with money owed asks for the
// payment or a reason; without a reason it does not close, with "invoice
// later" it closes and records the balance.
func TestCloseRefusedWhileOwed(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643809")
	ctx := context.Background()
	diag := "Display connector loose"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatal(err)
		}
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Hand back and close")
	if s := labels(front(w)); !strings.Contains(s, ui.MoneyText(total)+" is still owed") {
		t.Fatalf("closing with money owed does not say so:\n%s", s)
	}
	tapButton(t, front(w), "Close without full payment")
	tapButton(t, front(w), "Close unpaid")
	if s := labels(front(w)); !strings.Contains(s, "Choose why the ticket closes unpaid") {
		t.Errorf("closing unpaid without a reason does not say why it is refused:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Fatalf("closed without a reason: %s", got)
	}
	ui.ChooseInFront(w, "Other")
	tapButton(t, front(w), "Close unpaid")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Fatalf("closed for Other without words: %s", got)
	}
	ui.ChooseInFront(w, "Invoice later")
	tapButton(t, front(w), "Close unpaid")
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusClosed || got.UnpaidReason != app.UnpaidInvoiceLater || got.ClosedBalance == nil || *got.ClosedBalance != total {
		t.Fatalf("closed as %s, unpaid %q, balance %v; want closed, invoice_later, %v", got.Status, got.UnpaidReason, got.ClosedBalance, total)
	}
}

// TestCounterIntakeToPickUpWithPayment: a deposit taken at check-in, its
// receipt in the message; at pick-up the balance is in the check list and
// is paid before the device is handed back and the ticket closed.
func TestCounterIntakeToPickUpWithPayment(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	ctx := context.Background()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643809"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	// A bad deposit refuses the check-in under its field: no ticket.
	for _, tc := range []struct{ amount, method, ref, field, want string }{
		{"5x", "Cash", "", "deposit", "up to two decimals"},
		{"50", "Mobile payment", "", "deposit", "slip or transaction number"},
	} {
		form.SetDeposit(tc.amount, tc.method, tc.ref)
		form.Submit()
		if got := form.FieldProblem(tc.field); !strings.Contains(got, tc.want) {
			t.Errorf("deposit %q by %s: under %s %q, want %q", tc.amount, tc.method, tc.field, got, tc.want)
		}
		if _, n, _ := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "356938035643809"}); n != 0 {
			t.Fatalf("a refused deposit checked the device in")
		}
	}
	form.SetDeposit("50", "Cash", "")
	// The deposit changed, its problem goes before the next submit.
	if p, above := form.FieldProblem("deposit"), form.Problem(); p != "" || above != "" {
		t.Errorf("the deposit's problem stays after it was changed: %q, above the buttons %q", p, above)
	}
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	press(w, fyne.KeyEscape) // the claim tag's print dialog
	if s := term.ScanStatus(); !strings.Contains(s, "receipt D12-1") {
		t.Errorf("the check-in message lacks the deposit's receipt: %q", s)
	}
	// Before the work is priced, a deposit is money held, not a refund due.
	if s := labels(term.Detail().Object()); !strings.Contains(s, "¥50.00 paid in advance") || strings.Contains(s, "refund it") {
		t.Errorf("the new ticket's charges card does not hold the deposit:\n%s", s)
	}
	found, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "356938035643809"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v", n, err)
	}
	tk := found[0]
	ps := paymentsOf(t, db, tk.ID)
	if len(ps) != 1 || ps[0].Kind != app.PaymentDeposit || ps[0].Amount.Amount != 5000 || ps[0].Receipt != "D12-1" {
		t.Fatalf("payments after check-in %+v; want a deposit of 50.00, receipt D12-1", ps)
	}

	diag := "Display connector loose"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the display", Minutes: 60}},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatal(err)
		}
	}
	term.Detail().Show(tk.ID)
	total, _ := term.Detail().Charges()
	owed := app.Money{Amount: total.Amount - 5000, Currency: total.Currency}
	if owed.Amount <= 0 {
		t.Fatalf("charges %v do not exceed the deposit", total)
	}

	text, err := scanner.FormatLabel(scanner.ClaimTagFor(tk).Label())
	if err != nil {
		t.Fatal(err)
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: text}})
	if s := labels(front(w)); !strings.Contains(s, "Take the "+ui.MoneyText(owed)+" still owed") || !strings.Contains(s, "…5678") {
		t.Fatalf("the pick-up's check list lacks the balance:\n%s", s)
	}
	tapButton(t, front(w), "Hand back and close")
	if s := labels(front(w)); !strings.Contains(s, ui.MoneyText(owed)+" is still owed") {
		t.Fatalf("handing back with money owed does not ask for it:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Fatalf("closed with money owed: %s", got)
	}
	tapButton(t, front(w), "Take payment")
	ui.ChooseInFront(w, "Mobile payment")
	ui.TypeInFront(w, "Slip or transaction number (card, mobile)", "WX-20260618-0042")
	tapButton(t, front(w), "Record payment")
	// The receipt number first, for the customer's copy; the close only
	// when the technician goes on.
	if s := labels(front(w)); !strings.Contains(s, "Receipt D12-2") {
		t.Fatalf("the receipt is not in front after the payment:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Fatalf("closed before the receipt was seen: %s", got)
	}
	tapButton(t, front(w), "Continue")
	// Paid in full: the close asks once more, as any close does.
	tapButton(t, front(w), "Hand back and close")
	got := ticketNow(t, deps, tk.ID).Ticket
	ps = paymentsOf(t, db, tk.ID)
	if got.Status != app.StatusClosed || got.UnpaidReason != "" || got.ClosedBalance == nil || got.ClosedBalance.Amount != 0 {
		t.Errorf("after pick-up: %s, unpaid %q, balance %v; want closed with nothing owed", got.Status, got.UnpaidReason, got.ClosedBalance)
	}
	if len(ps) != 2 || ps[1].Receipt != "D12-2" || ps[1].Method != app.MethodMobile || app.Paid(ps, total.Currency) != total.Amount {
		t.Errorf("payments after pick-up %+v; want the balance by mobile payment, receipt D12-2", ps)
	}
}

// TestRefund: a refund is confirmed in red, bounded by what was paid,
// and recorded with its own receipt.
func TestRefund(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, _ := paidTicket(t, term, deps, "356938035643809")
	const hint = "Amount in CNY, e.g. 67.80"
	tapButton(t, term.Detail().Object(), "Take payment")
	ui.TypeInFront(w, hint, "20")
	tapButton(t, front(w), "Record payment")
	press(w, fyne.KeyEscape)
	for _, tc := range []struct {
		amount string
		want   string
		n      int
	}{
		{"20.01", "more than the", 1},
		{"5", "Receipt D12-2", 2},
	} {
		tapButton(t, term.Detail().Object(), "Refund")
		ui.TypeInFront(w, hint, tc.amount)
		tapButton(t, front(w), "Refund")
		if s := labels(front(w)); !strings.Contains(s, "Refund ¥"+tc.amount) || !strings.Contains(s, "cannot be taken back") {
			t.Fatalf("refund %s is not confirmed:\n%s", tc.amount, s)
		}
		tapButton(t, front(w), "Refund")
		if s := labels(front(w)); !strings.Contains(s, tc.want) {
			t.Errorf("refund %s: %q not shown:\n%s", tc.amount, tc.want, s)
		}
		if ps := paymentsOf(t, db, tk.ID); len(ps) != tc.n {
			t.Fatalf("refund %s: %d payments, want %d", tc.amount, len(ps), tc.n)
		}
		press(w, fyne.KeyEscape)
	}
	ps := paymentsOf(t, db, tk.ID)
	if ps[1].Kind != app.PaymentRefund || ps[1].Amount.Amount != 500 || app.Paid(ps, "CNY") != 1500 {
		t.Errorf("payments after the refund %+v; want a refund of 5.00, 15.00 paid", ps)
	}
}

// TestFreeRepairShowsNoMoney: a repair in warranty with no money taken
// has no charges card, and closes as before, recording nothing owed.
func TestFreeRepairShowsNoMoney(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	ctx := context.Background()
	now := deps.Now()
	tk := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindCarryIn, Country: deps.Country,
		Product: app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi Note 13", Serial: "356938035643809",
			PurchaseDate: now.AddDate(0, -2, 0).UTC(), ProofOfPurchase: "INV-1"},
		Customer: app.Customer{Name: "Li Na", Phone: "+86 139 1234 5678"}, Fault: "Screen flickers",
		Priority: app.PriorityNormal, Status: app.StatusAssigned, CreatedAt: now}
	if _, err := deps.Commit.Commit(ctx, deps.Actor, &app.CreateTicket{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	tk = ticketNow(t, deps, tk.ID).Ticket
	diag := "Display connector loose"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Reseated the connector", Minutes: 20}},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatal(err)
		}
	}
	term.Detail().Show(tk.ID)
	if total, ok := term.Detail().Charges(); !ok || total.Amount != 0 {
		t.Fatalf("charges %v (%v); the test needs a free repair", total, ok)
	}
	if s := labels(term.Detail().Object()); strings.Contains(s, "Charges and payments") {
		t.Errorf("a free repair shows the charges card:\n%s", s)
	}
	tapButton(t, term.Detail().Object(), "Hand back and close")
	tapButton(t, front(w), "Hand back and close")
	got := ticketNow(t, deps, tk.ID).Ticket
	if got.Status != app.StatusClosed || got.ClosedBalance == nil || got.ClosedBalance.Amount != 0 || got.UnpaidReason != "" {
		t.Errorf("closed as %s, balance %v, unpaid %q; want closed with nothing owed", got.Status, got.ClosedBalance, got.UnpaidReason)
	}
}

// TestDepositWithoutReceiptPrefix: before its first sync the device
// checks the device in all the same and says the deposit was not taken,
// and what to do.
func TestDepositWithoutReceiptPrefix(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "")
	ctx := context.Background()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643809"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.SetDeposit("50", "Cash", "")
	form.Submit()
	if s := labels(front(w)); !strings.Contains(s, "sync once") {
		t.Errorf("the deposit's refusal is not shown:\n%s", s)
	}
	found, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "356938035643809"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v; the device is checked in without its deposit", n, err)
	}
	if s := term.ScanStatus(); strings.Contains(s, "deposit") {
		t.Errorf("the message claims a deposit: %q", s)
	}
	ps, err := deps.Payments.Payments(ctx, found[0].ID)
	if err != nil || len(ps) != 0 {
		t.Errorf("payments %+v, %v; want none", ps, err)
	}
}

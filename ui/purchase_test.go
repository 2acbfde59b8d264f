package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// purchaseNow is the purchase tests' now.
var purchaseNow = time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)

// purchaseCase is a terminal over a demo store whose saves rec records,
// and one of the demo technician's open tickets out of warranty by its
// purchase date alone: bought three years before it was opened, with an
// invoice, no damage found, and an hour of labour to charge.
type purchaseCase struct {
	term *ui.Terminal
	w    fyne.Window
	deps ui.Deps
	rec  *contactRecorder
	db   *store.DB
	tk   app.Ticket
}

// The purchase dialog's fields, by their placeholders.
const (
	proofHint = "Invoice or receipt number"
	dayHint   = "from the invoice"
)

func openPurchaseCase(t *testing.T, withMoney bool) *purchaseCase {
	t.Helper()
	c := openPurchaseCaseBought(t, withMoney, func(opened time.Time) time.Time { return opened.AddDate(-3, 0, 0) })
	if shown := labels(c.term.Detail().Object()); !strings.Contains(shown, lang.X("warranty.coverage.out", "Out of warranty")) {
		t.Fatalf("the ticket is not out of warranty to begin with:\n%s", shown)
	}
	return c
}

// openPurchaseCaseBought is openPurchaseCase whose ticket was bought on
// the day bought gives for the day it was opened.
func openPurchaseCaseBought(t *testing.T, withMoney bool, bought func(opened time.Time) time.Time) *purchaseCase {
	t.Helper()
	var id app.TicketID
	deps, _, db := openDemoStoreWith(t, purchaseNow, func(ds *app.Dataset) {
		for i := range ds.Tickets {
			tk := &ds.Tickets[i].Ticket
			if tk.Technician != demo.DemoTechnician || !tk.Status.Open() || len(ds.Tickets[i].Parts) > 0 {
				continue
			}
			id = tk.ID
			tk.Product.PurchaseDate = civilDay(bought(tk.CreatedAt))
			tk.Product.ProofOfPurchase, tk.Product.PlanID = "INV-2023-0001", ""
			tk.Condition = app.Condition{}
			tk.LabourMinutes = 60
			return
		}
	})
	if id == "" {
		t.Fatal("the demo technician has no open ticket without parts")
	}
	if withMoney {
		deps.Payments = store.NewPaymentService(db)
		if err := db.ApplyPull(context.Background(), app.PullPage{ReceiptPrefix: "R5", At: purchaseNow}); err != nil {
			t.Fatal(err)
		}
	}
	rec := &contactRecorder{Committer: deps.Commit}
	deps.Commit = rec
	term, w := openTerminal(t, deps)
	c := &purchaseCase{term: term, w: w, deps: deps, rec: rec, db: db, tk: ticketNow(t, deps, id).Ticket}
	term.Detail().Show(id)
	return c
}

// civilDay is t's calendar day, as a purchase date is kept.
func civilDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// open taps Correct under the purchase date and returns its dialog.
func (c *purchaseCase) open(t *testing.T) fyne.CanvasObject {
	t.Helper()
	tapButton(t, c.term.Detail().Object(), lang.X("purchase.correct", "Correct"))
	d := c.w.Canvas().Overlays().Top()
	if d == nil || !strings.Contains(labels(d), lang.X("purchase.title", "Purchase date · {{.Number}}", map[string]any{"Number": c.tk.Number})) {
		t.Fatal("Correct opened no purchase date dialog")
	}
	return d
}

// unchanged fails unless nothing was saved and the store holds the
// ticket's purchase as it was.
func (c *purchaseCase) unchanged(t *testing.T) {
	t.Helper()
	if len(c.rec.cmds) != 0 {
		t.Errorf("saved %#v", c.rec.cmds)
	}
	if p := ticketNow(t, c.deps, c.tk.ID).Ticket.Product; !p.PurchaseDate.Equal(c.tk.Product.PurchaseDate) || p.ProofOfPurchase != c.tk.Product.ProofOfPurchase {
		t.Errorf("the ticket's purchase changed: %v %q", p.PurchaseDate, p.ProofOfPurchase)
	}
	if pending, err := c.db.Pending(t.Context(), 10); err != nil || len(pending) != 0 {
		t.Errorf("the outbox holds %v (%v), want nothing", pending, err)
	}
}

// TestPurchaseCorrectionDecidesTheWarrantyAgain: the invoice found later
// says the phone was bought a month before it came in. Correct opens
// with the date and proof as the ticket has them; the date typed shows
// the warranty it leads to before it is saved; Save saves one
// ticket.update of the date and proof with what was shown as base, to
// send with the next sync, and the ticket shows the new date and the
// warranty decided again, saying what it was before.
func TestPurchaseCorrectionDecidesTheWarrantyAgain(t *testing.T) {
	c := openPurchaseCase(t, false)
	d := c.open(t)
	if got, want := fieldText(t, d, dayHint), translations.Date("en", c.tk.Product.PurchaseDate); got != want {
		t.Errorf("the date opened with %q, want %q", got, want)
	}
	if got := fieldText(t, d, proofHint); got != c.tk.Product.ProofOfPurchase {
		t.Errorf("the proof opened with %q, want %q", got, c.tk.Product.ProofOfPurchase)
	}
	bought := civilDay(c.tk.CreatedAt.AddDate(0, -1, 0))
	typeInto(t, d, dayHint, bought.Format(time.DateOnly))
	typeInto(t, d, proofHint, "INV-2026-0518")
	if shown := labels(d); !strings.Contains(shown, "With this date: In warranty") || !strings.Contains(shown, "Warranty now: Out of warranty") {
		t.Errorf("the dialog does not show the warranty now and with the date typed:\n%s", shown)
	}
	tapButton(t, d, "Save")
	if n := len(c.w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("Save left %d overlays open:\n%s", n, labels(c.w.Canvas().Overlays().Top()))
	}
	if len(c.rec.cmds) != 1 {
		t.Fatalf("saved %d commands, want 1: %#v", len(c.rec.cmds), c.rec.cmds)
	}
	u, ok := c.rec.cmds[0].(*app.UpdateTicket)
	if !ok {
		t.Fatalf("saved %T, want *app.UpdateTicket", c.rec.cmds[0])
	}
	if u.Set.PurchaseDate == nil || !u.Set.PurchaseDate.Equal(bought) || deref(u.Set.ProofOfPurchase) != "INV-2026-0518" {
		t.Errorf("saved date %v proof %q, want %v %q", u.Set.PurchaseDate, deref(u.Set.ProofOfPurchase), bought, "INV-2026-0518")
	}
	if u.Base.PurchaseDate == nil || !u.Base.PurchaseDate.Equal(c.tk.Product.PurchaseDate) || deref(u.Base.ProofOfPurchase) != c.tk.Product.ProofOfPurchase {
		t.Errorf("saved base date %v proof %q, want what was shown", u.Base.PurchaseDate, deref(u.Base.ProofOfPurchase))
	}
	if p := ticketNow(t, c.deps, c.tk.ID).Ticket.Product; !p.PurchaseDate.Equal(bought) || p.ProofOfPurchase != "INV-2026-0518" {
		t.Errorf("the store holds %v %q", p.PurchaseDate, p.ProofOfPurchase)
	}
	if pending, err := c.db.Pending(t.Context(), 10); err != nil || len(pending) != 1 || pending[0].Name != "ticket.update" {
		t.Errorf("the outbox holds %v (%v), want the ticket.update", pending, err)
	}
	shown := labels(c.term.Detail().Object())
	for _, want := range []string{
		translations.Date("en", bought) + " (proof: INV-2026-0518)",
		"In warranty",
		"Changed by the corrected purchase date; before: Out of warranty",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the ticket does not show %q:\n%s", want, shown)
		}
	}
	if total, ok := c.term.Detail().Charges(); !ok || total.Amount != 0 {
		t.Errorf("the customer pays %v (%v) under warranty, want nothing", total, ok)
	}

	// The same date again: Save saves nothing more.
	c.rec.cmds = nil
	d = c.open(t)
	tapButton(t, d, "Save")
	if len(c.rec.cmds) != 0 || len(c.w.Canvas().Overlays().List()) != 0 {
		t.Errorf("Save with nothing changed: %d commands, %d overlays", len(c.rec.cmds), len(c.w.Canvas().Overlays().List()))
	}
}

// TestPurchaseCorrectionRefusesWhatCheckInRefuses: a text that is no
// day is refused as the check-in refuses it, and a day after the ticket
// was opened with what to do instead, in the screen's language; the
// dialog stays open with the typing, nothing is saved and the ticket
// keeps its date.
func TestPurchaseCorrectionRefusesWhatCheckInRefuses(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans"} {
		t.Run(code, func(t *testing.T) {
			if code != "en" {
				inLanguage(t, code)
			}
			c := openPurchaseCase(t, false)
			future := c.tk.CreatedAt.AddDate(0, 0, 3).Format(time.DateOnly)
			for _, tc := range []struct{ typed, says string }{
				{"the 31st of Smarch", lang.X("checkin.bad_date", "", typedDayExamplesAt(code, purchaseNow))},
				{future, lang.X("ticket.invalid.purchase_future", "")},
			} {
				d := c.open(t)
				typeInto(t, d, hintIn(code), tc.typed)
				tapButton(t, d, lang.X("contact.save", "Save"))
				if top := c.w.Canvas().Overlays().Top(); top != d {
					t.Fatalf("the dialog closed on %q", tc.typed)
				}
				shoot(t, c.w, "purchase-refused-"+code+"-"+strings.Fields(tc.typed)[0])
				if shown := labels(d); !strings.Contains(shown, tc.says) {
					t.Errorf("%q: the dialog does not say %q:\n%s", tc.typed, tc.says, shown)
				}
				if got := fieldText(t, d, hintIn(code)); got != tc.typed {
					t.Errorf("the typing went: %q, want %q", got, tc.typed)
				}
				c.unchanged(t)
				press(c.w, fyne.KeyEscape)
				tapButton(t, c.w.Canvas().Overlays().Top(), lang.X("dialog.discard", "Discard"))
				if n := len(c.w.Canvas().Overlays().List()); n != 0 {
					t.Fatalf("Discard left %d overlays", n)
				}
			}
		})
	}
	if !strings.Contains(translations.For("en").Text("ticket.invalid.purchase_future", "", nil), "use the date on the invoice") {
		t.Error("the refusal does not say to use the date on the invoice")
	}
}

// TestPurchaseAfterTheFaultCorrectedFromItsRefusal: a ticket whose
// purchase date is after the fault was reported (a later invoice typed
// by mistake, from a sync) has no warranty decision; the warranty card
// says what to do, and Correct, right above it, does it.
func TestPurchaseAfterTheFaultCorrectedFromItsRefusal(t *testing.T) {
	c := openPurchaseCaseBought(t, false, func(opened time.Time) time.Time { return opened.AddDate(0, 0, 3) })
	shown := labels(c.term.Detail().Object())
	if !strings.Contains(shown, "is after the fault was reported") || !strings.Contains(shown, "use the date on the invoice, or leave it empty") {
		t.Fatalf("the warranty card does not say what to do:\n%s", shown)
	}
	d := c.open(t)
	if shown := labels(d); strings.Contains(shown, "Warranty now") {
		t.Errorf("the dialog shows a warranty the ticket does not have:\n%s", shown)
	}
	typeInto(t, d, dayHint, "")
	tapButton(t, d, "Save")
	if n := len(c.w.Canvas().Overlays().List()); n != 0 || len(c.rec.cmds) != 1 {
		t.Fatalf("Save with the date emptied: %d overlays, %d commands", n, len(c.rec.cmds))
	}
	if u := c.rec.cmds[0].(*app.UpdateTicket); u.Set.PurchaseDate == nil || !u.Set.PurchaseDate.IsZero() {
		t.Errorf("saved date %v, want it emptied", u.Set.PurchaseDate)
	}
	shown = labels(c.term.Detail().Object())
	if strings.Contains(shown, "is after the fault was reported") || !strings.Contains(shown, "Customer pays") {
		t.Errorf("the ticket has no warranty decision after the date was emptied:\n%s", shown)
	}
}

// hintIn is a part of the purchase date's placeholder in code's words.
func hintIn(code string) string {
	if code == "zh-Hans" {
		return "发票"
	}
	return dayHint
}

// typedDayExamplesAt is the data of checkin.bad_date at now in code.
func typedDayExamplesAt(code string, now time.Time) map[string]any {
	return map[string]any{"Example": translations.Date(code, now), "Numeric": translations.NumericDate(code, now), "ISO": now.Format(time.DateOnly)}
}

// TestPurchaseCorrectionSaysWhatHappensToTheMoneyTaken: the customer paid
// the paid repair, or approved its estimate, then brought the invoice
// that puts it under warranty. Save asks first, saying what they pay now
// and what becomes of the payment (not refunded by itself) or the
// estimate (kept as approved); Keep editing saves nothing; Save the date
// saves the date and leaves the money as it was.
func TestPurchaseCorrectionSaysWhatHappensToTheMoneyTaken(t *testing.T) {
	for _, tc := range []struct {
		name string
		// took records the money on the ticket whose repair costs total.
		took func(tk app.Ticket, total app.Money) []app.Command
		says func(total app.Money) string
	}{
		{"Paid", func(tk app.Ticket, total app.Money) []app.Command {
			return []app.Command{&app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: tk.ID, Kind: app.PaymentPayment, Method: app.MethodCash,
				Amount: total, Receipt: "R5-1", At: purchaseNow}}}
		}, func(total app.Money) string { return "Nothing is refunded by itself: refund " + ui.MoneyText(total) }},
		{"EstimateApproved", func(tk app.Ticket, total app.Money) []app.Command {
			est := app.Estimate{ID: app.NewID(), Ticket: tk.ID, Amount: total, At: purchaseNow}
			return []app.Command{&app.IssueEstimate{Estimate: est},
				&app.DecideEstimate{Ticket: tk.ID, Estimate: est.ID, Decision: app.EstimateApproved, Customer: "Li Na"}}
		}, func(total app.Money) string {
			return "The estimate they approved (" + ui.MoneyText(total) + ") stays on the ticket as it was."
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := openPurchaseCase(t, true)
			total, ok := c.term.Detail().Charges()
			if !ok || total.Amount <= 0 {
				t.Fatalf("the paid repair costs %v (%v)", total, ok)
			}
			for _, cmd := range tc.took(c.tk, total) {
				if _, err := c.rec.Committer.Commit(t.Context(), c.deps.Actor, cmd); err != nil {
					t.Fatal(err)
				}
			}
			pending, _ := c.db.Pending(t.Context(), 10)
			c.term.Detail().Show(c.tk.ID)

			bought := civilDay(c.tk.CreatedAt.AddDate(0, -1, 0)).Format(time.DateOnly)
			d := c.open(t)
			typeInto(t, d, dayHint, bought)
			tapButton(t, d, "Save")
			ask := c.w.Canvas().Overlays().Top()
			if ask == nil || ask == d {
				t.Fatal("Save did not ask first: no word of the money taken")
			}
			shoot(t, c.w, "purchase-money-question-"+tc.name)
			said := labels(ask)
			for _, want := range []string{
				"What the customer pays changes",
				"With this date the customer pays " + ui.MoneyText(app.Money{Currency: total.Currency}) + " instead of " + ui.MoneyText(total),
				tc.says(total),
			} {
				if !strings.Contains(said, want) {
					t.Errorf("the question does not say %q:\n%s", want, said)
				}
			}
			tapButton(t, ask, "Keep editing")
			if top := c.w.Canvas().Overlays().Top(); top != d {
				t.Fatal("Keep editing did not go back to the dialog")
			}
			if len(c.rec.cmds) != 0 {
				t.Fatalf("Keep editing saved %#v", c.rec.cmds)
			}
			tapButton(t, d, "Save")
			tapButton(t, c.w.Canvas().Overlays().Top(), "Save the date")
			if n := len(c.w.Canvas().Overlays().List()); n != 0 || len(c.rec.cmds) != 1 {
				t.Fatalf("Save the date: %d overlays, %d commands", n, len(c.rec.cmds))
			}
			if got, _ := c.db.Pending(t.Context(), 10); len(got) != len(pending)+1 || got[len(got)-1].Name != "ticket.update" {
				t.Errorf("the outbox holds %v, want the money's and the ticket.update", got)
			}
			wantPaid := 0
			if tc.name == "Paid" {
				wantPaid = 1
			}
			if got := paymentsOf(t, c.db, c.tk.ID); len(got) != wantPaid || wantPaid == 1 && got[0].Amount != total {
				t.Errorf("the payments are %v, want the money as it was", got)
			}
			if ests, err := c.deps.Payments.Estimates(t.Context(), c.tk.ID); err != nil || tc.name == "EstimateApproved" && (len(ests) != 1 || ests[0].Decision != app.EstimateApproved) {
				t.Errorf("the estimates are %v (%v), want the approved one as it was", ests, err)
			}
		})
	}
}

// TestPurchaseNotCorrectedOnAClosedTicket: a closed ticket's purchase
// date offers no Correct, and says why under the date.
func TestPurchaseNotCorrectedOnAClosedTicket(t *testing.T) {
	deps, _, _ := openDemoStore(t, purchaseNow)
	term, _ := openTerminal(t, deps)
	tk, ok := techTicket(t, deps, func(x app.Ticket) bool { return x.Status == app.StatusClosed })
	if !ok {
		t.Fatal("the demo technician has no closed ticket")
	}
	term.Detail().Show(tk.ID)
	if b := button(term.Detail().Object(), "Correct"); b != nil {
		t.Error("a closed ticket offers Correct")
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "Closed: the purchase date can no longer be corrected.") {
		t.Errorf("the closed ticket does not say why its date stays:\n%s", shown)
	}
}

// TestPurchaseDialogFitsAndShows: the dialog and the ticket after the
// correction, on a 720x1280 phone and a 1920x1080 desktop, in English and
// Chinese, reach past no edge (FIELDBENCH_SHOTS keeps their pictures).
func TestPurchaseDialogFitsAndShows(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans"} {
		for _, size := range []fyne.Size{fyne.NewSize(720, 1280), fyne.NewSize(1920, 1080)} {
			name := code + "-" + sizeName(size)
			t.Run(name, func(t *testing.T) {
				if code != "en" {
					inLanguage(t, code)
				}
				c := openPurchaseCase(t, false)
				c.w.Resize(size)
				c.term.OpenTicket(c.tk.ID)
				d := c.open(t)
				typeInto(t, d, hintIn(code), civilDay(c.tk.CreatedAt.AddDate(0, -1, 0)).Format(time.DateOnly))
				for _, p := range pastTheEdge(c.w) {
					t.Errorf("the dialog: %s", p)
				}
				shoot(t, c.w, "purchase-dialog-"+name)
				tapButton(t, d, lang.X("contact.save", "Save"))
				for range 2 { // the reloaded ticket, as a frame lays it out
					layOutAgain(c.w.Canvas().Content())
				}
				for _, p := range pastTheEdge(c.w) {
					t.Errorf("the ticket: %s", p)
				}
				shoot(t, c.w, "purchase-saved-"+name)
				if !c.term.Detail().ScrollToCard(lang.X("warranty.title", "Warranty")) {
					t.Fatal("the ticket has no warranty card")
				}
				shoot(t, c.w, "purchase-saved-warranty-"+name)
			})
		}
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height) }

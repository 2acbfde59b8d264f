package ui_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
)

// TestIntakeKeepsTheKnownPhone: a customer found by the last digits of
// their phone keeps their whole number on the new ticket (the pick-up
// call and the notices use it); a different number typed stays as typed,
// and so does theirs written whole with an extension their tickets lack.
func TestIntakeKeepsTheKnownPhone(t *testing.T) {
	lastDigits := func(n int) func(string) string {
		return func(whole string) string { d := app.PhoneDigits(whole); return d[len(d)-n:] }
	}
	for _, tc := range []struct {
		name string
		// lookUp is what the counter types to find them; final what the
		// phone field holds at check-in.
		lookUp, final func(whole string) string
		wantOld       bool
	}{
		{"LastFourDigits", lastDigits(4), lastDigits(4), true},
		{"LastEightDigits", lastDigits(8), lastDigits(8), true},
		{"AnotherNumber", lastDigits(4), func(string) string { return "+86 131 0000 0000" }, false},
		{"WithExtension", func(whole string) string { return whole + " ext. 21" }, func(whole string) string { return whole + " ext. 21" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, w, _, ds, deps := scanTerminal(t)
			old, known := returningCustomer(t, deps.Tickets, ds)
			tapButton(t, term.Object(), "Check in")
			form := term.CheckInForm()
			form.SetPhone(tc.lookUp(old.Customer.Phone))
			if !term.FireSearch() {
				t.Fatal("no look-up after the phone was typed")
			}
			tapButton(t, form.Known(), known.Customer.Name)
			typed := tc.final(old.Customer.Phone)
			dev := known.Devices[0]
			form.Fill(dev.Product.Category, known.Customer.Name, typed, dev.Product.Brand, dev.Product.Model, "", "", "Phone check: "+tc.name)
			form.SetSerial(dev.Product.Serial)
			form.Submit()
			if p := form.Problem(); p != "" {
				t.Fatalf("check-in refused: %s", p)
			}
			press(w, fyne.KeyEscape) // the claim tag's print dialog
			found, _, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: known.Customer.Name, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var got *app.Ticket
			for i, f := range found {
				if f.Fault == "Phone check: "+tc.name {
					got = &found[i]
				}
			}
			if got == nil {
				t.Fatal("the new ticket is not found")
			}
			want := typed
			if tc.wantOld {
				want = known.Customer.Phone
			}
			if got.Customer.Phone != want {
				t.Errorf("the ticket's phone is %q, want %q", got.Customer.Phone, want)
			}
		})
	}
}

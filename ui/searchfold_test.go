package ui_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
)

// TestTicketSearchTypedFullWidth: a technician whose Chinese input method
// is in its full-width mode types a customer's phone in the terminal's
// search box ("１３８…", "ｔｅｌ：…"), and the list shows what the same
// digits in ASCII show, their ticket among them; a phone link's last
// three digits ("tel:832") show what those digits show.
func TestTicketSearchTypedFullWidth(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	tk := myTicket(t, ds, deps)
	digits := app.PhoneDigits(tk.Customer.Phone)
	if len(digits) < app.PhoneLookupDigits {
		t.Fatalf("the demo ticket's phone %q has too few digits", tk.Customer.Phone)
	}
	search := term.Search()
	list := func(typed string) []app.TicketID {
		t.Helper()
		w.Canvas().Focus(search)
		shortcut(w, &fyne.ShortcutSelectAll{})
		press(w, fyne.KeyBackspace)
		kb.typeSlowly(search, typed, false)
		term.FireSearch()
		if q := term.List().Query(); q != typed {
			t.Fatalf("typed %q, the list searches %q", typed, q)
		}
		var ids []app.TicketID
		for _, r := range term.List().Tickets() {
			ids = append(ids, r.ID)
		}
		return ids
	}
	for _, tc := range []struct{ typed, ascii string }{
		{apptest.FullWidth(digits[len(digits)-8:]), digits[len(digits)-8:]},
		{apptest.FullWidth("tel:" + digits), digits},
		{"tel:" + digits[len(digits)-3:], digits[len(digits)-3:]},
	} {
		want := list(tc.ascii)
		if !slices.Contains(want, tk.ID) {
			t.Fatalf("%q does not list %s (phone %q)", tc.ascii, tk.Number, tk.Customer.Phone)
		}
		if got := list(tc.typed); !slices.Equal(got, want) {
			t.Errorf("%q lists %d tickets, %q %d: want the same", tc.typed, len(got), tc.ascii, len(want))
		}
	}
}

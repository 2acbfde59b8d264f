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
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/ui"
)

// TestPurchaseAfterTheFaultShowsItsDaysInTheScreensLanguage: a ticket
// whose purchase date was corrected to a day after the fault was reported
// (a later invoice) has no warranty decision, and the ticket's screen says
// why with both days as the screen writes a day: the error said
// "2026-06-15 … (2026-06-10)" in every language.
func TestPurchaseAfterTheFaultShowsItsDaysInTheScreensLanguage(t *testing.T) {
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)
	reported := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	purchased := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC) // a calendar day
	for _, lang := range []string{"en", "zh", "fr"} {
		t.Run(lang, func(t *testing.T) {
			a := test.NewTempApp(t)
			if err := ui.SetLanguage(a, lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ui.SetLanguage(a, "en") })
			var id app.TicketID
			deps, _, _ := openDemoStoreWith(t, now, func(ds *app.Dataset) {
				for i := range ds.Tickets {
					tk := &ds.Tickets[i].Ticket
					if tk.Technician == demo.DemoTechnician && tk.Status.Open() {
						id, tk.CreatedAt = tk.ID, reported
						tk.Product.PurchaseDate, tk.Product.ProofOfPurchase = purchased, "INV-2026-0615"
						return
					}
				}
			})
			if id == "" {
				t.Fatal("the demo technician has no open ticket")
			}
			term := ui.NewTerminal(context.Background(), deps)
			w := test.NewTempWindow(t, term.Object())
			w.Resize(fyne.NewSize(1280, 800))
			term.Detail().Show(id)
			shown := labels(term.Detail().Object())
			said := false // one line, the refusal, names both days
			for _, line := range strings.Split(shown, "\n") {
				said = said || strings.Contains(line, translations.Date(lang, purchased)) && strings.Contains(line, translations.Date(lang, reported))
			}
			if !said {
				t.Errorf("no line of the ticket's screen says the purchase (%s) is after the fault (%s):\n%s", translations.Date(lang, purchased), translations.Date(lang, reported), shown)
			}
			for _, iso := range []string{"2026-06-15", "2026-06-10"} {
				if strings.Contains(shown, iso) {
					t.Errorf("the ticket's screen writes %s in ISO:\n%s", iso, shown)
				}
			}
		})
	}
}

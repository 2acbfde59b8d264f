package ui_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestCloseOwedQuestionsFitAPhone: on a 360 dp phone, in every language,
// the close question of a visit that owes money and is not signed, and
// the close after the customer signed a report that shows it owed, reach
// past no edge: their texts are the longest of the close, and their
// choices are buttons one under the other.
func TestCloseOwedQuestionsFitAPhone(t *testing.T) {
	for _, code := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			var db *store.DB
			term, w, _, ds := docsTerminalEdit(t, func(d *ui.Deps, s *store.DB) {
				d.Payments, db = store.NewPaymentService(s), s
				if err := s.ApplyPull(context.Background(), app.PullPage{ReceiptPrefix: "R5", At: d.Now()}); err != nil {
					t.Fatal(err)
				}
			})
			owingVisit(t, term, db, ds)
			fits := func(name string) {
				t.Helper()
				onSmallPhone(w)
				for _, p := range pastTheEdge(w) {
					t.Errorf("%s: %s", name, p)
				}
				shoot(t, w, "close-owed-"+code+"-"+name+"-360")
				// And as the lead's walk looks at it: a 720x1280 phone.
				w.Resize(fyne.NewSize(720, 1280))
				shoot(t, w, "close-owed-"+code+"-"+name+"-720")
			}
			tapButton(t, term.Detail().Object(), lang.X("action.close_visit", "Close visit"))
			fits("unsigned")
			tapButton(t, front(w), lang.X("sign.open", "Customer sign-off"))
			signAs("Chen Jing")(t, term, w)
			fits("signed")
			// The close that follows the signature is the one asked
			// about: its own choice is there.
			tapButton(t, front(w), lang.X("action.close_visit_invoice_later", "Close, invoice to follow"))
		})
	}
}

package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSignOffTotalInTheTerminalLanguage: the sign-off shows the report's
// total as the terminal's language writes amounts, the language of the
// person holding the screen; the report printed for the customer keeps
// theirs. A Portuguese terminal read "CNY 0.00", the English report's.
func TestSignOffTotalInTheTerminalLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"pt", "¥ 1.234,50"}, {"fr", "1’234,50 ¥"}, {"zh", "¥1,234.50"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			inLanguage(t, tc.lang)
			test.NewTempApp(t)
			deps, ds := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
			tk := completedTicket(t, ds)
			deps.ReportToSign = func(context.Context, app.TicketDetail) (ui.ReportToSign, error) {
				return ui.ReportToSign{Digest: reportDigest, Total: "CNY 1,234.50", Amount: &app.Money{Amount: 123450, Currency: "CNY"}}, nil
			}
			term := ui.NewTerminal(t.Context(), deps)
			w := test.NewTempWindow(t, term.Object())
			w.Resize(fyne.NewSize(1280, 800))
			term.Attach(w)
			term.Detail().Show(tk.ID)
			tapButton(t, term.Object(), lang.X("sign.open", "Customer sign-off"))
			if !term.SignOffShown() {
				t.Fatal("the sign-off did not open")
			}
			if shown := labels(w.Canvas().Overlays().Top()); !strings.Contains(shown, tc.want) || strings.Contains(shown, "CNY") {
				t.Errorf("the sign-off does not show the total as %q:\n%s", tc.want, shown)
			}
		})
	}
}

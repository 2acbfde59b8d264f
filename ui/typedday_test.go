package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/ui"
)

// inLanguage shows the screens built after it in code's language, and
// English again after the test.
func inLanguage(t *testing.T, code string) {
	t.Helper()
	t.Setenv("LANGUAGE", code)
	os.Setenv("LANG", "")
	if err := assets.AddTranslations(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Back to English for the tests that follow in this binary.
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
}

// TestPurchaseDateTypedAsTheInvoicePrintsIt: a counter in French, Spanish
// or Portuguese types the purchase date as the invoice prints it, day
// first ("31/12/2025"); the check-in takes it as that day. It refused it
// for YYYY-MM-DD, a year-first order neither its invoices nor the
// terminal's own dates use. A date it cannot read is refused with an
// example in that order.
func TestPurchaseDateTypedAsTheInvoicePrintsIt(t *testing.T) {
	for _, tc := range []struct{ code, checkIn, order string }{
		{"fr", "Enregistrer un dépôt", "JJ/MM/AAAA"},
		{"es", "Recibir equipo", "DD/MM/AAAA"},
		{"pt", "Receber aparelho", "DD/MM/AAAA"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			term, w, _, _, deps := scanTerminal(t)
			tapButton(t, term.Object(), tc.checkIn)
			form := term.CheckInForm()
			serial := "INVOICE-DAY-" + tc.code

			form.Fill(app.CategoryPhone, "Ana Souza", "+55 11 91234 5678", "Samsung", "Galaxy A54", "2025/31/12", "NF-1", "Tela quebrada")
			form.SetSerial(serial)
			form.Submit()
			// The scenario's now is 18 June 2026, shown day first.
			if got := form.FieldProblem("bought"); !strings.Contains(got, tc.order) || !strings.Contains(got, "18/06/2026") {
				t.Fatalf("an unreadable date says %q; want the order %s and an example 18/06/2026", got, tc.order)
			}

			form.Fill(app.CategoryPhone, "Ana Souza", "+55 11 91234 5678", "Samsung", "Galaxy A54", "31/12/2025", "NF-1", "Tela quebrada")
			form.Submit()
			if p := form.Problem(); p != "" {
				t.Fatalf("check-in refused the invoice's date: %s", p)
			}
			press(w, fyne.KeyEscape) // the claim tag's print dialog
			found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
			if err != nil || n != 1 {
				t.Fatalf("tickets for %s: %d, %v", serial, n, err)
			}
			if got, want := found[0].Product.PurchaseDate, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("purchase date kept as %v, want %v", got, want)
			}
		})
	}
}

// TestPurchaseDateDayFirstOnlyWhereTheLanguageWritesIt: in English
// "05/07/2025" is no day the form can tell (5 July or May 7th), so it
// is still refused; the day the terminal shows ("5 Jul 2025") is taken.
func TestPurchaseDateDayFirstOnlyWhereTheLanguageWritesIt(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "05/07/2025", "", "Screen flickers")
	form.SetSerial("DAY-ORDER-EN")
	form.Submit()
	if got := form.FieldProblem("bought"); !strings.Contains(got, "such as 18 Jun 2026, or as YYYY-MM-DD (2026-06-18)") {
		t.Fatalf("in English 05/07/2025 gives %q", got)
	}
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "5 Jul 2025", "", "Screen flickers")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused the day as the terminal shows it: %s", p)
	}
	found, _, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "DAY-ORDER-EN"})
	if err != nil || len(found) != 1 || !found[0].Product.PurchaseDate.Equal(time.Date(2025, 7, 5, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("tickets %v, %v", found, err)
	}
}

// TestPurchaseDateTypedAsTheTerminalShowsIt: in every language the
// check-in takes the purchase date as the terminal shows days
// (translations.Date: "31 déc. 2025", "2025年12月31日"); it took only
// YYYY-MM-DD and the numeric order, and refused the very form every
// screen and receipt prints. A day it cannot read is refused with the
// shown form of today as the example.
func TestPurchaseDateTypedAsTheTerminalShowsIt(t *testing.T) {
	for _, tc := range []struct{ code, checkIn, typed, example string }{
		{"en", "Check in", "31 Dec 2025", "18 Jun 2026"},
		{"fr", "Enregistrer un dépôt", "31 déc. 2025", "18 juin 2026"},
		{"es", "Recibir equipo", "31 dic 2025", "18 jun 2026"},
		{"pt", "Receber aparelho", "31 de dez. de 2025", "18 de jun. de 2026"},
		{"zh-Hans", "接机登记", "2025年12月31日", "2026年6月18日"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			term, w, _, _, deps := scanTerminal(t)
			tapButton(t, term.Object(), tc.checkIn)
			form := term.CheckInForm()
			serial := "SHOWN-DAY-" + tc.code
			form.Fill(app.CategoryPhone, "Ana Souza", "+55 11 91234 5678", "Samsung", "Galaxy A54", "31.13.2025", "NF-1", "Tela quebrada")
			form.SetSerial(serial)
			form.Submit()
			if got := form.FieldProblem("bought"); !strings.Contains(got, tc.example) {
				t.Fatalf("an unreadable date says %q; want the example %s", got, tc.example)
			}
			form.Fill(app.CategoryPhone, "Ana Souza", "+55 11 91234 5678", "Samsung", "Galaxy A54", tc.typed, "NF-1", "Tela quebrada")
			form.Submit()
			if p := form.Problem(); p != "" {
				t.Fatalf("check-in refused %q: %s", tc.typed, p)
			}
			press(w, fyne.KeyEscape) // the claim tag's print dialog
			found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: serial})
			if err != nil || n != 1 {
				t.Fatalf("tickets for %s: %d, %v", serial, n, err)
			}
			if got, want := found[0].Product.PurchaseDate, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("purchase date kept as %v, want %v", got, want)
			}
		})
	}
}

// TestLoadListDaysTypedAsTheTerminalShowsThem: what to load for chosen
// days offers them as the terminal shows days and takes them typed so,
// in the language's numbers, or as YYYY-MM-DD; it took YYYY-MM-DD only.
// A day it cannot read is refused with an example, and no list.
func TestLoadListDaysTypedAsTheTerminalShowsThem(t *testing.T) {
	for _, tc := range []struct {
		code, title, from, to string // the dialog, its days as offered
		typed                 [][2]string
		bad                   string // said of an unreadable day
	}{
		{"en", "What to load", "18 Jun 2026", "24 Jun 2026", [][2]string{{"18 Jun 2026", "20 June 2026"}, {"2026-06-18", "Jun 20, 2026"}}, "such as 18 Jun 2026, or as YYYY-MM-DD (2026-06-18)"},
		{"fr", "Quoi charger", "18 juin 2026", "24 juin 2026", [][2]string{{"18/06/2026", "20 juin 2026"}, {"2026-06-18", "20.06.2026"}}, "18 juin 2026"},
		{"zh-Hans", "装车清单", "2026年6月18日", "2026年6月24日", [][2]string{{"2026年6月18日", "2026/6/20"}, {"2026-06-18", "2026年6月20号"}}, "2026年6月18日"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			s := newSupplyWorld(t)
			s.term.ShowOnWay()
			tapButton(t, s.term.OnWayPage(), tc.title)
			s.term.SetLoadRange(3) // choose dates
			if from, to := s.term.LoadDates(); from != tc.from || to != tc.to {
				t.Errorf("days offered %q to %q, want %q to %q", from, to, tc.from, tc.to)
			}
			for _, days := range tc.typed {
				s.term.SetLoadDates(days[0], days[1])
				if _, status := s.term.LoadListShown(); strings.Contains(status, "2026-06-18") || strings.Contains(status, tc.bad) {
					t.Errorf("%q to %q: %s", days[0], days[1], status)
				}
			}
			s.term.SetLoadDates("2026/20/06", tc.to)
			if _, status := s.term.LoadListShown(); !strings.Contains(status, tc.bad) {
				t.Errorf("an unreadable day says %q, want %q in it", status, tc.bad)
			}
		})
	}
}

// TestClaimTagDaysInTheCounterLanguage: the claim tag a ticket prints
// writes its days in the terminal's language as its screens do
// ("27 nov. → 4 déc. 2026", two lines on the tag); it printed ISO days in
// every language, then "déc" without the dot the screens write.
func TestClaimTagDaysInTheCounterLanguage(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	d := app.TicketDetail{Ticket: app.Ticket{ID: "t-tag", Number: "FB-2026-004211",
		CreatedAt: time.Date(2026, 11, 27, 10, 0, 0, 0, zone), PromisedAt: time.Date(2026, 12, 4, 18, 0, 0, 0, zone),
		Customer: app.Customer{Phone: "+86 138 1234 5678"}}}
	for _, tc := range []struct{ code, days string }{
		{"en", "27 Nov → 4 Dec 2026"},
		{"fr", "27 nov. → 4 déc. 2026"},
		{"zh-Hans", "2026-11-27 → 12-04"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			files, err := ui.EncodeLabels(ui.TicketLabels(d, zone)[:1], ui.LabelsRoll)
			if err != nil || len(files) != 1 {
				t.Fatalf("labels: %d files, %v", len(files), err)
			}
			path := filepath.Join(t.TempDir(), "tag.pdf")
			if err := os.WriteFile(path, files[0], 0o600); err != nil {
				t.Fatal(err)
			}
			// Words as read, whatever lines the tag sets them on.
			if text := strings.Join(strings.Fields(pdfTextOf(t, path)), " "); !strings.Contains(text, tc.days) {
				t.Errorf("the tag reads %q, want %q", text, tc.days)
			}
		})
	}
}

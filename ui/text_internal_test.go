package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
)

// TestLocaleFormats: amounts and dates follow the UI language.
func TestLocaleFormats(t *testing.T) {
	day := time.Date(2026, 11, 27, 9, 30, 0, 0, time.Local)
	t.Cleanup(func() {
		// Back to English for the tests that follow in this binary.
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
	for _, tc := range []struct {
		lang, cny, eur, date string
	}{
		{"en", "¥1,234.50", "€1,234.50", "27 Nov 2026"},
		{"zh", "¥1,234.50", "€1,234.50", "2026年11月27日"},
		{"fr", "1’234,50 ¥", "1’234,50 €", "27 nov. 2026"},
		{"es", "1234,50 ¥", "1234,50 €", "27 nov 2026"},
		{"pt", "¥ 1.234,50", "€ 1.234,50", "27 de nov. de 2026"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", tc.lang)
			os.Setenv("LANG", "")
			if err := assets.AddTranslations(); err != nil {
				t.Fatal(err)
			}
			if got := moneyText(app.Money{Amount: 123450, Currency: "CNY"}); got != tc.cny {
				t.Errorf("CNY: %q, want %q", got, tc.cny)
			}
			if got := moneyText(app.Money{Amount: 123450, Currency: "EUR"}); got != tc.eur {
				t.Errorf("EUR: %q, want %q", got, tc.eur)
			}
			if got := dateText(time.Local, day); got != tc.date {
				t.Errorf("date: %q, want %q", got, tc.date)
			}
		})
	}
}

// TestCountsInTheReadersFormat: the counts the sync screens show are
// grouped as the UI language's reader groups digits (translations.Count):
// the first sync read "9532 enregistrements" in French.
func TestCountsInTheReadersFormat(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
	for _, tc := range []struct{ lang, rows, size, upgrade, step string }{
		{"en", "9,532 records", "1,000", "42,000 of 100,000 parts", "step 2 of 12"},
		{"zh", "9,532", "1,000", "42,000/100,000个备件", "第2步，共12步"},
		{"fr", "9’532 enregistrements", "1’000", "42’000 sur 100’000 pièces", "étape 2 sur 12"},
		{"es", "9532 registros", "1000", "42.000 de 100.000 repuestos", "paso 2 de 12"},
		{"pt", "9.532 registros", "1.000", "42.000 de 100.000 peças", "etapa 2 de 12"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", tc.lang)
			os.Setenv("LANG", "")
			if err := assets.AddTranslations(); err != nil {
				t.Fatal(err)
			}
			if got := startText(app.StartProgress{Step: app.StartFirstSync, Rows: 9532}); !strings.Contains(got, tc.rows) {
				t.Errorf("first sync: %q, want it to hold %q", got, tc.rows)
			}
			if got := startText(app.StartProgress{Step: app.StartUpgrading, Rows: 42_000, Total: 100_000, Of: app.RowsParts}); !strings.Contains(got, tc.upgrade) {
				t.Errorf("upgrade: %q, want it to hold %q", got, tc.upgrade)
			}
			if got := startText(app.StartProgress{Step: app.StartUpgrading, Part: 2, Parts: 12}); !strings.Contains(got, tc.step) {
				t.Errorf("upgrade step: %q, want it to hold %q", got, tc.step)
			}
			if got := sizeText(1000); !strings.Contains(got, tc.size) {
				t.Errorf("size: %q, want it to hold %q", got, tc.size)
			}
		})
	}
}

// TestLanguageCode: -lang takes a language as people and the translation
// files write it, and refuses one the terminal does not speak.
func TestLanguageCode(t *testing.T) {
	for _, tc := range []struct {
		tag, want string
		ok        bool
	}{
		{"", "", true}, {"en", "en", true}, {"zh", "zh", true}, {"zh-Hans", "zh", true}, {"zh_CN", "zh", true},
		{"pt-BR", "pt", true}, {"FR", "fr", true}, {"es-419", "es", true},
		{"de", "de", false}, {"-", "", false}, {"klingon", "klingon", false},
	} {
		got, ok := LanguageCode(tc.tag)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LanguageCode(%q) = %q, %v; want %q, %v", tc.tag, got, ok, tc.want, tc.ok)
		}
	}
}

// TestResolveByText: an open ticket's deadline counts from now; a done
// one is judged at its completion (a closed job finished in time is not
// "overdue by a year"); one closed without completing gets no verdict.
func TestResolveByText(t *testing.T) {
	due := time.Date(2025, 12, 2, 18, 0, 0, 0, time.UTC)
	now := due.Add(365 * 24 * time.Hour)
	for _, tc := range []struct {
		name      string
		status    app.Status
		completed time.Time
		want      string
	}{
		{"open and late", app.StatusInProgress, time.Time{}, "Overdue by 365 d"},
		{"closed in time", app.StatusClosed, due.Add(-3 * time.Hour), "Met"},
		{"closed at the deadline", app.StatusClosed, due, "Met"},
		{"completed late", app.StatusCompleted, due.Add(5 * time.Hour), "Completed 5 h late"},
		{"cancelled", app.StatusCancelled, time.Time{}, ""},
	} {
		tk := app.Ticket{Status: tc.status, ResolveBy: due, CompletedAt: tc.completed}
		if got := resolveByText(tk, now); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestReasonDaysInTheUILanguage: a warranty reason's days read in the UI
// language's date format, as every other date on screen does; app writes
// them YYYY-MM-DD.
func TestReasonDaysInTheUILanguage(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		assets.AddTranslations()
	})
	r := app.Reason{Key: "warranty.reason.in_period",
		Message: "Purchased {{.Purchased}} (receipt {{.Proof}}); the {{.Term}} warranty runs until {{.Until}}.",
		Data: map[string]any{"Purchased": "2025-03-01", "Proof": "INV-1", "Term": "12-month",
			"Months": 12, "Days": 0, "Until": "2026-02-28"}}
	for _, tc := range []struct{ lang, want string }{
		{"en", "Purchased 1 Mar 2025 (receipt INV-1); the 12-month warranty runs until 28 Feb 2026."},
		{"zh", "购买于 2025年3月1日（凭证：INV-1）；12个月保修至 2026年2月28日。"},
		{"fr", "Acheté le 1 mars 2025 (justificatif INV-1)"},
		{"es", "Comprado el 1 mar 2025 (comprobante INV-1)"},
		{"pt", "Comprado em 1 de mar. de 2025 (comprovante INV-1)"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", tc.lang)
			os.Setenv("LANG", "")
			if err := assets.AddTranslations(); err != nil {
				t.Fatal(err)
			}
			if got := reasonText(r); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want it to start %q", got, tc.want)
			}
		})
	}
	if r.Data["Purchased"] != "2025-03-01" {
		t.Errorf("reasonText changed the decision's data: %v", r.Data["Purchased"])
	}
}

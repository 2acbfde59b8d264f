package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/ui"
)

// TestRuleSetNameInUserLanguage: the warranty decision names the rule set
// and its legal basis in the user's language (the server's texts), not by
// its ID or in English, and once: the reason "Rules applied: … (CN version
// 1)" names them, and a line "Rules CN v1" under the total said it again
// (walk4).
func TestRuleSetNameInUserLanguage(t *testing.T) {
	tests := []struct {
		lang      string
		want      string // the CN demo rule set's name in lang
		rulesLine string // the reason's naming of the rules, translated
		notWanted []string
	}{
		{"zh", "中国三包规定", "（中国三包规定 第1版）", []string{"China three guarantees (三包)", "规则 CN ", "规则 中国三包规定 第1版"}},
		{"fr", "Trois garanties de Chine (三包)", "(Trois garanties de Chine (三包), version 1)", []string{"China three guarantees (三包)", "Règles Trois garanties"}},
		{"en", "China three guarantees (三包)", "(China three guarantees (三包) version 1)", []string{"Rules CN v1", "Rules China three guarantees (三包) v1"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			a := test.NewTempApp(t)
			if err := ui.SetLanguage(a, tc.lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ui.SetLanguage(a, "en") })
			deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
			term := ui.NewTerminal(context.Background(), deps)
			w := test.NewTempWindow(t, term.Object())
			w.Resize(fyne.NewSize(1280, 800))
			today := term.List().Tickets()
			if len(today) == 0 {
				t.Fatal("the demo technician has no tickets today")
			}
			term.List().Select(0)
			shown := labels(term.Detail().Object())
			first, err := deps.Tickets.TicketDetail(t.Context(), today[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			// The legal basis of the rule that applies, in the user's
			// language (English stays English).
			rs, err := deps.Warranty.RuleSet(t.Context(), first.Ticket.Country)
			if err != nil {
				t.Fatal(err)
			}
			english := rs.LegalBasisFor(first.Ticket.Product, "en")
			basis := rs.LegalBasisFor(first.Ticket.Product, tc.lang)
			if english == "" || !strings.Contains(shown, basis) || tc.lang != "en" && (basis == english || strings.Contains(shown, english)) {
				t.Errorf("the legal basis in %s is %q (English %q); shown:\n%s", tc.lang, basis, english, shown)
			}
			if !strings.Contains(shown, tc.want) || !strings.Contains(shown, tc.rulesLine) {
				t.Errorf("the decision does not name the rules %q (line %q):\n%s", tc.want, tc.rulesLine, shown)
			}
			if n := strings.Count(shown, tc.want); n != 1 {
				t.Errorf("the decision names the rules %q %d times, want once:\n%s", tc.want, n, shown)
			}
			for _, no := range tc.notWanted {
				if strings.Contains(shown, no) {
					t.Errorf("the decision shows %q:\n%s", no, shown)
				}
			}
		})
	}
}

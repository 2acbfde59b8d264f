package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
)

// TestPartNameInTheReadersLanguage: the screens name a part in the
// language they show (French from the catalog's other names, Chinese,
// else English), and the stock list's filter finds it by that name.
func TestPartNameInTheReadersLanguage(t *testing.T) {
	a := test.NewTempApp(t)
	t.Cleanup(func() { SetLanguage(a, "en") })
	p := app.Part{Number: "P-1", NameEN: "Drain pump", NameZH: "排水泵", Names: map[string]string{"fr": "Pompe de vidange", "es": "Bomba de desagüe"}}
	for _, c := range []struct{ lang, name, query string }{
		{"fr", "Pompe de vidange", "pompe vidange"},
		{"es", "Bomba de desagüe", "bomba desague"},
		{"zh", "排水泵", "排水"},
		{"en", "Drain pump", "drain"},
		{"pt", "Drain pump", "pump"}, // no Portuguese name: English
	} {
		if err := SetLanguage(a, c.lang); err != nil {
			t.Fatal(err)
		}
		if got := partName(p); got != c.name {
			t.Errorf("in %s the part reads %q, want %q", c.lang, got, c.name)
		}
		if !matchesPart(p, c.query) {
			t.Errorf("in %s the stock filter %q does not find %q", c.lang, c.query, c.name)
		}
	}
}

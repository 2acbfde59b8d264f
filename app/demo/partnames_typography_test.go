package demo

import (
	"regexp"
	"strings"
	"testing"
)

// TestFrenchPartNamesWriteTheTypographicApostrophe: the demo's French
// part names write their elisions with ’, "Nappe d’antenne", as every
// French text of the app does (assets/translations,
// TestFrenchWritesTheTypographicApostrophe); they kept the ASCII ' while
// the search told them apart, and a technician's "d'antenne" found no
// "d’antenne" (app.Fold makes them one since FoldVersion 4).
func TestFrenchPartNamesWriteTheTypographicApostrophe(t *testing.T) {
	elision := regexp.MustCompile(`\pL'\pL`)
	fr := 0 // otherLangs' index of French
	for i, l := range otherLangs {
		if l == "fr" {
			fr = i
		}
	}
	typographic := 0
	for _, names := range []map[string][3]string{typeNames, variantPhrases, variantWords} {
		for en, ns := range names {
			if m := elision.FindString(ns[fr]); m != "" {
				t.Errorf("the French name of %q, %q, writes the elision %q with an ASCII '", en, ns[fr], m)
			}
			if strings.Contains(ns[fr], "’") {
				typographic++
			}
		}
	}
	if typographic == 0 {
		t.Error("no French part name has an elision: the test reads the wrong names")
	}
	size := Size{Models: 20, Parts: 300, Tickets: 50, Technicians: 4}
	for _, p := range GenerateIn(3, size, testNow, "fr").Parts {
		if m := elision.FindString(p.NameFor("fr")); m != "" {
			t.Errorf("part %s in a French world: %q writes the elision %q with an ASCII '", p.Number, p.NameFor("fr"), m)
		}
	}
}

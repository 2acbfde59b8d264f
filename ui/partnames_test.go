package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestVanStockFilterFindsEveryName: with the app in English, the Parts
// page's van stock (the page's own filter) finds a part by its French or
// Spanish name, as the catalog (the store's search) does: both take the
// part's names from app.Part.SearchNames.
func TestVanStockFilterFindsEveryName(t *testing.T) {
	a := test.NewTempApp(t)
	if err := ui.SetLanguage(a, "en"); err != nil {
		t.Fatal(err)
	}
	deps, ds, db := openDemoStore(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	inVan, notInVan := vanAndCatalogPart(t, deps, ds)
	// The demo's English world gives its parts no other names: the
	// office imports them later (a parts file's name_fr, name_es).
	inVan.Names = map[string]string{"fr": "Pompe de vidange", "es": "Bomba de desagüe"}
	notInVan.Names = map[string]string{"fr": "Pompe de relevage"}
	if err := db.Load(t.Context(), app.Dataset{Parts: []app.Part{inVan, notInVan}}); err != nil {
		t.Fatal(err)
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	for _, tc := range []struct {
		mode, query string
		want        []app.Part
		not         []app.Part
	}{
		{"stock", "pompe", []app.Part{inVan}, []app.Part{notInVan}},
		{"stock", "POMPE vidange", []app.Part{inVan}, nil},
		{"stock", "desague", []app.Part{inVan}, nil}, // folded: the accent need not be typed
		{"stock", "pompe relevage", nil, []app.Part{inVan, notInVan}},
		{"catalog", "pompe", []app.Part{inVan, notInVan}, nil},
	} {
		term.ShowParts(tc.mode, "")
		term.TypePartsQuery(tc.query)
		shown := term.PartsShown()
		for _, p := range tc.want {
			if !listsPart(shown, p.Number) {
				t.Errorf("%s, typed %q: %v, want %s (%s)", tc.mode, tc.query, shown, p.Number, p.Names["fr"])
			}
		}
		for _, p := range tc.not {
			if listsPart(shown, p.Number) {
				t.Errorf("%s, typed %q: %v lists %s", tc.mode, tc.query, shown, p.Number)
			}
		}
	}
}

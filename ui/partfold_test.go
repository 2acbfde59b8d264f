package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
	"github.com/fieldbench/fieldbench/ui"
)

// listsPart reports whether lines, as PickerShown or PartsShown give
// them, hold part n.
func listsPart(lines []string, n app.PartNumber) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, string(n)+" ") })
}

// vanAndCatalogPart returns a part the demo van holds and one it does
// not, in part-number order.
func vanAndCatalogPart(t *testing.T, deps ui.Deps, ds app.Dataset) (inVan, notInVan app.Part) {
	t.Helper()
	stock := vanStock(t, deps)
	for _, p := range ds.Parts {
		switch {
		case stock[p.Number] > 0 && inVan.Number == "":
			inVan = p
		case stock[p.Number] <= 0 && notInVan.Number == "":
			notInVan = p
		}
	}
	if inVan.Number == "" || notInVan.Number == "" {
		t.Fatalf("the demo world has no part in the van (%q) or none out of it (%q)", inVan.Number, notInVan.Number)
	}
	return inVan, notInVan
}

// TestPartsPageFindsAPartTypedInFullWidth: a part number typed with a
// Chinese input method in full-width mode ("ＨＷ－…") finds the part on
// the Parts page, in the van's stock (the page's own filter) and in the
// catalog (the store's search), as typed in ASCII it does.
func TestPartsPageFindsAPartTypedInFullWidth(t *testing.T) {
	term, _, _, ds, deps := scanTerminal(t)
	inVan, notInVan := vanAndCatalogPart(t, deps, ds)
	for _, tc := range []struct {
		mode string
		part app.Part
	}{{"stock", inVan}, {"catalog", notInVan}, {"catalog", inVan}} {
		term.ShowParts(tc.mode, "")
		q := apptest.FullWidth(string(tc.part.Number))
		term.TypePartsQuery(q)
		if shown := term.PartsShown(); !listsPart(shown, tc.part.Number) {
			t.Errorf("%s, typed %q: %v, want %s", tc.mode, q, shown, tc.part.Number)
		}
	}
}

// TestPickerFindsAPartTypedInFullWidth: in the add-part dialog, a part
// number typed in full-width finds the van's part with "Only parts in my
// stock" (the dialog's own filter of the van) and the catalog's without.
func TestPickerFindsAPartTypedInFullWidth(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	workingTicket(t, term, ds, deps)
	inVan, notInVan := vanAndCatalogPart(t, deps, ds)
	dlg := openPicker(t, term, w)
	q := apptest.FullWidth(string(notInVan.Number))
	typeInto(t, dlg, "Part number", q)
	if shown := term.PickerShown(); !listsPart(shown, notInVan.Number) {
		t.Errorf("typed %q: %v, want %s", q, shown, notInVan.Number)
	}
	test.Tap(check(t, dlg, "Only parts in my stock"))
	q = apptest.FullWidth(string(inVan.Number))
	typeInto(t, dlg, "Part number", q)
	if shown := term.PickerShown(); !listsPart(shown, inVan.Number) {
		t.Errorf("only my stock, typed %q: %v, want %s", q, shown, inVan.Number)
	}
}

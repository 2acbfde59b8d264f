package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestUnitsStartUnderThePartsRows: on a phone, a tablet and a desktop, in
// English and Chinese, the add-part dialog's units start right under the
// last row of the parts found (one part: one row), not under an empty
// half of the dialog, and take the rest of the room down to the
// quantity. Before, a one-column grid gave each list half: on a phone
// one part's row stood over some 400 empty points above its units.
func TestUnitsStartUnderThePartsRows(t *testing.T) {
	for _, c := range []struct {
		lang, name string
		size       fyne.Size
	}{
		{"en", "phone", fyne.NewSize(720, 1280)},
		{"en", "tablet", fyne.NewSize(1280, 800)},
		{"en", "desktop", fyne.NewSize(1920, 1080)},
		{"zh", "phone", fyne.NewSize(720, 1280)},
		{"zh", "tablet", fyne.NewSize(1280, 800)},
	} {
		t.Run(c.lang+"_"+c.name, func(t *testing.T) {
			if c.lang != "en" {
				inLanguage(t, c.lang)
			}
			term, w, _, ds, deps := scanTerminal(t)
			w.Resize(c.size)
			tk := workingTicket(t, term, ds, deps)
			part, units := vanUnits(t, deps)
			term.OpenPartPicker(tk, string(part.Number))
			if got := term.PickerUnits(); !slices.Equal(got, units) {
				t.Fatalf("the dialog lists units %v, want %v", got, units)
			}
			results, rows, pane, center := term.PickerLists()
			if len(rows) == 0 {
				t.Fatal("no part's row drawn")
			}
			d := fyne.CurrentApp().Driver()
			var last float32 // the bottom of the last row drawn
			for _, r := range rows {
				last = max(last, d.AbsolutePositionForObject(r).Y+r.Size().Height)
			}
			top := d.AbsolutePositionForObject(pane).Y
			if gap := top - last; gap < 0 || gap > 2*theme.Padding() {
				t.Errorf("%d part rows end at %v, the units start at %v: a gap of %v", len(rows), last, top, gap)
			}
			if end := d.AbsolutePositionForObject(results).Y + results.Size().Height; end > top {
				t.Errorf("the parts' list ends at %v, under the units from %v", end, top)
			}
			bottom := d.AbsolutePositionForObject(center).Y + center.Size().Height
			if end := top + pane.Size().Height; end < bottom-1 {
				t.Errorf("the units end at %v, short of the room's %v", end, bottom)
			}
			shoot(t, w, "fitphone-"+c.lang+"-"+c.name)
		})
	}
}

// TestManyPartsLeaveTheUnitsRoom: on a phone with more parts listed than
// it shows, a part with units tapped, the parts' list scrolls in the room
// its units leave, the row tapped kept in sight, and the units start
// right under it, every one in sight.
func TestManyPartsLeaveTheUnitsRoom(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	w.Resize(fyne.NewSize(720, 1280))
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	term.OpenPartPicker(tk, "")
	term.TapPickerHidden() // the van's parts not for the model too
	if n := len(term.PickerShown()); n < 12 {
		t.Fatalf("the van lists %d parts: too few to fill a phone", n)
	}
	if !term.TapPickerResult(string(part.Number)) {
		t.Fatalf("%s is not listed", part.Number)
	}
	if got := term.PickerUnits(); !slices.Equal(got, units) {
		t.Fatalf("the dialog lists units %v, want %v", got, units)
	}
	results, rows, pane, _ := term.PickerLists()
	d := fyne.CurrentApp().Driver()
	rTop := d.AbsolutePositionForObject(results).Y
	rEnd := rTop + results.Size().Height
	pTop := d.AbsolutePositionForObject(pane).Y
	if pTop-rEnd > 2*theme.Padding() || pTop < rEnd {
		t.Errorf("the parts' list ends at %v, the units start at %v", rEnd, pTop)
	}
	// The row tapped stays in sight though the list shrank under it.
	tapped := false
	for _, r := range rows {
		if y := d.AbsolutePositionForObject(r).Y; strings.HasPrefix(r.Text, string(part.Number)+" ·") && y >= rTop && y+r.Size().Height <= rEnd+1 {
			tapped = true
		}
	}
	if !tapped {
		t.Errorf("the row of %s tapped is out of the parts' list's sight (%v to %v)", part.Number, rTop, rEnd)
	}
	// Every unit is in sight: the units need less than half the room,
	// and the parts' list, which scrolls, leaves them what they need.
	_, unitRows := term.PickerUnitRows()
	pEnd := pTop + pane.Size().Height
	for _, r := range unitRows {
		if y := d.AbsolutePositionForObject(r).Y; y < pTop || y+r.Size().Height > pEnd+1 {
			t.Errorf("unit %s is drawn at %v, out of the units' pane (%v to %v)", r.Text, y, pTop, pEnd)
		}
	}
	if len(unitRows) != len(units) {
		t.Errorf("%d of %d units drawn", len(unitRows), len(units))
	}
	shoot(t, w, "fitphone-many")
}

package ui_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// vanUnits returns a serialized part of the demo van with at least two
// units by serial, and those units, by serial.
func vanUnits(t *testing.T, deps ui.Deps) (app.Part, []string) {
	t.Helper()
	ctx := context.Background()
	stock := vanStock(t, deps)
	for _, n := range slices.Sorted(func(yield func(app.PartNumber) bool) {
		for n := range stock {
			if !yield(n) {
				return
			}
		}
	}) {
		p, err := deps.Parts.Part(ctx, n)
		if err != nil || !p.Serialized || strings.Contains(string(n), " ") {
			continue
		}
		units, err := deps.Parts.Units(ctx, demoVan, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(units) >= 2 {
			return p, units
		}
	}
	t.Fatal("the demo van holds no serialized part with two units by serial")
	return app.Part{}, nil
}

// TestFitPicksAUnitFromTheVan: a serialized part chosen, the add-part
// dialog lists its units in the van by serial; a tap on one fills the
// serial in full and the quantity 1, and Fit part fits that unit, as
// recorded. The unit fitted is not offered again. Before, the dialog
// asked for the serial in a free box and listed no unit.
func TestFitPicksAUnitFromTheVan(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)

	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	if term.PickerChosen() != string(part.Number) {
		t.Fatalf("searching %s chose %q", part.Number, term.PickerChosen())
	}
	if got := term.PickerUnits(); !slices.Equal(got, units) {
		t.Fatalf("the dialog lists units %v, want the van's %v", got, units)
	}
	if got := term.PickerUnitsText(); !strings.Contains(got, "units in Van ") || !strings.Contains(got, "by serial: tap the one you fit") {
		t.Errorf("the units are not introduced: %q", got)
	}
	setQty(t, dlg, "2")
	pick := units[1]
	if !term.TapPickerUnit(pick) {
		t.Fatalf("no line %s", pick)
	}
	if qty, serial := term.PickerFields(); qty != "1" || serial != pick {
		t.Fatalf("picking %s left quantity %q and serial %q, want 1 and %s", pick, qty, serial, pick)
	}
	// The list stays whole, the unit picked in it.
	if got := term.PickerUnits(); !slices.Equal(got, units) {
		t.Errorf("after the pick the dialog lists %v, want %v", got, units)
	}
	tapButton(t, dlg, "Fit part")
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("fitting a unit of the van asked:\n%s", labels(top))
	}
	used := ticketNow(t, deps, tk.ID).Parts
	if len(used) != 1 || used[0].Part != part.Number || used[0].Serial != pick || used[0].Qty != 1 {
		t.Fatalf("fitted %+v, want one %s with serial %s", used, part.Number, pick)
	}

	// The unit fitted is not offered again; the others are.
	openPicker(t, term, w)
	typeInto(t, w.Canvas().Overlays().Top(), "Part number", string(part.Number))
	want := slices.DeleteFunc(slices.Clone(units), func(s string) bool { return s == pick })
	if got := term.PickerUnits(); !slices.Equal(got, want) {
		t.Errorf("after fitting %s the dialog lists %v, want %v", pick, got, want)
	}
}

// TestTypingNarrowsTheUnits: part of a serial typed in the serial box
// lists the units whose serial holds it; one that none holds says so.
func TestTypingNarrowsTheUnits(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	tail := units[0][len(units[0])-4:]
	var want []string
	for _, u := range units {
		if strings.Contains(strings.ToLower(u), strings.ToLower(tail)) {
			want = append(want, u)
		}
	}
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(tail))
	if got := term.PickerUnits(); !slices.Equal(got, want) {
		t.Errorf("typing %q lists %v, want %v", tail, got, want)
	}
	typeInto(t, dlg, "Serial of the new part", "QQQ")
	if got := term.PickerUnits(); len(got) != 0 {
		t.Errorf("typing QQQ lists %v", got)
	}
	if got := term.PickerUnitsText(); !strings.Contains(got, "No unit in Van ") || !strings.Contains(got, "“QQQ”") {
		t.Errorf("no unit holds QQQ, and the dialog says %q", got)
	}
}

// TestScanningAUnitPicksItAndItsPart: with no part chosen, a unit's
// serial sticker scanned (the keyboard wedge's burst, into the search
// box) chooses its part and picks the unit; another unit's scanned into
// the serial box picks that one, the box holding its serial alone.
// Before, the scan filled the part search with the serial, which found
// no part.
func TestScanningAUnitPicksItAndItsPart(t *testing.T) {
	term, w, kb, ds, deps := scanTerminal(t)
	workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	dlg := openPicker(t, term, w)
	var search fyne.Focusable
	walk(dlg, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && strings.HasPrefix(e.PlaceHolder, "Part number") && search == nil {
			search = o.(fyne.Focusable)
		}
	})
	w.Canvas().Focus(search)
	kb.typeSlowly(search, "qxzqxz", false) // no part found, none chosen
	if got := term.PickerChosen(); got != "" {
		t.Fatalf("qxzqxz chose %s", got)
	}
	kb.scan(search, units[0])
	if got := term.PickerChosen(); got != string(part.Number) {
		t.Fatalf("scanning unit %s chose part %q, want %s (scan bar: %q)", units[0], got, part.Number, term.ScanStatus())
	}
	if _, serial := term.PickerFields(); serial != units[0] {
		t.Errorf("scanning unit %s: the serial box holds %q", units[0], serial)
	}
	if got := term.ScanStatus(); !strings.Contains(got, "unit of "+string(part.Number)) {
		t.Errorf("scan bar: %q", got)
	}
	box := term.PickerSerialBox()
	w.Canvas().Focus(box)
	kb.scan(box, units[1])
	if qty, serial := term.PickerFields(); serial != units[1] || qty != "1" {
		t.Errorf("scanning unit %s into the serial box: serial %q, quantity %q", units[1], serial, qty)
	}
	if got := term.PickerChosen(); got != string(part.Number) {
		t.Errorf("after the second scan the part chosen is %q", got)
	}
}

// TestUnknownSerialAsksBeforeFitting: a serial that no unit of the part
// in the van has is asked about before anything is saved, naming the
// serial, with a red Fit anyway; declined, nothing is fitted and the
// dialog stays; fitted anyway, the part is fitted with that serial. A
// unit's serial typed in another case is no question: the unit is
// fitted by its serial as recorded. Before, any serial was fitted without
// a word.
func TestUnknownSerialAsksBeforeFitting(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	typeInto(t, dlg, "Serial of the new part", "NOT-IN-VAN-7")
	tapButton(t, dlg, "Fit part")
	ask := w.Canvas().Overlays().Top()
	if ask == dlg || ask == nil {
		t.Fatal("an unknown serial was not asked about")
	}
	text := labels(ask)
	for _, want := range []string{"Serial not in Van ", "has serial NOT-IN-VAN-7", "fitted on another ticket already"} {
		if !strings.Contains(text, want) {
			t.Errorf("the question lacks %q:\n%s", want, text)
		}
	}
	if b := button(ask, "Fit anyway"); b == nil || b.Importance != widget.DangerImportance {
		t.Errorf("Fit anyway should be a red button: %v", b)
	}
	shoot(t, w, "fitpick-unknown-serial")
	tapButton(t, ask, "Don't fit")
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 0 {
		t.Fatalf("declined, yet fitted: %+v", used)
	}
	if w.Canvas().Overlays().Top() != dlg {
		t.Fatal("declining closed the add-part dialog")
	}
	tapButton(t, dlg, "Fit part")
	tapButton(t, w.Canvas().Overlays().Top(), "Fit anyway")
	used := ticketNow(t, deps, tk.ID).Parts
	if len(used) != 1 || used[0].Serial != "NOT-IN-VAN-7" {
		t.Fatalf("fitted anyway: %+v", used)
	}

	dlg = openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	typeInto(t, dlg, "Serial of the new part", strings.ToLower(units[0]))
	tapButton(t, dlg, "Fit part")
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a unit's serial in lower case was asked about:\n%s", labels(top))
	}
	used = ticketNow(t, deps, tk.ID).Parts
	if !slices.ContainsFunc(used, func(u app.PartUsed) bool { return u.Serial == units[0] }) {
		t.Errorf("fitting %s typed in lower case saved %+v", units[0], used)
	}
}

// TestSerializedPartIsFittedOneAtATime: two of a serialized part are
// refused before the dialog closes, saying why, and nothing is saved.
// Before, the dialog closed and saving refused it, and the technician
// picked the part and its unit again.
func TestSerializedPartIsFittedOneAtATime(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	tk := workingTicket(t, term, ds, deps)
	part, units := vanUnits(t, deps)
	dlg := openPicker(t, term, w)
	typeInto(t, dlg, "Part number", string(part.Number))
	term.TapPickerUnit(units[0])
	setQty(t, dlg, "2")
	tapButton(t, dlg, "Fit part")
	top := w.Canvas().Overlays().Top()
	if top == dlg || !strings.Contains(labels(top), "fitted one at a time") {
		t.Fatalf("fitting two of serialized %s: %s", part.Number, labels(top))
	}
	if used := ticketNow(t, deps, tk.ID).Parts; len(used) != 0 {
		t.Fatalf("refused, yet fitted: %+v", used)
	}
	// The dialog stays under the refusal, with what was picked: the
	// refusal came from saving, after the dialog had closed.
	w.Canvas().Overlays().Remove(top)
	if w.Canvas().Overlays().Top() != dlg {
		t.Fatal("the refusal closed the add-part dialog")
	}
	if _, serial := term.PickerFields(); serial != units[0] {
		t.Errorf("after the refusal the serial box holds %q, want %s", serial, units[0])
	}
}

// setQty types qty into the add-part dialog's quantity box, the entry
// that holds the quantity: "1" as the dialog opens.
func setQty(t *testing.T, dlg fyne.CanvasObject, qty string) {
	t.Helper()
	var box fyne.CanvasObject
	walk(dlg, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && e.Text == "1" && e.PlaceHolder == "" && box == nil {
			box = o
		}
	})
	if box == nil {
		t.Fatal("no quantity box holding 1")
	}
	entryOf(box).SetText("")
	test.Type(box.(fyne.Focusable), qty)
}

// TestUnitsShowAtEverySize: in English and Chinese, on a phone and a
// tablet, the add-part dialog shows the units of the part chosen under
// its results, each serial in full on its line, two lines at least in
// sight, and the heading above them in the language.
func TestUnitsShowAtEverySize(t *testing.T) {
	for _, c := range []struct {
		lang, heading string
		size          fyne.Size
	}{
		{"en", "units in Van ", fyne.NewSize(720, 1280)},
		{"en", "units in Van ", fyne.NewSize(1280, 800)},
		{"zh", "件，按序列号排列", fyne.NewSize(720, 1280)},
		{"zh", "件，按序列号排列", fyne.NewSize(1280, 800)},
	} {
		name := c.lang + "_" + map[bool]string{true: "phone", false: "tablet"}[c.size.Width < c.size.Height]
		t.Run(name, func(t *testing.T) {
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
			if got := term.PickerUnitsText(); !strings.Contains(got, c.heading) {
				t.Errorf("the units' heading %q does not say %q", got, c.heading)
			}
			list, rows := term.PickerUnitRows()
			if len(rows) < 2 {
				t.Fatalf("%d unit lines drawn", len(rows))
			}
			if h := list.Size().Height; h < 2*rows[0].MinSize().Height {
				t.Errorf("the units' list is %v high: fewer than two lines in sight", h)
			}
			for _, l := range rows {
				if l.Size().Width < l.MinSize().Width || l.Truncation != fyne.TextTruncateOff {
					t.Errorf("serial %q is cut: %v wide, needs %v", l.Text, l.Size().Width, l.MinSize().Width)
				}
			}
			term.TapPickerUnit(units[1])
			shoot(t, w, "fitpick-units-"+name)
		})
	}
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/ui"
)

// TestPartPickerSaysItIsFinding: until the add-part dialog's first search
// answers, the dialog says it is finding the parts; it said nothing, and
// its empty list under "Stock in …:" read as a van with nothing in it (the
// lead's French phone walk, two seconds on a loaded machine). The note
// goes once the parts are listed.
func TestPartPickerSaysItIsFinding(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, ds, _ := openDemoStore(t, now)
	var queued []func()
	deps.Run = func(f func()) { queued = append(queued, f) }
	step := func() {
		f := queued[0]
		queued = queued[1:]
		f()
	}
	drain := func() {
		for len(queued) > 0 {
			step()
		}
	}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	drain()
	workingTicket(t, term, ds, deps)
	drain()
	tapButton(t, term.Detail().Object(), "Add part")
	step() // the van and its stock; the first search waits in the queue
	if term.PickerShown() == nil {
		t.Fatal("no add-part dialog once the van was read")
	}
	dlg := w.Canvas().Overlays().Top()
	finding := func() bool {
		seen := false
		walk(dlg, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, "Finding the parts for this job") {
				seen = true
			}
		})
		return seen
	}
	if !finding() {
		t.Errorf("while the first search runs the dialog does not say it is finding the parts:\n%s", labels(dlg))
	}
	drain()
	if shown := labels(dlg); finding() || !strings.Contains(shown, " in stock") {
		t.Errorf("once the search answered the dialog says:\n%s", shown)
	}
}

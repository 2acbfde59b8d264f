package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestCountTicksSurviveARestart: the units ticked missing in a count's
// serial picker are kept with the count: after the terminal is started
// again on the same store, the review goes straight to the loss of the
// units ticked, without asking which units again. Before, the counts
// came back and the ticks did not, and the technician ticked them again.
func TestCountTicksSurviveARestart(t *testing.T) {
	s := newStockWorld(t)
	part := s.serialsInVan(t, "SN-R-1", "SN-R-2", "SN-R-3")
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	idx := slices.Index(s.term.CountInFront(), string(part.Number)+" 3 -")
	if idx < 0 {
		t.Fatalf("the count does not list 3 of %s", part.Number)
	}
	reviewCount(t, s.w, map[app.PartNumber]int{part.Number: 1})
	pick := s.top(t)
	if !strings.Contains(labels(pick), "Which units are missing?") {
		t.Fatalf("no serial picker:\n%s", labels(pick))
	}
	ticked := 0
	walk(pick, func(o fyne.CanvasObject) {
		if ch, ok := o.(*widget.Check); ok && (ch.Text == "SN-R-1" || ch.Text == "SN-R-3") {
			test.Tap(ch)
			ticked++
		}
	})
	if ticked != 2 {
		t.Fatalf("%d units ticked, want 2", ticked)
	}

	// No Continue: the app is killed with the picker open (the first
	// terminal is left as it is), and started again on the same store.
	deps := s.deps
	deps.Counts = s.db
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	s.term, s.w = term, w
	term.ShowParts("stock", "")
	tapButton(t, w.Canvas().Content(), "Count stock")
	tapButton(t, s.top(t), "Review")
	review := labels(s.top(t))
	if strings.Contains(review, "Which units are missing?") || !strings.Contains(review, "Units: SN-R-1, SN-R-3.") {
		t.Fatalf("after a restart the review of the count with two units ticked missing:\n%s", review)
	}
	tapButton(t, s.top(t), "Book 1 loss")
	if units, err := s.deps.Parts.Units(t.Context(), s.van.ID, part.Number); err != nil || !slices.Equal(units, []string{"SN-R-2"}) {
		t.Fatalf("after the count the van's units are %v (%v), want SN-R-2", units, err)
	}
	if kept, err := s.db.CountDraft(t.Context(), s.deps.Actor, s.van.ID); err != nil || len(kept.Counts)+len(kept.Missing) != 0 {
		t.Errorf("the booked count is still kept: %+v (%v)", kept, err)
	}
}

// TestCountUsesThePhonesHeight: on a 720x1280 phone the count takes the
// screen's height, less a margin, so a technician sees a van's parts a
// screenful at a time; it stood 640 dp high in the middle of the screen,
// about 7 of 95 rows.
func TestCountUsesThePhonesHeight(t *testing.T) {
	s := newStockWorld(t)
	s.w.Resize(fyne.NewSize(720, 1280))
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	pop, ok := s.w.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		t.Fatalf("the count is not a dialog on top: %T", s.w.Canvas().Overlays().Top())
	}
	if got, want := pop.Content.Size().Height, float32(1280*0.9); got < want {
		t.Errorf("the count is %v dp high on a 1280 dp phone, want at least %v", got, want)
	}
}

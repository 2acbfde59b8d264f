package ui_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// countBoxes are the count boxes of the rows the count d shows, by the
// part of their row: each row is its label ("name\nNUMBER · held on the
// device") and then its box.
func countBoxes(d fyne.CanvasObject) map[app.PartNumber]fyne.Focusable {
	out := map[app.PartNumber]fyne.Focusable{}
	var part app.PartNumber
	walk(d, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			if _, held, ok := strings.Cut(l.Text, "\n"); ok && strings.Contains(held, " on the device") {
				part = app.PartNumber(strings.Fields(held)[0])
			}
		}
		if e := entryOf(o); e != nil && e.PlaceHolder == "—" && o != fyne.CanvasObject(e) {
			out[part] = o.(fyne.Focusable)
		}
	})
	return out
}

// typeCounts types each part's count into its box in the count in front
// of w, in the parts' order.
func typeCounts(t *testing.T, w fyne.Window, counts map[app.PartNumber]int) {
	t.Helper()
	d := w.Canvas().Overlays().Top()
	if d == nil {
		t.Fatal("no count is open")
	}
	boxes := countBoxes(d)
	for _, p := range slices.Sorted(maps.Keys(counts)) {
		box, ok := boxes[p]
		if !ok {
			t.Fatalf("the count shows no box for %s", p)
		}
		test.Type(box, strconv.Itoa(counts[p]))
	}
}

// reviewCount types counts into the count in front of w (typeCounts) and
// taps Review.
func reviewCount(t *testing.T, w fyne.Window, counts map[app.PartNumber]int) {
	t.Helper()
	typeCounts(t, w, counts)
	tapButton(t, w.Canvas().Overlays().Top(), "Review")
}

package ui_test

import (
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckInPatternTextOneLine: the pattern drawn reads as one line of
// numbers under the pad, the longest too, not a character a line.
func TestCheckInPatternTextOneLine(t *testing.T) {
	for _, dots := range [][]int{{1, 4, 7, 8}, {1, 2, 3, 6, 5, 4, 7, 8, 9}} {
		term, _, _, _, _ := scanTerminal(t)
		tapButton(t, term.Object(), "Check in")
		form := term.CheckInForm()
		form.DrawPattern(dots...)
		if got := form.Pattern(); got != app.PatternText(dots) {
			t.Fatalf("pattern %q, want %q", got, app.PatternText(dots))
		}
		// A row gives a label its least size: one line of the whole text.
		one := widget.NewLabel(form.Pattern()).MinSize()
		if s := form.PatternTextMinSize(); s.Width < one.Width || s.Height > one.Height {
			t.Errorf("pattern %q asks for %v, less than one line of it (%v)", form.Pattern(), s, one)
		}
	}
}

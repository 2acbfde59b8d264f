package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestGoldenScreens pins the markup of the key screens: a change to a
// screen shows up as a diff of its golden file (testdata/*.xml; a failed
// run writes the new markup to testdata/failed/ for review).
func TestGoldenScreens(t *testing.T) {
	// Times show in the session's zone: pin it, so the files match on any
	// machine.
	term, w, _, ds, deps := scanTerminalIn(t, time.UTC)
	tk := myTicket(t, ds, deps)
	test.AssertRendersToMarkup(t, "tickets_desktop.xml", w.Canvas())

	term.Detail().Show(tk.ID)
	test.AssertRendersToMarkup(t, "ticket_desktop.xml", w.Canvas())

	tapButton(t, term.Object(), "Check in")
	test.AssertRendersToMarkup(t, "checkin_desktop.xml", w.Canvas())
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	w.Resize(fyne.NewSize(720, 1280))
	term.List().SetQuery(tk.Number)
	term.List().Select(0)
	test.AssertRendersToMarkup(t, "ticket_phone.xml", w.Canvas())
}

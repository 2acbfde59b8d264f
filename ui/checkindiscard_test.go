package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TestCheckInAsksBeforeDiscarding: Escape or Cancel on a check-in form
// something was typed or chosen in asks before throwing it away, and
// "Keep editing" keeps every field; a form as it opened (empty, or with
// only the scanned serial it opened for) closes at once.
func TestCheckInAsksBeforeDiscarding(t *testing.T) {
	term, w, _, _, _ := scanTerminal(t)
	overlays := func() int { return len(w.Canvas().Overlays().List()) }

	// As it opened: nothing to lose.
	counterCheckIn(t, term)
	press(w, fyne.KeyEscape)
	if term.CheckInForm() != nil || overlays() != 0 {
		t.Fatalf("Escape on an empty form: form open %v, %d overlays", term.CheckInForm() != nil, overlays())
	}
	// Opened by a scan of an unknown device: the serial is what it
	// opened with, not typing.
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: "356938035643817"}})
	tapButton(t, w.Canvas().Overlays().Top(), "Check in")
	if f := term.CheckInForm(); f == nil || f.Serial() != "356938035643817" {
		t.Fatal("the scan's offer did not open the form with its serial")
	}
	press(w, fyne.KeyEscape)
	if term.CheckInForm() != nil || overlays() != 0 {
		t.Fatalf("Escape on the form as the scan opened it: form open %v, %d overlays", term.CheckInForm() != nil, overlays())
	}

	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"Escape", func() { press(w, fyne.KeyEscape) }},
		{"Cancel", func() { tapButton(t, w.Canvas().Overlays().Top(), "Cancel") }},
	} {
		t.Run(leave.name, func(t *testing.T) {
			form := counterCheckIn(t, term)
			form.Fill(app.CategoryPhone, "Zhou Min", "+86 139 0000 0001", "Xiaomi", "Redmi 12", "", "", "Screen cracked")
			leave.do()
			ask := w.Canvas().Overlays().Top()
			if shown := labels(ask); term.CheckInForm() == nil || !strings.Contains(shown, "Discard this check-in?") {
				t.Fatalf("%s on a typed form: form open %v, asked:\n%s", leave.name, term.CheckInForm() != nil, shown)
			}
			if b := findButton(ask, "Discard"); b == nil || b.Importance != widget.DangerImportance {
				t.Errorf("Discard is not offered as a destructive action: %v", b)
			}
			tapButton(t, ask, "Keep editing")
			if term.CheckInForm() == nil || form.Brand() != "Xiaomi" || overlays() != 1 {
				t.Fatalf("Keep editing: form open %v, brand %q, %d overlays", term.CheckInForm() != nil, form.Brand(), overlays())
			}
			leave.do()
			tapButton(t, w.Canvas().Overlays().Top(), "Discard")
			if term.CheckInForm() != nil || overlays() != 0 {
				t.Fatalf("Discard: form open %v, %d overlays", term.CheckInForm() != nil, overlays())
			}
			if f := counterCheckIn(t, term); f.Brand() != "" {
				t.Errorf("the next check-in opened with %q typed", f.Brand())
			}
			press(w, fyne.KeyEscape)
		})
	}
}

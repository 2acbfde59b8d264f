package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// TestScanInRunsOnALoadedDeviceIsOneCode: a loaded device hands a
// scanner's keys over in runs, as measured under xdotool at load 16
// (scanner.TestWedgeDetectorUnderLoad): here three runs, 400 and 300 ms
// apart, and Enter 600 ms after the last key. The whole code is the scan
// (the serial field gets all of it), and what was typed in the customer
// field before stays as typed. Before, a second pause or one past 250 ms
// split the code, and a late Enter left it all as typing.
func TestScanInRunsOnALoadedDeviceIsOneCode(t *testing.T) {
	term, w, kb, _, _ := scanTerminal(t)
	form := counterCheckIn(t, term)
	w.Canvas().Focus(form.Input("customer"))
	focused := w.Canvas().Focused()
	kb.typeSlowly(focused, "Zhou Min", false)
	const imei = "356938035643809"
	kb.clock = kb.clock.Add(time.Second) // the time to pick up the scanner
	for i, r := range imei {
		switch i {
		case 4:
			kb.step = 400 * time.Millisecond
		case 10:
			kb.step = 300 * time.Millisecond
		default:
			kb.step = time.Millisecond
		}
		focused.TypedRune(r)
	}
	kb.step = 600 * time.Millisecond
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := form.Serial(); got != imei {
		t.Errorf("serial field %q after a scan handed over in three runs, want %q", got, imei)
	}
	if got := form.Customer(); got != "Zhou Min" {
		t.Errorf("the customer field holds %q after the scan, want what was typed, %q", got, "Zhou Min")
	}
}

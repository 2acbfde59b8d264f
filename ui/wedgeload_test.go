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

// TestScanAfterARolledPairOrAFreezeIsOneCode: the last two edges of the
// wedge, at the check-in's counter. A person typing the customer's name
// rolls two keys 25 ms apart ("in"), a run as the scanner's are, then
// scans: the pair stays in the name. And a loaded device freezes 2,029 ms
// inside a scan (measured live, README "Scanning"): it is still one
// code. Before, the pair and the key before it went into the serial
// ("Min356…", the name cut to "Zhou "), and the freeze split the code
// ("Zhou Min356938" in the name, "035643809" in the serial).
func TestScanAfterARolledPairOrAFreezeIsOneCode(t *testing.T) {
	const imei = "356938035643809"
	ms := time.Millisecond
	for name, tc := range map[string]struct {
		roll   time.Duration // between the name's last two keys
		freeze time.Duration // inside the scan, after its sixth key
	}{
		"RolledPair": {roll: 25 * ms, freeze: 300 * ms},
		"Freeze":     {roll: 150 * ms, freeze: 2029 * ms},
		"Both":       {roll: 30 * ms, freeze: 2029 * ms},
	} {
		t.Run(name, func(t *testing.T) {
			term, w, kb, _, _ := scanTerminal(t)
			form := counterCheckIn(t, term)
			w.Canvas().Focus(form.Input("customer"))
			focused := w.Canvas().Focused()
			kb.typeSlowly(focused, "Zhou Mi", false)
			kb.step = tc.roll
			focused.TypedRune('n')
			kb.clock = kb.clock.Add(time.Second) // the time to pick up the scanner
			for i, r := range imei {
				switch i {
				case 0:
					kb.step = 0
				case 6:
					kb.step = tc.freeze
				default:
					kb.step = time.Millisecond
				}
				focused.TypedRune(r)
			}
			kb.step = 40 * ms
			focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if got := form.Serial(); got != imei {
				t.Errorf("serial field %q, want %q", got, imei)
			}
			if got := form.Customer(); got != "Zhou Min" {
				t.Errorf("the customer field holds %q after the scan, want what was typed, %q", got, "Zhou Min")
			}
		})
	}
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestSlowScanIntoNoFieldStillCounts: on a busy device a scanner's keys
// reach the receipt dialog, where nothing has the focus, a few hundred
// milliseconds apart; the wedge reads them as typing. They went to no
// field and the part was not counted, without a word. Keys typed into no
// field and ended by Enter are a code: the part counts. A key pressed by
// mistake, a second before, is not part of it.
func TestSlowScanIntoNoFieldStillCounts(t *testing.T) {
	s := newSupplyWorld(t)
	tk := workingTicket(t, s.term, s.ds, s.deps)
	part := s.missingParts(t, tk.Product.Model, 1)[0]
	s.inTransit(t, "ship-slow", "SF900088", app.ShipmentLine{Part: part.Number, Qty: 2})
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "SF900088")
	if !s.term.Receiving() {
		t.Fatalf("scanning the tracking number opened no receipt; scan bar %q", s.term.ScanStatus())
	}
	dlg := s.w.Canvas().Overlays().Top()
	if f := s.w.Canvas().Focused(); f != nil {
		t.Fatalf("the receipt opened with %T focused", f)
	}
	typed := s.w.Canvas().OnTypedRune()
	typed('x')                                   // a key pressed by mistake
	s.kb.clock = s.kb.clock.Add(2 * time.Second) // before the scan
	s.kb.step = 300 * time.Millisecond           // over the wedge's longest stall
	for _, r := range partLabelText(t, part.Number) {
		typed(r)
	}
	press(s.w, "Return")
	if text := labels(dlg); !strings.Contains(text, "1 of 2 counted") {
		t.Fatalf("a scan handed over slowly was not counted; scan bar %q:\n%s", s.term.ScanStatus(), text)
	}
}

package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// tapReceiveRowButton taps the − (0) or + (1) of the receive dialog's line
// whose label starts with prefix.
func tapReceiveRowButton(t *testing.T, dlg fyne.CanvasObject, prefix string, which int) {
	t.Helper()
	tapped := false
	walk(dlg, func(o fyne.CanvasObject) {
		row, ok := o.(*fyne.Container)
		if tapped || !ok || len(row.Objects) != 2 {
			return
		}
		if l, ok := row.Objects[0].(*widget.Label); ok && strings.HasPrefix(l.Text, prefix) {
			if bs, ok := row.Objects[1].(*fyne.Container); ok && len(bs.Objects) == 2 {
				test.Tap(bs.Objects[which].(*widget.Button))
				tapped = true
			}
		}
	})
	if !tapped {
		t.Fatalf("no line %q with − and + in the count:\n%s", prefix, labels(dlg))
	}
}

// TestScanBarForgetsALineTakenBack: the scan bar never describes a line of
// the receipt that changed by hand after the scan (the lead's walk: a part
// not in the parcel, scanned then taken back with −, left "Scanned …: not
// in this shipment" below a count without it). A line removed is said
// removed; a line counted anew by hand takes the scan's note away.
func TestScanBarForgetsALineTakenBack(t *testing.T) {
	s := newSupplyWorld(t)
	part := s.ds.Parts[0]
	s.inTransit(t, "ship-stale", "TRK-STALE", app.ShipmentLine{Part: part.Number, Qty: 2})
	s.term.ShowOnWay()
	scanKeys(s.w, s.kb, "TRK-STALE")
	dlg := s.w.Canvas().Overlays().Top()

	scanKeys(s.w, s.kb, "STRAY-9")
	if got := s.term.ScanStatus(); !strings.Contains(got, "STRAY-9: not in this shipment") {
		t.Fatalf("scan bar after the stray scan: %q", got)
	}
	tapReceiveRowButton(t, dlg, "STRAY-9", 0)
	if strings.Contains(labels(dlg), "STRAY-9") {
		t.Fatalf("the stray line taken back to none stays:\n%s", labels(dlg))
	}
	if got, want := s.term.ScanStatus(), "Removed STRAY-9 from the count."; got != want || !s.term.ScanBarShown() {
		t.Errorf("scan bar after the stray line went: %q (shown %v), want %q", got, s.term.ScanBarShown(), want)
	}

	// A line of the parcel scanned, then counted down by hand: "1 of 2"
	// no longer holds, and the note goes.
	scanKeys(s.w, s.kb, partLabelText(t, part.Number))
	if got := s.term.ScanStatus(); !strings.HasSuffix(got, ": 1 of 2.") {
		t.Fatalf("scan bar after the part's scan: %q", got)
	}
	tapReceiveRowButton(t, dlg, part.NameEN, 0)
	if s.term.ScanBarShown() {
		t.Errorf("scan bar still says %q after its line was counted down by hand", s.term.ScanStatus())
	}

	// A note about something else is not the count's to take away.
	scanKeys(s.w, s.kb, partLabelText(t, part.Number))
	s.term.Say("Sync failed")
	tapReceiveRowButton(t, dlg, part.NameEN, 0)
	if got := s.term.ScanStatus(); got != "Sync failed" || !s.term.ScanBarShown() {
		t.Errorf("a later note went with the count's change: %q (shown %v)", got, s.term.ScanBarShown())
	}
}

// TestCountScanBarForgetsARowTypedAnew: in the stock count, a part
// scanned and then typed anew in its box leaves no scan note of the old
// count; a scan after says the new one.
func TestCountScanBarForgetsARowTypedAnew(t *testing.T) {
	s := newStockWorld(t)
	held := s.held(t, s.van.ID, false)
	var part app.PartNumber
	for n := range held {
		part = n
		break
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	s.scanCode(string(part))
	if got := s.term.ScanStatus(); !strings.Contains(got, ": 1 counted,") {
		t.Fatalf("scan bar after the scan: %q", got)
	}
	box, ok := countBoxes(s.top(t))[part]
	if !ok {
		t.Fatalf("no box for %s in the count", part)
	}
	entryOf(box.(fyne.CanvasObject)).SetText("7")
	if s.term.ScanBarShown() {
		t.Errorf("scan bar still says %q after the count was typed anew", s.term.ScanStatus())
	}
	s.scanCode(string(part))
	if got := s.term.ScanStatus(); !strings.Contains(got, ": 8 counted,") || !s.term.ScanBarShown() {
		t.Errorf("scan bar after the next scan: %q (shown %v)", got, s.term.ScanBarShown())
	}
}

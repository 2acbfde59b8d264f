package ui_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// scanCode is a wedge scanner reading code.
func (s *stockWorld) scanCode(code string) {
	s.term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: code}})
}

// TestFullCountSaysItIsFull: a count that lists the most parts one count
// holds answers the scan of a part it does not list with that, not with
// "not a part number", and counts nothing; a code that is no part number
// is still told so.
func TestFullCountSaysItIsFull(t *testing.T) {
	s := newStockWorld(t)
	held := s.held(t, s.van.ID, false)
	// A count kept from before fills the count up with parts scanned
	// that the van does not hold.
	kept := map[app.PartNumber]int{}
	for i := 0; len(kept)+len(held) < app.MaxCountParts; i++ {
		n := app.PartNumber(fmt.Sprintf("FULL-%04d", i))
		if _, ok := held[n]; !ok {
			kept[n] = 1
		}
	}
	if err := s.db.PutCountDraft(t.Context(), s.deps.Actor, s.van.ID, kept); err != nil {
		t.Fatal(err)
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	if rows := s.term.CountInFront(); len(rows) != app.MaxCountParts {
		t.Fatalf("the count lists %d parts, want %d", len(rows), app.MaxCountParts)
	}
	s.scanCode("NEW-PART-77")
	if got := s.term.ScanStatus(); !strings.Contains(got, "NEW-PART-77: not held at "+s.van.Name) || !strings.Contains(got, "the most one count holds") {
		t.Errorf("a scan into a full count said %q", got)
	}
	if rows := s.term.CountInFront(); len(rows) != app.MaxCountParts {
		t.Errorf("the full count grew to %d parts", len(rows))
	}
	s.scanCode(strings.Repeat("X", app.MaxIDLen+1))
	if got := s.term.ScanStatus(); !strings.Contains(got, "not a part number") {
		t.Errorf("an unreadable code said %q", got)
	}
}

// TestTappedPartIsNotScanned: tapping a line of the stock opens the part's
// card without saying a part was scanned.
func TestTappedPartIsNotScanned(t *testing.T) {
	s := newStockWorld(t)
	s.term.ShowParts("stock", "")
	lines := s.term.PartsShown()
	if len(lines) == 0 {
		t.Fatal("the van lists nothing")
	}
	n := strings.Fields(lines[0])[0]
	if !s.term.OpenPartCard(n) {
		t.Fatalf("no line %s", n)
	}
	if text := labels(s.top(t)); !strings.Contains(text, n) {
		t.Fatalf("the tap opened no card of %s:\n%s", n, text)
	}
	if got := s.term.ScanStatus(); strings.Contains(got, "Scanned") {
		t.Errorf("a tap said %q", got)
	}
}

// shipBinBack ships the whole defective bin back from the page, and
// returns the ship-back dialog as it stood before the confirmation.
func (s *stockWorld) shipBinBack(t *testing.T) fyne.CanvasObject {
	t.Helper()
	s.term.ShowParts("defective", "")
	tapButton(t, s.w.Canvas().Content(), "Ship back…")
	d := s.top(t)
	walk(d, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok && sel.SelectedIndex() < 0 {
			sel.SetSelectedIndex(0)
		}
	})
	tapButton(t, d, "Ship back")
	tapButton(t, s.top(t), "Ship back")
	return d
}

// TestShippedBinIsSyncedOnThePage: right after the bin ships back, its
// lines say the move waits for the sync; once the sync took it, the page
// says the bin is empty, as the sync line says all is synced (it kept
// "-1 not yet synced" until the page was opened again).
func TestShippedBinIsSyncedOnThePage(t *testing.T) {
	s := newStockWorld(t)
	var part app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(s.held(t, s.van.ID, false))) {
		if part == "" && s.held(t, s.van.ID, false)[n] > 0 {
			part = n
		}
	}
	if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: app.NewID(),
		Kind: app.MoveTransfer, Part: part, From: s.van.ID, To: s.bin.ID, Qty: 1, Reason: "screen cracked"}}); err != nil {
		t.Fatal(err)
	}
	s.syncOnce(t)
	binBefore := s.held(t, s.bin.ID, false)
	s.shipBinBack(t)
	if lines := s.term.PartsShown(); len(lines) == 0 || !strings.HasSuffix(lines[0], fmt.Sprintf(" 0 %d", -binBefore[app.PartNumber(strings.Fields(lines[0])[0])])) {
		t.Fatalf("right after shipping, the bin lists %v (held %v)", lines, binBefore)
	}
	s.syncOnce(t)
	if text := s.term.SyncText(); !strings.Contains(text, "All work synced") {
		t.Fatalf("after the sync the sync line says %q", text)
	}
	if lines := s.term.PartsShown(); len(lines) != 0 {
		t.Errorf("the sync line says all is synced, the bin lists %v", lines)
	}
}

// TestShipBackButtonsInARow: the ship-back dialog's Cancel and Ship back
// stand side by side on a tablet, as the stock dialogs' buttons do.
func TestShipBackButtonsInARow(t *testing.T) {
	s := newStockWorld(t)
	var part app.PartNumber
	for n, q := range s.held(t, s.van.ID, false) {
		if q > 0 {
			part = n
		}
	}
	if _, err := s.deps.Commit.Commit(t.Context(), s.deps.Actor, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: app.NewID(),
		Kind: app.MoveTransfer, Part: part, From: s.van.ID, To: s.bin.ID, Qty: 1, Reason: "screen cracked"}}); err != nil {
		t.Fatal(err)
	}
	s.term.ShowParts("defective", "")
	tapButton(t, s.w.Canvas().Content(), "Ship back…")
	d := s.top(t)
	cancel, send := button(d, "Cancel"), button(d, "Ship back")
	if cancel == nil || send == nil {
		t.Fatalf("the ship-back dialog's buttons:\n%s", labels(d))
	}
	c, b := fyne.CurrentApp().Driver().AbsolutePositionForObject(cancel), fyne.CurrentApp().Driver().AbsolutePositionForObject(send)
	if c.Y != b.Y || c.X >= b.X {
		t.Errorf("at 1280x800 Cancel stands at %v, Ship back at %v: not side by side", c, b)
	}
}

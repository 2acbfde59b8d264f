package ui_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
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
	if err := s.db.PutCountDraft(t.Context(), s.deps.Actor, s.van.ID, app.CountDraft{Counts: kept}); err != nil {
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
// serialsInVan receives one unit of each serial into the van, of a
// serialized part the van did not hold, and syncs: the part it returns.
func (s *stockWorld) serialsInVan(t *testing.T, serials ...string) app.Part {
	t.Helper()
	held := s.held(t, s.van.ID, false)
	var part app.Part
	for _, p := range s.ds.Parts {
		if part.Number == "" && p.Serialized && held[p.Number] == 0 {
			part = p
		}
	}
	if part.Number == "" {
		t.Fatal("no serialized part the van does not hold")
	}
	for _, sn := range serials {
		s.dispatch(t, &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: app.NewID(), Kind: app.MoveReceive,
			Part: part.Number, To: s.van.ID, Qty: 1, Serial: sn}})
	}
	s.syncOnce(t)
	return part
}

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

// recordingParts is the device's parts, which tells at the part it reads
// as the count opens what the parts page says then.
type recordingParts struct {
	app.PartService
	at    int
	reads int
	seen  func()
}

func (p *recordingParts) Part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	if p.reads++; p.reads == p.at && p.seen != nil {
		p.seen()
	}
	return p.PartService.Part(ctx, n)
}

// TestBigCountShowsProgress: while a count of a thousand parts opens, the
// parts page says how far it is; once open, the page says its parts
// again.
func TestBigCountShowsProgress(t *testing.T) {
	rec := &recordingParts{}
	s := newStockWorldWith(t, func(d *ui.Deps) {
		rec.PartService = d.Parts
		d.Parts = rec
	})
	kept := map[app.PartNumber]int{}
	for i := range app.MaxCountParts / 2 {
		kept[app.PartNumber(fmt.Sprintf("BIG-%04d", i))] = 1
	}
	if err := s.db.PutCountDraft(t.Context(), s.deps.Actor, s.van.ID, app.CountDraft{Counts: kept}); err != nil {
		t.Fatal(err)
	}
	s.term.ShowParts("stock", "")
	var said string
	rec.reads, rec.at = 0, 400
	rec.seen = func() { said = s.term.PartsStatus() }
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	if !strings.Contains(said, "Opening the count of "+s.van.Name) || !strings.Contains(said, "of "+fmt.Sprint(len(s.held(t, s.van.ID, false))+len(kept))+" parts read") {
		t.Errorf("while the count opened, the page said %q", said)
	}
	if rows := s.term.CountInFront(); len(rows) < len(kept) {
		t.Fatalf("the count lists %d parts", len(rows))
	}
	if got := s.term.PartsStatus(); strings.Contains(got, "Opening") {
		t.Errorf("once open, the page still says %q", got)
	}
}

// TestCountChoosesTheLocation: a technician who holds stock at two places
// chooses which one to count; the count lists that place's parts, and
// its loss is booked there, accepted by the service.
func TestCountChoosesTheLocation(t *testing.T) {
	s := newStockWorld(t)
	shelf := app.Location{ID: app.LocationID("shelf-" + string(s.me.ID)), Kind: app.LocationStore, Name: "Back shelf · " + s.me.Name, Owner: string(s.me.ID)}
	if err := s.emb.DB.PutLocations(t.Context(), s.emb.Tenant, []app.Location{shelf}); err != nil {
		t.Fatal(err)
	}
	part := s.ds.Parts[0].Number
	s.dispatch(t, &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: app.NewID(), Kind: app.MoveReceive, Part: part, To: shelf.ID, Qty: 3}})
	s.syncOnce(t)
	if got := s.held(t, shelf.ID, false); got[part] != 3 {
		t.Fatalf("the device holds %v on the shelf", got)
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	ask := s.top(t)
	if text := labels(ask); !strings.Contains(text, "Count which stock?") {
		t.Fatalf("counting with two places did not ask which:\n%s", text)
	}
	if button(ask, s.van.Name) == nil || button(ask, shelf.Name) == nil {
		t.Fatalf("the choice does not offer the van and the shelf:\n%s", labels(ask))
	}
	tapButton(t, ask, shelf.Name)
	if rows := s.term.CountInFront(); len(rows) != 1 || rows[0] != string(part)+" 3 -" {
		t.Fatalf("the shelf's count lists %v", rows)
	}
	if text := labels(s.top(t)); !strings.Contains(text, "Count of "+shelf.Name) {
		t.Errorf("the count does not say which place:\n%s", text)
	}
	reviewCount(t, s.w, map[app.PartNumber]int{part: 2})
	tapButton(t, s.top(t), "Book 1 loss")
	if got := s.held(t, shelf.ID, false); got[part] != 2 {
		t.Fatalf("after counting 2 the shelf holds %v", got)
	}
	s.syncOnce(t)
	if got := s.held(t, shelf.ID, true); got[part] != 2 {
		t.Errorf("the service holds %v on the shelf after the sync", got)
	}
	if st := s.svc.SyncStatus(); st.Conflicts != 0 {
		t.Errorf("the shelf's loss raised %d conflicts", st.Conflicts)
	}
}

// laterRun runs the terminal's background work only when drained, as a
// slow device gets to it: after the user's next taps and scans.
type laterRun struct{ fs []func() }

func (l *laterRun) run(f func()) { l.fs = append(l.fs, f) }

func (l *laterRun) drain() {
	for len(l.fs) > 0 {
		f := l.fs[0]
		l.fs = l.fs[1:]
		f()
	}
}

// TestScansBeforeTheCountOpensCount: a burst scanned right after the tap
// on Count stock, before the count has read the van (a fresh start on a
// slow device), counts every scan once the count is open: the first
// scans went to the parts page's search behind it.
func TestScansBeforeTheCountOpensCount(t *testing.T) {
	later := &laterRun{}
	s := newStockWorldWith(t, func(d *ui.Deps) { d.Run = later.run })
	later.drain()
	held := s.held(t, s.van.ID, false)
	var a, b app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(held)) {
		switch {
		case a == "" && held[n] > 0:
			a = n
		case b == "" && held[n] > 0:
			b = n
		}
	}
	s.term.ShowParts("stock", "")
	later.drain()
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	s.scanCode(string(a))
	s.scanCode(string(b))
	s.scanCode(string(a))
	if got := s.term.ScanStatus(); !strings.Contains(got, "counted as soon as the count is open") {
		t.Errorf("a scan while the count opens said %q", got)
	}
	later.drain()
	rows := s.term.CountInFront()
	want := map[string]bool{fmt.Sprintf("%s %d 2", a, held[a]): true, fmt.Sprintf("%s %d 1", b, held[b]): true}
	for _, r := range rows {
		delete(want, r)
	}
	if len(want) != 0 {
		t.Errorf("after scanning %s, %s, %s as it opened, the count reads %v", a, b, a, rows)
	}
	// Once open, a scan counts at once, as before.
	s.scanCode(string(b))
	if rows := s.term.CountInFront(); !slices.Contains(rows, fmt.Sprintf("%s %d 2", b, held[b])) {
		t.Errorf("a scan into the open count: %v", rows)
	}
	// Closed, a scan no longer waits for a count.
	tapButton(t, s.top(t), "Close, keep count")
	later.drain()
	s.scanCode(string(a))
	if got := s.term.ScanStatus(); strings.Contains(got, "counted as soon") {
		t.Errorf("a scan with no count opening said %q", got)
	}
}

// TestCountShortSerialsAsksWhichUnits: a serialized part counted short
// asks which units are missing before the review; Continue with none
// ticked says what to do; scanning the unit that is there ticks the
// other two; the loss is booked against those units, the van keeps the
// unit scanned, and the service takes it without a conflict.
func TestCountShortSerialsAsksWhichUnits(t *testing.T) {
	s := newStockWorld(t)
	part := s.serialsInVan(t, "SN-C-1", "SN-C-2", "SN-C-3")
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	rows := s.term.CountInFront()
	idx := slices.Index(rows, string(part.Number)+" 3 -")
	if idx < 0 {
		t.Fatalf("the count does not list 3 of %s: %v", part.Number, rows)
	}
	reviewCount(t, s.w, map[app.PartNumber]int{part.Number: 1})
	pick := s.top(t)
	text := labels(pick)
	if !strings.Contains(text, "Which units are missing?") || !strings.Contains(text, "Tick the 2 missing units") {
		t.Fatalf("a serialized part counted short did not ask which units:\n%s", text)
	}
	tapButton(t, pick, "Continue")
	if msg := labels(s.top(t)); !strings.Contains(msg, "tick the 2 missing units") {
		t.Fatalf("continuing with none ticked said:\n%s", msg)
	}
	tapButton(t, s.top(t), "Close")
	s.scanCode("SN-C-2")
	if got := s.term.ScanStatus(); !strings.Contains(got, "SN-C-2 is there") {
		t.Errorf("scanning a unit there said %q", got)
	}
	tapButton(t, s.top(t), "Continue")
	review := labels(s.top(t))
	if !strings.Contains(review, "2 lost") || !strings.Contains(review, "Units: SN-C-1, SN-C-3.") {
		t.Fatalf("the review:\n%s", review)
	}
	tapButton(t, s.top(t), "Book 1 loss")
	if units, err := s.deps.Parts.Units(t.Context(), s.van.ID, part.Number); err != nil || !slices.Equal(units, []string{"SN-C-2"}) {
		t.Fatalf("after the count the van's units are %v (%v), want SN-C-2", units, err)
	}
	s.syncOnce(t)
	if got := s.held(t, s.van.ID, true)[part.Number]; got != 1 {
		t.Errorf("the service holds %d of %s in the van", got, part.Number)
	}
	if st := s.svc.SyncStatus(); st.Conflicts != 0 {
		t.Errorf("the count raised %d conflicts", st.Conflicts)
	}
}

package ui_test

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// stockWorld is a terminal that keeps counts, paired with a real central
// service on loopback, with the technician's van and defective bin.
type stockWorld struct {
	*syncWorld
	term     *ui.Terminal
	w        fyne.Window
	van, bin app.Location
}

func newStockWorld(t *testing.T) *stockWorld {
	t.Helper()
	return newStockWorldWith(t, nil)
}

// newStockWorldWith is newStockWorld whose terminal's dependencies edit
// changes.
func newStockWorldWith(t *testing.T, edit func(*ui.Deps)) *stockWorld {
	t.Helper()
	sw := newSyncWorld(t, nil, nil)
	deps := sw.deps
	deps.Counts = sw.db
	deps.Supply = store.NewSupplyService(sw.db) // the bin ships back
	if edit != nil {
		edit(&deps)
	}
	s := &stockWorld{syncWorld: sw, term: ui.NewTerminal(t.Context(), deps)}
	s.w = test.NewTempWindow(t, s.term.Object())
	s.w.Resize(fyne.NewSize(1280, 800))
	s.term.Attach(s.w)
	locs, err := deps.Parts.Locations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Owner == string(sw.me.ID) && l.Kind == app.LocationVan {
			s.van = l
		}
		if l.Owner == string(sw.me.ID) && l.Kind == app.LocationDefective {
			s.bin = l
		}
	}
	if s.van.ID == "" || s.bin.ID == "" {
		t.Fatalf("the demo technician has van %q and bin %q", s.van.ID, s.bin.ID)
	}
	return s
}

// held is the device's (central false) or the service's balance of each
// part at loc.
func (s *stockWorld) held(t *testing.T, loc app.LocationID, central bool) map[app.PartNumber]int {
	t.Helper()
	var bal []app.Balance
	var err error
	if central {
		bal, err = s.emb.DB.Balances(t.Context(), s.emb.Tenant, loc)
	} else {
		bal, err = s.deps.Parts.Balances(t.Context(), loc)
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[app.PartNumber]int{}
	for _, b := range bal {
		out[b.Part] += b.Qty
	}
	maps.DeleteFunc(out, func(_ app.PartNumber, n int) bool { return n == 0 })
	return out
}

// top is the dialog in front.
func (s *stockWorld) top(t *testing.T) fyne.CanvasObject {
	t.Helper()
	o := s.w.Canvas().Overlays().Top()
	if o == nil {
		t.Fatal("no dialog is open")
	}
	return o
}

// dismissError closes the error in front and returns its text.
func (s *stockWorld) dismissError(t *testing.T) string {
	t.Helper()
	o := s.top(t)
	text := labels(o)
	s.w.Canvas().Overlays().Remove(o)
	return text
}

// serialized reports whether part n has serials: since a first sync
// brings the van's units by serial (h-serials), such a part counted
// short asks which units are missing before the review, and which
// parts those are follows the demo world's clock.
func (s *stockWorld) serialized(t *testing.T, n app.PartNumber) bool {
	t.Helper()
	p, err := s.deps.Parts.Part(t.Context(), n)
	if err != nil {
		t.Fatal(err)
	}
	return p.Serialized
}

// TestReportLostAndDamaged: from a part's card, a technician reports two
// units lost and a serialized unit damaged; more than held is refused with
// what to do, and changes nothing; the loss leaves the van, the damaged
// unit moves into the defective bin, and after a sync the central
// service's balances say the same.
func TestReportLostAndDamaged(t *testing.T) {
	s := newStockWorld(t)
	ctx := t.Context()
	var plain, serial app.Part
	for _, p := range s.ds.Parts {
		if serial.Number == "" && p.Serialized {
			serial = p
		}
	}
	// Dispatch supplies a unit with its serial: the technician picks it.
	const unit = "SN-REPORT-1"
	s.dispatch(t, &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: app.NewID(), Kind: app.MoveReceive,
		Part: serial.Number, To: s.van.ID, Qty: 1, Serial: unit}})
	s.syncOnce(t)
	before := s.held(t, s.van.ID, false)
	for _, n := range slices.Sorted(maps.Keys(before)) {
		p, err := s.deps.Parts.Part(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if plain.Number == "" && !p.Serialized && before[n] >= 2 {
			plain = p
		}
	}
	if units, err := s.deps.Parts.Units(ctx, s.van.ID, serial.Number); err != nil || !slices.Contains(units, unit) {
		t.Fatalf("the van's units of %s: %v (%v)", serial.Number, units, err)
	}
	if plain.Number == "" || serial.Number == "" {
		t.Fatalf("the van holds no part to report: %v", before)
	}
	binBefore := s.held(t, s.bin.ID, false)
	centralVan, centralBin := s.held(t, s.van.ID, true), s.held(t, s.bin.ID, true)

	open := func(p app.Part) fyne.CanvasObject {
		t.Helper()
		s.term.ShowParts("stock", string(p.Number))
		if !s.term.OpenPartCard(string(p.Number)) {
			t.Fatalf("my stock does not list %s: %v", p.Number, s.term.PartsShown())
		}
		tapButton(t, s.top(t), "Lost or damaged…")
		return s.top(t)
	}
	d := open(plain)
	typeInto(t, d, "1 to", "9999")
	typeInto(t, d, "What happened", "two fell out of the van")
	tapButton(t, d, "Report")
	if msg := s.dismissError(t); !strings.Contains(msg, "so you can report at most") {
		t.Fatalf("reporting more than held said:\n%s", msg)
	}
	if got := s.held(t, s.van.ID, false); !maps.Equal(got, before) {
		t.Fatal("a refused report changed the van's stock")
	}
	typeInto(t, d, "1 to", "2")
	tapButton(t, d, "Report")
	confirm := s.top(t)
	if b := button(confirm, "Record as lost"); b == nil || b.Importance != widget.DangerImportance {
		t.Fatalf("the loss is not confirmed in red:\n%s", labels(confirm))
	}
	tapButton(t, confirm, "Record as lost")
	if got := s.held(t, s.van.ID, false)[plain.Number]; got != before[plain.Number]-2 {
		t.Fatalf("after losing 2 of %d, the van holds %d", before[plain.Number], got)
	}

	d = open(serial)
	walk(d, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok {
			sel.SetSelectedIndex(1) // damaged
		}
		if se, ok := o.(*widget.SelectEntry); ok {
			se.SetText(unit)
		}
	})
	typeInto(t, d, "What happened", "screen cracked in transit")
	tapButton(t, d, "Report")
	tapButton(t, s.top(t), "Move to defective bin")
	if got := s.held(t, s.van.ID, false)[serial.Number]; got != before[serial.Number]-1 {
		t.Errorf("after moving one damaged unit, the van holds %d of %d", got, before[serial.Number])
	}
	if got := s.held(t, s.bin.ID, false)[serial.Number]; got != binBefore[serial.Number]+1 {
		t.Errorf("the bin holds %d of %s, want %d", got, serial.Number, binBefore[serial.Number]+1)
	}
	if units, _ := s.deps.Parts.Units(ctx, s.bin.ID, serial.Number); !slices.Contains(units, unit) {
		t.Errorf("unit %s is not in the bin: %v", unit, units)
	}
	// The defective returns say why the unit is there, as they say it of
	// a part removed on a ticket or one that arrived damaged.
	s.term.ShowParts("defective", string(serial.Number))
	if lines, _ := s.term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], "from a report of damage (screen cracked in transit)") {
		t.Errorf("the defective returns of %s: %v, want it reported damaged with its reason", serial.Number, lines)
	}

	s.syncOnce(t)
	if n, err := s.db.PendingCount(ctx); err != nil || n != 0 {
		t.Fatalf("after the sync %d mutations wait (%v)", n, err)
	}
	van, bin := s.held(t, s.van.ID, true), s.held(t, s.bin.ID, true)
	if van[plain.Number] != centralVan[plain.Number]-2 || van[serial.Number] != centralVan[serial.Number]-1 || bin[serial.Number] != centralBin[serial.Number]+1 {
		t.Errorf("the service's balances: van %s %d→%d, %s %d→%d; bin %s %d→%d", plain.Number, centralVan[plain.Number], van[plain.Number],
			serial.Number, centralVan[serial.Number], van[serial.Number], serial.Number, centralBin[serial.Number], bin[serial.Number])
	}
	for _, loc := range []app.LocationID{s.van.ID, s.bin.ID} {
		if dev, svc := s.held(t, loc, false), s.held(t, loc, true); !maps.Equal(dev, svc) {
			t.Errorf("at %s the device holds %v, the service %v", loc, dev, svc)
		}
	}
}

// TestCountNamesAPartNotHeldHere: a part scanned into a count that the
// van does not hold is named as the catalog names it, on its row and in
// the scan bar, not by its bare number (the lead's English walk counted a
// shock absorber the office had put in a parcel as "0060755848D").
func TestCountNamesAPartNotHeldHere(t *testing.T) {
	s := newStockWorld(t)
	held := s.held(t, s.van.ID, false)
	var stray app.Part
	for _, p := range s.ds.Parts {
		if _, ok := held[p.Number]; !ok && !p.Serialized && p.NameEN != "" {
			stray = p
			break
		}
	}
	if stray.Number == "" {
		t.Fatal("every catalog part is in the van")
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	s.term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: string(stray.Number)}})
	want := stray.NameEN + "\n" + string(stray.Number) + " · 0 on the device"
	if text := labels(s.top(t)); !strings.Contains(text, want) {
		t.Errorf("the count lacks %q:\n%s", want, text)
	}
	s.term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: string(stray.Number)}})
	if want := "Scanned " + stray.NameEN + " (" + string(stray.Number) + "): 2 counted, 0 on the device."; s.term.ScanStatus() != want {
		t.Errorf("scan bar %q, want %q", s.term.ScanStatus(), want)
	}
}

// TestCountStock: the technician counts the van by scanning and typing;
// the count survives the dialog closing and the store reopening (it is
// kept as it is typed); Discard asks first; the review books the
// shortfall as a loss and tells them to ask dispatch for the surplus;
// after a sync the service's balances match the device's.
func TestCountStock(t *testing.T) {
	s := newStockWorld(t)
	ctx := t.Context()
	before := s.held(t, s.van.ID, false)
	var short, over app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(before)) {
		switch {
		case s.serialized(t, n): // a count short asks which unit first
		case short == "" && before[n] >= 2:
			short = n
		case over == "" && before[n] >= 1:
			over = n
		}
	}
	if short == "" || over == "" {
		t.Fatalf("the van holds too little to count: %v", before)
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	rows := s.term.CountInFront()
	if len(rows) != len(before) {
		t.Fatalf("the count lists %d parts, the van holds %d: %v", len(rows), len(before), rows)
	}
	scan := func(code string) {
		s.term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: code}})
	}
	// One less than held, scanned one by one.
	for range before[short] - 1 {
		scan(string(short))
	}
	// Two more than held, typed.
	typeCounts(t, s.w, map[app.PartNumber]int{over: before[over] + 2})
	want := map[app.PartNumber]int{short: before[short] - 1, over: before[over] + 2}
	kept, err := s.db.CountDraft(ctx, s.deps.Actor, s.van.ID)
	if err != nil || !maps.Equal(kept.Counts, want) {
		t.Fatalf("the count kept on the device = %v (%v), want %v", kept, err, want)
	}

	// Discard asks; Keep editing keeps everything.
	tapButton(t, s.top(t), "Discard count")
	ask := s.top(t)
	if !strings.Contains(labels(ask), "Discard this count?") {
		t.Fatalf("discarding a typed count did not ask:\n%s", labels(ask))
	}
	tapButton(t, ask, "Keep editing")
	// Close keeps the count; opening it again brings it back.
	tapButton(t, s.top(t), "Close, keep count")
	if s.w.Canvas().Overlays().Top() != nil {
		t.Fatal("Close left a dialog open")
	}
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	again := s.term.CountInFront()
	for _, r := range again {
		f := strings.Fields(r)
		if v, ok := want[app.PartNumber(f[0])]; ok && f[2] != strconv.Itoa(v) || !ok && f[2] != "-" {
			t.Errorf("reopened count row %q, want %v", r, want)
		}
	}

	// A delivery of one more arrives by sync while the count is open:
	// the review compares with what the device holds then, so the
	// shortfall is two.
	s.dispatch(t, &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: app.NewID(), Kind: app.MoveReceive,
		Part: short, To: s.van.ID, Qty: 1}})
	s.syncOnce(t)
	tapButton(t, s.top(t), "Review")
	review := s.top(t)
	text := labels(review)
	for _, w := range []string{"Booked as lost", "2 lost", "Tell dispatch", "2 more"} {
		if !strings.Contains(text, w) {
			t.Errorf("the review does not say %q:\n%s", w, text)
		}
	}
	book := button(review, "Book 1 loss")
	if book == nil || book.Importance != widget.DangerImportance {
		t.Fatalf("booking the loss is not red:\n%s", text)
	}
	test.Tap(book)
	after := s.held(t, s.van.ID, false)
	if after[short] != before[short]-1 || after[over] != before[over] { // +1 delivered, -2 lost
		t.Fatalf("after the count the van holds %s %d (was %d), %s %d (was %d)", short, after[short], before[short], over, after[over], before[over])
	}
	if kept, err := s.db.CountDraft(ctx, s.deps.Actor, s.van.ID); err != nil || len(kept.Counts) != 0 {
		t.Errorf("the booked count is still kept: %v (%v)", kept, err)
	}
	s.syncOnce(t)
	if dev, svc := s.held(t, s.van.ID, false), s.held(t, s.van.ID, true); !maps.Equal(dev, svc) {
		t.Errorf("after the sync the device holds %v, the service %v", dev, svc)
	}
}

// TestCountReviewGolden: the count's review, on a fixed demo world: a
// part counted one short, booked as lost in red, one counted two over,
// left to dispatch, and the parts not counted.
func TestCountReviewGolden(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)
	deps, _, db := openDemoStore(t, now)
	deps.Counts = db
	deps.Zone = time.UTC
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	term.ShowParts("stock", "")
	tapButton(t, w.Canvas().Content(), "Count stock")
	rows := term.CountInFront()
	if len(rows) < 2 {
		t.Fatalf("the count lists %v", rows)
	}
	held := func(i int) int {
		n, err := strconv.Atoi(strings.Fields(rows[i])[1])
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	part := func(i int) app.PartNumber { return app.PartNumber(strings.Fields(rows[i])[0]) }
	reviewCount(t, w, map[app.PartNumber]int{part(0): max(held(0)-1, 0), part(1): max(held(1), 0) + 2})
	test.AssertObjectRendersToMarkup(t, "count/review.xml", w.Canvas().Overlays().Top())
}

// failSecondLoss saves through next but refuses the second stock
// movement it is given, as a full disk would.
type failSecondLoss struct {
	next  app.Committer
	moves int
}

func (f *failSecondLoss) Commit(ctx context.Context, actor app.Actor, cmd app.Command) (app.Mutation, error) {
	if _, ok := cmd.(*app.MoveStock); ok {
		if f.moves++; f.moves == 2 {
			return app.Mutation{}, app.Errorf(app.EINTERNAL, "test.disk_full", "The device's storage is full.")
		}
	}
	return f.next.Commit(ctx, actor, cmd)
}

// TestCountKeptUntilBooked: a count whose second loss fails to save keeps
// its draft, so the next review books only what is still short: the
// first loss is booked once, and the count's numbers are not lost with
// the second.
func TestCountKeptUntilBooked(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	ctx := t.Context()
	deps := sw.deps
	deps.Counts = sw.db
	deps.Commit = &failSecondLoss{next: sw.deps.Commit}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	s := &stockWorld{syncWorld: sw, term: term, w: w}
	locs, err := deps.Parts.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Owner == string(sw.me.ID) && l.Kind == app.LocationVan {
			s.van = l
		}
	}
	before := s.held(t, s.van.ID, false)
	var short []app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(before)) {
		// Parts without serials: a first sync now brings the van's
		// units, and a serialized part short would ask which unit.
		p, err := deps.Parts.Part(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if before[n] >= 1 && !p.Serialized && len(short) < 2 {
			short = append(short, n)
		}
	}
	if len(short) != 2 {
		t.Fatalf("the van holds too little to count: %v", before)
	}
	term.ShowParts("stock", "")
	tapButton(t, w.Canvas().Content(), "Count stock")
	want := map[app.PartNumber]int{}
	for _, p := range short {
		want[p] = before[p] - 1
	}
	reviewCount(t, w, want)
	tapButton(t, s.top(t), "Book 2 losses")
	if text := s.dismissError(t); !strings.Contains(text, "storage is full") {
		t.Fatalf("the failed loss said:\n%s", text)
	}
	if kept, err := s.db.CountDraft(ctx, s.deps.Actor, s.van.ID); err != nil || !maps.Equal(kept.Counts, want) {
		t.Fatalf("after a loss failed the count kept is %v (%v), want %v", kept, err, want)
	}
	// Again: the first part is booked already, only the second is short.
	tapButton(t, w.Canvas().Content(), "Count stock")
	tapButton(t, s.top(t), "Review")
	text := labels(s.top(t))
	tapButton(t, s.top(t), "Book 1 loss")
	after := s.held(t, s.van.ID, false)
	for _, p := range short {
		if after[p] != want[p] {
			t.Errorf("after the count the van holds %d of %s, want %d:\n%s", after[p], p, want[p], text)
		}
	}
	if kept, err := s.db.CountDraft(ctx, s.deps.Actor, s.van.ID); err != nil || len(kept.Counts) != 0 {
		t.Errorf("the booked count is still kept: %v (%v)", kept, err)
	}
}

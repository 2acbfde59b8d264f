package storetest

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// testCountDrafts: a stock count typed and not booked is kept per
// technician and location; it is read back after the store's file is
// opened again (a restart, a kill -9: the write was acknowledged); a put
// replaces the whole count, an empty one or a delete leaves none; a count
// the location could not book is refused and changes nothing; none is
// kept of a location the device does not hold; a wipe (sign-out) leaves
// none. Counts are never sent: nothing of them reaches the outbox.
func testCountDrafts(t *testing.T, s Stores) {
	ctx := t.Context()
	get := func(s Stores, actor app.Actor, loc app.LocationID) map[app.PartNumber]int {
		t.Helper()
		c, err := s.Counts.CountDraft(ctx, actor, loc)
		if err != nil {
			t.Fatalf("count of %s at %s: %v", actor.Technician, loc, err)
		}
		return c.Counts
	}
	put := func(s Stores, actor app.Actor, loc app.LocationID, c map[app.PartNumber]int) {
		t.Helper()
		if err := s.Counts.PutCountDraft(ctx, actor, loc, app.CountDraft{Counts: c}); err != nil {
			t.Fatalf("put %s's count at %s: %v", actor.Technician, loc, err)
		}
	}
	if c := get(s, ana, VanAna); len(c) != 0 {
		t.Fatalf("a new store holds a count: %v", c)
	}
	pending := pendingCount(t, s)
	first := map[app.PartNumber]int{BatteryP50: 2, DisplayP50: 0}
	put(s, ana, VanAna, first)
	put(s, bo, VanAna, map[app.PartNumber]int{BatteryP50: 9})
	if got := pendingCount(t, s); got != pending {
		t.Errorf("a count wrote to the outbox: %d pending, was %d", got, pending)
	}
	s = s.Reopen(t)
	if got := get(s, ana, VanAna); !maps.Equal(got, first) {
		t.Errorf("after reopening, Ana's count = %v, want %v", got, first)
	}
	if got := get(s, bo, VanAna); !maps.Equal(got, map[app.PartNumber]int{BatteryP50: 9}) {
		t.Errorf("Bo's count = %v", got)
	}
	second := map[app.PartNumber]int{BatteryP50: 3}
	put(s, ana, VanAna, second)
	if got := get(s, ana, VanAna); !maps.Equal(got, second) {
		t.Errorf("a put did not replace the count: %v, want %v", got, second)
	}
	wantCode(t, s.Counts.PutCountDraft(ctx, ana, VanAna, app.CountDraft{Counts: map[app.PartNumber]int{BatteryP50: -1}}), app.EINVALID)
	wantCode(t, s.Counts.PutCountDraft(ctx, app.Actor{Role: app.RoleTechnician}, VanAna, app.CountDraft{Counts: second}), app.EINVALID)
	wantCode(t, s.Counts.PutCountDraft(ctx, ana, "no-such-van", app.CountDraft{Counts: second}), app.ENOTFOUND)
	wantCode(t, s.Counts.PutCountDraft(ctx, ana, VanAna, app.CountDraft{Counts: second, Missing: map[app.PartNumber][]string{DisplayP50: {"LCD-0001"}}}), app.EINVALID)
	if got := get(s, ana, VanAna); !maps.Equal(got, second) {
		t.Errorf("refused counts changed Ana's: %v", got)
	}
	put(s, ana, VanAna, map[app.PartNumber]int{})
	if got := get(s, ana, VanAna); len(got) != 0 {
		t.Errorf("an empty put left %v", got)
	}
	put(s, ana, VanAna, second)
	if err := s.Counts.DeleteCountDraft(ctx, ana, VanAna); err != nil {
		t.Fatal(err)
	}
	if got := get(s, ana, VanAna); len(got) != 0 {
		t.Errorf("a delete left %v", got)
	}
	// The units ticked missing come back with the counts, in the order
	// ticked, after the file is opened again; a put of counts alone, or
	// a delete, leaves none of them.
	ticked := app.CountDraft{Counts: map[app.PartNumber]int{DisplayP50: 0, BatteryP50: 1}, Missing: map[app.PartNumber][]string{DisplayP50: {"LCD-0002", "LCD-0001"}}}
	if err := s.Counts.PutCountDraft(ctx, ana, VanAna, ticked); err != nil {
		t.Fatal(err)
	}
	s = s.Reopen(t)
	missing := func() map[app.PartNumber][]string {
		t.Helper()
		c, err := s.Counts.CountDraft(ctx, ana, VanAna)
		if err != nil {
			t.Fatal(err)
		}
		return c.Missing
	}
	if got := missing(); !maps.EqualFunc(got, ticked.Missing, slices.Equal) || !maps.Equal(get(s, ana, VanAna), ticked.Counts) {
		t.Errorf("after reopening, the units ticked missing = %v, want %v", got, ticked.Missing)
	}
	if got := get(s, bo, VanAna); !maps.Equal(got, map[app.PartNumber]int{BatteryP50: 9}) {
		t.Errorf("Ana's ticked units changed Bo's count: %v", got)
	}
	put(s, ana, VanAna, ticked.Counts)
	if got := missing(); len(got) != 0 {
		t.Errorf("a put without units ticked left %v", got)
	}
	if err := s.Counts.PutCountDraft(ctx, ana, VanAna, ticked); err != nil {
		t.Fatal(err)
	}
	if err := s.Counts.DeleteCountDraft(ctx, ana, VanAna); err != nil {
		t.Fatal(err)
	}
	if got := missing(); len(got) != 0 {
		t.Errorf("a delete left units ticked missing: %v", got)
	}
	if err := s.Counts.PutCountDraft(ctx, bo, VanAna, ticked); err != nil {
		t.Fatal(err)
	}
	if err := s.Replica.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx, World()); err != nil {
		t.Fatal(err)
	}
	if got := get(s, bo, VanAna); len(got) != 0 {
		t.Errorf("a count outlived the wipe: %v", got)
	}
	if c, err := s.Counts.CountDraft(ctx, bo, VanAna); err != nil || len(c.Missing) != 0 {
		t.Errorf("units ticked missing outlived the wipe: %v, %v", c.Missing, err)
	}
}

// testUnits: the serials of a part at a location are those whose
// movements there sum above zero: a unit moved on is no longer there.
func testUnits(t *testing.T, s Stores) {
	ctx := t.Context()
	units := func() []string {
		t.Helper()
		u, err := s.Parts.Units(ctx, VanAna, DisplayP50)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if got := units(); !slices.Equal(got, []string{"LCD-0001"}) {
		t.Fatalf("units at the van = %v, want LCD-0001", got)
	}
	if _, err := s.Committer.Commit(ctx, ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-units", Kind: app.MoveTransfer,
		Part: DisplayP50, From: VanAna, To: DefectSH, Qty: 1, Serial: "LCD-0001", Reason: "cracked"}}); err != nil {
		t.Fatal(err)
	}
	if got := units(); len(got) != 0 {
		t.Errorf("units at the van after the move = %v, want none", got)
	}
	if got, err := s.Parts.Units(ctx, DefectSH, DisplayP50); err != nil || !slices.Equal(got, []string{"LCD-0001"}) {
		t.Errorf("units in the bin = %v, %v; want LCD-0001", got, err)
	}
}

// testFindUnits: a serial names the units at a location that carry it,
// whatever the case it is typed in, with the serial as recorded; a unit
// moved on, an unknown serial and an empty one find none.
func testFindUnits(t *testing.T, s Stores) {
	ctx := t.Context()
	find := func(loc app.LocationID, serial string) []app.Unit {
		t.Helper()
		u, err := s.Parts.FindUnits(ctx, loc, serial)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	want := []app.Unit{{Part: DisplayP50, Serial: "LCD-0001"}}
	for _, typed := range []string{"LCD-0001", "lcd-0001", " LCD-0001 "} {
		if got := find(VanAna, typed); !slices.Equal(got, want) {
			t.Errorf("units at the van of %q = %v, want %v", typed, got, want)
		}
	}
	for _, typed := range []string{"", "LCD-000", "LCD-0002"} {
		if got := find(VanAna, typed); len(got) != 0 {
			t.Errorf("units at the van of %q = %v, want none", typed, got)
		}
	}
	if _, err := s.Committer.Commit(ctx, ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-find-units", Kind: app.MoveTransfer,
		Part: DisplayP50, From: VanAna, To: DefectSH, Qty: 1, Serial: "LCD-0001", Reason: "cracked"}}); err != nil {
		t.Fatal(err)
	}
	if got := find(VanAna, "LCD-0001"); len(got) != 0 {
		t.Errorf("units at the van after the move = %v, want none", got)
	}
	if got := find(DefectSH, "LCD-0001"); !slices.Equal(got, want) {
		t.Errorf("units in the bin = %v, want %v", got, want)
	}
}

// testUnitFits: a unit's serial, whatever its case, names the part uses
// that fitted it, newest first, with their ticket's number and customer;
// a defective return of the serial at or after a fit marks it removed,
// one before it does not; another part, an unknown serial and an empty
// one find none.
func testUnitFits(t *testing.T, s Stores) {
	ctx := t.Context()
	fits := func(part app.PartNumber, serial string) []app.UnitFit {
		t.Helper()
		f, err := s.Parts.UnitFits(ctx, part, serial)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if got := fits(DisplayP50, "LCD-0001"); len(got) != 0 {
		t.Fatalf("fits of a unit in the van = %+v, want none", got)
	}
	// A return of the serial before the fit: an earlier unit's removal
	// says nothing of the unit fitted after it.
	if _, err := s.Committer.Commit(ctx, ana, &app.ReturnDefective{Movement: app.StockMovement{ID: "mv-fits-before", Part: DisplayP50, To: DefectSH, Qty: 1,
		Serial: "LCD-0001", Ticket: T2, At: Now.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Committer.Commit(ctx, ana, &app.ConsumePart{Used: app.PartUsed{ID: "pu-fits", Ticket: T1, Part: DisplayP50, Qty: 1, Serial: "LCD-0001", From: VanAna}}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Tickets.TicketDetail(ctx, T1)
	if err != nil {
		t.Fatal(err)
	}
	want := app.UnitFit{Ticket: T1, Number: d.Ticket.Number, Customer: d.Ticket.Customer.Name, Part: DisplayP50, Serial: "LCD-0001"}
	same := func(got []app.UnitFit, removed bool) bool {
		return len(got) == 1 && got[0].Ticket == want.Ticket && got[0].Number == want.Number && got[0].Customer == want.Customer &&
			got[0].Part == want.Part && got[0].Serial == want.Serial && !got[0].At.IsZero() && got[0].Removed == removed
	}
	for _, typed := range []string{"LCD-0001", "lcd-0001", " LCD-0001 "} {
		if got := fits(DisplayP50, typed); !same(got, false) {
			t.Errorf("fits of %q = %+v, want %+v, not removed", typed, got, want)
		}
	}
	for _, c := range []struct {
		part   app.PartNumber
		serial string
	}{{BatteryP50, "LCD-0001"}, {DisplayP50, "LCD-000"}, {DisplayP50, ""}} {
		if got := fits(c.part, c.serial); len(got) != 0 {
			t.Errorf("fits of %s %q = %+v, want none", c.part, c.serial, got)
		}
	}
	if _, err := s.Committer.Commit(ctx, ana, &app.ReturnDefective{Movement: app.StockMovement{ID: "mv-fits-after", Part: DisplayP50, To: DefectSH, Qty: 1,
		Serial: "lcd-0001", Ticket: T2}}); err != nil {
		t.Fatal(err)
	}
	if got := fits(DisplayP50, "LCD-0001"); !same(got, true) {
		t.Errorf("fits after the unit's return = %+v, want %+v, removed", got, want)
	}
}

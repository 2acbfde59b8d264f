package ui_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// BenchmarkOpenBigCount: the tap on Count stock to the count on screen,
// for a count of the most parts one count holds (app.MaxCountParts: the
// demo van's parts and a kept count of parts scanned that it does not
// hold), and its Close: the van read, each part named, and a row laid
// out for each.
func BenchmarkOpenBigCount(b *testing.B) {
	test.NewTempApp(b)
	ctx := context.Background()
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "fb.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ds := demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, now)
	if err := db.Load(ctx, ds); err != nil {
		b.Fatal(err)
	}
	actor := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician}
	deps := ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: demo.DemoTechnician, Now: func() time.Time { return now }, Run: func(f func()) { f() },
		Commit: store.NewCommitter(db), Counts: db, Actor: actor,
	}
	locs, err := deps.Parts.Locations(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var van app.LocationID
	for _, l := range locs {
		if l.Kind == app.LocationVan && l.Owner == string(demo.DemoTechnician) {
			van = l.ID
		}
	}
	bal, err := deps.Parts.Balances(ctx, van)
	if err != nil {
		b.Fatal(err)
	}
	kept := map[app.PartNumber]int{}
	for i := 0; len(kept)+len(bal) < app.MaxCountParts; i++ {
		kept[app.PartNumber(fmt.Sprintf("BENCH-%04d", i))] = 1
	}
	if err := db.PutCountDraft(ctx, actor, van, app.CountDraft{Counts: kept}); err != nil {
		b.Fatal(err)
	}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(b, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	term.ShowParts("stock", "")
	for b.Loop() {
		test.Tap(button(w.Canvas().Content(), "Count stock"))
		if n := len(term.CountInFront()); n != app.MaxCountParts {
			b.Fatalf("the count lists %d parts", n)
		}
		test.Tap(button(w.Canvas().Overlays().Top(), "Close, keep count"))
	}
}

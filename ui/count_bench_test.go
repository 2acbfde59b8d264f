package ui_test

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
)

// BenchmarkOpenBigCount: the tap on Count stock to the count on screen,
// for a count of the most parts one count holds (app.MaxCountParts: the
// demo van's parts and a kept count of parts scanned that it does not
// hold), and its Close: the van read, each part named, and a row laid
// out for each.
func BenchmarkOpenBigCount(b *testing.B) {
	ctx := context.Background()
	db, deps := benchWorld(b, demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, benchNow))
	actor := app.Actor{Role: app.RoleTechnician, Technician: demo.DemoTechnician}
	deps.Commit, deps.Counts, deps.Actor = store.NewCommitter(db), db, actor
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
	term, w := benchWindow(b, deps)
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

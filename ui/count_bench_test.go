package ui_test

import (
	"context"
	"fmt"
	"testing"

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
	term, w := bigCount(b)
	for b.Loop() {
		test.Tap(button(w.Canvas().Content(), "Count stock"))
		if n := len(term.CountInFront()); n != app.MaxCountParts {
			b.Fatalf("the count lists %d parts", n)
		}
		test.Tap(button(w.Canvas().Overlays().Top(), "Close, keep count"))
	}
}

// BenchmarkFilterBigCount: a word typed into the filter of a count of the
// most parts one count holds, to the rows it matches shown, and the
// filter cleared, to every row shown again: each part's names matched
// (matchesPart) and the list laid out, twice.
func BenchmarkFilterBigCount(b *testing.B) {
	term, w := bigCount(b)
	test.Tap(button(w.Canvas().Content(), "Count stock"))
	if n := len(term.CountInFront()); n != app.MaxCountParts {
		b.Fatalf("the count lists %d parts", n)
	}
	filter := entryOf(countFilter(b, w.Canvas().Overlays().Top()).(fyne.CanvasObject))
	for b.Loop() {
		filter.SetText("pump")
		filter.SetText("")
	}
}

// bigCount is the demo terminal on its parts page, whose count of the
// demo van holds the most parts one count holds: the van's, and a kept
// count of parts scanned that it does not hold.
func bigCount(b *testing.B) (*ui.Terminal, fyne.Window) {
	b.Helper()
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
	return term, w
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestBinNamesAReportOfDamageAfterAFirstSync: against the central service
// on loopback, a technician reports a unit of the van damaged (it moves
// into the defective bin) and syncs; the technician's second device,
// whose first sync brings the bin as openings, names the unit's source on
// the bin's line as the reporting device does: the report, what happened,
// who reported it.
func TestBinNamesAReportOfDamageAfterAFirstSync(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	ctx := t.Context()
	van, binID := myBins(t, sw.deps)
	var bin app.Location
	locs, err := sw.deps.Parts.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.ID == binID {
			bin = l
		}
	}
	bal, err := sw.deps.Parts.Balances(ctx, van)
	if err != nil {
		t.Fatal(err)
	}
	var part app.PartNumber
	held := 0
	for _, b := range bal {
		if p, err := sw.deps.Parts.Part(ctx, b.Part); err == nil && !p.Serialized && b.Qty > 0 {
			if inBin, err := sw.deps.Parts.Arrivals(ctx, binID, []app.PartNumber{b.Part}, 1); err == nil && len(inBin) == 0 {
				part, held = b.Part, b.Qty
				break
			}
		}
	}
	if part == "" {
		t.Fatal("the demo van holds no part without serials that the bin has never held")
	}
	const what = "fell off the shelf"
	cmd, err := app.StockReport{Problem: app.ProblemDamaged, Part: part, From: van, Bin: bin, Held: held, Qty: 1, Reason: what, At: time.Now(), By: sw.deps.Actor.Name}.Command()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.deps.Commit.Commit(ctx, sw.deps.Actor, cmd); err != nil {
		t.Fatal(err)
	}
	sw.syncOnce(t)
	want := "from a report of damage (" + what + ") by " + sw.me.Name + " on "
	sw.term.ShowParts("defective", string(part))
	if lines, _ := sw.term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("on the reporting device the bin's line of %s reads %v, want %q", part, lines, want)
	}

	db := sw.secondDevice(t) // paired now, its first sync
	deps := ui.Deps{Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Technician: sw.me.ID, Country: sw.me.Country,
		Actor: sw.deps.Actor, Run: func(f func()) { f() }}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	term.ShowParts("defective", string(part))
	if lines, _ := term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], want) || strings.Contains(lines[0], app.OpeningReason) {
		t.Errorf("after a first sync the bin's line of %s reads %v, want %q", part, lines, want)
	}
	shoot(t, w, "bin-report-of-damage-after-first-sync")
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/ui"
)

// damagedArrival is the demo technician's unit that arrived damaged in a
// parcel: the receive movement into its defective bin.
func damagedArrival(t *testing.T, ds app.Dataset, bin app.LocationID) app.StockMovement {
	t.Helper()
	for _, m := range ds.Movements {
		if m.Kind == app.MoveReceive && m.To == bin && m.Shipment != "" {
			return m
		}
	}
	t.Fatalf("the demo puts no damaged parcel's unit into %s", bin)
	return app.StockMovement{}
}

// TestBinNamesTheParcelAfterAFirstSync: against the central service on
// loopback, a device's first sync brings the unit that arrived damaged as
// an opening of the defective bin; its line still says it came from a
// parcel that arrived damaged, with what was wrong, as on the device that
// received it.
func TestBinNamesTheParcelAfterAFirstSync(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	_, bin := myBins(t, sw.deps)
	m := damagedArrival(t, sw.ds, bin)
	sw.term.ShowParts("defective", string(m.Part))
	want := "from a parcel that arrived damaged (" + m.Reason + ")"
	if lines, _ := sw.term.PartsRows(); len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("after a first sync the defective returns of %s read %v, want %q", m.Part, lines, want)
	}
	shoot(t, sw.w, "bin-after-first-sync")
}

// TestBinOpeningOfADamagedUnit: an opening that keeps its parcel (what a
// first sync sends for a unit that arrived damaged) names the parcel, with
// the note it carries; "opening balance" is no note.
func TestBinOpeningOfADamagedUnit(t *testing.T) {
	for name, c := range map[string]struct {
		reason, want string
	}{
		"note":    {"box crushed", "from a parcel that arrived damaged (box crushed)"},
		"no note": {app.OpeningReason, "from a parcel that arrived damaged"},
	} {
		t.Run(name, func(t *testing.T) {
			test.NewTempApp(t)
			var m app.StockMovement
			deps, _, _ := openDemoStoreWith(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local), func(ds *app.Dataset) {
				var bin app.LocationID
				for _, l := range ds.Locations {
					if l.Owner == string(demo.DemoTechnician) && l.Kind == app.LocationDefective {
						bin = l.ID
					}
				}
				for i := range ds.Movements {
					if x := &ds.Movements[i]; x.Kind == app.MoveReceive && x.To == bin && x.Shipment != "" {
						x.ID, x.Kind, x.Reason, x.Recorded = "open-damaged", app.MoveAdjust, c.reason, "central"
						m = *x
						return
					}
				}
				t.Fatal("the demo puts no damaged parcel's unit into the demo technician's bin")
			})
			term := ui.NewTerminal(t.Context(), deps)
			w := test.NewTempWindow(t, term.Object())
			term.Attach(w)
			term.ShowParts("defective", string(m.Part))
			lines, _ := term.PartsRows()
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) || strings.Contains(lines[0], "opening balance") {
				t.Errorf("the bin's line of %s reads %v, want %q", m.Part, lines, c.want)
			}
		})
	}
}

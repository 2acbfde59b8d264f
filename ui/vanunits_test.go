package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestFirstSyncBringsTheVansSerials: against the central service on
// loopback, dispatch receives three units with their serials into the
// van; the technician's second device, whose first sync brings the van as
// openings, holds those units by serial, and its stock count asks which
// of them are missing as the first device's does. Before, a first sync
// brought the part as one opening without serials: the device knew no
// unit, and the count could not tick one.
func TestFirstSyncBringsTheVansSerials(t *testing.T) {
	s := newStockWorld(t)
	ctx := t.Context()
	serials := []string{"SN-F-1", "SN-F-2", "SN-F-3"}
	part := s.serialsInVan(t, serials...)

	db := s.secondDevice(t) // paired now, its first sync
	parts := store.NewPartService(db)
	if units, err := parts.Units(ctx, s.van.ID, part.Number); err != nil || !slices.Equal(units, serials) {
		t.Fatalf("after a first sync the van's units of %s are %v (%v), want %v", part.Number, units, err, serials)
	}
	deps := ui.Deps{Tickets: store.NewTicketService(db), Parts: parts, Counts: db, Commit: store.NewCommitter(db), Technician: s.me.ID, Country: s.me.Country,
		Actor: s.deps.Actor, Run: func(f func()) { f() }}
	term := ui.NewTerminal(ctx, deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)
	s.term, s.w = term, w
	term.ShowParts("stock", "")
	tapButton(t, w.Canvas().Content(), "Count stock")
	idx := slices.Index(term.CountInFront(), string(part.Number)+" 3 -")
	if idx < 0 {
		t.Fatalf("the count does not list 3 of %s: %v", part.Number, term.CountInFront())
	}
	var boxes []fyne.CanvasObject
	walk(s.top(t), func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && e.PlaceHolder == "—" && o != fyne.CanvasObject(e) {
			boxes = append(boxes, o)
		}
	})
	test.Type(boxes[idx].(fyne.Focusable), "2")
	tapButton(t, s.top(t), "Review")
	pick := s.top(t)
	if !strings.Contains(labels(pick), "Which units are missing?") {
		t.Fatalf("no serial picker after a first sync:\n%s", labels(pick))
	}
	// One short: "the missing unit", not "the 1 missing units"
	// ("Marque las 1 unidades que faltan", the lead's Spanish walk).
	if !strings.Contains(labels(pick), "Tick the missing unit, or scan") {
		t.Errorf("one unit short, the picker does not say so in the singular:\n%s", labels(pick))
	}
	var shown []string
	walk(pick, func(o fyne.CanvasObject) {
		if ch, ok := o.(*widget.Check); ok && strings.HasPrefix(ch.Text, "SN-F-") {
			shown = append(shown, ch.Text)
		}
	})
	if !slices.Equal(shown, serials) {
		t.Errorf("the serial picker after a first sync offers %v, want %v", shown, serials)
	}
	shoot(t, w, "count-serials-after-first-sync")
}

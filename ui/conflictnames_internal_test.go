package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/app"
)

// unitConflicts are a serialized unit's conflicts as the service stored
// them before it named places (IDs in Location and Other) and as it sends
// them now (names, the IDs beside).
type unitConflicts struct{ conflictService }

func (unitConflicts) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return []app.Conflict{
		unitConflict("cf-old", "m1", "location", map[string]any{"Serial": "SN-1", "Location": "van-1", "Other": "wh"}),
		unitConflict("cf-new", "m2", "shipment", map[string]any{"Serial": "SN-2", "Location": "Van Ana", "LocationID": "van-1", "Other": "SF1234567890", "OtherID": "s-1"}),
		// Stored with the shipment's ID: one the device holds, one it does not.
		unitConflict("cf-old-held", "m3", "shipment", map[string]any{"Serial": "SN-3", "Location": "van-1", "Other": "s-held"}),
		unitConflict("cf-old-away", "m4", "shipment", map[string]any{"Serial": "SN-4", "Location": "van-1", "Other": "s-away"}),
	}, nil
}

// unitConflict is a serialized unit of P-50 recorded elsewhere (place
// "location" or "shipment") than the fit of mutation took it from, with
// data's serial and places.
func unitConflict(id, mutation, place string, data map[string]any) app.Conflict {
	where := map[string]string{"location": "at {{.Other}}", "shipment": "in shipment {{.Other}}"}[place]
	data["Part"], data["Place"] = "P-50", place
	return app.Conflict{ID: id, Kind: app.ConflictNegativeStock, Mutation: mutation, Name: "stock.consume.v1", Field: "P-50", Theirs: "-1",
		At: time.Date(2026, 12, 1, 15, 40, 0, 0, time.Local), Code: app.ECONFLICT, Key: "conflict.serial_elsewhere_" + place,
		Message: "Unit {{.Serial}} of {{.Part}} is recorded " + where + ", not at {{.Location}}: check which has it and correct the other.",
		Data:    data}
}

// heldShipments are the shipments the device holds.
type heldShipments []app.Shipment

func (h heldShipments) FindShipment(_ context.Context, code string) (app.Shipment, error) {
	for _, s := range h {
		if s.ID == code {
			return s, nil
		}
	}
	return app.Shipment{}, app.Errorf(app.ENOTFOUND, "shipment.not_found", "No shipment {{.Code}}.", "Code", code)
}

type namedLocations []app.Location

func (l namedLocations) Locations(context.Context) ([]app.Location, error) { return l, nil }

// ticketsGone is a device that holds none of the conflicts' tickets.
type ticketsGone struct{ app.TicketService }

func (ticketsGone) TicketDetail(_ context.Context, id app.TicketID) (app.TicketDetail, error) {
	return app.TicketDetail{}, app.NotFound("ticket", string(id))
}

// conflictScreen is the text of the conflict inbox showing conflicts, on
// a device that holds Van Ana (van-1), the Main warehouse (wh) and ships,
// and none of the conflicts' tickets.
func conflictScreen(t *testing.T, conflicts conflictService, ships heldShipments) string {
	t.Helper()
	test.NewTempApp(t)
	locs := namedLocations{{ID: "van-1", Kind: app.LocationVan, Name: "Van Ana"}, {ID: "wh", Kind: app.LocationWarehouse, Name: "Main warehouse"}}
	in := newConflictInbox(conflictDeps{Conflicts: conflicts, Tickets: ticketsGone{}, Locations: locs, Shipments: ships, Zone: time.Local, Ctx: t.Context(), Run: func(f func()) { f() }}, func(string) {}, func() {})
	in.reload()
	return strings.Join(labelTexts(in.list), "\n")
}

// TestConflictNamesPlaces: the conflict screen names a unit's places, also
// in a conflict stored with their IDs (the device knows the warehouse's
// name), and the shipment as the service named it (the device holds no
// shipment of another van); a shipment stored by its ID by its tracking
// label when the device holds it, else as "a shipment", never its ID.
func TestConflictNamesPlaces(t *testing.T) {
	text := conflictScreen(t, unitConflicts{}, heldShipments{{ID: "s-held", Kind: app.ShipmentSupply, From: "wh", To: "van-1", Tracking: "YT7700"}})
	for _, want := range []string{
		"Unit SN-1 of P-50 is recorded at Main warehouse, not at Van Ana",
		"Unit SN-2 of P-50 is recorded in shipment SF1234567890, not at Van Ana",
		"Unit SN-3 of P-50 is recorded in shipment YT7700, not at Van Ana",
		"Unit SN-4 of P-50 is recorded in a shipment, not at Van Ana",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict screen does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "s-held") || strings.Contains(text, "s-away") {
		t.Errorf("the conflict screen shows a shipment's ID:\n%s", text)
	}
}

// stockConflicts are a fit that took the van's stock below zero and a
// unit fitted from where it was not, as the service sends them.
type stockConflicts struct{ conflictService }

func (stockConflicts) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return []app.Conflict{
		{ID: "cf-stock", Kind: app.ConflictNegativeStock, Mutation: "m1", Name: "stock.consume.v1", Field: "GH82-23877D", Theirs: "-1",
			At: time.Date(2026, 12, 7, 15, 31, 0, 0, time.Local), Code: app.ECONFLICT, Key: "conflict.negative_stock",
			Message: "Stock of {{.Part}} at {{.Location}} is now {{.Balance}}: count it and correct the books.",
			Data:    map[string]any{"Part": "GH82-23877D", "Location": "van-1", "Balance": -1}},
		unitConflict("cf-unit", "m2", "location", map[string]any{"Serial": "SN-1", "Location": "van-1", "Other": "wh"}),
	}, nil
}

// TestNegativeStockConflictNamesThePartAndTheBalance: a stock conflict's
// card names its part as a part number and the balance the fit left as
// the stock now, not "Field" and "Theirs" (walk4's Spanish counter walk:
// "Campo GH82-23877D · Otra versión -1" beside "Su versión: Instalar
// repuesto" read as a quarrel over a field); a unit's conflict, whose
// heading names the unit and both places, shows no balance.
func TestNegativeStockConflictNamesThePartAndTheBalance(t *testing.T) {
	text := conflictScreen(t, stockConflicts{}, heldShipments{})
	for _, want := range []string{
		"Stock of GH82-23877D at Van Ana is now -1",
		"Part number\nGH82-23877D",
		"Stock now\n-1",
		"Part number\nP-50",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict screen does not say %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"Field", "Theirs"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the conflict screen says %q of a stock conflict:\n%s", unwanted, text)
		}
	}
	if n := strings.Count(text, "Stock now"); n != 1 {
		t.Errorf("%d balances shown, want the stock conflict's alone:\n%s", n, text)
	}
}

// reassignedConflicts are four changes refused on FB-7, which dispatch
// gave to someone else while the technician worked on it offline, and
// one on FB-8 for the same reason.
type reassignedConflicts struct{ conflictService }

func (reassignedConflicts) OpenConflicts(context.Context) ([]app.Conflict, error) {
	at := time.Date(2026, 12, 8, 2, 38, 0, 0, time.Local)
	stale := func(id, number, name, ours string) app.Conflict {
		return app.Conflict{ID: id, Kind: app.ConflictStaleEpoch, Ticket: app.TicketID("tk-" + number), Mutation: "m-" + id, Name: name, Ours: ours,
			Theirs: app.StaleReassigned, TheirsBy: "console:zhou.min", At: at, Code: app.ECONFLICT, Data: map[string]any{"Number": number}}
	}
	return []app.Conflict{
		stale("cf-1", "FB-7", "ticket.depart.v1", `{"ticket":"tk-FB-7","epoch":1}`),
		stale("cf-2", "FB-7", "ticket.arrive.v1", `{"ticket":"tk-FB-7","epoch":1}`),
		stale("cf-3", "FB-8", "ticket.depart.v1", `{"ticket":"tk-FB-8","epoch":1}`),
		stale("cf-4", "FB-7", "ticket.start.v1", `{"ticket":"tk-FB-7","epoch":1}`),
		stale("cf-5", "FB-7", "note.add.v1", `{"note":{"id":"n-1","ticket":"tk-FB-7","text":"Door seal torn."}}`),
	}, nil
}

// TestConflictCardSaysWhyOnce: a ticket's card says why its refused
// changes were refused, and that dispatch may still apply them, once
// for all the changes refused for the same reason, each change still
// listed with its own decision; another ticket's card says it again.
// Before, a reassigned ticket's four refused changes read the same two
// sentences four times. A refused note is named with its words.
func TestConflictCardSaysWhyOnce(t *testing.T) {
	text := conflictScreen(t, reassignedConflicts{}, nil)
	for _, c := range []struct {
		says string
		want int
	}{
		{"Dispatch reassigned ticket FB-7 to someone else while you worked on it; your change was not applied.", 1},
		{"Dispatch reassigned ticket FB-8 to someone else while you worked on it; your change was not applied.", 1},
		{"Dispatch can still apply your change", 2},
		{"Assigned to another technician", 5},
		{"zhou.min", 5},
		{"Note: Door seal torn.", 1}, // which note dropping it loses
	} {
		if got := strings.Count(text, c.says); got != c.want {
			t.Errorf("%q said %d times, want %d:\n%s", c.says, got, c.want, text)
		}
	}
}

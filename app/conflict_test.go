package app_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

const (
	keyInShipment        = "conflict.serial_elsewhere_shipment"
	keyInUnknownShipment = "conflict.serial_elsewhere_shipment_unknown"
)

// TestConflictReason: a conflict's message names stock locations and
// shipments the reader knows, whether the data names them already (the
// IDs beside) or holds their IDs (stored before, or a balance's
// conflict); a shipment's or a ticket's Other is never taken for a
// location; a shipment held by its ID only that the reader does not know
// is "a shipment" (another key), one the service named keeps its name;
// the stored data is not changed.
func TestConflictReason(t *testing.T) {
	locations := map[app.LocationID]string{"van-1": "Van Ana", "wh": "Main warehouse", "s-1": "Shelf"}
	shipments := map[string]string{"sh-1": "1Z999", "van-1": "not a location's"}
	names := app.PlaceNames{
		Location: func(id app.LocationID) string { return locations[id] },
		Shipment: func(id string) string { return shipments[id] },
	}
	for _, c := range []struct {
		name       string
		key        string
		data, want map[string]any
		wantKey    string
	}{
		{"Named", "k", map[string]any{"Location": "Van A (old name)", "LocationID": "van-1", "Other": "Warehouse", "OtherID": "wh", "Place": "location"},
			map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "Main warehouse", "OtherID": "wh", "Place": "location"}, "k"},
		{"StoredWithIDs", "k", map[string]any{"Location": "van-1", "Other": "wh", "Place": "location"},
			map[string]any{"Location": "Van Ana", "Other": "Main warehouse", "Place": "location"}, "k"},
		{"ShipmentIsNoLocation", keyInShipment, map[string]any{"Location": "van-1", "Other": "s-1", "Place": "shipment"},
			map[string]any{"Location": "Van Ana", "Other": "s-1", "Place": "shipment"}, keyInUnknownShipment},
		{"ShipmentStoredWithID", keyInShipment, map[string]any{"Location": "van-1", "Other": "sh-1", "Place": "shipment"},
			map[string]any{"Location": "Van Ana", "Other": "1Z999", "Place": "shipment"}, keyInShipment},
		{"ShipmentNamedByService", keyInShipment, map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "1Z000", "OtherID": "sh-9", "Place": "shipment"},
			map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "1Z000", "OtherID": "sh-9", "Place": "shipment"}, keyInShipment},
		{"ShipmentTheServiceDidNotKnow", keyInShipment, map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "sh-9", "OtherID": "sh-9", "Place": "shipment"},
			map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "sh-9", "OtherID": "sh-9", "Place": "shipment"}, keyInUnknownShipment},
		{"UnknownLocation", "k", map[string]any{"Location": "Van Z", "LocationID": "van-z", "Other": "wh", "Place": "ticket"},
			map[string]any{"Location": "Van Z", "LocationID": "van-z", "Other": "wh", "Place": "ticket"}, "k"},
		{"NoData", "k", nil, nil, "k"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cf := app.Conflict{Key: c.key, Message: "m", Data: c.data}
			var before map[string]any
			if c.data != nil {
				before = map[string]any{}
				for k, v := range c.data {
					before[k] = v
				}
			}
			key, message, got := cf.Reason(names)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("data = %v, want %v", got, c.want)
			}
			if key != c.wantKey || (key == c.key) != (message == "m") {
				t.Errorf("key %q, message %q; want key %q and its message", key, message, c.wantKey)
			}
			if !reflect.DeepEqual(cf.Data, before) {
				t.Errorf("the conflict's data changed to %v", cf.Data)
			}
		})
	}
	// A reader that knows no places shows the conflict as it is, but a
	// shipment by its ID.
	cf := app.Conflict{Key: keyInShipment, Data: map[string]any{"Location": "van-1", "Other": "sh-1", "Place": "shipment"}}
	if key, _, data := cf.Reason(app.PlaceNames{}); key != keyInUnknownShipment || data["Location"] != "van-1" {
		t.Errorf("knowing no places: key %q, data %v", key, data)
	}
}

// TestConflictPlaces: the places a conflict's message names, by ID, are
// those Reason looks up, whether stored by ID or named with the IDs
// beside; a ticket's Other is no place.
func TestConflictPlaces(t *testing.T) {
	for _, c := range []struct {
		name      string
		data      map[string]any
		locations []app.LocationID
		shipments []string
	}{
		{"Named", map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "Main warehouse", "OtherID": "wh", "Place": "location"}, []app.LocationID{"van-1", "wh"}, nil},
		{"StoredWithIDs", map[string]any{"Location": "van-1", "Other": "sh-1", "Place": "shipment"}, []app.LocationID{"van-1"}, []string{"sh-1"}},
		{"ShipmentNamed", map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "1Z999", "OtherID": "sh-1", "Place": "shipment"}, []app.LocationID{"van-1"}, []string{"sh-1"}},
		{"Ticket", map[string]any{"Location": "van-1", "Other": "FB-1", "Place": "ticket"}, []app.LocationID{"van-1"}, nil},
		{"Balance", map[string]any{"Part": "P-1", "Location": "van-1", "Balance": -2}, []app.LocationID{"van-1"}, nil},
		{"NoData", nil, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			locs, ships := app.Conflict{Data: c.data}.Places()
			if !slices.Equal(locs, c.locations) || !slices.Equal(ships, c.shipments) {
				t.Errorf("places %v, %v; want %v, %v", locs, ships, c.locations, c.shipments)
			}
		})
	}
}

// TestHeldChangeBlocked: a held change can be applied after all unless
// what it needs of its ticket is gone: a step the ticket's status no
// longer takes (a departure for a cancelled ticket), a ticket the
// service does not have, a conflict holding no change. A step the
// status still takes, and a note, which needs no status, are not
// blocked.
func TestHeldChangeBlocked(t *testing.T) {
	const id = "ticket-1"
	onSite := func(st app.Status) app.Ticket {
		return app.Ticket{ID: id, Number: "FB-1", Kind: app.KindOnSite, Status: st, Epoch: 2}
	}
	depart := app.Conflict{Kind: app.ConflictStaleEpoch, Ticket: id, Name: "ticket.depart.v1", Ours: `{"ticket":"ticket-1","epoch":1}`}
	note := app.Conflict{Kind: app.ConflictRejected, Ticket: id, Name: "note.add.v1", Ours: `{"note":{"id":"note-1","ticket":"ticket-1","text":"Call first."}}`}
	for _, c := range []struct {
		name    string
		cf      app.Conflict
		ticket  app.Ticket
		found   bool
		wantKey string // "" when not blocked
	}{
		{"departure for an assigned ticket", depart, onSite(app.StatusAssigned), true, ""},
		{"departure for a cancelled ticket", depart, onSite(app.StatusCancelled), true, "transition.not_from"},
		{"departure for a ticket gone", depart, app.Ticket{}, false, "central.not_found"},
		{"note on a cancelled ticket", note, onSite(app.StatusCancelled), true, ""},
		{"note on a ticket gone", note, app.Ticket{}, false, "central.not_found"},
		{"no change held", app.Conflict{Kind: app.ConflictStaleEpoch, Ticket: id, Name: "ticket.depart.v1"}, onSite(app.StatusAssigned), true, "conflict.cannot_apply"},
		{"no version", app.Conflict{Kind: app.ConflictStaleEpoch, Ticket: id, Name: "ticket.depart", Ours: depart.Ours}, onSite(app.StatusAssigned), true, "conflict.cannot_apply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := app.HeldChangeBlocked(c.cf, func(got app.TicketID) (app.Ticket, bool) {
				if got != id {
					t.Errorf("looked up ticket %q, want %q", got, id)
				}
				return c.ticket, c.found
			})
			key := ""
			if err != nil {
				key = app.AsError(err).Key
			}
			if key != c.wantKey || (err == nil) != (c.wantKey == "") {
				t.Errorf("HeldChangeBlocked: %v (key %q), want key %q", err, key, c.wantKey)
			}
		})
	}
}

// BenchmarkHeldChangeBlocked is the office inbox's cost per held change
// it lists (up to 200 a page): decoding the held mutation and checking
// the step against its ticket.
func BenchmarkHeldChangeBlocked(b *testing.B) {
	cf := app.Conflict{Kind: app.ConflictStaleEpoch, Ticket: "ticket-1", Name: "ticket.depart.v1", Ours: `{"ticket":"ticket-1","epoch":1}`}
	t := app.Ticket{ID: "ticket-1", Number: "FB-1", Kind: app.KindOnSite, Status: app.StatusCancelled, Epoch: 2}
	lookup := func(app.TicketID) (app.Ticket, bool) { return t, true }
	b.ReportAllocs()
	for b.Loop() {
		if app.HeldChangeBlocked(cf, lookup) == nil {
			b.Fatal("a departure for a cancelled ticket is not blocked")
		}
	}
}

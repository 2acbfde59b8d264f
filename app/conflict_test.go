package app_test

import (
	"reflect"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestConflictMessageData: a conflict's message names stock locations the
// reader knows, whether the data names them already (the IDs beside) or
// holds their IDs (stored before, or a balance's conflict); a shipment's
// or a ticket's Other is never taken for a location; the stored data is
// not changed.
func TestConflictMessageData(t *testing.T) {
	names := map[app.LocationID]string{"van-1": "Van Ana", "wh": "Main warehouse", "s-1": "Shelf"}
	name := func(id app.LocationID) string { return names[id] }
	for _, c := range []struct {
		name       string
		data, want map[string]any
	}{
		{"Named", map[string]any{"Location": "Van A (old name)", "LocationID": "van-1", "Other": "Warehouse", "OtherID": "wh", "Place": "location"},
			map[string]any{"Location": "Van Ana", "LocationID": "van-1", "Other": "Main warehouse", "OtherID": "wh", "Place": "location"}},
		{"StoredWithIDs", map[string]any{"Location": "van-1", "Other": "wh", "Place": "location"},
			map[string]any{"Location": "Van Ana", "Other": "Main warehouse", "Place": "location"}},
		{"ShipmentIsNoLocation", map[string]any{"Location": "van-1", "Other": "s-1", "Place": "shipment"},
			map[string]any{"Location": "Van Ana", "Other": "s-1", "Place": "shipment"}},
		{"UnknownLocation", map[string]any{"Location": "Van Z", "LocationID": "van-z", "Other": "wh", "Place": "ticket"},
			map[string]any{"Location": "Van Z", "LocationID": "van-z", "Other": "wh", "Place": "ticket"}},
		{"NoData", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cf := app.Conflict{Data: c.data}
			var before map[string]any
			if c.data != nil {
				before = map[string]any{}
				for k, v := range c.data {
					before[k] = v
				}
			}
			if got := cf.MessageData(name); !reflect.DeepEqual(got, c.want) {
				t.Errorf("MessageData = %v, want %v", got, c.want)
			}
			if !reflect.DeepEqual(cf.Data, before) {
				t.Errorf("the conflict's data changed to %v", cf.Data)
			}
		})
	}
}

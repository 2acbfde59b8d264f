package app_test

import (
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestReceiveShipmentState: a shipment is received once; a second receipt
// is refused as a conflict, also when the received copy lacks its receipt
// (nothing ties the two in Shipment.Validate).
func TestReceiveShipmentState(t *testing.T) {
	for name, tc := range map[string]struct {
		state   app.ShipmentState
		receipt *app.Receipt
		code    string // "" when received
	}{
		"InTransit":              {app.ShipmentInTransit, nil, ""},
		"ReceivedBefore":         {app.ShipmentReceived, &app.Receipt{ID: "rc-0", By: "Bo Chen"}, app.ECONFLICT},
		"ReceivedWithoutReceipt": {app.ShipmentReceived, nil, app.ECONFLICT},
	} {
		t.Run(name, func(t *testing.T) {
			m := seeded()
			m.locations["wh"] = app.Location{ID: "wh", Kind: app.LocationWarehouse}
			m.shipments["sh-1"] = app.Shipment{ID: "sh-1", Kind: app.ShipmentSupply, From: "wh", To: "van-1", State: tc.state,
				Lines: []app.ShipmentLine{{Part: "BAT-1", Qty: 1}}, At: now, Receipt: tc.receipt}
			cmd := &app.ReceiveShipment{Shipment: "sh-1", Receipt: app.Receipt{ID: "rc-1", Lines: []app.ReceiptLine{{Part: "BAT-1", Qty: 1}}}}
			err := cmd.Apply(t.Context(), m, disp, now)
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("Apply = %v, want code %q", err, tc.code)
			}
			got := m.shipments["sh-1"]
			if tc.code != "" {
				if got.State != tc.state || got.Receipt != tc.receipt {
					t.Errorf("a refused receipt changed the shipment: %+v", got)
				}
				return
			}
			if got.State != app.ShipmentReceived || got.Receipt == nil || got.Receipt.By != disp.Name || len(got.Receipt.Differences) != 0 {
				t.Errorf("received shipment = %+v", got)
			}
		})
	}
}

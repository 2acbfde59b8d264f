package demoserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestDemoServesPartsOnTheirWay: the demo world's part requests and
// shipments reach the demo service's database, where the office's lists
// find them: a request in each state, the parcel on its way to the demo
// van, and the van's return on its way to the warehouse.
func TestDemoServesPartsOnTheirWay(t *testing.T) {
	svc := startDemo(t, demoserver.Starter(1, demo.Size{Models: 20, Parts: 400, Tickets: 600, Technicians: 4}), filepath.Join(t.TempDir(), "central"))
	defer svc.Close()
	db := svc.DB()
	for _, st := range []app.RequestState{app.RequestRequested, app.RequestApproved, app.RequestRejected, app.RequestShipped, app.RequestShort, app.RequestReceived} {
		page, err := db.PartRequestsList(t.Context(), device.DemoTenant, central.PartRequestFilter{State: string(st), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Requests) == 0 {
			t.Errorf("no part request %s in the demo service", st)
		}
	}
	van := app.LocationID("van-" + string(demo.DemoTechnician))
	for _, f := range []central.ShipmentFilter{
		{State: app.ShipmentInTransit, Kind: app.ShipmentSupply, Location: van, Limit: 10},
		{State: app.ShipmentInTransit, Kind: app.ShipmentReturn, Location: van + "-defective", Limit: 10},
		{State: app.ShipmentReceived, Kind: app.ShipmentReturn, Location: van + "-defective", Limit: 10},
	} {
		page, err := db.Shipments(t.Context(), device.DemoTenant, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Shipments) != 1 || !strings.HasPrefix(page.Shipments[0].Tracking, "SF") {
			t.Errorf("shipments %+v: %+v, want one by SF Express", f, page.Shipments)
		}
	}
}

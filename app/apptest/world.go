package apptest

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Now is the clock of the suite: an implementation under test must read it.
var Now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// The world's IDs.
const (
	Tech  app.TechnicianID = "tech-1" // the technician who acts
	Other app.TechnicianID = "tech-2" // a colleague
	Clerk app.TechnicianID = "tech-3" // counter staff of Store

	Store app.StoreID = "store-1"

	Van   app.LocationID = "van-1" // Tech's van, holding stock
	Van2  app.LocationID = "van-2" // Other's van
	Bin   app.LocationID = "bin-1" // Tech's defective-returns bin
	Depot app.LocationID = "wh"    // the warehouse

	Battery   app.PartNumber = "BAT-1" // not serialized
	Mainboard app.PartNumber = "MB-1"  // serialized
	// Battery2 fits the world tickets' model too: the office may approve
	// it instead of Battery.
	Battery2 app.PartNumber = "BAT-2"

	// Tech's tickets, one per status a mutation starts from, carry-in
	// unless said otherwise, all at assignment epoch 1.
	TAssigned   app.TicketID = "tk-assigned"
	TVisit      app.TicketID = "tk-visit"   // on-site, assigned
	TEnRoute    app.TicketID = "tk-enroute" // on-site, en route
	TInProgress app.TicketID = "tk-progress"
	TWaiting    app.TicketID = "tk-waiting"
	TCompleted  app.TicketID = "tk-completed"
	// TOther is assigned to Other.
	TOther app.TicketID = "tk-other"
	// TCounter is a carry-in assigned to Store and to no technician.
	TCounter app.TicketID = "tk-counter"
	// TMissing is in no world: mutations naming it must be refused.
	TMissing app.TicketID = "tk-missing"
)

// The actors of the suite.
var (
	TechActor     = app.Actor{Role: app.RoleTechnician, Technician: Tech, Name: "Ana Li"}
	DispatchActor = app.Actor{Role: app.RoleDispatcher, Name: "Dispatch"}
	ClerkActor    = app.Actor{Role: app.RoleTechnician, Technician: Clerk, Store: Store, Name: "Cai Yun"}
)

// World is the data every subtest starts from. An implementation loads it
// with its own loader (the store's Load, the central service's
// LoadDataset); it returns a new value on each call.
func World() app.Dataset {
	ticket := func(id app.TicketID, n int, kind app.TicketKind, status app.Status, tech app.TechnicianID) app.TicketDetail {
		t := app.Ticket{
			ID: id, Number: "FB-" + string(rune('0'+n)), Kind: kind, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"},
			Priority: app.PriorityNormal, Technician: tech, Epoch: 1, Status: status,
			CreatedAt: Now.Add(-24 * time.Hour), UpdatedAt: Now.Add(-time.Hour),
		}
		if status == app.StatusInProgress || status == app.StatusWaitingParts || status == app.StatusCompleted {
			t.Diagnosis = "battery swollen"
			t.StartedAt = Now.Add(-2 * time.Hour)
		}
		if status == app.StatusCompleted {
			t.ResolutionCode = app.ResolutionRepaired
			t.CompletedAt = Now.Add(-time.Hour)
		}
		return app.TicketDetail{Ticket: t}
	}
	counter := ticket(TCounter, 8, app.KindCarryIn, app.StatusAssigned, "")
	counter.Ticket.Store = Store
	return app.Dataset{
		Technicians: []app.Technician{
			{ID: Tech, Name: "Ana Li", Country: "CN", Van: Van},
			{ID: Other, Name: "Bo Chen", Country: "CN", Van: Van2},
			{ID: Clerk, Name: "Cai Yun", Country: "CN", Store: Store},
		},
		Locations: []app.Location{
			{ID: Van, Kind: app.LocationVan, Name: "Van 1", Owner: string(Tech)},
			{ID: Van2, Kind: app.LocationVan, Name: "Van 2", Owner: string(Other)},
			{ID: Bin, Kind: app.LocationDefective, Name: "Returns", Owner: string(Tech)},
			{ID: Depot, Kind: app.LocationWarehouse, Name: "Warehouse"},
		},
		Parts: []app.Part{
			{Number: Battery, NameEN: "Battery", Class: app.ClassBattery, Models: []string{"P60"}},
			{Number: Mainboard, NameEN: "Mainboard", Class: app.ClassMain, Models: []string{"P60"}, Serialized: true, ReturnNeeded: true},
			{Number: Battery2, NameEN: "Battery, high capacity", Class: app.ClassBattery, Models: []string{"P60", "P60 Pro"}},
		},
		Movements: []app.StockMovement{
			{ID: "rcv-1", Kind: app.MoveReceive, Part: Battery, To: Van, Qty: 5, At: Now.Add(-48 * time.Hour)},
			{ID: "rcv-2", Kind: app.MoveReceive, Part: Mainboard, To: Van, Qty: 1, Serial: "MB-SN-1", At: Now.Add(-48 * time.Hour)},
			{ID: "rcv-3", Kind: app.MoveReceive, Part: Battery2, To: Depot, Qty: 20, At: Now.Add(-48 * time.Hour)},
			{ID: "rcv-4", Kind: app.MoveReceive, Part: Battery, To: Depot, Qty: 20, At: Now.Add(-48 * time.Hour)},
		},
		Tickets: []app.TicketDetail{
			ticket(TAssigned, 1, app.KindCarryIn, app.StatusAssigned, Tech),
			ticket(TVisit, 2, app.KindOnSite, app.StatusAssigned, Tech),
			ticket(TEnRoute, 3, app.KindOnSite, app.StatusEnRoute, Tech),
			ticket(TInProgress, 4, app.KindCarryIn, app.StatusInProgress, Tech),
			ticket(TWaiting, 5, app.KindCarryIn, app.StatusWaitingParts, Tech),
			ticket(TCompleted, 6, app.KindCarryIn, app.StatusCompleted, Tech),
			ticket(TOther, 7, app.KindCarryIn, app.StatusAssigned, Other),
			counter,
		},
	}
}

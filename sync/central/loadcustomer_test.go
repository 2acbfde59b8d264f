package central

import (
	"errors"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// TestLoadDatasetChecksCustomers: a dataset (the demo world, a seed)
// whose ticket has a customer ticket.create refuses is refused whole,
// with the rule's key, on both databases and both ways of writing
// tickets (a new ticket in bulk, one listed twice one row at a time),
// and changes nothing; a phone that reads as one, or none at a counter,
// loads.
func TestLoadDatasetChecksCustomers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		// Enough technicians for store staff, whose tickets are brought in.
		world := demo.Generate(7, demo.Size{Models: 5, Parts: 100, Tickets: 60, Technicians: 8}, testNow)
		if err := db.LoadDataset(ctx, tenant, world); err != nil {
			t.Fatal(err)
		}
		var visit, counter app.TicketDetail
		for _, d := range world.Tickets {
			switch d.Ticket.Kind {
			case app.KindOnSite:
				visit = app.TicketDetail{Ticket: d.Ticket}
			default:
				counter = app.TicketDetail{Ticket: d.Ticket}
			}
		}
		if visit.Ticket.ID == "" || counter.Ticket.ID == "" {
			t.Fatal("the demo world has no visit or no ticket brought in to copy")
		}
		fresh := func(d app.TicketDetail, id string, edit func(c *app.Customer)) app.TicketDetail {
			d.Ticket.ID, d.Ticket.Number = app.TicketID(id), "FB-"+id
			edit(&d.Ticket.Customer)
			return d
		}
		before := dumpTables(t, db.read)
		for name, c := range map[string]struct {
			tickets []app.TicketDetail
			key     string
		}{
			"VisitWithoutAddress":       {[]app.TicketDetail{fresh(visit, "tk-a", func(c *app.Customer) { c.Address = "  " })}, "contact.address_empty"},
			"PhoneOfWords":              {[]app.TicketDetail{fresh(counter, "tk-b", func(c *app.Customer) { c.Phone = "call the shop" })}, "contact.phone_invalid"},
			"PhoneTooShort":             {[]app.TicketDetail{fresh(visit, "tk-c", func(c *app.Customer) { c.Phone = "123" })}, "contact.phone_invalid"},
			"ListedTwiceOneRowAtATime":  {[]app.TicketDetail{fresh(visit, "tk-d", func(*app.Customer) {}), fresh(visit, "tk-d", func(c *app.Customer) { c.Address = "" })}, "contact.address_empty"},
			"KnownTicketLoadedAgainBad": {[]app.TicketDetail{fresh(visit, string(visit.Ticket.ID), func(c *app.Customer) { c.Phone = "n/a" })}, "contact.phone_invalid"},
		} {
			ds := app.Dataset{Parts: world.Parts[:1], Tickets: c.tickets}
			err := db.LoadDataset(ctx, tenant, ds)
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID || e.Key != c.key {
				t.Errorf("%s: %v, want %s %s", name, err, app.EINVALID, c.key)
			}
		}
		if d := firstDiff(dumpTables(t, db.read), before); d != "" {
			t.Errorf("a refused dataset changed the database:\n%s", d)
		}
		ok := app.Dataset{Tickets: []app.TicketDetail{
			fresh(counter, "tk-nophone", func(c *app.Customer) { c.Phone, c.Address = "", "" }),
			fresh(visit, "tk-spaced", func(c *app.Customer) { c.Phone = "+86 (21) 5555-0100" }),
		}}
		if err := db.LoadDataset(ctx, tenant, ok); err != nil {
			t.Errorf("a counter ticket without a phone and a visit with a written phone: %v", err)
		}
	})
}

package simulation

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestTwoInstancesOnPostgres runs two central instances on one PostgreSQL,
// each behind its own real HTTP server, and devices that sync through
// either at random while they work and dispatch reassigns: at the end
// every device holds exactly what the server says, and every mutation
// applied once.
func TestTwoInstancesOnPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.ForTest(t)
	var urls []string
	var dbs []*central.DB
	for range 2 {
		db, err := central.OpenDB(ctx, central.Config{Postgres: dsn, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		srv := httptest.NewServer(central.NewServer(db, nil))
		t.Cleanup(srv.Close)
		urls, dbs = append(urls, srv.URL), append(dbs, db)
	}
	db := dbs[0]
	var ds app.Dataset
	ds.Parts = []app.Part{{Number: "P-1", NameEN: "Part", Class: app.ClassMain}}
	ds.Locations = []app.Location{{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}}
	const techs = 3
	for i := range techs {
		tech := app.TechnicianID(fmt.Sprintf("tech-%d", i))
		van := app.LocationID(fmt.Sprintf("van-%d", i))
		ds.Technicians = append(ds.Technicians, app.Technician{ID: tech, Name: string(tech), Country: "CN", Van: van})
		ds.Locations = append(ds.Locations, app.Location{ID: van, Kind: app.LocationVan, Name: string(van), Owner: string(tech)})
		ds.Movements = append(ds.Movements, app.StockMovement{ID: fmt.Sprintf("rcv-%d", i), Kind: app.MoveReceive, Part: "P-1", To: van, Qty: 100, At: time.Now()})
		for j := range 3 {
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("tk-%d-%d", i, j)), Number: fmt.Sprintf("FB-%d-%d", i, j),
				Kind: app.KindCarryIn, Country: "CN", Product: app.Product{Category: app.CategoryPC, Brand: "Lenovo", Model: "T14"},
				Customer: app.Customer{Name: "C", Phone: "138 0000 0001"}, Priority: app.PriorityNormal, Technician: tech, Status: app.StatusAssigned, Epoch: 1,
				CreatedAt: time.Now(), UpdatedAt: time.Now()}})
		}
	}
	if err := db.LoadDataset(ctx, "t", ds); err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateAdminToken(ctx, "t", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	dispatch, err := db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	type dev struct {
		tech    app.TechnicianID
		db      *store.DB
		clients []*fbsync.Client
		made    int
	}
	var devs []*dev
	for i := range techs {
		code, _, err := db.CreatePairing(ctx, "t", app.TechnicianID(fmt.Sprintf("tech-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		pair, err := (&fbsync.Client{BaseURL: urls[i%2]}).Pair(ctx, code, "tablet")
		if err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, filepath.Join(t.TempDir(), "dev.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		d := &dev{tech: pair.Technician.ID, db: s}
		for _, u := range urls {
			d.clients = append(d.clients, &fbsync.Client{BaseURL: u, Token: pair.Token})
		}
		devs = append(devs, d)
	}
	syncVia := func(d *dev, instance int) {
		t.Helper()
		if err := fbsync.NewEngine(d.db, d.clients[instance]).SyncOnce(ctx); err != nil {
			t.Fatalf("%s via instance %d: %v", d.tech, instance, err)
		}
	}
	for _, d := range devs {
		syncVia(d, 0)
	}
	for round := range 12 {
		for i, d := range devs {
			list, _, err := store.NewTicketService(d.db).FindTickets(ctx, app.TicketFilter{Technician: d.tech, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range list {
				if !tk.Status.Open() {
					continue
				}
				cmd := &app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "work", Minutes: 5}}
				if _, err := store.NewCommitter(d.db).Commit(ctx, app.Actor{Role: app.RoleTechnician, Technician: d.tech, Name: string(d.tech)}, cmd); err != nil {
					t.Fatal(err)
				}
				d.made++
			}
			// Dispatch moves one ticket to the next technician through
			// the other instance now and then.
			if round%4 == 3 && len(list) > 0 {
				m, _ := app.NewMutation(&app.AssignTicket{Ticket: list[0].ID, Technician: devs[(i+1)%techs].tech}, time.Now())
				if err := dbs[(round+i)%2].ApplyAdmin(ctx, dispatch, m); err != nil {
					t.Fatal(err)
				}
			}
			syncVia(d, (round+i)%2)
		}
	}
	for range 2 {
		for i, d := range devs {
			syncVia(d, i%2)
		}
	}
	total := 0
	for _, d := range devs {
		st, err := d.db.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending != 0 {
			t.Errorf("%s: %d mutations still pending", d.tech, st.Pending)
		}
		want, err := dbs[1].Tickets(ctx, "t", d.tech)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := store.NewTicketService(d.db).FindTickets(ctx, app.TicketFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s holds %d tickets, the server assigns it %d", d.tech, len(got), len(want))
		}
		for _, w := range want {
			l, err := store.NewTicketService(d.db).TicketDetail(ctx, w.ID)
			if err != nil {
				t.Fatalf("%s lacks %s: %v", d.tech, w.Number, err)
			}
			sd, err := dbs[0].TicketDetail(ctx, "t", w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := mustJSON(l.Ticket), mustJSON(sd.Ticket); a != b {
				t.Errorf("%s: %s differs\ndevice %s\nserver %s", d.tech, w.Number, a, b)
			}
			if len(l.Repairs) != len(sd.Repairs) {
				t.Errorf("%s: %s has %d repairs on the device, %d on the server", d.tech, w.Number, len(l.Repairs), len(sd.Repairs))
			}
		}
		total += d.made
	}
	repairs := 0
	all, err := dbs[0].Tickets(ctx, "t", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range all {
		d, err := dbs[1].TicketDetail(ctx, "t", tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		repairs += len(d.Repairs)
	}
	if repairs > total {
		t.Errorf("%d repairs on the server, the devices made %d: something applied twice", repairs, total)
	}
	conflicts, _ := dbs[0].Conflicts(ctx, "t", false)
	if repairs+len(conflicts) < total {
		t.Errorf("%d repairs + %d conflicts on the server, the devices made %d: something was lost", repairs, len(conflicts), total)
	}
}

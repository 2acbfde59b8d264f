package central

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// loadLevelsWorld loads stock histories with known answers (testNow is
// "now"):
//   - van-a and van-b (vans: lead time 1 week) each consumed 2 units of P
//     every week for a year, restocked from wh-cn, and hold 1 now; a
//     shipment of 3 P is in transit to van-b;
//   - the store's shelf store-s (lead time 2 weeks) consumed 2 Q a week;
//   - van-a holds D since 181 days (van-b consumed D a month ago), E since
//     179 days, and F, whose last unit left 200 days ago;
//   - O was consumed at van-a only more than a year ago;
//   - van-b holds G since 200 days, never used anywhere.
//
// Only China has a rule set (currency CNY): tech-a is in China, tech-b in
// Germany, whose parts are valued at their first price (EUR).
func loadLevelsWorld(t *testing.T, db *DB) {
	t.Helper()
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}, {ID: "tech-b", Name: "B", Country: "DE", Van: "van-b"},
			{ID: "tech-s", Name: "S", Country: "CN", Store: "store-s"}},
		Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
			{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-b"},
			{ID: "store-s", Kind: app.LocationStore, Name: "Store S", Owner: "store-s"},
			{ID: "wh-cn", Kind: app.LocationWarehouse, Name: "Warehouse CN"}, {ID: "wh-de", Kind: app.LocationWarehouse, Name: "Warehouse DE"}},
	}
	for _, rs := range demo.RuleSets() {
		if rs.Country == "CN" {
			ds.RuleSets = append(ds.RuleSets, rs)
		}
	}
	for _, n := range []app.PartNumber{"P", "Q", "D", "E", "F", "O", "G"} {
		ds.Parts = append(ds.Parts, app.Part{Number: n, NameEN: "Part " + string(n), Class: app.ClassMain, Models: []string{"A"},
			Prices: []app.Money{{Amount: 1500, Currency: "EUR"}, {Amount: 12000, Currency: "CNY"}}})
	}
	n := 0
	move := func(kind app.MovementKind, part app.PartNumber, from, to app.LocationID, qty int, at time.Time) {
		n++
		m := app.StockMovement{ID: fmt.Sprintf("mv-%04d", n), Kind: kind, Part: part, From: from, To: to, Qty: qty, At: at}
		if kind == app.MoveConsume {
			m.Ticket = "tk-1"
		}
		ds.Movements = append(ds.Movements, m)
	}
	year := testNow.Add(-400 * day)
	for _, part := range []app.PartNumber{"P", "Q", "D", "E", "F", "O", "G"} {
		move(app.MoveReceive, part, "", "wh-cn", 500, year)
	}
	// A little from wh-de, so that the source is the one that sent most.
	move(app.MoveReceive, "P", "", "wh-de", 10, year)
	move(app.MoveTransfer, "P", "wh-de", "van-a", 4, year.Add(day))
	for _, van := range []app.LocationID{"van-a", "van-b"} {
		move(app.MoveTransfer, "P", "wh-cn", van, 105, year.Add(day))
		if van == "van-a" {
			move(app.MoveConsume, "P", van, "", 4, year.Add(2*day)) // the wh-de units, before the year counted
		}
	}
	move(app.MoveTransfer, "Q", "wh-cn", "store-s", 105, year.Add(day))
	for w := range levelWeeks {
		at := testNow.Add(-time.Duration(w)*week - 3*day)
		move(app.MoveConsume, "P", "van-a", "", 2, at)
		move(app.MoveConsume, "P", "van-b", "", 2, at)
		move(app.MoveConsume, "Q", "store-s", "", 2, at)
	}
	move(app.MoveTransfer, "D", "wh-cn", "van-a", 2, testNow.Add(-181*day))
	move(app.MoveTransfer, "D", "wh-cn", "van-b", 1, testNow.Add(-60*day))
	move(app.MoveConsume, "D", "van-b", "", 1, testNow.Add(-30*day))
	move(app.MoveTransfer, "E", "wh-cn", "van-a", 3, testNow.Add(-179*day))
	move(app.MoveTransfer, "F", "wh-cn", "van-a", 2, testNow.Add(-300*day))
	move(app.MoveConsume, "F", "van-a", "", 1, testNow.Add(-200*day))
	move(app.MoveTransfer, "O", "wh-cn", "van-a", 1, testNow.Add(-390*day))
	move(app.MoveConsume, "O", "van-a", "", 1, testNow.Add(-380*day))
	move(app.MoveTransfer, "G", "wh-cn", "van-b", 1, testNow.Add(-200*day))
	ctx := context.Background()
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		t.Fatal(err)
	}
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		s := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
		for _, sh := range []app.Shipment{
			{ID: "sh-1", Kind: app.ShipmentSupply, From: "wh-cn", To: "van-b", Lines: []app.ShipmentLine{{Part: "P", Qty: 3}}, State: app.ShipmentInTransit, At: testNow.Add(-day)},
			// Received already: not in transit.
			{ID: "sh-0", Kind: app.ShipmentSupply, From: "wh-cn", To: "van-a", Lines: []app.ShipmentLine{{Part: "P", Qty: 1}}, State: app.ShipmentReceived, At: testNow.Add(-9 * day),
				Receipt: &app.Receipt{ID: "rc-0", Lines: []app.ReceiptLine{{Part: "P", Qty: 1}}, At: testNow.Add(-8 * day)}},
		} {
			if err := s.SaveShipment(ctx, sh); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStockLevels(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLevelsWorld(t, db)
		got, err := db.StockLevels(ctx, tenant, "", testNow)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			loc                                     app.LocationID
			part                                    app.PartNumber
			lead, min, max, balance, transit, order int
			source                                  app.LocationID
		}
		// A constant 2 a week (app/demand's defaults: TSB): the rate is 2
		// and every week has a demand, so review + lead time (2 weeks at a
		// van) uses 4: Min 3, as a position of 4 lasts until an order
		// placed at the next review arrives; Max adds ceil(2) for the
		// week's review. van-a has 1 <= Min: order up to 5; van-b has 1 + 3
		// in transit > Min: none. The store's lead time is 2 weeks: 3 weeks
		// use 6, Min 5, Max 7. A part used in one week of the 52 (F at
		// van-a 200 days ago, D at van-b 30 days ago) keeps a chance of a
		// demand above the default 1 % in two weeks (TSB's 1/52, faded by
		// 0.98 a week: 2.2 % and 3.5 %). At van-a, in China, the cost rule
		// applies (the CN rule set's call-out fee, 50 CNY, prices the
		// second visit a missing part costs): 2.2 % of 5,000 fen (110)
		// does not pay for holding a 12,000-fen part two weeks at 25 % a
		// year (115.4), so F gets Min 0, Max 0. van-b is in Germany, whose
		// rule set this tenant lacks: no cost rule, one unit at most (Min
		// 0, Max 1), and holding no D it orders one. E was never consumed,
		// O more than a year ago: no level.
		want := []row{
			{"store-s", "Q", 2, 5, 7, 1, 0, 6, "wh-cn"},
			{"van-a", "F", 1, 0, 0, 1, 0, 0, "wh-cn"},
			{"van-a", "P", 1, 3, 5, 1, 0, 4, "wh-cn"},
			{"van-b", "D", 1, 0, 1, 0, 0, 1, "wh-cn"},
			{"van-b", "P", 1, 3, 5, 1, 3, 0, "wh-cn"},
		}
		if len(got) != len(want) {
			t.Fatalf("%d levels, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			r := row{g.Location, g.Part, g.LeadWeeks, g.Min, g.Max, g.Balance, g.InTransit, g.Order, g.Source}
			if r != w {
				t.Errorf("level %d: %+v, want %+v", i, r, w)
			}
		}
		if p := got[2]; p.Rate != 2 || p.Method == "" || len(p.Weekly) != levelWeeks || p.Weekly[0] != 2 || p.PartName != "Part P" || p.LocationName != "Van A" {
			t.Errorf("van-a P: %+v", p)
		}

		// A store's view: its own shelf only.
		mine, err := db.StockLevels(ctx, tenant, "store-s", testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Location != "store-s" {
			t.Errorf("store-s sees %+v, want its shelf only", mine)
		}
		// An unknown store sees nothing; an unknown tenant has nothing.
		for _, c := range []struct {
			tenant string
			store  app.StoreID
		}{{tenant, "store-x"}, {"nobody", ""}} {
			if l, err := db.StockLevels(ctx, c.tenant, c.store, testNow); err != nil || len(l) != 0 {
				t.Errorf("%s/%s: %+v, %v; want none", c.tenant, c.store, l, err)
			}
		}
	})
}

// TestStockLevelsLeadTimeOfTheLocation: a lead time the office set on a
// location replaces its kind's default, and is read back from the
// database the location is stored in.
func TestStockLevelsLeadTimeOfTheLocation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLevelsWorld(t, db)
		overseas := app.Location{ID: "store-s", Kind: app.LocationStore, Name: "Store S", Owner: "store-s", LeadWeeks: 6}
		if err := db.PutLocations(ctx, tenant, []app.Location{overseas}); err != nil {
			t.Fatal(err)
		}
		levelOf := func() StockLevel {
			t.Helper()
			got, err := db.StockLevels(ctx, tenant, "store-s", testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Part != "Q" {
				t.Fatalf("store-s levels %+v, want Q only", got)
			}
			return got[0]
		}
		// A constant 2 Q a week over 1 week of review and 6 of lead time
		// uses 14: Min 13 (the default 2 weeks gave 5), Max 15; it holds
		// 1, so the proposal orders 14.
		if q := levelOf(); q.LeadWeeks != 6 || !q.LeadSet || q.Min != 13 || q.Max != 15 || q.Order != 14 {
			t.Errorf("with 6 weeks set: lead %d (set %v), Min %d, Max %d, order %d; want 6 (set), 13, 15, 14", q.LeadWeeks, q.LeadSet, q.Min, q.Max, q.Order)
		}
		// Cleared: the store's default again.
		overseas.LeadWeeks = 0
		if err := db.PutLocations(ctx, tenant, []app.Location{overseas}); err != nil {
			t.Fatal(err)
		}
		if q := levelOf(); q.LeadWeeks != 2 || q.LeadSet || q.Min != 5 || q.Max != 7 {
			t.Errorf("cleared: lead %d (set %v), Min %d, Max %d; want 2 (default), 5, 7", q.LeadWeeks, q.LeadSet, q.Min, q.Max)
		}
	})
}

func TestDormantStock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLevelsWorld(t, db)
		type row struct {
			loc    app.LocationID
			part   app.PartNumber
			qty    int
			value  app.Money
			action string
			to     app.LocationID
		}
		for _, c := range []struct {
			name string
			now  time.Time
			want []row
		}{
			// D sat 181 days and van-b used one a month ago: transfer there;
			// F's last unit left 200 days ago and nobody used one since:
			// back to the warehouse. E arrived 179 days ago: not yet.
			{"now", testNow, []row{
				{"van-a", "D", 2, app.Money{Amount: 24000, Currency: "CNY"}, DormantTransfer, "van-b"},
				{"van-a", "F", 1, app.Money{Amount: 12000, Currency: "CNY"}, DormantReturn, "wh-cn"},
				{"van-b", "G", 1, app.Money{Amount: 1500, Currency: "EUR"}, DormantReturn, "wh-cn"},
			}},
			// Two days later E is past 180 days too.
			{"in two days", testNow.Add(2 * day), []row{
				{"van-a", "E", 3, app.Money{Amount: 36000, Currency: "CNY"}, DormantReturn, "wh-cn"},
				{"van-a", "D", 2, app.Money{Amount: 24000, Currency: "CNY"}, DormantTransfer, "van-b"},
				{"van-a", "F", 1, app.Money{Amount: 12000, Currency: "CNY"}, DormantReturn, "wh-cn"},
				{"van-b", "G", 1, app.Money{Amount: 1500, Currency: "EUR"}, DormantReturn, "wh-cn"},
			}},
		} {
			got, err := db.DormantStock(ctx, tenant, "", c.now)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s: %+v, want %d rows", c.name, got, len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if r := (row{g.Location, g.Part, g.Qty, g.Value, g.Action, g.To}); r != w {
					t.Errorf("%s: row %d %+v, want %+v", c.name, i, r, w)
				}
			}
		}
		if d, err := db.DormantStock(ctx, tenant, "store-s", testNow); err != nil || len(d) != 0 {
			t.Errorf("store-s: %+v, %v; want none", d, err)
		}
	})
}

func TestReplenishmentSource(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLevelsWorld(t, db)
		for _, c := range []struct {
			loc  app.LocationID
			want app.LocationID
			code string
		}{
			{"van-a", "wh-cn", ""}, // 4 units from wh-de, 105 and a shipment from wh-cn
			{"store-s", "wh-cn", ""},
			{"wh-de", "", app.ENOTFOUND}, // nothing sent to it, and two warehouses
			{"van-x", "", app.ENOTFOUND},
		} {
			got, err := db.ReplenishmentSource(ctx, tenant, c.loc)
			if got != c.want || app.ErrorCode(err) != c.code {
				t.Errorf("%s: %q, %v; want %q, %q", c.loc, got, err, c.want, c.code)
			}
		}
	})
}

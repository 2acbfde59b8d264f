package central

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// stockWorld is the conformance world (newWorld) with a store, s1: its
// counter stock and defective bin, its counter technician S with a
// ticket, and a bin for A's returns.
type stockWorld struct {
	*world
	s       Principal
	ticketS app.Ticket
	seq     map[app.DeviceID]int64
}

func newStockWorld(t *testing.T, db *DB) *stockWorld {
	t.Helper()
	w := &stockWorld{world: newWorld(t, db), seq: map[app.DeviceID]int64{}}
	w.ticketS = w.ticketA
	w.ticketS.ID, w.ticketS.Number, w.ticketS.Technician, w.ticketS.Store = "tk-s", "FB-3", "tech-s", "s1"
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-s", Name: "S", Country: "CN", Store: "s1"}},
		Locations: []app.Location{{ID: "shelf-s1", Kind: app.LocationStore, Name: "Store 1 shelf", Owner: "s1"},
			{ID: "bin-s1", Kind: app.LocationDefective, Name: "Store 1 returns", Owner: "s1"},
			{ID: "bin-a", Kind: app.LocationDefective, Name: "Van A returns", Owner: "tech-a"},
			{ID: "bag-s", Kind: app.LocationVan, Name: "S's bag", Owner: "tech-s"}},
		Movements: []app.StockMovement{{ID: "rcv-s", Kind: app.MoveReceive, Part: "SCR-1", To: "shelf-s1", Qty: 2, At: testNow.Add(-time.Hour), Recorded: "clerk"}},
		Tickets:   []app.TicketDetail{{Ticket: w.ticketS}},
	}
	if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
		t.Fatal(err)
	}
	w.s = pairDevice(t, db, "tech-s")
	return w
}

// push sends cmds as p's next mutations; nothing may be refused.
func (w *stockWorld) push(t *testing.T, p Principal, cmds ...app.Command) {
	t.Helper()
	var ms []app.Mutation
	for _, c := range cmds {
		w.seq[p.Device]++
		ms = append(ms, mut(t, w.seq[p.Device], c))
	}
	if res := push(t, w.db, p, ms...); len(res.Rejected) > 0 {
		t.Fatalf("rejected: %+v", res.Rejected)
	}
}

func (w *stockWorld) dispatchDo(t *testing.T, cmd app.Command) {
	t.Helper()
	m, err := app.NewMutation(cmd, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApplyAdmin(context.Background(), w.dispatch, m); err != nil {
		t.Fatal(err)
	}
}

// moveVanA records movements at van-a through the paths that make them:
// a transfer and an adjustment by dispatch, a consumption pushed by A.
func (w *stockWorld) moveVanA(t *testing.T) {
	t.Helper()
	w.dispatchDo(t, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "tr-1", Part: "BAT-1", From: "van-a", To: "van-b", Qty: 2, At: testNow.Add(time.Minute)}})
	w.dispatchDo(t, &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: "rcv-2", Part: "SCR-1", To: "van-a", Qty: 4, At: testNow.Add(2 * time.Minute)}})
	w.push(t, w.a, &app.ConsumePart{Used: app.PartUsed{ID: fid("use-1"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a", At: testNow.Add(3 * time.Minute)}})
	w.dispatchDo(t, &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: "adj-1", Part: "SCR-1", To: "van-a", Qty: -1, Reason: "dropped", At: testNow.Add(4 * time.Minute)}})
}

func TestLedgerAddsUpToBalances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		w.moveVanA(t)
		bs, err := db.Balances(ctx, tenant, "van-a")
		if err != nil {
			t.Fatal(err)
		}
		lines, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "van-a", Limit: MaxLedgerLines})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ln := range lines {
			ids = append(ids, ln.Movement)
		}
		if want := []string{"adj-1", fid("use-1"), "rcv-2", "tr-1", "rcv-a"}; !slices.Equal(ids, want) {
			t.Fatalf("ledger %v, want newest first %v", ids, want)
		}
		// Per part, the newest line's balance is Balances' number, each
		// older line's is the newer one's less the newer delta, and the
		// oldest starts from zero.
		after := map[app.PartNumber]int{}
		for _, b := range bs {
			after[b.Part] = b.Qty
		}
		for _, ln := range lines {
			if ln.Balance != after[ln.Part] {
				t.Fatalf("line %s: balance %d, want %d", ln.Movement, ln.Balance, after[ln.Part])
			}
			after[ln.Part] -= ln.Delta
		}
		for part, n := range after {
			if n != 0 {
				t.Fatalf("%s: the ledger leaves %d before its first line, want 0", part, n)
			}
		}
		byID := map[string]LedgerLine{}
		for _, ln := range lines {
			byID[ln.Movement] = ln
		}
		if tr := byID["tr-1"]; tr.Kind != "transfer" || tr.Delta != -2 || tr.Other != "van-b" || tr.PartName != "Battery" || tr.By != "dispatch" {
			t.Fatalf("transfer line %+v", tr)
		}
		if use := byID[fid("use-1")]; use.Kind != "consume" || use.Ticket != w.ticketA.ID || use.TicketNumber != "FB-1" || use.By != "A" || !use.At.Equal(testNow.Add(3*time.Minute)) {
			t.Fatalf("consume line %+v", use)
		}
		if adj := byID["adj-1"]; adj.Reason != "dropped" || adj.Delta != -1 || adj.Balance != 3 || adj.PartName != "Screen" {
			t.Fatalf("adjust line %+v", adj)
		}
		// The other side sees the transfer from its end.
		got, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "van-b", Part: "BAT-1", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Movement != "tr-1" || got[0].Other != "van-a" || got[0].Delta != 2 || got[0].Balance != 5 {
			t.Fatalf("van-b ledger %+v", got)
		}
	})
}

func TestLedgerPagesAndFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		w.moveVanA(t)
		all, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "van-a", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{1, 2, 3} {
			var paged []LedgerLine
			before := ""
			for range 10 {
				page, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "van-a", Limit: limit, Before: before})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > limit {
					t.Fatalf("limit %d: page of %d", limit, len(page))
				}
				if len(page) == 0 {
					break
				}
				paged = append(paged, page...)
				before = page[len(page)-1].Cursor()
			}
			if !slices.Equal(paged, all) {
				t.Fatalf("limit %d: pages give %+v, want %+v", limit, paged, all)
			}
		}
		screen, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "van-a", Part: "SCR-1", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(screen) != 2 || screen[0].Movement != "adj-1" || screen[1].Movement != "rcv-2" || screen[0].Balance != 3 {
			t.Fatalf("SCR-1 at van-a: %+v", screen)
		}
	})
}

func TestLedgerRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		w.moveVanA(t)
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Locations: []app.Location{{ID: "van-z", Kind: app.LocationVan, Name: "Van Z"}}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			q    LedgerQuery
			key  string
		}{
			{"NoLimit", LedgerQuery{Tenant: tenant, Location: "van-a"}, "central.ledger_limit"},
			{"LimitTooLarge", LedgerQuery{Tenant: tenant, Location: "van-a", Limit: MaxLedgerLines + 1}, "central.ledger_limit"},
			{"BadCursor", LedgerQuery{Tenant: tenant, Location: "van-a", Limit: 5, Before: "yesterday"}, "central.ledger_cursor"},
			{"CursorWithoutMovement", LedgerQuery{Tenant: tenant, Location: "van-a", Limit: 5, Before: "12."}, "central.ledger_cursor"},
			{"NoSuchLocation", LedgerQuery{Tenant: tenant, Location: "van-x", Limit: 5}, "central.not_found"},
			{"OtherTenantsLocation", LedgerQuery{Tenant: tenant, Location: "van-z", Limit: 5}, "central.not_found"},
			{"FromOtherTenant", LedgerQuery{Tenant: "t2", Location: "van-a", Limit: 5}, "central.not_found"},
			{"OtherStoresLocation", LedgerQuery{Tenant: tenant, Location: "van-a", Limit: 5, Store: "s1"}, "central.not_found"},
			{"StoreWithoutLocations", LedgerQuery{Tenant: tenant, Location: "shelf-s1", Limit: 5, Store: "s2"}, "central.not_found"},
		} {
			t.Run(c.name, func(t *testing.T) {
				lines, err := db.Ledger(ctx, c.q)
				if keyOf(err) != c.key || lines != nil {
					t.Fatalf("lines %v, error %v; want %s", lines, err, c.key)
				}
			})
		}
		lines, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: "shelf-s1", Limit: 5, Store: "s1"})
		if err != nil || len(lines) != 1 || lines[0].Movement != "rcv-s" || lines[0].By != "clerk" {
			t.Fatalf("the store's own shelf: %+v, %v", lines, err)
		}
	})
}

func TestStoreLocations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		newStockWorld(t, db)
		if err := db.LoadDataset(ctx, "t2", app.Dataset{Locations: []app.Location{{ID: "shelf-t2", Kind: app.LocationStore, Name: "Shelf", Owner: "s1"}}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			tenant string
			store  app.StoreID
			want   []app.LocationID
		}{
			// The store's own locations and those of its technician S.
			{tenant, "s1", []app.LocationID{"bag-s", "bin-s1", "shelf-s1"}},
			{tenant, "", []app.LocationID{"bag-s", "bin-a", "bin-s1", "shelf-s1", "van-a", "van-b", "wh"}},
			{tenant, "s2", nil},
			{"t2", "s1", []app.LocationID{"shelf-t2"}},
			{"t3", "", nil},
		} {
			ls, err := db.StoreLocations(ctx, c.tenant, c.store)
			if err != nil {
				t.Fatal(err)
			}
			var got []app.LocationID
			for _, l := range ls {
				got = append(got, l.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("%s/%s: %v, want %v", c.tenant, c.store, got, c.want)
			}
		}
		all, err := db.Locations(ctx, tenant)
		if err != nil || len(all) != 7 || all[0].ID != "bag-s" || all[0].Name != "S's bag" {
			t.Fatalf("Locations: %+v, %v", all, err)
		}
	})
}

func TestNegativeBalances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		// A fits 7 batteries from a van holding 5; S sells 3 screens from
		// a shelf holding 2.
		w.push(t, w.a, &app.ConsumePart{Used: app.PartUsed{ID: fid("use-7"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 7, From: "van-a"}})
		w.push(t, w.s, &app.ConsumePart{Used: app.PartUsed{ID: fid("use-s"), Ticket: w.ticketS.ID, Part: "SCR-1", Qty: 3, From: "shelf-s1"}})
		want := []NamedBalance{
			{Balance: app.Balance{Part: "SCR-1", Location: "shelf-s1", Qty: -1}, LocationName: "Store 1 shelf", PartName: "Screen"},
			{Balance: app.Balance{Part: "BAT-1", Location: "van-a", Qty: -2}, LocationName: "Van A", PartName: "Battery"},
		}
		for _, c := range []struct {
			store app.StoreID
			want  []NamedBalance
		}{{"", want}, {"s1", want[:1]}, {"s2", []NamedBalance{}}} {
			got, err := db.NegativeBalances(ctx, tenant, c.store)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("store %q: %+v, want %+v", c.store, got, c.want)
			}
		}
		if got, err := db.NegativeBalances(ctx, "t2", ""); err != nil || len(got) != 0 {
			t.Fatalf("another tenant sees %+v, %v", got, err)
		}
		// Reconciled with an adjustment, the balance leaves the list.
		w.dispatchDo(t, &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: "fix-1", Part: "BAT-1", To: "van-a", Qty: 2, Reason: "recount"}})
		got, err := db.NegativeBalances(ctx, tenant, "")
		if err != nil || !slices.Equal(got, want[:1]) {
			t.Fatalf("after the adjustment: %+v, %v", got, err)
		}
	})
}

func TestWaitingForParts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newStockWorld(t, db)
		wait := func(p Principal, id app.TicketID, reason string) {
			w.push(t, p, start(id, 1), &app.TransitionTicket{Action: app.ActionWait, Ticket: id, Epoch: 1, Reason: reason})
		}
		// A's reason as the terminal's part request writes it, S's typed
		// by hand naming two parts (one twice) and one not in the catalog.
		wait(w.a, w.ticketA.ID, "Needs BAT-1 Battery × 2")
		wait(w.s, w.ticketS.ID, "SCR-1, BAT-1 (and BAT-1 again); XYZ-9.")
		got, err := db.WaitingForParts(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d waiting, want 2: %+v", len(got), got)
		}
		a := got[0]
		if a.Ticket != w.ticketA.ID || a.TicketNumber != "FB-1" || a.Technician != "tech-a" || a.TechnicianName != "A" || a.Van != "van-a" || a.VanName != "Van A" ||
			a.Reason != "Needs BAT-1 Battery × 2" || len(a.Parts) != 1 || a.Parts[0].Number != "BAT-1" || !a.Since.Equal(testNow) || a.Waited != 0 {
			t.Fatalf("A's wait %+v", a)
		}
		if s := got[1]; s.Ticket != "tk-s" || s.Store != "s1" || s.Van != "" || len(s.Parts) != 2 || s.Parts[0].Number != "SCR-1" || s.Parts[1].Number != "BAT-1" {
			t.Fatalf("S's wait %+v", s)
		}
		only, err := db.WaitingForParts(ctx, tenant, "s1")
		if err != nil || len(only) != 1 || only[0].Ticket != "tk-s" {
			t.Fatalf("store s1 sees %+v, %v", only, err)
		}
		for _, c := range []struct {
			tenant string
			store  app.StoreID
		}{{tenant, "s2"}, {"t2", ""}} {
			if none, err := db.WaitingForParts(ctx, c.tenant, c.store); err != nil || len(none) != 0 {
				t.Fatalf("%s/%s sees %+v, %v", c.tenant, c.store, none, err)
			}
		}
		// Resumed, a ticket no longer waits.
		w.push(t, w.a, &app.TransitionTicket{Action: app.ActionResume, Ticket: w.ticketA.ID, Epoch: 1})
		if got, err := db.WaitingForParts(ctx, tenant, ""); err != nil || len(got) != 1 || got[0].Ticket != "tk-s" {
			t.Fatalf("after A resumed: %+v, %v", got, err)
		}
	})
}

func TestWaitingForPartsCountsTheWait(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			now := testNow
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			db.clock = app.ClockFunc(func() time.Time { return now })
			w := newStockWorld(t, db)
			w.push(t, w.a, start(w.ticketA.ID, 1), &app.TransitionTicket{Action: app.ActionWait, Ticket: w.ticketA.ID, Epoch: 1, Reason: "BAT-1"})
			now = now.Add(26 * time.Hour)
			got, err := db.WaitingForParts(context.Background(), tenant, "")
			if err != nil || len(got) != 1 || !got[0].Since.Equal(testNow) || got[0].Waited != 26*time.Hour {
				t.Fatalf("%+v, %v; want waiting since %v, for 26h", got, err, testNow)
			}
		})
	}
}

func TestDefectiveReturns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newClaimWorld(t, db)
		if err := db.LoadDataset(ctx, tenant, app.Dataset{
			Technicians: []app.Technician{{ID: "tech-s", Name: "S", Country: "CN", Store: "s1"}},
			Locations:   []app.Location{{ID: "bin-s1", Kind: app.LocationDefective, Name: "Store 1 returns", Owner: "s1"}},
		}); err != nil {
			t.Fatal(err)
		}
		// Two tickets' screens go to A's bin; the closed in-warranty one
		// has a claim, the other none. Dispatch adds one to the store's bin.
		w.repairWithScreen(t, claimIn)
		w.push(t, act(app.ActionClose, claimIn, ""))
		w.repairWithScreen(t, claimIn2)
		w.push(t, &app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-in"), Part: screen, To: "bin-a", Qty: 1, Serial: "D-tk-in", Ticket: claimIn, At: testNow.Add(time.Minute)}},
			&app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-in2"), Part: screen, To: "bin-a", Qty: 1, Serial: "D-tk-in2", Ticket: claimIn2, At: testNow.Add(2 * time.Minute)}})
		w.dispatchDo(t, &app.ReturnDefective{Movement: app.StockMovement{ID: "ret-s", Part: screen, To: "bin-s1", Qty: 1, Serial: "D-S", At: testNow.Add(3 * time.Minute)}})
		claims := allClaims(t, db, ClaimFilter{})
		if len(claims) != 1 {
			t.Fatalf("%d claims, want 1", len(claims))
		}
		got, err := db.DefectiveReturns(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.Movement)
		}
		if want := []string{fid("ret-in"), fid("ret-in2"), "ret-s"}; !slices.Equal(ids, want) {
			t.Fatalf("returns %v, want oldest first %v", ids, want)
		}
		in := got[0]
		if in.Part != screen || in.PartName != "Display assembly" || in.Qty != 1 || in.Serial != "D-tk-in" || in.TicketNumber != "FB-IN" || in.Technician != "tech-a" ||
			in.By != "A" || in.Location != "bin-a" || in.LocationName != "Van A returns" || !in.Since.Equal(testNow.Add(time.Minute)) || in.Claim != claims[0].ID {
			t.Fatalf("return %+v, want FB-IN's screen with claim %s", in, claims[0].ID)
		}
		if got[1].Claim != "" || got[1].TicketNumber != "FB-IN2" || got[2].Ticket != "" || got[2].By != "dispatch" {
			t.Fatalf("returns %+v", got[1:])
		}
		if s1, err := db.DefectiveReturns(ctx, tenant, "s1"); err != nil || len(s1) != 1 || s1[0].Movement != "ret-s" {
			t.Fatalf("store s1 sees %+v, %v", s1, err)
		}
		if none, err := db.DefectiveReturns(ctx, "t2", ""); err != nil || len(none) != 0 {
			t.Fatalf("another tenant sees %+v, %v", none, err)
		}
		// Shipped to the warehouse, a return leaves the list.
		w.dispatchDo(t, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "ship-1", Part: screen, From: "bin-a", To: "wh", Qty: 1, Serial: "D-tk-in", At: testNow.Add(time.Hour)}})
		got, err = db.DefectiveReturns(ctx, tenant, "")
		if err != nil || len(got) != 2 || got[0].Movement != fid("ret-in2") {
			t.Fatalf("after shipping FB-IN's screen: %+v, %v", got, err)
		}
	})
}

// TestConsoleDataOfTheDemoWorld reads the demo world as the console
// would: every location's ledger, walked page by page, adds up to its
// balances, and the waiting tickets are those the world has waiting.
func TestConsoleDataOfTheDemoWorld(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ds := demo.Generate(7, demo.Size{Models: 5, Parts: 300, Tickets: 120, Technicians: 3}, testNow)
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		locs, err := db.Locations(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		if len(locs) != len(ds.Locations) {
			t.Fatalf("%d locations, want %d", len(locs), len(ds.Locations))
		}
		lines := 0
		for _, l := range locs {
			bs, err := db.Balances(ctx, tenant, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			after := map[app.PartNumber]int{}
			for _, b := range bs {
				after[b.Part] = b.Qty
			}
			before := ""
			for {
				page, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: l.ID, Limit: 50, Before: before})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				for _, ln := range page {
					if ln.Balance != after[ln.Part] {
						t.Fatalf("%s, %s: line %s says %d, want %d", l.ID, ln.Part, ln.Movement, ln.Balance, after[ln.Part])
					}
					after[ln.Part] -= ln.Delta
				}
				lines += len(page)
				before = page[len(page)-1].Cursor()
			}
			for part, n := range after {
				if n != 0 {
					t.Fatalf("%s, %s: %d left before the first line", l.ID, part, n)
				}
			}
		}
		if lines < len(ds.Movements) {
			t.Fatalf("%d ledger lines for %d movements", lines, len(ds.Movements))
		}
		var want []app.TicketID
		for _, d := range ds.Tickets {
			if d.Ticket.Status == app.StatusWaitingParts {
				want = append(want, d.Ticket.ID)
			}
		}
		if len(want) == 0 {
			t.Fatal("the demo world has no ticket waiting for parts: the test would prove nothing")
		}
		waits, err := db.WaitingForParts(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		var got []app.TicketID
		for _, w := range waits {
			got = append(got, w.Ticket)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("waiting %v, want %v", got, want)
		}
		if _, err := db.DefectiveReturns(ctx, tenant, ""); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkConsoleStockData reads, on SQLite with the default demo world,
// the first ledger page of the location with the most movements, the
// negative balances, the tickets waiting for parts and the defective
// returns.
func BenchmarkConsoleStockData(b *testing.B) {
	ctx := context.Background()
	db, err := OpenDB(ctx, Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testNow })})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ds := demo.Generate(1, demo.Default, testNow)
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		b.Fatal(err)
	}
	count := map[app.LocationID]int{}
	for _, m := range ds.Movements {
		count[m.From]++
		count[m.To]++
	}
	delete(count, "")
	var busiest app.LocationID
	for l, n := range count {
		if n > count[busiest] {
			busiest = l
		}
	}
	b.Logf("%d movements; the busiest location, %s, has %d", len(ds.Movements), busiest, count[busiest])
	for _, c := range []struct {
		name string
		fn   func() error
	}{
		{"Ledger", func() error {
			_, err := db.Ledger(ctx, LedgerQuery{Tenant: tenant, Location: busiest, Limit: 100})
			return err
		}},
		{"NegativeBalances", func() error { _, err := db.NegativeBalances(ctx, tenant, ""); return err }},
		{"WaitingForParts", func() error { _, err := db.WaitingForParts(ctx, tenant, ""); return err }},
		{"DefectiveReturns", func() error { _, err := db.DefectiveReturns(ctx, tenant, ""); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

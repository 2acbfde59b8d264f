package central

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// The tests of issue 10's contract defects, each against SQLite and
// PostgreSQL.

func balanceOf(t *testing.T, db *DB, loc app.LocationID, part app.PartNumber) int {
	t.Helper()
	bs, err := db.Balances(context.Background(), tenant, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Part == part {
			return b.Qty
		}
	}
	return 0
}

func conflictByID(t *testing.T, db *DB, id string) app.Conflict {
	t.Helper()
	cs, err := db.Conflicts(context.Background(), tenant, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no conflict %s among %+v", id, cs)
	return app.Conflict{}
}

// Issue 10.1: a part fitted on a ticket that dispatch cancelled meanwhile
// is in the customer's device: the ledger counts it, and on a closed
// ticket dispatch can still record it.
func TestPartFittedOnCancelledTicketLeavesTheVan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		cancel := mut(t, 0, &app.TransitionTicket{Action: app.ActionCancel, Ticket: w.ticketA.ID, Epoch: 1, Reason: "customer cancelled"})
		if err := db.ApplyAdmin(ctx, w.dispatch, cancel); err != nil {
			t.Fatal(err)
		}
		// Offline, the technician started, repaired, fitted a part and
		// completed on epoch 1.
		used := &app.ConsumePart{Used: app.PartUsed{ID: fid("u1"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}
		complete := &app.TransitionTicket{Action: app.ActionComplete, Ticket: w.ticketA.ID, Epoch: 1, Resolution: app.ResolutionRepaired}
		res := push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("r1"), w.ticketA.ID, 20)), mut(t, 3, used),
			mut(t, 4, note(fid("n1"), w.ticketA.ID)), mut(t, 5, complete))
		var refused []int64
		for _, r := range res.Rejected {
			refused = append(refused, r.Seq)
		}
		if res.Acked != 5 || len(refused) != 2 || refused[0] != 1 || refused[1] != 5 {
			t.Fatalf("push = %+v, want only the start and the completion refused (stale epoch)", res)
		}
		if got := balanceOf(t, db, "van-a", "BAT-1"); got != 4 {
			t.Fatalf("van-a holds %d batteries, want 4: the fitted one left it", got)
		}
		d := detail(t, db, w.ticketA.ID)
		if d.Ticket.Status != app.StatusCancelled || len(d.Parts) != 1 || len(d.Repairs) != 1 || len(d.Notes) != 1 {
			t.Fatalf("ticket %s with %d parts, %d repairs, %d notes; want cancelled with all the evidence", d.Ticket.Status, len(d.Parts), len(d.Repairs), len(d.Notes))
		}

		// On a closed ticket the technician's consumption is refused, and
		// dispatch's accept_ours records it.
		closed := w.ticketA
		closed.ID, closed.Number, closed.Status, closed.Technician = "tk-closed", "FB-3", app.StatusClosed, "tech-a"
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: closed}}}); err != nil {
			t.Fatal(err)
		}
		res = push(t, db, w.a, mut(t, 6, &app.ConsumePart{Used: app.PartUsed{ID: fid("u2"), Ticket: closed.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}))
		if len(res.Rejected) != 1 || res.Rejected[0].Key != "stock.consume_closed" {
			t.Fatalf("push on a closed ticket = %+v, want stock.consume_closed", res)
		}
		if got := balanceOf(t, db, "van-a", "BAT-1"); got != 4 {
			t.Fatalf("a refused consumption moved stock: %d", got)
		}
		if _, err := db.ResolveConflict(ctx, w.dispatch, res.Rejected[0].Conflict, app.ResolveAcceptOurs); err != nil {
			t.Fatalf("dispatch accept_ours: %v", err)
		}
		if got := balanceOf(t, db, "van-a", "BAT-1"); got != 3 {
			t.Fatalf("after accept_ours van-a holds %d, want 3", got)
		}
	})
}

// Issue 10.2: dispatch's edit of a shared field carries the value it
// showed; a stale one keeps the technician's value in a field conflict.
func TestDispatcherEditOfSharedFieldKeepsTechniciansValue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		old, mine, theirs := w.ticketA.Customer.Address, "2 Tech Street", "3 Dispatch Road"
		push(t, db, w.a, mut(t, 1, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &mine}, Base: app.TicketFields{CustomerAddress: &old}}))

		noBase := mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &theirs}})
		if err := db.ApplyAdmin(ctx, w.dispatch, noBase); app.ErrorCode(err) != app.EINVALID || app.AsError(err).Key != "ticket.update_needs_base" {
			t.Fatalf("dispatch update without base: %v, want ticket.update_needs_base", err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Address; got != mine {
			t.Fatalf("a refused update changed the address to %q", got)
		}

		stale := mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &theirs}, Base: app.TicketFields{CustomerAddress: &old}})
		if err := db.ApplyAdmin(ctx, w.dispatch, stale); err != nil {
			t.Fatal(err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Address; got != theirs {
			t.Fatalf("address = %q, want the later arrival %q", got, theirs)
		}
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Kind != app.ConflictField || cs[0].Field != app.FieldCustomerAddress || cs[0].Ours != mine || cs[0].Theirs != theirs || cs[0].Technician != "tech-a" {
			t.Fatalf("conflicts = %+v, want a field conflict keeping both addresses for tech-a", cs)
		}
		pulled, _, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		if len(pulled.Conflicts) != 1 || pulled.Conflicts[0].ID != cs[0].ID {
			t.Fatalf("the technician pulled conflicts %+v", pulled.Conflicts)
		}
		// Dispatch decides for the technician's value.
		if _, err := db.ResolveConflict(ctx, w.dispatch, cs[0].ID, app.ResolveAcceptOurs); err != nil {
			t.Fatal(err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Address; got != mine {
			t.Fatalf("address after accept_ours = %q, want %q", got, mine)
		}

		// With the current value as base there is nothing to keep.
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &theirs}, Base: app.TicketFields{CustomerAddress: &mine}})); err != nil {
			t.Fatal(err)
		}
		if cs, _ := db.Conflicts(ctx, tenant, true); len(cs) != 0 {
			t.Fatalf("an update with a current base raised %+v", cs)
		}

		// The technician may put their own value back ("keep mine").
		again := "4 Tech Street"
		push(t, db, w.a, mut(t, 2, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &again}, Base: app.TicketFields{CustomerAddress: &theirs}}))
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerAddress: &mine}, Base: app.TicketFields{CustomerAddress: &theirs}})); err != nil {
			t.Fatal(err)
		}
		cs, _ = db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Ours != again {
			t.Fatalf("conflicts = %+v, want one keeping %q", cs, again)
		}
		if _, err := db.ResolveConflict(ctx, w.a, cs[0].ID, app.ResolveAcceptOurs); err != nil {
			t.Fatalf("the technician's accept_ours on a field conflict: %v", err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Address; got != again {
			t.Fatalf("address after the technician's accept_ours = %q, want %q", got, again)
		}
	})
}

// counterWorld adds counter staff of store-9 (tech-c), a carry-in of
// store-9 and one of store-8, and pairs tech-c's device.
func counterWorld(t *testing.T, db *DB, w *world) (Principal, app.Ticket, app.Ticket) {
	t.Helper()
	own, other := w.ticketB, w.ticketB
	own.ID, own.Number, own.Technician, own.Store = "tk-s9", "FB-9", "", "store-9"
	other.ID, other.Number, other.Technician, other.Store = "tk-s8", "FB-8", "", "store-8"
	if err := db.LoadDataset(context.Background(), tenant, app.Dataset{
		Technicians: []app.Technician{{ID: "tech-c", Name: "C", Country: "CN", Store: "store-9"}},
		Tickets:     []app.TicketDetail{{Ticket: own}, {Ticket: other}},
	}); err != nil {
		t.Fatal(err)
	}
	return pairDevice(t, db, "tech-c"), own, other
}

// Issue 10.3: a field technician cannot cancel; counter staff cancel
// their own store's carry-ins.
func TestOnlyDispatchAndCounterStaffCancel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		c, own, other := counterWorld(t, db, w)
		cancel := func(id app.TicketID) app.Command {
			return &app.TransitionTicket{Action: app.ActionCancel, Ticket: id, Epoch: 1, Reason: "customer took it back"}
		}
		for _, tc := range []struct {
			name   string
			p      Principal
			ticket app.TicketID
			key    string // "" when applied
		}{
			{"FieldTechnicianOwnTicket", w.a, w.ticketA.ID, "ticket.cancel_dispatch_only"},
			{"CounterOtherStoresCarryIn", c, other.ID, "central.not_found"},
			{"CounterOwnStoresCarryIn", c, own.ID, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := detail(t, db, tc.ticket).Ticket.Status
				res := push(t, db, tc.p, mut(t, res0(t, db, tc.p)+1, cancel(tc.ticket)))
				after := detail(t, db, tc.ticket).Ticket.Status
				if tc.key == "" {
					if len(res.Rejected) != 0 || after != app.StatusCancelled {
						t.Fatalf("push = %+v, status %s; want cancelled", res, after)
					}
					return
				}
				if len(res.Rejected) != 1 || res.Rejected[0].Key != tc.key || after != before {
					t.Fatalf("push = %+v, status %s; want refused with %s and nothing changed", res, after, tc.key)
				}
				if cf := conflictByID(t, db, res.Rejected[0].Conflict); cf.Kind != app.ConflictRejected {
					t.Fatalf("conflict %+v, want kind rejected", cf)
				}
			})
		}
	})
}

// Issue 10.4: a device records losses, never gains.
func TestDeviceCannotCreateStock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		for _, tc := range []struct {
			name  string
			cmd   app.Command
			key   string // "" when applied
			after int    // van-a's batteries afterwards
		}{
			{"Receive", &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: fid("rcv-x"), Part: "BAT-1", To: "van-a", Qty: 1500}}, "stock.receive_dispatch_only", 5},
			{"AdjustUp", &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: fid("adj-up"), Part: "BAT-1", To: "van-a", Qty: 1500, Reason: "found"}}, "stock.gain_dispatch_only", 5},
			{"RecordLoss", &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: fid("adj-down"), Part: "BAT-1", To: "van-a", Qty: -1, Reason: "dropped"}}, "", 4},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := push(t, db, w.a, mut(t, res0(t, db, w.a)+1, tc.cmd))
				if tc.key == "" && len(res.Rejected) != 0 || tc.key != "" && (len(res.Rejected) != 1 || res.Rejected[0].Key != tc.key) {
					t.Fatalf("push = %+v, want refusal %q", res, tc.key)
				}
				if got := balanceOf(t, db, "van-a", "BAT-1"); got != tc.after {
					t.Fatalf("van-a holds %d, want %d", got, tc.after)
				}
			})
		}
	})
}

// Issue 10.5: a technician cannot put a ticket into another store's scope.
func TestTechnicianCannotOpenTicketForAnotherStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		c, _, _ := counterWorld(t, db, w)
		tk := w.ticketA
		tk.ID, tk.Number, tk.Technician, tk.Store = app.TicketID(app.NewID()), "C-1", "", "store-9"
		res := push(t, db, w.a, mut(t, 1, &app.CreateTicket{Ticket: tk}))
		if len(res.Rejected) != 1 || res.Rejected[0].Key != "ticket.store_not_yours" {
			t.Fatalf("push = %+v, want ticket.store_not_yours", res)
		}
		if _, err := db.TicketDetail(context.Background(), tenant, tk.ID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("the ticket was created: %v", err)
		}
		if ds, _, _ := pullAll(t, db, c, "", DefaultPageBytes); len(ticketIDs(ds)) != 1 || ticketIDs(ds)[0] != "tk-s9" {
			t.Fatalf("store-9's counter pulled %v, want only its own carry-in", ticketIDs(ds))
		}
		// Counter staff open one for their own store.
		res = push(t, db, c, mut(t, 1, &app.CreateTicket{Ticket: tk}))
		if len(res.Rejected) != 0 || detail(t, db, tk.ID).Ticket.Store != "store-9" {
			t.Fatalf("push = %+v, want the counter's ticket created for store-9", res)
		}
	})
}

// Issue 10.6: a ticket never in the device's scope gets the answer a
// missing one gets; a ticket that was the device's and went elsewhere
// keeps its stale_epoch conflict.
func TestRefusalsRevealNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"})); err != nil {
			t.Fatal(err)
		}
		res := push(t, db, w.a,
			mut(t, 1, note(fid("n-missing"), "tk-missing")),
			mut(t, 2, note(fid("n-b"), w.ticketB.ID)),
			mut(t, 3, &app.TransitionTicket{Action: app.ActionStart, Ticket: w.ticketB.ID, Epoch: 1}),
			mut(t, 4, note(fid("n-was-mine"), w.ticketA.ID)))
		if len(res.Rejected) != 4 {
			t.Fatalf("push = %+v, want all four refused", res)
		}
		missing := res.Rejected[0]
		for i, r := range res.Rejected[:3] {
			c := conflictByID(t, db, r.Conflict)
			want := strings.ReplaceAll(missing.Message, "tk-missing", string(c.Ticket))
			if r.Code != missing.Code || r.Key != missing.Key || r.Message != want || c.Kind != app.ConflictRejected {
				t.Errorf("refusal %d = %+v (conflict %s), want the answer about a missing ticket %+v", i, r, c.Kind, missing)
			}
			if strings.Contains(r.Message, w.ticketB.Number) || strings.Contains(c.Message, w.ticketB.Number) {
				t.Errorf("refusal %d names B's ticket: %q", i, r.Message)
			}
		}
		if missing.Code != app.ENOTFOUND {
			t.Errorf("a missing ticket answers %s, want not_found", missing.Code)
		}
		if c := conflictByID(t, db, res.Rejected[3].Conflict); c.Kind != app.ConflictStaleEpoch {
			t.Errorf("work on a ticket reassigned away raised %s, want stale_epoch", c.Kind)
		}
		if n := len(detail(t, db, w.ticketB.ID).Notes); n != 0 {
			t.Errorf("B's ticket got %d notes", n)
		}
	})
}

// Issue 10.7: mutation IDs are the device's: another device's mutation
// with the same ID is applied as its own, and its conflict never
// overwrites the first device's.
func TestMutationIDsArePerDevice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Both devices refused (a note on a ticket that does not exist)
		// under one mutation ID, then both applied under another.
		refusedA := mut(t, 1, note(fid("n-a1"), "tk-missing"))
		refusedB := refusedA
		refusedB.Args = mut(t, 1, note(fid("n-b1"), "tk-missing-too")).Args
		okA := mut(t, 2, note(fid("n-a2"), w.ticketA.ID))
		okB := okA
		okB.Args = mut(t, 2, note(fid("n-b2"), w.ticketB.ID)).Args
		resA := push(t, db, w.a, refusedA, okA)
		resB := push(t, db, w.b, refusedB, okB)
		if len(resA.Rejected) != 1 || len(resB.Rejected) != 1 || resB.Acked != 2 {
			t.Fatalf("pushes = %+v / %+v, want one refusal each", resA, resB)
		}
		if resA.Rejected[0].Conflict == resB.Rejected[0].Conflict {
			t.Fatalf("both refusals share conflict %s", resA.Rejected[0].Conflict)
		}
		ca, cb := conflictByID(t, db, resA.Rejected[0].Conflict), conflictByID(t, db, resB.Rejected[0].Conflict)
		if ca.Technician != "tech-a" || ca.Device != w.a.Device || !strings.Contains(ca.Ours, fid("n-a1")) || cb.Technician != "tech-b" || !strings.Contains(cb.Ours, fid("n-b1")) {
			t.Fatalf("conflicts %+v / %+v, want each device's own", ca, cb)
		}
		if n := len(detail(t, db, w.ticketB.ID).Notes); n != 1 {
			t.Fatalf("B's note under A's mutation ID: %d notes, want it applied", n)
		}
		for _, d := range []Principal{w.a, w.b} {
			as, err := db.AppliedBy(ctx, tenant, d.Device)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 2 || as[0].Status != "rejected" || as[1].Status != "applied" {
				t.Fatalf("%s's trail = %+v", d.Device, as)
			}
		}
		// The same device re-pushing an ID under a new seq changes nothing.
		again := okA
		again.Seq = 3
		if res := push(t, db, w.a, again); res.Acked != 3 || len(detail(t, db, w.ticketA.ID).Notes) != 1 {
			t.Fatalf("re-push = %+v", res)
		}
	})
}

// A database from before mutation IDs were per device is re-keyed at open.
func TestAppliedIsRekeyedPerDevice(t *testing.T) {
	const oldApplied = `CREATE TABLE applied (mutation TEXT PRIMARY KEY, device TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT NOT NULL,
		status TEXT NOT NULL, conflict TEXT NOT NULL DEFAULT '', at BIGINT NOT NULL, device_at BIGINT NOT NULL, hlc TEXT NOT NULL DEFAULT '',
		version BIGINT NOT NULL DEFAULT 0)`
	for _, tc := range []struct {
		name string
		cfg  func(t *testing.T) Config
	}{
		{"sqlite", func(t *testing.T) Config { return Config{DataDir: t.TempDir()} }},
		{"postgres", func(t *testing.T) Config { return Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg(t)
			db := openTestDB(t, cfg)
			w := newWorld(t, db)
			for _, stmt := range []string{`DROP TABLE applied`, oldApplied, `CREATE INDEX applied_device ON applied (device, seq)`} {
				if _, err := db.write.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.write.Exec(db.q(`INSERT INTO applied (mutation, device, seq, name, status, at, device_at) VALUES ('m-1', ?, 1, 'note.add.v1', 'applied', 0, 0)`), string(w.a.Device)); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openTestDB(t, cfg)
			as, err := db.AppliedBy(context.Background(), tenant, w.a.Device)
			if err != nil || len(as) != 1 || as[0].Mutation != "m-1" {
				t.Fatalf("trail after the migration = %+v, %v", as, err)
			}
			// Another device may now use the same ID.
			if _, err := db.write.Exec(db.q(`INSERT INTO applied (mutation, device, seq, name, status, at, device_at) VALUES ('m-1', ?, 1, 'note.add.v1', 'applied', 0, 0)`), string(w.b.Device)); err != nil {
				t.Fatalf("a second device's row with the same mutation ID: %v", err)
			}
			if _, err := db.write.Exec(db.q(`INSERT INTO applied (mutation, device, seq, name, status, at, device_at) VALUES ('m-1', ?, 2, 'note.add.v1', 'applied', 0, 0)`), string(w.b.Device)); err == nil {
				t.Fatal("one device's mutation ID is taken twice")
			}
		})
	}
}

// Issue 10.6: a device's new record whose ID is taken gets one answer
// whoever holds the ID, in its scopes or not; a new ticket or fact whose ID
// is not fresh (a lower-case UUID) gets the same, taken or not, so guessing
// an order number or an imported ID tells nothing. Nothing is written.
func TestTakenIDsAnswerAlike(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		newTicket := func(id string) *app.CreateTicket {
			tk := w.ticketA
			tk.ID, tk.Number = app.TicketID(id), "NEW-1"
			return &app.CreateTicket{Ticket: tk}
		}
		repair := func(id string) *app.LogRepair {
			return &app.LogRepair{Entry: app.RepairEntry{ID: id, Ticket: w.ticketA.ID, Action: "x", Minutes: 1}}
		}
		transfer := func(id string) *app.MoveStock {
			return &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: id, Part: "BAT-1", From: "van-a", To: "wh", Qty: 1}}
		}
		consume := func(id string) *app.ConsumePart {
			return &app.ConsumePart{Used: app.PartUsed{ID: id, Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}
		}
		upper := strings.ToUpper(app.NewID())
		bTicket, bRepair, aTicket, aRepair := app.NewID(), app.NewID(), app.NewID(), app.NewID()
		if res := push(t, db, w.b, mut(t, 1, newTicket(bTicket)), mut(t, 2, &app.LogRepair{Entry: app.RepairEntry{ID: bRepair, Ticket: w.ticketB.ID, Action: "x", Minutes: 1}})); len(res.Rejected) != 0 {
			t.Fatalf("B's records were refused: %+v", res)
		}
		if res := push(t, db, w.a, mut(t, 1, newTicket(aTicket)), mut(t, 2, repair(aRepair))); len(res.Rejected) != 0 {
			t.Fatalf("A's records were refused: %+v", res)
		}
		tests := []struct {
			name string
			cmd  app.Command
			id   string
		}{
			{"ticket with another technician's fresh ID", newTicket(bTicket), bTicket},
			{"ticket with the device's own ticket ID", newTicket(aTicket), aTicket},
			{"ticket with a guessable ID that exists", newTicket(string(w.ticketB.ID)), string(w.ticketB.ID)},
			{"ticket with a guessable ID that does not", newTicket("tk-zz"), "tk-zz"},
			{"repair with another technician's repair ID", repair(bRepair), bRepair},
			{"repair with the device's own repair ID", repair(aRepair), aRepair},
			{"repair with a guessable ID that does not exist", repair("rp-zz"), "rp-zz"},
			{"movement with an imported ID that exists", transfer("rcv-b"), "rcv-b"},
			{"movement with a guessable ID that does not exist", transfer("rcv-zz"), "rcv-zz"},
			{"part used with an upper-case fresh ID", consume(upper), upper},
			{"note with an upper-case fresh ID", &app.AddNote{Note: app.Note{ID: upper, Ticket: w.ticketA.ID, Text: "x"}}, upper},
		}
		van := balanceOf(t, db, "van-a", "BAT-1")
		var first string
		seq := int64(2)
		for _, tc := range tests {
			seq++
			res := push(t, db, w.a, mut(t, seq, tc.cmd))
			if len(res.Rejected) != 1 {
				t.Fatalf("%s: push = %+v, want one refusal", tc.name, res)
			}
			x := res.Rejected[0]
			if x.Code != app.ECONFLICT || x.Key != "mutation.id_unusable" {
				t.Errorf("%s: refused %s %s, want conflict mutation.id_unusable", tc.name, x.Code, x.Key)
			}
			kind := app.NewRecords(tc.cmd)[0].Kind
			answer := strings.ReplaceAll(strings.ReplaceAll(x.Message, tc.id, "ID"), kind, "KIND")
			if first == "" {
				first = answer
			} else if answer != first {
				t.Errorf("%s: answer %q differs from %q", tc.name, answer, first)
			}
		}
		if d := detail(t, db, w.ticketB.ID); len(d.Repairs) != 1 || d.Ticket.Number != w.ticketB.Number {
			t.Errorf("B's ticket changed: %+v", d)
		}
		if got := balanceOf(t, db, "van-a", "BAT-1"); got != van {
			t.Errorf("A's van holds %d batteries, want %d: a refused movement moved stock", got, van)
		}
		if d := detail(t, db, w.ticketA.ID); len(d.Repairs) != 1 || len(d.Parts) != 0 || len(d.Notes) != 0 {
			t.Errorf("A's ticket has %d repairs, %d parts used, %d notes; want its one repair and nothing else", len(d.Repairs), len(d.Parts), len(d.Notes))
		}
		if _, err := db.TicketDetail(context.Background(), tenant, "tk-zz"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("the guessable ticket was created: %v", err)
		}
	})
}

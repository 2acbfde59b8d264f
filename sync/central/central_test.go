package central

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
	"github.com/google/uuid"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testNow is the pinned server clock of the conformance suite.
var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// forEachBackend runs fn against the embedded SQLite database and a real
// PostgreSQL: the same conformance tests for both.
func forEachBackend(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openTestDB(t, Config{DataDir: t.TempDir()}))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)}))
	})
}

// forEachBackendConfig is forEachBackend for a test that opens its
// database itself, and again (a database an older service left): fn
// gets the configuration of an empty SQLite data folder, then of a real
// PostgreSQL.
func forEachBackendConfig(t *testing.T, fn func(t *testing.T, cfg Config)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, Config{DataDir: t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) { fn(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)}) })
}

// openTestDB opens a database on cfg whose clock is pinned at testNow,
// unless cfg has a clock.
func openTestDB(t testing.TB, cfg Config) *DB {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = app.ClockFunc(func() time.Time { return testNow })
	}
	db, err := OpenDB(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// world is the conformance fixture: technicians A and B of tenant t1 with
// their vans, two parts, stock in A's van, and one ticket each.
type world struct {
	db       *DB
	a, b     Principal // paired devices
	dispatch Principal
	ticketA  app.Ticket
	ticketB  app.Ticket
}

const tenant = "t1"

func newWorld(t *testing.T, db *DB) *world {
	t.Helper()
	ctx := context.Background()
	ticket := func(id, number string, tech app.TechnicianID) app.Ticket {
		return app.Ticket{ID: app.TicketID(id), Number: number, Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
			Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"},
			Priority: app.PriorityNormal, Technician: tech, Epoch: 1, Status: app.StatusAssigned, CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow.Add(-time.Hour)}
	}
	w := &world{db: db, ticketA: ticket("tk-a", "FB-1", "tech-a"), ticketB: ticket("tk-b", "FB-2", "tech-b")}
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}, {ID: "tech-b", Name: "B", Country: "CN", Van: "van-b"}},
		Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"}, {ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-b"},
			{ID: "wh", Kind: app.LocationWarehouse, Name: "Warehouse"}},
		Parts: []app.Part{{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"P60"}},
			{Number: "SCR-1", NameEN: "Screen", Class: app.ClassMain, Models: []string{"P60"}}},
		Movements: []app.StockMovement{{ID: "rcv-a", Kind: app.MoveReceive, Part: "BAT-1", To: "van-a", Qty: 5, At: testNow},
			{ID: "rcv-b", Kind: app.MoveReceive, Part: "BAT-1", To: "van-b", Qty: 3, At: testNow}},
		Tickets: []app.TicketDetail{{Ticket: w.ticketA}, {Ticket: w.ticketB}},
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		t.Fatal(err)
	}
	w.a, w.b = pairDevice(t, db, "tech-a"), pairDevice(t, db, "tech-b")
	tok, err := db.CreateAdminToken(ctx, tenant, "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	if w.dispatch, err = db.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	return w
}

func pairDevice(t *testing.T, db *DB, tech app.TechnicianID) Principal {
	t.Helper()
	ctx := context.Background()
	code, _, err := db.CreatePairing(ctx, tenant, tech)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := db.Pair(ctx, code, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mut wraps a command as a device's mutation with the given seq.
func mut(t *testing.T, seq int64, cmd app.Command) app.Mutation {
	t.Helper()
	m, err := app.NewMutation(cmd, testNow)
	if err != nil {
		t.Fatal(err)
	}
	m.Seq = seq
	return m
}

func push(t *testing.T, db *DB, p Principal, muts ...app.Mutation) PushResult {
	t.Helper()
	res, err := db.Push(context.Background(), p, muts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func detail(t *testing.T, db *DB, id app.TicketID) app.TicketDetail {
	t.Helper()
	d, err := db.TicketDetail(context.Background(), tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func start(id app.TicketID, epoch int) app.Command {
	return &app.TransitionTicket{Action: app.ActionStart, Ticket: id, Epoch: epoch}
}

// fid is the fresh ID (app.FreshID) a test names label by: a device's
// new records must have one, and the same label gives the same ID.
func fid(label string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(label)).String()
}

func repair(id string, ticket app.TicketID, minutes int) app.Command {
	return &app.LogRepair{Entry: app.RepairEntry{ID: id, Ticket: ticket, Action: "replaced battery", Minutes: minutes}}
}

func note(id string, ticket app.TicketID) app.Command {
	return &app.AddNote{Note: app.Note{ID: id, Ticket: ticket, Text: "customer not home"}}
}

func pullAll(t *testing.T, db *DB, p Principal, cursor string, maxBytes int) (app.Dataset, string, int) {
	t.Helper()
	var all app.Dataset
	pages := 0
	for {
		res, err := db.Pull(context.Background(), p, cursor, maxBytes)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		d := res.Data
		all.Technicians = append(all.Technicians, d.Technicians...)
		all.Locations = append(all.Locations, d.Locations...)
		all.Parts = append(all.Parts, d.Parts...)
		all.Movements = append(all.Movements, d.Movements...)
		all.RuleSets = append(all.RuleSets, d.RuleSets...)
		all.Tickets = append(all.Tickets, d.Tickets...)
		all.Repairs = append(all.Repairs, d.Repairs...)
		all.PartsUsed = append(all.PartsUsed, d.PartsUsed...)
		all.Photos = append(all.Photos, d.Photos...)
		all.Notes = append(all.Notes, d.Notes...)
		all.CustomerNotices = append(all.CustomerNotices, d.CustomerNotices...)
		all.Passcodes = append(all.Passcodes, d.Passcodes...)
		all.Conflicts = append(all.Conflicts, d.Conflicts...)
		all.GoneTickets = append(all.GoneTickets, d.GoneTickets...)
		cursor = res.Cursor
		if !res.More {
			return all, cursor, pages
		}
		if pages > 10000 {
			t.Fatal("pull does not end")
		}
	}
}

func ticketIDs(ds app.Dataset) []app.TicketID {
	var ids []app.TicketID
	for _, d := range ds.Tickets {
		ids = append(ids, d.Ticket.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func TestPushExactlyOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		batch := []app.Mutation{mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("r1"), w.ticketA.ID, 30))}
		for range 3 { // the device retries after lost answers
			if res := push(t, db, w.a, batch...); res.Acked != 2 || len(res.Rejected) != 0 {
				t.Fatalf("push = %+v, want acked 2 without rejections", res)
			}
		}
		d := detail(t, db, w.ticketA.ID)
		if len(d.Repairs) != 1 || d.Ticket.LabourMinutes != 30 || d.Ticket.Status != app.StatusInProgress {
			t.Fatalf("after 3 pushes: %d repairs, %d minutes, status %s; want 1, 30, in_progress", len(d.Repairs), d.Ticket.LabourMinutes, d.Ticket.Status)
		}
	})
}

// TestPushByDeviceRevokedMeanwhile: a device revoked after its request was
// authenticated gets the revoked code, which makes the app wipe its copy,
// and its push changes nothing.
func TestPushByDeviceRevokedMeanwhile(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		if err := db.RevokeDevice(t.Context(), tenant, w.a.Device); err != nil {
			t.Fatal(err)
		}
		_, err := db.Push(t.Context(), w.a, []app.Mutation{mut(t, 1, start(w.ticketA.ID, 1))})
		if app.ErrorCode(err) != app.EREVOKED {
			t.Fatalf("push by a revoked device = %v (code %q), want %q", err, app.ErrorCode(err), app.EREVOKED)
		}
		if d := detail(t, db, w.ticketA.ID); d.Ticket.Status != app.StatusAssigned {
			t.Fatalf("ticket status = %s after a refused push, want assigned", d.Ticket.Status)
		}
		if _, err := db.Authenticate(t.Context(), "no-such-token"); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Fatalf("unknown token = %v, want %q: only a revoked device wipes itself", err, app.EUNAUTHORIZED)
		}
	})
}

func TestPushGapAsksToResend(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		push(t, db, w.a, mut(t, 1, note(fid("n1"), w.ticketA.ID)))
		res := push(t, db, w.a, mut(t, 3, note(fid("n3"), w.ticketA.ID)))
		if res.Acked != 1 || res.ResendFrom != 2 {
			t.Fatalf("push after a gap = %+v, want acked 1, resend from 2", res)
		}
		if n := len(detail(t, db, w.ticketA.ID).Notes); n != 1 {
			t.Fatalf("%d notes; the mutation after the gap must not apply", n)
		}
		if _, err := db.Push(context.Background(), w.a, []app.Mutation{mut(t, 2, note(fid("n2"), w.ticketA.ID)), mut(t, 4, note(fid("n4"), w.ticketA.ID))}); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("non-contiguous batch: err %v, want invalid", err)
		}
	})
}

func TestRejectionBecomesConflictAndQueueGoesOn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		// Completing an assigned ticket skips the state machine's steps.
		complete := &app.TransitionTicket{Action: app.ActionComplete, Ticket: w.ticketA.ID, Epoch: 1, Resolution: app.ResolutionRepaired}
		res := push(t, db, w.a, mut(t, 1, complete), mut(t, 2, note(fid("n1"), w.ticketA.ID)))
		if res.Acked != 2 || len(res.Rejected) != 1 || res.Rejected[0].Seq != 1 || res.Rejected[0].Conflict == "" {
			t.Fatalf("push = %+v, want seq 1 rejected with a conflict and acked 2", res)
		}
		d := detail(t, db, w.ticketA.ID)
		if d.Ticket.Status != app.StatusAssigned || len(d.Notes) != 1 {
			t.Fatalf("status %s, %d notes; want assigned and the note applied", d.Ticket.Status, len(d.Notes))
		}
		cs, err := db.Conflicts(context.Background(), tenant, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Kind != app.ConflictRejected || cs[0].Ticket != w.ticketA.ID || cs[0].Technician != "tech-a" || cs[0].Ours == "" {
			t.Fatalf("conflicts = %+v", cs)
		}
		pulled, _, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		if len(pulled.Conflicts) != 1 || pulled.Conflicts[0].ID != res.Rejected[0].Conflict {
			t.Fatalf("device pulled conflicts %+v, want the rejection's", pulled.Conflicts)
		}
		if other, _, _ := pullAll(t, db, w.b, "", DefaultPageBytes); len(other.Conflicts) != 0 {
			t.Fatalf("technician B pulled A's conflicts: %+v", other.Conflicts)
		}
	})
}

func TestWorkAfterCancelRaisesStaleEpoch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("r1"), w.ticketA.ID, 20)))
		cancel := mut(t, 0, &app.TransitionTicket{Action: app.ActionCancel, Ticket: w.ticketA.ID, Epoch: 1, Reason: "customer cancelled"})
		if err := db.ApplyAdmin(ctx, w.dispatch, cancel); err != nil {
			t.Fatal(err)
		}
		// Offline, the technician finished the job on epoch 1.
		complete := &app.TransitionTicket{Action: app.ActionComplete, Ticket: w.ticketA.ID, Epoch: 1, Resolution: app.ResolutionRepaired}
		res := push(t, db, w.a, mut(t, 3, complete))
		if len(res.Rejected) != 1 {
			t.Fatalf("push = %+v, want the completion rejected", res)
		}
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Kind != app.ConflictStaleEpoch {
			t.Fatalf("conflicts = %+v, want one stale_epoch", cs)
		}
		if d := detail(t, db, w.ticketA.ID); d.Ticket.Status != app.StatusCancelled || len(d.Repairs) != 1 {
			t.Fatalf("ticket %s with %d repairs; want cancelled and the evidence kept", d.Ticket.Status, len(d.Repairs))
		}
	})
}

func TestConsumptionBelowZeroIsAcceptedWithConflict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		used := &app.ConsumePart{Used: app.PartUsed{ID: fid("u1"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 7, From: "van-a"}}
		res := push(t, db, w.a, mut(t, 1, used))
		if len(res.Rejected) != 0 || res.Acked != 1 {
			t.Fatalf("push = %+v; consumption is a fact and must be accepted", res)
		}
		bs, err := db.Balances(ctx, tenant, "van-a")
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].Qty != -2 {
			t.Fatalf("balances = %+v, want BAT-1 at -2", bs)
		}
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Kind != app.ConflictNegativeStock {
			t.Fatalf("conflicts = %+v, want one negative_stock", cs)
		}
	})
}

func TestSharedFieldKeepsBothValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		dispatchPhone, devicePhone, seen := "139 1111 1111", "137 2222 2222", w.ticketA.Customer.Phone
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerPhone: &dispatchPhone}, Base: app.TicketFields{CustomerPhone: &seen}})); err != nil {
			t.Fatal(err)
		}
		push(t, db, w.a, mut(t, 1, &app.UpdateTicket{Ticket: w.ticketA.ID, Set: app.TicketFields{CustomerPhone: &devicePhone}, Base: app.TicketFields{CustomerPhone: &seen}}))
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Phone; got != devicePhone {
			t.Fatalf("phone = %q, want the later arrival %q", got, devicePhone)
		}
		cs, _ := db.Conflicts(ctx, tenant, true)
		if len(cs) != 1 || cs[0].Kind != app.ConflictField || cs[0].Ours != devicePhone || cs[0].Theirs != dispatchPhone {
			t.Fatalf("conflicts = %+v, want a field conflict keeping both phones", cs)
		}
		// Dispatch decides for its own value.
		if _, err := db.ResolveConflict(ctx, w.dispatch, cs[0].ID, app.ResolveAcceptTheirs); err != nil {
			t.Fatal(err)
		}
		if got := detail(t, db, w.ticketA.ID).Ticket.Customer.Phone; got != dispatchPhone {
			t.Fatalf("phone after accept_theirs = %q, want %q", got, dispatchPhone)
		}
	})
}

func TestPullSeesOnlyOwnScopes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ds, _, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		if ids := ticketIDs(ds); !slices.Equal(ids, []app.TicketID{w.ticketA.ID}) {
			t.Fatalf("A pulled tickets %v", ids)
		}
		if len(ds.Technicians) != 1 || ds.Technicians[0].ID != "tech-a" {
			t.Fatalf("A pulled technicians %+v", ds.Technicians)
		}
		// A first pull gets each stock location's balance as one opening
		// adjustment, not its ledger; later movements follow one by one.
		if m := ds.Movements; len(m) != 1 || m[0].Kind != app.MoveAdjust || m[0].To != "van-a" || m[0].Part != "BAT-1" || m[0].Qty != 5 {
			t.Fatalf("A pulled movements %+v, want its van's opening balance of 5 BAT-1", ds.Movements)
		}
		if len(ds.Parts) != 2 || len(ds.Locations) != 3 {
			t.Fatalf("A pulled %d parts, %d locations; want the catalog (2, 3)", len(ds.Parts), len(ds.Locations))
		}
		_, cur, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		push(t, db, w.a, mut(t, 1, &app.ConsumePart{Used: app.PartUsed{ID: fid("u-1"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 2, From: "van-a"}}))
		next, _, _ := pullAll(t, db, w.a, cur, DefaultPageBytes)
		if m := next.Movements; len(m) != 1 || m[0].ID != fid("u-1") {
			t.Fatalf("A's next pull brought movements %+v, want the consumption u-1", m)
		}
	})
}

func TestReassignMovesTicketWithItsFacts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("r1"), w.ticketA.ID, 10)))
		_, curA, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		_, curB, _ := pullAll(t, db, w.b, "", DefaultPageBytes)
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"})); err != nil {
			t.Fatal(err)
		}
		a, _, _ := pullAll(t, db, w.a, curA, DefaultPageBytes)
		if !slices.Equal(a.GoneTickets, []app.TicketID{w.ticketA.ID}) || len(a.Tickets) != 0 {
			t.Fatalf("A's pull after the reassign: gone %v, tickets %v", a.GoneTickets, ticketIDs(a))
		}
		b, _, _ := pullAll(t, db, w.b, curB, DefaultPageBytes)
		if ids := ticketIDs(b); !slices.Equal(ids, []app.TicketID{w.ticketA.ID}) || len(b.Repairs) != 1 {
			t.Fatalf("B's pull after the reassign: tickets %v, %d repairs; want the ticket with its repair", ids, len(b.Repairs))
		}
		if got := b.Tickets[0].Ticket.Epoch; got != 2 {
			t.Fatalf("epoch after reassign = %d, want 2", got)
		}
	})
}

func TestPullPagesAreBoundedAndComplete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var parts []app.Part
		for i := range 400 {
			parts = append(parts, app.Part{Number: app.PartNumber(fmt.Sprintf("P-%04d", i)), NameEN: fmt.Sprintf("Part %d with a longer name to fill pages", i), Class: app.ClassMain})
		}
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Parts: parts}); err != nil {
			t.Fatal(err)
		}
		var notes []app.Mutation
		for i := range 50 {
			notes = append(notes, mut(t, int64(i+1), note(fid(fmt.Sprintf("n%02d", i)), w.ticketA.ID)))
		}
		push(t, db, w.a, notes...)
		// The ticket changes after its notes: its own row comes after them
		// in the log, so the notes' page must bring it along.
		start := testNow.Add(24 * time.Hour)
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.ScheduleTicket{Ticket: w.ticketA.ID, WindowStart: start, WindowEnd: start.Add(time.Hour)})); err != nil {
			t.Fatal(err)
		}
		cursor := ""
		seen := map[app.PartNumber]int{}
		have := map[app.TicketID]bool{}
		nNotes, pages := 0, 0
		for {
			res, err := db.Pull(ctx, w.a, cursor, MinPageBytes)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			size, _ := json.Marshal(res.Data)
			if len(size) > 2*MinPageBytes {
				t.Fatalf("page %d is %d bytes, bound %d", pages, len(size), MinPageBytes)
			}
			for _, p := range res.Data.Parts {
				seen[p.Number]++
			}
			for _, d := range res.Data.Tickets {
				have[d.Ticket.ID] = true
			}
			for _, n := range res.Data.Notes {
				nNotes++
				if !have[n.Ticket] {
					t.Fatalf("page %d has note %s before its ticket", pages, n.ID)
				}
			}
			cursor = res.Cursor
			if !res.More {
				break
			}
		}
		if pages < 3 || len(seen) != 402 || nNotes != 50 {
			t.Fatalf("%d pages, %d parts, %d notes; want several pages with all 402 parts and 50 notes", pages, len(seen), nNotes)
		}
		for n, c := range seen {
			if c != 1 {
				t.Fatalf("part %s sent %d times", n, c)
			}
		}
		// Nothing new: an idle pull is empty and keeps the cursor's place.
		res, err := db.Pull(ctx, w.a, cursor, MinPageBytes)
		if err != nil || !res.Data.Empty() || res.More {
			t.Fatalf("idle pull = %+v, %v", res, err)
		}
	})
}

func TestRestoreEpochResetsCursors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		_, cur, _ := pullAll(t, db, w.a, "", DefaultPageBytes)
		if _, err := db.RestoreEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := db.Pull(ctx, w.a, cur, DefaultPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Reset || len(res.Data.Tickets) != 1 {
			t.Fatalf("pull after a restore: reset %v, %d tickets; want a reset and everything again", res.Reset, len(res.Data.Tickets))
		}
		if _, err := db.Pull(ctx, w.a, "not a cursor!", 0); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("malformed cursor: %v, want invalid", err)
		}
	})
}

func TestDispatchAcceptsWorkOnReassignedTicket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: w.ticketA.ID, Technician: "tech-b"})); err != nil {
			t.Fatal(err)
		}
		res := push(t, db, w.a, mut(t, 1, note(fid("late"), w.ticketA.ID)))
		if len(res.Rejected) != 1 {
			t.Fatalf("push = %+v, want the note on a reassigned ticket held as a conflict", res)
		}
		if _, err := db.ResolveConflict(ctx, w.a, res.Rejected[0].Conflict, app.ResolveAcceptOurs); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("technician accept_ours: %v, want forbidden", err)
		}
		c, err := db.ResolveConflict(ctx, w.dispatch, res.Rejected[0].Conflict, app.ResolveAcceptOurs)
		if err != nil {
			t.Fatal(err)
		}
		if c.Open() || c.Resolution != app.ResolveAcceptOurs {
			t.Fatalf("conflict after resolve = %+v", c)
		}
		if n := len(detail(t, db, w.ticketA.ID).Notes); n != 1 {
			t.Fatalf("%d notes after accept_ours, want the technician's note applied", n)
		}
		if _, err := db.ResolveConflict(ctx, w.dispatch, c.ID, app.ResolveDismissed); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("resolving twice: %v, want conflict", err)
		}
	})
}

// TestConcurrentPushesApplyOnce pushes the same batch from several
// goroutines at once (a device retrying through two instances behind a
// load balancer): every mutation applies exactly once.
func TestConcurrentPushesApplyOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		var batch []app.Mutation
		for i := range 20 {
			batch = append(batch, mut(t, int64(i+1), repair(fid(fmt.Sprintf("r%02d", i)), w.ticketA.ID, 1)))
		}
		var wg gosync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.Push(context.Background(), w.a, batch); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		d := detail(t, db, w.ticketA.ID)
		if len(d.Repairs) != 20 || d.Ticket.LabourMinutes != 20 {
			t.Fatalf("%d repairs, %d minutes; want 20 and 20", len(d.Repairs), d.Ticket.LabourMinutes)
		}
	})
}

func TestStockOutsideOwnLocationsIsRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			name   string
			cmd    app.Command
			refuse bool
		}{
			{"consume from a colleague's van", &app.ConsumePart{Used: app.PartUsed{ID: fid("u-b"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-b"}}, true},
			{"take a colleague's stock", &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: fid("tr-b"), Part: "BAT-1", From: "van-b", To: "van-a", Qty: 1}}, true},
			{"adjust a colleague's van", &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: fid("adj-b"), Part: "BAT-1", To: "van-b", Qty: -5}}, true},
			{"consume from the own van", &app.ConsumePart{Used: app.PartUsed{ID: fid("u-a"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}, false},
			{"send stock back to the warehouse", &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: fid("tr-wh"), Part: "BAT-1", From: "van-a", To: "wh", Qty: 1}}, false},
		} {
			before, _ := db.Balances(ctx, tenant, "")
			res := push(t, db, w.a, mut(t, res0(t, db, w.a)+1, tc.cmd))
			after, _ := db.Balances(ctx, tenant, "")
			if refused := len(res.Rejected) == 1; refused != tc.refuse {
				t.Errorf("%s: refused %v, want %v (%+v)", tc.name, refused, tc.refuse, res)
			}
			if tc.refuse && mustJSONc(before) != mustJSONc(after) {
				t.Errorf("%s: refused but the balances changed: %v -> %v", tc.name, before, after)
			}
		}
	})
}

// res0 is the device's last seq on the server.
func res0(t *testing.T, db *DB, p Principal) int64 {
	t.Helper()
	as, err := db.AppliedBy(context.Background(), tenant, p.Device)
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(as))
}

func mustJSONc(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestUnassignedTicketIsNotEveryonesTicket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		counter := w.ticketB
		counter.ID, counter.Number, counter.Technician, counter.Store = "tk-store", "FB-9", "", "store-9"
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: counter}}}); err != nil {
			t.Fatal(err)
		}
		res := push(t, db, w.a, mut(t, 1, note(fid("n-store"), counter.ID)), mut(t, 2, &app.TransitionTicket{Action: app.ActionCancel, Ticket: counter.ID, Epoch: 1, Reason: "x"}))
		if len(res.Rejected) != 2 {
			t.Fatalf("push on another store's ticket = %+v, want both refused", res)
		}
		if d := detail(t, db, counter.ID); len(d.Notes) != 0 || d.Ticket.Status != app.StatusAssigned {
			t.Fatalf("the store's ticket changed: %d notes, %s", len(d.Notes), d.Ticket.Status)
		}
	})
}

func TestOverlongIDsAreRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		long := strings.Repeat("x", app.MaxIDLen+1)
		res := push(t, db, w.a, mut(t, 1, note(long, w.ticketA.ID)), mut(t, 2, note("nul\x00id", w.ticketA.ID)))
		if len(res.Rejected) != 2 || res.Acked != 2 {
			t.Fatalf("push with bad IDs = %+v, want both refused and the queue going on", res)
		}
		csv := "number,name_en,class\n" + long + ",Battery,battery\n"
		if _, err := db.Import(context.Background(), w.dispatch, ImportParts, []byte(csv)); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("import of a part with a %d-character number: %v, want refused", len(long), err)
		}
		// A cursor after the longest possible ID still parses: the bound
		// counts characters, and one may take 4 bytes.
		for _, id := range []string{strings.Repeat("x", app.MaxIDLen), strings.Repeat("界", app.MaxIDLen), strings.Repeat("🔧", app.MaxIDLen)} {
			c := cursor{Epoch: newEpoch(), Scopes: 1 << 31, At: position{Version: 1 << 62, Kind: kindPartUsed, ID: id}, Opening: 1 << 62, Cutoff: 1 << 40}
			if _, err := parseCursor(c.String()); err != nil {
				t.Fatalf("cursor of an ID of %d bytes: %v", len(id), err)
			}
		}
	})
}

func TestImportOfBrokenCSVIsRefusedNotCrashing(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	w := newWorld(t, db)
	for _, data := range []string{"loCAtion,pArt,qtY,,,\n0\"000000", "\"", "number,name_en,class\n\"unterminated,x,main\n"} {
		for _, what := range []string{ImportParts, ImportStock, ImportRules} {
			if _, err := db.Import(context.Background(), w.dispatch, what, []byte(data)); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("import %s of %q: %v, want invalid", what, data, err)
			}
		}
	}
}

package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// loadOneByOne is LoadDataset as it was before the bulk statements: every
// row through serverTx, one statement at a time. The bulk load must leave
// the same database.
func loadOneByOne(ctx context.Context, db *DB, tenant string, ds app.Dataset) error {
	if err := validateReference(ds); err != nil {
		return err
	}
	if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
		return err
	}
	return db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, loading: true}
		ref := func(kind, id, scope string, v any) error {
			if err := st.put(ctx, kind, id, "", v); err != nil {
				return err
			}
			return st.emit(ctx, scope, kind, id, false)
		}
		for _, t := range ds.Technicians {
			if err := ref(kindTechnician, string(t.ID), techScope(tenant, t.ID), t); err != nil {
				return err
			}
		}
		for _, l := range ds.Locations {
			if err := ref(kindLocation, string(l.ID), catalogScope(tenant), l); err != nil {
				return err
			}
		}
		for _, p := range ds.Parts {
			if err := ref(kindPart, string(p.Number), catalogScope(tenant), p); err != nil {
				return err
			}
		}
		for _, rs := range ds.RuleSets {
			if err := ref(kindRuleSet, rs.ID, rulesScope(tenant, strings.ToUpper(rs.Country)), rs); err != nil {
				return err
			}
		}
		for _, m := range ds.Movements {
			if err := st.AddMovement(ctx, m); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		// Tickets through the one-by-one path LoadDataset keeps for
		// what its bulk path cannot write: SaveTicket, then each fact.
		if err := st.loadTickets(ctx, ds.Tickets); err != nil {
			return err
		}
		// The demo world's part requests and shipments, one at a time too.
		return st.loadSupply(ctx, ds)
	})
}

// loadSupply writes a dataset's part requests, shipments and likely parts
// as they are, after its tickets, one record after the other: their ship
// and receive movements, if any, come with the dataset's movements.
// LoadDataset writes them in multi-row statements (loadSupplyBulk),
// leaving the same rows: this is what the tests compare it with.
func (st *serverTx) loadSupply(ctx context.Context, ds app.Dataset) error {
	for _, r := range ds.PartRequests {
		if err := st.SavePartRequest(ctx, r); err != nil {
			return fmt.Errorf("part request %s: %w", r.ID, err)
		}
	}
	for _, sh := range ds.Shipments {
		if err := st.SaveShipment(ctx, sh); err != nil {
			return fmt.Errorf("shipment %s: %w", sh.ID, err)
		}
	}
	for _, l := range ds.LikelyParts {
		if err := st.SaveLikelyParts(ctx, l); err != nil {
			return fmt.Errorf("likely parts of %s: %w", l.Ticket, err)
		}
	}
	return nil
}

// dumpTables lists every row of the tables a load writes, sorted.
func dumpTables(t *testing.T, q querier) []string {
	t.Helper()
	var out []string
	for _, query := range []string{
		`SELECT tenant, kind, id, ticket_id, data FROM entities`,
		`SELECT tenant, movement, location, part, delta FROM ledger`,
		`SELECT scope, kind, id, version, ord, gone FROM changes`,
		`SELECT tenant, ticket, version, from_status, to_status, epoch, at, field_at FROM history`,
		`SELECT tenant, sha256, photo, device FROM photo_hashes`,
		`SELECT tenant, ticket, kind, passcode FROM ticket_passcodes`,
		`SELECT ` + ticketIndexCols + ` FROM ticket_index`,
		// Not a claim's ID, which makeClaim draws at random.
		`SELECT tenant, ticket, brand, country, period, closed_at, rule_set, rule_set_version, currency, amount, lines, state, updated_at FROM claims`,
		`SELECT tenant, payment, ticket, receipt, kind, method, amount, currency, at, device, technician FROM payment_index`,
		`SELECT ` + partRequestIndexCols + ` FROM part_request_index`,
		`SELECT ` + shipmentIndexCols + ` FROM shipment_index`,
		`SELECT id, v FROM counter`,
		`SELECT id, name FROM tenants`,
	} {
		rows, err := q.QueryContext(t.Context(), query)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := query[strings.LastIndex(query, " FROM ")+6:]
			for _, v := range vals {
				line += "\x1f" + v.String
			}
			out = append(out, line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// loadWorlds are the datasets loaded one after the other: the demo world,
// a second load that repeats some of it (reference data replaced, known
// movements skipped) and lists a part and a movement twice, and a third
// with a known ticket reassigned and a new one listed twice.
func loadWorlds() []app.Dataset {
	now := testNow
	world := demo.Generate(7, demo.Size{Models: 5, Parts: 300, Tickets: 120, Technicians: 3}, now)
	again := app.Dataset{
		Parts:     []app.Part{world.Parts[0], world.Parts[1], world.Parts[0]},
		Locations: world.Locations[:1],
		Movements: append(slices.Clone(world.Movements[:5]),
			app.StockMovement{ID: "mv-new", Kind: app.MoveReceive, Part: world.Parts[0].Number, To: world.Locations[0].ID, Qty: 4, At: now},
			app.StockMovement{ID: "mv-new", Kind: app.MoveReceive, Part: world.Parts[0].Number, To: world.Locations[0].ID, Qty: 9, At: now}),
	}
	again.Parts[0].NameEN += " (renamed)"
	again.Parts[2].NameEN += " (renamed twice)"
	// A part request listed twice, for two locations (the one-by-one path:
	// both locations' stock scopes get its change row), and a shipment
	// changed.
	twiceFor := world.PartRequests[0]
	twiceFor.To, twiceFor.Note = world.PartRequests[1].To, "sent elsewhere"
	again.PartRequests = []app.PartRequest{world.PartRequests[0], twiceFor}
	again.Shipments = []app.Shipment{world.Shipments[0]}
	again.Shipments[0].Note += " (fragile)"
	// Tickets the server has, or listed twice: written one row at a time.
	moved := world.Tickets[0]
	moved.Ticket.Technician, moved.Ticket.Epoch = world.Technicians[1].ID, moved.Ticket.Epoch+1
	fresh := app.TicketDetail{Ticket: world.Tickets[1].Ticket}
	fresh.Ticket.ID, fresh.Ticket.Number = "tk-fresh", "FB-FRESH"
	twice := fresh
	twice.Notes = []app.Note{{ID: "note-fresh", Ticket: "tk-fresh", Text: "called", At: now}}
	known := app.Dataset{Tickets: []app.TicketDetail{moved, fresh, twice}}
	return []app.Dataset{world, again, known}
}

// TestLoadDatasetBulkSame loads the demo world and a second, overlapping
// dataset with the bulk statements and one row at a time, on both
// databases: every table and the first pull of each technician are the
// same. A dataset with a bad movement is refused and changes nothing.
func TestLoadDatasetBulkSame(t *testing.T) {
	forEachBackend(t, func(t *testing.T, bulk *DB) {
		ctx := t.Context()
		var one *DB
		if bulk.dialect == dialectPostgres {
			one = openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
		} else {
			one = openTestDB(t, Config{DataDir: t.TempDir()})
		}
		worlds := loadWorlds()
		if len(worlds[0].Movements) < 100 || len(worlds[0].Tickets) == 0 {
			t.Fatalf("the demo world is too small to test the load: %d movements, %d tickets", len(worlds[0].Movements), len(worlds[0].Tickets))
		}
		for i, ds := range worlds {
			if err := bulk.LoadDataset(ctx, tenant, ds); err != nil {
				t.Fatalf("load %d: %v", i, err)
			}
			if err := loadOneByOne(ctx, one, tenant, ds); err != nil {
				t.Fatalf("load %d one by one: %v", i, err)
			}
			got, want := dumpTables(t, bulk.read), dumpTables(t, one.read)
			if d := firstDiff(got, want); d != "" {
				t.Fatalf("load %d: the bulk load differs from the one-by-one load (%d rows against %d):\n%s", i, len(got), len(want), d)
			}
		}
		var p app.Part
		if err := bulk.readEntity(ctx, tenant, kindPart, string(worlds[1].Parts[0].Number), &p); err != nil || !strings.HasSuffix(p.NameEN, "(renamed twice)") {
			t.Errorf("a part listed twice keeps %q (%v), want its last value", p.NameEN, err)
		}
		for _, tech := range worlds[0].Technicians {
			a, b := pairDevice(t, bulk, tech.ID), pairDevice(t, one, tech.ID)
			ra, err := bulk.Pull(ctx, a, "", MaxPageBytes)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := one.Pull(ctx, b, "", MaxPageBytes)
			if err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(ra.Data)
			jb, _ := json.Marshal(rb.Data)
			if string(ja) != string(jb) || ra.More != rb.More {
				t.Errorf("%s's first pull differs after the bulk load", tech.ID)
			}
			if len(ra.Data.Tickets) == 0 && len(ra.Data.Movements) == 0 {
				t.Errorf("%s's first pull is empty: the comparison proves nothing", tech.ID)
			}
		}

		before := dumpTables(t, bulk.read)
		for _, bad := range []app.StockMovement{
			{ID: "", Kind: app.MoveReceive, Part: "P", To: "L", Qty: 1, At: testNow},
			{ID: "mv-bad", Kind: app.MoveReceive, Part: "P", To: "L", Qty: 0, At: testNow},
			{ID: "mv-bad", Kind: app.MoveReceive, Part: "P", To: "L", Qty: app.MaxQty + 1, At: testNow},
		} {
			ds := app.Dataset{Parts: worlds[1].Parts[:1], Movements: []app.StockMovement{
				{ID: "mv-ok", Kind: app.MoveReceive, Part: "P", To: "L", Qty: 1, At: testNow}, bad}}
			if err := bulk.LoadDataset(ctx, tenant, ds); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("a dataset with movement %+v: %v, want EINVALID", bad, err)
			}
		}
		if d := firstDiff(dumpTables(t, bulk.read), before); d != "" {
			t.Errorf("a refused dataset changed the database:\n%s", d)
		}
	})
}

// firstDiff describes the first row where two sorted dumps differ.
func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("row %d:\n got  %q\n want %q", i, g, w)
		}
	}
	return ""
}

// BenchmarkLoadDemoWorld loads the default demo world into a new central
// database, SQLite and PostgreSQL, with LoadDataset and with the
// one-by-one load it replaced (go test -run '^$' -bench LoadDemoWorld
// -benchtime 1x ./sync/central/).
func BenchmarkLoadDemoWorld(b *testing.B) {
	ds := demo.Generate(1, demo.Default, testNow)
	for _, bc := range []struct {
		name string
		load func(context.Context, *DB, string, app.Dataset) error
	}{
		{"bulk", func(ctx context.Context, db *DB, tenant string, ds app.Dataset) error {
			return db.LoadDataset(ctx, tenant, ds)
		}},
		{"one-by-one", loadOneByOne},
	} {
		for _, backend := range []string{"sqlite", "postgres"} {
			b.Run(bc.name+"/"+backend, func(b *testing.B) {
				var cpu time.Duration
				for b.Loop() {
					cfg := Config{DataDir: b.TempDir()}
					if backend == "postgres" {
						cfg.Postgres = pgtest.ForTest(b)
					}
					db, err := OpenDB(b.Context(), cfg)
					if err != nil {
						b.Fatal(err)
					}
					start := cpuTime()
					if err := bc.load(b.Context(), db, tenant, ds); err != nil {
						b.Fatal(err)
					}
					cpu += cpuTime() - start
					db.Close()
				}
				b.ReportMetric(float64(ds.Rows()), "rows")
				if cpu > 0 {
					b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
				}
			})
		}
	}
}

// reloadWorlds are a demo world and a second load of it as an office
// re-importing its export with changes would send: every ticket again,
// most unchanged and with their facts (known, skipped), some moved on
// (started, completed, closed with its parts used, a new epoch alone),
// one reassigned away from a technician holding an open field conflict
// of it (and its passcode, a child), one unassigned, one with a payment (the one-by-one path), new
// notes and a new ticket among them, and one whose fault alone changed
// (its entity rewritten, not its list row).
func reloadWorlds(t *testing.T) (app.Dataset, app.Dataset, app.Conflict) {
	world := demo.Generate(11, demo.Size{Models: 5, Parts: 300, Tickets: 160, Technicians: 3}, testNow)
	again := app.Dataset{Technicians: world.Technicians}
	for _, d := range world.Tickets {
		again.Tickets = append(again.Tickets, app.TicketDetail{Ticket: d.Ticket.Clone(), Repairs: d.Repairs, Parts: d.Parts,
			Photos: d.Photos, Notes: d.Notes, Signatures: d.Signatures})
	}
	picked := map[int]bool{}
	pick := func(ok func(app.Ticket) bool) *app.TicketDetail {
		for i := range again.Tickets {
			if d := &again.Tickets[i]; !picked[i] && ok(d.Ticket) {
				picked[i] = true
				return d
			}
		}
		t.Fatal("the demo world has no ticket to change")
		return nil
	}
	later := testNow.Add(time.Hour)
	usedParts := map[app.TicketID]bool{}
	for _, d := range world.Tickets {
		usedParts[d.Ticket.ID] = len(d.Parts) > 0
	}
	otherTech := func(id app.TechnicianID) app.TechnicianID {
		for _, tech := range world.Technicians {
			if tech.ID != id {
				return tech.ID
			}
		}
		return ""
	}
	note := func(d *app.TicketDetail, id string) {
		d.Notes = append(slices.Clone(d.Notes), app.Note{ID: id, Ticket: d.Ticket.ID, Text: "called back", At: later})
	}
	started := pick(func(tk app.Ticket) bool { return tk.Status == app.StatusAssigned && tk.Technician != "" })
	started.Ticket.Status, started.Ticket.StartedAt, started.Ticket.UpdatedAt = app.StatusInProgress, later, later
	note(started, "note-started")
	done := pick(func(tk app.Ticket) bool { return tk.Status == app.StatusInProgress })
	done.Ticket.Status, done.Ticket.CompletedAt, done.Ticket.UpdatedAt = app.StatusCompleted, later, later
	done.Ticket.ResolutionCode = app.ResolutionRepaired
	// Closed, with parts used, and given to another technician: a load
	// makes no claim (PROTOCOL.md, "Brand warranty claims"); its scopes
	// move.
	closed := pick(func(tk app.Ticket) bool { return tk.Status == app.StatusCompleted && usedParts[tk.ID] })
	closed.Ticket.Status, closed.Ticket.UpdatedAt = app.StatusClosed, later
	closed.Ticket.Technician = otherTech(closed.Ticket.Technician)
	epoch := pick(func(tk app.Ticket) bool { return tk.Status.Open() })
	epoch.Ticket.Epoch++
	moved := pick(func(tk app.Ticket) bool { return tk.Status.Open() && tk.Technician != "" })
	conflict := app.Conflict{ID: "cf-moved", Kind: app.ConflictField, Ticket: moved.Ticket.ID, Technician: moved.Ticket.Technician,
		Field: "customer.phone", Ours: "+33 6 12 34 56 78", Theirs: "+33 6 87 65 43 21", Code: "CONFLICT", Key: "conflict.field", Message: "Two phones", At: testNow}
	moved.Ticket.Technician, moved.Ticket.Status = otherTech(moved.Ticket.Technician), app.StatusAssigned
	moved.Ticket.Epoch++
	note(moved, "note-moved")
	alone := pick(func(tk app.Ticket) bool { return tk.Status.Open() && tk.Technician != "" })
	alone.Ticket.Technician, alone.Ticket.Epoch = "", alone.Ticket.Epoch+1
	paid := pick(func(tk app.Ticket) bool { return tk.Status.Open() })
	paid.Payments = []app.Payment{{ID: "pay-reload", Ticket: paid.Ticket.ID, Kind: app.PaymentDeposit, Method: app.MethodCash,
		Amount: app.Money{Amount: 2000, Currency: "EUR"}, Receipt: "RL-1", At: later}}
	note(pick(func(app.Ticket) bool { return true }), "note-unchanged")
	fault := pick(func(app.Ticket) bool { return true })
	fault.Ticket.Fault += " (and it rattles)"
	fresh := app.TicketDetail{Ticket: world.Tickets[0].Ticket.Clone()}
	fresh.Ticket.ID, fresh.Ticket.Number = "tk-fresh", "FB-FRESH"
	note(&fresh, "note-fresh")
	again.Tickets = append(again.Tickets, fresh)
	again.PartRequests, again.Shipments, again.LikelyParts = reloadSupply(t, world, moved.Ticket.ID, fresh.Ticket.ID, later)
	return world, again, conflict
}

// reloadSupply is what a reload of world sends again of its part requests
// and shipments: all of them, one request dated later (its index row
// changes), one with a note (its entity alone), one on the ticket moved
// (reassigned: it is sent to the new technician's scopes), a new one on
// the new ticket, one shipment dated later and one with a note; and
// likely parts for the moved and the new ticket.
func reloadSupply(t *testing.T, world app.Dataset, moved, fresh app.TicketID, later time.Time) ([]app.PartRequest, []app.Shipment, []app.LikelyParts) {
	rs, shs := slices.Clone(world.PartRequests), slices.Clone(world.Shipments)
	if len(rs) < 3 || len(shs) < 2 {
		t.Fatalf("the demo world has %d part requests and %d shipments, want 3 and 2 to change", len(rs), len(shs))
	}
	rs[0].At = later
	rs[1].Note += " (the customer called)"
	rs[2].Ticket = moved
	onFresh := rs[0]
	onFresh.ID, onFresh.Ticket = "pr-fresh", fresh
	rs = append(rs, onFresh)
	shs[0].At = later
	shs[1].Note += " (fragile)"
	likely := []app.LikelyParts{
		{Ticket: moved, At: later, Parts: []app.LikelyPart{{Part: world.Parts[0].Number, Probability: 0.5, Basis: app.BasisModel, Support: 4}}},
		{Ticket: fresh, At: later},
	}
	return rs, shs, likely
}

// TestReloadBulkSame loads a demo world, then loads it again changed
// (reloadWorlds) an hour later, with LoadDataset and, in a second
// database, one row at a time: every table the loads write is the same,
// on both databases (the list rows of the tickets the reload left as
// they were keep their first time, on both paths), and the changed
// tickets took the bulk path, not the one-by-one one.
func TestReloadBulkSame(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { testReloadBulkSame(t, backend) })
	}
}

func testReloadBulkSame(t *testing.T, backend string) {
	ctx := t.Context()
	clock, setNow := movableClock()
	open := func() *DB {
		cfg := Config{DataDir: t.TempDir(), Clock: clock}
		if backend == "postgres" {
			cfg.Postgres = pgtest.ForTest(t)
		}
		return openTestDB(t, cfg)
	}
	bulk, one := open(), open()
	world, again, conflict := reloadWorlds(t)
	for _, db := range []*DB{bulk, one} {
		if err := db.LoadDataset(ctx, tenant, world); err != nil {
			t.Fatal(err)
		}
		if err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
			st := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
			if err := st.SavePasscode(ctx, app.Passcode{Ticket: conflict.Ticket, Kind: app.PasscodeText, Secret: "2468"}); err != nil {
				return err
			}
			return st.putConflict(ctx, conflict)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if d := firstDiff(dumpTables(t, bulk.read), dumpTables(t, one.read)); d != "" {
		t.Fatalf("the first load differs:\n%s", d)
	}
	setNow(testNow.Add(time.Hour))
	if err := bulk.LoadDataset(ctx, tenant, again); err != nil {
		t.Fatal(err)
	}
	if err := loadOneByOne(ctx, one, tenant, again); err != nil {
		t.Fatal(err)
	}
	got, want := dumpTables(t, bulk.read), dumpTables(t, one.read)
	if d := firstDiff(got, want); d != "" {
		t.Fatalf("the bulk reload differs from the one-by-one reload (%d rows against %d):\n%s", len(got), len(want), d)
	}
	// The comparison proves something only if the reload changed
	// what it should have.
	for _, want := range []string{
		"history\x1f" + tenant + "\x1f", // some step at the reload's version
		"changes\x1f" + tenant + "/tech:",
	} {
		if !slices.ContainsFunc(got, func(r string) bool { return strings.HasPrefix(r, want) }) {
			t.Errorf("no %q row after the reload", want)
		}
	}
	// Each list row's step_at is its history's latest field time; the
	// rows the reload gave a step (a new status or epoch), and only
	// those of the tickets it had, have its time. (That the other rows
	// are left alone, TestReloadLeavesUnchangedRows sees by triggers.)
	later := testNow.Add(time.Hour)
	first := map[app.TicketID]app.Ticket{}
	for _, d := range world.Tickets {
		first[d.Ticket.ID] = d.Ticket
	}
	var stepped []string
	for _, d := range again.Tickets {
		if old, ok := first[d.Ticket.ID]; ok && (old.Status != d.Ticket.Status || old.Epoch != d.Ticket.Epoch) {
			stepped = append(stepped, string(d.Ticket.ID))
		}
	}
	slices.Sort(stepped)
	var stamped, astray []string
	rows, err := bulk.read.QueryContext(ctx, bulk.q(`SELECT id FROM ticket_index WHERE step_at = ? AND id <> ? ORDER BY id`), later.UnixNano(), "tk-fresh")
	if err != nil {
		t.Fatal(err)
	}
	if err := scanIDs(rows, func(id string) { stamped = append(stamped, id) }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(stamped)
	if !slices.Equal(stamped, stepped) || len(stepped) < 2 {
		t.Errorf("the reload's time is the latest step of %v, want those it gave a step, %v", stamped, stepped)
	}
	rows, err = bulk.read.QueryContext(ctx, `SELECT i.id FROM ticket_index i
		WHERE i.step_at <> (SELECT max(h.field_at) FROM history h WHERE h.tenant = i.tenant AND h.ticket = i.id) ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	if err := scanIDs(rows, func(id string) { astray = append(astray, id) }); err != nil {
		t.Fatal(err)
	}
	if len(astray) > 0 {
		t.Errorf("the list rows of %v have a step_at that is not their history's latest field time", astray)
	}
	var gone, claims, moves int
	if err := bulk.read.QueryRowContext(ctx, bulk.q(`SELECT count(*) FROM changes WHERE gone = 1`)).Scan(&gone); err != nil {
		t.Fatal(err)
	}
	if err := bulk.read.QueryRowContext(ctx, bulk.q(`SELECT count(*) FROM claims`)).Scan(&claims); err != nil {
		t.Fatal(err)
	}
	if err := bulk.read.QueryRowContext(ctx, bulk.q(`SELECT count(*) FROM history WHERE version = (SELECT max(version) FROM history)`)).Scan(&moves); err != nil {
		t.Fatal(err)
	}
	if claims != 0 {
		t.Errorf("the loads made %d warranty claims: a ticket loaded closed has none", claims)
	}
	if gone < 2 || moves < 6 {
		t.Errorf("the reload left %d gone rows and %d history steps: the changes did not happen", gone, moves)
	}
	t.Logf("%d rows, %d gone, %d claims, %d history steps at the reload", len(got), gone, claims, moves)
	// The bulk path took every ticket but the paid one.
	err = bulk.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		st := &serverTx{db: bulk, tx: tx, tenant: tenant, version: version, loading: true}
		rest, err := st.loadTicketsBulk(ctx, again.Tickets)
		if err != nil {
			return err
		}
		if len(rest) != 1 || rest[0].Payments == nil {
			t.Errorf("the bulk path left %d tickets to the one-by-one path, want the paid one", len(rest))
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatal(err)
	}
}

var errRollback = errors.New("rollback")

// TestLoadTicketsBulkDecides: the bulk ticket path takes new and known
// tickets, leaves a ticket with a payment to the one-by-one path, and
// leaves it every ticket of a dataset whose writes' order decides (a
// ticket listed twice, a fact naming another detail's ticket, a fact in
// two details), having written nothing.
func TestLoadTicketsBulkDecides(t *testing.T) {
	worlds := loadWorlds()
	world, known := worlds[0], worlds[2]
	other := world.Tickets[2]
	other.Notes = []app.Note{{ID: "note-other", Ticket: world.Tickets[3].Ticket.ID, Text: "x", At: testNow}}
	paid := world.Tickets[4]
	paid.Payments = []app.Payment{{ID: "pay-1", Ticket: paid.Ticket.ID, Kind: app.PaymentDeposit, Method: app.MethodCash,
		Amount: app.Money{Amount: 2000, Currency: "EUR"}, Receipt: "RL-1", At: testNow}}
	shared := world.Tickets[5]
	shared.Notes = []app.Note{{ID: "note-shared", Ticket: shared.Ticket.ID, Text: "x", At: testNow}}
	sharing := world.Tickets[6]
	sharing.Notes = []app.Note{{ID: "note-shared", Ticket: sharing.Ticket.ID, Text: "y", At: testNow}}
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Technicians: world.Technicians, Locations: world.Locations,
			Tickets: world.Tickets[:1]}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			tickets []app.TicketDetail
			rest    int // how many details are left to the one-by-one path
		}{
			{"New", world.Tickets[1:], 0},
			{"None", nil, 0},
			{"Known", world.Tickets[:2], 0},
			{"Paid", []app.TicketDetail{world.Tickets[3], paid}, 1},
			{"ListedTwice", known.Tickets[1:], 2},
			{"FactOfAnotherTicket", []app.TicketDetail{world.Tickets[3], other}, 2},
			{"FactInTwoDetails", []app.TicketDetail{shared, sharing}, 2},
		} {
			var rest []app.TicketDetail
			err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				before := dumpTables(t, tx)
				st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, loading: true}
				var err error
				if rest, err = st.loadTicketsBulk(ctx, tc.tickets); err != nil {
					return err
				}
				if after := dumpTables(t, tx); len(rest) == len(tc.tickets) && firstDiff(after, before) != "" {
					t.Errorf("%s: declining the bulk path wrote rows", tc.name)
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if len(rest) != tc.rest {
				t.Errorf("%s: %d details left to the one-by-one path, want %d", tc.name, len(rest), tc.rest)
			}
		}
	})
}

// movableClock is a server clock at testNow that set moves; safe for the
// database's own goroutines to read while a test sets it.
func movableClock() (app.Clock, func(time.Time)) {
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	return app.ClockFunc(func() time.Time { return time.Unix(0, now.Load()).UTC() }),
		func(t time.Time) { now.Store(t.UnixNano()) }
}

// TestReloadLeavesUnchangedRows: a reload of a world whose records are
// all known updates a ticket's entity only where its JSON changed (a
// status, a fault), its list row only where a listed column changed (the
// status), a part request's or a shipment's entity only where it changed
// (a note, a time) and its index row only where a listed column changed
// (the time), and no part of a catalog, no estimate (a ticket with one
// goes the one-by-one path, SaveTicket) and no likely-parts list loaded
// again as they were: an update trigger on the entities and the three
// index tables records every row an UPDATE touches, on both databases.
// Every change row is written again, as before: devices pull the reload.
func TestReloadLeavesUnchangedRows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		world := demo.Generate(5, demo.Size{Models: 5, Parts: 200, Tickets: 120, Technicians: 3}, testNow)
		if len(world.PartRequests) < 2 || len(world.Shipments) < 2 {
			t.Fatalf("the demo world has %d part requests and %d shipments, want 2 of each to change", len(world.PartRequests), len(world.Shipments))
		}
		// The demo world has no estimate and no likely parts: one ticket
		// gets both.
		world.Tickets = slices.Clone(world.Tickets)
		quoted := &world.Tickets[len(world.Tickets)-1]
		quoted.Estimates = []app.Estimate{{ID: "est-reload", Ticket: quoted.Ticket.ID, Amount: app.Money{Amount: 12000, Currency: "EUR"}, At: testNow}}
		world.LikelyParts = []app.LikelyParts{{Ticket: quoted.Ticket.ID, At: testNow,
			Parts: []app.LikelyPart{{Part: world.Parts[0].Number, Probability: 0.5, Basis: app.BasisModel, Support: 4}}}}
		if err := db.LoadDataset(ctx, tenant, world); err != nil {
			t.Fatal(err)
		}
		triggers := []string{`CREATE TABLE rewrites (tbl TEXT NOT NULL, id TEXT NOT NULL)`,
			`CREATE TRIGGER entities_rewritten AFTER UPDATE ON entities BEGIN INSERT INTO rewrites VALUES ('entities', new.kind || ' ' || new.id); END`}
		for _, tbl := range []string{"ticket_index", "part_request_index", "shipment_index"} {
			triggers = append(triggers, `CREATE TRIGGER `+tbl+`_rewritten AFTER UPDATE ON `+tbl+` BEGIN INSERT INTO rewrites VALUES ('`+tbl+`', new.id); END`)
		}
		if db.dialect == dialectPostgres {
			triggers = []string{`CREATE TABLE rewrites (tbl TEXT NOT NULL, id TEXT NOT NULL)`,
				`CREATE FUNCTION note_entity() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN INSERT INTO rewrites VALUES ('entities', NEW.kind || ' ' || NEW.id); RETURN NEW; END $$`,
				`CREATE FUNCTION note_index() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN INSERT INTO rewrites VALUES (TG_TABLE_NAME, NEW.id); RETURN NEW; END $$`,
				`CREATE TRIGGER entities_rewritten AFTER UPDATE ON entities FOR EACH ROW EXECUTE FUNCTION note_entity()`}
			for _, tbl := range []string{"ticket_index", "part_request_index", "shipment_index"} {
				triggers = append(triggers, `CREATE TRIGGER `+tbl+`_rewritten AFTER UPDATE ON `+tbl+` FOR EACH ROW EXECUTE FUNCTION note_index()`)
			}
		}
		for _, q := range triggers {
			if _, err := db.write.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		again := world
		again.Tickets = nil
		var status, fault app.TicketID
		for _, d := range world.Tickets {
			d.Ticket = d.Ticket.Clone()
			switch {
			case d.Ticket.ID == quoted.Ticket.ID:
			case status == "" && d.Ticket.Status == app.StatusAssigned:
				status = d.Ticket.ID
				d.Ticket.Status, d.Ticket.StartedAt = app.StatusInProgress, testNow
			case fault == "" && d.Ticket.Status.Open():
				fault = d.Ticket.ID
				d.Ticket.Fault += " (and it rattles)"
			}
			again.Tickets = append(again.Tickets, d)
		}
		if status == "" || fault == "" {
			t.Fatal("the demo world has no ticket to change")
		}
		// The first request and shipment change where no index column
		// does, the second where one does.
		later := testNow.Add(time.Minute)
		again.PartRequests, again.Shipments = slices.Clone(world.PartRequests), slices.Clone(world.Shipments)
		noted, moved := &again.PartRequests[0], &again.PartRequests[1]
		noted.Note += " (the customer called)"
		moved.At = later
		relabelled, redated := &again.Shipments[0], &again.Shipments[1]
		relabelled.Note += " (fragile)"
		redated.At = later
		if err := db.LoadDataset(ctx, tenant, again); err != nil {
			t.Fatal(err)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT tbl || ' ' || id FROM rewrites ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := scanIDs(rows, func(r string) { got = append(got, r) }); err != nil {
			t.Fatal(err)
		}
		want := []string{"entities ticket " + string(fault), "entities ticket " + string(status), "ticket_index " + string(status),
			"entities part_request " + noted.ID, "entities part_request " + moved.ID, "part_request_index " + moved.ID,
			"entities shipment " + relabelled.ID, "entities shipment " + redated.ID, "shipment_index " + redated.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("the reload of %d tickets, %d part requests, %d shipments and %d parts updated %d rows %v, want %v",
				len(again.Tickets), len(again.PartRequests), len(again.Shipments), len(again.Parts), len(got), got, want)
		}
		// Unchanged or not, every record loaded again is sent again.
		var stale int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM changes WHERE kind IN ('part_request', 'shipment', 'estimate', 'likely_parts')
			AND version < (SELECT max(version) FROM changes)`).Scan(&stale); err != nil {
			t.Fatal(err)
		}
		if stale != 0 {
			t.Errorf("%d change rows of part requests, shipments, estimates and likely parts were not written again by the reload", stale)
		}
	})
}

// TestLoadSupplyBulk: a load writes its part requests, shipments and
// likely parts in multi-row statements, none of the one-by-one path's
// (SQLite's statement cache of the transaction shows which ran), except
// a kind whose list names a record twice; and a load with a record the
// one-by-one path refuses (invalid, on a ticket the tenant does not have)
// is refused with the same error, on both databases, and changes nothing.
func TestLoadSupplyBulk(t *testing.T) {
	world := loadWorlds()[0]
	if len(world.PartRequests) < 2 || len(world.Shipments) < 1 {
		t.Fatalf("the demo world has %d part requests and %d shipments, want 2 and 1", len(world.PartRequests), len(world.Shipments))
	}
	likely := []app.LikelyParts{{Ticket: world.PartRequests[0].Ticket, At: testNow}}
	t.Run("Statements", func(t *testing.T) {
		db := openTestDB(t, Config{DataDir: t.TempDir()})
		ctx := t.Context()
		if err := db.LoadDataset(ctx, tenant, world); err != nil {
			t.Fatal(err)
		}
		twice := append(slices.Clone(world.PartRequests), world.PartRequests[0])
		for _, tc := range []struct {
			name     string
			ds       app.Dataset
			oneByOne bool
		}{
			{"ListedOnce", app.Dataset{PartRequests: world.PartRequests, Shipments: world.Shipments, LikelyParts: likely}, false},
			{"RequestListedTwice", app.Dataset{PartRequests: twice}, true},
		} {
			err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, loading: true}
				if err := st.loadSupplyBulk(ctx, tc.ds); err != nil {
					return err
				}
				_, put := st.stmts[qPutEntity]
				_, emit := st.stmts[qEmit]
				if put != tc.oneByOne || emit != tc.oneByOne {
					t.Errorf("%s: one-by-one statements ran: %v, want %v", tc.name, put || emit, tc.oneByOne)
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
	})
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		if err := db.LoadDataset(ctx, tenant, world); err != nil {
			t.Fatal(err)
		}
		unknown := world.PartRequests[1]
		unknown.Ticket = "tk-nowhere"
		invalid := world.PartRequests[1]
		invalid.Qty = 0
		badShipment := world.Shipments[0]
		badShipment.From = ""
		before := dumpTables(t, db.read)
		for _, tc := range []struct {
			name string
			ds   app.Dataset
		}{
			{"UnknownTicket", app.Dataset{PartRequests: []app.PartRequest{world.PartRequests[0], unknown, invalid}}},
			{"InvalidFirst", app.Dataset{PartRequests: []app.PartRequest{invalid, unknown}}},
			{"InvalidShipment", app.Dataset{PartRequests: world.PartRequests, Shipments: []app.Shipment{world.Shipments[0], badShipment}}},
			{"LikelyPartsOfNoTicket", app.Dataset{LikelyParts: append(slices.Clone(likely), app.LikelyParts{Ticket: "tk-nowhere", At: testNow})}},
		} {
			err := db.LoadDataset(ctx, tenant, tc.ds)
			want := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, loading: true}
				if err := st.loadSupply(ctx, tc.ds); err != nil {
					return err
				}
				return errRollback
			})
			if err == nil || want == errRollback || err.Error() != want.Error() || app.ErrorCode(err) != app.ErrorCode(want) {
				t.Errorf("%s: the load's error %v (%s), want the one-by-one path's, %v (%s)", tc.name, err, app.ErrorCode(err), want, app.ErrorCode(want))
			}
		}
		if d := firstDiff(dumpTables(t, db.read), before); d != "" {
			t.Errorf("a refused load changed the database:\n%s", d)
		}
	})
}

package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
		for _, d := range ds.Tickets {
			if err := st.SaveTicket(ctx, d.Ticket); err != nil {
				return err
			}
			for _, r := range d.Repairs {
				if err := st.AddRepair(ctx, r); err != nil && app.ErrorCode(err) != app.ECONFLICT {
					return err
				}
			}
			for _, p := range d.Parts {
				if err := st.AddPartUsed(ctx, p); err != nil && app.ErrorCode(err) != app.ECONFLICT {
					return err
				}
			}
			for _, p := range d.Photos {
				if err := st.AddPhoto(ctx, p); err != nil && app.ErrorCode(err) != app.ECONFLICT {
					return err
				}
			}
			for _, n := range d.Notes {
				if err := st.AddNote(ctx, n); err != nil && app.ErrorCode(err) != app.ECONFLICT {
					return err
				}
			}
		}
		// The demo world's part requests and shipments, one at a time too.
		return st.loadSupply(ctx, ds)
	})
}

// dumpTables lists every row of the tables a load writes, sorted.
func dumpTables(t *testing.T, q querier) []string {
	t.Helper()
	var out []string
	for _, query := range []string{
		`SELECT tenant, kind, id, ticket_id, data FROM entities`,
		`SELECT tenant, movement, location, part, delta FROM ledger`,
		`SELECT scope, kind, id, version, ord, gone FROM changes`,
		`SELECT tenant, ticket, version, from_status, to_status, epoch, at FROM history`,
		`SELECT tenant, sha256, photo, device FROM photo_hashes`,
		`SELECT ` + ticketIndexCols + ` FROM ticket_index`,
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
			line := query[7:20]
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

// TestLoadNewTicketsDecides: the bulk ticket path takes the initial
// dataset and leaves anything that needs reading back (a known ticket, a
// ticket listed twice, a fact naming another detail's ticket) to the
// one-by-one path, having written nothing.
func TestLoadNewTicketsDecides(t *testing.T) {
	worlds := loadWorlds()
	world, known := worlds[0], worlds[2]
	other := world.Tickets[2]
	other.Notes = []app.Note{{ID: "note-other", Ticket: world.Tickets[3].Ticket.ID, Text: "x", At: testNow}}
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Technicians: world.Technicians, Locations: world.Locations,
			Tickets: world.Tickets[:1]}); err != nil {
			t.Fatal(err)
		}
		errRollback := errors.New("rollback")
		for _, tc := range []struct {
			name    string
			tickets []app.TicketDetail
			want    bool
		}{
			{"New", world.Tickets[1:], true},
			{"None", nil, true},
			{"Known", world.Tickets[:2], false},
			{"ListedTwice", known.Tickets[1:], false},
			{"FactOfAnotherTicket", []app.TicketDetail{world.Tickets[3], other}, false},
		} {
			var got bool
			err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				before := dumpTables(t, tx)
				var err error
				if got, err = db.loadNewTickets(ctx, tx, tenant, version, tc.tickets, nil); err != nil {
					return err
				}
				if after := dumpTables(t, tx); !got && firstDiff(after, before) != "" {
					t.Errorf("%s: declining the bulk path wrote rows", tc.name)
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got != tc.want {
				t.Errorf("%s: bulk path %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

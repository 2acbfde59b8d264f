package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// movementsAt0027 takes a store's movements back to the table 0027 left:
// a rowid table with an index of its ID, movements_local holding every
// movement recorded here and unsent.
var movementsAt0027 = []string{
	`CREATE TABLE movements_0027 (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	part        TEXT NOT NULL,
	from_loc    TEXT,
	to_loc      TEXT,
	qty         INTEGER NOT NULL,
	serial      TEXT NOT NULL DEFAULT '',
	ticket_id   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	at          INTEGER,
	recorded_by TEXT NOT NULL DEFAULT '',
	outbox_seq  INTEGER
, pulled INTEGER NOT NULL DEFAULT 0, shipment TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '')`,
	`INSERT INTO movements_0027 SELECT id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, outbox_seq, pulled, shipment, source FROM movements`,
	`DROP TABLE movements`,
	`ALTER TABLE movements_0027 RENAME TO movements`,
	`CREATE INDEX movements_to ON movements (to_loc, part, qty, outbox_seq) WHERE to_loc IS NOT NULL`,
	`CREATE INDEX movements_from ON movements (from_loc, part, qty, outbox_seq) WHERE from_loc IS NOT NULL`,
	`CREATE INDEX movements_local ON movements (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0`,
	`CREATE INDEX movements_serial ON movements (serial COLLATE NOCASE, part) WHERE serial <> ''`,
	`DELETE FROM migrations WHERE name >= '0028'`,
	`PRAGMA user_version = 27`,
}

// TestMigrate0028: a store whose movements table is 0027's, with movements
// recorded here (a part used's and a transfer, unsent) and pulled, keeps
// every movement with every column and every balance; movements is
// WITHOUT ROWID with its four indexes, movements_local leaving out the
// parts used's movements; a movement ID seen before is still refused.
func TestMigrate0028(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	db := mustOpenMigrated(t, path, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	if err := db.Load(t.Context(), app.Dataset{Movements: []app.StockMovement{
		{ID: "mv-pulled", Kind: app.MoveReceive, Part: storetest.BatteryP50, To: storetest.VanAna, Qty: 5, Shipment: "sh-1", At: storetest.Now.Add(-2), Recorded: "dispatch 浦东"},
	}}); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	for _, cmd := range []app.Command{
		&app.ConsumePart{Used: app.PartUsed{ID: "u-unsent", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 2, From: storetest.VanAna}},
		&app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-unsent", Part: storetest.DrainPump, From: storetest.StoreSH, To: storetest.VanAna, Qty: 3}},
	} {
		if _, err := c.Commit(t.Context(), ana, cmd); err != nil {
			t.Fatal(err)
		}
	}
	balances := func(db *DB) []app.Balance {
		t.Helper()
		bs, err := NewPartService(db).Balances(t.Context(), storetest.VanAna)
		if err != nil {
			t.Fatal(err)
		}
		return bs
	}
	balancesBefore := balances(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	rawExec(t, raw, movementsAt0027...)
	before := dumpTable(t, raw, "movements")
	if len(before) < 3 {
		t.Fatalf("%d movements before the upgrade, want at least 3", len(before))
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpenMigrated(t, path, WithClock(fixedClock(storetest.Now)))
	if got := dumpTable(t, db.read, "movements"); !slices.Equal(got, before) {
		t.Errorf("movements after the upgrade:\n%q\nbefore:\n%q", got, before)
	}
	if got := balances(db); !slices.Equal(got, balancesBefore) {
		t.Errorf("the van's balances after the upgrade:\n%+v\nbefore:\n%+v", got, balancesBefore)
	}
	var withoutRowid int
	if err := db.read.QueryRow(`SELECT wr FROM pragma_table_list WHERE name = 'movements'`).Scan(&withoutRowid); err != nil || withoutRowid != 1 {
		t.Errorf("movements: WITHOUT ROWID %d (%v), want 1", withoutRowid, err)
	}
	var indexes []string
	ix, err := db.read.Query(`SELECT name FROM pragma_index_list('movements') WHERE origin = 'c' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for ix.Next() {
		var n string
		if err := ix.Scan(&n); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, n)
	}
	ix.Close()
	if want := []string{"movements_from", "movements_local", "movements_serial", "movements_to"}; !slices.Equal(indexes, want) {
		t.Errorf("movements' indexes %v, want %v", indexes, want)
	}
	var local string
	if err := db.read.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'movements_local'`).Scan(&local); err != nil || !strings.Contains(local, "kind <> 'consume'") {
		t.Errorf("movements_local is %q (%v); want it to leave out the parts used's movements", local, err)
	}
	if err := db.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, err = NewCommitter(db).Commit(t.Context(), ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-unsent", Part: storetest.DrainPump, From: storetest.StoreSH, To: storetest.VanAna, Qty: 1}})
	if app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("a movement with a known ID after the upgrade: %v, want %s", err, app.ECONFLICT)
	}
}

// BenchmarkMigrate0028 is 0028's upgrade of a ledger of 20,000 movements
// (a busy van's two years), the rebuild of movements WITHOUT ROWID and
// its four indexes, as a device runs it once at its first start after
// the update: CPU per upgrade.
func BenchmarkMigrate0028(b *testing.B) {
	const movements = 20_000
	path := filepath.Join(b.TempDir(), "fieldbench.db")
	db := mustOpenMigrated(b, path, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(b.Context(), storetest.World()); err != nil {
		b.Fatal(err)
	}
	ms := make([]app.StockMovement, movements)
	for i := range ms {
		ms[i] = app.StockMovement{ID: app.NewID(), Kind: app.MoveTransfer, Part: storetest.BatteryP50, From: storetest.StoreSH, To: storetest.VanAna,
			Qty: 1 + i%3, At: storetest.Now.Add(-time.Duration(movements-i) * time.Hour), Recorded: "dispatch"}
	}
	if err := db.Load(b.Context(), app.Dataset{Movements: ms}); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := os.WriteFile(path, golden, 0o600); err != nil {
			b.Fatal(err)
		}
		raw := rawDB(b, path)
		rawExec(b, raw, movementsAt0027...)
		if err := raw.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := processCPU()
		db := mustOpenMigrated(b, path, WithClock(fixedClock(storetest.Now)))
		cpu += processCPU() - cpu0
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/upgrade")
}

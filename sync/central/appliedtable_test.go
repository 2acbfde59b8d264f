package central

import (
	"context"
	"log/slog"
	"testing"
)

// On SQLite the applied table is WITHOUT ROWID, in a new database and in
// one made by the schema before it (a rowid table keyed by device and
// mutation), whose rows, indexes and key the migration keeps, logging
// its start and its end.
func TestAppliedWithoutRowid(t *testing.T) {
	withoutRowid := func(t *testing.T, db *DB) bool {
		t.Helper()
		var wr int
		if err := db.read.QueryRow(`SELECT wr FROM pragma_table_list('applied') WHERE schema = 'main'`).Scan(&wr); err != nil {
			t.Fatal(err)
		}
		return wr == 1
	}
	t.Run("new", func(t *testing.T) {
		if db := openTestDB(t, Config{DataDir: t.TempDir()}); !withoutRowid(t, db) {
			t.Error("a new database's applied table has a rowid")
		}
	})
	t.Run("old", func(t *testing.T) {
		cfg := Config{DataDir: t.TempDir()}
		db := openTestDB(t, cfg)
		w := newWorld(t, db)
		for _, stmt := range []string{`DROP TABLE applied`,
			`CREATE TABLE applied (mutation TEXT NOT NULL, device TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT NOT NULL,
			status TEXT NOT NULL, conflict TEXT NOT NULL DEFAULT '', at BIGINT NOT NULL, device_at BIGINT NOT NULL, hlc TEXT NOT NULL DEFAULT '',
			version BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (device, mutation))`,
			`CREATE INDEX applied_device ON applied (device, seq)`,
			`CREATE INDEX applied_version ON applied (version)`,
			`INSERT INTO applied (mutation, device, seq, name, status, conflict, at, device_at, hlc, version) VALUES ('m-1', '` + string(w.a.Device) + `', 1, 'note.add.v1', 'rejected', 'cf-m-1', 5, 4, 'h', 7)`,
		} {
			if _, err := db.write.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		if withoutRowid(t, db) {
			t.Fatal("the old table was made WITHOUT ROWID")
		}
		db.Close()
		logs := &logRecords{}
		cfg.Log = slog.New(logs)
		db = openTestDB(t, cfg)
		// One statement rebuilds the table: its start, why, and its end.
		checkMigration(t, logs, "migration: rebuilding the applied mutations' table", "without a rowid", 1, -1, nil)
		if !withoutRowid(t, db) {
			t.Error("the old applied table kept its rowid")
		}
		as, err := db.AppliedBy(context.Background(), tenant, w.a.Device)
		if err != nil || len(as) != 1 || as[0].Mutation != "m-1" || as[0].Seq != 1 || as[0].Status != "rejected" || as[0].Conflict != "cf-m-1" || as[0].Version != 7 || as[0].At.UnixNano() != 5 {
			t.Fatalf("trail after the migration = %+v, %v", as, err)
		}
		var n int
		if err := db.read.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'applied' AND name IN ('applied_version', 'applied_device')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("after the migration, applied has %d of its 2 indexes", n)
		}
		if _, err := db.write.Exec(`INSERT INTO applied (mutation, device, seq, name, status, at, device_at) VALUES ('m-1', ?, 2, 'note.add.v1', 'applied', 0, 0)`, string(w.a.Device)); err == nil {
			t.Error("one device's mutation ID is taken twice")
		}
	})
}

package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// The package's longest tests (a store of their own each, no package state
// changed, no wall-clock limit) call t.Parallel: they then run two at a
// time on a 2-core machine once the others are done, and one's fsyncs
// overlap another's work. The kill -9, lock and timed tests stay
// sequential, so nothing else loads the machine while they run.
func TestMain(m *testing.M) {
	// The kill -9 and lock tests re-run this binary as a child process.
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	code := m.Run()
	cleanupBenchFixture()
	cleanupGrowthStores()
	cleanupStoreTemplate()
	os.Exit(code)
}

// fixedClock returns a clock pinned at t.
func fixedClock(t time.Time) app.Clock { return app.ClockFunc(func() time.Time { return t }) }

// mustOpen opens a new store in a temporary directory and closes it at the
// end of the test. The file starts as a copy of newStoreTemplate's, which
// Open then takes as it would its own new store.
func mustOpen(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "fieldbench.db")
	if err := copyFile(newStoreTemplate(tb), path); err != nil {
		tb.Fatal(err)
	}
	return mustOpenPath(tb, path, opts...)
}

// storeTemplate is a store file as Open leaves a new one, without its device
// row: built once per test binary, so a test's new store does not run
// every migration again (each its own fsynced transaction; a fifth of the
// package's CPU time, more of its wall time and under -race). Open's path
// for a new file still runs here once, and in every test that opens a path
// of its own (mustOpenPath), such as TestOpenSchema.
var storeTemplate struct {
	once      sync.Once
	dir, path string
	err       error
}

func newStoreTemplate(tb testing.TB) string {
	tb.Helper()
	storeTemplate.once.Do(func() {
		if storeTemplate.dir, storeTemplate.err = os.MkdirTemp("", "fieldbench-template-"); storeTemplate.err != nil {
			return
		}
		storeTemplate.path = filepath.Join(storeTemplate.dir, "fieldbench.db")
		storeTemplate.err = buildStoreTemplate(storeTemplate.path)
	})
	if storeTemplate.err != nil {
		tb.Fatalf("new store template: %v", storeTemplate.err)
	}
	return storeTemplate.path
}

// buildStoreTemplate creates a store at path and takes its device row out,
// so each copy draws a device ID of its own when opened, as a new store
// does. Closing the last connection checkpoints the WAL into the file, so
// the file alone is the store.
func buildStoreTemplate(path string) error {
	db, err := Open(context.Background(), path)
	if err != nil {
		return err
	}
	_, err = db.write.Exec(`DELETE FROM device`)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s-wal is still there after closing (%v): the file alone is not the store", path, err)
	}
	return nil
}

func cleanupStoreTemplate() {
	if storeTemplate.dir != "" {
		os.RemoveAll(storeTemplate.dir)
	}
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

func mustOpenPath(tb testing.TB, path string, opts ...Option) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path, opts...)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// stores wraps db in every service, as the conformance suite wants them.
func stores(db *DB) storetest.Stores {
	return storetest.Stores{
		Tickets:   NewTicketService(db),
		Parts:     NewPartService(db),
		Warranty:  NewWarrantyService(db),
		Committer: NewCommitter(db),
		Outbox:    NewOutbox(db),
		Photos:    NewPhotoStore(db),
		Replica:   db,
		Load:      db.Load,
		Drafts:    db,
		Counts:    db,
		Conflicts: db.OpenConflicts,
		Reopen: func(t *testing.T) storetest.Stores {
			t.Helper()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			return stores(mustOpenPath(t, db.path, WithClock(db.clock)))
		},
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		return stores(mustOpen(t, WithClock(fixedClock(storetest.Now)), WithFullCheck()))
	})
}

// TestStoreTemplateIsNew: the copy mustOpen opens is the store Open
// creates on a new path: the same schema, the same rows in every table,
// and a device ID of its own.
func TestStoreTemplateIsNew(t *testing.T) {
	copied, created := mustOpen(t), mustOpenPath(t, filepath.Join(t.TempDir(), "new.db"))
	if copied.DeviceID() == "" || copied.DeviceID() == created.DeviceID() || copied.DeviceID() == mustOpen(t).DeviceID() {
		t.Errorf("device IDs: copy %q, new store %q: want one of its own each", copied.DeviceID(), created.DeviceID())
	}
	describe := func(db *DB) []string {
		var out []string
		rows, err := db.read.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var typ, name, sql string
			if err := rows.Scan(&typ, &name, &sql); err != nil {
				t.Fatal(err)
			}
			out = append(out, typ+" "+name+": "+sql)
			if typ == "table" {
				tables = append(tables, name)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			var n int
			if err := db.read.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			out = append(out, fmt.Sprintf("%s: %d rows", table, n))
		}
		for _, pragma := range []string{"user_version", "application_id", "journal_mode", "page_size", "auto_vacuum"} {
			var v string
			if err := db.read.QueryRow(`PRAGMA ` + pragma).Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, pragma+" = "+v)
		}
		return out
	}
	if got, want := describe(copied), describe(created); !slices.Equal(got, want) {
		t.Errorf("the copy differs from a new store:\n got %q\nwant %q", got, want)
	}
}

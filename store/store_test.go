package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

func TestMain(m *testing.M) {
	// The kill -9 and lock tests re-run this binary as a child process.
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	code := m.Run()
	cleanupBenchFixture()
	cleanupGrowthStores()
	os.Exit(code)
}

// fixedClock returns a clock pinned at t.
func fixedClock(t time.Time) app.Clock { return app.ClockFunc(func() time.Time { return t }) }

// mustOpen opens a new store in a temporary directory and closes it at the
// end of the test.
func mustOpen(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "fieldbench.db"), opts...)
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
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		return stores(mustOpen(t, WithClock(fixedClock(storetest.Now)), WithFullCheck()))
	})
}

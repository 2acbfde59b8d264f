package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

const orderScope = "order-test"

// writeChange is a write transaction's work in these tests: one change row
// at its version.
func writeChange(ctx context.Context, db *DB, tx *sql.Tx, id string, version int64) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO changes (scope, kind, id, version, ord, gone) VALUES (?, 'note', ?, ?, 0, 0)`), orderScope, id, version)
	return err
}

// TestGroupCommitVersionOrder: many goroutines write through group commit
// (on PostgreSQL through two instances of the service sharing the
// database), a third taking their version late as pushes do (lateTx),
// a third as dispatch does (entityTx, one statement at the end on
// PostgreSQL), while a reader follows the change log as a pull does, with a
// cursor: no change ever commits at or below a version the reader has
// already passed, every acknowledged write is there once, and no failed
// one is.
func TestGroupCommitVersionOrder(t *testing.T) {
	tests := map[string]struct{ instances int }{
		"sqlite":   {1},
		"postgres": {2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if name == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			var dbs []*DB
			for range tc.instances {
				dbs = append(dbs, openTestDB(t, cfg))
			}
			const writers, each = 16, 40
			errFail := errors.New("refused")
			var (
				mu      gosync.Mutex
				acked   = map[string]bool{}
				refused = map[string]bool{}
			)
			var wg gosync.WaitGroup
			for w := range writers {
				db := dbs[w%len(dbs)]
				wg.Go(func() {
					for i := range each {
						id := fmt.Sprintf("w%d-%d", w, i)
						fail := (w+i)%7 == 0
						write := func(ctx context.Context, tx *sql.Tx, version int64) error {
							if err := writeChange(ctx, db, tx, id, version); err != nil {
								return err
							}
							if fail {
								return errFail // after writing: its savepoint must undo it
							}
							return nil
						}
						var err error
						switch w % 3 {
						case 0:
							err = db.writeTx(t.Context(), write)
						case 2:
							// Dispatch's way: through serverTx, the
							// change row kept and written with the
							// version at the end (finish).
							err = db.entityTx(t.Context(), tenant, nil, func(ctx context.Context, st *serverTx) error {
								if err := st.emit(ctx, orderScope, kindNote, id, false); err != nil {
									return err
								}
								if fail {
									return errFail
								}
								return nil
							})
						default:
							// A push's way: work first, the version last.
							err = db.lateTx(t.Context(), 0, func(ctx context.Context, tx *sql.Tx, take takeVersion) error {
								var n int
								if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM changes WHERE scope = ?`), orderScope).Scan(&n); err != nil {
									return err
								}
								v, err := take(ctx)
								if err != nil {
									return err
								}
								return write(ctx, tx, v)
							})
						}
						mu.Lock()
						switch {
						case fail && errors.Is(err, errFail):
							refused[id] = true
						case !fail && err == nil:
							acked[id] = true
						default:
							t.Errorf("write %s (fail %v): %v", id, fail, err)
						}
						mu.Unlock()
					}
				})
			}

			// The reader: a cursor, and what it has seen up to it.
			reader := dbs[len(dbs)-1]
			seen := map[string]int64{}
			var cursor int64
			follow := func() {
				var below int
				if err := reader.read.QueryRowContext(t.Context(), reader.q(`SELECT count(*) FROM changes WHERE scope = ? AND version <= ?`), orderScope, cursor).Scan(&below); err != nil {
					t.Fatal(err)
				}
				if below != len(seen) {
					t.Fatalf("%d changes at or below version %d, the reader passed it having seen %d: one committed after a later version", below, cursor, len(seen))
				}
				rows, err := reader.read.QueryContext(t.Context(), reader.q(`SELECT id, version FROM changes WHERE scope = ? AND version > ? ORDER BY version`), orderScope, cursor)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var id string
					var v int64
					if err := rows.Scan(&id, &v); err != nil {
						t.Fatal(err)
					}
					if _, dup := seen[id]; dup {
						t.Fatalf("change %s read twice", id)
					}
					seen[id], cursor = v, v
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			deadline := time.After(2 * time.Minute)
		loop:
			for {
				select {
				case <-done:
					break loop
				case <-deadline:
					t.Fatal("writers still running after 2 minutes")
				default:
					follow()
				}
			}
			follow()

			if len(acked)+len(refused) != writers*each {
				t.Fatalf("%d acknowledged + %d refused, want %d writes", len(acked), len(refused), writers*each)
			}
			versions := map[int64]string{}
			for id, v := range seen {
				if !acked[id] {
					t.Errorf("change %s is in the log but was not acknowledged", id)
				}
				if other, ok := versions[v]; ok {
					t.Errorf("changes %s and %s share version %d", id, other, v)
				}
				versions[v] = id
			}
			for id := range acked {
				if _, ok := seen[id]; !ok {
					t.Errorf("acknowledged change %s is not in the log", id)
				}
			}
		})
	}
}

// TestGroupCommitMembers: writes queued while the writer is busy commit
// together in one group, with consecutive versions; a member whose fn
// fails is rolled back alone and gets its own error; a caller that gives
// up while queued gets its context's error and its fn never runs. Only
// SQLite groups its writes (group.go: PostgreSQL runs each alone).
func TestGroupCommitMembers(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	{
		ctx := t.Context()
		release := make(chan struct{})
		started := make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
				close(started)
				<-release // the others queue meanwhile
				return writeChange(ctx, db, tx, "busy", version)
			})
		}()
		<-started

		errFail := app.Errorf(app.EINVALID, "test.refused", "Refused.")
		type member struct {
			id     string
			fail   bool
			cancel bool
		}
		members := []member{{id: "m1"}, {id: "m2", fail: true}, {id: "m3"}, {id: "m4", cancel: true}, {id: "m5"}}
		results := make([]chan error, len(members))
		ran := make([]bool, len(members))
		cancels := make([]context.CancelFunc, len(members))
		for i, m := range members {
			mctx, cancel := context.WithCancel(ctx)
			cancels[i] = cancel
			results[i] = make(chan error, 1)
			go func() {
				results[i] <- db.writeTx(mctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
					ran[i] = true
					if err := writeChange(ctx, db, tx, m.id, version); err != nil {
						return err
					}
					if m.fail {
						return errFail
					}
					return nil
				})
			}()
			// Queued in this order: the group runs them in it.
			for deadline := time.Now().Add(10 * time.Second); len(db.queue) != i+1; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("member %d not queued", i)
				}
			}
		}
		cancels[3]()
		if err := <-results[3]; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled member: %v, want context.Canceled", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		for i, m := range members {
			if m.cancel {
				continue // its answer was read above
			}
			err := <-results[i]
			switch {
			case m.fail:
				if !errors.Is(err, errFail) {
					t.Errorf("%s: %v, want its own error", m.id, err)
				}
			case err != nil:
				t.Errorf("%s: %v", m.id, err)
			}
		}
		if ran[3] {
			t.Errorf("%s: fn ran after its caller gave up", members[3].id)
		}
		got := map[string]int64{}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, version FROM changes WHERE scope = ?`), orderScope)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var v int64
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			got[id] = v
		}
		// m1, m3 and m5 in one group after "busy": consecutive versions,
		// the failed m2 taking none.
		if len(got) != 4 || got["m3"] != got["m1"]+1 || got["m5"] != got["m3"]+1 || got["m1"] <= got["busy"] {
			t.Errorf("versions %v, want busy < m1, m3 = m1+1, m5 = m3+1 and no m2 or m4", got)
		}
		var counter int64
		if err := db.read.QueryRowContext(ctx, `SELECT v FROM counter WHERE id = 1`).Scan(&counter); err != nil || counter != got["m5"] {
			t.Errorf("counter %d (%v), want the last version given, %d", counter, err, got["m5"])
		}
	}
}

// TestGroupCommitClosed: on both databases a write after Close is
// refused with the same error, which says to try again, its fn never
// runs and the database is as Close left it.
func TestGroupCommitClosed(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db, err := OpenDB(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.writeTx(t.Context(), func(ctx context.Context, tx *sql.Tx, version int64) error {
				return writeChange(ctx, db, tx, "before-close", version)
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			ran := false
			err = db.writeTx(t.Context(), func(context.Context, *sql.Tx, int64) error { ran = true; return nil })
			if e := app.AsError(err); e == nil || e.Code != app.EINTERNAL || e.Key != "central.closing" || ran {
				t.Errorf("write after Close: %v (fn ran: %v), want %s central.closing and nothing run", err, ran, app.EINTERNAL)
			}
			again := openTestDB(t, cfg)
			var counter, changes int64
			if err := again.read.QueryRowContext(t.Context(), `SELECT v FROM counter WHERE id = 1`).Scan(&counter); err != nil {
				t.Fatal(err)
			}
			if err := again.read.QueryRowContext(t.Context(), again.q(`SELECT count(*) FROM changes WHERE scope = ?`), orderScope).Scan(&changes); err != nil {
				t.Fatal(err)
			}
			if counter != 1 || changes != 1 {
				t.Errorf("after a refused write: counter %d and %d changes, want 1 and 1 (the write before Close)", counter, changes)
			}
		})
	}
}

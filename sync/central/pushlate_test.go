package central

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	gosync "sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestTwoDevicesPushToOneTicketAtOnce: two devices of one technician
// push repairs to the same ticket at the same time, each repair adding
// to the ticket's labour minutes (a read, a decision and a write of the
// ticket). On PostgreSQL pushes run concurrently until they take their
// version (lateTx): without the ticket's row lock one push's update of
// the ticket would overwrite the other's and minutes would be lost.
func TestTwoDevicesPushToOneTicketAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
		const rounds, batch = 12, 5
		pushes := make([][][]app.Mutation, len(devices)) // by device, round
		for d := range devices {
			seq := int64(0)
			for r := range rounds {
				var muts []app.Mutation
				for i := range batch {
					seq++
					muts = append(muts, mut(t, seq, repair(fid(fmt.Sprintf("d%d-r%d-%d", d, r, i)), w.ticketA.ID, 1+i)))
				}
				pushes[d] = append(pushes[d], muts)
			}
		}
		var wg gosync.WaitGroup
		errs := make(chan error, len(devices)*rounds)
		for d, p := range devices {
			wg.Go(func() {
				for r, muts := range pushes[d] {
					seq := muts[len(muts)-1].Seq
					res, err := db.Push(context.Background(), p, muts)
					if err != nil {
						errs <- fmt.Errorf("device %d, round %d: %w", d, r, err)
						return
					}
					if res.Acked != seq || len(res.Rejected) > 0 {
						errs <- fmt.Errorf("device %d, round %d: acked %d, rejected %v; want %d and none", d, r, res.Acked, res.Rejected, seq)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		want := len(devices) * rounds * (batch * (batch + 1) / 2)
		d := detail(t, db, w.ticketA.ID)
		if len(d.Repairs) != len(devices)*rounds*batch || d.Ticket.LabourMinutes != want {
			t.Fatalf("%d repairs, %d minutes; want %d and %d", len(d.Repairs), d.Ticket.LabourMinutes, len(devices)*rounds*batch, want)
		}
	})
}

// TestPushesLockingTicketsInOppositeOrders: two devices push repairs
// to two tickets, one device to the first ticket then the second, the
// other the other way round, at the same time. On PostgreSQL each
// push locks each ticket it writes to its commit (FOR UPDATE: a repair
// adds its minutes to the ticket), so two such pushes may wait for each
// other; PostgreSQL ends one, which the service runs again (pgTx) and,
// past its tries, must come back as the transient answer a device
// retries on (docs/PROTOCOL.md), roll back whole, and succeed when
// retried: every repair is there once.
func TestPushesLockingTicketsInOppositeOrders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		second := w.ticketA
		second.ID, second.Number = "tk-a2", "FB-3"
		if err := db.LoadDataset(context.Background(), tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: second}}}); err != nil {
			t.Fatal(err)
		}
		devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
		orders := [][]app.TicketID{{w.ticketA.ID, second.ID}, {second.ID, w.ticketA.ID}}
		const rounds, tries = 6, 5
		var (
			mu       gosync.Mutex
			retried  int
			failures []error
		)
		pushes := make([][][]app.Mutation, len(devices)) // by device, round
		for d := range devices {
			for r := range rounds {
				var muts []app.Mutation
				for i, tk := range orders[d] {
					muts = append(muts, mut(t, int64(2*r+i+1), repair(fid(fmt.Sprintf("d%d-r%d-%d", d, r, i)), tk, 1)))
				}
				pushes[d] = append(pushes[d], muts)
			}
		}
		var wg gosync.WaitGroup
		for d, p := range devices {
			wg.Go(func() {
				for r, muts := range pushes[d] {
					var err error
					for try := range tries {
						var res PushResult
						if res, err = db.Push(context.Background(), p, muts); err == nil {
							if res.Acked != int64(2*r+2) || len(res.Rejected) > 0 {
								err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, 2*r+2)
							}
							break
						}
						if e := app.AsError(err); e.Code != app.EINTERNAL || e.Key != "central.database" || try == tries-1 {
							break
						}
						mu.Lock()
						retried++
						mu.Unlock()
					}
					if err != nil {
						mu.Lock()
						failures = append(failures, fmt.Errorf("device %d, round %d: %w", d, r, err))
						mu.Unlock()
						return
					}
				}
			})
		}
		wg.Wait()
		for _, err := range failures {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		for _, tk := range []app.TicketID{w.ticketA.ID, second.ID} {
			if d := detail(t, db, tk); len(d.Repairs) != len(devices)*rounds || d.Ticket.LabourMinutes != len(devices)*rounds {
				t.Errorf("ticket %s has %d repairs and %d minutes, want %d of each", tk, len(d.Repairs), d.Ticket.LabourMinutes, len(devices)*rounds)
			}
		}
		t.Logf("%d pushes retried after a transient failure", retried)
	})
}

// TestDispatchImportAndPushesOnOneTicketAtOnce: two devices push
// repairs and part consumptions to one ticket while dispatch logs
// repairs on it and an import loads the part's catalog record again,
// all at the same time. On PostgreSQL a push locks the ticket and the
// part it reads and takes its version last; a write that took the
// version first and then waited for one of those locks deadlocked with
// the push waiting for the version, and PostgreSQL's answer reached
// dispatch or the device as central.database. No error may reach a
// caller, and every write must be applied once.
func TestDispatchImportAndPushesOnOneTicketAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
		const rounds, batch, dispatched, imports = 8, 4, 16, 6
		pushes := make([][][]app.Mutation, len(devices)) // by device, round
		for d := range devices {
			seq := int64(0)
			for r := range rounds {
				var muts []app.Mutation
				for i := range batch {
					seq++
					var cmd app.Command = repair(fid(fmt.Sprintf("d%d-r%d-%d", d, r, i)), w.ticketA.ID, 1)
					if i%2 == 1 {
						cmd = &app.ConsumePart{Used: app.PartUsed{ID: fid(fmt.Sprintf("u-d%d-r%d-%d", d, r, i)), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}
					}
					muts = append(muts, mut(t, seq, cmd))
				}
				pushes[d] = append(pushes[d], muts)
			}
		}
		var wg gosync.WaitGroup
		errs := make(chan error, len(devices)*rounds+dispatched+imports)
		for d, p := range devices {
			wg.Go(func() {
				for r, muts := range pushes[d] {
					seq := muts[len(muts)-1].Seq
					res, err := db.Push(ctx, p, muts)
					if err != nil {
						errs <- fmt.Errorf("device %d, round %d: %w", d, r, err)
						return
					}
					if res.Acked != seq || len(res.Rejected) > 0 {
						errs <- fmt.Errorf("device %d, round %d: acked %d, rejected %v; want %d and none", d, r, res.Acked, res.Rejected, seq)
					}
				}
			})
		}
		wg.Go(func() {
			for i := range dispatched {
				m := mut(t, 0, repair(fid(fmt.Sprintf("dispatch-%d", i)), w.ticketA.ID, 10))
				if err := db.ApplyAdmin(ctx, w.dispatch, m); err != nil {
					errs <- fmt.Errorf("dispatch %d: %w", i, err)
				}
			}
		})
		wg.Go(func() {
			for i := range imports {
				part := app.Part{Number: "BAT-1", NameEN: fmt.Sprintf("Battery %d", i), Class: app.ClassBattery, Models: []string{"P60"}}
				if err := db.LoadDataset(ctx, tenant, app.Dataset{Parts: []app.Part{part}}); err != nil {
					errs <- fmt.Errorf("import %d: %w", i, err)
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		d := detail(t, db, w.ticketA.ID)
		pushed := len(devices) * rounds * batch / 2
		if len(d.Repairs) != pushed+dispatched || d.Ticket.LabourMinutes != pushed+10*dispatched || len(d.Parts) != pushed {
			t.Fatalf("%d repairs, %d minutes, %d parts used; want %d, %d and %d",
				len(d.Repairs), d.Ticket.LabourMinutes, len(d.Parts), pushed+dispatched, pushed+10*dispatched, pushed)
		}
		bs, err := db.Balances(ctx, tenant, "van-a")
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].Qty != 5-pushed {
			t.Fatalf("van-a balances = %+v, want BAT-1 at %d", bs, 5-pushed)
		}
	})
}

// factTx is an app.MutationTx holding one ticket, which notes whether a
// command saved it; a method it lacks panics (the embedded nil).
type factTx struct {
	app.MutationTx
	t           app.Ticket
	saved, adds int
}

func (f *factTx) Ticket(context.Context, app.TicketID) (app.Ticket, error) { return f.t, nil }
func (f *factTx) SaveTicket(context.Context, app.Ticket) error             { f.saved++; return nil }
func (f *factTx) AddNote(context.Context, app.Note) error                  { f.adds++; return nil }
func (f *factTx) AddPhoto(context.Context, app.Photo) error                { f.adds++; return nil }
func (f *factTx) AddSignature(context.Context, app.Signature) error        { f.adds++; return nil }
func (f *factTx) AddRepair(context.Context, app.RepairEntry) error         { f.adds++; return nil }

// TestFactOnlySavesNoTicket: the commands factOnly names (whose pushes
// read their tickets FOR SHARE on PostgreSQL) add their fact and never
// save the ticket; one that saves it is not named.
func TestFactOnlySavesNoTicket(t *testing.T) {
	tk := app.Ticket{ID: "tk-a", Number: "FB-1", Technician: "tech-a", Epoch: 1, Status: app.StatusInProgress}
	actor := app.Actor{Role: app.RoleTechnician, Technician: "tech-a", Name: "A"}
	tests := map[string]app.Command{
		"note":      note(fid("n"), tk.ID),
		"photo":     &app.AttachPhoto{Photo: app.Photo{ID: fid("p"), Ticket: tk.ID, SHA256: strings.Repeat("a", 64), Size: 10, Mime: "image/jpeg"}},
		"signature": &app.RecordSignature{Signature: app.Signature{ID: fid("s"), Ticket: tk.ID, Role: app.SignerCustomer, Digest: strings.Repeat("b", 64)}},
		"repair":    repair(fid("r"), tk.ID, 5),
	}
	for name, cmd := range tests {
		t.Run(name, func(t *testing.T) {
			f := &factTx{t: tk}
			if err := cmd.Apply(context.Background(), f, actor, testNow); err != nil {
				t.Fatal(err)
			}
			if f.adds != 1 {
				t.Fatalf("%d facts added, want 1", f.adds)
			}
			if saves := f.saved > 0; factOnly(cmd) == saves {
				t.Fatalf("factOnly = %v, but the ticket was saved %d times", factOnly(cmd), f.saved)
			}
		})
	}
}

// TestCheckLockRetakenAfterRollback: PostgreSQL releases the locks a
// transaction took since a savepoint when it rolls back to it, so a
// check lock (lockCheck) taken by a mutation that was then refused is
// not held any more: the next check of the same thing in the push must
// take it again, or it would read without it (and miss a concurrent
// push's rows, as the balance checks did without any lock).
func TestCheckLockRetakenAfterRollback(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	ctx := context.Background()
	key := checkLockKey("test", tenant, "rollback")
	err := db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
		if err := st.Savepoint(ctx); err != nil {
			return err
		}
		if err := st.lockCheck(ctx, key); err != nil {
			return err
		}
		if err := st.RollbackToSavepoint(ctx); err != nil {
			return err
		}
		if err := st.lockCheck(ctx, key); err != nil {
			return err
		}
		// Another session may take it (for its own statement) only if
		// this transaction does not hold it.
		var free bool
		if err := db.read.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, key).Scan(&free); err != nil {
			return err
		}
		if free {
			t.Errorf("the check lock was free after the check that followed a rollback to a savepoint")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWritesRunReadCommittedWhateverTheDefault: the check locks (and the
// FOR UPDATE reads) are right under READ COMMITTED only, where each
// statement sees what was committed before it began; a database whose
// operator set another default isolation level must not make the
// service's writes miss each other's rows (negative_stock, duplicate
// receipts, a unit fitted twice, all silently not raised).
func TestWritesRunReadCommittedWhateverTheDefault(t *testing.T) {
	dsn := pgtest.ForTest(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := admin.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`ALTER DATABASE "` + name + `" SET default_transaction_isolation = 'repeatable read'`); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: dsn})
	ctx := context.Background()
	level := func(tx *sql.Tx) string {
		var l string
		if err := tx.QueryRowContext(ctx, `SHOW transaction_isolation`).Scan(&l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	var late, direct string
	if err := db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
		late = level(st.tx)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		direct = level(tx)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var dflt string
	if err := db.read.QueryRowContext(ctx, `SHOW default_transaction_isolation`).Scan(&dflt); err != nil || dflt != "repeatable read" {
		t.Fatalf("the database's default is %q (%v): the test did not set it", dflt, err)
	}
	if late != "read committed" || direct != "read committed" {
		t.Errorf("with the database's default at repeatable read, a late write runs at %q and a direct one at %q, want read committed", late, direct)
	}
}

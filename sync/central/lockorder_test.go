package central

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// lostWrites counts the writes PostgreSQL ended to break a deadlock (or
// as a serialization failure), from the service's log (pgTx logs each).
// deadlockWorld is a service on PostgreSQL with the world's tenant,
// counting in lost the writes PostgreSQL ends to break a deadlock.
func deadlockWorld(t *testing.T) (*DB, *world, *lostWrites) {
	t.Helper()
	lost := &lostWrites{}
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t), Log: slog.New(lost)})
	return db, newWorld(t, db), lost
}

type lostWrites struct{ n atomic.Int64 }

func (h *lostWrites) Enabled(context.Context, slog.Level) bool { return true }
func (h *lostWrites) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "to break a deadlock") {
		h.n.Add(1)
	}
	return nil
}
func (h *lostWrites) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *lostWrites) WithGroup(string) slog.Handler      { return h }

// TestOppositeOrdersTakeCheckLocksInOneOrder: writes on PostgreSQL
// whose batches name the same balances in opposite orders, at the same
// moment, round after round: two devices fitting parts W, X, Y, Z and
// Z, Y, X, W from one van, dispatch sending two shipments of them from
// the warehouse with their lines the other way round, and a push
// against a shipment from the van. Each takes a balance's check lock
// when it reaches its movement, and two of them held one each and
// waited for the other's: PostgreSQL ended one after deadlock_timeout
// and the service ran it again. Taking them in one order, none may be
// ended, and every write is applied once.
func TestOppositeOrdersTakeCheckLocksInOneOrder(t *testing.T) {
	db, w, lost := deadlockWorld(t)
	ctx := context.Background()
	second := w.ticketA
	second.ID, second.Number = "tk-a2", "FB-3"
	const stock = 100000
	// Four parts: a batch naming more balances waits longer between its
	// first lock and its last, as a day's does.
	parts := []app.PartNumber{"BAT-1", "SCR-1", "CAM-1", "SPK-1"}
	ds := app.Dataset{Tickets: []app.TicketDetail{{Ticket: second}}}
	for _, part := range parts[2:] {
		ds.Parts = append(ds.Parts, app.Part{Number: part, NameEN: string(part), Class: app.ClassMain, Models: []string{"P60"}})
	}
	for _, loc := range []app.LocationID{"van-a", "wh"} {
		for _, part := range parts {
			ds.Movements = append(ds.Movements, app.StockMovement{ID: fmt.Sprintf("rcv-%s-%s", loc, part), Kind: app.MoveReceive, Part: part, To: loc, Qty: stock, At: testNow})
		}
	}
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		t.Fatal(err)
	}
	devices := []Principal{w.a, pairDevice(t, db, "tech-a")}
	tickets := []app.TicketID{w.ticketA.ID, second.ID}
	reversed := slices.Clone(parts)
	slices.Reverse(reversed)
	orders := [][]app.PartNumber{parts, reversed}
	seqs := make([]int64, len(devices))
	ids := atomic.Int64{}
	// fitOn has device d fit each part from van-a on its ticket, in
	// order.
	type fitting struct {
		ticket app.TicketID
		part   app.PartNumber
	}
	fitOn := func(d int, fits ...fitting) error {
		var muts []app.Mutation
		for _, f := range fits {
			seqs[d]++
			muts = append(muts, mut(t, seqs[d], &app.ConsumePart{Used: app.PartUsed{ID: fid(fmt.Sprint("fit-", ids.Add(1))), Ticket: f.ticket, Part: f.part, Qty: 1, From: "van-a"}}))
		}
		res, err := db.Push(ctx, devices[d], muts)
		if err == nil && (res.Acked != seqs[d] || len(res.Rejected) > 0) {
			err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seqs[d])
		}
		return err
	}
	// fit has device d fit one of each part from van-a on its ticket, in
	// order o.
	fit := func(d, o int) error {
		var fits []fitting
		for _, part := range orders[o] {
			fits = append(fits, fitting{tickets[d], part})
		}
		return fitOn(d, fits...)
	}
	// ship has dispatch send one of each part from one location to
	// another, its lines in order o.
	ship := func(from, to app.LocationID, o int) error {
		s := app.Shipment{ID: fid(fmt.Sprint("ship-", ids.Add(1))), Kind: app.ShipmentSupply, From: from, To: to}
		for _, part := range orders[o] {
			s.Lines = append(s.Lines, app.ShipmentLine{Part: part, Qty: 1})
		}
		m, err := app.NewMutation(&app.SendShipment{Shipment: s}, testNow)
		if err != nil {
			return err
		}
		return db.ApplyAdmin(ctx, w.dispatch, m)
	}
	const rounds = 128
	cases := []struct {
		name   string
		writes [2]func() error
		// moved is what each round takes of each part from each
		// location (a shipment adds at its destination only when
		// received).
		moved map[[2]string]int
	}{
		{"two pushes", [2]func() error{func() error { return fit(0, 0) }, func() error { return fit(1, 1) }}, each(parts, "van-a", 2)},
		{"two shipments", [2]func() error{func() error { return ship("wh", "van-b", 0) }, func() error { return ship("wh", "van-b", 1) }}, each(parts, "wh", 2)},
		{"a push and a shipment", [2]func() error{func() error { return fit(0, 0) }, func() error { return ship("van-a", "wh", 1) }}, each(parts, "van-a", 2)},
		// A ticket between: the first push names both balances and
		// took them with its first movement, then locked the second
		// ticket for its second, which the other push held while it
		// waited for the second balance. Check locks are taken before
		// any ticket row (takeNamed).
		{"a ticket between", [2]func() error{
			func() error { return fitOn(0, fitting{tickets[0], parts[0]}, fitting{tickets[1], parts[1]}) },
			func() error { return fitOn(1, fitting{tickets[1], parts[1]}) },
		}, map[[2]string]int{{"van-a", string(parts[0])}: 1, {"van-a", string(parts[1])}: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := lost.n.Load()
			want := map[[2]string]int{}
			for k, n := range c.moved {
				want[k] = balance(t, db, app.LocationID(k[0]), app.PartNumber(k[1])) - n*rounds
			}
			for r := range rounds {
				writes := make([]func() error, len(c.writes))
				for i, write := range c.writes {
					writes[i] = func() error {
						// Every other round the second write starts 1 to
						// 8 reads later: writes of unlike lengths (a
						// push and a shipment) meet at another point of
						// their batches from round to round, without a
						// timer; like ones meet best at once.
						for range r % 2 * (r/2%8 + 1) * i {
							if _, err := db.Balances(ctx, tenant, "van-b"); err != nil {
								return err
							}
						}
						return write()
					}
				}
				atOnce(t, r, writes)
			}
			if n := lost.n.Load() - before; n != 0 {
				t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; writes taking their check locks in one order never wait for each other in a circle", n, 2*rounds)
			}
			for k, n := range want {
				if got := balance(t, db, app.LocationID(k[0]), app.PartNumber(k[1])); got != n {
					t.Errorf("%s at %s: %d, want %d", k[1], k[0], got, n)
				}
			}
		})
	}
}

// each is a case's moved: n of every part from loc each round.
func each(parts []app.PartNumber, loc app.LocationID, n int) map[[2]string]int {
	m := map[[2]string]int{}
	for _, part := range parts {
		m[[2]string{string(loc), string(part)}] = n
	}
	return m
}

// TestCheckLockKeysNameWhatApplyTakes: checkLockKeys names, for each
// command that takes check locks on the service, the keys its Apply and
// the push's checks after it (afterApply's balances) take, no more and
// no fewer: a key it missed would be taken when reached, outside the
// order, and two writes could deadlock on it again.
func TestCheckLockKeysNameWhatApplyTakes(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	w := newWorld(t, db)
	ctx := context.Background()
	if err := db.LoadDataset(ctx, tenant, app.Dataset{
		Parts: []app.Part{{Number: "MOD-1", NameEN: "Modem", Class: app.ClassMain, Models: []string{"P60"}, Serialized: true}},
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cmd  app.Command
	}{
		{"a part fitted", &app.ConsumePart{Used: app.PartUsed{ID: fid("keys-fit"), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: "van-a"}}},
		{"a serialized unit fitted", &app.ConsumePart{Used: app.PartUsed{ID: fid("keys-unit"), Ticket: w.ticketA.ID, Part: "MOD-1", Serial: "SN-1", Qty: 1, From: "van-a"}}},
		{"a transfer", &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: fid("keys-move"), Part: "BAT-1", From: "van-a", To: "van-b", Qty: 1}}},
		{"a unit received", &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: fid("keys-in"), Part: "MOD-1", Serial: "SN-4", To: "van-a", Qty: 1}}},
		{"a unit counted away", &app.MoveStock{Kind: app.MoveAdjust, Movement: app.StockMovement{ID: fid("keys-lost"), Part: "MOD-1", Serial: "SN-2", To: "van-a", Qty: -1, Reason: "lost"}}},
		{"a shipment", &app.SendShipment{Shipment: app.Shipment{ID: fid("keys-ship"), Kind: app.ShipmentSupply, From: "wh", To: "van-b", Lines: []app.ShipmentLine{
			{Part: "BAT-1", Qty: 2}, {Part: "SCR-1", Qty: 1}, {Part: "MOD-1", Serial: "SN-3", Qty: 1}, {Part: "BAT-1", Qty: 1}}}}},
		{"a payment", &app.RecordPayment{Payment: app.Payment{ID: fid("keys-pay"), Ticket: w.ticketA.ID, Kind: app.PaymentPayment, Method: app.MethodCash,
			Amount: app.Money{Amount: 1000, Currency: "CNY"}, Receipt: "KEYS-1"}}},
	}
	rolledBack := errors.New("rolled back")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var took []int64
			err := db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
				if err := c.cmd.Apply(ctx, st, app.Actor{Role: app.RoleSystem, Name: "keys"}, testNow); err != nil {
					return err
				}
				for _, mv := range st.moved {
					if mv.From != "" {
						if _, err := st.balance(ctx, mv.From, mv.Part); err != nil {
							return err
						}
					}
				}
				took = slices.Sorted(maps.Keys(st.checkLocks))
				return rolledBack
			})
			if !errors.Is(err, rolledBack) {
				t.Fatal(err)
			}
			named := slices.Clone(checkLockKeys(tenant, c.cmd))
			slices.Sort(named)
			named = slices.Compact(named)
			if len(took) == 0 || !slices.Equal(took, named) {
				t.Errorf("Apply took the check locks %v; checkLockKeys named %v", took, named)
			}
		})
	}
}

// TestCheckLocksTakeKeysAscending: the statements that take a write's
// named check locks (qCheckLocks, qLedgerLockedAll) take them in
// ascending order, whatever the array's: given [hi, lo] while another
// transaction holds hi, the statement holds lo and waits for hi. In the
// array's order it would wait for hi holding nothing, and two writes
// naming the same keys in opposite orders could each hold one.
func TestCheckLocksTakeKeysAscending(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	ctx := context.Background()
	const lo, hi = int64(-7), int64(5)
	for _, c := range []struct {
		name  string
		query string
		args  []any
	}{
		{"qCheckLocks", qCheckLocks, []any{[]int64{hi, lo}}},
		{"qLedgerLockedAll", qLedgerLockedAll, []any{tenant, "mv-order", "van-a", "BAT-1", -1, []int64{hi, lo}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			holder, err := db.write.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Rollback()
			if _, err := holder.ExecContext(ctx, db.q(qCheckLock), hi); err != nil {
				t.Fatal(err)
			}
			taker, err := db.write.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer taker.Rollback()
			var pid int
			if err := taker.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := taker.ExecContext(ctx, db.q(c.query), c.args...)
				done <- err
			}()
			// Bounded: the statement waits for hi until holder ends.
			waiting := false
			for range 3000 {
				if err := db.read.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = $1`, pid).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
				if waiting {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			var held []int64
			rows, err := db.read.QueryContext(ctx, `SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = $1`, pid)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var k int64
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				held = append(held, k)
			}
			rows.Close()
			holder.Rollback()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if !waiting || !slices.Equal(held, []int64{lo}) {
				t.Errorf("waiting for %d (%v), the statement held %v; want it to hold %d, taken first", hi, waiting, held, lo)
			}
		})
	}
}

// TestRollbackKeepsCheckLocksTrue: what a write believes it holds of
// its check locks (checkLocks, which it then does not take again) is
// held by PostgreSQL across rollbacks to a mutation's savepoint, which
// release the locks taken since: named locks taken in the rolled back
// mutation are all released and taken again, in order, by the next
// check; named locks taken before the savepoint stay held.
func TestRollbackKeepsCheckLocksTrue(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	ctx := context.Background()
	const x, y, z = int64(11), int64(3), int64(7)
	rolledBack := errors.New("rolled back")
	// step runs one of the write's steps and checks that what it
	// believes it holds afterwards is held, and what it holds is want.
	type step struct {
		name string
		do   func(ctx context.Context, st *serverTx) error
		want []int64
	}
	run := func(t *testing.T, steps []step) {
		err := db.entityTx(ctx, tenant, nil, func(ctx context.Context, st *serverTx) error {
			for _, s := range steps {
				if err := s.do(ctx, st); err != nil {
					return fmt.Errorf("%s: %w", s.name, err)
				}
				var held []int64
				rows, err := st.tx.QueryContext(ctx, `SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() ORDER BY 1`)
				if err != nil {
					return err
				}
				for rows.Next() {
					var k int64
					if err := rows.Scan(&k); err != nil {
						return err
					}
					held = append(held, k)
				}
				if err := rows.Close(); err != nil {
					return err
				}
				for k := range st.checkLocks {
					if !slices.Contains(held, k) {
						t.Errorf("after %s the write believes it holds %d; PostgreSQL holds %v", s.name, k, held)
					}
				}
				if !slices.Equal(held, s.want) {
					t.Errorf("after %s PostgreSQL holds %v, want %v", s.name, held, s.want)
				}
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
	}
	name := func(ctx context.Context, st *serverTx) error { st.willCheck(x, y); return nil }
	savepoint := func(ctx context.Context, st *serverTx) error { return st.Savepoint(ctx) }
	rollback := func(ctx context.Context, st *serverTx) error { return st.RollbackToSavepoint(ctx) }
	lock := func(k int64) func(ctx context.Context, st *serverTx) error {
		return func(ctx context.Context, st *serverTx) error { return st.lockCheck(ctx, k) }
	}
	t.Run("ordered in the rolled back mutation", func(t *testing.T) {
		run(t, []step{
			{"naming x and y", name, nil},
			{"the savepoint", savepoint, nil},
			{"x's check", lock(x), []int64{y, x}},
			{"the rollback", rollback, nil},
			{"the next savepoint", savepoint, nil},
			{"y's check", lock(y), []int64{y, x}},
		})
	})
	t.Run("ordered before the savepoint", func(t *testing.T) {
		run(t, []step{
			{"naming x and y", name, nil},
			{"the savepoint", savepoint, nil},
			{"x's check", lock(x), []int64{y, x}},
			{"the next savepoint", savepoint, []int64{y, x}},
			{"z's check", lock(z), []int64{y, z, x}},
			{"the rollback", rollback, []int64{y, x}},
			{"y's check", lock(y), []int64{y, x}},
			{"z's check again", lock(z), []int64{y, z, x}},
		})
	})
}

// TestWillCheckNamesEachKeyOnce: a batch's keys are named once each, in
// the order first named, however many (a scan for a few, a set past
// maxScannedKeys), and no more than maxOrderedLocks.
func TestWillCheckNamesEachKeyOnce(t *testing.T) {
	st := &serverTx{db: &DB{dialect: dialectPostgres}, take: func(context.Context) (int64, error) { return 1, nil }}
	var want []int64
	for k := range int64(3 * maxScannedKeys) {
		st.willCheck(k, k/2, k) // k/2 was named before (or is k itself)
		want = append(want, k)
	}
	if !slices.Equal(st.lockOrder, want) {
		t.Errorf("named %v, want %v", st.lockOrder, want)
	}
	for k := range int64(2 * maxOrderedLocks) {
		st.willCheck(k)
	}
	if len(st.lockOrder) != maxOrderedLocks {
		t.Errorf("named %d keys, want at most %d", len(st.lockOrder), maxOrderedLocks)
	}
}

// atOnce runs writes at the same moment, each on its own goroutine, and
// fails the test on the first that fails, naming its round.
func atOnce(t *testing.T, round int, writes []func() error) {
	t.Helper()
	start := make(chan struct{})
	var wg gosync.WaitGroup
	errs := make([]error, len(writes))
	for i, write := range writes {
		wg.Go(func() {
			<-start
			errs[i] = write()
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("round %d, write %d: %v", round, i, err)
		}
	}
}

package central

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPushBatchAppliedRows: a push's mutation-ID lookups and applied rows
// go in multi-row statements of up to 16 (chunks of 16, 8, 4, 2, 1):
// whatever the batch's size, every seq is acknowledged and gets one
// applied row, a mutation ID the device used before (in an earlier push,
// or earlier in the same push) applies nothing, and the rest apply once.
func TestPushBatchAppliedRows(t *testing.T) {
	tests := []struct {
		name  string
		n     int // mutations in the second push
		reuse int // of them, how many carry an ID of the first push
		twice bool
	}{
		{"one", 1, 0, false},
		{"one used before", 1, 1, false},
		{"ten, three used before", 10, 3, false},
		{"nineteen, one twice in the push", 19, 0, true},
		{"thirty-three, five used before, one twice", 33, 5, true},
	}
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				dev := pairDevice(t, db, "tech-a") // seqs of its own
				before := len(detail(t, db, w.ticketA.ID).Notes)
				first := make([]app.Mutation, 5)
				for i := range first {
					first[i] = mut(t, int64(i+1), note(fid(fmt.Sprintf("%s/first/%d", tc.name, i)), w.ticketA.ID))
				}
				push(t, db, dev, first...)
				second := make([]app.Mutation, tc.n)
				want := 5
				for i := range second {
					second[i] = mut(t, int64(6+i), note(fid(fmt.Sprintf("%s/second/%d", tc.name, i)), w.ticketA.ID))
					switch {
					case i < tc.reuse:
						second[i].ID = first[i].ID
					case tc.twice && i == tc.n-1:
						second[i].ID = second[tc.n-2].ID
					default:
						want++
					}
				}
				res := push(t, db, dev, second...)
				if res.Acked != int64(5+tc.n) || len(res.Rejected) != 0 {
					t.Fatalf("push = %+v, want acked %d without rejections", res, 5+tc.n)
				}
				if got := len(detail(t, db, w.ticketA.ID).Notes) - before; got != want {
					t.Errorf("%d notes added, want %d", got, want)
				}
				var rows, seqs int
				if err := db.read.QueryRowContext(t.Context(), db.q(`SELECT count(*), count(DISTINCT seq) FROM applied WHERE device = ?`), string(dev.Device)).Scan(&rows, &seqs); err != nil {
					t.Fatal(err)
				}
				if applied := 5 + tc.n - tc.reuse - btoi(tc.twice); rows != applied || seqs != applied {
					t.Errorf("%d applied rows with %d seqs, want %d: one per mutation that used a new ID", rows, seqs, applied)
				}
			})
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPendingChanges: a push's change rows, kept and written in
// multi-row statements, end as if each had been written at once: a row
// emitted again keeps its last value, and a rollback to the savepoint
// drops the rows emitted since it, written already or not.
func TestPendingChanges(t *testing.T) {
	type step struct {
		op string // emit, gone, savepoint, flush, rollback
		id string
	}
	tests := []struct {
		name  string
		steps []step
		want  map[string]int // id: gone
	}{
		{"kept, then written", []step{{"emit", "a"}, {"emit", "b"}}, map[string]int{"a": 0, "b": 0}},
		{"the last value of a row emitted twice", []step{{"emit", "a"}, {"gone", "a"}, {"emit", "b"}, {"gone", "b"}, {"emit", "b"}}, map[string]int{"a": 1, "b": 0}},
		{"a rollback drops what was kept since the savepoint", []step{{"emit", "a"}, {"savepoint", ""}, {"emit", "b"}, {"rollback", ""}, {"emit", "c"}}, map[string]int{"a": 0, "c": 0}},
		{"and what was written since", []step{{"emit", "a"}, {"savepoint", ""}, {"emit", "b"}, {"flush", ""}, {"emit", "c"}, {"rollback", ""}, {"emit", "d"}}, map[string]int{"a": 0, "d": 0}},
		{"but keeps what was written before", []step{{"emit", "a"}, {"flush", ""}, {"savepoint", ""}, {"gone", "a"}, {"flush", ""}, {"rollback", ""}}, map[string]int{"a": 0}},
		{"more than one statement's rows", func() []step {
			var s []step
			for i := range 37 {
				s = append(s, step{"emit", fmt.Sprint(i)})
			}
			return s
		}(), func() map[string]int {
			m := map[string]int{}
			for i := range 37 {
				m[fmt.Sprint(i)] = 0
			}
			return m
		}()},
	}
	forEachBackend(t, func(t *testing.T, db *DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				scope := "pending-" + tc.name
				err := db.writeTx(t.Context(), func(ctx context.Context, tx *sql.Tx, version int64) error {
					st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, changed: &changeSet{}, batch: true}
					for _, s := range tc.steps {
						var err error
						switch s.op {
						case "emit", "gone":
							err = st.emit(ctx, scope, kindNote, s.id, s.op == "gone")
						case "savepoint":
							err = st.Savepoint(ctx)
						case "flush":
							err = st.flushChanges(ctx)
						case "rollback":
							if err = st.RollbackToSavepoint(ctx); err == nil {
								err = st.ReleaseSavepoint(ctx)
							}
						}
						if err != nil {
							return err
						}
					}
					return st.flushChanges(ctx)
				})
				if err != nil {
					t.Fatal(err)
				}
				rows, err := db.read.QueryContext(t.Context(), db.q(`SELECT id, gone FROM changes WHERE scope = ?`), scope)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				got := map[string]int{}
				for rows.Next() {
					var id string
					var gone int
					if err := rows.Scan(&id, &gone); err != nil {
						t.Fatal(err)
					}
					got[id] = gone
				}
				if !maps.Equal(got, tc.want) {
					t.Errorf("change rows (id: gone) %v, want %v", got, tc.want)
				}
			})
		}
	})
}

// TestPushNewIDsLookedUpOnce: a push looks up its new records' IDs in
// multi-row statements when it begins; an ID taken before the push, or
// by an earlier mutation of the same push, is still refused, and one
// written by a mutation that was then refused and rolled back is free.
func TestPushNewIDsLookedUpOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)))
		consume := func(id, from string) app.Command {
			return &app.ConsumePart{Used: app.PartUsed{ID: id, Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: app.LocationID(from)}}
		}
		tests := []struct {
			name   string
			before []app.Command // pushed first, by the same device
			push   []app.Command
			keys   []string // each mutation's rejection key, "" when applied
		}{
			{"taken before the push", []app.Command{note(fid("n-before"), w.ticketA.ID)},
				[]app.Command{note(fid("n-before"), w.ticketA.ID), note(fid("n-other"), w.ticketA.ID)}, []string{"mutation.id_unusable", ""}},
			{"taken earlier in the push", nil,
				[]app.Command{note(fid("n-twice"), w.ticketA.ID), note(fid("n-twice"), w.ticketA.ID)}, []string{"", "mutation.id_unusable"}},
			{"written by a refused mutation, free again", nil,
				[]app.Command{consume(fid("pu-1"), "van-b"), consume(fid("pu-1"), "van-a")}, []string{"stock.not_your_location", ""}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				dev := pairDevice(t, db, "tech-a")
				seq := int64(0)
				var muts []app.Mutation
				for _, c := range tc.before {
					seq++
					muts = append(muts, mut(t, seq, c))
				}
				if len(muts) > 0 {
					push(t, db, dev, muts...)
				}
				muts = muts[:0]
				first := seq + 1
				for _, c := range tc.push {
					seq++
					muts = append(muts, mut(t, seq, c))
				}
				res := push(t, db, dev, muts...)
				got := make([]string, len(tc.push))
				for _, r := range res.Rejected {
					got[r.Seq-first] = r.Key
				}
				if res.Acked != seq || !slices.Equal(got, tc.keys) {
					t.Errorf("push = acked %d, rejections %q; want acked %d, %q", res.Acked, got, seq, tc.keys)
				}
			})
		}
	})
}

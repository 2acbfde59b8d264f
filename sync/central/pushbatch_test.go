package central

import (
	"fmt"
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

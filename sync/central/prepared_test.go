package central

import (
	"fmt"
	"strings"
	"testing"
)

// TestPushStatementsPrepared: each multi-row statement of a push, for 1
// to pushRows rows, has its rows' placeholders and is among the
// statements SQLite prepares when the database opens. They were empty
// when preparedQueries took them (filled by an init function, which runs
// after package variables are initialized), and compiled at every call:
// a seventh of the writer's time.
func TestPushStatementsPrepared(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	tests := []struct {
		name  string
		qs    *[pushRowsLog + 1]string
		fixed int // placeholders besides the rows'
		per   int // placeholders per row
	}{
		{"applied lookup", &qAppliedIn, 1, 1},
		{"taken IDs", &qTakenIn, 2, 1},
		{"applied rows", &qAppliedRows, 0, 10},
		{"change rows", &qEmitRows, 0, 6},
	}
	for _, tc := range tests {
		for k, q := range tc.qs {
			t.Run(fmt.Sprintf("%s/%d", tc.name, 1<<k), func(t *testing.T) {
				if got, want := strings.Count(q, "?"), tc.fixed+tc.per<<k; got != want {
					t.Errorf("%d placeholders in %q, want %d", got, q, want)
				}
				if db.prepared[q] == nil {
					t.Errorf("%q is not prepared when the database opens", q)
				}
			})
		}
	}
}

package store

import (
	"strconv"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestCommitSeqAndClockFromOutbox: a Commit takes its seq and clock from
// the outbox's last row and the device row, whichever is later, and writes
// neither to the device row; a Wipe keeps the clock but starts the seq
// again; a damaged clock in the outbox refuses the action and saves
// nothing.
func TestCommitSeqAndClockFromOutbox(t *testing.T) {
	now := storetest.Now
	ms := now.UnixMilli()
	cases := map[string]struct {
		setup    []string // raw statements on the loaded store
		wipe     bool     // Wipe (and Load again) before the commit
		wantSeq  int64
		wantHLC  hlc
		wantCode string // "" for success
	}{
		"FirstAction": {wantSeq: 1, wantHLC: hlc{ms, 0}},
		"AfterOutbox": {
			setup:   []string{`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (7, 'm7', 'note.add', 1, '{}', '` + (hlc{ms + 5000, 3}).String() + `', 0)`},
			wantSeq: 8, wantHLC: hlc{ms + 5000, 4},
		},
		"DeviceRowAhead": { // an earlier build's row, or what a Wipe kept
			setup:   []string{`UPDATE device SET last_seq = 12, hlc_wall = ` + itoa(ms+9000) + `, hlc_logical = 2`},
			wantSeq: 13, wantHLC: hlc{ms + 9000, 3},
		},
		"OutboxAheadOfDeviceRow": {
			setup: []string{`UPDATE device SET last_seq = 3, hlc_wall = ` + itoa(ms+1000) + `, hlc_logical = 9`,
				`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (4, 'm4', 'note.add', 1, '{}', '` + (hlc{ms + 2000, 0}).String() + `', 0)`},
			wantSeq: 5, wantHLC: hlc{ms + 2000, 1},
		},
		"EmptyOutboxClock": { // rows written by tests and tools carry ""
			setup:   []string{`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (2, 'm2', 'note.add', 1, '{}', '', 0)`},
			wantSeq: 3, wantHLC: hlc{ms, 0},
		},
		"WipeKeepsClock": {
			setup:   []string{`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (40, 'm40', 'note.add', 1, '{}', '` + (hlc{ms + 7000, 5}).String() + `', 0)`},
			wipe:    true,
			wantSeq: 1, wantHLC: hlc{ms + 7000, 6},
		},
		"DamagedClock": {
			setup:    []string{`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (1, 'm1', 'note.add', 1, '{}', 'yesterday', 0)`},
			wantCode: app.ECORRUPT,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			rawExec(t, db.write, tc.setup...)
			if tc.wipe {
				if err := db.Wipe(t.Context()); err != nil {
					t.Fatal(err)
				}
				if err := db.Load(t.Context(), storetest.World()); err != nil {
					t.Fatal(err)
				}
			}
			device := deviceRow(t, db)
			outbox := countRows(t, db, "outbox")
			ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
			m, err := NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-" + name, Ticket: storetest.T2, Text: "checked"}})
			if got := deviceRow(t, db); got != device {
				t.Errorf("device row %q after the commit, was %q", got, device)
			}
			if tc.wantCode != "" {
				if app.ErrorCode(err) != tc.wantCode {
					t.Errorf("Commit: %v, want %s", err, tc.wantCode)
				}
				if n := countRows(t, db, "outbox"); n != outbox {
					t.Errorf("outbox %d rows after a refused action, was %d", n, outbox)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Seq != tc.wantSeq || m.HLC != tc.wantHLC.String() {
				t.Errorf("seq %d, HLC %s; want %d, %s", m.Seq, m.HLC, tc.wantSeq, tc.wantHLC)
			}
			st, err := db.SyncState(t.Context())
			if err != nil || st.LastSeq != tc.wantSeq {
				t.Errorf("SyncState: last seq %d, %v; want %d", st.LastSeq, err, tc.wantSeq)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// deviceRow is the device row's columns that Commit used to write.
func deviceRow(t *testing.T, db *DB) string {
	t.Helper()
	var s string
	if err := db.read.QueryRow(`SELECT last_seq || '/' || hlc_wall || '/' || hlc_logical FROM device WHERE id = 1`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func countRows(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

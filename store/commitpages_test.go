package store

import (
	"cmp"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
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

// TestSaveTicketWritesWhatMoved: a user action that saves a ticket leaves
// the row and every index as a full write would (the row's columns are
// ticketArgs of its data; the integrity check compares each index with
// the rows), and writes to the write-ahead log only the ticket indexes
// holding a column it moved. A save that changes another column (the
// serial) writes them all, as every save did before.
func TestSaveTicketWritesWhatMoved(t *testing.T) {
	str := func(s string) *string { return &s }
	lists := []string{"tickets_list_appointment", "tickets_list_priority", "tickets_list_sla", "tickets_list_updated", "tickets_search"}
	cases := map[string]struct {
		cmd     app.Command
		indexes []string // the ticket indexes written, sorted; nil for all
	}{
		"WaitForParts": {&app.TransitionTicket{Action: app.ActionWait, Ticket: storetest.T2, Epoch: 1, Reason: "battery ordered"}, lists},
		"Start":        {&app.TransitionTicket{Action: app.ActionStart, Ticket: storetest.T8, Epoch: 1}, []string{"tickets_list_updated", "tickets_search"}},
		"Diagnosis":    {&app.UpdateTicket{Ticket: storetest.T2, Set: app.TicketFields{Diagnosis: str("cable loose")}}, []string{"tickets_list_updated", "tickets_search"}},
		"Serial":       {&app.UpdateTicket{Ticket: storetest.T8, Set: app.TicketFields{Serial: str("SN-NEW-4711")}}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			rawExec(t, db.write, `PRAGMA wal_checkpoint(TRUNCATE)`)
			ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
			if _, err := NewCommitter(db).Commit(t.Context(), ana, tc.cmd); err != nil {
				t.Fatal(err)
			}
			written := walBtrees(t, db)
			var got, all []string
			rows, err := db.read.Query(`SELECT name FROM pragma_index_list('tickets') WHERE origin = 'c' ORDER BY name`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				all = append(all, n)
				if written[n] {
					got = append(got, n)
				}
			}
			rows.Close()
			want := tc.indexes
			if want == nil {
				want = slices.DeleteFunc(all, func(n string) bool { return n == "tickets_left_scope" }) // left_scope is not assigned
			}
			if !slices.Equal(got, want) {
				t.Errorf("ticket indexes written %v, want %v", got, want)
			}
			id := app.TicketOf(tc.cmd)
			var data []byte
			old := make([]any, len(ticketCols))
			dest := []any{new(int64)}
			for i := range old {
				dest = append(dest, &old[i])
			}
			if err := db.read.QueryRow(ticketOld, string(id)).Scan(dest...); err != nil {
				t.Fatal(err)
			}
			if err := db.read.QueryRow(`SELECT data FROM tickets WHERE id = ?`, string(id)).Scan(&data); err != nil {
				t.Fatal(err)
			}
			tk, err := decodeTicket(data)
			if err != nil {
				t.Fatal(err)
			}
			args, err := ticketArgs(tk)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range ticketCols {
				if !sameValue(old[i], args[i]) {
					t.Errorf("column %s is %v, its data says %v", c, old[i], args[i])
				}
			}
			var check string
			if err := db.read.QueryRow(`PRAGMA integrity_check(tickets)`).Scan(&check); err != nil || check != "ok" {
				t.Errorf("integrity check: %s, %v", check, err)
			}
		})
	}
}

// TestTicketColsMatchUpsert: saveTicket compares a row with ticketArgs
// column by column through ticketCols, which must name ticketUpsert's
// columns in its order: a column added to one and not the other would
// compare the wrong values.
func TestTicketColsMatchUpsert(t *testing.T) {
	cols := ticketUpsert[strings.Index(ticketUpsert, "(")+1 : strings.Index(ticketUpsert, ")")]
	var got []string
	for _, c := range strings.Split(cols, ",") {
		got = append(got, strings.TrimSpace(c))
	}
	want := append(ticketCols[:], "data")
	if !slices.Equal(got, want) {
		t.Errorf("ticketUpsert's columns %v, ticketCols and data %v", got, want)
	}
	args, err := ticketArgs(storetest.World().Tickets[0].Ticket)
	if err != nil || len(args) != len(want) {
		t.Errorf("ticketArgs: %d values, %v; want %d", len(args), err, len(want))
	}
}

// walBtrees names the tables and indexes with a page in db's write-ahead
// log (dbstat maps each page to its b-tree).
func walBtrees(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(db.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int
	if err := db.read.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	const walHeader, frameHeader = 32, 24
	out := map[string]bool{}
	for off := walHeader; off+frameHeader+pageSize <= len(b); off += frameHeader + pageSize {
		var name string
		err := db.read.QueryRow(`SELECT name FROM dbstat WHERE pageno = ?`, binary.BigEndian.Uint32(b[off:])).Scan(&name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) { // a free page is in no b-tree
			t.Fatal(err)
		}
		out[name] = true
	}
	return out
}

// TestActionReadsTicketAsWritten: the ticket an action reads is the row's
// as it is now, also when an earlier action read it and something wrote
// it since: a pull that gives it to another technician, or an action.
func TestActionReadsTicketAsWritten(t *testing.T) {
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	cases := map[string]struct {
		write    func(t *testing.T, db *DB)
		wantCode string // of a note on T2 by Ana afterwards
	}{
		"Unchanged": {func(*testing.T, *DB) {}, ""},
		"PulledToBo": {func(t *testing.T, db *DB) {
			w := storetest.World()
			for _, d := range w.Tickets {
				if d.Ticket.ID == storetest.T2 {
					d.Ticket.Technician = storetest.Bo
					if err := db.Load(t.Context(), app.Dataset{Tickets: []app.TicketDetail{d}}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}, app.EFORBIDDEN},
		"WaitingAfterAction": {func(t *testing.T, db *DB) {
			if _, err := NewCommitter(db).Commit(t.Context(), ana, &app.TransitionTicket{Action: app.ActionWait, Ticket: storetest.T2, Epoch: 1, Reason: "battery ordered"}); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			c := NewCommitter(db)
			if _, err := c.Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T2, Text: "first"}}); err != nil {
				t.Fatal(err)
			}
			tc.write(t, db)
			_, err := c.Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-2", Ticket: storetest.T2, Text: "second"}})
			if app.ErrorCode(err) != tc.wantCode {
				t.Errorf("a note afterwards: %v, want code %q", err, tc.wantCode)
			}
			// The status a resume reads is the row's: it resumes only a
			// ticket waiting for parts.
			_, err = c.Commit(t.Context(), ana, &app.TransitionTicket{Action: app.ActionResume, Ticket: storetest.T2, Epoch: 1})
			if wantOK := name == "WaitingAfterAction"; (err == nil) != wantOK {
				t.Errorf("resume afterwards: %v, want success %v", err, wantOK)
			}
		})
	}
}

// TestMutationHeadTicket: the ticket row Commit read with the device row
// serves the command's reads of it until the command saves the ticket;
// a read after the save is the saved ticket, and a ticket that is not
// here is ENOTFOUND, as from the row.
func TestMutationHeadTicket(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	err := db.actionTx(t.Context(), func(tx txRunner) error {
		m := &mutationTx{db: db, tx: tx}
		m.head.id = storetest.T2
		var err error
		if m.head.data, err = ticketData(t.Context(), m.tx, storetest.T2); err != nil {
			return err
		}
		first, err := m.Ticket(t.Context(), storetest.T2)
		if err != nil || first.ID != storetest.T2 {
			t.Errorf("first read: %v, %v", first.ID, err)
		}
		first.Diagnosis = "saved in this transaction"
		if err := m.SaveTicket(t.Context(), first); err != nil {
			return err
		}
		if m.head.data != nil {
			t.Error("head kept after the ticket was saved")
		}
		again, err := m.Ticket(t.Context(), storetest.T2)
		if err != nil || again.Diagnosis != first.Diagnosis {
			t.Errorf("read after the save: diagnosis %q, %v; want %q", again.Diagnosis, err, first.Diagnosis)
		}
		m.head.id, m.head.data = "t-missing", nil
		if _, err := m.Ticket(t.Context(), "t-missing"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("a missing ticket: %v, want %s", err, app.ENOTFOUND)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMutationTicketAfterRollback: within one action, a read of the ticket
// Commit read with the device row is the ticket as last written, however
// often the action saved it and whatever a savepoint rolled back; after a
// failed action, the next one reads the ticket as committed, never a value
// only the failed one wrote.
func TestMutationTicketAfterRollback(t *testing.T) {
	type step struct {
		op        string // "save", "savepoint", "rollback" or "read"
		diagnosis string // saved, or wanted from the read ("": as loaded)
	}
	cases := map[string]struct {
		steps []step
		fail  bool   // the action fails after its steps
		after string // the diagnosis the next action reads ("": as loaded)
	}{
		"SavedTwice": {steps: []step{{"save", "first"}, {"read", "first"}, {"save", "second"}, {"read", "second"}}, after: "second"},
		"SaveRolledBack": {steps: []step{{"savepoint", ""}, {"save", "first"}, {"read", "first"}, {"rollback", ""}, {"read", ""}},
			after: ""},
		"SaveAfterRollback": {steps: []step{{"savepoint", ""}, {"save", "first"}, {"rollback", ""}, {"save", "second"}, {"read", "second"}},
			after: "second"},
		"FailedAction": {steps: []step{{"read", ""}, {"save", "first"}, {"read", "first"}}, fail: true, after: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			loaded, err := NewTicketService(db).TicketDetail(t.Context(), storetest.T2)
			if err != nil || loaded.Ticket.Diagnosis == "" {
				t.Fatalf("T2 as loaded: diagnosis %q, %v; the test needs one", loaded.Ticket.Diagnosis, err)
			}
			want := func(d string) string { return cmp.Or(d, loaded.Ticket.Diagnosis) }
			errFail := errors.New("the action fails")
			// action runs fn as Commit runs a command: head read first.
			action := func(fn func(m *mutationTx) error) error {
				return db.actionTx(t.Context(), func(tx txRunner) error {
					m := &mutationTx{db: db, tx: tx}
					m.head.id = storetest.T2
					var err error
					if m.head.data, err = ticketData(t.Context(), m.tx, storetest.T2); err != nil {
						return err
					}
					return fn(m)
				})
			}
			err = action(func(m *mutationTx) error {
				for i, s := range tc.steps {
					var err error
					switch s.op {
					case "save":
						var tk app.Ticket
						if tk, err = m.Ticket(t.Context(), storetest.T2); err == nil {
							tk.Diagnosis = s.diagnosis
							err = m.SaveTicket(t.Context(), tk)
						}
					case "savepoint":
						err = m.Savepoint(t.Context())
					case "rollback":
						err = m.RollbackToSavepoint(t.Context())
					case "read":
						var tk app.Ticket
						if tk, err = m.Ticket(t.Context(), storetest.T2); err == nil && tk.Diagnosis != want(s.diagnosis) {
							t.Errorf("step %d: read diagnosis %q, want %q", i, tk.Diagnosis, want(s.diagnosis))
						}
					}
					if err != nil {
						return fmt.Errorf("step %d (%s): %w", i, s.op, err)
					}
				}
				if tc.fail {
					return errFail
				}
				return nil
			})
			if tc.fail != errors.Is(err, errFail) || !tc.fail && err != nil {
				t.Fatalf("the action: %v (fail %t)", err, tc.fail)
			}
			err = action(func(m *mutationTx) error {
				tk, err := m.Ticket(t.Context(), storetest.T2)
				if err == nil && tk.Diagnosis != want(tc.after) {
					t.Errorf("the next action reads diagnosis %q, want %q", tk.Diagnosis, want(tc.after))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCommitReadsSavedTicketOnce: a command that saves its ticket has the
// ticket's rid read with the device row (commitHeadRid), and its save
// compares with the row its data makes, without reading the row again
// (ticketOld); a part's consumption has its part and location read with
// the head (commitHeadStock), not again (partByNumber, locationByID);
// another command reads only the head. The statements a commit ran are
// those the writer's connection ran more times after it than before
// (keptUses).
func TestCommitReadsSavedTicketOnce(t *testing.T) {
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	cases := map[string]struct {
		cmd   app.Command
		saves bool
	}{
		"WaitForParts": {&app.TransitionTicket{Action: app.ActionWait, Ticket: storetest.T2, Epoch: 1, Reason: "battery ordered"}, true},
		"LogRepair":    {&app.LogRepair{Entry: app.RepairEntry{ID: "r-once", Ticket: storetest.T2, Action: "replaced battery", Minutes: 30}}, true},
		"Note":         {&app.AddNote{Note: app.Note{ID: "n-once", Ticket: storetest.T2, Text: "checked"}}, false},
		"Consume":      {&app.ConsumePart{Used: app.PartUsed{ID: "u-once", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			before, err := getTicket(t.Context(), db.read, storetest.T2)
			if err != nil {
				t.Fatal(err)
			}
			usesBefore := keptUses(t, db)
			if _, err := NewCommitter(db).Commit(t.Context(), ana, tc.cmd); err != nil {
				t.Fatal(err)
			}
			usesAfter := keptUses(t, db)
			ran := func(q string) bool { return usesAfter[q] > usesBefore[q] }
			_, _, stock := stockRefs(tc.cmd)
			for _, h := range []struct {
				saves, stock bool
			}{{false, false}, {true, false}, {false, true}} {
				want := h.saves == tc.saves && h.stock == stock
				if ran(commitHeadQuery(h.saves, h.stock)) != want {
					t.Errorf("ran the head with the row %t and the stock %t: %t, want %t", h.saves, h.stock, !want, want)
				}
			}
			if ran(partByNumber) || ran(locationByID) {
				t.Error("the part or the location was read again after the head")
			}
			if ran(ticketOld) {
				t.Error("the ticket's row was read again to save it")
			}
			after, err := getTicket(t.Context(), db.read, storetest.T2)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tc.cmd.(*app.LogRepair); ok && after.LabourMinutes != before.LabourMinutes+30 {
				t.Errorf("labour %d minutes after the repair entry, want %d", after.LabourMinutes, before.LabourMinutes+30)
			}
			var updated sql.NullInt64
			var status string
			if err := db.read.QueryRow(`SELECT updated_at, status FROM tickets WHERE id = ?`, string(storetest.T2)).Scan(&updated, &status); err != nil {
				t.Fatal(err)
			}
			if !fromNsec(updated).Equal(after.UpdatedAt) || status != string(after.Status) {
				t.Errorf("row says updated %v, %s; its JSON %v, %s", fromNsec(updated), status, after.UpdatedAt, after.Status)
			}
		})
	}
}

package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/walvfs"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// factTables are the tables migration 0014 rebuilds WITHOUT ROWID.
var factTables = []string{"notes", "repairs", "parts_used"}

// TestMigrate0014: a store the code before 0014 made, with facts recorded
// here (unsent and sent back) and pulled, keeps every fact with every
// column; the tables are WITHOUT ROWID with their index by ticket; the
// facts still list on their ticket; a fact ID seen before is still refused.
func TestMigrate0014(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0014_facts_without_rowid.sql")
	insertWorldTickets(t, raw)
	at := storetest.Now.Add(-3)
	facts := []struct {
		q    string
		args []any
	}{
		{noteInsert, append(noteArgs(app.Note{ID: "n-unsent", Ticket: storetest.T2, Text: "unsent", At: at, By: "ana"}), 7)},
		{noteInsert, append(noteArgs(app.Note{ID: "n-sent", Ticket: storetest.T2, Text: "sent, back", At: at, By: "ana"}), 3)},
		{noteLoad, noteArgs(app.Note{ID: "n-sent", Ticket: storetest.T2, Text: "sent, back", At: at, By: "ana"})},
		{noteLoad, noteArgs(app.Note{ID: "n-pulled", Ticket: storetest.T1, Text: "from the server 浦东", At: at.Add(1), By: "bo"})},
		{repairInsert, append(repairArgs(app.RepairEntry{ID: "r-unsent", Ticket: storetest.T2, Action: "swapped", Minutes: 12, At: at, By: "ana"}), 8)},
		{repairLoad, repairArgs(app.RepairEntry{ID: "r-pulled", Ticket: storetest.T1, Action: "tested", Minutes: 5, At: at, By: "bo"})},
		{partUsedInsert, append(partUsedArgs(app.PartUsed{ID: "u-unsent", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 2, Serial: "S1", DefectiveSerial: "D1", From: storetest.VanAna, At: at}), 9)},
		{partUsedLoad, partUsedArgs(app.PartUsed{ID: "u-pulled", Ticket: storetest.T1, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna, At: at})},
	}
	for _, f := range facts {
		if _, err := raw.Exec(f.q, f.args...); err != nil {
			t.Fatalf("%s: %v", f.q, err)
		}
	}
	before := map[string][]string{}
	for _, table := range factTables {
		before[table] = dumpTable(t, raw, table)
		if len(before[table]) < 2 {
			t.Fatalf("%s: %d rows before the upgrade, want at least 2", table, len(before[table]))
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenMigrated(t, path, WithClock(fixedClock(storetest.Now)))
	for _, table := range factTables {
		if got := dumpTable(t, db.read, table); !slices.Equal(got, before[table]) {
			t.Errorf("%s after the upgrade:\n%q\nbefore:\n%q", table, got, before[table])
		}
		var withoutRowid int
		if err := db.read.QueryRow(`SELECT wr FROM pragma_table_list WHERE name = ?`, table).Scan(&withoutRowid); err != nil || withoutRowid != 1 {
			t.Errorf("%s: WITHOUT ROWID %d (%v), want 1", table, withoutRowid, err)
		}
		var indexes int
		if err := db.read.QueryRow(`SELECT count(*) FROM pragma_index_list(?) WHERE name = ?`, table, table+"_ticket").Scan(&indexes); err != nil || indexes != 1 {
			t.Errorf("%s: %d indexes %s_ticket (%v), want 1", table, indexes, table, err)
		}
	}
	if err := db.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	d, err := NewTicketService(db).TicketDetail(t.Context(), storetest.T2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Notes) != 2 || len(d.Repairs) != 1 || len(d.Parts) != 1 {
		t.Errorf("T2 lists %d notes, %d repairs, %d parts; want 2, 1, 1", len(d.Notes), len(d.Repairs), len(d.Parts))
	}
	_, err = NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-unsent", Ticket: storetest.T2, Text: "again"}})
	if app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("a note with a known ID after the upgrade: %v, want %s", err, app.ECONFLICT)
	}
}

// dumpTable is every row of table, every column, in ID order.
func dumpTable(t *testing.T, q *sql.DB, table string) []string {
	t.Helper()
	rows, err := q.Query(`SELECT * FROM ` + table + ` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := ""
		for i, c := range cols {
			s += fmt.Sprintf("%s=%v ", c, vals[i])
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFactCommitPages: recording a note, a repair entry or a part used
// writes the fact's row once, in its ID's b-tree, and its index by ticket;
// no separate index of its ID (migration 0014); and the outbox's row and
// index by ticket, no index of the mutation ID (migration 0015). A part
// used's movement is written once too, in its ID's b-tree and its balance
// index, and not in movements_local (migration 0028).
func TestFactCommitPages(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	outbox := []string{"outbox", "outbox_ticket"}
	cases := []struct {
		cmd  app.Command
		want []string
	}{
		{&app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T2, Text: "checked"}}, []string{"notes", "notes_ticket"}},
		{&app.LogRepair{Entry: app.RepairEntry{ID: "r-1", Ticket: storetest.T2, Action: "swapped", Minutes: 5}}, []string{"repairs", "repairs_ticket"}},
		{&app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}}, []string{"parts_used", "parts_used_ticket", "movements", "movements_from"}},
	}
	for _, tc := range cases {
		if _, err := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		if _, err := NewCommitter(db).Commit(t.Context(), ana, tc.cmd); err != nil {
			t.Fatal(err)
		}
		written := walBtrees(t, db)
		for _, name := range append(tc.want, outbox...) {
			if !written[name] {
				t.Errorf("%T: no page of %s written", tc.cmd, name)
			}
		}
		for name := range written {
			if table := tc.want[0]; name == "sqlite_autoindex_"+table+"_1" {
				t.Errorf("%T: a page of %s written: the row is kept twice", tc.cmd, name)
			}
			// The outbox writes its row and its index by ticket, no index
			// of the mutation ID (migration 0015).
			if strings.HasPrefix(name, "sqlite_autoindex_outbox") {
				t.Errorf("%T: a page of %s written: the outbox keeps an index of the mutation ID", tc.cmd, name)
			}
			if name == "sqlite_autoindex_movements_1" || name == "movements_local" {
				t.Errorf("%T: a page of %s written: the movement is kept twice", tc.cmd, name)
			}
		}
	}
}

// insertWorldTickets writes storetest.World's tickets into raw, a store
// an older migration left (rawDBBefore), as that code would have.
func insertWorldTickets(t *testing.T, raw *sql.DB) {
	t.Helper()
	for _, d := range storetest.World().Tickets {
		args, err := ticketArgs(d.Ticket)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(ticketUpsert, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// TestActionWritesTheLogOnce: the writer opens through internal/walvfs,
// so an action's commit hands the log one write, whatever number of
// pages it changed (SQLite alone writes two per page).
func TestActionWritesTheLogOnce(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	// The first commit after a checkpoint also writes the log's header.
	if _, err := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-0", Ticket: storetest.T2, Text: "first"}}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"note", "consume", "status"} {
		const actions = 20
		before := walvfs.Writes()
		for i := range actions {
			if _, err := c.Commit(t.Context(), ana, benchCommands[kind](i)); err != nil {
				t.Fatal(err)
			}
		}
		if got := walvfs.Writes() - before; got != actions {
			t.Errorf("%d actions (%s) handed the log %d writes, want one each", actions, kind, got)
		}
	}
}

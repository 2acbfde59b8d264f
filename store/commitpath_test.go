package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/sqlitetx"
	"github.com/fieldbench/fieldbench/store/storetest"
	"modernc.org/sqlite"
)

// TestCommitSearchEntry: a user action that changes what ticket search
// indexes rewrites the ticket's entry (the new value is found, the old one
// no longer); one that does not keeps the entry as it is, writing nothing
// to the index.
func TestCommitSearchEntry(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := map[string]struct {
		cmd     func(phone string) app.Command
		found   string // a query that must find T8 afterwards ("139" is in its old phone only)
		gone    string // a query that must no longer find it ("" for none)
		reindex bool   // the index is written
	}{
		"StatusChange": {
			cmd: func(string) app.Command {
				return &app.TransitionTicket{Action: app.ActionStart, Ticket: storetest.T8, Epoch: 1}
			},
			found: "139 0008",
		},
		"Diagnosis": {
			cmd: func(string) app.Command {
				return &app.UpdateTicket{Ticket: storetest.T8, Set: app.TicketFields{Diagnosis: str("screen cable loose")}}
			},
			found: "139 0008",
		},
		"Serial": {
			cmd: func(string) app.Command {
				return &app.UpdateTicket{Ticket: storetest.T8, Set: app.TicketFields{Serial: str("SN-NEW-4711")}}
			},
			found:   "NEW-4711",
			reindex: true,
		},
		"Phone": {
			cmd: func(seen string) app.Command {
				return &app.UpdateTicket{Ticket: storetest.T8, Set: app.TicketFields{CustomerPhone: str("+86 (21) 5555-0100")}, Base: app.TicketFields{CustomerPhone: &seen}}
			},
			found:   "5555 0100",
			gone:    "139 0008",
			reindex: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
			if err := db.Load(t.Context(), storetest.World()); err != nil {
				t.Fatal(err)
			}
			var phone string
			if err := db.read.QueryRow(`SELECT customer_phone FROM tickets WHERE id = ?`, string(storetest.T8)).Scan(&phone); err != nil {
				t.Fatal(err)
			}
			before := indexBlocks(t, db.read)
			ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
			if _, err := NewCommitter(db).Commit(t.Context(), ana, tc.cmd(phone)); err != nil {
				t.Fatal(err)
			}
			if after := indexBlocks(t, db.read); (after != before) != tc.reindex {
				t.Errorf("index blocks %d -> %d, want rewritten %v", before, after, tc.reindex)
			}
			tickets := NewTicketService(db)
			got, total, err := tickets.FindTickets(t.Context(), app.TicketFilter{Query: tc.found})
			if err != nil || total != 1 || got[0].ID != storetest.T8 {
				t.Errorf("search %q: %v of %d, %v; want T8 alone", tc.found, got, total, err)
			}
			if tc.gone != "" {
				if _, total, err := tickets.FindTickets(t.Context(), app.TicketFilter{Query: tc.gone}); err != nil || total != 0 {
					t.Errorf("search %q for the old value: %d found, %v; want none", tc.gone, total, err)
				}
			}
		})
	}
}

// indexBlocks counts the ticket search index's stored blocks: writing an
// entry adds one, whatever else the index does.
func indexBlocks(t *testing.T, q *sql.DB) int {
	t.Helper()
	var n int
	if err := q.QueryRow(`SELECT count(*) FROM tickets_fts_data`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCommitWaitsForWriterWithinContext: a Commit queued behind another
// write gives up when its context ends, saving nothing, and commits once
// the writer is free.
func TestCommitWaitsForWriterWithinContext(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	busy, err := db.write.Conn(t.Context()) // another write holding the writer
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = NewCommitter(db).Commit(ctx, ana, &app.AddNote{Note: app.Note{ID: "n-wait", Ticket: storetest.T2, Text: "waited"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Commit behind a busy writer: %v, want the context's deadline", err)
	}
	busy.Close()
	if n, err := NewOutbox(db).PendingCount(t.Context()); err != nil || n != 0 {
		t.Errorf("outbox after the abandoned commit: %d, %v; want 0", n, err)
	}
	if _, err := NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-wait", Ticket: storetest.T2, Text: "waited"}}); err != nil {
		t.Errorf("Commit once the writer is free: %v", err)
	}
}

// TestActionEndsOnErrorAndPanic: an action whose statements fail, or
// whose code panics, after it wrote saves nothing and leaves no
// transaction open on the writer: the next action and a writeTx commit,
// within a second (a writer never given back would make them wait for
// ever), and a panic goes on to the action's caller.
func TestActionEndsOnErrorAndPanic(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	draft := func(tx txRunner) error {
		_, err := tx.ExecContext(t.Context(), `INSERT INTO drafts (ticket_id, technician, field, text, base, updated_at) VALUES (?, ?, 'diagnosis', 'half typed', '', 0)`,
			string(storetest.T2), string(storetest.Ana))
		return err
	}
	nextCommits := func(after string, i int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := NewCommitter(db).Commit(ctx, ana, &app.AddNote{Note: app.Note{ID: fmt.Sprint("n-after-", i), Ticket: storetest.T2, Text: "next"}}); err != nil {
			t.Errorf("an action after %s: %v", after, err)
		}
		if err := db.writeTx(ctx, func(tx *sql.Tx) error { return setReceiptPrefix(ctx, tx, "AB") }); err != nil {
			t.Errorf("a write transaction after %s: %v", after, err)
		}
	}
	err := db.actionTx(t.Context(), func(tx txRunner) error {
		if err := draft(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(t.Context(), `INSERT INTO no_such_table VALUES (1)`)
		return err
	})
	if err == nil {
		t.Fatal("an action whose statement fails: no error")
	}
	nextCommits("a failed statement", 1)
	func() {
		defer func() {
			if r := recover(); r != "the action's code panicked" {
				t.Errorf("an action that panicked: recovered %v, want its panic", r)
			}
		}()
		_ = db.actionTx(t.Context(), func(tx txRunner) error {
			if err := draft(tx); err != nil {
				return err
			}
			panic("the action's code panicked")
		})
	}()
	nextCommits("a panic", 2)
	var drafts int
	if err := db.read.QueryRow(`SELECT count(*) FROM drafts`).Scan(&drafts); err != nil || drafts != 0 {
		t.Errorf("%d drafts saved by the actions that failed (%v), want none", drafts, err)
	}
	if n, err := NewOutbox(db).PendingCount(t.Context()); err != nil || n != 2 {
		t.Errorf("outbox: %d, %v; want the 2 notes after", n, err)
	}
}

// TestActionStartsNoGoroutine: a user action whose context can end
// starts no goroutine once it holds the writer: database/sql's Tx started
// one per transaction, to watch its context, and a Rows one per query
// with a context that can end, which together cost a tenth of an action's
// CPU. A few goroutines of the runtime (a collection's workers) may start
// meanwhile; not one per action.
func TestActionStartsNoGoroutine(t *testing.T) {
	db := mustOpen(t, WithClock(app.SystemClock))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const actions = 60
	commit := func(i int) {
		var cmd app.Command
		switch i % 3 {
		case 0:
			cmd = &app.AddNote{Note: app.Note{ID: fmt.Sprint("n-g-", i), Ticket: storetest.T2, Text: "checked"}}
		case 1:
			cmd = &app.ConsumePart{Used: app.PartUsed{ID: fmt.Sprint("u-g-", i), Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}}
		default:
			cmd = &app.TransitionTicket{Action: app.ActionWait, Ticket: storetest.T2, Epoch: 1, Reason: "battery ordered"}
			if i%2 == 1 {
				cmd = &app.TransitionTicket{Action: app.ActionResume, Ticket: storetest.T2, Epoch: 1}
			}
		}
		if _, err := c.Commit(ctx, ana, cmd); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 { // each action's statements prepared
		commit(i)
	}
	before := goroutinesCreated()
	for i := 3; i < 3+actions; i++ {
		commit(i)
	}
	if started := goroutinesCreated() - before; started >= actions/4 {
		t.Errorf("%d actions started %d goroutines, want none of their own", actions, started)
	}
}

// keptUses is how many times the writer's connection ran each statement
// it keeps prepared (sqlitetx.KeptUses).
func keptUses(t testing.TB, db *DB) map[string]int {
	t.Helper()
	uses, err := sqlitetx.KeptUses(t.Context(), db.write)
	if err != nil {
		t.Fatal(err)
	}
	return uses
}

// TestStmtCache: the statements of a user action are prepared once, by
// the first action of their kind, and run again by the next, which
// prepares none; they survive a Wipe (VACUUM).
func TestStmtCache(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	note := func(id string) app.Command {
		return &app.AddNote{Note: app.Note{ID: id, Ticket: storetest.T2, Text: "checked the port"}}
	}
	if _, err := c.Commit(t.Context(), ana, note("n-1")); err != nil {
		t.Fatal(err)
	}
	first := keptUses(t, db)
	for _, q := range []string{commitHead, noteInsert, outboxInsert} {
		if first[q] == 0 {
			t.Errorf("not kept after the first note: %.40s", q)
		}
	}
	if _, err := c.Commit(t.Context(), ana, note("n-2")); err != nil {
		t.Fatal(err)
	}
	again := keptUses(t, db)
	if len(again) != len(first) {
		t.Errorf("a second note kept %d more statements", len(again)-len(first))
	}
	for _, q := range []string{commitHead, noteInsert, outboxInsert} {
		if again[q] != first[q]+1 {
			t.Errorf("the second note ran its kept %.40s %d times, want once", q, again[q]-first[q])
		}
	}
	if err := db.Wipe(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	if m, err := c.Commit(t.Context(), ana, note("n-3")); err != nil || m.Seq != 1 {
		t.Errorf("note after Wipe: seq %d, %v; want 1", m.Seq, err)
	}
	if n := keptUses(t, db)[noteInsert]; n != again[noteInsert]+1 {
		t.Errorf("the note after Wipe ran the kept insert %d times, want once", n-again[noteInsert])
	}
}

// TestOpenSyncsData: the store's writer commits with fdatasync(2), as
// SQLite's Linux builds do (sqlitetx.OpenDB), where the platform has it.
func TestOpenSyncsData(t *testing.T) {
	prev, err := sqlite.Fdatasync(false)
	if errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		mustOpen(t) // opens all the same, SQLite syncing its own way
		return
	}
	t.Cleanup(func() { sqlite.Fdatasync(prev) })
	db := mustOpen(t)
	if !sqlite.FdatasyncEnabled() {
		t.Fatal("the store's writer syncs with fsync(2)")
	}
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCommitter(db).Commit(t.Context(), app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"},
		&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: storetest.T2, Text: "synced"}}); err != nil {
		t.Fatal(err)
	}
}

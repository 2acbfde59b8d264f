package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
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

// TestStmtCache: the statements of a user action are prepared once, after
// the first action of their kind, and reused by the next; the cache stays
// within its bound; they survive a Wipe (VACUUM) and are closed with the
// store.
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
	cached := func() (int, int) {
		db.stmts.mu.Lock()
		defer db.stmts.mu.Unlock()
		return len(db.stmts.stmts), len(db.stmts.missed)
	}
	if _, err := c.Commit(t.Context(), ana, note("n-1")); err != nil {
		t.Fatal(err)
	}
	first, missed := cached()
	for _, q := range []string{commitHead, noteInsert, outboxInsert} {
		if db.stmts.stmts[q] == nil {
			t.Errorf("not prepared after the first note: %.40s", q)
		}
	}
	if missed != 0 {
		t.Errorf("%d statements still to prepare after the commit", missed)
	}
	if _, err := c.Commit(t.Context(), ana, note("n-2")); err != nil {
		t.Fatal(err)
	}
	if again, _ := cached(); again != first {
		t.Errorf("a second note prepared %d more statements", again-first)
	}
	for i := range 2 * maxCachedStmts {
		db.stmts.lookup(fmt.Sprintf("SELECT %d", i))
	}
	if n, m := cached(); n+m > maxCachedStmts {
		t.Errorf("cache holds %d statements and %d to prepare, bound %d", n, m, maxCachedStmts)
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
	stmt := db.stmts.stmts[noteInsert]
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := stmt.Exec(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("a cached statement after Close: %v, want closed", err)
	}
}

// TestStmtCacheDoesNotWaitForWriter: preparing what a commit ran for the
// first time gives up within its bound when another write holds the
// writer, leaving the statement to a later commit.
func TestStmtCacheDoesNotWaitForWriter(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	const q = `SELECT last_seq FROM device WHERE id = 1`
	db.stmts.lookup(q)
	busy, err := db.write.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), prepareWait)
	defer cancel()
	start := time.Now()
	db.stmts.prepareMissed(ctx, db.write)
	if took := time.Since(start); took > time.Second {
		t.Errorf("prepareMissed behind a busy writer took %v", took)
	}
	if db.stmts.stmts[q] != nil {
		t.Error("prepared while another write held the writer")
	}
	busy.Close()
	db.stmts.lookup(q) // a later run of the statement
	db.stmts.prepareMissed(t.Context(), db.write)
	if db.stmts.stmts[q] == nil {
		t.Error("not prepared once the writer was free")
	}
}

package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

var ana = app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}

func note(id string) app.Command {
	return &app.AddNote{Note: app.Note{ID: id, Ticket: storetest.T2, Text: "note " + id}}
}

func TestHLCNext(t *testing.T) {
	ms := func(n int64) time.Time { return time.UnixMilli(n) }
	for name, tc := range map[string]struct {
		from hlc
		now  time.Time
		want hlc
	}{
		"Ahead":      {hlc{100, 7}, ms(200), hlc{200, 0}},
		"SameMilli":  {hlc{100, 7}, ms(100), hlc{100, 8}},
		"Behind":     {hlc{100, 7}, ms(50), hlc{100, 8}},
		"Overflow":   {hlc{100, maxLogical}, ms(50), hlc{101, 0}},
		"FirstEvent": {hlc{}, ms(1773133200000), hlc{1773133200000, 0}},
	} {
		if got := tc.from.next(tc.now); got != tc.want {
			t.Errorf("%s: next = %+v, want %+v", name, got, tc.want)
		}
	}
	if a, b := (hlc{99, 99999}).String(), (hlc{100, 0}).String(); a >= b {
		t.Errorf("%q sorts after %q", a, b)
	}
}

// TestHLCSurvivesClockAndRestart: the clock string keeps increasing when
// the wall clock jumps back, also across a reopen.
func TestHLCSurvivesClockAndRestart(t *testing.T) {
	path := t.TempDir() + "/fb.db"
	now := storetest.Now
	clock := app.ClockFunc(func() time.Time { return now })
	db := mustOpenPath(t, path, WithClock(clock))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	var last string
	commit := func(db *DB, id string) {
		t.Helper()
		m, err := NewCommitter(db).Commit(t.Context(), ana, note(id))
		if err != nil {
			t.Fatal(err)
		}
		if m.HLC <= last {
			t.Errorf("HLC %q after %q", m.HLC, last)
		}
		last = m.HLC
	}
	commit(db, "a")
	now = now.Add(-time.Hour) // the clock jumps back
	commit(db, "b")
	db.Close()
	db = mustOpenPath(t, path, WithClock(clock))
	now = now.Add(-time.Hour)
	commit(db, "c")
	now = storetest.Now.Add(time.Hour)
	commit(db, "d")
}

func TestCommitCancelled(t *testing.T) {
	db := mustOpen(t)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := NewCommitter(db).Commit(ctx, ana, note("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with a cancelled context: %v", err)
	}
	if n, _ := NewOutbox(db).PendingCount(t.Context()); n != 0 {
		t.Errorf("outbox has %d after a cancelled commit", n)
	}
	if _, err := NewCommitter(db).Commit(t.Context(), ana, nil); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("Commit(nil): %v", err)
	}
}

// TestLoadAfterCommit: the server's copy of a movement made here does not
// double it, and it stays pending until acknowledged.
func TestLoadAfterCommit(t *testing.T) {
	db := mustOpen(t)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	used := app.PartUsed{ID: "u-1", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 2, From: storetest.VanAna}
	if _, err := NewCommitter(db).Commit(t.Context(), ana, &app.ConsumePart{Used: used}); err != nil {
		t.Fatal(err)
	}
	echo := app.StockMovement{ID: "u-1", Kind: app.MoveConsume, Part: used.Part, From: used.From, Qty: 2, Ticket: used.Ticket}
	w := storetest.World()
	w.Movements = append(w.Movements, echo)
	w.Tickets[1].Parts = []app.PartUsed{used}
	if err := db.Load(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	bs, err := NewPartService(db).Balances(t.Context(), storetest.VanAna)
	if err != nil {
		t.Fatal(err)
	}
	if bs[0].Part != storetest.BatteryP50 || bs[0].Qty != 1 || bs[0].Pending != -2 {
		t.Errorf("battery balance = %+v, want 3-2 = 1 with 2 pending", bs[0])
	}
	d, _ := NewTicketService(db).TicketDetail(t.Context(), storetest.T2)
	if len(d.Parts) != 1 {
		t.Errorf("T2 has %d parts used, want 1", len(d.Parts))
	}
}

// TestLoadIsAtomic: a bad record anywhere leaves nothing of the dataset.
func TestLoadIsAtomic(t *testing.T) {
	db := mustOpen(t)
	w := storetest.World()
	w.Tickets = append(w.Tickets, app.TicketDetail{Ticket: app.Ticket{Number: "no id"}})
	err := db.Load(t.Context(), w)
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("Load of a bad dataset: %v", err)
	}
	var n int
	for _, table := range []string{"tickets", "parts", "parts_fts", "movements", "technicians", "rule_sets"} {
		db.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n)
		if n != 0 {
			t.Errorf("%s has %d rows after a failed load", table, n)
		}
	}
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := db.Load(ctx, app.Dataset{Parts: genParts(newRand(), 1000)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: %v", err)
	}
}

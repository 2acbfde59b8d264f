package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestMigrate0013 upgrades in place a store whose notes, repairs and parts
// used were indexed by outbox_seq (as 0012 left it): the three indexes go,
// every fact stays, and the facts of a mutation the server refused still
// leave the view after a complete pull, while accepted ones stay.
func TestMigrate0013(t *testing.T) {
	later := storetest.Now.Add(time.Hour)
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	r := &replica{t: t, db: mustOpenPath(t, path, WithClock(fixedClock(storetest.Now))), now: storetest.Now}
	if err := r.db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	var refused []app.Conflict
	for i, cmd := range append(factsOnT2("refused"), factsOnT2("accepted")...) {
		m := r.commit(ana, cmd)
		if i < 3 {
			refused = append(refused, app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictRejected, Ticket: storetest.T2, Mutation: m.ID,
				Code: app.ECONFLICT, Key: "ticket.closed", Message: "closed", At: later})
		}
	}
	before := r.detail(storetest.T2)
	n := len(migrations())
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	// Back to 0012: the indexes 0013 drops, as 0002 made them.
	rawExec(t, raw,
		`CREATE INDEX repairs_local ON repairs (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0`,
		`CREATE INDEX parts_used_local ON parts_used (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0`,
		`CREATE INDEX notes_local ON notes (outbox_seq) WHERE outbox_seq IS NOT NULL AND pulled = 0`,
		`DELETE FROM migrations WHERE name >= '0013'`, `PRAGMA user_version = 12`)
	raw.Close()

	r.db = mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	var version, left int
	if err := r.db.read.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != n {
		t.Errorf("user_version %d (%v), want %d", version, err, n)
	}
	if err := r.db.read.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name IN ('notes_local', 'repairs_local', 'parts_used_local')`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d of the dropped indexes still there (%v)", left, err)
	}
	if err := r.db.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := r.detail(storetest.T2)
	if len(after.Notes) != len(before.Notes) || len(after.Repairs) != len(before.Repairs) || len(after.Parts) != len(before.Parts) {
		t.Fatalf("after the upgrade %d notes, %d repairs, %d parts; before %d, %d, %d",
			len(after.Notes), len(after.Repairs), len(after.Parts), len(before.Notes), len(before.Repairs), len(before.Parts))
	}

	r.apply(app.PullPage{Epoch: "e1", Acked: 6, Cursor: "c1", Data: app.Dataset{Conflicts: refused}})
	r.apply(app.PullPage{Epoch: "e1", Acked: 6, Cursor: "c2", Complete: true, At: later})
	d := r.detail(storetest.T2)
	got := factsShown(d)
	for id, want := range map[string]bool{"n-refused": false, "r-refused": false, "u-refused": false, "n-accepted": true, "r-accepted": true, "u-accepted": true} {
		if got[id] != want {
			t.Errorf("after the complete pull, %s shown %t, want %t", id, got[id], want)
		}
	}
	// A commit after the upgrade writes its fact.
	r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-after", Ticket: storetest.T2, Text: "after the upgrade"}})
	if d := r.detail(storetest.T2); len(d.Notes) != len(before.Notes) {
		t.Errorf("%d notes after one refused went and one came, want %d", len(d.Notes), len(before.Notes))
	}
}

// factsShown names the notes, repair entries and parts used d shows.
func factsShown(d app.TicketDetail) map[string]bool {
	got := map[string]bool{}
	for _, n := range d.Notes {
		got[n.ID] = true
	}
	for _, e := range d.Repairs {
		got[e.ID] = true
	}
	for _, u := range d.Parts {
		got[u.ID] = true
	}
	return got
}

// factsOnT2 are a note, a repair entry and a part used on storetest.T2,
// their IDs "n-", "r-" and "u-" + tag.
func factsOnT2(tag string) []app.Command {
	return []app.Command{
		&app.AddNote{Note: app.Note{ID: "n-" + tag, Ticket: storetest.T2, Text: tag}},
		&app.LogRepair{Entry: app.RepairEntry{ID: "r-" + tag, Ticket: storetest.T2, Action: tag, Minutes: 5}},
		&app.ConsumePart{Used: app.PartUsed{ID: "u-" + tag, Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}},
	}
}

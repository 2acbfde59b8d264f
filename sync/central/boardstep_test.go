package central

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// boardStepAt is ticket id's StepAt on tenant's board, as the office
// reads it.
func boardStepAt(t *testing.T, db *DB, number string) time.Time {
	t.Helper()
	b, err := db.Board(context.Background(), BoardQuery{Tenant: tenant, Search: number, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tickets) != 1 || b.Tickets[0].Number != number {
		t.Fatalf("the board's search for %s found %+v", number, b.Tickets)
	}
	return b.Tickets[0].StepAt
}

// TestBoardShowsWhenTheLastStepWasTaken: the board keeps, for each
// ticket, when its latest step was taken in the field (StepAt, the
// history's latest field_at), not when the step reached the service: a
// departure made offline an hour ago and synced now is an hour old;
// dispatch's cancel is at its own time; a write that takes no step (a
// note, an update of the diagnosis) leaves the time alone, and so does a
// step whose time the service bounds to the previous one's.
func TestBoardShowsWhenTheLastStepWasTaken(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		w := newFieldWorld(t, cfg)
		id, number := w.onSite.ID, w.onSite.Number
		if got := boardStepAt(t, w.db, number); !got.Equal(w.created) {
			t.Errorf("a new ticket's last step at %v, want its creation %v", got, w.created)
		}
		departed := testNow.Add(-time.Hour)
		if res := w.pushAt(t, departed, visitStep(app.ActionDepart, id)); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		if got := boardStepAt(t, w.db, number); !got.Equal(departed) {
			t.Errorf("after a departure made offline at %v and synced at %v: last step at %v, want the departure's", departed, testNow, got)
		}
		w.setNow(testNow.Add(10 * time.Minute))
		diagnosis := "the pump's impeller is cracked"
		if res := w.pushAt(t, testNow.Add(5*time.Minute), &app.UpdateTicket{Ticket: id, Set: app.TicketFields{Diagnosis: &diagnosis}}); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		if res := w.pushAt(t, testNow.Add(6*time.Minute), &app.AddNote{Note: app.Note{ID: fid("note-step"), Ticket: id, Text: "gate code 4411"}}); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		if got := boardStepAt(t, w.db, number); !got.Equal(departed) {
			t.Errorf("after an update and a note, which take no step: last step at %v, want the departure's %v", got, departed)
		}
		cancelled := testNow.Add(30 * time.Minute)
		w.dispatchCancel(t, id, cancelled, departed)
		if got := boardStepAt(t, w.db, number); !got.Equal(cancelled) {
			t.Errorf("after dispatch's cancel at %v: last step at %v", cancelled, got)
		}
	})
}

// TestBoardStepAtMigrates: a database made before the board's index kept
// step_at (its updated_at held the server's time of each row's last
// write: here the sync, hours after the steps) gets, on open, each
// ticket's latest step's field time, over more tickets than one chunk
// (bulkRows); a ticket without history keeps the time it had. A second
// open finds nothing to do.
func TestBoardStepAtMigrates(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		db := openTestDB(t, cfg)
		ctx := context.Background()
		ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "CN"}}}
		created := map[string]time.Time{}
		for i := range 2*bulkRows + 5 {
			tk := boardTicket(fmt.Sprintf("STEP-%04d", i), app.StatusAssigned, "tech-a", "", time.Hour, 0, "Customer", "", "")
			tk.CreatedAt = testNow.Add(-time.Duration(i+1) * time.Minute)
			created[tk.Number] = tk.CreatedAt
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
		}
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		synced := testNow.Add(5 * time.Hour)
		for _, stmt := range []string{
			`ALTER TABLE ticket_index RENAME COLUMN step_at TO updated_at`,
			fmt.Sprintf(`UPDATE ticket_index SET updated_at = %d`, synced.UnixNano()),
			// STEP-0007 lost its history: it keeps the time it had.
			`DELETE FROM history WHERE ticket = 'tk-step-0007'`,
		} {
			if _, err := db.write.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		for open := range 2 {
			db = openTestDB(t, cfg)
			for number, want := range created {
				if number == "STEP-0007" {
					want = synced
				}
				if got := boardStepAt(t, db, number); !got.Equal(want) {
					t.Errorf("open %d: %s's last step at %v, want %v", open+1, number, got, want)
				}
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// replica is a store that pulled the conformance world as the first page
// of epoch "e1", so every ticket has its base. Its clock reads now.
type replica struct {
	t   *testing.T
	db  *DB
	now time.Time
}

func newReplica(t *testing.T) *replica {
	t.Helper()
	r := &replica{t: t, now: storetest.Now}
	r.db = mustOpen(t, WithClock(app.ClockFunc(func() time.Time { return r.now })))
	r.apply(app.PullPage{Epoch: "e1", Data: storetest.World(), Cursor: "c0", Complete: true, At: storetest.Now})
	return r
}

func (r *replica) commit(actor app.Actor, cmd app.Command) app.Mutation {
	r.t.Helper()
	m, err := NewCommitter(r.db).Commit(r.t.Context(), actor, cmd)
	if err != nil {
		r.t.Fatalf("Commit(%T): %v", cmd, err)
	}
	return m
}

func (r *replica) apply(page app.PullPage) {
	r.t.Helper()
	if err := r.db.ApplyPull(r.t.Context(), page); err != nil {
		r.t.Fatalf("ApplyPull(acked %d, cursor %q): %v", page.Acked, page.Cursor, err)
	}
}

func (r *replica) detail(id app.TicketID) app.TicketDetail {
	r.t.Helper()
	d, err := NewTicketService(r.db).TicketDetail(r.t.Context(), id)
	if err != nil {
		r.t.Fatalf("TicketDetail(%s): %v", id, err)
	}
	return d
}

// has reports whether the ticket is on the device, and as what a search
// for its number finds (the search index must follow the rows).
func (r *replica) has(id app.TicketID) bool {
	r.t.Helper()
	_, err := NewTicketService(r.db).TicketDetail(r.t.Context(), id)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		r.t.Fatalf("TicketDetail(%s): %v", id, err)
	}
	number := serverTicket(id).Ticket.Number
	found, _, ferr := NewTicketService(r.db).FindTickets(r.t.Context(), app.TicketFilter{Query: number})
	if ferr != nil {
		r.t.Fatal(ferr)
	}
	if indexed := len(found) == 1 && found[0].ID == id; indexed != (err == nil) {
		r.t.Errorf("ticket %s: on the device %v, found by its number %v", id, err == nil, indexed)
	}
	return err == nil
}

func (r *replica) pending() []int64 {
	r.t.Helper()
	ms, err := r.db.Pending(r.t.Context(), 0)
	if err != nil {
		r.t.Fatal(err)
	}
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

func (r *replica) balance(loc app.LocationID, part app.PartNumber) [2]int {
	r.t.Helper()
	bs, err := NewPartService(r.db).Balances(r.t.Context(), loc)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, b := range bs {
		if b.Part == part {
			return [2]int{b.Qty, b.Pending}
		}
	}
	return [2]int{}
}

// base decodes the server's copy of a ticket; ok is false when it is NULL.
func (r *replica) base(id app.TicketID) (t app.Ticket, ok bool) {
	r.t.Helper()
	var data sql.NullString
	if err := r.db.read.QueryRow(`SELECT base FROM tickets WHERE id = ?`, string(id)).Scan(&data); err != nil {
		r.t.Fatalf("base of %s: %v", id, err)
	}
	if !data.Valid {
		return app.Ticket{}, false
	}
	if err := json.Unmarshal([]byte(data.String), &t); err != nil {
		r.t.Fatal(err)
	}
	return t, true
}

func (r *replica) leftScope(id app.TicketID) bool {
	r.t.Helper()
	var left bool
	if err := r.db.read.QueryRow(`SELECT left_scope FROM tickets WHERE id = ?`, string(id)).Scan(&left); err != nil {
		r.t.Fatalf("left_scope of %s: %v", id, err)
	}
	return left
}

func (r *replica) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.db.read.QueryRow(query, args...).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func wantSeqs(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// serverTicket is the world's ticket id, as the server would send it.
func serverTicket(id app.TicketID) app.TicketDetail {
	for _, d := range storetest.World().Tickets {
		if d.Ticket.ID == id {
			return d
		}
	}
	panic("no ticket " + id)
}

// ticketPage is a page of epoch e1 carrying tickets.
func ticketPage(acked int64, ds ...app.TicketDetail) app.PullPage {
	return app.PullPage{Epoch: "e1", Acked: acked, Cursor: "c1", Data: app.Dataset{Tickets: ds}}
}

func TestApplyPull(t *testing.T) {
	t.Parallel()
	later := storetest.Now.Add(time.Hour)
	diag := "cracked display"
	for name, tc := range map[string]func(t *testing.T, r *replica){
		// The dispatcher reschedules T1 while the technician's diagnosis
		// waits to be sent: both show, the edit stays queued, and the base
		// keeps the server's copy without it.
		"RescheduleOverPendingUpdate": func(t *testing.T, r *replica) {
			r.commit(ana, &app.UpdateTicket{Ticket: storetest.T1, Set: app.TicketFields{Diagnosis: &diag}})
			server := serverTicket(storetest.T1)
			server.Ticket.WindowStart, server.Ticket.WindowEnd = later.AddDate(0, 0, 1), later.AddDate(0, 0, 1).Add(time.Hour)
			for i := range 2 {
				// The replay happens at the time of the commit, not of
				// the pull: every pull gives the same row.
				r.now = later.Add(time.Duration(i) * time.Hour)
				r.apply(ticketPage(0, server))
				tk := r.detail(storetest.T1).Ticket
				if tk.Diagnosis != diag || !tk.WindowStart.Equal(server.Ticket.WindowStart) || !tk.UpdatedAt.Equal(storetest.Now) {
					t.Errorf("T1 = diagnosis %q, window %v, updated %v; want both changes, as of the commit", tk.Diagnosis, tk.WindowStart, tk.UpdatedAt)
				}
				wantSeqs(t, "pending", r.pending(), 1)
				if base, ok := r.base(storetest.T1); !ok || base.Diagnosis != "" || !base.WindowStart.Equal(server.Ticket.WindowStart) {
					t.Errorf("base of T1 = %+v, %v; want the server's copy", base, ok)
				}
			}
		},
		// The dispatcher reassigned T2 (epoch 2) while the completion on
		// epoch 1 waits: the view shows the server, the completion stays
		// queued for the server to turn into a conflict.
		"StaleCompletion": func(t *testing.T, r *replica) {
			r.commit(ana, &app.TransitionTicket{Action: app.ActionComplete, Ticket: storetest.T2, Epoch: 1, Resolution: app.ResolutionRepaired})
			if st := r.detail(storetest.T2).Ticket.Status; st != app.StatusCompleted {
				t.Fatalf("T2 after the local completion is %s", st)
			}
			server := serverTicket(storetest.T2)
			server.Ticket.Epoch, server.Ticket.Status, server.Ticket.UpdatedAt = 2, app.StatusAssigned, later
			for range 2 {
				r.apply(ticketPage(0, server))
				tk := r.detail(storetest.T2).Ticket
				if tk.Status != app.StatusAssigned || tk.Epoch != 2 || !tk.CompletedAt.IsZero() || !tk.UpdatedAt.Equal(later) {
					t.Errorf("T2 = %s epoch %d completed %v updated %v; want the server's row", tk.Status, tk.Epoch, tk.CompletedAt, tk.UpdatedAt)
				}
				wantSeqs(t, "pending", r.pending(), 1)
			}
		},
		// The replay runs as the technician who committed, so an edit of a
		// ticket now assigned to someone else shows as the server has it.
		"ReassignedToOther": func(t *testing.T, r *replica) {
			r.commit(ana, &app.UpdateTicket{Ticket: storetest.T1, Set: app.TicketFields{Diagnosis: &diag}})
			server := serverTicket(storetest.T1)
			server.Ticket.Technician, server.Ticket.Epoch = storetest.Bo, 2
			r.apply(ticketPage(0, server))
			if tk := r.detail(storetest.T1).Ticket; tk.Diagnosis != "" || tk.Technician != storetest.Bo {
				t.Errorf("T1 = diagnosis %q by %s, want Bo's without Ana's edit", tk.Diagnosis, tk.Technician)
			}
			wantSeqs(t, "pending", r.pending(), 1)
		},
		// A later mutation still applies after an earlier one is refused.
		"RefusedThenApplied": func(t *testing.T, r *replica) {
			r.commit(ana, &app.TransitionTicket{Action: app.ActionComplete, Ticket: storetest.T2, Epoch: 1, Resolution: app.ResolutionRepaired})
			r.commit(ana, &app.UpdateTicket{Ticket: storetest.T2, Set: app.TicketFields{Diagnosis: &diag}})
			server := serverTicket(storetest.T2)
			server.Ticket.Status, server.Ticket.StatusReason = app.StatusWaitingParts, "battery on order"
			r.apply(ticketPage(0, server))
			tk := r.detail(storetest.T2).Ticket
			if tk.Status != app.StatusWaitingParts || tk.Diagnosis != diag || !tk.CompletedAt.IsZero() {
				t.Errorf("T2 = %s, diagnosis %q; want waiting for parts with the new diagnosis", tk.Status, tk.Diagnosis)
			}
			wantSeqs(t, "pending", r.pending(), 1, 2)
		},
		// The labour of a pending repair entry is added to the server's
		// value once, however often the page comes.
		"RepairLoggedOnce": func(t *testing.T, r *replica) {
			r.commit(ana, &app.LogRepair{Entry: app.RepairEntry{ID: "r-new", Ticket: storetest.T2, Action: "replaced battery", Minutes: 30}})
			server := serverTicket(storetest.T2)
			server.Ticket.LabourMinutes = 10
			for i := range 2 {
				r.apply(ticketPage(0, server))
				d := r.detail(storetest.T2)
				if d.Ticket.LabourMinutes != 40 || len(d.Repairs) != 2 {
					t.Errorf("pull %d: T2 labour %d with %d repairs, want 40 with 2", i+1, d.Ticket.LabourMinutes, len(d.Repairs))
				}
			}
			// Accepted: the server's row has it, nothing is replayed.
			server.Ticket.LabourMinutes = 40
			server.Repairs = append(server.Repairs, app.RepairEntry{ID: "r-new", Action: "replaced battery", Minutes: 30, At: storetest.Now})
			r.apply(ticketPage(1, server))
			if d := r.detail(storetest.T2); d.Ticket.LabourMinutes != 40 || len(d.Repairs) != 2 {
				t.Errorf("after the ack: T2 labour %d with %d repairs, want 40 with 2", d.Ticket.LabourMinutes, len(d.Repairs))
			}
			wantSeqs(t, "pending", r.pending())
		},
		// Work the server refused leaves the view once a complete pull
		// shows it never came back; the conflict keeps it visible. Work
		// acknowledged without a conflict stays, on the same ticket too.
		"RefusedDropped": func(t *testing.T, r *replica) {
			before := r.detail(storetest.T2)
			batteries := r.balance(storetest.VanAna, storetest.BatteryP50)
			diag := "refused diagnosis"
			var cfs []app.Conflict
			for _, cmd := range []app.Command{
				&app.UpdateTicket{Ticket: storetest.T2, Set: app.TicketFields{Diagnosis: &diag}},
				&app.AddNote{Note: app.Note{ID: "n-refused", Ticket: storetest.T2, Text: "refused"}},
				&app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-refused", Part: storetest.DrainPump, From: storetest.StoreSH, To: storetest.VanAna, Qty: 3}},
				&app.LogRepair{Entry: app.RepairEntry{ID: "r-refused", Ticket: storetest.T2, Action: "refused", Minutes: 5}},
				&app.ConsumePart{Used: app.PartUsed{ID: "u-refused", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}},
			} {
				m := r.commit(ana, cmd)
				cfs = append(cfs, app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictRejected, Ticket: storetest.T2, Mutation: m.ID, Code: app.ECONFLICT, Key: "ticket.closed", Message: "closed", At: later})
			}
			for _, cmd := range []app.Command{
				&app.AddNote{Note: app.Note{ID: "n-accepted", Ticket: storetest.T2, Text: "accepted"}},
				&app.LogRepair{Entry: app.RepairEntry{ID: "r-accepted", Ticket: storetest.T2, Action: "accepted", Minutes: 5}},
				&app.ConsumePart{Used: app.PartUsed{ID: "u-accepted", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}},
			} {
				r.commit(ana, cmd)
			}
			r.apply(app.PullPage{Epoch: "e1", Acked: 8, Cursor: "c2", Data: app.Dataset{Conflicts: cfs}})
			if d := r.detail(storetest.T2); d.Ticket.Diagnosis != diag || len(d.Notes) != len(before.Notes)+2 || len(d.Repairs) != len(before.Repairs)+2 || len(d.Parts) != len(before.Parts)+2 {
				t.Errorf("mid-pull: diagnosis %q with %d notes, %d repairs, %d parts; the refused work stays until the pull completes", d.Ticket.Diagnosis, len(d.Notes), len(d.Repairs), len(d.Parts))
			}
			r.apply(app.PullPage{Epoch: "e1", Acked: 8, Cursor: "c3", Complete: true, At: later})
			d := r.detail(storetest.T2)
			if d.Ticket.Diagnosis != before.Ticket.Diagnosis || len(d.Notes) != len(before.Notes)+1 {
				t.Errorf("after the complete pull: diagnosis %q with %d notes, want the server's %q with %d", d.Ticket.Diagnosis, len(d.Notes), before.Ticket.Diagnosis, len(before.Notes)+1)
			}
			for what, ids := range map[string][]string{"notes": factIDs(d.Notes, func(n app.Note) string { return n.ID }),
				"repairs": factIDs(d.Repairs, func(e app.RepairEntry) string { return e.ID }),
				"parts":   factIDs(d.Parts, func(u app.PartUsed) string { return u.ID })} {
				if slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(id, "-refused") }) {
					t.Errorf("refused %s still shown: %v", what, ids)
				}
				if !slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(id, "-accepted") }) {
					t.Errorf("accepted %s dropped: %v", what, ids)
				}
			}
			if got := r.balance(storetest.VanAna, storetest.DrainPump); got != [2]int{} {
				t.Errorf("refused transfer still counts: %v", got)
			}
			// The refused part used's movement goes with it (found through
			// the part used, migration 0028); the accepted one's stays.
			if got, want := r.balance(storetest.VanAna, storetest.BatteryP50)[0], batteries[0]-1; got != want {
				t.Errorf("the van holds %d batteries after the refusal, want %d: the refused part used's movement still counts", got, want)
			}
			if cs, err := r.db.OpenConflicts(t.Context()); err != nil || len(cs) != 5 {
				t.Errorf("conflicts = %v, %v; want the refusals visible", cs, err)
			}
		},
		// A part use refused because dispatch gave the ticket to someone
		// else: the ticket leaves the device with its part used, and the
		// part's movement leaves the van's stock (the simulation's seeds
		// 90 and 182 with migration 0028's first dropRefused, which found
		// the movement through its part used, gone with the ticket).
		"RefusedPartUseOfAGoneTicket": func(t *testing.T, r *replica) {
			batteries := r.balance(storetest.VanAna, storetest.BatteryP50)
			m := r.commit(ana, &app.ConsumePart{Used: app.PartUsed{ID: "u-gone", Ticket: storetest.T3, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}})
			r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c2", Complete: true, At: later, Data: app.Dataset{
				GoneTickets: []app.TicketID{storetest.T3},
				Conflicts: []app.Conflict{{ID: "cf-" + m.ID, Kind: app.ConflictRejected, Ticket: storetest.T3, Mutation: m.ID,
					Code: app.EFORBIDDEN, Key: "ticket.not_yours", Message: "reassigned", At: later}}}})
			if _, err := NewTicketService(r.db).TicketDetail(t.Context(), storetest.T3); app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatalf("the reassigned ticket after the pull: %v, want it gone from the device", err)
			}
			if got := r.balance(storetest.VanAna, storetest.BatteryP50); got[0] != batteries[0] {
				t.Errorf("the van holds %d batteries after the refusal, want %d: the refused part use still counts", got[0], batteries[0])
			}
		},
		// Accepted work that never comes back (its ticket went to someone
		// else before the pull) is not a refusal: a photo among it keeps
		// its place in the upload queue.
		"AcceptedOutOfScopeKept": func(t *testing.T, r *replica) {
			sum, size := r.putPhoto([]byte("photo of the old pump"))
			r.commit(ana, &app.AttachPhoto{Photo: app.Photo{ID: "p-kept", Ticket: storetest.T3, SHA256: sum, Size: size, Mime: "image/jpeg"}})
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-kept", Ticket: storetest.T3, Text: "done before the reassign"}})
			r.apply(app.PullPage{Epoch: "e1", Acked: 2, Cursor: "c2", Complete: true, At: later, Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T3}}})
			ps, err := r.db.PhotosToUpload(t.Context())
			if err != nil || len(ps) != 1 || ps[0].ID != "p-kept" {
				t.Errorf("upload queue = %v, %v; want the accepted photo still queued", ps, err)
			}
		},
		// A reset drops what the old server sent, but never the outbox
		// nor a ticket with work still to send; that one leaves when the
		// new server confirms its work without having sent it.
		"Reset": func(t *testing.T, r *replica) {
			r.commit(ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-acked", Part: storetest.DrainPump, From: storetest.StoreSH, To: storetest.VanAna, Qty: 3}})
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-keep", Ticket: storetest.T2, Text: "keep me"}})
			r.commit(ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-local", Part: storetest.BatteryP50, From: storetest.VanAna, To: storetest.StoreSH, Qty: 1}})
			r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: app.Dataset{Conflicts: []app.Conflict{{ID: "cf-1", Kind: app.ConflictField, At: later}}}})
			w := storetest.World()
			r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c2", Data: app.Dataset{
				Locations: w.Locations, Parts: w.Parts, Movements: w.Movements[:1], Tickets: w.Tickets[2:3]}})
			for id, want := range map[app.TicketID]bool{storetest.T1: false, storetest.T2: true, storetest.T3: true, storetest.T5: false} {
				if got := r.has(id); got != want {
					t.Errorf("%s on the device after the reset: %v, want %v", id, got, want)
				}
			}
			// T2 keeps this device's note; the old server's facts go with
			// its other rows (the new epoch has not sent T2).
			if d := r.detail(storetest.T2); len(d.Notes) != 1 || d.Notes[0].ID != "n-keep" || len(d.Repairs) != 0 {
				t.Errorf("T2 kept with notes %+v and %d repairs, want only n-keep", d.Notes, len(d.Repairs))
			}
			if n := r.count(`SELECT count(*) FROM photos`); n != 0 {
				t.Errorf("%d photos left of dropped tickets", n)
			}
			wantSeqs(t, "pending", r.pending(), 2, 3)
			// The server's movements are gone but the first, pulled
			// again, and so is the accepted local receipt (the new server
			// sends it when it has it); the pending transfer still counts.
			if got := r.balance(storetest.VanAna, storetest.BatteryP50); got != [2]int{4, -1} {
				t.Errorf("van battery after the reset = %v, want 5 received - 1 pending", got)
			}
			if got := r.balance(storetest.VanAna, storetest.DrainPump); got != [2]int{} {
				t.Errorf("van pump after the reset = %v, want none", got)
			}
			if n := r.count(`SELECT count(*) FROM parts`); n != len(w.Parts) {
				t.Errorf("%d parts after the reset", n)
			}
			if cs, err := r.db.OpenConflicts(t.Context()); err != nil || len(cs) != 0 {
				t.Errorf("conflicts after the reset = %v, %v", cs, err)
			}
			// The new server takes the work without sending T2 (not in
			// this device's scopes any more): it goes. It sends the
			// transfer back, in the van's stock.
			r.apply(app.PullPage{Epoch: "e2", Acked: 3, Cursor: "c3", Complete: true, At: later, Data: app.Dataset{Movements: []app.StockMovement{
				{ID: "mv-local", Kind: app.MoveTransfer, Part: storetest.BatteryP50, From: storetest.VanAna, To: storetest.StoreSH, Qty: 1, At: later}}}})
			if r.has(storetest.T2) || !r.has(storetest.T3) {
				t.Error("after the ack, T2 should be gone and T3 kept")
			}
			if got := r.balance(storetest.VanAna, storetest.BatteryP50); got != [2]int{4, 0} {
				t.Errorf("van battery after the ack = %v", got)
			}
		},
		// A ticket kept through a reset (its work is unsent) loses the
		// facts the old epoch's server sent from other devices: the new
		// epoch sends those it has, and one it lacks (it refused the
		// other device's re-push) must not stay here for good. This
		// device's own facts stay until the new epoch decides them.
		"ResetDropsOldEpochFacts": func(t *testing.T, r *replica) {
			own := app.Note{ID: "n-own", Ticket: storetest.T2, Text: "mine"}
			r.commit(ana, &app.AddNote{Note: own})
			kept := app.RepairEntry{ID: "r-other", Ticket: storetest.T2, Action: "kept by the backup", Minutes: 5}
			r.apply(app.PullPage{Epoch: "e1", Acked: 0, Cursor: "c1", Data: app.Dataset{
				Repairs:   []app.RepairEntry{kept},
				PartsUsed: []app.PartUsed{{ID: "u-lost", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}},
				Notes:     []app.Note{{ID: "n-lost", Ticket: storetest.T2, Text: "refused by the restored server"}},
			}})
			r.apply(app.PullPage{Epoch: "e2", Acked: 0, Reset: true, Cursor: "c2"})
			if got := factList(r.detail(storetest.T2)); got != "n:n-own" {
				t.Errorf("T2 facts after the reset = %s, want only this device's note", got)
			}
			d := serverTicket(storetest.T2)
			d.Repairs = append(d.Repairs, kept)
			d.Notes = append(d.Notes, own)
			want := factList(d)
			r.apply(app.PullPage{Epoch: "e2", Acked: 1, Cursor: "c3", Complete: true, At: later, Data: app.Dataset{Tickets: []app.TicketDetail{d}}})
			if got := factList(r.detail(storetest.T2)); got != want {
				t.Errorf("T2 facts = %s, want the new epoch's %s", got, want)
			}
		},
		// The server was restored: mutations after its Acked are pending
		// again, and their effects stay in view.
		"AckedGoesDown": func(t *testing.T, r *replica) {
			for _, id := range []string{"n-a", "n-b", "n-c"} {
				r.commit(ana, &app.AddNote{Note: app.Note{ID: id, Ticket: storetest.T8, Text: id}})
			}
			r.apply(ticketPage(3))
			wantSeqs(t, "pending after acked 3", r.pending())
			r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c2"})
			wantSeqs(t, "pending after the restore", r.pending(), 2, 3)
			if d := r.detail(storetest.T8); len(d.Notes) != 3 {
				t.Errorf("T8 has %d notes, want 3", len(d.Notes))
			}
		},
		"GoneWithoutWork": func(t *testing.T, r *replica) {
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-acked", Ticket: storetest.T3, Text: "sent"}})
			r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T3, "t-never-seen"}}})
			if r.has(storetest.T3) {
				t.Error("T3 is still on the device")
			}
			if n := r.count(`SELECT count(*) FROM notes WHERE ticket_id = ?`, string(storetest.T3)); n != 0 {
				t.Errorf("%d notes of T3 left", n)
			}
		},
		// A gone ticket with unsent work stays, marked, until that work is
		// acknowledged; a pull of it brings it back in scope.
		"GoneWithWork": func(t *testing.T, r *replica) {
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T4, Text: "unsent"}})
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-2", Ticket: storetest.T4, Text: "unsent"}})
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-3", Ticket: storetest.T3, Text: "unsent"}})
			r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T4, storetest.T3}}})
			if !r.has(storetest.T4) || !r.leftScope(storetest.T4) || len(r.detail(storetest.T4).Notes) != 2 {
				t.Fatal("T4 should stay, out of scope, with its notes")
			}
			// Read-only meanwhile: new work would land on someone else's ticket.
			if _, err := NewCommitter(r.db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-late", Ticket: storetest.T4, Text: "late"}}); app.ErrorCode(err) != app.ECONFLICT {
				t.Errorf("commit on a ticket out of scope: %v, want conflict", err)
			}
			r.apply(ticketPage(0, serverTicket(storetest.T3)))
			if r.leftScope(storetest.T3) {
				t.Error("T3 pulled again is still out of scope")
			}
			r.apply(ticketPage(1))
			if !r.has(storetest.T4) {
				t.Error("T4 dropped while seq 2 is pending")
			}
			r.apply(ticketPage(3))
			if r.has(storetest.T4) || !r.has(storetest.T3) {
				t.Error("after the ack, T4 should be gone and T3, back in scope, kept")
			}
		},
		// A photo whose bytes the server has not verified is unsent work:
		// dropping its ticket would take it out of the upload queue.
		"GoneWithUnverifiedPhoto": func(t *testing.T, r *replica) {
			r.commit(ana, &app.AttachPhoto{Photo: app.Photo{ID: "p-new", Ticket: storetest.T3, SHA256: strings.Repeat("ab", 32), Size: 10, Mime: "image/jpeg"}})
			r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T3}}})
			if !r.has(storetest.T3) {
				t.Fatal("T3 dropped with its photo not uploaded")
			}
			verified := app.Photo{ID: "p-new", Ticket: storetest.T3, SHA256: strings.Repeat("ab", 32), Size: 10, State: "verified"}
			r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c2", Data: app.Dataset{Photos: []app.Photo{verified}}})
			if r.has(storetest.T3) {
				t.Error("T3 kept after its photo was verified")
			}
		},
		// Movements the server accepted stop counting as pending; the
		// server's copy of a local fact does not double it.
		"MovementsAccepted": func(t *testing.T, r *replica) {
			used := app.PartUsed{ID: "u-1", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 2, From: storetest.VanAna}
			r.commit(ana, &app.ConsumePart{Used: used})
			if got := r.balance(storetest.VanAna, storetest.BatteryP50); got != [2]int{1, -2} {
				t.Fatalf("van battery after consuming 2 = %v", got)
			}
			echo := app.StockMovement{ID: "u-1", Kind: app.MoveConsume, Part: used.Part, From: used.From, Qty: 2, Ticket: used.Ticket, At: storetest.Now}
			page := app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: app.Dataset{Movements: []app.StockMovement{echo}, PartsUsed: []app.PartUsed{used}}}
			for range 2 {
				r.apply(page)
				if got := r.balance(storetest.VanAna, storetest.BatteryP50); got != [2]int{1, 0} {
					t.Errorf("van battery after the server took it = %v, want 1 with none pending", got)
				}
				if d := r.detail(storetest.T2); len(d.Parts) != 1 {
					t.Errorf("T2 has %d parts used, want 1", len(d.Parts))
				}
			}
		},
		// Loose facts land on their tickets; a known one is skipped.
		"LooseFacts": func(t *testing.T, r *replica) {
			ds := app.Dataset{
				Repairs: []app.RepairEntry{{ID: "r-0001", Ticket: storetest.T2, Action: "dup"}, {ID: "r-srv", Ticket: storetest.T2, Action: "checked", Minutes: 5}},
				Notes:   []app.Note{{ID: "n-srv", Ticket: storetest.T4, Text: "part shipped"}},
				Photos:  []app.Photo{{ID: "p-srv", Ticket: storetest.T4, SHA256: strings.Repeat("cd", 32), Size: 9, State: "pending"}},
			}
			for range 2 {
				r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: ds})
			}
			d := r.detail(storetest.T2)
			if len(d.Repairs) != 2 || slices.ContainsFunc(d.Repairs, func(e app.RepairEntry) bool { return e.Action == "dup" }) {
				t.Errorf("T2 repairs = %+v; want the known one kept and the new one added", d.Repairs)
			}
			if d := r.detail(storetest.T4); len(d.Notes) != 1 || len(d.Photos) != 1 || d.Photos[0].State != "pending" {
				t.Errorf("T4 = notes %+v photos %+v", d.Notes, d.Photos)
			}
			// Another device's photo is not this device's to upload.
			if ps, _ := r.db.PhotosToUpload(t.Context()); len(ps) != 0 {
				t.Errorf("upload queue = %+v", ps)
			}
		},
		"Conflicts": func(t *testing.T, r *replica) {
			c := func(id string, at time.Time, resolved bool) app.Conflict {
				c := app.Conflict{ID: id, Kind: app.ConflictStaleEpoch, Ticket: storetest.T2, Code: app.ECONFLICT, Key: "ticket.stale_epoch", Message: "m", At: at}
				if resolved {
					c.ResolvedAt, c.Resolution = at.Add(time.Minute), "dismissed"
				}
				return c
			}
			r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Conflicts: []app.Conflict{
				c("cf-1", storetest.Now, false), c("cf-2", later, false), c("cf-3", later, true)}}})
			cs, err := r.db.OpenConflicts(t.Context())
			if err != nil || len(cs) != 2 || cs[0].ID != "cf-2" || cs[1].ID != "cf-1" || cs[0].Ticket != storetest.T2 || !cs[1].At.Equal(storetest.Now) {
				t.Errorf("open conflicts = %+v, %v; want cf-2 then cf-1", cs, err)
			}
			r.apply(app.PullPage{Epoch: "e1", Cursor: "c2", Data: app.Dataset{Conflicts: []app.Conflict{c("cf-2", later, true)}}})
			if cs, _ := r.db.OpenConflicts(t.Context()); len(cs) != 1 || cs[0].ID != "cf-1" {
				t.Errorf("open conflicts after cf-2 was resolved = %+v", cs)
			}
		},
		// Counter staff's rights come from the technician record on a
		// replay too: a cancelled carry-in stays cancelled in the view.
		"CounterCancelReplayed": func(t *testing.T, r *replica) {
			counter := app.Actor{Role: app.RoleTechnician, Technician: storetest.Bo, Store: "store-sh", Name: "Bo Chen"}
			tk := serverTicket(storetest.T8).Ticket
			tk.ID, tk.Number, tk.Technician = "t-counter", "C-261127-000001", storetest.Bo
			r.commit(counter, &app.CreateTicket{Ticket: tk})
			r.commit(counter, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: 1, Reason: "customer took it back"})
			r.apply(ticketPage(1, app.TicketDetail{Ticket: tk}))
			if got := r.detail(tk.ID).Ticket.Status; got != app.StatusCancelled {
				t.Errorf("after the rebase the carry-in is %s, want cancelled", got)
			}
		},
		// A stock-only mutation is replayed too, and stays idempotent.
		"StockOnlyReplay": func(t *testing.T, r *replica) {
			r.commit(ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-rcv", Part: storetest.DrainPump, From: storetest.StoreSH, To: storetest.VanAna, Qty: 2}})
			for range 2 {
				r.apply(ticketPage(0, serverTicket(storetest.T1)))
				if got := r.balance(storetest.VanAna, storetest.DrainPump); got != [2]int{2, 2} {
					t.Errorf("van pump = %v, want 2 pending", got)
				}
			}
		},
	} {
		t.Run(name, func(t *testing.T) { tc(t, newReplica(t)) })
	}
}

// TestApplyPullIsAtomic: a page that fails anywhere, after the
// acknowledgement, reset and rows were written, leaves nothing of itself.
func TestApplyPullIsAtomic(t *testing.T) {
	for name, page := range map[string]app.PullPage{
		"AckAhead":   {Epoch: "e2", Acked: 2, Reset: true, Cursor: "c9", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T3}}},
		"AckBelow0":  {Epoch: "e2", Acked: -1, Cursor: "c9"},
		"BadTicket":  {Epoch: "e2", Acked: 1, Reset: true, Cursor: "c9", Data: app.Dataset{Tickets: []app.TicketDetail{{Ticket: app.Ticket{Number: "no id"}}}}},
		"OrphanFact": {Epoch: "e2", Acked: 1, Reset: true, Cursor: "c9", Data: app.Dataset{Notes: []app.Note{{ID: "n-orphan", Ticket: "t-none", Text: "x"}}}},
		"NoConflictID": {Epoch: "e2", Acked: 0, Cursor: "c9", Complete: true, At: storetest.Now.Add(time.Hour),
			Data: app.Dataset{Conflicts: []app.Conflict{{Kind: app.ConflictClock}}}},
	} {
		t.Run(name, func(t *testing.T) {
			r := newReplica(t)
			r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T2, Text: "x"}})
			before, err := r.db.SyncState(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := r.db.ApplyPull(t.Context(), page); app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("ApplyPull = %v, want EINVALID", err)
			} else if app.AsError(err).Key == "" {
				t.Errorf("error %v has no translation key", err)
			}
			if after, _ := r.db.SyncState(t.Context()); after != before {
				t.Errorf("state changed from %+v to %+v", before, after)
			}
			if !r.has(storetest.T3) || !r.has(storetest.T1) {
				t.Error("a refused page dropped tickets")
			}
			wantSeqs(t, "pending", r.pending(), 1)
		})
	}
}

// TestReplaySavepoint: a replay the data refuses after it wrote something
// leaves nothing of itself; a failure of the store fails the page. The
// consume is queued raw, as if committed before its effects were recorded
// here, so its replay writes; a trigger makes its second write fail.
func TestReplaySavepoint(t *testing.T) {
	for name, tc := range map[string]struct {
		trigger string // the body of a trigger before inserting movement u-z
		code    string // of ApplyPull
		used    int    // parts used u-z after the pull
	}{
		"Applied":      {"", "", 1},
		"Refused":      {`SELECT RAISE(ABORT, 'refused')`, "", 0},
		"StoreFailure": {`INSERT INTO no_such_table VALUES (1)`, app.EINTERNAL, 0},
	} {
		t.Run(name, func(t *testing.T) {
			r := newReplica(t)
			used := app.PartUsed{ID: "u-z", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}
			m, err := app.NewMutation(&app.ConsumePart{Used: used}, storetest.Now)
			if err != nil {
				t.Fatal(err)
			}
			rawExec(t, r.db.write, `UPDATE device SET last_seq = 1`)
			if _, err := r.db.write.Exec(`INSERT INTO outbox (seq, id, name, version, args, hlc, at, ticket_id, actor_role, actor_technician, actor_name)
				VALUES (1, ?, ?, ?, ?, '', ?, ?, 'technician', ?, 'Ana Li')`, m.ID, m.Name, m.Version, string(m.Args), m.At.UnixNano(), string(used.Ticket), string(storetest.Ana)); err != nil {
				t.Fatal(err)
			}
			if tc.trigger != "" {
				rawExec(t, r.db.write, `CREATE TRIGGER fail_u_z BEFORE INSERT ON movements WHEN NEW.id = 'u-z' BEGIN `+tc.trigger+`; END`)
			}
			server := serverTicket(storetest.T2)
			server.Ticket.Priority = app.PriorityUrgent
			err = r.db.ApplyPull(t.Context(), ticketPage(0, server))
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("ApplyPull = %v, want code %q", err, tc.code)
			}
			if n := r.count(`SELECT count(*) FROM parts_used WHERE id = 'u-z'`); n != tc.used {
				t.Errorf("%d parts used u-z, want %d", n, tc.used)
			}
			if prio := r.detail(storetest.T2).Ticket.Priority; (prio == app.PriorityUrgent) != (tc.code == "") {
				t.Errorf("T2 priority %d: the page was applied %v, want %v", prio, prio == app.PriorityUrgent, tc.code == "")
			}
			wantSeqs(t, "pending", r.pending(), 1)
		})
	}
}

// TestPhotoUploadQueue: the queue holds this device's photos until the
// server verifies them; the sync engine moves them between local and
// uploading only, and the file is never touched.
func TestPhotoUploadQueue(t *testing.T) {
	r := newReplica(t)
	ctx := t.Context()
	sum, size, err := NewPhotoStore(r.db).PutPhoto(ctx, bytes.NewReader([]byte("jpeg bytes")))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"p-1", "p-2"} {
		r.commit(ana, &app.AttachPhoto{Photo: app.Photo{ID: id, Ticket: storetest.T2, SHA256: sum, Size: size, Mime: "image/jpeg",
			At: storetest.Now.Add(time.Duration(i) * time.Minute)}})
	}
	queue := func() []string {
		t.Helper()
		ps, err := r.db.PhotosToUpload(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			if p.Ticket != storetest.T2 || p.SHA256 != sum {
				t.Errorf("queued photo %+v", p)
			}
			out = append(out, p.ID+":"+p.State)
		}
		return out
	}
	if got := queue(); !slices.Equal(got, []string{"p-1:local", "p-2:local"}) {
		t.Errorf("queue = %v", got)
	}
	for name, tc := range map[string]struct {
		id, state, code string
	}{
		"Uploading":    {"p-1", "uploading", ""},
		"UnknownState": {"p-1", "sent", app.EINVALID},
		"Unknown":      {"p-none", "local", app.ENOTFOUND},
		"NotThisPhoto": {"p-0001", "uploading", app.ECONFLICT}, // the world's, verified
	} {
		t.Run(name, func(t *testing.T) {
			err := r.db.SetPhotoState(ctx, tc.id, tc.state)
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("SetPhotoState(%s, %s) = %v, want code %q", tc.id, tc.state, err, tc.code)
			}
		})
	}
	// The server's "pending" does not take a photo out of the queue.
	pending := app.Photo{ID: "p-1", Ticket: storetest.T2, SHA256: sum, Size: size, State: "pending"}
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{Photos: []app.Photo{pending}}})
	if got := queue(); !slices.Equal(got, []string{"p-1:uploading", "p-2:local"}) {
		t.Errorf("queue after the server's pending = %v", got)
	}
	verified := pending
	verified.State = "verified"
	r.apply(app.PullPage{Epoch: "e1", Cursor: "c2", Data: app.Dataset{Photos: []app.Photo{verified}}})
	if got := queue(); !slices.Equal(got, []string{"p-2:local"}) {
		t.Errorf("queue after verification = %v", got)
	}
	if err := r.db.SetPhotoState(ctx, "p-1", "local"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("a failed upload reported after verification: %v, want ECONFLICT", err)
	}
	if d := r.detail(storetest.T2); d.Photos[0].State != "verified" {
		t.Errorf("p-1 = %+v", d.Photos[0])
	}
	if _, err := os.Stat(filepath.Join(r.db.photoDir, sum)); err != nil {
		t.Errorf("photo file: %v", err)
	}
}

// TestWipe: a revoked device keeps nothing of its data, outbox or photo
// files, and starts again as a new device.
func TestWipe(t *testing.T) {
	r := newReplica(t)
	ctx := t.Context()
	sum, _, err := NewPhotoStore(r.db).PutPhoto(ctx, bytes.NewReader([]byte("photo")))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(r.db.photoDir, "not-a-photo.txt")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.commit(ana, &app.AttachPhoto{Photo: app.Photo{ID: "p-1", Ticket: storetest.T2, SHA256: sum, Size: 5}})
	r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Complete: true, At: storetest.Now,
		Data: app.Dataset{Conflicts: []app.Conflict{{ID: "cf-1", Kind: app.ConflictRejected}}}})
	before := r.db.DeviceID()

	for range 2 { // idempotent
		if err := r.db.Wipe(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// search_fold, as migrations, says how the store is made, not what
	// it holds: the fold of an empty index is still that version's.
	rows, err := r.db.read.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('device', 'migrations', 'search_fold')
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 12 {
		t.Fatalf("tables = %v", tables)
	}
	for _, table := range tables {
		if n := r.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%s has %d rows after Wipe", table, n)
		}
	}
	if found, _ := NewPartService(r.db).FindParts(ctx, app.PartFilter{Query: "battery"}); len(found) != 0 {
		t.Errorf("part search finds %d parts after Wipe", len(found))
	}
	st, err := r.db.SyncState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Device == "" || st.Device == before || st.Device != r.db.DeviceID() ||
		st != (app.SyncState{Device: st.Device, LeaseDays: app.DefaultLeaseDays}) {
		t.Errorf("state after Wipe = %+v (device before %s)", st, before)
	}
	if _, err := os.Stat(filepath.Join(r.db.photoDir, sum)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("photo file after Wipe: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Wipe removed a file that is not a photo: %v", err)
	}
	// The identity survives a restart, and the device works again from
	// scratch: seq 1 under the new identity.
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	r.db = mustOpenPath(t, r.db.Path(), WithClock(fixedClock(storetest.Now)))
	if r.db.DeviceID() != st.Device {
		t.Errorf("device after reopening = %s, want %s", r.db.DeviceID(), st.Device)
	}
	r.apply(app.PullPage{Epoch: "e1", Data: storetest.World(), Cursor: "c0"})
	if m := r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T2, Text: "x"}}); m.Seq != 1 || m.Device != st.Device {
		t.Errorf("first mutation after Wipe = seq %d device %s", m.Seq, m.Device)
	}
}

// outboxCommands are one command of each v1 argument shape, with the ticket
// each acts on.
func outboxCommands() []struct {
	cmd    app.Command
	ticket app.TicketID
} {
	diag := "x"
	created := serverTicket(storetest.T1).Ticket
	created.ID, created.Number = "t-new", "FB-NEW"
	return []struct {
		cmd    app.Command
		ticket app.TicketID
	}{
		{&app.CreateTicket{Ticket: created}, "t-new"},
		{&app.UpdateTicket{Ticket: storetest.T2, Set: app.TicketFields{Diagnosis: &diag}}, storetest.T2},
		{&app.LogRepair{Entry: app.RepairEntry{ID: "r-x", Ticket: storetest.T2, Action: "a", Minutes: 1}}, storetest.T2},
		{&app.ConsumePart{Used: app.PartUsed{ID: "u-x", Ticket: storetest.T2, Part: storetest.BatteryP50, Qty: 1, From: storetest.VanAna}}, storetest.T2},
		{&app.ReturnDefective{Movement: app.StockMovement{ID: "rd-x", Part: storetest.BatteryP50, To: storetest.DefectSH, Qty: 1, Ticket: storetest.T4}}, storetest.T4},
		{&app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "tr-x", Part: storetest.BatteryP50, From: storetest.VanAna, To: storetest.StoreSH, Qty: 1}}, ""},
		{&app.AttachPhoto{Photo: app.Photo{ID: "p-x", Ticket: storetest.T8, SHA256: strings.Repeat("ab", 32), Size: 1}}, storetest.T8},
		{&app.AddNote{Note: app.Note{ID: "n-x", Ticket: storetest.T3, Text: "n"}}, storetest.T3},
		{&app.TransitionTicket{Action: app.ActionDepart, Ticket: storetest.T1, Epoch: 1}, storetest.T1},
	}
}

func outboxTickets(t *testing.T, db *DB) []app.TicketID {
	t.Helper()
	rows, err := db.read.Query(`SELECT coalesce(ticket_id, '') FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []app.TicketID
	for rows.Next() {
		var id app.TicketID
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// TestCommitRecordsTicket: Commit files each mutation under its ticket.
func TestCommitRecordsTicket(t *testing.T) {
	r := newReplica(t)
	var want []app.TicketID
	for _, c := range outboxCommands() {
		r.commit(app.Actor{Role: app.RoleSystem, Name: "import"}, c.cmd)
		want = append(want, c.ticket)
	}
	if got := outboxTickets(t, r.db); !slices.Equal(got, want) {
		t.Errorf("outbox tickets = %v, want %v", got, want)
	}
}

// TestMigrate0002 upgrades a store made by migration 0001 alone, with
// mutations in its outbox: each is filed under its ticket, and one still
// pending is rebased although nobody recorded who committed it.
func TestMigrate0002(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDB(t, path)
	rawExec(t, raw, migrations()[0].sql,
		`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`,
		`INSERT INTO migrations VALUES ('0001_init.sql', 0)`,
		fmt.Sprintf(`PRAGMA application_id = %d`, applicationID),
		`PRAGMA user_version = 1`)
	cmds := outboxCommands()
	for i, c := range cmds {
		m, err := app.NewMutation(c.cmd, storetest.Now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (?, ?, ?, ?, ?, '', ?)`,
			i+1, m.ID, m.Name, m.Version, string(m.Args), m.At.UnixNano()); err != nil {
			t.Fatal(err)
		}
	}
	// A row this build cannot read stays NULL instead of failing Open.
	rawExec(t, raw, `INSERT INTO outbox (seq, id, name, version, args, hlc, at) VALUES (100, 'bad', 'note.add', 1, '{not json', '', 0)`,
		`INSERT INTO device (id, device_id, last_seq, acked_seq) VALUES (1, 'dev-old', 100, 1)`)
	raw.Close()

	db := mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	var version int
	db.read.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != len(migrations()) || db.DeviceID() != "dev-old" {
		t.Errorf("after Open: user_version %d, device %s", version, db.DeviceID())
	}
	var want []app.TicketID
	for _, c := range cmds {
		want = append(want, c.ticket)
	}
	want = append(want, "")
	if got := outboxTickets(t, db); !slices.Equal(got, want) {
		t.Errorf("backfilled tickets = %v, want %v", got, want)
	}

	// Seq 2, the diagnosis of T2, is pending: a pulled T2 keeps it.
	r := &replica{t: t, db: db}
	server := serverTicket(storetest.T2)
	server.Ticket.Priority = app.PriorityUrgent
	w := storetest.World()
	w.Tickets = append(w.Tickets[:1], server)
	r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: w})
	if tk := r.detail(storetest.T2).Ticket; tk.Diagnosis != "x" || tk.Priority != app.PriorityUrgent {
		t.Errorf("T2 = diagnosis %q priority %d, want the pending diagnosis on the server's priority", tk.Diagnosis, tk.Priority)
	}
	// The pending transfer was never applied to these rows: the replay
	// records it, as pending.
	if n := r.count(`SELECT count(*) FROM movements WHERE id = 'tr-x' AND outbox_seq = 6`); n != 1 {
		t.Error("the pending transfer was not replayed")
	}
}

func (r *replica) putPhoto(data []byte) (string, int64) {
	r.t.Helper()
	sum, size, err := NewPhotoStore(r.db).PutPhoto(r.t.Context(), bytes.NewReader(data))
	if err != nil {
		r.t.Fatal(err)
	}
	return sum, size
}

func TestAfterCommitHook(t *testing.T) {
	calls := 0
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "hook.db"), WithClock(app.ClockFunc(func() time.Time { return storetest.Now })), WithAfterCommit(func() { calls++ }))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana"}
	if _, err := NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-hook", Ticket: storetest.T2, Text: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-hook", Ticket: storetest.T2, Text: "again"}}); err == nil {
		t.Fatal("a second note with the same ID was saved")
	}
	if calls != 1 {
		t.Errorf("after-commit hook called %d times, want once (not after the refused commit)", calls)
	}
}

// TestPhotoBackToQueue: a photo this device attached returns to the
// upload queue whenever the server lost its bytes (PROTOCOL.md, Photos:
// "a device whose photo the restored server reports pending again sends
// it again"), whatever happened to the row on the device meanwhile; and
// only such a photo: another device's bytes are not here to send.
func TestPhotoBackToQueue(t *testing.T) {
	later := storetest.Now.Add(time.Hour)
	for name, tc := range map[string]struct {
		// story runs after the device attached p-mine on T3 as seq 1; it
		// returns the photo the restored server sends last.
		story     func(r *replica, m app.Mutation, mine app.Photo) app.Photo
		wantQueue []string
		wantState string // of the photo the story returns
	}{
		// The restore lowers the acknowledgement below the attach, with a
		// reset: the photo is queued before the reset and keeps T3 here.
		"AckLoweredWithReset": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				r.seeVerified(mine)
				r.apply(app.PullPage{Epoch: "e2", Acked: 0, Reset: true, Cursor: "c2"})
				if !r.has(storetest.T3) {
					r.t.Error("T3 dropped by the reset while its photo waits for upload")
				}
				return mine
			},
			wantQueue: []string{"p-mine:local"}, wantState: "local",
		},
		// A push without pull lowers the acknowledgement; the next request
		// re-pushes the attach (acked again) and resets: the ticket must
		// not be dropped and come back with the photo pending for good.
		"AckLoweredThenReset": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				r.seeVerified(mine)
				r.apply(app.PullPage{Epoch: "e2", Acked: 0, Cursor: "c1"})
				r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c2"})
				if !r.has(storetest.T3) {
					r.t.Error("T3 dropped by the reset while its photo waits for upload")
				}
				d := serverTicket(storetest.T3)
				d.Photos = []app.Photo{mine}
				r.apply(app.PullPage{Epoch: "e2", Acked: 1, Cursor: "c3", Data: app.Dataset{Tickets: []app.TicketDetail{d}}})
				return mine
			},
			wantQueue: []string{"p-mine:local"}, wantState: "local",
		},
		// The old server refused the attach (its ticket had been
		// reassigned) and the row left the view; the restored server takes
		// the re-pushed attach and sends the photo pending: a new row here,
		// queued.
		"RefusedThenTakenByRestoredServer": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				cf := app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictStaleEpoch, Ticket: storetest.T3, Mutation: m.ID,
					Code: app.ECONFLICT, Key: "ticket.stale_epoch", Message: "reassigned", At: later}
				r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c2", Complete: true, At: later, Data: app.Dataset{Conflicts: []app.Conflict{cf}}})
				if n := r.count(`SELECT count(*) FROM photos WHERE id = 'p-mine'`); n != 0 {
					r.t.Fatalf("the refused photo is still in view")
				}
				d := serverTicket(storetest.T3)
				d.Photos = []app.Photo{mine}
				r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c3", Data: app.Dataset{Tickets: []app.TicketDetail{d}}})
				return mine
			},
			wantQueue: []string{"p-mine:local"}, wantState: "local",
		},
		// The backup holds the attach (the acknowledgement does not go
		// down), but the server was restored onto a new disk without the
		// photo files: the new epoch is enough to send the bytes again.
		"NewEpochPhotoFilesLost": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				r.seeVerified(mine)
				r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c2"})
				if !r.has(storetest.T3) {
					r.t.Error("T3 dropped by the reset while its photo waits for upload")
				}
				return mine
			},
			wantQueue: []string{"p-mine:local"}, wantState: "local",
		},
		// The backup held the attach and the restored server re-verified
		// the bytes from its disk: the queued photo is verified again
		// (by the upload's creation, or by the pull as here).
		"RestoredServerVerifiedIt": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				r.seeVerified(mine)
				r.apply(app.PullPage{Epoch: "e2", Acked: 1, Reset: true, Cursor: "c2"})
				mine.State = "verified"
				return mine
			},
			wantQueue: nil, wantState: "verified",
		},
		// Another device's photo, seen verified, reported pending after a
		// restore: shown pending, not queued (its bytes are not here).
		"OtherDevicesPhoto": {
			story: func(r *replica, m app.Mutation, mine app.Photo) app.Photo {
				r.seeVerified(mine)
				other := app.Photo{ID: "p-other", Ticket: storetest.T3, SHA256: strings.Repeat("cd", 32), Size: 9, State: "verified"}
				r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c2", Data: app.Dataset{Photos: []app.Photo{other}}})
				other.State = "pending"
				r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c3", Data: app.Dataset{Photos: []app.Photo{other}}})
				return other
			},
			wantQueue: nil, wantState: "pending",
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := newReplica(t)
			sum, size := r.putPhoto([]byte("photo of the new belt"))
			mine := app.Photo{ID: "p-mine", Ticket: storetest.T3, SHA256: sum, Size: size, Mime: "image/jpeg", At: storetest.Now}
			m := r.commit(ana, &app.AttachPhoto{Photo: mine})
			mine.State = "pending"
			p := tc.story(r, m, mine)
			// The server's state arriving again, with the ticket, changes
			// nothing more.
			d := serverTicket(storetest.T3)
			d.Photos = []app.Photo{p}
			st, err := r.db.SyncState(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			r.apply(app.PullPage{Epoch: st.Epoch, Acked: st.AckedSeq, Cursor: "c9", Data: app.Dataset{Tickets: []app.TicketDetail{d}}})
			ps, err := r.db.PhotosToUpload(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var queue []string
			for _, q := range ps {
				queue = append(queue, q.ID+":"+q.State)
			}
			if !slices.Equal(queue, tc.wantQueue) {
				t.Errorf("upload queue = %v, want %v", queue, tc.wantQueue)
			}
			var state string
			if err := r.db.read.QueryRowContext(t.Context(), `SELECT state FROM photos WHERE id = ?`, p.ID).Scan(&state); err != nil {
				t.Fatal(err)
			}
			if state != tc.wantState {
				t.Errorf("%s is %q on the device, want %q", p.ID, state, tc.wantState)
			}
		})
	}
}

// seeVerified makes the device see its photo verified: the uploader's
// answer, then the pull at acked 1.
func (r *replica) seeVerified(p app.Photo) {
	r.t.Helper()
	if err := r.db.SetPhotoState(r.t.Context(), p.ID, "verified"); err != nil {
		r.t.Fatal(err)
	}
	p.State = "verified"
	r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c1", Data: app.Dataset{Photos: []app.Photo{p}}})
}

// factList lists the IDs of a ticket's repairs, parts used, photos and
// notes, sorted, as "r:ID,p:ID,f:ID,n:ID".
func factList(d app.TicketDetail) string {
	var ids []string
	for _, x := range d.Repairs {
		ids = append(ids, "r:"+x.ID)
	}
	for _, x := range d.Parts {
		ids = append(ids, "p:"+x.ID)
	}
	for _, x := range d.Photos {
		ids = append(ids, "f:"+x.ID)
	}
	for _, x := range d.Notes {
		ids = append(ids, "n:"+x.ID)
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// TestPhotoRefusedAfterRestore: a photo of this device whose row the
// server had sent (its ticket left and came back) is queued after a
// restore; when the restored server refuses the re-pushed attach, the
// refusal takes it out of the view and the queue, as for a photo
// recorded here, instead of leaving it queued for good.
func TestPhotoRefusedAfterRestore(t *testing.T) {
	r := newReplica(t)
	later := storetest.Now.Add(time.Hour)
	sum, size := r.putPhoto([]byte("photo of the cracked lid"))
	p := app.Photo{ID: "p-back", Ticket: storetest.T3, SHA256: sum, Size: size, Mime: "image/jpeg", At: storetest.Now}
	m := r.commit(ana, &app.AttachPhoto{Photo: p})
	r.seeVerified(p)
	r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c2", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T3}}})
	if r.has(storetest.T3) {
		t.Fatal("T3 kept after it left with nothing unsent")
	}
	back := serverTicket(storetest.T3)
	p.State = "verified"
	back.Photos = []app.Photo{p}
	r.apply(app.PullPage{Epoch: "e1", Acked: 1, Cursor: "c3", Data: app.Dataset{Tickets: []app.TicketDetail{back}}})
	r.apply(app.PullPage{Epoch: "e2", Acked: 0, Reset: true, Cursor: "c4"})
	if ps, err := r.db.PhotosToUpload(t.Context()); err != nil || len(ps) != 1 {
		t.Fatalf("upload queue after the restore = %+v, %v; want p-back", ps, err)
	}
	cf := app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictStaleEpoch, Ticket: storetest.T3, Mutation: m.ID, Code: app.ECONFLICT, Key: "ticket.stale_epoch", Message: "reassigned", At: later}
	r.apply(app.PullPage{Epoch: "e2", Acked: 1, Cursor: "c5", Complete: true, At: later, Data: app.Dataset{Conflicts: []app.Conflict{cf}}})
	if ps, err := r.db.PhotosToUpload(t.Context()); err != nil || len(ps) != 0 {
		t.Errorf("upload queue after the refusal = %+v, %v; want it empty", ps, err)
	}
	if n := r.count(`SELECT count(*) FROM photos WHERE id = 'p-back'`); n != 0 {
		t.Errorf("the refused photo is still in view")
	}
	if cs, err := r.db.OpenConflicts(t.Context()); err != nil || len(cs) != 1 {
		t.Errorf("conflicts = %+v, %v; want the refusal holding the photo", cs, err)
	}
}

// factIDs lists the IDs of a ticket's facts.
func factIDs[F any](facts []F, id func(F) string) []string {
	out := make([]string, len(facts))
	for i, f := range facts {
		out[i] = id(f)
	}
	return out
}

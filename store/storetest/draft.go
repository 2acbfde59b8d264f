package storetest

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// testDrafts: a draft is kept per technician, ticket and field; it is
// read back after the store's file is opened again (a restart, a kill
// -9: the write was acknowledged); a put replaces it, a delete deletes
// it; a draft over the field's bound is refused; a draft goes with its
// ticket when a sync takes the ticket off the device, and none can be
// put on a ticket the device no longer holds; a wipe (sign-out) leaves
// none. Drafts are never sent: nothing of them reaches the outbox.
func testDrafts(t *testing.T, s Stores) {
	ctx := t.Context()
	get := func(s Stores, actor app.Actor, id app.TicketID) []app.Draft {
		t.Helper()
		ds, err := s.Drafts.Drafts(ctx, actor, id)
		if err != nil {
			t.Fatalf("drafts of %s on %s: %v", actor.Technician, id, err)
		}
		return ds
	}
	put := func(s Stores, actor app.Actor, id app.TicketID, d app.Draft) {
		t.Helper()
		if err := s.Drafts.PutDraft(ctx, actor, id, d); err != nil {
			t.Fatalf("put %s's %s draft on %s: %v", actor.Technician, d.Field, id, err)
		}
	}
	if ds := get(s, ana, T1); len(ds) != 0 {
		t.Fatalf("a new store holds drafts on T1: %+v", ds)
	}
	pending := pendingCount(t, s)
	diag := app.Draft{Field: app.DraftDiagnosis, Text: "Display board failed", Base: "screen flickers"}
	note := app.Draft{Field: app.DraftNote, Text: "Customer home after 5 pm"}
	// The repair log's draft, a field added after 0020_drafts: the
	// table's key takes it without a migration.
	repair := app.Draft{Field: app.DraftRepair, Text: "Replaced the drain pump"}
	put(s, ana, T1, diag)
	put(s, ana, T1, note)
	put(s, ana, T1, repair)
	put(s, bo, T1, app.Draft{Field: app.DraftNote, Text: "Bo's own note"})
	put(s, ana, T2, app.Draft{Field: app.DraftNote, Text: "on T2"})
	if got := pendingCount(t, s); got != pending {
		t.Errorf("drafts wrote to the outbox: %d pending, was %d", got, pending)
	}

	// The repair log's minutes, kept beside its text (no migration
	// either), read back through the file like the rest.
	minutes := app.Draft{Field: app.DraftRepairMinutes, Text: "45"}
	put(s, ana, T1, minutes)

	s = s.Reopen(t)
	if got, want := get(s, ana, T1), []app.Draft{diag, note, repair, minutes}; !slices.Equal(got, want) {
		t.Errorf("after reopening, Ana's drafts on T1 = %+v, want %+v", got, want)
	}
	if got := get(s, bo, T1); len(got) != 1 || got[0].Text != "Bo's own note" {
		t.Errorf("Bo's drafts on T1 = %+v, want his note only", got)
	}

	// The list's page asks in one read which tickets hold drafts: Ana's
	// on T1 and T2, not Bo's, not a ticket without any or not on the
	// device.
	drafted, err := s.Drafts.DraftedTickets(ctx, ana, []app.TicketID{T1, T2, T3, "no-such-ticket"})
	if err != nil {
		t.Fatal(err)
	}
	wantDrafted := map[app.TicketID][]app.DraftField{
		T1: {app.DraftDiagnosis, app.DraftNote, app.DraftRepair, app.DraftRepairMinutes},
		T2: {app.DraftNote},
	}
	if !maps.EqualFunc(drafted, wantDrafted, slices.Equal) {
		t.Errorf("Ana's drafted tickets = %v, want %v", drafted, wantDrafted)
	}
	if drafted, err := s.Drafts.DraftedTickets(ctx, bo, []app.TicketID{T1, T2}); err != nil || !maps.EqualFunc(drafted, map[app.TicketID][]app.DraftField{T1: {app.DraftNote}}, slices.Equal) {
		t.Errorf("Bo's drafted tickets = %v, %v; want his note on T1", drafted, err)
	}
	if drafted, err := s.Drafts.DraftedTickets(ctx, ana, nil); err != nil || len(drafted) != 0 {
		t.Errorf("drafted tickets of none = %v, %v", drafted, err)
	}
	page := make([]app.TicketID, app.MaxDraftedTickets+1)
	for i := range page {
		page[i] = T1
	}
	_, err = s.Drafts.DraftedTickets(ctx, ana, page)
	wantCode(t, err, app.EINVALID)
	if _, err := s.Drafts.DraftedTickets(ctx, ana, page[:app.MaxDraftedTickets]); err != nil {
		t.Errorf("drafted tickets of a full page: %v", err)
	}

	diag.Text += ", replaced"
	put(s, ana, T1, diag)
	for _, f := range []app.DraftField{app.DraftNote, app.DraftRepair, app.DraftRepairMinutes} {
		if err := s.Drafts.DeleteDraft(ctx, ana, T1, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Drafts.DeleteDraft(ctx, ana, T3, app.DraftNote); err != nil {
		t.Errorf("deleting a draft that is not there: %v", err)
	}
	if got, want := get(s, ana, T1), []app.Draft{diag}; !slices.Equal(got, want) {
		t.Errorf("after a put and a delete, Ana's drafts on T1 = %+v, want %+v", got, want)
	}

	long := app.Draft{Field: app.DraftDiagnosis, Text: strings.Repeat("x", app.MaxTextLen+1)}
	wantCode(t, s.Drafts.PutDraft(ctx, ana, T1, long), app.EINVALID)
	wantCode(t, s.Drafts.PutDraft(ctx, ana, T1, app.Draft{Field: "fault", Text: "x"}), app.EINVALID)
	wantCode(t, s.Drafts.PutDraft(ctx, ana, T1, app.Draft{Field: app.DraftRepairMinutes, Text: strings.Repeat("9", app.MaxDraftMinutesLen+1)}), app.EINVALID)
	wantCode(t, s.Drafts.PutDraft(ctx, app.Actor{Role: app.RoleTechnician}, T1, note), app.EINVALID)
	if got := get(s, ana, T1); len(got) != 1 || got[0] != diag {
		t.Errorf("refused drafts changed Ana's: %+v", got)
	}

	// T1 is reassigned away: the pull drops it, and its drafts with it.
	applyPull(t, s, app.PullPage{Epoch: "e1", Cursor: "c1", Data: app.Dataset{GoneTickets: []app.TicketID{T1}}})
	if _, err := s.Tickets.TicketDetail(ctx, T1); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("T1 after it went: %v, want not found", err)
	}
	if got := append(get(s, ana, T1), get(s, bo, T1)...); len(got) != 0 {
		t.Errorf("T1 left the device and its drafts stayed: %+v", got)
	}
	wantCode(t, s.Drafts.PutDraft(ctx, ana, T1, note), app.ENOTFOUND)
	if got := get(s, ana, T2); len(got) != 1 || got[0].Text != "on T2" {
		t.Errorf("Ana's draft on T2 went with T1: %+v", got)
	}

	// A sign-out wipes the device: the next technician finds no draft.
	if err := s.Replica.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx, World()); err != nil {
		t.Fatal(err)
	}
	if got := append(get(s, ana, T2), get(s, bo, T1)...); len(got) != 0 {
		t.Errorf("drafts outlived the wipe: %+v", got)
	}
}

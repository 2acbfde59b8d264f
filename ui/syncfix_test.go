package ui_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// statusSync is a SyncService showing a fixed status.
type statusSync struct {
	app.SyncService
	st app.SyncStatus
}

func (s statusSync) SyncStatus() app.SyncStatus   { return s.st }
func (statusSync) WatchSync(func(app.SyncStatus)) {}
func (statusSync) SyncNow()                       {}
func (statusSync) OpenConflicts(context.Context) ([]app.Conflict, error) {
	return nil, nil
}
func (statusSync) UnsentTickets(context.Context) (map[app.TicketID]int, error) {
	return nil, nil
}

// TestSignOutCountsConflictsAsUnsettled: conflicts awaiting a decision
// are not "all your work was sent" (liveday finding 11); each kind of
// unsettled work gets its confirmation, then a last one.
func TestSignOutCountsConflictsAsUnsettled(t *testing.T) {
	tests := []struct {
		name  string
		st    app.SyncStatus
		steps []string // what each confirmation says, in order
		taps  []string // the button that goes on from each
	}{
		{"AllSent", app.SyncStatus{}, []string{"All your work has been sent"}, []string{"Sign out"}},
		{"ConflictsOnly", app.SyncStatus{Conflicts: 4},
			[]string{"4 conflicts still await your decision", "Really drop 4 undecided conflicts"},
			[]string{"Sign out", "Erase and sign out"}},
		{"UnsentAndConflict", app.SyncStatus{Pending: 2, Conflicts: 1},
			[]string{"2 changes have not been sent", "1 conflict still awaits your decision", "Really erase 2 unsent changes"},
			[]string{"Sign out", "Sign out", "Erase and sign out"}},
		// A week offline in a busy store: the counts are grouped as
		// every count on screen is (countText).
		{"ManyUnsent", app.SyncStatus{Pending: 1234, Conflicts: 1500},
			[]string{"1,234 changes have not been sent", "1,500 conflicts still await your decision", "Really erase 1,234 unsent changes"},
			[]string{"Sign out", "Sign out", "Erase and sign out"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, _, deps := scanTerminal(t)
			var calls atomic.Int32
			deps.SignOut = func(context.Context) error { calls.Add(1); return nil }
			deps.Sync = statusSync{st: tc.st}
			term := ui.NewTerminal(t.Context(), deps)
			w := fyne.CurrentApp().NewWindow("t")
			w.SetContent(term.Object())
			w.Resize(fyne.NewSize(1280, 800))
			term.Attach(w)
			term.ShowSettings()
			tapButton(t, term.Object(), "Sign out of this device")
			for i, want := range tc.steps {
				top := w.Canvas().Overlays().Top()
				if top == nil || !strings.Contains(labels(top), want) {
					t.Fatalf("confirmation %d does not say %q:\n%s", i+1, want, labels(top))
				}
				if calls.Load() != 0 {
					t.Fatalf("signed out after %d confirmations of %d", i, len(tc.steps))
				}
				tapButton(t, top, tc.taps[i])
			}
			if calls.Load() != 1 {
				t.Fatalf("SignOut called %d times after the last confirmation", calls.Load())
			}
		})
	}
}

// TestSettingsOpenTheSyncPage: a newcomer looks for Work offline in the
// settings (liveday finding 6); the settings open the sync page.
func TestSettingsOpenTheSyncPage(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	sw.term.ShowSettings()
	before := len(sw.w.Canvas().Overlays().List())
	tapButton(t, sw.term.Object(), "Open the sync page")
	if n := len(sw.w.Canvas().Overlays().List()); n != before+1 {
		t.Fatalf("%d overlays after the tap, want %d", n, before+1)
	}
	if page := labels(sw.w.Canvas().Overlays().Top()); !strings.Contains(page, "Work offline") || !strings.Contains(page, "Changes not sent yet") {
		t.Fatalf("the settings opened no sync page:\n%s", page)
	}
}

// TestSavedNoteSaysWhenWorkIsSent: while working offline by choice, work
// saved is sent when the technician goes back online, not "with the next
// sync", which does not come (liveday finding 6).
func TestSavedNoteSaysWhenWorkIsSent(t *testing.T) {
	for _, tc := range []struct {
		name        string
		offline     bool
		want, wrong string
	}{
		{"Online", false, "It is sent with the next sync", "go back online"},
		{"WorkingOffline", true, "It is sent when you go back online", "next sync"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sw := newSyncWorld(t, nil, nil)
			sw.svc.SetWorkOffline(tc.offline)
			if got := sw.svc.SyncStatus().WorkOffline; got != tc.offline {
				t.Fatalf("working offline %v, want %v", got, tc.offline)
			}
			tk := sw.assigned(t, 1)[0]
			sw.term.Detail().Show(tk.ID)
			tapButton(t, sw.term.Detail().Object(), "On my way")
			note := sw.term.ScanStatus()
			if !strings.Contains(note, tc.want) || strings.Contains(note, tc.wrong) {
				t.Fatalf("saved note %q, want %q in it and not %q", note, tc.want, tc.wrong)
			}
		})
	}
}

// TestCancelledTicketIsOneCard: a dispatcher's cancel refuses every step
// the technician took since; the inbox shows them on one card for the
// ticket, names the fields of the edit, says the facts were kept, and
// drops them all with one confirmed, red button (liveday finding 5).
func TestCancelledTicketIsOneCard(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	term := sw.term
	tk := sw.assigned(t, 1)[0]
	sw.dispatch(t, &app.TransitionTicket{Action: app.ActionCancel, Ticket: tk.ID, Epoch: tk.Epoch, Reason: "customer called off"})
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "On my way")
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Arrived")
	diagnosis := "compressor relay burnt"
	if _, err := sw.deps.Commit.Commit(t.Context(), sw.deps.Actor, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diagnosis}}); err != nil {
		t.Fatal(err)
	}
	sw.syncOnce(t)
	if s := term.SyncText(); !strings.Contains(s, "3 conflicts need a decision") {
		t.Fatalf("sync line after the refused changes: %q", s)
	}
	page := sw.openPage(t)
	shown := labels(page)
	for _, want := range []string{"Ticket " + tk.Number + ": 3 of your changes were not applied", "On my way", "Arrived",
		"Edit of the ticket: Diagnosis", "Cancelled · customer called off", "were kept: they are facts"} {
		if !strings.Contains(shown, want) {
			t.Errorf("inbox lacks %q:\n%s", want, shown)
		}
	}
	if n := strings.Count(shown, "Drop all my changes on this ticket"); n != 1 {
		t.Errorf("%d drop-all buttons, want 1:\n%s", n, shown)
	}
	all := button(page, "Drop all my changes on this ticket")
	if all == nil || all.Importance != widget.DangerImportance {
		t.Fatalf("drop-all should be a red button: %v", all)
	}
	tapButton(t, page, "Drop all my changes on this ticket")
	confirm := sw.w.Canvas().Overlays().Top()
	if confirm == page || !strings.Contains(labels(confirm), "Your 3 changes on ticket "+tk.Number) {
		t.Fatalf("dropping all asked nothing, or not about the 3 changes:\n%s", labels(confirm))
	}
	tapButton(t, confirm, "Leave it for dispatch")
	if open, err := sw.svc.OpenConflicts(t.Context()); err != nil || len(open) != 3 {
		t.Fatalf("after leaving them: %d open (%v), want 3", len(open), err)
	}
	tapButton(t, page, "Drop all my changes on this ticket")
	tapButton(t, sw.w.Canvas().Overlays().Top(), "Drop all 3 changes")
	sw.syncOnce(t)
	if s := term.SyncText(); strings.Contains(s, "conflict") {
		t.Errorf("sync line after dropping all: %q", s)
	}
	if shown := labels(sw.w.Canvas().Overlays().Top()); !strings.Contains(shown, "No conflicts") {
		t.Errorf("inbox after dropping all:\n%s", shown)
	}
}

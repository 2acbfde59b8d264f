package ui_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"

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

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

package ui

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// ShownNumber is the number of the ticket the detail shows on screen ("" for
// none): what the user reads, not what was last asked for.
func (v *TicketDetailView) ShownNumber() string {
	tk, ok := v.ticket()
	if !ok {
		return ""
	}
	return tk.Number
}

// SyncChanged hands the terminal a new sync status, as the sync feed does.
func (t *Terminal) SyncChanged(prev, st app.SyncStatus) { t.syncChanged(prev, st) }

// ManualPaneTimers makes the panes' timers (the detail's "Opening the
// ticket…") steps the test takes with FirePaneTimers: no timer outlives
// the test, and none runs on a goroutine of its own.
func (t *Terminal) ManualPaneTimers() {
	t.paneAfter = func(_ time.Duration, f func()) func() bool {
		paneTimers[t] = append(paneTimers[t], f)
		return func() bool { return false }
	}
}

// paneTimers are the panes' timers waiting in terminals whose timers the
// test steps.
var paneTimers = map[*Terminal][]func(){}

// FirePaneTimers runs the panes' timers waiting, as if their time had come.
func (t *Terminal) FirePaneTimers() {
	fs := paneTimers[t]
	delete(paneTimers, t)
	for _, f := range fs {
		f()
	}
}

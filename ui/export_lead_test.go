package ui

import "github.com/fieldbench/fieldbench/app"

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

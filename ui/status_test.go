package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestSavedNoteGoesWithTheSyncInAnyLanguage: the "saved on this device"
// note goes once the sync sent the work, whatever the language it was
// shown in and the language in effect when the sync ends; a newer note
// stays.
func TestSavedNoteGoesWithTheSyncInAnyLanguage(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	a := fyne.CurrentApp()
	t.Cleanup(func() { ui.SetLanguage(a, "en") })
	cases := []struct {
		name             string
		savedIn, syncsIn string
		then             string // a note shown after saving; "" for none
		stays            bool
	}{
		{"English", "en", "en", "", false},
		{"Chinese", "zh", "zh", "", false},
		{"language changed before the sync", "en", "fr", "", false},
		{"a newer note", "en", "en", "Scanned part P-1.", true},
	}
	tickets := sw.assigned(t, len(cases))
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := ui.SetLanguage(a, c.savedIn); err != nil {
				t.Fatal(err)
			}
			tk := tickets[i]
			sw.term.Commit(&app.TransitionTicket{Action: app.ActionDepart, Ticket: tk.ID, Epoch: tk.Epoch})
			if !sw.term.ScanBarShown() || sw.term.ScanStatus() == "" {
				t.Fatalf("no saved note after saving: %q", sw.term.ScanStatus())
			}
			if c.then != "" {
				sw.term.Say(c.then)
			}
			if err := ui.SetLanguage(a, c.syncsIn); err != nil {
				t.Fatal(err)
			}
			before := sw.term.ScanStatus()
			sw.syncOnce(t)
			if st := sw.svc.SyncStatus(); st.Pending != 0 {
				t.Fatalf("%d changes still pending after the sync", st.Pending)
			}
			if shown := sw.term.ScanBarShown(); shown != c.stays {
				t.Errorf("note %q shown after the sync: %v, want %v", before, shown, c.stays)
			}
		})
	}
}

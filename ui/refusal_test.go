package ui_test

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
)

// entryText is the text of the entry under o whose placeholder contains
// hint, and whether there is one.
func entryText(o fyne.CanvasObject, hint string) (string, bool) {
	text, found := "", false
	walk(o, func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && !found && strings.Contains(e.PlaceHolder, hint) {
			text, found = e.Text, true
		}
	})
	return text, found
}

// TestRefusedDialogKeepsWhatWasTyped: a dialog whose check refuses what
// was typed stays open with it and says what is wrong in the dialog;
// nothing is saved, and fixing the field clears the mark. These dialogs
// used to close into an error box and lose the typing.
func TestRefusedDialogKeepsWhatWasTyped(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	tk := carryIn(t, ds, deps, 0)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch})
	missing := filepath.Join(t.TempDir(), "gone.jpg")
	tests := []struct {
		name, open, confirm string
		fill                map[string]string // placeholder hint: text
		keep                string            // the hint of a field whose text must survive
		wantErr             string
		saved               func(app.TicketDetail) int
	}{
		{"LogRepairWithoutText", "Log repair", "Save", map[string]string{"0 to 1440": "30"}, "0 to 1440", "Describe what you did.",
			func(d app.TicketDetail) int { return len(d.Repairs) }},
		{"LogRepairBadMinutes", "Log repair", "Save", map[string]string{"drain pump": "Freed the fan", "0 to 1440": "2000"}, "drain pump", "Minutes must be between 0 and 1440.",
			func(d app.TicketDetail) int { return len(d.Repairs) }},
		{"AddPhotoWrongPath", "Add photo", "Attach photo", map[string]string{"Path of a picture": missing, "What it shows": "Burnt connector"}, "What it shows", "There is no picture at this path",
			func(d app.TicketDetail) int { return len(d.Photos) }},
		{"CompleteWithNothing", "Complete", "Complete", nil, "", "Choose a resolution code",
			func(d app.TicketDetail) int { return btoi(d.Ticket.Status == app.StatusCompleted) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term.Detail().Show(tk.ID)
			before := tc.saved(ticketNow(t, deps, tk.ID))
			tapButton(t, term.Detail().Object(), tc.open)
			dlg := w.Canvas().Overlays().Top()
			for hint, text := range tc.fill {
				typeInto(t, dlg, hint, text)
			}
			tapButton(t, dlg, tc.confirm)
			if got := tc.saved(ticketNow(t, deps, tk.ID)); got != before {
				t.Fatalf("saved on refusal: %d, want %d", got, before)
			}
			top := w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("the dialog closed on a refusal")
			}
			if tc.keep != "" {
				if got, ok := entryText(top, tc.keep); !ok || got != tc.fill[tc.keep] {
					t.Fatalf("after the refusal the field %q holds %q (found %v), want %q", tc.keep, got, ok, tc.fill[tc.keep])
				}
			}
			if shown := labels(top); !strings.Contains(shown, tc.wantErr) {
				t.Fatalf("the open dialog does not say %q:\n%s", tc.wantErr, shown)
			}
			if strings.Contains(term.ScanStatus(), tc.wantErr) {
				t.Errorf("the refusal is repeated in the status line: %q", term.ScanStatus())
			}
			if tc.name == "LogRepairWithoutText" {
				// Fixing the field clears the mark, and Save saves.
				typeInto(t, top, "drain pump", "Freed the fan")
				if shown := labels(top); strings.Contains(shown, tc.wantErr) {
					t.Errorf("the mark stays after the field was fixed:\n%s", shown)
				}
				tapButton(t, top, tc.confirm)
				if got := tc.saved(ticketNow(t, deps, tk.ID)); got != before+1 {
					t.Fatalf("%d repairs after fixing the field, want %d", got, before+1)
				}
				return
			}
			for w.Canvas().Overlays().Top() != nil {
				w.Canvas().Overlays().Top().Hide()
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

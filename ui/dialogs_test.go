package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/internal/phototest"
	"github.com/fieldbench/fieldbench/ui"
)

// TestEscapeClosesEveryDialog: Escape closes each dialog of the terminal,
// not only those the shell itself opened, and closing one saves nothing.
// Each case opens one dialog over the previous state; Escape must take
// exactly that one away.
func TestEscapeClosesEveryDialog(t *testing.T) {
	term, w, _, ds, deps := scanTerminal(t)
	overlays := func() int { return len(w.Canvas().Overlays().List()) }
	tk := workingTicket(t, term, ds, deps)
	term.AttachPhoto(writeFile(t, "board.jpg", phototest.CameraJPEG(t, 320, 240, 92)))
	term.Detail().Show(tk.ID)
	before := ticketNow(t, deps, tk.ID)
	missing := partNotInVan(t, ds, deps)

	cases := []struct {
		name string
		open func(t *testing.T)
	}{
		{"add part", func(t *testing.T) { openPicker(t, term, w) }},
		{"short stock confirmation", func(t *testing.T) {
			picker := openPicker(t, term, w)
			typeInto(t, picker, "Part number", string(missing.Number))
			tapButton(t, picker, "Fit part")
			if button(w.Canvas().Overlays().Top(), "Fit anyway") == nil {
				t.Fatalf("no short-stock confirmation:\n%s", labels(w.Canvas().Overlays().Top()))
			}
		}},
		{"print labels", func(t *testing.T) { tapButton(t, term.Detail().Object(), "Print labels") }},
		{"photo viewer", func(t *testing.T) {
			var thumb fyne.Tappable
			walk(term.Detail().Object(), func(o fyne.CanvasObject) {
				if ui.IsPhotoThumb(o) && thumb == nil {
					thumb = o.(fyne.Tappable)
				}
			})
			if thumb == nil {
				t.Fatal("the ticket shows no photo")
			}
			thumb.Tapped(&fyne.PointEvent{})
		}},
		{"error", func(t *testing.T) {
			term.ShowError(app.Errorf(app.EINVALID, "photos.no_path", "Type the path of a picture, or choose one with Browse."))
		}},
		{"log repair form", func(t *testing.T) { tapButton(t, term.Detail().Object(), "Log repair") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := overlays()
			c.open(t)
			if overlays() <= n {
				t.Fatalf("nothing opened: %d overlays", overlays())
			}
			opened := overlays()
			press(w, fyne.KeyEscape)
			if overlays() != opened-1 {
				t.Fatalf("Escape: %d overlays, want %d", overlays(), opened-1)
			}
			// The dialog a confirmation was asked from closes next.
			for overlays() > n {
				before := overlays()
				press(w, fyne.KeyEscape)
				if overlays() != before-1 {
					t.Fatalf("Escape below the top: %d overlays, want %d", overlays(), before-1)
				}
			}
		})
	}
	after := ticketNow(t, deps, tk.ID)
	if len(after.Parts) != len(before.Parts) || len(after.Repairs) != len(before.Repairs) || after.Ticket.Status != before.Ticket.Status {
		t.Errorf("closing dialogs changed the ticket: parts %d→%d, repairs %d→%d, %s→%s",
			len(before.Parts), len(after.Parts), len(before.Repairs), len(after.Repairs), before.Ticket.Status, after.Ticket.Status)
	}
}

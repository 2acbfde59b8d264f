package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestTicketHeaderAndActionsOnAPhone: on a phone the ticket's title stays
// clear of the Print labels button, the pinned primary action is as wide
// as the screen and the secondary actions do not look like it (Cancel
// ticket, red and narrower: TestCancelOnlyForWhoMayRedAndConfirmed).
func TestTicketHeaderAndActionsOnAPhone(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 360, Height: 640}, {Width: 720, Height: 1280}, {Width: 1280, Height: 800}} {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			term, w, ds, deps := ticketTerminal(t, nil)
			tk := workingTicket(t, term, ds, deps) // numbered as the service numbers them: FB-2024-000123
			w.Resize(size)
			term.List().SetQuery(tk.Number)
			term.List().Select(0)
			detail := term.Detail().Object()
			d := fyne.CurrentApp().Driver()

			var title *widget.Label
			walk(detail, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && title == nil && strings.HasPrefix(l.Text, tk.Number+" · ") {
					title = l
				}
			})
			print := button(detail, "Print labels")
			if title == nil || print == nil {
				t.Fatalf("title %v, Print labels %v", title, print)
			}
			tp, bp := d.AbsolutePositionForObject(title), d.AbsolutePositionForObject(print)
			overlapX := tp.X < bp.X+print.Size().Width && bp.X < tp.X+title.Size().Width
			overlapY := tp.Y < bp.Y+print.Size().Height && bp.Y < tp.Y+title.Size().Height
			if bp.X+print.Size().Width > size.Width {
				t.Errorf("Print labels (%v at %v) is off the %v window", print.Size(), bp, size)
			}
			if overlapX && overlapY {
				t.Errorf("the title (%v at %v) runs under Print labels (%v at %v)", title.Size(), tp, print.Size(), bp)
			}
			// A title narrower than it needs draws past its edge, under
			// whatever is beside it.
			if tp.X+title.Size().Width > size.Width || title.Size().Width < title.MinSize().Width || title.Size().Height < title.MinSize().Height {
				t.Errorf("the title is cut: %v at %v, needs %v, window %v", title.Size(), tp, title.MinSize(), size)
			}

			complete := button(detail, "Complete")
			if complete == nil || complete.Importance != widget.HighImportance {
				t.Fatalf("no primary Complete: %v", complete)
			}
			// The pinned bar is the detail's width, less its padding.
			if want := detail.Size().Width - 4*theme.Padding(); complete.Size().Width < want {
				t.Errorf("the pinned Complete is %v wide, want at least %v", complete.Size().Width, want)
			}
			for _, name := range []string{"Wait for parts", "Cannot complete"} {
				if b := button(detail, name); b == nil || b.Importance != widget.MediumImportance {
					t.Errorf("%s: %v, want a plain (medium-importance) button beside the blue primary", name, b)
				}
			}
		})
	}
}

package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app/demo"
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

// TestEveryDemoTicketFitsAPhone: no ticket of the demo technician needs
// more than a phone's width: a long value (a Chinese address, as wide as
// twice its characters in Latin) wraps instead of widening the detail,
// which would cut the title and push the buttons off the screen.
func TestEveryDemoTicketFitsAPhone(t *testing.T) {
	term, w, ds, _ := ticketTerminal(t, nil)
	const phone = 360
	w.Resize(fyne.NewSize(phone, 640))
	shown := 0
	for _, d := range ds.Tickets {
		if d.Ticket.Technician != demo.DemoTechnician {
			continue
		}
		term.Detail().Show(d.Ticket.ID)
		shown++
		walk(term.Detail().Object(), func(o fyne.CanvasObject) {
			if _, line := o.(*canvas.Text); line {
				return // a line of a wrapping label, which the label's own size bounds
			}
			if min := o.MinSize().Width; min > phone {
				t.Errorf("%s: a %T needs %v px, more than a %v px phone", d.Ticket.Number, o, min, phone)
			}
		})
	}
	if shown < 30 {
		t.Fatalf("%d tickets of the demo technician shown, want the demo's day and history", shown)
	}
}

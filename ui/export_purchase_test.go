package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// OpenTicket shows ticket id as a tap on its row does: beside the list,
// or on a phone in its place.
func (t *Terminal) OpenTicket(id app.TicketID) { t.openTicket(id) }

// ScrollToCard scrolls the ticket on screen to its card titled title, as
// a technician scrolling down to it does; false when it has none.
func (v *TicketDetailView) ScrollToCard(title string) bool {
	if v.scroll == nil {
		return false
	}
	cards := v.scroll.Content.(*fyne.Container).Objects[0].(*fyne.Container) // in wheelPage's gutter
	for _, o := range cards.Objects {
		if c, ok := o.(*widget.Card); ok && c.Title == title {
			v.scroll.ScrollToOffset(fyne.NewPos(0, c.Position().Y))
			return true
		}
	}
	return false
}

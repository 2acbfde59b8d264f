package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
)

// BenchmarkReloadTicket: a ticket on screen, scrolled to its middle,
// reloads (as after a save or a sync) until the frame is drawn: the load
// from SQLite, the cards built and laid out, the scroll kept, one frame.
func BenchmarkReloadTicket(b *testing.B) {
	term, w, _ := benchTerminal(b)
	id := term.List().Tickets()[0].ID
	term.Detail().Show(id)
	w.Canvas().Capture()
	scroll := cardsScroll(b, term.Detail().Object())
	scroll.ScrollToOffset(fyne.NewPos(0, (scroll.Content.MinSize().Height-scroll.Size().Height)/2))
	if scroll.Offset.Y <= 0 {
		b.Fatal("the ticket does not scroll")
	}
	for b.Loop() {
		term.Detail().Show(id)
		w.Canvas().Capture()
	}
}

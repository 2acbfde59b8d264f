package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
)

// ticketLeftList says where the open ticket went when a reload took it
// off the list on screen (TicketList.onLeft): a technician who put a
// ticket in waiting for parts, or completed it, saw its row vanish from
// Today with nothing saying where it was. The ticket is read again, as
// the list's reload and the detail's run side by side; its list is
// app.ListOf's, the rule the lists are.
func (t *Terminal) ticketLeftList(id app.TicketID, from app.TicketView) {
	t.deps.Run(func() {
		d, err := t.deps.Tickets.TicketDetail(t.ctx, id)
		if err != nil {
			return // gone from the device: the detail says so
		}
		fyne.Do(func() {
			to := app.ListOf(d.Ticket, t.deps.Now(), t.deps.Zone)
			if to == from || t.detail.shown != id || t.list.selected == id || t.list.view != from || t.list.search != "" {
				return // on a later page, or the user moved on meanwhile
			}
			text := lang.X("tickets.moved", "{{.Number}} moved from {{.From}} to {{.To}}.", map[string]any{
				"Number": d.Ticket.Number, "From": viewText(from), "To": viewText(to)})
			kind := statusNews
			if t.statusKind == statusWaitsForSync && t.scanBar.Visible() {
				// The note that the work waits for the sync stays: it
				// says whether the network or the user holds it back.
				kind, text = statusWaitsForSync, t.scanStatus.Text+" "+text
			}
			t.showStatus(kind, text)
		})
	})
}

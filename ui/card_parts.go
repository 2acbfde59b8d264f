package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// partAdder opens the add-part dialog for a ticket: searched, scanned, or
// picked from the technician's own stock.
type partAdder interface {
	addPart(tk app.Ticket, query string)
}

// partsCard lists the parts fitted on the ticket and adds one.
type partsCard struct {
	adder    partAdder
	editable bool
	tv       ticketView
}

func (c *partsCard) object() fyne.CanvasObject {
	d := c.tv.detail
	box := container.NewVBox()
	for _, u := range d.Parts {
		name := string(u.Part)
		if p, ok := c.tv.parts[u.Part]; ok {
			name = partName(p) + " · " + string(u.Part)
		}
		line := fmt.Sprintf("%s × %s", name, countText(u.Qty))
		if u.Serial != "" {
			line += "  S/N " + u.Serial
		}
		if u.DefectiveSerial != "" {
			line += "  " + lang.X("parts.returned", "defective {{.Serial}} kept for return", map[string]any{"Serial": u.DefectiveSerial})
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(d.Parts) == 0 {
		box.Add(lowLabel(lang.X("parts.none", "No parts fitted.")))
	}
	if c.editable && d.Ticket.Status.Open() {
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("parts.add", "Add part"), theme.ContentAddIcon(), func() { c.adder.addPart(d.Ticket, "") })))
	}
	return widget.NewCard(lang.X("ticket.parts", "Parts"), "", box)
}

package ui

import (
	"time"

	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// notesCard lists the ticket's notes and adds one.
type notesCard struct {
	save     committer
	keys     *wedgeKeys
	editable bool
	detail   app.TicketDetail
	zone     *time.Location // the session's (Deps.Zone)
}

func (c *notesCard) object() fyne.CanvasObject {
	d := c.detail
	box := container.NewVBox()
	for _, n := range d.Notes {
		l := widget.NewLabel(fmt.Sprintf("%s  %s: %s", timeText(c.zone, n.At), n.By, n.Text))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if c.editable {
		entry := newScanEntry(c.keys)
		entry.SetPlaceHolder(lang.X("notes.hint", "Add a note for dispatch or the next visit"))
		add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
			text := strings.TrimSpace(entry.Text)
			if text == "" {
				return
			}
			c.save.commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: d.Ticket.ID, Text: text}}, nil)
		})
		entry.OnSubmitted = func(string) { add.OnTapped() }
		box.Add(container.NewBorder(nil, nil, nil, add, entry))
	}
	return widget.NewCard(lang.X("ticket.notes", "Notes"), "", box)
}

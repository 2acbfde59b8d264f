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
	// drafts keeps the new note as typed until it is added (draft.go);
	// nil keeps none. draft is the kept one the entry opens with.
	drafts *draftKeeper
	draft  string
	entry  *scanEntry // the new note's field; nil when not editable
	// confirm asks before the draft is discarded (dialogs.confirm); nil
	// discards at once.
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// isDraft reports whether the new note's field holds a draft.
func (c *notesCard) isDraft() bool { return c.entry != nil && draftWorth(c.entry.Text, "") }

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
		c.entry = entry
		entry.SetPlaceHolder(lang.X("notes.hint", "Add a note for dispatch or the next visit"))
		entry.SetText(c.draft)
		row := newDraftRow(c.confirm, draftDiscardText(), func() {
			entry.SetText("") // OnChanged hides the row
			if c.drafts != nil {
				c.drafts.drop(d.Ticket.ID, app.DraftNote)
			}
		})
		row.show(draftWorth(entry.Text, ""), false, "")
		entry.OnChanged = func(s string) {
			row.show(draftWorth(s, ""), false, "")
			if c.drafts != nil {
				c.drafts.typed(d.Ticket.ID, app.DraftNote, s, "", "")
			}
		}
		add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
			text := strings.TrimSpace(entry.Text)
			if text == "" {
				return
			}
			var added func()
			if c.drafts != nil {
				added = func() { c.drafts.drop(d.Ticket.ID, app.DraftNote) }
			}
			c.save.commit(&app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: d.Ticket.ID, Text: text}}, added)
		})
		entry.OnSubmitted = func(string) { add.OnTapped() }
		box.Add(container.NewBorder(nil, nil, nil, add, entry))
		box.Add(row.box)
	}
	return widget.NewCard(lang.X("ticket.notes", "Notes"), "", box)
}

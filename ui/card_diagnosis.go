package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// diagnosisCard edits the diagnosis; sent as a three-way-mergeable update.
type diagnosisCard struct {
	save   committer
	ticket app.Ticket
	// entry feeds the scanner's wedge like every field: a scan while the
	// diagnosis has the focus acts, and leaves its text as typed.
	entry *scanEntry
	// rows is the entry's height in rows: set again only when it changes,
	// because every resize lays the whole ticket out again, and on a busy
	// device that per-key work pushed a scanner's keys apart.
	rows int
	// drafts keeps what is typed and not saved (draft.go); nil keeps
	// none.
	drafts *draftKeeper
	// base is the saved diagnosis the text in entry was typed over: the
	// ticket's, or a restored draft's (app.Draft.Base). When the ticket's
	// differs, a sync changed it since, and row says what it reads now.
	base string
	row  *draftRow // "Draft, not saved yet"; set by object
	// confirm asks before the draft is discarded (dialogs.confirm); nil
	// discards at once.
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// Rows of the diagnosis entry: it grows with the lines typed, up to
// maxDiagnosisRows, past which the text scrolls under the cursor.
const (
	minDiagnosisRows = 2
	maxDiagnosisRows = 12
)

func newDiagnosisCard(save committer, keys *wedgeKeys, tk app.Ticket) *diagnosisCard {
	c := &diagnosisCard{save: save, ticket: tk, base: tk.Diagnosis}
	c.entry = newScanMultiLineEntry(keys)
	c.entry.SetText(tk.Diagnosis)
	c.entry.SetPlaceHolder(lang.X("diagnosis.hint", "What you found: cause, tests done, readings"))
	c.grow()
	return c
}

// typed is the diagnosis as typed, saved or not.
func (c *diagnosisCard) typed() string { return c.entry.Text }

// restore puts typed text back in the field, typed over base.
func (c *diagnosisCard) restore(text, base string) {
	c.entry.SetText(text)
	c.base = base
	c.grow()
}

// isDraft reports whether the card is on screen holding a draft.
func (c *diagnosisCard) isDraft() bool {
	return c.row != nil && draftWorth(c.entry.Text, c.ticket.Diagnosis)
}

// grow fits the entry's rows to the lines typed.
func (c *diagnosisCard) grow() {
	rows := max(minDiagnosisRows, min(strings.Count(c.entry.Text, "\n")+2, maxDiagnosisRows))
	if rows != c.rows {
		c.rows = rows
		c.entry.SetMinRowsVisible(rows)
	}
}

// showDraft shows or hides the draft's line for the text in the field.
func (c *diagnosisCard) showDraft() {
	draft := draftWorth(c.entry.Text, c.ticket.Diagnosis)
	if !draft {
		c.base = c.ticket.Diagnosis // a draft begun from here is typed over it
	}
	c.row.show(draft, strings.TrimSpace(c.base) != strings.TrimSpace(c.ticket.Diagnosis), c.ticket.Diagnosis)
}

func (c *diagnosisCard) object() fyne.CanvasObject {
	save := widget.NewButtonWithIcon(lang.X("diagnosis.save", "Save diagnosis"), theme.DocumentSaveIcon(), nil)
	if c.entry.Text == c.ticket.Diagnosis {
		save.Disable()
	}
	c.row = newDraftRow(c.confirm, draftDiscardText(), func() {
		// Back to the saved text: OnChanged hides the row and forgets
		// the pending draft; drop deletes the one written.
		c.entry.SetText(c.ticket.Diagnosis)
		if c.drafts != nil {
			c.drafts.drop(c.ticket.ID, app.DraftDiagnosis)
		}
	})
	c.showDraft()
	c.entry.OnChanged = func(s string) {
		c.grow()
		if s != c.ticket.Diagnosis {
			save.Enable()
		} else {
			save.Disable()
		}
		c.showDraft()
		if c.drafts != nil {
			c.drafts.typed(c.ticket.ID, app.DraftDiagnosis, s, c.ticket.Diagnosis, c.base)
		}
	}
	save.OnTapped = func() {
		// Based on the diagnosis saved now, not on a restored draft's
		// base: the line under the field showed what a sync changed it
		// to, so saving replaces it knowingly rather than raising a
		// conflict for the office to settle.
		text, base := strings.TrimSpace(c.entry.Text), c.ticket.Diagnosis
		var saved func()
		if c.drafts != nil {
			id := c.ticket.ID
			saved = func() { c.drafts.drop(id, app.DraftDiagnosis) }
		}
		c.save.commit(&app.UpdateTicket{Ticket: c.ticket.ID, Set: app.TicketFields{Diagnosis: &text}, Base: app.TicketFields{Diagnosis: &base}}, saved)
	}
	// The draft's line goes under the button, not between it and the
	// field: it appears with the first key typed, and above the button it
	// moved "Save diagnosis" down under the pointer on its way to it.
	return widget.NewCard(lang.X("ticket.diagnosis", "Diagnosis"), "", container.NewVBox(c.entry, container.NewHBox(save), c.row.box))
}

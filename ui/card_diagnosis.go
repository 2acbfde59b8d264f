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
}

// Rows of the diagnosis entry: it grows with the lines typed, up to
// maxDiagnosisRows, past which the text scrolls under the cursor.
const (
	minDiagnosisRows = 2
	maxDiagnosisRows = 12
)

func newDiagnosisCard(save committer, keys *wedgeKeys, tk app.Ticket) *diagnosisCard {
	c := &diagnosisCard{save: save, ticket: tk}
	c.entry = newScanMultiLineEntry(keys)
	c.entry.SetText(tk.Diagnosis)
	c.entry.SetPlaceHolder(lang.X("diagnosis.hint", "What you found: cause, tests done, readings"))
	c.grow()
	return c
}

// typed is the diagnosis as typed, saved or not.
func (c *diagnosisCard) typed() string { return c.entry.Text }

// grow fits the entry's rows to the lines typed.
func (c *diagnosisCard) grow() {
	rows := max(minDiagnosisRows, min(strings.Count(c.entry.Text, "\n")+2, maxDiagnosisRows))
	if rows != c.rows {
		c.rows = rows
		c.entry.SetMinRowsVisible(rows)
	}
}

func (c *diagnosisCard) object() fyne.CanvasObject {
	save := widget.NewButtonWithIcon(lang.X("diagnosis.save", "Save diagnosis"), theme.DocumentSaveIcon(), nil)
	if c.entry.Text == c.ticket.Diagnosis {
		save.Disable()
	}
	c.entry.OnChanged = func(s string) {
		c.grow()
		if s != c.ticket.Diagnosis {
			save.Enable()
		} else {
			save.Disable()
		}
	}
	save.OnTapped = func() {
		text, base := strings.TrimSpace(c.entry.Text), c.ticket.Diagnosis
		c.save.commit(&app.UpdateTicket{Ticket: c.ticket.ID, Set: app.TicketFields{Diagnosis: &text}, Base: app.TicketFields{Diagnosis: &base}}, nil)
	}
	return widget.NewCard(lang.X("ticket.diagnosis", "Diagnosis"), "", container.NewVBox(c.entry, container.NewHBox(save)))
}

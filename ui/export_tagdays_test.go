package ui

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TicketLabels are the labels ticket d prints, its claim tag first, on
// zone's calendar in the UI language.
func TicketLabels(d app.TicketDetail, zone *time.Location) []scanner.Printable {
	return ticketLabels(d, nil, zone)
}

package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/ui"
)

// cappedTickets is the store's ticket service with its lists counted only
// up to countCap, as the store counts them up to app.TicketCountCap, and
// pages shorter than the cap as the terminal's page of 200 is shorter
// than 1,000: the demo world holds far fewer tickets than the real cap.
type cappedTickets struct {
	app.TicketService
	countCap int
}

func (c cappedTickets) ListTickets(ctx context.Context, f app.TicketFilter) (app.TicketList, error) {
	f.Limit = min(f.Limit, c.countCap-1)
	l, err := c.TicketService.ListTickets(ctx, f)
	if l.Total > c.countCap {
		l.Total, l.More = c.countCap, true
	}
	return l, err
}

// TestListSaysWhenItStoppedCounting: a list or a scan that matches more
// tickets than the store counts says "N+", not a number it did not count.
func TestListSaysWhenItStoppedCounting(t *testing.T) {
	const countCap = 3
	term, _, ds, deps := ticketTerminal(t, func(d *ui.Deps) {
		d.Tickets = cappedTickets{TicketService: d.Tickets, countCap: countCap}
	})
	full := deps.Tickets.(cappedTickets).TicketService
	_, done, err := full.FindTickets(t.Context(), app.TicketFilter{View: app.ViewDone, Technician: deps.Actor.Technician})
	if err != nil || done <= countCap {
		t.Fatalf("the demo technician has %d done tickets (%v), want more than %d", done, err, countCap)
	}
	term.List().SetView(app.ViewDone)
	if want := fmt.Sprintf("Showing %d of %d+ tickets", countCap-1, countCap); term.List().Status() != want {
		t.Errorf("done (%d tickets): status %q, want %q", done, term.List().Status(), want)
	}
	term.List().SetView(app.ViewWaitingParts)
	list, err := full.ListTickets(t.Context(), app.TicketFilter{View: app.ViewWaitingParts, Technician: deps.Actor.Technician, Now: deps.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(term.List().Status(), "+") != (list.Total > countCap) {
		t.Errorf("waiting for parts (%d tickets): status %q", list.Total, term.List().Status())
	}

	// A scanned text that is no code the terminal knows, found in many
	// tickets' numbers.
	text := ds.Tickets[0].Ticket.Number[:7]
	if _, n, err := full.FindTickets(t.Context(), app.TicketFilter{Technician: deps.Actor.Technician, Query: text}); err != nil || n <= countCap {
		t.Fatalf("%q finds %d tickets (%v), want more than %d", text, n, err, countCap)
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: text}})
	if want := fmt.Sprintf("Scanned “%s”: %d+ tickets listed.", text, countCap); term.ScanStatus() != want {
		t.Errorf("scan bar %q, want %q", term.ScanStatus(), want)
	}
}

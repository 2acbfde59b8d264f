package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TestCounterCheckInToPickUp is the repair counter's day: a device checked
// in with its condition, accessories and a photo, repaired, and handed
// back when its claim tag is scanned.
func TestCounterCheckInToPickUp(t *testing.T) {
	term, w, _, _, deps := scanTerminal(t)
	ctx := context.Background()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("no check-in form")
	}
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643809"}})
	form.Fill(app.CategoryPhone, "Li Na", "+86 139 1234 5678", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.SetCondition(false, true, false, "charger, case")
	photo, err := scanner.LabelPNG(scanner.PartLabel{Part: "X"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	form.AddPhoto("front.png", photo)
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("check-in refused: %s", p)
	}
	found, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "356938035643809"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v", n, err)
	}
	tk := found[0]
	d := ticketNow(t, deps, tk.ID)
	if c := d.Ticket.Condition; !c.PhysicalDamage || c.LiquidDamage || c.Accessories != "charger, case" {
		t.Errorf("condition %+v", c)
	}
	if len(d.Photos) != 1 || d.Photos[0].Kind != "condition" {
		t.Errorf("condition photos: %+v", d.Photos)
	}

	// The repair, done at the bench.
	diag := "Display connector loose"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Reseated the connector", Minutes: 20}},
		&app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{Diagnosis: &diag}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: tk.ID, Epoch: tk.Epoch, Resolution: app.ResolutionRepaired},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatal(err)
		}
	}

	// Pick-up: the customer shows the tag.
	text, err := scanner.FormatLabel(scanner.ClaimTagFor(tk).Label())
	if err != nil {
		t.Fatal(err)
	}
	term.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: text}})
	dlg := w.Canvas().Overlays().Top()
	shown := labels(dlg)
	for _, want := range []string{"…5678", "charger, case", tk.Number} {
		if !strings.Contains(shown, want) {
			t.Errorf("pick-up dialog lacks %q:\n%s", want, shown)
		}
	}
	tapButton(t, dlg, "Hand back and close")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusClosed {
		t.Fatalf("after pick-up the ticket is %s", got)
	}
}

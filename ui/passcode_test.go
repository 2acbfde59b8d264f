package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckInPasscode: the counter draws the customer's pattern at
// check-in (a too short one is refused with what to do, and nothing is
// saved); the ticket then shows the passcode masked until "Show", masked
// again once the ticket is left and opened again; handed back and closed,
// it is gone from the ticket and from the device.
func TestCheckInPasscode(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	ctx := context.Background()
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	if form == nil {
		t.Fatal("no check-in form")
	}
	form.Fill(app.CategoryPhone, "Wu Passcode", "139 1234 7788", "Huawei", "P60", "", "", "Screen flickers")
	form.SetSerial("QX000731999")
	form.DrawPattern(1, 5, 9)
	form.Submit()
	if got := form.PasscodeProblem(); !strings.Contains(got, "A pattern joins 4 to 9 different dots; draw it again.") {
		t.Fatalf("a three-dot pattern %q: problem %q (%q)", form.Pattern(), got, form.Problem())
	}
	if _, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "Wu Passcode"}); err != nil || n != 0 {
		t.Fatalf("a refused check-in saved %d tickets (%v)", n, err)
	}
	form.ClearPattern()
	form.DrawPattern(1, 5, 9, 6)
	if got := form.Pattern(); got != "1-5-9-6" {
		t.Fatalf("the pad shows %q, want 1-5-9-6", got)
	}
	// Drawn again, the pattern's problem goes before the next submit.
	if got, above := form.PasscodeProblem(), form.Problem(); got != "" || above != "" {
		t.Errorf("the pattern's problem stays after it was drawn again: %q, above the buttons %q", got, above)
	}
	form.Submit()
	found, n, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Query: "Wu Passcode"})
	if err != nil || n != 1 {
		t.Fatalf("checked-in tickets: %d, %v", n, err)
	}
	tk := found[0]
	if p, err := deps.Passcodes.Passcode(ctx, deps.Actor, tk.ID); err != nil || p.Kind != app.PasscodePattern || p.Secret != "1-5-9-6" {
		t.Fatalf("the saved passcode: %+v, %v", p, err)
	}

	term.Detail().Show(tk.ID)
	page := term.Detail().Object()
	if shown := labels(page); !strings.Contains(shown, "••••") || strings.Contains(shown, "1-5-9-6") {
		t.Fatalf("the ticket before Show:\n%s", shown)
	}
	tapButton(t, page, "Show")
	if shown := labels(page); !strings.Contains(shown, "1-5-9-6") {
		t.Fatalf("the ticket after Show lacks the pattern:\n%s", shown)
	}
	// Another ticket opened, then this one again: a new showing.
	var other app.Ticket
	mine, _, err := deps.Tickets.FindTickets(ctx, app.TicketFilter{Technician: deps.Technician})
	if err != nil || len(mine) < 2 {
		t.Fatalf("the technician's tickets: %d, %v", len(mine), err)
	}
	for _, d := range mine {
		if d.ID != tk.ID {
			other = d
			break
		}
	}
	term.Detail().Show(other.ID)
	term.Detail().Show(tk.ID)
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "••••") || strings.Contains(shown, "1-5-9-6") {
		t.Fatalf("the ticket opened again shows its passcode:\n%s", shown)
	}

	tk = ticketNow(t, deps, tk.ID).Ticket
	commitAll(t, deps, deps.Actor, finish(tk)...)
	commitAll(t, deps, deps.Actor, &app.TransitionTicket{Action: app.ActionClose, Ticket: tk.ID, Epoch: tk.Epoch})
	term.Detail().Show(tk.ID)
	if shown := labels(term.Detail().Object()); strings.Contains(shown, "••••") || strings.Contains(shown, "1-5-9-6") {
		t.Fatalf("the closed ticket still shows a passcode:\n%s", shown)
	}
	if p, err := deps.Passcodes.Passcode(ctx, deps.Actor, tk.ID); err != nil || p.Secret != "" {
		t.Fatalf("after the close: %+v, %v; want none", p, err)
	}
}

package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// TestEstimateExceeded: once the customer approved an estimate and the
// cost then grew, the ticket and the warning before completing name the
// approved amount and the new cost; they never say the customer "has not
// approved", which reads as if their recorded answer was lost.
func TestEstimateExceeded(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	tk, total := paidTicket(t, term, deps, "356938035643810")
	ctx := context.Background()
	est := app.Estimate{ID: app.NewID(), Ticket: tk.ID, Amount: total, Note: "Display and labour"}
	for _, cmd := range []app.Command{
		&app.IssueEstimate{Estimate: est},
		&app.DecideEstimate{Ticket: tk.ID, Estimate: est.ID, Decision: app.EstimateApproved, Customer: "Li Na"},
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: "Replaced the battery", Minutes: 60}},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	term.Detail().Show(tk.ID)
	now, ok := term.Detail().Charges()
	if !ok || now.Amount <= total.Amount {
		t.Fatalf("charges %v after a second hour of work, want more than the approved %v", now, total)
	}
	want := "The customer approved " + ui.MoneyText(total) + "; the cost is now " + ui.MoneyText(now)
	detail := term.Detail().Object()
	for _, tc := range []struct {
		where string
		shown func() string
	}{
		{"ticket", func() string { return labels(detail) }},
		{"warning before completing", func() string { tapButton(t, detail, "Complete"); return labels(front(w)) }},
	} {
		s := tc.shown()
		if !strings.Contains(s, want) || strings.Contains(s, "has not approved") {
			t.Errorf("%s: want %q and no \"has not approved\":\n%s", tc.where, want, s)
		}
	}
	if s := labels(front(w)); !strings.Contains(s, "Cost above the approved estimate") {
		t.Errorf("the warning's title is not about the exceeded estimate:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusInProgress {
		t.Errorf("the warning alone moved the ticket to %s", got)
	}
}

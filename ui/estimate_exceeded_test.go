package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
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

// TestCompleteAsksApprovalForARepairLoggedInItsDialog: Complete warns
// about paid work the customer has not approved before its dialog opens;
// a repair logged from that dialog's checklist then raises the cost, and
// completing from the same dialog asks about the new cost, as Complete
// tapped again would, rather than complete paid work nobody approved.
func TestCompleteAsksApprovalForARepairLoggedInItsDialog(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	ctx := context.Background()
	now := deps.Now()
	tk := app.Ticket{ID: app.TicketID(app.NewID()), Number: app.NewTicketNumber(now), Kind: app.KindCarryIn, Country: deps.Country,
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: "Redmi Note 13", Serial: "356938035643828"},
		Customer: app.Customer{Name: "Li Na", Phone: "+86 139 1234 5678"}, Fault: "Screen flickers",
		Priority: app.PriorityNormal, Status: app.StatusAssigned, CreatedAt: now}
	for _, cmd := range []app.Command{&app.CreateTicket{Ticket: tk}, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: 1}} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	term.Detail().Show(tk.ID)
	if c, ok := term.Detail().Charges(); ok && c.Amount > 0 {
		t.Fatalf("the ticket costs %v before any repair; the test needs it free until then", c)
	}

	tapButton(t, term.Detail().Object(), "Complete")
	dlg := logRepairInComplete(t, w, "60")
	if c, ok := term.Detail().Charges(); !ok || c.Amount <= 0 {
		t.Fatalf("charges %v after an hour of repair, want a paid repair", c)
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	tapButton(t, dlg, "Complete")
	if s := labels(front(w)); !strings.Contains(s, "No approved estimate") {
		t.Fatalf("completing paid work logged in the dialog did not ask for the customer's approval:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusInProgress {
		t.Fatalf("before the answer the ticket is %s", got)
	}
	tapButton(t, front(w), "Go on without approval")
	if got := ticketNow(t, deps, tk.ID).Ticket; got.Status != app.StatusCompleted || got.Diagnosis != "Display cable loose" || got.ResolutionCode == "" {
		t.Fatalf("after going on: %s, diagnosis %q, resolution %q", got.Status, got.Diagnosis, got.ResolutionCode)
	}
}

// TestCompleteGoesOnOnceTheEstimateIsApproved: Complete on paid work
// without approval, then the estimate and the customer's signed approval
// from that question: the ticket completes, as asked, without Complete
// tapped again (a technician was left on the card with the work
// approved and the ticket still in progress).
func TestCompleteGoesOnOnceTheEstimateIsApproved(t *testing.T) {
	term, w, deps, db := moneyTerminal(t, "D12")
	tk, _ := paidTicket(t, term, deps, "356938035643836")
	if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Complete")
	if s := labels(front(w)); !strings.Contains(s, "No approved estimate") {
		t.Fatalf("Complete on paid work did not ask for approval:\n%s", s)
	}
	tapButton(t, front(w), "Estimate")
	tapButton(t, front(w), "Issue estimate")
	ui.ChooseInFront(w, "Approve")
	ui.TypeInFront(w, "Name of the person answering", "Li Na")
	pad := ui.SignPadInFront(w)
	if pad == nil {
		t.Fatalf("no signature pad in the answer:\n%s", labels(front(w)))
	}
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.3, s.Height*0.4), fyne.NewPos(s.Width*0.5, s.Height*0.7))
	tapButton(t, front(w), "Record answer")
	if ests, _ := store.NewPaymentService(db).Estimates(context.Background(), tk.ID); len(ests) != 1 || ests[0].Decision != app.EstimateApproved {
		t.Fatalf("estimates after the answer: %+v", ests)
	}
	// Complete's own dialog follows, on the ticket as approved.
	dlg := front(w)
	if dlg == nil || !strings.Contains(labels(dlg), "Resolution") {
		t.Fatalf("after the approval, Complete's dialog is not open:\n%s", labels(dlg))
	}
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	typeInto(t, dlg, "What you found", "Display cable loose")
	tapButton(t, dlg, "Complete")
	if got := ticketNow(t, deps, tk.ID).Ticket.Status; got != app.StatusCompleted {
		t.Errorf("after approval and Complete's dialog the ticket is %s", got)
	}
}

// TestCompleteAsksApprovalOnce: Complete on paid work without approval
// asks first; "Go on without approval" opens its dialog, and a repair
// logged from the dialog's checklist then completes without the question
// asked a second time (walk4: the technician had just answered it).
func TestCompleteAsksApprovalOnce(t *testing.T) {
	term, w, deps, _ := moneyTerminal(t, "D12")
	ctx := context.Background()
	tk := unpricedTicket(t, term, deps, "356938035643844")
	part, units := vanUnits(t, deps)
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: tk.ID, Epoch: tk.Epoch},
		// A part fitted and no repair logged yet: paid work the
		// checklist still wants a repair entry for.
		&app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: tk.ID, Part: part.Number, Qty: 1, Serial: units[0], From: demoVan}},
	} {
		if _, err := deps.Commit.Commit(ctx, deps.Actor, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	term.Detail().Show(tk.ID)
	if c, ok := term.Detail().Charges(); !ok || c.Amount <= 0 {
		t.Fatalf("charges %v with a part fitted; the test needs paid work", c)
	}
	tapButton(t, term.Detail().Object(), "Complete")
	if s := labels(front(w)); !strings.Contains(s, "No approved estimate") {
		t.Fatalf("Complete on paid work did not ask for approval:\n%s", s)
	}
	tapButton(t, front(w), "Go on without approval")
	dlg := logRepairInComplete(t, w, "30")
	walk(dlg, func(o fyne.CanvasObject) {
		if s := ui.SelectOf(o); s != nil {
			s.SetSelected("Repaired")
		}
	})
	tapButton(t, dlg, "Complete")
	if s := labels(front(w)); strings.Contains(s, "No approved estimate") || strings.Contains(s, "Cost above the approved estimate") {
		t.Fatalf("the approval was asked again after going on without it:\n%s", s)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket; got.Status != app.StatusCompleted {
		t.Fatalf("after the dialog's Complete the ticket is %s", got.Status)
	}
}

// logRepairInComplete writes what was found in Complete's dialog, the
// front window of w, and logs a repair of the given minutes from it; it
// returns Complete's dialog.
func logRepairInComplete(t *testing.T, w fyne.Window, minutes string) fyne.CanvasObject {
	t.Helper()
	dlg := front(w)
	typeInto(t, dlg, "What you found", "Display cable loose")
	tapButton(t, dlg, "Log repair")
	form := front(w)
	typeInto(t, form, "drain pump", "Replaced the display")
	typeInto(t, form, "0 to 1440", minutes)
	tapButton(t, form, "Save")
	return dlg
}

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

// heldRun is a Deps.Run that runs work at once until hold is set, then
// keeps it queued until the test steps it: the background reads held
// there are a slow machine's.
type heldRun struct {
	hold   bool
	queued []func()
}

func (h *heldRun) run(f func()) {
	if !h.hold {
		f()
		return
	}
	h.queued = append(h.queued, f)
}

// step runs the first work queued, and reports whether there was any.
func (h *heldRun) step() bool {
	if len(h.queued) == 0 {
		return false
	}
	f := h.queued[0]
	h.queued = h.queued[1:]
	f()
	return true
}

// TestEstimateAnswerShowsAtOnce: once the customer's signed approval is
// saved the ticket shows it, and drops the answer's warning and button,
// without waiting for the ticket to be read again (the lead's walk at
// load 10: the old warning and "Customer's answer" stayed two seconds).
func TestEstimateAnswerShowsAtOnce(t *testing.T) {
	held := &heldRun{}
	reads := 0
	term, w, deps, db := moneyTerminalWith(t, "D12", func(d *ui.Deps) {
		d.Run = held.run
		d.Tickets = openWatch{d.Tickets, func(app.TicketID) { reads++ }}
	})
	tk, total := paidTicket(t, term, deps, "356938035643811")
	est := app.Estimate{ID: app.NewID(), Ticket: tk.ID, Amount: total, Note: "Display and labour"}
	if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.IssueEstimate{Estimate: est}); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(tk.ID)
	detail := term.Detail().Object()
	tapButton(t, detail, "Customer's answer")
	ui.ChooseInFront(w, "Approve")
	ui.TypeInFront(w, "Name of the person answering", "Li Na")
	pad := ui.SignPadInFront(w)
	if pad == nil {
		t.Fatalf("no signature pad in the answer:\n%s", labels(front(w)))
	}
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.2, s.Height*0.4), fyne.NewPos(s.Width*0.3, s.Height*0.7))

	held.hold = true
	reads = 0
	tapButton(t, front(w), "Record answer")
	// The background work runs one task at a time until the answer is
	// saved.
	decided := func() bool {
		ests, err := store.NewPaymentService(db).Estimates(context.Background(), tk.ID)
		return err == nil && len(ests) == 1 && ests[0].Decision == app.EstimateApproved
	}
	for !decided() {
		if !held.step() {
			t.Fatal("the answer was never saved")
		}
	}
	// The answer's own save has run; the read it asked for has not, nor
	// any before it: the picture, the signature and the answer are saved
	// in one go (they were three saves, each reading the ticket again).
	if reads != 0 {
		t.Errorf("the ticket was read %d times before the answer was saved", reads)
	}
	detail = term.Detail().Object()
	if s := labels(detail); strings.Contains(s, "has not approved") || !strings.Contains(s, "approved by Li Na") {
		t.Errorf("the ticket waits for a reload to show the answer:\n%s", s)
	}
	if button(detail, "Customer's answer") != nil {
		t.Errorf("the answer's button stays after the answer:\n%s", labels(detail))
	}
	// The reads queued before the answer end after it: the ticket still
	// shows it.
	held.hold = false
	for held.step() {
	}
	if s := labels(term.Detail().Object()); !strings.Contains(s, "approved by Li Na") || button(term.Detail().Object(), "Customer's answer") != nil {
		t.Errorf("after the reloads the ticket shows:\n%s", s)
	}
}

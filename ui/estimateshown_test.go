package ui_test

import (
	"context"
	"io"
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
	// Before anything is saved, the answer shows as given: its button is
	// not left under the finger.
	if s := labels(term.Detail().Object()); strings.Contains(s, "has not answered") || !strings.Contains(s, "approved by Li Na") || button(term.Detail().Object(), "Customer's answer") != nil {
		t.Errorf("the ticket waits for the saves to show the answer:\n%s", s)
	}
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
	if button(detail, "Customer's answer") != nil || button(detail, "Estimate") != nil {
		t.Errorf("the answer's button, or one for a new estimate, stays after the answer:\n%s", labels(detail))
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

// refusingPhotos is a photo library whose disk is full: nothing is stored.
type refusingPhotos struct{ app.PhotoLibrary }

func (refusingPhotos) PutPhoto(context.Context, io.Reader) (string, int64, error) {
	return "", 0, app.Errorf(app.EINTERNAL, "photo.disk_full", "The device's storage is full.")
}

// TestEstimateAnswerRefusedShowsItPending: an answer shown at once whose
// picture cannot be saved is said refused, and the ticket shows the
// estimate still waiting for its answer, the button to give it again.
func TestEstimateAnswerRefusedShowsItPending(t *testing.T) {
	term, w, deps, db := moneyTerminalWith(t, "D12", func(d *ui.Deps) { d.Photos = refusingPhotos{d.Photos} })
	tk, total := paidTicket(t, term, deps, "356938035643812")
	est := app.Estimate{ID: app.NewID(), Ticket: tk.ID, Amount: total}
	if _, err := deps.Commit.Commit(context.Background(), deps.Actor, &app.IssueEstimate{Estimate: est}); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Customer's answer")
	ui.ChooseInFront(w, "Approve")
	pad := ui.SignPadInFront(w)
	s := pad.Size()
	drag(pad, fyne.NewPos(s.Width*0.1, s.Height*0.6), fyne.NewPos(s.Width*0.3, s.Height*0.4))
	tapButton(t, front(w), "Record answer")
	if !strings.Contains(labels(front(w)), "storage is full") {
		t.Errorf("the refusal is not said:\n%s", labels(front(w)))
	}
	if ests, _ := store.NewPaymentService(db).Estimates(context.Background(), tk.ID); ests[0].Decision != app.EstimatePending {
		t.Fatalf("the refused answer was saved: %+v", ests[0])
	}
	if d := term.Detail().Object(); button(d, "Customer's answer") == nil || strings.Contains(labels(d), "approved by") {
		t.Errorf("after the refusal the ticket shows:\n%s", labels(d))
	}
}

package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestNotifyCustomer: "Notify customer: on my way" asks the arrival time
// and queues the notice on an assigned visit; "ready for pick-up" appears
// only once a carry-in is completed; the ticket shows each notice's state,
// waiting to sync, then as the service's pull brings it, with what to do
// when it failed.
func TestNotifyCustomer(t *testing.T) {
	term, w, ds, deps := ticketTerminal(t, nil)
	now := deps.Now()
	db := deps.Notices.(*store.DB)
	visit := assignedTicket(t, ds, app.KindOnSite, 0)
	bench := carryIn(t, ds, deps, 0)

	term.Detail().Show(bench.ID)
	if b := button(term.Detail().Object(), "Notify customer: ready for pick-up"); b != nil {
		t.Fatal("ready for pick-up is offered on a carry-in not completed")
	}
	term.Detail().Show(visit.ID)
	page := term.Detail().Object()
	if button(page, "Notify customer: ready for pick-up") != nil {
		t.Fatal("ready for pick-up is offered on a visit")
	}
	tapButton(t, page, "Notify customer: on my way")
	dlg := w.Canvas().Overlays().Top()
	walk(dlg, func(c fyne.CanvasObject) {
		if s := ui.SelectOf(c); s != nil {
			s.SetSelected("In 45 min")
		}
	})
	tapButton(t, dlg, "Send")
	got, err := db.Notices(t.Context(), visit.ID)
	if err != nil || len(got) != 1 || got[0].Kind != app.NoticeOnMyWay || !got[0].ETA.Equal(now.Add(45*time.Minute)) || !got[0].Pending {
		t.Fatalf("notices after sending: %+v, %v; want one on my way in 45 min, pending", got, err)
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "On my way: waiting to sync") {
		t.Fatalf("the ticket does not say the notice waits:\n%s", shown)
	}

	commitAll(t, deps, deps.Actor, finish(bench)...)
	term.Detail().Show(bench.ID)
	tapButton(t, term.Detail().Object(), "Notify customer: ready for pick-up")
	tapButton(t, w.Canvas().Overlays().Top(), "Send")
	ready, err := db.Notices(t.Context(), bench.ID)
	if err != nil || len(ready) != 1 || ready[0].Kind != app.NoticeReadyForPickup {
		t.Fatalf("notices of the carry-in: %+v, %v", ready, err)
	}

	// The service's answer arrives in a pull.
	sent := ready[0].CustomerNotice
	sent.State, sent.Channel, sent.Attempts, sent.SentAt = app.NoticeSent, app.ChannelEmail, 1, time.Date(2026, 6, 18, 10, 42, 0, 0, time.Local)
	failed := got[0].CustomerNotice
	failed.State, failed.Channel, failed.Attempts, failed.LastError = app.NoticeFailed, app.ChannelWebhook, 1, "http_404"
	st, err := db.SyncState(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyPull(t.Context(), app.PullPage{Epoch: "e1", Acked: st.LastSeq, Cursor: "c1",
		Data: app.Dataset{CustomerNotices: []app.CustomerNotice{sent, failed}}}); err != nil {
		t.Fatal(err)
	}
	term.Detail().Show(bench.ID)
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "Ready for pick-up sent 10:42") {
		t.Fatalf("the carry-in does not show its notice sent:\n%s", shown)
	}
	term.Detail().Show(visit.ID)
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, "On my way failed: the text message service refused it; check the customer's phone number. Call the customer instead.") {
		t.Fatalf("the visit does not show its notice failed:\n%s", shown)
	}
}

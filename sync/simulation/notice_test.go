package simulation

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestCustomerNoticeRoundTrip: a technician notifies the customer while
// offline; the notice waits on the device, goes with the next sync, the
// central service posts it to the webhook, and the device's next pull
// brings its state, sent.
func TestCustomerNoticeRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := newEngineWorld(t)
	var mu gosync.Mutex
	var posts []central.WebhookBody
	secret := []byte("simulation-webhook-secret")
	hook := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if r.Header.Get(central.WebhookSignatureHeader) != central.SignWebhook(secret, body) {
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		var b central.WebhookBody
		if err := json.Unmarshal(body, &b); err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		posts = append(posts, b)
		mu.Unlock()
	}))
	defer hook.Close()
	n, err := central.NewNotifier(w.db, central.NotifyConfig{Webhook: &central.WebhookConfig{URL: hook.URL, Secret: secret, Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	e := fbsync.NewEngine(w.store, w.client)
	if err := e.SyncOnce(ctx); err != nil { // the first sync brings the ticket
		t.Fatal(err)
	}
	// The ticket is a carry-in: complete it on the server, as the counter would.
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	c := store.NewCommitter(w.store)
	diag := "pump blocked"
	for _, cmd := range []app.Command{
		&app.TransitionTicket{Action: app.ActionStart, Ticket: w.ticket, Epoch: 1},
		&app.UpdateTicket{Ticket: w.ticket, Set: app.TicketFields{Diagnosis: &diag}},
		&app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: w.ticket, Action: "cleared the pump", Minutes: 20}},
		&app.TransitionTicket{Action: app.ActionComplete, Ticket: w.ticket, Epoch: 1, Resolution: app.ResolutionRepaired},
	} {
		if _, err := c.Commit(ctx, tech, cmd); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	w.setDown(true)
	id := app.NewID()
	if _, err := c.Commit(ctx, tech, &app.SendNotice{Notice: app.CustomerNotice{ID: id, Ticket: w.ticket, Kind: app.NoticeReadyForPickup}}); err != nil {
		t.Fatal(err)
	}
	if err := e.SyncOnce(ctx); app.ErrorCode(err) != app.EOFFLINE {
		t.Fatalf("offline sync: %v, want EOFFLINE", err)
	}
	state := func() app.CustomerNoticeView {
		t.Helper()
		v, err := w.store.Notices(ctx, w.ticket)
		if err != nil || len(v) != 1 {
			t.Fatalf("notices on the device: %+v, %v; want one", v, err)
		}
		return v[0]
	}
	if v := state(); !v.Pending || v.State != app.NoticeQueued {
		t.Fatalf("offline: %+v, want pending, queued", v)
	}
	w.setDown(false)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if v := state(); v.Pending || v.State != app.NoticeQueued {
		t.Fatalf("pushed, not sent yet: %+v, want queued, no longer pending", v)
	}
	if tried, err := n.DeliverDue(ctx); err != nil || tried != 1 {
		t.Fatalf("DeliverDue = %d, %v; want 1", tried, err)
	}
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if v := state(); v.State != app.NoticeSent || v.Channel != app.ChannelWebhook || v.SentAt.IsZero() {
		t.Fatalf("after the sender and a pull: %+v, want sent by webhook", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 || posts[0].Notice != id || posts[0].Ticket != "FB-1" || posts[0].Kind != "ready_for_pickup" || posts[0].Language != "zh-Hans" {
		t.Fatalf("webhook posts: %+v, want the notice in Chinese", posts)
	}
}

package ui_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// TestOnMyWayTextReadsTheSessionsClock: walk3's Chinese walk sent "on my
// way" at 21:11 in Shanghai (the demo's zone, the computer in UTC) and the
// customer's text message read "预计 13:41 UTC 左右到达": the device sent
// the ETA in UTC, so the service could only say UTC. The ETA now goes with
// the session's offset, and the text the service's sender posts to the
// text-message webhook reads the clock time in the session's zone.
func TestOnMyWayTextReadsTheSessionsClock(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	deps := sw.deps
	deps.Zone, deps.Notices = shanghai, sw.db
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))
	term.Attach(w)

	tk := sw.assigned(t, 1)[0]
	term.Detail().Show(tk.ID)
	tapButton(t, term.Detail().Object(), "Notify customer: on my way")
	tapButton(t, w.Canvas().Overlays().Top(), "Send")
	sw.syncOnce(t)
	queued, err := sw.db.Notices(t.Context(), tk.ID)
	if err != nil || len(queued) != 1 {
		t.Fatalf("notices of the ticket: %+v, %v", queued, err)
	}

	secret := []byte("walk3-on-my-way-webhook-secret")
	var mu sync.Mutex
	var texts []string
	gateway := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m central.WebhookBody
		if r.Header.Get(central.WebhookSignatureHeader) != central.SignWebhook(secret, body) || json.Unmarshal(body, &m) != nil {
			http.Error(rw, "bad notice", http.StatusBadRequest)
			return
		}
		mu.Lock()
		texts = append(texts, m.Text)
		mu.Unlock()
	}))
	t.Cleanup(gateway.Close)
	sender, err := central.NewNotifier(sw.emb.DB, central.NotifyConfig{Webhook: &central.WebhookConfig{URL: gateway.URL, Secret: secret}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sender.DeliverDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(texts) != 1 {
		t.Fatalf("the gateway got %d texts, want the one on my way", len(texts))
	}
	clock := queued[0].ETA.In(shanghai).Format("15:04")
	if !strings.Contains(texts[0], clock) || strings.Contains(texts[0], "UTC") {
		t.Fatalf("the customer reads %q; want the arrival at %s, Shanghai's clock, without UTC", texts[0], clock)
	}
}

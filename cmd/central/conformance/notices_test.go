package conformance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"
)

// smsReceiver is an SMS provider's webhook receiver written from
// PROTOCOL.md ("Customer notices"): it checks X-Fieldbench-Signature, the
// HMAC-SHA256 of the raw body under the shared secret, before parsing.
type smsReceiver struct {
	secret []byte
	mu     gosync.Mutex
	got    []map[string]any
	bad    int
}

func (r *smsReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<16))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, r.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" ||
		!hmac.Equal([]byte(req.Header.Get("X-Fieldbench-Signature")), []byte(want)) {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		r.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.got = append(r.got, m)
	w.WriteHeader(http.StatusNoContent)
}

func (r *smsReceiver) received() ([]map[string]any, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.got...), r.bad
}

// TestCustomerNoticeWebhook: a device pushes notice.send; the service
// posts the signed webhook, and the notice's state "sent" reaches the
// device in its pull.
func TestCustomerNoticeWebhook(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			rcv := &smsReceiver{secret: []byte("conformance-webhook-secret-0123")}
			hook := httptest.NewServer(rcv)
			defer hook.Close()
			secretFile := filepath.Join(t.TempDir(), "webhook-secret")
			if err := os.WriteFile(secretFile, append(rcv.secret, '\n'), 0o600); err != nil {
				t.Fatal(err)
			}
			s := newService(t, db, "-webhook-url", hook.URL+"/sms", "-webhook-secret-file", secretFile)
			defer s.proc.kill()
			tc := s.addFieldTech(t, "notify", 0)
			tk := s.newTicket(t, tc.id, "") // on site, assigned, a customer with a phone
			d := s.pair(t, tc.id)
			id := newID()
			eta := time.Now().UTC().Add(30 * time.Minute).Truncate(time.Second)
			res := d.push(t, d.mut("notice.send", map[string]any{"notice": map[string]any{
				"id": id, "ticket": tk.ID, "kind": "on_my_way", "at": time.Now().UTC().Format(time.RFC3339), "eta": eta.Format(time.RFC3339)}}))
			if len(res.Rejected) != 0 {
				t.Fatalf("notice.send refused: %+v", res.Rejected)
			}
			deadline := time.Now().Add(20 * time.Second)
			var got []map[string]any
			for time.Now().Before(deadline) {
				if got, _ = rcv.received(); len(got) > 0 {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			got, bad := rcv.received()
			if len(got) != 1 || bad != 0 {
				t.Fatalf("the receiver got %d signed posts and %d bad ones, want 1 and 0\n%s", len(got), bad, s.proc.stderr())
			}
			b := got[0]
			if b["notice"] != id || b["ticket"] != tk.Number || b["kind"] != "on_my_way" || b["phone"] != tk.Customer.Phone ||
				b["language"] != "zh-Hans" || b["text"] == "" || b["eta"] != eta.Format(time.RFC3339) {
				t.Fatalf("webhook body %v, want notice %s of ticket %s with phone, Chinese text and eta %s", b, id, tk.Number, eta.Format(time.RFC3339))
			}
			for time.Now().Before(deadline) {
				a := d.sync(t, map[string]any{"v": 1})
				var out struct {
					Data struct {
						Notices []struct {
							ID       string `json:"id"`
							State    string `json:"state"`
							Channel  string `json:"channel"`
							Attempts int    `json:"attempts"`
						} `json:"customer_notices"`
					} `json:"d"`
				}
				if err := json.Unmarshal(a.body, &out); err != nil {
					t.Fatal(err)
				}
				for _, n := range out.Data.Notices {
					if n.ID == id && n.State == "sent" {
						if n.Channel != "webhook" || n.Attempts != 1 {
							t.Fatalf("pulled notice %+v, want sent by webhook at the first attempt", n)
						}
						return
					}
				}
				time.Sleep(200 * time.Millisecond)
			}
			t.Fatal("the device never pulled the notice as sent")
		})
	}
}

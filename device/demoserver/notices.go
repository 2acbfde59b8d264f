package demoserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fieldbench/fieldbench/sync/central"
)

// NoticesFile is the file in the demo service's directory where the
// demo's text-message gateway writes the customer notices it is sent
// ("on my way", "ready for pick-up"), one block each, readable by its
// owner only: the demo has no SMS provider, and a notice left "sending"
// for ever told a newcomer the feature did not work.
const NoticesFile = "sent-notices.txt"

// maxNoticeBody bounds one webhook body the gateway reads: a notice's
// text is a few hundred bytes.
const maxNoticeBody = 64 << 10

// noticeGateway is the demo's stand-in for a text-message provider: the
// service's notice sender posts to it as to any webhook (signed, on
// loopback), and it appends each message to a file.
type noticeGateway struct {
	srv    *http.Server
	done   chan error
	url    string
	secret []byte
	mu     sync.Mutex // one append at a time
	path   string
}

// startNoticeGateway serves the gateway on a free loopback port, writing
// to dir's NoticesFile.
func startNoticeGateway(dir string) (*noticeGateway, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &noticeGateway{done: make(chan error, 1), url: "http://" + ln.Addr().String() + "/sms", secret: secret, path: filepath.Join(dir, NoticesFile)}
	g.srv = &http.Server{Handler: http.HandlerFunc(g.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { g.done <- g.srv.Serve(ln) }()
	return g, nil
}

func (g *noticeGateway) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/sms" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNoticeBody+1))
	if err != nil || len(body) > maxNoticeBody {
		http.Error(w, "body too large or unreadable", http.StatusBadRequest)
		return
	}
	// Only the service's sender, which holds the secret, may write here.
	if !hmac.Equal([]byte(r.Header.Get(central.WebhookSignatureHeader)), []byte(central.SignWebhook(g.secret, body))) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m central.WebhookBody
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "not a notice", http.StatusBadRequest)
		return
	}
	if err := g.write(m); err != nil {
		// Retried by the sender, as a provider's outage would be.
		http.Error(w, "cannot write the notice", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// write appends m to the file, and syncs it: a notice the gateway
// acknowledged is marked sent on the device.
func (g *noticeGateway) write(m central.WebhookBody) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := os.OpenFile(g.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s  to %s  ticket %s  %s (%s)\n%s\n\n", time.Now().UTC().Format(time.RFC3339), m.Phone, m.Ticket, m.Kind, m.Language, m.Text)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// close stops serving.
func (g *noticeGateway) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := g.srv.Shutdown(ctx)
	if serr := <-g.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// runNotices sends db's customer notices through the gateway until ctx
// ends, as cmd/central's sender does through a provider's webhook.
func runNotices(ctx context.Context, db *central.DB, g *noticeGateway, log *slog.Logger) error {
	n, err := central.NewNotifier(db, central.NotifyConfig{Webhook: &central.WebhookConfig{URL: g.url, Secret: g.secret}, Log: log})
	if err != nil {
		return err
	}
	n.Run(ctx)
	return nil
}

package central

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// WebhookSignatureHeader carries the hex HMAC-SHA256 of a webhook's body
// under the shared secret, as "sha256=<hex>".
const WebhookSignatureHeader = "X-Fieldbench-Signature"

// WebhookConfig is the HTTP endpoint customer notices are posted to: an
// SMS provider's integration.
type WebhookConfig struct {
	URL    string
	Secret []byte // signs every body; at least 16 bytes
	// Timeout bounds one POST, answer included (default 10 s, at most a
	// minute).
	Timeout time.Duration
}

// WebhookBody is the JSON a webhook receives (docs/PROTOCOL.md,
// "Customer notices").
type WebhookBody struct {
	Notice   string    `json:"notice"`
	Ticket   string    `json:"ticket"` // the ticket's number
	Kind     string    `json:"kind"`
	Phone    string    `json:"phone"`
	Language string    `json:"language"`
	Text     string    `json:"text"`
	ETA      time.Time `json:"eta,omitzero"`
}

type webhookChannel struct {
	cfg    WebhookConfig
	client *http.Client
}

func newWebhookChannel(cfg WebhookConfig) (*webhookChannel, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("notices: the webhook URL %q is not an http(s) URL", cfg.URL)
	}
	if len(cfg.Secret) < 16 {
		return nil, errors.New("notices: the webhook secret must be at least 16 bytes")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Timeout < 0 || cfg.Timeout > time.Minute {
		return nil, fmt.Errorf("notices: the webhook timeout must be up to a minute, not %v", cfg.Timeout)
	}
	// No redirects: a signed body goes only where it was configured to.
	client := &http.Client{Timeout: cfg.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &webhookChannel{cfg: cfg, client: client}, nil
}

func (w *webhookChannel) reaches(t app.Ticket) bool { return strings.TrimSpace(t.Customer.Phone) != "" }

// SignWebhook returns the signature header's value for body.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (w *webhookChannel) send(ctx context.Context, m noticeMessage) error {
	body, err := json.Marshal(WebhookBody{Notice: m.Notice.ID, Ticket: m.Ticket.Number, Kind: string(m.Notice.Kind),
		Phone: strings.TrimSpace(m.Ticket.Customer.Phone), Language: m.Language, Text: m.Text, ETA: m.Notice.ETA.UTC()})
	if err != nil {
		return &deliveryError{code: "encode", cause: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return &deliveryError{code: "webhook_config", cause: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookSignatureHeader, SignWebhook(w.cfg.Secret, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return &deliveryError{code: "webhook_unreachable", retry: true, cause: err}
	}
	// Read a little of the answer for the log, never more.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		return &deliveryError{code: fmt.Sprintf("http_%d", resp.StatusCode), cause: fmt.Errorf("webhook answered %s: %q", resp.Status, snippet)}
	default:
		return &deliveryError{code: fmt.Sprintf("http_%d", resp.StatusCode), retry: true, cause: fmt.Errorf("webhook answered %s: %q", resp.Status, snippet)}
	}
}

package central

import (
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// mailbox is a real SMTP server on loopback (go-smtp) that keeps what it
// receives.
type mailbox struct {
	mu    gosync.Mutex
	mails []string // "rcpt\n" + the message
	addr  *net.TCPAddr
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }

type mailSession struct {
	mb *mailbox
	to []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.mails = append(s.mb.mails, strings.Join(s.to, ",")+"\n"+string(b))
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// readMail decodes a received mail's recipient, subject and text.
func readMail(t *testing.T, raw string) (to, subject, body string) {
	t.Helper()
	to, raw, _ = strings.Cut(raw, "\n")
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	var r io.Reader = m.Body
	if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return to, subject, strings.TrimSpace(string(b))
}

func (mb *mailbox) config() *SMTPConfig {
	return &SMTPConfig{Host: "127.0.0.1", Port: mb.addr.Port, From: "Fieldbench <service@example.com>", Timeout: 5 * time.Second}
}

func (mb *mailbox) received() []string {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]string(nil), mb.mails...)
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(mb)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = l.Addr().(*net.TCPAddr)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb
}

// hook is a webhook receiver on loopback: it checks each body's signature
// and answers with the next status of its script (then 200).
type hook struct {
	mu      gosync.Mutex
	script  []int
	bodies  []WebhookBody
	badSigs int
	srv     *httptest.Server
}

var hookSecret = []byte("0123456789abcdef-notice-secret")

func startHook(t *testing.T, script ...int) *hook {
	h := &hook{script: script}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.Header.Get(WebhookSignatureHeader) != SignWebhook(hookSecret, body) {
			h.badSigs++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var b WebhookBody
		if err := json.Unmarshal(body, &b); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.bodies = append(h.bodies, b)
		status := http.StatusOK
		if len(h.script) > 0 {
			status, h.script = h.script[0], h.script[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) badSignatures() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.badSigs
}

func (h *hook) received() []WebhookBody {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]WebhookBody(nil), h.bodies...)
}

// noticeWorld adds to the conformance world A's on-site visit (en route,
// a customer with a phone only, in China) and a completed carry-in (a
// customer with an email who reads French).
func noticeWorld(t *testing.T, db *DB) (*world, app.Ticket, app.Ticket) {
	t.Helper()
	w := newWorld(t, db)
	visit := w.ticketA
	visit.ID, visit.Number, visit.Kind, visit.Status = "tk-visit", "FB-10", app.KindOnSite, app.StatusEnRoute
	visit.Customer = app.Customer{Name: "王伟", Phone: "+86 138 0013 8000", Address: "1 Nanjing Rd"}
	done := w.ticketA
	done.ID, done.Number, done.Status, done.CompletedAt = "tk-done", "FB-11", app.StatusCompleted, testNow.Add(-time.Hour)
	done.Customer = app.Customer{Name: "Ana Silva", Phone: "+33 6 00 00 00 00", Email: "ana@example.com", Language: "fr-FR"}
	if err := db.LoadDataset(t.Context(), tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: visit}, {Ticket: done}}}); err != nil {
		t.Fatal(err)
	}
	return w, visit, done
}

func onMyWay(ticket app.TicketID, eta time.Duration) *app.SendNotice {
	return &app.SendNotice{Notice: app.CustomerNotice{ID: app.NewID(), Ticket: ticket, Kind: app.NoticeOnMyWay, At: testNow, ETA: testNow.Add(eta)}}
}

func readyForPickup(ticket app.TicketID) *app.SendNotice {
	return &app.SendNotice{Notice: app.CustomerNotice{ID: app.NewID(), Ticket: ticket, Kind: app.NoticeReadyForPickup, At: testNow}}
}

// pulledNotice is the notice as device p pulls it from the start.
func pulledNotice(t *testing.T, db *DB, p Principal, id string) app.CustomerNotice {
	t.Helper()
	ds, _, _ := pullAll(t, db, p, "", 1<<20)
	for _, n := range ds.CustomerNotices {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("notice %s is not in the pull (%+v)", id, ds.CustomerNotices)
	return app.CustomerNotice{}
}

// clock is the sender's clock, moved by the test.
type clock struct {
	mu  gosync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func notifier(t *testing.T, db *DB, cfg NotifyConfig, c *clock) *Notifier {
	t.Helper()
	cfg.Now = c.Now
	n, err := NewNotifier(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func deliver(t *testing.T, n *Notifier, want int) {
	t.Helper()
	got, err := n.DeliverDue(t.Context())
	if err != nil || got != want {
		t.Fatalf("DeliverDue = %d, %v; want %d tried", got, err, want)
	}
}

func TestNotices(t *testing.T) {
	run := func(name string, fn func(t *testing.T, db *DB)) {
		t.Run(name, func(t *testing.T) { forEachBackend(t, fn) })
	}
	{
		run("MailInTheCustomersLanguage", func(t *testing.T, db *DB) {
			mb := startMailbox(t)
			smtpCfg := mb.config()
			w, _, done := noticeWorld(t, db)
			h := startHook(t)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{SMTP: smtpCfg, Webhook: webhook(h)}, c)
			cmd := readyForPickup(done.ID)
			if r := push(t, db, w.a, mut(t, 1, cmd)); r.Acked != 1 || len(r.Rejected) != 0 {
				t.Fatalf("push: %+v", r)
			}
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeQueued {
				t.Fatalf("before the sender: %+v, want queued", got)
			}
			deliver(t, n, 1)
			mails := mb.received()
			if len(mails) != 1 {
				t.Fatalf("%d mails, want 1", len(mails))
			}
			to, subject, body := readMail(t, mails[0])
			if to != "ana@example.com" || subject != "Votre appareil est prêt à être retiré (ticket FB-11)" ||
				body != "Bonjour Ana Silva, votre Huawei P60 est prêt à être retiré. Apportez votre étiquette de dépôt du ticket FB-11." {
				t.Fatalf("mail to %q: %q, %q; want the French notice to ana@example.com", to, subject, body)
			}
			if len(h.received()) != 0 {
				t.Fatalf("the webhook got %+v: a customer with an email gets a mail", h.received())
			}
			got := pulledNotice(t, db, w.a, cmd.Notice.ID)
			if got.State != app.NoticeSent || got.Channel != app.ChannelEmail || got.Attempts != 1 || !got.SentAt.Equal(testNow) {
				t.Fatalf("after the sender: %+v, want sent by email", got)
			}
			deliver(t, n, 0)
			if len(mb.received()) != 1 {
				t.Fatal("a sent notice was sent again")
			}
		})
		run("WebhookSignedRetriedOn5xx", func(t *testing.T, db *DB) {
			mb := startMailbox(t)
			smtpCfg := mb.config()
			w, visit, _ := noticeWorld(t, db)
			h := startHook(t, http.StatusServiceUnavailable, http.StatusBadGateway)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{SMTP: smtpCfg, Webhook: webhook(h)}, c)
			cmd := onMyWay(visit.ID, 45*time.Minute)
			push(t, db, w.a, mut(t, 1, cmd))
			deliver(t, n, 1)
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeQueued || got.Attempts != 1 || got.LastError != "http_503" || got.Channel != app.ChannelWebhook {
				t.Fatalf("after a 503: %+v, want queued, 1 attempt, http_503", got)
			}
			deliver(t, n, 0) // not due before its backoff
			c.add(noticeBackoff)
			deliver(t, n, 1)
			c.add(2*noticeBackoff - time.Second)
			deliver(t, n, 0)
			c.add(time.Second)
			deliver(t, n, 1)
			got := pulledNotice(t, db, w.a, cmd.Notice.ID)
			if got.State != app.NoticeSent || got.Attempts != 3 || got.LastError != "" {
				t.Fatalf("after 503, 502, 200: %+v, want sent at the third attempt", got)
			}
			bodies := h.received()
			if len(mb.received()) != 0 {
				t.Fatal("a customer without an email got a mail")
			}
			if len(bodies) != 3 || h.badSignatures() != 0 {
				t.Fatalf("the webhook got %d bodies, %d with a bad signature; want 3 signed", len(bodies), h.badSignatures())
			}
			b := bodies[2]
			if b.Notice != cmd.Notice.ID || b.Ticket != "FB-10" || b.Kind != "on_my_way" || b.Phone != "+86 138 0013 8000" || b.Language != "zh-Hans" ||
				!b.ETA.Equal(testNow.Add(45*time.Minute)) || !strings.Contains(b.Text, "正在路上") || !strings.Contains(b.Text, "09:45") {
				t.Fatalf("webhook body %+v, want the notice in Chinese with its ETA", b)
			}
		})
		run("WebhookFailedOn4xxWithoutRetry", func(t *testing.T, db *DB) {
			w, visit, _ := noticeWorld(t, db)
			h := startHook(t, http.StatusUnprocessableEntity)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{Webhook: webhook(h)}, c)
			cmd := onMyWay(visit.ID, 30*time.Minute)
			push(t, db, w.a, mut(t, 1, cmd))
			deliver(t, n, 1)
			c.add(noticeBackoffCap)
			deliver(t, n, 0)
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeFailed || got.Attempts != 1 || got.LastError != "http_422" {
				t.Fatalf("after a 422: %+v, want failed at once", got)
			}
			if len(h.received()) != 1 {
				t.Fatalf("the webhook got %d posts, want 1", len(h.received()))
			}
		})
		run("GivesUpAfterMaxAttempts", func(t *testing.T, db *DB) {
			w, visit, _ := noticeWorld(t, db)
			h := startHook(t, 500, 500, 500)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{Webhook: webhook(h), MaxAttempts: 2}, c)
			cmd := onMyWay(visit.ID, 3*time.Hour)
			push(t, db, w.a, mut(t, 1, cmd))
			deliver(t, n, 1)
			c.add(noticeBackoff)
			deliver(t, n, 1)
			c.add(noticeBackoffCap)
			deliver(t, n, 0)
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeFailed || got.Attempts != 2 || got.LastError != "http_500" {
				t.Fatalf("after two 500s: %+v, want failed after 2 attempts", got)
			}
		})
		run("MailRefusedPermanently", func(t *testing.T, db *DB) {
			smtpCfg := startMailbox(t).config()
			w, _, done := noticeWorld(t, db)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{SMTP: smtpCfg}, c)
			// A customer whose address the mail server refuses.
			done.Customer.Email = "nobody@example.com"
			if err := db.LoadDataset(t.Context(), tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: done}}}); err != nil {
				t.Fatal(err)
			}
			cmd := readyForPickup(done.ID)
			push(t, db, w.a, mut(t, 1, cmd))
			deliver(t, n, 1)
			c.add(noticeBackoffCap)
			deliver(t, n, 0)
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeFailed || got.LastError != "smtp_550" {
				t.Fatalf("after a 550: %+v, want failed, smtp_550", got)
			}
		})
		run("NoChannel", func(t *testing.T, db *DB) {
			w, visit, done := noticeWorld(t, db)
			c := &clock{now: testNow}
			n := notifier(t, db, NotifyConfig{}, c)
			a, b := onMyWay(visit.ID, time.Hour), readyForPickup(done.ID)
			push(t, db, w.a, mut(t, 1, a), mut(t, 2, b))
			deliver(t, n, 2)
			for _, id := range []string{a.Notice.ID, b.Notice.ID} {
				if got := pulledNotice(t, db, w.a, id); got.State != app.NoticeNoChannel || got.Attempts != 0 {
					t.Fatalf("with no channel: %+v, want no_channel", got)
				}
			}
		})
		run("ETAPassedBeforeTheSync", func(t *testing.T, db *DB) {
			w, visit, _ := noticeWorld(t, db)
			h := startHook(t)
			c := &clock{now: testNow.Add(2 * time.Hour)} // the device synced late
			n := notifier(t, db, NotifyConfig{Webhook: webhook(h)}, c)
			cmd := onMyWay(visit.ID, time.Hour)
			push(t, db, w.a, mut(t, 1, cmd))
			deliver(t, n, 1)
			if got := pulledNotice(t, db, w.a, cmd.Notice.ID); got.State != app.NoticeFailed || got.LastError != noticeErrExpired || len(h.received()) != 0 {
				t.Fatalf("a late on my way: %+v, %d posts; want failed unsent", got, len(h.received()))
			}
		})
	}
}

// TestNoticesResumeAfterRestart: a notice accepted before a restart (and
// one whose attempt was cut short by a crash: claimed, never finished) is
// delivered by the service started again on the same database.
func TestNoticesResumeAfterRestart(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			w, visit, done := noticeWorld(t, db)
			first, second := onMyWay(visit.ID, time.Hour), readyForPickup(done.ID)
			push(t, db, w.a, mut(t, 1, first), mut(t, 2, second))
			c := &clock{now: testNow}
			dead := startHook(t)
			// The first instance claims the first notice and dies mid-send.
			n := notifier(t, db, NotifyConfig{Webhook: webhook(dead)}, c)
			ok, err := n.claim(t.Context(), queuedNotice{tenant: tenant, id: first.Notice.ID, nextAt: 0}, c.Now().UnixMilli())
			if err != nil || !ok {
				t.Fatalf("claim: %v, %v", ok, err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db = openTestDB(t, cfg)
			h := startHook(t)
			n = notifier(t, db, NotifyConfig{Webhook: webhook(h)}, c)
			deliver(t, n, 1) // the unclaimed one at once
			c.add(noticeClaim)
			deliver(t, n, 1) // the crashed attempt once its claim ran out
			for _, id := range []string{first.Notice.ID, second.Notice.ID} {
				if got := pulledNotice(t, db, w.a, id); got.State != app.NoticeSent {
					t.Fatalf("after the restart: %+v, want sent", got)
				}
			}
			if len(h.received()) != 2 || len(dead.received()) != 0 {
				t.Fatalf("posts: %d after the restart, %d before; want 2 and 0", len(h.received()), len(dead.received()))
			}
		})
	}
}

func webhook(h *hook) *WebhookConfig {
	return &WebhookConfig{URL: h.srv.URL, Secret: hookSecret, Timeout: 5 * time.Second}
}

// TestNotifyConfigRefused: a bad configuration is an error at start.
func TestNotifyConfigRefused(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	for name, cfg := range map[string]NotifyConfig{
		"ShortSecret":   {Webhook: &WebhookConfig{URL: "https://sms.example.com/hook", Secret: []byte("short")}},
		"NotHTTP":       {Webhook: &WebhookConfig{URL: "ftp://sms.example.com/hook", Secret: hookSecret}},
		"LongTimeout":   {Webhook: &WebhookConfig{URL: "https://sms.example.com/hook", Secret: hookSecret, Timeout: time.Hour}},
		"NoHost":        {SMTP: &SMTPConfig{From: "a@example.com"}},
		"BadFrom":       {SMTP: &SMTPConfig{Host: "mail.example.com", From: "not an address"}},
		"UserNoPass":    {SMTP: &SMTPConfig{Host: "mail.example.com", From: "a@example.com", User: "u"}},
		"TooManyTries":  {MaxAttempts: 50},
		"NegativeTries": {MaxAttempts: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewNotifier(db, cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestNoticeETAText: the text gives the ETA in the offset the device sent
// (its local time, at the visit), and says UTC only for an ETA in UTC.
func TestNoticeETAText(t *testing.T) {
	instant := time.Date(2026, 12, 5, 9, 45, 0, 0, time.UTC)
	for _, tc := range []struct {
		eta  time.Time
		want string
	}{
		{instant.In(time.FixedZone("", 8*3600)), "17:45"},
		{instant.In(time.FixedZone("", -3*3600)), "06:45"},
		{instant, "09:45 UTC"},
	} {
		if got := etaText(tc.eta); got != tc.want {
			t.Errorf("etaText(%v) = %q, want %q", tc.eta, got, tc.want)
		}
		// The same through the wire's JSON, as the server stores it.
		var back struct{ ETA time.Time }
		raw, _ := json.Marshal(struct{ ETA time.Time }{tc.eta})
		if err := json.Unmarshal(raw, &back); err != nil || etaText(back.ETA) != tc.want {
			t.Errorf("after JSON %s: %q, %v; want %q", raw, etaText(back.ETA), err, tc.want)
		}
		tk := app.Ticket{Number: "FB-1", Country: "CN", Customer: app.Customer{Name: "李娜"}}
		m := renderNotice(app.CustomerNotice{Kind: app.NoticeOnMyWay, ETA: tc.eta, By: "王伟"}, tk)
		if !strings.Contains(m.Text, tc.want) {
			t.Errorf("notice text %q does not give the ETA as %q", m.Text, tc.want)
		}
	}
}

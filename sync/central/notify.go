package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// AddNotice records a customer notice (queued) and puts it in the
// sender's queue, in the mutation's transaction: an accepted notice.send
// is never lost, and never sent before it is committed.
func (s *serverTx) AddNotice(ctx context.Context, n app.CustomerNotice) error {
	if err := s.addTicketFact(ctx, kindNotice, n.ID, n.Ticket, n); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO notice_queue (tenant, notice, next_at) VALUES (?, ?, 0)`, s.tenant, n.ID)
	return transient(err)
}

// Bounds of the notice sender.
const (
	// DefaultNoticeAttempts is how many times a notice is tried before it
	// is failed.
	DefaultNoticeAttempts = 6
	// noticeBackoff doubles from its first value after each retryable
	// failure, up to its cap: 30 s, 1, 2, 4, 8 min.
	noticeBackoff    = 30 * time.Second
	noticeBackoffCap = time.Hour
	// noticeClaim is how long a claimed notice is left to its instance:
	// longer than one attempt may take (each channel's timeout), so two
	// instances never send it at once, short enough that a crashed
	// instance's notice is resumed soon.
	noticeClaim = 2 * time.Minute
	// noticeBatch bounds the notices one pass sends.
	noticeBatch = 20
	// noticePoll is how often the sender looks for due notices.
	noticePoll = 5 * time.Second
)

// Delivery error codes (CustomerNotice.LastError): short, and never a
// secret or a server's answer.
const (
	noticeErrExpired  = "eta_passed"
	noticeErrNoTicket = "ticket_gone"
)

// deliveryError is a channel's failure: code goes on the notice, retry
// says whether another attempt may succeed; cause is logged, never sent.
type deliveryError struct {
	code  string
	retry bool
	cause error
}

func (e *deliveryError) Error() string { return e.code + ": " + fmt.Sprint(e.cause) }
func (e *deliveryError) Unwrap() error { return e.cause }

// noticeMessage is what a channel sends: the text in the customer's
// language and what the webhook's body carries.
type noticeMessage struct {
	Notice   app.CustomerNotice
	Ticket   app.Ticket
	Language string
	Subject  string
	Text     string
}

// channel is one way to reach a customer.
type channel interface {
	// reaches reports whether this channel can reach the ticket's customer.
	reaches(t app.Ticket) bool
	send(ctx context.Context, m noticeMessage) error
}

// NotifyConfig configures the notice sender. With neither SMTP nor
// Webhook, every notice ends in state no_channel.
type NotifyConfig struct {
	SMTP    *SMTPConfig
	Webhook *WebhookConfig
	// MaxAttempts bounds the tries of a notice (default
	// DefaultNoticeAttempts; 1 to 20).
	MaxAttempts int
	// Log receives the causes of failed attempts (never a secret).
	Log *slog.Logger
	// Now is the sender's clock (default time.Now): backoff and the ETA
	// check use it.
	Now func() time.Time
}

// Notifier delivers the queued customer notices of a DB.
type Notifier struct {
	db       *DB
	channels []struct {
		name string
		ch   channel
	}
	max int
	log *slog.Logger
	now func() time.Time
}

// NewNotifier checks cfg and returns the sender; Run runs it.
func NewNotifier(db *DB, cfg NotifyConfig) (*Notifier, error) {
	n := &Notifier{db: db, max: cfg.MaxAttempts, log: cfg.Log, now: cfg.Now}
	if n.max == 0 {
		n.max = DefaultNoticeAttempts
	}
	if n.max < 1 || n.max > 20 {
		return nil, fmt.Errorf("notices: attempts must be 1 to 20, not %d", n.max)
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.now == nil {
		n.now = time.Now
	}
	// Email first: a customer who gave an address gets a mail, which
	// costs nothing; the webhook (SMS) reaches the others by phone.
	if cfg.SMTP != nil {
		ch, err := newSMTPChannel(*cfg.SMTP)
		if err != nil {
			return nil, err
		}
		n.channels = append(n.channels, struct {
			name string
			ch   channel
		}{app.ChannelEmail, ch})
	}
	if cfg.Webhook != nil {
		ch, err := newWebhookChannel(*cfg.Webhook)
		if err != nil {
			return nil, err
		}
		n.channels = append(n.channels, struct {
			name string
			ch   channel
		}{app.ChannelWebhook, ch})
	}
	return n, nil
}

// Run delivers due notices until ctx ends, looking every few seconds.
// Notices left queued by an earlier run (a restart, a crash) are resumed.
func (n *Notifier) Run(ctx context.Context) {
	t := time.NewTicker(noticePoll)
	defer t.Stop()
	for {
		if _, err := n.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("notices: delivery pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type queuedNotice struct {
	tenant, id string
	nextAt     int64
}

// DeliverDue tries every notice that is due, up to a batch, and returns
// how many it tried.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	now := n.now().UnixMilli()
	rows, err := n.db.read.QueryContext(ctx, n.db.q(`SELECT tenant, notice, next_at FROM notice_queue WHERE next_at <= ? ORDER BY next_at LIMIT ?`), now, noticeBatch)
	if err != nil {
		return 0, transient(err)
	}
	var due []queuedNotice
	for rows.Next() {
		var q queuedNotice
		if err := rows.Scan(&q.tenant, &q.id, &q.nextAt); err != nil {
			rows.Close()
			return 0, transient(err)
		}
		due = append(due, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, transient(err)
	}
	tried := 0
	for _, q := range due {
		ok, err := n.claim(ctx, q, now)
		if err != nil {
			return tried, err
		}
		if !ok {
			continue // another instance has it
		}
		tried++
		if err := n.deliver(ctx, q); err != nil {
			return tried, err
		}
	}
	return tried, nil
}

// claim moves a due notice's next_at past one attempt: it is this
// instance's unless another moved it first.
func (n *Notifier) claim(ctx context.Context, q queuedNotice, now int64) (bool, error) {
	res, err := n.db.write.ExecContext(ctx, n.db.q(`UPDATE notice_queue SET next_at = ? WHERE tenant = ? AND notice = ? AND next_at = ?`),
		now+noticeClaim.Milliseconds(), q.tenant, q.id, q.nextAt)
	if err != nil {
		return false, transient(err)
	}
	c, err := res.RowsAffected()
	return c == 1, transient(err)
}

// deliver makes one attempt at a claimed notice and records its outcome.
func (n *Notifier) deliver(ctx context.Context, q queuedNotice) error {
	notice, t, err := n.load(ctx, q)
	if err != nil {
		return err
	}
	if t == nil {
		notice.State, notice.LastError = app.NoticeFailed, noticeErrNoTicket
		return n.finish(ctx, q, notice, nil)
	}
	now := n.now()
	if notice.Kind == app.NoticeOnMyWay && !now.Before(notice.ETA) {
		// Synced after the arrival it announced: sending it now would
		// mislead the customer.
		notice.State, notice.LastError = app.NoticeFailed, noticeErrExpired
		return n.finish(ctx, q, notice, t)
	}
	name, ch := n.channelFor(*t)
	if ch == nil {
		notice.State = app.NoticeNoChannel
		return n.finish(ctx, q, notice, t)
	}
	notice.Channel = name
	notice.Attempts++
	msg := renderNotice(notice, *t)
	sendCtx, cancel := context.WithTimeout(ctx, noticeClaim/2)
	err = ch.send(sendCtx, msg)
	cancel()
	if err == nil {
		notice.State, notice.LastError, notice.SentAt = app.NoticeSent, "", now.UTC()
		return n.finish(ctx, q, notice, t)
	}
	var de *deliveryError
	if !errors.As(err, &de) {
		de = &deliveryError{code: "send_error", retry: true, cause: err}
	}
	notice.LastError = de.code
	n.log.Warn("notices: attempt failed", "tenant", q.tenant, "notice", notice.ID, "channel", name, "attempt", notice.Attempts, "code", de.code, "cause", de.cause)
	if !de.retry || notice.Attempts >= n.max {
		notice.State = app.NoticeFailed
		return n.finish(ctx, q, notice, t)
	}
	backoff := min(noticeBackoff<<(notice.Attempts-1), noticeBackoffCap)
	return n.update(ctx, q, notice, t, now.Add(backoff).UnixMilli())
}

// channelFor picks the first configured channel that reaches the customer.
func (n *Notifier) channelFor(t app.Ticket) (string, channel) {
	for _, c := range n.channels {
		if c.ch.reaches(t) {
			return c.name, c.ch
		}
	}
	return "", nil
}

// load reads a queued notice and its ticket (nil when the ticket is gone).
func (n *Notifier) load(ctx context.Context, q queuedNotice) (app.CustomerNotice, *app.Ticket, error) {
	var notice app.CustomerNotice
	var data string
	err := n.db.read.QueryRowContext(ctx, n.db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`), q.tenant, kindNotice, q.id).Scan(&data)
	if err != nil {
		return notice, nil, fmt.Errorf("notices: load %s: %w", q.id, transient(err))
	}
	if err := json.Unmarshal([]byte(data), &notice); err != nil {
		return notice, nil, fmt.Errorf("notices: decode %s: %w", q.id, err)
	}
	err = n.db.read.QueryRowContext(ctx, n.db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`), q.tenant, kindTicket, string(notice.Ticket)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return notice, nil, nil
	}
	if err != nil {
		return notice, nil, fmt.Errorf("notices: load ticket of %s: %w", q.id, transient(err))
	}
	var t app.Ticket
	if err := json.Unmarshal([]byte(data), &t); err != nil {
		return notice, nil, fmt.Errorf("notices: decode ticket of %s: %w", q.id, err)
	}
	return notice, &t, nil
}

// finish records a notice's final state and takes it off the queue.
func (n *Notifier) finish(ctx context.Context, q queuedNotice, notice app.CustomerNotice, t *app.Ticket) error {
	return n.update(ctx, q, notice, t, -1)
}

// update writes the notice's new state, emitted to its ticket's scopes so
// devices pull it, and requeues it at nextAt (-1: done).
func (n *Notifier) update(ctx context.Context, q queuedNotice, notice app.CustomerNotice, t *app.Ticket, nextAt int64) error {
	return n.db.entityTx(ctx, q.tenant, nil, func(ctx context.Context, st *serverTx) error {
		if err := st.put(ctx, kindNotice, notice.ID, string(notice.Ticket), notice); err != nil {
			return err
		}
		if t != nil {
			if err := st.emitAll(ctx, ticketScopes(q.tenant, *t), kindNotice, notice.ID); err != nil {
				return err
			}
		}
		var err error
		if nextAt < 0 {
			_, err = st.exec(ctx, `DELETE FROM notice_queue WHERE tenant = ? AND notice = ?`, q.tenant, q.id)
		} else {
			_, err = st.exec(ctx, `UPDATE notice_queue SET next_at = ? WHERE tenant = ? AND notice = ?`, nextAt, q.tenant, q.id)
		}
		return transient(err)
	})
}

// renderNotice writes the notice's subject and text in the customer's
// language. The ETA is the clock time in the offset the device sent it
// with (etaText); the webhook also carries the exact instant.
func renderNotice(n app.CustomerNotice, t app.Ticket) noticeMessage {
	c := translations.For(t.CustomerLanguage())
	device := strings.TrimSpace(t.Product.Brand + " " + t.Product.Model)
	data := map[string]any{"Number": t.Number, "Customer": t.Customer.Name, "By": n.By, "Device": device, "ETA": etaText(n.ETA)}
	m := noticeMessage{Notice: n, Ticket: t, Language: c.Lang()}
	switch n.Kind {
	case app.NoticeOnMyWay:
		m.Subject = c.Text("notice.subject.on_my_way", "Your technician is on the way (ticket {{.Number}})", data)
		m.Text = c.Text("notice.body.on_my_way", "Hello {{.Customer}}, your technician {{.By}} is on the way and expects to arrive at about {{.ETA}}. Ticket {{.Number}}.", data)
	default:
		m.Subject = c.Text("notice.subject.ready_for_pickup", "Your device is ready for pick-up (ticket {{.Number}})", data)
		m.Text = c.Text("notice.body.ready_for_pickup", "Hello {{.Customer}}, your {{.Device}} is ready for pick-up. Please bring your claim tag for ticket {{.Number}}.", data)
	}
	return m
}

// etaText is an ETA as the customer reads it: the clock time in the
// offset the device sent (the technician's local time, at the visit's
// place, which the service knows no zone for), or "HH:MM UTC" for an ETA
// sent in UTC, which may not be the customer's time.
func etaText(eta time.Time) string {
	if _, offset := eta.Zone(); offset != 0 {
		return eta.Format("15:04")
	}
	return eta.UTC().Format("15:04 UTC")
}

package central

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/fieldbench/fieldbench/app"
)

// SMTPConfig is the mail server customer notices go through.
type SMTPConfig struct {
	Host string
	Port int // default 587
	// User and Password authenticate (PLAIN, then only over TLS); both
	// empty sends without authentication.
	User     string
	Password string
	From     string // the sender's address, e.g. "Service <service@example.com>"
	// Timeout bounds the connection and each command (default 20 s, at
	// most a minute: an attempt must end within the sender's claim).
	Timeout time.Duration
}

type smtpChannel struct {
	cfg  SMTPConfig
	from *mail.Address
}

func newSMTPChannel(cfg SMTPConfig) (*smtpChannel, error) {
	if cfg.Host == "" {
		return nil, errors.New("notices: the mail server needs a host")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("notices: bad mail server port %d", cfg.Port)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.Timeout < 0 || cfg.Timeout > time.Minute {
		return nil, fmt.Errorf("notices: the mail timeout must be up to a minute, not %v", cfg.Timeout)
	}
	if (cfg.User == "") != (cfg.Password == "") {
		return nil, errors.New("notices: give the mail server both a user and a password, or neither")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notices: the sender address %q: %w", cfg.From, err)
	}
	return &smtpChannel{cfg: cfg, from: from}, nil
}

func (s *smtpChannel) reaches(t app.Ticket) bool {
	_, err := mail.ParseAddress(strings.TrimSpace(t.Customer.Email))
	return err == nil
}

func (s *smtpChannel) send(ctx context.Context, m noticeMessage) error {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.from.Name, s.from.Address); err != nil {
		return &deliveryError{code: "smtp_bad_from", cause: err}
	}
	if err := msg.AddToFormat(m.Ticket.Customer.Name, strings.TrimSpace(m.Ticket.Customer.Email)); err != nil {
		return &deliveryError{code: "bad_email", cause: err}
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	// The notice's ID makes the message's: a retried mail is the same
	// message to the receiving servers.
	msg.SetMessageIDWithValue(m.Notice.ID + "@fieldbench")
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout),
		// STARTTLS whenever the server offers it.
		gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &deliveryError{code: "smtp_config", cause: err}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			// A permanent refusal (550 no such user...): trying again
			// changes nothing.
			return &deliveryError{code: fmt.Sprintf("smtp_%d", se.ErrorCode()), cause: err}
		}
		return &deliveryError{code: "smtp_unavailable", retry: true, cause: err}
	}
	return nil
}

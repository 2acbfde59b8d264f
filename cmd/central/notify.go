package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/fieldbench/fieldbench/sync/central"
)

// notifyFlags configure the sender of customer notices.
type notifyFlags struct {
	smtpHost, smtpUser, smtpPasswordFile, smtpFrom string
	smtpPort                                       int
	smtpTimeout                                    time.Duration
	webhookURL, webhookSecretFile                  string
	webhookTimeout                                 time.Duration
	attempts                                       int
}

func (f *notifyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.smtpHost, "smtp-host", "", "mail server for customer notices (none: no mail)")
	fs.IntVar(&f.smtpPort, "smtp-port", 587, "mail server port (STARTTLS whenever the server offers it)")
	fs.StringVar(&f.smtpUser, "smtp-user", "", "mail server user (with -smtp-password-file or $FIELDBENCH_SMTP_PASSWORD)")
	fs.StringVar(&f.smtpPasswordFile, "smtp-password-file", "", "file holding the mail server password (else $FIELDBENCH_SMTP_PASSWORD)")
	fs.StringVar(&f.smtpFrom, "smtp-from", "", "sender of customer notices, e.g. \"Service <service@example.com>\"")
	fs.DurationVar(&f.smtpTimeout, "smtp-timeout", 20*time.Second, "bound of the mail server's connection and of each command (at most 1m)")
	fs.StringVar(&f.webhookURL, "webhook-url", "", "URL customer notices are posted to for SMS (none: no webhook)")
	fs.StringVar(&f.webhookSecretFile, "webhook-secret-file", "", "file holding the webhook's HMAC-SHA256 secret (at least 16 bytes)")
	fs.DurationVar(&f.webhookTimeout, "webhook-timeout", 10*time.Second, "bound of one webhook POST, answer included (at most 1m)")
	fs.IntVar(&f.attempts, "notice-attempts", central.DefaultNoticeAttempts, "tries of a customer notice before it fails (1 to 20)")
}

// config reads the secrets the flags name. Secrets come from files or the
// environment, never from the command line, which other users may see.
func (f *notifyFlags) config() (central.NotifyConfig, error) {
	cfg := central.NotifyConfig{MaxAttempts: f.attempts}
	if f.smtpHost != "" {
		pw := os.Getenv("FIELDBENCH_SMTP_PASSWORD")
		if f.smtpPasswordFile != "" {
			b, err := os.ReadFile(f.smtpPasswordFile)
			if err != nil {
				return cfg, fmt.Errorf("-smtp-password-file: %w", err)
			}
			pw = string(bytes.TrimRight(b, "\r\n"))
		}
		if f.smtpUser == "" {
			pw = ""
		}
		cfg.SMTP = &central.SMTPConfig{Host: f.smtpHost, Port: f.smtpPort, User: f.smtpUser, Password: pw, From: f.smtpFrom, Timeout: f.smtpTimeout}
	}
	if f.webhookURL != "" {
		if f.webhookSecretFile == "" {
			return cfg, errors.New("-webhook-url needs -webhook-secret-file")
		}
		b, err := os.ReadFile(f.webhookSecretFile)
		if err != nil {
			return cfg, fmt.Errorf("-webhook-secret-file: %w", err)
		}
		cfg.Webhook = &central.WebhookConfig{URL: f.webhookURL, Secret: bytes.TrimRight(b, "\r\n"), Timeout: f.webhookTimeout}
	}
	return cfg, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.NoticeService = (*DB)(nil)

// noticeInsert records a notice of this device's notice.send; noticeLoad
// writes the server's copy, which replaces the delivery state of a known
// notice (the sender changes it after the notice was first pulled).
const (
	noticeInsert = `INSERT INTO customer_notices (id, ticket_id, kind, eta, at, by, state, channel, attempts, last_error, sent_at, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	noticeLoad = `INSERT INTO customer_notices (id, ticket_id, kind, eta, at, by, state, channel, attempts, last_error, sent_at, pulled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1, state = excluded.state,
		channel = excluded.channel, attempts = excluded.attempts, last_error = excluded.last_error, sent_at = excluded.sent_at`
)

func noticeArgs(n app.CustomerNotice) []any {
	return []any{n.ID, string(n.Ticket), string(n.Kind), nsec(n.ETA), nsec(n.At), n.By, n.State, n.Channel, n.Attempts, n.LastError, nsec(n.SentAt)}
}

func (m *mutationTx) AddNotice(ctx context.Context, n app.CustomerNotice) error {
	return m.addFact(ctx, "notice", n.ID, n.Ticket, noticeInsert, append(noticeArgs(n), m.seqArg())...)
}

func (l *loader) notice(n app.CustomerNotice) error {
	if n.ID == "" {
		return missing("customer notice")
	}
	if _, err := l.exec(noticeLoad, noticeArgs(n)...); err != nil {
		return fmt.Errorf("load customer notice %s: %w", n.ID, err)
	}
	return nil
}

// Notices returns a ticket's customer notices, newest first. Pending is a
// notice whose notice.send the server has not acknowledged yet.
func (db *DB) Notices(ctx context.Context, ticket app.TicketID) ([]app.CustomerNoticeView, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.kind, n.eta, n.at, n.by, n.state, n.channel, n.attempts, n.last_error, n.sent_at,
		n.pulled = 0 AND n.outbox_seq IS NOT NULL AND n.outbox_seq > (SELECT acked_seq FROM device WHERE id = 1)
		FROM customer_notices n WHERE n.ticket_id = ? ORDER BY n.at DESC, n.id DESC`, string(ticket))
	if err != nil {
		return nil, db.sqlError(err)
	}
	defer rows.Close()
	var out []app.CustomerNoticeView
	for rows.Next() {
		var v app.CustomerNoticeView
		var eta, at, sent sql.NullInt64
		var kind string
		if err := rows.Scan(&v.ID, &kind, &eta, &at, &v.By, &v.State, &v.Channel, &v.Attempts, &v.LastError, &sent, &v.Pending); err != nil {
			return nil, db.sqlError(err)
		}
		v.Ticket, v.Kind, v.ETA, v.At, v.SentAt = ticket, app.CustomerNoticeKind(kind), fromNsec(eta), fromNsec(at), fromNsec(sent)
		out = append(out, v)
	}
	return out, db.sqlError(rows.Err())
}

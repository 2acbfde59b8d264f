package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.MutationTx = (*mutationTx)(nil)

// mutationTx is app.MutationTx over one write transaction. seq is the
// outbox seq of the mutation being applied: stock movements carry it, so a
// balance can tell what the server has not accepted yet.
type mutationTx struct {
	db  *DB
	tx  *sql.Tx
	seq int64
}

func (m *mutationTx) Ticket(ctx context.Context, id app.TicketID) (app.Ticket, error) {
	t, err := getTicket(ctx, m.tx, id)
	return t, m.db.sqlError(err)
}

// SaveTicket checks the ticket's invariants before writing: whatever a
// mutation does, no invalid ticket reaches the store or the outbox.
func (m *mutationTx) SaveTicket(ctx context.Context, t app.Ticket) error {
	if err := t.Validate(); err != nil {
		return err
	}
	ti, err := saveTicket(ctx, m.tx, t)
	if err == nil {
		err = indexTicket(ctx, m.tx, ti)
	}
	return m.db.sqlError(err)
}

func (m *mutationTx) CountRepairs(ctx context.Context, id app.TicketID) (int, error) {
	var n int
	err := m.tx.QueryRowContext(ctx, `SELECT count(*) FROM repairs WHERE ticket_id = ?`, string(id)).Scan(&n)
	return n, m.db.sqlError(err)
}

func (m *mutationTx) Part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	p, err := getPart(ctx, m.tx, n)
	return p, m.db.sqlError(err)
}

func (m *mutationTx) Location(ctx context.Context, id app.LocationID) (app.Location, error) {
	l, err := getLocation(ctx, m.tx, id)
	return l, m.db.sqlError(err)
}

func (m *mutationTx) AddMovement(ctx context.Context, mv app.StockMovement) error {
	if err := mv.Validate(); err != nil {
		return err
	}
	return m.addFact(ctx, "stock movement", mv.ID, movementInsert, movementArgs(mv, m.seq)...)
}

func (m *mutationTx) AddRepair(ctx context.Context, r app.RepairEntry) error {
	return m.addFact(ctx, "repair entry", r.ID, repairInsert, repairArgs(r)...)
}

func (m *mutationTx) AddPartUsed(ctx context.Context, p app.PartUsed) error {
	return m.addFact(ctx, "part used", p.ID, partUsedInsert, partUsedArgs(p)...)
}

func (m *mutationTx) AddPhoto(ctx context.Context, p app.Photo) error {
	if p.State == "" {
		p.State = photoLocal
	}
	return m.addFact(ctx, "photo", p.ID, photoInsert, photoArgs(p)...)
}

func (m *mutationTx) AddNote(ctx context.Context, n app.Note) error {
	return m.addFact(ctx, "note", n.ID, noteInsert, noteArgs(n)...)
}

// addFact inserts an append-only fact; an ID seen before is ECONFLICT.
func (m *mutationTx) addFact(ctx context.Context, what, id, insert string, args ...any) error {
	if id == "" {
		return app.Errorf(app.EINVALID, "store.fact_without_id", "The {{.What}} has no ID.", "What", what)
	}
	res, err := m.tx.ExecContext(ctx, insert, args...)
	if err != nil {
		return m.db.sqlError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("add %s: %w", what, err)
	}
	if n == 0 {
		return app.Errorf(app.ECONFLICT, "store.fact_exists", "This {{.What}} ({{.ID}}) was already recorded.", "What", what, "ID", id)
	}
	return nil
}

// The fact inserts skip a known ID (ON CONFLICT DO NOTHING): Load relies on
// that for idempotent replays, and addFact turns it into ECONFLICT.
const (
	movementInsert = `INSERT INTO movements (id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	repairInsert = `INSERT INTO repairs (id, ticket_id, action, minutes, at, by)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	partUsedInsert = `INSERT INTO parts_used (id, ticket_id, part, qty, serial, defective_serial, from_loc, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	photoInsert = `INSERT INTO photos (id, ticket_id, sha256, size, mime, caption, kind, at, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	// photoLoad is photoInsert for Load: a photo is a fact, but its upload
	// state moves on (local, uploading, verified), so a known photo takes
	// the state the server sends.
	photoLoad = `INSERT INTO photos (id, ticket_id, sha256, size, mime, caption, kind, at, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state WHERE excluded.state <> ''`
	noteInsert = `INSERT INTO notes (id, ticket_id, text, at, by)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
)

// photoLocal is the upload state of a photo recorded on this device.
const photoLocal = "local"

// movementArgs: seq is the outbox seq of a local movement, 0 for one loaded
// from the server.
func movementArgs(m app.StockMovement, seq int64) []any {
	var s any
	if seq > 0 {
		s = seq
	}
	return []any{m.ID, string(m.Kind), string(m.Part), nullStr(m.From), nullStr(m.To), m.Qty, m.Serial,
		string(m.Ticket), m.Reason, nsec(m.At), m.Recorded, s}
}

func repairArgs(r app.RepairEntry) []any {
	return []any{r.ID, string(r.Ticket), r.Action, r.Minutes, nsec(r.At), r.By}
}

func partUsedArgs(p app.PartUsed) []any {
	return []any{p.ID, string(p.Ticket), string(p.Part), p.Qty, p.Serial, p.DefectiveSerial, string(p.From), nsec(p.At)}
}

func photoArgs(p app.Photo) []any {
	return []any{p.ID, string(p.Ticket), p.SHA256, p.Size, p.Mime, p.Caption, p.Kind, nsec(p.At), p.State}
}

func noteArgs(n app.Note) []any {
	return []any{n.ID, string(n.Ticket), n.Text, nsec(n.At), n.By}
}

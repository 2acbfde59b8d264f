package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.MutationTx = (*mutationTx)(nil)

// mutationTx is app.MutationTx over one write transaction. seq is the
// outbox seq of the mutation being applied: stock movements carry it, so a
// balance can tell what the server has not accepted yet.
//
// replay is set when ApplyPull re-applies a pending mutation on a pulled
// ticket: its facts were recorded when it was committed (and are never
// deleted by a pull), so adding a fact with a known ID succeeds without
// writing, and the ticket's counters are recomputed on the server's row.
//
// head is the row's JSON of the ticket the mutation acts on, as Commit
// read it with the device row (commitHead), for the command's first read
// of it: one statement less per action. For a command that saves the
// ticket (savesTicket), rid is the row's, and row is the row that JSON
// makes (ticketRowOf), set when the command reads the ticket, which
// SaveTicket compares with what it writes: one statement less again. Only
// SaveTicket writes a ticket's row, and it drops them.
type mutationTx struct {
	db     *DB
	tx     txRunner
	seq    int64
	replay bool
	head   struct {
		id   app.TicketID
		data []byte
		rid  int64
		row  *ticketRow
		// stock is the part and location a part's consumption names,
		// read with the head (stockRefs), for Part and Location.
		stock *stockHead
	}
}

var _ app.Savepoints = (*mutationTx)(nil)

// Savepoint, RollbackToSavepoint and ReleaseSavepoint give app's
// ApplyOrRollback one replayed mutation's savepoint (see rebase).
func (m *mutationTx) Savepoint(ctx context.Context) error {
	_, err := m.tx.ExecContext(ctx, `SAVEPOINT mutation`)
	return m.db.sqlError(err)
}

func (m *mutationTx) RollbackToSavepoint(ctx context.Context) error {
	_, err := m.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT mutation`)
	return m.db.sqlError(err)
}

func (m *mutationTx) ReleaseSavepoint(ctx context.Context) error {
	_, err := m.tx.ExecContext(ctx, `RELEASE SAVEPOINT mutation`)
	return m.db.sqlError(err)
}

// Ticket decodes the ticket's row (head's bytes, when it is the ticket
// Commit read), or takes the value decoded last from the same bytes
// (decodedTickets).
func (m *mutationTx) Ticket(ctx context.Context, id app.TicketID) (app.Ticket, error) {
	data := m.head.data
	fromHead := id == m.head.id && data != nil
	if !fromHead {
		var err error
		if data, err = ticketData(ctx, m.tx, id); err != nil {
			return app.Ticket{}, m.db.sqlError(err)
		}
	}
	t, ok := m.db.decoded.get(id, data)
	if !ok {
		var err error
		if t, err = decodeTicket(data); err != nil {
			return app.Ticket{}, err
		}
		m.db.decoded.put(id, data, t)
	}
	if fromHead && m.head.rid != 0 && m.head.row == nil {
		m.head.row = ticketRowOf(m.head.rid, t)
	}
	return t, nil
}

// SaveTicket checks the ticket's invariants before writing: whatever a
// mutation does, no invalid ticket reaches the store or the outbox. Most
// actions (a status change, a diagnosis) leave what search indexes as it
// was: the entry is then kept, not deleted and written again, which was a
// fifth of a status change's CPU and pages of the write-ahead log.
func (m *mutationTx) SaveTicket(ctx context.Context, t app.Ticket) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var old *ticketRow
	if t.ID == m.head.id {
		m.head.data, m.head.rid = nil, 0
		old, m.head.row = m.head.row, nil
	}
	ti, err := saveTicketOver(ctx, m.tx, t, old)
	if err == nil && !ti.sameSearch {
		err = indexTicket(ctx, m.tx, ti)
	}
	if err != nil {
		return m.db.sqlError(err)
	}
	// The next action on the ticket reads the bytes just written.
	m.db.decoded.putSaved(t, ti.data)
	return nil
}

func (m *mutationTx) CountRepairs(ctx context.Context, id app.TicketID) (int, error) {
	var n int
	err := m.tx.QueryRowContext(ctx, `SELECT count(*) FROM repairs WHERE ticket_id = ?`, string(id)).Scan(&n)
	return n, m.db.sqlError(err)
}

// Part and Location answer for the part and location Commit read with its
// head (stockHead) without a statement, as getPart and getLocation would.
func (m *mutationTx) Part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	if s := m.head.stock; s != nil && n == s.part {
		if !s.partOK {
			return app.Part{}, errPartNotFound(n)
		}
		return s.p, s.partErr
	}
	p, err := getPart(ctx, m.tx, n)
	return p, m.db.sqlError(err)
}

func (m *mutationTx) Location(ctx context.Context, id app.LocationID) (app.Location, error) {
	if s := m.head.stock; s != nil && id == s.loc {
		if !s.locOK {
			return app.Location{}, errLocationNotFound(id)
		}
		return s.l, nil
	}
	l, err := getLocation(ctx, m.tx, id)
	return l, m.db.sqlError(err)
}

func (m *mutationTx) AddMovement(ctx context.Context, mv app.StockMovement) error {
	if err := mv.Validate(); err != nil {
		return err
	}
	return m.addFact(ctx, "movement", mv.ID, "", movementInsert, movementArgs(mv, m.seq)...)
}

func (m *mutationTx) AddRepair(ctx context.Context, r app.RepairEntry) error {
	return m.addFact(ctx, "repair", r.ID, r.Ticket, repairInsert, append(repairArgs(r), m.seqArg())...)
}

// AddPartUsed refuses a second fit of a unit still fitted on the ticket
// (app.CheckFittedHere), which the add-part dialog says as the serial is
// typed: a fit committed another way (a second dialog open on the ticket,
// a tap that beat the check) must not put one unit on the ticket twice.
// A replay does not ask: its fit was recorded when it was committed, and
// what a pull brought since is the server's, a fact like this one.
func (m *mutationTx) AddPartUsed(ctx context.Context, p app.PartUsed) error {
	if !m.replay && strings.TrimSpace(p.Serial) != "" {
		fits, err := unitFitsOn(ctx, m.tx, p)
		if err != nil {
			return m.db.sqlError(err)
		}
		if err := app.CheckFittedHere(p, fits); err != nil {
			return err
		}
	}
	return m.addFact(ctx, "part_used", p.ID, p.Ticket, partUsedInsert, append(partUsedArgs(p), m.seqArg())...)
}

func (m *mutationTx) AddPhoto(ctx context.Context, p app.Photo) error {
	if p.State == "" {
		p.State = app.PhotoLocal
	}
	return m.addFact(ctx, "photo", p.ID, p.Ticket, photoInsert, append(photoArgs(p), m.seqArg())...)
}

func (m *mutationTx) AddNote(ctx context.Context, n app.Note) error {
	return m.addFact(ctx, "note", n.ID, n.Ticket, noteInsert, append(noteArgs(n), m.seqArg())...)
}

func (m *mutationTx) AddSignature(ctx context.Context, s app.Signature) error {
	args, err := signatureArgs(s)
	if err != nil {
		return err
	}
	return m.addFact(ctx, "signature", s.ID, s.Ticket, signatureInsert, append(args, m.seqArg())...)
}

// addFact inserts an append-only fact of a kind ("movement", "repair",
// ...); an ID seen before is ECONFLICT, except in a replay. A fact on a
// ticket (ticket not "") that is not here is ENOTFOUND, as tx.Ticket says.
func (m *mutationTx) addFact(ctx context.Context, kind, id string, ticket app.TicketID, insert string, args ...any) error {
	if id == "" {
		return app.FactWithoutID(kind)
	}
	res, err := m.tx.ExecContext(ctx, insert, args...)
	if ticket != "" && foreignKeyFailed(err) {
		return errNoTicket(ticket).WithCause(err)
	}
	if err != nil {
		return m.db.sqlError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("add %s: %w", kind, err)
	}
	if n == 0 && !m.replay {
		return app.FactExists(kind, id)
	}
	return nil
}

// The fact inserts of a mutation (outbox_seq set, pulled 0) skip a known
// ID (ON CONFLICT DO NOTHING): addFact turns that into ECONFLICT, except in
// a replay. The *Load variants write what the server sent: pulled = 1, also
// on a fact this device recorded first, so a refused fact can be told from
// an accepted one (see dropRefused in replica.go).
const (
	movementInsert = `INSERT INTO movements (id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, shipment, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	// movementLoad's arguments are movementArgs' and the movement's
	// source (0025_movement_source.sql): only a pulled opening has one.
	movementLoad = `INSERT INTO movements (id, kind, part, from_loc, to_loc, qty, serial, ticket_id, reason, at, recorded_by, shipment, outbox_seq, source, pulled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
	repairInsert = `INSERT INTO repairs (id, ticket_id, action, minutes, at, by, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	repairLoad = `INSERT INTO repairs (id, ticket_id, action, minutes, at, by, pulled)
		VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
	partUsedInsert = `INSERT INTO parts_used (id, ticket_id, part, qty, serial, defective_serial, from_loc, at, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	partUsedLoad = `INSERT INTO parts_used (id, ticket_id, part, qty, serial, defective_serial, from_loc, at, pulled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
	photoInsert = `INSERT INTO photos (id, ticket_id, sha256, size, mime, caption, kind, at, state, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	// photoLoad: a photo is a fact, but its upload state moves on (local,
	// uploading, verified), so a known photo takes the state the server
	// sends, as loader.photo turned it (a photo of this device that the
	// server reports pending comes as local, with the seq of its attach).
	// The server knows no upload in progress (it says "pending" until the
	// bytes are verified), so a photo this device still has to upload
	// only moves on to verified: anything else would take it out of the
	// upload queue (PhotosToUpload).
	photoLoad = `INSERT INTO photos (id, ticket_id, sha256, size, mime, caption, kind, at, state, outbox_seq, pulled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1,
		outbox_seq = coalesce(photos.outbox_seq, excluded.outbox_seq), state = CASE
			WHEN excluded.state = '' THEN photos.state
			WHEN photos.state IN (` + photoUnsent + `) AND excluded.state <> '` + app.PhotoVerified + `' THEN photos.state
			ELSE excluded.state END`
	noteInsert = `INSERT INTO notes (id, ticket_id, text, at, by, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	noteLoad = `INSERT INTO notes (id, ticket_id, text, at, by, pulled)
		VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
	signatureInsert = `INSERT INTO signatures (id, ticket_id, at, data, outbox_seq)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	signatureLoad = `INSERT INTO signatures (id, ticket_id, at, data, pulled)
		VALUES (?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET pulled = 1`
)

// seqArg is the outbox seq of the mutation being applied, for the
// outbox_seq column of the facts it records (NULL outside a mutation).
func (m *mutationTx) seqArg() any {
	if m.seq > 0 {
		return m.seq
	}
	return nil
}

// photoUnsent lists, for SQL, the states of a photo on the device whose
// bytes the server has not verified yet. A photo pulled from the server
// keeps the server's state; for a photo this device attached,
// app.PhotoPending means the bytes are still this device's to send, also
// when it had seen them verified (the server was restored from a backup):
// see loader.photo.
const photoUnsent = `'` + app.PhotoLocal + `', '` + app.PhotoUploading + `'`

// photoAttaches lists the photo.attach mutations of this device (the
// outbox keeps every mutation, acknowledged or not): the photo's ID (pid)
// and ticket, and the seq.
const photoAttaches = `(SELECT seq, ticket_id, json_extract(args, '$.photo.id') AS pid FROM outbox WHERE name = 'photo.attach')`

// movementArgs: seq is the outbox seq of a local movement, 0 for one loaded
// from the server.
func movementArgs(m app.StockMovement, seq int64) []any {
	var s any
	if seq > 0 {
		s = seq
	}
	return []any{m.ID, string(m.Kind), string(m.Part), nullStr(m.From), nullStr(m.To), m.Qty, m.Serial,
		string(m.Ticket), m.Reason, nsec(m.At), m.Recorded, m.Shipment, s}
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

func signatureArgs(s app.Signature) ([]any, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode signature %s: %w", s.ID, err)
	}
	return []any{s.ID, string(s.Ticket), nsec(s.At), string(data)}, nil
}

// followFieldConflicts gives the technician's applied ticket.update of a
// shared field (cmd, as actor did it) to this device's copies of the
// field's open conflicts on the ticket, by the rule the central service
// runs when the update arrives (app.Conflict.FollowUpdate): their ours
// becomes the value just written. Without it the sync page showed the
// technician's older value as "Yours" until the next sync, and "Keep
// mine" read as keeping it. Commit runs it after the command, and rebase
// after each replay, as a pulled copy of the conflict comes without the
// edits still in the outbox. An action that writes no shared field runs
// no statement more.
func (m *mutationTx) followFieldConflicts(ctx context.Context, actor app.Actor, cmd app.Command) error {
	u, ok := cmd.(*app.UpdateTicket)
	if !ok || actor.Role != app.RoleTechnician || len(u.SharedSet()) == 0 {
		return nil
	}
	rows, err := m.tx.QueryContext(ctx, `SELECT data FROM conflicts WHERE ticket_id = ? AND open = 1 AND kind = 'field'`, string(u.Ticket))
	if err != nil {
		return m.db.sqlError(err)
	}
	var follow []app.Conflict
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return m.db.sqlError(err)
		}
		var c app.Conflict
		if json.Unmarshal(data, &c) != nil {
			// A damaged copy is left as it is: the conflicts screen
			// says so (OpenConflicts), and a sync brings it again.
			continue
		}
		if c.FollowUpdate(u, false, "") {
			follow = append(follow, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m.db.sqlError(err)
	}
	for _, c := range follow {
		data, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode conflict %s: %w", c.ID, err)
		}
		if _, err := m.tx.ExecContext(ctx, `UPDATE conflicts SET data = ? WHERE id = ?`, data, c.ID); err != nil {
			return m.db.sqlError(err)
		}
	}
	return nil
}

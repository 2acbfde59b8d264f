package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.Replica = (*DB)(nil)

// unsentWork is true for a tickets row on which this device has work the
// server has not confirmed: a mutation after acked_seq, or a photo whose
// bytes the server has not verified. Such a ticket is never dropped by a
// reset or when it leaves the device's scopes: its work is still to be
// sent, and once its row is gone the photo upload queue loses its photos.
// The subqueries skip NULL ticket IDs: "x IN (..., NULL)" is NULL, not
// false, and NOT of it would keep every ticket.
const unsentWork = `(tickets.id IN (SELECT ticket_id FROM outbox
		WHERE seq > (SELECT acked_seq FROM device WHERE id = 1) AND ticket_id IS NOT NULL)
	OR tickets.id IN (SELECT ticket_id FROM photos WHERE state IN (` + photoUnsent + `)))`

// deleteTickets deletes the tickets matching where, with their search
// entries (the index is contentless, so nothing deletes them for us) and,
// through the foreign keys, their repairs, parts used, photos, notes and
// signatures.
// Photo files stay: they are content-addressed and may serve another row.
func deleteTickets(ctx context.Context, q execer, where string, args ...any) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM tickets_fts WHERE rowid IN (SELECT rid FROM tickets WHERE `+where+`)`, args...); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM tickets WHERE `+where, args...)
	return err
}

// SyncState reads the device's sync watermarks in one snapshot.
func (db *DB) SyncState(ctx context.Context) (app.SyncState, error) {
	var s app.SyncState
	var last sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT device_id, `+lastSeq+`, acked_seq, cursor, epoch, last_success, lease_days,
		(SELECT count(*) FROM outbox WHERE seq > device.acked_seq) FROM device WHERE id = 1`).
		Scan(&s.Device, &s.LastSeq, &s.AckedSeq, &s.Cursor, &s.Epoch, &last, &s.LeaseDays, &s.Pending)
	if err != nil {
		return app.SyncState{}, db.sqlError(err)
	}
	s.LastSuccess = fromNsec(last)
	return s, nil
}

// Pending returns up to limit mutations after AckedSeq in seq order, as
// Outbox.Pending does.
func (db *DB) Pending(ctx context.Context, limit int) ([]app.Mutation, error) {
	return NewOutbox(db).Pending(ctx, limit)
}

// ApplyPull applies one page of the central service in one write
// transaction; any error leaves the store as it was:
//
//  1. the acknowledgement: AckedSeq becomes page.Acked, also downwards
//     (after a server restore the later mutations are pending again and
//     are re-sent; their mutation IDs make that safe). After a restore (a
//     new epoch, or the acknowledgement going down) the photos this device
//     attached wait for upload again. An Acked beyond the last seq this
//     device handed out is EINVALID;
//  2. page.Reset drops the server's rows: every ticket without unsent work
//     (the kept ones are marked out of scope until the new epoch sends them
//     again) and the facts the old server sent on the kept ones, the
//     conflicts, the movements the server has accepted, the likely parts,
//     and the part requests and shipments no pending mutation wrote last.
//     Parts, locations, technicians and rule sets are kept, as the pull
//     sends them again; the outbox is never touched;
//  3. page.Data, as Load writes it, then the histories answered
//     (page.History, see loader.history);
//  4. the rebase: the pending mutations on the page's tickets (part.*
//     ones also on the tickets of the page's part requests), and those on
//     no ticket, are applied again in seq order on the server's rows (see
//     rebase);
//  5. tickets out of scope whose work the server has now confirmed are
//     dropped;
//  6. the cursor, the lease's days when the page says them, and, when
//     page.Complete, the time of the last success, which unlocks a device
//     past its lease.
//
// Applying the same page twice leaves the same rows.
func (db *DB) ApplyPull(ctx context.Context, page app.PullPage) error {
	// As in Commit and Load: statements run without cancellation (cheaper),
	// the caller's ctx is checked between steps and ends the transaction.
	sctx := context.WithoutCancel(ctx)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var last, acked int64
		var epoch string
		if err := tx.QueryRowContext(sctx, `SELECT `+lastSeq+`, acked_seq, epoch FROM device WHERE id = 1`).Scan(&last, &acked, &epoch); err != nil {
			return db.sqlError(err)
		}
		if page.Acked > last {
			return errAckAhead(page.Acked, last)
		}
		passcodes, err := countPasscodes(sctx, tx)
		if err != nil {
			return db.sqlError(err)
		}
		if page.Acked < 0 {
			return app.Errorf(app.EINVALID, "outbox.ack_negative", "The server sent an invalid confirmation ({{.Seq}}); nothing was saved. Sync again, and contact support if it keeps happening.", "Seq", page.Acked)
		}
		if page.LeaseDays != 0 {
			if err := app.CheckLeaseDays(page.LeaseDays); err != nil {
				return err
			}
			if _, err := tx.ExecContext(sctx, `UPDATE device SET lease_days = ? WHERE id = 1`, page.LeaseDays); err != nil {
				return db.sqlError(err)
			}
		}
		if page.ReceiptPrefix != "" {
			if err := setReceiptPrefix(sctx, tx, page.ReceiptPrefix); err != nil {
				return db.sqlError(err)
			}
		}
		if _, err := tx.ExecContext(sctx, `UPDATE device SET acked_seq = ?, epoch = ? WHERE id = 1`, page.Acked, page.Epoch); err != nil {
			return db.sqlError(err)
		}
		if err := scrubPasscodes(sctx, db, tx); err != nil {
			return db.sqlError(err)
		}
		if page.Acked < acked || (epoch != "" && page.Epoch != "" && page.Epoch != epoch) {
			// The server was restored from a backup. Which of this
			// device's photos it holds verified is unknown here: the
			// backup may predate a photo's record (the re-pushed attach
			// makes it pending), and the photo files may have been lost
			// with the disk. So every photo this device attached waits
			// for upload again: the server answers a creation for bytes it
			// verified at once, and takes the others. Queued, they also
			// keep their tickets here until the new server has the bytes.
			// A row the server had sent gets its attach's seq back, as
			// loader.photo gives it: the restored server may refuse it.
			if _, err := tx.ExecContext(sctx, `UPDATE photos SET state = ?, outbox_seq = a.seq FROM `+photoAttaches+` a
				WHERE photos.id = a.pid AND photos.ticket_id = a.ticket_id AND photos.state = ?`, app.PhotoLocal, app.PhotoVerified); err != nil {
				return db.sqlError(fmt.Errorf("requeue photos: %w", err))
			}
		}
		if page.Reset {
			if err := resetServerRows(sctx, tx); err != nil {
				return db.sqlError(fmt.Errorf("reset: %w", err))
			}
		}
		if err := db.load(ctx, tx, page.Data); err != nil {
			return err
		}
		if err := db.loadHistory(ctx, tx, page); err != nil {
			return err
		}
		if err := db.rebase(ctx, tx, page.Data); err != nil {
			return err
		}
		if err := deleteTickets(sctx, tx, `tickets.left_scope = 1 AND NOT `+unsentWork); err != nil {
			return db.sqlError(fmt.Errorf("drop tickets out of scope: %w", err))
		}
		if _, err := tx.ExecContext(sctx, `UPDATE device SET cursor = ? WHERE id = 1`, page.Cursor); err != nil {
			return db.sqlError(err)
		}
		if n, err := countPasscodes(sctx, tx); err != nil {
			return db.sqlError(err)
		} else if n < passcodes {
			db.passcodeErased.Store(true)
		}
		if page.Complete {
			if err := db.dropRefused(sctx, tx); err != nil {
				return err
			}
			at := page.At
			if at.IsZero() {
				at = db.now()
			}
			if _, err := tx.ExecContext(sctx, `UPDATE device SET last_success = ? WHERE id = 1`, at.UnixNano()); err != nil {
				return db.sqlError(err)
			}
		}
		return nil
	})
}

// resetServerRows drops what the server of another epoch sent, before the
// new epoch's first page is loaded. Call it after acked_seq is set: what
// is unsent is judged against the new server's acknowledgement.
func resetServerRows(ctx context.Context, tx *sql.Tx) error {
	if err := deleteTickets(ctx, tx, `NOT `+unsentWork); err != nil {
		return err
	}
	// A kept ticket may not be in the new epoch's scopes at all, and that
	// server cannot know to send it as gone: it leaves once its work is
	// confirmed, unless a page sends it again (Load clears the mark).
	for _, q := range []string{
		`UPDATE tickets SET left_scope = 1`,
		// The kept tickets' facts that the old epoch's server sent (those
		// not recorded here: other devices' work) are its rows too: the
		// new epoch sends those it has. One it lacks (the restored server
		// refused another device's re-push, or never got it) would
		// otherwise stay on this device for good, a fact the server does
		// not have. A photo waiting for upload stays whatever its row
		// says: its bytes are this device's to send (rows older than
		// migration 0002 have no seq).
		`DELETE FROM repairs WHERE outbox_seq IS NULL`,
		`DELETE FROM parts_used WHERE outbox_seq IS NULL`,
		`DELETE FROM notes WHERE outbox_seq IS NULL`,
		`DELETE FROM signatures WHERE outbox_seq IS NULL`,
		`DELETE FROM payments WHERE outbox_seq IS NULL`,
		`DELETE FROM estimates WHERE outbox_seq IS NULL`,
		`DELETE FROM customer_notices WHERE outbox_seq IS NULL`,
		// The new epoch sends every passcode again; one erased meanwhile
		// must not stay. acked_seq is already the new epoch's.
		`DELETE FROM passcodes WHERE outbox_seq IS NULL OR outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1)`,
		`DELETE FROM photos WHERE outbox_seq IS NULL AND state NOT IN (` + photoUnsent + `)`,
		// The new epoch has to send the kept facts again to confirm them.
		`UPDATE repairs SET pulled = 0`,
		`UPDATE parts_used SET pulled = 0`,
		`UPDATE photos SET pulled = 0`,
		`UPDATE notes SET pulled = 0`,
		`UPDATE signatures SET pulled = 0`,
		`UPDATE payments SET pulled = 0`,
		`UPDATE estimates SET pulled = 0`,
		`UPDATE customer_notices SET pulled = 0`,
		`UPDATE movements SET pulled = 0`,
		`DELETE FROM conflicts`,
		// Part requests and shipments are server rows but those a pending
		// mutation wrote last: those stay, as their work is still to be
		// sent, without a server copy until the new epoch sends one.
		// Likely parts come from the server alone.
		`DELETE FROM part_requests WHERE outbox_seq IS NULL OR outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1)`,
		`UPDATE part_requests SET base = NULL`,
		`DELETE FROM shipments WHERE outbox_seq IS NULL OR outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1)`,
		`UPDATE shipments SET base = NULL`,
		`DELETE FROM likely_parts`,
		// The new epoch says again what it keeps back of each ticket
		// it sends; a request for history is made again when the ticket
		// is opened.
		`DELETE FROM history_away`,
		// Movements made here and still pending stay: they count in the
		// balances until the new server accepts them.
		`DELETE FROM movements WHERE outbox_seq IS NULL OR outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1)`,
		`UPDATE device SET cursor = '' WHERE id = 1`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// refusedMutations are the ticket and seq of each mutation of this device
// that the server acknowledged and refused: its conflict ("cf-" + its ID)
// is here. It reads every conflict, which are few, and finds each one's
// outbox row among its ticket's (outbox_ticket): the outbox has no index
// of the mutation ID (migration 0015: one page less per action). The
// server names in a refused mutation's conflict the ticket of the decoded
// command (app.TicketOf), which the outbox row records too. Only a
// mutation on a ticket is found: the facts dropRefusedFacts deletes are
// on one.
const refusedMutations = `SELECT o.ticket_id, o.seq FROM conflicts c JOIN outbox o ON o.ticket_id = c.ticket_id AND o.id = substr(c.id, 4)
	WHERE substr(c.id, 1, 3) = 'cf-' AND o.seq <= (SELECT acked_seq FROM device WHERE id = 1)`

// dropRefusedFacts deletes from table (repairs, parts_used or notes) the
// facts recorded here by a refused mutation. These tables have no index by
// outbox_seq (migration 0013: one page less per action): the facts are
// found through the table's index by ticket, as the command that records
// one (app.LogRepair, ConsumePart, AddNote) records it on its own ticket,
// the outbox row's. A fact on another ticket would stay in the view, not
// go wrongly.
func dropRefusedFacts(table string) string {
	return `DELETE FROM ` + table + ` WHERE pulled = 0 AND (ticket_id, outbox_seq) IN (` + refusedMutations + `)`
}

// dropRefusedLocal deletes from table the facts recorded here by a refused
// mutation, found through the table's partial index of its facts not sent
// back (table_local). A part used's own movement is not in
// movements_local (migration 0028): dropRefusedConsumes deletes it.
func dropRefusedLocal(table string) string {
	local := ""
	if table == "movements" {
		local = ` AND kind <> '` + string(app.MoveConsume) + `'`
	}
	return `DELETE FROM ` + table + ` WHERE outbox_seq <= (SELECT acked_seq FROM device WHERE id = 1) AND pulled = 0` + local + `
		AND EXISTS (SELECT 1 FROM outbox o JOIN conflicts c ON c.id = 'cf-' || o.id WHERE o.seq = ` + table + `.outbox_seq)`
}

// dropRefusedConsumes deletes the movement of each refused part use. A
// part used and its movement share their ID (app.ConsumePart), and
// movements_local leaves these movements out (migration 0028: one page
// less per part used), so each is found by the ID its mutation's
// arguments carry, from the refused mutations (the conflicts, few, and
// each one's outbox row among its ticket's), never through the part used:
// that row is gone with its ticket when the ticket left the device (the
// simulation's seeds 90 and 182: dispatch gave it to another technician),
// and its movement would have stayed in the van's stock.
var dropRefusedConsumes = `DELETE FROM movements WHERE kind = '` + string(app.MoveConsume) + `' AND pulled = 0
	AND id IN (SELECT json_extract(o.args, '$.used.id') FROM conflicts c JOIN outbox o ON o.ticket_id = c.ticket_id AND o.id = substr(c.id, 4)
		WHERE substr(c.id, 1, 3) = 'cf-' AND o.name = 'stock.consume' AND o.seq <= (SELECT acked_seq FROM device WHERE id = 1))`

// dropRefusedConsumeAt deletes the movement of the part use the outbox
// row seq recorded, if it was one: dropRefusedWithoutTicket's way to
// dropRefusedConsumes' movements.
const dropRefusedConsumeAt = `DELETE FROM movements WHERE kind = '` + string(app.MoveConsume) + `' AND pulled = 0
	AND id = (SELECT json_extract(args, '$.used.id') FROM outbox WHERE seq = ? AND name = 'stock.consume')`

// refusedWithoutTicket are the ticket and seq of each refused mutation
// whose conflict names no ticket: a server that could not decode the
// mutation (an older server that does not know this device's command, or
// one that validates it more strictly) cannot say its ticket, so
// refusedMutations does not find it. It is looked up by its ID, which the
// outbox has no index of (migration 0015): one read of the outbox per such
// conflict, which only a device and a server of different versions make.
// Conflicts are the outer loop (CROSS JOIN), and +o.id keeps SQLite from
// building an index of the whole outbox for the few.
const refusedWithoutTicket = `SELECT o.ticket_id, o.seq FROM conflicts c CROSS JOIN outbox o
	WHERE substr(c.id, 1, 3) = 'cf-' AND coalesce(c.ticket_id, '') = '' AND +o.id = substr(c.id, 4)
	AND o.ticket_id IS NOT NULL AND o.seq <= (SELECT acked_seq FROM device WHERE id = 1)`

// dropRefusedWithoutTicket deletes the facts of the mutations
// refusedWithoutTicket finds, each through its table's index by ticket.
func dropRefusedWithoutTicket(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, refusedWithoutTicket)
	if err != nil {
		return fmt.Errorf("refused without a ticket: %w", err)
	}
	type refused struct {
		ticket string
		seq    int64
	}
	var found []refused
	for rows.Next() {
		var r refused
		if err := rows.Scan(&r.ticket, &r.seq); err != nil {
			rows.Close()
			return fmt.Errorf("refused without a ticket: %w", err)
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("refused without a ticket: %w", err)
	}
	for _, r := range found {
		if _, err := tx.ExecContext(ctx, dropRefusedConsumeAt, r.seq); err != nil {
			return fmt.Errorf("drop refused part movements: %w", err)
		}
		for _, table := range []string{"repairs", "parts_used", "notes"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE pulled = 0 AND ticket_id = ? AND outbox_seq = ?`, r.ticket, r.seq); err != nil {
				return fmt.Errorf("drop refused %s: %w", table, err)
			}
		}
	}
	return nil
}

// dropRefused removes from the view what the server refused. Once a pull
// is complete, the conflict of every refused mutation has been pulled (the
// server stores it in the same transaction that consumes the seq, under
// the ID "cf-" + the mutation's ID): a fact recorded here by a mutation
// with such a conflict goes, and so does the change of a ticket whose row
// still differs from the server's copy while nothing is pending on it.
// Only a conflict proves a refusal: an accepted fact on a ticket that has
// since left this device's scopes never comes back either, and a photo
// among them still has its bytes to send. Refused work is not lost: the
// conflict holds it whole. Photo files are never deleted.
func (db *DB) dropRefused(ctx context.Context, tx *sql.Tx) error {
	const acked = `(SELECT acked_seq FROM device WHERE id = 1)`
	for _, table := range []string{"photos", "signatures", "payments", "estimates", "customer_notices", "movements"} {
		if _, err := tx.ExecContext(ctx, dropRefusedLocal(table)); err != nil {
			return db.sqlError(fmt.Errorf("drop refused %s: %w", table, err))
		}
	}
	if _, err := tx.ExecContext(ctx, dropRefusedConsumes); err != nil {
		return db.sqlError(fmt.Errorf("drop refused part movements: %w", err))
	}
	for _, table := range []string{"repairs", "parts_used", "notes"} {
		if _, err := tx.ExecContext(ctx, dropRefusedFacts(table)); err != nil {
			return db.sqlError(fmt.Errorf("drop refused %s: %w", table, err))
		}
	}
	if err := dropRefusedWithoutTicket(ctx, tx); err != nil {
		return db.sqlError(err)
	}
	if err := dropRefusedSupply(ctx, tx); err != nil {
		return db.sqlError(err)
	}
	// Tickets created here whose creation was refused.
	if err := deleteTickets(ctx, tx, `tickets.base IS NULL AND NOT `+unsentWork+`
		AND tickets.id IN (SELECT ticket_id FROM outbox WHERE name = 'ticket.create' AND seq <= `+acked+`)`); err != nil {
		return db.sqlError(fmt.Errorf("drop refused tickets: %w", err))
	}
	// Tickets whose view still holds a refused change: back to the server's.
	rows, err := tx.QueryContext(ctx, `SELECT base FROM tickets WHERE base IS NOT NULL AND base <> data AND NOT `+unsentWork)
	if err != nil {
		return db.sqlError(err)
	}
	var stale []app.Ticket
	for rows.Next() {
		var base string
		var t app.Ticket
		if err := rows.Scan(&base); err != nil {
			rows.Close()
			return db.sqlError(err)
		}
		if err := json.Unmarshal([]byte(base), &t); err != nil {
			rows.Close()
			return app.Errorf(app.ECORRUPT, "store.ticket_damaged", "A ticket record on this device is damaged. Sync to download it again.").WithCause(err)
		}
		stale = append(stale, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.sqlError(err)
	}
	for _, t := range stale {
		ti, err := saveTicket(ctx, tx, t)
		if err == nil {
			err = indexTicket(ctx, tx, ti)
		}
		if err != nil {
			return db.sqlError(fmt.Errorf("restore ticket %s: %w", t.Number, err))
		}
	}
	return nil
}

// replayRow is a pending outbox row as rebase replays it.
type replayRow struct {
	m      app.Mutation
	ticket sql.NullString
	// Who committed it; role is NULL for rows committed before the
	// outbox recorded it (migration 0002).
	role, technician, name sql.NullString
}

// rebase re-applies the pending mutations on the pulled tickets, and the
// pending mutations on no ticket, in seq order on the rows just loaded.
// The other pending mutations are already in their tickets' rows: they
// were applied at Commit, or by an earlier rebase.
//
// A replay runs as its original Commit did: the same command decoded from
// the same bytes, the same actor, and the mutation's own time as "now", so
// replaying gives the same rows every time. Facts it adds were recorded at
// Commit and are skipped (mutationTx.replay), so counters such as labour
// minutes count them once, on the server's value.
//
// Each replay runs in a savepoint. One the fresh server state refuses (the
// ticket was reassigned, cancelled or closed meanwhile) is rolled back and
// left in the outbox: the server decides it and sends a conflict, and
// until then the technician sees the server's state, with the facts they
// recorded. Errors other than business rules (storage, cancellation) fail
// the whole page.
//
// A part request pulled without its ticket was written over by the
// server's copy all the same: the pending part.* mutations of its ticket
// are replayed on it too (and only those: the ticket's row was not).
func (db *DB) rebase(ctx context.Context, tx *sql.Tx, page app.Dataset) error {
	onPage := make(map[string]bool, len(page.Tickets))
	for _, d := range page.Tickets {
		onPage[string(d.Ticket.ID)] = true
	}
	requestOnPage := make(map[string]bool, len(page.PartRequests))
	for _, r := range page.PartRequests {
		requestOnPage[string(r.Ticket)] = true
	}
	// A field conflict pulled without its ticket (on a page of its own)
	// comes with the service's values, which have not seen the edits
	// still in the outbox: those edits are given to it again
	// (followFieldConflicts), not replayed on a ticket that was not.
	conflictOnPage := map[string]bool{}
	for _, c := range page.Conflicts {
		if c.Kind == app.ConflictField && c.Open() && c.Ticket != "" {
			conflictOnPage[string(c.Ticket)] = true
		}
	}
	// Read the queue first: a statement cannot run on the transaction's
	// connection while its rows are open.
	rows, err := tx.QueryContext(ctx, `SELECT `+mutationCols+`, ticket_id, actor_role, actor_technician, actor_name
		FROM outbox WHERE seq > (SELECT acked_seq FROM device WHERE id = 1) ORDER BY seq`)
	if err != nil {
		return db.sqlError(err)
	}
	var replays, follows []replayRow
	device := db.DeviceID()
	for rows.Next() {
		var q replayRow
		if q.m, err = scanMutation(rows, device, &q.ticket, &q.role, &q.technician, &q.name); err != nil {
			rows.Close()
			return db.sqlError(err)
		}
		switch {
		case !q.ticket.Valid || onPage[q.ticket.String] || requestOnPage[q.ticket.String] && strings.HasPrefix(q.m.Name, "part."):
			replays = append(replays, q)
		case conflictOnPage[q.ticket.String] && q.m.Name == "ticket.update":
			follows = append(follows, q)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.sqlError(err)
	}
	sctx := context.WithoutCancel(ctx)
	for _, q := range replays {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := db.replay(sctx, tx, q); err != nil {
			return fmt.Errorf("rebase %s (seq %d): %w", q.m.FullName(), q.m.Seq, err)
		}
	}
	for _, q := range follows {
		cmd, err := app.DecodeMutation(q.m)
		if err != nil {
			continue // as replay: the server decides it
		}
		mtx := &mutationTx{db: db, tx: tx, seq: q.m.Seq, replay: true}
		if err := mtx.followFieldConflicts(sctx, replayActor(sctx, mtx, q), cmd); err != nil {
			return fmt.Errorf("rebase %s (seq %d): %w", q.m.FullName(), q.m.Seq, err)
		}
	}
	return nil
}

// replay applies one queued mutation inside a savepoint; see rebase.
func (db *DB) replay(ctx context.Context, tx *sql.Tx, q replayRow) error {
	cmd, err := app.DecodeMutation(q.m)
	if err != nil {
		return nil // it decoded at Commit; if this build cannot, the server decides
	}
	mtx := &mutationTx{db: db, tx: tx, seq: q.m.Seq, replay: true}
	actor := replayActor(ctx, mtx, q)
	if actor.Role == app.RoleTechnician {
		// The outbox keeps who, not their store: counter staff's rights
		// (cancelling their store's carry-ins) come from the technician
		// record, as on the server.
		err := tx.QueryRowContext(ctx, `SELECT store FROM technicians WHERE id = ?`, string(actor.Technician)).Scan(&actor.Store)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return db.sqlError(err)
		}
	}
	err = app.ApplyOrRollback(ctx, mtx, func() error {
		if err := cmd.Apply(ctx, mtx, actor, q.m.At); err != nil {
			return err
		}
		return mtx.followFieldConflicts(ctx, actor, cmd)
	})
	if app.Refused(err) {
		return nil // left in the outbox for the server to decide
	}
	return err // writeTx rolls back the whole page
}

// replayActor is who committed q. For rows committed before the outbox
// recorded it, it is the technician the ticket is assigned to: that passes
// the scope check (the server makes the real one with the authenticated
// technician) and still catches a stale assignment epoch.
func replayActor(ctx context.Context, tx app.MutationTx, q replayRow) app.Actor {
	if q.role.Valid {
		return app.Actor{Role: app.Role(q.role.String), Technician: app.TechnicianID(q.technician.String), Name: q.name.String}
	}
	a := app.Actor{Role: app.RoleTechnician}
	if q.ticket.Valid {
		if t, err := tx.Ticket(ctx, app.TicketID(q.ticket.String)); err == nil {
			a.Technician = t.Technician
		}
	}
	return a
}

// Wipe deletes every row of the store and the outbox, gives the device a
// new identity with its counters, cursor and epoch reset, and removes the
// stored photo files: the server revoked this device. The file is then
// vacuumed and its WAL truncated, so deleted rows do not stay readable in
// free pages. The hybrid logical clock is kept: it only ever moves forward.
// After an error, run Wipe again.
func (db *DB) Wipe(ctx context.Context) error {
	id := app.DeviceID(app.NewID())
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		// The outbox's last row holds the clock's last reading: the device
		// row keeps it before the outbox goes. A damaged reading is left
		// behind: a Wipe is how a damaged store is left.
		var clock hlc
		var last string
		if err := tx.QueryRowContext(ctx, `SELECT hlc_wall, hlc_logical, `+lastHLC+` FROM device WHERE id = 1`).Scan(&clock.wall, &clock.logical, &last); err != nil {
			return db.sqlError(fmt.Errorf("wipe: %w", err))
		}
		if later, err := laterClock(clock, last); err == nil {
			clock = later
		}
		for _, q := range []string{
			`DELETE FROM conflicts`,
			`DELETE FROM tickets`, // repairs, parts used, photos, notes, signatures, part requests, likely parts and drafts cascade
			`DELETE FROM shipments`,
			`INSERT INTO tickets_fts (tickets_fts) VALUES ('delete-all')`,
			`DELETE FROM movements`,
			`DELETE FROM parts`, // part_models cascade
			`INSERT INTO parts_fts (parts_fts) VALUES ('delete-all')`,
			`DELETE FROM rule_sets`,
			`DELETE FROM locations`,
			`DELETE FROM technicians`,
			`DELETE FROM outbox`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return db.sqlError(fmt.Errorf("wipe: %w", err))
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE device SET device_id = ?, last_seq = 0, acked_seq = 0, cursor = '', epoch = '',
			last_success = NULL, lease_days = ?, receipt_prefix = '', hlc_wall = ?, hlc_logical = ? WHERE id = 1`,
			string(id), app.DefaultLeaseDays, clock.wall, clock.logical)
		return db.sqlError(err)
	})
	if err != nil {
		return err
	}
	db.setDevice(id)
	if _, err := db.write.ExecContext(ctx, `VACUUM`); err != nil {
		return db.sqlError(fmt.Errorf("wipe: vacuum: %w", err))
	}
	// Best effort: a reader still open keeps part of the WAL, which the
	// next checkpoint overwrites.
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return db.sqlError(fmt.Errorf("wipe: checkpoint: %w", err))
	}
	return removePhotoFiles(db.photoDir)
}

// removePhotoFiles deletes the stored photos, the originals kept beside
// them and leftovers of PutPhoto in dir, and nothing else: the folder may
// be one the user chose.
func removePhotoFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("wipe photos: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && (app.ValidSHA256(n) || app.ValidSHA256(strings.TrimPrefix(n, originalPrefix)) || strings.HasPrefix(n, tempPrefix)) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("wipe photo %s: %w", n, err))
			}
		}
	}
	return errors.Join(errs...)
}

// The queries of the upload queue and the conflict list (plan_test.go pins
// their plans): each reads its partial index in order.
const (
	photosToUploadQuery = `SELECT ` + photoCols + ` FROM photos WHERE state IN (` + photoUnsent + `) ORDER BY at, id`
	openConflictsQuery  = `SELECT data FROM conflicts WHERE open = 1 ORDER BY at DESC, id DESC`
)

// PhotosToUpload returns the photos whose bytes the server has not
// verified (state local or uploading), oldest first: the upload queue of
// the sync engine, which sends the files named by their SHA-256.
func (db *DB) PhotosToUpload(ctx context.Context) ([]app.Photo, error) {
	ps, err := queryPhotos(ctx, db.read, photosToUploadQuery)
	if err != nil {
		return nil, db.sqlError(err)
	}
	return ps, nil
}

// SetPhotoState records the sync engine's progress on a photo upload:
// "uploading" when it starts, "local" when it gives up for now, "verified"
// when the server answered that it holds the bytes and checked their hash
// (the fact a pull brings later, recorded at once by the uploader). Only
// the server's answer makes a photo verified: the uploader sets it from
// that answer, and ApplyPull from a pulled page. EINVALID for any other
// state, ENOTFOUND for an unknown photo, ECONFLICT for a photo not waiting
// for upload (verified meanwhile, or pulled from the server): drop it from
// the queue. The photo's file is never touched.
func (db *DB) SetPhotoState(ctx context.Context, id string, state string) error {
	if state != app.PhotoLocal && state != app.PhotoUploading && state != app.PhotoVerified {
		return app.Errorf(app.EINVALID, "photo.bad_state", "A photo upload cannot be set to {{.State}}.", "State", state)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE photos SET state = ? WHERE id = ? AND state IN (`+photoUnsent+`)`, state, id)
		if err != nil {
			return db.sqlError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return db.sqlError(err)
		} else if n > 0 {
			return nil
		}
		var current string
		err = tx.QueryRowContext(ctx, `SELECT state FROM photos WHERE id = ?`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ENOTFOUND, "photo.not_found", "The photo is not on this device. Sync to download it.")
		} else if err != nil {
			return db.sqlError(err)
		}
		return app.Errorf(app.ECONFLICT, "photo.not_unsent", "The photo is {{.State}} and no longer waits for upload.", "State", current)
	})
}

// OpenConflicts lists the conflicts nobody has resolved yet, newest first.
func (db *DB) OpenConflicts(ctx context.Context) ([]app.Conflict, error) {
	rows, err := db.read.QueryContext(ctx, openConflictsQuery)
	if err != nil {
		return nil, db.sqlError(err)
	}
	defer rows.Close()
	out := []app.Conflict{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, db.sqlError(err)
		}
		var c app.Conflict
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, app.Errorf(app.ECORRUPT, "store.conflict_damaged", "A sync conflict record on this device is damaged. Sync to download it again.").WithCause(err)
		}
		out = append(out, c)
	}
	return out, db.sqlError(rows.Err())
}

// maxMutationTimes bounds the IDs one MutationTimes call reads: one
// query's parameters.
const maxMutationTimes = 500

// MutationTimes gives when each of the mutations ids that a conflict here
// names was saved on this device, from the outbox, which keeps sent rows
// for audit: a refused change's conflict carries the server's time, and
// the technician asks when they did the work. The conflicts screen asks
// for the mutations of the conflicts it shows. The outbox has no index of
// the mutation ID (migration 0015: one page less per action), so each
// mutation is found among its conflict's ticket's rows (outbox_ticket), as
// a pull's refused mutations are: the server names in a conflict the
// ticket of the decoded command, which the outbox row records. Left out,
// without reading the outbox: an ID no conflict here names, or whose
// conflict names another device (the technician's other device). A
// mutation of this device not found by its ticket (a conflict naming no
// ticket: a stock movement, a command the server could not decode) is
// looked up in one read of the whole outbox, for all such IDs at once.
// At most maxMutationTimes IDs are read.
func (db *DB) MutationTimes(ctx context.Context, ids []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	ids = ids[:min(len(ids), maxMutationTimes)]
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	read := func(query string, args ...any) error {
		rows, err := db.read.QueryContext(ctx, query, args...)
		if err != nil {
			return db.sqlError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var at int64
			if err := rows.Scan(&id, &at); err != nil {
				return db.sqlError(err)
			}
			out[id] = time.Unix(0, at).UTC()
		}
		return db.sqlError(rows.Err())
	}
	if err := read(mutationTimesByTicket, string(list)); err != nil {
		return nil, err
	}
	// This device's mutations the tickets did not find.
	rows, err := db.read.QueryContext(ctx, conflictMutations, string(list))
	if err != nil {
		return nil, db.sqlError(err)
	}
	var rest []string
	for rows.Next() {
		var id, device string
		if err := rows.Scan(&id, &device); err != nil {
			rows.Close()
			return nil, db.sqlError(err)
		}
		if _, found := out[id]; !found && (device == "" || app.DeviceID(device) == db.DeviceID()) && !slices.Contains(rest, id) {
			rest = append(rest, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.sqlError(err)
	}
	if len(rest) == 0 {
		return out, nil
	}
	if list, err = json.Marshal(rest); err != nil {
		return nil, err
	}
	if err := read(`SELECT id, at FROM outbox WHERE id IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
		return nil, err
	}
	return out, nil
}

// mutationTimesByTicket finds the outbox row of each mutation of a JSON
// list that a conflict with a ticket names, among the ticket's rows
// (outbox_ticket): the conflicts are the outer loop, few.
const mutationTimesByTicket = `SELECT o.id, o.at FROM conflicts c JOIN outbox o
	ON o.ticket_id = c.ticket_id AND o.id = json_extract(c.data, '$.mutation')
	WHERE c.ticket_id IS NOT NULL AND json_extract(c.data, '$.mutation') IN (SELECT value FROM json_each(?))`

// conflictMutations are the mutations of a JSON list that conflicts here
// name, with the device each conflict names (empty for none).
const conflictMutations = `SELECT json_extract(data, '$.mutation'), coalesce(json_extract(data, '$.device'), '') FROM conflicts
	WHERE json_extract(data, '$.mutation') IN (SELECT value FROM json_each(?))`

// UnsentTickets counts, per ticket, the mutations saved on the device and
// not yet accepted by the central service, for the ticket list's badges.
func (db *DB) UnsentTickets(ctx context.Context) (map[app.TicketID]int, error) {
	rows, err := db.read.QueryContext(ctx, unsentTicketsQuery)
	if err != nil {
		return nil, db.sqlError(err)
	}
	defer rows.Close()
	out := map[app.TicketID]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, db.sqlError(err)
		}
		out[app.TicketID(id)] = n
	}
	return out, db.sqlError(rows.Err())
}

const unsentTicketsQuery = `SELECT ticket_id, count(*) FROM outbox
	WHERE seq > (SELECT acked_seq FROM device WHERE id = 1) AND ticket_id IS NOT NULL
	GROUP BY ticket_id`

// PendingCount returns how many mutations wait to be sent, as
// Outbox.PendingCount does.
func (db *DB) PendingCount(ctx context.Context) (int, error) {
	return NewOutbox(db).PendingCount(ctx)
}

// Lease returns the device's lease: the days the server allows and the
// last complete sync.
func (db *DB) Lease(ctx context.Context) (app.Lease, error) {
	var l app.Lease
	var last sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT lease_days, last_success FROM device WHERE id = 1`).Scan(&l.Days, &last); err != nil {
		return app.Lease{}, db.sqlError(err)
	}
	l.LastContact = fromNsec(last)
	return l, nil
}

// checkLease returns the lease's error when the device is past it: the
// ticket reads, which hold customers' names, phones and addresses, refuse
// until a sync completes. Sync itself and unsent work are untouched.
func (db *DB) checkLease(ctx context.Context) error {
	l, err := db.Lease(ctx)
	if err != nil {
		return err
	}
	return l.Check(db.now())
}

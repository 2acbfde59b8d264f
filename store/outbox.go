package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

var (
	_ app.Committer = (*Committer)(nil)
	_ app.Outbox    = (*Outbox)(nil)
)

// Committer implements app.Committer: a user's action is applied to the
// local rows and queued in the outbox in one write transaction.
type Committer struct{ db *DB }

// NewCommitter returns the committer of db.
func NewCommitter(db *DB) *Committer { return &Committer{db: db} }

// Commit applies cmd for actor and appends it to the outbox with the next
// gapless seq and a fresh hybrid logical clock reading, in ONE transaction
// (synchronous=FULL: durable when Commit returns). Any error leaves both the
// data and the outbox unchanged. Validation and business-rule errors come
// back as the command's own *app.Error. The outbox row also records the
// ticket the command acts on and the actor, for rebase (see ApplyPull).
// ctx bounds the wait for the store's writer (behind a long pull, say);
// once the transaction has begun, it runs to its end.
func (c *Committer) Commit(ctx context.Context, actor app.Actor, cmd app.Command) (app.Mutation, error) {
	db := c.db
	if cmd == nil {
		return app.Mutation{}, app.Errorf(app.EINVALID, "mutation.nil", "No action to save.")
	}
	now := db.now()
	var m app.Mutation
	var queued app.Command
	// Apply what the outbox will carry, as decoded from its bytes, not the
	// caller's value: the server decodes the same bytes, so device and
	// server run the same command on the same input, and a command that
	// does not survive its own encoding fails here, not on the server.
	// QueuedCommand skips the decoding when it would give back cmd.
	encode := func() error {
		var err error
		if m, err = app.NewMutation(cmd, now); err != nil {
			return err
		}
		queued, err = app.QueuedCommand(cmd, m)
		return err
	}
	// A command with a receipt is numbered, and so encoded, in the
	// transaction that records it (nextReceipt).
	receipted, numbered := cmd.(app.Receipted)
	if !numbered {
		if err := encode(); err != nil {
			return app.Mutation{}, err
		}
	}
	// ctx bounds the wait for the writer (actionTx); the statements run
	// without it: database/sql and the driver start a watcher goroutine per
	// statement for a cancellable context, which costs more than the small
	// statements of one action.
	sctx := context.WithoutCancel(ctx)
	err := db.actionTx(ctx, func(tx txRunner) error {
		if numbered {
			n, err := nextReceipt(sctx, tx)
			if err != nil {
				return db.sqlError(err)
			}
			receipted.SetReceipt(n)
			if err := encode(); err != nil {
				return err
			}
		}
		var last int64
		var kept hlc
		var lastHLC string
		var left sql.NullInt64
		var number sql.NullString
		mtx := &mutationTx{db: db, tx: tx}
		mtx.head.id = app.TicketOf(queued)
		// The device ID is read with the seq: Wipe may mint a new one.
		dest := []any{&m.Device, &last, &kept.wall, &kept.logical, &lastHLC, &left, &number, &mtx.head.data}
		args := append(make([]any, 0, 3), nullStr(mtx.head.id))
		saves := savesTicket(queued)
		var rid *sql.NullInt64
		if saves {
			rid = new(sql.NullInt64)
			dest = append(dest, rid)
		}
		var stock *stockHead
		if part, loc, ok := stockRefs(queued); ok && !saves {
			stock = &stockHead{part: part, loc: loc}
			dest = append(dest, stock.dest()...)
			args = append(args, string(part), string(loc))
		}
		if err := tx.QueryRowContext(sctx, commitHeadQuery(saves, stock != nil), args...).Scan(dest...); err != nil {
			return db.sqlError(err)
		}
		if rid != nil {
			mtx.head.rid = rid.Int64
		}
		if stock != nil {
			stock.decode()
			mtx.head.stock = stock
		}
		if err := refuseLeftScope(left.Int64, number.String); err != nil {
			return err
		}
		clock, err := laterClock(kept, lastHLC)
		if err != nil {
			return errCorrupt(db.path).WithCause(err)
		}
		m.Seq = last + 1
		clock = clock.next(now)
		m.HLC = clock.String()
		mtx.seq = m.Seq
		if err := queued.Apply(sctx, mtx, actor, now); err != nil {
			return err
		}
		if err := mtx.followFieldConflicts(sctx, actor, queued); err != nil {
			return err
		}
		// The outbox row is also the device's last seq and clock reading
		// (lastSeq): the device row is not written, one page of the
		// write-ahead log less per action.
		_, err = tx.ExecContext(sctx, outboxInsert,
			m.Seq, m.ID, m.Name, m.Version, string(m.Args), m.HLC, m.At.UnixNano(), nullStr(app.TicketOf(queued)),
			string(actor.Role), string(actor.Technician), actor.Name)
		return db.sqlError(err)
	})
	if err != nil {
		return app.Mutation{}, err
	}
	if db.afterCommit != nil {
		db.afterCommit()
	}
	return m, nil
}

// hlc is a hybrid logical clock: wall milliseconds that never go backwards
// plus a counter for events within one millisecond (or while the wall clock
// is behind a reading already made). It orders this device's events for
// audit; the server's order decides winners.
type hlc struct {
	wall    int64 // unix milliseconds
	logical int64
}

// maxLogical keeps the counter to five digits, so the string form sorts
// like the clock; on overflow the wall part moves on by one millisecond.
const maxLogical = 99999

func (h hlc) next(now time.Time) hlc {
	if pt := now.UnixMilli(); pt > h.wall {
		return hlc{wall: pt}
	}
	if h.logical >= maxLogical {
		return hlc{wall: h.wall + 1}
	}
	return hlc{wall: h.wall, logical: h.logical + 1}
}

// String is the fixed-width form stored in the outbox, e.g.
// "1773133200000.00002"; strings compare like clocks.
func (h hlc) String() string { return fmt.Sprintf("%013d.%05d", h.wall, h.logical) }

// laterClock is the clock's last reading: the later of kept, the device
// row's (what Wipe kept of a deleted outbox, or what an earlier build
// wrote at each commit), and last, the outbox's last row's HLC ("" when
// the outbox is empty). A last that is not String's form is damage.
func laterClock(kept hlc, last string) (hlc, error) {
	if last == "" {
		return kept, nil
	}
	w, l, ok := strings.Cut(last, ".")
	wall, err1 := strconv.ParseInt(w, 10, 64)
	logical, err2 := strconv.ParseInt(l, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(w) < 13 || len(l) != 5 || wall < 0 || logical < 0 {
		return hlc{}, fmt.Errorf("outbox clock %q is not a hybrid logical clock reading", last)
	}
	if h := (hlc{wall: wall, logical: logical}); h.wall > kept.wall || h.wall == kept.wall && h.logical > kept.logical {
		return h, nil
	}
	return kept, nil
}

// Outbox implements app.Outbox over the outbox table.
type Outbox struct{ db *DB }

// NewOutbox returns the outbox of db.
func NewOutbox(db *DB) *Outbox { return &Outbox{db: db} }

// mutationCols are the columns scanMutation reads.
const mutationCols = `seq, id, name, version, args, hlc, at`

// pendingQuery reads the unacknowledged mutations from the seq primary key.
const pendingQuery = `SELECT ` + mutationCols + ` FROM outbox
	WHERE seq > (SELECT acked_seq FROM device WHERE id = 1) ORDER BY seq LIMIT ?`

// scanMutation reads mutationCols, then extra, into a mutation of device.
func scanMutation(rows *sql.Rows, device app.DeviceID, extra ...any) (app.Mutation, error) {
	m := app.Mutation{Device: device}
	var args string
	var at int64
	if err := rows.Scan(append([]any{&m.Seq, &m.ID, &m.Name, &m.Version, &args, &m.HLC, &at}, extra...)...); err != nil {
		return app.Mutation{}, err
	}
	m.Args = json.RawMessage(args)
	m.At = time.Unix(0, at).UTC()
	return m, nil
}

// defaultPending is the page size of Pending when limit <= 0.
const defaultPending = 100

// Pending returns up to limit unacknowledged mutations in seq order, with
// this device's ID.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]app.Mutation, error) {
	if limit <= 0 {
		limit = defaultPending
	}
	rows, err := o.db.read.QueryContext(ctx, pendingQuery, limit)
	if err != nil {
		return nil, o.db.sqlError(err)
	}
	defer rows.Close()
	out := []app.Mutation{}
	device := o.db.DeviceID()
	for rows.Next() {
		m, err := scanMutation(rows, device)
		if err != nil {
			return nil, o.db.sqlError(err)
		}
		out = append(out, m)
	}
	return out, o.db.sqlError(rows.Err())
}

// PendingCount returns how many mutations wait to be sent.
func (o *Outbox) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := o.db.read.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE seq > (SELECT acked_seq FROM device WHERE id = 1)`).Scan(&n)
	return n, o.db.sqlError(err)
}

// errAckAhead refuses an acknowledgement (a pulled page's Acked) of a seq
// this device never handed out: the server is confused about who we are.
func errAckAhead(seq, last int64) error {
	return app.Errorf(app.EINVALID, "outbox.ack_ahead", "The server confirmed change {{.Seq}}, but this device has only made {{.Last}}. Re-pair this device with the server.", "Seq", seq, "Last", last)
}

// Cursor returns the opaque server pull cursor ("" before the first pull).
func (db *DB) Cursor(ctx context.Context) (string, error) {
	var c string
	err := db.read.QueryRowContext(ctx, `SELECT cursor FROM device WHERE id = 1`).Scan(&c)
	return c, db.sqlError(err)
}

// lastSeq is the last outbox seq handed out, for a query on the device
// row. Commit does not write it to the row: the outbox's last row holds it
// (seq is the outbox's rowid, so max(seq) is one step down its b-tree).
// device.last_seq is a floor: 0 after a Wipe, which empties the outbox, or
// what an earlier build wrote there at each commit.
const lastSeq = `max(device.last_seq, coalesce((SELECT max(seq) FROM outbox), 0))`

// commitHead reads, in one statement, what Commit needs before it applies
// a command: the device's ID, last seq and the two halves of its clock
// (laterClock), and whether the ticket the command acts on (NULL for none)
// left this device's scopes, with the ticket's number for the message and
// its JSON for the command's read (mutationTx.head). A ticket that is not
// here reads as not left: the command reports a missing ticket itself.
const commitHead = commitHeadCols + commitHeadFrom + commitHeadWhere

// commitHeadRid is commitHead with the ticket's rid, for a command that
// saves the ticket (savesTicket): its save compares with the row its data
// makes (mutationTx.Ticket, ticketRowOf) and writes by rid. Reading the
// row's 22 other columns cost about as much as the rest of the head (the
// driver converts each, and takes its name and declared type at every
// query): a tenth of a status change's instructions.
const commitHeadRid = commitHeadCols + `, t.rid` + commitHeadFrom + commitHeadWhere

// commitHeadStock is commitHead with the part and the stock location a
// part's consumption names (stockRefs, stockHead): two statements less.
const commitHeadStock = commitHeadCols + stockHeadCols + commitHeadFrom + stockHeadJoin + commitHeadWhere

// commitHeadQuery is the head with the ticket's rid (saves) or the part
// and location read (stock), or neither. No command does both today; one
// that did would read the part and location when it asks (Commit reads
// them with the head only for a command that does not save its ticket).
func commitHeadQuery(saves, stock bool) string {
	switch {
	case saves:
		return commitHeadRid
	case stock:
		return commitHeadStock
	}
	return commitHead
}

const (
	commitHeadCols = `SELECT device_id, ` + lastSeq + `, hlc_wall, hlc_logical, ` + lastHLC + `, t.left_scope, t.number, t.data`
	commitHeadFrom = `
	FROM device LEFT JOIN tickets t ON t.id = ?1`
	commitHeadWhere = ` WHERE device.id = 1`
	// The part by its number as getPart finds it (p.number = ?, the
	// column's NOCASE collation), and the location by its ID. In
	// stockHeadCols a missing one reads as not found (its IS NOT NULL
	// column 0), and coalesce gives Scan no NULL to refuse.
	stockHeadJoin = ` LEFT JOIN parts p ON p.number = ?2 LEFT JOIN locations l ON l.id = ?3`
	stockHeadCols = `, p.id IS NOT NULL, coalesce(p.id, 0), coalesce(p.number, ''), coalesce(p.name_en, ''),
	coalesce(p.name_zh, ''), coalesce(p.category, ''), coalesce(p.class, ''), coalesce(p.brand, ''),
	coalesce(p.serialized, 0), coalesce(p.return_needed, 0), coalesce(p.models, ''), coalesce(p.prices, ''), coalesce(p.names, ''),
	l.id IS NOT NULL, coalesce(l.id, ''), coalesce(l.kind, ''), coalesce(l.name, ''), coalesce(l.owner, '')`
)

// stockRefs names the part and the stock location a command reads through
// MutationTx.Part and Location, for the commands whose Apply reads both
// (app.ConsumePart), so that Commit reads them with its head. It only
// saves statements: a command missing here reads them when it asks.
func stockRefs(cmd app.Command) (app.PartNumber, app.LocationID, bool) {
	if c, ok := cmd.(*app.ConsumePart); ok {
		return c.Used.Part, c.Used.From, true
	}
	return "", "", false
}

// stockHead is the part and the location stockRefs names, as the head
// read them: what mutationTx.Part and Location return for those two,
// found or not, and a part's damaged catalog entry as getPart reports it.
// Nothing in a mutation writes parts or locations (app.MutationTx has no
// such method), so what the head read stays true until the commit.
type stockHead struct {
	part    app.PartNumber
	loc     app.LocationID
	partOK  bool
	partRow partRow
	p       app.Part
	partErr error
	locOK   bool
	l       app.Location
}

func (s *stockHead) dest() []any {
	return append(append([]any{&s.partOK}, s.partRow.dest()...), &s.locOK, &s.l.ID, &s.l.Kind, &s.l.Name, &s.l.Owner)
}

// decode turns the part's row into the part, after the Scan.
func (s *stockHead) decode() {
	if s.partOK {
		s.p, s.partErr = s.partRow.part()
	}
}

// savesTicket tells the commands whose Apply saves the ticket they act on
// (app.MutationTx.SaveTicket), for which Commit reads the ticket's rid
// with the device row. It only saves a statement: a command missing here
// reads the row when it saves, one listed that does not save reads a
// column for nothing.
func savesTicket(cmd app.Command) bool {
	switch cmd.(type) {
	case *app.TransitionTicket, *app.UpdateTicket, *app.AssignTicket, *app.ScheduleTicket, *app.LogRepair:
		return true
	}
	return false
}

// lastHLC is the outbox's last HLC, "" when it is empty: with the device
// row's hlc_wall and hlc_logical, the clock's last reading (laterClock).
const lastHLC = `coalesce((SELECT hlc FROM outbox ORDER BY seq DESC LIMIT 1), '')`

const outboxInsert = `INSERT INTO outbox (seq, id, name, version, args, hlc, at, ticket_id, actor_role, actor_technician, actor_name)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// refuseLeftScope keeps a ticket that left this device's scopes read-only
// (docs/SYNC-DESIGN.md's safety valve): it stays only until the work already recorded
// on it is confirmed, and new work would go to someone else's ticket.
func refuseLeftScope(left int64, number string) error {
	if left != 0 {
		return app.Errorf(app.ECONFLICT, "ticket.left_scope", "Ticket {{.Number}} was given to someone else; it is read-only until your earlier work on it has been sent.", "Number", number)
	}
	return nil
}

package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// PushResult is what the server answers about a pushed batch.
type PushResult struct {
	// Acked is the device's last_seq after the batch: every seq up to it
	// is applied or stored as a conflict.
	Acked int64
	// ResendFrom is set when the batch skipped a seq: nothing after the gap
	// was applied; the device resends from here.
	ResendFrom int64
	Rejected   []fbsync.Rejection
}

// Push applies a device's mutations exactly once and in seq order, in one
// transaction with a savepoint per mutation: a business refusal rolls back
// just that mutation's effects and stores a conflict in their place, and
// the batch goes on. A transient failure rolls back the whole batch and is
// returned; the device retries it.
func (db *DB) Push(ctx context.Context, p Principal, muts []app.Mutation) (PushResult, error) {
	var res PushResult
	if p.Role != app.RoleTechnician || p.Device == "" {
		return res, app.Errorf(app.EFORBIDDEN, "auth.not_a_device", "Only a paired device can push changes.")
	}
	for i, m := range muts {
		if i > 0 && m.Seq != muts[i-1].Seq+1 {
			return res, app.Errorf(app.EINVALID, "sync.not_contiguous", "Pushed changes must be in order without gaps (seq {{.Seq}} follows {{.Prev}}).", "Seq", m.Seq, "Prev", muts[i-1].Seq)
		}
	}
	return db.pushWith(ctx, p, muts, db.readAhead(ctx, p, muts))
}

// pushWith is Push with the work done before the push's transaction
// (readAhead).
func (db *DB) pushWith(ctx context.Context, p Principal, muts []app.Mutation, ahead *pushAhead) (PushResult, error) {
	var res PushResult
	var cs changeSet
	var version int64 // the push's, once it wrote its rows
	// ended is the run's serverTx that wrote them: on PostgreSQL its
	// version is known once the push committed (pgTry).
	var ended *serverTx
	n := 0
	for _, m := range muts {
		n += len(m.Args)
	}
	qSeq := qDeviceSeq
	if db.dialect == dialectPostgres {
		qSeq = qDeviceSeqLock
	}
	// The push runs first without savepoints (optimistic), and again
	// with them only if one of its mutations is refused. On SQLite a
	// savepoint and its release were two of a mutation's five statements
	// in the writer; the run again queues for it anew, and its first
	// run was rolled back with its member's savepoint (commitGroup).
	optimistic := true
	run := func(ctx context.Context, tx *sql.Tx, take takeVersion) error {
		res, cs, ended = PushResult{}, changeSet{}, nil
		if ahead.ran {
			ahead.decode(muts)
		}
		ahead.ran = true
		var revoked sql.NullInt64
		err := db.txQueryRow(ctx, tx, qSeq, string(p.Device)).Scan(&res.Acked, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnauthorized
		}
		if revoked.Valid {
			return errRevoked // revoked after the request was authenticated
		}
		if err != nil {
			return transient(err)
		}
		st := &serverTx{db: db, tx: tx, tenant: p.Tenant, take: take, device: p.Device, changed: &cs, batch: true, optimistic: optimistic}
		if len(muts) > 0 {
			if st.tech, st.scopes, err = ahead.scopesIn(ctx, st, p); err != nil {
				return err
			}
		}
		pb := &pushBatch{ahead: ahead}
		if pb.used, err = db.usedMutationIDs(ctx, tx, p.Device, muts, res.Acked); err != nil {
			return err
		}
		if err := st.lookUpNewIDs(ctx, pb, muts, res.Acked); err != nil {
			return err
		}
		// The commands lookUpNewIDs looked at: those after the acked seq.
		decoded := 0
		st.shareTickets = db.dialect == dialectPostgres
		// The check locks the mutations will take, named and then taken
		// all at once, in one order, before any ticket row (takeNamed);
		// then the tickets they will read, in one order too
		// (lockTickets): those of the mutations applyPushed will run,
		// the seqs after the acked one without a gap, with a valid
		// mutation ID not used before.
		ordering := st.lateOnPostgres()
		next := res.Acked + 1
		for _, m := range muts {
			if cmd, ok := pb.ahead.cmds[m.Seq]; ok && m.Seq > res.Acked {
				st.shareTickets = st.shareTickets && factOnly(cmd)
				decoded++
				if ordering {
					st.willCheck(checkLockKeys(p.Tenant, cmd)...)
					if m.Seq == next && validMutationID(m.ID) && !pb.used[m.ID] {
						st.willLockTicketsOf(cmd)
					}
				}
			}
			if m.Seq == next {
				next++
			}
		}
		if err := st.takeNamed(ctx); err != nil {
			return err
		}
		st.shareTickets = st.shareTickets && decoded > 0
		if err := st.lockTickets(ctx); err != nil {
			return err
		}
		st.deferFacts = st.shareTickets && optimistic
		for _, m := range muts {
			if m.Seq <= res.Acked {
				continue // a replay: its effects or conflict are stored
			}
			if m.Seq > res.Acked+1 {
				res.ResendFrom = res.Acked + 1
				break
			}
			rej, err := db.pushOne(ctx, st, pb, p, m)
			if err != nil {
				return err
			}
			if rej != nil {
				res.Rejected = append(res.Rejected, *rej)
			}
			res.Acked = m.Seq
		}
		if len(muts) == 0 {
			return nil
		}
		now := db.now()
		last := muts[len(muts)-1]
		// The rows that carry the version, last: on PostgreSQL taking it
		// locks the counter row to the commit (lateTx).
		ended = st
		return st.finish(ctx, pb.applied, []any{res.Acked, now.UnixNano(), now.Sub(last.At).Milliseconds(), string(p.Device)})
	}
	err := db.lateTx(ctx, n, run)
	if errors.Is(err, errNeedSavepoints) {
		optimistic = false
		err = db.lateTx(ctx, n, run)
	}
	if err != nil {
		return PushResult{}, err
	}
	if ended != nil {
		version = ended.version
	}
	ahead.committed(db, p, version)
	db.publish(p.Tenant, p.Device, &cs)
	if ended != nil {
		db.wakeWaits(p.Tenant, scopesOf(ended.pending))
	}
	return res, nil
}

// pushBatch is what a push keeps across its mutations: the mutation IDs
// the device used, and the applied rows written at the push's end, in
// multi-row statements (nothing in the push reads them back).
type pushBatch struct {
	used    map[string]bool
	applied []appliedRow
	// ahead holds the mutations decoded before the push's transaction.
	ahead *pushAhead
}

// newIDKey is where checkNewIDs looks for a new record's ID.
func newIDKey(r app.NewRecord) entityKey {
	if r.Kind == kindReceipt {
		// A receipt is kept on its shipment; its ID is taken when
		// its first receive movement's is (app.ReceiveShipment).
		return entityKey{kindMovement, r.ID + "/1"}
	}
	return entityKey{r.Kind, r.ID}
}

// lookUpNewIDs looks up, per kind in multi-row statements, which of the
// new records' fresh IDs of the mutations after seq acked are taken, for
// checkNewIDs.
func (st *serverTx) lookUpNewIDs(ctx context.Context, pb *pushBatch, muts []app.Mutation, acked int64) error {
	st.taken = map[entityKey]bool{}
	byKind := map[string][]any{}
	var kinds []string
	for _, m := range muts {
		cmd, ok := pb.ahead.cmds[m.Seq]
		if m.Seq <= acked || !ok {
			continue // a replay, or refused by applyPushed
		}
		for _, r := range app.NewRecords(cmd) {
			k := newIDKey(r)
			if _, ok := st.taken[k]; ok || !app.FreshID(r.ID) {
				continue
			}
			st.taken[k] = false
			if byKind[k.kind] == nil {
				kinds = append(kinds, k.kind)
			}
			byKind[k.kind] = append(byKind[k.kind], k.id)
		}
	}
	for _, kind := range kinds {
		ids := byKind[kind]
		if st.db.dialect == dialectPostgres {
			// One statement whatever the count: an array of the IDs.
			rows, err := st.tx.QueryContext(ctx, st.db.q(qTakenAny), anyTexts(ids), st.tenant, kind)
			if err != nil {
				return transient(err)
			}
			if err := scanIDs(rows, func(id string) { st.taken[entityKey{kind, id}] = true }); err != nil {
				return transient(err)
			}
			continue
		}
		for len(ids) > 0 {
			n := pushChunk(len(ids))
			rows, err := st.db.txQuery(ctx, st.tx, qTakenIn[n-1], append([]any{st.tenant, kind}, ids[:n]...)...)
			if err != nil {
				return transient(err)
			}
			if err := scanIDs(rows, func(id string) { st.taken[entityKey{kind, id}] = true }); err != nil {
				return transient(err)
			}
			ids = ids[n:]
		}
	}
	return nil
}

// usedMutationIDs returns which valid mutation IDs of muts after seq
// acked the device used before, in multi-row lookups.
func (db *DB) usedMutationIDs(ctx context.Context, tx *sql.Tx, device app.DeviceID, muts []app.Mutation, acked int64) (map[string]bool, error) {
	var ids []any
	for _, m := range muts {
		if m.Seq > acked && validMutationID(m.ID) {
			ids = append(ids, m.ID)
		}
	}
	used := map[string]bool{}
	if db.dialect == dialectPostgres && len(ids) > 0 {
		// One statement whatever the count: an array of the IDs.
		rows, err := tx.QueryContext(ctx, db.q(qAppliedAny), anyTexts(ids), string(device))
		if err != nil {
			return nil, transient(err)
		}
		if err := scanIDs(rows, func(id string) { used[id] = true }); err != nil {
			return nil, transient(err)
		}
		return used, nil
	}
	for len(ids) > 0 {
		n := pushChunk(len(ids))
		rows, err := db.txQuery(ctx, tx, qAppliedIn[n-1], append([]any{string(device)}, ids[:n]...)...)
		if err != nil {
			return nil, transient(err)
		}
		if err := scanIDs(rows, func(id string) { used[id] = true }); err != nil {
			return nil, transient(err)
		}
		ids = ids[n:]
	}
	return used, nil
}

// appliedRow is one row of the applied table a push will write, but for
// its version.
type appliedRow struct {
	mutation, device       string
	seq                    int64
	name, status, conflict string
	at, deviceAt           int64
	hlc                    string
}

// insertApplied writes a push's applied rows at version.
func (db *DB) insertApplied(ctx context.Context, tx *sql.Tx, rows []appliedRow, version int64) error {
	for len(rows) > 0 {
		n := pushChunk(len(rows))
		args := make([]any, 0, n*10)
		for _, r := range rows[:n] {
			args = append(args, r.mutation, r.device, r.seq, r.name, r.status, r.conflict, r.at, r.deviceAt, r.hlc, version)
		}
		if _, err := db.txExec(ctx, tx, qAppliedRows[n-1], args...); err != nil {
			return transient(err)
		}
		rows = rows[n:]
	}
	return nil
}

// pushOne applies one mutation inside the batch's transaction. It returns
// the rejection when the rules refused it.
func (db *DB) pushOne(ctx context.Context, st *serverTx, pb *pushBatch, p Principal, m app.Mutation) (*fbsync.Rejection, error) {
	// A mutation ID this device used before under another seq (a re-push
	// after a restore that kept this mutation, or twice in this push):
	// consume the seq, apply nothing; its applied row is the trace. IDs
	// are the device's, so another device's mutation with the same ID is
	// its own change.
	validID := validMutationID(m.ID)
	if validID {
		if pb.used[m.ID] {
			return nil, nil
		}
		pb.used[m.ID] = true
	}
	st.moved, st.misplaced = nil, nil
	// The technician's steps count when they took them (stepFieldAt).
	st.mutationAt = m.At
	var status string
	err := app.ApplyOrRollback(ctx, st, func() (err error) {
		status, err = db.applyPushed(ctx, st, pb.ahead.cmds[m.Seq], pb.ahead.bad[m.Seq], p, m)
		return err
	})
	st.mutationAt = time.Time{}
	if err != nil && !app.Refused(err) {
		return nil, err
	}
	if err != nil {
		// A business refusal: it consumes the seq and becomes a conflict
		// that holds the mutation; it never stops the queue.
		if !validID {
			// Refused for it; its trace needs a key of its own, which
			// a missing ID (or the same overlong one again) is not.
			m.ID = "invalid-" + app.NewID()
		}
		c := db.rejectionConflict(p, m, err)
		if err := st.addConflict(ctx, &c); err != nil {
			return nil, err
		}
		pb.recordApplied(db, p, m, "rejected", c.ID)
		return &fbsync.Rejection{Seq: m.Seq, Code: c.Code, Key: c.Key, Message: c.Message, Conflict: c.ID}, nil
	}
	pb.recordApplied(db, p, m, status, "")
	return nil, nil
}

// factOnly reports whether cmd only adds a fact to its ticket: its Apply
// reads the ticket and never saves it (TestFactOnlySavesNoTicket). A
// push of such mutations only may read its tickets FOR SHARE (get).
func factOnly(cmd app.Command) bool {
	switch cmd.(type) {
	case *app.AddNote, *app.AttachPhoto, *app.RecordSignature:
		return true
	}
	return false
}

// validMutationID bounds the mutation IDs devices mint (UUIDs).
func validMutationID(id string) bool { return id != "" && len(id) <= 64 }

// applyPushed runs the mutation as the device's technician, with the
// server-side checks around it. A business refusal comes back as an error
// app.Refused recognises. cmd is m decoded before the push's
// transaction, or bad the decoding's refusal (readAhead).
func (db *DB) applyPushed(ctx context.Context, st *serverTx, cmd app.Command, bad error, p Principal, m app.Mutation) (string, error) {
	if !validMutationID(m.ID) {
		return "", app.Errorf(app.EINVALID, "sync.bad_mutation_id", "A pushed change has no valid ID.")
	}
	if bad != nil {
		return "", bad
	}
	var err error
	now := db.now()
	// The actor's name fills a fact's "by" when the device left it out:
	// the technician's, as the device recorded it (PROTOCOL.md), not the
	// paired device's name, which the console and every device pulling the
	// fact would otherwise show as its author.
	name := st.tech.Name
	if name == "" {
		name = p.Name
	}
	actor := app.Actor{Role: app.RoleTechnician, Technician: p.Technician, Store: st.tech.Store, Name: name}
	if err := st.checkTicketScope(ctx, actor, cmd); err != nil {
		return "", err
	}
	if err := st.checkNewIDs(ctx, cmd); err != nil {
		return "", err
	}
	var pre []app.Conflict
	if u, ok := cmd.(*app.UpdateTicket); ok {
		if pre, err = st.fieldConflicts(ctx, p, m, u, now); err != nil {
			return "", err
		}
	}
	if err := cmd.Apply(ctx, st, actor, now); err != nil {
		return "", err
	}
	var open map[string]app.Conflict
	if u, ok := cmd.(*app.UpdateTicket); ok {
		if open, err = st.followFieldConflicts(ctx, u, false, ""); err != nil {
			return "", err
		}
	}
	if err := st.checkStockScope(); err != nil {
		return "", err
	}
	post, err := st.afterApply(ctx, p, m, cmd, now)
	if err != nil {
		return "", err
	}
	for _, c := range pre {
		if err := st.addFieldConflict(ctx, open, c); err != nil {
			return "", err
		}
	}
	for _, c := range post {
		if err := st.addConflict(ctx, &c); err != nil {
			return "", err
		}
	}
	return "applied", nil
}

// recordApplied keeps m's applied row, but for its version, which
// insertApplied adds.
func (pb *pushBatch) recordApplied(db *DB, p Principal, m app.Mutation, status, conflict string) {
	pb.applied = append(pb.applied, appliedRow{m.ID, string(p.Device), m.Seq, m.FullName(), status, conflict, db.now().UnixNano(), m.At.UnixNano(), m.HLC})
}

// maxOurs bounds the copy of a rejected mutation's arguments kept in its
// conflict: the arguments' own bound, so a refused record that was
// within its fields' bounds is kept whole (RedactedArgs only shortens).
const maxOurs = app.MaxArgsBytes

// rejectionConflict turns a refused mutation into a conflict that keeps
// the whole mutation, so the work stays visible and can be re-applied by
// dispatch ("accept_ours"). Its ID is "cf-" + the mutation's ID, by which
// the device finds it (addConflict mints another if that is taken).
func (db *DB) rejectionConflict(p Principal, m app.Mutation, err error) app.Conflict {
	e := app.AsError(err)
	kind := app.ConflictRejected
	if errors.Is(err, app.ErrStaleEpoch) {
		// Work done on a ticket that was reassigned or cancelled meanwhile.
		kind = app.ConflictStaleEpoch
	}
	var ticket app.TicketID
	if cmd, derr := app.DecodeMutation(m); derr == nil {
		ticket = app.TicketOf(cmd)
	}
	// A secret (a device passcode) is not kept: the conflict reaches
	// dispatch and the technician's devices.
	ours := string(app.RedactedArgs(m))
	if len(ours) > maxOurs || !json.Valid(m.Args) {
		ours = ""
	}
	return app.Conflict{
		ID: "cf-" + m.ID, Kind: kind, Ticket: ticket, Technician: p.Technician,
		Mutation: m.ID, Name: m.FullName(), Device: p.Device, Ours: ours,
		Code: e.Code, Key: e.Key, Message: e.Text(), Data: e.Data, At: db.now(),
	}
}

// fieldConflicts implements the merge rule for fields that device and
// dispatch share (customer phone and address) for a device's update: the
// later arrival wins, and when the server's value is not the one the device
// saw, both values are kept in a conflict. Dispatch's updates get the same
// rule in ApplyAdmin.
func (st *serverTx) fieldConflicts(ctx context.Context, p Principal, m app.Mutation, u *app.UpdateTicket, now time.Time) ([]app.Conflict, error) {
	t, err := st.Ticket(ctx, u.Ticket)
	if err != nil {
		if app.Refused(err) {
			return nil, nil // Apply reports it
		}
		return nil, err
	}
	var out []app.Conflict
	for _, f := range u.Clashes(t) {
		out = append(out, app.Conflict{
			ID: fmt.Sprintf("cf-%s-%s", m.ID, f.Field), Kind: app.ConflictField, Ticket: t.ID, Technician: p.Technician,
			Mutation: m.ID, Name: m.FullName(), Device: p.Device, Field: f.Field, Ours: f.Set, Theirs: f.Current,
			Code: app.ECONFLICT, Key: "conflict.field", Message: "Both you and dispatch changed {{.Field}}; yours was kept, theirs is shown here.",
			Data: map[string]any{"Field": f.Field}, At: now,
		})
	}
	return out, nil
}

// followFieldConflicts keeps the open field conflicts of u's ticket in
// step with the values in force (app.Conflict.FollowUpdate): an applied
// update of a shared field by one side moves that side's value in the
// field's open conflicts to the one it wrote, ours for a device (the
// technician's side in both keys), theirs for dispatch (by, its name, in
// theirs_by). Resolving such a conflict then never puts back a value
// older than one its side wrote since (PROTOCOL.md, "Ticket merge
// rules"): a technician who edits the phone twice offline keeps the
// second with "Keep mine". It runs after Apply, before u's own conflicts
// are added, under the ticket's lock, which every writer of a field
// conflict takes before the conflict's row (ResolveConflict too). It
// returns the field's open conflicts, the oldest of each field, for
// addFieldConflict.
func (st *serverTx) followFieldConflicts(ctx context.Context, u *app.UpdateTicket, dispatch bool, by string) (map[string]app.Conflict, error) {
	if len(u.SharedSet()) == 0 {
		return nil, nil
	}
	var follow []app.Conflict
	open := map[string]app.Conflict{}
	err := st.ticketEntities(ctx, kindConflict, u.Ticket, func(data string) error {
		var c app.Conflict
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return err
		}
		if c.Kind != app.ConflictField || !c.Open() {
			return nil
		}
		if c.FollowUpdate(u, dispatch, by) {
			follow = append(follow, c)
		}
		if o, ok := open[c.Field]; !ok || c.At.Before(o.At) || c.At.Equal(o.At) && c.ID < o.ID {
			open[c.Field] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range follow {
		if err := st.putConflict(ctx, c); err != nil {
			return nil, err
		}
	}
	return open, nil
}

// addFieldConflict keeps c, a shared field's new conflict, as its
// field's open conflict on the ticket (open, as followFieldConflicts
// returns them) when there is one: that one then says what c says,
// under its own ID, so a device that pulls it replaces the question it
// shows, and one decision settles the field. Two open questions on one
// field (a device's clash, then dispatch's) each put back their own
// value when decided, and the one left said something no longer true.
func (st *serverTx) addFieldConflict(ctx context.Context, open map[string]app.Conflict, c app.Conflict) error {
	o, ok := open[c.Field]
	if !ok {
		return st.addConflict(ctx, &c)
	}
	c.ID = o.ID
	// Restated for another technician (the ticket's now, or another
	// counter hand's), the one it was for drops its copy.
	return st.moveConflict(ctx, c, o.Technician)
}

// afterApply raises the conflicts that do not refuse a mutation: a
// serialized unit taken from where it was not (unitConflicts), stock
// that went negative, and implausible device timestamps.
func (st *serverTx) afterApply(ctx context.Context, p Principal, m app.Mutation, cmd app.Command, now time.Time) ([]app.Conflict, error) {
	ticket := app.TicketOf(cmd)
	out, err := st.unitConflicts(ctx, p, m, ticket, now)
	if err != nil {
		return nil, err
	}
	for _, mv := range st.moved {
		if mv.From == "" || slices.ContainsFunc(st.misplaced, func(u misplacedUnit) bool { return u.move.ID == mv.ID }) {
			// A unit taken from where it was not says more than the
			// balance it leaves: its conflict names the unit.
			continue
		}
		bal, err := st.balance(ctx, mv.From, mv.Part)
		if err != nil {
			return nil, err
		}
		if bal < 0 {
			out = append(out, app.Conflict{
				ID: "cf-" + m.ID + "-stock-" + mv.ID, Kind: app.ConflictNegativeStock, Ticket: ticket, Technician: p.Technician,
				Mutation: m.ID, Name: m.FullName(), Device: p.Device, Field: string(mv.Part), Theirs: fmt.Sprint(bal),
				Code: app.ECONFLICT, Key: "conflict.negative_stock",
				// A template like every conflict's: the device fills in
				// the location's name, which it knows and this ID is not.
				Message: "Stock of {{.Part}} at {{.Location}} is now {{.Balance}}: count it and correct the books.",
				Data:    map[string]any{"Part": string(mv.Part), "Location": string(mv.From), "Balance": bal}, At: now,
			})
		}
	}
	// Past app.MaxClockSkew, the times the mutation recorded in the field
	// are the server's (app.FieldTime): the conflict says to check them.
	if m.At.After(now.Add(app.MaxClockSkew)) {
		out = append(out, app.Conflict{
			ID: "cf-" + m.ID + "-clock", Kind: app.ConflictClock, Ticket: ticket, Technician: p.Technician,
			Mutation: m.ID, Name: m.FullName(), Device: p.Device, Ours: m.At.Format(time.RFC3339), Theirs: now.Format(time.RFC3339),
			Code: app.ECONFLICT, Key: "conflict.clock", Message: "The device's clock was ahead of the server's; check the times recorded.", At: now,
		})
	}
	return out, nil
}

// checkTicketScope applies app's ticket-scope rule to a device's work,
// knowing from the change log whether the ticket was ever in the device's
// scopes: one that was (reassigned since) is stale work, kept for
// dispatch; one that never was gets the answer a missing ticket gets.
func (st *serverTx) checkTicketScope(ctx context.Context, actor app.Actor, cmd app.Command) error {
	id := app.TicketOf(cmd)
	if _, create := cmd.(*app.CreateTicket); create || id == "" {
		return nil
	}
	t, err := st.Ticket(ctx, id)
	if err != nil {
		if app.Refused(err) {
			return nil // Apply reports it
		}
		return err
	}
	if o, ok := cmd.(app.OwnScope); ok && o.MayActOn(actor, t) {
		return nil
	}
	return app.CheckTicketScope(actor, t, func() (app.TicketPast, error) {
		was, err := st.wasInScope(ctx, id)
		if was {
			return app.PastInScope, err
		}
		return app.PastNever, err
	})
}

// checkNewIDs refuses a device's new records whose IDs are not fresh
// (app.FreshID) or are taken already, with one answer whoever holds
// the ID, of whatever kind, in the device's scopes or outside them
// (app.IDUnusable). IDs from dispatch and imports may be guessable (an
// order number); an ID that is not fresh gets the answer a taken one gets,
// so a guess never tells whether such a record exists.
func (st *serverTx) checkNewIDs(ctx context.Context, cmd app.Command) error {
	for _, r := range app.NewRecords(cmd) {
		if !app.FreshID(r.ID) {
			return app.IDUnusable(r.Kind, r.ID)
		}
		k := newIDKey(r)
		// Looked up when the push began, and not written since (entities
		// are never deleted, so one taken then is taken now).
		if taken, ok := st.taken[k]; ok && (taken || !st.written[k]) {
			if taken {
				return app.IDUnusable(r.Kind, r.ID)
			}
			continue
		}
		var n int
		if err := st.queryRow(ctx, qCountEntity, st.tenant, k.kind, k.id).Scan(&n); err != nil {
			return transient(err)
		}
		if n > 0 {
			return app.IDUnusable(r.Kind, r.ID)
		}
	}
	return nil
}

// wasInScope reports whether ticket id was ever in the pushing device's
// technician or store scope: the change log keeps a row (a "gone" row once
// it left) for every entity that was in a scope. The push's own rows not
// written yet are looked up where they wait (writing them would take
// the version early: lateTx).
func (st *serverTx) wasInScope(ctx context.Context, id app.TicketID) (bool, error) {
	scopes := []string{techScope(st.tenant, st.tech.ID)}
	if st.tech.Store != "" {
		scopes = append(scopes, storeScope(st.tenant, st.tech.Store))
	}
	for _, r := range st.pending[st.flushed:] {
		if r.kind == kindTicket && r.id == string(id) && slices.Contains(scopes, r.scope) {
			return true, nil
		}
	}
	for _, sc := range scopes {
		var n int
		if err := st.queryRow(ctx, qWasInScope, sc, kindTicket, string(id)).Scan(&n); err != nil {
			return false, transient(err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// checkStockScope refuses a device's stock movement that takes stock from
// (or, without a source, puts stock into) a location outside its scopes:
// a technician moves their own van's stock, not a colleague's. Sending
// stock on to another location (back to the warehouse) is allowed.
func (st *serverTx) checkStockScope() error {
	for _, m := range st.moved {
		loc := m.From
		if loc == "" {
			loc = m.To
		}
		if !slices.Contains(st.scopes, stockScope(st.tenant, loc)) {
			return app.Errorf(app.EFORBIDDEN, "stock.not_your_location", "Stock location {{.Location}} is not yours; ask dispatch to move its stock.", "Location", string(loc))
		}
	}
	return nil
}

// anyTexts is ids, strings held as any, as one text array argument.
func anyTexts(ids []any) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.(string)
	}
	return out
}

// scanIDs calls add with each row's one text column, and closes rows.
func scanIDs(rows *sql.Rows, add func(id string)) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		add(id)
	}
	return errors.Join(rows.Err(), rows.Close())
}

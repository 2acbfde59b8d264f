package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Technician returns a technician of tenant.
func (db *DB) Technician(ctx context.Context, tenant string, id app.TechnicianID) (app.Technician, error) {
	var t app.Technician
	err := db.readEntity(ctx, tenant, kindTechnician, string(id), &t)
	return t, err
}

func (db *DB) readEntity(ctx context.Context, tenant, kind, id string, v any) error {
	var data string
	err := db.read.QueryRowContext(ctx, db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = ? AND id = ?`), tenant, kind, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.NotFound(kind, id)
	}
	if err != nil {
		return transient(err)
	}
	return json.Unmarshal([]byte(data), v)
}

// PutTechnician adds or updates a technician.
func (db *DB) PutTechnician(ctx context.Context, tenant string, t app.Technician) error {
	return db.LoadDataset(ctx, tenant, app.Dataset{Technicians: []app.Technician{t}})
}

// PutLocations adds or updates stock locations; LoadDataset validates
// them.
func (db *DB) PutLocations(ctx context.Context, tenant string, ls []app.Location) error {
	return db.LoadDataset(ctx, tenant, app.Dataset{Locations: ls})
}

// LoadDataset writes server-owned data in one transaction: reference data
// replaces rows with the same key, tickets with their facts, part
// requests, shipments and likely parts are written as they are, and
// movements go through the ledger (a known movement ID is skipped). It seeds the demo world and serves the imports. Invalid
// reference data, and a ticket whose customer ticket.create would refuse
// (a phone that is none, a visit without an address), are refused before
// anything is written. Reference data,
// movements and the tickets of an initial dataset go in multi-row
// statements (load.go): one row at a time, the demo world took seconds.
// A load of many rows then analyzes the tables it wrote (analyzeLoad).
func (db *DB) LoadDataset(ctx context.Context, tenant string, ds app.Dataset) error {
	if err := validateReference(ds); err != nil {
		return err
	}
	if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
		return err
	}
	var cs changeSet
	err := db.loadTx(ctx, tenant, ds, func(ctx context.Context, tx *sql.Tx, version int64) error {
		cs = changeSet{}
		refs := make([]reference, 0, len(ds.Technicians)+len(ds.Locations)+len(ds.Parts)+len(ds.RuleSets))
		for _, t := range ds.Technicians {
			refs = append(refs, reference{kindTechnician, string(t.ID), techScope(tenant, t.ID), t})
		}
		for _, l := range ds.Locations {
			refs = append(refs, reference{kindLocation, string(l.ID), catalogScope(tenant), l})
		}
		for _, p := range ds.Parts {
			refs = append(refs, reference{kindPart, string(p.Number), catalogScope(tenant), p})
		}
		for _, rs := range ds.RuleSets {
			refs = append(refs, reference{kindRuleSet, rs.ID, rulesScope(tenant, strings.ToUpper(rs.Country)), rs})
		}
		if err := db.loadReference(ctx, tx, tenant, version, refs); err != nil {
			return err
		}
		if err := db.loadMovements(ctx, tx, tenant, version, ds.Movements, &cs); err != nil {
			return err
		}
		st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, changed: &cs, loading: true}
		rest, err := st.loadTicketsBulk(ctx, ds.Tickets)
		if err != nil {
			return err
		}
		if err := st.loadTickets(ctx, rest); err != nil {
			return err
		}
		return st.loadSupplyBulk(ctx, ds)
	})
	if err != nil {
		return err
	}
	db.publish(tenant, "", &cs)
	// A load's change rows go in bulk, to any of the tenant's scopes.
	db.wakeTenantWaits(tenant)
	db.analyzeLoad(ctx, ds.Rows(), loadTables(ds))
	return nil
}

// loadTickets writes tickets with their facts one at a time, a known
// fact skipped.
func (st *serverTx) loadTickets(ctx context.Context, tickets []app.TicketDetail) error {
	for _, d := range tickets {
		if err := st.SaveTicket(ctx, d.Ticket); err != nil {
			return fmt.Errorf("ticket %s: %w", d.Ticket.Number, err)
		}
		for _, r := range d.Repairs {
			if err := st.AddRepair(ctx, r); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, p := range d.Parts {
			if err := st.AddPartUsed(ctx, p); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, p := range d.Photos {
			if err := st.AddPhoto(ctx, p); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, n := range d.Notes {
			if err := st.AddNote(ctx, n); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, sg := range d.Signatures {
			if err := st.AddSignature(ctx, sg); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, p := range d.Payments {
			if err := st.AddPayment(ctx, p); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				return err
			}
		}
		for _, e := range d.Estimates {
			if err := st.SaveEstimate(ctx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateReference checks the technicians, locations, parts and rule
// sets of ds, and its tickets' customers (app.Dataset.CheckTickets); the
// rest of a ticket and the movements are checked as they are written.
func validateReference(ds app.Dataset) error {
	for _, t := range ds.Technicians {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	for _, l := range ds.Locations {
		if err := l.Validate(); err != nil {
			return err
		}
	}
	for _, p := range ds.Parts {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	for _, rs := range ds.RuleSets {
		if err := rs.Validate(); err != nil {
			return err
		}
	}
	return ds.CheckTickets()
}

// ApplyAdmin runs a named mutation as the dispatcher: create, assign,
// schedule or cancel a ticket, receive or transfer stock. Refusals are
// returned as they are (the dispatcher is online and sees them at once).
// A ticket.update that overwrites a shared field the dispatcher did not
// see (its base is stale) is applied, and keeps the value it replaced in a
// field conflict, as a device's update does.
func (db *DB) ApplyAdmin(ctx context.Context, p Principal, m app.Mutation) error {
	if p.Role != app.RoleDispatcher && p.Role != app.RoleSystem {
		return app.Errorf(app.EFORBIDDEN, "auth.wrong_role", "This account may not do this.")
	}
	cmd, err := app.DecodeMutation(m)
	if err != nil {
		return err
	}
	var cs changeSet
	err = db.entityTx(ctx, p.Tenant, &cs, func(ctx context.Context, st *serverTx) error {
		now := db.now()
		// A shipment's lines' locks, in one order, before any ticket row
		// (takeNamed), then its requests' tickets, in one order too
		// (lockTickets).
		st.willCheck(checkLockKeys(p.Tenant, cmd)...)
		if err := st.takeNamed(ctx); err != nil {
			return err
		}
		st.willLockTicketsOf(cmd)
		if err := st.lockTickets(ctx); err != nil {
			return err
		}
		var clashes []app.FieldClash
		var before app.Ticket
		if u, ok := cmd.(*app.UpdateTicket); ok {
			t, err := st.Ticket(ctx, u.Ticket)
			if err != nil {
				return err
			}
			before, clashes = t, u.Clashes(t)
		}
		if err := cmd.Apply(ctx, st, app.Actor{Role: p.Role, Name: p.Name}, now); err != nil {
			return err
		}
		var open map[string]app.Conflict
		if u, ok := cmd.(*app.UpdateTicket); ok {
			if open, err = st.followFieldConflicts(ctx, u, true, p.Name); err != nil {
				return err
			}
		}
		for _, f := range clashes {
			c := app.Conflict{
				ID: fmt.Sprintf("cf-%s-%s", m.ID, f.Field), Kind: app.ConflictField, Ticket: before.ID, Technician: before.Technician,
				Mutation: m.ID, Name: m.FullName(), Field: f.Field, Ours: f.Current, Theirs: f.Set, TheirsBy: p.Name,
				Code: app.ECONFLICT, Key: "conflict.field_dispatch", Message: "Dispatch changed {{.Field}} without seeing your value; theirs was kept, yours is shown here.",
				Data: map[string]any{"Field": f.Field}, At: now,
			}
			if err := st.addFieldConflict(ctx, open, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.publish(p.Tenant, "", &cs)
	return nil
}

// Tickets lists a tenant's tickets, optionally one technician's.
func (db *DB) Tickets(ctx context.Context, tenant string, tech app.TechnicianID) ([]app.Ticket, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = 'ticket' ORDER BY id`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []app.Ticket{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, transient(err)
		}
		var t app.Ticket
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			return nil, err
		}
		if tech == "" || t.Technician == tech {
			out = append(out, t)
		}
	}
	return out, transient(rows.Err())
}

// TicketDetail returns a ticket with its facts in recording order.
func (db *DB) TicketDetail(ctx context.Context, tenant string, id app.TicketID) (app.TicketDetail, error) {
	d := app.TicketDetail{Repairs: []app.RepairEntry{}, Parts: []app.PartUsed{}, Photos: []app.Photo{}, Notes: []app.Note{},
		Payments: []app.Payment{}, Estimates: []app.Estimate{}}
	if err := db.readEntity(ctx, tenant, kindTicket, string(id), &d.Ticket); err != nil {
		return d, err
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT kind, data FROM entities WHERE tenant = ? AND ticket_id = ? AND kind IN ('repair', 'part_used', 'photo', 'note', 'signature', 'payment', 'estimate')`), tenant, string(id))
	if err != nil {
		return d, transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		if err := rows.Scan(&kind, &data); err != nil {
			return d, transient(err)
		}
		var derr error
		switch kind {
		case kindRepair:
			derr = appendJSON(data, &d.Repairs, nil, nil)
		case kindPartUsed:
			derr = appendJSON(data, &d.Parts, nil, nil)
		case kindPhoto:
			derr = appendJSON(data, &d.Photos, nil, nil)
		case kindNote:
			derr = appendJSON(data, &d.Notes, nil, nil)
		case kindSignature:
			derr = appendJSON(data, &d.Signatures, nil, nil)
		case kindPayment:
			derr = appendJSON(data, &d.Payments, nil, nil)
		case kindEstimate:
			derr = appendJSON(data, &d.Estimates, nil, nil)
		}
		if derr != nil {
			return d, derr
		}
	}
	slices.SortFunc(d.Repairs, func(a, b app.RepairEntry) int { return a.At.Compare(b.At) })
	slices.SortFunc(d.Parts, func(a, b app.PartUsed) int { return a.At.Compare(b.At) })
	slices.SortFunc(d.Photos, func(a, b app.Photo) int { return a.At.Compare(b.At) })
	slices.SortFunc(d.Notes, func(a, b app.Note) int { return a.At.Compare(b.At) })
	slices.SortFunc(d.Signatures, func(a, b app.Signature) int { return a.At.Compare(b.At) })
	slices.SortFunc(d.Payments, func(a, b app.Payment) int { return cmpAtID(a.At.Compare(b.At), a.ID, b.ID) })
	slices.SortFunc(d.Estimates, func(a, b app.Estimate) int { return cmpAtID(a.At.Compare(b.At), a.ID, b.ID) })
	return d, transient(rows.Err())
}

// Conflicts lists a tenant's conflicts, newest first; open only when
// openOnly.
func (db *DB) Conflicts(ctx context.Context, tenant string, openOnly bool) ([]app.Conflict, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT data FROM entities WHERE tenant = ? AND kind = 'conflict'`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []app.Conflict{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, transient(err)
		}
		var c app.Conflict
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return nil, err
		}
		if !openOnly || c.Open() {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b app.Conflict) int { return b.At.Compare(a.At) })
	return out, transient(rows.Err())
}

// Balances sums the ledger at a location (every location when loc is "").
func (db *DB) Balances(ctx context.Context, tenant string, loc app.LocationID) ([]app.Balance, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT location, part, CAST(sum(delta) AS BIGINT) FROM ledger WHERE tenant = ? AND (? = '' OR location = ?)
		GROUP BY location, part ORDER BY location, part`), tenant, string(loc), string(loc))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []app.Balance{}
	for rows.Next() {
		var b app.Balance
		var l, p string
		if err := rows.Scan(&l, &p, &b.Qty); err != nil {
			return nil, transient(err)
		}
		b.Location, b.Part = app.LocationID(l), app.PartNumber(p)
		out = append(out, b)
	}
	return out, transient(rows.Err())
}

// ResolveConflict closes a conflict. The technician concerned may accept
// the server's state, dismiss, or on a shared field put their value back;
// dispatch may also accept the device's refused work, which re-runs the
// mutation as the system (past the assignment check).
func (db *DB) ResolveConflict(ctx context.Context, p Principal, id, resolution string) (app.Conflict, error) {
	var c app.Conflict
	if !app.ValidResolution(resolution) {
		return c, app.Errorf(app.EINVALID, "conflict.bad_resolution", "Unknown resolution {{.Resolution}}.", "Resolution", resolution)
	}
	var cs changeSet
	err := db.entityTx(ctx, p.Tenant, &cs, func(ctx context.Context, st *serverTx) error {
		c = app.Conflict{} // read again in full when run again (pgTx)
		if err := st.lockFieldConflictTicket(ctx, id); err != nil {
			return err
		}
		if err := st.get(ctx, kindConflict, id, &c); err != nil {
			return err
		}
		if p.Role == app.RoleTechnician && c.Technician != p.Technician {
			return app.NotFound(kindConflict, id) // another technician's is none of this one's business
		}
		if p.Role == app.RoleTechnician && resolution == app.ResolveAcceptOurs && c.Kind != app.ConflictField {
			// Applying refused work after all is dispatch's call; a shared
			// field's own value the technician may always put back.
			return app.Errorf(app.EFORBIDDEN, "conflict.not_yours", "Only dispatch can decide this conflict.")
		}
		if !c.Open() {
			return app.Errorf(app.ECONFLICT, "conflict.closed", "This conflict is already resolved.")
		}
		system := app.Actor{Role: app.RoleSystem, Name: p.Name}
		now := db.now()
		switch {
		case resolution == app.ResolveAcceptOurs && (c.Kind == app.ConflictRejected || c.Kind == app.ConflictStaleEpoch) && c.Ours != "":
			m, ok := c.HeldMutation()
			if !ok {
				return app.Errorf(app.EINVALID, "conflict.cannot_apply", "This conflict holds no change that can be applied.")
			}
			// Applied with the time the technician did the work, not
			// the decision's: a start or a completion, and the steps'
			// field times, count when they happened (FieldTime's bounds
			// against now, the decision's time).
			at, err := st.mutationTime(ctx, c.Device, c.Mutation)
			if err != nil {
				return err
			}
			st.mutationAt = at
			m.At = at
			if cmd, err := app.DecodeMutation(m); err == nil {
				st.willCheck(checkLockKeys(p.Tenant, cmd)...) // ApplyMutation answers a bad one
				if err := st.takeNamed(ctx); err != nil {
					return err
				}
				st.willLockTicketsOf(cmd)
				if err := st.lockTickets(ctx); err != nil {
					return err
				}
			}
			if err := app.ApplyMutation(ctx, st, system, m, now); err != nil {
				return err
			}
		case resolution != app.ResolveDismissed && c.Kind == app.ConflictField:
			// Both values are kept: the decision puts the chosen one back.
			value := c.Theirs
			if resolution == app.ResolveAcceptOurs {
				value = c.Ours
			}
			u := &app.UpdateTicket{Ticket: c.Ticket}
			switch c.Field {
			case app.FieldCustomerPhone:
				u.Set.CustomerPhone = &value
			case app.FieldCustomerAddress:
				u.Set.CustomerAddress = &value
			}
			if u.Set != (app.TicketFields{}) {
				if err := u.Apply(ctx, st, system, now); err != nil {
					return err
				}
			}
		}
		c.ResolvedAt, c.Resolution, c.ResolvedBy = now, resolution, p.Name
		if c.Kind == app.ConflictField {
			if err := st.closeFieldSiblings(ctx, c); err != nil {
				return err
			}
		}
		return st.putConflict(ctx, c)
	})
	if err == nil {
		db.publish(p.Tenant, "", &cs)
	}
	return c, err
}

// mutationTime is when device's mutation id was made (Mutation.At, its
// applied row's device_at), zero when no applied row says: then the
// command's time is the applying side's (FieldTime).
func (st *serverTx) mutationTime(ctx context.Context, device app.DeviceID, id string) (time.Time, error) {
	var at int64
	err := st.queryRow(ctx, `SELECT device_at FROM applied WHERE device = ? AND mutation = ?`, string(device), id).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, transient(err)
	case at <= 0:
		return time.Time{}, nil // a mutation without a time (Mutation.At zero)
	}
	return time.Unix(0, at).UTC(), nil
}

// closeFieldSiblings closes, as decided's decision closes it, the other
// open field conflicts on decided's ticket and field. A field has at most
// one (addFieldConflict), but a service that ran before that rule may
// hold two: the one left open after a decision asked a question the
// decision answered, and its own decision could put back a value older
// than the one just chosen. It runs under the ticket's lock
// (lockFieldConflictTicket), as every writer of a field conflict.
func (st *serverTx) closeFieldSiblings(ctx context.Context, decided app.Conflict) error {
	var close []app.Conflict
	err := st.ticketEntities(ctx, kindConflict, decided.Ticket, func(data string) error {
		var c app.Conflict
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return err
		}
		if c.ID != decided.ID && c.Kind == app.ConflictField && c.Field == decided.Field && c.Open() {
			c.ResolvedAt, c.Resolution, c.ResolvedBy = decided.ResolvedAt, decided.Resolution, decided.ResolvedBy
			close = append(close, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range close {
		if err := st.putConflict(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// lockFieldConflictTicket locks the ticket of field conflict id before
// the conflict's row: the updates of a shared field change the ticket's
// open field conflicts (followFieldConflicts) holding the ticket, so a
// decision that took the conflict first and then the ticket (its Apply)
// could wait in a circle with such an update. A conflict's kind and
// ticket never change, so the read without a lock names the right one;
// a conflict missing, or of another kind, is left to the locked read.
// SQLite runs one write at a time: nothing to order there.
func (st *serverTx) lockFieldConflictTicket(ctx context.Context, id string) error {
	if !st.lateOnPostgres() {
		return nil
	}
	var data string
	err := st.queryRow(ctx, qGetEntity, st.tenant, kindConflict, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return transient(err)
	}
	var c app.Conflict
	if json.Unmarshal([]byte(data), &c) != nil || c.Kind != app.ConflictField || c.Ticket == "" {
		return nil
	}
	if _, err := st.Ticket(ctx, c.Ticket); err != nil && !app.Refused(err) {
		return err
	}
	return nil
}

// Step is one entry of a ticket's status history.
type Step struct {
	From  app.Status `json:"from"` // "" when the ticket was created
	To    app.Status `json:"to"`
	Epoch int        `json:"epoch"`
	// At is when the server wrote the step (when it synced); FieldAt
	// when it happened in the field, the time the office's figures
	// count (stepFieldAt).
	At      time.Time `json:"at"`
	FieldAt time.Time `json:"field_at"`
	// Version is the change-log version of the transaction that made it.
	Version int64 `json:"version"`
}

// TicketHistory returns the statuses a ticket went through, in server
// order.
func (db *DB) TicketHistory(ctx context.Context, tenant string, id app.TicketID) ([]Step, error) {
	var t app.Ticket
	if err := db.readEntity(ctx, tenant, kindTicket, string(id), &t); err != nil {
		return nil, err // an unknown ticket is 404, not an empty history
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT from_status, to_status, epoch, at, field_at, version FROM history WHERE tenant = ? AND ticket = ? ORDER BY version, at`), tenant, string(id))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []Step{}
	for rows.Next() {
		var s Step
		var at, fieldAt int64
		if err := rows.Scan(&s.From, &s.To, &s.Epoch, &at, &fieldAt, &s.Version); err != nil {
			return nil, transient(err)
		}
		s.At, s.FieldAt = time.Unix(0, at).UTC(), time.Unix(0, fieldAt).UTC()
		out = append(out, s)
	}
	return out, transient(rows.Err())
}

// Applied is a pushed mutation as the server took it.
type Applied struct {
	Mutation string    `json:"mutation"`
	Seq      int64     `json:"seq"`
	Name     string    `json:"name"`
	Status   string    `json:"status"` // "applied" or "rejected"
	Conflict string    `json:"conflict,omitempty"`
	At       time.Time `json:"at"`
	// Version is the change-log version of the transaction that took it,
	// comparable with Step.Version.
	Version int64 `json:"version"`
}

// AppliedBy lists what the server took from a device, in seq order: the
// audit trail of its outbox.
func (db *DB) AppliedBy(ctx context.Context, tenant string, dev app.DeviceID) ([]Applied, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM devices WHERE tenant = ? AND id = ?`), tenant, string(dev)).Scan(&n); err != nil {
		return nil, transient(err)
	} else if n == 0 {
		return nil, app.NotFound("device", string(dev)) // not an empty list: the device is not this tenant's
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT a.mutation, a.seq, a.name, a.status, a.conflict, a.at, a.version FROM applied a
		JOIN devices d ON d.id = a.device WHERE d.tenant = ? AND a.device = ? ORDER BY a.seq`), tenant, string(dev))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []Applied{}
	for rows.Next() {
		var a Applied
		var at int64
		if err := rows.Scan(&a.Mutation, &a.Seq, &a.Name, &a.Status, &a.Conflict, &at, &a.Version); err != nil {
			return nil, transient(err)
		}
		a.At = time.Unix(0, at).UTC()
		out = append(out, a)
	}
	return out, transient(rows.Err())
}

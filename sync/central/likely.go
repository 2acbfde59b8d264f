package central

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demand"
)

// The likely-parts job (docs/PROTOCOL.md, "Parts on their way"): from the
// tenant's finished tickets and the parts fitted on them, app/demand
// learns which parts a ticket of a model and symptom needs; every open
// ticket then gets its list as an entity of kind likely_parts (ID: the
// ticket's), written in the ticket's scopes only when it changed, so
// devices pull it with their tickets.

// The job's bounds.
const (
	// likelyMonths is the history trained on: two years holds a model's
	// rarer faults and both seasons twice, while the parts of models long
	// retired fade out.
	likelyMonths = 24
	// likelyMaxCases bounds the finished tickets trained on, newest
	// first: a run's memory and time stay bounded (the heavy demo world
	// has about 10,000 tickets; a case is a few hundred bytes).
	likelyMaxCases = 50_000
	// likelyPage is how many open tickets one read and one write
	// transaction handle: a page's writes hold the database's writer
	// briefly, so pushes interleave with a long run.
	likelyPage = 200
	// likelyCandidates is how many predictions are asked for before the
	// catalog's fits filter keeps MaxLikelyParts of them.
	likelyCandidates = 4 * app.MaxLikelyParts
)

// RefreshStats counts what one run of the job did for a tenant; it holds
// counts only, never data, so it can be logged.
type RefreshStats struct {
	Cases     int // finished tickets trained on
	Open      int // open tickets looked at
	Written   int // lists written because they changed
	Unchanged int
}

// likelyDone are the statuses of tickets that get no list: every other
// ticket does (one that could not be completed waits for another visit,
// which the list helps plan).
var likelyDone = []any{string(app.StatusCompleted), string(app.StatusClosed), string(app.StatusCancelled)}

func likelyOpen(s app.Status) bool { return !slices.Contains(likelyDone, any(string(s))) }

// likelyModel is a tenant's trained model with the catalog entries of the
// parts it knows.
type likelyModel struct {
	trained *demand.Trained
	parts   map[app.PartNumber]app.Part
	cases   int
}

// RefreshLikelyParts trains the tenant's model and writes the likely parts
// of each of its open tickets whose list changed. Several instances may
// run it at once: each write compares with the stored list inside its
// transaction, so a list another instance just wrote is left alone.
func (db *DB) RefreshLikelyParts(ctx context.Context, tenant string, now time.Time) (RefreshStats, error) {
	m, err := db.trainLikely(ctx, tenant, now)
	if err != nil {
		return RefreshStats{}, err
	}
	st := RefreshStats{Cases: m.cases}
	err = db.predictOpen(ctx, tenant, m, now, false, &st)
	return st, err
}

// predictOpen writes the lists of the tenant's open tickets, or, when
// newOnly, of those that have none yet, a page at a time.
func (db *DB) predictOpen(ctx context.Context, tenant string, m *likelyModel, now time.Time, newOnly bool, st *RefreshStats) error {
	after := ""
	for {
		ids, err := db.openTicketPage(ctx, tenant, after, newOnly)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := db.likelyPage(ctx, tenant, m, ids, now, st); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}

// trainLikely learns from the tenant's newest finished (completed or
// closed) tickets of the last likelyMonths months, at most likelyMaxCases
// of them (newest by when their latest step was taken in the field,
// ticket_index's step_at: a repair finished offline last week and synced
// today is not newer than yesterday's), each a case with the parts fitted on it (none is a case too: a
// repair that needed no part). A case holds only what was known before
// the visit: the product and the customer's fault words, never the
// diagnosis, which the ticket to predict does not have yet.
func (db *DB) trainLikely(ctx context.Context, tenant string, now time.Time) (*likelyModel, error) {
	// Two queries joined to ticket_index rather than lists of IDs: on
	// PostgreSQL, 23 lookups of 400 IDs each took 11 s on the heavy demo
	// world, the join a fraction of it.
	newest := `SELECT id FROM ticket_index WHERE tenant = ? AND status IN (?, ?) ORDER BY step_at DESC, id DESC LIMIT ?`
	args := []any{tenant, tenant, string(app.StatusCompleted), string(app.StatusClosed), likelyMaxCases}
	var ids []app.TicketID
	tickets := map[app.TicketID]pastTicket{}
	err := scanEntities(ctx, db, `SELECT e.id, e.data FROM entities e WHERE e.tenant = ? AND e.kind = 'ticket' AND e.id IN (`+newest+`)`, args,
		kindTicket, func(id string, t pastTicket) {
			ids = append(ids, app.TicketID(id))
			tickets[app.TicketID(id)] = t
		})
	if err != nil {
		return nil, err
	}
	used := map[app.TicketID][]app.PartNumber{}
	err = scanEntities(ctx, db, `SELECT e.id, e.data FROM entities e WHERE e.tenant = ? AND e.kind = 'part_used' AND e.ticket_id IN (`+newest+`)`, args,
		kindPartUsed, func(_ string, pu app.PartUsed) { used[pu.Ticket] = append(used[pu.Ticket], pu.Part) })
	if err != nil {
		return nil, err
	}
	slices.Sort(ids) // the cases' order, so that a run's model does not depend on the database's
	since := now.AddDate(0, -likelyMonths, 0)
	cases := make([]demand.Case, 0, len(tickets))
	known := map[app.PartNumber]bool{}
	for _, id := range ids {
		t := tickets[id]
		at := t.CompletedAt
		if at.IsZero() {
			at = t.UpdatedAt
		}
		if at.Before(since) {
			continue
		}
		c := likelyCase(t.Product, t.Fault)
		for _, p := range used[t.ID] {
			if !slices.Contains(c.Parts, string(p)) {
				c.Parts = append(c.Parts, string(p))
				known[p] = true
			}
		}
		cases = append(cases, c)
	}
	parts, err := db.PartsByNumber(ctx, tenant, slices.Collect(maps.Keys(known)))
	if err != nil {
		return nil, err
	}
	return &likelyModel{trained: demand.Train(cases), parts: parts, cases: len(cases)}, nil
}

// pastTicket is what training reads of a finished ticket's JSON: tens
// of thousands of them are decoded per run, customers and all otherwise.
type pastTicket struct {
	ID          app.TicketID `json:"id"`
	Product     app.Product  `json:"product"`
	Fault       string       `json:"fault"`
	UpdatedAt   time.Time    `json:"updated_at"`
	CompletedAt time.Time    `json:"completed_at"`
}

// likelyCase is what the model knows of a ticket before its visit. Model
// and brand are keyed as the catalog's Fits compares models
// (app.ModelKey): a ticket whose model was typed full-width learns from,
// and is predicted by, the tickets of the model typed in ASCII.
func likelyCase(p app.Product, fault string) demand.Case {
	return demand.Case{
		Model:   app.ModelKey(p.Model),
		Family:  app.ModelKey(p.Brand) + "/" + string(p.Category),
		Symptom: demand.Symptom(fault),
	}
}

// scanEntities runs query (rows of id, data; "?" placeholders for args)
// and hands each row's decoded entity of kind to fn.
func scanEntities[T any](ctx context.Context, db *DB, query string, args []any, kind string, fn func(id string, v T)) error {
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return transient(err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return corruptEntity(kind, id, err)
		}
		fn(id, v)
	}
	return transient(rows.Err())
}

// openTicketPage lists up to likelyPage IDs of the tenant's open tickets
// after the ID after, in ID order; when newOnly, only those without a
// list.
func (db *DB) openTicketPage(ctx context.Context, tenant, after string, newOnly bool) ([]string, error) {
	// Keyset pages in byte order on both databases (collate), as the
	// next page starts after the last ID of this one.
	c := db.collate()
	q := `SELECT id FROM ticket_index t WHERE tenant = ? AND status NOT IN (?, ?, ?) AND id` + c + ` > ?`
	if newOnly {
		q += ` AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.tenant = t.tenant AND e.kind = 'likely_parts' AND e.id = t.id)`
	}
	args := append(append([]any{tenant}, likelyDone...), after, likelyPage)
	rows, err := db.read.QueryContext(ctx, db.q(q+` ORDER BY id`+c+` LIMIT ?`), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, transient(err)
		}
		ids = append(ids, id)
	}
	return ids, transient(rows.Err())
}

// predict is the ticket's list: the model's most likely parts that the
// catalog says fit the ticket's model, probabilities rounded to whole
// percent (what a device shows), so that a retraining that moves a
// probability by a hair rewrites no list.
func (m *likelyModel) predict(t app.Ticket, now time.Time) app.LikelyParts {
	c := likelyCase(t.Product, t.Fault)
	fits := func(part string) bool {
		p, ok := m.parts[app.PartNumber(part)]
		return ok && p.Fits(t.Product.Model)
	}
	l := app.LikelyParts{Ticket: t.ID, Parts: []app.LikelyPart{}, At: now}
	for _, p := range m.trained.Predict(c.Model, c.Family, c.Symptom, fits, likelyCandidates) {
		if len(l.Parts) == app.MaxLikelyParts {
			break
		}
		if !fits(p.Part) {
			continue
		}
		l.Parts = append(l.Parts, app.LikelyPart{Part: app.PartNumber(p.Part), Probability: math.Round(p.P*100) / 100,
			Basis: p.Basis, Support: p.Support})
	}
	return l
}

// sameLikely reports whether two lists say the same, whenever computed.
func sameLikely(a, b app.LikelyParts) bool {
	return a.Ticket == b.Ticket && slices.Equal(a.Parts, b.Parts)
}

// likelyPage computes the lists of one page of open tickets and writes,
// in one transaction, those that changed. A list follows its ticket to
// another technician or store with the ticket's other children
// (SaveTicket), so an unchanged list needs no write.
func (db *DB) likelyPage(ctx context.Context, tenant string, m *likelyModel, ids []string, now time.Time, st *RefreshStats) error {
	tickets, err := entitiesByID[app.Ticket](ctx, db, db.read, tenant, kindTicket, slices.Clone(ids))
	if err != nil {
		return err
	}
	old, err := entitiesByID[app.LikelyParts](ctx, db, db.read, tenant, kindLikelyParts, slices.Clone(ids))
	if err != nil {
		return err
	}
	var changed []app.LikelyParts
	for _, id := range ids {
		t, ok := tickets[id]
		if !ok || !likelyOpen(t.Status) {
			continue // changed since the page was listed: the next run sees it
		}
		st.Open++
		l := m.predict(t, now)
		prev, had := old[id]
		// Nothing known and nothing sent: a device shows no list either
		// way, so a tenant without history writes nothing.
		if had && sameLikely(prev, l) || !had && len(l.Parts) == 0 {
			st.Unchanged++
			continue
		}
		changed = append(changed, l)
	}
	if len(changed) == 0 {
		return nil
	}
	var cs changeSet
	unchanged, written := st.Unchanged, st.Written
	err = db.entityTx(ctx, tenant, &cs, func(ctx context.Context, s *serverTx) error {
		st.Unchanged, st.Written = unchanged, written // counted again when run again (pgTx)
		for _, l := range changed {
			var cur app.LikelyParts
			err := s.get(ctx, kindLikelyParts, string(l.Ticket), &cur)
			switch {
			case err == nil && sameLikely(cur, l):
				st.Unchanged++ // written meanwhile by another instance's run
				continue
			case err != nil && app.ErrorCode(err) != app.ENOTFOUND:
				return err
			}
			if err := s.SaveLikelyParts(ctx, l); err != nil {
				return err
			}
			st.Written++
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.publish(tenant, "", &cs)
	return nil
}

// DefaultLikelyEvery is how often the central command retrains and
// refreshes every open ticket's list.
const DefaultLikelyEvery = 15 * time.Minute

// likelyNewEvery is how often, between two refreshes, the open tickets
// without a list (new ones, and those nothing is known of, which cost a
// prediction and no write) are given one from the last refresh's model:
// a dispatcher who creates a ticket sees its likely parts on the
// technician's device within about a minute, without a retraining per
// ticket. A ticket created on another instance sharing the database is
// found all the same.
const likelyNewEvery = time.Minute

// RunLikelyParts runs RefreshLikelyParts for every tenant, one at a time,
// now and then every every, and in between gives new tickets their list
// every likelyNewEvery (or every, when shorter), until ctx ends. A failed
// tenant is logged and tried again at the next run; the log holds counts
// only, never data.
func (db *DB) RunLikelyParts(ctx context.Context, every time.Duration, log *slog.Logger) {
	models := map[string]*likelyModel{}
	tick := time.NewTicker(min(every, likelyNewEvery))
	defer tick.Stop()
	var last time.Time
	for {
		full := last.IsZero() || time.Since(last) >= every
		if full {
			last = time.Now()
		}
		db.likelyRun(ctx, models, full, log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// likelyRun is one pass over the tenants: a full refresh (retraining), or
// the new tickets' lists from each tenant's last model.
func (db *DB) likelyRun(ctx context.Context, models map[string]*likelyModel, full bool, log *slog.Logger) {
	tenants, err := db.tenantIDs(ctx)
	if err != nil {
		log.Error("likely parts: list tenants", "err", err)
		return
	}
	for _, tenant := range tenants {
		start, now := time.Now(), db.now()
		var st RefreshStats
		m := models[tenant]
		var err error
		if full || m == nil {
			if m, err = db.trainLikely(ctx, tenant, now); err == nil {
				models[tenant], st.Cases = m, m.cases
			}
		}
		if err == nil {
			err = db.predictOpen(ctx, tenant, m, now, !full, &st)
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Error("likely parts", "tenant", tenant, "err", err)
		case full || st.Written > 0:
			log.Info("likely parts", "tenant", tenant, "full", full, "cases", st.Cases, "open", st.Open, "written", st.Written,
				"unchanged", st.Unchanged, "took", time.Since(start).Round(time.Millisecond))
		}
	}
}

// tenantIDs lists the service's tenants.
func (db *DB) tenantIDs(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, transient(err)
		}
		out = append(out, id)
	}
	return out, transient(rows.Err())
}

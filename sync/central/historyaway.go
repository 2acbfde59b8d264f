package central

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// Closed tickets' history on demand (docs/PROTOCOL.md, "History on
// demand"). While a pull from the start is under way (the cursor holds a
// cutoff), a fact whose change row is at or before the pull's opening
// version is kept back when its ticket's own row is too and the ticket is
// app.KeepsHistoryBack at the cutoff. Both are fixed for the whole pull (a
// row at or before the opening version did not change since the pull
// began), so every page judges a ticket alike, and the ticket, whenever it
// comes, counts exactly what was kept back (awayCounts). A ticket that
// changed during the pull is judged again on its new row: when it no
// longer keeps its history back, it comes with all of it (wholeAgain).
// The device asks for a history with the sync request (History).

// historyKinds are the facts a ticket's history is made of, as counted in
// app.HistoryAway.
var historyKinds = []string{kindRepair, kindPartUsed, kindPhoto, kindNote, kindSignature, kindPayment, kindEstimate, kindNotice}

const historyKindList = `('repair', 'part_used', 'photo', 'note', 'signature', 'payment', 'estimate', 'notice')`

func isHistoryKind(kind string) bool { return slices.Contains(historyKinds, kind) }

// keptBack reports whether the fact k stays back.
func (pg *page) keptBack(k changeRow) bool {
	if pg.cutoff.IsZero() || k.Version > pg.opening || !isHistoryKind(k.Kind) {
		return false
	}
	t, ok := pg.ticketOf[entityKey{k.Kind, k.ID}]
	return ok && pg.keep[t]
}

// judge decides, for the facts of a fetched batch that may stay back, on
// their tickets not judged yet: one query for the tickets' rows in the
// scopes and one for their data.
func (pg *page) judge(ctx context.Context, chunk []changeRow) error {
	if pg.cutoff.IsZero() {
		return nil
	}
	if pg.keep == nil {
		pg.keep = map[app.TicketID]bool{}
	}
	var ids []any
	seen := map[app.TicketID]bool{}
	for _, k := range chunk {
		if k.gone || k.Version > pg.opening || !isHistoryKind(k.Kind) {
			continue
		}
		t, ok := pg.ticketOf[entityKey{k.Kind, k.ID}]
		if _, judged := pg.keep[t]; ok && !judged && !seen[t] {
			seen[t] = true
			ids = append(ids, string(t))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	versions, err := pg.ticketVersions(ctx, ids)
	if err != nil {
		return err
	}
	rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = 'ticket' AND id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`), append([]any{pg.tenant}, ids...)...)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for _, id := range ids {
		pg.keep[app.TicketID(id.(string))] = false
	}
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return transient(err)
		}
		var t app.Ticket
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindTicket, "ID", id).WithCause(err)
		}
		v, ok := versions[t.ID]
		pg.keep[t.ID] = ok && v <= pg.opening && app.KeepsHistoryBack(t, pg.cutoff)
	}
	return transient(rows.Err())
}

// ticketVersions reads the version of each ticket's live row in the
// page's scopes.
func (pg *page) ticketVersions(ctx context.Context, ids []any) (map[app.TicketID]int64, error) {
	args := make([]any, 0, len(pg.scopes)+len(ids))
	for _, sc := range pg.scopes {
		args = append(args, sc)
	}
	args = append(args, ids...)
	rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT id, max(version) FROM changes WHERE kind = 'ticket' AND gone = 0
		AND scope IN (?`+strings.Repeat(", ?", len(pg.scopes)-1)+`) AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) GROUP BY id`), args...)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := map[app.TicketID]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, transient(err)
		}
		out[app.TicketID(id)] = v
	}
	return out, transient(rows.Err())
}

// judged records the decision on a ticket put in the page (at index i of
// data.Tickets) from its row at version.
func (pg *page) judged(t app.Ticket, version int64, i int) {
	if pg.cutoff.IsZero() {
		return
	}
	if pg.keep == nil {
		pg.keep = map[app.TicketID]bool{}
	}
	keep := version <= pg.opening && app.KeepsHistoryBack(t, pg.cutoff)
	pg.keep[t.ID] = keep
	switch {
	case keep:
		pg.away = append(pg.away, i)
	case version > pg.opening:
		// It changed during the pull: an earlier page may have kept its
		// history back under its older row.
		pg.whole = append(pg.whole, t.ID)
	}
}

// awayCounts sets the Away counts of the page's tickets sent without their
// history, in one query per batch of tickets: their facts whose change row
// in the scopes is at or before the opening version.
func (pg *page) awayCounts(ctx context.Context) error {
	for start := 0; start < len(pg.away); start += fetchBatch {
		chunk := pg.away[start:min(start+fetchBatch, len(pg.away))]
		index := make(map[app.TicketID]int, len(chunk))
		args := []any{pg.tenant}
		for _, i := range chunk {
			id := pg.data.Tickets[i].Ticket.ID
			index[id] = i
			args = append(args, string(id))
		}
		for _, sc := range pg.scopes {
			args = append(args, sc)
		}
		args = append(args, pg.opening)
		rows, err := pg.tx.QueryContext(ctx, pg.db.q(`SELECT e.ticket_id, e.kind, count(*) FROM entities e
			WHERE e.tenant = ? AND e.ticket_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) AND e.kind IN `+historyKindList+`
			AND EXISTS (SELECT 1 FROM changes c WHERE c.scope IN (?`+strings.Repeat(", ?", len(pg.scopes)-1)+`)
				AND c.kind = e.kind AND c.id = e.id AND c.gone = 0 AND c.version <= ?)
			GROUP BY e.ticket_id, e.kind`), args...)
		if err != nil {
			return transient(err)
		}
		for rows.Next() {
			var id, kind string
			var n int
			if err := rows.Scan(&id, &kind, &n); err != nil {
				rows.Close()
				return transient(err)
			}
			d := &pg.data.Tickets[index[app.TicketID(id)]]
			if d.Away == nil {
				d.Away = &app.HistoryAway{}
				pg.used += 16
			}
			pg.used += len(kind) + 4
			switch kind {
			case kindRepair:
				d.Away.Repairs = n
			case kindPartUsed:
				d.Away.PartsUsed = n
			case kindPhoto:
				d.Away.Photos = n
			case kindNote:
				d.Away.Notes = n
			case kindSignature:
				d.Away.Signatures = n
			case kindPayment:
				d.Away.Payments = n
			case kindEstimate:
				d.Away.Estimates = n
			case kindNotice:
				d.Away.Notices = n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return transient(err)
		}
	}
	return nil
}

// wholeAgain puts into the page the history of the tickets that changed
// during the pull from the start and no longer keep it back. Facts the
// device holds already are skipped by it.
func (pg *page) wholeAgain(ctx context.Context) error {
	if len(pg.whole) == 0 {
		return nil
	}
	h, err := pg.db.histories(ctx, pg.tx, pg.tenant, pg.whole)
	if err != nil {
		return err
	}
	for _, id := range pg.whole {
		pg.used += h.bytes[id]
		appendHistory(&pg.data, h.facts[id])
	}
	return nil
}

// history is the facts of some tickets, read by histories.
type history struct {
	facts map[app.TicketID]*app.Dataset
	bytes map[app.TicketID]int
}

// histories reads the whole history of tickets in one query per batch.
func (db *DB) histories(ctx context.Context, q querier, tenant string, ids []app.TicketID) (history, error) {
	h := history{facts: map[app.TicketID]*app.Dataset{}, bytes: map[app.TicketID]int{}}
	for start := 0; start < len(ids); start += fetchBatch {
		chunk := ids[start:min(start+fetchBatch, len(ids))]
		args := []any{tenant}
		for _, id := range chunk {
			args = append(args, string(id))
		}
		rows, err := q.QueryContext(ctx, db.q(`SELECT ticket_id, kind, id, data FROM entities WHERE tenant = ? AND ticket_id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`) AND kind IN `+historyKindList+` ORDER BY ticket_id, kind, id`), args...)
		if err != nil {
			return h, transient(err)
		}
		for rows.Next() {
			var ticket, kind, id, data string
			if err := rows.Scan(&ticket, &kind, &id, &data); err != nil {
				rows.Close()
				return h, transient(err)
			}
			t := app.TicketID(ticket)
			ds := h.facts[t]
			if ds == nil {
				ds = &app.Dataset{}
				h.facts[t] = ds
			}
			h.bytes[t] += len(data)
			if err := decodeFact(kind, data, ds); err != nil {
				rows.Close()
				return h, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", id).WithCause(err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return h, transient(err)
		}
	}
	return h, nil
}

func decodeFact(kind, data string, ds *app.Dataset) error {
	switch kind {
	case kindRepair:
		return appendJSON(data, &ds.Repairs, nil, nil)
	case kindPartUsed:
		return appendJSON(data, &ds.PartsUsed, nil, nil)
	case kindPhoto:
		return appendJSON(data, &ds.Photos, nil, nil)
	case kindNote:
		return appendJSON(data, &ds.Notes, nil, nil)
	case kindSignature:
		return appendJSON(data, &ds.Signatures, nil, nil)
	case kindPayment:
		return appendJSON(data, &ds.Payments, nil, nil)
	case kindEstimate:
		return appendJSON(data, &ds.Estimates, nil, nil)
	case kindNotice:
		return appendJSON(data, &ds.CustomerNotices, nil, nil)
	}
	return nil
}

func appendHistory(to *app.Dataset, from *app.Dataset) {
	if from == nil {
		return
	}
	to.Repairs = append(to.Repairs, from.Repairs...)
	to.PartsUsed = append(to.PartsUsed, from.PartsUsed...)
	to.Photos = append(to.Photos, from.Photos...)
	to.Notes = append(to.Notes, from.Notes...)
	to.Signatures = append(to.Signatures, from.Signatures...)
	to.Payments = append(to.Payments, from.Payments...)
	to.Estimates = append(to.Estimates, from.Estimates...)
	to.CustomerNotices = append(to.CustomerNotices, from.CustomerNotices...)
}

// HistoryAnswer is the answer to a sync request's History.
type HistoryAnswer struct {
	Data app.Dataset
	// Of are the tickets answered whole, in the order asked.
	Of []app.TicketID
	// More says the byte bound left asked tickets of the device's
	// scopes out: the device asks again.
	More bool
}

// History answers a device's request for the history of tickets (at most
// app.MaxHistoryPerSync; app.CheckHistoryRequest): the facts of each asked
// ticket in its scopes, in the order asked, until about maxBytes of their
// JSON (clamped as a page's; at least one ticket). A ticket outside the
// scopes, or unknown, is not answered, alike.
func (db *DB) History(ctx context.Context, p Principal, ids []app.TicketID, maxBytes int) (HistoryAnswer, error) {
	var ans HistoryAnswer
	if err := app.CheckHistoryRequest(ids); err != nil || len(ids) == 0 {
		return ans, err
	}
	maxBytes = min(max(maxBytes, MinPageBytes), MaxPageBytes)
	tx, err := db.snapshotTx(ctx)
	if err != nil {
		return ans, err
	}
	defer tx.Rollback()
	scopes, err := db.Scopes(ctx, tx, p)
	if err != nil {
		return ans, err
	}
	pg := &page{db: db, tx: tx, tenant: p.Tenant, scopes: scopes}
	asked := make([]any, len(ids))
	for i, id := range ids {
		asked[i] = string(id)
	}
	versions, err := pg.ticketVersions(ctx, asked)
	if err != nil {
		return ans, err
	}
	var held []app.TicketID
	for _, id := range ids {
		if _, ok := versions[id]; ok {
			held = append(held, id)
		}
	}
	h, err := db.histories(ctx, tx, p.Tenant, held)
	if err != nil {
		return ans, err
	}
	used := 0
	for _, id := range held {
		if len(ans.Of) > 0 && used+h.bytes[id] > maxBytes {
			ans.More = true
			break
		}
		used += h.bytes[id]
		appendHistory(&ans.Data, h.facts[id])
		ans.Of = append(ans.Of, id)
	}
	return ans, nil
}

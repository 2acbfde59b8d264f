package central

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// loadSupplyBulk writes a dataset's part requests, shipments and likely
// parts in multi-row statements, leaving the rows loadSupply would, one
// record after the other (SavePartRequest, SaveShipment,
// SaveLikelyParts): each entity inserted or replaced only where it
// differs (entityUpsert), each index row likewise, a change row in each
// of its scopes, whether it changed or not (devices pull a reload as
// they did). One by one, each record took a read of its ticket and three
// to four statements: a reload of an office's part requests and
// shipments spent most of its time there (BenchmarkReloadSupply,
// docs/BENCHMARKS.md).
//
// The first record that one by one would refuse (invalid, or on a ticket
// the tenant does not have) is refused with the same error, before
// anything of its kind is written. A kind whose list names a record twice
// goes one by one: there the order of the writes decides (the last value
// stays, and the scopes of the earlier ones get change rows too), which
// only the one-by-one path keeps; and a multi-row ON CONFLICT DO UPDATE
// may not change a row twice on PostgreSQL. The kinds go in loadSupply's
// order; none reads another's rows.
func (st *serverTx) loadSupplyBulk(ctx context.Context, ds app.Dataset) error {
	var ticketIDs []string
	for _, r := range ds.PartRequests {
		ticketIDs = append(ticketIDs, string(r.Ticket))
	}
	for _, l := range ds.LikelyParts {
		ticketIDs = append(ticketIDs, string(l.Ticket))
	}
	var tickets map[string]app.Ticket
	if len(ticketIDs) > 0 {
		var err error
		if tickets, err = entitiesByID[app.Ticket](ctx, st.db, st.tx, st.tenant, kindTicket, ticketIDs); err != nil {
			return err
		}
	}
	// ticketOf is SavePartRequest's and SaveLikelyParts' read of the
	// ticket, with its error.
	ticketOf := func(id app.TicketID) (app.Ticket, error) {
		t, ok := tickets[string(id)]
		if !ok {
			return t, app.NotFound(kindTicket, string(id))
		}
		return t, nil
	}

	var requests supplyRows
	if listedOnce(ds.PartRequests, func(r app.PartRequest) string { return r.ID }) {
		for _, r := range ds.PartRequests {
			err := r.Validate()
			var t app.Ticket
			if err == nil {
				t, err = ticketOf(r.Ticket)
			}
			if err == nil {
				err = requests.add(st, kindPartRequest, r.ID, string(r.Ticket), r, requestScopes(st.tenant, t, r), partRequestIndexRow(st.tenant, r))
			}
			if err != nil {
				return fmt.Errorf("part request %s: %w", r.ID, err)
			}
		}
		if err := requests.write(ctx, st, `INSERT INTO part_request_index (`+partRequestIndexCols+`)`, partRequestIndexUpsert); err != nil {
			return err
		}
		for _, r := range ds.PartRequests {
			st.changed.ticket(r.Ticket)
		}
	} else {
		for _, r := range ds.PartRequests {
			if err := st.SavePartRequest(ctx, r); err != nil {
				return fmt.Errorf("part request %s: %w", r.ID, err)
			}
		}
	}

	var shipments supplyRows
	if listedOnce(ds.Shipments, func(sh app.Shipment) string { return sh.ID }) {
		for _, sh := range ds.Shipments {
			err := sh.Validate()
			if err == nil {
				err = shipments.add(st, kindShipment, sh.ID, "", sh, shipmentScopes(st.tenant, sh), shipmentIndexRow(st.tenant, sh))
			}
			if err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
		}
		if err := shipments.write(ctx, st, `INSERT INTO shipment_index (`+shipmentIndexCols+`)`, shipmentIndexUpsert); err != nil {
			return err
		}
		if len(ds.Shipments) > 0 {
			st.changed.movement()
		}
	} else {
		for _, sh := range ds.Shipments {
			if err := st.SaveShipment(ctx, sh); err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
		}
	}

	var likely supplyRows
	if listedOnce(ds.LikelyParts, func(l app.LikelyParts) string { return string(l.Ticket) }) {
		for _, l := range ds.LikelyParts {
			err := l.Validate()
			var t app.Ticket
			if err == nil {
				t, err = ticketOf(l.Ticket)
			}
			if err == nil {
				if l.Parts == nil {
					l.Parts = []app.LikelyPart{}
				}
				err = likely.add(st, kindLikelyParts, string(l.Ticket), string(l.Ticket), l, ticketScopes(st.tenant, t), nil)
			}
			if err != nil {
				return fmt.Errorf("likely parts of %s: %w", l.Ticket, err)
			}
		}
		if err := likely.write(ctx, st, "", ""); err != nil {
			return err
		}
		for _, l := range ds.LikelyParts {
			st.changed.ticket(l.Ticket)
		}
	} else {
		for _, l := range ds.LikelyParts {
			if err := st.SaveLikelyParts(ctx, l); err != nil {
				return fmt.Errorf("likely parts of %s: %w", l.Ticket, err)
			}
		}
	}
	return nil
}

// listedOnce reports whether no two records of list have the same key.
func listedOnce[T any](list []T, key func(T) string) bool {
	seen := make(map[string]bool, len(list))
	for _, v := range list {
		k := key(v)
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// supplyRows are the rows of one kind of record a bulk load writes: its
// entities, their index rows (none for likely parts) and their change
// rows.
type supplyRows struct {
	entities, index, changes [][]any
}

// add lists the rows of the record kind/id on ticket (none: "") with its
// scopes (each once) and index row.
func (s *supplyRows) add(st *serverTx, kind, id, ticket string, v any, scopes []string, index []any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", kind, id, err)
	}
	s.entities = append(s.entities, []any{st.tenant, kind, id, ticket, string(data)})
	if index != nil {
		s.index = append(s.index, index)
	}
	slices.Sort(scopes)
	for _, sc := range slices.Compact(scopes) {
		s.changes = append(s.changes, []any{sc, kind, id, st.version, kindOrder(kind), 0})
	}
	return nil
}

// write writes the rows: the entities, the index rows (indexHead, with
// its ON CONFLICT tail) and the change rows.
func (s *supplyRows) write(ctx context.Context, st *serverTx, indexHead, indexTail string) error {
	if err := st.db.bulkInsert(ctx, st.tx, `INSERT INTO entities (tenant, kind, id, ticket_id, data)`, 3, entityUpsert, s.entities); err != nil {
		return err
	}
	if err := st.db.bulkInsert(ctx, st.tx, indexHead, 2, indexTail, s.index); err != nil {
		return err
	}
	return st.db.bulkInsert(ctx, st.tx, `INSERT INTO changes (scope, kind, id, version, ord, gone)`, 3, changeUpsert, s.changes)
}

package central

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// loadSupplyBulk writes a dataset's part requests, shipments and likely
// parts, after its tickets (their ship and receive movements, if any,
// come with the dataset's movements), in multi-row statements. It leaves
// the rows SavePartRequest, SaveShipment and SaveLikelyParts would, one
// record after the other: each entity inserted or replaced only where it
// differs (entityUpsert), each index row likewise, a change row in each
// of its scopes, whether it changed or not (devices pull a reload as they
// did). One by one, each record took a read of its ticket and three to
// four statements: a reload of an office's part requests and shipments
// spent most of its time there (BenchmarkReloadSupply, docs/BENCHMARKS.md).
//
// The first record that one by one would refuse (invalid, or on a ticket
// the tenant does not have) is refused with the same error, before
// anything of its kind is written. A kind whose list names a record twice
// goes one by one: there the order of the writes decides (the last value
// stays, and the scopes of the earlier ones get change rows too), which
// only the one-by-one path keeps; and a multi-row ON CONFLICT DO UPDATE
// may not change a row twice on PostgreSQL. The kinds go in that order;
// none reads another's rows.
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
	// onTicket is SavePartRequest's and SaveLikelyParts' check of a
	// record on a ticket, with its errors: valid, and on a ticket the
	// tenant has, which it returns.
	onTicket := func(v interface{ Validate() error }, id app.TicketID) (app.Ticket, error) {
		if err := v.Validate(); err != nil {
			return app.Ticket{}, err
		}
		t, ok := tickets[string(id)]
		if !ok {
			return t, app.NotFound(kindTicket, string(id))
		}
		st.changed.ticket(id)
		return t, nil
	}
	err := loadKind(ctx, st, ds.PartRequests, func(r app.PartRequest) string { return r.ID },
		func(r app.PartRequest) string { return "part request " + r.ID },
		func(rows *supplyRows, r app.PartRequest) error {
			t, err := onTicket(r, r.Ticket)
			if err != nil {
				return err
			}
			return rows.add(st, kindPartRequest, r.ID, string(r.Ticket), r, requestScopes(st.tenant, t, r), partRequestIndexRow(st.tenant, r))
		}, st.SavePartRequest, `INSERT INTO part_request_index (`+partRequestIndexCols+`)`, partRequestIndexUpsert)
	if err != nil {
		return err
	}
	err = loadKind(ctx, st, ds.Shipments, func(sh app.Shipment) string { return sh.ID },
		func(sh app.Shipment) string { return "shipment " + sh.ID },
		func(rows *supplyRows, sh app.Shipment) error {
			if err := sh.Validate(); err != nil {
				return err
			}
			st.changed.movement()
			return rows.add(st, kindShipment, sh.ID, "", sh, shipmentScopes(st.tenant, sh), shipmentIndexRow(st.tenant, sh))
		}, st.SaveShipment, `INSERT INTO shipment_index (`+shipmentIndexCols+`)`, shipmentIndexUpsert)
	if err != nil {
		return err
	}
	return loadKind(ctx, st, ds.LikelyParts, func(l app.LikelyParts) string { return string(l.Ticket) },
		func(l app.LikelyParts) string { return "likely parts of " + string(l.Ticket) },
		func(rows *supplyRows, l app.LikelyParts) error {
			t, err := onTicket(l, l.Ticket)
			if err != nil {
				return err
			}
			if l.Parts == nil {
				l.Parts = []app.LikelyPart{}
			}
			return rows.add(st, kindLikelyParts, string(l.Ticket), string(l.Ticket), l, ticketScopes(st.tenant, t), nil)
		}, st.SaveLikelyParts, "", "")
}

// loadKind writes one kind of record of a load: through add, which
// checks a record and lists its rows, in multi-row statements (the index
// rows with indexHead and its ON CONFLICT indexTail); or, when two records
// have the same key, one after the other through save. An error names
// the record (name), as LoadDataset's always did.
func loadKind[T any](ctx context.Context, st *serverTx, list []T, key, name func(T) string,
	add func(*supplyRows, T) error, save func(context.Context, T) error, indexHead, indexTail string) error {
	if !listedOnce(list, key) {
		for _, v := range list {
			if err := save(ctx, v); err != nil {
				return fmt.Errorf("%s: %w", name(v), err)
			}
		}
		return nil
	}
	var rows supplyRows
	for _, v := range list {
		if err := add(&rows, v); err != nil {
			return fmt.Errorf("%s: %w", name(v), err)
		}
	}
	return rows.write(ctx, st, indexHead, indexTail)
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

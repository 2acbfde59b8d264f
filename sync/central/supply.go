package central

import (
	"context"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// Parts on their way on the server (docs/PROTOCOL.md, "Parts on their
// way"): part requests, shipments and likely parts are entities. A request
// is in its ticket's scopes and the stock scope of the location it is for;
// a shipment in the stock scopes of both its ends; a ticket's likely parts
// (entity ID: the ticket's) in its ticket's scopes. part_request_index and
// shipment_index hold what the admin lists filter and order by.

const (
	kindPartRequest = "part_request"
	kindShipment    = "shipment"
	// kindLikelyParts is written by the planning job (SaveLikelyParts).
	kindLikelyParts = "likely_parts"
	// kindReceipt names a receipt's ID among a mutation's new records; a
	// receipt is no entity of its own.
	kindReceipt = "receipt"
)

func (s *serverTx) PartRequest(ctx context.Context, id string) (app.PartRequest, error) {
	var r app.PartRequest
	err := s.get(ctx, kindPartRequest, id, &r)
	if app.ErrorCode(err) == app.ENOTFOUND {
		err = errRequestNotFound(id)
	}
	return r, err
}

func errRequestNotFound(id string) error {
	return app.Errorf(app.ENOTFOUND, "part_request.not_found", "Part request {{.ID}} was not found.", "ID", id)
}

func errShipmentNotFound(id string) error {
	return app.Errorf(app.ENOTFOUND, "shipment.not_found", "Shipment {{.ID}} was not found.", "ID", id)
}

// SavePartRequest writes a request and sends it (again) to its ticket's
// scopes and to the stock scope of its destination, whose devices expect
// the part. A request stored as it is keeps its rows (entity, index row):
// only its change rows are written again.
func (s *serverTx) SavePartRequest(ctx context.Context, r app.PartRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	t, err := s.Ticket(ctx, r.Ticket)
	if err != nil {
		return err
	}
	if err := s.put(ctx, kindPartRequest, r.ID, string(r.Ticket), r); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO part_request_index (`+partRequestIndexCols+`) VALUES (?, ?, ?, ?, ?) `+partRequestIndexUpsert,
		partRequestIndexRow(s.tenant, r)...); err != nil {
		return transient(err)
	}
	s.changed.ticket(r.Ticket)
	return s.emitAll(ctx, requestScopes(s.tenant, t, r), kindPartRequest, r.ID)
}

// requestScopes are the scopes a part request of ticket t is sent to: the
// ticket's, and the stock scope of the location the part is for.
func requestScopes(tenant string, t app.Ticket, r app.PartRequest) []string {
	scopes := ticketScopes(tenant, t)
	if sc := stockScope(tenant, r.To); !slices.Contains(scopes, sc) {
		scopes = append(scopes, sc)
	}
	return scopes
}

// shipmentScopes are the stock scopes of both ends of a shipment.
func shipmentScopes(tenant string, sh app.Shipment) []string {
	return []string{stockScope(tenant, sh.From), stockScope(tenant, sh.To)}
}

// The index rows SavePartRequest and SaveShipment write, and a load's
// bulk path (loadSupplyBulk) too.
const (
	partRequestIndexCols = `tenant, id, ticket, state, at`
	shipmentIndexCols    = `tenant, id, kind, state, from_loc, to_loc, at`
)

func partRequestIndexRow(tenant string, r app.PartRequest) []any {
	return []any{tenant, r.ID, string(r.Ticket), string(r.State), r.At.UnixNano()}
}

func shipmentIndexRow(tenant string, sh app.Shipment) []any {
	return []any{tenant, sh.ID, string(sh.Kind), string(sh.State), string(sh.From), string(sh.To), sh.At.UnixNano()}
}

func (s *serverTx) PartRequests(ctx context.Context, id app.TicketID) ([]app.PartRequest, error) {
	out := []app.PartRequest{}
	err := s.ticketEntities(ctx, kindPartRequest, id, func(data string) error { return appendJSON(data, &out, nil, nil) })
	slices.SortFunc(out, func(a, b app.PartRequest) int { return cmpAtID(a.At.Compare(b.At), a.ID, b.ID) })
	return out, err
}

func (s *serverTx) Shipment(ctx context.Context, id string) (app.Shipment, error) {
	if sh, ok := s.lockedShipments[id]; ok {
		// Read (and locked) by lockShipments; read again from the
		// database when next asked for, as SaveShipment may change it.
		delete(s.lockedShipments, id)
		return sh, nil
	}
	var sh app.Shipment
	err := s.get(ctx, kindShipment, id, &sh)
	if app.ErrorCode(err) == app.ENOTFOUND {
		err = errShipmentNotFound(id)
	}
	return sh, err
}

// SaveShipment writes a shipment and sends it (again) to the stock scopes
// of both its ends: the sender sees it leave, the receiver sees it come.
// A shipment stored as it is keeps its rows, as a request does.
func (s *serverTx) SaveShipment(ctx context.Context, sh app.Shipment) error {
	if err := sh.Validate(); err != nil {
		return err
	}
	delete(s.lockedShipments, sh.ID)
	if err := s.put(ctx, kindShipment, sh.ID, "", sh); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO shipment_index (`+shipmentIndexCols+`) VALUES (?, ?, ?, ?, ?, ?, ?) `+shipmentIndexUpsert,
		shipmentIndexRow(s.tenant, sh)...); err != nil {
		return transient(err)
	}
	s.changed.movement()
	return s.emitAll(ctx, shipmentScopes(s.tenant, sh), kindShipment, sh.ID)
}

// SaveLikelyParts replaces a ticket's likely parts and sends them to its
// scopes. The planning job calls it; no mutation does.
func (s *serverTx) SaveLikelyParts(ctx context.Context, l app.LikelyParts) error {
	if err := l.Validate(); err != nil {
		return err
	}
	t, err := s.Ticket(ctx, l.Ticket)
	if err != nil {
		return err
	}
	if l.Parts == nil {
		l.Parts = []app.LikelyPart{}
	}
	if err := s.put(ctx, kindLikelyParts, string(l.Ticket), string(l.Ticket), l); err != nil {
		return err
	}
	s.changed.ticket(l.Ticket)
	return s.emitAll(ctx, ticketScopes(s.tenant, t), kindLikelyParts, string(l.Ticket))
}

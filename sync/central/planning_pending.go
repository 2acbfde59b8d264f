package central

// TEMPORARY until h-central's supply.go is merged: the names it declares.

import (
	"context"

	"github.com/fieldbench/fieldbench/app"
)

const (
	kindShipment    = "shipment"
	kindLikelyParts = "likely_parts"
)

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

func (s *serverTx) PartRequest(ctx context.Context, id string) (app.PartRequest, error) {
	var r app.PartRequest
	err := s.get(ctx, "part_request", id, &r)
	return r, err
}
func (s *serverTx) SavePartRequest(ctx context.Context, r app.PartRequest) error {
	return s.put(ctx, "part_request", r.ID, string(r.Ticket), r)
}
func (s *serverTx) PartRequests(ctx context.Context, ticket app.TicketID) ([]app.PartRequest, error) {
	return nil, nil
}
func (s *serverTx) Shipment(ctx context.Context, id string) (app.Shipment, error) {
	var r app.Shipment
	err := s.get(ctx, kindShipment, id, &r)
	return r, err
}
func (s *serverTx) SaveShipment(ctx context.Context, sh app.Shipment) error {
	return s.put(ctx, kindShipment, sh.ID, "", sh)
}

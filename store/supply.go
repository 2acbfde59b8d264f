package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Parts on their way (app/partrequest.go, app/shipment.go) and the parts
// the central service expects tickets to need (app/likely.go).
//
// Part requests and shipments change state, so their rows are kept as
// tickets' are (migration 0008): data is the view a mutation writes, base
// the server's copy that Load writes into both; a pull's rebase replays
// the pending mutations on top (part.* ones with their ticket, shipment.*
// ones with the other ticket-less work), and dropRefused turns a view
// holding a refused change back into base.

const (
	// requestSave writes the view of a request from a mutation; it keeps
	// base, and the last local writer's seq.
	requestSave = `INSERT INTO part_requests (id, ticket_id, state, at, data, outbox_seq) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id, state = excluded.state, at = excluded.at,
		data = excluded.data, outbox_seq = coalesce(excluded.outbox_seq, part_requests.outbox_seq)`
	// requestLoad writes the server's copy as base and view.
	requestLoad = `INSERT INTO part_requests (id, ticket_id, state, at, data, base) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id, state = excluded.state, at = excluded.at,
		data = excluded.data, base = excluded.base`
	shipmentSave = `INSERT INTO shipments (id, from_loc, to_loc, state, tracking_key, at, received_at, data, outbox_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET from_loc = excluded.from_loc, to_loc = excluded.to_loc, state = excluded.state,
		tracking_key = excluded.tracking_key, at = excluded.at, received_at = excluded.received_at,
		data = excluded.data, outbox_seq = coalesce(excluded.outbox_seq, shipments.outbox_seq)`
	shipmentLoad = `INSERT INTO shipments (id, from_loc, to_loc, state, tracking_key, at, received_at, data, base)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET from_loc = excluded.from_loc, to_loc = excluded.to_loc, state = excluded.state,
		tracking_key = excluded.tracking_key, at = excluded.at, received_at = excluded.received_at,
		data = excluded.data, base = excluded.base`
	// likelyLoad replaces a ticket's list. A list for a ticket this device
	// does not hold is skipped: it is advice about that ticket alone, and
	// refusing the page for it would stop the device's sync.
	likelyLoad = `INSERT INTO likely_parts (ticket_id, at, data) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM tickets WHERE id = ?1)
		ON CONFLICT (ticket_id) DO UPDATE SET at = excluded.at, data = excluded.data`
)

// requestArgs are the columns of requestSave and requestLoad but the last.
func requestArgs(r app.PartRequest) ([]any, string, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, "", fmt.Errorf("encode part request %s: %w", r.ID, err)
	}
	return []any{r.ID, string(r.Ticket), string(r.State), nsec(r.At), string(data)}, string(data), nil
}

// trackingKey folds a tracking number (or an ID) as FindShipment compares
// it: trimmed, ASCII letters in lower case, as SQLite's lower() folds the
// IDs in shipments_id_folded.
func trackingKey(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, strings.TrimSpace(s))
}

// shipmentArgs are the columns of shipmentSave and shipmentLoad but the last.
func shipmentArgs(s app.Shipment) ([]any, string, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, "", fmt.Errorf("encode shipment %s: %w", s.ID, err)
	}
	var received any
	if s.Receipt != nil {
		received = nsec(s.Receipt.At)
	}
	return []any{s.ID, string(s.From), string(s.To), string(s.State), trackingKey(s.Tracking), nsec(s.At), received, string(data)}, string(data), nil
}

func errRequestNotFound(id string) *app.Error {
	return app.Errorf(app.ENOTFOUND, "part_request.not_found", "Part request {{.ID}} was not found.", "ID", id)
}

func errShipmentNotFound(id string) *app.Error {
	return app.Errorf(app.ENOTFOUND, "shipment.not_found", "Shipment {{.ID}} was not found.", "ID", id)
}

func decodeRequest(data []byte) (app.PartRequest, error) {
	var r app.PartRequest
	if err := json.Unmarshal(data, &r); err != nil || r.ID == "" {
		return r, app.Errorf(app.ECORRUPT, "store.request_damaged", "A part request on this device is damaged. Sync to download it again.").WithCause(err)
	}
	return r, nil
}

func decodeShipment(data []byte) (app.Shipment, error) {
	var s app.Shipment
	if err := json.Unmarshal(data, &s); err != nil || s.ID == "" {
		return s, app.Errorf(app.ECORRUPT, "store.shipment_damaged", "A shipment on this device is damaged. Sync to download it again.").WithCause(err)
	}
	return s, nil
}

func getPartRequest(ctx context.Context, q rowQueryer, id string) (app.PartRequest, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM part_requests WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.PartRequest{}, errRequestNotFound(id)
	} else if err != nil {
		return app.PartRequest{}, err
	}
	return decodeRequest(data)
}

func getShipment(ctx context.Context, q rowQueryer, id string) (app.Shipment, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM shipments WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Shipment{}, errShipmentNotFound(id)
	} else if err != nil {
		return app.Shipment{}, err
	}
	return decodeShipment(data)
}

// queryRequests and queryShipments read the data column of a query's rows.
func queryRequests(ctx context.Context, q rowQueryer, query string, args ...any) ([]app.PartRequest, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.PartRequest{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		r, err := decodeRequest(data)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func queryShipments(ctx context.Context, q rowQueryer, query string, args ...any) ([]app.Shipment, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Shipment{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		s, err := decodeShipment(data)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const ticketRequestsQuery = `SELECT data FROM part_requests WHERE ticket_id = ? ORDER BY at, id`

func (m *mutationTx) PartRequest(ctx context.Context, id string) (app.PartRequest, error) {
	r, err := getPartRequest(ctx, m.tx, id)
	return r, m.db.sqlError(err)
}

// SavePartRequest writes the request's view; see requestSave.
func (m *mutationTx) SavePartRequest(ctx context.Context, r app.PartRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	args, _, err := requestArgs(r)
	if err != nil {
		return err
	}
	_, err = m.tx.ExecContext(ctx, requestSave, append(args, m.seqArg())...)
	if foreignKeyFailed(err) {
		return errNoTicket(r.Ticket).WithCause(err)
	}
	return m.db.sqlError(err)
}

func (m *mutationTx) PartRequests(ctx context.Context, ticket app.TicketID) ([]app.PartRequest, error) {
	rs, err := queryRequests(ctx, m.tx, ticketRequestsQuery, string(ticket))
	return rs, m.db.sqlError(err)
}

func (m *mutationTx) Shipment(ctx context.Context, id string) (app.Shipment, error) {
	s, err := getShipment(ctx, m.tx, id)
	return s, m.db.sqlError(err)
}

// SaveShipment writes the shipment's view; see shipmentSave.
func (m *mutationTx) SaveShipment(ctx context.Context, s app.Shipment) error {
	if err := s.Validate(); err != nil {
		return err
	}
	args, _, err := shipmentArgs(s)
	if err != nil {
		return err
	}
	_, err = m.tx.ExecContext(ctx, shipmentSave, append(args, m.seqArg())...)
	return m.db.sqlError(err)
}

func (l *loader) partRequest(r app.PartRequest) error {
	if r.ID == "" || r.Ticket == "" {
		return missing("part request")
	}
	args, data, err := requestArgs(r)
	if err != nil {
		return err
	}
	if _, err := l.exec(requestLoad, append(args, data)...); err != nil {
		return fmt.Errorf("load part request %s: %w", r.ID, err)
	}
	return nil
}

func (l *loader) shipment(s app.Shipment) error {
	if s.ID == "" {
		return missing("shipment")
	}
	args, data, err := shipmentArgs(s)
	if err != nil {
		return err
	}
	if _, err := l.exec(shipmentLoad, append(args, data)...); err != nil {
		return fmt.Errorf("load shipment %s: %w", s.ID, err)
	}
	return nil
}

func (l *loader) likelyParts(lp app.LikelyParts) error {
	if lp.Ticket == "" {
		return missing("likely parts list")
	}
	if lp.Parts == nil {
		lp.Parts = []app.LikelyPart{}
	}
	data, err := json.Marshal(lp)
	if err != nil {
		return fmt.Errorf("encode likely parts of %s: %w", lp.Ticket, err)
	}
	if _, err := l.exec(likelyLoad, string(lp.Ticket), nsec(lp.At), string(data)); err != nil {
		return fmt.Errorf("load likely parts of %s: %w", lp.Ticket, err)
	}
	return nil
}

// dropRefusedSupply is dropRefused for part requests and shipments: one
// created here whose creating mutation was refused (no server copy, a
// conflict for its last writer) goes; a view holding a change the server
// refused (it differs from base, and every local change is acknowledged)
// returns to base. The receive movements of a refused shipment.receive go
// with the other refused movements in dropRefused.
func dropRefusedSupply(ctx context.Context, tx *sql.Tx) error {
	const acked = `(SELECT acked_seq FROM device WHERE id = 1)`
	for _, table := range []string{"part_requests", "shipments"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE base IS NULL AND outbox_seq <= `+acked+`
			AND EXISTS (SELECT 1 FROM outbox o JOIN conflicts c ON c.id = 'cf-' || o.id WHERE o.seq = `+table+`.outbox_seq)`); err != nil {
			return fmt.Errorf("drop refused %s: %w", table, err)
		}
	}
	stale := func(table string) ([]string, error) {
		rows, err := tx.QueryContext(ctx, `SELECT base FROM `+table+` WHERE base IS NOT NULL AND base <> data
			AND (outbox_seq IS NULL OR outbox_seq <= `+acked+`)`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var base string
			if err := rows.Scan(&base); err != nil {
				return nil, err
			}
			out = append(out, base)
		}
		return out, rows.Err()
	}
	bases, err := stale("part_requests")
	if err != nil {
		return err
	}
	for _, b := range bases {
		r, err := decodeRequest([]byte(b))
		if err != nil {
			return err
		}
		args, _, err := requestArgs(r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, requestLoad, append(args, b)...); err != nil {
			return fmt.Errorf("restore part request %s: %w", r.ID, err)
		}
	}
	if bases, err = stale("shipments"); err != nil {
		return err
	}
	for _, b := range bases {
		s, err := decodeShipment([]byte(b))
		if err != nil {
			return err
		}
		args, _, err := shipmentArgs(s)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, shipmentLoad, append(args, b)...); err != nil {
			return fmt.Errorf("restore shipment %s: %w", s.ID, err)
		}
	}
	return nil
}

var _ app.SupplyService = (*SupplyService)(nil)

// SupplyService implements app.SupplyService on the store.
type SupplyService struct{ db *DB }

// NewSupplyService returns the store's app.SupplyService.
func NewSupplyService(db *DB) *SupplyService { return &SupplyService{db: db} }

// Bounds of the supply lists: a device holds a technician's or a store's
// parts on their way, dozens, never thousands.
const (
	maxOpenRequests   = 500
	maxShipments      = 200
	maxShipmentPlaces = 20
	// maxLoadListDays bounds LoadList's period: a trip is days, not months.
	maxLoadListDays = 31
)

const (
	// findShipmentQuery looks a folded code up as an ID or a tracking
	// number, through shipments_id_folded and shipments_tracking.
	findShipmentQuery = `SELECT data FROM shipments WHERE lower(id) = ?1 OR tracking_key = ?1
		ORDER BY lower(id) = ?1 DESC, at DESC, id LIMIT 1`
	openRequestsQuery = `SELECT data FROM part_requests WHERE state IN ('requested', 'approved', 'shipped') ORDER BY at, id LIMIT ?`
	// loadListQuery reads the likely parts of a technician's open tickets
	// whose window starts in [?2, ?3), through tickets_technician.
	loadListQuery = `SELECT lp.data FROM tickets t JOIN likely_parts lp ON lp.ticket_id = t.id
		WHERE t.technician = ?1 AND t.is_open = 1 AND t.window_start >= ?2 AND t.window_start < ?3
		ORDER BY t.window_start, t.id`
)

func (s *SupplyService) PartRequests(ctx context.Context, ticket app.TicketID) ([]app.PartRequest, error) {
	rs, err := queryRequests(ctx, s.db.read, ticketRequestsQuery, string(ticket))
	return rs, s.db.sqlError(err)
}

// OpenPartRequests lists at most maxOpenRequests.
func (s *SupplyService) OpenPartRequests(ctx context.Context) ([]app.PartRequest, error) {
	rs, err := queryRequests(ctx, s.db.read, openRequestsQuery, maxOpenRequests)
	return rs, s.db.sqlError(err)
}

// Shipments reads at most maxShipments, for at most maxShipmentPlaces
// locations (the first ones given); none for no location.
func (s *SupplyService) Shipments(ctx context.Context, locs []app.LocationID, limit int) ([]app.Shipment, error) {
	limit = min(max(limit, 1), maxShipments)
	var places []any
	seen := map[app.LocationID]bool{}
	for _, l := range locs {
		if l != "" && !seen[l] && len(places) < maxShipmentPlaces {
			seen[l] = true
			places = append(places, string(l))
		}
	}
	if len(places) == 0 {
		return []app.Shipment{}, nil
	}
	in := "(?" + strings.Repeat(", ?", len(places)-1) + ")"
	where := `(from_loc IN ` + in + ` OR to_loc IN ` + in + `)`
	args := append(append([]any{}, places...), places...)
	out, err := queryShipments(ctx, s.db.read, `SELECT data FROM shipments WHERE state = 'in_transit' AND `+where+`
		ORDER BY at, id LIMIT ?`, append(args, limit)...)
	if err != nil || len(out) == limit {
		return out, s.db.sqlError(err)
	}
	done, err := queryShipments(ctx, s.db.read, `SELECT data FROM shipments WHERE state <> 'in_transit' AND `+where+`
		ORDER BY received_at DESC, id LIMIT ?`, append(args, limit-len(out))...)
	return append(out, done...), s.db.sqlError(err)
}

// FindShipment matches the code, trimmed and in any case (a label may
// print an ID upper case, a thumb types a tracking number lower case),
// against IDs and tracking numbers; an ID wins over a tracking number,
// then the latest shipped.
func (s *SupplyService) FindShipment(ctx context.Context, code string) (app.Shipment, error) {
	code = strings.TrimSpace(code)
	// Longer than any ID or tracking number (app.MaxNameLen): no match,
	// and no query.
	if code == "" || app.TextLen(code) > max(app.MaxIDLen, app.MaxNameLen) {
		return app.Shipment{}, errShipmentNotFound(code)
	}
	out, err := queryShipments(ctx, s.db.read, findShipmentQuery, trackingKey(code))
	if err != nil {
		return app.Shipment{}, s.db.sqlError(err)
	}
	if len(out) == 0 {
		return app.Shipment{}, errShipmentNotFound(code)
	}
	return out[0], nil
}

func (s *SupplyService) LikelyParts(ctx context.Context, ticket app.TicketID) (app.LikelyParts, error) {
	var data []byte
	err := s.db.read.QueryRowContext(ctx, `SELECT data FROM likely_parts WHERE ticket_id = ?`, string(ticket)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return app.LikelyParts{Ticket: ticket, Parts: []app.LikelyPart{}}, nil
	} else if err != nil {
		return app.LikelyParts{}, s.db.sqlError(err)
	}
	return decodeLikely(data)
}

func decodeLikely(data []byte) (app.LikelyParts, error) {
	var lp app.LikelyParts
	if err := json.Unmarshal(data, &lp); err != nil {
		return lp, app.Errorf(app.ECORRUPT, "store.likely_damaged", "The likely parts of a ticket on this device are damaged. Sync to download them again.").WithCause(err)
	}
	return lp, nil
}

// LoadList reads the likely parts of tech's open tickets whose window
// starts in [from, to), at most maxLoadListDays apart, and the van's
// balances (unsent movements included: the parts are in the van), in one
// snapshot.
func (s *SupplyService) LoadList(ctx context.Context, tech app.TechnicianID, van app.LocationID, from, to time.Time) ([]app.LoadLine, error) {
	if !from.Before(to) || to.Sub(from) > maxLoadListDays*24*time.Hour {
		return nil, app.Errorf(app.EINVALID, "supply.load_period", "Choose a period that ends after it starts and spans at most {{.Days}} days.", "Days", maxLoadListDays)
	}
	var lists []app.LikelyParts
	inVan := map[app.PartNumber]int{}
	err := s.db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, loadListQuery, string(tech), from.UnixNano(), to.UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				return err
			}
			lp, err := decodeLikely(data)
			if err != nil {
				return err
			}
			lists = append(lists, lp)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		bals, err := tx.QueryContext(ctx, balancesQuery, string(van))
		if err != nil {
			return err
		}
		defer bals.Close()
		for bals.Next() {
			var part string
			var qty, pending int
			if err := bals.Scan(&part, &qty, &pending); err != nil {
				return err
			}
			inVan[app.PartNumber(part)] = qty
		}
		return bals.Err()
	})
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	return app.LoadList(lists, inVan), nil
}

package central

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

// The office's read side of parts on their way (docs/PROTOCOL.md, "Parts
// on their way", "The office"): bounded pages of the tenant's part
// requests and shipments, with the names a person reads.

// PartRequestView is a part request with the names the office reads.
type PartRequestView struct {
	app.PartRequest
	TicketNumber string `json:"ticket_number"`
	PartName     string `json:"part_name"` // of the wanted part, in English
	ToName       string `json:"to_name"`
}

// ShipmentView is a shipment with the names the office reads.
type ShipmentView struct {
	app.Shipment
	FromName string `json:"from_name"`
	ToName   string `json:"to_name"`
	// PartNames holds the English name of every part on the lines and
	// the receipt.
	PartNames map[app.PartNumber]string `json:"part_names"`
}

// RequestStateOpen selects the requests still waiting for their part.
const RequestStateOpen = "open"

// PartRequestFilter selects part requests: State is a request state or
// RequestStateOpen.
type PartRequestFilter struct {
	State  string
	Ticket app.TicketID
	After  string // the page cursor: the previous page's Next
	Limit  int
}

// PartRequestPage is one page of part requests; Next is "" on the last.
type PartRequestPage struct {
	Requests []PartRequestView `json:"requests"`
	Next     string            `json:"next,omitempty"`
}

// ShipmentFilter selects shipments; Location matches either end.
type ShipmentFilter struct {
	State    app.ShipmentState
	Kind     app.ShipmentKind
	Location app.LocationID
	After    string
	Limit    int
}

// ShipmentPage is one page of shipments; Next is "" on the last.
type ShipmentPage struct {
	Shipments []ShipmentView `json:"shipments"`
	Next      string         `json:"next,omitempty"`
}

const (
	defaultSupplyPage = 100
	maxSupplyPage     = 500
)

// pageParams reads the limit and cursor every supply list takes.
func pageParams(q url.Values) (int, string, error) {
	limit := defaultSupplyPage
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxSupplyPage {
			return 0, "", app.Errorf(app.EINVALID, "supply.bad_limit", "The page size must be 1 to {{.Max}}.", "Max", maxSupplyPage)
		}
		limit = n
	}
	after := q.Get("after")
	if after != "" {
		if _, _, err := parseSupplyCursor(after); err != nil {
			return 0, "", err
		}
	}
	return limit, after, nil
}

// A page cursor is the last record's time and ID.
func supplyCursor(at int64, id string) string { return strconv.FormatInt(at, 10) + "." + id }

func parseSupplyCursor(s string) (int64, string, error) {
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || !app.ValidID(id) {
		return 0, "", app.Errorf(app.EINVALID, "supply.bad_cursor", "The page cursor is not one this server gave: list again from the first page.")
	}
	return n, id, nil
}

// ParsePartRequestFilter reads a filter from a query string, refusing
// what it cannot read rather than listing more than was asked.
func ParsePartRequestFilter(q url.Values) (PartRequestFilter, error) {
	f := PartRequestFilter{State: q.Get("state"), Ticket: app.TicketID(q.Get("ticket"))}
	if f.State != "" && f.State != RequestStateOpen && !app.RequestState(f.State).Valid() {
		return f, app.Errorf(app.EINVALID, "supply.bad_state", "Unknown state {{.State}}: use one the list offers.", "State", f.State)
	}
	if f.Ticket != "" && !app.ValidID(string(f.Ticket)) {
		return f, app.Errorf(app.EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "ticket", "Max", app.MaxIDLen)
	}
	var err error
	f.Limit, f.After, err = pageParams(q)
	return f, err
}

// ParseShipmentFilter reads a filter from a query string.
func ParseShipmentFilter(q url.Values) (ShipmentFilter, error) {
	f := ShipmentFilter{State: app.ShipmentState(q.Get("state")), Kind: app.ShipmentKind(q.Get("kind")), Location: app.LocationID(q.Get("location"))}
	if f.State != "" && f.State != app.ShipmentInTransit && f.State != app.ShipmentReceived {
		return f, app.Errorf(app.EINVALID, "supply.bad_state", "Unknown state {{.State}}: use one the list offers.", "State", string(f.State))
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, app.Errorf(app.EINVALID, "supply.bad_kind", "Unknown shipment kind {{.Kind}}: use supply or return.", "Kind", string(f.Kind))
	}
	if f.Location != "" && !app.ValidID(string(f.Location)) {
		return f, app.Errorf(app.EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "location", "Max", app.MaxIDLen)
	}
	var err error
	f.Limit, f.After, err = pageParams(q)
	return f, err
}

// PartRequestsList answers a page of the tenant's part requests, oldest
// first (by request time, then ID).
func (db *DB) PartRequestsList(ctx context.Context, tenant string, f PartRequestFilter) (PartRequestPage, error) {
	where := []string{"i.tenant = ?"}
	args := []any{tenant}
	switch {
	case f.State == RequestStateOpen:
		where = append(where, "i.state IN (?, ?, ?)")
		args = append(args, string(app.RequestRequested), string(app.RequestApproved), string(app.RequestShipped))
	case f.State != "":
		where = append(where, "i.state = ?")
		args = append(args, f.State)
	}
	if f.Ticket != "" {
		where = append(where, "i.ticket = ?")
		args = append(args, string(f.Ticket))
	}
	page := PartRequestPage{Requests: []PartRequestView{}}
	names := newNamer(db, tenant)
	var last app.PartRequest
	more, err := db.supplyPage(ctx, "part_request_index", kindPartRequest, where, args, f.After, f.Limit, func(data string) error {
		var r app.PartRequest
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return err
		}
		v := PartRequestView{PartRequest: r}
		var err error
		if v.TicketNumber, err = names.ticket(ctx, r.Ticket); err != nil {
			return err
		}
		if v.PartName, err = names.part(ctx, r.Wanted()); err != nil {
			return err
		}
		if v.ToName, err = names.location(ctx, r.To); err != nil {
			return err
		}
		page.Requests = append(page.Requests, v)
		last = r
		return nil
	})
	if more {
		page.Next = supplyCursor(last.At.UnixNano(), last.ID)
	}
	return page, err
}

// Shipments answers a page of the tenant's shipments, oldest first (by
// the time they were sent, then ID).
func (db *DB) Shipments(ctx context.Context, tenant string, f ShipmentFilter) (ShipmentPage, error) {
	where := []string{"i.tenant = ?"}
	args := []any{tenant}
	if f.State != "" {
		where = append(where, "i.state = ?")
		args = append(args, string(f.State))
	}
	if f.Kind != "" {
		where = append(where, "i.kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.Location != "" {
		where = append(where, "(i.from_loc = ? OR i.to_loc = ?)")
		args = append(args, string(f.Location), string(f.Location))
	}
	page := ShipmentPage{Shipments: []ShipmentView{}}
	names := newNamer(db, tenant)
	var last app.Shipment
	more, err := db.supplyPage(ctx, "shipment_index", kindShipment, where, args, f.After, f.Limit, func(data string) error {
		var s app.Shipment
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			return err
		}
		v, err := names.shipment(ctx, s)
		if err != nil {
			return err
		}
		page.Shipments = append(page.Shipments, v)
		last = s
		return nil
	})
	if more {
		page.Next = supplyCursor(last.At.UnixNano(), last.ID)
	}
	return page, err
}

// Shipment answers one shipment of the tenant with its names; ENOTFOUND
// (shipment.not_found) for another tenant's, as for an unknown one.
func (db *DB) Shipment(ctx context.Context, tenant, id string) (ShipmentView, error) {
	var s app.Shipment
	if err := db.readEntity(ctx, tenant, kindShipment, id, &s); err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			err = errShipmentNotFound(id)
		}
		return ShipmentView{}, err
	}
	return newNamer(db, tenant).shipment(ctx, s)
}

// supplyPage reads one page of an index (part_request_index or
// shipment_index) joined to its entities, in (at, id) order after the
// cursor, calling fn with each entity's JSON; it reports whether more
// follow. The conditions are the callers' constants, the values
// placeholders.
func (db *DB) supplyPage(ctx context.Context, index, kind string, where []string, args []any, after string, limit int, fn func(data string) error) (bool, error) {
	if after != "" {
		at, id, err := parseSupplyCursor(after)
		if err != nil {
			return false, err
		}
		where = append(where, "(i.at, i.id) > (?, ?)")
		args = append(args, at, id)
	}
	args = append([]any{kind}, args...)
	args = append(args, limit+1)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT i.id, e.data FROM `+index+` i
		JOIN entities e ON e.tenant = i.tenant AND e.kind = ? AND e.id = i.id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY i.at, i.id LIMIT ?`), args...)
	if err != nil {
		return false, transient(err)
	}
	var ids, datas []string
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			rows.Close()
			return false, transient(err)
		}
		ids, datas = append(ids, id), append(datas, data)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, transient(err)
	}
	more := len(datas) > limit
	for i := range min(len(datas), limit) {
		// Decoded after the rows are closed: fn reads names with
		// queries of its own.
		if err := fn(datas[i]); err != nil {
			var ae *app.Error
			if errors.As(err, &ae) {
				return false, err // reading a name failed
			}
			return false, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kind, "ID", ids[i]).WithCause(err)
		}
	}
	return more, nil
}

// namer looks up the names of tickets, parts and locations once per page.
type namer struct {
	db     *DB
	tenant string
	names  map[entityKey]string
}

func newNamer(db *DB, tenant string) *namer {
	return &namer{db: db, tenant: tenant, names: map[entityKey]string{}}
}

// name reads an entity and takes its name; a record that is not there
// (a part dropped from the catalog) has none.
func (n *namer) name(ctx context.Context, kind, id string, v any, take func() string) (string, error) {
	k := entityKey{kind, id}
	if s, ok := n.names[k]; ok {
		return s, nil
	}
	err := n.db.readEntity(ctx, n.tenant, kind, id, v)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return "", err
	}
	s := ""
	if err == nil {
		s = take()
	}
	n.names[k] = s
	return s, nil
}

func (n *namer) ticket(ctx context.Context, id app.TicketID) (string, error) {
	var t app.Ticket
	return n.name(ctx, kindTicket, string(id), &t, func() string { return t.Number })
}

func (n *namer) part(ctx context.Context, id app.PartNumber) (string, error) {
	var p app.Part
	return n.name(ctx, kindPart, string(id), &p, func() string { return p.NameEN })
}

func (n *namer) location(ctx context.Context, id app.LocationID) (string, error) {
	var l app.Location
	return n.name(ctx, kindLocation, string(id), &l, func() string { return l.Name })
}

func (n *namer) shipment(ctx context.Context, s app.Shipment) (ShipmentView, error) {
	v := ShipmentView{Shipment: s, PartNames: map[app.PartNumber]string{}}
	var err error
	if v.FromName, err = n.location(ctx, s.From); err != nil {
		return v, err
	}
	if v.ToName, err = n.location(ctx, s.To); err != nil {
		return v, err
	}
	parts := make([]app.PartNumber, 0, len(s.Lines))
	for _, l := range s.Lines {
		parts = append(parts, l.Part)
	}
	if s.Receipt != nil {
		for _, l := range s.Receipt.Lines {
			parts = append(parts, l.Part)
		}
	}
	for _, p := range parts {
		if _, ok := v.PartNames[p]; ok {
			continue
		}
		if v.PartNames[p], err = n.part(ctx, p); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *Server) handlePartRequests(w http.ResponseWriter, r *http.Request, p Principal) {
	f, err := ParsePartRequestFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.db.PartRequestsList(r.Context(), p.Tenant, f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, page)
}

func (s *Server) handleShipments(w http.ResponseWriter, r *http.Request, p Principal) {
	f, err := ParseShipmentFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.db.Shipments(r.Context(), p.Tenant, f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, page)
}

func (s *Server) handleShipment(w http.ResponseWriter, r *http.Request, p Principal) {
	v, err := s.db.Shipment(r.Context(), p.Tenant, r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, v)
}

package conformance

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Written from PROTOCOL.md, "Parts on their way": part requests, shipments
// and the office's reads of them.

// partPump fits the model W1 of the cases' tickets (newTicket): a
// substitute the office may approve.
const partPump = "CF-PUMP"

// partRequest is a part request view (a pulled one has no names).
type partRequest struct {
	ID           string `json:"id"`
	Ticket       string `json:"ticket"`
	Part         string `json:"part"`
	Qty          int    `json:"qty"`
	Urgency      string `json:"urgency"`
	To           string `json:"to"`
	RequestedBy  string `json:"requested_by"`
	State        string `json:"state"`
	Substitute   string `json:"substitute"`
	Reason       string `json:"reason"`
	DecidedBy    string `json:"decided_by"`
	Shipment     string `json:"shipment"`
	Received     int    `json:"received"`
	TicketNumber string `json:"ticket_number"`
	PartName     string `json:"part_name"`
	ToName       string `json:"to_name"`
}

type shipmentLine struct {
	Part    string `json:"part"`
	Qty     int    `json:"qty"`
	Request string `json:"request,omitempty"`
	Ticket  string `json:"ticket,omitempty"`
}

type difference struct {
	Kind     string `json:"kind"`
	Part     string `json:"part"`
	Shipped  int    `json:"shipped"`
	Received int    `json:"received"`
	Damaged  int    `json:"damaged,omitempty"`
}

// receiptLine is a line of a stored receipt.
type receiptLine struct {
	Part    string `json:"part"`
	Qty     int    `json:"qty"`
	Damaged int    `json:"damaged,omitempty"`
	Note    string `json:"note,omitempty"`
}

// shipment is a shipment view (a pulled one has no names).
type shipment struct {
	ID      string         `json:"id"`
	Kind    string         `json:"kind"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	State   string         `json:"state"`
	By      string         `json:"by"`
	Lines   []shipmentLine `json:"lines"`
	Receipt *struct {
		ID          string        `json:"id"`
		By          string        `json:"by"`
		Lines       []receiptLine `json:"lines"`
		Defective   string        `json:"defective"`
		Differences []difference  `json:"differences"`
	} `json:"receipt"`
	FromName  string            `json:"from_name"`
	ToName    string            `json:"to_name"`
	PartNames map[string]string `json:"part_names"`
}

func requestArgs(id, ticket, part, to string, qty int) map[string]any {
	return map[string]any{"request": map[string]any{"id": id, "ticket": ticket, "part": part, "qty": qty, "urgency": "normal", "to": to}}
}

func decideArgs(request, ticket, decision, part, reason string) map[string]any {
	m := map[string]any{"request": request, "ticket": ticket, "decision": decision}
	if part != "" {
		m["part"] = part
	}
	if reason != "" {
		m["reason"] = reason
	}
	return m
}

func cancelArgs(request, ticket string) map[string]any {
	return map[string]any{"request": request, "ticket": ticket, "reason": "the customer found one"}
}

func shipArgs(id, kind, from, to string, lines ...shipmentLine) map[string]any {
	return map[string]any{"shipment": map[string]any{"id": id, "kind": kind, "from": from, "to": to,
		"carrier": "SF Express", "tracking": "SF" + id, "lines": lines}}
}

// receiveArgs counts parts out of a shipment: part, qty, part, qty, ...
func receiveArgs(shipmentID string, counted ...any) map[string]any {
	lines := []map[string]any{}
	for i := 0; i+1 < len(counted); i += 2 {
		lines = append(lines, map[string]any{"part": counted[i], "qty": counted[i+1]})
	}
	return map[string]any{"shipment": shipmentID, "receipt": map[string]any{"id": newID(), "lines": lines}}
}

// supplyWorld is a field technician with a van, a defective bin and a
// ticket, a paired device, and a warehouse holding 50 of each part.
type supplyWorld struct {
	tc     tech
	dev    *device
	tk     ticketView
	wh     string
	bin    string
	others tech // another field technician, with a van and a device
	odev   *device
}

func (s *service) supplyWorld(t *testing.T) supplyWorld {
	t.Helper()
	s.ensureParts(t)
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,models\n"+partPump+",Drain pump,main,W1\n"), &got)
	w := supplyWorld{tc: s.addFieldTech(t, "supply", 5), others: s.addFieldTech(t, "elsewhere", 5), wh: name("wh")}
	w.bin = w.tc.id + "-bin"
	s.adminOK(t, "PUT", "/v1/admin/locations/"+w.wh, map[string]any{"id": w.wh, "kind": "warehouse", "name": "Warehouse " + w.wh}, nil)
	s.adminOK(t, "PUT", "/v1/admin/locations/"+w.bin, map[string]any{"id": w.bin, "kind": "defective", "name": "Returns of " + w.tc.id, "owner": w.tc.id}, nil)
	for _, p := range []string{partFilter, partBelt, partPump} {
		s.importStock(t, w.wh, p, 50)
	}
	w.dev, w.odev = s.pair(t, w.tc.id), s.pair(t, w.others.id)
	w.tk = s.newTicket(t, w.tc.id, "")
	return w
}

// request is one part request as the office reads it.
func (s *service) request(t *testing.T, ticket, id string) partRequest {
	t.Helper()
	var out struct {
		Requests []partRequest `json:"requests"`
	}
	s.adminOK(t, "GET", "/v1/admin/part-requests?ticket="+url.QueryEscape(ticket), nil, &out)
	for _, r := range out.Requests {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("request %s is not listed for ticket %s: %+v", id, ticket, out.Requests)
	return partRequest{}
}

func (s *service) shipment(t *testing.T, id string) shipment {
	t.Helper()
	var sh shipment
	s.adminOK(t, "GET", "/v1/admin/shipments/"+url.PathEscape(id), nil, &sh)
	return sh
}

// dispatchRefused runs a mutation as dispatch that must be refused with
// status and key, and must change nothing the case then checks.
func (s *service) dispatchRefused(t *testing.T, mutation string, args any, status int, key string) {
	t.Helper()
	a := s.dispatch(t, mutation, args)
	if a.status != status {
		t.Errorf("dispatch %s: HTTP %d %s, want %d %s", mutation, a.status, a.body, status, key)
		return
	}
	if e := a.apiErr(t); e.Key != key {
		t.Errorf("dispatch %s: key %s, want %s", mutation, e.Key, key)
	}
}

// pushRefused pushes a mutation that must be refused with key.
func (d *device) pushRefused(t *testing.T, m mutation, key string) rejection {
	t.Helper()
	x, refused := d.pushOne(t, m)
	if !refused || x.Key != key {
		t.Errorf("%s: refusal %+v (refused %v), want %s", m.Name, x, refused, key)
	}
	return x
}

func (d *device) pushApplied(t *testing.T, m mutation) {
	t.Helper()
	if x, refused := d.pushOne(t, m); refused {
		t.Fatalf("%s was refused: %+v", m.Name, x)
	}
}

// A request moves requested -> approved -> shipped -> short as the table
// says; shipping takes the parts out of the warehouse and puts them in no
// location until they are received, and the receipt adds what was
// counted; the device pulls the request and the shipment in each state.
func TestPartRequestToReceipt(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		req := newID()
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(req, w.tk.ID, partFilter, w.tc.van, 2)))
		r := s.request(t, w.tk.ID, req)
		if r.State != "requested" || r.Qty != 2 || r.RequestedBy == "" || r.TicketNumber != w.tk.Number || r.PartName != "Water filter" || r.ToName != "Van of "+w.tc.id {
			t.Errorf("the new request reads %+v", r)
		}
		s.dispatchOK(t, "part.decide_request", decideArgs(req, w.tk.ID, "approve", "", ""))
		if r := s.request(t, w.tk.ID, req); r.State != "approved" || r.DecidedBy == "" {
			t.Errorf("approved: %+v", r)
		}
		whBefore, vanBefore := s.balance(t, w.wh, partFilter), s.balance(t, w.tc.van, partFilter)
		ship := newID()
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 2, Request: req, Ticket: w.tk.ID}))
		if r := s.request(t, w.tk.ID, req); r.State != "shipped" || r.Shipment != ship {
			t.Errorf("shipped: %+v", r)
		}
		if sh := s.shipment(t, ship); sh.State != "in_transit" || sh.Receipt != nil || sh.FromName != "Warehouse "+w.wh || sh.ToName != "Van of "+w.tc.id || sh.PartNames[partFilter] != "Water filter" {
			t.Errorf("the shipment reads %+v", sh)
		}
		if wh, van := s.balance(t, w.wh, partFilter), s.balance(t, w.tc.van, partFilter); wh != whBefore-2 || van != vanBefore {
			t.Errorf("in transit: warehouse %d (was %d), van %d (was %d): want the warehouse down by 2, the van as it was", wh, whBefore, van, vanBefore)
		}
		p := w.dev.pullAll(t)
		if !slices.ContainsFunc(p.PartRequests, func(r partRequest) bool { return r.ID == req && r.State == "shipped" }) ||
			!slices.ContainsFunc(p.Shipments, func(sh shipment) bool { return sh.ID == ship && sh.State == "in_transit" }) {
			t.Errorf("the device pulled requests %+v and shipments %+v", p.PartRequests, p.Shipments)
		}
		w.dev.pushApplied(t, w.dev.mut("shipment.receive", receiveArgs(ship, partFilter, 1)))
		if r := s.request(t, w.tk.ID, req); r.State != "short" || r.Received != 1 {
			t.Errorf("one of two arrived: the request is %+v, want short with 1 received", r)
		}
		if van := s.balance(t, w.tc.van, partFilter); van != vanBefore+1 {
			t.Errorf("the van holds %d after the receipt, want %d", van, vanBefore+1)
		}
		if p := w.dev.pullAll(t); !slices.ContainsFunc(p.PartRequests, func(r partRequest) bool { return r.ID == req && r.State == "short" && r.Received == 1 }) ||
			!slices.ContainsFunc(p.Shipments, func(sh shipment) bool { return sh.ID == ship && sh.State == "received" && sh.Receipt != nil }) {
			t.Errorf("after the receipt the device pulled requests %+v and shipments %+v", p.PartRequests, p.Shipments)
		}
	})
}

// Who may move a request and which moves are refused, with the status and
// key the table and its notes give; a refused move changes nothing.
func TestPartRequestRules(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		// The technician: the shape of a new request, their own locations,
		// no decisions.
		w.dev.pushRefused(t, w.dev.mut("part.request", requestArgs(newID(), w.tk.ID, partFilter, w.tc.van, 0)), "part_request.bad_qty")
		w.dev.pushRefused(t, w.dev.mut("part.request", requestArgs(newID(), w.tk.ID, partFilter, w.tc.van, 101)), "part_request.bad_qty")
		bad := requestArgs(newID(), w.tk.ID, partFilter, w.tc.van, 1)
		bad["request"].(map[string]any)["urgency"] = "soon"
		w.dev.pushRefused(t, w.dev.mut("part.request", bad), "part_request.bad_urgency")
		bad = requestArgs(newID(), w.tk.ID, partFilter, w.tc.van, 1)
		bad["request"].(map[string]any)["state"] = "approved"
		w.dev.pushRefused(t, w.dev.mut("part.request", bad), "part_request.server_fields")
		w.dev.pushRefused(t, w.dev.mut("part.request", requestArgs(newID(), w.tk.ID, partFilter, w.others.van, 1)), "stock.not_your_location")
		req := newID()
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(req, w.tk.ID, partFilter, w.tc.van, 1)))
		w.dev.pushRefused(t, w.dev.mut("part.decide_request", decideArgs(req, w.tk.ID, "approve", "", "")), "mutation.forbidden_role")

		// The office's decisions.
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "approve", partPump, ""), http.StatusBadRequest, "part_request.part_only_for_substitute")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "substitute", partBelt, "newer revision"), http.StatusBadRequest, "part_request.substitute_does_not_fit")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "substitute", partPump, ""), http.StatusBadRequest, "part_request.needs_reason")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "reject", "", ""), http.StatusBadRequest, "part_request.needs_reason")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "maybe", "", "why not"), http.StatusBadRequest, "part_request.bad_decision")
		other := s.newTicket(t, w.tc.id, "")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, other.ID, "approve", "", ""), http.StatusNotFound, "part_request.not_found")
		if r := s.request(t, w.tk.ID, req); r.State != "requested" || r.Substitute != "" {
			t.Errorf("after refused decisions the request is %+v, want requested as it was", r)
		}
		s.dispatchOK(t, "part.decide_request", decideArgs(req, w.tk.ID, "substitute", partPump, "the newer revision"))
		if r := s.request(t, w.tk.ID, req); r.State != "approved" || r.Substitute != partPump {
			t.Errorf("substituted: %+v", r)
		}
		// Shipping names the wanted part and the request's place.
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1, Request: req}), http.StatusBadRequest, "shipment.request_other_part")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.others.van, shipmentLine{Part: partPump, Qty: 1, Request: req}), http.StatusBadRequest, "shipment.request_elsewhere")
		s.dispatchOK(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partPump, Qty: 1, Request: req}))
		s.dispatchRefused(t, "part.cancel_request", cancelArgs(req, w.tk.ID), http.StatusConflict, "part_request.not_cancellable")
		s.dispatchRefused(t, "part.decide_request", decideArgs(req, w.tk.ID, "reject", "", "too late"), http.StatusConflict, "part_request.already_decided")
		w.dev.pushRefused(t, w.dev.mut("part.cancel_request", cancelArgs(req, w.tk.ID)), "part_request.not_cancellable")

		// A cancelled request is final and does not ship; a requested one
		// ships from dispatch, which approves it by shipping.
		gone, asked := newID(), newID()
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(gone, w.tk.ID, partBelt, w.tc.van, 1)))
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(asked, w.tk.ID, partBelt, w.tc.van, 1)))
		w.dev.pushApplied(t, w.dev.mut("part.cancel_request", cancelArgs(gone, w.tk.ID)))
		if r := s.request(t, w.tk.ID, gone); r.State != "cancelled" {
			t.Errorf("cancelled: %+v", r)
		}
		s.dispatchRefused(t, "part.decide_request", decideArgs(gone, w.tk.ID, "approve", "", ""), http.StatusConflict, "part_request.already_decided")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partBelt, Qty: 1, Request: gone}), http.StatusConflict, "shipment.request_not_approved")
		s.dispatchOK(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partBelt, Qty: 1, Request: asked}))
		if r := s.request(t, w.tk.ID, asked); r.State != "shipped" || r.DecidedBy == "" {
			t.Errorf("a requested request shipped by dispatch is %+v, want shipped and decided", r)
		}

		// Only open tickets get parts requested.
		s.dispatchOK(t, "ticket.cancel", transition(other.ID, 1, "reason", "customer withdrew"))
		s.dispatchRefused(t, "part.request", requestArgs(newID(), other.ID, partFilter, w.tc.van, 1), http.StatusConflict, "part_request.ticket_not_open")
	})
}

// Who may ship what: dispatch anything, a technician only a return from
// their own defective bin; returns never go to a van; parts leave a
// defective bin only in a return. A return leaves the bin when it ships
// and enters the warehouse when dispatch receives it.
func TestShipmentRules(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		w.dev.pushRefused(t, w.dev.mut("shipment.send", shipArgs(newID(), "supply", w.tc.van, w.others.van, shipmentLine{Part: partFilter, Qty: 1})), "shipment.supply_dispatch_only")
		w.odev.pushRefused(t, w.odev.mut("shipment.send", shipArgs(newID(), "return", w.bin, w.wh, shipmentLine{Part: partFilter, Qty: 1})), "stock.not_your_location")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "return", w.bin, w.tc.van, shipmentLine{Part: partFilter, Qty: 1}), http.StatusBadRequest, "shipment.return_to_van")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.wh, shipmentLine{Part: partFilter, Qty: 1}), http.StatusBadRequest, "shipment.same_location")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van), http.StatusBadRequest, "shipment.no_lines")
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 0}), http.StatusBadRequest, "shipment.bad_qty")
		withState := shipArgs(newID(), "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1})
		withState["shipment"].(map[string]any)["state"] = "received"
		s.dispatchRefused(t, "shipment.send", withState, http.StatusBadRequest, "shipment.server_fields")
		s.importStock(t, w.bin, partBelt, 3)
		s.dispatchRefused(t, "shipment.send", shipArgs(newID(), "supply", w.bin, w.others.van, shipmentLine{Part: partBelt, Qty: 1}), http.StatusBadRequest, "shipment.defective_returns_only")
		if n := s.balance(t, w.wh, partFilter); n != 50 {
			t.Errorf("refused shipments moved stock: the warehouse holds %d, want 50", n)
		}

		// The technician's return from their bin, received by dispatch.
		ret := newID()
		w.dev.pushApplied(t, w.dev.mut("shipment.send", shipArgs(ret, "return", w.bin, w.wh, shipmentLine{Part: partBelt, Qty: 2, Ticket: w.tk.ID})))
		if bin, wh := s.balance(t, w.bin, partBelt), s.balance(t, w.wh, partBelt); bin != 1 || wh != 50 {
			t.Errorf("the return shipped: bin %d, warehouse %d; want 1 and 50 (in transit, in no location)", bin, wh)
		}
		s.dispatchOK(t, "shipment.receive", receiveArgs(ret, partBelt, 2))
		if sh := s.shipment(t, ret); sh.Kind != "return" || sh.State != "received" || sh.Receipt == nil || len(sh.Receipt.Differences) != 0 {
			t.Errorf("the received return reads %+v", sh)
		}
		if wh := s.balance(t, w.wh, partBelt); wh != 52 {
			t.Errorf("the warehouse holds %d after the return, want 52", wh)
		}
		// Shipping more than the bin holds is applied with a negative_stock
		// conflict, as a consumption is.
		over := newID()
		w.dev.pushApplied(t, w.dev.mut("shipment.send", shipArgs(over, "return", w.bin, w.wh, shipmentLine{Part: partBelt, Qty: 3})))
		if cs := s.conflicts(t, func(c conflict) bool { return c.Kind == "negative_stock" && c.Technician == w.tc.id }); len(cs) != 1 {
			t.Errorf("negative_stock conflicts after shipping 3 of 1: %+v, want one", cs)
		}
	})
}

// The first receipt wins: two devices of one store count the same parcel;
// the second push becomes a rejected conflict with
// shipment.already_received and adds nothing; dispatch's own second
// receipt is 409; a technician of another location is answered as for an
// unknown shipment.
func TestFirstReceiptWins(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		store := name("store")
		shelf := store + "-shelf"
		s.adminOK(t, "PUT", "/v1/admin/locations/"+shelf, map[string]any{"id": shelf, "kind": "store", "name": "Shelf " + store, "owner": store}, nil)
		a, b := s.pair(t, s.addCounterTech(t, "counter", store).id), s.pair(t, s.addCounterTech(t, "counter", store).id)
		ship := newID()
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, shelf, shipmentLine{Part: partFilter, Qty: 3}))
		w.dev.pushRefused(t, w.dev.mut("shipment.receive", receiveArgs(ship, partFilter, 3)), "shipment.not_found")
		first := a.mut("shipment.receive", receiveArgs(ship, partFilter, 3))
		second := b.mut("shipment.receive", receiveArgs(ship, partFilter, 2))
		a.pushApplied(t, first)
		x := b.pushRefused(t, second, "shipment.already_received")
		c, ok := s.conflictByID(t, x.Conflict)
		if !ok || c.Kind != "rejected" || c.Key != "shipment.already_received" || c.Mutation != second.ID {
			t.Errorf("the second receipt's conflict is %+v (found %v), want a rejected one holding mutation %s", c, ok, second.ID)
		}
		if n := s.balance(t, shelf, partFilter); n != 3 {
			t.Errorf("the shelf holds %d, want the first receipt's 3 only", n)
		}
		if sh := s.shipment(t, ship); sh.Receipt == nil || sh.Receipt.ID != first.Args.(map[string]any)["receipt"].(map[string]any)["id"] {
			t.Errorf("the shipment holds receipt %+v, want the first", sh.Receipt)
		}
		s.dispatchRefused(t, "shipment.receive", receiveArgs(ship, partFilter, 3), http.StatusConflict, "shipment.already_received")
		if n := s.balance(t, shelf, partFilter); n != 3 {
			t.Errorf("the shelf holds %d after dispatch's refused receipt, want 3", n)
		}
	})
}

// Differences are recorded per part, in the shipment's order and then the
// receipt's, and not adjusted: the receiver holds what was counted.
func TestReceiptDifferences(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		ship := newID()
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 2}, shipmentLine{Part: partBelt, Qty: 1}))
		before := map[string]int{}
		for _, p := range []string{partFilter, partBelt, partPump} {
			before[p] = s.balance(t, w.tc.van, p)
		}
		w.dev.pushApplied(t, w.dev.mut("shipment.receive", receiveArgs(ship, partFilter, 1, partBelt, 2, partPump, 1)))
		sh := s.shipment(t, ship)
		want := []difference{{"short", partFilter, 2, 1, 0}, {"extra", partBelt, 1, 2, 0}, {"wrong", partPump, 0, 1, 0}}
		if sh.Receipt == nil || !slices.Equal(sh.Receipt.Differences, want) {
			t.Errorf("the receipt records %+v, want differences %+v", sh.Receipt, want)
		}
		if sh.State != "received" || sh.Receipt == nil || sh.Receipt.By == "" {
			t.Errorf("the received shipment reads %+v", sh)
		}
		for p, n := range map[string]int{partFilter: 1, partBelt: 2, partPump: 1} {
			if got := s.balance(t, w.tc.van, p); got != before[p]+n {
				t.Errorf("the van holds %d of %s, want %d: what was counted", got, p, before[p]+n)
			}
		}
	})
}

// A device pulls only its own technician's requests and shipments, and
// one of another technician's is answered as unknown; another tenant's
// dispatcher does not find them.
func TestSupplyScopes(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		req, ship := newID(), newID()
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(req, w.tk.ID, partFilter, w.tc.van, 1)))
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1, Request: req}))
		mine, theirs := w.dev.pullAll(t), w.odev.pullAll(t)
		if !slices.ContainsFunc(mine.PartRequests, func(r partRequest) bool { return r.ID == req }) || !slices.ContainsFunc(mine.Shipments, func(sh shipment) bool { return sh.ID == ship }) {
			t.Errorf("the technician's device lacks its request or shipment: %+v %+v", mine.PartRequests, mine.Shipments)
		}
		if len(theirs.PartRequests) != 0 || len(theirs.Shipments) != 0 {
			t.Errorf("another technician's device pulled requests %+v and shipments %+v", theirs.PartRequests, theirs.Shipments)
		}
		w.odev.pushRefused(t, w.odev.mut("shipment.receive", receiveArgs(ship, partFilter, 1)), "shipment.not_found")
		if x, refused := w.odev.pushOne(t, w.odev.mut("part.cancel_request", cancelArgs(req, w.tk.ID))); !refused || x.Code != "not_found" {
			t.Errorf("another technician's cancel: %+v (refused %v), want not_found", x, refused)
		}
		if r := s.request(t, w.tk.ID, req); r.State != "shipped" {
			t.Errorf("the request is %s after the refusals, want shipped", r.State)
		}

		other := s.newTenant(t, name("tenant"))
		a := s.do(t, "GET", "/v1/admin/shipments/"+ship, other, nil)
		if a.status != http.StatusNotFound || a.apiErr(t).Key != "shipment.not_found" {
			t.Errorf("another tenant's GET of the shipment: HTTP %d %s, want 404 shipment.not_found", a.status, a.body)
		}
		for _, path := range []string{"/v1/admin/part-requests", "/v1/admin/shipments"} {
			var out struct {
				Requests  []partRequest `json:"requests"`
				Shipments []shipment    `json:"shipments"`
			}
			a := s.do(t, "GET", path, other, nil)
			if a.status != http.StatusOK || jsonUnmarshal(a.body, &out) != nil || len(out.Requests)+len(out.Shipments) != 0 {
				t.Errorf("another tenant's %s: HTTP %d %s, want an empty list", path, a.status, a.body)
			}
		}
		a = s.do(t, "POST", "/v1/admin/mutations", other, map[string]any{"name": "shipment.receive", "version": 1, "args": receiveArgs(ship, partFilter, 1)})
		if a.status != http.StatusNotFound || a.apiErr(t).Key != "shipment.not_found" {
			t.Errorf("another tenant's receipt: HTTP %d %s, want 404 shipment.not_found", a.status, a.body)
		}
	})
}

// The office's lists: filters, names, pages, and a clear 400 for a
// malformed query rather than a wider list.
func TestSupplyAdminReads(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		reqs := []string{newID(), newID()}
		for _, r := range reqs {
			w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(r, w.tk.ID, partBelt, w.tc.van, 1)))
		}
		s.dispatchOK(t, "part.decide_request", decideArgs(reqs[1], w.tk.ID, "reject", "", "no longer made"))
		// Pages of one, in request order, by the cursor.
		var got []string
		after := ""
		for range 4 {
			var page struct {
				Requests []partRequest `json:"requests"`
				Next     string        `json:"next"`
			}
			s.adminOK(t, "GET", "/v1/admin/part-requests?limit=1&ticket="+w.tk.ID+"&after="+url.QueryEscape(after), nil, &page)
			for _, r := range page.Requests {
				got = append(got, r.ID)
			}
			if after = page.Next; after == "" {
				break
			}
		}
		if !slices.Equal(got, reqs) {
			t.Errorf("pages of one listed %v, want %v", got, reqs)
		}
		for state, want := range map[string][]string{"open": reqs[:1], "requested": reqs[:1], "rejected": reqs[1:], "shipped": nil} {
			var page struct {
				Requests []partRequest `json:"requests"`
			}
			s.adminOK(t, "GET", "/v1/admin/part-requests?state="+state+"&ticket="+w.tk.ID, nil, &page)
			var ids []string
			for _, r := range page.Requests {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("state=%s lists %v, want %v", state, ids, want)
			}
		}
		supply, ret := newID(), newID()
		s.dispatchOK(t, "shipment.send", shipArgs(supply, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1}))
		s.importStock(t, w.bin, partBelt, 1)
		w.dev.pushApplied(t, w.dev.mut("shipment.send", shipArgs(ret, "return", w.bin, w.wh, shipmentLine{Part: partBelt, Qty: 1})))
		for query, want := range map[string][]string{
			"location=" + w.tc.van:                   {supply},
			"location=" + w.bin:                      {ret},
			"location=" + w.wh + "&kind=return":      {ret},
			"location=" + w.wh + "&kind=supply":      {supply},
			"location=" + w.wh + "&state=received":   nil,
			"location=" + w.wh + "&state=in_transit": {supply, ret},
		} {
			var page struct {
				Shipments []shipment `json:"shipments"`
			}
			s.adminOK(t, "GET", "/v1/admin/shipments?"+query, nil, &page)
			var ids []string
			for _, sh := range page.Shipments {
				ids = append(ids, sh.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("shipments?%s lists %v, want %v", query, ids, want)
			}
		}
		for _, c := range []struct{ path, key string }{
			{"/v1/admin/part-requests?state=lost", "supply.bad_state"},
			{"/v1/admin/part-requests?limit=0", "supply.bad_limit"},
			{"/v1/admin/part-requests?limit=501", "supply.bad_limit"},
			{"/v1/admin/part-requests?after=not-a-cursor", "supply.bad_cursor"},
			{"/v1/admin/shipments?kind=gift", "supply.bad_kind"},
			{"/v1/admin/shipments?state=lost", "supply.bad_state"},
			{"/v1/admin/shipments?limit=x", "supply.bad_limit"},
		} {
			a := s.do(t, "GET", c.path, s.admin, nil)
			if a.status != http.StatusBadRequest || a.apiErr(t).Key != c.key {
				t.Errorf("GET %s: HTTP %d %s, want 400 %s", c.path, a.status, a.body, c.key)
			}
		}
		for _, path := range []string{"/v1/admin/part-requests", "/v1/admin/shipments", "/v1/admin/shipments/" + supply} {
			if a := s.do(t, "GET", path, "", nil); a.status != http.StatusUnauthorized {
				t.Errorf("GET %s without a token: HTTP %d, want 401", path, a.status)
			}
			if a := s.do(t, "GET", path, w.dev.token, nil); a.status/100 == 2 {
				t.Errorf("GET %s with a device's token: HTTP %d, want a refusal", path, a.status)
			}
		}
		if a := s.do(t, "GET", "/v1/admin/shipments/"+newID(), s.admin, nil); a.status != http.StatusNotFound || a.apiErr(t).Key != "shipment.not_found" {
			t.Errorf("GET an unknown shipment: HTTP %d %s, want 404 shipment.not_found", a.status, a.body)
		}
	})
}

// A device's new part request, shipment and receipt each need a fresh
// lower-case UUID never used before (PROTOCOL.md, Push and "Receiving").
func TestSupplyNewRecordIDs(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		w.dev.pushRefused(t, w.dev.mut("part.request", requestArgs("REQ-1", w.tk.ID, partFilter, w.tc.van, 1)), "mutation.id_unusable")
		s.importStock(t, w.bin, partBelt, 2)
		w.dev.pushRefused(t, w.dev.mut("shipment.send", shipArgs("RET-1", "return", w.bin, w.wh, shipmentLine{Part: partBelt, Qty: 1})), "mutation.id_unusable")
		first, second := newID(), newID()
		s.dispatchOK(t, "shipment.send", shipArgs(first, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1}))
		s.dispatchOK(t, "shipment.send", shipArgs(second, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1}))
		notFresh := receiveArgs(first, partFilter, 1)
		notFresh["receipt"].(map[string]any)["id"] = "RCPT-1"
		w.dev.pushRefused(t, w.dev.mut("shipment.receive", notFresh), "mutation.id_unusable")
		used := receiveArgs(first, partFilter, 1)
		w.dev.pushApplied(t, w.dev.mut("shipment.receive", used))
		again := receiveArgs(second, partFilter, 1)
		again["receipt"].(map[string]any)["id"] = used["receipt"].(map[string]any)["id"]
		w.dev.pushRefused(t, w.dev.mut("shipment.receive", again), "mutation.id_unusable")
		if sh := s.shipment(t, second); sh.State != "in_transit" {
			t.Errorf("the shipment a reused receipt ID named is %s, want in_transit", sh.State)
		}
	})
}

// A request reaches a device only with its ticket: one to this van for
// another technician's ticket is left out, while the shipment carrying its
// part arrives; reassigned here, the ticket brings its request along.
func TestRequestOnlyWithTicket(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		theirs := s.newTicket(t, w.others.id, "")
		req, ship := newID(), newID()
		s.dispatchOK(t, "part.request", requestArgs(req, theirs.ID, partFilter, w.tc.van, 1))
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 1, Request: req, Ticket: theirs.ID}))
		p, cursor := w.dev.pullFrom(t, "")
		if slices.ContainsFunc(p.PartRequests, func(r partRequest) bool { return r.ID == req }) || p.hasTicket(theirs.ID) {
			t.Errorf("the van's device pulled the request (or the ticket) of another technician's ticket: %+v", p.PartRequests)
		}
		if !slices.ContainsFunc(p.Shipments, func(sh shipment) bool { return sh.ID == ship }) {
			t.Errorf("the van's device lacks the shipment on its way to the van: %+v", p.Shipments)
		}
		if o := w.odev.pullAll(t); !slices.ContainsFunc(o.PartRequests, func(r partRequest) bool { return r.ID == req }) {
			t.Errorf("the ticket's technician lacks its request: %+v", o.PartRequests)
		}
		s.dispatchOK(t, "ticket.assign", map[string]any{"ticket": theirs.ID, "technician": w.tc.id})
		p, _ = w.dev.pullFrom(t, cursor)
		if !p.hasTicket(theirs.ID) || !slices.ContainsFunc(p.PartRequests, func(r partRequest) bool { return r.ID == req && r.State == "shipped" }) {
			t.Errorf("reassigned here, the ticket came with requests %+v (ticket pulled: %v)", p.PartRequests, p.hasTicket(theirs.ID))
		}
	})
}

// damagedArgs counts one line out of a shipment, damaged of qty arrived
// damaged (with note), into the defective bin bin ("" names none).
func damagedArgs(shipmentID, part string, qty, damaged int, note, bin string) map[string]any {
	rc := map[string]any{"id": newID(), "lines": []map[string]any{{"part": part, "qty": qty, "damaged": damaged, "note": note}}}
	if bin != "" {
		rc["defective"] = bin
	}
	return map[string]any{"shipment": shipmentID, "receipt": rc}
}

// Damaged on arrival (Receiving): version 2 counts a line's damaged
// units; they enter the receiving location's defective bin, never its
// stock; the request takes only the sound units and is short; the
// shipment's differences say how many arrived damaged; the bin's parts
// go back in a return. Damaged units that are not some of those counted,
// without a bin, into a bin that is not the destination's, or in version
// 1, are refused and change nothing.
func TestReceiveDamaged(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		w := s.supplyWorld(t)
		req := newID()
		w.dev.pushApplied(t, w.dev.mut("part.request", requestArgs(req, w.tk.ID, partFilter, w.tc.van, 2)))
		ship := newID()
		s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", w.wh, w.tc.van, shipmentLine{Part: partFilter, Qty: 2, Request: req, Ticket: w.tk.ID}))
		vanBefore, binBefore := s.balance(t, w.tc.van, partFilter), s.balance(t, w.bin, partFilter)

		v2 := func(args map[string]any) mutation {
			m := w.dev.mut("shipment.receive", args)
			m.Version = 2
			return m
		}
		w.dev.pushRefused(t, v2(damagedArgs(ship, partFilter, 2, 3, "", w.bin)), "shipment.bad_damaged")
		w.dev.pushRefused(t, v2(damagedArgs(ship, partFilter, 2, -1, "", w.bin)), "shipment.bad_damaged")
		w.dev.pushRefused(t, v2(damagedArgs(ship, partFilter, 2, 1, "", "")), "shipment.damaged_needs_bin")
		w.dev.pushRefused(t, v2(damagedArgs(ship, partFilter, 2, 1, strings.Repeat("裂", 201), w.bin)), "mutation.too_long")
		w.dev.pushRefused(t, v2(damagedArgs(ship, partFilter, 2, 1, "", w.wh)), "stock.not_your_location")
		w.dev.pushRefused(t, w.dev.mut("shipment.receive", damagedArgs(ship, partFilter, 2, 1, "", w.bin)), "mutation.bad_args")
		dispatchV2 := func(args any) answer {
			return s.do(t, "POST", "/v1/admin/mutations", s.admin, map[string]any{"name": "shipment.receive", "version": 2, "args": args})
		}
		if a := dispatchV2(damagedArgs(ship, partFilter, 2, 1, "", w.wh)); a.status != http.StatusBadRequest || a.apiErr(t).Key != "shipment.damaged_not_its_bin" {
			t.Errorf("dispatch naming the warehouse as the bin: HTTP %d %s, want 400 shipment.damaged_not_its_bin", a.status, a.body)
		}
		if sh := s.shipment(t, ship); sh.State != "in_transit" || sh.Receipt != nil {
			t.Errorf("after refused receipts the shipment reads %+v, want in transit", sh)
		}
		if van, bin := s.balance(t, w.tc.van, partFilter), s.balance(t, w.bin, partFilter); van != vanBefore || bin != binBefore {
			t.Errorf("refused receipts moved stock: van %d (was %d), bin %d (was %d)", van, vanBefore, bin, binBefore)
		}

		w.dev.pushApplied(t, v2(damagedArgs(ship, partFilter, 2, 1, "display cracked", w.bin)))
		if van, bin := s.balance(t, w.tc.van, partFilter), s.balance(t, w.bin, partFilter); van != vanBefore+1 || bin != binBefore+1 {
			t.Errorf("one of two damaged: van %d (was %d), bin %d (was %d); want one more in each", van, vanBefore, bin, binBefore)
		}
		if r := s.request(t, w.tk.ID, req); r.State != "short" || r.Received != 1 {
			t.Errorf("one of two arrived damaged: the request is %+v, want short with 1 received", r)
		}
		want := []difference{{Kind: "damaged", Part: partFilter, Shipped: 2, Received: 2, Damaged: 1}}
		sh := s.shipment(t, ship)
		if sh.State != "received" || sh.Receipt == nil || !slices.Equal(sh.Receipt.Differences, want) || sh.Receipt.Defective != w.bin ||
			!slices.Equal(sh.Receipt.Lines, []receiptLine{{Part: partFilter, Qty: 2, Damaged: 1, Note: "display cracked"}}) {
			t.Errorf("the received shipment reads %+v, want the damaged line and differences %+v", sh.Receipt, want)
		}
		if p := w.dev.pullAll(t); !slices.ContainsFunc(p.Shipments, func(sh shipment) bool {
			return sh.ID == ship && sh.Receipt != nil && slices.Equal(sh.Receipt.Differences, want)
		}) {
			t.Errorf("the device pulled shipments %+v, want %s with its damaged difference", p.Shipments, ship)
		}
		// The damaged unit goes back from the bin as any defective part.
		w.dev.pushApplied(t, w.dev.mut("shipment.send", shipArgs(newID(), "return", w.bin, w.wh, shipmentLine{Part: partFilter, Qty: 1})))
		if bin := s.balance(t, w.bin, partFilter); bin != binBefore {
			t.Errorf("the damaged unit shipped back: the bin holds %d, want %d", bin, binBefore)
		}
	})
}

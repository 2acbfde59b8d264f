package simulation

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync/atomic"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Parts that arrive (docs/PROTOCOL.md, "Parts on their way"): technicians
// request parts for their open tickets and cancel them, dispatch decides
// and ships them from the warehouse, devices receive what arrives (short,
// with a wrong part or with a unit damaged into the defective bin,
// sometimes twice from two devices of one technician) and ship their defective bin back, which dispatch receives.

// checkedDamaged counts, over every world of a run, the received
// shipments with a damaged unit that checkSupply checked, so that a run
// can tell whether its damage checks tested anything.
var checkedDamaged atomic.Int64

// warehouse is where dispatch ships from and returns go.
const warehouse app.LocationID = "wh"

// defectiveBin is a technician's bin of removed parts awaiting return.
func defectiveBin(tech app.TechnicianID) app.LocationID {
	return app.LocationID("def-" + string(tech))
}

// supplyCommand is a technician's supply work around ticket t: 0 requests
// a part for it, 1 cancels one of its requests (one that shipped already
// is refused on the device), 2 receives a shipment on its way to the van,
// 3 puts a removed part into the defective bin or ships the bin back. Nil
// when there is nothing to do.
func (s *sim) supplyCommand(d *device, t app.Ticket, what int) app.Command {
	supply := store.NewSupplyService(d.db)
	switch what {
	case 0:
		urgency := app.UrgencyNormal
		if s.rng.IntN(3) == 0 {
			urgency = app.UrgencyUrgent
		}
		return &app.RequestPart{Request: app.PartRequest{ID: s.freshID(), Ticket: t.ID, Part: s.parts[s.rng.IntN(len(s.parts))],
			Qty: 1 + s.rng.IntN(3), Urgency: urgency, To: d.van}}
	case 1:
		rs, err := supply.PartRequests(s.ctx, t.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		if len(rs) == 0 {
			return nil
		}
		return &app.CancelPartRequest{Request: rs[s.rng.IntN(len(rs))].ID, Ticket: t.ID, Reason: "the customer found the part"}
	case 2:
		on := s.inTransitTo(d)
		if len(on) == 0 {
			return nil
		}
		return s.receipt(on[s.rng.IntN(len(on))], d.def)
	}
	if s.rng.IntN(2) == 0 {
		return &app.ReturnDefective{Movement: app.StockMovement{ID: s.freshID(), Part: s.parts[s.rng.IntN(len(s.parts))], To: d.def, Qty: 1, Ticket: t.ID}}
	}
	lines := s.returnLines(d)
	if len(lines) == 0 {
		return nil
	}
	return &app.SendShipment{Shipment: app.Shipment{ID: s.freshID(), Kind: app.ShipmentReturn, From: d.def, To: warehouse,
		Carrier: "SF Express", Tracking: s.newID("SF"), Lines: lines}}
}

// inTransitTo lists the shipments on their way to d's van as d knows them.
func (s *sim) inTransitTo(d *device) []app.Shipment {
	all, err := store.NewSupplyService(d.db).Shipments(s.ctx, []app.LocationID{d.van}, maxShipments)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []app.Shipment
	for _, sh := range all {
		if sh.State == app.ShipmentInTransit && sh.To == d.van {
			out = append(out, sh)
		}
	}
	return out
}

// maxShipments bounds the shipments read of a device's locations: a world
// of 300 steps ships far fewer, and the check says when one ships more.
const maxShipments = 200

// receipt counts a shipment on arrival: as shipped, or one unit short, or
// with a part that was not shipped, or, received at a van (bin is its
// owner's defective bin), with a unit of its last line damaged, which
// goes into the bin and fills no request (the whole line when it is one
// unit). Damage draws nothing more from s.rng: a world's other steps stay
// as its seed made them. Dispatch receives returns, already defective,
// with bin "".
func (s *sim) receipt(sh app.Shipment, bin app.LocationID) *app.ReceiveShipment {
	var lines []app.ReceiptLine
	for _, l := range sh.Lines {
		lines = append(lines, app.ReceiptLine{Part: l.Part, Qty: l.Qty, Serial: l.Serial})
	}
	rc := app.Receipt{ID: s.freshID()}
	switch s.rng.IntN(4) {
	case 0:
		i := s.rng.IntN(len(lines))
		if lines[i].Qty > 1 {
			lines[i].Qty--
		} else {
			lines = slices.Delete(lines, i, i+1)
		}
		rc.Note = "one unit missing"
	case 1:
		lines = append(lines, app.ReceiptLine{Part: s.parts[s.rng.IntN(len(s.parts))], Qty: 1})
		rc.Note = "an extra part in the box"
	case 2:
		if bin != "" {
			l := &lines[len(lines)-1]
			l.Damaged, l.Note, rc.Defective = 1, "box crushed", bin
		}
	}
	rc.Lines = lines
	return &app.ReceiveShipment{Shipment: sh.ID, Receipt: rc}
}

// syncedTwins syncs the devices of the first device's technician and
// returns them, or nil when that technician has only one: the steps where
// one technician's two devices act on the same thing before either syncs.
func (s *sim) syncedTwins() []*device {
	var twins []*device
	for _, d := range s.devices {
		if d.tech == s.devices[0].tech {
			twins = append(twins, d)
		}
	}
	if len(twins) < 2 {
		return nil
	}
	for _, d := range twins {
		s.sync(d)
	}
	return twins
}

// receiveTwice: the technician's two devices sync, then both receive one
// shipment they hold before either syncs again. The first receipt to
// reach the server wins; the other becomes a conflict, and its stock
// leaves its device.
func (s *sim) receiveTwice() {
	twins := s.syncedTwins()
	if twins == nil {
		return
	}
	var both []app.Shipment
	for _, sh := range s.inTransitTo(twins[0]) {
		if slices.ContainsFunc(s.inTransitTo(twins[1]), func(o app.Shipment) bool { return o.ID == sh.ID }) {
			both = append(both, sh)
		}
	}
	if len(both) == 0 {
		return
	}
	sh := both[s.rng.IntN(len(both))]
	for _, d := range twins {
		if m, ok := s.commit(d, s.receipt(sh, d.def)); ok {
			s.logf("%s saves %s seq %d for shipment %s (%s)", d.name, m.FullName(), m.Seq, sh.ID, m.ID)
		}
	}
}

// dispatchSupply is the office at work on part requests and shipments:
// deciding requests, shipping approved ones (several to one place in one
// shipment), receiving returns at the warehouse.
func (s *sim) dispatchSupply() {
	var cmd app.Command
	switch s.rng.IntN(4) {
	case 0:
		var open []app.PartRequest
		for _, r := range s.serverRequests() {
			if r.State == app.RequestRequested || r.State == app.RequestApproved {
				open = append(open, r)
			}
		}
		if len(open) == 0 {
			return
		}
		r := open[s.rng.IntN(len(open))]
		d := &app.DecidePartRequest{Request: r.ID, Ticket: r.Ticket, Decision: app.DecisionApprove}
		switch x := s.rng.IntN(4); x {
		case 0, 1:
		case 2:
			// Any other part: the last fits no ticket's model, and is
			// refused as a substitute.
			d.Decision, d.Reason = app.DecisionSubstitute, "the newer revision"
			for d.Part == "" || d.Part == r.Part {
				d.Part = s.parts[s.rng.IntN(len(s.parts))]
			}
		case 3:
			d.Decision, d.Reason = app.DecisionReject, "no longer made"
		}
		cmd = d
	case 1, 2:
		// Approved requests to one place, and now and then a requested
		// one, which shipping approves.
		byTo := map[app.LocationID][]app.PartRequest{}
		for _, r := range s.serverRequests() {
			if r.State == app.RequestApproved || r.State == app.RequestRequested && s.rng.IntN(4) == 0 {
				byTo[r.To] = append(byTo[r.To], r)
			}
		}
		if len(byTo) == 0 {
			return
		}
		tos := slices.Sorted(maps.Keys(byTo))
		to := tos[s.rng.IntN(len(tos))]
		rs := byTo[to][:min(len(byTo[to]), 1+s.rng.IntN(3))]
		sh := app.Shipment{ID: s.newID("SHP"), Kind: app.ShipmentSupply, From: warehouse, To: to, Carrier: "DHL", Tracking: s.newID("JD")}
		for _, r := range rs {
			sh.Lines = append(sh.Lines, app.ShipmentLine{Part: r.Wanted(), Qty: r.Qty, Request: r.ID, Ticket: r.Ticket})
		}
		cmd = &app.SendShipment{Shipment: sh}
	case 3:
		var returns []app.Shipment
		for _, sh := range s.serverShipments() {
			if sh.State == app.ShipmentInTransit && sh.To == warehouse {
				returns = append(returns, sh)
			}
		}
		if len(returns) == 0 {
			return
		}
		cmd = s.receipt(returns[s.rng.IntN(len(returns))], "")
	}
	m, ok := s.applyDispatch(cmd)
	if !ok {
		return
	}
	for k, v := range s.stockEffect(cmd) {
		s.stock[k] += v
	}
	s.dispatchCmds = append(s.dispatchCmds, cmd)
	if rc, ok := cmd.(*app.ReceiveShipment); ok {
		s.dispatchReceived[rc.Shipment]++
	}
	s.logf("dispatch %s", m.FullName())
}

// stockEffect is what an applied command adds to (or takes from) each
// location's balance of each part: shipping takes from the sender at
// once, and the receiver gains what was counted on arrival; in between
// the parts are in no location.
func (s *sim) stockEffect(cmd app.Command) map[[2]string]int {
	out := map[[2]string]int{}
	switch c := cmd.(type) {
	case *app.ConsumePart:
		out[[2]string{string(c.Used.From), string(c.Used.Part)}] -= c.Used.Qty
	case *app.ReturnDefective:
		out[[2]string{string(c.Movement.To), string(c.Movement.Part)}] += c.Movement.Qty
	case *app.SendShipment:
		for _, l := range c.Shipment.Lines {
			out[[2]string{string(c.Shipment.From), string(l.Part)}] -= l.Qty
		}
	case *app.ReceiveShipment:
		// The sound units enter the receiver's stock, the damaged ones
		// its defective bin: none is lost between them.
		sh := s.serverShipment(c.Shipment)
		for _, l := range c.Receipt.Lines {
			out[[2]string{string(sh.To), string(l.Part)}] += l.Sound()
			if l.Damaged > 0 {
				out[[2]string{string(c.Receipt.Defective), string(l.Part)}] += l.Damaged
			}
		}
	}
	return out
}

// checkSupply: after convergence, every shipment was received at most
// once, and by the receipt the server holds; a request's state agrees
// with its shipment's; a second receipt of a shipment became a conflict;
// and each device holds the server's copy of every request of its tickets
// and every shipment to or from its locations.
func (s *sim) checkSupply(applied map[string]central.Applied, conflicts map[string]app.Conflict) {
	t := s.t
	shipments := map[string]app.Shipment{}
	for _, sh := range s.serverShipments() {
		shipments[sh.ID] = sh
	}
	receipts := maps.Clone(s.dispatchReceived)
	for _, x := range s.devicesMutations(applied) {
		c, ok := x.cmd.(*app.ReceiveShipment)
		if !ok {
			continue
		}
		sh, known := shipments[c.Shipment]
		switch {
		case x.a.Status == "applied":
			receipts[c.Shipment]++
			if sh.Receipt == nil || sh.Receipt.ID != c.Receipt.ID {
				t.Errorf("%s of shipment %s was applied, but the server holds receipt %+v", x.m.FullName(), c.Shipment, sh.Receipt)
			}
		case known && sh.State == app.ShipmentReceived && sh.Receipt.ID != c.Receipt.ID:
			if key := conflicts[x.a.Conflict].Key; key != "shipment.already_received" {
				t.Errorf("a second receipt of shipment %s raised conflict %q, want shipment.already_received", c.Shipment, key)
			}
		}
	}
	for id, sh := range shipments {
		n := receipts[id]
		switch {
		case n > 1:
			t.Errorf("shipment %s was received %d times", id, n)
		case sh.State == app.ShipmentReceived && n != 1:
			t.Errorf("shipment %s is received, but %d receipts of it were applied", id, n)
		case sh.State == app.ShipmentInTransit && (n != 0 || sh.Receipt != nil):
			t.Errorf("shipment %s is in transit with %d receipts applied (receipt %+v)", id, n, sh.Receipt)
		}
		if sh.Receipt != nil {
			if want := app.Differences(sh.Lines, sh.Receipt.Lines); mustJSON(want) != mustJSON(sh.Receipt.Differences) {
				t.Errorf("shipment %s records differences %+v, want %+v", id, sh.Receipt.Differences, want)
			}
			if slices.ContainsFunc(sh.Receipt.Lines, func(l app.ReceiptLine) bool { return l.Damaged > 0 }) {
				checkedDamaged.Add(1)
			}
		}
	}
	// A damaged unit fills no request: what the requests of a received
	// shipment got of a part is at most its sound units, so a request
	// whose unit arrived damaged is short.
	got := map[string]map[app.PartNumber]int{}
	for _, r := range s.serverRequests() {
		if r.State != app.RequestReceived && r.State != app.RequestShort {
			continue
		}
		if got[r.Shipment] == nil {
			got[r.Shipment] = map[app.PartNumber]int{}
		}
		got[r.Shipment][r.Wanted()] += r.Received
	}
	for id, parts := range got {
		rc := shipments[id].Receipt
		if rc == nil {
			continue // the request's own check reports it
		}
		for p, n := range parts {
			sound := 0
			for _, l := range rc.Lines {
				if l.Part == p {
					sound += l.Sound()
				}
			}
			if n > sound {
				t.Errorf("shipment %s: its requests received %d of %s, but %d arrived sound (receipt %+v)", id, n, p, sound, rc.Lines)
			}
		}
	}
	byTicket := map[app.TicketID][]app.PartRequest{}
	for _, r := range s.serverRequests() {
		byTicket[r.Ticket] = append(byTicket[r.Ticket], r)
		sh, ok := shipments[r.Shipment]
		carries := ok && slices.ContainsFunc(sh.Lines, func(l app.ShipmentLine) bool { return l.Request == r.ID })
		switch r.State {
		case app.RequestShipped:
			if !carries || sh.State != app.ShipmentInTransit || r.Received != 0 {
				t.Errorf("request %s is shipped, its shipment %q is %q (carries it: %v), %d received", r.ID, r.Shipment, sh.State, carries, r.Received)
			}
		case app.RequestReceived, app.RequestShort:
			if !carries || sh.State != app.ShipmentReceived || r.Received < 0 || r.Received > r.Qty || (r.State == app.RequestReceived) != (r.Received == r.Qty) {
				t.Errorf("request %s is %s with %d of %d received; its shipment %q is %q (carries it: %v)", r.ID, r.State, r.Received, r.Qty, r.Shipment, sh.State, carries)
			}
		default:
			if r.Shipment != "" || r.Received != 0 {
				t.Errorf("request %s is %s, yet names shipment %q with %d received", r.ID, r.State, r.Shipment, r.Received)
			}
		}
	}
	for _, d := range s.devices {
		supply := store.NewSupplyService(d.db)
		mine, err := s.server.Tickets(s.ctx, tenant, d.tech)
		if err != nil {
			t.Fatal(err)
		}
		// The requests of its tickets (a request reaches a device only with
		// its ticket), and of no other ticket.
		for _, tk := range mine {
			got, err := supply.PartRequests(s.ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := mustJSON(nonNil(got)), mustJSON(nonNil(byTicket[tk.ID])); a != b {
				t.Errorf("%s: the part requests of %s differ from the server's:\ndevice %s\nserver %s", d.name, tk.Number, a, b)
			}
		}
		for id := range byTicket {
			if slices.ContainsFunc(mine, func(tk app.Ticket) bool { return tk.ID == id }) {
				continue
			}
			if got, err := supply.PartRequests(s.ctx, id); err != nil || len(got) != 0 {
				t.Errorf("%s holds part requests %+v of ticket %s, which is not its own (%v)", d.name, got, id, err)
			}
		}
		locs := []app.LocationID{d.van, d.def}
		got, err := supply.Shipments(s.ctx, locs, maxShipments)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == maxShipments {
			t.Fatalf("%s holds %d shipments or more, more than the check reads: raise maxShipments", d.name, maxShipments)
		}
		want := map[string]app.Shipment{}
		for id, sh := range shipments {
			if slices.Contains(locs, sh.From) || slices.Contains(locs, sh.To) {
				want[id] = sh
			}
		}
		for _, sh := range got {
			if w, ok := want[sh.ID]; !ok {
				t.Errorf("%s holds shipment %s, which the server does not send it", d.name, sh.ID)
			} else if a, b := mustJSON(sh), mustJSON(w); a != b {
				t.Errorf("%s: shipment %s differs from the server's:\ndevice %s\nserver %s", d.name, sh.ID, a, b)
			}
			delete(want, sh.ID)
		}
		for id := range want {
			t.Errorf("%s lacks shipment %s", d.name, id)
		}
	}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// serverRequests lists every part request on the server, as dispatch
// reads them (docs/PROTOCOL.md, "The office").
func (s *sim) serverRequests() []app.PartRequest {
	var out []app.PartRequest
	s.adminPages("/v1/admin/part-requests", func(raw []byte) (string, error) {
		var page struct {
			Requests []app.PartRequest `json:"requests"`
			Next     string            `json:"next"`
		}
		err := json.Unmarshal(raw, &page)
		out = append(out, page.Requests...)
		return page.Next, err
	})
	return out
}

// serverShipments lists every shipment on the server.
func (s *sim) serverShipments() []app.Shipment {
	var out []app.Shipment
	s.adminPages("/v1/admin/shipments", func(raw []byte) (string, error) {
		var page struct {
			Shipments []app.Shipment `json:"shipments"`
			Next      string         `json:"next"`
		}
		err := json.Unmarshal(raw, &page)
		out = append(out, page.Shipments...)
		return page.Next, err
	})
	return out
}

// serverShipment is one shipment as the server holds it.
func (s *sim) serverShipment(id string) app.Shipment {
	var sh app.Shipment
	if err := json.Unmarshal(s.admin("/v1/admin/shipments/"+url.PathEscape(id)), &sh); err != nil {
		s.t.Fatal(err)
	}
	return sh
}

// maxAdminPages bounds the pages of one admin list: 500 a page is more
// than a world of 300 steps makes.
const maxAdminPages = 20

// adminPages reads every page of an admin list, 500 at a time.
func (s *sim) adminPages(path string, page func([]byte) (next string, err error)) {
	after := ""
	for range maxAdminPages {
		next, err := page(s.admin(path + "?limit=500&after=" + url.QueryEscape(after)))
		if err != nil {
			s.t.Fatalf("%s: %v", path, err)
		}
		if next == "" {
			return
		}
		after = next
	}
	s.t.Fatalf("%s: more than %d pages", path, maxAdminPages)
}

// admin is an admin GET on the server as dispatch; anything but 200 fails
// the world.
func (s *sim) admin(path string) []byte {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Authorization", "Bearer "+s.adminToken)
	w := httptest.NewRecorder()
	s.http.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		s.t.Fatalf("GET %s: HTTP %d %s", path, w.Code, w.Body)
	}
	return w.Body.Bytes()
}

package simulation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Serialized parts and warranty claims (docs/PROTOCOL.md, "Brand warranty
// claims"): dispatch receives serialized units into vans; a technician
// fits one on a ticket as the part picker does (the part with its serial
// and the removed part's serial, then the removed part into the
// defective bin) and ships the bin back with its serials, which dispatch
// receives at the warehouse; the two devices of one technician may fit
// the same unit while offline. Closing an in-warranty ticket makes its
// claim on the server, which dispatch submits, and the brand pays or
// rejects.

// checkedSerials counts, over every world of a run, what the checks of
// this file compared: claims of a serialized part fitted in warranty, and
// return shipments of a removed serial held against a claim's evidence.
// A run of many worlds that compared none tested nothing of them.
var checkedSerials struct{ claimed, shipped atomic.Int64 }

// serialPart is the world's serialized part: it fits model W1, its
// removed part goes back to the brand, and only the steps of this file
// move it (every unit of it carries a serial).
const serialPart app.PartNumber = "PART-S"

// partPrice is every part's catalog price: a claim prices its part lines
// from the catalog.
var partPrice = app.Money{Amount: 800_00, Currency: "CNY"}

// seedSerials adds the serialized part, the warranty rule sets and two
// units of the part in each van to the world's first dataset.
func (s *sim) seedSerials(ds *app.Dataset) {
	for i := range ds.Parts {
		ds.Parts[i].Prices = []app.Money{partPrice}
	}
	ds.Parts = append(ds.Parts, app.Part{Number: serialPart, NameEN: "Serialized board", Class: app.ClassMain, Models: []string{"W1"},
		Serialized: true, ReturnNeeded: true, Prices: []app.Money{partPrice}})
	ds.RuleSets = demo.RuleSets()
	for _, tech := range ds.Technicians {
		for range 2 {
			m := app.StockMovement{ID: s.newID("rcv"), Kind: app.MoveReceive, Part: serialPart, To: tech.Van, Qty: 1, Serial: s.newID("SN"), At: s.now}
			ds.Movements = append(ds.Movements, m)
			s.stock[[2]string{string(tech.Van), string(serialPart)}]++
			s.serialMoves = append(s.serialMoves, m)
		}
	}
}

// withPurchase gives a new ticket its proof of purchase: bought a month
// ago (in warranty under every rule of the CN rule set) or ten years ago
// (out of it), and remembers which.
func (s *sim) withPurchase(t app.Ticket) app.Ticket {
	in := s.rng.IntN(2) == 0
	bought := s.now.AddDate(-10, 0, 0)
	if in {
		bought = s.now.AddDate(0, -1, 0)
	}
	t.Product.PurchaseDate, t.Product.ProofOfPurchase, t.Product.Serial = bought, s.newID("INV"), s.newID("UNIT")
	if s.inWarranty == nil {
		s.inWarranty = map[app.TicketID]bool{}
	}
	s.inWarranty[t.ID] = in
	return t
}

// serialsAt lists the serials of serialPart that d believes are at loc:
// those that arrived there (as it holds the movements) less those it
// sees fitted on its tickets or shipped from loc.
func (s *sim) serialsAt(d *device, loc app.LocationID, tickets []app.Ticket) []string {
	in, err := store.NewPartService(d.db).Arrivals(s.ctx, loc, []app.PartNumber{serialPart}, 100)
	if err != nil {
		s.t.Fatal(err)
	}
	gone := map[string]bool{}
	for _, t := range tickets {
		detail, err := store.NewTicketService(d.db).TicketDetail(s.ctx, t.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, u := range detail.Parts {
			gone[u.Serial] = true
		}
	}
	shipped, err := store.NewSupplyService(d.db).Shipments(s.ctx, []app.LocationID{loc}, maxShipments)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, sh := range shipped {
		for _, l := range sh.Lines {
			if sh.From == loc {
				gone[l.Serial] = true
			}
		}
	}
	var out []string
	for _, m := range in {
		if m.Serial != "" && !gone[m.Serial] && !slices.Contains(out, m.Serial) {
			out = append(out, m.Serial)
		}
	}
	slices.Sort(out)
	return out
}

// fitSerial fits a unit of serialPart from d's van on ticket t as the part
// picker does: the part with its serial and the removed part's, then the
// removed part into the defective bin (unless the device crashes in
// between). serial "" picks one the van holds as d sees it. It reports
// whether the fit was saved.
func (s *sim) fitSerial(d *device, t app.Ticket, serial string) bool {
	fit := &app.ConsumePart{Used: app.PartUsed{ID: s.freshID(), Ticket: t.ID, Part: serialPart, Qty: 1, Serial: serial,
		DefectiveSerial: s.newID("DEF"), From: d.van}}
	m, ok := s.commit(d, fit)
	if !ok {
		return false
	}
	if s.fittedUnits == nil {
		s.fittedUnits = map[string]bool{}
	}
	s.fittedUnits[serial] = true
	s.logf("%s saves %s seq %d on %s: serial %s, removed %s (%s)", d.name, m.FullName(), m.Seq, t.Number, serial, fit.Used.DefectiveSerial, m.ID)
	if s.rng.IntN(10) == 0 {
		s.crash(d, "between the fit and the return")
		return true
	}
	ret := &app.ReturnDefective{Movement: app.StockMovement{ID: s.freshID(), Part: serialPart, To: d.def, Qty: 1,
		Serial: fit.Used.DefectiveSerial, Ticket: t.ID, Reason: t.Number}}
	if m, ok := s.commit(d, ret); ok {
		s.logf("%s saves %s seq %d on %s: removed %s into %s (%s)", d.name, m.FullName(), m.Seq, t.Number, fit.Used.DefectiveSerial, d.def, m.ID)
	}
	return true
}

// fitSerialFrom fits on one of open a unit d believes its van holds and
// that is in the van (no one fitted it yet: the technician has it in
// hand); false when there is none.
func (s *sim) fitSerialFrom(d *device, open, all []app.Ticket) bool {
	serials := slices.DeleteFunc(s.serialsAt(d, d.van, all), func(serial string) bool { return s.fittedUnits[serial] })
	if len(serials) == 0 || len(open) == 0 {
		return false
	}
	return s.fitSerial(d, open[s.rng.IntN(len(open))], serials[s.rng.IntN(len(serials))])
}

// fitTwice: the technician's two devices sync, then each fits the same
// unit of the van (one technician on a tablet, a colleague on the phone,
// both reading the serial off the same box) before either syncs again.
// The server keeps both fits (a fit is a fact): the unit is then in two
// places, which must surface as a conflict.
func (s *sim) fitTwice() {
	twins := s.syncedTwins()
	if twins == nil {
		return
	}
	list, _, err := store.NewTicketService(twins[0].db).FindTickets(s.ctx, app.TicketFilter{Technician: twins[0].tech, Limit: 500})
	if err != nil {
		return // locked by its lease: nothing is fitted
	}
	var open []app.Ticket
	for _, t := range list {
		if t.Status.Open() {
			open = append(open, t)
		}
	}
	serials := s.serialsAt(twins[0], twins[0].van, list)
	if len(serials) == 0 || len(open) == 0 {
		return
	}
	serial := serials[s.rng.IntN(len(serials))]
	for _, d := range twins {
		if _, _, err := store.NewTicketService(d.db).FindTickets(s.ctx, app.TicketFilter{Technician: d.tech, Limit: 1}); err != nil {
			continue
		}
		s.fitSerial(d, open[s.rng.IntN(len(open))], serial)
	}
}

// closeDone closes one of d's completed tickets (the
// customer signs off, or picks the appliance up): the close makes the
// ticket's warranty claim on the server. It reports whether it saved one.
func (s *sim) closeDone(d *device, done []app.Ticket) bool {
	done = slices.DeleteFunc(slices.Clone(done), func(t app.Ticket) bool {
		return t.Status != app.StatusCompleted && t.Status != app.StatusCannotComplete
	})
	if len(done) == 0 {
		return false
	}
	t := done[s.rng.IntN(len(done))]
	m, ok := s.commit(d, &app.TransitionTicket{Action: app.ActionClose, Ticket: t.ID, Epoch: t.Epoch, Reason: "signed off"})
	if ok {
		s.logf("%s saves %s seq %d on %s (%s)", d.name, m.FullName(), m.Seq, t.Number, m.ID)
	}
	return ok
}

// returnLines are the lines of a return shipment of d's defective bin:
// each serial of serialPart on a line of its own, the other parts by
// balance.
func (s *sim) returnLines(d *device) []app.ShipmentLine {
	bs, err := store.NewPartService(d.db).Balances(s.ctx, d.def)
	if err != nil {
		s.t.Fatal(err)
	}
	var lines []app.ShipmentLine
	for _, b := range bs {
		if b.Qty > 0 && b.Part != serialPart {
			lines = append(lines, app.ShipmentLine{Part: b.Part, Qty: b.Qty})
		}
	}
	for _, serial := range s.serialsAt(d, d.def, nil) {
		if !s.boxedUnits[serial] {
			lines = append(lines, app.ShipmentLine{Part: serialPart, Qty: 1, Serial: serial})
		}
	}
	return lines
}

// boxed notes the serialized units of a return shipment d saved: they
// left the bin in its box, and no other box takes them.
func (s *sim) boxed(cmd app.Command) {
	sh, ok := cmd.(*app.SendShipment)
	if !ok {
		return
	}
	for _, l := range sh.Shipment.Lines {
		if l.Serial != "" {
			if s.boxedUnits == nil {
				s.boxedUnits = map[string]bool{}
			}
			s.boxedUnits[l.Serial] = true
		}
	}
}

// dispatchSerials is the office at work on serialized parts and claims:
// receiving a new unit into a van, or taking a claim one step on.
func (s *sim) dispatchSerials() {
	if s.rng.IntN(2) == 0 {
		s.dispatchClaim()
		return
	}
	d := s.devices[s.rng.IntN(len(s.devices))]
	cmd := &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: s.newID("rcv"), Part: serialPart, To: d.van, Qty: 1, Serial: s.newID("SN")}}
	m, ok := s.applyDispatch(cmd)
	if !ok {
		return
	}
	s.stock[[2]string{string(d.van), string(serialPart)}]++
	mv := cmd.Movement
	mv.Kind = app.MoveReceive
	s.serialMoves = append(s.serialMoves, mv)
	s.logf("dispatch %s: %s into %s", m.FullName(), mv.Serial, d.van)
}

// dispatchClaim submits a claim to the brand, or records the brand's
// answer: paid (now and then less than claimed) or rejected.
func (s *sim) dispatchClaim() {
	claims := s.serverClaims()
	if len(claims) == 0 {
		return
	}
	c := claims[s.rng.IntN(len(claims))]
	var a app.ClaimAction
	var u app.ClaimUpdate
	switch x := s.rng.IntN(3); {
	case x == 0 || c.State == app.ClaimReady:
		a, u.BrandRef = app.ClaimSubmit, s.newID("BR")
	case x == 1:
		a, u.Paid = app.ClaimPay, app.Money{Amount: max(1, c.Amount.Amount-int64(s.rng.IntN(2))*100), Currency: c.Amount.Currency}
	default:
		a, u.Reason = app.ClaimReject, "serial photo unreadable"
	}
	body, err := json.Marshal(u)
	if err != nil {
		s.t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/v1/admin/claims/"+url.PathEscape(c.ID)+"/"+string(a), bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+s.adminToken)
	w := httptest.NewRecorder()
	s.http.ServeHTTP(w, r)
	switch {
	case w.Code == http.StatusOK:
		next, err := app.ClaimTransition(c.State, a, u, c.Amount.Currency)
		if last, ok := s.claimStates[c.ID]; err != nil && ok && last.state == c.State && last.action == a && last.retriedBy(u) {
			// A retry of the step that brought the claim here: the
			// claim stays as it is.
			next, err = c.State, nil
		}
		if err != nil {
			s.t.Errorf("claim %s: %s from %s was taken, the state machine refuses it: %v", c.ID, a, c.State, err)
		}
		if s.claimStates == nil {
			s.claimStates = map[string]claimStep{}
		}
		s.claimStates[c.ID] = claimStep{state: next, action: a, update: u}
		s.logf("dispatch %s claim %s of %s: %s -> %s", a, c.ID, c.Number, c.State, next)
	case w.Code == http.StatusConflict:
		s.logf("dispatch %s claim %s of %s refused from %s", a, c.ID, c.Number, c.State)
	default:
		s.t.Errorf("POST claim %s %s: HTTP %d %s", c.ID, a, w.Code, w.Body)
	}
}

// claimStep is the last step dispatch took on a claim that the server
// accepted, and the state it left the claim in.
type claimStep struct {
	state  app.ClaimState
	action app.ClaimAction
	update app.ClaimUpdate
}

// retriedBy says whether u repeats the step (docs/PROTOCOL.md, "Brand
// warranty claims": the same paid amount and reason, the same brand
// reference or none).
func (c claimStep) retriedBy(u app.ClaimUpdate) bool {
	return u.Paid == c.update.Paid && u.Reason == c.update.Reason && (u.BrandRef == "" || u.BrandRef == c.update.BrandRef)
}

// serverClaims lists every claim, as dispatch reads them.
func (s *sim) serverClaims() []central.Claim {
	var out []central.Claim
	s.adminPages("/v1/admin/claims", func(raw []byte) (string, error) {
		var page central.ClaimPage
		err := json.Unmarshal(raw, &page)
		out = append(out, page.Claims...)
		return page.Next, err
	})
	return out
}

// serialEffect is where an applied command moves serialized units: -1
// from one place and +1 to another, places being "loc:<location>",
// "ticket:<ticket>" (fitted) and "transit:<shipment>". A receipt takes
// every serialized line of its shipment out of transit, and puts what was
// counted where it arrived.
func (s *sim) serialEffect(cmd app.Command, shipments map[string]app.Shipment) map[[2]string]int {
	out := map[[2]string]int{}
	move := func(serial, from, to string) {
		if serial == "" {
			return
		}
		if from != "" {
			out[[2]string{serial, from}]--
		}
		if to != "" {
			out[[2]string{serial, to}]++
		}
	}
	switch c := cmd.(type) {
	case *app.ConsumePart:
		move(c.Used.Serial, "loc:"+string(c.Used.From), "ticket:"+string(c.Used.Ticket))
	case *app.ReturnDefective:
		move(c.Movement.Serial, "", "loc:"+string(c.Movement.To))
	case *app.SendShipment:
		for _, l := range c.Shipment.Lines {
			move(l.Serial, "loc:"+string(c.Shipment.From), "transit:"+c.Shipment.ID)
		}
	case *app.ReceiveShipment:
		sh := shipments[c.Shipment]
		for _, l := range sh.Lines {
			move(l.Serial, "transit:"+sh.ID, "")
		}
		for _, l := range c.Receipt.Lines {
			move(l.Serial, "", "loc:"+string(sh.To))
		}
	}
	return out
}

// checkSerials: 8. at quiescence every serial is in at most one place (a
// location, a ticket it was fitted on, a shipment on its way), once; a
// unit fitted on a ticket is in no stock. Where the applied facts put one
// in two places (two devices fitted the same unit), a conflict on the
// server says so: negative stock of the part where the unit was taken
// from, or the refusal of a mutation that carried it (a restore lost the
// ticket a fit and its return were on). The server's tickets hold exactly the fitted serials, and each
// device holds the server's serials of its tickets.
func (s *sim) checkSerials(applied map[string]central.Applied, conflicts []app.Conflict) {
	t := s.t
	shipments := map[string]app.Shipment{}
	for _, sh := range s.serverShipments() {
		shipments[sh.ID] = sh
	}
	at := map[[2]string]int{}
	for _, m := range s.serialMoves {
		at[[2]string{m.Serial, "loc:" + string(m.To)}]++
	}
	for _, cmd := range s.dispatchCmds {
		for k, v := range s.serialEffect(cmd, shipments) {
			at[k] += v
		}
	}
	for serial, loc := range s.lostReceipts {
		// The restore lost its receipt, not the unit: it is where dispatch
		// received it, though the server does not know.
		at[[2]string{serial, "loc:" + string(loc)}]++
	}
	fitted := map[app.TicketID][]string{}
	refused := map[string]bool{} // serials some refused mutation carried: its conflict tells
	for _, x := range s.devicesMutations(applied) {
		if x.a.Status != "applied" {
			for k := range s.serialEffect(x.cmd, shipments) {
				refused[k[0]] = true
			}
			continue
		}
		for k, v := range s.serialEffect(x.cmd, shipments) {
			at[k] += v
		}
		if c, ok := x.cmd.(*app.ConsumePart); ok && c.Used.Serial != "" {
			fitted[c.Used.Ticket] = append(fitted[c.Used.Ticket], c.Used.Serial)
		}
	}
	places := map[string][]string{}
	for k, v := range at {
		if v != 0 {
			places[k[0]] = append(places[k[0]], fmt.Sprintf("%s×%d", k[1], v))
		}
	}
	for _, serial := range slices.Sorted(maps.Keys(places)) {
		ps := places[serial]
		slices.Sort(ps)
		if len(ps) == 1 && strings.HasSuffix(ps[0], "×1") {
			continue
		}
		surfaced := refused[serial]
		for _, p := range ps {
			loc, ok := strings.CutPrefix(p, "loc:")
			loc, _, _ = strings.Cut(loc, "×")
			surfaced = surfaced || ok && slices.ContainsFunc(conflicts, func(c app.Conflict) bool {
				// A unit's conflict names the location in Location, its
				// ID in LocationID; a balance's holds the ID in Location.
				at := c.Data["LocationID"]
				if at == nil {
					at = c.Data["Location"]
				}
				return c.Kind == app.ConflictNegativeStock && c.Field == string(serialPart) && at == loc
			})
		}
		if !surfaced {
			t.Errorf("serial %s is in %s, and no conflict says so", serial, strings.Join(ps, ", "))
		}
	}
	all, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range all {
		d, err := s.server.TicketDetail(s.ctx, tenant, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range d.Parts {
			if u.Serial != "" {
				got = append(got, u.Serial)
			}
		}
		slices.Sort(got)
		want := fitted[tk.ID]
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("ticket %s holds serials %v on the server; the applied fits put %v there", tk.Number, got, want)
		}
	}
	for _, dv := range s.devices {
		mine, err := s.server.Tickets(s.ctx, tenant, dv.tech)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range mine {
			sd, err := s.server.TicketDetail(s.ctx, tenant, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			ld, err := store.NewTicketService(dv.db).TicketDetail(s.ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ld.Away != nil {
				continue // the history is on the server only (checkAway)
			}
			if a, b := partSerials(ld), partSerials(sd); a != b {
				t.Errorf("%s: the parts of %s carry serials %s on the device, %s on the server", dv.name, tk.Number, a, b)
			}
		}
	}
}

// partSerials lists a ticket's parts used with their serials.
func partSerials(d app.TicketDetail) string {
	var out []string
	for _, u := range d.Parts {
		out = append(out, u.ID+":"+u.Serial+"/"+u.DefectiveSerial)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// checkClaims: 9. a ticket has a claim only when closed, at most one, and
// none out of warranty; every closed in-warranty ticket with parts fitted
// has one, with exactly one part line per part used (its part and
// quantity, priced from the catalog) and an amount that is the sum of its
// lines; a claim is in the state dispatch's last accepted step left it;
// the defective returns its evidence names carry the removed part's
// serial, and a return shipped in a return shipment is shown shipped by
// it.
func (s *sim) checkClaims(applied map[string]central.Applied) {
	t := s.t
	claims := s.serverClaims()
	byTicket := map[app.TicketID]central.Claim{}
	for _, c := range claims {
		if _, dup := byTicket[c.Ticket]; dup {
			t.Errorf("ticket %s has two claims", c.Number)
		}
		byTicket[c.Ticket] = c
		var sum int64
		for _, l := range c.Lines {
			sum += l.Amount.Amount
			if l.Amount.Currency != c.Amount.Currency {
				t.Errorf("claim %s: a line in %s, the claim in %s", c.ID, l.Amount.Currency, c.Amount.Currency)
			}
		}
		if sum != c.Amount.Amount {
			t.Errorf("claim %s of %s: its lines sum to %d, its amount is %d", c.ID, c.Number, sum, c.Amount.Amount)
		}
		if want, ok := s.claimStates[c.ID]; ok && c.State != want.state {
			t.Errorf("claim %s of %s is %s; dispatch's last step left it %s", c.ID, c.Number, c.State, want.state)
		} else if !ok && c.State != app.ClaimReady {
			t.Errorf("claim %s of %s is %s; dispatch never moved it", c.ID, c.Number, c.State)
		}
	}
	returns := map[string]string{}   // applied return movement -> its serial
	refusedFits := map[string]bool{} // removed serials of refused fits: their conflicts tell
	for _, x := range s.devicesMutations(applied) {
		if r, ok := x.cmd.(*app.ReturnDefective); ok && x.a.Status == "applied" {
			returns[r.Movement.ID] = r.Movement.Serial
		}
		if f, ok := x.cmd.(*app.ConsumePart); ok && x.a.Status != "applied" {
			refusedFits[f.Used.DefectiveSerial] = true
		}
	}
	shipments := map[string]app.Shipment{}
	for _, sh := range s.serverShipments() {
		shipments[sh.ID] = sh
	}
	all, err := s.server.Tickets(s.ctx, tenant, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range all {
		c, has := byTicket[tk.ID]
		in, known := s.inWarranty[tk.ID]
		switch {
		case has && tk.Status != app.StatusClosed:
			t.Errorf("ticket %s is %s and has claim %s", tk.Number, tk.Status, c.ID)
		case has && known && !in:
			t.Errorf("ticket %s was bought ten years ago, out of warranty, and has claim %s", tk.Number, c.ID)
		}
		if !known || !in || tk.Status != app.StatusClosed {
			continue
		}
		d, err := s.server.TicketDetail(s.ctx, tenant, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Parts) == 0 {
			continue
		}
		if !has {
			t.Errorf("ticket %s was repaired in warranty with %d parts, and has no claim", tk.Number, len(d.Parts))
			continue
		}
		var used, lines []string
		for _, u := range d.Parts {
			used = append(used, fmt.Sprintf("%s×%d=%d", u.Part, u.Qty, partPrice.Amount*int64(u.Qty)))
		}
		for _, l := range c.Lines {
			if l.Kind == app.ChargePart {
				lines = append(lines, fmt.Sprintf("%s×%d=%d", l.Part, l.Qty, l.Amount.Amount))
			}
		}
		slices.Sort(used)
		slices.Sort(lines)
		if slices.ContainsFunc(d.Parts, func(u app.PartUsed) bool { return u.Serial != "" }) {
			checkedSerials.claimed.Add(1)
		}
		if !slices.Equal(used, lines) {
			t.Errorf("claim %s of %s has part lines %v; the parts used are %v", c.ID, tk.Number, lines, used)
		}
		// The evidence lists, with each part used, the returns of its part
		// number on the ticket: each carries a serial one of them removed.
		removed := map[app.PartNumber][]string{}
		for _, u := range d.Parts {
			removed[u.Part] = append(removed[u.Part], u.DefectiveSerial)
		}
		for _, p := range c.Evidence.Parts {
			for _, id := range p.Returns {
				if serial, ok := returns[id]; ok && serial != "" && !slices.Contains(removed[p.Part], serial) && !refusedFits[serial] {
					t.Errorf("claim %s of %s: return %s carries serial %q; the parts used removed %v", c.ID, tk.Number, id, serial, removed[p.Part])
				}
			}
			if p.DefectiveSerial == "" || !slices.ContainsFunc(p.Returns, func(id string) bool { return returns[id] == p.DefectiveSerial }) {
				continue
			}
			for _, id := range slices.Sorted(maps.Keys(shipments)) {
				sh := shipments[id]
				if sh.Kind != app.ShipmentReturn || !slices.ContainsFunc(sh.Lines, func(l app.ShipmentLine) bool { return l.Serial == p.DefectiveSerial }) {
					continue
				}
				checkedSerials.shipped.Add(1)
				if !slices.ContainsFunc(p.ReturnShipments, func(cs central.ClaimShipment) bool { return cs.ID == sh.ID && cs.State == sh.State }) {
					t.Errorf("claim %s of %s: return shipment %s (%s) carries removed %s, the claim shows it shipped by %+v", c.ID, tk.Number, sh.ID, sh.State, p.DefectiveSerial, p.ReturnShipments)
				}
			}
		}
	}
}

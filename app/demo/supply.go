package demo

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Parts on their way: part requests for the tickets waiting for parts, the
// supply shipments that carry them, and the returns of defective parts,
// for the demo technician and the next few technicians (supplyTechs). They
// are what the mutations of app/partrequest.go and app/shipment.go would
// have left: requests in every state, ship movements out of the sender's
// stock under the shipment's "<id>/<line>" IDs, receive movements under
// the receipt's, and a receipt's differences as app.Differences finds
// them.
//
// They draw from a random source of their own (supplyStream), taken after
// the rest of the world is built, so that the tickets and the parts fitted
// on them (all the parts backtest reads) are what they were without them;
// the ledger gains the shipments' movements and the warehouses' deliveries
// ahead of them, and loses the adjustments that took the returned or kept
// defective parts out of their bins. Its first draw is the tracking number of the demo
// technician's parcel, so that number depends on the seed only, not on
// the world's size or time: the README names the one of `make run`.

// supplyStream seeds the supply records' random source from the world's
// seed; like pcgStream it must never change.
const supplyStream = 0x737570706c79 // "supply"

// supplyTechs is how many technicians, the demo technician first, have
// part requests and shipments.
const supplyTechs = 4

// waiting is a ticket waiting for a part, as waitForParts left it.
type waiting struct {
	d    *app.TicketDetail
	tech *tech
	m    *model
	part int // the part its status reason names
}

// defect is a defective part put in a defective bin by fitPart, with the
// adjustment that took it out when it was shipped to the brand.
type defect struct {
	tech   *tech
	ticket app.TicketID
	part   int
	qty    int
	serial string
	at     time.Time // when it entered the bin
	adjust string    // the adjustment's movement ID; "" while it is in the bin
}

// reqPlan is what became of a generated part request.
type reqPlan int

const (
	reqRequested reqPlan = iota
	reqApproved
	reqSubstitute // approved with a compatible part instead
	reqRejected
	reqInTransit // shipped in the parcel on its way
	reqShort     // its shipment arrived without it
	reqReceived
)

// demoPlans are the demo technician's requests: every state, two of them
// in the parcel on its way (the first thing to receive by scanning), the
// short one and a received one in an earlier parcel. Spread over the
// waiting tickets in turn, the rejected request is a second part for the
// first ticket when there are six.
var demoPlans = []reqPlan{reqInTransit, reqInTransit, reqShort, reqRequested, reqApproved, reqSubstitute, reqRejected, reqReceived}

// otherPlans are another technician's, one per waiting ticket.
var otherPlans = []reqPlan{reqInTransit, reqShort, reqRequested, reqSubstitute, reqRejected, reqApproved}

// carriers ship parcels within a country: the carrier's name and how its
// tracking numbers look.
var carriers = map[string]struct {
	name, prefix string
	digits       int
}{
	"CN": {"顺丰速运 SF Express", "SF", 13},
	"DE": {"DHL Paket", "00340434", 12},
	"NG": {"GIG Logistics", "GIG", 10},
}

func (w *world) tracking(country string) string {
	c := carriers[country]
	return c.prefix + w.r.digits(c.digits)
}

// Texts a requester and the office write, in the technician's language.
var (
	requestNotes = map[string]string{
		"CN": "客户急用，请尽快安排发货",
		"DE": "Kunde wartet, bitte dringend liefern",
		"NG": "Customer is waiting; please send it urgently",
	}
	substituteReasons = map[string]string{
		"CN": "原厂件缺货，改发兼容替代件",
		"DE": "Originalteil nicht lieferbar, kompatibles Ersatzteil freigegeben",
		"NG": "Original part out of stock; a compatible replacement is approved",
	}
	rejectReasons = map[string]string{
		"CN": "已过保修期：请先让客户确认报价，再重新申请",
		"DE": "Garantie abgelaufen: erst den Kostenvoranschlag vom Kunden bestätigen lassen, dann neu anfordern",
		"NG": "Out of warranty: get the customer's approval of the estimate first, then request it again",
	}
	shortNotes = map[string]string{
		"CN": "包裹内少一件，已拍照留存",
		"DE": "Ein Teil fehlte im Paket, Foto gemacht",
		"NG": "One part was missing from the parcel; photo taken",
	}
	// damagedNotes say what was wrong with the unit of the earlier parcel
	// that arrived damaged (a receipt line's Note).
	damagedNotes = map[string]string{
		"CN": "外箱压扁，配件外壳破裂",
		"DE": "Karton eingedrückt, Gehäuse des Teils gebrochen",
		"NG": "Box crushed; the part's casing is cracked",
	}
)

// buildSupply adds the part requests, shipments and returns. It runs last,
// on its own random source.
func (w *world) buildSupply() {
	main := w.r
	w.r = newRNG(w.seed ^ supplyStream)
	defer func() { w.r = main }()
	demoTracking := w.tracking("CN")
	drop := map[string]bool{} // adjustments a return shipment replaces
	for i, t := range w.techs[:min(supplyTechs, len(w.techs))] {
		var waits []waiting
		for _, wt := range w.waits {
			if wt.tech == t {
				waits = append(waits, wt)
			}
		}
		plans, tracking := otherPlans[:min(len(otherPlans), len(waits))], w.tracking(t.Country)
		if i == 0 {
			plans, tracking = demoPlans, demoTracking
		}
		if len(waits) > 0 {
			w.requests(t, waits, plans, tracking)
		}
		w.returns(t, drop)
	}
	if len(drop) > 0 {
		w.moves = slices.DeleteFunc(w.moves, func(m app.StockMovement) bool { return drop[m.ID] })
	}
}

// requests writes t's part requests, one plan each, over its waiting
// tickets in turn, and the supply shipments that carried the shipped ones:
// the parcel on its way (tracking) and an earlier one, received.
func (w *world) requests(t *tech, waits []waiting, plans []reqPlan, tracking string) {
	now := w.now
	var onWay, arrived []*app.PartRequest
	var missing *app.PartRequest // the request whose part the received parcel lacked
	asked := map[app.TicketID][]int{}
	for i, p := range plans {
		wt := waits[i%len(waits)]
		tk := &wt.d.Ticket
		pi := wt.part
		at := tk.UpdatedAt // when it began to wait
		if i >= len(waits) {
			// Another part for the same ticket, asked for a little later.
			if pi = w.otherPart(wt.m, asked[tk.ID]); pi < 0 {
				continue
			}
			at = at.Add(now.Sub(at) / 10)
		}
		asked[tk.ID] = append(asked[tk.ID], pi)
		at = w.workingTime(serviceDays, at, tk.CreatedAt, now)
		r := &app.PartRequest{
			ID: w.r.uuid(), Ticket: tk.ID, Part: w.parts[pi].Number, Qty: 1, Urgency: app.UrgencyNormal,
			To: t.stock, RequestedBy: t.Name, At: at, State: app.RequestRequested,
		}
		if w.r.chance(0.4) {
			r.Urgency, r.Note = app.UrgencyUrgent, requestNotes[t.Country]
		}
		if p != reqRequested {
			r.State, r.DecidedBy, r.DecidedAt = app.RequestApproved, dispatchers[t.Country], w.workingTime(serviceDays, at.Add(now.Sub(at)/6), at, now)
		}
		switch p {
		case reqSubstitute:
			if sub := w.otherPart(wt.m, []int{pi}); sub >= 0 {
				r.Substitute, r.Reason = w.parts[sub].Number, substituteReasons[t.Country]
			}
		case reqRejected:
			r.State, r.Reason = app.RequestRejected, rejectReasons[t.Country]
		case reqInTransit:
			onWay = append(onWay, r)
		case reqShort:
			if missing == nil {
				missing = r
			}
			arrived = append(arrived, r)
		case reqReceived:
			arrived = append(arrived, r)
		}
		w.partRequests = append(w.partRequests, r)
	}
	if len(arrived) > 0 {
		s := w.supplyShipment(t, arrived, w.tracking(t.Country))
		var got []app.ReceiptLine
		note := ""
		for _, l := range s.Lines {
			if missing != nil && l.Request == missing.ID {
				note = shortNotes[t.Country]
				continue
			}
			rl := app.ReceiptLine{Part: l.Part, Qty: l.Qty, Serial: l.Serial}
			if l.Request == "" {
				// One unit of the replenishment arrived damaged: it went
				// to the defective bin, to ship back with the others,
				// and the receipt records a damaged difference. No draw:
				// the rest of the supply records stay as they were.
				rl.Damaged, rl.Note = 1, damagedNotes[t.Country]
			}
			got = append(got, rl)
		}
		w.receive(s, got, w.workingTime(serviceDays, s.At.Add(now.Sub(s.At)/2), s.At.Add(time.Minute), now), t.Name, note, t.defective)
		fill(s, arrived)
	}
	if len(onWay) > 0 {
		w.supplyShipment(t, onWay, tracking)
	}
}

// fill hands a received shipment's sound units to its requests in line
// order, as app.ReceiveShipment does: a damaged unit fills none.
func fill(s *app.Shipment, reqs []*app.PartRequest) {
	left := map[app.PartNumber]int{}
	for _, l := range s.Receipt.Lines {
		left[l.Part] += l.Sound()
	}
	for _, l := range s.Lines {
		i := slices.IndexFunc(reqs, func(r *app.PartRequest) bool { return r.ID == l.Request })
		if i < 0 {
			continue
		}
		r := reqs[i]
		got := min(left[l.Part], l.Qty, r.Qty-r.Received)
		left[l.Part] -= got
		r.Received += got
		r.ReceivedAt = s.Receipt.At
		r.State = app.RequestShort
		if r.Received >= r.Qty {
			r.State = app.RequestReceived
		}
	}
}

// otherPart returns another part for model m than those in not: a variant
// of the same type first, so a substitute is a sensible one; -1 when the
// model has no other part.
func (w *world) otherPart(m *model, not []int) int {
	var same, other []int
	for _, pi := range m.parts {
		switch {
		case slices.Contains(not, pi):
		case len(not) > 0 && w.ptype[pi] == w.ptype[not[0]]:
			same = append(same, pi)
		default:
			other = append(other, pi)
		}
	}
	switch {
	case len(same) > 0:
		return pick(w.r, same)
	case len(other) > 0:
		return pick(w.r, other)
	}
	return -1
}

// partIndex returns the index of a part number in w.parts.
func (w *world) partIndex(n app.PartNumber) int {
	if w.partIdx == nil {
		w.partIdx = make(map[app.PartNumber]int, len(w.parts))
		for i := range w.parts {
			w.partIdx[w.parts[i].Number] = i
		}
	}
	return w.partIdx[n]
}

// supplyShipment ships reqs from the country's warehouse to t's stock,
// with one replenishment line of a part of t's models, after the last of
// them was approved. The warehouse receives each line's parts from the
// brand shortly before, so its stock covers the shipment.
func (w *world) supplyShipment(t *tech, reqs []*app.PartRequest, tracking string) *app.Shipment {
	decided := reqs[0].DecidedAt
	for _, r := range reqs {
		decided = later(decided, r.DecidedAt)
	}
	at := w.workingTime(warehouseDays, decided.Add(w.now.Sub(decided)/3), decided, w.now)
	s := &app.Shipment{
		ID: w.r.uuid(), Kind: app.ShipmentSupply, From: w.warehouse[t.Country], To: t.stock,
		Carrier: carriers[t.Country].name, Tracking: tracking, State: app.ShipmentInTransit, At: at, By: w.clerk[t.Country],
	}
	for _, r := range reqs {
		r.State, r.Shipment = app.RequestShipped, s.ID
		s.Lines = append(s.Lines, w.supplyLine(w.partIndex(r.Wanted()), 1, r.ID, r.Ticket))
	}
	if m := pick(w.r, t.models); len(m.parts) > 0 {
		pi := pick(w.r, m.parts)
		qty := 1
		switch w.parts[pi].Class {
		case app.ClassAccessory:
			qty = w.r.between(2, 5)
		case app.ClassUnit, app.ClassBattery:
			qty = w.r.between(1, 2)
		}
		s.Lines = append(s.Lines, w.supplyLine(pi, qty, "", ""))
	}
	for _, l := range s.Lines {
		p := &w.parts[w.partIndex(l.Part)]
		w.moves = append(w.moves, app.StockMovement{
			ID: w.r.uuid(), Kind: app.MoveReceive, Part: p.Number, To: s.From, Qty: l.Qty + w.r.n(4),
			Reason: fmt.Sprintf(w.in(delivery), p.Brand), At: w.warehouseTime(at.Add(-w.r.minutes(1440, 14*1440))), Recorded: s.By,
		})
	}
	w.send(s)
	return s
}

// supplyLine is a shipment line of qty units of part pi; a serialized
// part ships one unit with its serial.
func (w *world) supplyLine(pi, qty int, request string, ticket app.TicketID) app.ShipmentLine {
	l := app.ShipmentLine{Part: w.parts[pi].Number, Qty: qty, Request: request, Ticket: ticket}
	if p := &w.parts[pi]; p.Serialized {
		l.Qty, l.Serial = 1, w.partSerial(p)
	}
	return l
}

// send books a shipment's ship movements, as app.SendShipment does, and
// keeps it.
func (w *world) send(s *app.Shipment) {
	for i, l := range s.Lines {
		w.moves = append(w.moves, app.StockMovement{
			ID: s.ID + "/" + strconv.Itoa(i+1), Kind: app.MoveShip, Part: l.Part, From: s.From, Qty: l.Qty,
			Serial: l.Serial, Ticket: l.Ticket, Shipment: s.ID, At: s.At, Recorded: s.By,
		})
	}
	w.shipments = append(w.shipments, s)
}

// receive records what arrived of a shipment, as app.ReceiveShipment does:
// receive movements for the lines counted, a line's sound units into the
// destination, then its damaged ones into the defective bin (numbered in
// that order), and the differences from what shipped.
func (w *world) receive(s *app.Shipment, lines []app.ReceiptLine, at time.Time, by, note string, defective app.LocationID) {
	rc := app.Receipt{ID: w.r.uuid(), Lines: lines, Note: note, At: at, By: by}
	n := 0
	move := func(l app.ReceiptLine, qty int, to app.LocationID, reason string) {
		n++
		w.moves = append(w.moves, app.StockMovement{
			ID: rc.ID + "/" + strconv.Itoa(n), Kind: app.MoveReceive, Part: l.Part, To: to, Qty: qty,
			Serial: l.Serial, Reason: reason, Shipment: s.ID, At: at, Recorded: by,
		})
	}
	for _, l := range lines {
		if l.Sound() > 0 {
			move(l, l.Sound(), s.To, "")
		}
		if l.Damaged > 0 {
			rc.Defective = defective
			move(l, l.Damaged, defective, l.Note)
		}
	}
	rc.Differences = app.Differences(s.Lines, lines)
	s.Receipt, s.State = &rc, app.ShipmentReceived
}

// returns leaves t's newest defective parts in the bin (at least three,
// so "ship back" can be tried), and sends the next older ones back to the
// country's warehouse: two in a parcel on its way, three in one the
// warehouse received. The adjustments that took these parts out of the
// bin (fitPart's "Shipped to" the brand) are dropped: the parts stay in
// the bin, or leave it in the return shipment.
func (w *world) returns(t *tech, drop map[string]bool) {
	var ds []defect
	for _, d := range w.defects {
		if d.tech == t {
			ds = append(ds, d)
		}
	}
	slices.SortStableFunc(ds, func(a, b defect) int { return b.at.Compare(a.at) })
	i := 0
	for kept := 0; i < len(ds) && (ds[i].adjust == "" || kept < 3); i++ {
		kept++
		if ds[i].adjust != "" {
			drop[ds[i].adjust] = true
		}
	}
	onWay := ds[i:min(i+2, len(ds))]
	back := ds[i+len(onWay) : min(i+len(onWay)+3, len(ds))]
	now := w.now
	if len(onWay) > 0 {
		at := later(onWay[0].at.Add(time.Hour), now.Add(-w.r.minutes(2*1440, 4*1440)))
		w.returnShipment(t, onWay, w.workingTime(serviceDays, earlier(at, now), onWay[0].at.Add(time.Hour), now), drop)
	}
	if len(back) > 0 {
		at := later(back[0].at.Add(time.Hour), now.Add(-w.r.minutes(15*1440, 25*1440)))
		s := w.returnShipment(t, back, w.workingTime(serviceDays, earlier(at, now), back[0].at.Add(time.Hour), now), drop)
		var got []app.ReceiptLine
		for _, l := range s.Lines {
			got = append(got, app.ReceiptLine{Part: l.Part, Qty: l.Qty, Serial: l.Serial})
		}
		w.receive(s, got, w.workingTime(warehouseDays, s.At.Add(now.Sub(s.At)/3), s.At.Add(time.Minute), now), w.clerk[t.Country], "", "")
	}
}

// returnShipment ships defective parts from t's bin to the country's
// warehouse at at, shipped by t.
func (w *world) returnShipment(t *tech, ds []defect, at time.Time, drop map[string]bool) *app.Shipment {
	s := &app.Shipment{
		ID: w.r.uuid(), Kind: app.ShipmentReturn, From: t.defective, To: w.warehouse[t.Country],
		Carrier: carriers[t.Country].name, Tracking: w.tracking(t.Country), State: app.ShipmentInTransit, At: at, By: t.Name,
	}
	for _, d := range ds {
		if d.adjust != "" {
			drop[d.adjust] = true
		}
		s.Lines = append(s.Lines, app.ShipmentLine{Part: w.parts[d.part].Number, Qty: d.qty, Serial: d.serial, Ticket: d.ticket})
	}
	w.send(s)
	return s
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

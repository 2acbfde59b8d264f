package demo

import (
	"bytes"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestSupplyRecords(t *testing.T) {
	checkSupply(t, defaultWorld(t), testNow)
}

// checkSupply checks the part requests and shipments of a world: each
// validates, refers to what exists, and agrees with the others and with
// the stock ledger as the mutations of app/partrequest.go and
// app/shipment.go would have left them.
func checkSupply(t *testing.T, ds app.Dataset, now time.Time) {
	t.Helper()
	parts := map[app.PartNumber]app.Part{}
	for _, p := range ds.Parts {
		parts[p.Number] = p
	}
	locs := map[app.LocationID]app.Location{}
	for _, l := range ds.Locations {
		locs[l.ID] = l
	}
	techs := map[app.TechnicianID]app.Technician{}
	for _, tc := range ds.Technicians {
		techs[tc.ID] = tc
	}
	tickets := map[app.TicketID]*app.TicketDetail{}
	for i := range ds.Tickets {
		tickets[ds.Tickets[i].Ticket.ID] = &ds.Tickets[i]
	}
	moves := map[string]app.StockMovement{}
	shipMoves := map[string]int{} // ship and receive movements per shipment
	for _, m := range ds.Movements {
		moves[m.ID] = m
		if m.Shipment != "" {
			shipMoves[m.Shipment]++
		}
	}
	ships := map[string]app.Shipment{}
	for _, s := range ds.Shipments {
		if _, dup := ships[s.ID]; dup {
			t.Errorf("shipment %s twice", s.ID)
		}
		ships[s.ID] = s
	}
	requests := map[string]app.PartRequest{}
	for _, r := range ds.PartRequests {
		if _, dup := requests[r.ID]; dup {
			t.Errorf("part request %s twice", r.ID)
		}
		requests[r.ID] = r
	}

	for _, r := range ds.PartRequests {
		if err := r.Validate(); err != nil {
			t.Errorf("request %s: %v", r.ID, err)
		}
		d := tickets[r.Ticket]
		if d == nil || !uuidRE.MatchString(r.ID) {
			t.Errorf("request %s: ticket %s unknown, or the ID is no UUID", r.ID, r.Ticket)
			continue
		}
		tk := d.Ticket
		tc := techs[tk.Technician]
		stock := tc.Van
		if stock == "" {
			stock = app.LocationID(tc.Store)
		}
		switch {
		case tk.Status != app.StatusWaitingParts:
			t.Errorf("request %s: ticket %s is %s, not waiting for parts", r.ID, tk.Number, tk.Status)
		case r.To != stock || r.RequestedBy != tc.Name:
			t.Errorf("request %s: to %s by %q, want %s's stock %s", r.ID, r.To, r.RequestedBy, tc.Name, stock)
		case !parts[r.Part].Fits(tk.Product.Model):
			t.Errorf("request %s: part %s does not fit %s", r.ID, r.Part, tk.Product.Model)
		case r.At.Before(tk.CreatedAt) || r.At.After(now):
			t.Errorf("request %s at %v: ticket created %v, now %v", r.ID, r.At, tk.CreatedAt, now)
		case r.State != app.RequestRequested && (r.DecidedBy == "" || r.DecidedAt.Before(r.At) || r.DecidedAt.After(now)):
			t.Errorf("request %s: %s by %q at %v, asked at %v", r.ID, r.State, r.DecidedBy, r.DecidedAt, r.At)
		case r.Substitute != "" && (r.Substitute == r.Part || !parts[r.Substitute].Fits(tk.Product.Model) || r.Reason == ""):
			t.Errorf("request %s: substitute %s for %s on %s, reason %q", r.ID, r.Substitute, r.Part, tk.Product.Model, r.Reason)
		}
		s, shipped := ships[r.Shipment]
		if (r.Shipment != "") != (r.State == app.RequestShipped || r.State == app.RequestShort || r.State == app.RequestReceived) || r.Shipment != "" && !shipped {
			t.Errorf("request %s: %s with shipment %q", r.ID, r.State, r.Shipment)
			continue
		}
		line := -1
		for i, l := range s.Lines {
			if l.Request == r.ID && l.Part == r.Wanted() && l.Ticket == r.Ticket {
				line = i
			}
		}
		switch r.State {
		case app.RequestRequested:
			if r.DecidedBy != "" || r.Substitute != "" {
				t.Errorf("request %s: requested, yet decided: %+v", r.ID, r)
			}
		case app.RequestApproved:
		case app.RequestRejected:
			if strings.TrimSpace(r.Reason) == "" {
				t.Errorf("request %s: rejected without a reason", r.ID)
			}
		case app.RequestShipped:
			if s.State != app.ShipmentInTransit || line < 0 || r.Received != 0 || s.At.Before(r.DecidedAt) {
				t.Errorf("request %s: shipped in %+v (line %d)", r.ID, s, line)
			}
		case app.RequestShort, app.RequestReceived:
			if s.State != app.ShipmentReceived || s.Receipt == nil || line < 0 || !r.ReceivedAt.Equal(s.Receipt.At) {
				t.Errorf("request %s: %s from %+v (line %d)", r.ID, r.State, s, line)
				continue
			}
			short := false
			for _, df := range s.Receipt.Differences {
				short = short || df.Kind == app.DifferenceShort && df.Part == r.Wanted()
			}
			if r.State == app.RequestShort && (!short || r.Received >= r.Qty) || r.State == app.RequestReceived && r.Received != r.Qty {
				t.Errorf("request %s: %s, %d of %d received, differences %+v", r.ID, r.State, r.Received, r.Qty, s.Receipt.Differences)
			}
		default:
			t.Errorf("request %s: state %s", r.ID, r.State)
		}
	}

	for _, s := range ds.Shipments {
		if err := s.Validate(); err != nil {
			t.Errorf("shipment %s: %v", s.ID, err)
		}
		from, to := locs[s.From], locs[s.To]
		switch {
		case !uuidRE.MatchString(s.ID) || s.Carrier == "" || s.Tracking == "" || s.By == "":
			t.Errorf("shipment %s: carrier %q, tracking %q, by %q", s.ID, s.Carrier, s.Tracking, s.By)
		case s.Kind == app.ShipmentSupply && (from.Kind != app.LocationWarehouse || to.Kind != app.LocationVan && to.Kind != app.LocationStore):
			t.Errorf("supply shipment %s from %s (%s) to %s (%s)", s.ID, s.From, from.Kind, s.To, to.Kind)
		case s.Kind == app.ShipmentReturn && (from.Kind != app.LocationDefective || to.Kind != app.LocationWarehouse):
			t.Errorf("return shipment %s from %s (%s) to %s (%s)", s.ID, s.From, from.Kind, s.To, to.Kind)
		case s.At.After(now):
			t.Errorf("shipment %s shipped at %v, after now %v", s.ID, s.At, now)
		}
		for i, l := range s.Lines {
			if _, ok := parts[l.Part]; !ok {
				t.Errorf("shipment %s: unknown part %s", s.ID, l.Part)
			}
			if l.Request != "" && requests[l.Request].Shipment != s.ID {
				t.Errorf("shipment %s: line %d names request %s, which is not in it", s.ID, i+1, l.Request)
			}
			if s.Kind == app.ShipmentReturn {
				checkReturned(t, s, l, tickets[l.Ticket])
			}
			want := app.StockMovement{
				ID: s.ID + "/" + strconv.Itoa(i+1), Kind: app.MoveShip, Part: l.Part, From: s.From, Qty: l.Qty,
				Serial: l.Serial, Ticket: l.Ticket, Shipment: s.ID, At: s.At, Recorded: s.By,
			}
			if m := moves[want.ID]; !reflect.DeepEqual(m, want) {
				t.Errorf("shipment %s line %d: ship movement %+v, want %+v", s.ID, i+1, m, want)
			}
			// The sender held what it shipped, as of shipping.
			if q := balanceAt(ds, s.From, l.Part, s.At); q < 0 {
				t.Errorf("shipment %s: %s holds %d of %s after shipping it", s.ID, s.From, q, l.Part)
			}
		}
		n := len(s.Lines)
		if s.State == app.ShipmentInTransit && s.Receipt != nil {
			t.Errorf("shipment %s: in transit with a receipt", s.ID)
		}
		if rc := s.Receipt; rc != nil {
			n += len(rc.Lines)
			if s.State != app.ShipmentReceived || rc.At.Before(s.At) || rc.At.After(now) || rc.By == "" {
				t.Errorf("shipment %s: %s, shipped %v, receipt %+v", s.ID, s.State, s.At, rc)
			}
			if want := app.Differences(s.Lines, rc.Lines); !reflect.DeepEqual(rc.Differences, want) {
				t.Errorf("shipment %s: differences %+v, want %+v", s.ID, rc.Differences, want)
			}
			// As app.ReceiveShipment numbers them: a line's sound units
			// into the destination, then its damaged ones into the bin.
			k := 0
			for i, l := range rc.Lines {
				for _, part := range []struct {
					qty    int
					to     app.LocationID
					reason string
				}{{l.Sound(), s.To, ""}, {l.Damaged, rc.Defective, l.Note}} {
					if part.qty == 0 {
						continue
					}
					k++
					want := app.StockMovement{
						ID: rc.ID + "/" + strconv.Itoa(k), Kind: app.MoveReceive, Part: l.Part, To: part.to, Qty: part.qty,
						Serial: l.Serial, Reason: part.reason, Shipment: s.ID, At: rc.At, Recorded: rc.By,
					}
					if m := moves[want.ID]; !reflect.DeepEqual(m, want) {
						t.Errorf("shipment %s receipt line %d: movement %+v, want %+v", s.ID, i+1, m, want)
					}
				}
				if l.Damaged > 0 && (locs[rc.Defective].Kind != app.LocationDefective || locs[rc.Defective].Owner != to.Owner) {
					t.Errorf("shipment %s: damaged units into %s, not the defective bin of %s", s.ID, rc.Defective, s.To)
				}
			}
			n += k - len(rc.Lines)
		}
		if shipMoves[s.ID] != n {
			t.Errorf("shipment %s: %d movements name it, want %d", s.ID, shipMoves[s.ID], n)
		}
	}
}

// checkReturned checks a returned defective part: it came off the ticket
// the line names, with the serial the technician recorded.
func checkReturned(t *testing.T, s app.Shipment, l app.ShipmentLine, d *app.TicketDetail) {
	t.Helper()
	if d == nil {
		t.Errorf("return %s: part %s names no known ticket (%q)", s.ID, l.Part, l.Ticket)
		return
	}
	for _, u := range d.Parts {
		if u.Part == l.Part && u.DefectiveSerial == l.Serial && u.Qty == l.Qty {
			return
		}
	}
	t.Errorf("return %s: ticket %s fitted no %s with defective serial %q", s.ID, d.Ticket.Number, l.Part, l.Serial)
}

// balanceAt is a location's balance of a part after the movements up to at.
func balanceAt(ds app.Dataset, loc app.LocationID, part app.PartNumber, at time.Time) int {
	q := 0
	for _, m := range ds.Movements {
		if m.Part == part && !m.At.After(at) {
			q += m.Delta(loc)
		}
	}
	return q
}

// demoParcel is the supply shipment on its way to the demo technician's
// van.
func demoParcel(t *testing.T, ds app.Dataset) app.Shipment {
	t.Helper()
	var out []app.Shipment
	for _, s := range ds.Shipments {
		if s.Kind == app.ShipmentSupply && s.To == "van-"+app.LocationID(DemoTechnician) && s.State == app.ShipmentInTransit {
			out = append(out, s)
		}
	}
	if len(out) != 1 {
		t.Fatalf("supply shipments on their way to the demo van: %d, want 1", len(out))
	}
	return out[0]
}

func TestDemoTechnicianSupply(t *testing.T) {
	ds := defaultWorld(t)
	mine := map[app.TicketID]bool{}
	for _, d := range ds.Tickets {
		mine[d.Ticket.ID] = d.Ticket.Technician == DemoTechnician
	}
	states := map[string]int{}
	others := map[app.TicketID]bool{}
	for _, r := range ds.PartRequests {
		if !mine[r.Ticket] {
			others[r.Ticket] = true
			continue
		}
		st := string(r.State)
		if r.Substitute != "" {
			st = "substitute"
		}
		states[st]++
		if (r.Reason != "" || r.Note != "") && !hasHan(r.Reason+r.Note) {
			t.Errorf("request %s: reason %q, note %q: want the Chinese of the demo technician", r.ID, r.Reason, r.Note)
		}
	}
	t.Logf("demo technician's requests: %v; other technicians' tickets with requests: %d", states, len(others))
	for _, st := range []string{"requested", "approved", "substitute", "rejected", "shipped", "short", "received"} {
		if states[st] == 0 {
			t.Errorf("the demo technician has no request %s", st)
		}
	}
	if len(others) < 3 {
		t.Errorf("requests on %d other technicians' tickets, want a few", len(others))
	}

	// The parcel to receive first: two requested parts and a replenishment.
	p := demoParcel(t, ds)
	requested := 0
	for _, l := range p.Lines {
		if l.Request != "" {
			requested++
		}
	}
	if requested != 2 || len(p.Lines) != 3 || !strings.HasPrefix(p.Tracking, "SF") {
		t.Errorf("the demo parcel: %d lines, %d of them requested, tracking %q; want 2 requested and 1 replenishment by SF", len(p.Lines), requested, p.Tracking)
	}

	// Returns: one on its way to the warehouse, one received, and parts
	// left in the bin to ship back.
	bin := app.LocationID("van-" + string(DemoTechnician) + "-defective")
	var onWay, back int
	for _, s := range ds.Shipments {
		if s.Kind != app.ShipmentReturn || s.From != bin {
			continue
		}
		if s.To != "wh-cn" {
			t.Errorf("return %s goes to %s, want the Chinese warehouse", s.ID, s.To)
		}
		if s.State == app.ShipmentInTransit {
			onWay++
		} else {
			back++
		}
	}
	if onWay != 1 || back != 1 {
		t.Errorf("returns from the demo bin: %d on their way, %d received; want one each", onWay, back)
	}
	serialized := map[app.PartNumber]bool{}
	for _, p := range ds.Parts {
		serialized[p.Number] = p.Serialized
	}
	units := 0
	for p, q := range balances(ds)[bin] {
		if q < 0 {
			t.Errorf("demo bin: %s at %d", p, q)
		}
		units += max(q, 0)
	}
	for _, m := range ds.Movements {
		if m.Kind == app.MoveReturnDefective && m.To == bin && (m.Ticket == "" || serialized[m.Part] != (m.Serial != "")) {
			t.Errorf("defective part %s into the demo bin: ticket %q, serial %q", m.Part, m.Ticket, m.Serial)
		}
	}
	if units < 3 {
		t.Errorf("the demo bin holds %d defective parts, want 3 or more to ship back", units)
	}

	// A parcel received earlier had a unit damaged: the receipt says so
	// (a damaged difference, which the console lists), and the unit waits
	// in the bin; the parcel to receive has none yet.
	damaged := 0
	for _, s := range ds.Shipments {
		if s.Kind != app.ShipmentSupply || s.Receipt == nil || s.To != "van-"+app.LocationID(DemoTechnician) {
			continue
		}
		for _, df := range s.Receipt.Differences {
			if df.Kind != app.DifferenceDamaged {
				continue
			}
			damaged += df.Damaged
			if s.Receipt.Defective != bin {
				t.Errorf("parcel %s: damaged units into %q, want %s", s.Tracking, s.Receipt.Defective, bin)
			}
			for _, l := range s.Receipt.Lines {
				if l.Part == df.Part && (l.Damaged == 0 || !hasHan(l.Note)) {
					t.Errorf("parcel %s: damaged line %+v without its Chinese note", s.Tracking, l)
				}
			}
			if q := balanceAt(ds, bin, df.Part, s.Receipt.At); q < df.Damaged {
				t.Errorf("parcel %s: the bin holds %d of %s after the receipt, want the %d damaged", s.Tracking, q, df.Part, df.Damaged)
			}
		}
	}
	if damaged == 0 {
		t.Error("no parcel received by the demo technician had a damaged unit")
	}
	if p.Receipt != nil {
		t.Errorf("the parcel to receive was received already: %+v", p.Receipt)
	}
}

// TestDemoTracking: the parcel's tracking number depends on the seed only,
// and the README names make run's (seed 1).
func TestDemoTracking(t *testing.T) {
	a := demoParcel(t, defaultWorld(t)).Tracking
	b := demoParcel(t, Generate(1, Size{Models: 40, Parts: 1500, Tickets: 500, Technicians: 6}, testNow.Add(50*24*time.Hour))).Tracking
	if a != b {
		t.Errorf("seed 1's parcel is %s in one world and %s in another", a, b)
	}
	if c := demoParcel(t, Generate(2, Default, testNow)).Tracking; c == a {
		t.Errorf("seeds 1 and 2 gave the same tracking number %s", a)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte(a)) {
		t.Errorf("README.md does not name the demo parcel's tracking number %s", a)
	}
}

func TestSupplyDeterministic(t *testing.T) {
	a, b := Generate(7, small, testNow), Generate(7, small, testNow)
	if len(a.PartRequests) == 0 || len(a.Shipments) == 0 {
		t.Fatalf("a small world has %d requests and %d shipments, want some", len(a.PartRequests), len(a.Shipments))
	}
	if !bytes.Equal(mustJSON(t, a.PartRequests), mustJSON(t, b.PartRequests)) || !bytes.Equal(mustJSON(t, a.Shipments), mustJSON(t, b.Shipments)) {
		t.Fatal("the same seed, size and time gave other requests or shipments")
	}
	checkSupply(t, a, testNow)
}

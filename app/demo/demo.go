package demo

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Size says how big a world to build.
type Size struct {
	Models      int // distinct product models; at least 1
	Parts       int // catalog entries
	Tickets     int // tickets, history and open work together
	Technicians int // technicians, DemoTechnician included; at least 1
}

// Default is the world `make run` shows: a mid-sized service provider.
var Default = Size{Models: 200, Parts: 20000, Tickets: 5000, Technicians: 12}

// DemoTechnician is the technician `make run` signs in as: 王磊 Wang Lei, a
// field technician in Shanghai with a van and a full day of work, and
// recent visits finished but not yet closed (demoCompleted), to sign off.
const DemoTechnician app.TechnicianID = "tech-demo"

// Zone is the time zone of the demo world's clocks: its service provider
// works in China, as its demo technician does, in Shanghai. The demo
// service lays the world out and shows the console in it.
const Zone = "Asia/Shanghai"

// Generate builds the demo world for a seed and size, as it stands at now.
// The same arguments give the same dataset, byte for byte. Times of day
// (appointment slots, "today") are laid out in now's location, so pass now
// in the zone the UI shows; stored times are UTC. Sizes below the minimum
// are raised to it.
func Generate(seed int64, size Size, now time.Time) app.Dataset {
	return newWorld(seed, size, now).build()
}

// world is the generator's state while it builds a dataset.
type world struct {
	r     rng
	seed  int64
	size  Size
	now   time.Time      // the caller's now, to the minute
	loc   *time.Location // where days begin, for appointment slots
	rules []app.RuleSet
	lang  string // the language of the world's own words (langCode)

	models   []*model
	byLineup [][]*model
	parts    []app.Part
	ptype    []*partType // the type of each part, by index
	pmodel   []*model    // the model each part was made for, by index
	pop      []int       // each part's popularity among its variants, by index (partPopularity)
	partNums map[app.PartNumber]bool

	techs     []*tech
	stores    []*store
	locs      []app.Location
	warehouse map[string]app.LocationID // by country
	clerk     map[string]string         // warehouse clerk by country

	tickets []*app.TicketDetail
	moves   []app.StockMovement
	demands []demand // warehouse issues, so receipts can precede them

	// Parts on their way (supply.go).
	waits        []waiting
	defects      []defect
	partIdx      map[app.PartNumber]int
	partRequests []*app.PartRequest
	shipments    []*app.Shipment
}

func newWorld(seed int64, size Size, now time.Time) *world {
	size.Models = max(1, size.Models)
	size.Technicians = max(1, size.Technicians)
	size.Parts = max(0, size.Parts)
	size.Tickets = max(0, size.Tickets)
	loc := now.Location()
	return &world{
		r:         newRNG(seed),
		seed:      seed,
		size:      size,
		now:       now.Truncate(time.Minute).In(loc),
		loc:       loc,
		rules:     RuleSets(),
		lang:      "en",
		warehouse: map[string]app.LocationID{},
		clerk:     map[string]string{},
	}
}

func (w *world) build() app.Dataset {
	w.buildModels()
	w.buildParts()
	w.buildPeopleAndPlaces()
	w.buildTickets()
	w.stockLocations()
	w.stockWarehouses()
	w.buildSupply()
	return w.dataset()
}

func (w *world) dataset() app.Dataset {
	ds := app.Dataset{RuleSets: w.rules, Locations: w.locs}
	for _, t := range w.techs {
		ds.Technicians = append(ds.Technicians, t.Technician)
	}
	ds.Parts = slices.Clone(w.parts)
	slices.SortFunc(ds.Parts, func(a, b app.Part) int { return cmp.Compare(a.Number, b.Number) })
	ds.Movements = w.moves
	for i := range ds.Movements {
		ds.Movements[i].At = ds.Movements[i].At.UTC()
	}
	// IDs are unique, so this order is total and sorting need not be stable.
	slices.SortFunc(ds.Movements, func(a, b app.StockMovement) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, r := range w.partRequests {
		r.At, r.DecidedAt, r.ReceivedAt = r.At.UTC(), r.DecidedAt.UTC(), r.ReceivedAt.UTC()
		ds.PartRequests = append(ds.PartRequests, *r)
	}
	for _, s := range w.shipments {
		s.At = s.At.UTC()
		if s.Receipt != nil {
			s.Receipt.At = s.Receipt.At.UTC()
		}
		ds.Shipments = append(ds.Shipments, *s)
	}
	ds.Tickets = make([]app.TicketDetail, len(w.tickets))
	for i, d := range w.tickets {
		utcDetail(d)
		ds.Tickets[i] = *d
	}
	return ds
}

// utcDetail stores every time of a ticket in UTC, as the store does.
func utcDetail(d *app.TicketDetail) {
	t := &d.Ticket
	for _, p := range []*time.Time{&t.RespondBy, &t.ResolveBy, &t.WindowStart, &t.WindowEnd, &t.CreatedAt, &t.UpdatedAt, &t.StartedAt, &t.CompletedAt,
		&t.Product.PurchaseDate, &t.Product.ManufactureDate, &t.Product.PlanStart} {
		*p = p.UTC()
	}
	for i := range d.Repairs {
		d.Repairs[i].At = d.Repairs[i].At.UTC()
	}
	for i := range d.Parts {
		d.Parts[i].At = d.Parts[i].At.UTC()
	}
	for i := range d.Notes {
		d.Notes[i].At = d.Notes[i].At.UTC()
	}
}

// day returns the start of t's day in the world's location.
func (w *world) day(t time.Time) time.Time {
	y, m, d := t.In(w.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, w.loc)
}

// date returns t's calendar day as midnight UTC, the form of date-only
// fields such as the purchase date.
func (w *world) date(t time.Time) time.Time {
	y, m, d := t.In(w.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addDays moves t by n calendar days in the world's location, keeping the
// time of day across daylight-saving changes.
func (w *world) addDays(t time.Time, n int) time.Time {
	t = t.In(w.loc)
	return time.Date(t.Year(), t.Month(), t.Day()+n, t.Hour(), t.Minute(), 0, 0, w.loc)
}

// workStarts and workEnds bound the working day (hours on the world's
// clocks): every visit window lies within them, as the shop books its
// customers, and so do the times the office and the warehouses work at:
// a part request asked and decided, a parcel shipped and received, a van
// restocked, a delivery received (workingTime); and every time a ticket
// shows: opened, started, each repair and part fitted, completed, signed
// off, each note and its last change (keepHours). The days worked are
// the calendars' (serviceDays, warehouseDays).
const workStarts, workEnds = 9, 18

// A calendar is the days of the week a part of the business works, a
// bit per time.Weekday.
type calendar uint8

// The shop's week, as an after-sales service provider keeps it: field
// visits, the stores' counters and dispatch work Monday to Saturday
// (customers are home, and bring their devices in, on Saturdays); the
// warehouses and their clerks (restocks, deliveries, parcels shipped and
// received) Monday to Friday. Sunday is a rest day for all.
//
// The day the demo runs is worked whatever its weekday (works): the shop
// has a weekend duty roster, and its technicians on duty that day are
// the ones the demo shows, so Today is a full day of work on a Sunday too
// (demo.Generate is given the wall clock: device/demoserver).
const (
	serviceDays   calendar = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday | 1<<time.Saturday
	warehouseDays calendar = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
)

// works reports whether t's day, on the world's clocks, is worked by c:
// a weekday of c, or today (the duty roster).
func (w *world) works(c calendar, t time.Time) bool {
	d := w.day(t)
	return c&(1<<d.Weekday()) != 0 || d.Equal(w.day(w.now))
}

// maxRestDays bounds the search for a worked day: no calendar rests more
// than this many days in a row.
const maxRestDays = 2

// workday returns the first day worked by c from day on (step 1) or
// back (step -1), at day's time of day.
func (w *world) workday(c calendar, day time.Time, step int) time.Time {
	for range maxRestDays {
		if w.works(c, day) {
			break
		}
		day = w.addDays(day, step)
	}
	return day
}

// workingTime returns a moment in c's working hours within [lo, hi], near
// t: t itself when it is in them; else the next worked day's first hours
// after t, or the last worked day's last hours before t; else lo or hi
// when in working hours. When [lo, hi] holds none, t: a time out of hours
// rather than out of order (a parcel received before it shipped). The
// moved times spread over the first and last 90 minutes by t's own
// minute, not all at one instant, and draw nothing from w.r, so the rest
// of the world stays as its seed made it.
func (w *world) workingTime(c calendar, t, lo, hi time.Time) time.Time {
	local := t.In(w.loc)
	y, m, d := local.Date()
	open := time.Date(y, m, d, workStarts, 0, 0, 0, w.loc)
	shut := time.Date(y, m, d, workEnds, 0, 0, 0, w.loc)
	if w.inHours(c, t) && !t.Before(lo) && !t.After(hi) {
		return t
	}
	spread := time.Duration((local.Hour()*60+local.Minute())%90) * time.Minute
	next, prev := open, shut
	if !local.Before(open) || !w.works(c, open) {
		next = w.workday(c, w.addDays(open, 1), 1)
	}
	if local.Before(shut) || !w.works(c, shut) {
		prev = w.workday(c, w.addDays(shut, -1), -1)
	}
	for _, c0 := range []time.Time{next.Add(spread), prev.Add(-spread - time.Minute), lo, hi} {
		if !c0.Before(lo) && !c0.After(hi) && w.inHours(c, c0) {
			return c0
		}
	}
	return t
}

// sessionGap splits a ticket's events into sittings (keepHours): events
// closer than it are one piece of work (a visit, a bench session, a
// sign-off after the repair) and move together.
const sessionGap = 3 * time.Hour

// keepHours moves a ticket's events into working hours, keeping their
// order: events is the ticket's story (started, each repair logged, the
// wait for parts, completed, signed off), slot the appointment window
// among them or nil. The events form sittings (sessionGap); a sitting out
// of hours, or running past the working day's end, moves whole, its
// steps' spacing kept, to the next working day's first hours, else to the
// last hours before it, never before lo nor the sitting before it, never
// after hi. A sitting longer than a working day is squeezed into one. A
// sitting the window leads starts on an appointment slot again, so the
// visit stays one a customer booked. Zero times are not events; a
// sitting that fits nowhere whole is squeezed into its last day's working
// hours between lo and hi (the story's end near now: hoursWithin), else
// stays as it was: out of hours rather than out of order. It draws
// nothing from w.r.
func (w *world) keepHours(events []*time.Time, slot *time.Time, lo, hi time.Time) {
	events = slices.DeleteFunc(slices.Clone(events), func(t *time.Time) bool { return t.IsZero() })
	slices.SortStableFunc(events, func(a, b *time.Time) int { return a.Compare(*b) })
	maxLen := time.Duration(workEnds-workStarts)*time.Hour - time.Hour
	for i := 0; i < len(events); {
		j := i + 1
		for j < len(events) && events[j].Sub(*events[j-1]) < sessionGap && events[j] != slot {
			j++
		}
		sitting := events[i:j]
		i = j
		first := *sitting[0]
		length := sitting[len(sitting)-1].Sub(first)
		if length > maxLen {
			k := float64(maxLen) / float64(length)
			for _, t := range sitting {
				*t = first.Add(time.Duration(float64(t.Sub(first)) * k)).Truncate(time.Minute)
			}
			length = sitting[len(sitting)-1].Sub(first)
		}
		start := w.sittingStart(first, length, sitting[0] == slot, lo, hi)
		if start.Equal(first) && sitting[0] != slot && !w.inWorkingHours(first) {
			// Nowhere to move it whole: squeezed into its last day's
			// working hours between lo and hi, when they hold any.
			if from, to, ok := w.hoursWithin(*sitting[len(sitting)-1], lo, hi); ok && to.Sub(from) < length {
				k := float64(to.Sub(from)) / float64(length)
				for _, t := range sitting {
					*t = from.Add(time.Duration(float64(t.Sub(first)) * k)).Truncate(time.Minute)
				}
				lo = *sitting[len(sitting)-1]
				continue
			}
		}
		for _, t := range sitting {
			*t = t.Add(start.Sub(first))
		}
		lo = start.Add(length)
	}
}

// hoursWithin is the part of t's day's working hours (a service day's)
// that lies within [lo, hi], to the minute; ok is false when there is
// none.
func (w *world) hoursWithin(t, lo, hi time.Time) (from, to time.Time, ok bool) {
	l := t.In(w.loc)
	from = time.Date(l.Year(), l.Month(), l.Day(), workStarts, 0, 0, 0, w.loc)
	to = time.Date(l.Year(), l.Month(), l.Day(), workEnds, 0, 0, 0, w.loc).Add(-time.Minute)
	if lo.After(from) {
		from = lo.Add(time.Minute - 1).Truncate(time.Minute)
	}
	if hi.Before(to) {
		to = hi.Truncate(time.Minute)
	}
	return from, to, w.works(serviceDays, t) && to.After(from)
}

// sittingStart is where a sitting of the given length that starts at t
// starts in working hours (keepHours): t when it fits; else the first
// fitting start after t, else the last before it; on a slot when onSlot.
// It looks a bounded number of days each way.
func (w *world) sittingStart(t time.Time, length time.Duration, onSlot bool, lo, hi time.Time) time.Time {
	fits := func(s time.Time) bool {
		l := s.In(w.loc)
		shut := time.Date(l.Year(), l.Month(), l.Day(), workEnds, 0, 0, 0, w.loc)
		return w.inWorkingHours(s) && s.Add(length).Before(shut) && !s.Before(lo) && !s.Add(length).After(hi)
	}
	if fits(t) && (!onSlot || w.isSlot(t)) {
		return t
	}
	// Moved sittings spread over the working day's first and last hours
	// by t's own minute, not all at one instant.
	local := t.In(w.loc)
	spread := time.Duration((local.Hour()*60+local.Minute())%90) * time.Minute
	const lookDays = 30
	candidates := func(day time.Time) []time.Time {
		if onSlot {
			var out []time.Time
			for i := range slotHours {
				out = append(out, w.slot(day, i))
			}
			return out
		}
		open := time.Date(day.Year(), day.Month(), day.Day(), workStarts, 0, 0, 0, w.loc)
		shut := time.Date(day.Year(), day.Month(), day.Day(), workEnds, 0, 0, 0, w.loc)
		return []time.Time{open.Add(spread), open, shut.Add(-length - spread - time.Minute), shut.Add(-length - time.Minute)}
	}
	for d := 0; d <= lookDays; d++ {
		for _, c := range candidates(w.addDays(w.day(t), d)) {
			if c.After(t) && fits(c) {
				return c
			}
		}
	}
	for d := 0; d <= lookDays; d++ {
		cs := candidates(w.addDays(w.day(t), -d))
		slices.SortFunc(cs, func(a, b time.Time) int { return b.Compare(a) })
		for _, c := range cs {
			if c.Before(t) && fits(c) {
				return c
			}
		}
	}
	return t
}

// isSlot reports whether t starts an appointment window.
func (w *world) isSlot(t time.Time) bool {
	l := t.In(w.loc)
	return l.Minute() == 0 && l.Second() == 0 && slices.Contains(slotHours, l.Hour())
}

// inWorkingHours reports whether t is in the working hours of a service
// day (serviceDays) on the world's clocks: when visits, the counter and
// dispatch work.
func (w *world) inWorkingHours(t time.Time) bool { return w.inHours(serviceDays, t) }

// lastWorkingMinute is t when it is in working hours, else the end of the
// last working day's hours before it (serviceDays): the latest a piece of
// past work may end.
func (w *world) lastWorkingMinute(t time.Time) time.Time {
	if w.inWorkingHours(t) {
		return t
	}
	for i := 0; i <= maxRestDays+1; i++ {
		d := w.addDays(w.day(t), -i)
		if !w.works(serviceDays, d) {
			continue
		}
		if end := time.Date(d.Year(), d.Month(), d.Day(), workEnds, 0, 0, 0, w.loc); !end.After(t) {
			return end
		}
	}
	return t
}

// inHours reports whether t is in the working hours of a day c works.
func (w *world) inHours(c calendar, t time.Time) bool {
	h := t.In(w.loc).Hour()
	return h >= workStarts && h < workEnds && w.works(c, t)
}

// slotHours are the starts of the two-hour appointment windows, within
// the working day.
var slotHours = []int{9, 10, 12, 14, 16}

// slot returns the start of window i on the day that starts at day.
func (w *world) slot(day time.Time, i int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), slotHours[i%len(slotHours)], 0, 0, 0, w.loc)
}

// nextSlot returns one of the first few appointment windows starting at or
// after t: customers do not always take the first.
func (w *world) nextSlot(t time.Time) time.Time {
	skip := w.r.n(4)
	d := w.day(t)
	for {
		if !w.works(serviceDays, d) {
			d = w.addDays(d, 1)
			continue
		}
		for i := range slotHours {
			s := w.slot(d, i)
			if s.Before(t) {
				continue
			}
			if skip == 0 {
				return s
			}
			skip--
		}
		d = w.addDays(d, 1)
	}
}

// demand is a warehouse issue (a transfer out) that receipts must cover.
type demand struct {
	wh   app.LocationID
	part int
	at   time.Time
	qty  int
	seq  int // order of booking, to break ties
}

// restock transfers a part from the country's warehouse to a technician's
// van or store, as the warehouse does before parts are fitted: at, or
// the warehouse's last working hours before it (warehouseDays).
func (w *world) restock(t *tech, pi, qty int, serial string, at time.Time) {
	at = w.warehouseTime(at)
	wh := w.warehouse[t.Country]
	reason := w.in(vanRestock)
	if !t.field {
		reason = w.in(storeRestock)
	}
	w.moves = append(w.moves, app.StockMovement{
		ID: w.r.uuid(), Kind: app.MoveTransfer, Part: w.parts[pi].Number, From: wh, To: t.stock,
		Qty: qty, Serial: serial, Reason: reason, At: at, Recorded: w.clerk[t.Country],
	})
	w.demands = append(w.demands, demand{wh: wh, part: pi, at: at, qty: qty, seq: len(w.demands)})
}

// stockLocations gives every van and store a working stock of parts for
// the models its technicians see, delivered over the last two months.
func (w *world) stockLocations() {
	stocked := map[app.LocationID]bool{}
	for _, t := range w.techs {
		if stocked[t.stock] {
			continue
		}
		stocked[t.stock] = true
		var cands []int
		for _, m := range t.models {
			cands = append(cands, m.parts...)
		}
		if len(cands) == 0 {
			continue
		}
		lines := w.r.between(25, 45)
		if !t.field {
			lines *= 2 // a counter keeps more than a van
		}
		for range lines {
			pi := pick(w.r, cands)
			p := &w.parts[pi]
			qty := 1
			switch p.Class {
			case app.ClassAccessory:
				qty = w.r.between(2, 5)
			case app.ClassUnit, app.ClassBattery:
				qty = w.r.between(1, 3)
			}
			at := w.now.Add(-w.r.minutes(60, 60*1440))
			if p.Serialized {
				for range qty {
					w.restock(t, pi, 1, w.partSerial(p), at)
				}
				continue
			}
			w.restock(t, pi, qty, "", at)
		}
	}
}

// presence is how likely a country's warehouse stocks a brand's parts.
func presence(country string, cat app.Category, brand string) float64 {
	switch wt := brandWeight(country, cat, brand); {
	case wt >= 30:
		return 0.45
	case wt >= 10:
		return 0.3
	case wt > 0:
		return 0.15
	}
	return 0.04
}

// stockWarehouses books the warehouses' receipts: a shelf stock of the
// brands sold in the country, and deliveries ahead of every issue so a
// warehouse balance never goes negative.
func (w *world) stockWarehouses() {
	for pi := range w.parts {
		p := &w.parts[pi]
		cat := w.pmodel[pi].kind.category()
		for _, spec := range warehouseSpecs {
			if !w.r.chance(presence(spec.country, cat, p.Brand)) {
				continue
			}
			w.moves = append(w.moves, app.StockMovement{
				ID: w.r.uuid(), Kind: app.MoveReceive, Part: p.Number, To: app.LocationID(spec.id),
				Qty: w.r.between(2, 24), Reason: fmt.Sprintf(w.in(delivery), p.Brand), At: w.warehouseTime(w.now.Add(-w.r.minutes(30*1440, 700*1440))), Recorded: spec.clerk,
			})
		}
	}
	ds := w.demands
	slices.SortFunc(ds, func(a, b demand) int {
		if c := cmp.Compare(a.wh, b.wh); c != 0 {
			return c
		}
		if c := cmp.Compare(a.part, b.part); c != 0 {
			return c
		}
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	clerks := map[app.LocationID]string{}
	for _, spec := range warehouseSpecs {
		clerks[app.LocationID(spec.id)] = spec.clerk
	}
	for i := 0; i < len(ds); {
		// One delivery covers a group of issues within 120 days.
		j, qty := i, 0
		for j < len(ds) && ds[j].wh == ds[i].wh && ds[j].part == ds[i].part && ds[j].at.Sub(ds[i].at) < 120*24*time.Hour {
			qty += ds[j].qty
			j++
		}
		p := &w.parts[ds[i].part]
		w.moves = append(w.moves, app.StockMovement{
			ID: w.r.uuid(), Kind: app.MoveReceive, Part: p.Number, To: ds[i].wh, Qty: qty + w.r.n(5),
			Reason: fmt.Sprintf(w.in(delivery), p.Brand), At: w.warehouseTime(ds[i].at.Add(-w.r.minutes(2*1440, 14*1440))), Recorded: clerks[ds[i].wh],
		})
		i = j
	}
}

// warehouseTime is when a warehouse books what happened to it at t: t,
// or its last working hours before t (warehouseDays), never later, so a
// delivery still precedes the issues it covers.
func (w *world) warehouseTime(t time.Time) time.Time {
	return w.workingTime(warehouseDays, t, time.Time{}, t)
}

// partSerial returns a serial number for a serialized part.
func (w *world) partSerial(p *app.Part) string {
	switch p.Brand {
	case "Samsung":
		return "R3C" + w.r.chars(8, alnumChars)
	case "Dell":
		return "CN-0" + w.r.chars(5, tagChars) + "-" + w.r.digits(5) + "-" + w.r.chars(3, alnumChars)
	case "Lenovo":
		return "8SSB" + w.r.chars(14, alnumChars)
	case "HP":
		return "PD" + w.r.chars(12, alnumChars)
	}
	return "S" + p.Brand[:1] + w.r.chars(12, alnumChars)
}

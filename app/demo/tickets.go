package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// plan is what a ticket is in the world: history, or one kind of open work.
type plan int

const (
	planHistory     plan = iota
	planToday            // an appointment today (on-site) or due today (store)
	planOverdue          // past its resolve-by time
	planUpcoming         // an appointment after today
	planWaiting          // waiting for parts
	planUnscheduled      // new, not yet given a window
	planCompleted        // the demo technician's recent work, done but not yet closed
)

// demoCompleted is how many of the demo technician's past visits are done
// but not yet closed, so that `make run` always has a visit to sign off
// and report on: history alone leaves one only by chance.
const demoCompleted = 2

// skel is a ticket before its details: who, what kind of work, and when
// it was opened, which orders the ticket numbers.
type skel struct {
	tech    *tech
	plan    plan
	index   int // among the technician's open tickets of the same plan
	created time.Time
}

func (w *world) buildTickets() {
	counts := w.ticketCounts()
	var skels []*skel
	for ti, t := range w.techs {
		n := counts[ti]
		k := openCount(n, t.ID == DemoTechnician)
		idx := map[plan]int{}
		for _, p := range openPlans(k) {
			skels = append(skels, &skel{tech: t, plan: p, index: idx[p], created: w.createdFor(p)})
			idx[p]++
		}
		for i := range n - k {
			p := planHistory
			if t.ID == DemoTechnician && i < demoCompleted {
				p = planCompleted
			}
			skels = append(skels, &skel{tech: t, plan: p, created: w.createdFor(p)})
		}
	}
	slices.SortStableFunc(skels, func(a, b *skel) int { return a.created.Compare(b.created) })
	seq := map[int]int{}
	w.tickets = make([]*app.TicketDetail, 0, len(skels))
	for _, s := range skels {
		y := s.created.In(w.loc).Year()
		seq[y]++
		w.tickets = append(w.tickets, w.makeTicket(s, fmt.Sprintf("FB-%d-%06d", y, seq[y])))
	}
}

// ticketCounts shares the tickets among technicians; a store counter
// handles more tickets than a field technician.
func (w *world) ticketCounts() []int {
	weights := make([]int, len(w.techs))
	total := 0
	for i, t := range w.techs {
		weights[i] = 10
		if !t.field {
			weights[i] = 14
		}
		total += weights[i]
	}
	n := w.size.Tickets
	counts := make([]int, len(w.techs))
	given := 0
	for i := range counts {
		counts[i] = n * weights[i] / total
		given += counts[i]
	}
	for i := 0; given < n; i++ {
		counts[i%len(counts)]++
		given++
	}
	return counts
}

// openCount is how many of a technician's n tickets are open: about 30
// for the demo technician, a few percent for the others.
func openCount(n int, demo bool) int {
	if demo {
		return min(30, (n+1)/2)
	}
	k := (n*4 + 50) / 100
	if k == 0 && n >= 2 {
		k = 1
	}
	return min(k, n)
}

// openPlans splits k open tickets into today's, upcoming, waiting,
// overdue and unscheduled work, in that order of precedence.
func openPlans(k int) []plan {
	overdue := 0
	switch {
	case k >= 12:
		overdue = 2
	case k >= 5:
		overdue = 1
	}
	quotas := []struct {
		p plan
		n int
	}{
		{planToday, max(1, k*27/100)},
		{planUpcoming, max(1, k*30/100)},
		{planWaiting, max(1, k*20/100)},
		{planOverdue, overdue},
	}
	var out []plan
	for _, q := range quotas {
		for range min(q.n, k-len(out)) {
			out = append(out, q.p)
		}
	}
	for len(out) < k {
		out = append(out, planUnscheduled)
	}
	return out
}

// createdFor returns when a ticket of plan p was opened.
// Tickets are opened in working hours, when the office takes the call or
// the counter the device: an open ticket's time moves into them
// (workingTime), no later than the plan allows.
func (w *world) createdFor(p plan) time.Time {
	now := w.now
	switch p {
	case planToday:
		today := w.day(now)
		return w.workingTime(serviceDays, today.Add(-w.r.minutes(60, 3*1440)), time.Time{}, today) // booked before today
	case planOverdue:
		return w.workingTime(serviceDays, now.Add(-w.r.minutes(2*1440, 5*1440)), time.Time{}, now)
	case planUpcoming:
		return w.workingTime(serviceDays, now.Add(-w.r.minutes(30, 3*1440)), time.Time{}, now)
	case planWaiting:
		return w.workingTime(serviceDays, now.Add(-w.r.minutes(3*1440, 14*1440)), time.Time{}, now)
	case planUnscheduled:
		return w.workingTime(serviceDays, now.Add(-w.r.minutes(10, 20*60)), time.Time{}, now)
	case planCompleted:
		// The visit was in the last days, opened early enough that it
		// fits the working hours before the demo starts (before the
		// day's first window, those of the last working day).
		today := w.day(now)
		hi := w.lastWorkingMinute(now.Add(-10 * time.Minute)).Add(-4 * time.Hour)
		if hi.After(today) {
			hi = today
		}
		return w.workingTime(serviceDays, today.Add(-w.r.minutes(1440, 3*1440)), time.Time{}, hi)
	}
	// History: two days to two years ago, more of it recent (the business
	// grows), opened during the working day.
	age := 2*24*time.Hour + time.Duration(math.Pow(w.r.Float64(), 1.3)*float64(728*24*time.Hour))
	// On the clock, not by elapsed time, so that a daylight-saving day
	// keeps it in hours too.
	// A call or a visit to the counter on a rest day is the next
	// morning's work, taken as the day before's (serviceDays).
	d, m := w.workday(serviceDays, w.day(now.Add(-age)), -1), w.r.between(workStarts*60, workEnds*60-1)
	c := time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, w.loc)
	// Opened early enough that the work fits the working hours before
	// the demo starts: one opened late on the last working day before a
	// rest day was visited at 17:59 (closed by Monday's 08:00).
	if hi := w.lastWorkingMinute(now.Add(-10 * time.Minute)).Add(-4 * time.Hour); c.After(hi) {
		c = w.workingTime(serviceDays, hi, time.Time{}, hi)
	}
	return c
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

type share struct {
	brand  string
	weight int
}

// brandShares are the brands' shares of the repair work by country and
// category, roughly as their market shares.
var brandShares = map[string]map[app.Category][]share{
	"CN": {
		app.CategoryPhone:     {{"Huawei", 45}, {"Xiaomi", 40}, {"Samsung", 10}, {"Tecno", 0}},
		app.CategoryAppliance: {{"Haier", 40}, {"Midea", 35}, {"Hisense", 18}, {"Bosch", 7}},
		app.CategoryPC:        {{"Lenovo", 60}, {"HP", 15}, {"Dell", 25}},
		app.CategoryServer:    {{"Inspur", 70}, {"Dell", 30}},
	},
	"DE": {
		app.CategoryPhone:     {{"Samsung", 55}, {"Xiaomi", 25}, {"Huawei", 12}, {"Tecno", 0}},
		app.CategoryAppliance: {{"Bosch", 55}, {"Haier", 20}, {"Hisense", 15}, {"Midea", 10}},
		app.CategoryPC:        {{"Lenovo", 35}, {"HP", 35}, {"Dell", 30}},
		app.CategoryServer:    {{"Dell", 90}, {"Inspur", 10}},
	},
	"NG": {
		app.CategoryPhone:     {{"Tecno", 50}, {"Samsung", 28}, {"Xiaomi", 15}, {"Huawei", 7}},
		app.CategoryAppliance: {{"Hisense", 38}, {"Haier", 30}, {"Midea", 24}, {"Bosch", 8}},
		app.CategoryPC:        {{"HP", 45}, {"Dell", 30}, {"Lenovo", 25}},
		app.CategoryServer:    {{"Dell", 80}, {"Inspur", 20}},
	},
}

func brandWeight(country string, cat app.Category, brand string) int {
	for _, s := range brandShares[country][cat] {
		if s.brand == brand {
			return s.weight
		}
	}
	return 0
}

// chooseModel picks the product of a technician's next ticket, opened at
// c: field technicians visit appliances, servers and some office PCs;
// counters take phones and PCs. Appliance work follows the seasons
// (seasonal), and within a lineup a few models sell, and so break, far
// more than the rest (modelWeight).
func (w *world) chooseModel(t *tech, c time.Time) *model {
	var k kind
	if t.field {
		switch x := w.r.Float64(); {
		case x < 0.80:
			ks := []kind{kWasher, kFridge, kAC, kDishwasher}
			weights := []int{35, 25, 25, 15}
			for i, k := range ks {
				weights[i] = int(float64(weights[i]) * 100 * seasonal(kindSeason[k], t.Country, c))
			}
			k = ks[w.r.weighted(weights)]
		case x < 0.92:
			k = kServer
		case x < 0.98:
			k = kLaptop
		default:
			k = kDesktop
		}
	} else {
		k = []kind{kPhone, kLaptop, kDesktop}[w.r.weighted([]int{65, 26, 9})]
	}
	shares := brandShares[t.Country][k.category()]
	weights := make([]int, len(shares))
	for i, s := range shares {
		weights[i] = s.weight
	}
	brand := shares[w.r.weighted(weights)].brand
	for li, lu := range lineups {
		if lu.brand == brand && lu.kind == k && len(w.byLineup[li]) > 0 {
			ms := w.byLineup[li]
			mw := make([]int, len(ms))
			for i := range ms {
				mw[i] = modelWeight(i)
			}
			return ms[w.r.weighted(mw)]
		}
	}
	// A small world may lack the lineup: any model of the kind, then of
	// the category, then any model at all.
	var cands []*model
	for _, m := range w.models {
		if m.kind == k {
			cands = append(cands, m)
		}
	}
	if len(cands) == 0 {
		for _, m := range w.models {
			if m.kind.category() == k.category() {
				cands = append(cands, m)
			}
		}
	}
	if len(cands) == 0 {
		cands = w.models
	}
	return pick(w.r, cands)
}

func (t *tech) addModel(m *model) {
	if !t.seen[m] {
		t.seen[m] = true
		t.models = append(t.models, m)
	}
}

// partsFor returns the model's compatible parts of a part type.
func (w *world) partsFor(m *model, key string) []int {
	var out []int
	for _, pi := range m.parts {
		if w.ptype[pi].key == key {
			out = append(out, pi)
		}
	}
	return out
}

// faultPart picks a part that fixes the fault on the model, preferring
// the most likely part type and, among the type's variants, the popular
// ones; -1 when the catalog has none.
func (w *world) faultPart(m *model, f *fault, skip ...string) int {
	for i, key := range f.parts {
		if slices.Contains(skip, key) {
			continue
		}
		if i < len(f.parts)-1 && w.r.chance(0.3) {
			continue // sometimes it is the second suspect
		}
		if ps := w.partsFor(m, key); len(ps) > 0 {
			return w.popular(ps)
		}
	}
	for _, key := range f.parts {
		if slices.Contains(skip, key) {
			continue
		}
		if ps := w.partsFor(m, key); len(ps) > 0 {
			return w.popular(ps)
		}
	}
	return -1
}

// chooseFault picks a fault of the model's kind for a ticket opened at c
// in a country, its weight following the fault's season; needPart
// restricts it to faults the catalog has a part for.
func (w *world) chooseFault(m *model, needPart bool, country string, c time.Time) *fault {
	fs := faults[m.kind]
	weights := make([]int, len(fs))
	base := make([]int, len(fs))
	found := false
	for i := range fs {
		base[i] = int(float64(fs[i].weight) * 100 * seasonal(fs[i].season, country, c))
		weights[i] = base[i]
		if needPart {
			ok := false
			for _, key := range fs[i].parts {
				ok = ok || len(w.partsFor(m, key)) > 0
			}
			if !ok {
				weights[i] = 0
			}
		}
		found = found || weights[i] > 0
	}
	if !found {
		weights = base
	}
	return &fs[w.r.weighted(weights)]
}

func words(f *fault, country string) string {
	switch country {
	case "CN":
		return f.zh
	case "DE":
		return f.de
	}
	return f.en
}

// reported is what the customer says of fault f on a product of kind k:
// the fault's own words, or in one ticket in vagueShare only that the
// product is broken, which says nothing of the part.
func (w *world) reported(f *fault, k kind, country string) string {
	if w.r.chance(vagueShare) {
		return words(&vague[k][w.r.n(len(vague[k]))], country)
	}
	return words(f, country)
}

// text returns the Chinese or the English version, by the ticket's
// country: Chinese technicians write Chinese, the others English.
func text(zh bool, cn, en string) string {
	if zh {
		return cn
	}
	return en
}

func (w *world) priority(m *model) app.Priority {
	if m.kind == kServer {
		return []app.Priority{app.PriorityUrgent, app.PriorityHigh, app.PriorityNormal}[w.r.weighted([]int{30, 50, 20})]
	}
	return []app.Priority{app.PriorityUrgent, app.PriorityHigh, app.PriorityNormal, app.PriorityLow}[w.r.weighted([]int{4, 16, 70, 10})]
}

// sla returns the respond and resolve targets from creation.
func sla(k app.TicketKind, p app.Priority) (respond, resolve time.Duration) {
	h := time.Hour
	i := int(p) - 1
	switch k {
	case app.KindOnSite:
		return []time.Duration{4 * h, 8 * h, 24 * h, 48 * h}[i], []time.Duration{24 * h, 48 * h, 120 * h, 240 * h}[i]
	case app.KindCarryIn:
		return []time.Duration{1 * h, 2 * h, 4 * h, 24 * h}[i], []time.Duration{24 * h, 72 * h, 120 * h, 168 * h}[i]
	}
	return []time.Duration{24 * h, 24 * h, 48 * h, 72 * h}[i], []time.Duration{120 * h, 168 * h, 240 * h, 336 * h}[i]
}

func (w *world) customer(c *city, business bool, k app.TicketKind) app.Customer {
	cu := app.Customer{City: c.name}
	if business {
		cu.Name, cu.Phone = w.companyName(c), w.landline(c)
	} else {
		cu.Name, cu.Phone = w.personName(c.country), w.mobile(c.country)
	}
	if k != app.KindCarryIn || w.r.chance(0.5) {
		cu.Address = w.address(c)
	}
	return cu
}

// serial returns the product's serial number or IMEI, in the brand's
// format; some formats encode the manufacture date.
func (w *world) serial(m *model, mfg time.Time) string {
	r := w.r
	if m.kind == kPhone {
		body := m.tac + r.digits(6)
		return body + string(luhnDigit(body))
	}
	switch m.brand {
	case "Haier":
		return pick(r, l("BE0", "DA0", "CA0")) + r.chars(17, alnumChars)
	case "Midea":
		return "3411" + r.digits(18)
	case "Bosch":
		// The FD number: production year - 1920 and month.
		return fmt.Sprintf("FD%02d%02d-%s", (mfg.Year()-1920)%100, int(mfg.Month()), r.digits(6))
	case "Hisense":
		return "H" + r.digits(17)
	case "Lenovo":
		return "PF" + r.chars(6, alnumChars)
	case "HP":
		// The ISO year and week: 1 January may be in the last week of the
		// year before.
		year, week := mfg.ISOWeek()
		return fmt.Sprintf("5CG%d%02d%s", year%10, week, r.chars(4, alnumChars))
	case "Dell":
		return r.chars(7, tagChars) // service tag
	case "Inspur":
		return fmt.Sprintf("2%02d%s", mfg.Year()%100, r.digits(9))
	}
	return r.chars(12, alnumChars)
}

// maxAgeDays is how old a product of the kind may be when it breaks.
var maxAgeDays = [numKinds]int{kPhone: 3 * 365, kWasher: 8 * 365, kFridge: 8 * 365, kAC: 8 * 365, kDishwasher: 8 * 365, kLaptop: 4 * 365, kDesktop: 5 * 365, kServer: 5 * 365}

func (w *world) product(m *model, c time.Time, country string, business bool) app.Product {
	p := app.Product{Category: m.kind.category(), Brand: m.brand, Model: m.name}
	days := w.r.between(0, 14) // a few are days old: refund and exchange windows
	if !w.r.chance(0.04) {
		days = 15 + int(math.Pow(w.r.Float64(), 1.6)*float64(maxAgeDays[m.kind]-15))
	}
	proof := w.r.chance(0.8)
	if proof && !business && w.r.chance(0.15) {
		var plans []app.ExtendedPlan
		for _, rs := range w.rules {
			if rs.Country != country {
				continue
			}
			for _, pl := range rs.Plans {
				if (pl.Category == "" || pl.Category == p.Category) && (pl.Brand == "" || pl.Brand == p.Brand) {
					plans = append(plans, pl)
				}
			}
		}
		if len(plans) > 0 {
			p.PlanID = pick(w.r, plans).ID
		}
	}
	w.setPurchase(&p, m, c, days, country, business, proof)
	return p
}

// setPurchase sets the purchase days before c, the manufacture date and
// serial, and the proof of purchase; without proof, a customer states a
// purchase date half the time.
func (w *world) setPurchase(p *app.Product, m *model, c time.Time, days int, country string, business, proof bool) {
	purchase := w.date(c).AddDate(0, 0, -days)
	if purchase.After(c) {
		purchase = purchase.AddDate(0, 0, -1)
	}
	mfg := purchase.AddDate(0, 0, -w.r.between(20, 240))
	p.ManufactureDate = mfg
	p.Serial = w.serial(m, mfg)
	p.PurchaseDate, p.ProofOfPurchase = time.Time{}, ""
	if proof {
		p.PurchaseDate, p.ProofOfPurchase = purchase, w.proofOfPurchase(country, business)
	} else if w.r.chance(0.5) {
		p.PurchaseDate = purchase
	}
	p.PlanStart = time.Time{}
	if p.PlanID != "" {
		p.PlanStart = p.PurchaseDate // the demo plans are sold with the product
	}
}

// planCovers reports whether the product's plan lifts the fault's damage
// exclusion.
func (w *world) planCovers(p app.Product, f *fault) bool {
	if p.PlanID == "" {
		return false
	}
	for _, rs := range w.rules {
		for _, pl := range rs.Plans {
			if pl.ID != p.PlanID {
				continue
			}
			for _, e := range pl.Covers {
				if (e == app.ExcludeLiquid && f.liquid) || (e == app.ExcludePhysical && f.physical) {
					return true
				}
			}
		}
	}
	return false
}

// condition is what the technician records on inspection.
func (w *world) condition(f *fault, k app.TicketKind, m *model, zh bool) app.Condition {
	c := app.Condition{LiquidDamage: f.liquid, PhysicalDamage: f.physical}
	var notes []string
	if f.liquid {
		notes = append(notes, text(zh, "进水标签变红，有腐蚀痕迹", "Liquid indicator red; corrosion visible"))
	}
	if f.physical {
		notes = append(notes, text(zh, "外壳有明显磕碰痕迹", "Visible impact marks on the housing"))
	}
	if w.r.chance(0.012) {
		c.UnauthorizedRepair = true
		notes = append(notes, text(zh, "发现非原装配件，有第三方拆修痕迹", "Non-original parts; opened by a third-party shop"))
	}
	if k != app.KindOnSite {
		switch m.kind {
		case kPhone:
			c.Accessories = pick(w.r, []pair{{"无", "none"}, {"充电器", "charger"}, {"保护壳", "case"}, {"充电器、数据线", "charger and cable"}, {"原装包装盒", "original box"}})[b2i(!zh)]
		case kLaptop:
			c.Accessories = pick(w.r, []pair{{"电源适配器", "power adapter"}, {"无", "none"}, {"电脑包、电源适配器", "bag and power adapter"}})[b2i(!zh)]
		}
	}
	c.Notes = strings.Join(notes, text(zh, "；", "; "))
	return c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// step is a repair-log line to be written, with the part it fits (-1 for none).
type step struct {
	action  string
	minutes int
	part    int
}

func (w *world) partStep(pi int, zh bool) step {
	p := &w.parts[pi]
	var minutes int
	switch p.Class {
	case app.ClassMain:
		minutes = w.r.between(45, 120)
	case app.ClassBattery:
		minutes = w.r.between(15, 40)
	case app.ClassAccessory:
		minutes = w.r.between(5, 10)
	default:
		minutes = w.r.between(20, 60)
	}
	en := strings.ToLower(p.NameEN[:1]) + p.NameEN[1:]
	return step{text(zh, "更换"+p.NameZH+"（"+string(p.Number)+"）", "Replaced "+en+" ("+string(p.Number)+")"), minutes, pi}
}

func fixText(f *fault, zh bool) string {
	if f.fixZH == "" {
		return text(zh, "紧固接插件并清洁触点", "Re-seated connectors and cleaned contacts")
	}
	return text(zh, f.fixZH, f.fixEN)
}

// timeline is a history ticket's events, before they become records.
type timeline struct {
	created, window, start, wait, resume, ordered, end, close time.Time
	entries                                                   []time.Time
}

// fit scales the timeline into the past when its last event would be
// later than limit (a ticket opened a few days ago that is already done),
// and reports whether it did.
func (tl *timeline) fit(limit time.Time) bool {
	return tl.squeeze(tl.created, limit)
}

// squeeze scales the events after from towards it, so that the last one
// is at limit, when it would be later; it reports whether it was.
func (tl *timeline) squeeze(from, limit time.Time) bool {
	last := later(tl.end, tl.close)
	if !last.After(limit) {
		return false
	}
	k := float64(limit.Sub(from)) / float64(last.Sub(from))
	tl.each(func(t *time.Time) {
		if t.After(from) {
			*t = from.Add(time.Duration(float64(t.Sub(from)) * k)).Truncate(time.Minute)
		}
	})
	return true
}

// each calls fn with every event of the timeline but its creation.
func (tl *timeline) each(fn func(*time.Time)) {
	for _, t := range []*time.Time{&tl.window, &tl.start, &tl.wait, &tl.resume, &tl.ordered, &tl.end, &tl.close} {
		if !t.IsZero() {
			fn(t)
		}
	}
	for i := range tl.entries {
		fn(&tl.entries[i])
	}
}

// bookSlot moves the visit window of a timeline fit squeezed back onto an
// appointment slot of the working day (scaled, it could fall at any
// hour): the nearest one between what comes before the visit (the ticket
// opened, or the wait for parts before a return visit) and the visit
// itself (or limit, for a ticket cancelled before anyone came). Where no
// slot is between (a ticket opened in the evening, squeezed into the
// night), the visit and all after it move to the nearest slot that leaves
// two hours before limit, squeezed again to end by limit.
func (w *world) bookSlot(tl *timeline, limit time.Time) {
	lo, hi := tl.created, tl.start
	if !tl.resume.IsZero() {
		lo, hi = tl.wait, tl.resume
	}
	if hi.IsZero() {
		hi = limit
	}
	if s := w.nearestSlot(tl.window, lo, hi); !s.IsZero() {
		tl.window = s
		return
	}
	s := w.nearestSlot(tl.window, lo, limit.Add(-2*time.Hour))
	if s.IsZero() {
		return
	}
	from, d := tl.window, s.Sub(tl.window)
	tl.each(func(t *time.Time) {
		if !t.Before(from) {
			*t = t.Add(d)
		}
	})
	tl.squeeze(s, limit)
}

// nearestSlot is the appointment slot nearest to t that starts in
// [lo, hi]; zero when there is none.
func (w *world) nearestSlot(t, lo, hi time.Time) time.Time {
	var best time.Time
	for d := w.day(lo); !d.After(hi); d = w.addDays(d, 1) {
		if !w.works(serviceDays, d) {
			continue
		}
		for i := range slotHours {
			s := w.slot(d, i)
			if s.Before(lo) || s.After(hi) {
				continue
			}
			if best.IsZero() || s.Sub(t).Abs() < best.Sub(t).Abs() {
				best = s
			}
		}
	}
	return best
}

var (
	cancelReasons = []pair{{"客户已自行解决", "Customer fixed it themselves"}, {"客户不需要维修了", "Customer no longer wants the repair"},
		{"重复工单", "Duplicate ticket"}, {"多次联系不上客户", "Customer unreachable after three calls"}, {"客户改为到店送修", "Customer will bring it to a store"}}
	failReasons = []pair{{"需要整机更换，转交调度处理", "Unit needs an exchange; passed back to dispatch"}, {"配件已停产，无法维修", "Part discontinued; cannot repair"},
		{"客户拒绝支付上门费", "Customer refused the call-out fee"}, {"安装条件不符合要求，需客户先整改", "Installation not to standard; customer must fix it first"}}
)

// history writes a past ticket: opened, visited or checked in, worked,
// and closed, completed, cancelled or stopped; a done one is finished and
// left completed, waiting for its close.
func (w *world) history(d *app.TicketDetail, t *tech, m *model, f *fault, done bool) {
	tk := &d.Ticket
	zh := t.Country == "CN"
	onSite := tk.Kind == app.KindOnSite
	tl := timeline{created: tk.CreatedAt}
	c := tl.created
	switch tk.Kind {
	case app.KindOnSite:
		tl.window = w.nextSlot(c.Add(2 * time.Hour))
		tl.start = tl.window.Add(w.r.minutes(5, 100))
	case app.KindCarryIn:
		tl.start = c.Add(w.r.minutes(20, 26*60))
	default:
		tl.start = c.Add(w.r.minutes(2*1440, 5*1440)) // in the post
	}
	respond, resolve := sla(tk.Kind, tk.Priority)
	tk.RespondBy, tk.ResolveBy = c.Add(respond), c.Add(resolve)

	x := w.r.Float64()
	if done {
		x = 1 // neither cancelled nor stopped
	}
	var steps []step
	var res app.Resolution
	found := f // what the technician found: the diagnosis
	status := app.StatusClosed
	switch {
	case x < 0.045: // cancelled before anyone started
		status = app.StatusCancelled
		tl.end = c.Add(w.r.minutes(30, 2*1440))
		if tl.end.After(tl.start) {
			tl.end = c.Add(tl.start.Sub(c) / 2)
		}
		tl.start = time.Time{}
	case x < 0.06: // cancelled while waiting for parts
		status = app.StatusCancelled
		steps = []step{{text(zh, "检测："+f.diagZH+"，已订购配件", "Diagnosed: "+f.diagEN+"; part ordered"), w.r.between(20, 40), -1}}
		tl.wait = tl.start.Add(time.Duration(steps[0].minutes+w.r.between(5, 15)) * time.Minute)
		tl.end = tl.wait.Add(w.r.minutes(2*1440, 10*1440))
		tl.entries = []time.Time{tl.start.Add(w.r.minutes(2, 8))}
	case x < 0.085 && c.After(w.now.Add(-60*24*time.Hour)): // stopped recently, back with dispatch
		status = app.StatusCannotComplete
		steps = []step{{text(zh, "检测："+f.diagZH, "Diagnosed: "+f.diagEN), w.r.between(15, 40), -1}}
		tl.entries = []time.Time{tl.start.Add(w.r.minutes(2, 8))}
		tl.end = tl.entries[0].Add(time.Duration(steps[0].minutes+w.r.between(5, 20)) * time.Minute)
	default:
		res, steps, found = w.outcome(tk, m, f, zh)
		waited := res == app.ResolutionRepaired && len(steps) > 0 && steps[0].part >= 0 && w.r.chance(map[bool]float64{true: 0.3, false: 0.2}[onSite])
		cur := tl.start.Add(w.r.minutes(2, 10))
		if waited {
			diag := step{text(zh, "检测："+found.diagZH+"，已订购配件", "Diagnosed: "+found.diagEN+"; part ordered"), w.r.between(20, 40), -1}
			steps = append([]step{diag}, steps...)
			tl.entries = append(tl.entries, cur)
			tl.wait = cur.Add(time.Duration(diag.minutes+w.r.between(3, 10)) * time.Minute)
			if onSite {
				tl.window = w.nextSlot(tl.wait.Add(24 * time.Hour)) // the return visit
				tl.resume = tl.window.Add(w.r.minutes(5, 60))
			} else {
				tl.resume = tl.wait.Add(w.r.minutes(1440, 8*1440))
			}
			tl.ordered = tl.resume.Add(-w.r.minutes(60, 600))
			if !tl.ordered.After(tl.wait) {
				tl.ordered = tl.wait.Add(tl.resume.Sub(tl.wait) / 2)
			}
			cur = tl.resume.Add(w.r.minutes(2, 10))
		}
		for _, s := range steps[len(tl.entries):] {
			tl.entries = append(tl.entries, cur)
			cur = cur.Add(time.Duration(s.minutes+w.r.between(2, 10)) * time.Minute)
		}
		tl.end = cur
		switch tk.Kind {
		case app.KindOnSite:
			tl.close = tl.end.Add(w.r.minutes(3, 20)) // signed off on site
		case app.KindCarryIn:
			tl.close = tl.end.Add(w.r.minutes(120, 7*1440)) // picked up
		default:
			tl.close = tl.end.Add(w.r.minutes(2*1440, 5*1440)) // shipped back
		}
	}
	// Done by ten minutes ago, and within working hours: before the
	// day's first window (08:04 in Shanghai) a visit squeezed to end by
	// then was booked at 06:08.
	limit := w.lastWorkingMinute(w.now.Add(-10 * time.Minute))
	if tl.fit(limit) && onSite {
		w.bookSlot(&tl, limit)
	}
	events := []*time.Time{&tl.window, &tl.start, &tl.wait, &tl.resume, &tl.end, &tl.close}
	for i := range tl.entries {
		events = append(events, &tl.entries[i])
	}
	w.keepHours(events, &tl.window, tl.created, limit)
	if !tl.ordered.IsZero() { // the part ordered arrived while the ticket waited
		tl.ordered = w.workingTime(warehouseDays, tl.ordered, tl.wait, tl.resume)
	}

	// The records.
	if onSite {
		if !w.isSlot(tl.window) || !w.works(serviceDays, tl.window) {
			// Squeezed to end by limit with no window free before it (a
			// visit, a wait and the return visit between a Saturday and
			// Monday's first hour, or the demo started before the day's
			// first window): booked in the window nearest to the visit.
			if s := w.nearestSlot(tl.window, tl.created, limit); !s.IsZero() {
				tl.window = s
			}
		}
		tk.WindowStart, tk.WindowEnd = tl.window, tl.window.Add(2*time.Hour)
	}
	tk.StartedAt = tl.start
	if !tl.start.IsZero() || tk.Kind != app.KindOnSite {
		tk.Condition = w.condition(f, tk.Kind, m, zh)
	}
	for i, s := range steps {
		at := tl.entries[i]
		d.Repairs = append(d.Repairs, app.RepairEntry{ID: w.r.uuid(), Ticket: tk.ID, Action: s.action, Minutes: s.minutes, At: at, By: t.Name})
		tk.LabourMinutes += s.minutes
		if s.part >= 0 {
			ordered := time.Time{}
			if !tl.wait.IsZero() {
				ordered = tl.ordered
			}
			w.fitPart(d, t, s.part, at, ordered)
		}
	}
	tk.UpdatedAt = later(tl.end, tl.close)
	switch status {
	case app.StatusCancelled:
		tk.Status, tk.Epoch = app.StatusCancelled, 2
		reason := pick(w.r, cancelReasons)
		if !tl.wait.IsZero() {
			reason = pair{"客户不愿等待配件，取消维修", "Customer would not wait for the part"}
		}
		tk.StatusReason = text(zh, reason[0], reason[1])
		if !tl.start.IsZero() {
			tk.Diagnosis = text(zh, f.diagZH, f.diagEN)
		}
	case app.StatusCannotComplete:
		tk.Status = app.StatusCannotComplete
		r := pick(w.r, failReasons)
		tk.StatusReason = text(zh, r[0], r[1])
		tk.Diagnosis = text(zh, f.diagZH, f.diagEN)
	default:
		tk.ResolutionCode = res
		tk.Diagnosis = w.diagnosis(res, found, zh)
		tk.CompletedAt = tl.end
		tk.Status = app.StatusClosed
		keep := map[bool]float64{true: 0.25, false: 0.7}[onSite] // counters wait for the pick-up
		if done || tl.end.After(w.now.Add(-5*24*time.Hour)) && w.r.chance(keep) {
			tk.Status, tk.UpdatedAt = app.StatusCompleted, tl.end
		}
	}
}

// outcome decides how a finished ticket was resolved, the repair-log
// lines that got it there and the fault found (f, or the one the part
// fitted fixes when the words were misleading).
func (w *world) outcome(tk *app.Ticket, m *model, f *fault, zh bool) (app.Resolution, []step, *fault) {
	found := f
	damaged := f.liquid || f.physical
	x := w.r.Float64()
	var res app.Resolution
	switch {
	case damaged && !w.planCovers(tk.Product, f) && x < 0.4:
		res = app.ResolutionNotRepaired // out of warranty: the customer declines the quote
	case x < 0.06:
		res = app.ResolutionNoFault
	case x < 0.10:
		res = app.ResolutionNotRepaired
	case m.kind == kPhone && x < 0.14:
		res = app.ResolutionReplaced
	case m.kind == kPhone && x < 0.15:
		res = app.ResolutionRefunded
	case len(f.parts) == 0 || (x < 0.22 && f.fixZH != ""):
		res = app.ResolutionAdjusted
	default:
		res = app.ResolutionRepaired
	}
	var steps []step
	switch res {
	case app.ResolutionNoFault:
		if w.r.chance(0.5) {
			steps = append(steps, step{text(zh, "全面检测并试机2小时，故障未复现", "Full check and a 2-hour test run; fault not reproduced"), w.r.between(30, 120), -1})
		}
	case app.ResolutionNotRepaired:
		steps = append(steps, step{text(zh, "检测并报价，客户拒绝维修", "Diagnosed and quoted; customer declined the repair"), w.r.between(15, 30), -1})
	case app.ResolutionReplaced, app.ResolutionRefunded:
		// A performance fault right after purchase: China's three
		// guarantees give a refund within 7 days, an exchange within 15.
		limit := 14
		if res == app.ResolutionRefunded {
			limit = 6
		}
		w.setPurchase(&tk.Product, m, tk.CreatedAt, w.r.between(0, limit), tk.Country, false, true)
		if res == app.ResolutionReplaced {
			steps = append(steps, step{text(zh, "整机更换，新机串号 ", "Unit exchanged; new unit ") + w.serial(m, tk.Product.ManufactureDate), w.r.between(15, 30), -1})
		} else {
			steps = append(steps, step{text(zh, "按三包规定办理退货", "Refund approved; unit taken back"), w.r.between(10, 20), -1})
		}
	case app.ResolutionAdjusted:
		steps = append(steps, step{fixText(f, zh), w.r.between(20, 60), -1})
	case app.ResolutionRepaired:
		pi := w.faultPart(m, f)
		if pi >= 0 && w.r.chance(misled) {
			pi = w.popular(m.parts)
			found = w.foundFault(m, f, pi)
		}
		if pi >= 0 {
			steps = append(steps, w.partStep(pi, zh))
			if w.r.chance(0.2) {
				if pj := w.faultPart(m, f, w.ptype[pi].key); pj >= 0 {
					steps = append(steps, w.partStep(pj, zh))
					found = w.alsoFound(found, f, pj)
				}
			}
		} else {
			steps = append(steps, step{fixText(f, zh), w.r.between(20, 60), -1})
		}
	}
	if (res == app.ResolutionRepaired || res == app.ResolutionAdjusted) && w.r.chance(0.4) {
		steps = append(steps, step{text(zh, "功能测试正常", "Function test passed"), w.r.between(5, 15), -1})
	}
	return res, steps, found
}

func (w *world) diagnosis(res app.Resolution, f *fault, zh bool) string {
	d := text(zh, f.diagZH, f.diagEN)
	switch res {
	case app.ResolutionNoFault:
		return text(zh, "未发现故障", "No fault found")
	case app.ResolutionNotRepaired:
		return d + text(zh, "；客户拒绝报价", "; customer declined the quote")
	case app.ResolutionReplaced:
		return d + text(zh, "；整机更换", "; unit exchanged")
	case app.ResolutionRefunded:
		return d + text(zh, "；退货", "; refunded")
	}
	return d
}

// fitPart records a part fitted on a ticket: the part used and its consume
// movement (same ID), the warehouse transfer or order that brought it,
// and for main parts the defective return and its shipment to the brand.
func (w *world) fitPart(d *app.TicketDetail, t *tech, pi int, at, ordered time.Time) {
	p := &w.parts[pi]
	qty := 1
	switch w.ptype[pi].key {
	case "refrigerant":
		qty = w.r.between(1, 2)
	case "shock_absorber":
		qty = 2
	}
	id := w.r.uuid()
	u := app.PartUsed{ID: id, Ticket: d.Ticket.ID, Part: p.Number, Qty: qty, From: t.stock, At: at}
	if p.Serialized {
		u.Qty, u.Serial = 1, w.partSerial(p)
		if p.ReturnNeeded {
			u.DefectiveSerial = w.partSerial(p)
		}
	}
	d.Parts = append(d.Parts, u)
	w.moves = append(w.moves, app.StockMovement{
		ID: id, Kind: app.MoveConsume, Part: p.Number, From: t.stock, Qty: u.Qty,
		Serial: u.Serial, Ticket: d.Ticket.ID, At: at, Recorded: t.Name,
	})
	switch {
	case !ordered.IsZero():
		w.moves = append(w.moves, app.StockMovement{
			ID: w.r.uuid(), Kind: app.MoveReceive, Part: p.Number, To: t.stock, Qty: u.Qty, Serial: u.Serial,
			Ticket: d.Ticket.ID, Reason: fmt.Sprintf(w.in(orderedFor), d.Ticket.Number), At: ordered, Recorded: w.clerk[t.Country],
		})
	case w.r.chance(0.97): // the rest leave a negative balance to reconcile
		q := u.Qty
		if !p.Serialized && w.r.chance(0.3) {
			q += w.r.between(1, 2) // a spare stays on the van
		}
		w.restock(t, pi, q, u.Serial, at.Add(-w.r.minutes(1440, 20*1440)))
	}
	if p.ReturnNeeded {
		ret := app.StockMovement{
			ID: w.r.uuid(), Kind: app.MoveReturnDefective, Part: p.Number, To: t.defective, Qty: u.Qty,
			Serial: u.DefectiveSerial, Ticket: d.Ticket.ID, At: at.Add(time.Minute), Recorded: t.Name,
		}
		w.moves = append(w.moves, ret)
		df := defect{tech: t, ticket: d.Ticket.ID, part: pi, qty: u.Qty, serial: u.DefectiveSerial, at: ret.At}
		if ship := ret.At.Add(w.r.minutes(5*1440, 14*1440)); ship.Before(w.now.Add(-time.Hour)) {
			ship = w.workingTime(warehouseDays, ship, ret.At, w.now.Add(-time.Hour))
			df.adjust = w.r.uuid()
			w.moves = append(w.moves, app.StockMovement{
				ID: df.adjust, Kind: app.MoveAdjust, Part: p.Number, To: t.defective, Qty: -u.Qty, Serial: u.DefectiveSerial,
				Reason: fmt.Sprintf(w.in(shippedTo), p.Brand, t.Country, w.r.digits(8)), At: ship, Recorded: w.clerk[t.Country],
			})
		}
		w.defects = append(w.defects, df)
	}
}

// route is the day whose visits the technicians have ahead, and the
// window its route starts at: today's from the current window on; once
// today's last window is over (make run in the evening or at night), the
// next working day's from its first window. The evening shows a finished
// day and tomorrow's route, as a technician's terminal does, not today's
// visits stacked in the last window and reported missed.
func (w *world) route() (day time.Time, first int) {
	today := w.day(w.now)
	last := len(slotHours) - 1
	if !w.now.Before(w.slot(today, last).Add(2 * time.Hour)) {
		return w.workday(serviceDays, w.addDays(today, 1), 1), 0
	}
	for i := range slotHours {
		if !w.slot(today, i).After(w.now.Add(30 * time.Minute)) {
			first = i
		}
	}
	return today, first
}

// routeSlot is the window of the route's visit i: two visits a window
// from the route's first on (the first is the job at hand); visits past
// the day's last window are the next working day's, in order.
func (w *world) routeSlot(i int) time.Time {
	day, first := w.route()
	j := first + (i+1)/2
	for j >= len(slotHours) {
		j -= len(slotHours)
		day = w.workday(serviceDays, w.addDays(day, 1), 1)
	}
	return w.slot(day, j)
}

// open writes a ticket that is still being worked on.
func (w *world) open(d *app.TicketDetail, s *skel, m *model, f *fault) {
	t := s.tech
	tk := &d.Ticket
	now, c := w.now, tk.CreatedAt
	zh := t.Country == "CN"
	onSite := tk.Kind == app.KindOnSite
	today := w.day(now)
	if s.plan == planOverdue {
		tk.Priority = pick(w.r, []app.Priority{app.PriorityUrgent, app.PriorityHigh})
	}
	respond, resolve := sla(tk.Kind, tk.Priority)
	tk.RespondBy, tk.ResolveBy = c.Add(respond), c.Add(resolve)
	updated := c.Add(w.r.minutes(2, 30)) // dispatch scheduled it
	if updated.After(now) {
		updated = now
	}
	window := func(ws time.Time) {
		tk.WindowStart, tk.WindowEnd = ws, ws.Add(2*time.Hour)
	}
	var start time.Time
	switch s.plan {
	case planToday:
		if onSite {
			ws := w.routeSlot(s.index)
			window(ws)
			tk.RespondBy = later(tk.RespondBy, tk.WindowEnd)
			tk.ResolveBy = later(tk.ResolveBy, tk.WindowEnd.Add(24*time.Hour))
			if s.index == 0 { // the current job
				switch {
				case !now.Before(ws.Add(15 * time.Minute)):
					// Technicians are at different steps of it; the
					// demo technician is at work.
					switch t.n % 3 {
					case 0:
						start = ws.Add(w.r.minutes(5, 15))
					case 1:
						tk.Status = app.StatusOnSite
						updated = later(updated, ws.Add(w.r.minutes(0, 15)))
					default:
						tk.Status = app.StatusEnRoute // running late
						updated = later(updated, ws.Add(-20*time.Minute))
					}
				case !now.Before(ws.Add(-45*time.Minute)) && w.inWorkingHours(ws.Add(-45*time.Minute)):
					tk.Status = app.StatusEnRoute
					updated = later(updated, ws.Add(-45*time.Minute))
				}
			}
		} else {
			// Due when the counter closes on the route's day: today, or
			// the next working day once today's is over.
			route, _ := w.route()
			tk.ResolveBy = later(route.Add(workEnds*time.Hour), c.Add(2*time.Hour))
			if s.index == 0 {
				start = c.Add(w.r.minutes(30, 120))
			}
		}
	case planOverdue:
		tk.ResolveBy = now.Add(-w.r.minutes(60, 480))
		if !tk.ResolveBy.After(c) {
			tk.ResolveBy = c.Add(now.Sub(c) / 2)
		}
		if tk.RespondBy.After(tk.ResolveBy) {
			tk.RespondBy = c.Add(tk.ResolveBy.Sub(c) / 3)
		}
		if onSite {
			ws := w.slot(w.workday(serviceDays, w.addDays(today, -1), -1), w.r.n(len(slotHours))) // the last working day's visit
			window(ws)
			if s.index%2 == 1 {
				start = ws.Add(w.r.minutes(5, 40)) // started, still not done
			}
		} else if s.index%2 == 1 {
			start = c.Add(w.r.minutes(60, 240))
		}
	case planUpcoming:
		if onSite {
			window(w.slot(w.workday(serviceDays, w.addDays(today, w.r.between(1, 10)), 1), w.r.n(len(slotHours))))
			tk.RespondBy = later(tk.RespondBy, tk.WindowEnd)
			tk.ResolveBy = later(tk.ResolveBy, tk.WindowEnd.Add(48*time.Hour))
		} else {
			tk.RespondBy = later(tk.RespondBy, now.Add(w.r.minutes(60, 600)))
			tk.ResolveBy = later(tk.ResolveBy, w.addDays(today, w.r.between(2, 6)).Add(18*time.Hour))
		}
	case planWaiting:
		if onSite {
			ws := w.nextSlot(c.Add(2 * time.Hour))
			if ws.After(now.Add(-3 * time.Hour)) {
				ws = c.Add(time.Hour)
			}
			window(ws)
			start = ws.Add(w.r.minutes(5, 40))
		} else {
			start = c.Add(w.r.minutes(30, 600))
		}
		if start.After(now.Add(-2 * time.Hour)) {
			start = c.Add(now.Sub(c) / 3)
		}
	case planUnscheduled:
		tk.RespondBy = later(tk.RespondBy, now.Add(w.r.minutes(60, 240)))
		tk.ResolveBy = later(tk.ResolveBy, tk.RespondBy.Add(24*time.Hour))
	}
	if tk.RespondBy.After(tk.ResolveBy) { // a due date moved in by dispatch
		tk.RespondBy = c.Add(tk.ResolveBy.Sub(c) / 2)
	}
	if !start.IsZero() {
		tk.Status, tk.StartedAt = app.StatusInProgress, start
		updated = later(updated, start)
		if w.r.chance(0.5) {
			tk.Diagnosis = text(zh, f.diagZH, f.diagEN)
		}
	}
	if !start.IsZero() || !onSite {
		tk.Condition = w.condition(f, tk.Kind, m, zh)
	}
	if s.plan == planWaiting {
		w.waitForParts(d, t, m, f, start, zh)
		updated = later(updated, tk.UpdatedAt)
	}
	if tk.UpdatedAt.Before(updated) {
		tk.UpdatedAt = updated
	}
	events := []*time.Time{&tk.StartedAt}
	for i := range d.Repairs {
		events = append(events, &d.Repairs[i].At)
	}
	w.keepHours(append(events, &tk.UpdatedAt), nil, c, now)
	// Parts for the coming jobs are often already in the van.
	if s.plan != planWaiting && w.r.chance(0.5) {
		if pi := w.faultPart(m, f); pi >= 0 {
			p := &w.parts[pi]
			serial := ""
			if p.Serialized {
				serial = w.partSerial(p)
			}
			w.restock(t, pi, 1, serial, now.Add(-w.r.minutes(60, 10*1440)))
		}
	}
}

// waitForParts records the diagnosis visit of a ticket now waiting for a
// part, and maybe its return visit.
func (w *world) waitForParts(d *app.TicketDetail, t *tech, m *model, f *fault, start time.Time, zh bool) {
	tk := &d.Ticket
	now := w.now
	diagAt := start.Add(w.r.minutes(2, 8))
	minutes := w.r.between(20, 40)
	wait := diagAt.Add(time.Duration(minutes+w.r.between(3, 10)) * time.Minute)
	if wait.After(now) {
		wait = now
	}
	eta := w.r.between(1, 7)
	reason := text(zh, fmt.Sprintf("等待配件，预计%d天到货", eta), fmt.Sprintf("Waiting for a part, ETA %d days", eta))
	action := text(zh, "检测："+f.diagZH+"，已订购配件", "Diagnosed: "+f.diagEN+"; part ordered")
	if pi := w.faultPart(m, f); pi >= 0 {
		w.waits = append(w.waits, waiting{d: d, tech: t, m: m, part: pi})
		p := &w.parts[pi]
		reason = text(zh, fmt.Sprintf("等待配件 %s %s，预计%d天到货", p.Number, p.NameZH, eta),
			fmt.Sprintf("Waiting for part %s %s, ETA %d days", p.Number, p.NameEN, eta))
		action = text(zh, "检测："+f.diagZH+"，已订购"+p.NameZH+"（"+string(p.Number)+"）",
			"Diagnosed: "+f.diagEN+"; ordered "+p.NameEN+" ("+string(p.Number)+")")
	}
	d.Repairs = append(d.Repairs, app.RepairEntry{ID: w.r.uuid(), Ticket: tk.ID, Action: action, Minutes: minutes, At: diagAt, By: t.Name})
	tk.LabourMinutes += minutes
	tk.Status, tk.StatusReason = app.StatusWaitingParts, reason
	tk.Diagnosis = text(zh, f.diagZH, f.diagEN)
	tk.UpdatedAt = wait
	tk.ResolveBy = later(tk.ResolveBy, now.Add(w.r.minutes(1440, 6*1440))) // the clock stops while parts are on order
	if tk.Kind == app.KindOnSite && w.r.chance(0.5) {
		ws := w.slot(w.workday(serviceDays, w.addDays(w.day(now), w.r.between(2, 6)), 1), w.r.n(len(slotHours))) // the return visit
		tk.WindowStart, tk.WindowEnd = ws, ws.Add(2*time.Hour)
		tk.ResolveBy = later(tk.ResolveBy, tk.WindowEnd.Add(24*time.Hour))
	}
}

var dispatchers = map[string]string{"CN": "调度 周敏 Zhou Min", "DE": "Disposition: Sabine Koch", "NG": "Dispatch: Ngozi Eze"}

// addNotes adds a note or two to some tickets, by dispatch or the technician.
func (w *world) addNotes(d *app.TicketDetail, t *tech, m *model) {
	tk := &d.Ticket
	k := 0
	switch x := w.r.Float64(); {
	case x < 0.08:
		k = 2
	case x < 0.35:
		k = 1
	}
	last := tk.UpdatedAt
	if tk.Status.Open() {
		last = w.now
	}
	for range k {
		var pool []string
		switch {
		case m.kind == kServer && t.Country == "CN":
			pool = serverNotesZH
		case m.kind == kServer:
			pool = serverNotesEN
		case t.Country == "CN":
			pool = notesZH
		case t.Country == "DE":
			pool = notesDE
		default:
			pool = notesEN
		}
		by := dispatchers[t.Country]
		if w.r.chance(0.4) {
			by = t.Name
		}
		at := tk.CreatedAt.Add(time.Duration(w.r.Float64() * float64(last.Sub(tk.CreatedAt)))).Truncate(time.Minute)
		if at.Before(tk.CreatedAt) {
			at = tk.CreatedAt
		}
		at = w.workingTime(serviceDays, at, tk.CreatedAt, last)
		d.Notes = append(d.Notes, app.Note{ID: w.r.uuid(), Ticket: tk.ID, Text: pick(w.r, pool), At: at, By: by})
	}
}

// makeTicket writes one ticket with everything recorded on it.
func (w *world) makeTicket(s *skel, number string) *app.TicketDetail {
	t := s.tech
	m := w.chooseModel(t, s.created)
	t.addModel(m)
	f := w.chooseFault(m, s.plan == planWaiting, t.Country, s.created)
	kind := app.KindOnSite
	if !t.field {
		kind = app.KindCarryIn
		if w.r.chance(0.15) {
			kind = app.KindMailIn
		}
	}
	business := m.kind == kServer || (m.kind.category() == app.CategoryPC && t.field)
	d := &app.TicketDetail{}
	tk := &d.Ticket
	*tk = app.Ticket{
		ID: app.TicketID(w.r.uuid()), Number: number, Kind: kind, Country: t.Country,
		Customer: w.customer(t.city, business, kind), Fault: w.reported(f, m.kind, t.Country),
		Priority: w.priority(m), Technician: t.ID, Epoch: 1, Status: app.StatusAssigned,
		CreatedAt: s.created, UpdatedAt: s.created,
	}
	if t.store != nil {
		tk.Store = t.store.id
	}
	tk.Product = w.product(m, s.created, t.Country, business)
	if s.plan == planHistory || s.plan == planCompleted {
		w.history(d, t, m, f, s.plan == planCompleted)
	} else {
		w.open(d, s, m, f)
	}
	w.addNotes(d, t, m)
	return d
}

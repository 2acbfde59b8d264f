package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demand"
)

// level is a van's stock rule for one part: with periodic review, order
// up to max when the position (on hand and on order) is at min or below;
// with continuous one-for-one, max is the fixed stock and every unit used
// is reordered at once.
type level struct {
	min, max int
	rate     float64 // forecast use per week, to rank lines by
}

// policy is a way of stocking every van.
type policy struct {
	name       string
	levels     map[app.LocationID]map[app.PartNumber]level
	oneForOne  bool // top up each unit used (the current policy and the plain baseline)
	loadLikely bool // also load the likely parts of the next day's tickets
}

// vanTicket is a test ticket of a van: when the technician arrived, the
// parts it fitted, and what the likely-parts model said of it.
type vanTicket struct {
	arrive  time.Time
	need    map[app.PartNumber]int
	likely  app.LikelyParts
	created time.Time
}

// vanWorld is what the availability simulation reads: the vans, their
// tickets in the test weeks, and the models each van's technician saw in
// the training weeks.
type vanWorld struct {
	vans    []app.LocationID
	tickets map[app.LocationID][]*vanTicket
	seen    map[app.LocationID][]string // models seen in training, in order
	n       int                         // tickets
}

// vans gathers the vans' test tickets; tr, when not nil, gives each
// its likely parts.
func (b *backtest) vans(tr *demand.Trained) vanWorld {
	vans := map[app.TechnicianID]app.LocationID{}
	var vanIDs []app.LocationID
	for _, t := range b.ds.Technicians {
		if t.Van != "" {
			vans[t.ID] = t.Van
			vanIDs = append(vanIDs, t.Van)
		}
	}
	slices.Sort(vanIDs)
	tickets := map[app.LocationID][]*vanTicket{}
	seen := map[app.LocationID][]string{} // models seen in training, in order
	nTickets := 0
	for i := range b.ds.Tickets {
		d := &b.ds.Tickets[i]
		t := &d.Ticket
		van, ok := vans[t.Technician]
		if !ok {
			continue
		}
		if !t.CreatedAt.Before(b.trainFro) && t.CreatedAt.Before(b.cfg.Split) && !slices.Contains(seen[van], t.Product.Model) {
			seen[van] = append(seen[van], t.Product.Model)
		}
		if !b.isTest(t) || t.Kind != app.KindOnSite || len(d.Parts) == 0 || t.StartedAt.IsZero() || !t.StartedAt.Before(b.testTo) ||
			slices.ContainsFunc(d.Parts, func(u app.PartUsed) bool { return !u.At.Before(b.testTo) }) {
			// A part fitted after the simulated weeks is outside them (on
			// the validation months: in the test months).
			continue
		}
		vt := &vanTicket{arrive: t.StartedAt, created: t.CreatedAt, need: map[app.PartNumber]int{}}
		for _, u := range d.Parts {
			vt.need[u.Part] += u.Qty
		}
		vt.likely.Ticket = t.ID
		for _, p := range tr.Predict(t.Product.Model, family(t), demand.Symptom(t.Fault), b.fits(t.Product.Model), app.MaxLikelyParts) {
			vt.likely.Parts = append(vt.likely.Parts, app.LikelyPart{Part: app.PartNumber(p.Part), Probability: p.P, Basis: p.Basis, Support: p.Support})
		}
		tickets[van] = append(tickets[van], vt)
		nTickets++
	}
	for _, ts := range tickets {
		slices.SortStableFunc(ts, func(a, c *vanTicket) int { return a.arrive.Compare(c.arrive) })
	}
	return vanWorld{vans: vanIDs, tickets: tickets, seen: seen, n: nTickets}
}

// validate simulates every candidate stock-level setting on the weeks
// after b's split and chooses the one with the highest first-visit
// availability at no more average stock value than the current policy
// over the same weeks (equal availability: the lower value); when none
// is that cheap, the cheapest. It returns the candidates, the choice, the
// current policy's value and the tickets simulated.
func (b *backtest) validate() ([]Candidate, Candidate, float64, int) {
	w := b.vans(nil)
	current := b.currentPolicy(w.vans, w.seen)
	budget := b.run(w, current).Value
	var cands []Candidate
	for _, m := range ValidationMethods {
		all := b.allLevels(w.vans, m)
		for _, c := range ValidationChances {
			for _, miss := range ValidationMissCosts {
				f := b.run(w, b.suggestedPolicy(w.vans, setting{m, c, miss}, all))
				cands = append(cands, Candidate{Forecaster: m, MinChance: c, MissCost: miss, Available: f.Available, Rate: f.Rate, Value: f.Value, Lines: f.Lines})
			}
		}
	}
	var best Candidate
	found := false
	for _, c := range cands {
		switch {
		case c.Value > budget:
			continue
		case !found, c.Available > best.Available, c.Available == best.Available && c.Value < best.Value:
			best, found = c, true
		}
	}
	if !found {
		best = slices.MinFunc(cands, func(x, y Candidate) int { return cmp.Compare(x.Value, y.Value) })
	}
	return cands, best, budget, w.n
}

// run simulates every van under one policy.
func (b *backtest) run(w vanWorld, p policy) PolicyFigure {
	f := PolicyFigure{Policy: p.name}
	for _, van := range w.vans {
		avail, value := b.simulate(p, van, w.tickets[van])
		f.Available += avail
		f.Value += value
		f.Lines += len(p.levels[van])
	}
	f.Rate = ratio(f.Available, w.n)
	return f
}

// availability simulates each van over the test months under each policy,
// the suggested levels with the setting chosen on the validation months.
func (b *backtest) availability(tr *demand.Trained, chosen Candidate) ([]PolicyFigure, int, int) {
	w := b.vans(tr)
	vanIDs := w.vans
	current := b.currentPolicy(vanIDs, w.seen)
	suggested := b.suggestedPolicy(vanIDs, setting{chosen.Forecaster, chosen.MinChance, chosen.MissCost}, b.allLevels(vanIDs, chosen.Forecaster))
	policies := []policy{current, b.mostUsedPolicy(vanIDs, current), suggested}
	policies = append(policies, policy{name: "(c) suggested levels + likely parts of the next day's tickets", levels: suggested.levels, loadLikely: true})
	if scaled, ok := b.scaled(suggested, current); ok {
		policies = append(policies, scaled,
			policy{name: "(c') the cut levels + likely parts of the next day's tickets", levels: scaled.levels, loadLikely: true})
	}

	var out []PolicyFigure
	for _, p := range policies {
		out = append(out, b.run(w, p))
	}
	return out, len(vanIDs), w.n
}

// currentPolicy is the demo's van stock as app/demo lays it out: 25 to
// 45 lines drawn from the parts of the models the van's technician has
// seen (here: in the training months), one unit of a line, two to five
// of an accessory, one to three of a unit or battery; each unit used is
// topped up from the warehouse (one for one).
func (b *backtest) currentPolicy(vans []app.LocationID, seen map[app.LocationID][]string) policy {
	r := newRand(b.cfg.Seed)
	p := policy{name: "(a) current policy: the demo's assortment, topped up one for one", levels: map[app.LocationID]map[app.PartNumber]level{}, oneForOne: true}
	for _, van := range vans {
		var cands []app.PartNumber
		for _, m := range seen[van] {
			cands = append(cands, b.fitting[m]...)
		}
		lv := map[app.PartNumber]level{}
		p.levels[van] = lv
		if len(cands) == 0 {
			continue
		}
		lines := 25 + r.IntN(21)
		for range lines {
			pn := cands[r.IntN(len(cands))]
			qty := 1
			switch b.parts[pn].Class {
			case app.ClassAccessory:
				qty = 2 + r.IntN(4)
			case app.ClassUnit, app.ClassBattery:
				qty = 1 + r.IntN(3)
			}
			l := lv[pn]
			l.max += qty
			l.min = l.max - 1
			lv[pn] = l
		}
	}
	return p
}

// mostUsedPolicy is the plain baseline a dispatcher would reach for: one
// unit of each part the van used most in the training months, most used
// first, up to the current policy's value, topped up one for one.
func (b *backtest) mostUsedPolicy(vans []app.LocationID, cur policy) policy {
	keys, series := b.weekly()
	p := policy{name: "(a2) plain baseline: one of each part the van used most, at the current policy's value, one for one", levels: map[app.LocationID]map[app.PartNumber]level{}, oneForOne: true}
	used := map[app.LocationID][]lineKey{}
	total := map[lineKey]float64{}
	for _, k := range keys {
		for _, q := range series[k][:b.trainWeeks] {
			total[k] += q
		}
		if total[k] > 0 {
			used[k.loc] = append(used[k.loc], k)
		}
	}
	for _, van := range vans {
		ks := used[van]
		slices.SortStableFunc(ks, func(x, y lineKey) int { return cmp.Compare(total[y], total[x]) })
		budget := b.planned(cur.levels[van])
		lv := map[app.PartNumber]level{}
		var v int64
		for _, k := range ks {
			if v+b.price[k.part] > budget {
				continue
			}
			v += b.price[k.part]
			lv[k.part] = level{min: 0, max: 1}
		}
		p.levels[van] = lv
	}
	return p
}

// setting is one choice of the suggested levels' method and rule.
type setting struct {
	Forecaster
	minChance float64
	missCost  float64 // CNY
}

// params are demand.StockLevels' settings for one part: weekly review, the
// lead time in weeks rounded up (three days is one period), the part's
// CNY price as the unit cost.
func (b *backtest) params(s setting, part app.PartNumber) demand.LevelParams {
	lead := int((LeadTime + 7*24*time.Hour - 1) / (7 * 24 * time.Hour))
	return demand.LevelParams{LeadTime: lead, Review: 1, Service: Service, Alpha: Alpha, Beta: s.Beta,
		Method: s.Method, MinChance: s.minChance, UnitCost: float64(b.price[part]) / 100, MissCost: s.missCost,
		Seed: b.cfg.Seed, Draws: Draws}
}

// allLevels are demand.StockLevels per part and van from the van's weekly
// use in the training weeks, with method's rate and every part with a
// chance of demand stocked: the levels of a stocked part do not depend on
// the rule (the bootstrap's draws are the same), so a setting's levels are
// these filtered by its rule (suggestedPolicy), computed once per method.
func (b *backtest) allLevels(vans []app.LocationID, method Forecaster) map[lineKey]demand.Levels {
	keys, series := b.weekly()
	out := map[lineKey]demand.Levels{}
	for _, k := range keys {
		if !slices.Contains(vans, k.loc) {
			continue
		}
		p := b.params(setting{Forecaster: method, minChance: math.SmallestNonzeroFloat64}, k.part)
		p.UnitCost = 0
		if l := demand.StockLevels(series[k][:b.trainWeeks], p); l.Max > 0 {
			out[k] = l
		}
	}
	return out
}

// suggestedPolicy keeps of all, a method's levels, the lines s's rule
// stocks (demand.LevelParams.Stocks).
func (b *backtest) suggestedPolicy(vans []app.LocationID, s setting, all map[lineKey]demand.Levels) policy {
	p := policy{name: fmt.Sprintf("(b) suggested min/max (demand.StockLevels: %s; stocked at a chance of %s when a miss at %.0f CNY pays for holding it), weekly review", s.label(), pct(s.minChance), s.missCost),
		levels: map[app.LocationID]map[app.PartNumber]level{}}
	for _, van := range vans {
		p.levels[van] = map[app.PartNumber]level{}
	}
	for k, l := range all {
		if b.params(s, k.part).Stocks(l.Chance) {
			p.levels[k.loc][k.part] = level{min: l.Min, max: l.Max, rate: l.Rate}
		}
	}
	return p
}

// planned is a van's stock value at its levels' maximum.
func (b *backtest) planned(lv map[app.PartNumber]level) int64 {
	var v int64
	for pn, l := range lv {
		v += int64(l.max) * b.price[pn]
	}
	return v
}

// scaled is the suggested policy cut to the current policy's value, van by
// van, when it plans more: it keeps the lines with the most forecast use
// per yuan until the next would pass the current assortment's value. Both
// values are known at the split; nothing here reads the test months.
func (b *backtest) scaled(sugg, cur policy) (policy, bool) {
	p := policy{name: "(b') suggested levels cut to the current policy's value", levels: map[app.LocationID]map[app.PartNumber]level{}}
	more := false
	for van, lv := range sugg.levels {
		budget := b.planned(cur.levels[van])
		if b.planned(lv) <= budget {
			p.levels[van] = lv
			continue
		}
		more = true
		pns := make([]app.PartNumber, 0, len(lv))
		for pn := range lv {
			pns = append(pns, pn)
		}
		perYuan := func(pn app.PartNumber) float64 { return lv[pn].rate / float64(max(b.price[pn], 1)) }
		slices.SortFunc(pns, func(x, y app.PartNumber) int {
			if c := cmp.Compare(perYuan(y), perYuan(x)); c != 0 {
				return c
			}
			return cmp.Compare(x, y)
		})
		kept := map[app.PartNumber]level{}
		var v int64
		for _, pn := range pns {
			c := int64(lv[pn].max) * b.price[pn]
			if v+c > budget {
				continue
			}
			v += c
			kept[pn] = lv[pn]
		}
		p.levels[van] = kept
	}
	return p, more
}

type arrival struct {
	at   time.Time
	part app.PartNumber
	qty  int
}

// simulate runs one van over the test months: it starts at the levels'
// maximum, and returns how many of its tickets found every part they
// needed in the van on the first visit and the van's average stock value
// at the start of each day. A ticket that misses a part gets all its parts
// by a special order for a second visit, so it takes nothing from the
// van.
func (b *backtest) simulate(p policy, van app.LocationID, tickets []*vanTicket) (int, float64) {
	lv := p.levels[van]
	onHand := map[app.PartNumber]int{}
	onOrder := map[app.PartNumber]int{}
	for pn, l := range lv {
		onHand[pn] = l.max
	}
	var pipeline []arrival
	receive := func(t time.Time) {
		k := 0
		for _, a := range pipeline {
			if a.at.After(t) {
				pipeline[k] = a
				k++
				continue
			}
			onHand[a.part] += a.qty
			onOrder[a.part] -= a.qty
		}
		pipeline = pipeline[:k]
	}
	order := func(t time.Time, pn app.PartNumber, q int) {
		pipeline = append(pipeline, arrival{t.Add(LeadTime), pn, q})
		onOrder[pn] += q
	}
	// Lines in a fixed order, so the simulation is deterministic.
	lines := make([]app.PartNumber, 0, len(lv))
	for pn := range lv {
		lines = append(lines, pn)
	}
	slices.Sort(lines)

	avail, days := 0, 0
	var value int64
	next := 0
	for day := b.cfg.Split; day.Before(b.testTo); day = day.AddDate(0, 0, 1) {
		end := day.AddDate(0, 0, 1)
		// The morning: what arrived overnight, the stock's value, and on
		// the review day (weekly from the split) the orders up to max.
		receive(day)
		days++
		for pn, q := range onHand {
			value += int64(q) * b.price[pn]
		}
		if !p.oneForOne && int(day.Sub(b.cfg.Split).Hours()/24+0.5)%7 == 0 {
			for _, pn := range lines {
				l := lv[pn]
				if pos := onHand[pn] + onOrder[pn]; pos <= l.min {
					order(day, pn, l.max-pos)
				}
			}
		}
		for next < len(tickets) && tickets[next].arrive.Before(end) {
			vt := tickets[next]
			next++
			receive(vt.arrive)
			ok := true
			for pn, q := range vt.need {
				ok = ok && onHand[pn] >= q
			}
			if !ok {
				continue
			}
			avail++
			for _, pn := range sortedParts(vt.need) {
				q := vt.need[pn]
				onHand[pn] -= q
				if p.oneForOne {
					order(vt.arrive, pn, q)
				}
			}
		}
		if p.loadLikely && end.Before(b.testTo) {
			b.load(end, tickets[next:], onHand)
		}
	}
	if days == 0 {
		return avail, 0
	}
	return avail, float64(value) / 100 / float64(days)
}

// load puts into the van, the evening before day, the parts app.LoadList
// says the next day's known tickets likely need and the van lacks.
func (b *backtest) load(day time.Time, ahead []*vanTicket, onHand map[app.PartNumber]int) {
	at := day.Add(LoadAt)
	var lists []app.LikelyParts
	for _, vt := range ahead {
		if !vt.arrive.Before(day.AddDate(0, 0, 1)) {
			break
		}
		if vt.created.Before(at) {
			lists = append(lists, vt.likely)
		}
	}
	for _, l := range app.LoadList(lists, onHand) {
		onHand[l.Part] += l.ToLoad
	}
}

func sortedParts(m map[app.PartNumber]int) []app.PartNumber {
	out := make([]app.PartNumber, 0, len(m))
	for pn := range m {
		out = append(out, pn)
	}
	slices.Sort(out)
	return out
}

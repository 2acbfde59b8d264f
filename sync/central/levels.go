package central

import (
	"cmp"
	"context"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demand"
)

// Stock levels, replenishment proposals and dormant stock for the office
// (docs/PROTOCOL.md, "Parts on their way"): read-only answers computed
// from the ledger on demand; nothing here is stored or synced. The
// console approves a proposal by sending shipment.send from the
// proposal's Source.

// The stock-level method's settings (app/demand.StockLevels).
const (
	// levelWeeks is the consumption history a level rests on: a year, so
	// that a seasonal part's busy months are in it (an air conditioner's
	// compressor in July).
	levelWeeks = 52
	// levelService is the share of review + lead time intervals the
	// levels cover without a stock-out: 90 %, the usual target for
	// service parts in a van, where a miss costs a second visit but room
	// is short.
	levelService = 0.9
	// levelAlpha smooths the size of a demand: 0.1, the value
	// Syntetos and Boylan tested on intermittent series, slow enough that
	// one busy week does not double a van's stock.
	levelAlpha = 0.1
	// levelDraws bounds the bootstrap of demand over review + lead time:
	// 1,000 draws give the 90 % quantile to within a unit for the rates
	// vans see.
	levelDraws = 1000
	// reviewWeeks is how often the office reviews proposals: weekly.
	reviewWeeks = 1
	week        = 7 * 24 * time.Hour
)

// LeadWeeks is the replenishment lead time of a location, in weeks: the
// office's own figure when it set one (app.Location.LeadWeeks: an
// overseas store supplied by sea waits 4 to 8 weeks), else its kind's
// default, DefaultLeadWeeks.
func LeadWeeks(l app.Location) int {
	if l.LeadWeeks > 0 {
		return l.LeadWeeks
	}
	return DefaultLeadWeeks(l.Kind)
}

// DefaultLeadWeeks is the lead time of a location of kind k for which the
// office set none: a van is restocked from its warehouse at the weekly
// depot visit (1); a store receives by carrier, a few days' transport
// after a weekly order (2).
func DefaultLeadWeeks(k app.LocationKind) int {
	if k == app.LocationStore {
		return 2
	}
	return 1
}

// StockLevel is the suggested minimum and maximum of one part at one van
// or store, with what the location holds and the order it needs.
type StockLevel struct {
	Location     app.LocationID
	LocationName string
	LocationKind app.LocationKind
	Part         app.PartNumber
	PartName     string
	// Weekly is the consumption per week of the last levelWeeks weeks,
	// oldest first (whole 7-day periods ending at now).
	Weekly []float64
	// Rate is the forecast weekly demand; Method names how it was made.
	Rate   float64
	Method string
	// Min is the reorder point, Max the order-up-to level.
	Min, Max int
	// LeadWeeks is the lead time the levels cover (the LeadWeeks
	// function); LeadSet says the office set it on the location rather
	// than it being the kind's default.
	LeadWeeks int
	LeadSet   bool
	Balance   int // the location's ledger balance now
	InTransit int // on shipments in transit to the location
	// Order is the proposal: Max - (Balance + InTransit) when that sum is
	// at most Min, else 0.
	Order int
	// Source is the warehouse to replenish from (ReplenishmentSource);
	// "" when none is known.
	Source app.LocationID
}

// StockLevels suggests, for every part consumed in the last levelWeeks
// weeks at a van or store that store sees (every one of the tenant when
// store is ""), a Min and Max from its weekly consumption
// (app/demand.StockLevels with its defaults: TSB's rate and a bootstrap
// of demand over review + lead time, parts unlikely to be asked for not
// stocked, nor parts whose chance of a demand does not pay for holding
// them against the second visit a missing part costs: levelCosts), with
// the balance, what is in transit to it, and a
// replenishment proposal. Ordered by location, then part.
func (db *DB) StockLevels(ctx context.Context, tenant string, store app.StoreID, now time.Time) ([]StockLevel, error) {
	fl, err := db.readFlows(ctx, tenant, store, now)
	if err != nil {
		return nil, err
	}
	transit, err := db.inTransit(ctx, tenant)
	if err != nil {
		return nil, err
	}
	costs, err := db.locationCosts(ctx, tenant, fl.view)
	if err != nil {
		return nil, err
	}
	out := []StockLevel{}
	for k, f := range fl.at {
		if !f.consumed {
			continue
		}
		unit, miss := costs.of(k.loc, fl.parts[k.part])
		l := fl.view.locations[k.loc]
		lv := StockLevel{Location: k.loc, LocationName: l.Name, LocationKind: l.Kind, Part: k.part,
			Weekly: slices.Clone(f.weekly[:]), LeadWeeks: LeadWeeks(l), LeadSet: l.LeadWeeks > 0, Balance: f.balance,
			InTransit: transit[k], Source: fl.source(k.loc)}
		got := demand.StockLevels(lv.Weekly, demand.LevelParams{LeadTime: lv.LeadWeeks, Review: reviewWeeks,
			Service: levelService, Alpha: levelAlpha, Seed: levelSeed(k), Draws: levelDraws,
			UnitCost: unit, MissCost: miss})
		lv.Rate, lv.Method, lv.Min, lv.Max = got.Rate, got.Method, got.Min, got.Max
		if have := lv.Balance + lv.InTransit; have <= lv.Min && lv.Max > have {
			lv.Order = lv.Max - have
		}
		lv.PartName = partName(fl.parts[k.part])
		out = append(out, lv)
	}
	slices.SortFunc(out, func(a, b StockLevel) int {
		return cmp.Or(cmp.Compare(a.Location, b.Location), cmp.Compare(a.Part, b.Part))
	})
	return out, nil
}

// levelSeed makes each location and part's bootstrap its own and the
// same at every call: a page shows the same levels until the data change.
func levelSeed(k flowKey) int64 {
	h := fnv.New64a()
	h.Write([]byte(k.loc))
	h.Write([]byte{0})
	h.Write([]byte(k.part))
	return int64(h.Sum64() >> 1)
}

// DormantDays is how long a part must have sat at a van or store without
// leaving it to count as dormant: half a year, past any season's turn, so
// a heater's part in spring is not flagged.
const DormantDays = 180

// transferDays is the window in which another location's consumption
// makes a dormant part worth transferring there rather than returning.
const transferDays = 182

// Dormant stock's suggested actions.
const (
	DormantTransfer = "transfer" // another location consumed it in the last transferDays days
	DormantReturn   = "return"   // nobody did: back to the warehouse
)

// DormantPart is a part sitting unused at a van or store.
type DormantPart struct {
	Location     app.LocationID
	LocationName string
	Part         app.PartNumber
	PartName     string
	Qty          int
	// Since is when a unit last left the location, or, when none ever did,
	// when the first unit arrived.
	Since time.Time
	// Value is Qty at the part's price in the currency of the location's
	// country (its technicians' rule set), else its first price; zero when
	// the catalog has no price.
	Value  app.Money
	Action string // DormantTransfer or DormantReturn
	// To is where the action sends it: for a transfer the location that
	// consumed the most units in the window; for a return the location's
	// replenishment source ("" when none is known).
	To app.LocationID
}

// DormantStock lists the parts with a positive balance at a van or store
// store sees (the tenant's when store is "") that have not left it for
// DormantDays days, most valuable first within each location.
func (db *DB) DormantStock(ctx context.Context, tenant string, store app.StoreID, now time.Time) ([]DormantPart, error) {
	fl, err := db.readFlows(ctx, tenant, store, now)
	if err != nil {
		return nil, err
	}
	users, err := db.recentConsumers(ctx, tenant, now.Add(-transferDays*24*time.Hour))
	if err != nil {
		return nil, err
	}
	currency, err := db.locationCurrencies(ctx, tenant, fl.view)
	if err != nil {
		return nil, err
	}
	out := []DormantPart{}
	for k, f := range fl.at {
		since := f.lastOut
		if since.IsZero() {
			since = f.firstIn
		}
		if f.balance <= 0 || since.IsZero() || now.Sub(since) < DormantDays*24*time.Hour {
			continue
		}
		d := DormantPart{Location: k.loc, LocationName: fl.view.locations[k.loc].Name, Part: k.part, Qty: f.balance, Since: since,
			Action: DormantReturn, To: fl.source(k.loc)}
		best := 0
		for loc, n := range users[k.part] {
			if loc != k.loc && (n > best || n == best && loc < d.To) {
				d.Action, d.To, best = DormantTransfer, loc, n
			}
		}
		out = append(out, d)
	}
	for i := range out {
		p := fl.parts[out[i].Part]
		out[i].PartName = partName(p)
		price, ok := p.Price(currency[out[i].Location])
		if !ok && len(p.Prices) > 0 {
			price = p.Prices[0]
		}
		out[i].Value = app.Money{Amount: price.Amount * int64(out[i].Qty), Currency: price.Currency}
	}
	slices.SortFunc(out, func(a, b DormantPart) int {
		return cmp.Or(cmp.Compare(a.Location, b.Location), cmp.Compare(b.Value.Amount, a.Value.Amount), cmp.Compare(a.Part, b.Part))
	})
	return out, nil
}

// ReplenishmentSource is the warehouse a van or store is restocked from:
// the one that sent it the most units (transfers and shipments), as the
// demo's warehouse of each country restocks its vans and stores; when
// nothing was ever sent, the tenant's only warehouse. ENOTFOUND when the
// location is unknown or no warehouse is known for it: the office then
// chooses one in the shipment form.
func (db *DB) ReplenishmentSource(ctx context.Context, tenant string, loc app.LocationID) (app.LocationID, error) {
	view, err := db.storeView(ctx, tenant, "")
	if err != nil {
		return "", err
	}
	if _, ok := view.locations[loc]; !ok {
		return "", app.NotFound(kindLocation, string(loc))
	}
	src, err := db.sources(ctx, tenant, view, []app.LocationID{loc})
	if err != nil {
		return "", err
	}
	if src[loc] == "" {
		return "", app.Errorf(app.ENOTFOUND, "planning.no_source", "No warehouse has supplied {{.Location}} yet; choose the warehouse to ship from.", "Location", string(loc))
	}
	return src[loc], nil
}

type flowKey struct {
	loc  app.LocationID
	part app.PartNumber
}

// flow is what one part did at one location.
type flow struct {
	balance  int
	weekly   [levelWeeks]float64 // units consumed per week, oldest first
	consumed bool                // any unit consumed in those weeks
	lastOut  time.Time           // the latest movement out (not counting adjustments)
	firstIn  time.Time           // the earliest movement in
}

// flows is the movements of the vans and stores of a store's view.
type flows struct {
	view    storeView
	at      map[flowKey]*flow
	sources map[app.LocationID]app.LocationID
	parts   map[app.PartNumber]app.Part // the catalog entries of the parts in at
}

func (f flows) source(loc app.LocationID) app.LocationID { return f.sources[loc] }

// readFlows reads every ledger line of the vans and stores store sees,
// with its movement, fetchBatch locations at a time.
func (db *DB) readFlows(ctx context.Context, tenant string, store app.StoreID, now time.Time) (flows, error) {
	view, err := db.storeView(ctx, tenant, store)
	if err != nil {
		return flows{}, err
	}
	fl := flows{view: view, at: map[flowKey]*flow{}}
	var locs []app.LocationID
	for _, l := range view.locations {
		if (l.Kind == app.LocationVan || l.Kind == app.LocationStore) && view.hasLocation(l) {
			locs = append(locs, l.ID)
		}
	}
	slices.Sort(locs)
	for start := 0; start < len(locs); start += fetchBatch {
		chunk := locs[start:min(start+fetchBatch, len(locs))]
		args := []any{tenant}
		for _, l := range chunk {
			args = append(args, string(l))
		}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT l.location, l.part, l.delta, e.data FROM ledger l
			JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
			WHERE l.tenant = ? AND l.location IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return flows{}, transient(err)
		}
		for rows.Next() {
			var loc, part, data string
			var delta int
			if err := rows.Scan(&loc, &part, &delta, &data); err != nil {
				rows.Close()
				return flows{}, transient(err)
			}
			var m app.StockMovement
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				rows.Close()
				return flows{}, corruptEntity(kindMovement, m.ID, err)
			}
			k := flowKey{app.LocationID(loc), app.PartNumber(part)}
			f := fl.at[k]
			if f == nil {
				f = &flow{}
				fl.at[k] = f
			}
			f.add(m, delta, now)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return flows{}, transient(err)
		}
	}
	if fl.sources, err = db.sources(ctx, tenant, view, locs); err != nil {
		return flows{}, err
	}
	if fl.parts, err = db.partsAt(ctx, tenant, locs); err != nil {
		return flows{}, err
	}
	return fl, nil
}

// partsAt reads the catalog entries of the parts in the ledgers of locs,
// one query per fetchBatch locations: on PostgreSQL, looking the parts up
// by lists of their numbers took seconds for the heavy demo world's
// 4,000 levels.
func (db *DB) partsAt(ctx context.Context, tenant string, locs []app.LocationID) (map[app.PartNumber]app.Part, error) {
	out := map[app.PartNumber]app.Part{}
	for start := 0; start < len(locs); start += fetchBatch {
		chunk := locs[start:min(start+fetchBatch, len(locs))]
		args := []any{tenant, tenant}
		for _, l := range chunk {
			args = append(args, string(l))
		}
		err := scanEntities(ctx, db, `SELECT e.id, e.data FROM entities e WHERE e.tenant = ? AND e.kind = 'part' AND e.id IN (
			SELECT DISTINCT part FROM ledger WHERE tenant = ? AND location IN (?`+strings.Repeat(", ?", len(chunk)-1)+`))`, args,
			kindPart, func(id string, p app.Part) { out[app.PartNumber(id)] = p })
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// add counts one ledger line of the flow's location.
func (f *flow) add(m app.StockMovement, delta int, now time.Time) {
	f.balance += delta
	switch {
	case delta > 0 && (f.firstIn.IsZero() || m.At.Before(f.firstIn)):
		f.firstIn = m.At
	case delta < 0 && m.Kind != app.MoveAdjust && m.At.After(f.lastOut):
		f.lastOut = m.At
	}
	if m.Kind != app.MoveConsume || delta >= 0 || m.At.After(now) {
		return
	}
	if w := int(now.Sub(m.At) / week); w < levelWeeks {
		f.weekly[levelWeeks-1-w] += float64(-delta)
		f.consumed = true
	}
}

// sources finds each location's replenishment source (see
// ReplenishmentSource): the warehouse that sent it the most units by
// transfer or shipment, ties to the smaller ID. It reads the locations'
// arrivals only, fetchBatch locations a query.
func (db *DB) sources(ctx context.Context, tenant string, view storeView, locs []app.LocationID) (map[app.LocationID]app.LocationID, error) {
	sent := map[app.LocationID]map[app.LocationID]int{} // to, warehouse: units
	count := func(from, to app.LocationID, qty int) {
		if view.locations[from].Kind == app.LocationWarehouse {
			if sent[to] == nil {
				sent[to] = map[app.LocationID]int{}
			}
			sent[to][from] += qty
		}
	}
	for start := 0; start < len(locs); start += fetchBatch {
		chunk := locs[start:min(start+fetchBatch, len(locs))]
		in := `(?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		args := []any{tenant}
		for _, l := range chunk {
			args = append(args, string(l))
		}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT e.id, e.data FROM ledger l
			JOIN entities e ON e.tenant = l.tenant AND e.kind = 'movement' AND e.id = l.movement
			WHERE l.tenant = ? AND l.delta > 0 AND l.location IN `+in+` AND e.data LIKE ?`), append(args, `%"kind":"transfer"%`)...)
		if err != nil {
			return nil, transient(err)
		}
		for rows.Next() {
			var id, data string
			var m app.StockMovement
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, transient(err)
			}
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				rows.Close()
				return nil, corruptEntity(kindMovement, id, err)
			}
			if m.Kind == app.MoveTransfer {
				count(m.From, m.To, m.Qty)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, transient(err)
		}
		ss, err := db.shipmentsWhere(ctx, tenant, `to_loc IN `+in, args[1:]...)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			for _, l := range s.Lines {
				count(s.From, s.To, l.Qty)
			}
		}
	}
	var warehouses []app.LocationID
	for _, l := range view.locations {
		if l.Kind == app.LocationWarehouse {
			warehouses = append(warehouses, l.ID)
		}
	}
	out := map[app.LocationID]app.LocationID{}
	for _, loc := range locs {
		best := 0
		for wh, n := range sent[loc] {
			if n > best || n == best && wh < out[loc] {
				out[loc], best = wh, n
			}
		}
		if out[loc] == "" && len(warehouses) == 1 {
			out[loc] = warehouses[0]
		}
	}
	return out, nil
}

// shipmentsWhere reads the tenant's shipments whose shipment_index row
// matches cond (a fixed condition with placeholders for args).
func (db *DB) shipmentsWhere(ctx context.Context, tenant, cond string, args ...any) ([]app.Shipment, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id FROM shipment_index WHERE tenant = ? AND `+cond), append([]any{tenant}, args...)...)
	if err != nil {
		return nil, transient(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, transient(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, transient(err)
	}
	byID, err := entitiesByID[app.Shipment](ctx, db, db.read, tenant, kindShipment, ids)
	if err != nil {
		return nil, err
	}
	out := make([]app.Shipment, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	return out, nil
}

// inTransit sums, per destination and part, the units of the tenant's
// shipments in transit.
func (db *DB) inTransit(ctx context.Context, tenant string) (map[flowKey]int, error) {
	ss, err := db.shipmentsWhere(ctx, tenant, `state = ?`, string(app.ShipmentInTransit))
	if err != nil {
		return nil, err
	}
	out := map[flowKey]int{}
	for _, s := range ss {
		if s.State != app.ShipmentInTransit {
			continue
		}
		for _, l := range s.Lines {
			out[flowKey{s.To, l.Part}] += l.Qty
		}
	}
	return out, nil
}

// recentConsumers counts, per part and location, the units consumed
// since from across the tenant.
func (db *DB) recentConsumers(ctx context.Context, tenant string, from time.Time) (map[app.PartNumber]map[app.LocationID]int, error) {
	ms, err := allEntities[app.StockMovement](ctx, db, tenant, kindMovement, `"kind":"`+string(app.MoveConsume)+`"`)
	if err != nil {
		return nil, err
	}
	out := map[app.PartNumber]map[app.LocationID]int{}
	for _, m := range ms {
		if m.Kind != app.MoveConsume || m.At.Before(from) {
			continue
		}
		if out[m.Part] == nil {
			out[m.Part] = map[app.LocationID]int{}
		}
		out[m.Part][m.From] += m.Qty
	}
	return out, nil
}

// levelCosts prices the stocking rule of app/demand.StockLevels for each
// location: a unit at the part's price in the location's currency, and a
// missed first visit at the call-out fee of the location's country (the
// second visit the missing part costs), both in the same currency's minor
// unit. Where either is unknown (no rule set for the country, no price in
// its currency) the part gets no cost rule, only the chance threshold.
type levelCosts struct {
	currency map[app.LocationID]string
	callOut  map[string]app.Money // by currency
}

func (c levelCosts) of(loc app.LocationID, p app.Part) (unit, miss float64) {
	cur := c.currency[loc]
	fee, ok := c.callOut[cur]
	if !ok || fee.Amount <= 0 {
		return 0, 0
	}
	price, ok := p.Price(cur)
	if !ok || price.Amount <= 0 {
		return 0, 0
	}
	return float64(price.Amount), float64(fee.Amount)
}

func (db *DB) locationCosts(ctx context.Context, tenant string, view storeView) (levelCosts, error) {
	currency, err := db.locationCurrencies(ctx, tenant, view)
	if err != nil {
		return levelCosts{}, err
	}
	rs, err := allEntities[app.RuleSet](ctx, db, tenant, kindRuleSet, "")
	if err != nil {
		return levelCosts{}, err
	}
	c := levelCosts{currency: currency, callOut: map[string]app.Money{}}
	for _, r := range rs {
		if r.CallOutFee.Currency == r.Currency && r.CallOutFee.Amount > 0 {
			c.callOut[r.Currency] = r.CallOutFee
		}
	}
	return c, nil
}

// locationCurrencies gives each location of view the currency of its
// country's rule set: a van's technician's country, a store's staff's.
func (db *DB) locationCurrencies(ctx context.Context, tenant string, view storeView) (map[app.LocationID]string, error) {
	rs, err := allEntities[app.RuleSet](ctx, db, tenant, kindRuleSet, "")
	if err != nil {
		return nil, err
	}
	byCountry := map[string]string{}
	for _, r := range rs {
		byCountry[strings.ToUpper(r.Country)] = r.Currency
	}
	country := map[string]string{} // technician or store ID: country
	for _, t := range view.techs {
		country[string(t.ID)] = t.Country
		if t.Store != "" {
			country[string(t.Store)] = t.Country
		}
	}
	out := map[app.LocationID]string{}
	for id, l := range view.locations {
		if c := country[l.Owner]; c != "" {
			out[id] = byCountry[strings.ToUpper(c)]
		}
	}
	return out, nil
}

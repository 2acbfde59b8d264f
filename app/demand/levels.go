package demand

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Bounds and defaults of LevelParams. A zero field takes its default, a
// field out of bounds is clamped: levels are computed in a batch job over
// every part and location, where one odd setting should not stop the rest.
const (
	DefaultService = 0.9
	MinService     = 0.5
	MaxService     = 0.999
	DefaultAlpha   = 0.1
	DefaultDraws   = 1000
	MaxDraws       = 10000
	MaxLeadTime    = 104 // periods: two years of weeks
	MaxReview      = 104
	// DefaultMethod, DefaultBeta and DefaultMinChance are what the parts
	// backtest chose on its validation weeks (cmd/partsbacktest,
	// docs/BENCHMARKS.md "Parts: backtest"): the forecast and the
	// threshold that, with a miss cost, gave the most first-visit
	// availability at no more stock value than the demo's current van
	// stock. The threshold is low because the miss cost does the work;
	// without costs it stocks nearly every part used in the last year.
	DefaultMethod    = MethodTSB
	DefaultBeta      = 0.02
	DefaultMinChance = 0.01
	// MaxMinChance keeps the threshold below certainty: at 1 no part
	// would ever be stocked.
	MaxMinChance = 0.99
	// DefaultHoldingRate is what holding stock costs a period, as a share
	// of its value: 25 % a year, the textbook figure for capital, space
	// and obsolescence, in weekly periods.
	DefaultHoldingRate = 0.25 / 52
	MaxHoldingRate     = 1
)

// LevelParams are the settings of StockLevels.
type LevelParams struct {
	LeadTime int     // periods from ordering to the part being on the shelf, at least 1
	Review   int     // periods between two looks at the levels, 0 to MaxReview
	Service  float64 // the share of review + lead time intervals the Min covers, e.g. 0.9
	Alpha    float64 // the smoothing constant of the size (and SBA's interval), (0, 1]
	Beta     float64 // TSB's smoothing of the probability of a demand, (0, 1]; 0 is DefaultBeta
	Method   string  // MethodSBA or MethodTSB; anything else is DefaultMethod
	// MinChance is the probability of at least one demand over Review +
	// LeadTime periods a part needs to be stocked at all, (0, MaxMinChance];
	// below it Min and Max are 0 and the part comes by request.
	MinChance float64
	// UnitCost is the value of one unit and MissCost what it costs when a
	// visit finds the part missing (a second visit), in one currency.
	// When both are positive a part is stocked only when the visit it is
	// expected to save pays for holding it: Chance*MissCost is at least
	// UnitCost*HoldingRate*(Review+LeadTime). Either zero: no cost rule.
	UnitCost    float64
	MissCost    float64
	HoldingRate float64 // a period's holding cost per unit of value, (0, MaxHoldingRate]
	Seed        int64   // the bootstrap's seed: the same seed gives the same levels
	Draws       int     // bootstrap draws, up to MaxDraws
}

// normal fills defaults and clamps the bounds.
func (p LevelParams) normal() LevelParams {
	p.LeadTime = min(max(p.LeadTime, 1), MaxLeadTime)
	p.Review = min(max(p.Review, 0), MaxReview)
	switch {
	case p.Service == 0 || math.IsNaN(p.Service):
		p.Service = DefaultService
	default:
		p.Service = min(max(p.Service, MinService), MaxService)
	}
	if p.Beta == 0 {
		p.Beta = DefaultBeta
	}
	p.Alpha, p.Beta = smoothing(p.Alpha), smoothing(p.Beta)
	if p.Method != MethodSBA && p.Method != MethodTSB {
		p.Method = DefaultMethod
	}
	if !(p.MinChance > 0) {
		p.MinChance = DefaultMinChance
	}
	p.MinChance = min(p.MinChance, MaxMinChance)
	if !(p.HoldingRate > 0) {
		p.HoldingRate = DefaultHoldingRate
	}
	p.HoldingRate = min(p.HoldingRate, MaxHoldingRate)
	if !(p.UnitCost > 0) || !(p.MissCost > 0) || math.IsInf(p.UnitCost, 0) || math.IsInf(p.MissCost, 0) {
		p.UnitCost, p.MissCost = 0, 0
	}
	if p.Draws <= 0 {
		p.Draws = DefaultDraws
	}
	p.Draws = min(p.Draws, MaxDraws)
	return p
}

// Stocks reports whether a part whose chance of a demand over Review +
// LeadTime is chance earns its place: chance at least MinChance and, with
// costs, the expected saving at least the holding cost (see LevelParams).
// StockLevels applies it; a caller comparing settings over levels already
// computed applies it to their Chance.
func (p LevelParams) Stocks(chance float64) bool {
	p = p.normal()
	if chance < p.MinChance {
		return false
	}
	return p.UnitCost == 0 || chance*p.MissCost >= p.UnitCost*p.HoldingRate*float64(p.Review+p.LeadTime)
}

// Levels are the suggested stock levels of one part at one location. Min
// and Max both 0 mean the location does not stock the part.
type Levels struct {
	Min    int     `json:"min"`    // reorder when the balance falls to Min or below
	Max    int     `json:"max"`    // order up to Max
	Rate   float64 `json:"rate"`   // forecast demand per period
	Method string  `json:"method"` // how Rate was forecast
	// Chance is the forecast probability of at least one demand over
	// Review + LeadTime periods, the figure compared with MinChance.
	Chance float64 `json:"chance"`
}

// StockLevels computes a reorder point and an order-up-to level for one
// part at one location from its demand per period, oldest first, for a
// location that looks at its levels every Review periods and waits
// LeadTime periods for an order.
//
// Rate is Method's forecast (SBA or TSB, with Alpha and Beta); it splits
// into the probability of a demand in a period, q = Rate/Size (at most 1),
// and the sizes of the history's demands. Chance = 1-(1-q)^(Review+LeadTime)
// is the probability the part is needed at all before a new order could
// arrive; a part that does not earn its place (Stocks: below MinChance, or
// with costs, a saving below its holding cost) is not stocked (Min = Max =
// 0). Else let C be the Service quantile of demand over Review+LeadTime
// periods, estimated by a seeded bootstrap (each draw: in each period a
// demand with probability q, its size drawn from the history's non-zero
// demands), rounded up to whole units. Min is C-1 (at least 0): a review
// orders when the position is at Min or below, so a position of Min+1 = C
// is the highest that waits a review plus a lead time. Max is Min +
// ceil(Rate*Review), at least Min+1, so an order always restores at least
// C. A history without demand gives 0, 0.
func StockLevels(history []float64, p LevelParams) Levels {
	p = p.normal()
	h := clean(history)
	f := SBA(h, p.Alpha)
	if p.Method == MethodTSB {
		f = TSB(h, p.Alpha, p.Beta)
	}
	l := Levels{Rate: f.Rate, Method: f.Method}
	if f.Rate == 0 || f.Size == 0 {
		return l
	}
	q := min(f.Rate/f.Size, 1)
	horizon := p.Review + p.LeadTime
	l.Chance = 1 - math.Pow(1-q, float64(horizon))
	if !p.Stocks(l.Chance) {
		return l
	}
	var sizes []float64
	for _, d := range h {
		if d > 0 {
			sizes = append(sizes, d)
		}
	}
	r := rand.New(rand.NewPCG(uint64(p.Seed), 0x9e3779b97f4a7c15))
	sums := make([]float64, p.Draws)
	for i := range sums {
		var s float64
		for range horizon {
			if r.Float64() < q {
				s += sizes[r.IntN(len(sizes))]
			}
		}
		sums[i] = s
	}
	slices.Sort(sums)
	k := int(math.Ceil(p.Service*float64(p.Draws))) - 1
	// The sums are of whole units in practice; the small allowance keeps
	// float noise in fractional histories from adding a unit.
	cover := int(math.Ceil(sums[max(k, 0)] - 1e-9))
	// An order is placed at a review that finds the position at Min or
	// below, and arrives LeadTime later; a position of Min+1 waits for the
	// next review, so it is Min+1 that must last Review + LeadTime.
	l.Min = max(cover-1, 0)
	l.Max = l.Min + max(int(math.Ceil(f.Rate*float64(p.Review)-1e-9)), 1)
	return l
}

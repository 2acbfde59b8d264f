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
)

// LevelParams are the settings of StockLevels.
type LevelParams struct {
	LeadTime int     // periods from ordering to the part being on the shelf, at least 1
	Review   int     // periods between two looks at the levels, 0 to MaxReview
	Service  float64 // the share of lead times the Min covers, e.g. 0.9
	Alpha    float64 // SBA's smoothing constant, (0, 1]
	Seed     int64   // the bootstrap's seed: the same seed gives the same levels
	Draws    int     // bootstrap draws, up to MaxDraws
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
	p.Alpha = smoothing(p.Alpha)
	if p.Draws <= 0 {
		p.Draws = DefaultDraws
	}
	p.Draws = min(p.Draws, MaxDraws)
	return p
}

// Levels are the suggested stock levels of one part at one location.
type Levels struct {
	Min    int     `json:"min"`    // reorder when the balance falls to Min or below
	Max    int     `json:"max"`    // order up to Max
	Rate   float64 `json:"rate"`   // forecast demand per period
	Method string  `json:"method"` // how Rate was forecast
}

// StockLevels computes a reorder point and an order-up-to level for one
// part at one location from its demand per period, oldest first. Rate is
// SBA's. Min is the Service quantile of demand over LeadTime periods,
// estimated by a seeded bootstrap of the history (Willemain-style: each draw
// sums LeadTime periods picked from the history with replacement, zeros
// included), rounded up to whole units. Max is Min + ceil(Rate*Review), and
// at least Min+1 when Rate > 0. A history without demand gives 0, 0.
func StockLevels(history []float64, p LevelParams) Levels {
	p = p.normal()
	h := clean(history)
	f := SBA(h, p.Alpha)
	l := Levels{Rate: f.Rate, Method: f.Method}
	if f.Rate == 0 {
		return l
	}
	r := rand.New(rand.NewPCG(uint64(p.Seed), 0x9e3779b97f4a7c15))
	sums := make([]float64, p.Draws)
	for i := range sums {
		var s float64
		for range p.LeadTime {
			s += h[r.IntN(len(h))]
		}
		sums[i] = s
	}
	slices.Sort(sums)
	k := int(math.Ceil(p.Service*float64(p.Draws))) - 1
	// The sums are of whole units in practice; the small allowance keeps
	// float noise in fractional histories from adding a unit.
	l.Min = int(math.Ceil(sums[max(k, 0)] - 1e-9))
	l.Max = l.Min + max(int(math.Ceil(f.Rate*float64(p.Review)-1e-9)), 1)
	return l
}

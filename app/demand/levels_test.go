package demand

import (
	"math"
	"testing"
	"time"
)

// weeks returns a history of n periods, zero but for the given ones.
func weeks(n int, demand map[int]float64) []float64 {
	h := make([]float64, n)
	for i, d := range demand {
		h[i] = d
	}
	return h
}

func TestStockLevels(t *testing.T) {
	constant := make([]float64, 78) // 2 a week, every week
	for i := range constant {
		constant[i] = 2
	}
	// 0, 3, 0, 3, ...: SBA's size is 3 and its interval 2 from the first
	// demand on (position 2), so its rate is 3/2*(1-0.05) = 1.425 and a
	// week's chance of a demand q = 1.425/3 = 0.475.
	alternate := make([]float64, 78)
	for i := 1; i < 78; i += 2 {
		alternate[i] = 3
	}
	// Every week for 39 weeks, then 39 silent ones.
	stopped := make([]float64, 78)
	for i := range 39 {
		stopped[i] = 1
	}
	once := weeks(78, map[int]float64{9: 1}) // one unit, in week 10
	sba := func(lead, review int, service, chance float64) LevelParams {
		return LevelParams{LeadTime: lead, Review: review, Service: service, Alpha: 0.1, Method: MethodSBA, MinChance: chance}
	}
	tsb := func(lead, review int, service, chance float64) LevelParams {
		p := sba(lead, review, service, chance)
		p.Method, p.Beta = MethodTSB, 0.1
		return p
	}
	lastWeek := weeks(78, map[int]float64{77: 1})
	chosen := func(price float64) LevelParams {
		return LevelParams{LeadTime: 1, Review: 1, UnitCost: price, MissCost: 75, Method: DefaultMethod}
	}
	stoppedP := (1 - 0.5*math.Pow(0.9, 38)) * math.Pow(0.9, 39)
	withCost := func(p LevelParams, unit, miss float64) LevelParams {
		p.UnitCost, p.MissCost, p.HoldingRate = unit, miss, 0.01
		return p
	}
	tests := []struct {
		name     string
		h        []float64
		p        LevelParams
		min, max int
		rate     float64
		chance   float64
	}{
		// A steady part: SBA's rate 2*(1-0.05) = 1.9, q = 0.95. Over review
		// + lead time (2 weeks) it uses 4 with probability 0.9025, 2 with
		// 0.095 and 0 with 0.0025: the 0.9 quantile is 4, the two weeks'
		// use, not the lead time's 2. Min 3: a position of 4 waits for the
		// next review and lasts until its order arrives. Max = 3 +
		// ceil(1.9*1) = 5.
		{"steady, SBA", constant, sba(1, 1, 0.9, 0.5), 3, 5, 1.9, 1 - 0.05*0.05},
		// TSB: the probability starts at 1 and stays there; the rate is 2.
		{"steady, TSB", constant, tsb(1, 1, 0.9, 0.5), 3, 5, 2, 1},
		// Without a review period the lead time alone: the 0.9 quantile of
		// a week is 2, Min 1; Max is still Min+1.
		{"steady, no review", constant, sba(1, 0, 0.9, 0.5), 1, 2, 1.9, 0.95},
		// A lead time of 3 and a review of 2: five weeks, 10; Min 9, Max 9
		// + ceil(1.9*2).
		{"steady, 5 weeks", constant, sba(3, 2, 0.9, 0.5), 9, 13, 1.9, 1 - math.Pow(0.05, 5)},
		// Two weeks of the alternating part: 0 with 0.525^2 = 0.2756, 3
		// with 2*0.475*0.525 = 0.4988, 6 with 0.2256. The chance of a
		// demand, 0.7244, passes 0.5; the 0.9 quantile is 6, the 0.7 one
		// 3: Min 5 and 2. Max adds ceil(1.425) = 2.
		{"alternate, 90 %", alternate, sba(1, 1, 0.9, 0.5), 5, 7, 1.425, 1 - 0.525*0.525},
		{"alternate, 70 %", alternate, sba(1, 1, 0.7, 0.5), 2, 4, 1.425, 1 - 0.525*0.525},
		// A threshold above its chance: not stocked, the part comes by
		// request.
		{"alternate, threshold 0.8", alternate, sba(1, 1, 0.9, 0.8), 0, 0, 1.425, 1 - 0.525*0.525},
		// With costs: holding a unit of 100 for the two weeks at 1 % a week
		// costs 2; the expected saving is 0.7244 of the miss cost, 2.17 at
		// 3 (stocked), 1.81 at 2.5 (not).
		{"alternate, worth its cost", alternate, withCost(sba(1, 1, 0.9, 0.5), 100, 3), 5, 7, 1.425, 1 - 0.525*0.525},
		{"alternate, not worth its cost", alternate, withCost(sba(1, 1, 0.9, 0.5), 100, 2.5), 0, 0, 1.425, 1 - 0.525*0.525},
		// A miss cost without a unit cost is no cost rule.
		{"alternate, no unit cost", alternate, withCost(sba(1, 1, 0.9, 0.5), 0, 2.5), 5, 7, 1.425, 1 - 0.525*0.525},
		// Used once in 78 weeks: SBA's interval is 10 (the position of the
		// only demand), q = 0.095, a chance of 1-0.905^2 = 0.181 in two
		// weeks: below 0.5, not stocked.
		{"once in 78 weeks, SBA", once, sba(1, 1, 0.9, 0.5), 0, 0, 0.095, 1 - 0.905*0.905},
		// At a threshold of 0.1 SBA would stock it (the 0.9 quantile of a
		// demand with probability 0.181 is one unit: Min 0, Max 1)...
		{"once in 78 weeks, SBA, threshold 0.1", once, sba(1, 1, 0.9, 0.1), 0, 1, 0.095, 1 - 0.905*0.905},
		// ... but TSB has faded it: the probability set to 1/78 (one week
		// in 78) at week 10 decays by 0.9 in each of the 68 silent weeks
		// after.
		{"once in 78 weeks, TSB, threshold 0.1", once, tsb(1, 1, 0.9, 0.1), 0, 0, math.Pow(0.9, 68) / 78, 1 - math.Pow(1-math.Pow(0.9, 68)/78, 2)},
		// A part that stopped being used half-way: SBA still sees a weekly
		// part (q = 0.95) and stocks it; TSB's probability, 0.5 at week 1,
		// 1-0.5*0.9^38 at week 39, is 0.0163 after 39 silent weeks: not
		// stocked.
		{"stopped, SBA", stopped, sba(1, 1, 0.9, 0.5), 1, 2, 0.95, 1 - 0.05*0.05},
		{"stopped, TSB", stopped, tsb(1, 1, 0.9, 0.5), 0, 0, stoppedP, 1 - math.Pow(1-stoppedP, 2)},
		// The defaults (TSB, beta 0.02, a chance of 1 %) with the
		// backtest's chosen miss cost of 75 and weekly review, one week's
		// lead time: holding a unit two weeks costs price*0.25/52*2.
		// Once in 78 weeks, in week 10: the probability 1/78 faded by
		// 0.98^68 gives a chance of 0.65 % in two weeks: not stocked,
		// whatever the price.
		{"once in 78 weeks, defaults", once, chosen(300), 0, 0, math.Pow(0.98, 68) / 78, 1 - math.Pow(1-math.Pow(0.98, 68)/78, 2)},
		// Once, in the last week: 1/78, a chance of 2.55 %, worth 1.91 of
		// a 75 miss; a 300 part costs 2.88 to hold: not stocked...
		{"once, last week, 300", lastWeek, chosen(300), 0, 0, 1.0 / 78, 1 - math.Pow(77.0/78, 2)},
		// ... a 50 part 0.48: stocked, one unit (the 0.9 quantile of a
		// 2.55 % chance is 0).
		{"once, last week, 50", lastWeek, chosen(50), 0, 1, 1.0 / 78, 1 - math.Pow(77.0/78, 2)},
		// The steady part with the defaults: TSB's rate 2, Min 3 (4 lasts
		// the two weeks), Max 5; its chance, 1, pays for any price here.
		{"steady, defaults", constant, chosen(3000), 3, 5, 2, 1},
		{"all zero", []float64{0, 0, 0, 0}, sba(3, 2, 0.9, 0.5), 0, 0, 0, 0},
		{"empty", nil, tsb(3, 2, 0.9, 0.5), 0, 0, 0, 0},
		// Out-of-bounds settings are clamped: lead time 0 is 1, service 2
		// is MaxService, review -5 is 0, a threshold of 5 is MaxMinChance
		// (the steady part's 0.95 is below it).
		{"clamped", constant, LevelParams{LeadTime: 0, Review: -5, Service: 2, Method: MethodSBA, MinChance: 5}, 0, 0, 1.9, 0.95},
		{"clamped, threshold 0.9", constant, LevelParams{LeadTime: 0, Review: -5, Service: 2, Method: MethodSBA, MinChance: 0.9}, 1, 2, 1.9, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := StockLevels(tt.h, tt.p)
			if l.Min != tt.min || l.Max != tt.max || math.Abs(l.Rate-tt.rate) > 1e-9 || math.Abs(l.Chance-tt.chance) > 1e-9 || l.Method != tt.p.Method {
				t.Fatalf("StockLevels = %+v, want min %d max %d rate %v chance %v method %s", l, tt.min, tt.max, tt.rate, tt.chance, tt.p.Method)
			}
		})
	}
}

// TestStockLevelsDefaults: zero settings take the defaults, and an unknown
// method the default one.
func TestStockLevelsDefaults(t *testing.T) {
	h := weeks(20, map[int]float64{1: 1, 4: 2, 6: 1, 9: 1, 12: 1, 15: 3, 17: 1, 19: 1})
	want := StockLevels(h, LevelParams{LeadTime: 1, Review: 1, Service: DefaultService, Alpha: DefaultAlpha, Beta: DefaultBeta,
		Method: DefaultMethod, MinChance: DefaultMinChance, Draws: DefaultDraws})
	for _, p := range []LevelParams{{LeadTime: 1, Review: 1}, {LeadTime: 1, Review: 1, Method: "holt-winters", MinChance: math.NaN(), Alpha: -1}} {
		if got := StockLevels(h, p); got != want {
			t.Errorf("%+v: %+v, want the defaults' %+v", p, got, want)
		}
	}
	if want.Method != DefaultMethod {
		t.Errorf("method %q, want %q", want.Method, DefaultMethod)
	}
}

func TestStockLevelsBootstrap(t *testing.T) {
	h := []float64{0, 1, 0, 0, 3, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0}
	p := LevelParams{LeadTime: 4, Review: 2, Service: 0.9, Seed: 7, Draws: 2000, Method: MethodSBA, MinChance: 0.1}
	a, b := StockLevels(h, p), StockLevels(h, p)
	if a != b {
		t.Fatalf("same seed, different levels: %+v %+v", a, b)
	}
	// Min grows with the service level and never passes the most the
	// history could use in review + lead time (6 periods of 3).
	prev := -1
	for _, s := range []float64{0.5, 0.7, 0.9, 0.95, 0.999} {
		p.Service = s
		l := StockLevels(h, p)
		if l.Min < prev || l.Min > 18 || l.Max <= l.Min {
			t.Fatalf("service %v: %+v after Min %d", s, l, prev)
		}
		prev = l.Min
	}
	// Draws are bounded: a billion draws takes MaxDraws, quickly.
	start := time.Now()
	big := StockLevels(h, LevelParams{LeadTime: MaxLeadTime * 10, Review: MaxReview * 10, Draws: 1e9, Service: 0.9})
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("a billion draws took %v: not bounded", el)
	}
	if want := StockLevels(h, LevelParams{LeadTime: MaxLeadTime, Review: MaxReview, Draws: MaxDraws, Service: 0.9}); big != want || big.Max == 0 {
		t.Fatalf("clamped %+v, want %+v, stocked", big, want)
	}
}

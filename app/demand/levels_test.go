package demand

import (
	"math"
	"testing"
	"time"
)

func TestStockLevels(t *testing.T) {
	spike := append(make([]float64, 9), 10) // one demand of 10 in ten periods
	tests := []struct {
		name     string
		h        []float64
		p        LevelParams
		min, max int
		rate     float64
	}{
		// Every period uses 2: every lead time of 3 uses 6, so Min is 6
		// whatever the quantile. SBA rate 2*(1-0.05) = 1.9; Max = 6 +
		// ceil(1.9*2) = 10.
		{"constant", []float64{2, 2, 2, 2, 2, 2}, LevelParams{LeadTime: 3, Review: 2, Service: 0.9, Alpha: 0.1}, 6, 10, 1.9},
		{"constant, lead time 1, no review", []float64{2, 2, 2}, LevelParams{LeadTime: 1, Alpha: 0.1}, 2, 3, 1.9},
		{"all zero", []float64{0, 0, 0, 0}, LevelParams{LeadTime: 3, Review: 2}, 0, 0, 0},
		{"empty", nil, LevelParams{LeadTime: 3, Review: 2}, 0, 0, 0},
		// One spike of 10 in 10 periods. SBA: size 10, interval 10, rate
		// 1*(1-0.05) = 0.95. A lead time of 3 misses the spike with
		// probability 0.9^3 = 0.729 < 0.9, so the 0.9 quantile holds it:
		// Min 10, Max 10 + ceil(0.95*2) = 12.
		{"spike, lead time 3", spike, LevelParams{LeadTime: 3, Review: 2, Service: 0.9}, 10, 12, 0.95},
		// A lead time of 1 misses it with probability 0.9 > 0.8: Min 0;
		// Max is still above Min, since the part is used.
		{"spike, lead time 1, 80 %", spike, LevelParams{LeadTime: 1, Review: 1, Service: 0.8}, 0, 1, 0.95},
		// At 99 % a lead time of 1 must cover the spike.
		{"spike, lead time 1, 99 %", spike, LevelParams{LeadTime: 1, Review: 1, Service: 0.99}, 10, 11, 0.95},
		// Out-of-bounds settings are clamped: lead time 0 is 1, service 2
		// is MaxService, review -5 is 0 (Max = Min+1).
		{"clamped", []float64{1, 1}, LevelParams{LeadTime: 0, Review: -5, Service: 2}, 1, 2, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := StockLevels(tt.h, tt.p)
			if l.Min != tt.min || l.Max != tt.max || math.Abs(l.Rate-tt.rate) > 1e-9 || l.Method != MethodSBA {
				t.Fatalf("StockLevels = %+v, want min %d max %d rate %v", l, tt.min, tt.max, tt.rate)
			}
		})
	}
}

func TestStockLevelsBootstrap(t *testing.T) {
	h := []float64{0, 1, 0, 0, 3, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0}
	p := LevelParams{LeadTime: 4, Review: 2, Service: 0.9, Seed: 7, Draws: 2000}
	a, b := StockLevels(h, p), StockLevels(h, p)
	if a != b {
		t.Fatalf("same seed, different levels: %+v %+v", a, b)
	}
	// Min grows with the service level and never passes the most the
	// history could use in a lead time (4 periods of 3).
	prev := -1
	for _, s := range []float64{0.5, 0.7, 0.9, 0.95, 0.999} {
		p.Service = s
		l := StockLevels(h, p)
		if l.Min < prev || l.Min > 12 || l.Max <= l.Min {
			t.Fatalf("service %v: %+v after Min %d", s, l, prev)
		}
		prev = l.Min
	}
	// Draws are bounded: a billion draws takes MaxDraws, quickly.
	start := time.Now()
	big := StockLevels(h, LevelParams{LeadTime: MaxLeadTime * 10, Draws: 1e9, Service: 0.9})
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("a billion draws took %v: not bounded", el)
	}
	if want := StockLevels(h, LevelParams{LeadTime: MaxLeadTime, Draws: MaxDraws, Service: 0.9}); big != want {
		t.Fatalf("clamped %+v, want %+v", big, want)
	}
}

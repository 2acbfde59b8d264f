package demand

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The series [0 3 0 0 2 0 1] with alpha 0.5, on paper:
//
//	period 2: first demand 3, size 3, interval 2 (its position)
//	period 5: demand 2, 3 periods later: size 3+0.5(2-3) = 2.5, interval 2+0.5(3-2) = 2.5
//	period 7: demand 1, 2 periods later: size 2.5+0.5(1-2.5) = 1.75, interval 2.5+0.5(2-2.5) = 2.25
//	Croston rate 1.75/2.25 = 7/9; SBA 7/9 * (1-0.25) = 7/12.
func TestCrostonSBA(t *testing.T) {
	tests := []struct {
		name           string
		h              []float64
		alpha          float64
		size, interval float64
	}{
		{"paper", []float64{0, 3, 0, 0, 2, 0, 1}, 0.5, 1.75, 2.25},
		// Demand in the first period: interval 1; the next, 2 later:
		// size 2+0.1(2-2) = 2, interval 1+0.1(2-1) = 1.1.
		{"from the first period", []float64{2, 0, 2}, 0.1, 2, 1.1},
		{"one demand", []float64{0, 0, 4}, 0.3, 4, 3},
		{"no demand", []float64{0, 0, 0}, 0.3, 0, 0},
		{"empty", nil, 0.3, 0, 0},
		// Negative (a return) and NaN periods are no demand.
		{"negative and NaN", []float64{-2, math.NaN(), 6}, 0.5, 6, 3},
		// alpha 0 is the default 0.1: as "from the first period".
		{"bad alpha", []float64{2, 0, 2}, 0, 2, 1.1},
		{"alpha above 1", []float64{2, 0, 2}, 7, 2, 1.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Croston(tt.h, tt.alpha)
			if !near(c.Size, tt.size) || !near(c.Interval, tt.interval) || c.Method != MethodCroston {
				t.Fatalf("Croston = %+v, want size %v interval %v", c, tt.size, tt.interval)
			}
			rate := 0.0
			if tt.interval > 0 {
				rate = tt.size / tt.interval
			}
			if !near(c.Rate, rate) {
				t.Fatalf("Croston rate %v, want %v", c.Rate, rate)
			}
			a := smoothing(tt.alpha)
			s := SBA(tt.h, tt.alpha)
			if !near(s.Rate, rate*(1-a/2)) || s.Method != MethodSBA || s.Size != c.Size || s.Interval != c.Interval {
				t.Fatalf("SBA = %+v, want rate %v", s, rate*(1-a/2))
			}
		})
	}
	if r := Croston([]float64{0, 3, 0, 0, 2, 0, 1}, 0.5).Rate; !near(r, 7.0/9) {
		t.Fatalf("paper Croston %v, want 7/9", r)
	}
	if r := SBA([]float64{0, 3, 0, 0, 2, 0, 1}, 0.5).Rate; !near(r, 7.0/12) {
		t.Fatalf("paper SBA %v, want 7/12", r)
	}
}

// TSB on [0 3 0 0 2 0 1], alpha = beta = 0.5, on paper:
//
//	period 2: size 3, probability 1/2
//	period 3, 4: no demand: probability 1/4, 1/8
//	period 5: demand 2: probability 1/8+0.5(7/8) = 9/16, size 2.5
//	period 6: probability 9/32
//	period 7: demand 1: probability 9/32+0.5(23/32) = 41/64, size 1.75
//	rate 41/64 * 1.75 = 1.12109375
func TestTSB(t *testing.T) {
	f := TSB([]float64{0, 3, 0, 0, 2, 0, 1}, 0.5, 0.5)
	if !near(f.Rate, 1.12109375) || !near(f.Size, 1.75) || !near(f.Interval, 64.0/41) || f.Method != MethodTSB {
		t.Fatalf("TSB = %+v, want rate 1.12109375 size 1.75 interval 64/41", f)
	}
	if f := TSB(nil, 0.5, 0.5); f.Rate != 0 || f.Interval != 0 {
		t.Fatalf("TSB of nothing = %+v", f)
	}
	// A part used every week then dormant for 20: TSB fades, Croston
	// keeps its last level.
	h := []float64{1, 1, 1, 1, 1, 1, 1, 1}
	h = append(h, make([]float64, 20)...)
	tsb, cr := TSB(h, 0.2, 0.2), Croston(h, 0.2)
	if !near(cr.Rate, 1) {
		t.Fatalf("Croston of a dormant part %v, want 1 (it does not see the silence)", cr.Rate)
	}
	// probability 1 then 20 times *0.8: 0.8^20.
	if !near(tsb.Rate, math.Pow(0.8, 20)) {
		t.Fatalf("TSB of a dormant part %v, want 0.8^20 = %v", tsb.Rate, math.Pow(0.8, 20))
	}
}

func TestNaiveMean(t *testing.T) {
	tests := []struct {
		h           []float64
		naive, mean float64
	}{
		{nil, 0, 0},
		{[]float64{3}, 3, 3},
		{[]float64{1, 0, 2, 5}, 5, 2},
		{[]float64{4, -4}, 0, 2},                    // a negative period is 0
		{[]float64{math.Inf(1), 0}, 0, 5e5},         // capped at MaxPeriodDemand
		{[]float64{2, math.NaN(), 4}, 4, 2},         // NaN is 0
		{append(make([]float64, 600), 52), 52, 0.1}, // only the last MaxHistory (520) periods
	}
	for _, tt := range tests {
		if n, m := Naive(tt.h), MeanRate(tt.h); !near(n, tt.naive) || !near(m, tt.mean) {
			t.Errorf("Naive, MeanRate(%v) = %v, %v, want %v, %v", tt.h, n, m, tt.naive, tt.mean)
		}
	}
}

func TestMASE(t *testing.T) {
	tests := []struct {
		name                    string
		train, actual, forecast []float64
		mase                    float64
		ok                      bool
	}{
		// One-step changes of train: 2, 1, 2: scale 5/3. Errors 1, 1:
		// mean 1. MASE 1/(5/3) = 0.6.
		{"paper", []float64{1, 3, 2, 4}, []float64{2, 2}, []float64{3, 1}, 0.6, true},
		// Perfect forecast.
		{"perfect", []float64{0, 1, 0}, []float64{0, 2}, []float64{0, 2}, 0, true},
		// Intermittent: changes 0,1,1,0: scale 0.5; errors 0.25, 0.75: mean 0.5: MASE 1.
		{"intermittent", []float64{0, 0, 1, 0, 0}, []float64{0, 1}, []float64{0.25, 0.25}, 1, true},
		{"constant train", []float64{2, 2, 2}, []float64{2}, []float64{2}, 0, false},
		{"short train", []float64{1}, []float64{2}, []float64{2}, 0, false},
		{"no actual", []float64{1, 2}, nil, nil, 0, false},
		{"length mismatch", []float64{1, 2}, []float64{1, 2}, []float64{1}, 0, false},
		{"NaN forecast", []float64{1, 2}, []float64{1}, []float64{math.NaN()}, 0, false},
	}
	for _, tt := range tests {
		m, ok := MASE(tt.train, tt.actual, tt.forecast)
		if ok != tt.ok || !near(m, tt.mase) {
			t.Errorf("%s: MASE = %v, %v, want %v, %v", tt.name, m, ok, tt.mase, tt.ok)
		}
	}
}

package demand

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchCases is a synthetic tenant history: 200 models in 20 families,
// 2,000 parts, each model with its own 20 parts and each case reporting
// two of 60 symptom tokens and fitting 0 to 2 parts.
func benchCases(n int) []Case {
	r := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 60)
	for i := range words {
		words[i] = fmt.Sprintf("e%d", i)
	}
	out := make([]Case, n)
	for i := range out {
		m := r.IntN(200)
		c := Case{
			Model:   fmt.Sprintf("M%03d", m),
			Family:  fmt.Sprintf("brand%d/washer", m%20),
			Symptom: []string{words[r.IntN(60)], words[r.IntN(60)]},
		}
		for range r.IntN(3) {
			c.Parts = append(c.Parts, fmt.Sprintf("P%04d", m*10+r.IntN(20)))
		}
		out[i] = c
	}
	return out
}

func BenchmarkTrain100k(b *testing.B) {
	cs := benchCases(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Train(cs)
	}
}

func BenchmarkPredict(b *testing.B) {
	t := Train(benchCases(100_000))
	sym := Symptom("E17 water not draining")
	fits := func(p string) bool { return p[len(p)-1] != '7' }
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := i % 200
		t.Predict(fmt.Sprintf("M%03d", m), fmt.Sprintf("brand%d/washer", m%20), sym, fits, 5)
		i++
	}
}

func BenchmarkSymptom(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Symptom("Le lave-linge ne démarre pas, code F21; 洗衣机不排水，显示E4")
	}
}

// BenchmarkStockLevels is one part at one location: 78 weeks of
// intermittent history, the default 1,000 draws over a 2-week lead time.
func BenchmarkStockLevels(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	h := make([]float64, 78)
	for i := range h {
		if r.IntN(6) == 0 {
			h[i] = float64(1 + r.IntN(3))
		}
	}
	p := LevelParams{LeadTime: 2, Review: 1, Service: 0.9, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		StockLevels(h, p)
	}
}

package demand

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// cases repeats a case n times.
func cases(n int, c Case) []Case {
	out := make([]Case, n)
	for i := range out {
		out[i] = c
	}
	return out
}

// The history the Predict tests share, family "acme/washer":
//
//	model W1: 6 tickets "e4" fitted pump; 4 tickets "noise" fitted bearing
//	model W2: 3 tickets "e4" fitted pump and belt; 2 tickets "noise" with no part
//	model W3: 1 ticket fitted door-seal
//
// The family has 16 tickets: pump 9, bearing 4, belt 3, door-seal 1.
func history() []Case {
	var h []Case
	h = append(h, cases(6, Case{"W1", "acme/washer", []string{"e4", "drain"}, []string{"pump"}})...)
	h = append(h, cases(4, Case{"W1", "acme/washer", []string{"noise"}, []string{"bearing"}})...)
	h = append(h, cases(3, Case{"W2", "acme/washer", []string{"e4"}, []string{"pump", "belt", "pump"}})...)
	h = append(h, cases(2, Case{"W2", "acme/washer", []string{"noise"}, nil})...)
	h = append(h, Case{"W3", "acme/washer", []string{"leak"}, []string{"door-seal"}})
	return h
}

func TestPredict(t *testing.T) {
	tr := Train(history())
	fam := func(c int) float64 { return float64(c) / (16 + PriorWeight) } // family level, prior 0
	w1 := func(c, famc int) float64 { return (float64(c) + PriorWeight*fam(famc)) / (10 + PriorWeight) }
	w2 := func(c, famc int) float64 { return (float64(c) + PriorWeight*fam(famc)) / (5 + PriorWeight) }
	noPump := func(p string) bool { return p != "pump" }
	tests := []struct {
		name                   string
		model, family, symptom string
		fits                   func(string) bool
		k                      int
		want                   []Prediction
	}{
		{
			// 6 W1 tickets share "e4" (>= MinSupport): the model+symptom
			// level. pump: (6 + 2*w1(6,9)) / (6+2) with w1(6,9) =
			// (6 + 2*9/18)/12 = 7/12: 0.8958.
			// bearing, fitted on W1 but never with "e4", follows with its
			// prior share only: (0 + 2*w1(4,4)) / 8 = 0.0926.
			name: "model and symptom", model: "W1", family: "acme/washer", symptom: "E4 not draining", k: 3,
			want: []Prediction{
				{"pump", (6 + PriorWeight*w1(6, 9)) / (6 + PriorWeight), app.BasisModelSymptom, 6},
				{"bearing", PriorWeight * w1(4, 4) / (6 + PriorWeight), app.BasisModelSymptom, 6},
			},
		},
		{
			// "drain" alone matches the same 6 tickets.
			name: "a shared word", model: "W1", family: "acme/washer", symptom: "won't drain", k: 1,
			want: []Prediction{{"pump", (6 + PriorWeight*w1(6, 9)) / (6 + PriorWeight), app.BasisModelSymptom, 6}},
		},
		{
			// With fits, the family's parts that fit W1 are candidates too,
			// at their prior share: belt (0 + 2*w1(0,3)) / 8 = 1/144;
			// door-seal does not fit.
			name: "fits adds the family's fitting parts", model: "W1", family: "acme/washer", symptom: "E4", k: 5,
			fits: func(p string) bool { return p != "door-seal" },
			want: []Prediction{
				{"pump", (6 + PriorWeight*w1(6, 9)) / (6 + PriorWeight), app.BasisModelSymptom, 6},
				{"bearing", PriorWeight * w1(4, 4) / (6 + PriorWeight), app.BasisModelSymptom, 6},
				{"belt", PriorWeight * w1(0, 3) / (6 + PriorWeight), app.BasisModelSymptom, 6},
			},
		},
		{
			// Nobody reported "smoke": the model level, pump 6/10 and
			// bearing 4/10, blended with the family.
			name: "back off to model", model: "W1", family: "acme/washer", symptom: "smoke", k: 3,
			want: []Prediction{
				{"pump", w1(6, 9), app.BasisModel, 10},
				{"bearing", w1(4, 4), app.BasisModel, 10},
			},
		},
		{
			// W2 has 3 "e4" tickets (< MinSupport) but 5 in all: the model
			// level. pump 3/5 and belt 3/5 blended: pump's family prior is
			// higher, so it comes first.
			name: "too few with the symptom", model: "W2", family: "acme/washer", symptom: "E-4", k: 3,
			want: []Prediction{
				{"pump", w2(3, 9), app.BasisModel, 5},
				{"belt", w2(3, 3), app.BasisModel, 5},
			},
		},
		{
			name: "k bounds the list", model: "W2", family: "acme/washer", symptom: "E-4", k: 1,
			want: []Prediction{{"pump", w2(3, 9), app.BasisModel, 5}},
		},
		{
			// A model never seen: the family, every part.
			name: "back off to family", model: "W9", family: "acme/washer", symptom: "E4", k: 5,
			want: []Prediction{
				{"pump", fam(9), app.BasisFamily, 16},
				{"bearing", fam(4), app.BasisFamily, 16},
				{"belt", fam(3), app.BasisFamily, 16},
				{"door-seal", fam(1), app.BasisFamily, 16},
			},
		},
		{
			// The pump does not fit W9: the family level leaves it out.
			name: "fits excludes a part", model: "W9", family: "acme/washer", symptom: "E4", fits: noPump, k: 2,
			want: []Prediction{
				{"bearing", fam(4), app.BasisFamily, 16},
				{"belt", fam(3), app.BasisFamily, 16},
			},
		},
		{
			// W3 has one ticket, below MinSupport everywhere but the
			// family: the family answers, and door-seal, once in 16, is
			// far from certain.
			name: "one ticket is not certainty", model: "W3", family: "acme/washer", symptom: "leak", k: 5,
			want: []Prediction{
				{"pump", fam(9), app.BasisFamily, 16},
				{"bearing", fam(4), app.BasisFamily, 16},
				{"belt", fam(3), app.BasisFamily, 16},
				{"door-seal", fam(1), app.BasisFamily, 16},
			},
		},
		{name: "unknown model and family", model: "X", family: "other/dryer", symptom: "E4", k: 5},
		{name: "k zero", model: "W1", family: "acme/washer", symptom: "E4", k: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tr.Predict(tt.model, tt.family, Symptom(tt.symptom), tt.fits, tt.k)
			if len(got) != len(tt.want) {
				t.Fatalf("Predict = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Part != w.Part || g.Basis != w.Basis || g.Support != w.Support || math.Abs(g.P-w.P) > 1e-9 {
					t.Fatalf("Predict[%d] = %+v, want %+v (all %+v)", i, g, w, got)
				}
			}
		})
	}
	if p := tr.Predict("W1", "acme/washer", Symptom("E4"), nil, 1)[0].P; math.Abs(p-0.8958333333) > 1e-9 {
		t.Fatalf("paper: pump for W1 with E4 is %v, want 0.8958", p)
	}
}

// A model with a single past ticket and no family: that ticket decides,
// but is not certainty. The model level is (1 + 2*0)/(1+2) = 1/3 (no
// family: prior 0), the model+symptom level (1 + 2*1/3)/(1+2) = 5/9.
func TestPredictOneCase(t *testing.T) {
	tr := Train([]Case{{Model: "M", Symptom: []string{"e1"}, Parts: []string{"fuse"}}})
	got := tr.Predict("M", "", []string{"e1"}, nil, 5)
	want := []Prediction{{"fuse", 5.0 / 9, app.BasisModelSymptom, 1}}
	if len(got) != 1 || got[0].Part != want[0].Part || math.Abs(got[0].P-want[0].P) > 1e-9 || got[0].Basis != want[0].Basis {
		t.Fatalf("Predict = %+v, want %+v", got, want)
	}
	var nilModel *Trained
	if nilModel.Predict("M", "", nil, nil, 5) != nil || nilModel.MostUsed("M", "", 5) != nil {
		t.Fatal("a nil model predicts something")
	}
}

func TestMostUsed(t *testing.T) {
	tr := Train(history())
	tests := []struct {
		model, family string
		k             int
		want          []Prediction
	}{
		{"W1", "acme/washer", 5, []Prediction{{"pump", 0.6, app.BasisModel, 10}, {"bearing", 0.4, app.BasisModel, 10}}},
		// Equal shares: by part number.
		{"W2", "acme/washer", 5, []Prediction{{"belt", 0.6, app.BasisModel, 5}, {"pump", 0.6, app.BasisModel, 5}}},
		{"W9", "acme/washer", 2, []Prediction{{"pump", 9.0 / 16, app.BasisFamily, 16}, {"bearing", 4.0 / 16, app.BasisFamily, 16}}},
		{"W9", "none", 2, nil},
	}
	for _, tt := range tests {
		got := tr.MostUsed(tt.model, tt.family, tt.k)
		if !slices.EqualFunc(got, tt.want, func(a, b Prediction) bool {
			return a.Part == b.Part && a.Basis == b.Basis && a.Support == b.Support && math.Abs(a.P-b.P) < 1e-9
		}) {
			t.Errorf("MostUsed(%s, %s) = %+v, want %+v", tt.model, tt.family, got, tt.want)
		}
	}
}

// TestPredictConcurrent: a trained model answers many goroutines at once
// (run with -race), each the same as alone.
func TestPredictConcurrent(t *testing.T) {
	tr := Train(history())
	want := tr.Predict("W1", "acme/washer", []string{"e4"}, nil, 3)
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			for range 200 {
				got := tr.Predict("W1", "acme/washer", []string{"e4"}, nil, 3)
				if !slices.Equal(got, want) {
					errs <- fmt.Sprintf("%+v, want %+v", got, want)
					return
				}
				tr.MostUsed("W2", "acme/washer", 2)
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}

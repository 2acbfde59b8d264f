package demand

import (
	"cmp"
	"slices"

	"github.com/fieldbench/fieldbench/app"
)

// Case is one past ticket as the likely-parts model learns from it.
type Case struct {
	Model   string   `json:"model"`
	Family  string   `json:"family"`  // brand+"/"+category
	Symptom []string `json:"symptom"` // Symptom's tokens of the fault code and the reported words
	Parts   []string `json:"parts"`   // the parts fitted; none is a case too (a repair without parts)
}

// Prediction is one part a ticket will likely need.
type Prediction struct {
	Part    string          `json:"part"`
	P       float64         `json:"p"`     // probability the ticket needs at least one, 0 to 1
	Basis   app.LikelyBasis `json:"basis"` // the level of history P comes from
	Support int             `json:"n"`     // how many past tickets that level holds
}

// MinSupport is how many past tickets a level needs before Predict answers
// from it rather than from the broader one: below it one odd repair would
// decide the list.
const MinSupport = 5

// PriorWeight is how many past tickets the broader level's probability
// counts as in Predict's blend (see Predict).
const PriorWeight = 2.0

// Bounds on what one case contributes; more is a data error.
const (
	maxCaseParts  = 64
	maxCaseTokens = MaxSymptomTokens
	maxK          = 100
)

// Trained is a likely-parts model. It is read-only after Train, so any
// number of goroutines may call Predict and MostUsed at once.
type Trained struct {
	parts    []string          // part index -> part number
	models   map[string]*group // by model
	families map[string]*group // by family
}

// group is the history of one model or one family.
type group struct {
	n     int           // cases
	count map[int32]int // part -> cases that fitted it
	// Model groups only: each case's parts and, per symptom token, the
	// cases that reported it, to find the cases sharing a ticket's tokens.
	cases   [][]int32
	byToken map[string][]int32
}

func newGroup() *group { return &group{count: map[int32]int{}} }

// Train builds the model from past tickets. A case without a model counts
// for its family only, one without a family for its model only.
func Train(cases []Case) *Trained {
	t := &Trained{models: map[string]*group{}, families: map[string]*group{}}
	index := map[string]int32{}
	var ps []int32
	for _, c := range cases {
		ps = ps[:0]
		for _, p := range c.Parts[:min(len(c.Parts), maxCaseParts)] {
			if p == "" {
				continue
			}
			i, ok := index[p]
			if !ok {
				i = int32(len(t.parts))
				index[p] = i
				t.parts = append(t.parts, p)
			}
			if !slices.Contains(ps, i) {
				ps = append(ps, i)
			}
		}
		if c.Family != "" {
			g := t.families[c.Family]
			if g == nil {
				g = newGroup()
				t.families[c.Family] = g
			}
			g.add(ps)
		}
		if c.Model == "" {
			continue
		}
		g := t.models[c.Model]
		if g == nil {
			g = newGroup()
			g.byToken = map[string][]int32{}
			t.models[c.Model] = g
		}
		ci := int32(len(g.cases))
		g.add(ps)
		g.cases = append(g.cases, slices.Clone(ps))
		toks := c.Symptom[:min(len(c.Symptom), maxCaseTokens)]
		for j, tok := range toks {
			if tok != "" && !slices.Contains(toks[:j], tok) {
				g.byToken[tok] = append(g.byToken[tok], ci)
			}
		}
	}
	return t
}

func (g *group) add(parts []int32) {
	g.n++
	for _, p := range parts {
		g.count[p]++
	}
}

// p is a part's probability in a group of n cases, c of which fitted it,
// blended with the broader level's probability prior:
// (c + PriorWeight*prior) / (n + PriorWeight). It is the posterior mean of
// a Beta prior centred on the broader level worth PriorWeight tickets: with
// much history the group's own frequency wins, with little the broader
// level's does, and a part fitted once in one case is not certain.
func blend(c, n int, prior float64) float64 {
	return (float64(c) + PriorWeight*prior) / (float64(n) + PriorWeight)
}

// Predict returns at most k parts a ticket of this model, family and
// symptom tokens will likely need, most likely first. It answers from the
// first level with at least MinSupport past tickets (else the first with
// any):
//
//  1. app.BasisModelSymptom: tickets of the same model sharing at least one
//     symptom token;
//  2. app.BasisModel: tickets of the same model;
//  3. app.BasisFamily: tickets of the same family, only parts for which
//     fits(part) is true (fits nil: all), since most parts fit only some
//     models of a family.
//
// Each level's probability is blended with the next broader level's (see
// blend); the family level's prior is 0, as a part never fitted in the
// family is no evidence of need. Every prediction carries the chosen
// level's basis and support. The candidates are the chosen level's parts,
// then the broader levels' ones it has not seen, at their prior share, so
// a list is not cut short because the specific history is small; a
// family's part is a candidate for a model only when fits says it fits.
func (t *Trained) Predict(model, family string, symptom []string, fits func(part string) bool, k int) []Prediction {
	k = min(k, maxK)
	if t == nil || k <= 0 {
		return nil
	}
	fam := t.families[family]
	famP := func(p int32) float64 {
		if fam == nil {
			return 0
		}
		return blend(fam.count[p], fam.n, 0)
	}
	mod := t.models[model]
	modP := func(p int32) float64 {
		if mod == nil {
			return famP(p)
		}
		return blend(mod.count[p], mod.n, famP(p))
	}
	sym := mod.sharing(symptom)

	type level struct {
		basis app.LikelyBasis
		n     int
		count map[int32]int
	}
	var levels []level
	if sym != nil {
		levels = append(levels, level{app.BasisModelSymptom, sym.n, sym.count})
	}
	if mod != nil {
		levels = append(levels, level{app.BasisModel, mod.n, mod.count})
	}
	if fam != nil {
		levels = append(levels, level{app.BasisFamily, fam.n, fam.count})
	}
	if len(levels) == 0 {
		return nil
	}
	at := 0
	for i, l := range levels {
		if l.n >= MinSupport {
			at = i
			break
		}
	}
	chosen := levels[at]
	// The candidates are the chosen level's parts and, below them, the
	// broader levels' (a part fitted for this model but never with this
	// symptom still has a chance, the blend's prior share). A family's
	// parts mostly fit other models: they are candidates only when fits
	// says they fit this one, and at the family level itself when fits is
	// nil.
	type ranked struct {
		p     int32
		pr    float64
		count int
	}
	// Equal probabilities: the part seen more often at the chosen level,
	// then by part number, so the order does not depend on map order.
	before := func(a, b ranked) bool {
		if a.pr != b.pr {
			return a.pr > b.pr
		}
		if a.count != b.count {
			return a.count > b.count
		}
		return t.parts[a.p] < t.parts[b.p]
	}
	// The k best, kept sorted as candidates arrive: k is a handful and
	// the candidates a family's worth of parts, so this beats sorting
	// them all.
	best := make([]ranked, 0, k+1)
	seen := make(map[int32]bool, len(chosen.count))
	for _, l := range levels[at:] {
		for p := range l.count {
			if seen[p] {
				continue
			}
			seen[p] = true
			if l.basis == app.BasisFamily && (fits == nil && chosen.basis != app.BasisFamily || fits != nil && !fits(t.parts[p])) {
				continue
			}
			r := ranked{p: p, count: chosen.count[p]}
			switch chosen.basis {
			case app.BasisModelSymptom:
				r.pr = blend(r.count, chosen.n, modP(p))
			case app.BasisModel:
				r.pr = modP(p)
			default:
				r.pr = famP(p)
			}
			if len(best) == k && !before(r, best[k-1]) {
				continue
			}
			i := len(best)
			for i > 0 && before(r, best[i-1]) {
				i--
			}
			best = slices.Insert(best, i, r)
			best = best[:min(len(best), k)]
		}
	}
	out := make([]Prediction, len(best))
	for i, r := range best {
		out[i] = Prediction{Part: t.parts[r.p], P: r.pr, Basis: chosen.basis, Support: chosen.n}
	}
	return out
}

// sharing is the group of g's cases that share at least one of tokens, nil
// when there is none (or g is nil).
func (g *group) sharing(tokens []string) *group {
	if g == nil || len(tokens) == 0 {
		return nil
	}
	seen := make([]bool, len(g.cases))
	s := newGroup()
	for j, tok := range tokens[:min(len(tokens), MaxSymptomTokens)] {
		if slices.Contains(tokens[:j], tok) {
			continue
		}
		for _, ci := range g.byToken[tok] {
			if !seen[ci] {
				seen[ci] = true
				s.add(g.cases[ci])
			}
		}
	}
	if s.n == 0 {
		return nil
	}
	return s
}

// MostUsed is the baseline Predict is measured against: the k parts fitted
// most often for this model (for the family when the model has no history),
// P their share of that level's tickets.
func (t *Trained) MostUsed(model, family string, k int) []Prediction {
	k = min(k, maxK)
	if t == nil || k <= 0 {
		return nil
	}
	g, basis := t.models[model], app.BasisModel
	if g == nil {
		g, basis = t.families[family], app.BasisFamily
	}
	if g == nil {
		return nil
	}
	out := make([]Prediction, 0, len(g.count))
	for p, c := range g.count {
		out = append(out, Prediction{Part: t.parts[p], P: float64(c) / float64(g.n), Basis: basis, Support: g.n})
	}
	slices.SortFunc(out, func(a, b Prediction) int {
		if c := cmp.Compare(b.P, a.P); c != 0 {
			return c
		}
		return cmp.Compare(a.Part, b.Part)
	})
	return out[:min(len(out), k)]
}

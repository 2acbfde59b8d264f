package main

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demand"
)

// The backtest's settings. None is chosen by looking at the test months:
// each is the textbook or the value, fixed before the first run,
// except the stock levels' forecast, threshold and miss cost, which are
// chosen on validation weeks inside the training months (below).
const (
	// TrainWeeks and TestWeeks are the 18 and 6 months, in whole
	// weeks so both halves are made of the same periods.
	TrainWeeks = 78
	TestWeeks  = 26
	// Alpha is the smoothing constant of Croston, SBA and TSB (and of the
	// stock levels' forecast): 0.1 is the low end of the 0.05-0.2 range the
	// intermittent-demand literature recommends (Syntetos and Boylan), as
	// a van's demand is sparse and noisy.
	Alpha = 0.1
	// Beta is TSB's smoothing of the demand probability in the
	// forecast-error table, the same 0.1 for the same reason; the stock
	// levels try slower ones too (ValidationMethods).
	Beta = 0.1
	// Service is the share of review + lead time intervals the levels
	// cover: the stock-level method's default, 0.9.
	Service = demand.DefaultService
	// LeadTime is how long a part takes from the warehouse to the van: the
	// issue's "about three days" for a special part.
	LeadTime = 3 * 24 * time.Hour
	// Draws is the bootstrap's size: the method's default.
	Draws = demand.DefaultDraws
	// ValidationWeeks is the end of the training weeks the stock-level
	// method's choices are made on: levels from the first
	// TrainWeeks-ValidationWeeks weeks, simulated on the last
	// ValidationWeeks, all before the split. Six months, the test's
	// length, so a half year's season is in both.
	ValidationWeeks = 26
	// RegularWeeks is the number of training weeks with demand from which
	// a series is also reported apart: four, one a quarter and a half, the
	// fewest from which a smoothed interval is more than the first one.
	RegularWeeks = 4
	// TopK is how many likely parts count for the top-3 hit rate.
	TopK = 3
	// LoadAt is when the van is loaded for the next day's tickets, before
	// the day starts: the evening before, at 18:00.
	LoadAt = -6 * time.Hour
)

// The stock-level choices tried on the validation months: the forecast
// whose rate and probability of demand the levels use (SBA, and TSB with
// Beta and with slower fades: 0.1 forgets a part in about 20 silent
// weeks, 0.02 in about 100), the chance of a demand over review + lead
// time a part needs to be stocked, and the cost of a missed first visit
// that holding it must pay for.
var (
	ValidationMethods = []Forecaster{{demand.MethodSBA, 0}, {demand.MethodTSB, Beta}, {demand.MethodTSB, 0.05}, {demand.MethodTSB, 0.02}}
	ValidationChances = []float64{0.01, 0.02, 0.05}
	// ValidationMissCosts are what a missed first visit is taken to cost,
	// in CNY, against holding stock at 25 % of its value a year
	// (demand.DefaultHoldingRate). Together they set how much value a
	// van holds: the validation finds the cost at which the van's stock is
	// worth what the current policy's is, which the target asks
	// for, rather than a real second trip's price.
	ValidationMissCosts = []float64{10, 20, 30, 40, 50, 75, 100}
)

// Config places the split.
type Config struct {
	// Split is when the test months begin: tickets created from it on are
	// test tickets, and every training figure is from before it.
	// Its location is where days begin, for the daily stock value and
	// loading the van the evening before.
	Split time.Time
	Seed  int64 // the current policy's assortment and the bootstrap
}

// SplitFor returns the split of a world generated at now: TestWeeks whole
// weeks before the start of now's day, so the test ends where today begins.
func SplitFor(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d-7*TestWeeks, 0, 0, 0, 0, now.Location())
}

// Result is the backtest's report.
type Result struct {
	Split          time.Time      `json:"split"`
	TrainFrom      time.Time      `json:"train_from"`
	TestTo         time.Time      `json:"test_to"`
	TrainCases     int            `json:"train_cases"`  // finished tickets before the split the likely-parts model learns from
	TestTickets    int            `json:"test_tickets"` // tickets created in the test months
	Vans           int            `json:"vans"`         // vans simulated
	VanTickets     int            `json:"van_tickets"`  // test on-site tickets that fitted parts from a van
	Availability   []PolicyFigure `json:"availability"`
	Prediction     []HitFigure    `json:"prediction"`
	Forecast       []ErrorFigure  `json:"forecast"`
	ForecastSeries int            `json:"forecast_series"` // part x location series with demand in training
	// ForecastRegular is the same over the series with demand in at
	// least RegularWeeks training weeks: the methods on a history they
	// can smooth.
	ForecastRegular []ErrorFigure `json:"forecast_regular"`
	RegularSeries   int           `json:"regular_series"`
	// Validation is how the stock-level method and threshold were chosen:
	// each candidate's levels from the training weeks before
	// ValidationFrom, simulated on the ValidationWeeks after it, against
	// the current policy's value over the same weeks (ValidationBudget).
	ValidationFrom    time.Time     `json:"validation_from"`
	ValidationTickets int           `json:"validation_tickets"`
	ValidationBudget  float64       `json:"validation_budget_cny"`
	Validation        []Candidate   `json:"validation"`
	Chosen            Candidate     `json:"chosen"`
	ValidationError   []ErrorFigure `json:"validation_forecast"` // the methods' MASE on the validation weeks
}

// Forecaster is a forecast method and, for TSB, its beta.
type Forecaster struct {
	Method string  `json:"method"`
	Beta   float64 `json:"beta,omitempty"`
}

// label names the method in the report.
func (f Forecaster) label() string {
	if f.Method == demand.MethodTSB {
		return fmt.Sprintf("%s (beta %.2f)", f.Method, f.Beta)
	}
	return f.Method
}

// Candidate is one stock-level setting's figure on the validation months.
type Candidate struct {
	Forecaster
	MinChance float64 `json:"min_chance"`
	MissCost  float64 `json:"miss_cost_cny"`
	Available int     `json:"available"`
	Rate      float64 `json:"rate"`
	Value     float64 `json:"value_cny"`
	Lines     int     `json:"lines"`
}

// PolicyFigure is one stocking policy's first-visit availability.
type PolicyFigure struct {
	Policy    string  `json:"policy"`
	Available int     `json:"available"` // van tickets whose parts were all in the van at arrival
	Rate      float64 `json:"rate"`
	// Value is the average value of the vans' stock together, in CNY,
	// sampled at the start of every test day.
	Value float64 `json:"value_cny"`
	Lines int     `json:"lines"` // part x van lines the policy stocks at the start
}

// HitFigure is one prediction method's hit rates.
type HitFigure struct {
	Method  string  `json:"method"`
	Tickets int     `json:"tickets"` // test tickets that fitted a part
	Top1    float64 `json:"top1"`
	Top3    float64 `json:"top3"`
}

// ErrorFigure is one forecast method's MASE over the series.
type ErrorFigure struct {
	Method string  `json:"method"`
	Series int     `json:"series"` // series where MASE is defined
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
}

// backtest holds the world as the backtest reads it.
type backtest struct {
	cfg        Config
	trainWeeks int // weeks before the split that are training
	testWeeks  int // weeks from the split that are simulated
	testTo     time.Time
	trainFro   time.Time
	ds         app.Dataset
	price      map[app.PartNumber]int64 // CNY, in fen (integers, so sums do not depend on order)
	parts      map[app.PartNumber]*app.Part
	fitting    map[string][]app.PartNumber // model -> parts that fit it, in catalog order
}

// Run backtests a world: ds, split at cfg.Split. Nothing after the split
// reaches a method's training or a policy's levels.
func Run(ds app.Dataset, cfg Config) Result {
	b := newBacktest(ds, cfg, TrainWeeks, TestWeeks)
	res := Result{Split: cfg.Split, TrainFrom: b.trainFro, TestTo: b.testTo} // in the split's zone, where its days begin
	// The validation backtest ends at the split: it reads the training
	// weeks only.
	v := newBacktest(ds, Config{Split: b.trainFro.AddDate(0, 0, 7*(TrainWeeks-ValidationWeeks)), Seed: cfg.Seed}, TrainWeeks-ValidationWeeks, ValidationWeeks)
	res.ValidationFrom = v.cfg.Split
	res.Validation, res.Chosen, res.ValidationBudget, res.ValidationTickets = v.validate()
	res.ValidationError, _, _, _ = v.forecasts()
	trained, cases := b.train()
	res.TrainCases = cases
	for i := range ds.Tickets {
		if b.isTest(&ds.Tickets[i].Ticket) {
			res.TestTickets++
		}
	}
	res.Prediction = b.hits(trained)
	res.Forecast, res.ForecastSeries, res.ForecastRegular, res.RegularSeries = b.forecasts()
	res.Availability, res.Vans, res.VanTickets = b.availability(trained, res.Chosen)
	return res
}

// newBacktest reads a world split at cfg.Split, trainWeeks before it and
// testWeeks after.
func newBacktest(ds app.Dataset, cfg Config, trainWeeks, testWeeks int) *backtest {
	b := &backtest{
		cfg:        cfg,
		trainWeeks: trainWeeks,
		testWeeks:  testWeeks,
		ds:         ds,
		testTo:     cfg.Split.AddDate(0, 0, 7*testWeeks),
		trainFro:   cfg.Split.AddDate(0, 0, -7*trainWeeks),
		price:      map[app.PartNumber]int64{},
		parts:      map[app.PartNumber]*app.Part{},
		fitting:    map[string][]app.PartNumber{},
	}
	for i := range ds.Parts {
		p := &ds.Parts[i]
		b.parts[p.Number] = p
		for _, m := range p.Prices {
			if m.Currency == "CNY" {
				b.price[p.Number] = m.Amount
			}
		}
		for _, m := range p.Models {
			b.fitting[m] = append(b.fitting[m], p.Number)
		}
	}
	return b
}

func (b *backtest) isTest(t *app.Ticket) bool {
	return !t.CreatedAt.Before(b.cfg.Split) && t.CreatedAt.Before(b.testTo)
}

// isTrain reports whether a ticket is training history: opened and
// finished before the split. A ticket opened before the split and still
// open after it is in neither half.
func (b *backtest) isTrain(d *app.TicketDetail) bool {
	t := &d.Ticket
	if !t.CreatedAt.Before(b.cfg.Split) || t.CreatedAt.Before(b.trainFro) {
		return false
	}
	if t.Status != app.StatusClosed && t.Status != app.StatusCompleted {
		return false
	}
	if !t.CompletedAt.Before(b.cfg.Split) {
		return false
	}
	for _, u := range d.Parts {
		if !u.At.Before(b.cfg.Split) {
			return false
		}
	}
	return true
}

func family(t *app.Ticket) string { return t.Product.Brand + "/" + string(t.Product.Category) }

// train learns the likely-parts model from the training tickets.
func (b *backtest) train() (*demand.Trained, int) {
	var cases []demand.Case
	for i := range b.ds.Tickets {
		d := &b.ds.Tickets[i]
		if !b.isTrain(d) {
			continue
		}
		c := demand.Case{Model: d.Ticket.Product.Model, Family: family(&d.Ticket), Symptom: demand.Symptom(d.Ticket.Fault)}
		for _, u := range d.Parts {
			c.Parts = append(c.Parts, string(u.Part))
		}
		cases = append(cases, c)
	}
	return demand.Train(cases), len(cases)
}

// fits reports whether a part fits a model, by the catalog.
func (b *backtest) fits(model string) func(string) bool {
	return func(part string) bool {
		p := b.parts[app.PartNumber(part)]
		return p != nil && slices.Contains(p.Models, model)
	}
}

// hits measures Predict against MostUsed on the test tickets that fitted
// a part.
func (b *backtest) hits(tr *demand.Trained) []HitFigure {
	figs := []HitFigure{{Method: "likely parts (demand.Predict)"}, {Method: "most used for the model (demand.MostUsed)"}}
	var top1, top3 [2]int
	for i := range b.ds.Tickets {
		d := &b.ds.Tickets[i]
		if !b.isTest(&d.Ticket) || len(d.Parts) == 0 {
			continue
		}
		fitted := map[string]bool{}
		for _, u := range d.Parts {
			fitted[string(u.Part)] = true
		}
		t := &d.Ticket
		preds := [2][]demand.Prediction{
			tr.Predict(t.Product.Model, family(t), demand.Symptom(t.Fault), b.fits(t.Product.Model), TopK),
			tr.MostUsed(t.Product.Model, family(t), b.fits(t.Product.Model), TopK),
		}
		for m, ps := range preds {
			figs[m].Tickets++
			for j, p := range ps {
				if fitted[p.Part] {
					if j == 0 {
						top1[m]++
					}
					top3[m]++
					break
				}
			}
		}
	}
	for m := range figs {
		figs[m].Top1 = ratio(top1[m], figs[m].Tickets)
		figs[m].Top3 = ratio(top3[m], figs[m].Tickets)
	}
	return figs
}

func ratio(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(a) / float64(n)
}

type lineKey struct {
	loc  app.LocationID
	part app.PartNumber
}

// weekly returns every part x location's weekly consumption over the
// training and the test weeks, in the order the lines first appear.
func (b *backtest) weekly() ([]lineKey, map[lineKey][]float64) {
	series := map[lineKey][]float64{}
	var keys []lineKey
	for i := range b.ds.Tickets {
		for _, u := range b.ds.Tickets[i].Parts {
			if u.At.Before(b.trainFro) || !u.At.Before(b.testTo) || u.From == "" {
				continue
			}
			k := lineKey{u.From, u.Part}
			s, ok := series[k]
			if !ok {
				s = make([]float64, b.trainWeeks+b.testWeeks)
				series[k] = s
				keys = append(keys, k)
			}
			s[int(u.At.Sub(b.trainFro)/(7*24*time.Hour))] += float64(u.Qty)
		}
	}
	slices.SortFunc(keys, func(a, c lineKey) int {
		if x := cmp.Compare(a.loc, c.loc); x != 0 {
			return x
		}
		return cmp.Compare(a.part, c.part)
	})
	return keys, series
}

// forecasts measures each method's MASE over the test weeks of every
// series with demand in training, and apart over the regular ones.
func (b *backtest) forecasts() (all []ErrorFigure, n int, regular []ErrorFigure, nRegular int) {
	keys, series := b.weekly()
	methods := []struct {
		name string
		rate func([]float64) float64
	}{
		{"naive (last week)", demand.Naive},
		{"mean of the training weeks", demand.MeanRate},
		{"Croston", func(h []float64) float64 { return demand.Croston(h, Alpha).Rate }},
		{"SBA", func(h []float64) float64 { return demand.SBA(h, Alpha).Rate }},
		{"TSB", func(h []float64) float64 { return demand.TSB(h, Alpha, Beta).Rate }},
	}
	errs := make([][]float64, len(methods))
	regErrs := make([][]float64, len(methods))
	for _, k := range keys {
		s := series[k]
		train, test := s[:b.trainWeeks], s[b.trainWeeks:]
		weeks := 0
		for _, q := range train {
			if q > 0 {
				weeks++
			}
		}
		if weeks == 0 {
			continue
		}
		n++
		if weeks >= RegularWeeks {
			nRegular++
		}
		for m, meth := range methods {
			f := make([]float64, b.testWeeks)
			r := meth.rate(train)
			for i := range f {
				f[i] = r
			}
			if e, ok := demand.MASE(train, test, f); ok {
				errs[m] = append(errs[m], e)
				if weeks >= RegularWeeks {
					regErrs[m] = append(regErrs[m], e)
				}
			}
		}
	}
	figures := func(errs [][]float64) []ErrorFigure {
		out := make([]ErrorFigure, len(methods))
		for m, meth := range methods {
			out[m] = ErrorFigure{Method: meth.name, Series: len(errs[m]), Mean: mean(errs[m]), Median: median(errs[m])}
		}
		return out
	}
	return figures(errs), n, figures(regErrs), nRegular
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// round keeps figures to a fixed precision, so the report reads the same
// on every machine.
func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// newRand is the backtest's own seeded source (the assortment of the
// current policy).
func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x70617274)) }

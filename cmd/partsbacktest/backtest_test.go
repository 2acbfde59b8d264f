package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demand"
	"github.com/fieldbench/fieldbench/app/demo"
)

var split = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func day(n int, hour int) time.Time {
	return split.AddDate(0, 0, n).Add(time.Duration(hour) * time.Hour)
}

func part(n string, cny int64) app.Part {
	return app.Part{Number: app.PartNumber(n), NameEN: n, NameZH: n, Category: "pump", Class: app.ClassMain, Brand: "Acme",
		Models: []string{"M1"}, Prices: []app.Money{{Amount: cny * 100, Currency: "CNY"}}}
}

// ticket is a finished ticket of model M1 that fitted parts from a
// location when it started.
func ticket(id string, tech app.TechnicianID, kind app.TicketKind, fault string, created, started, completed time.Time, from app.LocationID, parts ...string) app.TicketDetail {
	d := app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(id), Number: id, Kind: kind, Technician: tech, Fault: fault,
		Status: app.StatusClosed, CreatedAt: created, StartedAt: started, CompletedAt: completed,
		Product: app.Product{Category: app.CategoryAppliance, Brand: "Acme", Model: "M1"}}}
	for i, p := range parts {
		d.Parts = append(d.Parts, app.PartUsed{ID: fmt.Sprintf("%s-%d", id, i), Ticket: d.Ticket.ID, Part: app.PartNumber(p), Qty: 1, From: from, At: started.Add(30 * time.Minute)})
	}
	return d
}

// tinyWorld is a world whose answers are known:
//
//   - van-1 fitted one P1 every training week for "drain pump noisy"
//     (78 tickets), so its suggested levels are Min 1, Max 2 (see
//     TestTinyWorld);
//   - van-1 fitted one P4 (500 CNY), once, in training week 5 for "heater
//     broken": the old rule stocked such a part (Min 0, Max 1), the new
//     one does not (see TestTinyWorld); test ticket E (van, day 15)
//     needs it;
//   - the store fitted P2 for "door leaks" ten times, so the van has no
//     P2 line, and the likely parts of "door leaks" are P2;
//   - ticket D, opened before the split and finished after it, fitted P3
//     for "smoke from the back": it is in neither half, so nothing learnt
//     says P3;
//   - test tickets: A (van, P1, day 0), B (van, P2, day 5, opened on day
//     2), C (store, P3), E (van, P4, day 15).
func tinyWorld() app.Dataset {
	ds := app.Dataset{
		Parts:       []app.Part{part("P1", 100), part("P2", 50), part("P3", 80), part("P4", 500)},
		Technicians: []app.Technician{{ID: "t-van", Name: "Van", Van: "van-1"}, {ID: "t-store", Name: "Store", Store: "store-1"}},
	}
	for w := range TrainWeeks {
		start := split.AddDate(0, 0, -7*TrainWeeks+7*w+2).Add(10 * time.Hour)
		ds.Tickets = append(ds.Tickets, ticket(fmt.Sprintf("train-p1-%d", w), "t-van", app.KindOnSite, "Drain pump noisy", start.Add(-2*time.Hour), start, start.Add(2*time.Hour), "van-1", "P1"))
	}
	for i := range 10 {
		start := split.AddDate(0, 0, -300+7*i).Add(10 * time.Hour)
		ds.Tickets = append(ds.Tickets, ticket(fmt.Sprintf("train-p2-%d", i), "t-store", app.KindCarryIn, "Door leaks", start.Add(-time.Hour), start, start.Add(time.Hour), "store-1", "P2"))
	}
	once := split.AddDate(0, 0, -7*TrainWeeks+7*4+3).Add(10 * time.Hour)
	ds.Tickets = append(ds.Tickets, ticket("train-p4", "t-van", app.KindOnSite, "Heater broken", once.Add(-time.Hour), once, once.Add(time.Hour), "van-1", "P4"))
	ds.Tickets = append(ds.Tickets,
		ticket("E", "t-van", app.KindOnSite, "Heater broken", day(14, 9), day(15, 10), day(15, 12), "van-1", "P4"),
		ticket("D", "t-store", app.KindCarryIn, "Smoke from the back", day(-3, 9), day(-3, 10), day(2, 12), "store-1", "P3"),
		ticket("A", "t-van", app.KindOnSite, "Drain pump noisy", day(0, 1), day(0, 10), day(0, 12), "van-1", "P1"),
		ticket("B", "t-van", app.KindOnSite, "Door leaks", day(2, 9), day(5, 10), day(5, 12), "van-1", "P2"),
		ticket("C", "t-store", app.KindCarryIn, "Smoke from the back", day(10, 9), day(10, 10), day(10, 12), "store-1", "P3"),
	)
	// D's part was fitted after the split.
	d := &ds.Tickets[len(ds.Tickets)-4]
	if d.Ticket.ID != "D" {
		panic("tinyWorld: D is not where its part is moved")
	}
	d.Parts[0].At = day(2, 11)
	return ds
}

func TestTinyWorld(t *testing.T) {
	r := Run(tinyWorld(), Config{Split: split, Seed: 1})
	if r.TrainCases != TrainWeeks+11 || r.TestTickets != 4 {
		t.Errorf("training cases %d, test tickets %d: want %d and 4 (D in neither half)", r.TrainCases, r.TestTickets, TrainWeeks+11)
	}
	if r.Vans != 1 || r.VanTickets != 3 {
		t.Errorf("vans %d, van tickets %d: want 1 and 3 (A, B and E)", r.Vans, r.VanTickets)
	}

	// The validation: levels from training weeks 1 to 52, simulated on
	// weeks 53 to 78, whose van tickets are the 26 P1 ones. Every
	// candidate stocks P1 (its chance of a demand in two weeks is 0.9975
	// with SBA and 1 with TSB, and holding a 100 CNY unit for two weeks at
	// 25 % a year costs 0.96 CNY, less than any miss cost's share) with
	// Min 1, Max 2: the van starts at 2, each week's ticket takes one and
	// the review orders one back, so all 26 are available. P4 (one use, in
	// week 5) has SBA's interval 5, q = 0.2*0.95 = 0.19 and a chance of
	// 1-0.81^2 = 0.3439; holding it costs 500*0.25/52*2 = 4.81 CNY, so SBA
	// stocks it from a miss cost of 20 CNY (6.88) on, not at 10 (3.44);
	// TSB's probability, 1/52 faded over 47 weeks, is never worth it. The
	// choice is the first of the cheapest equally available: SBA, 1 %,
	// 10 CNY.
	if r.ValidationTickets != 26 || len(r.Validation) != len(ValidationMethods)*len(ValidationChances)*len(ValidationMissCosts) {
		t.Errorf("validation: %d tickets, %d candidates", r.ValidationTickets, len(r.Validation))
	}
	for _, c := range r.Validation {
		if c.Available != 26 {
			t.Errorf("candidate %+v: want all 26 available", c)
		}
		if p4 := c.Method == demand.MethodSBA && c.MissCost >= 20; (c.Lines == 2) != p4 || c.Lines < 1 {
			t.Errorf("candidate %+v: %d lines, want P1 and, with SBA from 20 CNY on, P4", c, c.Lines)
		}
	}
	if want := (Candidate{Forecaster: Forecaster{demand.MethodSBA, 0}, MinChance: ValidationChances[0], MissCost: 10}); r.Chosen.Forecaster != want.Forecaster || r.Chosen.MinChance != want.MinChance || r.Chosen.MissCost != want.MissCost {
		t.Errorf("chosen %+v, want %+v", r.Chosen, want)
	}

	// (b), refit on the 78 weeks: P1 every week, SBA's rate 0.95, q 0.95:
	// two weeks use 2 with probability 0.9025, so the 0.9 quantile is 2,
	// Min 1 (a position of 2 lasts the review and the lead time), Max 1 +
	// ceil(0.95) = 2. P4's chance is the same 0.3439: at 10 CNY not
	// stocked, so E finds no P4. P1 starts at 2; A takes one on day 0;
	// the review on day 7 sees 1 <= Min and orders one, there on day 10.
	// B's P2 is not a line.
	bValue := (200 + 9*100 + 172*200) / 182.0
	want := map[string]struct {
		avail int
		value float64
	}{
		"(a)": {3, -1}, // every part of M1 is drawn into 25 to 45 lines
		// (a2): van-1 used P1 and P4 in training: one unit of each. A
		// takes P1 at 10:00 on day 0; its top-up is back at 10:00 on day
		// 3, after that morning's count, so days 1 to 3 count no P1. E
		// takes P4 on day 15, back on day 18: days 16 to 18 count none.
		"(a2": {2, (100+3*0+178*100)/182.0 + (179*500)/182.0},
		"(b)": {1, bValue},
		// (c): on day 4's evening the van loads B's likely P2, which is
		// there on day 5's morning (50 CNY more that day) and fitted. E's
		// P4, one case in 89 of M1, is too unlikely to load.
		"(c)": {2, bValue + 50/182.0},
	}
	if len(r.Availability) != len(want) {
		t.Fatalf("policies %+v, want (a), (a2), (b), (c): (b) plans less than (a), so no cut versions", r.Availability)
	}
	for _, a := range r.Availability {
		w, ok := want[a.Policy[:3]]
		if !ok {
			t.Errorf("unexpected policy %q", a.Policy)
			continue
		}
		if a.Available != w.avail || a.Rate != float64(w.avail)/3 {
			t.Errorf("%s: %d available (rate %v), want %d of 3", a.Policy, a.Available, a.Rate, w.avail)
		}
		if w.value >= 0 && math.Abs(a.Value-w.value) > 1e-9 {
			t.Errorf("%s: average value %v, want %v", a.Policy, a.Value, w.value)
		}
	}

	// Predict: A -> P1 (its symptom), B -> P2 (its symptom), C -> nothing
	// about P3, as D, which fitted it, is not training; E's words match
	// one case, below MinSupport, so the model's parts answer: P1, P2,
	// P4, a top-3 hit. MostUsed says P1, P2, P4 for all four.
	hits := []struct {
		top1, top3 int
	}{{2, 3}, {1, 3}}
	for i, h := range r.Prediction {
		if h.Tickets != 4 || h.Top1 != float64(hits[i].top1)/4 || h.Top3 != float64(hits[i].top3)/4 {
			t.Errorf("%s: %d tickets, top-1 %v, top-3 %v; want 4, %d/4, %d/4", h.Method, h.Tickets, h.Top1, h.Top3, hits[i].top1, hits[i].top3)
		}
	}

	// Series with demand in training: van-1's P1 and P4 and the store's
	// P2, not D's P3 (fitted after the split). P1 and P2 have demand in
	// at least RegularWeeks weeks (78 and 10), P4 in one.
	if r.ForecastSeries != 3 || r.RegularSeries != 2 {
		t.Errorf("forecast series %d, regular %d: want 3 and 2", r.ForecastSeries, r.RegularSeries)
	}
	// van-1's P1 is 1 every training week: constant, so its MASE is
	// undefined. The store's P2: one a week in training weeks 35 to 44,
	// none in the test weeks. The naive forecast (0) is exact; the
	// training mean, 10/78 a week, errs by that every week, against a
	// naive in-sample error of 2 changes in 77 steps. van-1's P4: one in
	// training week 5 (2 changes in 77 steps), one in test week 3 (E):
	// the naive 0 errs by 1 once in 26 weeks; the mean 1/78 errs by 77/78
	// once and by 1/78 25 times.
	scale := 2.0 / 77
	p4Mean := (77.0/78 + 25.0/78) / 26 / scale
	wantMASE := map[string]float64{
		"naive (last week)":          (0 + 1.0/26/scale) / 2,
		"mean of the training weeks": ((10.0/78)/scale + p4Mean) / 2,
	}
	for _, f := range r.Forecast {
		if w, ok := wantMASE[f.Method]; ok && math.Abs(f.Mean-w) > 1e-9 {
			t.Errorf("%s: MASE %v, want %v", f.Method, f.Mean, w)
		}
		if f.Series != 2 {
			t.Errorf("%s: MASE over %d series, want 2 (P2 and P4)", f.Method, f.Series)
		}
	}
	for _, f := range r.ForecastRegular {
		if f.Series != 1 {
			t.Errorf("%s: MASE over %d regular series, want 1 (P2)", f.Method, f.Series)
		}
	}
}

// TestSplit checks on a generated world that no ticket is both training
// and test, that training is opened and finished before the split and test
// opened after it.
func TestSplit(t *testing.T) {
	ds := genSmall(t)
	b := &backtest{cfg: Config{Split: SplitFor(Now)}}
	b.testTo = b.cfg.Split.AddDate(0, 0, 7*TestWeeks)
	b.trainFro = b.cfg.Split.AddDate(0, 0, -7*TrainWeeks)
	train, test := 0, 0
	for i := range ds.Tickets {
		d := &ds.Tickets[i]
		tr, te := b.isTrain(d), b.isTest(&d.Ticket)
		if tr && te {
			t.Fatalf("ticket %s is training and test", d.Ticket.Number)
		}
		if tr {
			train++
			if !d.Ticket.CompletedAt.Before(b.cfg.Split) {
				t.Errorf("training ticket %s finished %v, after the split %v", d.Ticket.Number, d.Ticket.CompletedAt, b.cfg.Split)
			}
		}
		if te {
			test++
			if d.Ticket.CreatedAt.Before(b.cfg.Split) {
				t.Errorf("test ticket %s opened %v, before the split", d.Ticket.Number, d.Ticket.CreatedAt)
			}
		}
	}
	if train < test || test == 0 {
		t.Errorf("%d training and %d test tickets, want both, more training", train, test)
	}
}

var smallArgs = []string{"-models", "20", "-parts", "600", "-tickets", "4000", "-technicians", "8"}

func genSmall(t *testing.T) app.Dataset {
	o, err := parse(smallArgs)
	if err != nil {
		t.Fatal(err)
	}
	return demo.Generate(o.seed, o.size, Now)
}

func TestDeterministic(t *testing.T) {
	for _, extra := range [][]string{nil, {"-json"}} {
		var a, b bytes.Buffer
		args := append(append([]string{"-seed", "3"}, smallArgs...), extra...)
		if err := run(args, &a); err != nil {
			t.Fatal(err)
		}
		if err := run(args, &b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%v: two runs differ", extra)
		}
		var c bytes.Buffer
		if err := run(append(append([]string{"-seed", "4"}, smallArgs...), extra...), &c); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.Bytes(), c.Bytes()) {
			t.Errorf("%v: seeds 3 and 4 gave the same report", extra)
		}
		if extra != nil {
			var rep Report
			if err := json.Unmarshal(a.Bytes(), &rep); err != nil || rep.Seed != 3 || len(rep.Result.Availability) < 3 {
				t.Errorf("JSON report: %v, %+v", err, rep)
			}
		} else if !strings.Contains(a.String(), "## First-visit parts availability") {
			t.Errorf("Markdown report without its sections:\n%s", a.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-tickets", "0"},
		{"-parts", "100001"},
		{"-technicians", "-1"},
		{"-models", "x"},
		{"extra"},
	} {
		var out bytes.Buffer
		if err := run(args, &out); err == nil {
			t.Errorf("%v: no error", args)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed %q", args, out.String())
		}
	}
}

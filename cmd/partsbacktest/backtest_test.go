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
//     (78 tickets), so its suggested levels are Min 1 (every week used
//     one), Max 2 (SBA's rate 0.95 a week, rounded up, over one review);
//   - the store fitted P2 for "door leaks" ten times, so the van has no
//     P2 line, and the likely parts of "door leaks" are P2;
//   - ticket D, opened before the split and finished after it, fitted P3
//     for "smoke from the back": it is in neither half, so nothing learnt
//     says P3;
//   - test tickets: A (van, P1, day 0), B (van, P2, day 5, opened on day
//     2), C (store, P3).
func tinyWorld() app.Dataset {
	ds := app.Dataset{
		Parts:       []app.Part{part("P1", 100), part("P2", 50), part("P3", 80)},
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
	ds.Tickets = append(ds.Tickets,
		ticket("D", "t-store", app.KindCarryIn, "Smoke from the back", day(-3, 9), day(-3, 10), day(2, 12), "store-1", "P3"),
		ticket("A", "t-van", app.KindOnSite, "Drain pump noisy", day(0, 1), day(0, 10), day(0, 12), "van-1", "P1"),
		ticket("B", "t-van", app.KindOnSite, "Door leaks", day(2, 9), day(5, 10), day(5, 12), "van-1", "P2"),
		ticket("C", "t-store", app.KindCarryIn, "Smoke from the back", day(10, 9), day(10, 10), day(10, 12), "store-1", "P3"),
	)
	// D's part was fitted after the split.
	d := &ds.Tickets[len(ds.Tickets)-4]
	d.Parts[0].At = day(2, 11)
	return ds
}

func TestTinyWorld(t *testing.T) {
	r := Run(tinyWorld(), Config{Split: split, Seed: 1})
	if r.TrainCases != TrainWeeks+10 || r.TestTickets != 3 {
		t.Errorf("training cases %d, test tickets %d: want %d and 3 (D in neither half)", r.TrainCases, r.TestTickets, TrainWeeks+10)
	}
	if r.Vans != 1 || r.VanTickets != 2 {
		t.Errorf("vans %d, van tickets %d: want 1 and 2 (A and B)", r.Vans, r.VanTickets)
	}

	// (b): P1 starts at 2; A takes one on day 0; the review on day 7 sees
	// 1 <= Min and orders one, there on day 10. B's P2 is not a line.
	bValue := (200 + 9*100 + 172*200) / 182.0
	want := map[string]struct {
		avail int
		value float64
	}{
		"(a)": {2, -1}, // every part of M1 is drawn into 25 to 45 lines
		// (a2): van-1 used only P1 in training: one unit. A takes it at
		// 10:00 on day 0; the top-up is back at 10:00 on day 3, after
		// that morning's count, so days 1 to 3 count nothing.
		"(a2": {1, (100 + 3*0 + 178*100) / 182.0},
		"(b)": {1, bValue},
		// (c): on day 4's evening the van loads B's likely P2, which is
		// there on day 5's morning (50 CNY more that day) and fitted.
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
		if a.Available != w.avail || a.Rate != float64(w.avail)/2 {
			t.Errorf("%s: %d available (rate %v), want %d of 2", a.Policy, a.Available, a.Rate, w.avail)
		}
		if w.value >= 0 && math.Abs(a.Value-w.value) > 1e-9 {
			t.Errorf("%s: average value %v, want %v", a.Policy, a.Value, w.value)
		}
	}

	// Predict: A -> P1 (its symptom), B -> P2 (its symptom), C -> nothing
	// about P3, as D, which fitted it, is not training. MostUsed says P1
	// first for all three.
	hits := []struct {
		top1, top3 int
	}{{2, 2}, {1, 2}}
	for i, h := range r.Prediction {
		if h.Tickets != 3 || h.Top1 != float64(hits[i].top1)/3 || h.Top3 != float64(hits[i].top3)/3 {
			t.Errorf("%s: %d tickets, top-1 %v, top-3 %v; want 3, %d/3, %d/3", h.Method, h.Tickets, h.Top1, h.Top3, hits[i].top1, hits[i].top3)
		}
	}

	// Series with demand in training: van-1's P1 and the store's P2, not
	// D's P3 (fitted after the split).
	// Both have demand in at least RegularWeeks weeks (78 and 10).
	if r.ForecastSeries != 2 || r.RegularSeries != 2 {
		t.Errorf("forecast series %d, regular %d: want 2 and 2", r.ForecastSeries, r.RegularSeries)
	}
	// The store's P2: one a week in training weeks 35 to 44, none in the
	// test weeks. The naive forecast (0) is exact; the training mean,
	// 10/78 a week, errs by that every week, against a naive in-sample
	// error of 2 changes in 77 steps.
	wantMASE := map[string]float64{"naive (last week)": 0, "mean of the training weeks": (10.0 / 78) / (2.0 / 77)}
	for _, f := range r.Forecast {
		if w, ok := wantMASE[f.Method]; ok && math.Abs(f.Mean-w) > 1e-9 {
			t.Errorf("%s: MASE %v, want %v", f.Method, f.Mean, w)
		}
	}
	for _, f := range append(r.Forecast, r.ForecastRegular...) {
		// van-1's P1 is 1 every training week: constant, so its MASE is
		// undefined; only the store's P2 counts.
		if f.Series != 1 {
			t.Errorf("%s: MASE over %d series, want 1", f.Method, f.Series)
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

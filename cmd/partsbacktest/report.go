package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
)

// Report is what the command prints: the world and the backtest's figures.
type Report struct {
	Seed   int64     `json:"seed"`
	Size   demo.Size `json:"size"`
	Now    time.Time `json:"now"`
	Result Result    `json:"result"`
}

// rounded keeps rates to four decimals, errors to three and values to
// whole yuan.
func (r Result) rounded() Result {
	for i := range r.Availability {
		a := &r.Availability[i]
		a.Rate, a.Value = round(a.Rate, 4), round(a.Value, 0)
	}
	for i := range r.Prediction {
		p := &r.Prediction[i]
		p.Top1, p.Top3 = round(p.Top1, 4), round(p.Top3, 4)
	}
	for i := range r.Validation {
		c := &r.Validation[i]
		c.Rate, c.Value = round(c.Rate, 4), round(c.Value, 0)
	}
	r.Chosen.Rate, r.Chosen.Value, r.ValidationBudget = round(r.Chosen.Rate, 4), round(r.Chosen.Value, 0), round(r.ValidationBudget, 0)
	for _, fs := range [][]ErrorFigure{r.Forecast, r.ForecastRegular, r.ValidationError} {
		for i := range fs {
			fs[i].Mean, fs[i].Median = round(fs[i].Mean, 3), round(fs[i].Median, 3)
		}
	}
	return r
}

// bestWithin keeps, for each method and threshold in the order they
// come, the most available candidate whose value is within budget.
func bestWithin(cs []Candidate, budget float64) []Candidate {
	type key struct {
		f Forecaster
		c float64
	}
	var order []key
	best := map[key]Candidate{}
	for _, c := range cs {
		k := key{c.Forecaster, c.MinChance}
		if c.Value > budget {
			continue
		}
		b, ok := best[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || c.Available > b.Available {
			best[k] = c
		}
	}
	out := make([]Candidate, len(order))
	for i, k := range order {
		out[i] = best[k]
	}
	return out
}

func pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

func (rep Report) markdown(w io.Writer) error {
	r := rep.Result
	var b strings.Builder
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	fmt.Fprintf(&b, "# Parts backtest\n\n")
	fmt.Fprintf(&b, "World: seed %d, %d models, %d parts, %d tickets, %d technicians, now %s.  \n",
		rep.Seed, rep.Size.Models, rep.Size.Parts, rep.Size.Tickets, rep.Size.Technicians, rep.Now.Format(time.RFC3339))
	fmt.Fprintf(&b, "Training: tickets created %s to %s (%d weeks; %d finished tickets learnt from). Test: created %s to %s (%d weeks; %d tickets).\n\n",
		day(r.TrainFrom), day(r.Split), TrainWeeks, r.TrainCases, day(r.Split), day(r.TestTo), TestWeeks, r.TestTickets)

	fmt.Fprintf(&b, "## First-visit parts availability\n\n")
	fmt.Fprintf(&b, "%d vans, %d test on-site tickets that fitted parts. Lead time %d days, weekly review, service level %.2f over review + lead time, alpha %.2f; the forecast, the threshold and the miss cost chosen on the validation weeks (below), the levels refit on all %d training weeks.\n\n",
		r.Vans, r.VanTickets, int(LeadTime/(24*time.Hour)), Service, Alpha, TrainWeeks)
	fmt.Fprintf(&b, "| policy | all parts in the van | rate | lines at start | average stock value, all vans (CNY) | per van (CNY) |\n|---|---:|---:|---:|---:|---:|\n")
	for _, a := range r.Availability {
		perVan := 0.0
		if r.Vans > 0 {
			perVan = a.Value / float64(r.Vans)
		}
		fmt.Fprintf(&b, "| %s | %d of %d | %s | %d | %.0f | %.0f |\n", a.Policy, a.Available, r.VanTickets, pct(a.Rate), a.Lines, a.Value, perVan)
	}

	fmt.Fprintf(&b, "\n### How the suggested levels' setting was chosen\n\n")
	fmt.Fprintf(&b, "Levels from the first %d training weeks, simulated on the last %d (tickets created %s to %s, %d van tickets that fitted parts), against the current policy's average value over the same weeks, %.0f CNY. Chosen: the most available at no more than that value.\n\n",
		TrainWeeks-ValidationWeeks, ValidationWeeks, day(r.ValidationFrom), day(r.Split), r.ValidationTickets, r.ValidationBudget)
	fmt.Fprintf(&b, "Of the %d candidates (`-json` lists them all), the most available within that value for each method and threshold:\n\n", len(r.Validation))
	fmt.Fprintf(&b, "| method | stocked at a chance of | miss cost (CNY) | all parts in the van | rate | lines at start | average stock value (CNY) | chosen |\n|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, c := range bestWithin(r.Validation, r.ValidationBudget) {
		mark := ""
		if c.Forecaster == r.Chosen.Forecaster && c.MinChance == r.Chosen.MinChance && c.MissCost == r.Chosen.MissCost {
			mark = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %d of %d | %s | %d | %.0f | %s |\n", c.label(), pct(c.MinChance), c.MissCost, c.Available, r.ValidationTickets, pct(c.Rate), c.Lines, c.Value, mark)
	}
	fmt.Fprintf(&b, "\nThe methods' MASE on the same validation weeks (all series with demand in the first %d weeks):\n\n", TrainWeeks-ValidationWeeks)
	fmt.Fprintf(&b, "| method | series with MASE | mean MASE | median MASE |\n|---|---:|---:|---:|\n")
	for _, f := range r.ValidationError {
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f |\n", f.Method, f.Series, f.Mean, f.Median)
	}

	fmt.Fprintf(&b, "\n## Likely-parts prediction\n\nTest tickets that fitted a part; a hit is a predicted part that was fitted.\n\n")
	fmt.Fprintf(&b, "| method | tickets | top-1 hit | top-%d hit |\n|---|---:|---:|---:|\n", TopK)
	for _, p := range r.Prediction {
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", p.Method, p.Tickets, pct(p.Top1), pct(p.Top3))
	}

	fmt.Fprintf(&b, "\n## Forecast error per part and location\n\n%d weekly series (part x van or store) with demand in the training weeks, each forecast flat over the %d test weeks from the training weeks alone; MASE scales by the training weeks' one-step naive error (below 1 beats it).\n\n", r.ForecastSeries, TestWeeks)
	table := func(fs []ErrorFigure) {
		fmt.Fprintf(&b, "| method | series with MASE | mean MASE | median MASE |\n|---|---:|---:|---:|\n")
		for _, f := range fs {
			fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f |\n", f.Method, f.Series, f.Mean, f.Median)
		}
	}
	table(r.Forecast)
	fmt.Fprintf(&b, "\nThe %d of them with demand in at least %d training weeks:\n\n", r.RegularSeries, RegularWeeks)
	table(r.ForecastRegular)
	_, err := io.WriteString(w, b.String())
	return err
}

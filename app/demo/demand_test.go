package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestDemandRealistic checks the shape of the parts demand the package
// doc promises: model-specific parts, seasonal work, intermittent demand
// per van and a long tail.
func TestDemandRealistic(t *testing.T) {
	// Denser than the default world (four tickets a part rather than a
	// quarter), so a part's demand has room to show its shape.
	ds := Generate(1, Size{Models: 60, Parts: 3000, Tickets: 12000, Technicians: 20}, testNow)
	single := 0
	for _, p := range ds.Parts {
		if len(p.Models) == 1 {
			single++
		}
	}
	share := float64(single) / float64(len(ds.Parts))
	t.Logf("parts fitting one model only: %.1f %%", 100*share)
	if share < 0.6 || share > 0.7 {
		t.Errorf("parts fitting one model only: %.1f %%, want 60 to 70 %%", 100*share)
	}

	// Air conditioners in the northern summer against the winter.
	var acSummer, acWinter int
	for _, d := range ds.Tickets {
		tk := d.Ticket
		if tk.Country == "NG" || !isAC(tk.Product.Model) {
			continue
		}
		switch tk.CreatedAt.Month() {
		case time.June, time.July, time.August:
			acSummer++
		case time.December, time.January, time.February:
			acWinter++
		}
	}
	t.Logf("air conditioner tickets in China and Germany: %d in summer, %d in winter", acSummer, acWinter)
	if acSummer < 2*acWinter {
		t.Errorf("air conditioner tickets: %d in summer, %d in winter, want at least twice as many in summer", acSummer, acWinter)
	}

	// Units per part, van and month where the part was used at all, and
	// the share of all units the busiest tenth of the parts takes.
	type key struct {
		loc   app.LocationID
		part  app.PartNumber
		month string
	}
	units := map[key]int{}
	byPart := map[app.PartNumber]int{}
	for _, d := range ds.Tickets {
		for _, u := range d.Parts {
			units[key{u.From, u.Part, u.At.Format("2006-01")}] += u.Qty
			byPart[u.Part] += u.Qty
		}
	}
	var per []int
	for _, n := range units {
		per = append(per, n)
	}
	slices.Sort(per)
	few := 0
	for _, n := range per {
		if n <= 2 {
			few++
		}
	}
	t.Logf("part x location x month with demand: %d, %.1f %% of them at most 2 units, max %d", len(per), 100*float64(few)/float64(len(per)), per[len(per)-1])
	if few*10 < len(per)*9 {
		t.Errorf("only %d of %d part-location-months with demand have at most 2 units, want 90 %%", few, len(per))
	}
	var counts []int
	total := 0
	for _, n := range byPart {
		counts = append(counts, n)
		total += n
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	top := 0
	for _, n := range counts[:len(counts)/10] {
		top += n
	}
	t.Logf("parts ever used: %d of %d; the busiest tenth takes %.1f %% of the units", len(counts), len(ds.Parts), 100*float64(top)/float64(total))
	if top*10 < total*3 {
		t.Errorf("the busiest tenth of the used parts takes %d of %d units, want a long tail (at least 40 %%)", top, total)
	}
}

// isAC reports whether a product model is an air conditioner: every
// model name starts with one of its lineup's names.
func isAC(model string) bool {
	for _, lu := range lineups {
		if lu.kind != kAC {
			continue
		}
		for _, n := range lu.names {
			if len(model) >= len(n) && model[:len(n)] == n {
				return true
			}
		}
	}
	return false
}

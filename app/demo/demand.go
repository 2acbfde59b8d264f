package demo

import (
	"math"
	"time"
)

// season is when a kind of work or a fault peaks: its weight is
// multiplied by 1 + amp·cos(2π·(day − peak)/year), so it is 1+amp times
// the average in mid-peak and 1−amp times it half a year later. The zero
// season is flat.
type season struct {
	peak time.Month
	amp  float64 // below 1, so the weight stays positive
}

func summer(amp float64) season { return season{time.July, amp} }
func winter(amp float64) season { return season{time.January, amp} }

// kindSeason is the season of each kind of field work: air conditioners
// break when they run all day in summer, refrigerators struggle in the
// heat, washing machines run more (and hotter) in winter.
var kindSeason = [numKinds]season{kAC: summer(0.7), kFridge: summer(0.25), kWasher: winter(0.15)}

// seasonal is a season's factor for a ticket opened at c in a country.
// China and Germany share the northern seasons; Lagos, Abuja and Port
// Harcourt are tropical: their heat peaks in the dry season (March) with
// half the swing, and winter hardly exists.
func seasonal(s season, country string, c time.Time) float64 {
	if s.amp == 0 {
		return 1
	}
	peak, amp := s.peak, s.amp
	if country == "NG" {
		switch peak {
		case time.July:
			peak, amp = time.March, amp/2
		case time.January:
			amp /= 5
		}
	}
	peakDay := float64(time.Date(2001, peak, 15, 0, 0, 0, 0, time.UTC).YearDay())
	return 1 + amp*math.Cos(2*math.Pi*(float64(c.YearDay())-peakDay)/365.25)
}

// modelWeight is how often the model ranked i in its lineup (the pinned
// bestseller first) comes in for repair, relative to the others: Zipf's
// law, as sales are, so a lineup's first models carry most of its work
// and the last ones are a long tail.
func modelWeight(i int) int { return 1000 / (i + 1) }

// partPopularity draws how often a part is the variant fitted among the
// model's parts of its type (a colour, a capacity, a revision): most
// variants are rarely fitted and a few are fitted almost always, so the
// catalog's demand has a long tail.
func (w *world) partPopularity() int {
	u := w.r.Float64()
	return 1 + int(999*u*u*u*u)
}

// popular picks one of the parts, in proportion to their popularity.
func (w *world) popular(ps []int) int {
	weights := make([]int, len(ps))
	for i, pi := range ps {
		weights[i] = w.pop[pi]
	}
	return ps[w.r.weighted(weights)]
}

// misled is the share of repairs whose part is not one the reported
// fault suggests: the customer's words pointed elsewhere, or the
// technician found a second problem. No prediction from the words can
// get these right.
const misled = 0.06

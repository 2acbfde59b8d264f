package demo

import (
	"math"
	"slices"
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

// foundFault is the fault a technician misled by the customer's words
// (misled) found when fitting part pi: f when the part fixes it, else the
// first fault of the model's kind the part's type fixes, else the part's
// own failure. The diagnosis states it, so a ticket never reads "keyboard
// cable" over a fan fitted.
func (w *world) foundFault(m *model, f *fault, pi int) *fault {
	pt := w.ptype[pi]
	if slices.Contains(f.parts, pt.key) {
		return f
	}
	for i := range faults[m.kind] {
		if slices.Contains(faults[m.kind][i].parts, pt.key) {
			return &faults[m.kind][i]
		}
	}
	return &fault{parts: []string{pt.key}, diagZH: pt.zh + "故障", diagEN: pt.en + " faulty"}
}

// alsoFound is the fault found after a second part, pj, was fitted for the
// reported fault f: found if it already covers pj, else both faults (the
// part the words suggested fixed a second problem). The random draws stay
// those of f, so the rest of the world is the same whatever was found.
func (w *world) alsoFound(found, f *fault, pj int) *fault {
	if found == f || slices.Contains(found.parts, w.ptype[pj].key) {
		return found
	}
	return &fault{parts: append(slices.Clone(found.parts), f.parts...),
		diagZH: found.diagZH + "；" + f.diagZH, diagEN: found.diagEN + "; " + f.diagEN}
}

// vagueShare is the share of tickets whose customer only says the product
// is broken (vague): dispatch takes the call as it comes.
const vagueShare = 0.15

// vague are the words of a customer who does not say what is wrong, by
// kind; only the words fields are used.
var vague = [numKinds][]fault{
	kPhone: {{zh: "手机坏了", de: "Handy kaputt", en: "Phone is broken"},
		{zh: "手机有问题，请帮忙检测", de: "Handy funktioniert nicht richtig", en: "Phone not working properly, please check"}},
	kWasher: {{zh: "洗衣机坏了", de: "Waschmaschine defekt", en: "Washing machine broken"},
		{zh: "洗衣机不能用了", de: "Waschmaschine geht nicht mehr", en: "Washing machine stopped working"}},
	kFridge: {{zh: "冰箱坏了", de: "Kühlschrank defekt", en: "Fridge broken"},
		{zh: "冰箱有问题，请上门看看", de: "Kühlschrank funktioniert nicht richtig", en: "Problem with the fridge, please come and look"}},
	kAC: {{zh: "空调坏了", de: "Klimaanlage defekt", en: "Air conditioner broken"},
		{zh: "空调不好用了", de: "Klimaanlage funktioniert nicht richtig", en: "Air conditioner not working properly"}},
	kDishwasher: {{zh: "洗碗机坏了", de: "Spülmaschine defekt", en: "Dishwasher broken"},
		{zh: "洗碗机不能用了", de: "Spülmaschine geht nicht mehr", en: "Dishwasher stopped working"}},
	kLaptop: {{zh: "笔记本坏了", de: "Laptop defekt", en: "Laptop broken"},
		{zh: "笔记本有问题，请帮忙检测", de: "Laptop funktioniert nicht richtig", en: "Laptop not working properly, please check"}},
	kDesktop: {{zh: "电脑坏了", de: "PC defekt", en: "Computer broken"},
		{zh: "电脑不能用了", de: "PC geht nicht mehr", en: "Computer stopped working"}},
	kServer: {{zh: "服务器故障，请尽快上门", de: "Server defekt, bitte dringend kommen", en: "Server fault, please come urgently"},
		{zh: "服务器告警，需要检查", de: "Server meldet Fehler, bitte prüfen", en: "Server is alerting, needs a check"}},
}

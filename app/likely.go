package app

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// LikelyParts is what the central service expects one open ticket to need,
// computed from the tenant's history of parts fitted for the ticket's model
// and symptom (package app/demand holds the method). A device shows it on
// the ticket, with whether its van holds each part, and sums it over the
// tickets ahead into what to load before a day or a trip.
type LikelyParts struct {
	Ticket TicketID     `json:"ticket"`
	Parts  []LikelyPart `json:"parts"` // most likely first; empty: no history says anything
	At     time.Time    `json:"at"`    // when it was computed
}

// MaxLikelyParts bounds a ticket's list: a technician reads a few lines.
const MaxLikelyParts = 5

// LikelyBasis says which history a probability comes from, most specific
// first.
type LikelyBasis string

const (
	BasisModelSymptom LikelyBasis = "model_symptom" // past tickets of this model with this symptom
	BasisModel        LikelyBasis = "model"         // past tickets of this model
	BasisFamily       LikelyBasis = "family"        // past tickets of the same brand and category, parts fitting this model
)

// LikelyPart is one part a ticket will likely need.
type LikelyPart struct {
	Part PartNumber `json:"part"`
	// Probability that the ticket needs at least one unit, 0 to 1.
	Probability float64     `json:"p"`
	Basis       LikelyBasis `json:"basis"`
	// Support is how many past tickets the probability rests on.
	Support int `json:"n"`
}

// Validate checks a ticket's list.
func (l LikelyParts) Validate() error {
	if err := required("likely_parts.ticket", string(l.Ticket)); err != nil {
		return err
	}
	if len(l.Parts) > MaxLikelyParts {
		return Errorf(EINVALID, "likely_parts.too_many", "A ticket lists at most {{.Max}} likely parts.", "Max", MaxLikelyParts)
	}
	for i, p := range l.Parts {
		if err := required("likely_parts.parts["+strconv.Itoa(i)+"].part", string(p.Part)); err != nil {
			return err
		}
		if !(p.Probability >= 0 && p.Probability <= 1) || p.Support < 0 {
			return Errorf(EINVALID, "likely_parts.bad_probability", "A likely part's probability is between 0 and 1.")
		}
		switch p.Basis {
		case BasisModelSymptom, BasisModel, BasisFamily:
		default:
			return Errorf(EINVALID, "likely_parts.bad_basis", "Unknown basis {{.Basis}}; update the app.", "Basis", string(p.Basis))
		}
	}
	return nil
}

// LoadThreshold is the probability from which a likely part counts as
// needed by a ticket when planning what to load: below it a part is
// worth a look on the ticket but not the room in the van.
const LoadThreshold = 0.25

// LoadLine is one part to think of before a day or a trip.
type LoadLine struct {
	Part PartNumber
	// Tickets are the tickets ahead that likely need it (probability at
	// least LoadThreshold), most likely first.
	Tickets []TicketID
	// Expected is the sum of those probabilities: how many of the tickets
	// should need it, on average.
	Expected float64
	InVan    int // the van's balance
	// ToLoad is one unit per ticket that likely needs it, less what the
	// van holds: a technician days from a warehouse would rather carry a
	// part home than miss it at the door.
	ToLoad int
}

// LoadList sums the likely parts of the tickets ahead into what to load,
// parts with something to load first, then by expected need.
func LoadList(tickets []LikelyParts, inVan map[PartNumber]int) []LoadLine {
	type ranked struct {
		t TicketID
		p float64
	}
	by := map[PartNumber][]ranked{}
	var order []PartNumber
	for _, lp := range tickets {
		for _, p := range lp.Parts {
			if p.Probability < LoadThreshold {
				continue
			}
			if _, ok := by[p.Part]; !ok {
				order = append(order, p.Part)
			}
			by[p.Part] = append(by[p.Part], ranked{lp.Ticket, p.Probability})
		}
	}
	out := make([]LoadLine, 0, len(order))
	for _, part := range order {
		rs := by[part]
		slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.p, a.p) })
		l := LoadLine{Part: part, InVan: inVan[part]}
		for _, r := range rs {
			l.Tickets = append(l.Tickets, r.t)
			l.Expected += r.p
		}
		l.ToLoad = max(0, len(rs)-l.InVan)
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b LoadLine) int {
		if c := cmp.Compare(min(b.ToLoad, 1), min(a.ToLoad, 1)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Expected, a.Expected); c != 0 {
			return c
		}
		return cmp.Compare(a.Part, b.Part)
	})
	return out
}

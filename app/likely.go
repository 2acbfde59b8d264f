package app

import (
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

package app

import (
	"cmp"
	"slices"
	"strings"
)

// ClaimState is where a brand warranty claim is: ready to send, submitted
// to the brand, paid or rejected by it.
type ClaimState string

const (
	ClaimReady     ClaimState = "ready"
	ClaimSubmitted ClaimState = "submitted"
	ClaimPaid      ClaimState = "paid"
	ClaimRejected  ClaimState = "rejected"
)

// ClaimStates lists the claim states in their order.
var ClaimStates = []ClaimState{ClaimReady, ClaimSubmitted, ClaimPaid, ClaimRejected}

// Valid reports whether s is a known claim state.
func (s ClaimState) Valid() bool { return slices.Contains(ClaimStates, s) }

// ClaimLine is the part of one charge line the brand pays: the covered
// share of its amount, before tax.
type ClaimLine struct {
	Kind   ChargeKind `json:"kind"`
	Part   PartNumber `json:"part,omitempty"`
	Text   string     `json:"text"`
	Qty    int        `json:"qty"`
	Amount Money      `json:"amount"`
}

// ClaimFor says what a closed ticket's warranty decision lets the service
// claim from the brand: each covered line's covered share (its amount less
// what the customer pays of it), and their sum. ok is false when nothing is
// claimable: the decision covers no line, or its cover is an extended
// plan's (the plan's seller pays, not the brand). Tax is not claimed: the
// brand pays the net amounts, and the invoice to it carries its own tax.
func ClaimFor(dec Decision) (lines []ClaimLine, total Money, ok bool) {
	if dec.Basis == "plan" || dec.Coverage == CoverageOut {
		return nil, Money{}, false
	}
	for _, l := range dec.Lines {
		share := l.Amount.Amount - l.Customer.Amount
		if !l.Covered || share <= 0 || l.Kind == ChargeExcess {
			continue
		}
		if total.Currency == "" {
			total.Currency = l.Amount.Currency
		}
		if l.Amount.Currency != total.Currency {
			continue // Decide prices in the rule set's one currency
		}
		lines = append(lines, ClaimLine{Kind: l.Kind, Part: l.Part, Text: l.Text, Qty: l.Qty, Amount: Money{Amount: share, Currency: total.Currency}})
		total.Amount += share
	}
	return lines, total, len(lines) > 0
}

// ClaimAction is a step of a claim's state machine.
type ClaimAction string

const (
	ClaimSubmit ClaimAction = "submit" // ready or rejected -> submitted (a resubmission after a rejection)
	ClaimPay    ClaimAction = "paid"   // submitted -> paid, with the amount the brand paid
	ClaimReject ClaimAction = "reject" // submitted -> rejected, with the brand's reason
)

// ClaimUpdate is what an administrator gives with a claim action.
type ClaimUpdate struct {
	Reason   string `json:"reason,omitempty"`    // the brand's reason for a rejection
	Paid     Money  `json:"paid,omitzero"`       // what the brand paid
	BrandRef string `json:"brand_ref,omitempty"` // the brand's reference for the claim
}

var claimEdges = map[ClaimAction]struct {
	from []ClaimState
	to   ClaimState
}{
	ClaimSubmit: {[]ClaimState{ClaimReady, ClaimRejected}, ClaimSubmitted},
	ClaimPay:    {[]ClaimState{ClaimSubmitted}, ClaimPaid},
	ClaimReject: {[]ClaimState{ClaimSubmitted}, ClaimRejected},
}

// ClaimTransition returns the state action a leads to from state from, or
// an *Error saying why not: an unknown action (EINVALID), a missing reason
// or a paid amount that is not a positive amount in currency (EINVALID),
// or a step the state does not allow (ECONFLICT). Whether a retry of a
// step already taken is harmless is the caller's to judge (see
// SameClaimStep).
func ClaimTransition(from ClaimState, a ClaimAction, u ClaimUpdate, currency string) (ClaimState, error) {
	e, ok := claimEdges[a]
	if !ok {
		return "", Errorf(EINVALID, "claim.unknown_action", "Unknown claim action {{.Action}}: use submit, paid or reject.", "Action", string(a))
	}
	if err := tooLong("reason", u.Reason, MaxReasonLen); err != nil {
		return "", err
	}
	if err := checkName("brand_ref", u.BrandRef); err != nil {
		return "", err
	}
	switch a {
	case ClaimReject:
		if strings.TrimSpace(u.Reason) == "" {
			return "", Errorf(EINVALID, "claim.reject_needs_reason", "Give the brand's reason for rejecting the claim.")
		}
	case ClaimPay:
		if u.Paid.Currency != currency || u.Paid.Amount <= 0 {
			return "", Errorf(EINVALID, "claim.bad_paid", "Give the amount the brand paid, above zero and in {{.Currency}}.", "Currency", currency)
		}
		if err := u.Paid.Validate(); err != nil {
			return "", err
		}
	}
	if !slices.Contains(e.from, from) {
		return "", Errorf(ECONFLICT, "claim.not_from", "A claim that is {{.State}} cannot be {{.Action}}: reload it to see its state.", "State", string(from), "Action", string(a))
	}
	return e.to, nil
}

// ReturnShipment is what became of the defective part of one return:
// which movements carried it on from the defective bin toward the brand.
type ReturnShipment struct {
	Shipped   bool     // all of the return's quantity left the bin on its way to the brand
	Transfers []string // the IDs of the movements (transfers, ship movements) that carried it
	// Shipments are the shipments whose ship movements carried it, in the
	// order they did.
	Shipments []string
}

// ShippedReturns says which defective returns have been shipped on. A
// return (kind return_defective) puts the removed part into a defective
// bin; it is shipped once movements out of that bin carry its whole
// quantity on: ship movements (a shipment leaving a defective bin is a
// return, SendShipment), or transfers to a location of kind warehouse
// (where returns are packed for the brand). A movement naming a serial
// ships the return of that serial; the other units moved ship the bin's
// oldest unshipped returns of the part first (by time, then ID). moves are
// the movements into and out of the bins concerned, in any order; kind
// gives a location's kind.
func ShippedReturns(moves []StockMovement, kind func(LocationID) LocationKind) map[string]ReturnShipment {
	type key struct {
		bin  LocationID
		part PartNumber
	}
	returns := map[key][]StockMovement{}
	transfers := map[key][]StockMovement{}
	for _, m := range moves {
		switch {
		case m.Kind == MoveReturnDefective:
			returns[key{m.To, m.Part}] = append(returns[key{m.To, m.Part}], m)
		case m.Kind == MoveTransfer && kind(m.To) == LocationWarehouse, m.Kind == MoveShip:
			transfers[key{m.From, m.Part}] = append(transfers[key{m.From, m.Part}], m)
		}
	}
	byTime := func(a, b StockMovement) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	}
	out := map[string]ReturnShipment{}
	for k, rs := range returns {
		slices.SortFunc(rs, byTime)
		ts := transfers[k]
		slices.SortFunc(ts, byTime)
		left := make([]int, len(rs)) // units of each return still in the bin
		for i, r := range rs {
			left[i] = r.Qty
			out[r.ID] = ReturnShipment{}
		}
		ship := func(i int, t StockMovement, n int) int {
			n = min(n, left[i])
			if n > 0 {
				left[i] -= n
				s := out[rs[i].ID]
				s.Transfers = append(s.Transfers, t.ID)
				if t.Shipment != "" && !slices.Contains(s.Shipments, t.Shipment) {
					s.Shipments = append(s.Shipments, t.Shipment)
				}
				s.Shipped = left[i] == 0
				out[rs[i].ID] = s
			}
			return n
		}
		var loose []StockMovement  // transfers without a serial of a return
		named := map[string]bool{} // serials some transfer names
		for _, t := range ts {
			if t.Serial != "" {
				named[t.Serial] = true
			}
		}
		for _, t := range ts {
			i := slices.IndexFunc(rs, func(r StockMovement) bool { return t.Serial != "" && r.Serial == t.Serial })
			if i < 0 {
				loose = append(loose, t)
				continue
			}
			if n := t.Qty - ship(i, t, t.Qty); n > 0 {
				t.Qty = n
				loose = append(loose, t)
			}
		}
		first := 0 // returns before it are shipped or wait for their serial's transfer
		for _, t := range loose {
			n := t.Qty
			for i := first; i < len(rs) && n > 0; i++ {
				if rs[i].Serial != "" && named[rs[i].Serial] {
					continue // its own serial's transfer ships it
				}
				n -= ship(i, t, n)
			}
			for first < len(rs) && (left[first] == 0 || rs[first].Serial != "" && named[rs[first].Serial]) {
				first++
			}
		}
	}
	return out
}

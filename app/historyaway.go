package app

import "context"

// Closed tickets' history on demand (docs/PROTOCOL.md, "History on
// demand"). A technician rarely opens a ticket closed months ago, and that
// history is most of what a first sync carries, so the server sends a
// terminal ticket a device does not hold yet without its facts (repairs,
// parts used, photos, notes, signatures, payments, estimates) and counts
// them in HistoryAway. The device asks for them when the ticket is opened;
// once they arrive they stay on the device and are available offline.

// MaxHistoryPerSync bounds the tickets whose history one sync request may
// ask for: each answer carries whole histories, and a request must stay
// small enough for a 2G link.
const MaxHistoryPerSync = 20

// HistoryAway counts the facts of a ticket that the server kept back. A
// ticket without it (nil) is whole on the device.
type HistoryAway struct {
	Repairs    int `json:"r,omitempty"`
	PartsUsed  int `json:"pu,omitempty"`
	Photos     int `json:"ph,omitempty"`
	Notes      int `json:"n,omitempty"`
	Signatures int `json:"s,omitempty"`
	Payments   int `json:"pa,omitempty"`
	Estimates  int `json:"e,omitempty"`
	// Requested is the device's own mark: the history was asked for and
	// comes with the next sync. It never travels.
	Requested bool `json:"-"`
}

// Total is how many facts were kept back.
func (h HistoryAway) Total() int {
	return h.Repairs + h.PartsUsed + h.Photos + h.Notes + h.Signatures + h.Payments + h.Estimates
}

// HistoryService is the device's side of history on demand, for the
// ticket screen.
type HistoryService interface {
	// HistoryAway returns what the server still holds of ticket id's
	// history, or nil when the device holds all of it.
	HistoryAway(ctx context.Context, id TicketID) (*HistoryAway, error)
	// RequestHistory asks for ticket id's history at the next sync. Asking
	// again, or for a ticket whose history is here, changes nothing.
	RequestHistory(ctx context.Context, id TicketID) error
}

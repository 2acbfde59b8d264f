package app

import (
	"context"
	"time"
)

// Closed tickets' history on demand (docs/PROTOCOL.md, "History on
// demand"). A technician rarely opens a ticket closed months ago, and that
// history is most of what a first sync carries, so the server sends a
// terminal ticket a device does not hold yet without its facts (repairs,
// parts used, photos, notes, signatures, payments, estimates, customer
// notices) and counts them in HistoryAway (KeepsHistoryBack says which
// tickets). The device asks for them when the ticket is opened; once they
// arrive they stay on the device and are available offline.

// MaxHistoryPerSync bounds the tickets whose history one sync request may
// ask for: each answer carries whole histories, and a request must stay
// small enough for a 2G link.
const MaxHistoryPerSync = 20

// HistoryWholeDays is how long after its last change a closed or cancelled
// ticket still travels whole: a callback or a repeat repair within a month
// needs the whole job at hand.
const HistoryWholeDays = 30

// HistoryCutoff is the time before which a terminal ticket's last change
// lets a pull sent at now keep its history back.
func HistoryCutoff(now time.Time) time.Time {
	return now.Add(-HistoryWholeDays * 24 * time.Hour)
}

// KeepsHistoryBack reports whether a pull may send t without its facts:
// t is closed or cancelled and its last change (UpdatedAt, or CompletedAt
// when later) is before cutoff (HistoryCutoff). A ticket without either
// time travels whole, as nothing says it is old.
func KeepsHistoryBack(t Ticket, cutoff time.Time) bool {
	last := t.UpdatedAt
	if t.CompletedAt.After(last) {
		last = t.CompletedAt
	}
	return t.Status.Terminal() && !last.IsZero() && last.Before(cutoff)
}

// CheckHistoryRequest refuses a sync request's list of tickets whose
// history it asks for (docs/PROTOCOL.md, "History on demand"): more than
// MaxHistoryPerSync, an ID that is not one, or an ID twice.
func CheckHistoryRequest(ids []TicketID) error {
	if len(ids) > MaxHistoryPerSync {
		return Errorf(EINVALID, "sync.history_too_many", "Ask for the history of at most {{.Max}} tickets per sync; ask for the others at the next one.", "Max", MaxHistoryPerSync)
	}
	seen := make(map[TicketID]bool, len(ids))
	for _, id := range ids {
		if !ValidID(string(id)) || seen[id] {
			return Errorf(EINVALID, "sync.history_bad_ticket", "The list of tickets whose history is asked for holds an invalid or repeated ticket ID; update the app, and contact support if it keeps happening.")
		}
		seen[id] = true
	}
	return nil
}

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
	// Notices are the customer notices sent about the ticket.
	Notices int `json:"cn,omitempty"`
	// Requested is the device's own mark: the history was asked for and
	// comes with the next sync. It never travels.
	Requested bool `json:"-"`
}

// Total is how many facts were kept back.
func (h HistoryAway) Total() int {
	return h.Repairs + h.PartsUsed + h.Photos + h.Notes + h.Signatures + h.Payments + h.Estimates + h.Notices
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

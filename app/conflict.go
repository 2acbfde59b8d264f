package app

import (
	"maps"
	"time"
)

// ConflictKind says why a conflict was raised.
type ConflictKind string

const (
	ConflictRejected      ConflictKind = "rejected"       // a pushed mutation broke a business rule
	ConflictField         ConflictKind = "field"          // both sides changed a shared field
	ConflictStaleEpoch    ConflictKind = "stale_epoch"    // work done on a reassigned or cancelled ticket
	ConflictNegativeStock ConflictKind = "negative_stock" // consumption took a balance below zero
	ConflictClock         ConflictKind = "clock"          // implausible device timestamp
)

// Conflict is a visible record of something sync could not settle alone.
// Nothing a technician saved is ever dropped silently: it is applied, or it
// is here, shown to the technician and to dispatch until someone resolves it.
type Conflict struct {
	ID         string         `json:"id"`
	Kind       ConflictKind   `json:"kind"`
	Ticket     TicketID       `json:"ticket,omitempty"`
	Technician TechnicianID   `json:"technician,omitempty"`
	Mutation   string         `json:"mutation,omitempty"` // mutation ID
	Name       string         `json:"name,omitempty"`     // mutation full name, e.g. "ticket.complete.v1"
	Device     DeviceID       `json:"device,omitempty"`
	Field      string         `json:"field,omitempty"`
	Ours       string         `json:"ours,omitempty"`   // the device's value or action
	Theirs     string         `json:"theirs,omitempty"` // the server's value
	TheirsBy   string         `json:"theirs_by,omitempty"`
	Code       string         `json:"code"`
	Key        string         `json:"key"`
	Message    string         `json:"message"`
	Data       map[string]any `json:"data,omitempty"`
	At         time.Time      `json:"at"`
	ResolvedAt time.Time      `json:"resolved_at,omitzero"`
	Resolution string         `json:"resolution,omitempty"` // "accept_ours", "accept_theirs", "dismissed"
	ResolvedBy string         `json:"resolved_by,omitempty"`
}

// Conflict resolutions a person can choose. They cross the wire and are
// stored in conflict records: never rename them.
const (
	ResolveAcceptOurs   = "accept_ours"   // apply the device's change after all (dispatch only)
	ResolveAcceptTheirs = "accept_theirs" // keep the server's value
	ResolveDismissed    = "dismissed"     // acknowledged, nothing to change
)

// What a stale_epoch conflict's Theirs says dispatch did to the ticket.
// They cross the wire: never rename them.
const (
	StaleCancelled  = "cancelled"  // the ticket is cancelled
	StaleReassigned = "reassigned" // the assignment the work was done on ended otherwise
)

// ValidResolution reports whether r is one of the resolutions above.
func ValidResolution(r string) bool {
	switch r {
	case ResolveAcceptOurs, ResolveAcceptTheirs, ResolveDismissed:
		return true
	}
	return false
}

// Open reports whether the conflict still needs a decision.
func (c Conflict) Open() bool { return c.ResolvedAt.IsZero() }

// Where a serialized unit's conflict (key conflict.serial_elsewhere...)
// says the service has the unit: its data's Place. They cross the wire:
// never rename them.
const (
	UnitOnTicket   = "ticket"   // fitted on a ticket
	UnitAtLocation = "location" // in stock at a location
	UnitInShipment = "shipment" // in transit in a shipment
)

// MessageData is the data that fills c's message, its stock locations
// named. The service names them in the data it sends (Location, Other;
// their IDs in LocationID, OtherID), but a conflict stored before it did,
// and a balance's (conflict.negative_stock), hold a location's ID in
// Location, and a unit's at another location its ID in Other. name gives
// the name of a location the reader knows, "" for one it does not: that
// one is shown as the conflict has it.
func (c Conflict) MessageData(name func(LocationID) string) map[string]any {
	data := maps.Clone(c.Data)
	named := func(text, idKey string) {
		id, _ := data[idKey].(string)
		if id == "" {
			id, _ = data[text].(string) // stored before the IDs rode along
		}
		if n := name(LocationID(id)); id != "" && n != "" {
			data[text] = n
		}
	}
	named("Location", "LocationID")
	if data["Place"] == UnitAtLocation {
		named("Other", "OtherID")
	}
	return data
}

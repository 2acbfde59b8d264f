package app

import (
	"encoding/json"
	"maps"
	"strconv"
	"strings"
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

// HeldMutation is the change a rejected or stale_epoch conflict holds, as
// dispatch's "apply after all" (ResolveAcceptOurs) runs it: its name and
// version from Name ("ticket.depart.v1"), its arguments Ours. ok is false
// when the conflict holds none. At is left zero: the applying side knows
// when the device made it.
func (c Conflict) HeldMutation() (m Mutation, ok bool) {
	if c.Kind != ConflictRejected && c.Kind != ConflictStaleEpoch || c.Ours == "" {
		return Mutation{}, false
	}
	i := strings.LastIndex(c.Name, ".v")
	if i < 0 {
		return Mutation{}, false
	}
	v, err := strconv.Atoi(c.Name[i+2:])
	if err != nil || v < 1 {
		return Mutation{}, false
	}
	return Mutation{ID: c.Mutation, Name: c.Name[:i], Version: v, Args: json.RawMessage(c.Ours)}, true
}

// HeldChangeBlocked is why the change conflict c holds (HeldMutation)
// cannot be applied after all to its ticket as it stands now, nil when
// nothing the ticket shows stops it. ticket looks a ticket up (false: the
// service has none by that ID). What it answers can never apply until
// the ticket changes: no change held, arguments that do not decode, a
// ticket gone, a step its status or kind does not allow (StepAllowed).
// Dispatch applies a held change as the system, so scope and the
// assignment's epoch do not stop it; the rest of the rules (stock, the
// checklist) only applying tells, and the decision says so then.
func HeldChangeBlocked(c Conflict, ticket func(TicketID) (Ticket, bool)) error {
	m, ok := c.HeldMutation()
	if !ok {
		return Errorf(EINVALID, "conflict.cannot_apply", "This conflict holds no change that can be applied.")
	}
	cmd, err := DecodeMutation(m)
	if err != nil {
		return err
	}
	id := TicketOf(cmd)
	if _, creates := cmd.(*CreateTicket); creates || id == "" {
		return nil
	}
	t, found := ticket(id)
	if !found {
		return NotFound("ticket", string(id))
	}
	if step, ok := cmd.(*TransitionTicket); ok {
		return StepAllowed(t, step.Action)
	}
	return nil
}

// Where a serialized unit's conflict (key conflict.serial_elsewhere...)
// says the service has the unit: its data's Place. They cross the wire:
// never rename them.
const (
	UnitOnTicket   = "ticket"   // fitted on a ticket
	UnitAtLocation = "location" // in stock at a location
	UnitInShipment = "shipment" // in transit in a shipment
)

// PlaceNames names the places a conflict's message speaks of as its
// reader knows them. Each gives "" for a place the reader does not know;
// a nil one knows none.
type PlaceNames struct {
	Location func(LocationID) string
	// Shipment gives a shipment's Label (its tracking number, else its
	// ID), as the console and the device show a shipment.
	Shipment func(id string) string
}

// unitInUnknownShipment is the text of a unit's conflict in a shipment
// the reader does not know, stored with the shipment's ID: the ID means
// nothing to a person. Readers translate it (no service sends it).
var unitInUnknownShipment = struct{ Key, Message string }{
	Key:     "conflict.serial_elsewhere_shipment_unknown",
	Message: "Unit {{.Serial}} of {{.Part}} is recorded in a shipment, not at {{.Location}}: check which has it and correct the other.",
}

// Places returns the IDs of the stock locations and of the shipments c's
// message may name (Reason looks them up): a reader need know no others
// to show it.
func (c Conflict) Places() (locations []LocationID, shipments []string) {
	if id := placeID(c.Data, "Location", "LocationID"); id != "" {
		locations = append(locations, LocationID(id))
	}
	if id := placeID(c.Data, "Other", "OtherID"); id != "" {
		switch c.Data["Place"] {
		case UnitAtLocation:
			locations = append(locations, LocationID(id))
		case UnitInShipment:
			shipments = append(shipments, id)
		}
	}
	return locations, shipments
}

// placeID is the ID of the place data names in text: in idKey since the
// service sends names, else in text itself (stored before the IDs rode
// along).
func placeID(data map[string]any, text, idKey string) string {
	if id, _ := data[idKey].(string); id != "" {
		return id
	}
	id, _ := data[text].(string)
	return id
}

// Reason is c's message for a reader who knows the places names names:
// its translation key, its English message and the data that fills it,
// the places named. The service names them in the data it sends
// (Location, Other; their IDs in LocationID, OtherID), but a conflict
// stored before it did, and a balance's (conflict.negative_stock), hold a
// location's ID in Location, and a unit's at another location or in a
// shipment its ID in Other. A location the reader does not know is shown
// as the conflict has it; a shipment the conflict holds by its ID only
// and the reader does not know is "a shipment" (another key), as its ID
// tells a person nothing. c's data is not changed.
func (c Conflict) Reason(names PlaceNames) (key, message string, data map[string]any) {
	key, message, data = c.Key, c.Message, maps.Clone(c.Data)
	name := func(text, idKey string, lookup func(string) string) (named, byID bool) {
		id := placeID(data, text, idKey)
		if id == "" {
			return false, false
		}
		if n := lookup(id); n != "" {
			data[text] = n
			return true, false
		}
		shown, _ := data[text].(string)
		return false, shown == id
	}
	location := func(id string) string {
		if names.Location == nil {
			return ""
		}
		return names.Location(LocationID(id))
	}
	shipment := func(id string) string {
		if names.Shipment == nil {
			return ""
		}
		return names.Shipment(id)
	}
	name("Location", "LocationID", location)
	switch data["Place"] {
	case UnitAtLocation:
		name("Other", "OtherID", location)
	case UnitInShipment:
		if named, byID := name("Other", "OtherID", shipment); !named && byID && key == "conflict.serial_elsewhere_shipment" {
			key, message = unitInUnknownShipment.Key, unitInUnknownShipment.Message
		}
	}
	return key, message, data
}

// FollowUpdate keeps c, an open field conflict, in step with an applied
// ticket.update u of its ticket that writes its field: the value of the
// side that wrote it becomes the one it wrote, Ours for a device's (the
// technician's side, whichever the conflict's key), Theirs for
// dispatch's, with TheirsBy, by, its name. Resolving c then never puts
// back a value older than one its side wrote since (PROTOCOL.md, "Ticket
// merge rules"). The central service runs it for every applied update,
// and the device for the technician's own, so the open conflict it
// shows says what the service's will once the update arrives. It
// reports whether c changed.
func (c *Conflict) FollowUpdate(u *UpdateTicket, dispatch bool, by string) bool {
	if c.Kind != ConflictField || !c.Open() || c.Ticket != u.Ticket {
		return false
	}
	changed := false
	for _, f := range u.SharedSet() {
		if f.Field != c.Field {
			continue
		}
		switch {
		case dispatch && (c.Theirs != f.Value || c.TheirsBy != by):
			c.Theirs, c.TheirsBy = f.Value, by
		case !dispatch && c.Ours != f.Value:
			c.Ours = f.Value
		default:
			continue
		}
		changed = true
	}
	return changed
}

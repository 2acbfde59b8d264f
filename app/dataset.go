package app

import (
	"fmt"
	"strings"
)

// Technician is a person who works tickets.
type Technician struct {
	ID       TechnicianID `json:"id"`
	Name     string       `json:"name"`
	Phone    string       `json:"phone,omitempty"`
	Country  string       `json:"country"`
	Van      LocationID   `json:"van,omitempty"`   // their van stock, for field engineers
	Store    StoreID      `json:"store,omitempty"` // their counter, for store staff
	Language string       `json:"language,omitempty"`
}

// Validate checks a technician record. The ID may not hold '/': it names
// the technician's sync scope.
func (t *Technician) Validate() error {
	switch {
	case !ValidID(string(t.ID)) || strings.Contains(string(t.ID), "/"):
		return Errorf(EINVALID, "technician.invalid.id", "A technician needs an ID of 1 to {{.Max}} characters without '/' or control characters.", "Max", MaxIDLen)
	case strings.TrimSpace(t.Name) == "":
		return Errorf(EINVALID, "technician.invalid.name", "Give technician {{.ID}} a name.", "ID", string(t.ID))
	case t.Country != "" && !validCountry(t.Country):
		return Errorf(EINVALID, "technician.invalid.country", "The country must be a two-letter code such as CN or DE, not {{.Country}}.", "Country", t.Country)
	case t.Van != "" && !ValidID(string(t.Van)) || t.Store != "" && !ValidID(string(t.Store)):
		return Errorf(EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "van/store", "Max", MaxIDLen)
	}
	for _, f := range [][2]string{{"name", t.Name}, {"phone", t.Phone}, {"language", t.Language}} {
		if err := checkName(f[0], f[1]); err != nil {
			return err
		}
	}
	return nil
}

// Dataset is a batch of server-owned state loaded into a store in one
// transaction: the demo world, a first sync, or a page of pulled changes.
// Rows replace rows with the same key; movements and facts with a known ID
// are skipped, so loading the same batch twice changes nothing.
//
// A pulled page carries changed tickets in Tickets (usually without their
// children) and facts added since the cursor in the loose lists (Repairs,
// PartsUsed, Photos, Notes, Signatures, Payments, Estimates); the server puts a
// fact's ticket in the same page whenever the device may not have it yet,
// so a fact never arrives before its ticket.
type Dataset struct {
	Technicians []Technician    `json:"technicians,omitempty"`
	Locations   []Location      `json:"locations,omitempty"`
	Parts       []Part          `json:"parts,omitempty"`
	Movements   []StockMovement `json:"movements,omitempty"`
	RuleSets    []RuleSet       `json:"rule_sets,omitempty"`
	Tickets     []TicketDetail  `json:"tickets,omitempty"`
	Repairs     []RepairEntry   `json:"repairs,omitempty"`
	PartsUsed   []PartUsed      `json:"parts_used,omitempty"`
	Photos      []Photo         `json:"photos,omitempty"`
	Notes       []Note          `json:"notes,omitempty"`
	Signatures  []Signature     `json:"signatures,omitempty"`
	Payments    []Payment       `json:"payments,omitempty"`
	// Estimates are sent again when decided: a known one is replaced.
	Estimates []Estimate `json:"estimates,omitempty"`
	// CustomerNotices carry customer notices with their delivery state: a notice
	// comes again each time the central service's sender changes it.
	CustomerNotices []CustomerNotice `json:"customer_notices,omitempty"`
	// Passcodes carry device passcodes, only to the devices of the
	// ticket's store and technician; one with an empty Secret erases the
	// ticket's (docs/PROTOCOL.md, "Device passcodes").
	Passcodes []Passcode `json:"passcodes,omitempty"`
	// PartRequests and Shipments are sent again whenever they change
	// (decided, shipped, received): a known one is replaced.
	PartRequests []PartRequest `json:"part_requests,omitempty"`
	Shipments    []Shipment    `json:"shipments,omitempty"`
	// LikelyParts carry, per open ticket, the parts the central service
	// expects it to need; a ticket's list replaces the one held before.
	LikelyParts []LikelyParts `json:"likely_parts,omitempty"`
	Conflicts   []Conflict    `json:"conflicts,omitempty"`
	// GoneTickets left the device's scopes (reassigned to someone else, or
	// deleted on the server): the device drops them with their children,
	// except while it still has unsent work on them.
	GoneTickets []TicketID `json:"gone_tickets,omitempty"`
	// GoneConflicts are conflicts now another technician's (an open
	// field conflict follows its ticket when dispatch reassigns it): the
	// device drops them.
	GoneConflicts []string `json:"gone_conflicts,omitempty"`
}

// Rows counts the rows a dataset writes, for progress and benchmarks.
func (d *Dataset) Rows() int {
	n := len(d.Technicians) + len(d.Locations) + len(d.Parts) + len(d.Movements) + len(d.RuleSets)
	for _, t := range d.Tickets {
		n += 1 + len(t.Repairs) + len(t.Parts) + len(t.Photos) + len(t.Notes) + len(t.Signatures) + len(t.Payments) + len(t.Estimates)
	}
	n += len(d.Repairs) + len(d.PartsUsed) + len(d.Photos) + len(d.Notes) + len(d.Signatures) + len(d.Payments) + len(d.Estimates) + len(d.CustomerNotices) + len(d.Passcodes) + len(d.PartRequests) + len(d.Shipments) + len(d.LikelyParts) + len(d.Conflicts) + len(d.GoneTickets) + len(d.GoneConflicts)
	return n
}

// Empty reports whether the dataset holds nothing.
func (d *Dataset) Empty() bool { return d.Rows() == 0 }

// CheckTickets checks the customer of every ticket the dataset brings by
// ticket.create's rule (CheckNewCustomer): a phone, when there is one,
// reads as one, and a visit has an address. A loader of tickets (the demo
// world, a seed) refuses the whole dataset on the first that breaks it,
// naming the ticket, before it writes anything: a technician sent to a
// visit with no address, or to call a number that is none, learns it
// only at the door.
//
// A device does not run it on the pages it pulls: the central service
// checked them as they came in, and a page refused would stop its sync.
func (d *Dataset) CheckTickets() error {
	for i := range d.Tickets {
		t := &d.Tickets[i].Ticket
		if err := CheckNewCustomer(t.Kind, t.Customer); err != nil {
			return fmt.Errorf("ticket %s: %w", t.Number, err)
		}
	}
	return nil
}

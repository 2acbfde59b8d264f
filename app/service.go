package app

import (
	"context"
	"io"
	"time"
)

// TicketService reads the tickets on this device.
type TicketService interface {
	// FindTickets returns one page of tickets matching f and the total
	// number that match.
	FindTickets(ctx context.Context, f TicketFilter) ([]Ticket, int, error)
	// ListTickets returns the page FindTickets returns for f as a list
	// shows it, and how many tickets match, counted up to TicketCountCap:
	// the terminal's ticket list, which needs neither whole tickets nor
	// an exact count of thousands.
	ListTickets(ctx context.Context, f TicketFilter) (TicketList, error)
	// TicketDetail returns a ticket with its repairs, parts, photos and
	// notes; ENOTFOUND when there is no such ticket.
	TicketDetail(ctx context.Context, id TicketID) (TicketDetail, error)
	// KnownCustomers returns the customers whose phone number's digits
	// hold PhoneLookupKey(phone) (at least MinPhoneDigits digits typed,
	// else EINVALID)
	// with the devices they brought, as GroupKnownDevices groups them:
	// the counter's look-up of a returning customer.
	KnownCustomers(ctx context.Context, phone string) ([]KnownCustomer, error)
}

// PartService reads the parts catalog and stock.
type PartService interface {
	// FindParts searches by part-number prefix, words in English or
	// Chinese, and compatible model. An empty filter lists the catalog
	// from its first part number.
	FindParts(ctx context.Context, f PartFilter) ([]Part, error)
	// CountParts returns how many parts FindParts finds for f when not
	// stopped by a limit (f.Limit is ignored).
	CountParts(ctx context.Context, f PartFilter) (int, error)
	// Part returns ENOTFOUND for an unknown part number.
	Part(ctx context.Context, n PartNumber) (Part, error)
	// Balances returns the stock at a location, summed from the ledger.
	Balances(ctx context.Context, loc LocationID) ([]Balance, error)
	// Locations lists the stock locations known on this device.
	Locations(ctx context.Context) ([]Location, error)
	// Arrivals returns the latest movements into loc of the parts given,
	// newest first, at most limit of each part: for a defective bin, the
	// tickets its parts were removed on.
	Arrivals(ctx context.Context, loc LocationID, parts []PartNumber, limit int) ([]StockMovement, error)
	// Units returns the serials of part's units at loc, by serial: those
	// whose movements there sum above zero, at most MaxCountParts. A unit
	// that came without its serial is counted in Balances, not here.
	Units(ctx context.Context, loc LocationID, part PartNumber) ([]string, error)
	// FindUnits returns the units at loc whose serial is serial, compared
	// without regard to ASCII case, as Units counts them (movements there
	// summing above zero), by part number: one as a rule, more when two
	// brands print the same serial. A scanned serial sticker names its
	// part this way. An empty serial finds none.
	FindUnits(ctx context.Context, loc LocationID, serial string) ([]Unit, error)
	// UnitFits returns the fits of part's unit with serial that this
	// device records (part uses; the serial compared as FindUnits does),
	// newest first, at most MaxUnitFits, each with its ticket's number and
	// customer and whether the unit was removed since (UnitFit): what
	// CheckRefit decides on when a serial not in the technician's stock is
	// fitted. An empty serial finds none.
	UnitFits(ctx context.Context, part PartNumber, serial string) ([]UnitFit, error)
}

// SupplyService reads the parts on their way to this device's user: part
// requests, shipments, and what the central service expects tickets to
// need. They are changed through Committer (part.request,
// part.cancel_request, shipment.send, shipment.receive).
type SupplyService interface {
	// PartRequests lists a ticket's part requests in request order.
	PartRequests(ctx context.Context, ticket TicketID) ([]PartRequest, error)
	// OpenPartRequests lists the requests on this device that still wait
	// for their part (RequestState.Open), oldest first.
	OpenPartRequests(ctx context.Context) ([]PartRequest, error)
	// Shipments lists the shipments to or from the given locations: those
	// in transit first (oldest first), then the latest received, at most
	// limit in all.
	Shipments(ctx context.Context, locs []LocationID, limit int) ([]Shipment, error)
	// FindShipment finds a shipment by its ID or its tracking number (what
	// a parcel label's barcode holds); ENOTFOUND when none matches.
	FindShipment(ctx context.Context, code string) (Shipment, error)
	// LikelyParts returns what the central service expects a ticket to
	// need: an empty list when it sent none.
	LikelyParts(ctx context.Context, ticket TicketID) (LikelyParts, error)
	// LoadList is LoadList over the likely parts of the technician's open
	// tickets whose window starts in [from, to), with the van's balances.
	LoadList(ctx context.Context, tech TechnicianID, van LocationID, from, to time.Time) ([]LoadLine, error)
}

// PaymentService reads the money of a ticket on this device: its
// payments and estimates, in time order (none for an unknown ticket).
// They are recorded through Committer (payment.record, payment.refund,
// estimate.issue, estimate.decide), which numbers a payment's receipt in
// the same transaction and writes it into the command (Receipted).
type PaymentService interface {
	Payments(ctx context.Context, ticket TicketID) ([]Payment, error)
	Estimates(ctx context.Context, ticket TicketID) ([]Estimate, error)
}

// WarrantyService gives the warranty rule set of a country.
type WarrantyService interface {
	// RuleSet returns ENOTFOUND when the country has none on this device.
	RuleSet(ctx context.Context, country string) (RuleSet, error)
}

// TicketHistory reads the workflow steps taken on a ticket, oldest first,
// for the service report's time on site. The device store implements it
// from its own mutation log, so it holds the steps taken on this device.
type TicketHistory interface {
	TicketHistory(ctx context.Context, id TicketID) ([]StatusChange, error)
}

// Committer applies a user's action locally and queues it for sync, in one
// transaction: when Commit returns nil, the action is saved on the device.
type Committer interface {
	Commit(ctx context.Context, actor Actor, cmd Command) (Mutation, error)
}

// Outbox is the queue of committed mutations not yet acknowledged by the
// central service. The server's acknowledgement arrives with a pulled page
// (Replica.ApplyPull).
type Outbox interface {
	// Pending returns up to limit unacknowledged mutations in seq order.
	Pending(ctx context.Context, limit int) ([]Mutation, error)
	// PendingCount returns how many mutations wait to be sent.
	PendingCount(ctx context.Context) (int, error)
}

// PhotoStore keeps photo bytes as files named by their SHA-256.
type PhotoStore interface {
	// PutPhoto copies r into the store atomically and returns its SHA-256
	// (lower-case hex) and size. Storing the same bytes twice is a no-op.
	PutPhoto(ctx context.Context, r io.Reader) (sha256 string, size int64, err error)
	// OpenPhoto opens stored bytes; ENOTFOUND when absent.
	OpenPhoto(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// Clock tells the time; tests pin it.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock in UTC.
var SystemClock Clock = ClockFunc(func() time.Time { return time.Now().UTC() })

package app

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Typed identifiers, so a part number is never passed where a ticket ID is
// wanted.
type (
	TicketID     string // a UUID minted by whoever created the ticket
	TechnicianID string // a technician's account
	StoreID      string // a repair store (counter)
	LocationID   string // a stock location: a van, a store, a warehouse
	PartNumber   string // a catalog part number, e.g. "EB-BA505ABU"
	DeviceID     string // an installed Fieldbench device (app instance)
	TenantID     string // a service provider
)

// TicketKind is how the device reaches the technician.
type TicketKind string

const (
	KindOnSite  TicketKind = "on_site"  // the technician visits the customer
	KindCarryIn TicketKind = "carry_in" // the customer brings it to a store
	KindMailIn  TicketKind = "mail_in"  // the customer ships it to a store
)

// Category is the product category; warranty rules are keyed by it.
type Category string

const (
	CategoryPhone     Category = "phone"
	CategoryAppliance Category = "appliance"
	CategoryPC        Category = "pc"
	CategoryServer    Category = "server"
)

// Priority orders work; P1 is the most urgent.
type Priority int

const (
	PriorityUrgent Priority = 1
	PriorityHigh   Priority = 2
	PriorityNormal Priority = 3
	PriorityLow    Priority = 4
)

// Customer is the person who owns the device.
type Customer struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address,omitempty"`
	City    string `json:"city,omitempty"`
	// Email receives customer notices when the service sends mail; ""
	// when the customer gave none.
	Email string `json:"email,omitempty"`
	// Language is the BCP 47 tag of the language the customer reads
	// ("zh-CN", "pt-BR"): their report, receipts and notices are written
	// in it. "" is the country's or the service's default.
	Language string `json:"language,omitempty"`
}

// PostalAddress is the customer's address and city on one line, in the
// order the address is written, for every place that shows it (the
// service report, the office console). An address in Chinese, Japanese or
// Korean script goes from the city down to the door without a separator,
// and there usually starts with its city already ("上海市…" in 上海),
// which is not repeated; any other puts the city last, after a comma,
// unless it already ends with it. The script decides, not the customer's
// language: a Chinese reader's address in Lagos is still written the
// Nigerian way.
func (c Customer) PostalAddress() string {
	address, city := strings.TrimSpace(c.Address), strings.TrimSpace(c.City)
	switch {
	case city == "":
		return address
	case address == "":
		return city
	case eastAsian(address):
		if strings.Contains(address, city) {
			return address
		}
		return city + address
	case strings.HasSuffix(address, city):
		return address
	}
	return address + ", " + city
}

// eastAsian reports whether text is written in Han, Hiragana, Katakana
// or Hangul script, whose addresses go from the largest place to the
// smallest.
func eastAsian(text string) bool {
	for _, r := range text {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// Product identifies the device being repaired.
type Product struct {
	Category        Category  `json:"category"`
	Brand           string    `json:"brand"`
	Model           string    `json:"model"`
	Serial          string    `json:"serial,omitempty"` // serial number or IMEI
	PurchaseDate    time.Time `json:"purchase_date,omitzero"`
	ProofOfPurchase string    `json:"proof_of_purchase,omitempty"` // invoice or receipt reference; "" when none
	ManufactureDate time.Time `json:"manufacture_date,omitzero"`   // e.g. decoded from the serial
	PlanID          string    `json:"plan_id,omitempty"`           // extended-warranty plan, if bought
	PlanStart       time.Time `json:"plan_start,omitzero"`
}

// HasProofOfPurchase reports whether the purchase date is backed by a document.
func (p Product) HasProofOfPurchase() bool {
	return strings.TrimSpace(p.ProofOfPurchase) != "" && !p.PurchaseDate.IsZero()
}

// Condition records what the technician found that bears on warranty.
type Condition struct {
	LiquidDamage       bool   `json:"liquid_damage,omitempty"`
	PhysicalDamage     bool   `json:"physical_damage,omitempty"`
	UnauthorizedRepair bool   `json:"unauthorized_repair,omitempty"`
	Accessories        string `json:"accessories,omitempty"` // what the customer left with the device
	Notes              string `json:"notes,omitempty"`
}

// Ticket is a work order: one device, one fault, one customer.
type Ticket struct {
	ID             TicketID     `json:"id"`
	Number         string       `json:"number"` // human number, e.g. "FB-2026-004211"
	Kind           TicketKind   `json:"kind"`
	Country        string       `json:"country"` // ISO 3166-1 alpha-2; selects warranty rules
	Product        Product      `json:"product"`
	Customer       Customer     `json:"customer"`
	Fault          string       `json:"fault"` // as reported by the customer
	Priority       Priority     `json:"priority"`
	RespondBy      time.Time    `json:"respond_by,omitzero"` // SLA: first response (arrival for on-site)
	ResolveBy      time.Time    `json:"resolve_by,omitzero"` // SLA: resolution
	WindowStart    time.Time    `json:"window_start,omitzero"`
	WindowEnd      time.Time    `json:"window_end,omitzero"`
	Technician     TechnicianID `json:"technician,omitempty"`
	Store          StoreID      `json:"store,omitempty"`
	Epoch          int          `json:"epoch"`              // bumped by reassign and cancel; see docs/PROTOCOL.md
	EpochBy        string       `json:"epoch_by,omitempty"` // who last bumped Epoch: stale work's conflict names them
	Status         Status       `json:"status"`
	Diagnosis      string       `json:"diagnosis,omitempty"`
	ResolutionCode Resolution   `json:"resolution_code,omitempty"`
	Condition      Condition    `json:"condition"`
	StatusReason   string       `json:"status_reason,omitempty"` // why it waits, failed or was cancelled
	LabourMinutes  int          `json:"labour_minutes,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	StartedAt      time.Time    `json:"started_at,omitzero"`
	CompletedAt    time.Time    `json:"completed_at,omitzero"`
	// ClosedBalance is what the customer still owed when the ticket was
	// closed, as the closing device computed it (nil when it sent none);
	// UnpaidReason says why a positive one was left unpaid.
	ClosedBalance *Money `json:"closed_balance,omitempty"`
	UnpaidReason  string `json:"unpaid_reason,omitempty"`
	// PromisedAt is when the counter told the customer the device will be
	// ready (CheckPromise); zero when no promise was made.
	PromisedAt time.Time `json:"promised_at,omitzero"`
}

// MaxPromiseDays bounds a promised date: a promise further than this from
// the check-in is a typing mistake, not a plan.
const MaxPromiseDays = 90

// CheckPromise refuses a promised date before the ticket was opened or
// more than MaxPromiseDays after it. A zero promise (none made) passes.
func CheckPromise(created, promised time.Time) error {
	switch {
	case promised.IsZero() || created.IsZero():
		return nil
	case promised.Before(created):
		return Errorf(EINVALID, "ticket.invalid.promise_past", "The promised date is before the ticket was opened; choose a later day.")
	case promised.Sub(created) > MaxPromiseDays*24*time.Hour:
		return Errorf(EINVALID, "ticket.invalid.promise_far", "The promised date is more than {{.Days}} days after the ticket was opened; choose an earlier day.", "Days", MaxPromiseDays)
	}
	return nil
}

// Resolution says how a ticket ended.
type Resolution string

const (
	ResolutionRepaired    Resolution = "repaired"     // fixed by repair or part replacement
	ResolutionReplaced    Resolution = "replaced"     // unit exchanged
	ResolutionRefunded    Resolution = "refunded"     // money back
	ResolutionNoFault     Resolution = "no_fault"     // no fault found
	ResolutionAdjusted    Resolution = "adjusted"     // set-up, cleaning, software or user education
	ResolutionNotRepaired Resolution = "not_repaired" // customer declined the quote
)

// Resolutions lists the valid resolution codes in display order.
var Resolutions = []Resolution{ResolutionRepaired, ResolutionReplaced, ResolutionRefunded, ResolutionAdjusted, ResolutionNoFault, ResolutionNotRepaired}

// Valid reports whether r is a known resolution code.
func (r Resolution) Valid() bool {
	for _, x := range Resolutions {
		if x == r {
			return true
		}
	}
	return false
}

// Valid reports whether k is a known ticket kind.
func (k TicketKind) Valid() bool {
	return k == KindOnSite || k == KindCarryIn || k == KindMailIn
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	return c == CategoryPhone || c == CategoryAppliance || c == CategoryPC || c == CategoryServer
}

// MaxIDLen bounds every identifier: ticket and fact IDs, part numbers,
// technician and location IDs.
const MaxIDLen = 128

// ValidID reports whether s can serve as an identifier: 1 to MaxIDLen
// characters (TextLen) of UTF-8 without control characters.
func ValidID(s string) bool {
	if s == "" || !utf8.ValidString(s) || TextLen(s) > MaxIDLen {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Validate checks the fields every ticket must have.
func (t *Ticket) Validate() error {
	switch {
	case t.ID == "":
		return Errorf(EINVALID, "ticket.invalid.id", "The ticket has no ID.")
	case !ValidID(string(t.ID)) || !ValidID(t.Number):
		return Errorf(EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "ticket.id", "Max", MaxIDLen)
	case strings.TrimSpace(t.Number) == "":
		return Errorf(EINVALID, "ticket.invalid.number", "The ticket has no number.")
	case !t.Kind.Valid():
		return Errorf(EINVALID, "ticket.invalid.kind", "Unknown ticket kind {{.Kind}}.", "Kind", string(t.Kind))
	case !t.Product.Category.Valid():
		return Errorf(EINVALID, "ticket.invalid.category", "Unknown product category {{.Category}}.", "Category", string(t.Product.Category))
	case strings.TrimSpace(t.Customer.Name) == "":
		return Errorf(EINVALID, "ticket.invalid.customer", "Enter the customer's name.")
	case t.Priority < PriorityUrgent || t.Priority > PriorityLow:
		return Errorf(EINVALID, "ticket.invalid.priority", "Priority must be 1 to 4.")
	case !t.Status.Valid():
		return Errorf(EINVALID, "ticket.invalid.status", "Unknown status {{.Status}}.", "Status", string(t.Status))
	case t.ResolutionCode != "" && !t.ResolutionCode.Valid():
		return Errorf(EINVALID, "ticket.invalid.resolution", "Unknown resolution code {{.Code}}.", "Code", string(t.ResolutionCode))
	case PurchaseAfterOpening(t.Product.PurchaseDate, t.CreatedAt):
		return errPurchaseAfterOpening()
	case t.Customer.Email != "" && !ValidEmail(t.Customer.Email):
		return Errorf(EINVALID, "ticket.invalid.email", "{{.Email}} is not an email address; correct it or leave it empty.", "Email", t.Customer.Email)
	case t.Customer.Language != "" && !ValidLanguageTag(t.Customer.Language):
		return Errorf(EINVALID, "ticket.invalid.language", "{{.Language}} is not a language tag such as zh-CN or pt-BR.", "Language", t.Customer.Language)
	}
	if err := CheckPromise(t.CreatedAt, t.PromisedAt); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{
		{"customer.name", t.Customer.Name}, {"customer.phone", t.Customer.Phone}, {"customer.address", t.Customer.Address},
		{"customer.city", t.Customer.City}, {"product.brand", t.Product.Brand}, {"product.model", t.Product.Model},
		{"product.serial", t.Product.Serial}, {"product.proof_of_purchase", t.Product.ProofOfPurchase},
		{"product.plan_id", t.Product.PlanID}, {"condition.accessories", t.Condition.Accessories},
		{"condition.notes", t.Condition.Notes}, {"fault", t.Fault}, {"diagnosis", t.Diagnosis}, {"status_reason", t.StatusReason},
	} {
		if err := tooLong(f.name, f.v, MaxTextLen); err != nil {
			return err
		}
	}
	return nil
}

// TicketFilter selects tickets for lists. Zero fields do not filter.
type TicketFilter struct {
	View       TicketView
	Technician TechnicianID
	Query      string    // number, customer name, phone or serial
	Now        time.Time // "today" is the calendar day of Now in Location
	Location   *time.Location
	Sort       TicketSort
	Offset     int
	Limit      int
}

// TicketCountCap is how far ListTickets counts: a list or search of more
// tickets says "more than TicketCountCap" (TicketList.More) instead of
// reading every match to count it.
const TicketCountCap = 1000

// TicketRow is a ticket as a list shows it: what the list's rows read,
// kept in columns of the ticket's row, so a page is read without decoding
// whole tickets.
type TicketRow struct {
	ID           TicketID
	Number       string
	CustomerName string
	Address      string // Customer.Address
	City         string // Customer.City
	Brand        string // Product.Brand
	Model        string // Product.Model
	Status       Status
	WindowStart  time.Time
	WindowEnd    time.Time
	ResolveBy    time.Time
	PromisedAt   time.Time
	StartedAt    time.Time // the work began (on an earlier visit, when en route again): WindowMissed
	// Kind is the ticket's: a visit whose parts arrived goes back out, a
	// bench job resumes (AfterParts). "" for a row written before rows
	// kept it.
	Kind TicketKind
}

// Row returns t as a list shows it.
func (t Ticket) Row() TicketRow {
	return TicketRow{ID: t.ID, Number: t.Number, CustomerName: t.Customer.Name, Address: t.Customer.Address,
		City: t.Customer.City, Brand: t.Product.Brand, Model: t.Product.Model, Status: t.Status,
		WindowStart: t.WindowStart, WindowEnd: t.WindowEnd, ResolveBy: t.ResolveBy, PromisedAt: t.PromisedAt,
		StartedAt: t.StartedAt, Kind: t.Kind}
}

// PostalAddress is the customer's Customer.PostalAddress.
func (r TicketRow) PostalAddress() string {
	return Customer{Address: r.Address, City: r.City}.PostalAddress()
}

// TicketList is one page of a ticket list as ListTickets returns it.
type TicketList struct {
	Rows []TicketRow
	// Total is how many tickets match, at most TicketCountCap; More says
	// that more than TicketCountCap match.
	Total int
	More  bool
}

// TicketView is one of the technician's standard lists.
type TicketView string

const (
	ViewAll          TicketView = ""
	ViewToday        TicketView = "today"    // open, due or scheduled today or overdue
	ViewUpcoming     TicketView = "upcoming" // open, scheduled after today
	ViewWaitingParts TicketView = "waiting_parts"
	ViewDone         TicketView = "done" // completed, cannot complete, cancelled or closed
)

// ListOf is the standard list that shows t, "today" being the calendar
// day of now in loc: Done for a ticket no longer open, Waiting for parts
// for one that waits, Today for an open one whose appointment starts or
// whose resolution is due before today ends (overdue included), or that
// has neither, and Upcoming for the other open ones. A device's lists
// (store's ListTickets) are this rule in SQL; the store's conformance
// suite checks that they agree.
func ListOf(t Ticket, now time.Time, loc *time.Location) TicketView {
	switch {
	case !t.Status.Open():
		return ViewDone
	case t.Status == StatusWaitingParts:
		return ViewWaitingParts
	}
	y, m, d := now.In(loc).Date()
	dayEnd := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	due := func(at time.Time) bool { return !at.IsZero() && at.Before(dayEnd) }
	if due(t.WindowStart) || due(t.ResolveBy) || t.WindowStart.IsZero() && t.ResolveBy.IsZero() {
		return ViewToday
	}
	return ViewUpcoming
}

// TicketSort orders a ticket list.
type TicketSort string

const (
	SortAppointment TicketSort = "appointment"
	SortSLA         TicketSort = "sla"
	SortPriority    TicketSort = "priority"
)

// NewTicketNumber mints the human number of a ticket opened on a device,
// offline: "C" (counter), the day, and six random hex digits, as
// "C-261127-7F3A2C". Sixteen million numbers a day make a clash between
// two devices on one day negligible, and the number is only shown and
// searched: tickets are keyed by ID.
func NewTicketNumber(now time.Time) string {
	var b [3]byte
	rand.Read(b[:]) // never fails: Go aborts the program if the OS cannot supply randomness
	return fmt.Sprintf("C-%s-%X", now.Format("060102"), b[:])
}

// ValidEmail reports whether s is a plausible single email address: one
// "@" with text on both sides, a dot in the domain, no spaces, commas or
// control characters, at most 254 bytes (RFC 5321). Delivery is the proof;
// this only refuses what cannot be one address.
func ValidEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == ',' || r == ';' || r == '<' || r == '>' {
			return false
		}
	}
	return true
}

// ValidLanguageTag reports whether s has the form of a BCP 47 tag: 1 to 8
// letters, then subtags of 1 to 8 letters or digits joined by "-", at most
// 35 bytes.
func ValidLanguageTag(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		if sub == "" || len(sub) > 8 {
			return false
		}
		for _, r := range sub {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !letter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

// Clone copies t whole, so that a copy kept in a cache (the device's and
// the service's) never changes when a command changes the ticket it was
// given: ClosedBalance is a Ticket's only reference (TestTicketCloneIsDeep
// fails when a slice, map or pointer field is added and not copied here).
func (t Ticket) Clone() Ticket {
	if t.ClosedBalance != nil {
		b := *t.ClosedBalance
		t.ClosedBalance = &b
	}
	return t
}

package app

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ComponentClass groups parts for warranty periods.
type ComponentClass string

const (
	ClassUnit      ComponentClass = "unit"      // the whole unit, and any part not listed otherwise
	ClassMain      ComponentClass = "main"      // main parts: mainboard, display, compressor, motor
	ClassBattery   ComponentClass = "battery"   // batteries wear out and get shorter periods
	ClassAccessory ComponentClass = "accessory" // chargers, cables, headsets, remotes
)

// ComponentClasses lists the classes in display order.
var ComponentClasses = []ComponentClass{ClassUnit, ClassMain, ClassBattery, ClassAccessory}

// Valid reports whether c is a known component class.
func (c ComponentClass) Valid() bool {
	for _, x := range ComponentClasses {
		if x == c {
			return true
		}
	}
	return false
}

// Part is a catalog entry.
type Part struct {
	Number PartNumber `json:"number"`
	NameEN string     `json:"name_en"`
	NameZH string     `json:"name_zh"`
	// Names are the part's name in other languages, by language tag
	// ("fr", "es", "pt-BR"): at most MaxNameLangs, each one line. A reader
	// of a language without one reads NameEN (NameFor).
	Names        map[string]string `json:"names,omitempty"`
	Category     string            `json:"category"` // e.g. "battery", "display", "pump"
	Class        ComponentClass    `json:"class"`
	Brand        string            `json:"brand"`
	Models       []string          `json:"models"` // compatible models
	Serialized   bool              `json:"serialized"`
	Prices       []Money           `json:"prices"`        // one per currency
	ReturnNeeded bool              `json:"return_needed"` // the defective part goes back to the brand
}

// Price returns the part's price in currency, and false when there is none.
func (p Part) Price(currency string) (Money, bool) {
	for _, m := range p.Prices {
		if m.Currency == currency {
			return m, true
		}
	}
	return Money{}, false
}

// Fits reports whether the part is listed as compatible with model,
// compared by ModelKey, as the catalog searches compare models.
func (p Part) Fits(model string) bool {
	key := ModelKey(model)
	for _, m := range p.Models {
		if hasModelKey(m, key) {
			return true
		}
	}
	return false
}

// ModelKey is the form product models are compared in: folded as the
// searches fold text (Fold: case, accents, full-width forms), without
// surrounding spaces, a run of spaces inside one space. A ticket's model
// is typed at the counter, by a Chinese input method ("Ｍａｔｅ　６０")
// or with an accent the catalog lacks, and must still find the parts the
// catalog lists for "Mate 60". Keys kept in a store (the device's
// part_models) are made again when FoldVersion changes.
func ModelKey(m string) string {
	if isModelKey(m) {
		return m // a key already, as the stores and Fits pass them: no allocation
	}
	return strings.Join(strings.Fields(Fold(m)), " ")
}

// isModelKey reports whether m is ASCII and its own ModelKey: no upper
// case, no space but single ' ' between other characters.
func isModelKey(m string) bool {
	for i := 0; i < len(m); i++ {
		switch c := m[i]; {
		case c >= utf8.RuneSelf || 'A' <= c && c <= 'Z':
			return false
		case c == ' ' && (i == 0 || i == len(m)-1 || m[i-1] == ' '):
			return false
		case c != ' ' && asciiSpace(c):
			return false
		}
	}
	return true
}

// hasModelKey reports whether ModelKey(m) == key, without building
// ModelKey(m) when m is ASCII, the common case: Fits runs over whole
// catalogs (the console's parts fitting a model).
func hasModelKey(m, key string) bool {
	for i := 0; i < len(m); i++ {
		if m[i] >= utf8.RuneSelf {
			return ModelKey(m) == key
		}
	}
	j := 0         // bytes of key matched
	space := false // a space is due before the next character
	for i := 0; i < len(m); i++ {
		c := m[i]
		if asciiSpace(c) {
			space = j > 0
			continue
		}
		if space {
			if j >= len(key) || key[j] != ' ' {
				return false
			}
			j, space = j+1, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if j >= len(key) || key[j] != c {
			return false
		}
		j++
	}
	return j == len(key)
}

// asciiSpace is unicode.IsSpace for an ASCII byte.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// NameFor is the part's name for a reader of the language tag lang ("fr",
// "zh-Hans", "pt_BR"): NameZH for Chinese, NameEN for English, else its
// name in Names as RuleSet.NameFor picks one; else NameEN, else NameZH,
// else its number. Every screen and page that names a part picks it so.
func (p Part) NameFor(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")), "-")
	if n := p.NameIn(lang); n != "" {
		return n
	}
	switch {
	case primary == "zh" && strings.TrimSpace(p.NameZH) != "":
		return p.NameZH
	case strings.TrimSpace(p.NameEN) != "":
		return p.NameEN
	case strings.TrimSpace(p.NameZH) != "":
		return p.NameZH
	}
	return string(p.Number)
}

// NameIn is the part's name in Names for a reader of lang when lang is
// neither English nor Chinese (whose names are NameEN and NameZH), as
// RuleSet.NameFor picks one; "" when Names has none for lang. NameFor
// reads it first; a service report states it as its part's name (name).
func (p Part) NameIn(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")), "-")
	if primary == "en" || primary == "zh" {
		return ""
	}
	if n, ok := textFor(p.Names, lang); ok {
		return n
	}
	return ""
}

// SearchNames are the part's names a search finds it by, each folded
// (Fold): its English name, its Chinese name, and its names in other
// languages (Names) in the order of their tags, one a line, so that no
// query word, which holds no line break, matches across two names. The
// catalog's search index (store) and the van stock's filter (ui) take a
// part's names from here alone: a French reader's "pompe" finds the part
// in both, whatever language the app is in.
func (p Part) SearchNames() (en, zh, others string) {
	en, zh = Fold(p.NameEN), Fold(p.NameZH)
	if len(p.Names) == 0 {
		return en, zh, ""
	}
	tags := make([]string, 0, len(p.Names))
	for tag := range p.Names {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	var b strings.Builder
	for _, tag := range tags {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(Fold(p.Names[tag]))
	}
	return en, zh, b.String()
}

// Validate checks a catalog entry.
func (p *Part) Validate() error {
	switch {
	case strings.TrimSpace(string(p.Number)) == "" || !ValidID(string(p.Number)):
		return Errorf(EINVALID, "part.invalid.number", "The part has no valid part number (1 to 128 characters).")
	case strings.TrimSpace(p.NameEN) == "" && strings.TrimSpace(p.NameZH) == "":
		return Errorf(EINVALID, "part.invalid.name", "Part {{.Number}} has no name.", "Number", string(p.Number))
	case !p.Class.Valid():
		return Errorf(EINVALID, "part.invalid.class", "Part {{.Number}} has unknown component class {{.Class}}: use unit, main, battery or accessory.", "Number", string(p.Number), "Class", string(p.Class))
	}
	for _, f := range [][2]string{{"name_en", p.NameEN}, {"name_zh", p.NameZH}, {"category", p.Category}, {"brand", p.Brand}} {
		if err := checkName(f[0], f[1]); err != nil {
			return err
		}
	}
	if err := checkNames("names", p.Names, func(detail string) error {
		return Errorf(EINVALID, "part.invalid.names", "Part {{.Number}} has a bad name in another language: {{.Detail}}. Fix it and send it again.", "Number", string(p.Number), "Detail", detail)
	}); err != nil {
		return err
	}
	if err := tooMany("models", len(p.Models)); err != nil {
		return err
	}
	for _, m := range p.Models {
		if err := checkName("models", m); err != nil {
			return err
		}
	}
	if err := tooMany("prices", len(p.Prices)); err != nil {
		return err
	}
	for _, m := range p.Prices {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// LocationKind says what a stock location is.
type LocationKind string

const (
	LocationVan       LocationKind = "van"
	LocationStore     LocationKind = "store"
	LocationWarehouse LocationKind = "warehouse"
	LocationDefective LocationKind = "defective" // parts awaiting return to the brand
)

// LocationKinds lists the kinds of stock location.
var LocationKinds = []LocationKind{LocationVan, LocationStore, LocationWarehouse, LocationDefective}

// Valid reports whether k is a known location kind.
func (k LocationKind) Valid() bool {
	for _, x := range LocationKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Location is a place that holds stock.
type Location struct {
	ID    LocationID   `json:"id"`
	Kind  LocationKind `json:"kind"`
	Name  string       `json:"name"`
	Owner string       `json:"owner,omitempty"` // technician or store that uses it
	// LeadWeeks is how many weeks a replenishment takes to arrive here,
	// MinLeadWeeks to MaxLeadWeeks, set by the office for a location its
	// kind's default does not fit (an overseas store supplied by sea);
	// 0 is the kind's default. Only the service's stock-level proposals
	// read it.
	LeadWeeks int `json:"lead_weeks,omitempty"`
}

// The bounds of a location's LeadWeeks: a week is the shortest review the
// proposals make, and half a year is past any sea freight and customs
// delay, so a larger number is a typo.
const (
	MinLeadWeeks = 1
	MaxLeadWeeks = 26
)

// ErrLeadWeeks is the refusal of a lead time outside MinLeadWeeks to
// MaxLeadWeeks, or not a whole number, at location id.
func ErrLeadWeeks(id LocationID) *Error {
	return Errorf(EINVALID, "location.invalid.lead_weeks", "Give the lead time as a whole number of weeks from {{.Min}} to {{.Max}}, or leave it empty for the usual lead time of the location's kind.",
		"ID", string(id), "Min", MinLeadWeeks, "Max", MaxLeadWeeks)
}

// ParseLeadWeeks reads the lead time of location id as the office types
// it in a form: empty (or blank) is 0, the kind's default; else a whole
// number from MinLeadWeeks to MaxLeadWeeks, in ASCII digits or the
// full-width ones a Chinese input method types ("６"). A typed 0 is
// refused rather than read as "the default": someone who typed it meant
// a number, and the empty field is the way to ask for the default.
func ParseLeadWeeks(id LocationID, s string) (int, error) {
	s = strings.TrimSpace(strings.Map(narrow, s))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < MinLeadWeeks || n > MaxLeadWeeks {
		return 0, ErrLeadWeeks(id)
	}
	return n, nil
}

// Validate checks a stock location.
func (l *Location) Validate() error {
	switch {
	case !ValidID(string(l.ID)):
		return Errorf(EINVALID, "location.invalid.id", "A stock location needs an ID of 1 to {{.Max}} characters without control characters.", "Max", MaxIDLen)
	case !l.Kind.Valid():
		return Errorf(EINVALID, "location.invalid.kind", "Stock location {{.ID}} has unknown kind {{.Kind}}: use van, store, warehouse or defective.", "ID", string(l.ID), "Kind", string(l.Kind))
	case strings.TrimSpace(l.Name) == "":
		return Errorf(EINVALID, "location.invalid.name", "Give stock location {{.ID}} a name.", "ID", string(l.ID))
	case l.Owner != "" && !ValidID(l.Owner):
		return Errorf(EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", "owner", "Max", MaxIDLen)
	case l.LeadWeeks != 0 && (l.LeadWeeks < MinLeadWeeks || l.LeadWeeks > MaxLeadWeeks):
		return ErrLeadWeeks(l.ID)
	}
	return checkName("name", l.Name)
}

// MovementKind is the kind of a stock ledger entry.
type MovementKind string

const (
	MoveReceive         MovementKind = "receive"          // stock arrives at a location
	MoveConsume         MovementKind = "consume"          // fitted on a ticket
	MoveReturnDefective MovementKind = "return_defective" // removed part sent back
	MoveTransfer        MovementKind = "transfer"         // from one location to another
	MoveAdjust          MovementKind = "adjust"           // count correction (signed)
	MoveShip            MovementKind = "ship"             // leaves for a shipment: in transit, in no location
)

// OpeningReason is the reason of a first pull's opening adjustment that
// no movement's own reason or ticket names (PROTOCOL.md, Pull): it says
// nothing about the units, so a device shows it as no note.
const OpeningReason = "opening balance"

// StockMovement is one immutable ledger entry. Balances are sums of
// movements, never stored counts, so concurrent movements from several
// devices merge without losing any.
type StockMovement struct {
	ID       string       `json:"id"` // device-minted UUID; makes replays idempotent
	Kind     MovementKind `json:"kind"`
	Part     PartNumber   `json:"part"`
	From     LocationID   `json:"from,omitempty"` // decreased
	To       LocationID   `json:"to,omitempty"`   // increased
	Qty      int          `json:"qty"`            // 1 to MaxQty, except adjust which is signed and uses To
	Serial   string       `json:"serial,omitempty"`
	Ticket   TicketID     `json:"ticket,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	At       time.Time    `json:"at"`
	Recorded string       `json:"recorded_by,omitempty"`
	// Shipment names the shipment a ship or receive movement belongs to,
	// or, on a first pull's opening in a defective bin, the parcel its
	// units arrived damaged in.
	Shipment string `json:"shipment,omitempty"`
	// Source is, on a first pull's opening in a defective bin, the kind of
	// the movement its units arrived with: transfer for units a technician
	// reported damaged (StockReport), which name no ticket or parcel, so
	// that a device that never saw the report still names it by its
	// reason, reporter (Recorded) and time. Empty on any other movement.
	Source MovementKind `json:"source,omitempty"`
}

// Validate checks a movement's shape against its kind.
func (m *StockMovement) Validate() error {
	bad := func(msg string) error {
		return Errorf(EINVALID, "stock.invalid", "Invalid stock movement: {{.Why}}.", "Why", msg)
	}
	switch {
	case m.ID == "":
		return bad("no ID")
	case !ValidID(m.ID) || !ValidID(string(m.Part)) || m.From != "" && !ValidID(string(m.From)) || m.To != "" && !ValidID(string(m.To)):
		return bad("an ID is longer than 128 characters or holds control characters")
	case m.Part == "":
		return bad("no part number")
	case m.Qty > MaxQty || m.Qty < -MaxQty:
		return Errorf(EINVALID, "stock.qty_out_of_range", "A stock movement moves at most {{.Max}} units; split larger counts.", "Max", MaxQty)
	case m.Shipment != "" && !ValidID(m.Shipment):
		return bad("the shipment ID is longer than 128 characters or holds control characters")
	case m.Source != "" && (m.Kind != MoveAdjust || !m.Source.valid()):
		return bad("only an opening adjustment names the kind of movement it stands for, one of the known kinds")
	case CheckTextLen("serial", m.Serial, MaxIDLen) != nil || CheckTextLen("reason", m.Reason, MaxReasonLen) != nil || CheckTextLen("recorded", m.Recorded, MaxNameLen) != nil || m.Ticket != "" && !ValidID(string(m.Ticket)):
		return bad("the serial, reason, ticket or recorder is too long or not UTF-8 text")
	case m.Kind == MoveAdjust:
		if m.Qty == 0 || m.To == "" || m.From != "" {
			return bad("an adjustment needs a non-zero quantity and one location")
		}
		if strings.TrimSpace(m.Reason) == "" {
			return Errorf(EINVALID, "stock.adjust_needs_reason", "Give a reason for the count adjustment.")
		}
		return nil
	case m.Qty <= 0:
		return bad("quantity must be positive")
	}
	switch m.Kind {
	case MoveReceive:
		if m.To == "" || m.From != "" {
			return bad("receiving needs a destination only")
		}
	case MoveConsume:
		if m.From == "" || m.To != "" || m.Ticket == "" {
			return bad("consuming needs a source location and a ticket")
		}
	case MoveReturnDefective:
		// The removed part enters the defective bin; it never was sellable stock.
		if m.To == "" || m.From != "" {
			return bad("a defective return needs the defective bin as destination only")
		}
	case MoveShip:
		if m.From == "" || m.To != "" || m.Shipment == "" {
			return bad("shipping needs a source location and its shipment")
		}
	case MoveTransfer:
		if m.From == "" || m.To == "" || m.From == m.To {
			return bad("a transfer needs two different locations")
		}
	default:
		return bad("unknown kind " + string(m.Kind))
	}
	return nil
}

// valid reports whether k is a known movement kind.
func (k MovementKind) valid() bool {
	switch k {
	case MoveReceive, MoveConsume, MoveReturnDefective, MoveTransfer, MoveAdjust, MoveShip:
		return true
	}
	return false
}

// Delta returns how the movement changes the balance of part at loc.
func (m StockMovement) Delta(loc LocationID) int {
	switch {
	case m.Kind == MoveAdjust && m.To == loc:
		return m.Qty
	case m.Kind == MoveAdjust:
		return 0
	}
	d := 0
	if m.To == loc {
		d += m.Qty
	}
	if m.From == loc {
		d -= m.Qty
	}
	return d
}

// Balance is the quantity of one part at one location.
type Balance struct {
	Part     PartNumber `json:"part"`
	Location LocationID `json:"location"`
	Qty      int        `json:"qty"`
	Pending  int        `json:"pending"` // of Qty, the part still only in the local outbox
}

// PartFilter searches the catalog. Query matches part-number prefixes and
// words in either language; Model restricts to compatible parts.
type PartFilter struct {
	Query string
	Model string
	Limit int
}

package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Shipments: parts on their way between locations. A supply shipment
// brings parts (often requested ones) from a warehouse to a van or store; a
// return shipment takes defective parts from a defective bin to a
// warehouse or the brand. Shipping takes the parts out of the sender's
// stock (ship movements); receiving puts what was actually counted into
// the receiver's (receive movements), what arrived damaged into its
// defective bin, and records any difference from what was shipped instead
// of adjusting it away.
func init() {
	register("shipment.send", 1, func(string) Command { return &SendShipment{} })
	// Version 2 adds the damaged units; version 1, what devices sent
	// before, stays accepted for as long as one may be offline with it.
	register("shipment.receive", 1, func(string) Command { return &ReceiveShipment{v1: true} })
	register("shipment.receive", 2, func(string) Command { return &ReceiveShipment{} })
}

// ShipmentKind says what a shipment is for.
type ShipmentKind string

const (
	ShipmentSupply ShipmentKind = "supply" // parts to a van or store
	ShipmentReturn ShipmentKind = "return" // defective parts back to a warehouse or the brand
)

// Valid reports whether k is a known shipment kind.
func (k ShipmentKind) Valid() bool { return k == ShipmentSupply || k == ShipmentReturn }

// ShipmentState is where a shipment stands.
type ShipmentState string

const (
	ShipmentInTransit ShipmentState = "in_transit"
	ShipmentReceived  ShipmentState = "received"
)

// MaxShipmentLines bounds a shipment's lines (and a receipt's).
const MaxShipmentLines = 200

// ShipmentLine is one part in a shipment.
type ShipmentLine struct {
	Part    PartNumber `json:"part"`
	Qty     int        `json:"qty"`              // 1 to MaxQty
	Serial  string     `json:"serial,omitempty"` // a serialized part's, one unit per line
	Request string     `json:"request,omitempty"`
	Ticket  TicketID   `json:"ticket,omitempty"` // the request's ticket, or the ticket a defective part came off
	Claim   string     `json:"claim,omitempty"`  // the warranty claim a returned part belongs to
}

// ReceiptLine is one part counted out of a shipment on arrival.
type ReceiptLine struct {
	Part   PartNumber `json:"part"`
	Qty    int        `json:"qty"`
	Serial string     `json:"serial,omitempty"`
	// Damaged is how many of Qty arrived damaged (0 to Qty): they enter
	// the receipt's Defective bin, to be shipped back, never sellable
	// stock. Note says what was wrong with them (at most MaxNameLen).
	Damaged int    `json:"damaged,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Sound is how many of the line's units arrived fit to use.
func (l ReceiptLine) Sound() int { return l.Qty - l.Damaged }

// Receipt is what arrived.
type Receipt struct {
	ID    string        `json:"id"`
	Lines []ReceiptLine `json:"lines"`
	Note  string        `json:"note,omitempty"`
	At    time.Time     `json:"at"`
	By    string        `json:"by,omitempty"`
	// Defective is the defective bin the damaged units enter: one of the
	// receiving location's owner. Needed when a line has damaged units.
	Defective LocationID `json:"defective,omitempty"`
	// Differences are set by the receipt's Apply: what arrived against
	// what shipped. The office settles them; nothing is adjusted away.
	Differences []Difference `json:"differences,omitempty"`
}

// DifferenceKind names how a received part differs from the shipment.
type DifferenceKind string

const (
	DifferenceShort DifferenceKind = "short" // fewer arrived than shipped
	DifferenceExtra DifferenceKind = "extra" // more arrived than shipped of a shipped part
	DifferenceWrong DifferenceKind = "wrong" // a part that was not shipped arrived
	// DifferenceDamaged: some units of a part arrived damaged (Damaged of
	// Received); it follows the part's count difference, if any.
	DifferenceDamaged DifferenceKind = "damaged"
)

// Difference is one part whose count on arrival differs from the shipment.
type Difference struct {
	Kind     DifferenceKind `json:"kind"`
	Part     PartNumber     `json:"part"`
	Shipped  int            `json:"shipped"`
	Received int            `json:"received"`
	Damaged  int            `json:"damaged,omitempty"` // of Received; a damaged difference's
}

// Shipment is parts on their way from one location to another.
type Shipment struct {
	ID       string         `json:"id"`
	Kind     ShipmentKind   `json:"kind"`
	From     LocationID     `json:"from"`
	To       LocationID     `json:"to"`
	Carrier  string         `json:"carrier,omitempty"`
	Tracking string         `json:"tracking,omitempty"`
	Lines    []ShipmentLine `json:"lines"`
	Note     string         `json:"note,omitempty"`
	State    ShipmentState  `json:"state"`
	At       time.Time      `json:"at"` // shipped
	By       string         `json:"by,omitempty"`
	Receipt  *Receipt       `json:"receipt,omitempty"`
}

// Validate checks a shipment's shape, whatever its state.
func (s Shipment) Validate() error {
	for _, f := range [][2]string{{"shipment.id", s.ID}, {"shipment.from", string(s.From)}, {"shipment.to", string(s.To)}} {
		if err := required(f[0], f[1]); err != nil {
			return err
		}
	}
	switch {
	case !s.Kind.Valid():
		return Errorf(EINVALID, "shipment.bad_kind", "Unknown shipment kind {{.Kind}}: use supply or return.", "Kind", string(s.Kind))
	case s.From == s.To:
		return Errorf(EINVALID, "shipment.same_location", "A shipment goes from one location to another; choose a different destination.")
	case len(s.Lines) == 0:
		return Errorf(EINVALID, "shipment.no_lines", "Add at least one part to the shipment.")
	case len(s.Lines) > MaxShipmentLines:
		return Errorf(EINVALID, "shipment.too_many_lines", "A shipment holds at most {{.Max}} lines; split it.", "Max", MaxShipmentLines)
	case s.State != ShipmentInTransit && s.State != ShipmentReceived:
		return Errorf(EINVALID, "shipment.bad_state", "Unknown shipment state {{.State}}; update the app.", "State", string(s.State))
	}
	for _, f := range [][2]string{{"shipment.carrier", s.Carrier}, {"shipment.tracking", s.Tracking}, {"shipment.by", s.By}} {
		if err := checkName(f[0], f[1]); err != nil {
			return err
		}
	}
	if err := tooLong("shipment.note", s.Note, MaxReasonLen); err != nil {
		return err
	}
	for i, l := range s.Lines {
		if err := l.validate(i); err != nil {
			return err
		}
	}
	if s.Receipt != nil {
		return s.Receipt.validate()
	}
	return nil
}

func (l ShipmentLine) validate(i int) error {
	field := "shipment.lines[" + strconv.Itoa(i) + "]"
	if err := required(field+".part", string(l.Part)); err != nil {
		return err
	}
	if l.Qty < 1 || l.Qty > MaxQty {
		return Errorf(EINVALID, "shipment.bad_qty", "Each line ships 1 to {{.Max}} units.", "Max", MaxQty)
	}
	if l.Serial != "" && l.Qty != 1 {
		return Errorf(EINVALID, "stock.serial_qty", "A serialized part is fitted one at a time.")
	}
	for _, f := range [][2]string{{".request", l.Request}, {".ticket", string(l.Ticket)}, {".claim", l.Claim}, {".serial", l.Serial}} {
		if f[1] != "" {
			if err := checkID(field+f[0], f[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r Receipt) validate() error {
	if err := required("receipt.id", r.ID); err != nil {
		return err
	}
	if len(r.Lines) > MaxShipmentLines {
		return Errorf(EINVALID, "shipment.too_many_lines", "A shipment holds at most {{.Max}} lines; split it.", "Max", MaxShipmentLines)
	}
	for i, l := range r.Lines {
		if err := required("receipt.lines["+strconv.Itoa(i)+"].part", string(l.Part)); err != nil {
			return err
		}
		if l.Qty < 1 || l.Qty > MaxQty {
			return Errorf(EINVALID, "shipment.bad_qty", "Each line ships 1 to {{.Max}} units.", "Max", MaxQty)
		}
		if l.Serial != "" {
			if err := checkID("receipt.lines.serial", l.Serial); err != nil {
				return err
			}
		}
		if l.Damaged < 0 || l.Damaged > l.Qty {
			return Errorf(EINVALID, "shipment.bad_damaged", "{{.Part}}: {{.Damaged}} damaged of {{.Qty}} counted; the damaged units are some of those counted, 0 to {{.Qty}}.", "Part", string(l.Part), "Damaged", l.Damaged, "Qty", l.Qty)
		}
		if err := checkName("receipt.lines.note", l.Note); err != nil {
			return err
		}
		if l.Damaged > 0 && r.Defective == "" {
			return Errorf(EINVALID, "shipment.damaged_needs_bin", "Damaged parts go to a defective bin: name the bin of the location receiving them.")
		}
	}
	if r.Defective != "" {
		if err := checkID("receipt.defective", string(r.Defective)); err != nil {
			return err
		}
	}
	if err := checkName("receipt.by", r.By); err != nil {
		return err
	}
	return tooLong("receipt.note", r.Note, MaxReasonLen)
}

// damage reports whether the receipt uses what version 2 added: damaged
// units, their notes, a defective bin.
func (r Receipt) damage() bool {
	return r.Defective != "" || slices.ContainsFunc(r.Lines, func(l ReceiptLine) bool { return l.Damaged != 0 || l.Note != "" })
}

// Differences compares what arrived with what shipped, per part number, in
// the shipment's order and then the receipt's: a part's count difference,
// then its damaged units. A damaged unit arrived: it counts as received.
func Differences(shipped []ShipmentLine, received []ReceiptLine) []Difference {
	var order []PartNumber
	sent := map[PartNumber]int{}
	got := map[PartNumber]int{}
	damaged := map[PartNumber]int{}
	for _, l := range shipped {
		if _, ok := sent[l.Part]; !ok {
			order = append(order, l.Part)
		}
		sent[l.Part] += l.Qty
	}
	for _, l := range received {
		if _, ok := sent[l.Part]; !ok && !slices.Contains(order, l.Part) {
			order = append(order, l.Part)
		}
		got[l.Part] += l.Qty
		damaged[l.Part] += l.Damaged
	}
	var out []Difference
	for _, p := range order {
		s, r := sent[p], got[p]
		switch {
		case s == 0:
			out = append(out, Difference{Kind: DifferenceWrong, Part: p, Received: r})
		case r < s:
			out = append(out, Difference{Kind: DifferenceShort, Part: p, Shipped: s, Received: r})
		case r > s:
			out = append(out, Difference{Kind: DifferenceExtra, Part: p, Shipped: s, Received: r})
		}
		if d := damaged[p]; d > 0 {
			out = append(out, Difference{Kind: DifferenceDamaged, Part: p, Shipped: s, Received: r, Damaged: d})
		}
	}
	return out
}

// SendShipment ships parts: each line leaves the sender's stock at once.
type SendShipment struct {
	Shipment Shipment `json:"shipment"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*SendShipment) MutationName() (string, int)  { return "shipment.send", 1 }
func (c *SendShipment) setMutationAt(at time.Time) { c.MutationAt = at }
func (c *SendShipment) NewRecords() []NewRecord {
	return []NewRecord{{"shipment", c.Shipment.ID}}
}

func (c *SendShipment) Validate() error {
	s := c.Shipment
	if s.State != "" || s.Receipt != nil {
		return Errorf(EINVALID, "shipment.server_fields", "A new shipment may not carry a state or a receipt; update the app.")
	}
	s.State = ShipmentInTransit
	return s.Validate()
}

// Apply ships. Dispatch ships anything; a technician ships only returns,
// from a defective bin of theirs. A line naming a request ships that
// request: it must be approved (a requested one is approved by shipping
// it, from dispatch), be for the shipment's destination, and the line
// must carry the part the request wants.
func (c *SendShipment) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	s := c.Shipment
	if err := needRole(actor, RoleDispatcher, RoleTechnician, RoleSystem); err != nil {
		return err
	}
	from, err := tx.Location(ctx, s.From)
	if err != nil {
		return err
	}
	to, err := tx.Location(ctx, s.To)
	if err != nil {
		return err
	}
	if actor.Role == RoleTechnician {
		if s.Kind != ShipmentReturn || from.Kind != LocationDefective {
			return Errorf(EFORBIDDEN, "shipment.supply_dispatch_only", "Only the office ships parts to a van or store; you can ship defective parts back from your defective bin.")
		}
		if !ownsLocation(actor, from) {
			return notYourLocation(s.From)
		}
	}
	if from.Kind == LocationDefective && s.Kind != ShipmentReturn {
		// So that whatever leaves a defective bin in a shipment is a
		// return on its way to the brand (ShippedReturns counts it).
		return Errorf(EINVALID, "shipment.defective_returns_only", "Parts leave a defective bin only in a return shipment; choose the kind return.")
	}
	if s.Kind == ShipmentReturn && to.Kind == LocationVan {
		return Errorf(EINVALID, "shipment.return_to_van", "Defective parts go back to a warehouse or the brand, not to a van.")
	}
	s.State = ShipmentInTransit
	if s.At.IsZero() {
		s.At = FieldTime(c.MutationAt, now, time.Time{})
	}
	s.By = actor.Name
	for i, l := range s.Lines {
		if _, err := tx.Part(ctx, l.Part); err != nil {
			return err
		}
		if l.Request != "" {
			if err := shipRequest(ctx, tx, actor, s, l, now); err != nil {
				return err
			}
		}
		if err := tx.AddMovement(ctx, StockMovement{
			ID: s.ID + "/" + strconv.Itoa(i+1), Kind: MoveShip, Part: l.Part, From: s.From, Qty: l.Qty,
			Serial: l.Serial, Ticket: l.Ticket, Shipment: s.ID, At: s.At, Recorded: actor.Name,
		}); err != nil {
			return err
		}
	}
	return tx.SaveShipment(ctx, s)
}

func shipRequest(ctx context.Context, tx MutationTx, actor Actor, s Shipment, l ShipmentLine, now time.Time) error {
	r, err := tx.PartRequest(ctx, l.Request)
	if err != nil {
		return err
	}
	switch {
	case r.State != RequestRequested && r.State != RequestApproved:
		return Errorf(ECONFLICT, "shipment.request_not_approved", "Part request for {{.Part}} is {{.State}}; only an approved request ships.", "Part", string(r.Part), "State", string(r.State))
	case r.State == RequestRequested && actor.Role == RoleTechnician:
		return Errorf(EFORBIDDEN, "mutation.forbidden_role", "Only a {{.Role}} may do this.", "Role", string(RoleDispatcher))
	case r.To != s.To:
		return Errorf(EINVALID, "shipment.request_elsewhere", "The request for {{.Part}} is for {{.To}}; ship it there.", "Part", string(r.Part), "To", string(r.To))
	case r.Wanted() != l.Part:
		return Errorf(EINVALID, "shipment.request_other_part", "The request wants part {{.Want}}, not {{.Part}}; approve a substitute first.", "Want", string(r.Wanted()), "Part", string(l.Part))
	case l.Ticket != "" && l.Ticket != r.Ticket:
		return Errorf(EINVALID, "shipment.request_other_ticket", "The request belongs to another ticket.")
	}
	if r.State == RequestRequested {
		r.DecidedBy, r.DecidedAt = actor.Name, now
	}
	r.State = RequestShipped
	r.Shipment = s.ID
	return tx.SavePartRequest(ctx, r)
}

// ReceiveShipment records what arrived. The first receipt of a shipment
// wins; a second (another device of the same store, say) is refused, and
// its count is kept in the conflict.
type ReceiveShipment struct {
	Shipment string  `json:"shipment"`
	Receipt  Receipt `json:"receipt"`
	// v1 is set when decoded as version 1, which knows no damaged units.
	v1 bool
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (c *ReceiveShipment) setMutationAt(at time.Time) { c.MutationAt = at }

// MutationName is version 2 only for a receipt with damaged units: one
// without is the version 1 it always was, which a service not yet
// updated takes too.
func (c *ReceiveShipment) MutationName() (string, int) {
	if c.Receipt.damage() {
		return "shipment.receive", 2
	}
	return "shipment.receive", 1
}

// NewRecords names the receipt: its ID is the stem of the receive
// movements' IDs, so the central service checks it as it checks any new
// record's.
func (c *ReceiveShipment) NewRecords() []NewRecord {
	return []NewRecord{{"receipt", c.Receipt.ID}}
}

func (c *ReceiveShipment) Validate() error {
	if err := required("shipment", c.Shipment); err != nil {
		return err
	}
	if c.Receipt.Differences != nil {
		return Errorf(EINVALID, "shipment.server_fields", "A new shipment may not carry a state or a receipt; update the app.")
	}
	if c.v1 && c.Receipt.damage() {
		// As an unknown field is: version 1 has no damaged units.
		return Errorf(EINVALID, "mutation.bad_args", "Mutation {{.Name}} has malformed arguments: {{.Detail}}.", "Name", "shipment.receive.v1", "Detail", "damaged units, their notes and the defective bin need version 2")
	}
	return c.Receipt.validate()
}

// Apply receives a shipment at its destination: a technician only at a
// location of theirs. What was counted sound enters the destination's
// stock, what was counted damaged its owner's defective bin; differences
// from the shipment are recorded on it; requests on its lines learn how
// much of their part arrived sound, in line order.
func (c *ReceiveShipment) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	if err := needRole(actor, RoleDispatcher, RoleTechnician, RoleSystem); err != nil {
		return err
	}
	s, err := tx.Shipment(ctx, c.Shipment)
	if err != nil {
		return err
	}
	to, err := tx.Location(ctx, s.To)
	if err != nil {
		return err
	}
	if actor.Role == RoleTechnician {
		if !ownsLocation(actor, to) {
			// As "not found": a shipment to someone else's location is
			// none of this technician's business.
			return Errorf(ENOTFOUND, "shipment.not_found", "Shipment {{.ID}} was not found.", "ID", c.Shipment)
		}
	}
	if s.State == ShipmentReceived {
		// Validate does not tie the receipt to the state: a received
		// copy without one still refuses, naming nobody.
		var by string
		if s.Receipt != nil {
			by = s.Receipt.By
		}
		return Errorf(ECONFLICT, "shipment.already_received", "This shipment was already received by {{.By}}; check the stock it added, and tell the office if you hold parts from it too.", "By", by)
	}
	rc := c.Receipt
	if rc.At.IsZero() {
		rc.At = FieldTime(c.MutationAt, now, s.At)
	}
	rc.By = actor.Name
	if err := checkDamagedBin(ctx, tx, actor, to, rc); err != nil {
		return err
	}
	n := 0 // the movements' number: a line's sound units, then its damaged ones
	move := func(l ReceiptLine, qty int, at LocationID, reason string) error {
		n++
		return tx.AddMovement(ctx, StockMovement{
			ID: rc.ID + "/" + strconv.Itoa(n), Kind: MoveReceive, Part: l.Part, To: at, Qty: qty,
			Serial: l.Serial, Reason: reason, Shipment: s.ID, At: rc.At, Recorded: actor.Name,
		})
	}
	for _, l := range rc.Lines {
		if _, err := tx.Part(ctx, l.Part); err != nil {
			return err
		}
		if l.Sound() > 0 {
			if err := move(l, l.Sound(), s.To, ""); err != nil {
				return err
			}
		}
		if l.Damaged > 0 {
			if err := move(l, l.Damaged, rc.Defective, l.Note); err != nil {
				return err
			}
		}
	}
	rc.Differences = Differences(s.Lines, rc.Lines)
	s.Receipt = &rc
	s.State = ShipmentReceived
	if err := tx.SaveShipment(ctx, s); err != nil {
		return err
	}
	return fillRequests(ctx, tx, s, rc, now)
}

// checkDamagedBin checks the bin a receipt's damaged units enter: a
// defective bin of the receiving location's owner, so that they wait
// there to be shipped back with the other defective parts.
func checkDamagedBin(ctx context.Context, tx MutationTx, actor Actor, to Location, rc Receipt) error {
	if !slices.ContainsFunc(rc.Lines, func(l ReceiptLine) bool { return l.Damaged > 0 }) {
		return nil
	}
	bin, err := tx.Location(ctx, rc.Defective)
	if err != nil {
		return err
	}
	switch {
	case actor.Role == RoleTechnician && !ownsLocation(actor, bin):
		return notYourLocation(bin.ID)
	case bin.Kind != LocationDefective || bin.Owner != to.Owner:
		return Errorf(EINVALID, "shipment.damaged_not_its_bin", "{{.Bin}} is not the defective bin of {{.To}}: damaged parts go to the defective bin of the location receiving them.", "Bin", bin.Name, "To", to.Name)
	}
	return nil
}

// fillRequests hands the sound units of each part to the shipment's
// requests in line order: a part that arrived damaged does not fill one,
// which becomes short, and the receipt's differences say why.
func fillRequests(ctx context.Context, tx MutationTx, s Shipment, rc Receipt, now time.Time) error {
	left := map[PartNumber]int{}
	for _, l := range rc.Lines {
		left[l.Part] += l.Sound()
	}
	for _, l := range s.Lines {
		if l.Request == "" {
			continue
		}
		r, err := tx.PartRequest(ctx, l.Request)
		if err != nil {
			return err
		}
		if r.Shipment != s.ID || r.State != RequestShipped {
			continue // cancelled or re-shipped meanwhile by the office
		}
		got := min(left[l.Part], l.Qty, r.Qty-r.Received)
		left[l.Part] -= got
		r.Received += got
		r.ReceivedAt = rc.At
		if r.Received >= r.Qty {
			r.State = RequestReceived
		} else {
			r.State = RequestShort
		}
		if err := tx.SavePartRequest(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// Label is the text a label or packing list names a shipment by: its
// tracking number when it has one, else its ID.
func (s Shipment) Label() string {
	if t := strings.TrimSpace(s.Tracking); t != "" {
		return t
	}
	return s.ID
}

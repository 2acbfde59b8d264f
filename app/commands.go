package app

import (
	"context"
	"strings"
	"time"
)

// The v1 mutations. Each type's JSON is its wire form: field names are part
// of the protocol and must not change; a change of meaning is a new version.
func init() {
	register("ticket.create", 1, func(string) Command { return &CreateTicket{} })
	register("ticket.assign", 1, func(string) Command { return &AssignTicket{} })
	register("ticket.schedule", 1, func(string) Command { return &ScheduleTicket{} })
	register("ticket.update", 1, func(string) Command { return &UpdateTicket{} })
	for _, a := range Actions {
		register("ticket."+string(a), 1, func(name string) Command {
			return &TransitionTicket{Action: Action(strings.TrimPrefix(name, "ticket."))}
		})
	}
	register("repair.log", 1, func(string) Command { return &LogRepair{} })
	register("stock.consume", 1, func(string) Command { return &ConsumePart{} })
	register("stock.return_defective", 1, func(string) Command { return &ReturnDefective{} })
	register("stock.receive", 1, func(string) Command { return &MoveStock{Kind: MoveReceive} })
	register("stock.transfer", 1, func(string) Command { return &MoveStock{Kind: MoveTransfer} })
	register("stock.adjust", 1, func(string) Command { return &MoveStock{Kind: MoveAdjust} })
	register("photo.attach", 1, func(string) Command { return &AttachPhoto{} })
	register("note.add", 1, func(string) Command { return &AddNote{} })
}

// required checks a required identifier (every caller passes an ID or a
// reference to one): present, and a valid ID.
func required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return Errorf(EINVALID, "mutation.missing_field", "Missing required field {{.Field}}.", "Field", field)
	}
	return checkID(field, value)
}

// checkID refuses IDs that are too long or hold control characters: IDs
// travel in sync cursors, file names and URLs.
func checkID(field, value string) error {
	if !ValidID(value) {
		return Errorf(EINVALID, "mutation.bad_id", "{{.Field}} must be 1 to {{.Max}} characters without control characters.", "Field", field, "Max", MaxIDLen)
	}
	return nil
}

func needRole(actor Actor, roles ...Role) error {
	for _, r := range roles {
		if actor.Role == r {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "mutation.forbidden_role", "Only a {{.Role}} may do this.", "Role", string(roles[0]))
}

// ticketInScope loads a ticket a technician records work on and applies
// the ticket-scope rule (CheckTicketScope) as a side holding the ticket:
// the device's copy holds only tickets that are or were in its scopes, and
// the central service has run the rule with its own knowledge before
// Apply.
func ticketInScope(ctx context.Context, tx MutationTx, actor Actor, id TicketID) (Ticket, error) {
	t, err := tx.Ticket(ctx, id)
	if err != nil {
		return Ticket{}, err
	}
	if err := CheckTicketScope(actor, t, func() (TicketPast, error) { return PastHeld, nil }); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// CreateTicket opens a ticket: a dispatcher's work order or a counter's
// check-in of a carried-in device.
type CreateTicket struct {
	Ticket Ticket `json:"ticket"`
}

func (*CreateTicket) MutationName() (string, int) { return "ticket.create", 1 }

func (c *CreateTicket) Validate() error {
	t := c.Ticket
	if t.Status == "" {
		t.Status = StatusAssigned
	}
	if t.Priority == 0 {
		t.Priority = PriorityNormal
	}
	if err := t.Validate(); err != nil {
		return err
	}
	// Fields the applying side sets or an import fills: bounded here, so
	// that no field of a new ticket is bounded only by the mutation's
	// size (TestWorstCaseArgsFit).
	if t.ClosedBalance != nil {
		if err := t.ClosedBalance.Validate(); err != nil {
			return err
		}
	}
	return checkLens(lenOf{"ticket.country", t.Country, MaxNameLen}, lenOf{"ticket.technician", string(t.Technician), MaxIDLen},
		lenOf{"ticket.store", string(t.Store), MaxIDLen}, lenOf{"ticket.epoch_by", t.EpochBy, MaxNameLen},
		lenOf{"ticket.unpaid_reason", t.UnpaidReason, MaxReasonLen})
}

func (c *CreateTicket) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t := c.Ticket
	if _, err := tx.Ticket(ctx, t.ID); err == nil {
		return Errorf(ECONFLICT, "ticket.exists", "Ticket {{.Number}} already exists.", "Number", t.Number)
	} else if ErrorCode(err) != ENOTFOUND {
		return err
	}
	if actor.Role == RoleTechnician {
		// A counter or field technician opens tickets for themselves, and
		// at most for their own store: the store scope is pulled by every
		// device of that store.
		if t.Store != "" && t.Store != actor.Store {
			return Errorf(EFORBIDDEN, "ticket.store_not_yours", "You can open tickets only for your own store; ask dispatch to open this one for store {{.Store}}.", "Store", string(t.Store))
		}
		t.Technician = actor.Technician
	}
	// The customer's phone and address are checked as an edit checks
	// them, for every writer but the system: dispatch's accept_ours of
	// a ticket a device opened before the rule was (its conflict holds
	// it) applies it as it was.
	if actor.Role != RoleSystem {
		if err := CheckNewCustomer(t.Kind, t.Customer); err != nil {
			return err
		}
	}
	t.Status = StatusAssigned
	if t.Priority == 0 {
		t.Priority = PriorityNormal
	}
	t.Epoch = 1
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.UpdatedAt = now
	return tx.SaveTicket(ctx, t)
}

// AssignTicket (re)assigns a ticket to a technician or store. It bumps the
// assignment epoch, so work done on a stale assignment is caught.
type AssignTicket struct {
	Ticket     TicketID     `json:"ticket"`
	Technician TechnicianID `json:"technician"`
	Store      StoreID      `json:"store,omitempty"`
}

func (*AssignTicket) MutationName() (string, int) { return "ticket.assign", 1 }

func (c *AssignTicket) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if c.Technician == "" && c.Store == "" {
		return Errorf(EINVALID, "ticket.assign_needs_target", "Choose a technician or a store.")
	}
	return checkLens(lenOf{"technician", string(c.Technician), MaxIDLen}, lenOf{"store", string(c.Store), MaxIDLen})
}

func (c *AssignTicket) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	if err := needRole(actor, RoleDispatcher, RoleSystem); err != nil {
		return err
	}
	t, err := tx.Ticket(ctx, c.Ticket)
	if err != nil {
		return err
	}
	if !MayReassign(t) {
		return Errorf(ECONFLICT, "ticket.assign_closed", "Ticket {{.Number}} is {{.Status}} and cannot be reassigned.", "Number", t.Number, "Status", string(t.Status))
	}
	t.Technician, t.Store = c.Technician, c.Store
	t.Epoch++
	t.EpochBy = actor.Name
	t.Status = StatusAssigned // a new assignee starts from the beginning
	t.UpdatedAt = now
	return tx.SaveTicket(ctx, t)
}

// ScheduleTicket sets the appointment window, SLA targets and priority.
type ScheduleTicket struct {
	Ticket      TicketID  `json:"ticket"`
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	RespondBy   time.Time `json:"respond_by,omitzero"`
	ResolveBy   time.Time `json:"resolve_by,omitzero"`
	Priority    Priority  `json:"priority,omitempty"`
}

func (*ScheduleTicket) MutationName() (string, int) { return "ticket.schedule", 1 }

func (c *ScheduleTicket) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if c.WindowStart.IsZero() || !c.WindowEnd.After(c.WindowStart) {
		return Errorf(EINVALID, "ticket.bad_window", "The appointment must end after it starts.")
	}
	if c.Priority != 0 && (c.Priority < PriorityUrgent || c.Priority > PriorityLow) {
		return Errorf(EINVALID, "ticket.invalid.priority", "Priority must be 1 to 4.")
	}
	return nil
}

func (c *ScheduleTicket) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	if err := needRole(actor, RoleDispatcher, RoleSystem); err != nil {
		return err
	}
	t, err := tx.Ticket(ctx, c.Ticket)
	if err != nil {
		return err
	}
	if !MayReassign(t) {
		return Errorf(ECONFLICT, "ticket.schedule_closed", "Ticket {{.Number}} is {{.Status}} and cannot be rescheduled.", "Number", t.Number, "Status", string(t.Status))
	}
	t.WindowStart, t.WindowEnd = c.WindowStart, c.WindowEnd
	if !c.RespondBy.IsZero() {
		t.RespondBy = c.RespondBy
	}
	if !c.ResolveBy.IsZero() {
		t.ResolveBy = c.ResolveBy
	}
	if c.Priority != 0 {
		t.Priority = c.Priority
	}
	t.UpdatedAt = now
	return tx.SaveTicket(ctx, t)
}

// TicketFields are the ticket fields a technician may edit. Nil fields are
// left alone. Diagnosis, resolution, condition, labour and device details
// are the technician's; customer phone and address are shared with
// dispatch (see docs/SYNC-DESIGN.md, "Policies per entity").
type TicketFields struct {
	Diagnosis       *string     `json:"diagnosis,omitempty"`
	ResolutionCode  *Resolution `json:"resolution_code,omitempty"`
	Condition       *Condition  `json:"condition,omitempty"`
	LabourMinutes   *int        `json:"labour_minutes,omitempty"`
	Serial          *string     `json:"serial,omitempty"`
	PurchaseDate    *time.Time  `json:"purchase_date,omitempty"`
	ProofOfPurchase *string     `json:"proof_of_purchase,omitempty"`
	ManufactureDate *time.Time  `json:"manufacture_date,omitempty"`
	CustomerPhone   *string     `json:"customer_phone,omitempty"`
	CustomerAddress *string     `json:"customer_address,omitempty"`
	// PromisedAt moves (or, zero, withdraws) the date promised to the
	// customer: the counter's when the repair runs late, or dispatch's.
	PromisedAt *time.Time `json:"promised_at,omitempty"`
}

// UpdateTicket edits fields. Base holds the values the device saw, for the
// server's three-way merge.
type UpdateTicket struct {
	Ticket TicketID     `json:"ticket"`
	Set    TicketFields `json:"set"`
	Base   TicketFields `json:"base"`
}

func (*UpdateTicket) MutationName() (string, int) { return "ticket.update", 1 }

func (c *UpdateTicket) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	s := c.Set
	if s == (TicketFields{}) {
		return Errorf(EINVALID, "ticket.update_empty", "Nothing to change.")
	}
	// Every writer of a shared field says what it showed, so the server
	// can tell a considered change from one that overwrites a value its
	// writer never saw.
	for _, f := range c.shared() {
		if f.set != nil && f.base == nil {
			return Errorf(EINVALID, "ticket.update_needs_base", "Send the value of {{.Field}} you showed as base, so a change made meanwhile is not overwritten unseen.", "Field", f.name)
		}
	}
	// The customer's phone is checked where every writer's update runs,
	// the terminal's, the service's for a device's push and dispatch's
	// alike; the address needs the ticket's kind (Apply).
	if s.CustomerPhone != nil {
		if _, err := CheckCustomerPhone(*s.CustomerPhone); err != nil {
			return err
		}
	}
	if s.ResolutionCode != nil && *s.ResolutionCode != "" && !s.ResolutionCode.Valid() {
		return Errorf(EINVALID, "ticket.invalid.resolution", "Unknown resolution code {{.Code}}.", "Code", string(*s.ResolutionCode))
	}
	if s.LabourMinutes != nil && (*s.LabourMinutes < 0 || *s.LabourMinutes > 14*24*60) {
		return Errorf(EINVALID, "ticket.invalid.labour", "Labour must be between 0 and 20160 minutes.")
	}
	if err := s.checkLen(""); err != nil {
		return err
	}
	// The base is what the device showed of the ticket, so it holds to
	// the ticket's bounds too: no field of an update goes unbounded
	// (docs/PROTOCOL.md, "Bounds": a record within its fields' bounds is
	// never refused for its size).
	return c.Base.checkLen("base.")
}

// checkLen refuses a text of f over the bound the ticket's own field has
// (Ticket.Validate).
func (f TicketFields) checkLen(prefix string) error {
	var resolution, accessories, notes *string
	if f.ResolutionCode != nil {
		resolution = (*string)(f.ResolutionCode)
	}
	if f.Condition != nil {
		accessories, notes = &f.Condition.Accessories, &f.Condition.Notes
	}
	for _, x := range []struct {
		name string
		v    *string
		max  int
	}{{"diagnosis", f.Diagnosis, MaxTextLen}, {"serial", f.Serial, MaxTextLen}, {"proof_of_purchase", f.ProofOfPurchase, MaxTextLen},
		{"customer_phone", f.CustomerPhone, MaxTextLen}, {"customer_address", f.CustomerAddress, MaxTextLen},
		{"condition.accessories", accessories, MaxTextLen}, {"condition.notes", notes, MaxTextLen}, {"resolution_code", resolution, MaxNameLen}} {
		if x.v != nil {
			if err := tooLong(prefix+x.name, *x.v, x.max); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *UpdateTicket) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Ticket)
	if err != nil {
		return err
	}
	if !TicketEditable(t) {
		return Errorf(ECONFLICT, "ticket.update_closed", "Ticket {{.Number}} is {{.Status}}; it can no longer be edited.", "Number", t.Number, "Status", string(t.Status))
	}
	if c.Set.CustomerAddress != nil {
		if _, err := CheckCustomerAddress(t.Kind, *c.Set.CustomerAddress); err != nil {
			return err
		}
	}
	c.Set.applyTo(&t)
	// The ticket's own rule (Validate, which SaveTicket applies too),
	// against when the ticket was opened, not the applying side's clock:
	// a device whose clock is days behind took the opening day's invoice
	// for one "after the ticket was opened", which the service accepts.
	// Only a ticket that does not say when it was opened is bounded by
	// the change's time, which its opening preceded.
	opened := t.CreatedAt
	if opened.IsZero() {
		opened = now
	}
	if PurchaseAfterOpening(t.Product.PurchaseDate, opened) {
		return errPurchaseAfterOpening()
	}
	if err := CheckPromise(t.CreatedAt, t.PromisedAt); err != nil {
		return err
	}
	t.UpdatedAt = now
	return tx.SaveTicket(ctx, t)
}

// Shared ticket fields, as named in conflicts.
const (
	FieldCustomerPhone   = "customer_phone"
	FieldCustomerAddress = "customer_address"
)

type sharedField struct {
	name      string
	set, base *string
	current   func(Ticket) string
}

func (c *UpdateTicket) shared() []sharedField {
	return []sharedField{
		{FieldCustomerPhone, c.Set.CustomerPhone, c.Base.CustomerPhone, func(t Ticket) string { return t.Customer.Phone }},
		{FieldCustomerAddress, c.Set.CustomerAddress, c.Base.CustomerAddress, func(t Ticket) string { return t.Customer.Address }},
	}
}

// SharedSet lists the shared fields c sets (FieldCustomerPhone,
// FieldCustomerAddress) with the values it writes, in that order.
func (c *UpdateTicket) SharedSet() []FieldValue {
	var out []FieldValue
	for _, f := range c.shared() {
		if f.set != nil {
			out = append(out, FieldValue{Field: f.name, Value: *f.set})
		}
	}
	return out
}

// FieldValue is a shared field's name and a value written to it.
type FieldValue struct {
	Field string // FieldCustomerPhone or FieldCustomerAddress
	Value string
}

// FieldClash is a shared field an update overwrites without having seen
// its current value.
type FieldClash struct {
	Field   string // FieldCustomerPhone or FieldCustomerAddress
	Set     string // the value the update writes
	Current string // the value it replaces, which its writer did not see
}

// Clashes lists the shared fields (customer phone and address) that c
// sets although their value on t is not the base c carries: someone else
// changed them meanwhile. Writing the value already there is no clash,
// nor is a base that differs from it only in its writing
// (SameFieldValue: a phone's spaces and dashes). The
// later arrival wins; the central service keeps both values in a field
// conflict, whoever the writer (device or dispatch).
func (c *UpdateTicket) Clashes(t Ticket) []FieldClash {
	var out []FieldClash
	for _, f := range c.shared() {
		if f.set == nil || f.base == nil {
			continue
		}
		cur := f.current(t)
		if !SameFieldValue(f.name, *f.base, cur) && !SameFieldValue(f.name, *f.set, cur) {
			out = append(out, FieldClash{Field: f.name, Set: *f.set, Current: cur})
		}
	}
	return out
}

func (s TicketFields) applyTo(t *Ticket) {
	if s.Diagnosis != nil {
		t.Diagnosis = *s.Diagnosis
	}
	if s.ResolutionCode != nil {
		t.ResolutionCode = *s.ResolutionCode
	}
	if s.Condition != nil {
		t.Condition = *s.Condition
	}
	if s.LabourMinutes != nil {
		t.LabourMinutes = *s.LabourMinutes
	}
	if s.Serial != nil {
		t.Product.Serial = *s.Serial
	}
	if s.PurchaseDate != nil {
		t.Product.PurchaseDate = *s.PurchaseDate
	}
	if s.ProofOfPurchase != nil {
		t.Product.ProofOfPurchase = *s.ProofOfPurchase
	}
	if s.ManufactureDate != nil {
		t.Product.ManufactureDate = *s.ManufactureDate
	}
	if s.CustomerPhone != nil {
		t.Customer.Phone = *s.CustomerPhone
	}
	if s.CustomerAddress != nil {
		t.Customer.Address = *s.CustomerAddress
	}
	if s.PromisedAt != nil {
		t.PromisedAt = *s.PromisedAt
	}
}

// TransitionTicket moves a ticket through the state machine. Epoch is the
// assignment epoch the technician saw; a stale epoch is ECONFLICT (the
// server turns it into a conflict record for review).
type TransitionTicket struct {
	Action     Action     `json:"-"`
	Ticket     TicketID   `json:"ticket"`
	Epoch      int        `json:"epoch"`
	Reason     string     `json:"reason,omitempty"`
	Resolution Resolution `json:"resolution,omitempty"`
	// Balance (close only) is what the customer still owed as the device
	// computed it; UnpaidReason says why a positive balance is left
	// unpaid (see checkClosingBalance). An older client sends neither.
	Balance      *Money `json:"balance,omitempty"`
	UnpaidReason string `json:"unpaid_reason,omitempty"`
	// MutationAt is when the technician took the step, the time of the
	// mutation it came in (DecodeMutation sets it; the name carries the
	// action, the envelope this): the start and completion times, within
	// FieldTime's bounds.
	MutationAt time.Time `json:"-"`
}

func (c *TransitionTicket) MutationName() (string, int) { return "ticket." + string(c.Action), 1 }
func (c *TransitionTicket) setMutationAt(at time.Time)  { c.MutationAt = at }

func (c *TransitionTicket) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if _, ok := edges[c.Action]; !ok {
		return Errorf(EINVALID, "transition.unknown", "Unknown action {{.Action}}.", "Action", string(c.Action))
	}
	if c.Epoch < 1 {
		return Errorf(EINVALID, "mutation.missing_field", "Missing required field {{.Field}}.", "Field", "epoch")
	}
	if c.Resolution != "" && !c.Resolution.Valid() {
		return Errorf(EINVALID, "ticket.invalid.resolution", "Unknown resolution code {{.Code}}.", "Code", string(c.Resolution))
	}
	if c.Action != ActionClose && (c.Balance != nil || c.UnpaidReason != "") {
		return Errorf(EINVALID, "ticket.balance_close_only", "A balance is sent only when closing a ticket.")
	}
	if err := checkClosingBalance(c.Balance, c.UnpaidReason, c.Reason); err != nil {
		return err
	}
	return tooLong("reason", c.Reason, MaxReasonLen)
}

func (c *TransitionTicket) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Ticket)
	if err != nil {
		return err
	}
	if c.Action == ActionCancel && !MayCancel(actor, t) {
		return Errorf(EFORBIDDEN, "ticket.cancel_dispatch_only", "Only dispatch can cancel ticket {{.Number}}. If you cannot do the work, mark it \"cannot complete\" and give the reason.", "Number", t.Number)
	}
	if err := CheckEpoch(actor, t, c.Epoch); err != nil {
		return err
	}
	var n int
	if c.Action.CountsRepairs() {
		if n, err = tx.CountRepairs(ctx, t.ID); err != nil {
			return err
		}
	}
	to, err := Transition(t, c.Action, TransitionInput{RepairEntries: n, Resolution: c.Resolution, Reason: c.Reason})
	if err != nil {
		return err
	}
	switch c.Action {
	case ActionStart:
		if t.StartedAt.IsZero() {
			t.StartedAt = FieldTime(c.MutationAt, now, t.CreatedAt)
		}
	case ActionComplete:
		if c.Resolution != "" {
			t.ResolutionCode = c.Resolution
		}
		t.CompletedAt = FieldTime(c.MutationAt, now, latest(t.CreatedAt, t.StartedAt))
	case ActionCancel:
		t.Epoch++ // work still in flight on devices must be reviewed
		t.EpochBy = actor.Name
	case ActionClose:
		// The device's balance is trusted: its rule set may differ from
		// the server's offline, and a job closed with the customer gone
		// cannot be refused after the fact (docs/PROTOCOL.md).
		t.ClosedBalance, t.UnpaidReason = c.Balance, c.UnpaidReason
	case ActionReopen:
		t.CompletedAt = time.Time{}
		t.ClosedBalance, t.UnpaidReason = nil, ""
	}
	t.Status = to
	t.StatusReason = strings.TrimSpace(c.Reason)
	t.UpdatedAt = now
	if err := tx.SaveTicket(ctx, t); err != nil {
		return err
	}
	if PasscodeClosed(to) {
		// The device goes back to the customer (or no work will be done
		// on it): its passcode has no more use here.
		return tx.SavePasscode(ctx, Passcode{Ticket: t.ID})
	}
	return nil
}

// LogRepair appends a repair log entry. Evidence is accepted on any of the
// technician's tickets that is not closed, a cancelled one included; work
// on a ticket reassigned away is held by the server in a stale_epoch
// conflict for dispatch to decide.
type LogRepair struct {
	Entry RepairEntry `json:"entry"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*LogRepair) MutationName() (string, int)  { return "repair.log", 1 }
func (c *LogRepair) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *LogRepair) Validate() error {
	e := c.Entry
	if err := required("entry.id", e.ID); err != nil {
		return err
	}
	if err := required("entry.ticket", string(e.Ticket)); err != nil {
		return err
	}
	if strings.TrimSpace(e.Action) == "" {
		return Errorf(EINVALID, "repair.needs_action", "Describe what you did.")
	}
	if e.Minutes < 0 || e.Minutes > MaxRepairMinutes {
		return Errorf(EINVALID, "repair.bad_minutes", "Minutes must be between 0 and 1440.")
	}
	return checkLens(lenOf{"entry.action", e.Action, MaxReasonLen}, lenOf{"entry.by", e.By, MaxNameLen})
}

func (c *LogRepair) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Entry.Ticket)
	if err != nil {
		return err
	}
	if t.Status == StatusClosed {
		return Errorf(ECONFLICT, "ticket.closed", "Ticket {{.Number}} is closed.", "Number", t.Number)
	}
	e := c.Entry
	if e.At.IsZero() {
		e.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	if e.By == "" {
		e.By = actor.Name
	}
	if err := tx.AddRepair(ctx, e); err != nil {
		return err
	}
	t.LabourMinutes += e.Minutes
	t.UpdatedAt = now
	return tx.SaveTicket(ctx, t)
}

// ConsumePart records a part fitted on a ticket and its consume movement.
// Consumption is a fact: it is accepted even when the balance goes negative
// (the server raises a conflict for reconciliation), and on a ticket that
// was cancelled or completed meanwhile, since the part is in the
// customer's device either way. Only a closed (signed-off) ticket refuses
// it from a technician; dispatch may still record it there (accept_ours
// runs as the system), so the van's ledger can always be put right.
type ConsumePart struct {
	Used PartUsed `json:"used"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*ConsumePart) MutationName() (string, int)  { return "stock.consume", 1 }
func (c *ConsumePart) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *ConsumePart) Validate() error {
	u := c.Used
	for _, f := range [][2]string{{"used.id", u.ID}, {"used.ticket", string(u.Ticket)}, {"used.part", string(u.Part)}, {"used.from", string(u.From)}} {
		if err := required(f[0], f[1]); err != nil {
			return err
		}
	}
	if u.Qty < 1 || u.Qty > 1000 {
		return Errorf(EINVALID, "stock.bad_qty", "Quantity must be between 1 and 1000.")
	}
	return checkLens(lenOf{"used.serial", u.Serial, MaxIDLen}, lenOf{"used.defective_serial", u.DefectiveSerial, MaxIDLen})
}

func (c *ConsumePart) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	u := c.Used
	t, err := ticketInScope(ctx, tx, actor, u.Ticket)
	if err != nil {
		return err
	}
	if t.Status == StatusClosed && actor.Role != RoleSystem {
		return Errorf(ECONFLICT, "stock.consume_closed", "Ticket {{.Number}} is closed, so the part cannot be added to it; dispatch can still record it from the conflict.", "Number", t.Number)
	}
	p, err := tx.Part(ctx, u.Part)
	if err != nil {
		return err
	}
	if _, err := tx.Location(ctx, u.From); err != nil {
		return err
	}
	if err := u.CheckSerialized(p); err != nil {
		return err
	}
	if u.At.IsZero() {
		u.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	if err := tx.AddPartUsed(ctx, u); err != nil {
		return err
	}
	return tx.AddMovement(ctx, StockMovement{
		ID: u.ID, Kind: MoveConsume, Part: u.Part, From: u.From, Qty: u.Qty,
		Serial: u.Serial, Ticket: u.Ticket, At: u.At, Recorded: actor.Name,
	})
}

// ReturnDefective puts a removed part into the defective-returns bin, to be
// shipped back to the brand.
type ReturnDefective struct {
	Movement StockMovement `json:"movement"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*ReturnDefective) MutationName() (string, int)  { return "stock.return_defective", 1 }
func (c *ReturnDefective) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *ReturnDefective) Validate() error {
	m := c.Movement
	// The name says the kind; the one sent is not read, but bounded.
	if err := tooLong("movement.kind", string(m.Kind), MaxNameLen); err != nil {
		return err
	}
	m.Kind = MoveReturnDefective
	return m.Validate()
}

func (c *ReturnDefective) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	m := c.Movement
	m.Kind = MoveReturnDefective
	if m.Ticket != "" {
		if _, err := ticketInScope(ctx, tx, actor, m.Ticket); err != nil {
			return err
		}
	}
	return addMovement(ctx, tx, actor, m, FieldTime(c.MutationAt, now, time.Time{}))
}

// addMovement records m, at at when it has no time of its own.
func addMovement(ctx context.Context, tx MutationTx, actor Actor, m StockMovement, at time.Time) error {
	if _, err := tx.Part(ctx, m.Part); err != nil {
		return err
	}
	for _, loc := range []LocationID{m.From, m.To} {
		if loc == "" {
			continue
		}
		if _, err := tx.Location(ctx, loc); err != nil {
			return err
		}
	}
	if m.At.IsZero() {
		m.At = at
	}
	if m.Recorded == "" {
		m.Recorded = actor.Name
	}
	if m.Source != "" {
		// Only a first pull's opening, which the service makes, names the
		// kind of movement it stands for: a recorded movement is its own.
		return Errorf(EINVALID, "stock.invalid", "Invalid stock movement: {{.Why}}.", "Why", "only the service's opening of a first sync names a source")
	}
	return tx.AddMovement(ctx, m)
}

// MoveStock is a receive, transfer or count adjustment.
type MoveStock struct {
	Kind     MovementKind  `json:"-"`
	Movement StockMovement `json:"movement"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (c *MoveStock) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *MoveStock) MutationName() (string, int) {
	switch c.Kind {
	case MoveReceive:
		return "stock.receive", 1
	case MoveTransfer:
		return "stock.transfer", 1
	}
	return "stock.adjust", 1
}

func (c *MoveStock) Validate() error {
	m := c.Movement
	if m.Kind != "" && m.Kind != c.Kind {
		return Errorf(EINVALID, "stock.kind_mismatch", "Movement kind {{.Kind}} does not match the mutation.", "Kind", string(m.Kind))
	}
	m.Kind = c.Kind
	return m.Validate()
}

// Apply records the movement. Stock enters only by dispatch, an import,
// or a transfer whose source is debited: a technician may transfer, and
// may adjust a count down (a loss or damage, with its reason), but never
// receive or adjust up, which would create stock out of nothing.
func (c *MoveStock) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	m := c.Movement
	m.Kind = c.Kind
	if actor.Role == RoleTechnician {
		switch {
		case m.Kind == MoveReceive:
			return Errorf(EFORBIDDEN, "stock.receive_dispatch_only", "Only dispatch records stock received; ask dispatch to book it, or transfer it from the location it came from.")
		case m.Kind == MoveAdjust && m.Qty > 0:
			return Errorf(EFORBIDDEN, "stock.gain_dispatch_only", "You can adjust a count only downwards (a loss or damage); ask dispatch to book stock that turned up.")
		}
	}
	return addMovement(ctx, tx, actor, m, FieldTime(c.MutationAt, now, time.Time{}))
}

// AttachPhoto records a photo's metadata; the bytes travel separately.
type AttachPhoto struct {
	Photo Photo `json:"photo"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*AttachPhoto) MutationName() (string, int)  { return "photo.attach", 1 }
func (c *AttachPhoto) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *AttachPhoto) Validate() error {
	p := c.Photo
	if err := required("photo.id", p.ID); err != nil {
		return err
	}
	if err := required("photo.ticket", string(p.Ticket)); err != nil {
		return err
	}
	if !ValidSHA256(p.SHA256) {
		return Errorf(EINVALID, "photo.bad_hash", "The photo's SHA-256 is malformed.")
	}
	if err := CheckPhotoBytes(p.Size); err != nil {
		return err
	}
	if err := checkLens(lenOf{"photo.kind", p.Kind, MaxNameLen}, lenOf{"photo.mime", p.Mime, MaxNameLen}, lenOf{"photo.state", string(p.State), MaxNameLen}); err != nil {
		return err
	}
	return CheckCaption(p.Caption)
}

func (c *AttachPhoto) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Photo.Ticket)
	if err != nil {
		return err
	}
	p := c.Photo
	if p.At.IsZero() {
		p.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	p.State = ""
	return tx.AddPhoto(ctx, p)
}

// AddNote appends a note to a ticket.
type AddNote struct {
	Note Note `json:"note"`
	// MutationAt is its mutation's time (DecodeMutation sets it): the
	// time recorded when the device sent none (FieldTime).
	MutationAt time.Time `json:"-"`
}

func (*AddNote) MutationName() (string, int)  { return "note.add", 1 }
func (c *AddNote) setMutationAt(at time.Time) { c.MutationAt = at }

func (c *AddNote) Validate() error {
	n := c.Note
	if err := required("note.id", n.ID); err != nil {
		return err
	}
	if err := required("note.ticket", string(n.Ticket)); err != nil {
		return err
	}
	if strings.TrimSpace(n.Text) == "" {
		return Errorf(EINVALID, "note.empty", "The note is empty.")
	}
	return checkLens(lenOf{"note.text", n.Text, MaxTextLen}, lenOf{"note.by", n.By, MaxNameLen})
}

func (c *AddNote) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Note.Ticket)
	if err != nil {
		return err
	}
	n := c.Note
	if n.At.IsZero() {
		n.At = FieldTime(c.MutationAt, now, t.CreatedAt)
	}
	if n.By == "" {
		n.By = actor.Name
	}
	return tx.AddNote(ctx, n)
}

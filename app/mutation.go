package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fieldbench/fieldbench/app/jsonstable"
	"github.com/google/uuid"
)

// Mutation is the envelope of one user action: a named, versioned command
// with its arguments, as appended to the device's outbox in the same
// transaction that changed the local rows, and as pushed to the server.
type Mutation struct {
	ID      string          `json:"id"`      // UUIDv7, minted on the device
	Name    string          `json:"name"`    // e.g. "ticket.start"
	Version int             `json:"version"` // e.g. 1
	Device  DeviceID        `json:"device,omitempty"`
	Seq     int64           `json:"seq,omitempty"` // per-device, gapless, from 1
	HLC     string          `json:"hlc,omitempty"` // device hybrid logical clock, for audit
	At      time.Time       `json:"at"`            // device wall time (never decides winners)
	Args    json.RawMessage `json:"args"`
}

// FullName is the mutation's name with its version, e.g. "ticket.start.v1".
func (m Mutation) FullName() string { return m.Name + ".v" + strconv.Itoa(m.Version) }

// Role is who acts: it decides which fields and actions a mutation may touch.
type Role string

const (
	RoleTechnician Role = "technician" // field engineer or counter staff
	RoleDispatcher Role = "dispatcher" // back office: assigns, schedules, cancels
	RoleSystem     Role = "system"     // imports and server-side housekeeping
)

// Actor is the person or process applying a mutation.
type Actor struct {
	Role       Role
	Technician TechnicianID // set for RoleTechnician
	// Store is the store whose counter a technician staffs (their
	// Technician.Store); "" for a field technician. Counter staff may do
	// what the counter needs: cancel their store's carry-ins.
	Store StoreID
	Name  string // for audit fields ("by")
}

// CounterStaff reports whether the actor is a technician at a store's
// counter rather than in the field.
func (a Actor) CounterStaff() bool { return a.Role == RoleTechnician && a.Store != "" }

// ConsoleActor prefixes a console user's login in the name the office
// console acts under ("console:zhou.min"): what a ticket, its conflicts
// and dispatch's notices record as who did it.
const ConsoleActor = "console:"

// ConsoleLogin is the console user's login in by, a name recorded as who
// did something, when an office console user did it.
func ConsoleLogin(by string) (login string, ok bool) {
	return strings.CutPrefix(by, ConsoleActor)
}

// MutationTx is the transactional view of the data a mutation reads and
// changes. The device store and the central service each implement it on
// their own database, so one Apply runs on both. All methods run inside one
// database transaction; an error aborts the whole mutation. app/apptest's
// RunMutationTx checks this contract on every implementation.
type MutationTx interface {
	// Ticket returns ENOTFOUND when the ticket is not there.
	Ticket(ctx context.Context, id TicketID) (Ticket, error)
	// SaveTicket inserts or replaces the ticket row. An invalid ticket
	// (Ticket.Validate) is EINVALID and writes nothing: whatever a
	// mutation does, no invalid ticket is stored.
	SaveTicket(ctx context.Context, t Ticket) error
	// CountRepairs returns the number of repair entries on a ticket (0 for
	// a ticket that is not there).
	CountRepairs(ctx context.Context, id TicketID) (int, error)
	// Part returns ENOTFOUND for an unknown part number.
	Part(ctx context.Context, n PartNumber) (Part, error)
	// Location returns ENOTFOUND for an unknown location.
	Location(ctx context.Context, id LocationID) (Location, error)
	// The Add methods append facts: a fact without an ID is EINVALID
	// (FactWithoutID), an ID seen before is ECONFLICT (FactExists), a
	// fact on a ticket that is not there is ENOTFOUND. An invalid movement
	// (StockMovement.Validate) is EINVALID; a movement only names its
	// ticket, which need not be there.
	AddMovement(ctx context.Context, m StockMovement) error
	AddRepair(ctx context.Context, r RepairEntry) error
	// AddPartUsed on the device also refuses, outside a replay, a second
	// fit of a unit still fitted on the ticket (CheckFittedHere,
	// ECONFLICT); the central service's takes it, a fit being a fact,
	// and the fit's movement raises the unit's conflict (PROTOCOL.md,
	// "Ticket merge rules").
	AddPartUsed(ctx context.Context, p PartUsed) error
	AddPhoto(ctx context.Context, p Photo) error
	AddNote(ctx context.Context, n Note) error
	AddSignature(ctx context.Context, s Signature) error
	// AddPayment records a payment, deposit or refund: a fact like the
	// others (Payment.Validate is EINVALID and writes nothing).
	AddPayment(ctx context.Context, p Payment) error
	// Payments lists a ticket's payments in recording order (none for a
	// ticket that is not there).
	Payments(ctx context.Context, ticket TicketID) ([]Payment, error)
	// SaveEstimate inserts or replaces an estimate (its decision comes
	// later); ENOTFOUND when its ticket is not there.
	SaveEstimate(ctx context.Context, e Estimate) error
	// Estimates lists a ticket's estimates in issue order.
	Estimates(ctx context.Context, ticket TicketID) ([]Estimate, error)
	// AddNotice records a customer notice (a fact like the others: the
	// central service's sender later changes its delivery state).
	AddNotice(ctx context.Context, n CustomerNotice) error
	// SavePasscode records a ticket's device passcode, replacing the one
	// it had; an empty Secret erases it, leaving no copy of the old one
	// in the database's files. It never writes the passcode into the
	// ticket's own record.
	SavePasscode(ctx context.Context, p Passcode) error
	// Passcode returns a ticket's device passcode, an empty Secret when it
	// has none; ENOTFOUND when the ticket does not exist.
	Passcode(ctx context.Context, ticket TicketID) (Passcode, error)
	// PartRequest returns a part request; ENOTFOUND (key
	// part_request.not_found) when it is not there.
	PartRequest(ctx context.Context, id string) (PartRequest, error)
	// SavePartRequest inserts or replaces a part request (its state
	// changes as the office decides and the part arrives). An invalid one
	// (PartRequest.Validate) is EINVALID and writes nothing; ENOTFOUND
	// when its ticket is not there.
	SavePartRequest(ctx context.Context, r PartRequest) error
	// PartRequests lists a ticket's part requests in request order.
	PartRequests(ctx context.Context, ticket TicketID) ([]PartRequest, error)
	// Shipment returns a shipment; ENOTFOUND (key shipment.not_found)
	// when it is not there.
	Shipment(ctx context.Context, id string) (Shipment, error)
	// SaveShipment inserts or replaces a shipment (received later). An
	// invalid one (Shipment.Validate) is EINVALID and writes nothing.
	SaveShipment(ctx context.Context, s Shipment) error
}

// FactWithoutID is the error of a MutationTx asked to record a fact
// (kind: "movement", "repair", "part_used", "photo", "note", "signature",
// "payment", "estimate", "notice") that has no ID.
func FactWithoutID(kind string) *Error {
	return Errorf(EINVALID, "fact.without_id", "The {{.Kind}} has no ID; update the app, and report it to support if it happens again.", "Kind", kind)
}

// FactExists is the error of a MutationTx asked to record a fact whose ID
// it already holds: facts are append-only, and a mutation applied twice
// must not count its work twice.
func FactExists(kind, id string) *Error {
	return Errorf(ECONFLICT, "fact.exists", "This {{.Kind}} ({{.ID}}) was already recorded; nothing more to do.", "Kind", kind, "ID", id)
}

// Command is a decoded mutation: its arguments with the rules to apply them.
type Command interface {
	// Validate checks the arguments alone (shape, required fields).
	Validate() error
	// Apply checks the business rules against the current data and makes
	// the changes. now is the applying side's clock; the same command gives
	// the same effects on device and server for the same data.
	Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error
}

type mutationSpec struct {
	new func(name string) Command
}

var registry = map[string]mutationSpec{} // key: FullName; filled in init, read-only after

func register(name string, version int, new func(name string) Command) {
	key := name + ".v" + strconv.Itoa(version)
	if _, dup := registry[key]; dup {
		panic("app: mutation registered twice: " + key)
	}
	registry[key] = mutationSpec{new: new}
}

// MutationNames lists every registered mutation with its version, sorted.
func MutationNames() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MaxArgsBytes bounds a mutation's arguments, as the app encodes them
// (NewMutation: compact JSON from encoding/json): a photo's bytes never
// travel in a mutation, so anything larger is a bug or an attack. It is
// past the largest a record within its fields' bounds can take
// (docs/PROTOCOL.md, "Bounds"): every text at its bound in the characters
// encoding/json writes in six bytes (<, >, &, U+2028, a control
// character), every list at its bound of entries. The largest are a
// shipment's 200 lines (630 KiB) and a ticket (350 KiB);
// TestWorstCaseArgsFit builds each kind's worst case from its checks and
// keeps it under this bound. A push carries at least one mutation, and
// one at this bound fits the sync body's 1 MiB even uncompressed.
//
// Arguments from another client are measured as the app would encode
// them (argsTooLarge), not as sent: a client may escape every character
// (\ud83d\ude00 is twelve bytes for one emoji) or add whitespace, and its
// record is refused for its size only when its content is too big.
const MaxArgsBytes = 768 << 10

// MaxArgsWireBytes bounds a mutation's arguments as they arrive, before
// anything decodes them: twice MaxArgsBytes. A record within its fields'
// bounds takes at most 1.3 MiB in compact JSON however its strings and
// keys are escaped (every character as \uXXXX, twelve bytes past U+FFFF;
// TestWorstCaseArgsFit measures it), so only whitespace past that is
// refused here without being measured as the app encodes it.
const MaxArgsWireBytes = 2 * MaxArgsBytes

var namePattern = regexp.MustCompile(`^[a-z][a-z_]*\.[a-z][a-z_]*$`)

// DecodeMutation decodes and validates a mutation's arguments. Unknown
// names or versions, unknown or missing fields and wrong types are EINVALID.
// A command that records a time in the field gets m's At (FieldTime).
func DecodeMutation(m Mutation) (Command, error) {
	spec, err := mutationSpecOf(m)
	if err != nil {
		return nil, err
	}
	return decodeArgs(spec, m)
}

// decodeArgs is DecodeMutation's decoding of m's arguments, after its
// checks of the name and size (mutationSpecOf).
func decodeArgs(spec mutationSpec, m Mutation) (Command, error) {
	cmd := spec.new(m.Name)
	dec := json.NewDecoder(bytes.NewReader(m.Args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cmd); err != nil {
		return nil, Errorf(EINVALID, "mutation.bad_args", "Mutation {{.Name}} has malformed arguments: {{.Detail}}.", "Name", m.FullName(), "Detail", jsonDetail(err)).WithCause(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Errorf(EINVALID, "mutation.bad_args", "Mutation {{.Name}} has malformed arguments: {{.Detail}}.", "Name", m.FullName(), "Detail", "trailing data")
	}
	if err := cmd.Validate(); err != nil {
		return nil, err
	}
	if err := argsTooLarge(m, cmd); err != nil {
		return nil, err
	}
	stampMutationAt(cmd, m)
	return cmd, nil
}

// argsTooLarge refuses cmd, decoded from m, when the app's encoding of it
// (NewMutation's) is over MaxArgsBytes: the one size rule, on the device
// and on the central service, whatever escapes or spaces m's sender used.
// Arguments within MaxArgsBytes as sent are not encoded again: cmd passed
// Validate, and a record within its fields' bounds takes at most 630 KiB
// as the app encodes it (TestWorstCaseArgsFit), so encoding it could not
// refuse it; larger ones (sent with escapes or spaces) are encoded and
// measured.
func argsTooLarge(m Mutation, cmd Command) error {
	if len(m.Args) <= MaxArgsBytes {
		return nil
	}
	b, err := json.Marshal(cmd)
	if err != nil {
		return fmt.Errorf("encode %s: %w", m.FullName(), err)
	}
	if len(b) > MaxArgsBytes {
		return argsTooLargeErr(m)
	}
	return nil
}

// argsTooLargeErr refuses m for the size of its arguments.
func argsTooLargeErr(m Mutation) error {
	return Errorf(EINVALID, "mutation.too_large", "Mutation {{.Name}} is too large.", "Name", m.FullName())
}

// mutationSpecOf checks m's name, version and size, DecodeMutation's
// checks before it reads the arguments, and returns its registration.
func mutationSpecOf(m Mutation) (mutationSpec, error) {
	if !namePattern.MatchString(m.Name) || m.Version < 1 {
		return mutationSpec{}, Errorf(EINVALID, "mutation.bad_name", "Malformed mutation name {{.Name}}.", "Name", m.FullName())
	}
	spec, ok := registry[m.FullName()]
	if !ok {
		return mutationSpec{}, Errorf(EINVALID, "mutation.unknown", "Unknown mutation {{.Name}}; this app may be too old or too new for it.", "Name", m.FullName())
	}
	if len(m.Args) > MaxArgsWireBytes {
		return mutationSpec{}, argsTooLargeErr(m)
	}
	return spec, nil
}

// QueuedCommand is DecodeMutation of m, the mutation NewMutation made of
// cmd: the command the outbox carries, as the server will decode it,
// which the device applies in its place (store.Committer). Decoding the
// bytes just encoded was about 5 % of a note's CPU on the device; so when
// the decoding is known to give back cmd (queuedAsIs), QueuedCommand
// returns a copy of cmd instead, after DecodeMutation's other checks (the
// name, the size, Validate). The copy shares nothing with cmd, as a
// decoded command would not.
func QueuedCommand(cmd Command, m Mutation) (Command, error) {
	spec, err := mutationSpecOf(m)
	if err != nil {
		return nil, err
	}
	v := reflect.ValueOf(cmd)
	plan := queuedAsIs(m, spec)
	if v.Kind() != reflect.Pointer || v.IsNil() || plan.asIs == nil || !plan.asIs(v.Elem()) {
		return decodeArgs(spec, m)
	}
	cp := reflect.New(v.Type().Elem())
	plan.copy(cp.Elem(), v.Elem())
	queued := cp.Interface().(Command)
	if err := queued.Validate(); err != nil {
		return nil, err
	}
	if err := argsTooLarge(m, queued); err != nil {
		return nil, err
	}
	stampMutationAt(queued, m)
	return queued, nil
}

// queuedPlans holds queuedAsIs's plan per registered name, made on first
// use (registry is read-only after init).
var queuedPlans sync.Map // FullName -> queuedPlan

// queuedPlan is how QueuedCommand takes a command of one registration as
// is: asIs checks a value (nil: never), copy copies it (planCopy).
type queuedPlan struct {
	asIs func(reflect.Value) bool
	copy func(dst, v reflect.Value)
}

// queuedAsIs returns the plan, for a command of m's name and version, of
// the check that DecodeMutation of its encoding gives back a value deeply
// equal to it. The decoding starts from what the registration makes
// (spec.new) and sets the encoded fields: so the encoded fields must be
// ones JSON gives back unchanged (jsonstable.PlanFields) and be zero in
// what the registration makes (a field the encoding leaves out as empty
// decodes as the registration set it); a field json leaves out ("-", a
// status change's action, which its name carries) must hold what the
// registration sets. The check answers for values of the registration's
// type only.
func queuedAsIs(m Mutation, spec mutationSpec) queuedPlan {
	if p, ok := queuedPlans.Load(m.FullName()); ok {
		return p.(queuedPlan)
	}
	p := planQueued(spec.new(m.Name))
	queuedPlans.Store(m.FullName(), p)
	return p
}

func planQueued(made Command) queuedPlan {
	z := reflect.ValueOf(made)
	if z.Kind() != reflect.Pointer || z.IsNil() {
		return queuedPlan{}
	}
	z = z.Elem()
	t := z.Type()
	stable, omitted := jsonstable.PlanFields(t)
	copyOwn := planCopy(t, map[reflect.Type]bool{})
	if stable == nil || copyOwn == nil {
		return queuedPlan{}
	}
	type kept struct {
		field int
		value reflect.Value
	}
	var keeps []kept
	for i := range t.NumField() {
		if !slices.Contains(omitted, i) {
			if !z.Field(i).IsZero() {
				return queuedPlan{}
			}
			continue
		}
		if !t.Field(i).Type.Comparable() || holdsPointer(t.Field(i).Type, map[reflect.Type]bool{}) {
			return queuedPlan{}
		}
		keeps = append(keeps, kept{i, z.Field(i)})
	}
	return queuedPlan{
		asIs: func(v reflect.Value) bool {
			if v.Type() != t {
				return false
			}
			for _, k := range keeps {
				if !v.Field(k.field).Equal(k.value) {
					return false
				}
			}
			return stable(v)
		},
		copy: copyOwn,
	}
}

// planCopy returns a copy of values of type t into a settable dst that
// shares no memory with the value: a pointer points to a copy of its own.
// It is nil for a type it cannot copy so (a slice, map, interface, a field
// not exported, a type holding itself), which jsonstable refuses too.
func planCopy(t reflect.Type, open map[reflect.Type]bool) func(dst, v reflect.Value) {
	if !holdsPointer(t, map[reflect.Type]bool{}) {
		return func(dst, v reflect.Value) { dst.Set(v) }
	}
	if open[t] {
		return nil
	}
	open[t] = true
	defer delete(open, t)
	switch t.Kind() {
	case reflect.Pointer:
		elem := planCopy(t.Elem(), open)
		if elem == nil {
			return nil
		}
		return func(dst, v reflect.Value) {
			if !v.IsNil() {
				p := reflect.New(t.Elem())
				elem(p.Elem(), v.Elem())
				dst.Set(p)
			}
		}
	case reflect.Struct:
		fields := make([]func(dst, v reflect.Value), t.NumField())
		for i := range fields {
			if !t.Field(i).IsExported() {
				return nil
			}
			if fields[i] = planCopy(t.Field(i).Type, open); fields[i] == nil {
				return nil
			}
		}
		return func(dst, v reflect.Value) {
			for i, c := range fields {
				c(dst.Field(i), v.Field(i))
			}
		}
	}
	return nil
}

// holdsPointer says values of t reach memory they do not hold: a pointer,
// slice, map, interface, channel or function, in t or its fields. A
// time.Time's location is one too, but nothing changes a Location through
// a time: a copy of a time is a time of its own.
func holdsPointer(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] || t == reflect.TypeFor[time.Time]() {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return holdsPointer(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsPointer(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

func jsonDetail(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok {
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type.String())
	}
	s := strings.TrimPrefix(err.Error(), "json: ")
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

func asType(err error, target **json.UnmarshalTypeError) bool {
	te, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = te
	}
	return ok
}

// ApplyMutation decodes m and applies it through tx.
func ApplyMutation(ctx context.Context, tx MutationTx, actor Actor, m Mutation, now time.Time) error {
	cmd, err := DecodeMutation(m)
	if err != nil {
		return err
	}
	if err := cmd.Apply(ctx, tx, actor, now); err != nil {
		return fmt.Errorf("%s: %w", m.FullName(), err)
	}
	return nil
}

// NewMutation wraps a command in an envelope with a fresh UUIDv7, ready to
// apply locally and queue. Seq, Device and HLC are set by the outbox.
func NewMutation(cmd Command, at time.Time) (Mutation, error) {
	name, version, ok := commandName(cmd)
	if !ok {
		return Mutation{}, Errorf(EINTERNAL, "mutation.unregistered", "Unregistered command type {{.Type}}.", "Type", fmt.Sprintf("%T", cmd))
	}
	args, err := json.Marshal(cmd)
	if err != nil {
		return Mutation{}, fmt.Errorf("encode %s: %w", name, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Mutation{}, fmt.Errorf("mint mutation id: %w", err)
	}
	return Mutation{ID: id.String(), Name: name, Version: version, At: at.UTC(), Args: args}, nil
}

// Named is implemented by every command: it says under which name and
// version it is queued.
type Named interface {
	MutationName() (name string, version int)
}

func commandName(cmd Command) (string, int, bool) {
	n, ok := cmd.(Named)
	if !ok {
		return "", 0, false
	}
	name, v := n.MutationName()
	_, registered := registry[name+".v"+strconv.Itoa(v)]
	return name, v, registered
}

// NewID mints a UUIDv7 for a device-created record.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// uuid.NewV7 only fails when the system's random source does.
		return uuid.NewString()
	}
	return id.String()
}

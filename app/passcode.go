package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The device's passcode or unlock pattern, which a customer may leave at
// the counter so that the workshop can test the repaired device. It is a
// secret of the customer's: it never enters the ticket's JSON, a report,
// a receipt, a claim, an export or an admin answer, it travels only to the
// devices of the ticket's store and of its technician, and it is erased
// when the ticket is closed or cancelled (docs/PROTOCOL.md, "Device
// passcodes").

func init() {
	register("ticket.passcode", 1, func(string) Command { return &SetPasscode{} })
}

// PasscodeKind says how a passcode is entered on the customer's device.
type PasscodeKind string

const (
	// PasscodeText is a PIN or password, typed.
	PasscodeText PasscodeKind = "text"
	// PasscodePattern is an unlock pattern over a 3x3 grid of dots
	// numbered 1 to 9 row by row, written as the dots in the order drawn,
	// joined by "-": "1-5-9-6".
	PasscodePattern PasscodeKind = "pattern"
)

// Bounds of a passcode. A pattern joins MinPatternDots to MaxPatternDots
// distinct dots (Android's rule: fewer than four is too easy to guess by
// accident, and there are nine dots). A text passcode is at most
// MaxPasscodeLen characters (TextLen): longer than any phone's password field a customer
// will dictate at a counter.
const (
	MinPatternDots = 4
	MaxPatternDots = 9
	MaxPasscodeLen = 64
)

// Passcode is a ticket's device passcode as the sides store it: at most one
// per ticket; an empty Secret means none (erased).
type Passcode struct {
	Ticket TicketID     `json:"ticket"`
	Kind   PasscodeKind `json:"kind,omitempty"`
	Secret string       `json:"passcode,omitempty"`
}

// ValidatePasscode checks a passcode of kind; an empty secret (an erasure)
// is valid with any kind. The errors never quote the secret: they reach
// logs and conflict records.
func ValidatePasscode(kind PasscodeKind, secret string) error {
	if secret == "" {
		if kind != "" && kind != PasscodeText && kind != PasscodePattern {
			return badPasscodeKind(kind)
		}
		return nil
	}
	switch kind {
	case PasscodeText:
		if utf8.ValidString(secret) && TextLen(secret) > MaxPasscodeLen {
			return Errorf(EINVALID, "passcode.too_long", "The passcode is longer than {{.Max}} characters; check what the customer gave.", "Max", MaxPasscodeLen)
		}
		if !utf8.ValidString(secret) || strings.ContainsFunc(secret, isControl) {
			return Errorf(EINVALID, "passcode.control_chars", "The passcode holds characters that cannot be typed (line breaks, tabs or control characters); type it again.")
		}
		return nil
	case PasscodePattern:
		if _, ok := PatternDots(secret); !ok {
			return Errorf(EINVALID, "passcode.bad_pattern", "A pattern joins {{.Min}} to {{.Max}} different dots; draw it again.", "Min", MinPatternDots, "Max", MaxPatternDots)
		}
		return nil
	}
	return badPasscodeKind(kind)
}

func badPasscodeKind(kind PasscodeKind) error {
	return Errorf(EINVALID, "passcode.bad_kind", "Unknown passcode kind {{.Kind}}; update the app.", "Kind", string(kind))
}

// PatternDots parses a pattern ("1-5-9-6") into its dots, 1 to 9 in the
// order drawn; ok is false unless it joins MinPatternDots to MaxPatternDots
// distinct dots.
func PatternDots(s string) (dots []int, ok bool) {
	parts := strings.Split(s, "-")
	if len(parts) < MinPatternDots || len(parts) > MaxPatternDots {
		return nil, false
	}
	var seen [10]bool
	for _, p := range parts {
		if len(p) != 1 || p[0] < '1' || p[0] > '9' {
			return nil, false
		}
		d := int(p[0] - '0')
		if seen[d] {
			return nil, false
		}
		seen[d] = true
		dots = append(dots, d)
	}
	return dots, true
}

// PatternText writes dots as a pattern passcode ("1-5-9-6").
func PatternText(dots []int) string {
	s := make([]string, len(dots))
	for i, d := range dots {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "-")
}

// MayPasscode reports whether actor may set, erase and read t's passcode:
// counter staff of the ticket's store, who take it from the customer, and
// the ticket's technician, who unlocks the device to test it. Dispatch and
// the system never handle it.
func MayPasscode(actor Actor, t Ticket) bool {
	if actor.Role != RoleTechnician {
		return false
	}
	return t.Technician != "" && t.Technician == actor.Technician || actor.CounterStaff() && t.Store == actor.Store
}

// PasscodeClosed reports whether t's status is final, where its passcode
// is erased and no new one is taken: the device went back to the customer
// (closed), or no work will be done on it (cancelled).
func PasscodeClosed(s Status) bool { return s.Terminal() }

// SetPasscode records or, with an empty Passcode, erases the passcode of
// a ticket's device.
type SetPasscode struct {
	Ticket TicketID     `json:"ticket"`
	Kind   PasscodeKind `json:"kind"`
	Secret string       `json:"passcode"`
}

func (*SetPasscode) MutationName() (string, int) { return "ticket.passcode", 1 }

func (c *SetPasscode) TicketRef() TicketID { return c.Ticket }

// MayActOn replaces MayWorkOn for a passcode (OwnScope): counter staff
// take it for a ticket already given to a colleague at the bench.
func (c *SetPasscode) MayActOn(actor Actor, t Ticket) bool { return MayPasscode(actor, t) }

func (c *SetPasscode) Validate() error {
	if err := required("ticket", string(c.Ticket)); err != nil {
		return err
	}
	if c.Secret != "" && c.Kind == "" {
		return Errorf(EINVALID, "mutation.missing_field", "Missing required field {{.Field}}.", "Field", "kind")
	}
	return ValidatePasscode(c.Kind, c.Secret)
}

func (c *SetPasscode) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := tx.Ticket(ctx, c.Ticket)
	if err != nil {
		return err
	}
	if !MayPasscode(actor, t) {
		if actor.Role == RoleTechnician && !MayWorkOn(actor, t) && t.Store != actor.Store {
			// Not the ticket's technician nor at its store's counter: the
			// answer a ticket out of scope gets.
			return NotFound("ticket", string(t.ID))
		}
		return Errorf(EFORBIDDEN, "passcode.not_allowed", "Only the counter staff of ticket {{.Number}}'s store and its technician may handle the device's passcode.", "Number", t.Number)
	}
	if c.Secret != "" && PasscodeClosed(t.Status) {
		return Errorf(EINVALID, "passcode.ticket_closed", "Ticket {{.Number}} is {{.Status}}: its device went back to the customer, so no passcode is kept. Open a new ticket if the device comes back.", "Number", t.Number, "Status", string(t.Status))
	}
	p := Passcode{Ticket: t.ID, Secret: c.Secret}
	if c.Secret != "" {
		p.Kind = c.Kind
	}
	return tx.SavePasscode(ctx, p)
}

// PasscodeRedacted replaces a passcode in what is kept of a mutation
// after it was applied: the device's outbox once the server acknowledged
// it, a conflict the server files when it refuses it.
const PasscodeRedacted = "(erased)"

// Secretive is a command whose arguments hold a secret: what is kept of
// it after it is applied keeps Redacted's arguments instead.
type Secretive interface {
	Redacted() Command
}

func (c *SetPasscode) Redacted() Command {
	r := *c
	if r.Secret != "" {
		r.Secret = PasscodeRedacted
	}
	return &r
}

// RedactedArgs returns m's arguments with any secret replaced (see
// Secretive); the arguments as they are for any other mutation, and for
// one that does not decode. Arguments sent past MaxArgsBytes (with
// escapes or whitespace, argsTooLarge) come back as the app encodes
// them, within it: what keeps a refused record (a conflict's "ours")
// keeps it whole whatever its sender's spelling.
func RedactedArgs(m Mutation) json.RawMessage {
	cmd, err := DecodeMutation(m)
	if err != nil {
		return m.Args
	}
	if s, ok := cmd.(Secretive); ok {
		cmd = s.Redacted()
	} else if len(m.Args) <= MaxArgsBytes {
		return m.Args
	}
	b, err := json.Marshal(cmd)
	if err != nil {
		return m.Args
	}
	return b
}

// PasscodeService reads a ticket's passcode on the device.
type PasscodeService interface {
	// Passcode returns the ticket's passcode (an empty Secret when none)
	// for actor, or EFORBIDDEN when MayPasscode is false.
	Passcode(ctx context.Context, actor Actor, ticket TicketID) (Passcode, error)
}

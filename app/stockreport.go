package app

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A technician reports what is gone from a location they hold (their van,
// their store's shelf): units lost or missing become a negative
// stock.adjust with the reason, units found damaged a stock.transfer into
// their own defective bin with the reason, so they ship back with the bin's
// returns instead of staying on the shelf. A device may do both (PROTOCOL,
// "Stock enters only by dispatch"); what it may not do is book more than it
// holds, which this file checks, here once, for every screen that reports.

// StockProblem is what a technician reports of units they hold.
type StockProblem string

const (
	ProblemLost    StockProblem = "lost"    // lost or missing: a negative adjustment
	ProblemDamaged StockProblem = "damaged" // damaged: moved to the defective bin
)

// StockReport is one report of units gone from a location the reporter
// holds.
type StockReport struct {
	Problem StockProblem
	Part    PartNumber
	From    LocationID // the van or shelf the units are missing from
	Bin     Location   // the reporter's defective bin; for ProblemDamaged
	Held    int        // the units of Part at From on the device now
	Qty     int
	Serial  string // the unit, for a serialized part (then Qty is 1)
	// Units are the serials the device knows at From (PartService.Units).
	// When they account for every unit held, Serial must be one of them.
	Units  []string
	Reason string
	At     time.Time
	// By is the reporter's name, which the movement keeps (Recorded): a
	// device whose first sync brings the damaged units as openings of the
	// bin names the report by it (PROTOCOL.md, Pull), and the service
	// would otherwise record the device's name.
	By string
}

// Command checks r and returns the mutation that records it: a stock.adjust
// of -Qty for a loss, a stock.transfer into the bin for damage. A quantity
// below 1 or above what is held, a serialized part without its unit, a
// missing or too long reason, or damage without a defective bin are
// EINVALID and say what to do instead.
func (r StockReport) Command() (*MoveStock, error) {
	reason := strings.TrimSpace(r.Reason)
	switch {
	case r.Qty < 1:
		return nil, Errorf(EINVALID, "stock.report_qty", "Say how many units: at least 1.")
	case r.Qty > r.Held:
		return nil, Errorf(EINVALID, "stock.report_more_than_held", "You hold {{.Held}} of {{.Part}} here, so you can report at most {{.Held}}. Count the shelf if the number on the device is wrong.", "Held", max(r.Held, 0), "Part", string(r.Part))
	case r.Serial != "" && r.Qty != 1:
		return nil, Errorf(EINVALID, "stock.report_serial_one", "A serial number names one unit: report the units one at a time.")
	case r.Serial != "" && len(r.Units) >= r.Held && !slices.Contains(r.Units, r.Serial):
		return nil, Errorf(EINVALID, "stock.report_serial_elsewhere", "Unit {{.Serial}} is not at this location on the device: choose one of the serials listed, or sync if it just arrived.", "Serial", r.Serial)
	case reason == "":
		return nil, Errorf(EINVALID, "stock.report_reason", "Say what happened (for example \"fell in the van, screen cracked\"): the office reads it.")
	case !utf8.ValidString(reason):
		return nil, Errorf(EINVALID, "stock.report_reason_text", "The reason is not text: type it again.")
	case TextLen(reason) > MaxReasonLen:
		// In characters, as the message and every text bound count.
		return nil, Errorf(EINVALID, "stock.report_reason_long", "The reason is longer than {{.Max}} characters: shorten it.", "Max", MaxReasonLen)
	}
	m := StockMovement{ID: NewID(), Part: r.Part, Qty: r.Qty, Serial: r.Serial, Reason: reason, At: r.At, Recorded: CutText(strings.TrimSpace(r.By), MaxNameLen)}
	var c *MoveStock
	switch r.Problem {
	case ProblemLost:
		m.Kind, m.To, m.Qty = MoveAdjust, r.From, -r.Qty
		c = &MoveStock{Kind: MoveAdjust, Movement: m}
	case ProblemDamaged:
		if r.Bin.ID == "" || r.Bin.Kind != LocationDefective {
			return nil, Errorf(EINVALID, "stock.report_no_bin", "No defective bin is yours on this device, so damaged parts have nowhere to go. Sync, or ask dispatch to give you one; until then report them as lost.")
		}
		m.Kind, m.From, m.To = MoveTransfer, r.From, r.Bin.ID
		c = &MoveStock{Kind: MoveTransfer, Movement: m}
	default:
		return nil, Errorf(EINVALID, "stock.report_problem", "Choose what happened: lost or damaged.")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// MaxCountParts bounds the parts of one stock count: a van or shelf holds
// fewer kinds of part, and a scanner stuck on a wrong code does not grow a
// count for ever.
const MaxCountParts = MaxListLen

// CountLine is one part of a stock count: what the device holds at the
// location and, when counted, what the technician found.
type CountLine struct {
	Part    PartNumber
	Held    int
	Counted int
	// Done is false for a part not counted yet: it changes nothing.
	Done bool
	// Units are the serials the device knows of Part at the location
	// (PartService.Units), for a serialized part; Missing are those of
	// them the technician found missing. A serialized part counted short
	// books its loss against the units missing, one loss per serial, so
	// the ledger's units stay the ones on the shelf.
	Units   []string
	Missing []string
}

// CheckMissing refuses units ticked missing that are not as many as
// SerialsToTick says, not units known at the location, or one ticked
// twice: EINVALID, saying what to tick.
func (l CountLine) CheckMissing() error {
	least, most := l.SerialsToTick()
	known := !slices.ContainsFunc(l.Missing, func(s string) bool { return !slices.Contains(l.Units, s) })
	if n := len(l.Missing); n < least || n > most || !known || len(slices.Compact(slices.Sorted(slices.Values(l.Missing)))) != n {
		short := max(l.Held-l.Counted, 0)
		if least == most {
			return Errorf(EINVALID, "stock.count_serials", "{{.Part}} is counted {{.Short}} short: tick the {{.Short}} missing units by their serials, or scan the units that are there.",
				"Part", string(l.Part), "Short", short)
		}
		return Errorf(EINVALID, "stock.count_serials_some", "{{.Part}} is counted {{.Short}} short: tick from {{.Least}} to {{.Most}} missing units by their serials; the rest came without a serial and are booked without one.",
			"Part", string(l.Part), "Short", short, "Least", least, "Most", most)
	}
	return nil
}

// SerialsToTick is how many of l's units the technician must tick
// missing: the shortfall, when the device knows a serial for every unit
// held; at most the serials it knows otherwise (a unit that came without
// its serial is lost without one). 0 for a line not short or with no
// serials known.
func (l CountLine) SerialsToTick() (least, most int) {
	short := l.Held - l.Counted
	if !l.Done || short <= 0 || len(l.Units) == 0 {
		return 0, 0
	}
	most = min(short, len(l.Units))
	if len(l.Units) >= l.Held {
		return most, most
	}
	return max(short-(l.Held-len(l.Units)), 0), most
}

// CountOutcome is what a stock count books and what it cannot.
type CountOutcome struct {
	// Losses are the negative adjustments of the parts counted short, by
	// part number.
	Losses []*MoveStock
	// Surplus are the parts counted over what the device holds: a device
	// cannot book stock (stock.gain_dispatch_only), dispatch does.
	Surplus []CountLine
	// Uncounted is how many parts were not counted; they change nothing.
	Uncounted int
}

// CountStock returns what the count of lines at loc books: a counted part
// short of what is held (held above zero) loses the difference with
// reason, a counted part over it is surplus for dispatch. A part held below
// zero (a fit recorded before its delivery) books no loss: its ledger
// waits for reconciliation, and a count over it is surplus.
func CountStock(loc LocationID, lines []CountLine, reason string, at time.Time) (CountOutcome, error) {
	var out CountOutcome
	if len(lines) > MaxCountParts {
		return out, Errorf(EINVALID, "stock.count_too_many", "A count holds at most {{.Max}} parts: book this one, then count the rest.", "Max", MaxCountParts)
	}
	lines = slices.Clone(lines)
	slices.SortFunc(lines, func(a, b CountLine) int { return strings.Compare(string(a.Part), string(b.Part)) })
	for _, l := range lines {
		switch {
		case !l.Done:
			out.Uncounted++
		case l.Counted < 0 || l.Counted > MaxQty:
			return out, Errorf(EINVALID, "stock.count_range", "Count {{.Part}} as a number from 0 to {{.Max}}.", "Part", string(l.Part), "Max", MaxQty)
		case l.Counted < l.Held:
			if err := l.CheckMissing(); err != nil {
				return out, err
			}
			for _, serial := range l.Missing {
				c, err := StockReport{Problem: ProblemLost, Part: l.Part, From: loc, Held: l.Held, Qty: 1, Serial: serial, Units: l.Units, Reason: reason, At: at}.Command()
				if err != nil {
					return out, err
				}
				out.Losses = append(out.Losses, c)
			}
			if rest := l.Held - l.Counted - len(l.Missing); rest > 0 {
				c, err := StockReport{Problem: ProblemLost, Part: l.Part, From: loc, Held: l.Held, Qty: rest, Reason: reason, At: at}.Command()
				if err != nil {
					return out, err
				}
				out.Losses = append(out.Losses, c)
			}
		case l.Counted > max(l.Held, 0):
			out.Surplus = append(out.Surplus, l)
		}
	}
	return out, nil
}

// CountDraft is a stock count typed and not booked yet: the units counted
// of each part, and of a serialized part counted short the units ticked
// missing (CountLine.Missing), so that a restart does not make the
// technician tick them again.
type CountDraft struct {
	Counts map[PartNumber]int
	// Missing are the serials ticked missing by part, in the order
	// ticked; a part with none is absent.
	Missing map[PartNumber][]string
}

// CountDraftService keeps a stock count typed and not booked yet, per
// technician and location, across a restart and a crash: the counts of a
// van's hundred parts are minutes of work. Drafts are the device's alone,
// never synced. Safe for concurrent use.
type CountDraftService interface {
	// CountDraft returns actor's count at loc: empty maps when there is
	// no draft.
	CountDraft(ctx context.Context, actor Actor, loc LocationID) (CountDraft, error)
	// PutCountDraft replaces actor's draft at loc with d, its counts and
	// units ticked missing at once (empty counts delete it). EINVALID
	// when CheckCountDraft refuses it; ENOTFOUND when loc is not on the
	// device.
	PutCountDraft(ctx context.Context, actor Actor, loc LocationID, d CountDraft) error
	// DeleteCountDraft deletes actor's draft at loc; none is no error.
	DeleteCountDraft(ctx context.Context, actor Actor, loc LocationID) error
}

// CheckCountDraft refuses a count draft that could not be booked either:
// more than MaxCountParts parts, a count outside 0 to MaxQty, a part
// number that is no ID, or an actor who is not a technician; and units
// ticked missing of a part not counted, more than MaxListLen of one part,
// one ticked twice or a serial that is empty or over MaxIDLen.
func CheckCountDraft(actor Actor, d CountDraft) error {
	if actor.Technician == "" {
		return Errorf(EINVALID, "draft.actor", "Drafts are kept for a signed-in technician: sign in, then type again.")
	}
	if len(d.Counts) > MaxCountParts {
		return Errorf(EINVALID, "stock.count_too_many", "A count holds at most {{.Max}} parts: book this one, then count the rest.", "Max", MaxCountParts)
	}
	for _, p := range slices.Sorted(maps.Keys(d.Counts)) {
		if !ValidID(string(p)) {
			return Errorf(EINVALID, "stock.count_part", "{{.Part}} is not a part number: scan the part's own label.", "Part", string(p))
		}
		if n := d.Counts[p]; n < 0 || n > MaxQty {
			return Errorf(EINVALID, "stock.count_range", "Count {{.Part}} as a number from 0 to {{.Max}}.", "Part", string(p), "Max", MaxQty)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(d.Missing)) {
		units := d.Missing[p]
		if _, ok := d.Counts[p]; !ok {
			return Errorf(EINVALID, "stock.count_missing_uncounted", "Units of {{.Part}} are ticked missing, but {{.Part}} is not counted: count it, then tick its missing units again.", "Part", string(p))
		}
		if err := tooMany("count.missing", len(units)); err != nil {
			return err
		}
		for i, u := range units {
			if strings.TrimSpace(u) == "" || slices.Contains(units[:i], u) {
				return Errorf(EINVALID, "stock.count_missing_serial", "A unit of {{.Part}} is ticked missing without a serial or twice: tick its missing units again.", "Part", string(p))
			}
			if err := tooLong("count.missing", u, MaxIDLen); err != nil {
				return err
			}
		}
	}
	return nil
}

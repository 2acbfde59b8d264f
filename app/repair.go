package app

import (
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// RepairEntry is one line of the repair log. Entries are append-only facts;
// a correction is a new entry.
type RepairEntry struct {
	ID      string    `json:"id"` // device-minted UUID
	Ticket  TicketID  `json:"ticket"`
	Action  string    `json:"action"` // e.g. "replaced battery", "re-seated ribbon"
	Minutes int       `json:"minutes,omitempty"`
	At      time.Time `json:"at"`
	By      string    `json:"by,omitempty"`
}

// PartUsed records a part fitted on a ticket; its stock movement is the
// consume entry with the same ID.
type PartUsed struct {
	ID              string     `json:"id"` // equals the consume movement's ID
	Ticket          TicketID   `json:"ticket"`
	Part            PartNumber `json:"part"`
	Qty             int        `json:"qty"`
	Serial          string     `json:"serial,omitempty"`           // of the new part, when serialized
	DefectiveSerial string     `json:"defective_serial,omitempty"` // of the removed part, when it goes back
	From            LocationID `json:"from"`
	At              time.Time  `json:"at"`
}

// Unit is one unit of a part, known by its serial (PartService.FindUnits).
type Unit struct {
	Part   PartNumber
	Serial string
}

// UnitFit is a fit of a unit by its serial that this device records (a
// part use, PartService.UnitFits): the ticket it went into and when, and
// whether the unit was taken out again since (Removed: a defective return
// of the part with the same serial, at or after the fit).
type UnitFit struct {
	Ticket   TicketID
	Number   string // the ticket's human number
	Customer string // the ticket's customer's name
	Part     PartNumber
	Serial   string // as recorded
	At       time.Time
	Removed  bool
}

// MaxUnitFits bounds PartService.UnitFits: a unit fitted, removed and
// fitted again more often than this is no unit a technician picks by.
const MaxUnitFits = 20

// CheckRefit decides on fitting u, whose serial no unit at the stock it
// comes from carries, given the fits of that part's serial the device
// records (PartService.UnitFits). The same unit still fitted on the same
// ticket is refused (CheckFittedHere). A fit on another ticket is
// returned for the technician to be asked about (the one still in place
// first, then the newest), ok false when there is none: the unit may have
// been taken out without a record, the serial misread there or here, and
// the device's records may be days old, so the fit the technician makes
// with the unit in hand is kept, for dispatch to settle after sync.
func CheckRefit(u PartUsed, fits []UnitFit) (UnitFit, bool, error) {
	if err := CheckFittedHere(u, fits); err != nil {
		return UnitFit{}, false, err
	}
	var other []UnitFit
	for _, f := range fits {
		if sameUnit(u, f) && f.Ticket != u.Ticket {
			other = append(other, f)
		}
	}
	if len(other) == 0 {
		return UnitFit{}, false, nil
	}
	slices.SortStableFunc(other, func(a, b UnitFit) int {
		if a.Removed != b.Removed {
			if !a.Removed {
				return -1
			}
			return 1
		}
		return b.At.Compare(a.At)
	})
	return other[0], true, nil
}

// CheckFittedHere refuses fitting u on its ticket when fits (of u's part
// and serial, as PartService.UnitFits reads them) hold a fit of the same
// unit there that was not removed since: a second fit of it there is a
// double entry, never a second unit, which has its own serial. A unit
// removed (returned as defective) and fitted again is a new fit. The
// add-part dialog asks it as the serial is typed, and the device store
// again in the transaction that records the fit. The central service does
// not: a fit a device recorded offline is a fact, and its unit's conflict
// (PROTOCOL.md, "Ticket merge rules") names the ticket it is on.
func CheckFittedHere(u PartUsed, fits []UnitFit) error {
	for _, f := range fits {
		if sameUnit(u, f) && f.Ticket == u.Ticket && !f.Removed {
			return Errorf(ECONFLICT, "stock.unit_fitted_here", "Serial {{.Serial}} is fitted on this ticket already. Check the serial on the unit in your hand: another unit has its own serial.", "Serial", f.Serial)
		}
	}
	return nil
}

// sameUnit reports whether f is a fit of u's unit: the same part, and the
// serial in any case (a serial typed in another case is the unit's).
func sameUnit(u PartUsed, f UnitFit) bool {
	return f.Part == u.Part && strings.EqualFold(strings.TrimSpace(f.Serial), strings.TrimSpace(u.Serial))
}

// CheckSerialized refuses a fit of p that its being serialized forbids:
// a serialized part is fitted by its serial, one unit at a time. The
// add-part dialog asks it before it closes, and ConsumePart.Apply again.
func (u PartUsed) CheckSerialized(p Part) error {
	if !p.Serialized {
		return nil
	}
	if strings.TrimSpace(u.Serial) == "" {
		return Errorf(EINVALID, "stock.needs_serial", "Part {{.Part}} is serialized: scan or type its serial number.", "Part", string(p.Number))
	}
	if u.Qty != 1 {
		return Errorf(EINVALID, "stock.serial_qty", "A serialized part is fitted one at a time.")
	}
	return nil
}

// Photo is a picture's metadata; its bytes are a file named by SHA-256.
type Photo struct {
	ID      string    `json:"id"`
	Ticket  TicketID  `json:"ticket"`
	SHA256  string    `json:"sha256"` // lower-case hex
	Size    int64     `json:"size"`
	Mime    string    `json:"mime"`
	Caption string    `json:"caption,omitempty"`
	Kind    string    `json:"kind,omitempty"` // "condition", "repair", "proof_of_purchase", "signature"
	At      time.Time `json:"at"`
	State   string    `json:"state,omitempty"` // upload state: PhotoLocal, PhotoUploading, PhotoVerified, PhotoPending
}

// Upload states of a photo (Photo.State). They cross the wire and are
// stored on both sides: never rename them.
const (
	// PhotoLocal: the device recorded the photo; its bytes are only there.
	PhotoLocal = "local"
	// PhotoUploading: the device's upload queue is sending the bytes.
	PhotoUploading = "uploading"
	// PhotoVerified: the server has the bytes and checked their hash.
	PhotoVerified = "verified"
	// PhotoPending is the server's state of a photo whose bytes it does not
	// have (yet, or again after a restore from a backup).
	PhotoPending = "pending"
)

// ValidSHA256 reports whether s is a lower-case hex SHA-256 digest.
func ValidSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Note is free text on a ticket.
type Note struct {
	ID     string    `json:"id"`
	Ticket TicketID  `json:"ticket"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
}

// TicketDetail is a ticket with everything recorded on it.
type TicketDetail struct {
	Ticket  Ticket        `json:"ticket"`
	Repairs []RepairEntry `json:"repairs"`
	Parts   []PartUsed    `json:"parts"`
	Photos  []Photo       `json:"photos"`
	Notes   []Note        `json:"notes"`
	// Signatures are the customer's sign-offs and refusals, oldest first.
	Signatures []Signature `json:"signatures,omitempty"`
	// Payments and Estimates: money taken and offered (see payment.go).
	Payments  []Payment  `json:"payments,omitempty"`
	Estimates []Estimate `json:"estimates,omitempty"`
	// Away, set only by the server on a closed or cancelled ticket it sent
	// without its facts, counts what stayed behind (historyaway.go).
	Away *HistoryAway `json:"away,omitempty"`
}

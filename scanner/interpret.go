package scanner

import (
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
)

// ScanKind is what a scanned code stands for, and so what the terminal
// does with it.
type ScanKind string

// Scan kinds.
const (
	// ScanTicket is a claim tag: open its ticket.
	ScanTicket ScanKind = "ticket"
	// ScanDevice is a device's serial number or IMEI: find its ticket, or
	// fill the serial field of the form being filled in.
	ScanDevice ScanKind = "device"
	// ScanPart is a part label or a GS1 code on a part: find the part.
	ScanPart ScanKind = "part"
	// ScanText is anything else: searched for among tickets and parts.
	ScanText ScanKind = "text"
	// ScanPairing is an administrator's pairing QR Code: the server's
	// address, a one-time code and the fingerprint of the server's
	// certificate.
	ScanPairing ScanKind = "pairing"
)

// Meaning is what a scanned text says, read without looking anything up.
type Meaning struct {
	Kind ScanKind
	// Text is the scanned text, trimmed of spaces and control characters
	// at both ends.
	Text string
	// Ticket and TicketNumber come from a claim tag.
	Ticket       app.TicketID
	TicketNumber string
	// Part, PartSerial and ReturnRef come from a part label; Part may also
	// be a GTIN.
	Part       app.PartNumber
	PartSerial string
	ReturnRef  string
	// Serial is a device's serial number or IMEI; IMEI is set when it
	// passed the IMEI check.
	Serial string
	IMEI   bool
	// Brand and Manufactured come from a serial-number rule that matched;
	// Manufactured is zero when the rule encodes no date.
	Brand        string
	Manufactured time.Time
	Precision    string
	// GS1 holds a GS1 element string's fields, when the code was one.
	GS1 *GS1
	// Lot and Expiry come from GS1 (AI 10 and 17).
	Lot    string
	Expiry time.Time
	// PairServer and PairCode come from a pairing QR Code.
	PairServer string
	PairCode   string
	// PairFingerprint is the SHA-256 of the server's certificate (lower-
	// case hex) the device pins; "" when the code carries none.
	PairFingerprint string
}

// Interpret reads the meaning of a scanned text: a Fieldbench label, a
// GS1 element string, an IMEI, a serial number that one of rules
// recognises, or plain text. It fails only for a Fieldbench label it
// cannot read (ETOONEW for a newer label version, EINVALID for a damaged
// one), because guessing at those would open the wrong ticket; text that
// is merely unknown is ScanText. now resolves the years in serials.
func Interpret(text string, rules SerialRules, now time.Time) (Meaning, error) {
	s := strings.TrimFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) && r != 0x1d })
	s = strings.TrimRight(s, "\x1d")
	m := Meaning{Kind: ScanText, Text: s}
	if s == "" {
		return Meaning{}, app.Errorf(app.EINVALID, "scan.empty", "The scan was empty. Scan the code again.")
	}
	if rest, ok := strings.CutPrefix(s, "fieldbench:pair?"); ok {
		q, err := url.ParseQuery(rest)
		// A fingerprint that is not a SHA-256 is damage, not "no pin":
		// dropping it would let anyone's certificate through.
		if err != nil || q.Get("code") == "" || q.Has("fp") && !app.ValidSHA256(q.Get("fp")) {
			return Meaning{}, app.Errorf(app.EINVALID, "scan.pairing_invalid", "This pairing code is damaged. Ask your administrator for a new one.")
		}
		m.Kind, m.PairCode, m.PairServer, m.PairFingerprint = ScanPairing, q.Get("code"), q.Get("server"), q.Get("fp")
		return m, nil
	}
	if strings.HasPrefix(s, "FB") && strings.Contains(s, "|") {
		l, err := ParseLabel(s)
		if err != nil {
			return Meaning{}, err
		}
		switch l.Kind {
		case LabelTicket:
			m.Kind, m.Ticket, m.TicketNumber = ScanTicket, app.TicketID(l.ID), l.Fields["n"]
		case LabelPart:
			m.Kind, m.Part, m.PartSerial, m.ReturnRef = ScanPart, app.PartNumber(l.ID), l.Fields["s"], l.Fields["r"]
		case LabelDevice:
			m.Kind, m.Serial = ScanDevice, l.ID
			m.readSerial(rules, now)
		}
		return m, nil
	}
	if imei, err := ParseIMEI(s); err == nil {
		m.Kind, m.Serial, m.IMEI = ScanDevice, imei, true
		return m, nil
	}
	if looksGS1(s) {
		if g, err := ParseGS1(s); err == nil && (g.GTIN != "" || g.Serial != "") {
			m.GS1 = &g
			m.Lot = g.Lot
			m.Expiry, _ = g.ExpiryDate()
			if g.Serial != "" && g.GTIN == "" {
				m.Kind, m.Serial = ScanDevice, g.Serial
				m.readSerial(rules, now)
				return m, nil
			}
			// A GTIN names a kind of goods: on our shelves, a part. Its
			// serial, if any, is this very part's.
			m.Kind, m.Part, m.PartSerial = ScanPart, app.PartNumber(g.GTIN), g.Serial
			return m, nil
		}
	}
	if info, ok := rules.MatchAny(s, now); ok {
		m.Kind, m.Serial = ScanDevice, strings.ToUpper(s)
		m.Brand, m.Manufactured, m.Precision = info.Brand, info.Manufactured, info.Precision
	}
	return m, nil
}

// readSerial fills the brand and manufacture date from the first rule that
// matches the serial.
func (m *Meaning) readSerial(rules SerialRules, now time.Time) {
	if info, ok := rules.MatchAny(m.Serial, now); ok {
		m.Brand, m.Manufactured, m.Precision = info.Brand, info.Manufactured, info.Precision
	}
}

// looksGS1 reports whether s is worth parsing as GS1: it starts with a
// symbology identifier, a GS separator, a bracketed AI, or AI 01 followed
// by a GTIN's 14 digits.
func looksGS1(s string) bool {
	switch {
	case strings.HasPrefix(s, "]C1"), strings.HasPrefix(s, "]d2"), strings.HasPrefix(s, "]Q3"),
		strings.HasPrefix(s, "]e0"), strings.HasPrefix(s, "]J1"), strings.HasPrefix(s, gsSep),
		strings.HasPrefix(s, "(01)"), strings.HasPrefix(s, "(21)"), strings.HasPrefix(s, "(10)"):
		return true
	case strings.HasPrefix(s, "01") && len(s) >= 16:
		for _, c := range s[2:16] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// MatchAny is Match for a serial whose brand is not known yet, as when it
// is scanned at the counter: the first rule of any brand that matches.
func (rs SerialRules) MatchAny(serial string, now time.Time) (SerialInfo, bool) {
	for _, r := range rs {
		if info, ok := (SerialRules{r}).Match(r.Brand, serial, now); ok {
			return info, true
		}
	}
	return SerialInfo{}, false
}

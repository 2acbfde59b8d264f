package scanner

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

// This file gives decoded text its meaning: IMEIs, GS1 element strings
// and Fieldbench's own labels.

// ParseIMEI returns the 15-digit IMEI in s, which may contain spaces,
// dashes and slashes (as printed on boxes and under batteries), after
// checking its Luhn check digit. Errors are EINVALID.
func ParseIMEI(s string) (string, error) {
	digits := make([]byte, 0, 15)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '/':
		default:
			return "", app.Errorf(app.EINVALID, "scan.imei_invalid",
				"{{.IMEI}} is not an IMEI: an IMEI has 15 digits.", "IMEI", s)
		}
	}
	if len(digits) != 15 {
		return "", app.Errorf(app.EINVALID, "scan.imei_invalid",
			"{{.IMEI}} is not an IMEI: an IMEI has 15 digits.", "IMEI", s)
	}
	if luhn(digits[:14]) != digits[14]-'0' {
		return "", app.Errorf(app.EINVALID, "scan.imei_check_digit",
			"The IMEI {{.IMEI}} has a wrong check digit; check for a misread or typing error.", "IMEI", string(digits))
	}
	return string(digits), nil
}

// IMEIMistyped reports whether s reads as an IMEI (15 digits, grouped as
// ParseIMEI takes them) whose last digit is not the check digit of the
// other 14: one digit typed or read wrong. A brand refuses a warranty
// claim whose IMEI is not the phone's, so the check-in warns while the
// phone is still on the counter. Anything else (another length, letters:
// a serial) is no mistyped IMEI.
func IMEIMistyped(s string) bool {
	_, err := ParseIMEI(s)
	var e *app.Error
	return errors.As(err, &e) && e.Key == "scan.imei_check_digit"
}

// luhn returns the Luhn check digit for the ASCII digits in d.
func luhn(d []byte) byte {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 0 { // doubled: the digit next to the check digit, and every other one
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return byte((10 - sum%10) % 10)
}

// GS1 is a parsed GS1 element string, as carried by GS1-128, GS1
// DataMatrix and GS1 QR Code.
type GS1 struct {
	GTIN   string // AI 01, 14 digits, check digit verified
	Serial string // AI 21
	Lot    string // AI 10
	Expiry string // AI 17, YYMMDD as printed (DD may be 00: end of month)
	// Elements holds every element by AI, these four included, in order.
	Elements []GS1Element
}

// GS1Element is one application identifier and its data.
type GS1Element struct {
	AI   string
	Data string
}

// ExpiryDate returns the last day the goods may be used, from Expiry;
// false when there is none or it is not a date. Day 00 means the end of
// the month.
func (g GS1) ExpiryDate() (time.Time, bool) {
	if len(g.Expiry) != 6 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(g.Expiry)
	if err != nil {
		return time.Time{}, false
	}
	yy, mm, dd := n/10000, n/100%100, n%100
	if mm < 1 || mm > 12 || dd > 31 {
		return time.Time{}, false
	}
	// GS1 General Specifications 7.12: a two-digit year within 50 years
	// ahead or 49 behind; we take 2000-2099, which covers goods in use.
	year := 2000 + yy
	if dd == 0 {
		return time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC), true
	}
	t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd {
		return time.Time{}, false // 31 April and the like
	}
	return t, true
}

// gs1Fixed gives the data length of the AIs whose length is fixed (GS1
// General Specifications, figure 5.10.2-1, for the AIs we see on parts
// and devices); gs1Var the maximum length of variable ones.
var (
	gs1Fixed = map[string]int{
		"00": 18, "01": 14, "02": 14, "11": 6, "12": 6, "13": 6, "15": 6, "16": 6, "17": 6, "20": 2,
	}
	gs1Var = map[string]int{
		"10": 20, "21": 20, "22": 20, "240": 30, "241": 30, "250": 30, "251": 30, "30": 8, "37": 8,
		"400": 30, "90": 30, "91": 90, "92": 90, "93": 90, "94": 90, "95": 90, "96": 90, "97": 90, "98": 90, "99": 90,
	}
)

// gsSep is the FNC1 field separator as decoders report it.
const gsSep = "\x1d"

// ParseGS1 parses a GS1 element string: the raw form a scanner returns
// (variable-length fields ended by GS, 0x1d, optionally starting with a
// symbology identifier such as "]C1", "]d2" or "]Q3"), or the
// human-readable form with AIs in brackets, "(01)09506000134352(17)201225".
// AIs outside a common subset are refused, since their length cannot be
// known. Errors are EINVALID.
func ParseGS1(s string) (GS1, error) {
	bad := func(why string) (GS1, error) {
		return GS1{}, app.Errorf(app.EINVALID, "scan.gs1_invalid",
			"This code is not a GS1 code Fieldbench reads ({{.Why}}).", "Why", why)
	}
	var els []GS1Element
	if strings.HasPrefix(s, "(") {
		for rest := s; rest != ""; {
			ai, after, ok := strings.Cut(strings.TrimPrefix(rest, "("), ")")
			if !strings.HasPrefix(rest, "(") || !ok {
				return bad("unbalanced brackets")
			}
			data, next, more := strings.Cut(after, "(")
			if more {
				next = "(" + next
			}
			els = append(els, GS1Element{AI: ai, Data: data})
			rest = next
		}
	} else {
		for _, id := range []string{"]C1", "]d2", "]Q3", "]e0", "]J1"} {
			s = strings.TrimPrefix(s, id)
		}
		s = strings.TrimPrefix(s, gsSep)
		for s != "" {
			ai, n := gs1AI(s)
			if ai == "" {
				return bad(fmt.Sprintf("unknown application identifier at %q", clip(s)))
			}
			s = s[len(ai):]
			if n > 0 {
				if len(s) < n {
					return bad("AI " + ai + " is cut short")
				}
				els = append(els, GS1Element{AI: ai, Data: s[:n]})
				s = strings.TrimPrefix(s[n:], gsSep) // a needless separator is tolerated
				continue
			}
			data, rest, _ := strings.Cut(s, gsSep)
			els = append(els, GS1Element{AI: ai, Data: data})
			s = rest
		}
	}
	if len(els) == 0 {
		return bad("no elements")
	}
	var g GS1
	for _, e := range els {
		if err := checkGS1(e); err != "" {
			return bad(err)
		}
		if slices.ContainsFunc(g.Elements, func(o GS1Element) bool { return o.AI == e.AI }) {
			return bad("AI " + e.AI + " twice")
		}
		g.Elements = append(g.Elements, e)
		switch e.AI {
		case "01":
			g.GTIN = e.Data
		case "21":
			g.Serial = e.Data
		case "10":
			g.Lot = e.Data
		case "17":
			g.Expiry = e.Data
		}
	}
	return g, nil
}

// gs1AI returns the AI that s starts with and its fixed length (0 for a
// variable one), or "" if it is not one we know.
func gs1AI(s string) (string, int) {
	for _, k := range []int{2, 3} {
		if len(s) < k {
			break
		}
		if n, ok := gs1Fixed[s[:k]]; ok {
			return s[:k], n
		}
		if _, ok := gs1Var[s[:k]]; ok {
			return s[:k], 0
		}
	}
	return "", 0
}

// checkGS1 returns what is wrong with an element, or "".
func checkGS1(e GS1Element) string {
	n, fixed := gs1Fixed[e.AI]
	max, variable := gs1Var[e.AI]
	switch {
	case !fixed && !variable:
		return "unknown application identifier " + e.AI
	case fixed && len(e.Data) != n:
		return fmt.Sprintf("AI %s needs %d characters", e.AI, n)
	case variable && (len(e.Data) == 0 || len(e.Data) > max):
		return fmt.Sprintf("AI %s needs 1 to %d characters", e.AI, max)
	}
	for i := 0; i < len(e.Data); i++ {
		// GS1 AI encodable character set 82: printable ASCII less a few.
		if c := e.Data[i]; c < '!' || c > 'z' || strings.IndexByte(`#$@[\]^`+"`", c) >= 0 {
			return fmt.Sprintf("AI %s has a character GS1 does not allow", e.AI)
		}
	}
	if fixed || e.AI == "30" || e.AI == "37" {
		if strings.Trim(e.Data, "0123456789") != "" {
			return "AI " + e.AI + " must be digits"
		}
	}
	if e.AI == "00" || e.AI == "01" || e.AI == "02" {
		d := []byte(e.Data)
		if gs1Check(d[:len(d)-1]) != d[len(d)-1]-'0' {
			return "AI " + e.AI + " has a wrong check digit"
		}
	}
	return ""
}

// gs1Check returns the GS1 mod-10 check digit for the ASCII digits in d
// (weights 3 and 1 from the right).
func gs1Check(d []byte) byte {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return byte((10 - sum%10) % 10)
}

func clip(s string) string {
	if len(s) > 12 {
		return s[:12] + "..."
	}
	return s
}

// LabelKind says what a Fieldbench label is stuck on.
type LabelKind string

// Label kinds.
const (
	LabelTicket LabelKind = "T" // a device in for repair; ID is the ticket ID
	LabelPart   LabelKind = "P" // a part or its bin; ID is the part number
	LabelDevice LabelKind = "D" // a device itself; ID is its serial or IMEI
)

// Label is the payload of a label Fieldbench prints as a QR Code:
//
//	FB1|<kind>|<id>[|<key>=<value>]...
//
// "FB" and the grammar version, the kind (T, P or D), the ID, then
// optional fields with keys of lower-case letters, digits and '_' in
// sorted order. In the ID and values '%', '|', '=' and control
// characters are written %XX. A reader refuses a newer version with
// ETOONEW rather than guess at it.
type Label struct {
	Kind   LabelKind
	ID     string
	Fields map[string]string // nil or empty when there are none
}

// LabelVersion is the version of the label grammar FormatLabel writes.
const LabelVersion = 1

// Limits of a label, so that it fits a QR Code a label printer can print
// at a size phones read.
const (
	maxLabelID    = 64
	maxLabelField = 128
	maxLabelKey   = 16
	maxLabelBytes = 512
)

// FormatLabel returns the payload of l, or an EINVALID error if l breaks
// the grammar's rules.
func FormatLabel(l Label) (string, error) {
	if err := l.validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FB%d|%s|%s", LabelVersion, l.Kind, escapeLabel(l.ID))
	keys := make([]string, 0, len(l.Fields))
	for k := range l.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "|%s=%s", k, escapeLabel(l.Fields[k]))
	}
	if b.Len() > maxLabelBytes {
		return "", labelErr("The label holds too much: at most {{.Max}} bytes.", "Max", maxLabelBytes)
	}
	return b.String(), nil
}

// ParseLabel reads a label payload. Errors: EINVALID when s is not a
// Fieldbench label or breaks the grammar, ETOONEW when it was written by
// a newer grammar version.
func ParseLabel(s string) (Label, error) {
	head, rest, _ := strings.Cut(s, "|")
	if !strings.HasPrefix(head, "FB") {
		return Label{}, app.Errorf(app.EINVALID, "scan.label_foreign", "This code is not a Fieldbench label.")
	}
	v, err := strconv.Atoi(head[2:])
	if err != nil || v < 1 || head[2] == '0' || head[2] == '+' {
		return Label{}, app.Errorf(app.EINVALID, "scan.label_foreign", "This code is not a Fieldbench label.")
	}
	if v > LabelVersion {
		return Label{}, app.Errorf(app.ETOONEW, "scan.label_too_new",
			"This label was printed by a newer version of Fieldbench (label version {{.Version}}). Update the app to read it.",
			"Version", v)
	}
	if len(s) > maxLabelBytes {
		return Label{}, labelErr("The label holds too much: at most {{.Max}} bytes.", "Max", maxLabelBytes)
	}
	parts := strings.Split(rest, "|")
	if len(parts) < 2 {
		return Label{}, labelErr("The label is incomplete.")
	}
	l := Label{Kind: LabelKind(parts[0])}
	if l.ID, err = unescapeLabel(parts[1]); err != nil {
		return Label{}, err
	}
	prev := ""
	for _, p := range parts[2:] {
		k, ev, ok := strings.Cut(p, "=")
		if !ok {
			return Label{}, labelErr("A label field lacks '='.")
		}
		if k <= prev {
			return Label{}, labelErr("Label fields are repeated or out of order.")
		}
		prev = k
		val, err := unescapeLabel(ev)
		if err != nil {
			return Label{}, err
		}
		if l.Fields == nil {
			l.Fields = map[string]string{}
		}
		l.Fields[k] = val
	}
	if err := l.validate(); err != nil {
		return Label{}, err
	}
	return l, nil
}

// CutLabel splits text into what comes before a Fieldbench label that
// ends it, and the label: the earliest "FB" from which the rest reads as
// a label (or as one of a newer version, which Interpret explains). ok is
// false when text ends in no label.
func CutLabel(text string) (before, label string, ok bool) {
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "FB")
		if j < 0 {
			break
		}
		i += j
		if len(text)-i <= maxLabelBytes {
			if _, err := ParseLabel(text[i:]); err == nil || app.ErrorCode(err) == app.ETOONEW {
				return text[:i], text[i:], true
			}
		}
		i += 2
	}
	return text, "", false
}

func labelErr(msg string, kv ...any) *app.Error {
	return app.Errorf(app.EINVALID, "scan.label_invalid", msg, kv...)
}

func (l Label) validate() error {
	switch l.Kind {
	case LabelTicket, LabelPart, LabelDevice:
	default:
		return labelErr("Unknown label kind {{.Kind}}.", "Kind", string(l.Kind))
	}
	if l.ID == "" || len(l.ID) > maxLabelID || !utf8.ValidString(l.ID) {
		return labelErr("A label ID has 1 to {{.Max}} bytes of text.", "Max", maxLabelID)
	}
	for k, v := range l.Fields {
		if k == "" || len(k) > maxLabelKey || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return labelErr("Bad label field name {{.Key}}.", "Key", k)
		}
		if len(v) > maxLabelField || !utf8.ValidString(v) {
			return labelErr("Label field {{.Key}} has more than {{.Max}} bytes or is not text.", "Key", k, "Max", maxLabelField)
		}
	}
	return nil
}

// escapeLabel writes '%', '|', '=' and control characters as %XX.
func escapeLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c == '|' || c == '=' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeLabel undoes escapeLabel, accepting only what it writes, so
// that every label has one spelling.
func unescapeLabel(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' || c < 0x20 || c == 0x7f {
			return "", labelErr("A label holds a character that must be escaped.")
		}
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) {
			return "", labelErr("A label has a broken %-escape.")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		e := byte(v)
		if err != nil || strings.ToUpper(s[i+1:i+3]) != s[i+1:i+3] ||
			!(e == '%' || e == '|' || e == '=' || e < 0x20 || e == 0x7f) {
			return "", labelErr("A label has a broken %-escape.")
		}
		b.WriteByte(e)
		i += 2
	}
	return b.String(), nil
}

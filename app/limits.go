package app

import (
	"strings"
	"unicode/utf8"
)

// Bounds on what any device, import or administrator may write. They are
// checked here, once, so the device's store and the central service refuse
// the same things.
//
// Quantities are bounded so that no sum of them can overflow: a balance is
// a sum of movements, and 2^63 / MaxQty is over 9 * 10^12 movements, more
// than any ledger will hold. Amounts are bounded for the same reason, and
// the warranty decision's sums are checked besides (addOK, mulOK).
const (
	// MaxQty bounds a movement's quantity (an adjustment's in either
	// direction).
	MaxQty = 1_000_000
	// MaxAmount bounds an amount in minor units: ten billion yuan, euros
	// or dollars.
	MaxAmount = 1_000_000_000_000
	// MaxNameLen bounds a name, a label or a short text (a part's names,
	// a brand, a model, a location's or technician's name), in
	// characters (TextLen), as every text bound here.
	MaxNameLen = 200
	// MaxReasonLen bounds a reason or a short free text (a status
	// change's reason, a count adjustment's), in characters.
	MaxReasonLen = 2000
	// MaxTextLen bounds a free text (a fault, a diagnosis, a note, an
	// address), in characters.
	MaxTextLen = 4000
	// MaxListLen bounds a list inside one record (a part's compatible
	// models, its prices, a rule set's rules and plans).
	MaxListLen = 1000
	// MaxNameLangs bounds the languages of one name the server gives in
	// several (a rule set's names).
	MaxNameLangs = 10
	// MaxCaptionLen bounds a photo's caption, in characters.
	MaxCaptionLen = 500
	// MaxRepairMinutes bounds one repair log entry: a day's work. Longer
	// work is logged as several entries, one a day.
	MaxRepairMinutes = 24 * 60
)

// CheckCaption refuses a photo caption over MaxCaptionLen: the device
// checks it before it stores the picture, the mutation again.
func CheckCaption(caption string) error { return tooLong("photo.caption", caption, MaxCaptionLen) }

// TextLen is the length of s as every bound on text counts it: in
// characters (Unicode code points), not bytes, so a technician writing
// Chinese (three bytes a character in UTF-8) gets the room one writing
// English gets, and the number a message names is the number he can
// type. Bytes stay bounded where they matter (a mutation's arguments, a
// request's body): a character is at most 4 bytes.
func TextLen(s string) int { return utf8.RuneCountInString(s) }

// CheckTextLen refuses value when it is not UTF-8 (a byte count and a
// character count would disagree on it, and it would show as U+FFFD) or
// when it holds more than max characters (TextLen). Every bound on a text
// field, on the device and on the central service, goes through it.
func CheckTextLen(field, value string, max int) error {
	if !utf8.ValidString(value) {
		return notUTF8(field)
	}
	if TextLen(value) > max {
		return Errorf(EINVALID, "mutation.too_long", "Field {{.Field}} is longer than {{.Max}} characters: shorten it.", "Field", field, "Max", max)
	}
	return nil
}

// notUTF8 is CheckTextLen's refusal of bytes that are not UTF-8 text.
func notUTF8(field string) error {
	return Errorf(EINVALID, "field.not_utf8", "Field {{.Field}} is not UTF-8 text; type it again, or save the file as UTF-8.", "Field", field)
}

// CutText is s cut to its first max characters (TextLen), never inside
// one: what is kept of a text the user is not asked to shorten (a
// device's name at pairing).
func CutText(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// tooLong is CheckTextLen, the name the record checks here call it by.
func tooLong(field, value string, max int) error { return CheckTextLen(field, value, max) }

// lenOf is a text field with its bound in characters, for checkLens.
type lenOf struct {
	field, value string
	max          int
}

// checkLens is tooLong of each field in turn: every text a mutation
// carries has a bound of its own, so a record within them all fits
// MaxArgsBytes (TestWorstCaseArgsFit).
func checkLens(fields ...lenOf) error {
	for _, f := range fields {
		if err := tooLong(f.field, f.value, f.max); err != nil {
			return err
		}
	}
	return nil
}

// tooMany refuses a list over MaxListLen entries.
func tooMany(field string, n int) error {
	if n > MaxListLen {
		return Errorf(EINVALID, "field.too_many", "Field {{.Field}} holds more than {{.Max}} entries; split the record.", "Field", field, "Max", MaxListLen)
	}
	return nil
}

// CheckName refuses a name that is too long, not UTF-8 or holds control
// characters (names are shown on one line and printed on labels), naming
// field: an import names the file's column so.
func CheckName(field, value string) error { return checkName(field, value) }

// checkName is CheckName, the name the record checks here call it by.
func checkName(field, value string) error {
	if !utf8.ValidString(value) || strings.ContainsFunc(value, isControl) {
		return Errorf(EINVALID, "field.control_chars", "Field {{.Field}} holds control characters or is not UTF-8 text; remove them, or save the file as UTF-8.", "Field", field)
	}
	return tooLong(field, value, MaxNameLen)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// checkAmount refuses an amount outside ±MaxAmount.
func checkAmount(field string, amount int64) error {
	if amount < -MaxAmount || amount > MaxAmount {
		return Errorf(EINVALID, "money.out_of_range", "The amount in {{.Field}} is out of range (at most {{.Max}} in minor units); check it for a typing error.", "Field", field, "Max", int64(MaxAmount))
	}
	return nil
}

// validCountry reports whether s is a two-letter upper-case country code.
func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

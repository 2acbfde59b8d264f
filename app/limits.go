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
	// a brand, a model, a location's or technician's name), in bytes.
	MaxNameLen = 200
	// MaxReasonLen bounds a reason or a short free text (a status
	// change's reason, a count adjustment's), in bytes.
	MaxReasonLen = 2000
	// MaxTextLen bounds a free text (a fault, a diagnosis, a note, an
	// address), in bytes.
	MaxTextLen = 4000
	// MaxListLen bounds a list inside one record (a part's compatible
	// models, its prices, a rule set's rules and plans).
	MaxListLen = 1000
	// MaxNameLangs bounds the languages of one name the server gives in
	// several (a rule set's names).
	MaxNameLangs = 10
	// MaxCaptionLen bounds a photo's caption, in bytes.
	MaxCaptionLen = 500
	// MaxRepairMinutes bounds one repair log entry: a day's work. Longer
	// work is logged as several entries, one a day.
	MaxRepairMinutes = 24 * 60
)

// CheckCaption refuses a photo caption over MaxCaptionLen: the device
// checks it before it stores the picture, the mutation again.
func CheckCaption(caption string) error { return tooLong("photo.caption", caption, MaxCaptionLen) }

// tooLong refuses a text over max bytes.
func tooLong(field, value string, max int) error {
	if len(value) > max {
		return Errorf(EINVALID, "mutation.too_long", "Field {{.Field}} is longer than {{.Max}} characters.", "Field", field, "Max", max)
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

// checkName refuses a name that is too long, not UTF-8 or holds control
// characters (names are shown on one line and printed on labels).
func checkName(field, value string) error {
	if err := tooLong(field, value, MaxNameLen); err != nil {
		return err
	}
	if !utf8.ValidString(value) || strings.ContainsFunc(value, isControl) {
		return Errorf(EINVALID, "field.control_chars", "Field {{.Field}} holds control characters or is not UTF-8 text; remove them, or save the file as UTF-8.", "Field", field)
	}
	return nil
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

package app

import (
	"math"
	"strconv"
)

// Size is a number of bytes an error's data holds (a limit, what is
// held), under one of sizeKeys. Its String is the English text of the
// message; a reader in another language writes the number by its own
// size rule, assets/translations.Size (the terminal's sizeText, the
// console's Catalog.Size), whose English this String equals.
type Size int64

// sizeKeys name the data of an Error that are sizes in bytes. Named, not
// typed: the data crosses the sync wire as JSON, where a Size comes back
// a plain number.
var sizeKeys = [...]string{"MaxSize", "HeldSize"}

// String is s in English: "512B", "312KB", "1.5MB", "50MB", grouped by
// thousands with commas.
func (s Size) String() string {
	n := int64(s)
	switch {
	case n >= 1<<20:
		tenths := (n/(1<<10)*10 + 1<<9) >> 10
		if tenths%10 == 0 {
			return groupEnglish(tenths/10) + "MB"
		}
		return groupEnglish(tenths/10) + "." + strconv.FormatInt(tenths%10, 10) + "MB"
	case n >= 1<<10:
		return groupEnglish(n>>10) + "KB"
	}
	return groupEnglish(n) + "B"
}

// groupEnglish is n with commas between groups of three digits.
func groupEnglish(n int64) string {
	digits := strconv.FormatInt(n, 10)
	if n < 0 || len(digits) < 4 {
		return digits
	}
	var b []byte
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	return string(b)
}

// Sizes are the sizes in bytes e's data holds, by key (a Size made here,
// or the number JSON brought across the wire); nil when it holds none.
func (e *Error) Sizes() map[string]int64 { return SizesOf(e.Data) }

// SizesOf are the sizes in bytes an Error's data holds, by key, also once
// stored in a conflict (Conflict.Data); nil when it holds none.
func SizesOf(data map[string]any) map[string]int64 {
	var sizes map[string]int64
	for _, k := range sizeKeys {
		var n int64
		switch v := data[k].(type) {
		case Size:
			n = int64(v)
		case int64:
			n = v
		case int:
			n = int64(v)
		case float64:
			n = int64(v)
		default:
			continue
		}
		if sizes == nil {
			sizes = make(map[string]int64, len(sizeKeys))
		}
		sizes[k] = n
	}
	return sizes
}

// Number is a measure an error's data holds under one of numberKeys (an
// image's pixels, an upload's exact bytes). Its String is the English text
// of the message; a reader in another language writes the number by its
// own rule, assets/translations.Number (the terminal's numberText), whose
// English this String equals.
type Number float64

// String is n in English: "9", "12,000", grouped by thousands with commas,
// and one decimal unless it is whole, "12.5".
func (n Number) String() string {
	tenths := math.Round(float64(n) * 10)
	if math.IsNaN(tenths) || math.IsInf(tenths, 0) || math.Abs(tenths) >= 1<<62 {
		return "0"
	}
	t := int64(tenths)
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	if t%10 == 0 {
		return sign + groupEnglish(t/10)
	}
	return sign + groupEnglish(t/10) + "." + strconv.FormatInt(t%10, 10)
}

// numberKeys name the data of an Error that are measures a person reads
// that are neither sizes nor amounts: an image's Width and Height in
// pixels, its megapixel Limit, an upload's exact Length and recorded
// Size in bytes (exact: the two differ by a byte, which a size rounded
// to kilobytes would hide), and a bound's Min and Max ("at most 4,000
// characters", "0 to 1,440 minutes": written raw, "4000" and "1440", in
// every language). A reader writes them by its language's number
// rule, assets/translations.Number ("12,000", "12’000" in French),
// as sizes by the size rule. Named, not typed, as sizeKeys are: the sync
// wire's JSON brings them back plain numbers.
var numberKeys = [...]string{"Width", "Height", "Limit", "Length", "Size", "Min", "Max"}

// Numbers are the measures e's data holds by key (numberKeys): a number
// made here or brought by JSON across the sync wire; nil when it holds
// none. A key holding text (a size already written) is left out.
func (e *Error) Numbers() map[string]float64 { return NumbersOf(e.Data) }

// NumbersOf are the measures an Error's data holds by key, also once
// stored in a conflict (Conflict.Data); nil when it holds none.
func NumbersOf(data map[string]any) map[string]float64 {
	var numbers map[string]float64
	for _, k := range numberKeys {
		var x float64
		switch v := data[k].(type) {
		case Number:
			x = float64(v)
		case int:
			x = float64(v)
		case int64:
			x = float64(v)
		case float64:
			x = v
		default:
			continue
		}
		if numbers == nil {
			numbers = make(map[string]float64, len(numberKeys))
		}
		numbers[k] = x
	}
	return numbers
}

package translations

import (
	"math"
	"strconv"
)

// Numbers are written as each language's readers write them in running
// text: digits grouped by thousands with the language's separator, and
// its decimal mark (CLDR's decimal format, with two exceptions below).
//
//	en, zh-Hans  9,532    1,234.50
//	fr           9’532    1’234,50
//	es           9532     10.000    1234,50   12.345,50
//	pt           9.532    1.234,50
//
// French groups with a narrow no-break space (U+202F) on paper, but Fyne
// breaks a line at every Unicode space, the no-break ones included
// [2.7.1]: "9 532 enregistrements" could end a line on "9" and start the
// next with "532". No space-like rune stays joined, and the zero-width
// joiners leave no gap to read, so French groups with the apostrophe
// Swiss French writes numbers with (as the texts already follow Swiss and
// Quebec typography for « » ; ! ?). Spanish leaves a four-digit number
// whole (CLDR's minimum grouping digits, the RAE's rule). Machine-read text
// (CSV, JSON, a report's digest) stays plain digits and does not come here.

// numberStyle is a language's group separator and decimal mark, and the
// fewest digits in front of the decimal mark that are grouped.
type numberStyle struct {
	group, decimal string
	minGrouped     int
}

var numberStyles = map[string]numberStyle{
	"en":      {",", ".", 4},
	"zh-Hans": {",", ".", 4},
	"fr":      {"\u2019", ",", 4},
	"es":      {".", ",", 5},
	"pt":      {".", ",", 4},
}

func styleOf(language string) numberStyle {
	if s, ok := numberStyles[Match(language)]; ok {
		return s
	}
	return numberStyles[Fallback]
}

// Count is the whole number n as a reader of language (a BCP 47 tag,
// matched as Match does) writes it: "9,532", "9’532", "9532" (es), "9.532".
func Count(language string, n int64) string {
	s := styleOf(language)
	if n < 0 {
		return "-" + grouped(s, strconv.FormatUint(uint64(-n), 10))
	}
	return grouped(s, strconv.FormatInt(n, 10))
}

// Amount is minor, an amount in hundredths (cents, fen), in major units
// with two decimals as a reader of language writes it, without a
// currency: "1,234.50", "1’234,50", "1234,50" (es), "1.234,50". The
// printed documents write amounts by it too, so the screen and the paper
// agree.
func Amount(language string, minor int64) string { return Fixed(language, minor, 2) }

// Fixed is n, a number in units of 10^-places (places 0 to 9), with that
// many decimals as a reader of language writes it: Fixed("fr", 15, 1) is
// "1,5", Fixed("en", 123450, 2) "1,234.50". Its whole part is grouped as
// Count groups.
func Fixed(language string, n int64, places int) string {
	s := styleOf(language)
	places = min(max(places, 0), 9)
	sign, a := "", uint64(n)
	if n < 0 {
		sign, a = "-", uint64(-n)
	}
	unit := uint64(1)
	for range places {
		unit *= 10
	}
	whole := sign + grouped(s, strconv.FormatUint(a/unit, 10))
	if places == 0 {
		return whole
	}
	return whole + s.decimal + strconv.FormatUint(a%unit+unit, 10)[1:]
}

// Number is x as a reader of language writes a measure that is not a
// size or an amount (an image's megapixels): a whole number as Count
// writes it, "12,000", "12’000", "12000" (es), and anything else to one
// decimal, as Size writes megabytes, "12.5", "12,5", "1’234,5". NaN and
// the infinities, which no measure is, are written as 0.
func Number(language string, x float64) string {
	tenths := math.Round(x * 10)
	if math.IsNaN(tenths) || math.IsInf(tenths, 0) || math.Abs(tenths) >= 1<<62 {
		return "0"
	}
	return oneDecimal(language, int64(tenths))
}

// oneDecimal is tenths of a unit, with one decimal unless it is whole:
// "50", "1.5". Size writes megabytes by it too.
func oneDecimal(language string, tenths int64) string {
	if tenths%10 == 0 {
		return Count(language, tenths/10)
	}
	return Fixed(language, tenths, 1)
}

// grouped is the digits with s's separator between each group of three
// from the right, when there are at least s.minGrouped of them.
func grouped(s numberStyle, digits string) string {
	if len(digits) < s.minGrouped {
		return digits
	}
	var b []byte
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, s.group...)
		}
		b = append(b, digits[i])
	}
	return string(b)
}

// Count is the package's Count in the catalog's language.
func (c *Catalog) Count(n int64) string { return Count(c.lang, n) }

// Number is the package's Number in the catalog's language.
func (c *Catalog) Number(x float64) string { return Number(c.lang, x) }

// Amount is the package's Amount in the catalog's language.
func (c *Catalog) Amount(minor int64) string { return Amount(c.lang, minor) }

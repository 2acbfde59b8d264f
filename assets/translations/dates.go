package translations

import (
	"strconv"
	"time"
)

// Days are written as each language's readers write them in running text
// and on paper (CLDR's medium date): "6 Dec 2026", "6 déc. 2026",
// "6 dic 2026", "6 de dez. de 2026", "2026年12月6日"; times of day on the
// 24-hour clock everywhere. The terminal's screens and the printed
// documents both take their days from here, so a customer reads the same
// day on the receipt as the technician read on the screen. Machine-read
// text (CSV, JSON, a report's digest) stays ISO and does not come here.

// monthAbbr are the months' abbreviations by language (CLDR's
// format-abbreviated names), January first.
var monthAbbr = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"fr": {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	"es": {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
	"pt": {"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."},
}

// Date is t's calendar day, as read in t's own location, the way a reader
// of language (a BCP 47 tag, matched as Match does) expects it; "" for the
// zero time. Callers put t in the zone whose calendar they mean.
func Date(language string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	day, year := strconv.Itoa(d), strconv.Itoa(y)
	switch l := Match(language); l {
	case "zh-Hans":
		return year + "年" + strconv.Itoa(int(m)) + "月" + day + "日"
	case "pt":
		return day + " de " + monthAbbr[l][m-1] + " de " + year
	default:
		names, ok := monthAbbr[l]
		if !ok {
			names = monthAbbr[Fallback]
		}
		return day + " " + names[m-1] + " " + year
	}
}

// DateTime is Date followed by t's time of day on the 24-hour clock,
// "6 Dec 2026 14:05"; "" for the zero time.
func DateTime(language string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(language, t) + " " + t.Format("15:04")
}

// Date is the package's Date in the catalog's language.
func (c *Catalog) Date(t time.Time) string { return Date(c.lang, t) }

// DateTime is the package's DateTime in the catalog's language.
func (c *Catalog) DateTime(t time.Time) string { return DateTime(c.lang, t) }

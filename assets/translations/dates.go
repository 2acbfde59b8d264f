package translations

import (
	"errors"
	"strconv"
	"strings"
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

// DayMonth is t's day and month without the year, as Date writes them,
// for a place whose year is said nearby (a chart of a week's days under
// its period): "8 Dec", "8 déc.", "8 dic", "8 de dez.", "12月8日"; "" for
// the zero time.
func DayMonth(language string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	_, m, d := t.Date()
	day := strconv.Itoa(d)
	switch l := Match(language); l {
	case "zh-Hans":
		return strconv.Itoa(int(m)) + "月" + day + "日"
	case "pt":
		return day + " de " + monthAbbr[l][m-1]
	default:
		names, ok := monthAbbr[l]
		if !ok {
			names = monthAbbr[Fallback]
		}
		return day + " " + names[m-1]
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

// DayMonth is the package's DayMonth in the catalog's language.
func (c *Catalog) DayMonth(t time.Time) string { return DayMonth(c.lang, t) }

// Typing a day. A reader types a day the way the terminal shows it
// (Date), in the numbers of the language's own order, or as ISO
// YYYY-MM-DD, which every language takes:
//
//	en       6 Dec 2026, Dec 6, 2026, 6 December 2026, 2026-12-06
//	fr       6 déc. 2026, 6 decembre 2026, 06/12/2026, 6.12.2026
//	es       6 dic 2026, 6 de diciembre de 2026, 06/12/2026
//	pt       6 de dez. de 2026, 6 dez 2026, 06/12/2026
//	zh-Hans  2026年12月6日, 2026/12/6, 2026.12.6, 2026-12-06
//
// English takes no numeric day-month order: its readers write 06/12/2026
// for 6 December or for 12 June, and a purchase date read the wrong way
// costs months of warranty. Months are matched in any case, with or
// without their dot and accents. Years have four digits: a two-digit
// year's century is a guess.

// monthFull are the months' full names by language, January first.
var monthFull = map[string][12]string{
	"en": {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
}

// maxTypedDate bounds what ParseDate reads: the longest day it takes,
// "31 de septiembre de 2026" and the like, with room for spaces.
const maxTypedDate = 64

// ErrDate is ParseDate's refusal: the text is no day the language takes.
// Callers say how to type one (DateExamples).
var ErrDate = errors.New("not a day in a form the language takes")

// ParseDate reads a calendar day typed by a reader of language (matched
// as Match does), as its midnight in UTC: a day, not an instant (a
// purchase date; the caller puts it on its own calendar if it means
// one). It takes what Date shows, ISO YYYY-MM-DD, and the language's
// numeric order (see above); anything else, or a day that does not
// exist (31 June), is ErrDate.
func ParseDate(language, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxTypedDate {
		return time.Time{}, ErrDate
	}
	l := Match(language)
	if y, m, d, ok := numericDate(l, s); ok {
		return civilDay(y, m, d)
	}
	if l == "zh-Hans" {
		return time.Time{}, ErrDate
	}
	if y, m, d, ok := wordDate(l, s); ok {
		return civilDay(y, m, d)
	}
	return time.Time{}, ErrDate
}

// civilDay is the day y-m-d at midnight UTC, or ErrDate when it does not
// exist (time.Date would roll 31 June over to 1 July).
func civilDay(y, m, d int) (time.Time, error) {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, ErrDate
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, ErrDate
	}
	return t, nil
}

// numericDate reads a day in numbers: year first (ISO's order, and
// Chinese's, also with 年月日), or day first in French, Spanish and
// Portuguese.
func numericDate(l, s string) (y, m, d int, ok bool) {
	if l == "zh-Hans" {
		s = strings.Join(strings.Fields(s), "")
		s = strings.TrimRight(s, "日号")
		s = strings.NewReplacer("年", "-", "月", "-").Replace(s)
	}
	i := strings.IndexAny(s, "-/.")
	if i < 0 {
		return 0, 0, 0, false
	}
	sep := s[i : i+1]
	parts := strings.Split(s, sep)
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return 0, 0, 0, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		// Year first: ISO's hyphens in any language, and Chinese's
		// slashes and dots.
		if sep != "-" && l != "zh-Hans" {
			return 0, 0, 0, false
		}
		return n[0], n[1], n[2], true
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && dayFirst(l):
		return n[2], n[1], n[0], true
	}
	return 0, 0, 0, false
}

// dayFirst reports whether language l types days in numbers day first.
func dayFirst(l string) bool { return l == "fr" || l == "es" || l == "pt" }

// wordDate reads a day with its month as a word, in the language's
// names: day month year, or (English) month day, year.
func wordDate(l string, s string) (y, m, d int, ok bool) {
	var words []string
	for _, f := range strings.Fields(strings.ReplaceAll(s, ",", " ")) {
		if (l == "pt" || l == "es") && strings.EqualFold(f, "de") {
			continue
		}
		words = append(words, f)
	}
	if len(words) != 3 || len(words[2]) != 4 {
		return 0, 0, 0, false
	}
	day, month := words[0], words[1]
	if l == "en" && monthOf(l, day) > 0 {
		day, month = month, day
	}
	m = monthOf(l, month)
	d, err1 := strconv.Atoi(day)
	y, err2 := strconv.Atoi(words[2])
	if m == 0 || err1 != nil || err2 != nil || len(day) > 2 || day[0] == '+' || day[0] == '-' || words[2][0] == '+' {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// monthOf is the month (1-12) word names in language l, by its
// abbreviation or full name, in any case, with or without the
// abbreviation's dot and the name's accents; 0 when it names none.
func monthOf(l, word string) int {
	w := fold(strings.TrimSuffix(word, "."))
	if w == "" {
		return 0
	}
	for i := range 12 {
		if w == fold(strings.TrimSuffix(monthAbbr[l][i], ".")) || w == fold(monthFull[l][i]) {
			return i + 1
		}
	}
	return 0
}

// fold is word in lower case without the accents French, Spanish and
// Portuguese months carry: "Févr" and "fevr" are one month.
func fold(word string) string {
	return strings.NewReplacer("é", "e", "è", "e", "û", "u", "ç", "c", "á", "a", "ó", "o").Replace(strings.ToLower(word))
}

// NumericDate is t's day in numbers in the order language types it:
// 06/12/2026 in French, Spanish and Portuguese, ISO 2026-12-06 in
// English and Chinese; "" for the zero time. It shows how to type a day.
func NumericDate(language string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if dayFirst(Match(language)) {
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// TagDates are the days a claim tag prints: the check-in day and, when
// one was promised, the day promised, written as Date and DayMonth write
// them on the screens and the other documents, "27 Nov → 4 Dec 2026"
// ("27 nov. → 4 déc. 2026", "27 nov → 4 dic 2026", "27 de nov. → 4 de
// dez. de 2026"): the month a word, so no reader takes 4/12 for 12
// April, and the year once when both days share it, so the line fits the
// 62 mm tag in type a counter reads at arm's length. The tag wrote its
// months without their dot ("3 déc 2026") where every screen writes
// "3 déc." (walk4). Chinese prints ISO figures in its own order (year,
// month, day), "2026-11-27 → 12-04", the year once as well: the tag's
// font (Go Mono) has no 年月日. Times are read in their own location; ""
// without a check-in day.
func TagDates(language string, from, to time.Time) string {
	if from.IsZero() {
		return ""
	}
	l := Match(language)
	if l == "zh-Hans" {
		switch {
		case to.IsZero():
			return from.Format(time.DateOnly)
		case to.Year() == from.Year():
			return from.Format(time.DateOnly) + " → " + to.Format("01-02")
		}
		return from.Format(time.DateOnly) + " → " + to.Format(time.DateOnly)
	}
	if to.IsZero() {
		return Date(l, from)
	}
	first := Date(l, from)
	if from.Year() == to.Year() {
		first = DayMonth(l, from)
	}
	return first + " → " + Date(l, to)
}

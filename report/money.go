package report

import (
	"strconv"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Money formats m as a document in the language of tag (BCP 47, the
// customer's) prints it, for screens that show the amount a customer signs.
func Money(tag string, m app.Money) string { return money(translations.For(tag).Lang(), m) }

// money formats m as the language writes amounts: digits grouped by
// thousands, the decimal mark, and the ISO currency code, which every
// reader of a report recognises (a symbol such as "$" is ambiguous across
// countries). Every currency the rule sets bill in has two decimals.
//
//	en, zh-Hans  CNY 1,234.50
//	fr           1 234,50 EUR   (a no-break space groups)
//	es           1.234,50 EUR
//	pt           NGN 1.234,50
func money(lang string, m app.Money) string {
	group, dec, codeFirst := ",", ".", true
	switch lang {
	case "fr":
		group, dec, codeFirst = "\u00a0", ",", false
	case "es":
		group, dec, codeFirst = ".", ",", false
	case "pt":
		group, dec = ".", ","
	}
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	units := strconv.FormatInt(a/100, 10)
	grouped := ""
	for i, d := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			grouped += group
		}
		grouped += string(d)
	}
	cents := strconv.FormatInt(a%100+100, 10)[1:]
	n := sign + grouped + dec + cents
	if codeFirst {
		return m.Currency + "\u00a0" + n
	}
	return n + "\u00a0" + m.Currency
}

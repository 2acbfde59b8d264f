package report

import (
	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Money formats m as a document in the language of tag (BCP 47, the
// customer's) prints it, for screens that show the amount a customer signs.
func Money(tag string, m app.Money) string { return money(translations.For(tag).Lang(), m) }

// money formats m as the language writes amounts: its digits as the
// terminal's screens write them (translations.Amount, the one rule of
// grouping and decimal mark, so the total the customer reads on the
// tablet and on paper is the same text), and the ISO currency code, which
// every reader of a report recognises (a symbol such as "$" is ambiguous
// across countries), glued by a no-break space. Every currency the rule
// sets bill in has two decimals.
//
//	en, zh-Hans  CNY 1,234.50
//	fr           1’234,50 EUR   (the Swiss apostrophe groups, as on screen)
//	es           1234,50 EUR    12.345,50 EUR (grouped from five digits)
//	pt           NGN 1.234,50
//
// French could group with a no-break space on paper, where the PDF does
// not break at it, but Fyne breaks at every space [2.7.1], so the screens
// group with the apostrophe, and one amount is written one way.
func money(lang string, m app.Money) string {
	n := translations.Amount(lang, m.Amount)
	switch lang {
	case "fr", "es":
		return n + "\u00a0" + m.Currency
	}
	return m.Currency + "\u00a0" + n
}

package report

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestMoney: the report writes an amount's digits as the screens do in
// each of the five languages (Spanish groups from five digits, French with
// the apostrophe), with the ISO code where the language puts it.
func TestMoney(t *testing.T) {
	for _, c := range []struct {
		lang string
		m    app.Money
		want string
	}{
		{"en", app.Money{Amount: 123450, Currency: "CNY"}, "CNY\u00a01,234.50"},
		{"en", app.Money{Amount: 100000, Currency: "NGN"}, "NGN\u00a01,000.00"},
		{"zh-Hans", app.Money{Amount: 5, Currency: "CNY"}, "CNY\u00a00.05"},
		{"zh-Hans", app.Money{Amount: 953200, Currency: "CNY"}, "CNY\u00a09,532.00"},
		{"fr", app.Money{Amount: 123456789, Currency: "EUR"}, "1’234’567,89\u00a0EUR"},
		{"fr", app.Money{Amount: 99999, Currency: "EUR"}, "999,99\u00a0EUR"},
		{"es", app.Money{Amount: 123450, Currency: "EUR"}, "1234,50\u00a0EUR"},
		{"es", app.Money{Amount: -100000, Currency: "EUR"}, "-1000,00\u00a0EUR"},
		{"es", app.Money{Amount: 1234550, Currency: "EUR"}, "12.345,50\u00a0EUR"},
		{"pt", app.Money{Amount: 99, Currency: "NGN"}, "NGN\u00a00,99"},
		{"pt", app.Money{Amount: 123450, Currency: "BRL"}, "BRL\u00a01.234,50"},
	} {
		if got := money(c.lang, c.m); got != c.want {
			t.Errorf("money(%s, %v) = %q, want %q", c.lang, c.m, got, c.want)
		}
	}
}

// TestMoneyDigitsAreTheScreens: for the same money, the report's amount
// is the screens' (translations.Amount) with the currency code beside it,
// in every language the terminal speaks.
func TestMoneyDigitsAreTheScreens(t *testing.T) {
	for _, lang := range translations.Languages() {
		for _, a := range []int64{0, 5, 99999, 123450, 953200, 1234550, 123456789, -100000} {
			screen := translations.Amount(lang, a)
			got := money(lang, app.Money{Amount: a, Currency: "EUR"})
			if got != screen+"\u00a0EUR" && got != "EUR\u00a0"+screen {
				t.Errorf("%s: the report writes %d as %q, the screens as %q", lang, a, got, screen)
			}
			if strings.Count(got, "EUR") != 1 {
				t.Errorf("%s: %q", lang, got)
			}
		}
	}
}

package ui

import (
	"errors"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestParseAmount: amounts typed in major units are read exactly into
// minor units, with a dot or a comma, thousands grouped as the languages
// group them ("1 200,50" in French was refused); anything else is
// refused, bounded.
func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"67.80", 6780, true},
		{"67.8", 6780, true},
		{"67,80", 6780, true},
		{" 1200 ", 120000, true},
		{"0.05", 5, true},
		{"0", 0, true}, // zero parses; a payment of zero is app's to refuse
		{"10000000000", 1000000000000, true},
		{"10000000000.01", 0, false}, // past app.MaxAmount
		{"", 0, false},
		{".", 0, false},
		{"5.", 0, false},
		{".5", 0, false},
		{"1.234", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1e3", 0, false},
		{"1 000", 100000, true},
		{"1 200,50", 120050, true},
		{"1\u00a0200,50", 120050, true},
		{"1\u202f200,50", 120050, true},
		{"12 345 678,9", 1234567890, true},
		{"1\u2019200,50", 120050, true}, // as the app writes French amounts
		{"1'200.50", 120050, true},
		{"1.200,50", 120050, true},
		{"1,000.50", 100050, true},
		{"1.000.000", 100000000, true},
		{"1,000,000", 100000000, true},
		{"1,234,567.89", 123456789, true},
		{"1 20", 0, false},
		{"1 2000", 0, false},
		{"1234 567", 0, false},
		{" 1 ", 100, true},
		{"1  000", 0, false},
		{"1,000,00", 0, false},
		{"1.00.000", 0, false},
		{"1,000.000,50", 0, false},
		{"1.000,5,0", 0, false},
		{"1_000", 0, false},
		{",50", 0, false},
		{"1.234,567", 0, false},
		{"¥67.80", 0, false},
		{"123456789012345678901", 0, false},
		{"٦٧", 0, false}, // other digits are not read as ASCII ones
	} {
		got, err := parseAmount(tc.in, "CNY")
		if tc.ok != (err == nil) || tc.ok && got != (app.Money{Amount: tc.want, Currency: "CNY"}) {
			t.Errorf("parseAmount(%q) = %v, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, m := range []int64{1, 99, 100, 6780, 123456789} {
		in := amountText(app.Money{Amount: m, Currency: "CNY"})
		if got, err := parseAmount(in, "CNY"); err != nil || got.Amount != m {
			t.Errorf("amountText(%d) = %q reads back as %v, %v", m, in, got, err)
		}
	}
}

// TestAmountThatReadsTwoWays: "1.234" is 1234 in Spanish and 1.234 in
// English; the form says so and asks for no thousands mark, rather than
// the general text about two decimals, which does not say what is wrong.
func TestAmountThatReadsTwoWays(t *testing.T) {
	for _, in := range []string{"1.234", "1,234", "12,500"} {
		_, err := parseAmount(in, "CNY")
		var e *app.Error
		if !errors.As(err, &e) || e.Key != "money.ambiguous_amount" || e.Data["Amount"] != in {
			t.Errorf("parseAmount(%q): %v, want money.ambiguous_amount naming it", in, err)
		}
	}
	for _, in := range []string{"1 234", "1.234,00", "1,234.00", "1.2345"} {
		_, err := parseAmount(in, "CNY")
		var e *app.Error
		if errors.As(err, &e) && e.Key == "money.ambiguous_amount" {
			t.Errorf("parseAmount(%q) called ambiguous", in)
		}
	}
}

// TestAmountTextInTheUserLanguage: the estimate and payment forms prefill
// the amount with the language's decimal mark, as the text beside them
// writes it ("56,50 ¥"); it read "56.50" in Spanish. No grouping, so that it
// reads back.
func TestAmountTextInTheUserLanguage(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"en", "123456.50"}, {"zh-Hans", "123456.50"}, {"fr", "123456,50"}, {"es", "123456,50"}, {"pt", "123456,50"},
	} {
		t.Setenv("LANGUAGE", tc.code)
		t.Setenv("LANG", "")
		m := app.Money{Amount: 12345650, Currency: "CNY"}
		got := amountText(m)
		if got != tc.want {
			t.Errorf("%s: amountText = %q, want %q", tc.code, got, tc.want)
		}
		if back, err := parseAmount(got, "CNY"); err != nil || back != m {
			t.Errorf("%s: %q reads back as %v, %v", tc.code, got, back, err)
		}
	}
}

package translations

import (
	"math"
	"testing"
)

func TestCountAndAmount(t *testing.T) {
	for _, tc := range []struct {
		lang   string
		n      int64
		count  string
		amount string // of n as hundredths
	}{
		{"en", 9532, "9,532", "95.32"},
		{"en", 953200, "953,200", "9,532.00"},
		{"zh-Hans", 9532, "9,532", "95.32"},
		{"zh", 123456789, "123,456,789", "1,234,567.89"},
		{"fr", 9532, "9’532", "95,32"},
		{"fr-CA", 123450, "123’450", "1’234,50"},
		{"es", 9532, "9532", "95,32"},
		{"es", 10000, "10.000", "100,00"},
		{"es", 1234550, "1.234.550", "12.345,50"},
		{"es", 123450, "123.450", "1234,50"},
		{"pt", 9532, "9.532", "95,32"},
		{"pt-BR", 123450, "123.450", "1.234,50"},
		{"de", 9532, "9,532", "95.32"}, // untranslated: English
		{"en", 0, "0", "0.00"},
		{"en", 999, "999", "9.99"},
		{"en", -1234, "-1,234", "-12.34"},
		{"fr", 5, "5", "0,05"},
		{"en", math.MinInt64, "-9,223,372,036,854,775,808", "-92,233,720,368,547,758.08"},
	} {
		if got := Count(tc.lang, tc.n); got != tc.count {
			t.Errorf("Count(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.count)
		}
		if got := Amount(tc.lang, tc.n); got != tc.amount {
			t.Errorf("Amount(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.amount)
		}
		if got := For(tc.lang).Count(tc.n); got != tc.count {
			t.Errorf("For(%q).Count(%d) = %q, want %q", tc.lang, tc.n, got, tc.count)
		}
	}
}

// TestFixed: a number with one decimal (a size in MB) or none is written
// by the same rule as the amounts: the language's decimal mark, its
// whole part grouped as Count groups it.
func TestFixed(t *testing.T) {
	for _, tc := range []struct {
		lang   string
		n      int64
		places int
		want   string
	}{
		{"en", 15, 1, "1.5"},
		{"fr", 15, 1, "1,5"},
		{"fr", 12345, 1, "1’234,5"},
		{"es", 12345, 1, "1234,5"},
		{"es", 123456, 1, "12.345,6"},
		{"pt", 12345, 1, "1.234,5"},
		{"zh-Hans", 5, 1, "0.5"},
		{"en", -5, 1, "-0.5"},
		{"en", 9532, 0, "9,532"},
		{"en", 7, -1, "7"},
		{"en", 1, 12, "0.000000001"},
	} {
		if got := Fixed(tc.lang, tc.n, tc.places); got != tc.want {
			t.Errorf("Fixed(%q, %d, %d) = %q, want %q", tc.lang, tc.n, tc.places, got, tc.want)
		}
	}
}

// TestNumber: a measure that is neither a size nor an amount (an image's
// pixels, an upload's exact bytes, a limit in megapixels) is written by
// the rule of the counts when whole, and with one decimal, as a size in
// megabytes, when not: an error pasted "12000 x 9000" raw in every
// language.
func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang string
		x    float64
		want string
	}{
		{"en", 9000, "9,000"},
		{"en", 1234567, "1,234,567"},
		{"en", 12.5, "12.5"},
		{"en", 50, "50"},
		{"zh-Hans", 9000, "9,000"},
		{"zh-Hans", 1234567, "1,234,567"},
		{"zh-Hans", 12.5, "12.5"},
		{"fr", 9000, "9’000"},
		{"fr", 1234567, "1’234’567"},
		{"fr", 12.5, "12,5"},
		{"fr", 1234.5, "1’234,5"},
		{"es", 9000, "9000"},
		{"es", 1234567, "1.234.567"},
		{"es", 12.5, "12,5"},
		{"pt", 9000, "9.000"},
		{"pt", 1234567, "1.234.567"},
		{"pt", 12.5, "12,5"},
		{"en", 12.25, "12.3"}, // to the tenth
		{"en", -1.5, "-1.5"},
		{"en", math.NaN(), "0"},
		{"en", math.Inf(1), "0"},
		{"en", 1e300, "0"},
	} {
		if got := Number(tc.lang, tc.x); got != tc.want {
			t.Errorf("Number(%q, %v) = %q, want %q", tc.lang, tc.x, got, tc.want)
		}
		if got := For(tc.lang).Number(tc.x); got != tc.want {
			t.Errorf("For(%q).Number(%v) = %q, want %q", tc.lang, tc.x, got, tc.want)
		}
	}
}

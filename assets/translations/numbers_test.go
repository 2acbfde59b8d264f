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

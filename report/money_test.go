package report

import (
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		lang string
		m    app.Money
		want string
	}{
		{"en", app.Money{Amount: 123450, Currency: "CNY"}, "CNY\u00a01,234.50"},
		{"zh-Hans", app.Money{Amount: 5, Currency: "CNY"}, "CNY\u00a00.05"},
		{"fr", app.Money{Amount: 123456789, Currency: "EUR"}, "1\u00a0234\u00a0567,89\u00a0EUR"},
		{"es", app.Money{Amount: -100000, Currency: "EUR"}, "-1.000,00\u00a0EUR"},
		{"pt", app.Money{Amount: 99, Currency: "NGN"}, "NGN\u00a00,99"},
		{"en", app.Money{Amount: 100000, Currency: "NGN"}, "NGN\u00a01,000.00"},
	} {
		if got := money(c.lang, c.m); got != c.want {
			t.Errorf("money(%s, %v) = %q, want %q", c.lang, c.m, got, c.want)
		}
	}
}

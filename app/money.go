package app

import (
	"fmt"
	"strings"
)

// Money is an amount in the currency's minor unit (fen, cent, kobo), so
// sums and tax never drift by floating point.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"` // ISO 4217, e.g. "CNY"
}

// Validate checks the currency code and that the amount is within
// ±MaxAmount.
func (m Money) Validate() error {
	if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency {
		return Errorf(EINVALID, "money.invalid_currency", "Invalid currency code {{.Currency}}.", "Currency", m.Currency)
	}
	return checkAmount("amount", m.Amount)
}

// String formats m plainly for logs ("CNY 12.30"); the UI formats by locale.
func (m Money) String() string {
	sign := ""
	a := m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s %s%d.%02d", m.Currency, sign, a/100, a%100)
}

// percentOf returns amount * basisPoints / 10000, rounded half away from zero.
func percentOf(amount int64, basisPoints int) int64 {
	p := amount * int64(basisPoints)
	if p >= 0 {
		return (p + 5000) / 10000
	}
	return (p - 5000) / 10000
}

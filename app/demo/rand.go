package demo

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"time"
)

// rng is the generator's one random source. Every draw goes through it in
// a fixed order, which is what makes Generate deterministic.
type rng struct{ *rand.Rand }

// pcgStream is the PCG stream selector; any constant will do, but it must
// never change, or every seed's world changes with it.
const pcgStream = 0x6669656c_6462656e // "fieldben"

func newRNG(seed int64) rng {
	return rng{rand.New(rand.NewPCG(uint64(seed), pcgStream))}
}

// n returns a number in [0, n), and 0 when n <= 0.
func (r rng) n(n int) int {
	if n <= 0 {
		return 0
	}
	return r.IntN(n)
}

// between returns a number in [lo, hi].
func (r rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// chance reports true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// minutes returns a duration of lo to hi minutes.
func (r rng) minutes(lo, hi int) time.Duration {
	return time.Duration(r.between(lo, hi)) * time.Minute
}

// weighted returns an index into weights, chosen in proportion to them.
func (r rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return r.n(len(weights))
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func pick[T any](r rng, xs []T) T { return xs[r.IntN(len(xs))] }

const (
	digitChars = "0123456789"
	upperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alnumChars = digitChars + upperChars
	// tagChars leaves out vowels, as Dell service tags do, so no word is spelled.
	tagChars = "0123456789BCDFGHJKLMNPQRSTVWXYZ"
)

// chars returns n characters drawn from alphabet.
func (r rng) chars(n int, alphabet string) string {
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func (r rng) digits(n int) string { return r.chars(n, digitChars) }

// uuid returns a version-4-formatted UUID drawn from the generator, so IDs
// are as deterministic as everything else (app.NewID would not be).
func (r rng) uuid() string {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// luhnDigit returns the Luhn check digit for a string of digits, as used
// by the last digit of an IMEI.
func luhnDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 { // the digit left of the check digit is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// luhnValid reports whether a string of digits passes the Luhn check.
func luhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return luhnDigit(s[:len(s)-1]) == s[len(s)-1]
}

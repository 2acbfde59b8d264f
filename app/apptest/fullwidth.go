package apptest

import "strings"

// FullWidth is s as a Chinese input method in its full-width mode types
// it: ASCII's printable characters as their full-width forms (U+FF01 to
// U+FF5E), a space as the ideographic space (U+3000). The tests of what
// app.Fold makes of such text type it with this.
func FullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '\u3000'
		case r >= '!' && r <= '~':
			return r - '!' + '！'
		}
		return r
	}, s)
}

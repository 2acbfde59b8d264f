package demand

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

// Bounds of Symptom.
const (
	MaxSymptomBytes  = 2000 // input read; the rest is ignored
	MaxSymptomTokens = 32   // tokens returned
)

// Symptom turns a fault code and a customer's words, in any of the app's
// languages (English, Chinese, French, Spanish, Portuguese), into tokens
// for matching past tickets:
//
//   - words are lower-cased, Latin accents folded ("démarre" and "demarre"
//     are one word, as customers type both), split on anything that is not a
//     letter or digit, and stop words and one-letter words dropped;
//   - a fault code (one to three Latin letters then digits: E4, F21, "E-4",
//     "E 4" when the letter is a capital, E04, and full width as Chinese
//     input methods type it, "Ｅ－４") becomes lower case with the hyphen
//     and leading zeros removed: "e4", "f21";
//   - bare numbers are dropped (quantities and dates, not symptoms);
//   - Chinese, which has no spaces, becomes character bigrams ("不加热" gives
//     "不加", "加热"), the usual way to match Chinese without a dictionary;
//     a lone character stays as it is.
//
// Tokens are unique, in the order they first appear, at most
// MaxSymptomTokens; only the first MaxSymptomBytes of text are read.
func Symptom(text string) []string {
	if len(text) > MaxSymptomBytes {
		text = text[:MaxSymptomBytes]
	}
	var out []string
	seen := map[string]bool{}
	emit := func(tok string) bool {
		if !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
		return len(out) < MaxSymptomTokens
	}
	type piece struct {
		s     string
		han   bool
		upper bool // began with a capital
		sep   rune // what preceded it: 0 at the start, else the separator
	}
	var pieces []piece
	var b strings.Builder
	kind := 0 // 0 none, 1 word, 2 han
	var cur piece
	var prevSep rune
	flush := func() {
		if kind != 0 {
			cur.s = b.String()
			pieces = append(pieces, cur)
		}
		b.Reset()
		kind = 0
	}
	for _, r := range text {
		switch {
		case r == utf8.RuneError || r == '\u3000': // the ideographic space
			r = ' '
		case r >= '！' && r <= '～':
			// Full width, as a Chinese input method types "Ｅ－４":
			// read as ASCII.
			r -= '！' - '!'
		}
		switch {
		case unicode.Is(unicode.Han, r) && !chineseStop[r]:
			if kind != 2 {
				flush()
				cur = piece{han: true, sep: prevSep}
				kind = 2
			}
			b.WriteRune(r)
			prevSep = 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			isDigit := unicode.IsDigit(r)
			// A switch between letters and digits splits a word, so
			// "E4" is the pieces "E" and "4" joined below as a code.
			if kind == 1 && b.Len() > 0 {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				if unicode.IsDigit(last) != isDigit {
					flush()
					prevSep = 0
				}
			}
			if kind != 1 {
				flush()
				cur = piece{upper: unicode.IsUpper(r), sep: prevSep}
				kind = 1
			}
			b.WriteString(app.FoldRune(r)) // the one fold of searches (app.Fold)
			prevSep = 0
		default:
			flush()
			if prevSep == 0 || r == '-' {
				prevSep = r
			}
		}
	}
	flush()

	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		if p.han {
			rs := []rune(p.s)
			if len(rs) == 1 {
				if !emit(p.s) {
					break
				}
				continue
			}
			full := false
			for j := 0; j+1 < len(rs); j++ {
				if !emit(string(rs[j : j+2])) {
					full = true
					break
				}
			}
			if full {
				break
			}
			continue
		}
		// A fault code: 1-3 ASCII letters, then digits joined directly, by
		// a hyphen, or by a space after a capital.
		if isASCIILetters(p.s) && len(p.s) <= 3 && i+1 < len(pieces) {
			n := pieces[i+1]
			if !n.han && isDigits(n.s) && (n.sep == 0 || n.sep == '-' || (n.sep == ' ' && p.upper)) {
				i++
				if !emit(p.s + strings.TrimLeft(n.s[:len(n.s)-1], "0") + n.s[len(n.s)-1:]) {
					break
				}
				continue
			}
		}
		if isDigits(p.s) || utf8.RuneCountInString(p.s) < 2 || stopWords[p.s] {
			continue
		}
		// A word glued to digits ("modelo2") is two pieces; the digits
		// were dropped above and the word stands alone.
		if !emit(p.s) {
			break
		}
	}
	return out
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// chineseStop are particles that carry no symptom; they split a run of
// Chinese like a space, so "不加热了" gives the bigrams of "不加热" only.
var chineseStop = map[rune]bool{
	'的': true, '了': true, '吗': true, '呢': true, '啊': true, '吧': true,
	'是': true, '在': true, '和': true, '我': true, '你': true, '他': true,
	'她': true, '它': true, '这': true, '那': true, '很': true, '就': true,
	'也': true, '都': true, '还': true, '又': true, '把': true, '被': true,
}

// stopWords are the common function words of English, French, Spanish and
// Portuguese, accents folded. Negations are not here: "no heat" and
// "heat" are different symptoms.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		the an and or of to in on at is are was were be been it its this that
		my our your his her their we you he she they them me us i am has have
		had do does did with for from by as but if so very when after before
		again please just still some any all can could would will there then
		than too also about into out up down off over under get gets got
		le la les un une des du de et ou est sont il elle ils elles je nous
		vous mon ma mes son sa ses ce cet cette ces qui que quand dans sur avec
		pour par au aux en se sa plus tres encore mais donc depuis apres avant
		el los las unos unas del y o es son lo al su sus mi mis tu este esta
		estos estas ese esa con para por cuando desde muy pero ya que se como
		os um uma uns umas do da dos das na nas em com para por e
		esse essa isso ele ela eles elas eu meu minha seu sua quando desde
		muito mas ja depois antes ainda foi esta estao
	`) {
		m[w] = true
	}
	return m
}()

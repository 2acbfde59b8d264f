package translations

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// browserText reports whether key is one of the texts a browser shows
// alone, the office console's and its imports' (console.*, import.*): the
// texts typographic rules of their own apply to, as in
// TestPercentSignAsEachLanguageWritesIt. The terminal's texts, and those
// it shares with the console, keep its own rules.
func browserText(key string) bool {
	return strings.HasPrefix(key, "console.") || strings.HasPrefix(key, "import.")
}

// code is what in a text is not words: a template action ({{.Name}},
// {{if eq .Kind "x"}}) or an HTML tag with its attributes.
var code = regexp.MustCompile(`\{\{.*?\}\}|<[^>]*>`)

// TestFrenchWritesTheTypographicApostrophe: French writes its elisions
// with the typographic apostrophe, l’heure, as French print does. The
// console's texts had 164 ASCII ' beside 53 ’, so one line of a page read
// "l'appareil" and the next "l’appareil"; the texts it shares with the
// terminal, and the terminal's own, kept 446 ASCII ones until they were
// changed too. In the console's texts no ASCII ' is left at all; in the
// others an elision (a letter, ', then a letter or a value) is the rule's,
// and a quote in a command a text gives to type (printf '%s\n') stays
// ASCII, as the shell needs it. Template actions and tags are code, not
// words: a quote there is the code's and stays ASCII.
func TestFrenchWritesTheTypographicApostrophe(t *testing.T) {
	elision := regexp.MustCompile(`\pL'(\pL|\{\{)`)
	for key, forms := range formsOf(t, "fr") {
		for _, text := range forms {
			if m := elision.FindString(code.ReplaceAllStringFunc(text, func(c string) string {
				if strings.HasPrefix(c, "{{") {
					return "{{}}" // a value an elision may stand before: d’{{.Name}}
				}
				return " "
			})); m != "" {
				t.Errorf("fr.json %s writes the elision %q with an ASCII ' where French writes ’: %s", key, m, text)
			} else if browserText(key) && strings.Contains(code.ReplaceAllString(text, " "), "'") {
				t.Errorf("fr.json %s writes an ASCII ' where French writes ’: %s", key, text)
			}
			for _, c := range code.FindAllString(text, -1) {
				if strings.Contains(c, "’") {
					t.Errorf("fr.json %s has a ’ in its code %s, where it breaks it: %s", key, c, text)
				}
			}
		}
	}
}

// TestChineseConsoleWritesFullWidthParentheses: the console's Chinese
// puts an aside in full-width parentheses, 证书指纹（SHA-256）, as Chinese
// text does; an ASCII ( or ) beside a Chinese character or enclosing one
// (spaces between do not count) is a Western parenthesis in a Chinese
// sentence. The shipments' urgent mark was "(紧急)". Parentheses the
// text only names, as the characters a phone number may hold ("+ - ( )"),
// enclose no Chinese and stand beside none. The templates' own
// parentheses go through console.aside (sync/console's
// TestTemplatesWritePunctuationThroughTheLanguage).
func TestChineseConsoleWritesFullWidthParentheses(t *testing.T) {
	pair := regexp.MustCompile(`\(([^()]*)\)`)
	han := func(s string) bool { return strings.IndexFunc(s, chineseRune) >= 0 }
	for key, forms := range formsOf(t, "zh-Hans") {
		if !browserText(key) {
			continue
		}
		for _, text := range forms {
			words := code.ReplaceAllString(text, "X")
			for _, m := range pair.FindAllStringSubmatchIndex(words, -1) {
				before := strings.TrimRightFunc(words[:m[0]], unicode.IsSpace)
				after := strings.TrimLeftFunc(words[m[1]:], unicode.IsSpace)
				if han(words[m[2]:m[3]]) || chineseRune(lastRune(before)) || chineseRune(firstRune(after)) {
					t.Errorf("zh-Hans.json %s puts %q in ASCII parentheses in Chinese; write （）: %s", key, words[m[0]:m[1]], text)
				}
			}
		}
	}
}

// chineseRune: a Han character or CJK punctuation (、。「」, full-width
// forms).
func chineseRune(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

// lastRune and firstRune are a string's last and first runes, 0 when it
// is empty.
func lastRune(s string) rune {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

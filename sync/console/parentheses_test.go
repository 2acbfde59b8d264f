package console

import (
	"testing"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestAsideInTheLanguagesParentheses: an aside is in the language's
// parentheses, full-width and with no space in Chinese.
func TestAsideInTheLanguagesParentheses(t *testing.T) {
	for lang, want := range map[string]string{"en": "Urgent (SF1)", "fr": "Urgent (SF1)", "zh-Hans": "Urgent（SF1）"} {
		if got := aside(translations.For(lang), "Urgent", "SF1"); got != want {
			t.Errorf("%s: aside = %q, want %q", lang, got, want)
		}
	}
}

package console

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestTemplatesWriteNoParenthesesOfTheirOwn: no template puts a value in
// ASCII parentheses of its own, as the shipments' urgent mark "(紧急)" and
// a location's "上海仓库 (wh-sh)" did on Chinese pages; an aside goes
// through console.aside ({{aside .Name .ID}}), which Chinese writes in
// full-width （）.
func TestTemplatesWriteNoParenthesesOfTheirOwn(t *testing.T) {
	eachTemplateText(t, func(name, text string) {
		if strings.ContainsAny(text, "()") {
			t.Errorf("%s: a parenthesis in the page's own text %q: write the aside with {{aside}}", name, text)
		}
	})
}

// TestAsideInTheLanguagesParentheses: an aside is in the language's
// parentheses, full-width and with no space in Chinese.
func TestAsideInTheLanguagesParentheses(t *testing.T) {
	for lang, want := range map[string]string{"en": "Urgent (SF1)", "fr": "Urgent (SF1)", "zh-Hans": "Urgent（SF1）"} {
		if got := aside(translations.For(lang), "Urgent", "SF1"); got != want {
			t.Errorf("%s: aside = %q, want %q", lang, got, want)
		}
	}
}

package console

import (
	"testing"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestMutedAside: the aside, with the parentheses the language writes, is
// the grey part; the text before it is not; both are escaped.
func TestMutedAside(t *testing.T) {
	for lang, want := range map[string]string{
		"en":      `Due in 2 h <span class="muted">(2026-11-27 &lt;b&gt;)</span>`,
		"zh-Hans": `Due in 2 h<span class="muted">（2026-11-27 &lt;b&gt;）</span>`,
		"fr":      `Due in 2 h <span class="muted">(2026-11-27 &lt;b&gt;)</span>`,
	} {
		if got := string(mutedAside(translations.For(lang), "Due in 2 h", "2026-11-27 <b>")); got != want {
			t.Errorf("%s: %s, want %s", lang, got, want)
		}
	}
	if got := string(mutedAside(translations.For("en"), "<i>", "x")); got != `&lt;i&gt; <span class="muted">(x)</span>` {
		t.Errorf("the text is not escaped: %s", got)
	}
}

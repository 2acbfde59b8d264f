package console

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestImportsSayTheirLimitAsASize: the imports page and the refusal the
// browser shows of a file too large give the limit by the one size rule
// (Catalog.Size), in the language's unit glued to its number, as the
// terminal writes sizes: they read "32 MB" in French too, which writes Mo.
func TestImportsSayTheirLimitAsASize(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct{ lang, intro, refusal string }{
			{"en", "at most 32MB.", "larger than 32MB:"},
			{"fr", "de 32Mo au plus.", "dépasse 32Mo :"},
			{"zh-Hans", "最大32MB。", "超过32MB："},
		} {
			cl := tc.signIn(t, "clerk@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/imports")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, status)
			}
			body = html.UnescapeString(body)
			for _, want := range []string{c.intro, c.refusal} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the imports page lacks %q", c.lang, want)
				}
			}
		}
	})
}

// TestConsoleCountsGrouped: a count's text on the console, and the
// other numbers its data holds ("Showing 20 of 1234"), are grouped as the
// language groups digits: the console wrote every count raw.
func TestConsoleCountsGrouped(t *testing.T) {
	for _, c := range []struct{ lang, more, shown string }{
		{"en", "1,234 more not shown", "Showing 20 of 12,345"},
		{"fr", "1’234 ", "sur 12’345 :"},
		{"es", "1234 ", "20 de 12.345"},
	} {
		cat := translations.For(c.lang)
		if got := pluralText(cat, "console.stock.more", "{{.Count}} more not shown: deal with these first.", 1234, nil); !strings.HasPrefix(got, c.more) {
			t.Errorf("%s: %q, want it to start with %q", c.lang, got, c.more)
		}
		if got := pluralText(cat, "console.conflicts.more", "Showing {{.Shown}} of {{.Total}}: decide these to see the rest.", 12345, map[string]any{"Shown": 20, "Total": 12345}); !strings.Contains(got, c.shown) {
			t.Errorf("%s: %q, want it to hold %q", c.lang, got, c.shown)
		}
	}
}

// TestConflictSizesFollowTheSizeRule: a change refused for a size says
// the limit by the size rule in the inbox ("32Ko" in French), not the
// 32768 bytes the conflict's data holds (a number, as JSON stores it).
func TestConflictSizesFollowTheSizeRule(t *testing.T) {
	cf := app.Conflict{ID: "cf-1", Kind: app.ConflictRejected, Code: app.EINVALID, Key: "signature.report_too_large",
		Message: "The signed report is over {{.MaxSize}}; remove photos or parts recorded twice, then build the report again before signing.",
		Data:    map[string]any{"MaxSize": float64(app.MaxSignedReportBytes)}}
	for lang, want := range map[string]string{"en": "over 32KB;", "fr": "dépasse 32Ko;"} {
		v := conflictOn(translations.For(lang), cf, nil, func(app.TechnicianID) string { return "" }, nil, nil, app.PlaceNames{}, true)
		if !strings.Contains(v.What, want) {
			t.Errorf("%s: what = %q, want it to say %q", lang, v.What, want)
		}
	}
}

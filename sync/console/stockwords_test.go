package console

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestStockPagesSpeakDispatch: the replenishment page says, in each
// of the five languages, what it proposes in a dispatcher's words: no
// forecasting jargon (the intro named a "TSB forecast" and "a bootstrap
// of the demand over review and lead time") and no location's code in
// its text (each heading read "Van One (van-1)"); nor do the defective
// returns' and negative stock's headings ("Bin One (bin-1)", "Van One
// (van-1)"). The words only: the pages' forms still send the codes.
func TestStockPagesSpeakDispatch(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	stockFixture(t, tc)
	cl := tc.signIn(t, "dispatcher@t1")
	main := regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	for _, lang := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		cl.inLanguage(t, lang)
		for _, c := range []struct{ path, shows string }{
			{"/stock/replenish", `name="to" value="van-1"`},
			{"/stock/returns", "Bin One"},
			{"/stock/negative", "Van One"},
		} {
			status, page := cl.get(t, c.path)
			m := main.FindStringSubmatch(page)
			if status != http.StatusOK || m == nil || !strings.Contains(page, c.shows) {
				t.Fatalf("%s: %s: %d, no %s:\n%s", lang, c.path, status, c.shows, page)
			}
			text := shownText(template.HTML(m[1]))
			for _, jargon := range []string{"TSB", "bootstrap", "van-1", "bin-1", "store-"} {
				if strings.Contains(strings.ToLower(text), strings.ToLower(jargon)) {
					t.Errorf("%s: %s says %q:\n%s", lang, c.path, jargon, text)
				}
			}
		}
	}
}

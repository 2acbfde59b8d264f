package console

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestReplenishmentSpeaksDispatch: the replenishment page says, in each
// of the five languages, what it proposes in a dispatcher's words: no
// forecasting jargon (the intro named a "TSB forecast" and "a bootstrap
// of the demand over review and lead time") and no location's code in
// its text (each heading read "Van One (van-1)"). The words only: the
// page's forms still send the codes.
func TestReplenishmentSpeaksDispatch(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	stockFixture(t, tc)
	cl := tc.signIn(t, "dispatcher@t1")
	main := regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	for _, lang := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		cl.inLanguage(t, lang)
		status, page := cl.get(t, "/stock/replenish")
		m := main.FindStringSubmatch(page)
		if status != http.StatusOK || m == nil || !strings.Contains(page, `name="to" value="van-1"`) {
			t.Fatalf("%s: /stock/replenish: %d, no proposal for van-1:\n%s", lang, status, page)
		}
		text := shownText(template.HTML(m[1]))
		for _, jargon := range []string{"TSB", "bootstrap", "van-1", "store-"} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(jargon)) {
				t.Errorf("%s: the replenishment page says %q:\n%s", lang, jargon, text)
			}
		}
	}
}

package console

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// chartTip is a tooltip of a chart's bar or column: a <title> without the
// id of the chart's own title.
var chartTip = regexp.MustCompile(`<title>([^<]*)</title>`)

// TestChartTipsInThePagesPunctuation: the figures' charts' tooltips are
// worded as the page's language writes a label and its value
// ("Tech One：50%（1/2）" in Chinese, "Tech One : 50 % (1/2)" in French),
// a column's with its day as the page writes one and a line per series;
// svgchart joined them with ASCII ": " and "; " on every page, which
// read "Tech One: 50%（1/2）" and "11月27日; 已关闭: 4; SLA 达成: 3" in
// Chinese.
func TestChartTipsInThePagesPunctuation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		dc := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct{ lang, sep string }{{"zh-Hans", "："}, {"fr", " : "}, {"es", ": "}} {
			t.Run(c.lang, func(t *testing.T) {
				dc.inLanguage(t, c.lang)
				status, body := dc.get(t, "/numbers")
				if status != http.StatusOK {
					t.Fatalf("/numbers: %d\n%s", status, mainOf(body))
				}
				var tips []string
				for _, m := range chartTip.FindAllStringSubmatch(body, -1) {
					tips = append(tips, html.UnescapeString(m[1]))
				}
				cat := translations.For(c.lang)
				day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
				column := cat.Date(day) + "\n" + labelValue(cat, cat.Text("console.numbers.closed", "", nil), "4") + "\n" + labelValue(cat, cat.Text("console.numbers.sla_met", "", nil), "3")
				if !slices.Contains(tips, column) {
					t.Errorf("no column's tooltip reads %q; the tooltips are %q", column, tips)
				}
				if !slices.ContainsFunc(tips, func(s string) bool { return strings.HasPrefix(s, "Tech One"+c.sep) }) {
					t.Errorf("no bar's tooltip reads Tech One%s…; the tooltips are %q", c.sep, tips)
				}
				for _, s := range tips {
					if strings.Contains(s, "; ") || c.lang == "zh-Hans" && strings.Contains(s, ": ") {
						t.Errorf("a tooltip joins with ASCII punctuation in %s: %q", c.lang, s)
					}
				}
			})
		}
	})
}

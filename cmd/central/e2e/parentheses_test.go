package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// westernParenInChinese finds, in a page's text, an ASCII parenthesis
// beside a Chinese character (spaces between count as beside).
const westernParenInChinese = `(function () {
  var m = document.querySelector("main").innerText.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][ \u00a0]*[()]|[()][ \u00a0]*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
  return m ? m[0] : "";
})()`

// TestChinesePagesWriteFullWidthParentheses: on Chinese pages an aside
// is in full-width parentheses: an urgent request's line in a shipment
// to make reads "…（紧急）" (it read "… (紧急)"), and the board, the
// stock and devices pages put no ASCII parenthesis beside Chinese text
// (a card's due time, a Chinese location's or technician's ID). In
// English the line keeps " (Urgent)".
func TestChinesePagesWriteFullWidthParentheses(t *testing.T) {
	rq := openPartRequest(t, "e2e-paren", "Urgent Parentheses", "E2E-PAREN-1,Drain pump,排水泵,unit,\n",
		map[string]any{"part": "E2E-PAREN-1", "qty": 1, "urgency": "urgent"})
	store := name("e2e-paren-store")
	adminOK(t, "PUT", "/v1/admin/locations/"+store, map[string]any{"id": store, "kind": "store", "name": "上海浦东服务中心"}, nil)
	ctx := tab(t, admin)
	setLanguage(t, ctx, "en") // another test may have left the admin in another
	approve := `form[action="/stock/requests/` + rq + `/decide"]:has(input[name="decision"][value="approve"]) button`
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/stock/requests"), chromedp.Click(chromedp.CSS(approve))))
	line := `label[for="sh-` + rq + `"]`
	must(t, browser.WaitFor(ctx, `document.querySelector('`+line+`') !== null`))
	if got := text(t, ctx, line); !strings.HasSuffix(got, " (Urgent)") {
		t.Errorf("in English the urgent request's line reads %q, want it to end \" (Urgent)\"", got)
	}
	setLanguage(t, ctx, "zh-Hans")
	defer setLanguage(t, ctx, "en")
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/stock/requests")))
	if got := text(t, ctx, line); !strings.HasSuffix(got, "（紧急）") || strings.ContainsAny(got, "()") {
		t.Errorf("in Chinese the urgent request's line reads %q, want it to end （紧急）", got)
	}
	for _, path := range []string{"/stock/requests", "/board", "/stock?location=" + store, "/devices", "/stock/shipments"} {
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+path)))
		if m, err := browser.Get(ctx, chromedp.Evaluate[string](westernParenInChinese)); err != nil || m != "" {
			t.Errorf("%s in Chinese writes an ASCII parenthesis beside Chinese text: %q %v", path, m, err)
		}
	}
}

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// readCutText lists the text of main that reaches past the window's right
// edge: a line a reader on a phone sees cut, the rest of it only by
// scrolling a table sideways (a wide table's caption wraps to the table's
// width, not the screen's). Cells are left out: a wide table scrolls in
// its .table-wrap, and its cells go with it.
const readCutText = `(function () {
  var cut = [], w = window.innerWidth;
  document.querySelectorAll("main caption, main p, main h1, main h2, main label").forEach(function (el) {
    if (el.closest("td, th")) return;
    var r = document.createRange();
    r.selectNodeContents(el);
    Array.from(r.getClientRects()).forEach(function (b) {
      if (b.width > 0 && b.right > w + 1) cut.push(el.tagName + ": " + el.textContent.trim().slice(0, 60) + " (to " + Math.round(b.right) + " px)");
    });
  });
  return Array.from(new Set(cut));
})()`

// TestNotesFitOnPhone: on a phone (360 and 720 CSS pixels wide) no
// sentence above or about a table runs off the screen, in English and in
// Spanish: the devices table's note on clock offsets was its caption,
// as wide as the table, and a phone showed "the device's times are"
// cut at the screen's edge.
func TestNotesFitOnPhone(t *testing.T) {
	pair(t, addTech(t, "e2e-notes"))
	ctx := tab(t, dispatcher)
	for _, lang := range []string{"en", "es"} {
		setLanguage(t, ctx, lang)
		for _, width := range []int64{360, 720} {
			for _, path := range []string{"/devices", "/stock", "/stock/shipments", "/conflicts?state=all", "/people"} {
				must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 1280), chromedp.Navigate(svc.url+path)))
				cut, err := browser.Get(ctx, chromedp.Evaluate[[]string](readCutText))
				must(t, err)
				for _, c := range cut {
					t.Errorf("%s at %d px in %s: cut at the screen's edge: %s", path, width, lang, c)
				}
			}
		}
	}
	setLanguage(t, ctx, "en")
}

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestChartsReadableOnAPhone: on a 390 px phone, in Chinese, the
// figures' per-day chart is drawn at its own size (its labels 12 px, as
// drawn) and scrolls sideways inside its frame, as a technician's day
// does, and the page itself does not; on a desktop it is whole. Shrunk
// to the screen, its day labels and legend were 6 px high.
func TestChartsReadableOnAPhone(t *testing.T) {
	ctx := tab(t, admin)
	setLanguage(t, ctx, "zh-Hans")
	type layout struct {
		Scale    float64 `json:"scale"`    // drawn width / the chart's own width
		Scrolls  bool    `json:"scrolls"`  // the chart's frame scrolls sideways
		PageWide bool    `json:"pageWide"` // the page scrolls sideways
	}
	measure := func(width, height int64) layout {
		t.Helper()
		must(t, browser.Run(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(svc.url+"/numbers")))
		must(t, browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector("figure.chart svg") !== null`))
		l, err := browser.Get(ctx, chromedp.Evaluate[layout](`(function(){
  var fig = document.querySelector("figure.chart"), svg = fig.querySelector("svg");
  return {scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
          scrolls: fig.scrollWidth > fig.clientWidth,
          pageWide: document.documentElement.scrollWidth > window.innerWidth};
})()`))
		must(t, err)
		return l
	}
	if l := measure(390, 844); l.Scale < 0.99 || !l.Scrolls || l.PageWide {
		t.Errorf("at 390 px the chart is drawn at %.2f of its size (want 1), its frame scrolls %v (want true), the page scrolls sideways %v (want false)", l.Scale, l.Scrolls, l.PageWide)
	}
	if l := measure(1280, 800); l.Scale < 0.99 || l.Scrolls || l.PageWide {
		t.Errorf("at 1280 px the chart is drawn at %.2f of its size, its frame scrolls %v, the page %v: want it whole", l.Scale, l.Scrolls, l.PageWide)
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
}

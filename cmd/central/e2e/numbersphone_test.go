package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// closedAtStore closes a carry-in ticket of a new counter technician of
// store, as their device does (start, complete as no fault found,
// close), so the numbers page has a row for the store.
func closedAtStore(t *testing.T, store string) {
	t.Helper()
	tech := name("e2e-counter")
	adminOK(t, "PUT", "/v1/admin/technicians/"+tech, map[string]any{"id": tech, "name": "Counter " + tech, "country": "CN", "store": store}, nil)
	id := newTicketWith(t, tech, name("Nora Numbers"), map[string]any{"kind": "carry_in", "store": store})
	dev := pair(t, tech)
	for _, step := range []struct {
		name string
		args map[string]any
	}{
		{"ticket.start", map[string]any{"ticket": id, "epoch": 1}},
		{"ticket.complete", map[string]any{"ticket": id, "epoch": 1, "resolution": "no_fault"}},
		{"ticket.close", map[string]any{"ticket": id, "epoch": 1}},
	} {
		if x, refused := dev.push(t, step.name, step.args); refused {
			t.Fatalf("%s refused: %+v", step.name, x)
		}
	}
}

// TestNumbersStoreNamesReadableOnAPhone: on a 390 px phone the numbers
// page's per-store and per-technician tables give each row's name room
// (two lines at most, each word whole) and scroll the figures beside it
// inside their frame; the page itself does not scroll sideways. The
// figures' columns, which never wrap, left a store's name a column of
// one word a line: "Shanghai / Pudong / Service / Centre".
func TestNumbersStoreNamesReadableOnAPhone(t *testing.T) {
	store := name("e2e-numbers-store")
	adminOK(t, "PUT", "/v1/admin/locations/"+store, map[string]any{"id": store, "kind": "store", "name": "Shanghai Pudong Service Centre"}, nil)
	closedAtStore(t, store)
	ctx := tab(t, admin)
	type row struct {
		Name     string  `json:"name"`
		Lines    float64 `json:"lines"`    // the name's height in lines
		Broken   bool    `json:"broken"`   // a word wider than the cell (broken or cut)
		PageWide bool    `json:"pageWide"` // the page scrolls sideways
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(svc.url+"/numbers")))
	defer browser.Run(ctx, chromedp.EmulateViewport(1280, 900))
	must(t, browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector('section[aria-labelledby="numbers-stores"] tbody th') !== null`))
	rows, err := browser.Get(ctx, chromedp.Evaluate[[]row](`(function(){
  var out = [];
  document.querySelectorAll('section[aria-labelledby="numbers-stores"] tbody th, section[aria-labelledby="numbers-techs"] tbody th').forEach(function (th) {
    var cs = getComputedStyle(th), lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
    var inner = th.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    out.push({name: th.textContent, lines: inner / lh, broken: th.scrollWidth > th.clientWidth,
              pageWide: document.documentElement.scrollWidth > window.innerWidth});
  });
  return out;
})()`))
	must(t, err)
	found := false
	for _, r := range rows {
		found = found || r.Name == "Shanghai Pudong Service Centre"
		if r.Lines > 2.5 || r.Broken || r.PageWide {
			t.Errorf("at 390 px %q takes %.1f lines (at most 2), a word overflows its cell %v, the page scrolls sideways %v", r.Name, r.Lines, r.Broken, r.PageWide)
		}
	}
	if !found {
		t.Fatalf("the numbers page lists no row of the store: %v", rows)
	}
}

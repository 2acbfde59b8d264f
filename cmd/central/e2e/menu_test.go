package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// menuLayout is what TestMenuOnPhone reads of a page's menu.
type menuLayout struct {
	Links     int    // the menu's items
	Lines     int    // the lines they take
	PageWidth int    // the page's width: more than the window's scrolls the whole page sideways
	Window    int    // the window's width
	Scrolls   bool   // the menu is wider than its box
	OverflowX string // how its box treats that
	Current   bool   // the current page's item is inside the box, as shown
}

const readMenu = `(function () {
  var nav = document.querySelector("header.top nav"), links = Array.from(nav.querySelectorAll("a"));
  var tops = new Set(links.map(function (a) { return Math.round(a.getBoundingClientRect().top); }));
  var here = nav.querySelector('a[aria-current="page"]'), box = nav.getBoundingClientRect(), r = here ? here.getBoundingClientRect() : null;
  return {Links: links.length, Lines: tops.size, PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth,
    Scrolls: nav.scrollWidth > nav.clientWidth, OverflowX: getComputedStyle(nav).overflowX,
    Current: !!r && r.left >= box.left - 1 && r.right <= box.right + 1};
})()`

// TestMenuOnPhone: on a phone (360 and 720 CSS pixels wide) every role's
// menu is one line, under the tenant and the user's name; when it is
// wider than the screen it scrolls sideways in its own box (the page
// does not), and the current page's item is shown, the menu's last one
// (an administrator's Settings) too. Wrapped, Settings fell alone on a
// second line.
func TestMenuOnPhone(t *testing.T) {
	for _, login := range []string{dispatcher, admin} {
		ctx := tab(t, login)
		for _, width := range []int64{360, 720} {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(width, 1280), chromedp.Navigate(svc.url+"/board")))
			last, err := browser.Get(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("header.top nav a")).pop().getAttribute("href")`))
			must(t, err)
			for _, path := range []string{"/board", last} {
				must(t, browser.Run(ctx, chromedp.Navigate(svc.url+path)))
				m, err := browser.Get(ctx, chromedp.Evaluate[menuLayout](readMenu))
				must(t, err)
				switch {
				case m.Links < 2 || m.Lines != 1:
					t.Errorf("%s at %d px on %s: %d menu items on %d lines, want one line", login, width, path, m.Links, m.Lines)
				case m.PageWidth > m.Window:
					t.Errorf("%s at %d px on %s: the page is %d px wide, wider than the window", login, width, path, m.PageWidth)
				case m.Scrolls && m.OverflowX != "auto" && m.OverflowX != "scroll":
					t.Errorf("%s at %d px on %s: the menu is wider than its box, which does not scroll (overflow-x %s)", login, width, path, m.OverflowX)
				case !m.Current:
					t.Errorf("%s at %d px on %s: the current page's item is not shown in the menu %+v", login, width, path, m)
				}
			}
		}
	}
}

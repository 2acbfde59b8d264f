package e2e

import (
	"fmt"
	"strings"
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
	Edges     string // the edges of the box that show a hint of more: edgesOf
}

// edgesOf names the menu's edges that show a hint of items past them
// ("before", "after", both, or none: ""), as drawn: a hint is the nav's
// ::before or ::after, laid out, with its arrow.
const edgesOf = `function (nav) {
  var shown = function (pseudo) {
    var st = getComputedStyle(nav, pseudo);
    return st.display !== "none" && st.content !== "none" && st.content !== "normal" && parseFloat(st.width) > 0;
  };
  return [shown("::before") ? "before" : "", shown("::after") ? "after" : ""].filter(Boolean).join(",");
}`

const readMenu = `(function () {
  var nav = document.querySelector("header.top nav"), list = nav.querySelector("ul"), links = Array.from(nav.querySelectorAll("a"));
  var tops = new Set(links.map(function (a) { return Math.round(a.getBoundingClientRect().top); }));
  var here = nav.querySelector('a[aria-current="page"]'), box = list.getBoundingClientRect(), r = here ? here.getBoundingClientRect() : null;
  return {Links: links.length, Lines: tops.size, PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth,
    Scrolls: list.scrollWidth > list.clientWidth, OverflowX: getComputedStyle(list).overflowX,
    Current: !!r && r.left >= box.left - 1 && r.right <= box.right + 1, Edges: (` + edgesOf + `)(nav)};
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

// menuWalk is what TestMenuSaysThereIsMore reads of the menu scrolled
// to one of its items.
type menuWalk struct {
	Shown     bool   // the item is inside the menu's box, whole
	Edges     string // the edges that show a hint of more (edgesOf)
	AtStart   bool   // the list is scrolled to its start
	AtEnd     bool   // to its end
	PageWidth int
	Window    int
}

const walkTo = `new Promise(function (done) {
  var nav = document.querySelector("header.top nav"), list = nav.querySelector("ul"), a = list.querySelectorAll("a")[%d];
  a.scrollIntoView({block: "nearest", inline: "nearest"});
  // The hints follow the scroll event, which comes with the next frame.
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    var box = list.getBoundingClientRect(), r = a.getBoundingClientRect(), hidden = list.scrollWidth - list.clientWidth;
    done({Shown: r.left >= box.left - 1 && r.right <= box.right + 1, Edges: (` + edgesOf + `)(nav),
      AtStart: list.scrollLeft <= 1, AtEnd: list.scrollLeft >= hidden - 1,
      PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth});
  }); });
})`

// TestMenuSaysThereIsMore: on a 360 px phone an administrator's menu, in
// English and in French (its longest words), is cut at the screen's
// edge; each edge with pages past it shows a hint (a fade under an
// arrow) while it has some, and none once the list is scrolled to it,
// so a dispatcher sees the menu goes on. Every item can be scrolled to
// and shown whole, and the current page's item is shown on arrival.
// Before, the strip was cut at its right edge with nothing to say it
// scrolled.
func TestMenuSaysThereIsMore(t *testing.T) {
	ctx := tab(t, admin)
	for _, lang := range []string{"en", "fr"} {
		setLanguage(t, ctx, lang)
		must(t, browser.Run(ctx, chromedp.EmulateViewport(360, 1280), chromedp.Navigate(svc.url+"/board")))
		m, err := browser.Get(ctx, chromedp.Evaluate[menuLayout](readMenu))
		must(t, err)
		if !m.Scrolls || !m.Current || m.Edges != "after" {
			t.Fatalf("%s on the board at 360 px: want a menu cut at its end, its current item shown and a hint at its end only: %+v", lang, m)
		}
		for i := range m.Links {
			w, err := browser.Get(ctx, chromedp.Evaluate[menuWalk](fmt.Sprintf(walkTo, i), chromedp.EvalAwaitPromise))
			must(t, err)
			want := map[[2]bool]string{{true, false}: "after", {false, false}: "before,after", {false, true}: "before"}[[2]bool{w.AtStart, w.AtEnd}]
			switch {
			case !w.Shown:
				t.Errorf("%s: the menu's item %d cannot be scrolled into view: %+v", lang, i+1, w)
			case w.PageWidth > w.Window:
				t.Errorf("%s: showing the menu's item %d widened the page to %d px", lang, i+1, w.PageWidth)
			case w.Edges != want:
				t.Errorf("%s: scrolled to the menu's item %d (start %v, end %v), the hints are at %q, want %q", lang, i+1, w.AtStart, w.AtEnd, w.Edges, want)
			}
		}
		// The last page's item, past the screen's edge on the board, is
		// shown when it is the current page.
		last, err := browser.Get(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("header.top nav a")).pop().getAttribute("href")`))
		must(t, err)
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+last)))
		if m, err = browser.Get(ctx, chromedp.Evaluate[menuLayout](readMenu)); err != nil || !m.Current || !strings.Contains(m.Edges, "before") {
			t.Errorf("%s on %s at 360 px: want its item shown and a hint of the pages before it: %+v %v", lang, last, m, err)
		}
	}
	setLanguage(t, ctx, "en")
}

// headerLayout is what TestHeaderOneLineOnALaptop reads of the header.
type headerLayout struct {
	NavTop, MenuTop, TenantTop int  // the tops of the menu's first item, the user's button and the tenant's name
	RoleInMenu                 bool // the opened menu names the user's role
	PageWidth, Window          int
}

const readHeader = `(function () {
  var top = function (sel) { return Math.round(document.querySelector(sel).getBoundingClientRect().top); };
  var me = document.querySelector("header.top details.me");
  me.open = true;
  var role = document.querySelector("header.top .me-role"), r = role ? role.getBoundingClientRect() : null;
  var out = {NavTop: top("header.top nav a"), MenuTop: top("header.top details.me summary"), TenantTop: top("header.top .tenant"),
    RoleInMenu: !!r && r.height > 0 && role.textContent.indexOf(%q) >= 0, PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth};
  me.open = false;
  return out;
})()`

// TestHeaderOneLineOnALaptop: at 1366x768 and 1280x800 an
// administrator's header, the tenant, the whole menu and the user's
// button, stands on one line in every language, and the user's role is
// in the menu the button opens (in French at 1366 the button fell alone
// on a second line, under the menu).
func TestHeaderOneLineOnALaptop(t *testing.T) {
	ctx := tab(t, admin)
	roles := map[string]string{"en": "Administrator", "zh-Hans": "管理员", "fr": "Administrateur", "es": "Administrador", "pt": "Administrador"}
	for _, lang := range []string{"en", "zh-Hans", "fr", "es", "pt"} {
		setLanguage(t, ctx, lang)
		for _, w := range []int64{1366, 1280} {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(w, 768), chromedp.Navigate(svc.url+"/board")))
			h, err := browser.Get(ctx, chromedp.Evaluate[headerLayout](fmt.Sprintf(readHeader, roles[lang])))
			must(t, err)
			switch {
			case abs(h.MenuTop-h.NavTop) > 12 || abs(h.TenantTop-h.NavTop) > 12:
				t.Errorf("%s at %d px: the header is not one line: %+v", lang, w, h)
			case !h.RoleInMenu:
				t.Errorf("%s at %d px: the opened menu does not name the role %q", lang, w, roles[lang])
			case h.PageWidth > h.Window:
				t.Errorf("%s at %d px: the page is %d px wide, wider than the window", lang, w, h.PageWidth)
			}
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

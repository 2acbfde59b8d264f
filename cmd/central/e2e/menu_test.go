package e2e

import (
	"fmt"
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

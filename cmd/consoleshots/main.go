// Command consoleshots writes `make console-screenshots`: every page of the
// office console (sync/console) at 1280x800 (a tablet) and 720x1280 (a
// phone), in English and Chinese, as
// docs/screenshots/console-<page>-<lang>-<size>.png. It starts the demo's
// central service (device/demoserver) on a temporary folder with app/demo's
// world, signs in as an administrator (who sees every page) and visits
// the sign-in page, every page of the menu and the first ticket the board
// links to, in Debian's headless Chromium.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
	"github.com/fieldbench/fieldbench/internal/browser"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The screens: a tablet in landscape and a phone in portrait.
var sizes = []struct{ w, h int }{{1280, 800}, {720, 1280}}

// The languages: the tag the user chooses, the file name's and the
// browser's Accept-Language (the sign-in page's language).
var languages = []struct{ tag, file, accept string }{
	{"en", "en", "en-US,en"},
	{"zh-Hans", "zh", "zh-CN,zh"},
}

func main() {
	out := flag.String("out", "docs/screenshots", "the folder to write the PNG files to")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "consoleshots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "consoleshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := demoserver.Starter(1, demo.Size{Models: 20, Parts: 300, Tickets: 400, Technicians: 12})
	ds, err := start(sctx, filepath.Join(dir, "central"), func(app.StartStep) {})
	if err != nil {
		return err
	}
	defer ds.Close()
	svc := ds.(*demoserver.Service)
	base := svc.URL() + "/"

	b, stop, err := browser.Start(ctx)
	if err != nil {
		return err
	}
	defer stop()
	n := 0
	for _, l := range languages {
		login, pw := "shots-"+l.file, "screenshots-"+l.file+"-password"
		u := central.ConsoleUser{Login: login, Tenant: device.DemoTenant, Name: "Li Na", Role: "administrator", Language: l.tag}
		if err := svc.DB().CreateConsoleUser(sctx, u, pw); err != nil {
			return err
		}
		tab, closeTab, err := browser.NewTab(b, l.accept)
		if err != nil {
			return err
		}
		shoot := func(page, path string) error {
			for _, s := range sizes {
				png, err := browser.Screenshot(tab, base+strings.TrimPrefix(path, "/"), s.w, s.h)
				if err != nil {
					return err
				}
				name := filepath.Join(out, fmt.Sprintf("console-%s-%s-%dx%d.png", page, l.file, s.w, s.h))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					return err
				}
				fmt.Println(name)
				n++
			}
			return nil
		}
		if err := shoot("signin", "/signin"); err != nil {
			closeTab()
			return err
		}
		if err := browser.SignIn(tab, base, login, pw); err != nil {
			closeTab()
			return err
		}
		pages, err := pagesOf(tab, base)
		if err == nil {
			for _, p := range pages {
				if err = shoot(p.name, p.path); err != nil {
					break
				}
			}
		}
		closeTab()
		if err != nil {
			return err
		}
	}
	fmt.Printf("%d screenshots in %s\n", n, out)
	return nil
}

type pageRef struct{ name, path string }

// pagesOf lists the pages to take: the menu's, in its order, then the
// first ticket the board links to (the ticket page, once it exists).
func pagesOf(tab context.Context, base string) ([]pageRef, error) {
	if err := browser.Run(tab, chromedp.Navigate(base+"board")); err != nil {
		return nil, err
	}
	hrefs, err := browser.Get(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('header nav a')).map(a => a.getAttribute('href'))`))
	if err != nil {
		return nil, err
	}
	ticket, err := browser.Get(tab, chromedp.Evaluate[string](`(Array.from(document.querySelectorAll('main a[href^="/tickets/"]')).map(a => a.getAttribute('href')).find(h => /^\/tickets\/[^/]+$/.test(h) && h !== '/tickets/new')) || ''`))
	if err != nil {
		return nil, err
	}
	var out []pageRef
	for _, h := range append(hrefs, ticket) {
		u, err := url.Parse(h)
		if h == "" || err != nil || !strings.HasPrefix(u.Path, "/") {
			continue
		}
		name := strings.Split(strings.Trim(u.Path, "/"), "/")[0]
		if name == "tickets" {
			name = "ticket"
		}
		out = append(out, pageRef{name: name, path: u.Path})
	}
	return out, nil
}

// Command consoleshots writes `make console-screenshots`: every page of the
// office console (sync/console) at 1280x800 (a tablet) and 720x1280 (a
// phone), in English and Chinese, as
// docs/screenshots/console-<page>-<lang>-<size>.png. It starts the demo's
// central service (device/demoserver) on a temporary folder with app/demo's
// world, signs in as an administrator (who sees every page) and visits
// the sign-in page, every page of the menu and the first ticket the board
// links to, in Debian's headless Chromium. -langs and -sizes take other
// languages and screens for a walk (-langs fr -sizes 720x1280,1366x768
// -out /tmp/walk); the defaults are the README's pictures.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
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

// raiseConflicts gives the conflicts and devices pages something to show,
// as a working day does: the demo technician's tablet is paired and
// pulls its tickets; dispatch cancels one of them; the tablet, still
// unaware, pushes its departure and a note for it, which the service
// refuses as conflicts.
func raiseConflicts(ctx context.Context, svc *demoserver.Service, dir string) error {
	code, err := svc.PairingCode(ctx)
	if err != nil {
		return err
	}
	var paired struct{ Token string }
	if err := post(ctx, svc.URL()+"/v1/pair", "", map[string]any{"code": code, "device_name": "Galaxy Tab A9"}, &paired); err != nil {
		return err
	}
	type ticket struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Epoch  int    `json:"epoch"`
	}
	var open *ticket
	cursor := ""
	for range 100 {
		var page struct {
			D *struct {
				Tickets []struct{ Ticket ticket } `json:"tickets"`
			} `json:"d"`
			C string `json:"c"`
			M bool   `json:"m"`
		}
		if err := post(ctx, svc.URL()+"/v1/sync", paired.Token, map[string]any{"v": 1, "c": cursor}, &page); err != nil {
			return err
		}
		if page.D != nil {
			for _, t := range page.D.Tickets {
				if t.Ticket.Status == "assigned" && open == nil {
					open = &t.Ticket
				}
			}
		}
		if cursor = page.C; !page.M {
			break
		}
	}
	if open == nil {
		return fmt.Errorf("the demo technician has no assigned ticket to raise a conflict on")
	}
	tok, err := os.ReadFile(filepath.Join(dir, demoserver.TokenFile))
	if err != nil {
		return err
	}
	cancel := map[string]any{"name": "ticket.cancel", "version": 1, "args": map[string]any{"ticket": open.ID, "epoch": open.Epoch, "reason": "The customer called: the machine works again."}}
	if err := post(ctx, svc.URL()+"/v1/admin/mutations", strings.TrimSpace(string(tok)), cancel, nil); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	push := []map[string]any{
		{"id": newID(), "name": "ticket.depart", "version": 1, "seq": 1, "hlc": "hlc-1", "at": now, "args": map[string]any{"ticket": open.ID, "epoch": open.Epoch}},
		{"id": newID(), "name": "note.add", "version": 1, "seq": 2, "hlc": "hlc-2", "at": now, "args": map[string]any{"note": map[string]any{"id": newID(), "ticket": open.ID, "text": "Customer asks to call 30 minutes before arrival."}}},
	}
	var answer struct {
		X []json.RawMessage `json:"x"`
	}
	if err := post(ctx, svc.URL()+"/v1/sync", paired.Token, map[string]any{"v": 1, "p": push, "np": true}, &answer); err != nil {
		return err
	}
	if len(answer.X) == 0 {
		return fmt.Errorf("the stale pushes raised no conflict")
	}
	return nil
}

// post sends body as JSON with token as bearer and decodes a 2xx answer
// into out (when not nil).
func post(ctx context.Context, url, token string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: HTTP %d %s", url, res.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// size is a screen, width x height in CSS pixels.
type size struct{ w, h int }

// language is a console user's language: the tag the user chooses, the
// file name's and the browser's Accept-Language (the sign-in page's
// language).
type language struct{ tag, file, accept string }

// knownLanguages are the console's languages as -langs names them.
var knownLanguages = map[string]language{
	"en":      {"en", "en", "en-US,en"},
	"zh-Hans": {"zh-Hans", "zh", "zh-CN,zh"},
	"fr":      {"fr", "fr", "fr-FR,fr"},
	"es":      {"es", "es", "es-ES,es"},
	"pt":      {"pt", "pt", "pt-BR,pt"},
}

func main() {
	out := flag.String("out", "docs/screenshots", "the folder to write the PNG files to")
	// The README's pictures are a tablet in landscape and a phone in
	// portrait, in English and Chinese; a walk in another language or
	// at a laptop's size names its own (-langs fr -sizes 720x1280,1366x768).
	langs := flag.String("langs", "en,zh-Hans", "the languages, comma-separated: "+"en, zh-Hans, fr, es, pt")
	screens := flag.String("sizes", "1280x800,720x1280", "the screens, comma-separated WIDTHxHEIGHT")
	flag.Parse()
	var ls []language
	for _, tag := range strings.Split(*langs, ",") {
		l, ok := knownLanguages[strings.TrimSpace(tag)]
		if !ok {
			fmt.Fprintf(os.Stderr, "consoleshots: -langs: no language %q; use en, zh-Hans, fr, es or pt\n", tag)
			os.Exit(2)
		}
		ls = append(ls, l)
	}
	var ss []size
	for _, wh := range strings.Split(*screens, ",") {
		var s size
		if _, err := fmt.Sscanf(strings.TrimSpace(wh), "%dx%d", &s.w, &s.h); err != nil || s.w < 200 || s.w > 4000 || s.h < 200 || s.h > 4000 {
			fmt.Fprintf(os.Stderr, "consoleshots: -sizes: %q is no WIDTHxHEIGHT between 200 and 4000\n", wh)
			os.Exit(2)
		}
		ss = append(ss, s)
	}
	if err := run(context.Background(), *out, ls, ss); err != nil {
		fmt.Fprintln(os.Stderr, "consoleshots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, languages []language, sizes []size) error {
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
	if err := raiseConflicts(sctx, svc, filepath.Join(dir, "central")); err != nil {
		return err
	}

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
	// The pages behind the board's links and the stock queues, which the
	// menu does not name: the forms a dispatcher fills most.
	extra := map[string]string{}
	for name, sel := range map[string]string{"ticket-cancel": `main a[href$="/cancel"]`, "ticket-assign": `main a[href$="/assign"]`, "day": `main a[href*="/day"]`} {
		h, err := browser.Get(tab, chromedp.Evaluate[string](`(document.querySelector('`+sel+`') || {getAttribute: () => ''}).getAttribute('href') || ''`))
		if err != nil {
			return nil, err
		}
		extra[name] = h
	}
	if err := browser.Run(tab, chromedp.Navigate(base+"stock")); err != nil {
		return nil, err
	}
	ledger, err := browser.Get(tab, chromedp.Evaluate[string](`(Array.from(document.querySelectorAll('main a[href^="/stock/"]')).map(a => a.getAttribute('href')).find(h => h.split('/').length === 4)) || ''`))
	if err != nil {
		return nil, err
	}
	var out, more []pageRef
	for _, p := range []pageRef{{"ticket-new", "/tickets/new"}, {"ticket-cancel", extra["ticket-cancel"]}, {"ticket-assign", extra["ticket-assign"]}, {"day", extra["day"]},
		{"stock-ledger", ledger}, {"stock-requests", "/stock/requests"}, {"stock-shipments", "/stock/shipments"}, {"stock-returns", "/stock/returns"},
		{"stock-replenish", "/stock/replenish"}, {"stock-negative", "/stock/negative"}} {
		if p.path != "" {
			more = append(more, p)
		}
	}
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
	return append(out, more...), nil
}

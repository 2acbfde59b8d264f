package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// maxPageWeight bounds a console page with its style sheets and scripts,
// as a browser with an empty cache loads it: a tablet on a mobile link
// should have any page in a few seconds.
const maxPageWeight = 150 << 10

// row is one page's weight: its HTML, the style sheets and scripts it
// loads, and the bytes sent for all of them gzipped.
type row struct {
	page               string
	html, assets, sent int
}

var (
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	navBlock   = regexp.MustCompile(`(?s)<nav aria-label="[^"]*"><ul>(.*?)</ul></nav>`)
	navLink    = regexp.MustCompile(`<a href="(/[^"?#]*)"`)
	staticLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
)

// TestPageWeight measures every page of the menu (signed in as an
// administrator, who sees them all) and the sign-in page: the bytes of
// the HTML and of the style sheets and scripts it loads, and the bytes
// sent for them to a browser that accepts gzip. The table it logs is
// docs/BENCHMARKS.md's "Office console: page weight".
func TestPageWeight(t *testing.T) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Jar: jar, Timeout: requestTimeout}
	// get returns the bytes of path's answer, the bytes sent for it (set
	// by hand, Accept-Encoding leaves the body as sent) and its text.
	get := func(path string) (int, int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, svc.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := cl.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d", path, res.StatusCode)
		}
		sent := len(b)
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			if b, err = io.ReadAll(io.LimitReader(zr, maxAnswer)); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
		}
		return len(b), sent, string(b)
	}
	measure := func(path string) (r row) {
		t.Helper()
		var body string
		r.page = path
		r.html, r.sent, body = get(path)
		seen := map[string]bool{}
		for _, m := range staticLink.FindAllStringSubmatch(body, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				n, sent, _ := get(strings.ReplaceAll(m[1], "&amp;", "&"))
				r.assets += n
				r.sent += sent
			}
		}
		return r
	}
	rows := []row{measure("/signin")}

	_, _, form := get("/signin")
	m := csrfField.FindStringSubmatch(form)
	if m == nil {
		t.Fatal("the sign-in page has no form token")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, svc.url+"/signin", strings.NewReader(url.Values{"login": {admin}, "password": {password}, "csrf": {m[1]}, "next": {"/board"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/board" {
		t.Fatalf("signing in: HTTP %d on %s", res.StatusCode, res.Request.URL.Path)
	}
	_, _, board := get("/board")
	nav := navBlock.FindStringSubmatch(board)
	if nav == nil {
		t.Fatal("the board has no menu")
	}
	for _, l := range navLink.FindAllStringSubmatch(nav[1], -1) {
		rows = append(rows, measure(l[1]))
	}
	var table strings.Builder
	table.WriteString("| page | HTML (B) | CSS and JS (B) | total (B) | sent, gzip (B) |\n|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&table, "| `%s` | %d | %d | %d | %d |\n", r.page, r.html, r.assets, r.html+r.assets, r.sent)
		// README: pages go gzip-compressed to browsers, about a third of
		// their bytes.
		if r.sent*2 > r.html+r.assets {
			t.Errorf("%s: %d bytes sent for %d: not compressed", r.page, r.sent, r.html+r.assets)
		}
		if r.html+r.assets > maxPageWeight {
			t.Errorf("%s weighs %d bytes with its CSS and JS, more than %d", r.page, r.html+r.assets, maxPageWeight)
		}
	}
	t.Logf("pages' weight (an empty test world; the board empty but for the tests' tickets):\n%s", table.String())
}

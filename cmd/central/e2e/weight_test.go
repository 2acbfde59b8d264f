package e2e

import (
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

var (
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	navBlock   = regexp.MustCompile(`(?s)<nav aria-label="[^"]*"><ul>(.*?)</ul></nav>`)
	navLink    = regexp.MustCompile(`<a href="(/[^"?#]*)"`)
	staticLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
)

// TestPageWeight measures every page of the menu (signed in as an
// administrator, who sees them all) and the sign-in page: the bytes of
// the HTML and of the style sheets and scripts it loads. The table it
// logs is docs/BENCHMARKS.md's "Office console: page weight".
func TestPageWeight(t *testing.T) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Jar: jar, Timeout: requestTimeout}
	get := func(path string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, svc.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
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
		return len(b), string(b)
	}
	measure := func(path string) (html, assets int) {
		t.Helper()
		html, body := get(path)
		seen := map[string]bool{}
		for _, m := range staticLink.FindAllStringSubmatch(body, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				n, _ := get(strings.ReplaceAll(m[1], "&amp;", "&"))
				assets += n
			}
		}
		return html, assets
	}
	type row struct {
		page         string
		html, assets int
	}
	var rows []row
	h, a := measure("/signin")
	rows = append(rows, row{"/signin", h, a})

	_, form := get("/signin")
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
	_, board := get("/board")
	nav := navBlock.FindStringSubmatch(board)
	if nav == nil {
		t.Fatal("the board has no menu")
	}
	for _, l := range navLink.FindAllStringSubmatch(nav[1], -1) {
		h, a := measure(l[1])
		rows = append(rows, row{l[1], h, a})
	}
	var table strings.Builder
	table.WriteString("| page | HTML (B) | CSS and JS (B) | total (B) |\n|---|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&table, "| `%s` | %d | %d | %d |\n", r.page, r.html, r.assets, r.html+r.assets)
		if r.html+r.assets > maxPageWeight {
			t.Errorf("%s weighs %d bytes with its CSS and JS, more than %d", r.page, r.html+r.assets, maxPageWeight)
		}
	}
	t.Logf("pages' weight (an empty test world; the board empty but for the tests' tickets):\n%s", table.String())
}

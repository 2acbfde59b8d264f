package console

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestPagesGzipped: a page, a stylesheet and an error page go gzipped to
// a browser that accepts gzip, with the security headers and a padding
// comment (BREACH), and the same bytes as to one that does not; the
// board's event stream and a short answer go plain.
func TestPagesGzipped(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	cl := tc.signIn(t, "dispatcher@t1")
	raw := *cl.hc
	raw.Transport = &http.Transport{DisableCompression: true} // see Content-Encoding as sent
	fetch := func(t *testing.T, path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, tc.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	css := tc.c.staticURL("console.css")
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/board", http.StatusOK},
		{"/tickets/tk-1", http.StatusOK},
		{css, http.StatusOK},
		{"/tickets/no-such-ticket", http.StatusNotFound},
	} {
		t.Run(c.path, func(t *testing.T) {
			plain, body := fetch(t, c.path, "")
			if plain.StatusCode != c.status || plain.Header.Get("Content-Encoding") != "" {
				t.Fatalf("without Accept-Encoding: %d, Content-Encoding %q", plain.StatusCode, plain.Header.Get("Content-Encoding"))
			}
			resp, zipped := fetch(t, c.path, "gzip, deflate, br")
			if resp.StatusCode != c.status || resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("with gzip accepted: %d, Content-Encoding %q (%d bytes plain)", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(body))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q: a cache would serve gzip to a browser without it", resp.Header.Get("Vary"))
			}
			for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Request-Id"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("gzipped answer without %s", h)
				}
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			// 1 to 32 bytes of "Padding-Padding-...", by a hash of the page.
			if zr.Comment == "" || !strings.HasPrefix(strings.Repeat("Padding-", 5), zr.Comment) {
				t.Errorf("gzip comment %q: no BREACH padding", zr.Comment)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			// The pages carry the request's ID and the token masked
			// afresh; the rest is the same.
			norm := func(b []byte, id string) string {
				return csrfField.ReplaceAllString(strings.ReplaceAll(string(b), id, "ID"), "CSRF")
			}
			if norm(got, resp.Header.Get("X-Request-Id")) != norm(body, plain.Header.Get("X-Request-Id")) {
				t.Errorf("gunzipped answer differs from the plain one (%d and %d bytes)", len(got), len(body))
			}
			if len(zipped)*3 > len(body)*2 {
				t.Errorf("%d bytes gzipped against %d plain: less than a third saved", len(zipped), len(body))
			}
			t.Logf("%s: %d bytes plain, %d gzipped", c.path, len(body), len(zipped))
		})
	}
	t.Run("EventStream", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, tc.srv.URL+"/board/events", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		hc := raw
		hc.Timeout = 0
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("/board/events: %s, Content-Encoding %q; want a plain stream", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
		}
	})
	t.Run("Short", func(t *testing.T) {
		resp, _ := fetch(t, "/", "gzip")
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("a %d answer of %s bytes gzipped", resp.StatusCode, resp.Header.Get("Content-Length"))
		}
	})
}

// TestCSRFMaskedPerPage: every page carries the session's token masked
// afresh, never as it is; each masked copy is accepted, and the token as
// it is, or a masked copy changed, is refused.
func TestCSRFMaskedPerPage(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	cl := tc.signIn(t, "dispatcher@t1")
	var masked []string
	for range 3 {
		_, body := cl.get(t, "/board")
		m := csrfField.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token on the board")
		}
		masked = append(masked, m[1])
	}
	token := unmaskCSRF(masked[0])
	if token == "" || len(token) < 32 {
		t.Fatalf("the page's token %q unmasks to %q", masked[0], token)
	}
	for i, m := range masked {
		if unmaskCSRF(m) != token {
			t.Errorf("page %d's token unmasks to another secret", i)
		}
		if i > 0 && m == masked[i-1] {
			t.Errorf("pages %d and %d carry the same bytes %q", i-1, i, m)
		}
		if strings.Contains(m, token) {
			t.Errorf("page %d carries the secret as it is", i)
		}
	}
	_, body := cl.get(t, "/board")
	if strings.Contains(body, token) {
		t.Error("the board carries the session's token unmasked")
	}
	post := func(token string) int {
		status, _ := cl.postWith(t, "/language", url.Values{"lang": {"fr"}, "next": {"/board"}, "csrf": {token}}, nil)
		return status
	}
	flipped := []byte(masked[1])
	if flipped[10] == 'A' { // one character of the pad, to another of the alphabet
		flipped[10] = 'B'
	} else {
		flipped[10] = 'A'
	}
	for name, bad := range map[string]string{"the secret as it is": token, "a masked copy changed": string(flipped), "too long": strings.Repeat(masked[1], 4)} {
		if status := post(bad); status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, status)
		}
	}
	for i, m := range masked {
		if status := post(m); status != http.StatusSeeOther {
			t.Errorf("page %d's masked token: status %d, want 303", i, status)
		}
	}
}

// unmasked is page with each CSRF token it carries unmasked: two pages of
// one session are then alike where they differ only in the tokens' pads.
func unmasked(page string) string {
	return csrfField.ReplaceAllStringFunc(page, func(field string) string {
		m := csrfField.FindStringSubmatch(field)
		return `name="csrf" value="` + unmaskCSRF(m[1]) + `"`
	})
}

// FuzzUnmaskCSRF: any string unmasks to a token or to "" without
// failing, and a masked token always unmasks to itself.
func FuzzUnmaskCSRF(f *testing.F) {
	f.Add("")
	f.Add("AAAA")
	f.Add(maskCSRF("abc"))
	f.Add("!!notbase64")
	f.Fuzz(func(t *testing.T, s string) {
		if got := unmaskCSRF(s); len(got) > maxMaskedCSRF {
			t.Fatalf("unmasked %d bytes from %d", len(got), len(s))
		}
		if len(s) > 0 && 4*len(s) <= 3*maxMaskedCSRF/2 {
			if got := unmaskCSRF(maskCSRF(s)); got != s {
				t.Fatalf("mask and unmask of %q gave %q", s, got)
			}
		}
	})
}

package demoserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consoleSignIn signs in to the console at base with login and password
// and returns the HTTP status and path of the page it ends on.
func consoleSignIn(t *testing.T, base, login, password string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Jar: jar}
	do := func(req *http.Request) (*http.Response, []byte) {
		res, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"signin", nil)
	res, body := do(req)
	m := csrfField.FindSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("GET /signin: HTTP %d, form token found %v", res.StatusCode, m != nil)
	}
	form := url.Values{"login": {login}, "password": {password}, "csrf": {string(m[1])}, "next": {"/board"}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ = do(req)
	return res.StatusCode, res.Request.URL.Path
}

// TestDemoServesConsole: the demo service serves the office console beside
// its API and leaves its dispatcher's login in DIR/console-login, owner
// only, with this start's address; a restart keeps the password, a deleted
// file gets a new one and the old one stops working.
func TestDemoServesConsole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	start := demoserver.Starter(1, demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 2})
	path := filepath.Join(dir, demoserver.ConsoleLoginFile)
	var first demoserver.ConsoleAccess
	for _, tc := range []struct {
		name   string
		before func(t *testing.T)
		same   bool // the password of the first start still
	}{
		{"FirstStart", func(*testing.T) {}, false},
		{"Restart", func(*testing.T) {}, true},
		{"FileDeleted", func(t *testing.T) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.before(t)
			svc := startDemo(t, start, dir)
			defer svc.Close()
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
			}
			a, err := demoserver.ReadConsoleLogin(dir)
			if err != nil {
				t.Fatal(err)
			}
			if a.URL != svc.URL()+"/" || a.Login != demoserver.ConsoleLogin || len(a.Password) < 12 {
				t.Fatalf("console-login holds %q, %q, a password of %d characters; want %q, %q, 12 or more", a.URL, a.Login, len(a.Password), svc.URL()+"/", demoserver.ConsoleLogin)
			}
			if code, at := consoleSignIn(t, a.URL, a.Login, a.Password); code != http.StatusOK || at != "/board" {
				t.Fatalf("signing in with the written login ends on %s with HTTP %d, want /board and 200", at, code)
			}
			if first.Password == "" {
				first = a
				return
			}
			if (a.Password == first.Password) != tc.same {
				t.Fatalf("password kept %v, want %v", a.Password == first.Password, tc.same)
			}
			if !tc.same {
				if code, at := consoleSignIn(t, a.URL, first.Login, first.Password); code != http.StatusUnauthorized || at != "/signin" {
					t.Fatalf("the replaced password ends on %s with HTTP %d, want /signin and 401", at, code)
				}
			}
		})
	}
}

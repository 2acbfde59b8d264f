package demoserver_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// TestDemoWritesAdminToken: the demo service leaves a working admin token
// in its directory, owner-only, so `central admin -data DIR` plays
// dispatch against it (liveday finding 7); a deleted token file gets a
// new token, and the one it replaces stops working.
func TestDemoWritesAdminToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	start := demoserver.Starter(1, demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 2})
	path := filepath.Join(dir, demoserver.TokenFile)
	status := func(t *testing.T, url, tok string) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/admin/tickets", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	var first string
	for _, tc := range []struct {
		name   string
		before func(t *testing.T)
		same   bool // the token of the first start still
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
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tok := strings.TrimSpace(string(raw))
			if got := status(t, svc.URL(), tok); got != http.StatusOK {
				t.Fatalf("the written token gets HTTP %d, want 200", got)
			}
			if first == "" {
				first = tok
				return
			}
			if (tok == first) != tc.same {
				t.Fatalf("token kept %v, want %v", tok == first, tc.same)
			}
			if !tc.same {
				if got := status(t, svc.URL(), first); got != http.StatusUnauthorized {
					t.Fatalf("the replaced token gets HTTP %d, want 401", got)
				}
			}
		})
	}
}

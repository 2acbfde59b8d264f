package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientSendsAppVersion: every request names the app's version in
// the Fieldbench-App header; a version that is no version is not sent
// (the build's own, when it has one, goes instead).
func TestClientSendsAppVersion(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get(AppVersionHeader)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"e":"ep-1","a":0,"t":1}`))
	}))
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		name, app, want string
	}{
		{"Set", "1.4.2+build.7", "1.4.2+build.7"},
		{"Longest", strings.Repeat("9", MaxAppVersion), strings.Repeat("9", MaxAppVersion)},
		{"TooLong", strings.Repeat("9", MaxAppVersion+1), BuildVersion()},
		{"WithSpace", "1.4 beta", BuildVersion()},
		{"Unset", "", BuildVersion()},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := &Client{BaseURL: srv.URL, Token: "tok", App: c.app}
			if _, err := cl.Sync(context.Background(), &Request{Protocol: ProtocolVersion}); err != nil {
				t.Fatal(err)
			}
			if h := <-got; h != c.want {
				t.Fatalf("header %q, want %q", h, c.want)
			}
		})
	}
}

func TestValidAppVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"0.1.0": true, "v0.0.0-20261204203000-0123456789ab+dirty": true, "": false, "1 2": false,
		"1.0\t": false, "版本": false, "1.0\x7f": false, strings.Repeat("a", MaxAppVersion+1): false,
	} {
		if ValidAppVersion(v) != want {
			t.Errorf("ValidAppVersion(%q) = %v, want %v", v, !want, want)
		}
	}
}

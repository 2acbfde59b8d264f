package sync

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestLinkRefusesPlainHTTP: the device sends nothing over plain HTTP to
// another machine unless the flag allows it. A real server listens on
// loopback; the transport's dialer sends every connection there and
// records the address asked for, so a request to a remote name can reach
// it only when the link lets it through.
func TestLinkRefusesPlainHTTP(t *testing.T) {
	var mu gosync.Mutex
	var hits []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"e":"ep-1","a":0,"t":1}`))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for name, tc := range map[string]struct {
		host       string
		allowPlain bool
		wantKey    string // "" when the request goes through
	}{
		"RemoteRefused":     {host: "central.example.com", wantKey: "sync.plain_http"},
		"RemoteIPRefused":   {host: "10.20.30.40", wantKey: "sync.plain_http"},
		"RemoteWithFlag":    {host: "central.example.com", allowPlain: true},
		"LoopbackIP":        {host: "127.0.0.1"},
		"LoopbackName":      {host: "localhost"},
		"LoopbackIPv6":      {host: "[::1]"},
		"LoopbackOtherAddr": {host: "127.3.4.5"},
	} {
		t.Run(name, func(t *testing.T) {
			mu.Lock()
			hits = nil
			mu.Unlock()
			var dialed []string
			base := http.DefaultTransport.(*http.Transport).Clone()
			base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				dialed = append(dialed, addr)
				return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
			}
			c := &Client{BaseURL: "http://" + tc.host + ":" + port, Token: "secret-token",
				HTTP: &http.Client{Transport: Link{AllowPlainHTTP: tc.allowPlain}.Transport(base)}}
			_, err := c.Sync(t.Context(), &Request{Protocol: ProtocolVersion})
			mu.Lock()
			got := append([]string(nil), hits...)
			mu.Unlock()
			if tc.wantKey != "" {
				if errKey(err) != tc.wantKey || app.ErrorCode(err) != app.EFORBIDDEN {
					t.Fatalf("error %v (%s), want %s", err, errKey(err), tc.wantKey)
				}
				if len(dialed) != 0 || len(got) != 0 {
					t.Fatalf("a refused request dialed %v and reached the server %d times", dialed, len(got))
				}
				if !strings.Contains(app.ErrorMessage(err), "https://") {
					t.Fatalf("the error does not say what to do: %s", app.ErrorMessage(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != "Bearer secret-token" {
				t.Fatalf("server saw %q", got)
			}
		})
	}
}

// TestLinkDefaultRefusesPlainHTTP: a Client or PhotoUploader given no
// HTTP client refuses plain HTTP beyond loopback too.
func TestLinkDefaultRefusesPlainHTTP(t *testing.T) {
	_, err := (&Client{BaseURL: "http://central.example.com"}).Pair(t.Context(), "ABCD-EFGH-JKLM", "tablet")
	if errKey(err) != "sync.plain_http" {
		t.Fatalf("Client: %v", err)
	}
	u, err := NewPhotoUploader(nil, nil, nil, "http://central.example.com", "tok")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.do(t.Context(), http.MethodHead, "http://central.example.com/v1/photos/x", nil, nil); errKey(err) != "sync.plain_http" {
		t.Fatalf("PhotoUploader: %v", err)
	}
}

func TestNormalizeFingerprint(t *testing.T) {
	const fp = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	colons := strings.ToUpper(fp[:2])
	for i := 2; i < len(fp); i += 2 {
		colons += ":" + strings.ToUpper(fp[i:i+2])
	}
	for name, tc := range map[string]struct{ in, want, errKey string }{
		"Hex":     {in: fp, want: fp},
		"OpenSSL": {in: " " + colons + "\n", want: fp},
		"Empty":   {in: "", want: ""},
		"Short":   {in: fp[:40], errKey: "sync.bad_fingerprint"},
		"NotHex":  {in: strings.Repeat("zz", 32), errKey: "sync.bad_fingerprint"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := NormalizeFingerprint(tc.in)
			if errKey(err) != tc.errKey {
				t.Fatalf("error %v, want key %q", err, tc.errKey)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// errKey is the translation key of err's *app.Error, "" for nil.
func errKey(err error) string {
	if err == nil {
		return ""
	}
	return app.AsError(err).Key
}

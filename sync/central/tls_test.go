package central_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// errKey is the translation key of err's *app.Error, "" for nil.
func errKey(err error) string {
	if err == nil {
		return ""
	}
	return app.AsError(err).Key
}

func TestLoadCertificate(t *testing.T) {
	// The first start makes a certificate; later starts load the same.
	dir := t.TempDir()
	first, err := central.LoadCertificate(dir, "", "", []string{"central.example.com", "10.1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if !app.ValidSHA256(first.Fingerprint) {
		t.Fatalf("first start: fingerprint %q", first.Fingerprint)
	}
	for _, name := range []string{central.CertFile, central.KeyFile} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, central.CertFile))
	block, _ := pem.Decode(raw)
	if block == nil || fbsync.CertFingerprint(block.Bytes) != first.Fingerprint {
		t.Fatalf("the fingerprint is not the SHA-256 of the written certificate")
	}
	leaf := first.TLS.Leaf
	if leaf == nil || leaf.PublicKeyAlgorithm.String() != "ECDSA" || !slicesHas(leaf.DNSNames, "central.example.com") || len(leaf.IPAddresses) < 2 {
		t.Fatalf("certificate: %+v", leaf)
	}
	again, err := central.LoadCertificate(dir, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint != first.Fingerprint {
		t.Fatalf("second start: fingerprint %s, want %s", again.Fingerprint, first.Fingerprint)
	}

	other := t.TempDir()
	if _, err := central.LoadCertificate(other, "", "", nil); err != nil {
		t.Fatal(err)
	}
	damaged := t.TempDir()
	os.WriteFile(filepath.Join(damaged, central.CertFile), []byte("not a certificate"), 0o600)
	os.WriteFile(filepath.Join(damaged, central.KeyFile), []byte("not a key"), 0o600)

	// Bad input is refused and changes nothing: a damaged certificate is
	// never replaced by a new one, which would lock out every device.
	for name, tc := range map[string]struct {
		dir, cert, key string
		wantKey        string
	}{
		"CertWithoutKey": {cert: filepath.Join(dir, central.CertFile), wantKey: "central.tls_pair"},
		"KeyWithoutCert": {key: filepath.Join(dir, central.KeyFile), wantKey: "central.tls_pair"},
		"Mismatched":     {cert: filepath.Join(dir, central.CertFile), key: filepath.Join(other, central.KeyFile), wantKey: "central.tls_load"},
		"Missing":        {cert: filepath.Join(dir, "nope.pem"), key: filepath.Join(dir, "nope.key"), wantKey: "central.tls_load"},
		"Damaged":        {dir: damaged, wantKey: "central.tls_load"},
		"NoDir":          {wantKey: "central.tls_no_dir"},
	} {
		t.Run(name, func(t *testing.T) {
			before := dirFiles(t, dir, other, damaged)
			_, err := central.LoadCertificate(tc.dir, tc.cert, tc.key, nil)
			if errKey(err) != tc.wantKey {
				t.Fatalf("error %v, want key %s", err, tc.wantKey)
			}
			if after := dirFiles(t, dir, other, damaged); after != before {
				t.Fatalf("files changed:\n%s\n%s", before, after)
			}
		})
	}

	// A given certificate is served as it is.
	otherFP := dirFiles(t, other)
	given, err := central.LoadCertificate("", filepath.Join(other, central.CertFile), filepath.Join(other, central.KeyFile), nil)
	if err != nil || given.Fingerprint == first.Fingerprint || dirFiles(t, other) != otherFP {
		t.Fatalf("given certificate: %v, fingerprint %s", err, given.Fingerprint)
	}
}

func slicesHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// dirFiles lists the files of dirs with their contents' length and mode.
func dirFiles(t *testing.T, dirs ...string) string {
	t.Helper()
	var b strings.Builder
	for _, d := range dirs {
		es, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			raw, _ := os.ReadFile(filepath.Join(d, e.Name()))
			info, _ := e.Info()
			b.WriteString(filepath.Join(d, e.Name()) + " " + info.Mode().String() + " " + string(raw) + "\n")
		}
	}
	return b.String()
}

// tlsService is the central service served over TLS on loopback with a
// certificate it made itself, as `central -data DIR` runs it.
type tlsService struct {
	db    *central.DB
	url   string
	fp    string
	admin string
}

func startTLSService(t *testing.T) *tlsService {
	t.Helper()
	dir := t.TempDir()
	db, err := central.OpenDB(t.Context(), central.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.LoadDataset(t.Context(), httpT1, httpWorldT1(time.Now().UTC())); err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreateAdminToken(t.Context(), httpT1, "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := central.LoadCertificate(dir, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &tlsService{db: db, url: "https://" + ln.Addr().String(), fp: cert.Fingerprint, admin: admin}
	srv := central.NewServer(db, nil)
	srv.PublicURL, srv.Fingerprint = s.url, cert.Fingerprint
	// The server's TLS errors (a refused handshake) are expected here.
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(tls.NewListener(ln, cert.TLSConfig())) }()
	t.Cleanup(func() {
		hs.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return s
}

// pairing asks for a pairing code over TLS, as `central admin pair`
// does, and returns the code and the fingerprint its QR Code carries.
func (s *tlsService) pairing(t *testing.T, tech app.TechnicianID) (code, fp string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+"/v1/admin/pairings", strings.NewReader(`{"technician":"`+string(tech)+`"}`))
	req.Header.Set("Authorization", "Bearer "+s.admin)
	res, err := fbsync.Link{Fingerprint: s.fp}.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var pr central.PairingResponse
	if err := jsonDecode(res, &pr); err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(pr.URI, "fieldbench:pair?"))
	if err != nil || q.Get("server") != s.url || q.Get("code") != pr.Code || pr.Fingerprint != s.fp {
		t.Fatalf("pairing URI %q (fingerprint %q) for server %s, fingerprint %s", pr.URI, pr.Fingerprint, s.url, s.fp)
	}
	return pr.Code, q.Get("fp")
}

func jsonDecode(res *http.Response, out any) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return errors.New(res.Status + ": " + buf.String())
	}
	return json.Unmarshal(buf.Bytes(), out)
}

// TestTLSPinnedFingerprint: the real sync client pairs and syncs with the
// real service over TLS when it pins the fingerprint from the pairing QR
// Code, and refuses a certificate with another fingerprint (or none
// pinned, for a self-signed one) before sending anything: the pairing
// code is still unused afterwards.
func TestTLSPinnedFingerprint(t *testing.T) {
	s := startTLSService(t)
	code, fp := s.pairing(t, httpTechA)
	if fp != s.fp {
		t.Fatalf("QR fingerprint %q, want %q", fp, s.fp)
	}
	wrong := strings.Repeat("0", 64)
	for name, tc := range map[string]struct {
		link    fbsync.Link
		wantKey string
	}{
		"WrongFingerprint": {link: fbsync.Link{Fingerprint: wrong}, wantKey: "sync.fingerprint_mismatch"},
		// Without a pin the system's CAs decide, and none signed it.
		"NoPinSelfSigned": {link: fbsync.Link{}, wantKey: "sync.untrusted_certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			c := &fbsync.Client{BaseURL: s.url, HTTP: tc.link.HTTPClient()}
			_, err := c.Pair(t.Context(), code, "tablet")
			if errKey(err) != tc.wantKey {
				t.Fatalf("error %v, want key %s", err, tc.wantKey)
			}
		})
	}
	c := &fbsync.Client{BaseURL: s.url, HTTP: fbsync.Link{Fingerprint: fp}.HTTPClient()}
	pr, err := c.Pair(t.Context(), code, "tablet")
	if err != nil {
		t.Fatalf("the refused attempts burnt the code, or the pin fails: %v", err)
	}
	c.Token = pr.Token
	resp, err := c.Sync(t.Context(), &fbsync.Request{Protocol: fbsync.ProtocolVersion})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Data == nil || len(resp.Data.Tickets) != 2 {
		t.Fatalf("pulled over TLS: %+v", resp.Data)
	}
	// A new connection resumes the TLS session, and the pin still holds.
	c.HTTP.CloseIdleConnections()
	if _, err := c.Sync(t.Context(), &fbsync.Request{Protocol: fbsync.ProtocolVersion, Cursor: resp.Cursor, Epoch: resp.Epoch}); err != nil {
		t.Fatalf("sync on a resumed session: %v", err)
	}
	// The same token with a wrong pin sends nothing.
	bad := &fbsync.Client{BaseURL: s.url, Token: pr.Token, HTTP: fbsync.Link{Fingerprint: wrong}.HTTPClient()}
	if _, err := bad.Sync(t.Context(), &fbsync.Request{Protocol: fbsync.ProtocolVersion}); errKey(err) != "sync.fingerprint_mismatch" || app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("sync with a wrong pin: %v", err)
	}
}

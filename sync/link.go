package sync

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Link is how the device reaches its central service. Self-hosted
// providers often have no certificate from a public CA, so the pairing QR
// Code carries the SHA-256 of the service's certificate and the device
// pins it: a connection whose certificate has another fingerprint is
// refused, whoever signed it. Without a fingerprint the system's CAs
// decide, as for any HTTPS site.
//
// Bearer tokens must not cross mobile links in clear: plain http:// is
// refused except to a loopback address (the embedded demo service) or
// with AllowPlainHTTP (the app's -insecure-http flag).
type Link struct {
	// Fingerprint is the pinned certificate's SHA-256, lower-case hex
	// (CertFingerprint); "" verifies against the system's CAs.
	Fingerprint string
	// AllowPlainHTTP lets http:// reach other hosts than loopback.
	AllowPlainHTTP bool
}

// CertFingerprint is the fingerprint a Link pins: the SHA-256 of the
// certificate's DER bytes, lower-case hex, as `openssl x509 -fingerprint
// -sha256` prints it without the colons.
func CertFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// NormalizeFingerprint accepts a fingerprint as people copy it (any case,
// with colons or spaces, as openssl prints it) and returns the form Link
// pins. "" stays "".
func NormalizeFingerprint(fp string) (string, error) {
	fp = strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(fp)))
	if fp != "" && !app.ValidSHA256(fp) {
		return "", app.Errorf(app.EINVALID, "sync.bad_fingerprint", "The certificate fingerprint must be 64 hexadecimal digits (a SHA-256). Copy it again from the pairing page or scan the pairing QR Code.")
	}
	return fp, nil
}

var errPlainHTTP = app.Errorf(app.EFORBIDDEN, "sync.plain_http", "The server's address starts with http://, which would send your credentials unencrypted. Use its https:// address, or start the app with -insecure-http on a network you trust.")

var errFingerprint = app.Errorf(app.EFORBIDDEN, "sync.fingerprint_mismatch", "The server's certificate is not the one this device was paired with: the connection may be intercepted. Nothing was sent. Ask your administrator; if the server's certificate was replaced, pair this device again.")

// HTTPClient returns a client that enforces the link, over a clone of
// http.DefaultTransport (proxies, HTTP/2, idle connections).
func (l Link) HTTPClient() *http.Client {
	return &http.Client{Transport: l.Transport(http.DefaultTransport.(*http.Transport).Clone())}
}

// Transport enforces the link over base, whose TLS settings it replaces
// when a fingerprint is pinned.
func (l Link) Transport(base *http.Transport) http.RoundTripper {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Resuming a session spares the certificate on the next
		// connection, after an idle one closed (440 B less per
		// connection). Go's default key exchange, X25519 with ML-KEM,
		// stays: restricting it to X25519 would save 2.3 KB per
		// connection, at the cost of post-quantum protection of recorded
		// traffic (docs/BENCHMARKS.md).
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
	}
	if l.Fingerprint != "" {
		want := l.Fingerprint
		// The pin replaces the CA chain and the host name check: the
		// certificate is self-signed and the device may reach the
		// service by an address the certificate does not name.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || CertFingerprint(cs.PeerCertificates[0].Raw) != want {
				return errFingerprint
			}
			return nil
		}
	}
	base.TLSClientConfig = cfg
	// A handshake takes two round trips, a second or more each on 2G:
	// net/http's default 10 s is too tight there, and none is too loose.
	base.TLSHandshakeTimeout = 30 * time.Second
	return &linkTransport{base: base, allowPlain: l.AllowPlainHTTP}
}

// linkTransport refuses plain HTTP before anything is sent, redirects
// included.
type linkTransport struct {
	base       http.RoundTripper
	allowPlain bool
}

func (t *linkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !t.allowPlain && !IsLoopback(req.URL.Hostname()) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errPlainHTTP
	}
	return t.base.RoundTrip(req)
}

// IsLoopback reports whether host (a name or an IP, without port) is this
// machine: plain HTTP to it never crosses a network.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var errUntrusted = app.Errorf(app.EFORBIDDEN, "sync.untrusted_certificate", "This device does not trust the server's certificate (self-signed, expired, or made for another address). Nothing was sent. Pair by scanning the pairing QR Code, which carries the certificate's fingerprint, or ask your administrator.")

// linkError returns the *app.Error a Link's transport refused a request
// with (plain HTTP, a wrong or untrusted certificate), which net/http and
// crypto/tls wrap; nil for any other failure. These need a person, not a
// retry.
func linkError(err error) error {
	for _, want := range []*app.Error{errPlainHTTP, errFingerprint} {
		if errors.Is(err, want) {
			return want.WithCause(err)
		}
	}
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) {
		return errUntrusted.WithCause(err)
	}
	return nil
}

// defaultHTTP is the client of a Client or PhotoUploader given none: the
// system's CAs, and no plain HTTP beyond loopback.
var defaultHTTP = Link{}.HTTPClient()

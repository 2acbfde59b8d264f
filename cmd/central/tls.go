package main

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"flag"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// tlsFlags choose how the service speaks TLS.
type tlsFlags struct {
	cert, key string
	plain     bool
}

func (f *tlsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cert, "tls-cert", "", "PEM certificate to serve (default: DIR/"+central.CertFile+", made on the first start)")
	fs.StringVar(&f.key, "tls-key", "", "PEM private key of -tls-cert (default: DIR/"+central.KeyFile+")")
	fs.BoolVar(&f.plain, "plain-http", false, "serve plain HTTP, behind a proxy that speaks TLS to the devices")
}

// listen wraps ln in TLS with the service's certificate and tells srv the
// fingerprint for pairing QR Codes; it returns the URL scheme served.
// public is the -public-url, whose host the generated certificate names.
func (f *tlsFlags) listen(ln net.Listener, dir, public string, srv *central.Server) (net.Listener, string, error) {
	if f.plain {
		if f.cert != "" || f.key != "" {
			return nil, "", app.Errorf(app.EINVALID, "central.tls_plain", "-plain-http serves no certificate: drop -tls-cert and -tls-key, or -plain-http.")
		}
		return ln, "http", nil
	}
	var hosts []string
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, host)
		}
	}
	if u, err := url.Parse(public); err == nil && u.Hostname() != "" {
		hosts = append(hosts, u.Hostname())
	}
	cert, err := central.LoadCertificate(dir, f.cert, f.key, hosts)
	if err != nil {
		return nil, "", err
	}
	srv.Fingerprint = cert.Fingerprint
	return tls.NewListener(ln, cert.TLSConfig()), "https", nil
}

// pinOf returns the fingerprint of the certificate the service made in
// dir, "" when it made none there (it serves a given one, or plain HTTP).
func pinOf(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, central.CertFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", app.Errorf(app.EINVALID, "central.tls_load", "Cannot use the certificate {{.Cert}} with the key {{.Key}}: {{.Detail}}. Give a PEM certificate and its private key.",
			"Cert", filepath.Join(dir, central.CertFile), "Key", filepath.Join(dir, central.KeyFile), "Detail", "no PEM certificate")
	}
	return fbsync.CertFingerprint(block.Bytes), nil
}

package central

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// Files of the certificate the service makes itself, in its data
// directory.
const (
	CertFile = "tls-cert.pem"
	KeyFile  = "tls-key.pem"
)

// certValidity is how long a generated certificate is valid. Devices pin
// it by fingerprint and do not look at its dates; a long life spares
// re-pairing every device when it would expire.
const certValidity = 20 * 365 * 24 * time.Hour

// Certificate is the service's TLS certificate and the fingerprint that
// pairing QR Codes carry (fbsync.CertFingerprint of its leaf).
type Certificate struct {
	TLS         tls.Certificate
	Fingerprint string
}

// LoadCertificate reads the service's certificate: certFile and keyFile
// when given (PEM, as from a CA or an ACME client), else DIR/tls-cert.pem
// and DIR/tls-key.pem, which are created on the first start (ECDSA P-256,
// self-signed, naming hosts, written 0600). A damaged or mismatched pair
// is refused rather than replaced: a new certificate would lock out every
// device that pinned the old one.
func LoadCertificate(dir, certFile, keyFile string, hosts []string) (Certificate, error) {
	if (certFile == "") != (keyFile == "") {
		return Certificate{}, app.Errorf(app.EINVALID, "central.tls_pair", "Give both -tls-cert and -tls-key, or neither (the service then makes its own certificate).")
	}
	if certFile == "" {
		if dir == "" {
			return Certificate{}, app.Errorf(app.EINVALID, "central.tls_no_dir", "The service needs -data to keep its own certificate, or -tls-cert and -tls-key, or -plain-http behind a proxy that speaks TLS.")
		}
		certFile, keyFile = filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
		_, err := os.Stat(certFile)
		if errors.Is(err, fs.ErrNotExist) {
			if err := generateCertificate(certFile, keyFile, hosts); err != nil {
				return Certificate{}, app.Errorf(app.EINTERNAL, "central.tls_generate", "Cannot write a certificate into {{.Dir}}. Check the folder's permissions.", "Dir", dir).WithCause(err)
			}
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return Certificate{}, app.Errorf(app.EINVALID, "central.tls_load", "Cannot use the certificate {{.Cert}} with the key {{.Key}}: {{.Detail}}. Give a PEM certificate and its private key.", "Cert", certFile, "Key", keyFile, "Detail", err.Error()).WithCause(err)
	}
	return Certificate{TLS: pair, Fingerprint: fbsync.CertFingerprint(pair.Certificate[0])}, nil
}

// generateCertificate writes a new self-signed certificate and its key.
// The key is written first and the certificate last, each through a
// temporary file: a certificate file exists only with its key beside it.
func generateCertificate(certFile, keyFile string, hosts []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"Fieldbench central service"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, hosts...) {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := app.WriteFileAtomic(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})); err != nil {
		return err
	}
	return app.WriteFileAtomic(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TLSConfig serves the certificate: TLS 1.2 at least, HTTP/2 offered.
func (c Certificate) TLSConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.TLS}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
}

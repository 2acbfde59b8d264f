package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/fieldbench/fieldbench/app"
)

// Bounds of a request body the CSRF check reads: forms are small; a
// multipart form (a CSV import) may carry a file.
const (
	maxFormBytes      = 1 << 20
	maxMultipartBytes = 32 << 20
	multipartMemory   = 8 << 20 // parts beyond this go to temporary files
)

var errCSRF = app.Errorf(app.EFORBIDDEN, "console.csrf", "This form has expired or did not come from the console. Go back, reload the page and try again.")

// checkCSRF refuses a state-changing request that did not come from a
// console page: one the browser marks as cross-site (Sec-Fetch-Site) or
// from another origin (Origin), or one without the session's token, in
// the form field "csrf" or the header X-CSRF-Token, as a page carries it
// (maskCSRF), compared in constant time. It bounds the body (1 MiB, a multipart form 32 MiB) and parses the
// form, so handlers read r.PostFormValue as usual.
func (c *Console) checkCSRF(w http.ResponseWriter, r *http.Request, s *Session) error {
	if !sameOrigin(r) {
		return errCSRF
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	multipart := ct == "multipart/form-data"
	if multipart {
		r.Body = http.MaxBytesReader(w, r.Body, maxMultipartBytes)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		var err error
		if multipart {
			err = r.ParseMultipartForm(multipartMemory)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return formError(err)
		}
		token = r.PostFormValue("csrf")
	}
	if token = unmaskCSRF(token); token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
		return errCSRF
	}
	return nil
}

// maxMaskedCSRF bounds the masked token a request may carry: a session's
// token is 43 characters (32 random bytes), masked 86.
const maxMaskedCSRF = 256

// maskCSRF returns the session's token as a page carries it: a fresh
// random pad and the token XORed with it, base64url. Every page then
// carries different bytes for the same secret, so compressed pages
// (newGzip) do not tell a BREACH-style guess how much of it matched what
// the attacker made the page reflect.
func maskCSRF(token string) string {
	t := []byte(token)
	b := make([]byte, 2*len(t))
	_, _ = rand.Read(b[:len(t)]) // crypto/rand.Read never fails
	for i, c := range t {
		b[len(t)+i] = b[i] ^ c
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// unmaskCSRF gives back the token maskCSRF masked, or "" for anything
// that is not a masked token.
func unmaskCSRF(masked string) string {
	if len(masked) > maxMaskedCSRF {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(masked)
	if err != nil || len(b) == 0 || len(b)%2 != 0 {
		return ""
	}
	n := len(b) / 2
	for i := range n {
		b[n+i] ^= b[i]
	}
	return string(b[n:])
}

func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return app.Errorf(app.EINVALID, "console.bad_form", "The form could not be read. Reload the page and try again.").WithCause(err)
}

// sameOrigin reports whether a request comes from a page of this host, as
// far as the browser tells: Sec-Fetch-Site "same-origin" (or "none", typed
// by the user), else an Origin naming this host. A request with neither
// header (an old browser, a script) is left to the token.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	gosync "sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Sign-in throttle per client address, on top of the per-account lockout
// (central.ConsoleMaxFailures): one address gets signinBurst attempts and
// then one every signinEvery, so it cannot try one password on many
// logins. An attempt takes its token before it is checked and a sign-in
// that succeeds gives it back. Addresses are kept in memory, per instance, at most
// signinSources: past that every new address waits (fails closed).
const (
	signinBurst   = 20
	signinEvery   = 10 * time.Second
	signinSources = 10000
)

type throttle struct {
	now     func() time.Time
	mu      gosync.Mutex // protects buckets
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, buckets: map[string]*bucket{}}
}

// allow takes an attempt for src, or refuses with how long to wait.
func (t *throttle) allow(src string) error {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[src]
	if !ok {
		if len(t.buckets) >= signinSources {
			for k, b := range t.buckets {
				if b.tokens+now.Sub(b.at).Seconds()/signinEvery.Seconds() >= signinBurst {
					delete(t.buckets, k)
				}
			}
		}
		if len(t.buckets) >= signinSources {
			return errSigninThrottled(signinEvery)
		}
		b = &bucket{tokens: signinBurst, at: now}
		t.buckets[src] = b
	}
	b.tokens = min(signinBurst, b.tokens+now.Sub(b.at).Seconds()/signinEvery.Seconds())
	b.at = now
	if b.tokens < 1 {
		return errSigninThrottled(time.Duration((1 - b.tokens) * float64(signinEvery)))
	}
	b.tokens--
	return nil
}

// refund gives back the attempt of a sign-in that succeeded: an office
// signing in from behind one address is not slowed down.
func (t *throttle) refund(src string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.buckets[src]; ok {
		b.tokens = min(signinBurst, b.tokens+1)
	}
}

func errSigninThrottled(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return app.Errorf(app.ETHROTTLED, "console.signin.throttled", "Too many sign-in attempts from this network. Wait {{.Seconds}} seconds and try again.", "Seconds", max(secs, 1))
}

// clientAddr is the peer's IP. Behind a proxy all share the proxy's:
// X-Forwarded-For is not trusted, as any client can set it.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// signinCookie holds the sign-in form's token: the form is posted before
// there is a session, so the token is tied to the browser by this cookie
// instead (no one can sign a victim in to the attacker's account).
const signinCookie = "fb_signin"

// signinPage is the sign-in page's data.
type signinPage struct {
	Login, Next, Token string
	Error              string
}

// localNext returns next when it is a path on this site, else "/board":
// the sign-in never redirects elsewhere.
func localNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") || len(next) > 2000 {
		return "/board"
	}
	return next
}

// showSignIn shows the sign-in form, also to a browser with a session:
// signing in as someone else replaces it.
func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request) error {
	return c.signinForm(w, r, http.StatusOK, signinPage{Next: localNext(r.URL.Query().Get("next"))})
}

// signinForm renders the sign-in form with a fresh form token.
func (c *Console) signinForm(w http.ResponseWriter, r *http.Request, status int, p signinPage) error {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	p.Token = base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: p.Token, Path: "/signin", MaxAge: 3600, HttpOnly: true, Secure: c.opt.Secure, SameSite: http.SameSiteStrictMode})
	cat := translations.For(acceptLanguage(r.Header.Get("Accept-Language")))
	return c.renderAs(w, r, nil, cat, status, "signin", p)
}

// signIn checks a login and password and starts a new session. The
// session ID is always a fresh one: a cookie the browser brought (perhaps
// planted) is never promoted to a session (fixation).
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	cat := translations.For(acceptLanguage(r.Header.Get("Accept-Language")))
	p := signinPage{Login: strings.TrimSpace(r.PostFormValue("login")), Next: localNext(r.PostFormValue("next"))}
	ck, err := r.Cookie(signinCookie)
	if !sameOrigin(r) || err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		p.Error = cat.Text("console.signin.expired", "The sign-in form expired. Type your login and password again.", nil)
		return c.signinForm(w, r, http.StatusForbidden, p)
	}
	if err := c.signin.allow(clientAddr(r)); err != nil {
		e := app.AsError(err)
		p.Error = appErrorText(cat, e)
		return c.signinForm(w, r, http.StatusTooManyRequests, p)
	}
	u, err := c.db.CheckConsolePassword(r.Context(), p.Login, r.PostFormValue("password"))
	if err != nil {
		if app.ErrorCode(err) != app.EUNAUTHORIZED && app.ErrorCode(err) != app.ETHROTTLED {
			return err
		}
		e := app.AsError(err)
		p.Error = appErrorText(cat, e)
		return c.signinForm(w, r, central.HTTPStatus(err), p)
	}
	c.signin.refund(clientAddr(r))
	if !Role(u.Role).Valid() {
		return app.Errorf(app.EINTERNAL, "console.user.bad_role", "This account has no valid role; ask an administrator to set it again.")
	}
	if old, err := r.Cookie(c.cookieName()); err == nil && old.Value != "" && len(old.Value) <= 100 {
		if err := c.db.DeleteConsoleSession(r.Context(), old.Value); err != nil {
			return err
		}
	}
	id, _, err := c.db.CreateConsoleSession(r.Context(), u.Tenant, u.Login)
	if err != nil {
		return err
	}
	c.setSessionCookie(w, id)
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: c.opt.Secure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

// signOut ends the session on the server and in the browser.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *Session) error {
	if err := c.db.DeleteConsoleSession(r.Context(), s.id); err != nil {
		return err
	}
	c.clearSessionCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// setLanguage stores the language the user chose and returns to the page
// they were on.
func (c *Console) setLanguage(w http.ResponseWriter, r *http.Request, s *Session) error {
	lang := r.PostFormValue("lang")
	ok := false
	for _, l := range translations.Languages() {
		ok = ok || l == lang
	}
	if !ok {
		return app.Errorf(app.EINVALID, "console.user.language", "Choose one of the offered languages.")
	}
	if err := c.db.SetConsoleLanguage(r.Context(), s.Tenant, s.Login, lang); err != nil {
		return err
	}
	http.Redirect(w, r, localNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

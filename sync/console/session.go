package console

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// touchEvery is how stale a session's last use may get before a request
// writes it again: the idle timeout needs minutes, not every request.
const touchEvery = time.Minute

// cookieName is the session cookie's name. Over TLS it takes the
// "__Host-" prefix: browsers then accept it only Secure, for Path=/ and
// without a Domain, so no other site or subdomain can set or shadow it.
func (c *Console) cookieName() string {
	if c.opt.Secure {
		return "__Host-fb_console"
	}
	return "fb_console"
}

// setSessionCookie gives the browser a session ID. It lives as long as the
// session may (central.ConsoleSessionMax); the server ends it sooner when
// idle.
func (c *Console) setSessionCookie(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: id, Path: "/", MaxAge: int(central.ConsoleSessionMax / time.Second),
		HttpOnly: true, Secure: c.opt.Secure, SameSite: http.SameSiteLaxMode})
}

func (c *Console) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.opt.Secure, SameSite: http.SameSiteLaxMode})
}

// session returns the request's live session, EUNAUTHORIZED without one.
// An ended session's cookie is cleared.
func (c *Console) session(w http.ResponseWriter, r *http.Request) (*Session, error) {
	ck, err := r.Cookie(c.cookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil, central.ErrConsoleSession
	}
	cs, u, err := c.db.LookupConsoleSession(r.Context(), ck.Value)
	if err != nil {
		if app.ErrorCode(err) == app.EUNAUTHORIZED {
			c.clearSessionCookie(w)
		}
		return nil, err
	}
	if c.opt.Now().Sub(cs.LastSeen) >= touchEvery {
		if err := c.db.TouchConsoleSession(r.Context(), ck.Value); err != nil {
			return nil, err
		}
	}
	return newSession(r, ck.Value, cs, u), nil
}

// newSession is the Session of a live session and its user: in the user's
// language, else the browser's.
func newSession(r *http.Request, id string, cs central.ConsoleSession, u central.ConsoleUser) *Session {
	lang := u.Language
	if lang == "" {
		lang = acceptLanguage(r.Header.Get("Accept-Language"))
	}
	return &Session{Tenant: cs.Tenant, Login: u.Login, Name: u.Name, Role: Role(u.Role), Store: u.Store, Lang: lang, CSRF: cs.CSRF,
		T: translations.For(lang), Zone: zoneOf(cs.Zone), id: id, flash: cs.Flash}
}

// optionalSession is the request's session when there is a live one, for
// pages anyone may see (the error page shows the navigation to those
// signed in); it never writes.
func (c *Console) optionalSession(r *http.Request) *Session {
	ck, err := r.Cookie(c.cookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil
	}
	cs, u, err := c.db.LookupConsoleSession(r.Context(), ck.Value)
	if err != nil {
		return nil
	}
	s := newSession(r, ck.Value, cs, u)
	s.flash = "" // kept for the next page that shows it
	return s
}

// acceptLanguage returns the browser's preferred language that the
// console speaks (Accept-Language, by weight), else the fallback.
func acceptLanguage(h string) string {
	type tag struct {
		name string
		q    float64
	}
	var tags []tag
	for i, part := range strings.Split(h, ",") {
		if i >= 20 {
			break // bounds the work on a hostile header
		}
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if name != "" && name != "*" && q > 0 {
			tags = append(tags, tag{name, q})
		}
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	for _, t := range tags {
		m := translations.Match(t.name)
		if m != translations.Fallback || strings.EqualFold(strings.SplitN(t.name, "-", 2)[0], translations.Fallback) {
			return m
		}
	}
	return translations.Fallback
}

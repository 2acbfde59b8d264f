package console

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// routed is one route and the permission it needs.
type routed struct {
	pattern string
	perm    perm
}

// handler is a console page or action. It returns an error rather than
// answering one: route renders it as the translated error page with the
// status of its code.
type handler func(w http.ResponseWriter, r *http.Request, s *Session) error

// route serves pattern (a http.ServeMux pattern with its method) to
// signed-in users whose role has permission p. In order it: finds the
// session from the cookie (none: a redirect to the sign-in page, which
// comes back here); refuses a role without p (403); on any method but
// GET and HEAD checks the request comes from the console itself (CSRF,
// 403); then runs h, rendering its error.
func (c *Console) route(pattern string, p perm, h handler) {
	c.routed = append(c.routed, routed{pattern, p})
	if method, path, ok := cutMethod(pattern); ok && method == http.MethodGet {
		c.paths[path] = true
	}
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		var s *Session
		defer func() {
			if v := recover(); v != nil { // a bug: logged with the request ID, answered 500
				c.fail(w, r, s, fmt.Errorf("panic: %v", v))
			}
		}()
		s, err := c.session(w, r)
		if app.ErrorCode(err) == app.EUNAUTHORIZED {
			c.toSignIn(w, r)
			return
		} else if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		if !s.Role.may(p) {
			c.fail(w, r, s, errForbidden)
			return
		}
		if !safeMethod(r.Method) {
			if err := c.checkCSRF(w, r, s); err != nil {
				c.fail(w, r, s, err)
				return
			}
		}
		if err := h(w, r, s); err != nil {
			c.fail(w, r, s, err)
		}
	})
}

// public serves pattern to anyone: the sign-in page, static files and the
// console's 404.
func (c *Console) public(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			c.fail(w, r, c.optionalSession(r), err)
		}
	})
}

func cutMethod(pattern string) (method, path string, ok bool) {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == ' ' {
			return pattern[:i], pattern[i+1:], true
		}
	}
	return "", pattern, false
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// toSignIn sends a visitor without a session to the sign-in page; after
// it a GET comes back to where it was going.
func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/signin"
	if safeMethod(r.Method) && r.URL.RequestURI() != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// errPage is the error page's data.
type errPage struct {
	Status    int
	Message   string
	RequestID string // 5xx only: quoted to the administrator, who finds it in the log
}

// fail answers err as the translated error page with the status of its
// code. A server failure is logged with the request ID and its cause; the
// page shows a generic message and the ID. s may be nil (no session).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *Session, err error) {
	status := central.HTTPStatus(err)
	p := errPage{Status: status}
	cat := translations.For(acceptLanguage(r.Header.Get("Accept-Language")))
	if s != nil {
		cat = s.T
	}
	if status >= 500 {
		p.RequestID = requestID(r)
		c.log.Error("console request failed", "request", p.RequestID, "method", r.Method, "path", r.URL.Path, "err", err)
		p.Message = cat.Text("console.error.internal", "Something went wrong on the server. Try again; if it persists, give your administrator the request ID below.", nil)
	} else if status == http.StatusRequestEntityTooLarge {
		p.Message = cat.Text("console.error.too_large", "What you sent is too large. Send a smaller file or fewer rows.", nil)
	} else {
		e := app.AsError(err)
		p.Message = appErrorText(cat, e)
	}
	if rerr := c.renderAs(w, r, s, cat, status, "error", p); rerr != nil {
		c.log.Error("console error page failed", "request", requestID(r), "err", rerr)
		http.Error(w, p.Message, status)
	}
}

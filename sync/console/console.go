package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Options configure a Console.
type Options struct {
	// Secure says the console is served over TLS: the session cookie is
	// then Secure and named with the "__Host-" prefix, which browsers
	// accept only from a secure origin, for the whole host.
	Secure bool
	// Now is the clock of the console's own decisions (throttles, shown
	// times); default time.Now. Session expiry follows the database's clock.
	Now func() time.Time
	// Log receives server failures (5xx), each with its request ID; default
	// slog.Default().
	Log *slog.Logger
	// PublicURL is the service's address put into pairing QR Codes, as
	// central.Server.PublicURL; "" takes the address the browser used.
	PublicURL string
	// Fingerprint is the SHA-256 of the service's TLS certificate, put
	// into pairing QR Codes for the device to pin, as
	// central.Server.Fingerprint; "" when a public CA vouches for it.
	Fingerprint string
}

// Console is the office console, an http.Handler to mount at the service's
// root.
type Console struct {
	db  *central.DB
	opt Options
	log *slog.Logger
	mux *http.ServeMux
	// gzip wraps mux: pages compressed for browsers that accept gzip
	// (newGzip).
	gzip   http.Handler
	paths  map[string]bool // the GET paths routed, for the navigation
	routed []routed        // every c.route, for the authorization matrix test
	pages  map[string]*pageTemplate
	static map[string]staticFile
	signin *throttle
	// closing ends the open event streams when the server shuts down
	// (Close): a stream would otherwise hold the shutdown for its life.
	closing   chan struct{}
	closeOnce sync.Once
}

// Close ends the console's open event streams; cmd/central calls it when
// the HTTP server shuts down (http.Server.RegisterOnShutdown). Pages keep
// being served until the server stops.
func (c *Console) Close() {
	c.closeOnce.Do(func() { close(c.closing) })
}

// New returns the console over db.
func New(db *central.DB, opt Options) (*Console, error) {
	if db == nil {
		return nil, errors.New("console: no database")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	c := &Console{db: db, opt: opt, log: opt.Log, mux: http.NewServeMux(), paths: map[string]bool{}, signin: newThrottle(opt.Now), closing: make(chan struct{})}
	var err error
	if c.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if c.pages, err = c.loadPages(); err != nil {
		return nil, err
	}
	c.routes()
	if c.gzip, err = newGzip(c.mux); err != nil {
		return nil, err
	}
	return c, nil
}

// requestIDKey keys the request ID in a request's context.
type requestIDKey struct{}

// ServeHTTP answers every console request: it gives the request an ID
// (logged with failures, shown on the error page), sets the security
// headers and dispatches to the routes.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	h := w.Header()
	h.Set("X-Request-Id", id)
	// Scripts, styles and images only from the console itself (no inline
	// script, so an injected tag does not run); no framing (clickjacking).
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if c.opt.Secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.gzip.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// Session is a signed-in console user, as each handler sees them.
type Session struct {
	Tenant      string
	Login, Name string
	Role        Role
	Store       app.StoreID // the store manager's store, else ""
	Lang        string      // BCP 47: the user's choice, else the browser's
	CSRF        string      // the token every form and non-GET request carries, masked (maskCSRF)
	T           *translations.Catalog
	Zone        *time.Location // the tenant's time zone: every time shown or read (nil: UTC)

	id    string // the session ID, from the cookie
	flash string // the message to show once on the next page
}

// consoleActor prefixes a console user's login in the name the console
// acts under (Session.Principal): what a ticket and its conflicts record
// as who did it, and the conflicts page turns back into the user's name.
const consoleActor = app.ConsoleActor

// Principal is who the console acts as for central.DB.ApplyAdmin: the
// tenant's dispatch, named after the console user so that the ticket's
// history and conflicts say who did it.
func (s *Session) Principal() central.Principal {
	return central.Principal{Tenant: s.Tenant, Role: app.RoleDispatcher, Name: consoleActor + s.Login}
}

// sees reports whether the session may see a ticket: all of its tenant's
// (the database reads only those), or a store manager's store's.
func (s *Session) sees(t app.Ticket) bool {
	return s.Role != RoleStoreManager || t.Store == s.Store
}

// errNoTicket is the answer for a ticket that is missing or outside the
// session's scope alike, so that a refusal never reveals that it exists.
func errNoTicket(id app.TicketID) error {
	return app.Errorf(app.ENOTFOUND, "console.ticket.not_found", "There is no ticket {{.ID}} here. Check the number, or look for it on the board.", "ID", string(id))
}

// ticket returns a ticket the session may see, else ENOTFOUND.
func (c *Console) ticket(ctx context.Context, s *Session, id app.TicketID) (app.TicketDetail, error) {
	d, err := c.db.TicketDetail(ctx, s.Tenant, id)
	if app.ErrorCode(err) == app.ENOTFOUND || (err == nil && !s.sees(d.Ticket)) {
		return app.TicketDetail{}, errNoTicket(id)
	}
	return d, err
}

// ticketsByNumber returns the IDs of the tickets numbered number that
// the session may see. A number outside the session's scope is not found,
// as by ID (errNoTicket), so that it never reveals the ticket exists.
// Numbers are made on the devices: two tickets may share one.
func (c *Console) ticketsByNumber(ctx context.Context, s *Session, number string) ([]app.TicketID, error) {
	ids, err := c.db.TicketsByNumber(ctx, s.Tenant, number)
	if err != nil {
		return nil, err
	}
	var out []app.TicketID
	for _, id := range ids {
		if _, err := c.ticket(ctx, s, id); err == nil {
			out = append(out, id)
		} else if app.ErrorCode(err) != app.ENOTFOUND {
			return nil, err
		}
	}
	return out, nil
}

// tickets lists the tickets the session may see.
func (c *Console) tickets(ctx context.Context, s *Session) ([]app.Ticket, error) {
	all, err := c.db.Tickets(ctx, s.Tenant, "")
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if s.sees(t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// redacter is a command whose arguments hold a secret (a device passcode):
// the audit keeps its redacted copy.
type redacter interface{ Redacted() app.Command }

// maxAuditDetail bounds an audit record's detail (the mutation's arguments).
const maxAuditDetail = 4096

// apply runs a named mutation from the console as db.ApplyAdmin does, with
// the same refusals as the API, and records it in the audit. A store
// manager acts only on tickets of their store: a ticket of another store
// is refused as missing; a shipment from or to a location outside their
// store's, as missing; another mutation on no ticket (stock), and
// creating a ticket for or assigning one to another store, as forbidden.
//
// The audit record is written after the mutation commits, in the same
// request: ApplyAdmin owns its transaction. Should the audit write fail,
// the error page says so while the change stands.
func (c *Console) apply(ctx context.Context, s *Session, m app.Mutation) error {
	cmd, err := app.DecodeMutation(m)
	if err != nil {
		return err
	}
	target := app.TicketOf(cmd)
	if s.Role == RoleStoreManager {
		errStoreOnly := app.Errorf(app.EFORBIDDEN, "console.store_only", "You manage store {{.Store}}: create and change only its tickets.", "Store", string(s.Store))
		switch ct := cmd.(type) {
		case *app.CreateTicket:
			if ct.Ticket.Store != s.Store {
				return errStoreOnly
			}
		case *app.SendShipment:
			// A store manager ships between their store's locations,
			// for their store's tickets.
			if err := c.storeShipment(ctx, s, ct.Shipment); err != nil {
				return err
			}
		case *app.ReceiveShipment:
			if _, _, err := c.shipment(ctx, s, ct.Shipment); err != nil {
				return err
			}
		default:
			if target == "" {
				return errForbidden
			}
			if _, err := c.ticket(ctx, s, target); err != nil {
				return err
			}
			// An assignment sets the ticket's store: it stays the manager's.
			if a, ok := ct.(*app.AssignTicket); ok && a.Store != s.Store {
				return errStoreOnly
			}
		}
	}
	if err := c.db.ApplyAdmin(ctx, s.Principal(), m); err != nil {
		return err
	}
	if r, ok := cmd.(redacter); ok {
		cmd = r.Redacted()
	}
	detail, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	return c.audit(ctx, s, m.FullName(), string(target), string(detail))
}

// storeShipment refuses a shipment a store manager may not send: one
// from or to a location outside their store's (as missing), or with a
// line for a ticket of another store.
func (c *Console) storeShipment(ctx context.Context, s *Session, sh app.Shipment) error {
	locs, err := c.db.StoreLocations(ctx, s.Tenant, s.Store)
	if err != nil {
		return err
	}
	for _, id := range []app.LocationID{sh.From, sh.To} {
		if !slices.ContainsFunc(locs, func(l app.Location) bool { return l.ID == id }) {
			return errNoLocation(string(id))
		}
	}
	for _, l := range sh.Lines {
		if l.Ticket != "" {
			if _, err := c.ticket(ctx, s, l.Ticket); err != nil {
				return err
			}
		}
	}
	return nil
}

// audit records a change made by the session's user. detail is cut to
// maxAuditDetail bytes (at a character boundary).
func (c *Console) audit(ctx context.Context, s *Session, action, target, detail string) error {
	if len(detail) > maxAuditDetail {
		detail = detail[:maxAuditDetail]
		for !utf8.ValidString(detail) {
			detail = detail[:len(detail)-1]
		}
	}
	return c.db.RecordAudit(ctx, central.AuditRecord{Tenant: s.Tenant, Login: s.Login, Action: action, Target: target, Detail: detail})
}

var errForbidden = app.Errorf(app.EFORBIDDEN, "console.forbidden", "Your role may not do this. Ask an administrator of your console if you need it.")

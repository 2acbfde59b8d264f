package central

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Embedded is a central service running inside another program on
// loopback: `make run` pairs the demo app with one so sync works out of the
// box, and tests use it as a real server.
type Embedded struct {
	DB     *DB
	URL    string // e.g. "http://127.0.0.1:41235"
	Tenant string
	srv    *http.Server
	done   chan error
}

// StartEmbedded opens (or creates) a SQLite central service in dir, loads
// seed into tenant when the tenant has no technicians yet, and serves it
// on a free loopback port until Close.
func StartEmbedded(ctx context.Context, dir, tenant string, seed func() app.Dataset, log *slog.Logger) (*Embedded, error) {
	return StartEmbeddedWith(ctx, dir, tenant, seed, log, nil)
}

// Wrap puts more beside the service's API on the embedded server: it gets
// the database and the API's handler and returns the handler to serve.
// The demo serves the office console this way; central cannot import the
// console itself (the console builds on central).
type Wrap func(db *DB, api http.Handler) (http.Handler, error)

// StartEmbeddedWith is StartEmbedded serving wrap's handler (nil: the API
// alone).
func StartEmbeddedWith(ctx context.Context, dir, tenant string, seed func() app.Dataset, log *slog.Logger, wrap Wrap) (*Embedded, error) {
	db, err := OpenDB(ctx, Config{DataDir: dir, Log: log})
	if err != nil {
		return nil, err
	}
	e := &Embedded{DB: db, Tenant: tenant, done: make(chan error, 1)}
	var n int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM entities WHERE tenant = ? AND kind = 'technician'`), tenant).Scan(&n); err != nil {
		db.Close()
		return nil, transient(err)
	}
	if n == 0 && seed != nil {
		if err := db.LoadDataset(ctx, tenant, seed()); err != nil {
			db.Close()
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return nil, err
	}
	e.URL = "http://" + ln.Addr().String()
	s := NewServer(db, log)
	s.PublicURL = e.URL
	var h http.Handler = s
	if wrap != nil {
		if h, err = wrap(db, s); err != nil {
			ln.Close()
			db.Close()
			return nil, err
		}
	}
	e.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	// A shutdown waits for the requests under way: the app's held wait
	// for new work is answered at once instead of at its bound.
	e.srv.RegisterOnShutdown(db.EndWaits)
	go func() { e.done <- e.srv.Serve(ln) }()
	return e, nil
}

// PairingCode mints a one-time code for a technician of the embedded
// tenant.
func (e *Embedded) PairingCode(ctx context.Context, tech app.TechnicianID) (string, error) {
	code, _, err := e.DB.CreatePairing(ctx, e.Tenant, tech)
	return code, err
}

// Close stops serving and closes the database.
func (e *Embedded) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	if serr := <-e.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, e.DB.Close())
}

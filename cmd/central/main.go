// Command central is Fieldbench's central service and its admin CLI.
//
//	central -data DIR -addr 127.0.0.1:8080        serve on embedded SQLite
//	central -postgres URL -addr :8080 -data DIR   serve on PostgreSQL (photos in DIR)
//	central init -data DIR | -postgres URL        create a tenant and print an admin token
//	central backup -data DIR FILE                 copy the SQLite database while serving
//	central restore-epoch -data DIR | -postgres URL  after restoring a backup
//	central admin COMMAND ...                     talk to a running service
//	central console-user add|passwd|disable ...   the office console's users
//	central tenant zone -data DIR -tenant T [-zone NAME]  a tenant's time zone
//
// Everything but /v1/ and /healthz is the office console (sync/console),
// for people signing in with a password in a browser.
//
// On its first start with a data directory the service creates the tenant
// "default", writes an admin token named "admin" to DIR/admin-token and a
// self-signed certificate to DIR/tls-cert.pem (all mode 0600); it serves
// HTTPS and prints the certificate's SHA-256, which pairing QR Codes
// carry. The admin commands read the token from -token-file,
// $FIELDBENCH_TOKEN or DIR/admin-token (-data), and pin DIR's certificate.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	// The IANA time zones, built in: tenants' zones (the office console's
	// times) must load on a server without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/console"
	"golang.org/x/net/netutil"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// -h: the flag set has printed its flags; asking is not a failure.
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "central:", app.ErrorMessage(err))
		if e := app.AsError(err); e.Code == app.EINTERNAL && e.Err != nil {
			fmt.Fprintln(os.Stderr, "  cause:", e.Err)
		}
		os.Exit(1)
	}
}

// parseFlags parses a command's flags. A flag it does not know or a bad
// value is the operator's mistake, not an internal error: the flag set has
// printed what it takes, and the error says where to read more.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return app.Errorf(app.EINVALID, "central.flag", "{{.Err}} (central help lists the commands and their flags).", "Err", err.Error())
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return serve(ctx, args[1:], stdout, stderr)
		case "init":
			return initCmd(ctx, args[1:], stdout)
		case "restore-epoch":
			return restoreEpoch(ctx, args[1:], stdout)
		case "backup":
			return backup(ctx, args[1:], stdout)
		case "admin":
			return admin(ctx, args[1:], stdout)
		case "console-user":
			return consoleUser(ctx, args[1:], stdout)
		case "tenant":
			return tenantCmd(ctx, args[1:], stdout)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return serve(ctx, args, stdout, stderr)
}

const usage = `central: Fieldbench's central service.

  central -data DIR -addr 127.0.0.1:8080          serve (embedded SQLite in DIR)
  central -postgres URL -data DIR -addr :8080     serve on PostgreSQL
  central -data DIR -tls-cert FILE -tls-key FILE  serve a given certificate (default: DIR/tls-cert.pem, made on first start)
  central -plain-http ...                         plain HTTP, behind a proxy that speaks TLS
      serving: -max-conns N (1000) connections at once, -max-conns-per-ip N (100),
      -read-timeout D (10s) for headers and small bodies (sync 6x, imports 30x; slower: 408)
      -lease-days N: days a device may go without a complete sync before it locks its data (30)
      customer notices: -smtp-host H [-smtp-port 587] [-smtp-user U -smtp-password-file F] -smtp-from ADDR
      [-smtp-timeout 20s]; -webhook-url URL -webhook-secret-file F [-webhook-timeout 10s]; -notice-attempts N (6)
  central init -data DIR | -postgres URL [-tenant T] [-name NAME]
  central restore-epoch -data DIR | -postgres URL
  central backup -data DIR FILE                   consistent copy of a running SQLite service
  central console-user add -data DIR | -postgres URL -tenant T -login L -name N -role R [-store S]
  central console-user passwd|disable -data DIR | -postgres URL -tenant T -login L
      a user of the office console (served at the service's root); the password is read from stdin
  central tenant zone -data DIR | -postgres URL -tenant T [-zone NAME]
      the IANA time zone (such as Asia/Shanghai) the office console shows and reads times in; without -zone, print it
  central admin [-server URL] [-token-file FILE | -data DIR] [-fingerprint SHA256] [-insecure-http] COMMAND
      technician ID NAME COUNTRY [VAN] [-store STORE]
      location ID KIND NAME [OWNER] [-lead-weeks N]   (N weeks a replenishment takes to arrive, 1-26; default: the kind's)
      pair TECHNICIAN [-qr FILE.png]
      devices | revoke DEVICE
      tickets [TECHNICIAN] | ticket TICKET
      create-ticket FILE.json | assign TICKET TECHNICIAN | schedule TICKET START END | cancel TICKET REASON
      customer TICKET phone|address VALUE [-base SHOWN]
      mutate NAME[.vN] ARGS_JSON     (version 1 when not given)
      import parts|stock|rules FILE.csv
      conflicts [-all] | resolve CONFLICT accept_ours|accept_theirs|dismissed
      balances [LOCATION]
      cash [TECHNICIAN]              cash taken and not handed in, with its receipts
      cash-handover TECHNICIAN RECEIVED_BY AMOUNT CURRENCY RECEIPT...   (AMOUNT in minor units: fen, cents)
      part-requests [STATE|open] | shipments [LOCATION] | shipment ID   (the first page; decide, ship and receive with mutate)
      tokens | token-create NAME [-o FILE] | token-rotate NAME [-o FILE] | token-revoke NAME
      claims list [-brand B] [-from YYYY-MM] [-to YYYY-MM] [-state S] | claims show CLAIM
      claims submit CLAIM [-ref REF] | claims paid CLAIM AMOUNT [-ref REF] | claims reject CLAIM REASON
      claims export csv|zip FILE [-brand B] [-from YYYY-MM] [-to YYYY-MM] [-state S] [-lang L]

  TICKET is a ticket's ID or its number (FB-2026-002700).
  The admin token comes from -token-file, $FIELDBENCH_TOKEN, or DIR/admin-token.
`

type dbFlags struct {
	data, postgres string
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data directory: the SQLite database, uploaded photos and the admin token")
	fs.StringVar(&f.postgres, "postgres", os.Getenv("FIELDBENCH_POSTGRES"), "PostgreSQL connection string; the database instead of SQLite")
}

// open opens the database; log gets what the migrations at open do, so
// that a long one (minutes on a large PostgreSQL) is not taken for a hang.
func (f *dbFlags) open(ctx context.Context, log *slog.Logger) (*central.DB, error) {
	return central.OpenDB(ctx, central.Config{DataDir: f.data, Postgres: f.postgres, Log: log})
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("central", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	public := fs.String("public-url", "", "the address devices use, put into pairing QR codes (default: https://ADDR)")
	var tlsf tlsFlags
	tlsf.register(fs)
	leaseDays := fs.Int("lease-days", app.DefaultLeaseDays, "days a device may go without a complete sync before it locks its customer data")
	var lim limits
	lim.register(fs)
	var nf notifyFlags
	nf.register(fs)
	waitBound := fs.Duration("wait", central.DefaultWaitBound, "how long an idle device's wait for new work is held when nothing comes (keep it under your proxies' idle timeout)")
	maxWaits := fs.Int("max-waits", central.DefaultMaxWaits, "idle devices' waits held at once, and at most half of -max-conns (and half of -max-conns-per-ip from one address); past it a device syncs at its interval")
	likelyEvery := fs.Duration("likely-every", central.DefaultLikelyEvery, "how often to recompute every open ticket's likely parts (0: never; new tickets get theirs every minute between)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if e := *likelyEvery; e != 0 && (e < time.Minute || e > 24*time.Hour) {
		return app.Errorf(app.EINVALID, "central.likely_every", "-likely-every must be 0 (off) or between 1m and 24h, such as 15m.")
	}
	notifyCfg, err := nf.config()
	if err != nil {
		return err
	}
	if *waitBound < time.Second || *waitBound > 5*time.Minute || *maxWaits < 1 {
		return app.Errorf(app.EINVALID, "central.bad_wait", "Give -wait from 1s to 5m, such as 50s, and -max-waits of at least 1.")
	}
	if err := app.CheckLeaseDays(*leaseDays); err != nil {
		return err
	}
	if err := lim.check(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := dbf.open(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	notifyCfg.Log = log
	notifier, err := central.NewNotifier(db, notifyCfg)
	if err != nil {
		return err
	}
	if notifyCfg.SMTP == nil && notifyCfg.Webhook == nil {
		log.Warn("notices: neither -smtp-host nor -webhook-url is set: customer notices end in state no_channel")
	}
	if dbf.data != "" {
		if err := bootstrap(ctx, db, dbf.data, "default", log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return app.Errorf(app.EINVALID, "central.listen", "Cannot listen on {{.Addr}}: {{.Detail}}", "Addr", *addr, "Detail", err.Error())
	}
	srv := central.NewServer(db, log)
	// The caps count TCP connections, under TLS: net/http serves HTTP/2
	// only on a listener whose connections are *tls.Conn themselves. A
	// connection past a cap is answered with a plain-HTTP 429, which a
	// TLS client sees as a failed handshake: it retries later either way.
	ln = netutil.LimitListener(central.SourceLimitListener(ln, lim.perSource), lim.maxConns)
	tln, scheme, err := tlsf.listen(ln, dbf.data, *public, srv)
	if err != nil {
		ln.Close()
		return err
	}
	ln = tln
	srv.PublicURL, srv.LeaseDays = *public, *leaseDays
	if srv.PublicURL == "" {
		srv.PublicURL = scheme + "://" + ln.Addr().String()
	}
	srv.BodyTimeout = lim.readTimeout
	srv.WaitBound = *waitBound
	// A waiting device keeps its connection open: waits take at most
	// half the connections, in all and from one address, so the syncs
	// always have room.
	db.SetWaitBounds(min(*maxWaits, max(lim.maxConns/2, 1)), max(lim.perSource/2, 1))
	// The console shows pairing QR Codes: the same address and certificate
	// pin as the API's pairings.
	con, err := console.New(db, console.Options{Secure: scheme == "https", Log: log, PublicURL: srv.PublicURL, Fingerprint: srv.Fingerprint})
	if err != nil {
		ln.Close()
		return err
	}
	hs := newHTTPServer(withConsole(srv, con, lim.readTimeout*consoleBodyTimeouts), lim)
	hs.RegisterOnShutdown(con.Close)   // the board's event streams end, so the shutdown does not wait for them
	hs.RegisterOnShutdown(db.EndWaits) // so do the devices' waits
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go notifier.Run(ctx)
	if *likelyEvery > 0 {
		go db.RunLikelyParts(ctx, *likelyEvery, log)
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if srv.Fingerprint != "" {
		fmt.Fprintf(stdout, "central: certificate sha256 %s\n", srv.Fingerprint)
	}
	// The listening line is what scripts and tests wait for.
	fmt.Fprintf(stdout, "central: listening on %s://%s\n", scheme, ln.Addr())
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// limits are the serve command's bounds on connections and slow clients.
type limits struct {
	maxConns    int
	perSource   int
	readTimeout time.Duration
}

func (l *limits) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxConns, "max-conns", 1000, "connections served at once; more wait to be accepted")
	fs.IntVar(&l.perSource, "max-conns-per-ip", 100, "connections served at once from one IP address; more are answered 429 (behind a proxy, set it to -max-conns)")
	fs.DurationVar(&l.readTimeout, "read-timeout", central.DefaultBodyTimeout, "time a client has to send a request's headers, and a small body (sync requests and photo chunks get 6 times as long, imports 30 times); a slower body is cut off with 408")
}

func (l *limits) check() error {
	if l.maxConns < 1 || l.maxConns > 100000 || l.perSource < 1 || l.readTimeout < time.Second || l.readTimeout > 10*time.Minute {
		return app.Errorf(app.EINVALID, "central.bad_limits", "Give -max-conns from 1 to 100000, -max-conns-per-ip of at least 1 and -read-timeout from 1s to 10m.")
	}
	l.perSource = min(l.perSource, l.maxConns)
	return nil
}

// newHTTPServer bounds what a client can hold: the headers must arrive
// within the read timeout (the bodies' deadlines are the handler's, see
// central.Server.BodyTimeout), an answer must be taken within 10 minutes
// (a pull page or an import's result over a slow link), and an idle
// connection is closed after 2 minutes.
func newHTTPServer(h http.Handler, l limits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readTimeout,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// bootstrap creates the first tenant and admin token of a new data
// directory and writes the token beside the database, all or nothing:
// the token is written to admin-token.new inside the database transaction
// that creates it (a failed write creates nothing) and renamed to
// admin-token once committed. A start that died between the commit and
// the rename finishes the rename the next time.
func bootstrap(ctx context.Context, db *central.DB, dir, tenant string, log *slog.Logger) error {
	path := filepath.Join(dir, "admin-token")
	fi, err := os.Stat(path)
	if err == nil {
		if fi.Mode().Perm()&0o077 != 0 { // left readable by an older version
			return tokenFileError(path, os.Chmod(path, 0o600))
		}
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return tokenFileError(path, err)
	}
	tmp := path + ".new"
	if b, err := os.ReadFile(tmp); err == nil {
		if p, err := db.Authenticate(ctx, strings.TrimSpace(string(b))); err == nil && p.Tenant == tenant && p.Role == app.RoleDispatcher {
			return tokenFileError(path, app.PublishFile(tmp, path))
		}
	}
	// Tokens without the file: the operator moved it away on purpose;
	// minting one more at every start would pile up tokens nobody holds.
	if ts, err := db.AdminTokens(ctx, tenant); err != nil {
		return err
	} else if len(ts) > 0 {
		return nil
	}
	err = db.CreateTenantAdmin(ctx, tenant, "admin", func(tok string) error {
		return tokenFileError(tmp, app.WriteSyncedFile(tmp, []byte(tok+"\n")))
	})
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := app.PublishFile(tmp, path); err != nil {
		return tokenFileError(path, err)
	}
	log.Info("created tenant and admin token", "tenant", tenant, "token_file", path)
	return nil
}

func tokenFileError(path string, err error) error {
	if err == nil {
		return nil
	}
	return app.Errorf(app.EINTERNAL, "central.token_file", "Cannot write the admin token to {{.Path}}: {{.Detail}}. Check the data directory's owner and free space, then start again.", "Path", path, "Detail", err.Error()).WithCause(err)
}

func createAdmin(ctx context.Context, db *central.DB, tenant, name string) (string, error) {
	if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
		return "", err
	}
	return db.CreateAdminToken(ctx, tenant, name)
}

// withDB parses a database command's flags (extra adds its own), opens
// the database and runs fn on it with the remaining arguments.
func withDB(ctx context.Context, name string, args []string, extra func(*flag.FlagSet), fn func(db *central.DB, args []string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, fs.Args())
}

func initCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var tenant, name *string
	return withDB(ctx, "init", args, func(fs *flag.FlagSet) {
		tenant = fs.String("tenant", "default", "tenant (service provider) to create")
		name = fs.String("name", "admin", "name of its first admin token")
	}, func(db *central.DB, _ []string) error {
		tok, err := createAdmin(ctx, db, *tenant, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tenant %s, admin token %s (shown once): %s\n", *tenant, *name, tok)
		return nil
	})
}

func restoreEpoch(ctx context.Context, args []string, stdout io.Writer) error {
	return withDB(ctx, "restore-epoch", args, nil, func(db *central.DB, _ []string) error {
		e, err := db.RestoreEpoch(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new server epoch %s: devices will re-send what the backup lacks and pull again\n", e)
		return nil
	})
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	return withDB(ctx, "backup", args, nil, func(db *central.DB, rest []string) error {
		if len(rest) != 1 {
			return app.Errorf(app.EINVALID, "central.backup_usage", "Usage: central backup -data DIR FILE")
		}
		if err := db.Backup(ctx, rest[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s; after restoring it, run central restore-epoch\n", rest[0])
		return nil
	})
}

// tenantCmd is "central tenant zone": a tenant's time zone, set with
// -zone (an IANA name, as the console's settings page sets it), else
// printed.
func tenantCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "zone" {
		return errTenantUsage
	}
	var tenant, zone *string
	return withDB(ctx, "tenant zone", args[1:], func(fs *flag.FlagSet) {
		tenant = fs.String("tenant", "default", "the tenant")
		zone = fs.String("zone", "", "the IANA time zone to set, such as Asia/Shanghai; none prints the tenant's")
	}, func(db *central.DB, rest []string) error {
		if len(rest) > 0 {
			return errTenantUsage
		}
		if *zone != "" {
			if err := db.SetTenantZone(ctx, *tenant, *zone); err != nil {
				return err
			}
		}
		z, err := db.TenantZone(ctx, *tenant)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tenant %s: time zone %s\n", *tenant, z)
		return nil
	})
}

var errTenantUsage = app.Errorf(app.EINVALID, "central.tenant.usage", "Usage: central tenant zone -data DIR|-postgres URL -tenant T [-zone NAME] (an IANA time zone such as Asia/Shanghai)")

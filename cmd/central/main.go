// Command central is Fieldbench's central service and its admin CLI.
//
//	central -data DIR -addr 127.0.0.1:8080        serve on embedded SQLite
//	central -postgres URL -addr :8080 -data DIR   serve on PostgreSQL (photos in DIR)
//	central init -data DIR | -postgres URL        create a tenant and print an admin token
//	central backup -data DIR FILE                 copy the SQLite database while serving
//	central restore-epoch -data DIR | -postgres URL  after restoring a backup
//	central admin COMMAND ...                     talk to a running service
//
// On its first start with a data directory the service creates the tenant
// "default" and writes an admin token to DIR/admin-token (mode 0600); the
// admin commands read it from there (-data) or from $FIELDBENCH_TOKEN.
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
	"syscall"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "central:", app.ErrorMessage(err))
		if e := app.AsError(err); e.Code == app.EINTERNAL && e.Err != nil {
			fmt.Fprintln(os.Stderr, "  cause:", e.Err)
		}
		os.Exit(1)
	}
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
      -lease-days N: days a device may go without a complete sync before it locks its data (30)
  central init -data DIR | -postgres URL [-tenant T]
  central restore-epoch -data DIR | -postgres URL
  central backup -data DIR FILE                   consistent copy of a running SQLite service
  central admin [-server URL] [-token T | -data DIR] COMMAND
      technician ID NAME COUNTRY [VAN]
      location ID KIND NAME [OWNER]
      pair TECHNICIAN [-qr FILE.png]
      devices | revoke DEVICE
      tickets [TECHNICIAN] | ticket ID
      create-ticket FILE.json | assign TICKET TECHNICIAN | schedule TICKET START END | cancel TICKET REASON
      mutate NAME ARGS_JSON
      import parts|stock|rules FILE.csv
      conflicts [-all] | resolve CONFLICT accept_ours|accept_theirs|dismissed
      balances [LOCATION]
`

type dbFlags struct {
	data, postgres string
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data directory: the SQLite database, uploaded photos and the admin token")
	fs.StringVar(&f.postgres, "postgres", os.Getenv("FIELDBENCH_POSTGRES"), "PostgreSQL connection string; the database instead of SQLite")
}

func (f *dbFlags) open(ctx context.Context) (*central.DB, error) {
	return central.OpenDB(ctx, central.Config{DataDir: f.data, Postgres: f.postgres})
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("central", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	public := fs.String("public-url", "", "the address devices use, put into pairing QR codes (default: http://ADDR)")
	leaseDays := fs.Int("lease-days", app.DefaultLeaseDays, "days a device may go without a complete sync before it locks its customer data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := app.CheckLeaseDays(*leaseDays); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
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
	srv.PublicURL, srv.LeaseDays = *public, *leaseDays
	if srv.PublicURL == "" {
		srv.PublicURL = "http://" + ln.Addr().String()
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	// The listening line is what scripts and tests wait for.
	fmt.Fprintf(stdout, "central: listening on http://%s\n", ln.Addr())
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bootstrap creates the first tenant and admin token of a new data
// directory and writes the token beside the database.
func bootstrap(ctx context.Context, db *central.DB, dir, tenant string, log *slog.Logger) error {
	path := filepath.Join(dir, "admin-token")
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	tok, err := createAdmin(ctx, db, tenant)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return err
	}
	log.Info("created tenant and admin token", "tenant", tenant, "token_file", path)
	return nil
}

func createAdmin(ctx context.Context, db *central.DB, tenant string) (string, error) {
	if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
		return "", err
	}
	return db.CreateAdminToken(ctx, tenant, "admin")
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, fs.Args())
}

func initCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var tenant *string
	return withDB(ctx, "init", args, func(fs *flag.FlagSet) {
		tenant = fs.String("tenant", "default", "tenant (service provider) to create")
	}, func(db *central.DB, _ []string) error {
		tok, err := createAdmin(ctx, db, *tenant)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tenant %s, admin token (shown once): %s\n", *tenant, tok)
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

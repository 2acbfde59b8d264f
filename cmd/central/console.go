package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/console"
)

// withConsole serves the API (/v1/..., /healthz) with api and everything
// else with the office console. A console request's body must arrive
// within bodyTimeout (the API bounds its own).
func withConsole(api, con http.Handler, bodyTimeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == "/healthz" {
			api.ServeHTTP(w, r)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			// An error means a connection without deadlines (a test recorder).
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout))
		}
		con.ServeHTTP(w, r)
	})
}

// consoleBodyTimeouts is how many read timeouts a console request's body
// may take: a CSV import from the console is as large as the API's.
const consoleBodyTimeouts = 30

// stdin is where console-user reads passwords (tests replace it).
var stdin io.Reader = os.Stdin

// maxPasswordLine bounds the password line read from stdin.
const maxPasswordLine = 4096

// readPassword reads one line, the password, from stdin: never from the
// command line, where other users see it in the process list and the
// shell keeps it in its history.
func readPassword() (string, error) {
	sc := bufio.NewScanner(io.LimitReader(stdin, maxPasswordLine))
	sc.Buffer(make([]byte, 0, 512), maxPasswordLine)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", app.Errorf(app.EINVALID, "central.console_user.no_password", "Give the password on standard input, one line: printf '%s\\n' \"$PASSWORD\" | central console-user ...")
	}
	return strings.TrimRight(sc.Text(), "\r"), nil
}

// consoleUser runs "central console-user add|passwd|disable": the first
// console users are made here, without the console.
func consoleUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errConsoleUserUsage
	}
	var tenant, login, name, role, store *string
	flags := func(fs *flag.FlagSet) {
		tenant = fs.String("tenant", "", "the user's tenant")
		login = fs.String("login", "", "the user's login (an email address or a name)")
		if args[0] == "add" {
			name = fs.String("name", "", "the user's name as the console shows it")
			role = fs.String("role", "", "dispatcher, store_manager, parts_clerk or administrator")
			store = fs.String("store", "", "a store manager's store")
		}
	}
	switch args[0] {
	case "add":
		return withDB(ctx, "console-user add", args[1:], flags, func(db *central.DB, _ []string) error {
			pw, err := readPassword()
			if err != nil {
				return err
			}
			u := central.ConsoleUser{Login: *login, Tenant: *tenant, Name: *name, Role: *role, Store: app.StoreID(*store)}
			if err := console.CreateUser(ctx, db, u, pw); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "console user %s (%s) added to tenant %s\n", *login, *role, *tenant)
			return nil
		})
	case "passwd":
		return withDB(ctx, "console-user passwd", args[1:], flags, func(db *central.DB, _ []string) error {
			pw, err := readPassword()
			if err != nil {
				return err
			}
			if err := db.SetPassword(ctx, *tenant, *login, pw); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "new password set for %s; the account is unlocked and its sessions ended\n", *login)
			return nil
		})
	case "disable":
		return withDB(ctx, "console-user disable", args[1:], flags, func(db *central.DB, _ []string) error {
			if err := db.DisableConsoleUser(ctx, *tenant, *login); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "console user %s disabled and signed out\n", *login)
			return nil
		})
	}
	return errConsoleUserUsage
}

var errConsoleUserUsage = app.Errorf(app.EINVALID, "central.console_user.usage", "Usage: central console-user add|passwd|disable -data DIR|-postgres URL -tenant T -login L [-name N -role R [-store S]] (the password on standard input)")

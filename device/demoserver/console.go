package demoserver

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/console"
)

// ConsoleLoginFile is the demo console user's file in the demo service's
// directory (README, "Playing dispatch against the demo"): the console's
// address at this start, the login and the password, one "key value" a
// line, readable by its owner only.
const ConsoleLoginFile = "console-login"

// ConsoleLogin is the demo's console user, a dispatcher.
const ConsoleLogin = "demo-dispatcher"

// withConsole serves the API (/v1/..., /healthz) with api and every other
// path with the office console, as cmd/central does.
func withConsole(db *central.DB, api http.Handler) (http.Handler, error) {
	con, err := console.New(db, console.Options{})
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == "/healthz" {
			api.ServeHTTP(w, r)
			return
		}
		con.ServeHTTP(w, r)
	}), nil
}

// ConsoleAccess is what ConsoleLoginFile holds.
type ConsoleAccess struct{ URL, Login, Password string }

// ReadConsoleLogin reads dir's ConsoleLoginFile.
func ReadConsoleLogin(dir string) (ConsoleAccess, error) {
	f, err := os.Open(filepath.Join(dir, ConsoleLoginFile))
	if err != nil {
		return ConsoleAccess{}, err
	}
	defer f.Close()
	var a ConsoleAccess
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "url":
			a.URL = v
		case "login":
			a.Login = v
		case "password":
			a.Password = v
		}
	}
	return a, sc.Err()
}

// keepConsoleUser makes sure tenant has the demo's console user and that
// dir's ConsoleLoginFile names it with a working password and this
// start's address. A password already in the file is kept (so is a
// browser's session); a missing file gets a new random password.
func keepConsoleUser(ctx context.Context, db *central.DB, dir, tenant, url string) error {
	path := filepath.Join(dir, ConsoleLoginFile)
	old, err := ReadConsoleLogin(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return consoleLoginError(path, err)
	}
	_, uerr := db.ConsoleUser(ctx, tenant, ConsoleLogin)
	if uerr != nil && app.ErrorCode(uerr) != app.ENOTFOUND {
		return uerr
	}
	pw := old.Password
	switch {
	case uerr != nil:
		if pw == "" {
			pw = randomPassword()
		}
		u := central.ConsoleUser{Login: ConsoleLogin, Tenant: tenant, Name: "Demo dispatcher", Role: string(console.RoleDispatcher)}
		if err := db.CreateConsoleUser(ctx, u, pw); err != nil {
			return err
		}
	case old.Login != ConsoleLogin || pw == "":
		pw = randomPassword()
		if err := db.SetPassword(ctx, tenant, ConsoleLogin, pw); err != nil {
			return err
		}
	}
	body := "url " + url + "/\nlogin " + ConsoleLogin + "\npassword " + pw + "\n"
	return consoleLoginError(path, writeSecret(path, body))
}

// randomPassword is 128 random bits, URL-safe: 22 characters.
func randomPassword() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on Linux (Go 1.24+: it panics instead)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func consoleLoginError(path string, err error) error {
	if err == nil {
		return nil
	}
	return app.Errorf(app.EINTERNAL, "central.console_login_file", "Cannot write the demo console's login to {{.Path}}: {{.Detail}}. Check the data directory's owner and free space, then start again.", "Path", path, "Detail", err.Error()).WithCause(err)
}

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/console"
)

// TestConsoleUserCommand: console-user add, passwd and disable on a data
// directory, the password read from stdin; bad input changes nothing.
func TestConsoleUserCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := central.OpenDB(ctx, central.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTenant(ctx, "default", "Default"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	defer func(r io.Reader) { stdin = r }(stdin)
	cli := func(input string, args ...string) error {
		stdin = strings.NewReader(input)
		return run(ctx, append([]string{"console-user"}, args...), &bytes.Buffer{}, &bytes.Buffer{})
	}
	add := []string{"add", "-data", dir, "-tenant", "default", "-login", "ana@example.com", "-name", "Ana"}
	for _, c := range []struct {
		name, input string
		args        []string
	}{
		{"no password", "", append(add, "-role", "administrator")},
		{"short password", "short\n", append(add, "-role", "administrator")},
		{"unknown role", "correct horse battery\n", append(add, "-role", "root")},
		{"manager without store", "correct horse battery\n", append(add, "-role", "store_manager")},
		{"no subcommand", "", nil},
	} {
		if err := cli(c.input, c.args...); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if err := cli("correct horse battery\r\n", append(add, "-role", "administrator")...); err != nil {
		t.Fatal(err)
	}
	who := []string{"-data", dir, "-tenant", "default", "-login", "ana@example.com"}
	if err := cli("a new password here\n", append([]string{"passwd"}, who...)...); err != nil {
		t.Fatal(err)
	}
	db, err = central.OpenDB(ctx, central.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CheckConsolePassword(ctx, "ana@example.com", "correct horse battery"); err == nil {
		t.Error("the old password still works")
	}
	if u, err := db.CheckConsolePassword(ctx, "ana@example.com", "a new password here"); err != nil || u.Role != "administrator" || u.Name != "Ana" {
		t.Fatalf("the new password: %+v %v", u, err)
	}
	if err := cli("", append([]string{"disable"}, who...)...); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckConsolePassword(ctx, "ana@example.com", "a new password here"); err == nil {
		t.Error("a disabled user signs in")
	}
}

// TestConsoleBesideTheAPI: /v1/ and /healthz stay the API (with its JSON
// 404); every other path is the console.
func TestConsoleBesideTheAPI(t *testing.T) {
	ctx := context.Background()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	con, err := console.New(db, console.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(withConsole(central.NewServer(db, nil), con, time.Minute))
	defer srv.Close()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		path, ctype, location string
		status                int
	}{
		{"/healthz", "text/plain", "", 200},
		{"/v1/no-such", "application/json", "", 404},
		{"/v1/admin/tickets", "application/json", "", 401},
		{"/board", "", "/signin?next=%2Fboard", 303},
		{"/signin", "text/html", "", 200},
		{"/no-such", "text/html", "", 404},
	} {
		resp, err := hc.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || resp.Header.Get("Location") != c.location {
			t.Errorf("%s: %d %q %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"))
		}
	}
}

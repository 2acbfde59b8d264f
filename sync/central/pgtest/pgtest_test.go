package pgtest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/sync/central/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// query returns current_database() and a value computed on the server.
func query(t *testing.T, ctx context.Context, dsn string) (db string, sum int) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT current_database(), sum(x)::int FROM generate_series(1, 4) AS x").Scan(&db, &sum); err != nil {
		t.Fatal(err)
	}
	return db, sum
}

func TestStart(t *testing.T) {
	ctx := t.Context()
	// Under t.TempDir(), whose parent is 0700: as root this covers making
	// the chain searchable for the postgres user.
	dir := filepath.Join(t.TempDir(), "pg")
	srv, err := pgtest.Start(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })

	for _, name := range []string{"alpha", "beta"} {
		dsn, err := srv.CreateDatabase(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(dsn, "postgres://postgres@127.0.0.1:") {
			t.Errorf("DSN %q, want postgres://postgres@127.0.0.1:port/...", dsn)
		}
		if db, sum := query(t, ctx, dsn); db != name || sum != 10 {
			t.Errorf("got database %q, sum %d; want %q, 10", db, sum, name)
		}
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Stop, stat %s: %v; want not exist", dir, err)
	}
	if _, err := pgx.Connect(ctx, srv.DSN("alpha")); err == nil {
		t.Error("connected after Stop")
	}
}

func TestStartBadPGBin(t *testing.T) {
	t.Setenv("PG_BIN", filepath.Join(t.TempDir(), "nope"))
	_, err := pgtest.Start(t.Context(), "")
	if err == nil {
		t.Fatal("Start succeeded with a bad PG_BIN")
	}
	for _, want := range []string{"PG_BIN=", "make setup", "apt-get install postgresql"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A server that fails to start is reported with its log and the install hint.
func TestStartFailureShowsLog(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		script := "#!/bin/sh\necho 'initdb: error: boom' >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PG_BIN", bin)
	// The data directory sits beside bin, so as root Start also makes bin's
	// parents searchable for the postgres user.
	dir := filepath.Join(root, "pg")
	_, err := pgtest.Start(t.Context(), dir)
	if err == nil {
		t.Fatal("Start succeeded with a failing initdb")
	}
	for _, want := range []string{"initdb: error: boom", "apt-get install postgresql"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after a failed Start, stat %s: %v; want not exist", dir, err)
	}
}

func TestForTest(t *testing.T) {
	var dsns []string
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			dsn := pgtest.ForTest(t)
			if _, sum := query(t, t.Context(), dsn); sum != 10 {
				t.Errorf("sum %d, want 10", sum)
			}
			dsns = append(dsns, dsn)
		})
	}
	if len(dsns) != 2 || dsns[0] == dsns[1] {
		t.Fatalf("DSNs %q, want two different ones", dsns)
	}
	// The subtests' cleanups have dropped their databases.
	if conn, err := pgx.Connect(t.Context(), dsns[0]); err == nil {
		conn.Close(t.Context())
		t.Errorf("%s still exists after its test", dsns[0])
	}
}

// StartDurable keeps what Start turns off for speed: a benchmark of
// commits must pay for the flush to disk.
func TestStartDurability(t *testing.T) {
	tests := map[string]struct {
		start func(context.Context, string) (*pgtest.Server, error)
		want  string
	}{
		"Start":        {pgtest.Start, "off"},
		"StartDurable": {pgtest.StartDurable, "on"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			srv, err := tc.start(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Stop() })
			conn, err := pgx.Connect(ctx, srv.DSN("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			for _, setting := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
				var v string
				if err := conn.QueryRow(ctx, "SHOW "+setting).Scan(&v); err != nil {
					t.Fatal(err)
				}
				if v != tc.want {
					t.Errorf("%s = %s, want %s", setting, v, tc.want)
				}
			}
		})
	}
}

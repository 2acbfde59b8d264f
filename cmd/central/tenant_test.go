package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestTenantZoneCommand: "central tenant zone" prints a tenant's zone and
// sets an IANA one; a name that is not a zone, or a wrong command, is
// EINVALID and changes nothing.
func TestTenantZoneCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := central.OpenDB(ctx, central.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTenant(ctx, "t1", "Tenant 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"tenant"}, args...), &out, &bytes.Buffer{})
		return out.String(), err
	}
	for _, c := range []struct {
		name string
		args []string
		code string
		out  string
	}{
		{"print", []string{"zone", "-data", dir, "-tenant", "t1"}, "", "tenant t1: time zone UTC\n"},
		{"set", []string{"zone", "-data", dir, "-tenant", "t1", "-zone", "America/Lima"}, "", "tenant t1: time zone America/Lima\n"},
		{"not a zone", []string{"zone", "-data", dir, "-tenant", "t1", "-zone", "Lima"}, app.EINVALID, ""},
		{"unknown tenant", []string{"zone", "-data", dir, "-tenant", "t9", "-zone", "Asia/Shanghai"}, app.ENOTFOUND, ""},
		{"no subcommand", nil, app.EINVALID, ""},
		{"another subcommand", []string{"rename", "-data", dir}, app.EINVALID, ""},
		{"print again", []string{"zone", "-data", dir, "-tenant", "t1"}, "", "tenant t1: time zone America/Lima\n"},
	} {
		out, err := cli(c.args...)
		if (err == nil) != (c.code == "") || (err != nil && app.ErrorCode(err) != c.code) {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
		if out != c.out {
			t.Errorf("%s: printed %q, want %q", c.name, out, c.out)
		}
	}
}

package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// adminService is a central service on loopback with a real SQLite
// database, for the admin CLI to talk to: the database to read what a
// command changed, the address, and a file holding a dispatch token.
type adminService struct {
	db        *central.DB
	url       string
	tokenFile string
}

// startAdminService starts one on a fresh data directory, tenant
// "default"; the test's end stops it.
func startAdminService(t *testing.T) adminService {
	t.Helper()
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateTenant(ctx, "default", "default"); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.NewServer(db, nil))
	t.Cleanup(srv.Close)
	return adminService{db: db, url: srv.URL, tokenFile: tokenFile(t, token)}
}

// TestLocationCommandSetsLeadWeeks runs the built binary as an operator
// would: `central admin location ... -lead-weeks N` sets the location's
// replenishment lead time; without the flag it is the kind's default
// again (the command replaces the location); 0, 27 or a word is refused
// by app's rule in its words, exit 1, and the location stays as it was.
func TestLocationCommandSetsLeadWeeks(t *testing.T) {
	bin := killBuild(t)
	svc := startAdminService(t)
	const refusal = "Give the lead time as a whole number of weeks from 1 to 26, or leave it empty for the usual lead time of the location's kind."
	for _, c := range []struct {
		name      string
		args      []string // after "admin -server URL -token-file FILE location"
		exitCode  int
		want      string // in the combined output
		weeks     int    // the location's lead time afterwards
		owner     string // and its owner
		storeName string // and the name of st-syd
	}{
		{"Set", []string{"st-syd", "store", "Sydney store", "-lead-weeks", "6"}, 0, "", 6, "", "Sydney store"},
		{"Zero", []string{"st-syd", "store", "Renamed", "-lead-weeks", "0"}, 1, refusal, 6, "", "Sydney store"},
		{"TooLong", []string{"st-syd", "store", "Renamed", "-lead-weeks", "27"}, 1, refusal, 6, "", "Sydney store"},
		{"Word", []string{"st-syd", "store", "Renamed", "-lead-weeks", "six"}, 1, refusal, 6, "", "Sydney store"},
		{"StrayWord", []string{"st-syd", "store", "Sydney", "store", "-lead-weeks", "3", "again"}, 1, "Usage: central admin location", 6, "", "Sydney store"},
		{"FullWidthDigits", []string{"st-syd", "store", "Sydney store", "-lead-weeks=２６"}, 0, "", 26, "", "Sydney store"},
		{"Default", []string{"st-syd", "store", "Sydney store"}, 0, "", 0, "", "Sydney store"},
		{"WithOwner", []string{"st-syd", "store", "Sydney store", "store-syd", "-lead-weeks", "4"}, 0, "", 4, "store-syd", "Sydney store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"admin", "-server", svc.url, "-token-file", svc.tokenFile, "location"}, c.args...)
			out, code := runBinary(t, bin, args...)
			if code != c.exitCode || !strings.Contains(out, c.want) || strings.Contains(out, "Internal error") {
				t.Errorf("central location %s: exit %d, output:\n%s\nwant exit %d and %q", strings.Join(c.args, " "), code, out, c.exitCode, c.want)
			}
			locs, err := svc.db.Locations(t.Context(), "default")
			if err != nil {
				t.Fatal(err)
			}
			var got app.Location
			for _, l := range locs {
				if l.ID == "st-syd" {
					got = l
				}
			}
			if got.LeadWeeks != c.weeks || got.Owner != c.owner || got.Name != c.storeName || got.Kind != app.LocationStore {
				t.Errorf("after central location %s: %+v, want lead_weeks %d, owner %q, name %q", strings.Join(c.args, " "), got, c.weeks, c.owner, c.storeName)
			}
		})
	}
}

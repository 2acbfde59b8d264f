package central

import (
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// A tenant starts in UTC; SetTenantZone keeps an IANA name and refuses
// anything else with EINVALID, leaving the zone as it was; an unknown
// tenant is ENOTFOUND. The console reads the zone with the session.
func TestTenantZone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		if err := db.CreateTenant(ctx, "t1", "Tenant 1"); err != nil {
			t.Fatal(err)
		}
		if z, err := db.TenantZone(ctx, "t1"); err != nil || z != DefaultZone {
			t.Fatalf("a new tenant's zone = %q, %v; want %q", z, err, DefaultZone)
		}
		if err := db.SetTenantZone(ctx, "t1", "Asia/Shanghai"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, zone string
			code       string
		}{
			{"not a zone", "Mars/Olympus_Mons", app.EINVALID},
			{"empty", "", app.EINVALID},
			{"the server's zone", "Local", app.EINVALID},
			{"a path", "../../etc/passwd", app.EINVALID},
			{"too long", "America/" + string(make([]byte, 100)), app.EINVALID},
			{"another tenant", "Europe/Paris", app.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tenant := "t1"
				if tc.code == app.ENOTFOUND {
					tenant = "nobody"
				}
				if err := db.SetTenantZone(ctx, tenant, tc.zone); app.ErrorCode(err) != tc.code {
					t.Errorf("SetTenantZone(%q, %q) = %v, want %s", tenant, tc.zone, err, tc.code)
				}
				if z, err := db.TenantZone(ctx, "t1"); err != nil || z != "Asia/Shanghai" {
					t.Errorf("after the refusal the zone is %q, %v; want it unchanged", z, err)
				}
			})
		}
		if err := db.CreateConsoleUser(ctx, ConsoleUser{Login: "a@t1", Tenant: "t1", Name: "A", Role: "administrator"}, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		id, _, err := db.CreateConsoleSession(ctx, "t1", "a@t1")
		if err != nil {
			t.Fatal(err)
		}
		if cs, _, err := db.LookupConsoleSession(ctx, id); err != nil || cs.Zone != "Asia/Shanghai" {
			t.Errorf("the session's zone = %q, %v; want Asia/Shanghai", cs.Zone, err)
		}
	})
}

// A database made before tenants had a zone gets the column when opened,
// its tenants in UTC, on SQLite and PostgreSQL.
func TestTenantZoneMigration(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			ctx := t.Context()
			db := openTestDB(t, cfg)
			if err := db.CreateTenant(ctx, "t1", "Tenant 1"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(ctx, `ALTER TABLE tenants DROP COLUMN zone`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.TenantZone(ctx, "t1"); err == nil {
				t.Fatal("the zone column is still there")
			}
			db.Close()
			db = openTestDB(t, cfg)
			if z, err := db.TenantZone(ctx, "t1"); err != nil || z != DefaultZone {
				t.Fatalf("an old tenant's zone = %q, %v; want %q", z, err, DefaultZone)
			}
			if err := db.SetTenantZone(ctx, "t1", "America/Lima"); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openTestDB(t, cfg) // opening again keeps the column and the zone
			if z, err := db.TenantZone(ctx, "t1"); err != nil || z != "America/Lima" {
				t.Fatalf("after a second open the zone = %q, %v; want America/Lima", z, err)
			}
		})
	}
}

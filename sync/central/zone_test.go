package central

import (
	"slices"
	"testing"
	"time"

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

// TestPeriodDaysSkippedMidnight: where the clocks skip midnight
// (America/Santiago on 6 September 2026, 00:00 to 01:00), that day begins
// at 01:00 there, and every day of a period is its own date, each
// beginning at its first instant: time.Date and AddDate would begin the
// 6th at 23:00 on the 5th, and every later day at 23:00 the day before.
func TestPeriodDaysSkippedMidnight(t *testing.T) {
	loc, err := LoadZone("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := DayStart(2026, time.September, 6, loc), time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayStart(2026-09-06) = %v, want %v (01:00 -03)", got, want.In(loc))
	}
	days := periodDays(DayStart(2026, time.September, 4, loc), DayStart(2026, time.September, 9, loc), loc)
	want := []string{"2026-09-04 00:00", "2026-09-05 00:00", "2026-09-06 01:00", "2026-09-07 00:00", "2026-09-08 00:00"}
	var got []string
	for _, d := range days {
		got = append(got, d.In(loc).Format("2006-01-02 15:04"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("days %q, want %q", got, want)
	}
}

// TestWallClock: a time the clocks skip where they go forward is refused
// with the jump named (Europe/Paris in March; America/Santiago, whose
// clocks skip midnight in September; Australia/Lord_Howe, half an hour);
// a time they repeat where they go back is its earlier instant, and
// Repeated says so; any other time is time.Date's.
func TestWallClock(t *testing.T) {
	cases := []struct {
		zone           string
		date           string // YYYY-MM-DD hh:mm on the zone's clocks
		want           string // the instant in UTC, "" when refused
		from, to       string // the jump named in the refusal
		repeated       bool
		wantRepeatedAt string // the later instant of a repeated time, which is not taken
	}{
		{zone: "Europe/Paris", date: "2026-03-29 02:30", from: "02:00", to: "03:00"},
		{zone: "Europe/Paris", date: "2026-03-29 02:00", from: "02:00", to: "03:00"},
		{zone: "Europe/Paris", date: "2026-03-29 01:59", want: "2026-03-29 00:59"},
		{zone: "Europe/Paris", date: "2026-03-29 03:00", want: "2026-03-29 01:00"},
		{zone: "Europe/Paris", date: "2026-10-25 02:30", want: "2026-10-25 00:30", repeated: true, wantRepeatedAt: "2026-10-25 01:30"},
		{zone: "Europe/Paris", date: "2026-10-25 03:00", want: "2026-10-25 02:00"},
		{zone: "Europe/Paris", date: "2026-11-28 09:00", want: "2026-11-28 08:00"},
		{zone: "America/Santiago", date: "2026-09-06 00:30", from: "00:00", to: "01:00"},
		{zone: "America/Santiago", date: "2026-09-06 01:00", want: "2026-09-06 04:00"},
		{zone: "America/Santiago", date: "2026-04-04 23:30", want: "2026-04-05 02:30", repeated: true, wantRepeatedAt: "2026-04-05 03:30"},
		{zone: "Australia/Lord_Howe", date: "2026-10-04 02:15", from: "02:00", to: "02:30"},
		{zone: "Australia/Lord_Howe", date: "2026-04-05 01:45", want: "2026-04-04 14:45", repeated: true, wantRepeatedAt: "2026-04-04 15:15"},
		{zone: "Asia/Shanghai", date: "2026-03-29 02:30", want: "2026-03-28 18:30"},
		{zone: "UTC", date: "2026-03-29 02:30", want: "2026-03-29 02:30"},
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.date, func(t *testing.T) {
			loc, err := LoadZone(c.zone)
			if err != nil {
				t.Fatal(err)
			}
			w, err := time.Parse("2006-01-02 15:04", c.date)
			if err != nil {
				t.Fatal(err)
			}
			got, err := WallClock(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), loc)
			if c.want == "" {
				e := app.AsError(err)
				if app.ErrorCode(err) != app.EINVALID || e.Key != "central.skipped_time" {
					t.Fatalf("WallClock = %v, %v; want the skipped-time refusal", got, err)
				}
				want := map[string]any{"Time": w.Format("15:04"), "On": w.Format("2006-01-02"), "Zone": c.zone, "From": c.from, "To": c.to}
				for k, v := range want {
					if e.Data[k] != v {
						t.Errorf("the refusal's %s is %v, want %v (%v)", k, e.Data[k], v, e.Data)
					}
				}
				// A day key: the readers that show it write it in their language.
				if day := e.Days()["On"]; !day.Equal(time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)) {
					t.Errorf("the refusal's days are %v, want On %s", e.Days(), w.Format(time.DateOnly))
				}
				return
			}
			if err != nil {
				t.Fatalf("WallClock: %v", err)
			}
			if s := got.UTC().Format("2006-01-02 15:04"); s != c.want {
				t.Errorf("WallClock = %s UTC, want %s UTC", s, c.want)
			}
			if s := got.In(loc).Format("2006-01-02 15:04"); s != c.date {
				t.Errorf("the instant reads %s on the zone's clocks, want %s", s, c.date)
			}
			if Repeated(got) != c.repeated {
				t.Errorf("Repeated = %v, want %v", Repeated(got), c.repeated)
			}
			if c.repeated {
				later, err := time.Parse("2006-01-02 15:04", c.wantRepeatedAt)
				if err != nil {
					t.Fatal(err)
				}
				if s := later.In(loc).Format("2006-01-02 15:04"); s != c.date || !Repeated(later.In(loc)) {
					t.Errorf("the later instant %v reads %s (repeated %v), want %s", later, s, Repeated(later.In(loc)), c.date)
				}
			}
		})
	}
}

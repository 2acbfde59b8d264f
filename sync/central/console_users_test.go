package central

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestPasswordHash: a PHC string of argon2id with its parameters and a
// fresh salt; the password matches it, another does not, and a malformed
// or out-of-bounds string never matches.
func TestPasswordHash(t *testing.T) {
	ctx := context.Background()
	h1, err := hashPassword(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := hashPassword(ctx, "correct horse battery")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || h1 == h2 {
		t.Fatalf("hashes %q and %q", h1, h2)
	}
	parts := strings.Split(h1, "$")
	for _, c := range []struct {
		name, phc, password string
		want                bool
	}{
		{"right", h1, "correct horse battery", true},
		{"wrong", h1, "correct horse battery!", false},
		{"empty", h1, "", false},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "correct horse battery", false},
		{"argon2i", strings.Replace(h1, "argon2id", "argon2i", 1), "correct horse battery", false},
		{"memory too large", strings.Join([]string{"", parts[1], parts[2], "m=1048576,t=2,p=1", parts[4], parts[5]}, "$"), "correct horse battery", false},
		{"short key", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"), "correct horse battery", false},
		{"the dummy", dummyHash, "", false},
	} {
		got, err := checkPassword(ctx, c.phc, c.password)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

// TestConsoleUsers: creating users checks the input and the tenant, a
// login is unique across tenants, and each tenant lists its own.
func TestConsoleUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for _, id := range []string{"t1", "t2"} {
			if err := db.CreateTenant(ctx, id, id); err != nil {
				t.Fatal(err)
			}
		}
		ok := ConsoleUser{Login: "ana@example.com", Tenant: "t1", Name: "Ana", Role: "dispatcher"}
		for _, c := range []struct {
			name     string
			u        ConsoleUser
			password string
			code     string
		}{
			{"11 characters", ok, strings.Repeat("x", 11), app.EINVALID},
			{"257 characters", ok, strings.Repeat("密", 257), app.EINVALID},
			{"login of 255 characters", ConsoleUser{Login: strings.Repeat("王", 255), Tenant: "t1", Name: "A", Role: "dispatcher"}, "twelve chars", app.EINVALID},
			{"name of 201 characters", ConsoleUser{Login: "a", Tenant: "t1", Name: strings.Repeat("王", 201), Role: "dispatcher"}, "twelve chars", app.EINVALID},
			{"no login", ConsoleUser{Tenant: "t1", Name: "A", Role: "dispatcher"}, "twelve chars", app.EINVALID},
			{"padded login", ConsoleUser{Login: " a", Tenant: "t1", Name: "A", Role: "dispatcher"}, "twelve chars", app.EINVALID},
			{"no name", ConsoleUser{Login: "a", Tenant: "t1", Role: "dispatcher"}, "twelve chars", app.EINVALID},
			{"unknown tenant", ConsoleUser{Login: "a", Tenant: "t9", Name: "A", Role: "dispatcher"}, "twelve chars", app.ENOTFOUND},
		} {
			if err := db.CreateConsoleUser(ctx, c.u, c.password); app.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if us, _ := db.ConsoleUsers(ctx, "t1"); len(us) != 0 {
			t.Fatalf("refused users were created: %v", us)
		}
		if err := db.CreateConsoleUser(ctx, ok, strings.Repeat("密", 256)); err != nil {
			t.Fatal(err)
		}
		// A login and a name count characters: a Chinese login of the
		// bound's 254 (762 bytes) is taken.
		zh := ConsoleUser{Login: strings.Repeat("王", 254), Tenant: "t1", Name: strings.Repeat("王", 200), Role: "dispatcher"}
		if err := db.CreateConsoleUser(ctx, zh, "twelve chars"); err != nil {
			t.Errorf("a login of 254 and a name of 200 Chinese characters: %v", err)
		}
		taken := ok
		taken.Tenant = "t2"
		if err := db.CreateConsoleUser(ctx, taken, "twelve chars"); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("the same login in another tenant: %v", err)
		}
		if _, err := db.ConsoleUser(ctx, "t2", ok.Login); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("t1's user read as t2's: %v", err)
		}
		if us, _ := db.ConsoleUsers(ctx, "t2"); len(us) != 0 {
			t.Errorf("t2 lists %v", us)
		}
		if _, err := db.CheckConsolePassword(ctx, ok.Login, strings.Repeat("密", 256)); err != nil {
			t.Errorf("the 256-character password: %v", err)
		}
		if err := db.SetPassword(ctx, "t2", ok.Login, "another password"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("t2 setting t1's user's password: %v", err)
		}
	})
}

// TestConsoleSessionsKeepOnlyTheHash: the database never holds a session
// ID, only its SHA-256; a deleted session is unknown.
func TestConsoleSessionsKeepOnlyTheHash(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if err := db.CreateTenant(ctx, "t1", "t1"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateConsoleUser(ctx, ConsoleUser{Login: "a", Tenant: "t1", Name: "A", Role: "dispatcher"}, "twelve chars"); err != nil {
			t.Fatal(err)
		}
		id, s, err := db.CreateConsoleSession(ctx, "t1", "a")
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 43 || len(s.CSRF) != 43 || id == s.CSRF || !s.ExpiresAt.Equal(testNow.Add(ConsoleSessionMax)) {
			t.Fatalf("session %q, %+v", id, s)
		}
		var n int
		if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM console_sessions WHERE id_hash = ? OR csrf = ?`), id, id).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the raw session ID is stored: %d, %v", n, err)
		}
		got, u, err := db.LookupConsoleSession(ctx, id)
		if err != nil || got.CSRF != s.CSRF || u.Login != "a" {
			t.Fatalf("lookup: %+v %+v %v", got, u, err)
		}
		if err := db.DeleteConsoleSession(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.LookupConsoleSession(ctx, id); err != ErrConsoleSession {
			t.Errorf("a deleted session: %v", err)
		}
	})
}

// TestAuditLimit: the audit lists a tenant's records newest first, at most
// the limit asked, and refuses an incomplete record.
func TestAuditLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i := range 3 {
			if err := db.RecordAudit(ctx, AuditRecord{Tenant: "t1", Login: "a", Action: "x", Target: string(rune('a' + i))}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordAudit(ctx, AuditRecord{Tenant: "t2", Login: "", Action: "x"}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("no login: %v", err)
		}
		rs, err := db.Audit(ctx, "t1", 2)
		if err != nil || len(rs) != 2 || rs[0].Target != "c" || rs[1].Target != "b" {
			t.Fatalf("%+v %v", rs, err)
		}
		if rs, _ := db.Audit(ctx, "t2", 0); len(rs) != 0 {
			t.Errorf("t2: %+v", rs)
		}
	})
}

// signInRefusals makes, in tenant t1 of db, the accounts whose sign-in
// is refused for each reason but an unknown login: "wrong" (a usable
// account, signed in with another password), "disabled" and "locked"
// (ConsoleMaxFailures wrong passwords in a row). refusedLogins lists
// them with the unknown "nobody", the password to try being
// refusedPassword.
func signInRefusals(tb testing.TB, db *DB) {
	tb.Helper()
	ctx := context.Background()
	if err := db.CreateTenant(ctx, "t1", "t1"); err != nil {
		tb.Fatal(err)
	}
	for _, login := range []string{"wrong", "disabled", "locked"} {
		if err := db.CreateConsoleUser(ctx, ConsoleUser{Login: login, Tenant: "t1", Name: login, Role: "dispatcher"}, "twelve chars"); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.DisableConsoleUser(ctx, "t1", "disabled"); err != nil {
		tb.Fatal(err)
	}
	for range ConsoleMaxFailures {
		db.CheckConsolePassword(ctx, "locked", "not the password")
	}
}

var refusedLogins = []string{"wrong", "nobody", "disabled", "locked"}

const refusedPassword = "twelve chars!"

// TestSignInRefusalsHashAlike: an unknown login, a disabled and a locked
// account are refused after the same work as a wrong password: one
// password hashing at the cost of a real one (README, the console's
// passwords), so that the time of a refusal does not tell which logins
// exist. The hashings are counted through the context (withHashTally),
// not timed: a timed comparison failed under -race on a loaded machine.
// BenchmarkSignInRefusal measures the times (docs/BENCHMARKS.md).
func TestSignInRefusalsHashAlike(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		signInRefusals(t, db)
		ctx, tally := withHashTally(context.Background())
		want := []hashCost{{MemoryKiB: argonMemoryKiB, Passes: argonTime, Lanes: argonThreads, KeyLen: argonKeyLen}}
		for _, login := range refusedLogins {
			for _, password := range []string{refusedPassword, strings.Repeat("p", MaxPasswordLen+1)} {
				if _, err := db.CheckConsolePassword(ctx, login, password); app.ErrorCode(err) != app.EUNAUTHORIZED {
					t.Fatalf("%s with a password of %d characters: %v, want refused", login, len(password), err)
				}
				if got := tally.take(); !slices.Equal(got, want) {
					t.Errorf("%s with a password of %d characters refused after the hashings %+v, want one as a stored password's %+v", login, len(password), got, want)
				}
			}
		}
		if _, err := db.CheckConsolePassword(ctx, "wrong", "twelve chars"); err != nil {
			t.Fatalf("the right password: %v", err)
		}
		if got := tally.take(); !slices.Equal(got, want) {
			t.Errorf("a sign-in hashed %+v, want %+v", got, want)
		}
	})
}

// BenchmarkSignInRefusal: the time a refused sign-in takes for each
// reason, on SQLite (a hashing and a write each): the four should be
// alike, as TestSignInRefusalsHashAlike checks by their work.
func BenchmarkSignInRefusal(b *testing.B) {
	db := openTestDB(b, Config{DataDir: b.TempDir()})
	signInRefusals(b, db)
	ctx := context.Background()
	for _, login := range refusedLogins {
		b.Run(login, func(b *testing.B) {
			var cpu time.Duration // the sign-ins', not the unlocking's hashing
			for b.Loop() {
				if login == "wrong" {
					// Unlocked again: a sixth wrong password would lock it.
					b.StopTimer()
					if err := db.SetPassword(ctx, "t1", "wrong", "twelve chars"); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				cpu0 := cpuTime()
				if _, err := db.CheckConsolePassword(ctx, login, refusedPassword); app.ErrorCode(err) != app.EUNAUTHORIZED {
					b.Fatalf("%s: %v", login, err)
				}
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// TestEndedSessionsArePurgedAtSignIn: a session left to expire is deleted
// at the next sign-in of anyone, live ones are kept.
func TestEndedSessionsArePurgedAtSignIn(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			now := testNow
			cfg := Config{DataDir: t.TempDir(), Clock: app.ClockFunc(func() time.Time { return now })}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db, err := OpenDB(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.CreateTenant(ctx, "t1", "t1"); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateConsoleUser(ctx, ConsoleUser{Login: "a", Tenant: "t1", Name: "A", Role: "dispatcher"}, "twelve chars"); err != nil {
				t.Fatal(err)
			}
			left, _, _ := db.CreateConsoleSession(ctx, "t1", "a")
			now = now.Add(ConsoleSessionIdle - time.Minute)
			kept, _, _ := db.CreateConsoleSession(ctx, "t1", "a")
			now = now.Add(time.Minute)
			if _, _, err := db.CreateConsoleSession(ctx, "t1", "a"); err != nil {
				t.Fatal(err)
			}
			for id, want := range map[string]int{left: 0, kept: 1} {
				var n int
				if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM console_sessions WHERE id_hash = ?`), hashToken(id)).Scan(&n); err != nil || n != want {
					t.Errorf("rows of a session: %d, %v; want %d", n, err, want)
				}
			}
		})
	}
}

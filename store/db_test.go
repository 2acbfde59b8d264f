package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"go/build"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

func hashFile(tb testing.TB, path string) [32]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(b)
}

// rawDB opens path with the plain driver, as another program would.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

func rawExec(tb testing.TB, db *sql.DB, queries ...string) {
	tb.Helper()
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// mustOpenMigrated opens the store at path, as mustOpenPath, and fails
// unless Open brought it to the last migration.
func mustOpenMigrated(tb testing.TB, path string, opts ...Option) *DB {
	tb.Helper()
	db := mustOpenPath(tb, path, opts...)
	var version int
	if err := db.read.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != len(migrations()) {
		tb.Fatalf("user_version %d, %v; want %d", version, err, len(migrations()))
	}
	return db
}

// rawDBBefore creates a store at path with the plain driver, as the code
// before migration name left it: every migration before name applied and
// recorded. A test of name's upgrade writes its rows there, then opens it.
func rawDBBefore(tb testing.TB, path, name string) *sql.DB {
	tb.Helper()
	raw := rawDB(tb, path)
	for i, m := range migrations() {
		if m.name == name {
			return raw
		}
		rawExec(tb, raw, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`, m.sql,
			fmt.Sprintf(`INSERT INTO migrations (name, applied_at) VALUES ('%s', 0)`, m.name),
			fmt.Sprintf("PRAGMA application_id = %d", applicationID), fmt.Sprintf("PRAGMA user_version = %d", i+1))
	}
	tb.Fatalf("no migration %s", name)
	return nil
}

// newStoreFile creates a closed store with the conformance world and a few
// outbox rows, and returns its path.
func newStoreFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "fieldbench.db")
	db, err := Open(context.Background(), path, WithClock(fixedClock(storetest.Now)))
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Load(context.Background(), storetest.World()); err != nil {
		tb.Fatal(err)
	}
	c := NewCommitter(db)
	for i := range 50 {
		_, err := c.Commit(context.Background(), app.Actor{Role: app.RoleSystem, Name: "test"},
			&app.AddNote{Note: app.Note{ID: fmt.Sprint("n-", i), Ticket: storetest.T1, Text: strings.Repeat("long note ", 40)}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// smashTable overwrites the root page of table with garbage.
func smashTable(tb testing.TB, path, table string) {
	tb.Helper()
	raw := rawDB(tb, path)
	var root, pageSize int64
	if err := raw.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE name = ?`, table).Scan(&root); err != nil {
		tb.Fatal(err)
	}
	if err := raw.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		tb.Fatal(err)
	}
	raw.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	garbage := bytes.Repeat([]byte{0xA5, 0x13, 0x77, 0x02}, int(pageSize)/4)
	if _, err := f.WriteAt(garbage, (root-1)*pageSize); err != nil {
		tb.Fatal(err)
	}
}

func wantError(t *testing.T, err error, code string, advice ...string) {
	t.Helper()
	if got := app.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	e := app.AsError(err)
	if e.Key == "" {
		t.Errorf("error %v has no translation key", err)
	}
	for _, a := range advice {
		if !strings.Contains(e.Text(), a) {
			t.Errorf("message %q does not say %q", e.Text(), a)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		make   func(t *testing.T) string // returns the path
		opts   []Option
		code   string
		advice string
	}{
		"NotADatabase": {func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "fb.db")
			os.WriteFile(p, bytes.Repeat([]byte("not a database "), 500), 0o600)
			return p
		}, nil, app.ECORRUPT, "Restore it from a backup, or re-pair"},
		"ZeroLength": {func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "fb.db")
			os.WriteFile(p, nil, 0o600)
			return p
		}, nil, app.ECORRUPT, "Restore it from a backup, or re-pair"},
		"ZeroLengthWithWAL": {func(t *testing.T) string {
			// A store whose main file was lost while its -wal kept the
			// last commits: SQLite would delete the -wal of an empty file.
			p := newStoreFile(t)
			raw := rawDB(t, p)
			rawExec(t, raw, "PRAGMA wal_autocheckpoint = 0", "INSERT INTO technicians (id, name) VALUES ('x', 'x')")
			wal, err := os.ReadFile(p + "-wal")
			raw.Close()
			if err != nil || len(wal) == 0 {
				t.Fatalf("no WAL to keep: %v", err)
			}
			os.WriteFile(p, nil, 0o600)
			os.WriteFile(p+"-wal", wal, 0o600)
			return p
		}, nil, app.ECORRUPT, "Restore it from a backup, or re-pair"},
		"TruncatedHeader": {func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "fb.db")
			os.WriteFile(p, []byte("SQLite format 3\x00\x10\x00"), 0o600)
			return p
		}, nil, app.ECORRUPT, "re-pair"},
		"DamagedSchema": {func(t *testing.T) string {
			p := newStoreFile(t)
			f, _ := os.OpenFile(p, os.O_RDWR, 0)
			f.WriteAt(bytes.Repeat([]byte{0xff}, 3000), 100) // page 1 after the header
			f.Close()
			return p
		}, nil, app.ECORRUPT, "re-pair"},
		"DamagedOutbox": {func(t *testing.T) string {
			p := newStoreFile(t)
			smashTable(t, p, "outbox")
			return p
		}, nil, app.ECORRUPT, "Restore it from a backup"},
		"DamagedTicketsFullCheck": {func(t *testing.T) string {
			p := newStoreFile(t)
			smashTable(t, p, "tickets")
			return p
		}, []Option{WithFullCheck()}, app.ECORRUPT, "re-pair"},
		"ForeignDatabase": {func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "fb.db")
			raw := rawDB(t, p)
			rawExec(t, raw, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)", "INSERT INTO invoices VALUES (1)")
			raw.Close()
			return p
		}, nil, app.ECORRUPT, "not a Fieldbench data file"},
		"TooNew": {func(t *testing.T) string {
			p := newStoreFile(t)
			raw := rawDB(t, p)
			rawExec(t, raw, "PRAGMA user_version = 99")
			raw.Close() // checkpoints the change into the file
			return p
		}, nil, app.ETOONEW, "Update Fieldbench"},
		"OpenElsewhere": {func(t *testing.T) string {
			p := newStoreFile(t)
			mustOpenPath(t, p)
			return p
		}, nil, app.ELOCKED, "Close the other Fieldbench window"},
		"ExclusiveLock": {func(t *testing.T) string {
			// Another program holds an exclusive SQLite lock on a
			// rollback-journal copy of the store.
			p := newStoreFile(t)
			raw := rawDB(t, p)
			rawExec(t, raw, "PRAGMA journal_mode = DELETE")
			tx, err := raw.Begin()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tx.Rollback() })
			if _, err := tx.Exec("PRAGMA locking_mode = EXCLUSIVE"); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec("INSERT INTO technicians (id, name) VALUES ('x', 'x')"); err != nil {
				t.Fatal(err)
			}
			return p
		}, []Option{WithBusyTimeout(50 * time.Millisecond)}, app.ELOCKED, "Close the other Fieldbench window"},
	} {
		t.Run(name, func(t *testing.T) {
			path := tc.make(t)
			before := hashFile(t, path)
			walBefore, _ := os.ReadFile(path + "-wal")
			db, err := Open(t.Context(), path, tc.opts...)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			wantError(t, err, tc.code, tc.advice)
			if after := hashFile(t, path); after != before {
				t.Error("Open modified the file it refused")
			}
			if walAfter, _ := os.ReadFile(path + "-wal"); !bytes.Equal(walAfter, walBefore) {
				t.Errorf("Open changed the file's -wal: %d bytes before, %d after", len(walBefore), len(walAfter))
			}
		})
	}
}

func TestOpenLockedByOtherProcess(t *testing.T) {
	path := newStoreFile(t)
	child := startChild(t, "hold", path)
	if line, err := child.out.ReadString('\n'); err != nil || line != "open\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	before := hashFile(t, path)
	_, err := Open(t.Context(), path)
	wantError(t, err, app.ELOCKED, "Close the other Fieldbench window")
	if hashFile(t, path) != before {
		t.Error("Open modified the file of another process")
	}
	// The lock dies with its process.
	child.kill(t)
	mustOpenPath(t, path)
}

func TestCheckFindsDamage(t *testing.T) {
	path := newStoreFile(t)
	smashTable(t, path, "tickets")
	db := mustOpenPath(t, path) // the quick checks at Open skip tickets
	wantError(t, db.Check(t.Context()), app.ECORRUPT, "re-pair")
	_, err := NewTicketService(db).TicketDetail(t.Context(), storetest.T1)
	wantError(t, err, app.ECORRUPT)

	good := mustOpen(t)
	if err := good.Check(t.Context()); err != nil {
		t.Errorf("Check on a good store: %v", err)
	}
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(t.Context(), "fieldbench.db")
	wantError(t, err, app.EINVALID)
	_, err = Open(t.Context(), dir)
	wantError(t, err, app.EINVALID, "folder")

	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	_, err = Open(t.Context(), filepath.Join(file, "sub", "fieldbench.db"))
	wantError(t, err, app.EINTERNAL, "free space")

	// First run: the folder does not exist yet. Odd characters in the path
	// must survive the DSN.
	path := filepath.Join(dir, "new folder", "a?b#c%20", "fieldbench.db")
	db := mustOpenPath(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("store file not at %s: %v", path, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 2 { // the db and its lock
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files beside the store: %v", names)
	}
}

func TestOpenSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb.db")
	db := mustOpenPath(t, path)
	id := db.DeviceID()
	if id == "" {
		t.Fatal("no device ID")
	}
	var mode string
	var version, appID, fk int
	db.write.QueryRow("PRAGMA journal_mode").Scan(&mode)
	db.write.QueryRow("PRAGMA user_version").Scan(&version)
	db.write.QueryRow("PRAGMA application_id").Scan(&appID)
	db.write.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || version != len(migrations()) || appID != applicationID || fk != 1 {
		t.Errorf("journal_mode %s, user_version %d, application_id %x, foreign_keys %d", mode, version, appID, fk)
	}
	var sync int
	db.write.QueryRow("PRAGMA synchronous").Scan(&sync)
	if sync != 2 {
		t.Errorf("synchronous = %d, want 2 (FULL)", sync)
	}
	rows, err := db.read.Query("SELECT name FROM migrations ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(names) != len(migrations()) || names[0] != "0001_init.sql" {
		t.Errorf("recorded migrations = %v", names)
	}
	if _, err := db.read.Exec("INSERT INTO technicians (id, name) VALUES ('x', 'x')"); err == nil {
		t.Error("the read pool accepted a write")
	}
	db.Close()

	db = mustOpenPath(t, path)
	if db.DeviceID() != id {
		t.Errorf("device ID changed from %s to %s on reopen", id, db.DeviceID())
	}
}

// TestMigrationNames keeps the migrations numbered 0001, 0002, ... with no
// gap, because the count of applied migrations is the schema version.
func TestMigrationNames(t *testing.T) {
	for i, m := range migrations() {
		if want := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(m.name, want) {
			t.Errorf("migration %d is %s, want a name starting %s", i+1, m.name, want)
		}
	}
}

func TestWriteLockedByOtherConnection(t *testing.T) {
	path := newStoreFile(t)
	db := mustOpenPath(t, path, WithBusyTimeout(50*time.Millisecond))
	raw := rawDB(t, path)
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO technicians (id, name) VALUES ('x', 'x')"); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	note := func(id string) app.Command {
		return &app.AddNote{Note: app.Note{ID: id, Ticket: storetest.T1, Text: "x"}}
	}
	sys := app.Actor{Role: app.RoleSystem}
	_, err = c.Commit(t.Context(), sys, note("n-locked"))
	wantError(t, err, app.ELOCKED, "Close the other Fieldbench window")
	tx.Rollback()
	m, err := c.Commit(t.Context(), sys, note("n-free"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Seq != 51 {
		t.Errorf("seq after a locked commit = %d, want 51", m.Seq)
	}
}

// TestImports keeps store on its side of the layering: app (and its JSON
// round-trip check, app/jsonstable), the standard library, the SQLite driver, its kept transactions (internal/sqlitetx), the
// log's VFS (internal/walvfs) and golang.org/x/image (shrinking photos on attach); never Fyne, sync or
// scanner.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		first := strings.Split(imp, "/")[0]
		switch {
		case !strings.Contains(first, "."): // standard library
		case imp == "github.com/fieldbench/fieldbench/app", imp == "github.com/fieldbench/fieldbench/app/jsonstable":
		case imp == "github.com/fieldbench/fieldbench/internal/sqlitetx", imp == "github.com/fieldbench/fieldbench/internal/walvfs":
		case imp == "modernc.org/sqlite" || imp == "modernc.org/sqlite/lib":
		case imp == "golang.org/x/image/draw":
		default:
			t.Errorf("store imports %s", imp)
		}
	}
}

type child struct {
	cmd *exec.Cmd
	out *bufio.Reader
}

// startChild re-runs the test binary in a child mode (see runChild).
func startChild(t *testing.T, mode, path string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childPath+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, out: bufio.NewReader(out)}
	t.Cleanup(func() { c.kill(t) })
	return c
}

// kill sends SIGKILL (TerminateProcess on Windows) and reaps the child.
func (c *child) kill(t *testing.T) {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Kill()
	c.cmd.Wait()
}

// TestKill9 commits in a child process that is killed with SIGKILL at an
// arbitrary point; every seq the child reported after Commit returned must
// be in the outbox, each with its note, and the outbox must be gapless.
// Three rounds reopen the same file, so recovery after a kill is tested too.
func TestKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	var acked []int64
	for round := range 3 {
		c := startChild(t, "commit", path)
		for range 25 + round*40 { // read this many acknowledgements, then kill
			line, err := c.out.ReadString('\n')
			if err != nil {
				t.Fatalf("round %d: child stopped after %d seqs: %v", round, len(acked), err)
			}
			var seq int64
			if _, err := fmt.Sscan(line, &seq); err != nil {
				t.Fatalf("child said %q", line)
			}
			acked = append(acked, seq)
		}
		// The child is still committing: kill it at some point of a commit.
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		c.kill(t)

		db := mustOpenPath(t, path, WithFullCheck())
		var n, maxSeq int64
		db.read.QueryRow(`SELECT count(*), coalesce(max(seq), 0) FROM outbox`).Scan(&n, &maxSeq)
		if n != maxSeq {
			t.Errorf("round %d: outbox has %d rows up to seq %d: not gapless", round, n, maxSeq)
		}
		for _, seq := range acked {
			var found int
			db.read.QueryRow(`SELECT count(*) FROM outbox WHERE seq = ?`, seq).Scan(&found)
			if found != 1 {
				t.Errorf("round %d: acknowledged seq %d lost", round, seq)
			}
		}
		var notes int64
		db.read.QueryRow(`SELECT count(*) FROM notes WHERE ticket_id = ?`, string(storetest.T2)).Scan(&notes)
		if notes != maxSeq+1 { // the world's own note plus one per mutation
			t.Errorf("round %d: %d notes for %d outbox rows", round, notes, maxSeq)
		}
		t.Logf("round %d: %d acknowledged, %d committed", round, len(acked), maxSeq)
		db.Close()
	}
}

// TestWithUpgrading: Open calls the upgrading hook once, before it
// migrates a store an earlier version of the app made, and never for a
// new store or for one already current: the start screen says "Updating
// your data" only when a migration really runs. Nor does a new or a
// current store report an upgrade's progress (WithUpgradeProgress): a
// first run would read "Updating your data".
func TestWithUpgrading(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	raw := rawDBBefore(t, old, "0016_ticket_search_product.sql")
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	current := filepath.Join(dir, "current.db")
	mustOpenPath(t, current).Close()
	for _, tc := range []struct {
		name, path string
		want       int
	}{
		{"a store at 0015", old, 1},
		{"the same store, now current", old, 0},
		{"a new store", filepath.Join(dir, "new.db"), 0},
		{"a current store", current, 0},
	} {
		calls, reports := 0, 0
		mustOpenMigrated(t, tc.path, WithUpgrading(func() { calls++ }), WithUpgradeProgress(func(app.StartProgress) { reports++ })).Close()
		if calls != tc.want {
			t.Errorf("%s: the upgrading hook ran %d times, want %d", tc.name, calls, tc.want)
		}
		if tc.want == 0 && reports != 0 {
			t.Errorf("%s: %d reports of an upgrade's progress, want none", tc.name, reports)
		}
	}
}

// TestUpgradeStepsReported: an upgrade reports each of its steps as it
// begins (WithUpgradeProgress), Part 1 to Parts, a step in SQL alone too
// (0027 makes two indexes and counts no rows), and a step's rows carry
// its Part: the start screen moves on from one step to the next instead
// of sitting still through the steps that count nothing.
func TestUpgradeStepsReported(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string) *sql.DB // the store before the upgrade
		rows bool                                    // some step rewrites rows
	}{
		{"OneStepInSQL", func(t *testing.T, path string) *sql.DB {
			// A store of this version, taken back to schema 26.
			mustOpenMigrated(t, path).Close()
			raw := rawDB(t, path)
			rawExec(t, raw, `DROP INDEX parts_used_serial`, `DROP INDEX movements_serial`,
				`DELETE FROM migrations WHERE name >= '0027'`, `PRAGMA user_version = 26`)
			return raw
		}, false},
		{"FromSchema14", func(t *testing.T, path string) *sql.DB {
			raw := rawDBBefore(t, path, "0015_outbox_without_id_index.sql")
			insertWorldTickets(t, raw)
			return raw
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fieldbench.db")
			raw := tc.make(t, path)
			var version int
			if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
				t.Fatal(err)
			}
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}
			pending := len(migrations()) - version
			var steps []app.StartProgress
			rows := 0
			mustOpenMigrated(t, path, WithUpgradeProgress(func(p app.StartProgress) {
				if p.Step != app.StartUpgrading {
					t.Errorf("report %+v, want step StartUpgrading", p)
				}
				if p.Of == "" {
					steps = append(steps, p)
					return
				}
				rows++
				if len(steps) == 0 || p.Part != steps[len(steps)-1].Part || p.Parts != steps[len(steps)-1].Parts {
					t.Errorf("rows reported %+v, want them with the step running (%d steps reported)", p, len(steps))
				}
			})).Close()
			if len(steps) < pending || len(steps) > pending+1 {
				t.Fatalf("%d steps reported for %d migrations: %+v", len(steps), pending, steps)
			}
			for i, p := range steps {
				if want := (app.StartProgress{Step: app.StartUpgrading, Part: i + 1, Parts: len(steps)}); p != want {
					t.Errorf("step report %d: %+v, want %+v", i, p, want)
				}
			}
			if (rows > 0) != tc.rows {
				t.Errorf("%d reports of rows, want some: %v", rows, tc.rows)
			}
		})
	}
}

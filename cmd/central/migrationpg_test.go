package main

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// README's rules for a start that must migrate, on PostgreSQL, from the
// outside: the built binary, its standard error and output read through
// one pipe. A migration is held up from the outside too, deterministically
// and without the service's internals: the test takes a row lock on a
// row of the board's search index in a transaction of its own, so the
// refold's update of that row waits until the test lets it go; the test
// sees it waiting in pg_locks.

const (
	refoldLine  = "migration: refolding the board's search index"
	waitingLine = "migration: waiting for another instance to finish migrating the database"
)

// migrationLogEvery is README's "how far it is every 5 s".
const migrationLogEvery = 5 * time.Second

// lineWait bounds every wait for a line or a lock in these tests.
const lineWait = 30 * time.Second

// progressLine is README's progress line as the service's log writes it
// (slog's text, which quotes the message).
var progressLine = regexp.MustCompile(`migration: refolding the board's search index: in progress"? done=(\d+) of=(\d+)`)

// TestMigrationLogsProgressEvery5s: a refold that takes longer than 5 s
// logs how far it is, and again 5 s later, done= growing and never above
// of=, before its end and before the service listens. It holds the
// refold up twice, 5 s each time, with row locks on the first and the
// last row of the index, which the refold updates in different batches
// (it reads 512 rows at a time; the index has 1,201): about 11 s of this
// test's time, run beside the others.
func TestMigrationLogsProgressEvery5s(t *testing.T) {
	t.Parallel()
	const tickets = 1201
	bin := killBuild(t)
	dir, dsn := t.TempDir(), pgtest.ForTest(t)
	db := upgradedPostgres(t, bin, dir, dsn, tickets)
	first, last := lockIndexRow(t, db, "ASC"), lockIndexRow(t, db, "DESC")

	p := startLogged(t, bin, "-data", dir, "-postgres", dsn, "-addr", "127.0.0.1:0")
	p.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(refoldLine+": started")))
	waitLockWait(t, db)
	time.Sleep(migrationLogEvery)
	if err := first.Rollback(); err != nil {
		t.Fatal(err)
	}
	done1, of1 := progress(t, p)
	seen := time.Now()
	waitLockWait(t, db)
	time.Sleep(time.Until(seen.Add(migrationLogEvery)))
	if err := last.Rollback(); err != nil {
		t.Fatal(err)
	}
	done2, of2 := progress(t, p)
	p.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(refoldLine+": done")))
	p.waitFor(t, killListening)
	if of1 != tickets || of2 != tickets {
		t.Errorf("of=%d, then of=%d; want the index's %d rows", of1, of2, tickets)
	}
	if done1 <= 0 || done2 <= done1 || done2 > of2 {
		t.Errorf("done=%d then done=%d of %d: want it growing and at most of=\n%s", done1, done2, of2, p.log())
	}
	// The batch between the two held up runs free, well within 5 s of
	// the first line: a line for it would be one more often than every 5 s.
	if n := len(progressLine.FindAllString(p.log(), -1)); n != 2 {
		t.Errorf("%d progress lines, want 2 (one per 5 s held up):\n%s", n, p.log())
	}
}

// TestMigrationWaitsForAnotherInstance: two instances started on one
// PostgreSQL that needs a migration: the second, started while the
// first migrates, says that it waits for the other; then both listen,
// and the migration ran once (its start line is once in the two logs).
func TestMigrationWaitsForAnotherInstance(t *testing.T) {
	t.Parallel()
	bin := killBuild(t)
	dir, dsn := t.TempDir(), pgtest.ForTest(t)
	db := upgradedPostgres(t, bin, dir, dsn, 1)
	row := lockIndexRow(t, db, "ASC")

	args := []string{"-data", dir, "-postgres", dsn, "-addr", "127.0.0.1:0"}
	first := startLogged(t, bin, args...)
	first.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(refoldLine+": started")))
	waitLockWait(t, db) // the first is in its migration and stays there
	second := startLogged(t, bin, args...)
	second.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(waitingLine)))
	if err := row.Rollback(); err != nil {
		t.Fatal(err)
	}
	first.waitFor(t, killListening)
	second.waitFor(t, killListening)
	if n := strings.Count(first.log()+second.log(), refoldLine+": started"); n != 1 {
		t.Errorf("the refold started %d times in the two instances, want once:\nfirst:\n%s\nsecond:\n%s", n, first.log(), second.log())
	}
}

// upgradedPostgres makes dsn's database as an older service would have
// left it for the refold: the service started on it once (one ticket,
// seeded through the admin CLI), then the board's search index copied to
// rows rows, its mark saying fold 1 made it and its folds stale. The
// copies are index rows only: the refold reads and writes the index
// alone. It returns the database, open for the test.
func upgradedPostgres(t *testing.T, bin, dir, dsn string, rows int) *sql.DB {
	t.Helper()
	p := launch(t, bin, []string{"-data", dir, "-postgres", dsn, "-addr", "127.0.0.1:0"}, killListening, true)
	killSeed(t, p, dir, 0)
	p.kill()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const columns = `tenant, id, number, number_fold, status, open, kind, priority, technician, store,
		window_start, window_end, respond_by, resolve_by, customer_name, name_fold, customer_phone,
		serial, serial_fold, brand, model, step_at, product_fold`
	for _, q := range []string{
		`INSERT INTO ticket_index (` + columns + `) SELECT ` + strings.Replace(strings.Replace(columns, " id,", " id || '-' || g,", 1), " number,", " number || '-' || g,", 1) +
			` FROM ticket_index, generate_series(2, ` + strconv.Itoa(rows) + `) AS g`,
		`UPDATE meta SET v = '1' WHERE k = 'ticket_index_fold'`,
		`UPDATE ticket_index SET name_fold = 'stale'`,
	} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM ticket_index`).Scan(&n); err != nil || n != rows {
		t.Fatalf("the index has %d rows (%v), want %d", n, err, rows)
	}
	return db
}

// lockIndexRow locks, in a transaction it returns, the first row of the
// board's search index in the order the refold reads it (order ASC) or
// the last (DESC).
func lockIndexRow(t *testing.T, db *sql.DB, order string) *sql.Tx {
	t.Helper()
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	var id string
	q := fmt.Sprintf(`SELECT id FROM ticket_index ORDER BY tenant %[1]s, id %[1]s LIMIT 1 FOR UPDATE`, order)
	if err := tx.QueryRowContext(t.Context(), q).Scan(&id); err != nil {
		t.Fatalf("lock a row of the index: %v", err)
	}
	return tx
}

// waitLockWait waits until a session of db's database waits for a lock:
// the refold's update of a row the test locked.
func waitLockWait(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(lineWait)
	for {
		var n int
		err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE NOT l.granted AND a.datname = current_database()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session waited for the locked row within %v", lineWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// progress waits for p's next progress line of the refold and returns
// its done= and of=.
func progress(t *testing.T, p *loggedProc) (done, of int) {
	t.Helper()
	m := progressLine.FindStringSubmatch(p.waitFor(t, progressLine))
	done, _ = strconv.Atoi(m[1])
	of, _ = strconv.Atoi(m[2])
	return done, of
}

// loggedProc is the service started with its standard error and output
// on one pipe (a line logged before another is read before it), its
// lines kept as they come.
type loggedProc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the pipe ended and the process exited
	more   chan struct{} // a line came (buffered 1)
	mu     gosync.Mutex
	lines  []string
	next   int // waitFor looks from this line on
}

// startLogged starts bin with args; the process is killed at the test's end.
func startLogged(t *testing.T, bin string, args ...string) *loggedProc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &loggedProc{cmd: exec.Command(bin, args...), exited: make(chan struct{}), more: make(chan struct{}, 1)}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	go func() {
		defer close(p.exited)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
		r.Close()
		p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// waitFor waits up to lineWait for a line matching re after the line the
// last waitFor found, and returns it; it fails t when the process exits
// or the time is up first.
func (p *loggedProc) waitFor(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	timeout := time.After(lineWait)
	for ended := false; ; {
		p.mu.Lock()
		for ; p.next < len(p.lines); p.next++ {
			if re.MatchString(p.lines[p.next]) {
				p.next++
				line := p.lines[p.next-1]
				p.mu.Unlock()
				return line
			}
		}
		p.mu.Unlock()
		if ended {
			t.Fatalf("central exited without logging %q:\n%s", re, p.log())
		}
		select {
		case <-p.more:
		case <-p.exited:
			ended = true // every line is in: look at them once more
		case <-timeout:
			t.Fatalf("central did not log %q within %v:\n%s", re, lineWait, p.log())
		}
	}
}

// log is what p wrote so far.
func (p *loggedProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n") + "\n"
}

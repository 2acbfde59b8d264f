package walvfs

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// openPair opens path's writer through the VFS at the given synchronous
// setting and a reader through the platform's VFS, as the device's store
// does, with a table of two indexes besides its key.
func openPair(t *testing.T, synchronous string) (w, r *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	w, err := openWriter(path, synchronous)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if r, err = sql.Open("sqlite", dsn(path, synchronous, false)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return w, r
}

// openWriter opens path through the VFS, one connection, and makes the
// table if it is not there.
func openWriter(path, synchronous string) (*sql.DB, error) {
	if err := Register(); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, synchronous, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, a TEXT, b BLOB);
		CREATE INDEX IF NOT EXISTS t_a ON t(a); CREATE INDEX IF NOT EXISTS t_b ON t(b)`); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func dsn(path, synchronous string, vfs bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	if vfs {
		q.Set("vfs", Name)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}).String()
}

// row is the i-th row's text and blob: long enough that a commit writes
// pages of the table and both indexes.
func row(i int) (string, []byte) {
	return fmt.Sprintf("row %08d %0300d", i, i), bytes.Repeat([]byte{byte(i)}, 400+i%97)
}

func insert(t *testing.T, db *sql.DB, i int) {
	t.Helper()
	a, b := row(i)
	if _, err := db.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, i, a, b); err != nil {
		t.Fatalf("insert %d: %v", i, err)
	}
}

// checkRows: db holds rows 1..n exactly, and the database is whole.
func checkRows(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	var count, sum int
	if err := db.QueryRow(`SELECT count(*), coalesce(sum(id), 0) FROM t`).Scan(&count, &sum); err != nil {
		t.Fatal(err)
	}
	if count != n || sum != n*(n+1)/2 {
		t.Fatalf("%d rows summing to %d, want %d rows", count, sum, n)
	}
	if n > 0 {
		var a string
		var b []byte
		if err := db.QueryRow(`SELECT a, b FROM t WHERE id = ?`, n).Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		wa, wb := row(n)
		if a != wa || !bytes.Equal(b, wb) {
			t.Fatalf("row %d reads back different", n)
		}
	}
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q, %v", ok, err)
	}
}

// TestCommitWritesTheLogOnce: a commit that changes a page of a table
// and of each of its two indexes hands the log one write, where SQLite
// writes two per frame.
func TestCommitWritesTheLogOnce(t *testing.T) {
	w, _ := openPair(t, "FULL")
	insert(t, w, 1) // the log's header, written and synced at its first commit
	before := logWrites.Load()
	const commits = 50
	for i := 2; i < 2+commits; i++ {
		insert(t, w, i)
	}
	if got := logWrites.Load() - before; got != commits {
		t.Errorf("%d commits handed the log %d writes, want one each", commits, got)
	}
	checkRows(t, w, commits+1)
}

// TestReadersSeeEveryCommit: a connection through the platform's VFS
// reads every commit as soon as the writer's returns, at every
// synchronous setting: at NORMAL and OFF SQLite never syncs the log at a
// commit, so only the commit frame's own write puts the frames in the
// file before the log's index names them.
func TestReadersSeeEveryCommit(t *testing.T) {
	for _, synchronous := range []string{"FULL", "NORMAL", "OFF"} {
		t.Run(synchronous, func(t *testing.T) {
			w, r := openPair(t, synchronous)
			for i := 1; i <= 60; i++ {
				insert(t, w, i)
				var last int
				if err := r.QueryRow(`SELECT coalesce(max(id), 0) FROM t`).Scan(&last); err != nil {
					t.Fatalf("after commit %d: %v", i, err)
				}
				if last != i {
					t.Fatalf("after commit %d the reader sees %d", i, last)
				}
			}
			checkRows(t, r, 60)
		})
	}
}

// TestLargeTransaction: a transaction of several MiB, larger than
// MaxGathered many times over and than the writer's page cache (so SQLite
// writes frames before the commit and reads them back), commits whole.
func TestLargeTransaction(t *testing.T) {
	w, r := openPair(t, "FULL")
	if _, err := w.Exec(`PRAGMA cache_size = 50`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6000
	for i := 1; i <= n; i++ {
		a, b := row(i)
		if _, err := tx.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, i, a, b); err != nil {
			t.Fatal(err)
		}
		if i == n/2 {
			// Reads pages written to the log before the commit.
			var c int
			if err := tx.QueryRow(`SELECT count(*) FROM t WHERE a > ''`).Scan(&c); err != nil || c != i {
				t.Fatalf("inside the transaction: %d rows, %v", c, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	checkRows(t, r, n)
	if _, err := w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	insert(t, w, n+1)
	checkRows(t, r, n+1)
}

// TestFailedWriteRollsBack: a write the platform VFS refuses (a full
// disk, an I/O error) fails the commit that made it, which then changes
// nothing, and the next commits write and read as before.
func TestFailedWriteRollsBack(t *testing.T) {
	w, r := openPair(t, "FULL")
	for i := 1; i <= 3; i++ {
		insert(t, w, i)
	}
	failWrite.Store(true)
	a, b := row(4)
	if _, err := w.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, 4, a, b); err == nil {
		t.Fatal("a commit whose log write failed succeeded")
	}
	if failWrite.Load() {
		t.Fatal("the commit never wrote to the log")
	}
	checkRows(t, r, 3)
	for i := 4; i <= 10; i++ {
		insert(t, w, i)
	}
	checkRows(t, r, 10)
	checkRows(t, w, 10)
}

// TestReadsInsideATransaction: a transaction larger than the writer's
// page cache has SQLite write pages to the log before its commit and read
// them back inside it; every read sees what was written, at every size.
func TestReadsInsideATransaction(t *testing.T) {
	for _, cache := range []int{2, 5, 20} {
		for _, n := range []int{10, 20, 40, 80} {
			w, _ := openPair(t, "FULL")
			if _, err := w.Exec(fmt.Sprintf("PRAGMA cache_size = %d", cache)); err != nil {
				t.Fatal(err)
			}
			tx, err := w.BeginTx(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= n; i++ {
				a, b := row(i)
				if _, err := tx.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, i, a, b); err != nil {
					t.Fatal(err)
				}
			}
			var c int
			err = tx.QueryRow(`SELECT count(*) FROM t WHERE a > '' AND length(b) > 0`).Scan(&c)
			if err != nil || c != n {
				t.Errorf("cache of %d pages, %d rows inserted: the transaction reads %d (%v)", cache, n, c, err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			checkRows(t, w, n)
		}
	}
}

// TestRandomWork drives the writer with seeded random work, transactions
// of one row to thousands, updates, deletes, rollbacks, checkpoints of
// every kind and a reopened writer, at a random page cache and
// synchronous setting, and after every step compares what a reader
// through the platform's VFS sees with a model of the table.
func TestRandomWork(t *testing.T) {
	for seed := range uint64(9) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			synchronous := []string{"FULL", "NORMAL", "OFF"}[rng.IntN(3)]
			w, r := openPair(t, synchronous)
			cache := 2 + rng.IntN(200)
			if _, err := w.Exec(fmt.Sprintf("PRAGMA cache_size = %d", cache)); err != nil {
				t.Fatal(err)
			}
			model := map[int]int{} // id -> the version its text was written at
			next := 1
			for step := range 80 {
				tx, err := w.BeginTx(context.Background(), nil)
				if err != nil {
					t.Fatal(err)
				}
				changes := map[int]int{}
				size := 1 + rng.IntN(8)
				if rng.IntN(10) == 0 {
					size = 200 + rng.IntN(1500)
				}
				for range size {
					switch op := rng.IntN(10); {
					case op < 6 || len(model) == 0:
						id := next
						next++
						a, b := row(id)
						if _, err := tx.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, id, a, b); err != nil {
							t.Fatal(err)
						}
						changes[id] = id
					case op < 8:
						id := 1 + rng.IntN(next-1)
						a, b := row(step*100000 + id)
						if _, err := tx.Exec(`UPDATE t SET a = ?, b = ? WHERE id = ?`, a, b, id); err != nil {
							t.Fatal(err)
						}
						now, changed := changes[id]
						if !changed {
							now = model[id]
						}
						if now != 0 { // the row is there to update
							changes[id] = step*100000 + id
						}
					default:
						id := 1 + rng.IntN(next-1)
						if _, err := tx.Exec(`DELETE FROM t WHERE id = ?`, id); err != nil {
							t.Fatal(err)
						}
						changes[id] = 0
					}
				}
				if rng.IntN(8) == 0 {
					if err := tx.Rollback(); err != nil {
						t.Fatal(err)
					}
				} else {
					if err := tx.Commit(); err != nil {
						t.Fatal(err)
					}
					for id, v := range changes {
						if v == 0 {
							delete(model, id)
						} else {
							model[id] = v
						}
					}
				}
				switch rng.IntN(12) {
				case 0:
					mode := []string{"PASSIVE", "FULL", "RESTART", "TRUNCATE"}[rng.IntN(4)]
					if _, err := w.Exec(`PRAGMA wal_checkpoint(` + mode + `)`); err != nil {
						t.Fatal(err)
					}
				case 1:
					// A new writer connection: the old one's log file is closed.
					w.SetMaxIdleConns(0)
					w.SetMaxIdleConns(2)
					if _, err := w.Exec(fmt.Sprintf("PRAGMA cache_size = %d", cache)); err != nil {
						t.Fatal(err)
					}
				}
				compare(t, r, model, step)
			}
			var ok string
			if err := r.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
				t.Fatalf("integrity_check: %q, %v", ok, err)
			}
		})
	}
}

// compare fails t unless db's table holds exactly model's rows, each with
// the text of the version model names.
func compare(t *testing.T, db *sql.DB, model map[int]int, step int) {
	t.Helper()
	rows, err := db.Query(`SELECT id, a, b FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id int
		var a string
		var b []byte
		if err := rows.Scan(&id, &a, &b); err != nil {
			t.Fatal(err)
		}
		v, ok := model[id]
		wa, wb := row(v)
		if !ok || a != wa || !bytes.Equal(b, wb) {
			t.Fatalf("step %d: row %d reads back different from what was committed", step, id)
		}
		seen++
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("step %d: %v", step, err)
	}
	if seen != len(model) {
		t.Fatalf("step %d: %d rows, want %d", step, seen, len(model))
	}
}

// TestMain runs the test binary as TestKill9's child when asked.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(m.Run())
}

const childEnv = "WALVFS_CHILD_DB"

// runChild commits transactions that make SQLite overwrite pages in place
// and rewrite the frames' checksums at the commit (a page cache of two
// pages, every row inserted and then updated in the same transaction), at
// synchronous=NORMAL, where SQLite itself never syncs the log at a commit;
// it prints each transaction's last ID once Commit returned, then "done",
// and waits to be killed.
func runChild(path string) int {
	w, err := openWriter(path, "NORMAL")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := w.Exec(`PRAGMA cache_size = 2`); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	id := 0
	for range 6 {
		tx, err := w.Begin()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		first := id + 1
		for range 40 {
			id++
			a, b := row(id)
			if _, err := tx.Exec(`INSERT INTO t(id, a, b) VALUES (?, ?, ?)`, id, a, b); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
		}
		for i := first; i <= id; i++ {
			a, b := row(i)
			if _, err := tx.Exec(`UPDATE t SET a = ?, b = ? WHERE id = ?`, a, b, i); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
		}
		if err := tx.Commit(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println(id)
	}
	fmt.Println("done")
	time.Sleep(time.Hour)
	return 0
}

// TestKill9: every transaction a process committed through the VFS is in
// the database after the process is killed with SIGKILL, also at
// synchronous=NORMAL, where what a commit wrote lives only in the
// operating system's cache: nothing a commit wrote waits in the process.
func TestKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(out)
	last := 0
	for lines.Scan() && lines.Text() != "done" {
		if _, err := fmt.Sscan(lines.Text(), &last); err != nil {
			t.Fatalf("child said %q", lines.Text())
		}
	}
	if last == 0 {
		t.Fatal("the child committed nothing")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	r, err := sql.Open("sqlite", dsn(path, "FULL", false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkRows(t, r, last)
}

// Command driverfloor compares two SQLite drivers' commit floor on one
// machine in the same minutes: modernc.org/sqlite (the design card's, pure
// Go, transpiled from C) and github.com/mattn/go-sqlite3 (cgo, SQLite's C
// compiled by gcc). Each transaction inserts 1, 2 or 3 rows, each in a
// table with one index besides its key (a fact, an outbox row, a stock
// movement: the b-trees a user's action writes), in WAL mode at
// synchronous=FULL and, for the ceiling without any durability, OFF.
//
// It is store/bench_test.go's BenchmarkCommitFloor without the store:
// after each commit one 4 KiB write + fsync of a file in the same folder
// is timed apart, and x-fsync is commits/s divided by those fsyncs/s, the
// measure of issue 16's device target (docs/BENCHMARKS.md, "The design's
// ceiling"). It is its own module so that the app never links cgo SQLite.
//
//	cd cmd/driverfloor && go build -o /tmp/driverfloor . && /tmp/driverfloor -n 3000
package main

import (
	"bytes"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

var schema = []string{
	`CREATE TABLE facts (id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, text TEXT NOT NULL) WITHOUT ROWID`,
	`CREATE INDEX facts_ticket ON facts (ticket_id)`,
	`CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ticket_id TEXT, args TEXT NOT NULL)`,
	`CREATE INDEX outbox_ticket ON outbox (ticket_id)`,
	`CREATE TABLE movements (id TEXT PRIMARY KEY, part TEXT NOT NULL, location TEXT NOT NULL, qty INTEGER NOT NULL) WITHOUT ROWID`,
	`CREATE INDEX movements_part ON movements (part, location)`,
}

const args = `{"note":{"id":"bn-1","ticket":"T-2","text":"checked the charging port","at":"0001-01-01T00:00:00Z"}}`

func main() {
	n := flag.Int("n", 3000, "commits per run")
	dir := flag.String("dir", os.TempDir(), "folder for the databases (the disk measured)")
	flag.Parse()
	for _, sync := range []string{"FULL", "OFF"} {
		for rows := 1; rows <= 3; rows++ {
			for _, driver := range []string{"sqlite", "sqlite3"} {
				if err := run(*dir, driver, sync, rows, *n); err != nil {
					log.Fatalf("%s, synchronous=%s, %d rows: %v", driver, sync, rows, err)
				}
			}
		}
	}
}

// run times n commits of rows rows each on a new database of driver.
func run(parent, driver, sync string, rows, n int) error {
	dir, err := os.MkdirTemp(parent, "driverfloor")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open(driver, filepath.Join(dir, "floor.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection: the pragmas below hold for every transaction.
	db.SetMaxOpenConns(1)
	for _, q := range append([]string{`PRAGMA journal_mode=WAL`, `PRAGMA synchronous=` + sync}, schema...) {
		if _, err := db.Exec(q); err != nil {
			return err
		}
	}
	var stmts []*sql.Stmt
	for _, q := range []string{
		`INSERT INTO facts VALUES (?, 'T-2', 'checked the charging port')`,
		`INSERT INTO outbox (id, ticket_id, args) VALUES (?, 'T-2', '` + args + `')`,
		`INSERT INTO movements VALUES (?, 'P-50', 'van-ana', 1)`,
	}[:rows] {
		st, err := db.Prepare(q)
		if err != nil {
			return err
		}
		defer st.Close()
		stmts = append(stmts, st)
	}
	f, err := os.Create(filepath.Join(dir, "fsync"))
	if err != nil {
		return err
	}
	defer f.Close()
	buf := bytes.Repeat([]byte{1}, 4096)
	var commits, fsyncs, cpu time.Duration
	for i := range n {
		start, cpu0 := time.Now(), processCPU()
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for _, st := range stmts {
			if _, err := tx.Stmt(st).Exec(uuid.Must(uuid.NewV7()).String()); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		cpu += processCPU() - cpu0
		mid := time.Now()
		if _, err := f.WriteAt(buf, int64(i%16)*4096); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		commits += mid.Sub(start)
		fsyncs += time.Since(mid)
	}
	fmt.Printf("%-7s synchronous=%-4s rows=%d  commits/s %6.0f  fsyncs/s %6.0f  x-fsync %.2f  cpu-µs/commit %.0f\n",
		driver, sync, rows, float64(n)/commits.Seconds(), float64(n)/fsyncs.Seconds(),
		fsyncs.Seconds()/commits.Seconds(), float64(cpu.Microseconds())/float64(n))
	return nil
}

// processCPU is the process's user + system time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

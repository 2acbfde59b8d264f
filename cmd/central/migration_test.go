package main

import (
	"bufio"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartAfterUpgradeLogsItsMigration drives README's rule from the
// outside, with the built binary: a start after an upgrade that must
// migrate the database first logs the migration to stderr, its start and
// why, and its end, before it listens; a start with nothing to migrate,
// as a new database's, logs nothing of the kind. The upgrade is made as
// an older service would have left the file: the board's search index
// folded by an older fold (its mark says 1), its folds stale.
func TestStartAfterUpgradeLogsItsMigration(t *testing.T) {
	const refold = "migration: refolding the board's search index"
	bin := killBuild(t)
	dir := t.TempDir()
	p := killStart(t, bin, dir)
	killSeed(t, p, dir, 0)
	if log := p.log(); strings.Contains(log, "migration:") {
		t.Errorf("a new database logged a migration:\n%s", log)
	}
	p.kill()

	db, err := sql.Open("sqlite", filepath.Join(dir, "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE meta SET v = '1' WHERE k = 'ticket_index_fold'`, `UPDATE ticket_index SET name_fold = 'stale'`} {
		if res, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s changed %d rows, want 1", q, n)
		}
	}
	db.Close()

	log := outputUntilListening(t, bin, dir)
	started, done := strings.Index(log, refold+": started"), strings.Index(log, refold+": done")
	if started < 0 || done < started {
		t.Fatalf("the start after the upgrade did not log the refold's start and then its end before it listened:\n%s", log)
	}
	if line := log[started:]; !strings.Contains(line[:strings.IndexByte(line, '\n')], "why=") {
		t.Errorf("the refold's start line does not say why: %s", line[:strings.IndexByte(line, '\n')])
	}
	if line := log[done:]; !strings.Contains(line[:strings.IndexByte(line, '\n')], "rows=1") {
		t.Errorf("the refold's end line does not count the one ticket: %s", line[:strings.IndexByte(line, '\n')])
	}

	db, err = sql.Open("sqlite", filepath.Join(dir, "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	var fold string
	if err := db.QueryRowContext(t.Context(), `SELECT name_fold FROM ticket_index`).Scan(&fold); err != nil || fold != "customer" {
		t.Errorf("after the refold the customer's fold is %q (%v), want %q", fold, err, "customer")
	}
	db.Close()

	if log := outputUntilListening(t, bin, dir); strings.Contains(log, "migration:") {
		t.Errorf("a start with nothing to migrate logged:\n%s", log)
	}
}

// outputUntilListening starts the service on dir and returns what it
// wrote, stderr and stdout in the order written, up to the line that
// says where it listens (at most 30 s), then kills it. One pipe takes
// both: with one each, a line logged before the listening line could
// still be in its pipe when that line is read.
func outputUntilListening(t *testing.T, bin, dir string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(bin, "-data", dir, "-addr", "127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		for range lines { // the reader ends at the pipe's end
		}
	}()
	var out strings.Builder
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("central exited before listening:\n%s", out.String())
			}
			out.WriteString(line + "\n")
			if killListening.MatchString(line) {
				return out.String()
			}
		case <-timeout:
			t.Fatalf("central did not say where it listens:\n%s", out.String())
		}
	}
}

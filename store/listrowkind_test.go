package store

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// kindTickets are n list tickets, every second one waiting for parts,
// their kinds in turn on site, carry-in and mail-in.
func kindTickets(n int) []app.Ticket {
	tickets := listTickets(n)
	kinds := []app.TicketKind{app.KindOnSite, app.KindCarryIn, app.KindMailIn}
	for i := range tickets {
		tickets[i].Kind = kinds[i%3]
		if i%2 == 0 {
			tickets[i].Status = app.StatusWaitingParts
		}
	}
	tickets[4].StartedAt = genNow.Add(-50 * time.Hour) // a visit begun: the row keeps its start
	return tickets
}

// storeBefore0026 writes at path a store of schema 25 holding tickets, its
// list rows as the apps before 0026 wrote them: 13 elements, no kind, and
// every fifth 12 (0011's, before the start was kept). Schema 25 is this
// app's but for those rows, so the store is made by this app and taken
// back; the later migrations run again over it.
func storeBefore0026(t testing.TB, path string, tickets []app.Ticket) {
	t.Helper()
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)))
	ds := app.Dataset{}
	for _, tk := range tickets {
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
	}
	if err := db.Load(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	rawExec(t, raw, `UPDATE tickets SET list_row = json_remove(list_row, '$[13]')`,
		`UPDATE tickets SET list_row = json_remove(list_row, '$[12]') WHERE rid % 5 = 0`,
		`DELETE FROM migrations WHERE name >= '0026'`, `PRAGMA user_version = 25`)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitingTickets counts the tickets waiting for parts.
func waitingTickets(tickets []app.Ticket) int {
	n := 0
	for _, tk := range tickets {
		if tk.Status == app.StatusWaitingParts {
			n++
		}
	}
	return n
}

// checkListRowKinds checks every ticket row's list_row: a waiting ticket's
// is the one saveTicket writes, its kind with it; any other is still the
// older one, without a kind (0026 writes the waiting ones only).
func checkListRowKinds(t *testing.T, db *DB, tickets []app.Ticket) {
	t.Helper()
	byID := map[app.TicketID]app.Ticket{}
	for _, tk := range tickets {
		byID[tk.ID] = tk
	}
	rows, err := db.read.Query(`SELECT list_row FROM tickets`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		r, err := decodeListRow(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		tk := byID[r.ID]
		want, _ := encodeListRow(tk.Row()) // times in UTC, as the row holds them
		switch {
		case tk.Status == app.StatusWaitingParts && s != want:
			t.Errorf("waiting ticket %s after the upgrade: list row\n%s, want\n%s", tk.Number, s, want)
		case tk.Status != app.StatusWaitingParts && r.Kind != "":
			t.Errorf("ticket %s (%s) got a kind in the upgrade: %s", tk.Number, tk.Status, s)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != len(tickets) {
		t.Fatalf("%d rows read (%v), want %d", n, err, len(tickets))
	}
}

// TestUpgradeListRowKind: a store of schema 25 opened by this app has the
// kind in the list row of every ticket waiting for parts, so its badge
// tells a visit from a bench job at once, and the rewrite reports its
// rows, the waiting tickets, from 0 to all of them. The waiting list
// reads the kinds.
func TestUpgradeListRowKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	tickets := kindTickets(2*rebuildBatch + 250)
	storeBefore0026(t, path, tickets)
	defer func(every time.Duration) { upgradeReportEvery = every }(upgradeReportEvery)
	upgradeReportEvery = 0
	var got []int
	waiting := waitingTickets(tickets)
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)), WithUpgradeProgress(func(p app.StartProgress) {
		if p.Of == "" {
			return // a step begins (TestUpgradeStepsReported)
		}
		if p.Of != app.RowsTickets || p.Total != waiting {
			t.Errorf("report %+v, want of %d tickets", p, waiting)
		}
		got = append(got, p.Rows)
	}))
	if want := []int{0, 1000, waiting}; !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
	checkListRowKinds(t, db, tickets)
	list, err := NewTicketService(db).ListTickets(t.Context(), app.TicketFilter{View: app.ViewWaitingParts, Now: genNow, Location: time.UTC, Limit: 20})
	if err != nil || len(list.Rows) == 0 {
		t.Fatalf("waiting list: %d rows, %v", len(list.Rows), err)
	}
	for _, r := range list.Rows {
		if !r.Kind.Valid() {
			t.Errorf("waiting ticket %s listed without a kind", r.Number)
		}
	}
}

// TestUpgradeListRowKindKill9: a device killed (SIGKILL) while 0026 writes
// the waiting tickets' list rows is left at schema 25, its rows as they
// were, and the next Open writes them all.
func TestUpgradeListRowKindKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	tickets := kindTickets(3 * rebuildBatch)
	storeBefore0026(t, path, tickets)
	c := startChild(t, "upgrade-stall", path)
	for {
		line, err := c.out.ReadString('\n')
		if err != nil {
			t.Fatalf("child stopped: %v", err)
		}
		var of string
		var rows, total int
		if _, err := fmt.Sscan(line, &of, &rows, &total); err != nil {
			t.Fatalf("the child finished the upgrade before a report mid-rewrite (%q)", line)
		}
		if of == string(app.RowsTickets) && rows > 0 && rows < total {
			break // it stops there, in the migration's transaction
		}
	}
	c.kill(t)
	raw := rawDB(t, path)
	var version, kinds int
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != 25 {
		t.Fatalf("schema %d after the kill (%v), want 25", version, err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM tickets WHERE json_array_length(list_row) = 14`).Scan(&kinds); err != nil || kinds != 0 {
		t.Fatalf("%d rows with a kind after the kill (%v), want none", kinds, err)
	}
	raw.Close()
	db := mustOpenMigrated(t, path, WithClock(fixedClock(genNow)), WithFullCheck())
	checkListRowKinds(t, db, tickets)
}

// BenchmarkUpgradeFrom25 is a device's first Open after an upgrade from
// schema 25 at 100,000 tickets: 0026 writes the list row of each ticket
// waiting for parts again, with its kind, a tenth of them as genTickets
// makes them ("gen"), or every one of them ("all waiting", the bound);
// "current" is the Open of the gen store at schema 26, which upgrades
// nothing: what the Open costs besides 0026. Each run opens a copy of
// the same file and reports the CPU of the Open alone, hearing the
// upgrade's progress as the device does. docs/BENCHMARKS.md.
func BenchmarkUpgradeFrom25(b *testing.B) {
	gen := genTickets(rand.New(rand.NewPCG(25, 25)), 100_000, 20, "u", genParts(rand.New(rand.NewPCG(25, 25)), 50))
	for _, bc := range []struct {
		name                string
		allWaiting, current bool
	}{{"current", false, true}, {"gen", false, false}, {"all waiting", true, false}} {
		b.Run(bc.name, func(b *testing.B) {
			tickets := make([]app.Ticket, len(gen))
			for i, d := range gen {
				tickets[i] = d.Ticket
				if bc.allWaiting {
					tickets[i].Status = app.StatusWaitingParts
				}
			}
			src := filepath.Join(b.TempDir(), "schema25.db")
			storeBefore0026(b, src, tickets)
			if bc.current {
				mustOpenMigrated(b, src, WithClock(fixedClock(genNow))).Close()
			}
			benchUpgradeOpen(b, src, func(n int) error {
				if (n == 0) != bc.current {
					return fmt.Errorf("%d progress reports", n)
				}
				return nil
			})
			b.ReportMetric(float64(waitingTickets(tickets)), "waiting")
		})
	}
}

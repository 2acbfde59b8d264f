package central

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestPushFactIDTwice: a push whose two notes carry one new ID (under
// two mutation IDs) applies the first and refuses the second as a taken
// ID, on both databases. On PostgreSQL a push that only adds facts
// inserts them at its end (serverTx.deferFacts): the second note's own
// insert then finds the ID free, and only the deferred insert's count
// tells, which must send the push round again with savepoints.
func TestPushFactIDTwice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		same := fid("note twice")
		res := push(t, db, w.a,
			mut(t, 1, note(fid("note once"), w.ticketA.ID)),
			mut(t, 2, note(same, w.ticketA.ID)),
			mut(t, 3, note(same, w.ticketA.ID)))
		if res.Acked != 3 || len(res.Rejected) != 1 || res.Rejected[0].Seq != 3 || res.Rejected[0].Key != "mutation.id_unusable" {
			t.Fatalf("push = %+v, want acked 3 and seq 3 refused as mutation.id_unusable", res)
		}
		if n := len(detail(t, db, w.ticketA.ID).Notes); n != 2 {
			t.Errorf("%d notes on the ticket, want 2", n)
		}
	})
}

// TestPushFactIDTakenMeanwhile (PostgreSQL): a note whose ID another
// write inserts, uncommitted, while the push runs is looked up as free,
// and the push's deferred insert waits for that write; once it commits,
// the note is refused as a taken ID and the push's other note applied,
// not the note silently dropped (or the other's record answered as the
// device's).
func TestPushFactIDTakenMeanwhile(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	w := newWorld(t, db)
	ctx := context.Background()
	taken := fid("note taken meanwhile")
	other, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	data, err := json.Marshal(app.Note{ID: taken, Ticket: w.ticketA.ID, Text: "the other write's"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, db.q(qInsertFact), tenant, kindNote, taken, string(w.ticketA.ID), string(data)); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		res PushResult
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := db.Push(ctx, w.a, []app.Mutation{mut(t, 1, note(fid("note free"), w.ticketA.ID)), mut(t, 2, note(taken, w.ticketA.ID))})
		done <- answer{res, err}
	}()
	// Commit the other write only once the push waits for it: before,
	// the push would find the ID taken when it looks it up, and the
	// deferred insert would not be what is tested.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO entities%'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the push never waited for the other write's insert")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	a := <-done
	if a.err != nil {
		t.Fatal(a.err)
	}
	if a.res.Acked != 2 || len(a.res.Rejected) != 1 || a.res.Rejected[0].Seq != 2 || a.res.Rejected[0].Key != "mutation.id_unusable" {
		t.Fatalf("push = %+v, want acked 2 and seq 2 refused as mutation.id_unusable", a.res)
	}
	notes := detail(t, db, w.ticketA.ID).Notes
	if len(notes) != 2 || notes[0].ID == notes[1].ID {
		t.Errorf("notes %+v, want the free note and the other write's", notes)
	}
	var applied int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM applied WHERE device = ?`), string(w.a.Device)).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 2 {
		t.Errorf("%d applied rows, want 2: %s", applied, fmt.Sprint(a.res.Rejected))
	}
}

// TestPushLookupsUseTheKey (PostgreSQL): a push's lookup of its new
// records' IDs finds each ID in the primary key when the statistics,
// taken before the notes came, say there are none, instead of reading
// every note of the tenant and filtering them (a cost that grew with
// the table). Its lookup of the mutation IDs is not checked: with
// such statistics the planner still reads the device's applied rows
// through applied_device (device, seq), as it did before, a smaller
// index it finds as cheap for the one row it expects.
func TestPushLookupsUseTheKey(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
	w := newWorld(t, db)
	// Statistics taken before the device pushed its notes, as
	// autovacuum's lag leaves them on a busy server: the table is known
	// to be big, the notes to be few.
	for _, q := range []string{
		`INSERT INTO entities (tenant, kind, id, data) SELECT $1, 'part', 'p-' || g, '{}' FROM generate_series(1, 5000) AS g`,
		`ANALYZE entities`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{tenant}
		}
		if _, err := db.write.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
	var muts []app.Mutation
	for i := range 200 {
		muts = append(muts, mut(t, int64(i+1), note(fid(fmt.Sprintf("lookup %d", i)), w.ticketA.ID)))
	}
	push(t, db, w.a, muts...)
	ids := []string{fid("lookup 0"), fid("not there")}
	for _, c := range []struct {
		query string
		args  []any
		index string
	}{
		{qTakenAny, []any{ids, tenant, kindNote}, "entities_pkey"},
		{qEntitiesAny, []any{ids, tenant, kindNote}, "entities_pkey"},
	} {
		rows, err := db.read.QueryContext(t.Context(), "EXPLAIN "+db.q(c.query), c.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan += line + "\n"
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if !strings.Contains(plan, c.index) || strings.Contains(plan, "Filter") || !strings.Contains(plan, "= u.id") {
			t.Errorf("%s\nis planned\n%s\nnot as a lookup of each ID in %s", c.query, plan, c.index)
		}
	}
}

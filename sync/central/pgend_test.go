package central

import (
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestPushEndLostToLocksRunsAgain (PostgreSQL): a push's end goes with
// its COMMIT and a BEGIN in one batch (pgTry). When PostgreSQL ends that
// transaction as a deadlock's victim at the end's statement, or as a
// serialization failure at the COMMIT itself, the push runs again whole
// (pgTx), is answered once applied, and left nothing of the lost try:
// one applied row per mutation, the note once, every row of the push at
// the version the counter gave the try that committed; and the
// connection the batch used serves the next push.
func TestPushEndLostToLocksRunsAgain(t *testing.T) {
	for _, tc := range []struct {
		name, trigger string
	}{
		// The end's statement takes the counter row (qFinish).
		{"end", `CREATE TRIGGER lose_once BEFORE UPDATE ON counter FOR EACH ROW EXECUTE FUNCTION lose_once('40P01')`},
		// A deferred trigger fires at COMMIT, the batch's second statement.
		{"commit", `CREATE CONSTRAINT TRIGGER lose_once AFTER UPDATE ON counter DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lose_once('40001')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t, Config{DataDir: t.TempDir(), Postgres: pgtest.ForTest(t)})
			w := newWorld(t, db)
			ctx := context.Background()
			// A sequence is not rolled back with the try it failed: only
			// the first try loses.
			for _, stmt := range []string{
				`CREATE SEQUENCE lose_once_tries`,
				`CREATE FUNCTION lose_once() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF nextval('lose_once_tries') = 1 THEN
						RAISE EXCEPTION 'lost on purpose' USING ERRCODE = TG_ARGV[0];
					END IF;
					RETURN NEW;
				END $$`,
				tc.trigger,
			} {
				if _, err := db.write.ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
			var before int64
			if err := db.read.QueryRowContext(ctx, `SELECT v FROM counter`).Scan(&before); err != nil {
				t.Fatal(err)
			}
			id := fid("note after a lost end " + tc.name)
			res := push(t, db, w.a, mut(t, 1, note(id, w.ticketA.ID)))
			if res.Acked != 1 || len(res.Rejected) != 0 {
				t.Fatalf("push = %+v, want seq 1 applied", res)
			}
			var tries int64
			if err := db.read.QueryRowContext(ctx, `SELECT last_value FROM lose_once_tries`).Scan(&tries); err != nil {
				t.Fatal(err)
			}
			if tries < 2 {
				t.Fatalf("the trigger fired %d times: the end was not lost once and run again", tries)
			}
			var counter, applied, appliedVersion, notes, changeVersion int64
			if err := db.read.QueryRowContext(ctx, `SELECT v FROM counter`).Scan(&counter); err != nil {
				t.Fatal(err)
			}
			if err := db.read.QueryRowContext(ctx, `SELECT count(*), max(version) FROM applied WHERE device = $1`, string(w.a.Device)).Scan(&applied, &appliedVersion); err != nil {
				t.Fatal(err)
			}
			if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM entities WHERE tenant = $1 AND kind = $2 AND id = $3`, tenant, kindNote, id).Scan(&notes); err != nil {
				t.Fatal(err)
			}
			if err := db.read.QueryRowContext(ctx, `SELECT max(version) FROM changes WHERE kind = $1 AND id = $2`, kindNote, id).Scan(&changeVersion); err != nil {
				t.Fatal(err)
			}
			if applied != 1 || notes != 1 {
				t.Errorf("%d applied rows and %d notes, want 1 and 1", applied, notes)
			}
			if counter != before+1 || appliedVersion != counter || changeVersion != counter {
				t.Errorf("counter %d -> %d, applied at %d, the note's change at %d: want one version, the counter's", before, counter, appliedVersion, changeVersion)
			}
			// The next push takes the next version, on whichever pooled
			// connection: no transaction was left open on one.
			res = push(t, db, w.a, mut(t, 2, note(fid("next note "+tc.name), w.ticketA.ID)))
			if res.Acked != 2 || len(res.Rejected) != 0 {
				t.Fatalf("next push = %+v, want seq 2 applied", res)
			}
			if err := db.read.QueryRowContext(ctx, `SELECT v FROM counter`).Scan(&counter); err != nil {
				t.Fatal(err)
			}
			if counter != before+2 {
				t.Errorf("after the next push the counter is %d, want %d", counter, before+2)
			}
		})
	}
}

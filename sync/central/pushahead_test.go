package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestPushReadAheadStale: a push decodes its mutations and finds its
// technician's scopes (on SQLite, cached) before its transaction
// (readAhead), and what is written in between decides as if the push had
// done it all in its transaction: a van taken away or given meanwhile is
// out of or in the technician's scopes, for this push and the next (the
// cache forgets them), a mutation ID the device used meanwhile applies
// nothing, and a mutation the decoding refused is refused with its
// answer, changing nothing.
func TestPushReadAheadStale(t *testing.T) {
	ctx := context.Background()
	consume := func(id string, ticket app.TicketID, from app.LocationID) app.Command {
		return &app.ConsumePart{Used: app.PartUsed{ID: fid(id), Ticket: ticket, Part: "BAT-1", Qty: 1, From: from}}
	}
	load := func(t *testing.T, db *DB, ds app.Dataset) {
		t.Helper()
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		// muts is the push read ahead; meanwhile writes before its
		// transaction.
		muts      func(t *testing.T, w *world) []app.Mutation
		meanwhile func(t *testing.T, w *world, muts []app.Mutation)
		rejected  []string // the rejections' keys
		notes     int      // notes added to ticket A, both pushes
		vanA      int      // BAT-1 in van A after (5 before)
		vanB      int      // BAT-1 in van B after (3 before)
		// again, when set, is where a later push consumes one more
		// BAT-1 from: refused as the push was, or accepted.
		again app.LocationID
	}{
		{
			name: "nothing meanwhile",
			muts: func(t *testing.T, w *world) []app.Mutation {
				return []app.Mutation{mut(t, 1, note(fid("quiet-1"), w.ticketA.ID)), mut(t, 2, consume("quiet-u", w.ticketA.ID, "van-a"))}
			},
			meanwhile: func(*testing.T, *world, []app.Mutation) {},
			notes:     1, vanA: 4, vanB: 3,
		},
		{
			name: "the mutation ID used meanwhile at an earlier seq",
			muts: func(t *testing.T, w *world) []app.Mutation {
				return []app.Mutation{mut(t, 1, note(fid("used-1"), w.ticketA.ID)), mut(t, 2, note(fid("used-2"), w.ticketA.ID))}
			},
			meanwhile: func(t *testing.T, w *world, muts []app.Mutation) {
				m := mut(t, 1, note(fid("used-meanwhile"), w.ticketA.ID))
				m.ID = muts[1].ID
				push(t, w.db, w.a, m)
			},
			notes: 1, vanA: 5, vanB: 3, // the meanwhile note; seq 2 applies nothing
		},
		{
			name: "the same push applied meanwhile",
			muts: func(t *testing.T, w *world) []app.Mutation {
				return []app.Mutation{mut(t, 1, note(fid("twice-1"), w.ticketA.ID)), mut(t, 2, consume("twice-u", w.ticketA.ID, "van-a"))}
			},
			meanwhile: func(t *testing.T, w *world, muts []app.Mutation) { push(t, w.db, w.a, muts...) },
			notes:     1, vanA: 4, vanB: 3,
		},
		{
			name: "the van taken away meanwhile",
			muts: func(t *testing.T, w *world) []app.Mutation {
				return []app.Mutation{mut(t, 1, consume("away-u", w.ticketA.ID, "van-a"))}
			},
			meanwhile: func(t *testing.T, w *world, _ []app.Mutation) {
				load(t, w.db, app.Dataset{
					Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-c"}},
					Locations: []app.Location{{ID: "van-c", Kind: app.LocationVan, Name: "Van C", Owner: "tech-a"},
						{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-b"}},
				})
			},
			rejected: []string{"stock.not_your_location"},
			vanA:     5, vanB: 3, again: "van-a",
		},
		{
			name: "a colleague's van given meanwhile",
			muts: func(t *testing.T, w *world) []app.Mutation {
				return []app.Mutation{mut(t, 1, consume("given-u", w.ticketA.ID, "van-b"))}
			},
			meanwhile: func(t *testing.T, w *world, _ []app.Mutation) {
				load(t, w.db, app.Dataset{Locations: []app.Location{{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-a"}}})
			},
			vanA: 5, vanB: 1, again: "van-b",
		},
		{
			name: "a mutation the decoding refuses",
			muts: func(t *testing.T, w *world) []app.Mutation {
				bad := mut(t, 2, note(fid("bad-2"), w.ticketA.ID))
				bad.Args = json.RawMessage(`{"note":{"id":"` + fid("bad-2") + `","ticket":"tk-a","text":"x"},"extra":1}`)
				return []app.Mutation{mut(t, 1, note(fid("bad-1"), w.ticketA.ID)), bad, mut(t, 3, consume("bad-u", w.ticketA.ID, "van-a"))}
			},
			meanwhile: func(*testing.T, *world, []app.Mutation) {},
			rejected:  []string{"mutation.bad_args"},
			notes:     1, vanA: 4, vanB: 3,
		},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, tc := range tests {
			t.Run(backend+"/"+tc.name, func(t *testing.T) {
				cfg := Config{DataDir: t.TempDir()}
				if backend == "postgres" {
					cfg.Postgres = pgtest.ForTest(t)
				}
				w := newWorld(t, openTestDB(t, cfg))
				muts := tc.muts(t, w)
				ahead := w.db.readAhead(ctx, w.a, muts)
				if found, want := ahead.scopes != nil, w.db.dialect == dialectSQLite; found != want {
					t.Fatalf("scopes found ahead: %v, want %v", found, want)
				}
				tc.meanwhile(t, w, muts)
				res, err := w.db.pushWith(ctx, w.a, muts, ahead)
				if err != nil {
					t.Fatal(err)
				}
				var keys []string
				for _, r := range res.Rejected {
					keys = append(keys, r.Key)
				}
				if want := muts[len(muts)-1].Seq; res.Acked != want || !slices.Equal(keys, tc.rejected) {
					t.Errorf("push = acked %d, rejected %v; want acked %d, rejected %v", res.Acked, keys, want, tc.rejected)
				}
				if tc.again != "" {
					res := push(t, w.db, w.a, mut(t, res.Acked+1, consume(tc.name+"/again", w.ticketA.ID, tc.again)))
					if refused := len(res.Rejected) > 0; refused != (len(tc.rejected) > 0) {
						t.Errorf("the next push: rejected %+v, want %v", res.Rejected, tc.rejected)
					}
				}
				if got := len(detail(t, w.db, w.ticketA.ID).Notes); got != tc.notes {
					t.Errorf("%d notes on ticket A, want %d", got, tc.notes)
				}
				for loc, want := range map[app.LocationID]int{"van-a": tc.vanA, "van-b": tc.vanB} {
					bs, err := w.db.Balances(ctx, tenant, loc)
					if err != nil {
						t.Fatal(err)
					}
					got := 0
					for _, b := range bs {
						if b.Part == "BAT-1" {
							got = b.Qty
						}
					}
					if got != want {
						t.Errorf("BAT-1 in %s: %d, want %d", loc, got, want)
					}
				}
			})
		}
	}
}

// TestPushRefusalRunsAgain: on SQLite a push runs first without a
// savepoint per mutation, and at a refusal runs again with them from its
// own savepoint. A refused mutation that wrote before it was refused
// leaves nothing (its movement, ledger rows and change rows), the
// mutations around it apply once, and the answer, the conflict and the
// applied rows are those of a push with savepoints throughout.
func TestPushRefusalRunsAgain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		var before int64
		if err := db.read.QueryRowContext(ctx, qCounter).Scan(&before); err != nil {
			t.Fatal(err)
		}
		consume := func(id string, from app.LocationID) app.Command {
			return &app.ConsumePart{Used: app.PartUsed{ID: fid(id), Ticket: w.ticketA.ID, Part: "BAT-1", Qty: 1, From: from}}
		}
		muts := []app.Mutation{
			mut(t, 1, note(fid("again-1"), w.ticketA.ID)),
			mut(t, 2, consume("again-2", "van-b")), // a colleague's van: refused after its movement is written
			mut(t, 3, note(fid("again-3"), w.ticketA.ID)),
			mut(t, 4, consume("again-4", "van-a")),
		}
		res := push(t, db, w.a, muts...)
		if res.Acked != 4 || len(res.Rejected) != 1 || res.Rejected[0].Seq != 2 || res.Rejected[0].Key != "stock.not_your_location" {
			t.Fatalf("push = %+v, want acked 4 with seq 2 refused (stock.not_your_location)", res)
		}
		d := detail(t, db, w.ticketA.ID)
		if len(d.Notes) != 2 || len(d.Parts) != 1 || d.Parts[0].From != "van-a" {
			t.Errorf("ticket A has %d notes and parts used %+v, want 2 notes and one part from van-a", len(d.Notes), d.Parts)
		}
		bs, err := db.Balances(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := `[{"part":"BAT-1","location":"van-a","qty":4,"pending":0},{"part":"BAT-1","location":"van-b","qty":3,"pending":0}]`; mustJSONc(bs) != want {
			t.Errorf("balances %s, want %s", mustJSONc(bs), want)
		}
		var changed int
		if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM changes WHERE scope = ? AND version > ?`), stockScope(tenant, "van-b"), before).Scan(&changed); err != nil {
			t.Fatal(err)
		}
		if changed != 0 {
			t.Errorf("%d change rows in van B's scope, want none", changed)
		}
		as, err := db.AppliedBy(ctx, tenant, w.a.Device)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, a := range as {
			statuses = append(statuses, a.Status)
		}
		if want := []string{"applied", "rejected", "applied", "applied"}; !slices.Equal(statuses, want) {
			t.Errorf("applied rows %v, want %v", statuses, want)
		}
		var conflicts int
		if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM entities WHERE tenant = ? AND kind = 'conflict' AND id = ?`), tenant, "cf-"+muts[1].ID).Scan(&conflicts); err != nil {
			t.Fatal(err)
		}
		if conflicts != 1 {
			t.Errorf("%d conflicts for the refused mutation, want 1", conflicts)
		}
	})
}

// TestPushRefusalInGroup: on SQLite pushes queued together commit in one
// group; a push whose optimistic run meets a refusal is rolled back from
// its member's savepoint and runs again in a later group, and the
// other pushes of its group, before or after it, commit as they ran:
// each mutation applied once, the refused one leaving nothing, and a
// change in the group (van B given to technician A) seen by the pushes
// after it in the group's order.
func TestPushRefusalInGroup(t *testing.T) {
	consume := func(id string, ticket app.TicketID, from app.LocationID) app.Command {
		return &app.ConsumePart{Used: app.PartUsed{ID: fid(id), Ticket: ticket, Part: "BAT-1", Qty: 1, From: from}}
	}
	tests := []struct {
		name string
		// order of the queued writes: "a" (technician A's push, refused
		// at its second mutation unless van B is A's), "b" (technician
		// B's), "give" (van B given to technician A).
		order []string
		// aRejected: A's push has its van B consumption refused.
		aRejected bool
		vanA      int // BAT-1 in van A after (5 before)
		vanB      int // BAT-1 in van B after (3 before)
	}{
		{name: "refused first", order: []string{"a", "b"}, aRejected: true, vanA: 4, vanB: 2},
		{name: "refused last", order: []string{"b", "a"}, aRejected: true, vanA: 4, vanB: 2},
		{name: "van given before in the group", order: []string{"give", "b", "a"}, vanA: 4, vanB: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			db := openTestDB(t, Config{DataDir: t.TempDir()})
			w := newWorld(t, db)
			// A first push fills the scope cache for technician A.
			push(t, db, w.a, mut(t, 1, note(fid(tc.name+"warm"), w.ticketA.ID)))
			aMuts := []app.Mutation{
				mut(t, 2, note(fid(tc.name+"a-1"), w.ticketA.ID)),
				mut(t, 3, consume(tc.name+"a-2", w.ticketA.ID, "van-b")),
				mut(t, 4, consume(tc.name+"a-3", w.ticketA.ID, "van-a")),
			}
			bMuts := []app.Mutation{
				mut(t, 1, note(fid(tc.name+"b-1"), w.ticketB.ID)),
				mut(t, 2, consume(tc.name+"b-2", w.ticketB.ID, "van-b")),
			}
			release, started, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				first <- db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
					close(started)
					<-release // the others queue meanwhile
					return nil
				})
			}()
			<-started
			type answer struct {
				res PushResult
				err error
			}
			answers := map[string]chan answer{}
			for i, who := range tc.order {
				answers[who] = make(chan answer, 1)
				go func() {
					var a answer
					switch who {
					case "a":
						a.res, a.err = db.Push(ctx, w.a, aMuts)
					case "b":
						a.res, a.err = db.Push(ctx, w.b, bMuts)
					case "give":
						// LoadDataset's write (its CreateTenant would
						// wait for the writer's connection).
						a.err = db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
							l := app.Location{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-a"}
							return db.loadReference(ctx, tx, tenant, version, []reference{{kindLocation, string(l.ID), catalogScope(tenant), l}})
						})
					}
					answers[who] <- a
				}()
				for deadline := time.Now().Add(10 * time.Second); len(db.queue) != i+1; time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("%s not queued", who)
					}
				}
			}
			close(release)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			for _, who := range tc.order {
				a := <-answers[who]
				if a.err != nil {
					t.Fatalf("%s: %v", who, a.err)
				}
				switch {
				case who == "a" && tc.aRejected:
					if a.res.Acked != 4 || len(a.res.Rejected) != 1 || a.res.Rejected[0].Seq != 3 || a.res.Rejected[0].Key != "stock.not_your_location" {
						t.Errorf("A's push = %+v, want acked 4 with seq 3 refused", a.res)
					}
				case who == "a":
					if a.res.Acked != 4 || len(a.res.Rejected) != 0 {
						t.Errorf("A's push = %+v, want acked 4, none refused (van B is A's)", a.res)
					}
				case who == "b":
					if a.res.Acked != 2 || len(a.res.Rejected) != 0 {
						t.Errorf("B's push = %+v, want acked 2, none refused", a.res)
					}
				}
			}
			da, dbt := detail(t, db, w.ticketA.ID), detail(t, db, w.ticketB.ID)
			wantPartsA := 1
			if !tc.aRejected {
				wantPartsA = 2
			}
			if len(da.Notes) != 2 || len(da.Parts) != wantPartsA || len(dbt.Notes) != 1 || len(dbt.Parts) != 1 {
				t.Errorf("ticket A: %d notes, %d parts; ticket B: %d notes, %d parts; want 2, %d; 1, 1", len(da.Notes), len(da.Parts), len(dbt.Notes), len(dbt.Parts), wantPartsA)
			}
			bs, err := db.Balances(ctx, tenant, "")
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(`[{"part":"BAT-1","location":"van-a","qty":%d,"pending":0},{"part":"BAT-1","location":"van-b","qty":%d,"pending":0}]`, tc.vanA, tc.vanB)
			if got := mustJSONc(bs); got != want {
				t.Errorf("balances %s, want %s", got, want)
			}
			var conflicts int
			if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM entities WHERE tenant = ? AND kind = 'conflict'`), tenant).Scan(&conflicts); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.aRejected]; conflicts != want {
				t.Errorf("%d conflicts, want %d", conflicts, want)
			}
			// Every version up to the counter is used once by the
			// change log's writes, and by no rolled back run.
			var counter, applied int64
			if err := db.read.QueryRowContext(ctx, qCounter).Scan(&counter); err != nil {
				t.Fatal(err)
			}
			if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM applied WHERE version > ?`, counter).Scan(&applied); err != nil || applied != 0 {
				t.Errorf("%d applied rows past the counter %d (%v)", applied, counter, err)
			}
		})
	}
}

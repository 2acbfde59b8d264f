package central

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

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

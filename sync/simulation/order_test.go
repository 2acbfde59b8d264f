package simulation

import (
	"fmt"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// TestVersionOrderUnderConcurrentPushes: devices push notes concurrently
// (the server commits them in groups) while other devices of the same
// technicians pull with small pages, over real HTTP servers: on SQLite one
// instance, on PostgreSQL two instances sharing the database, pushers and
// pullers split between them. A pull only reads changes after its cursor,
// so a change committed at a version below a cursor already handed out
// would never reach that puller: each puller's cursor never goes back, it
// receives every acknowledged note exactly once, and nothing else.
func TestVersionOrderUnderConcurrentPushes(t *testing.T) {
	tests := map[string]struct{ instances int }{
		"sqlite":   {1},
		"postgres": {2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			cfg := central.Config{DataDir: t.TempDir()}
			if name == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			var urls []string
			var db *central.DB
			for range tc.instances {
				d, err := central.OpenDB(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				srv := httptest.NewServer(central.NewServer(d, nil))
				t.Cleanup(srv.Close)
				urls, db = append(urls, srv.URL), d
			}
			size := demo.Size{Models: 5, Parts: 20, Tickets: 40, Technicians: 2}
			ds := demo.Generate(1, size, benchNow)
			if err := db.LoadDataset(ctx, "t", ds); err != nil {
				t.Fatal(err)
			}
			pair := func(i int, tech app.TechnicianID) *fbsync.Client {
				code, _, err := db.CreatePairing(ctx, "t", tech)
				if err != nil {
					t.Fatal(err)
				}
				url := urls[i%len(urls)]
				p, err := (&fbsync.Client{BaseURL: url}).Pair(ctx, code, "tablet")
				if err != nil {
					t.Fatal(err)
				}
				return &fbsync.Client{BaseURL: url, Token: p.Token}
			}

			const pushersPerTech, batches, batch = 4, 15, 5
			type puller struct {
				tech   app.TechnicianID
				client *fbsync.Client
				cursor string
				notes  map[string]int // note ID: times received
			}
			var pullers []*puller
			acked := map[app.TechnicianID]map[string]bool{}
			var mu gosync.Mutex
			var pushers gosync.WaitGroup
			n := 0
			for _, tech := range ds.Technicians {
				var ticket app.TicketID
				for _, d := range ds.Tickets {
					if d.Ticket.Technician == tech.ID && d.Ticket.Status.Open() {
						ticket = d.Ticket.ID
						break
					}
				}
				if ticket == "" {
					t.Fatalf("technician %s has no open ticket", tech.ID)
				}
				acked[tech.ID] = map[string]bool{}
				for range pushersPerTech {
					c := pair(n, tech.ID)
					n++
					pushers.Go(func() {
						var seq int64
						for range batches {
							var muts []app.Mutation
							var ids []string
							for range batch {
								seq++
								id := app.NewID()
								m, err := app.NewMutation(&app.AddNote{Note: app.Note{ID: id, Ticket: ticket, Text: "order"}}, time.Now())
								if err != nil {
									t.Error(err)
									return
								}
								m.Seq = seq
								muts, ids = append(muts, m), append(ids, id)
							}
							resp, err := c.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Acked: seq - batch, Push: muts, NoPull: true})
							if err != nil || resp.Acked != seq || len(resp.Rejected) != 0 {
								t.Errorf("push up to %d: %+v %v", seq, resp, err)
								return
							}
							mu.Lock()
							for _, id := range ids {
								acked[tech.ID][id] = true
							}
							mu.Unlock()
						}
					})
				}
				pullers = append(pullers, &puller{tech: tech.ID, client: pair(n, tech.ID), notes: map[string]int{}})
				n++
			}

			// pull fetches pages until none is waiting, checking that the
			// cursor never goes back.
			pull := func(p *puller) error {
				for range 1000 {
					resp, err := p.client.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Cursor: p.cursor, MaxBytes: 16 << 10})
					if err != nil {
						return fmt.Errorf("pull of %s: %w", p.tech, err)
					}
					if resp.Reset {
						return fmt.Errorf("pull of %s: reset", p.tech)
					}
					if p.cursor != "" {
						_, before, _ := central.CursorPosition(p.cursor)
						_, after, ok := central.CursorPosition(resp.Cursor)
						if !ok || after < before {
							return fmt.Errorf("pull of %s: cursor went from version %d to %d (%v)", p.tech, before, after, ok)
						}
					}
					p.cursor = resp.Cursor
					if resp.Data != nil {
						for _, note := range resp.Data.Notes {
							if note.Text == "order" {
								p.notes[note.ID]++
							}
						}
					}
					if !resp.More {
						return nil
					}
				}
				return fmt.Errorf("pull of %s: still more after 1000 pages", p.tech)
			}
			done := make(chan struct{})
			go func() { pushers.Wait(); close(done) }()
			var followers gosync.WaitGroup
			for _, p := range pullers {
				followers.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
							if err := pull(p); err != nil {
								t.Error(err)
								return
							}
						}
					}
				})
			}
			followers.Wait()
			for _, p := range pullers {
				if err := pull(p); err != nil { // what committed since the last pull
					t.Fatal(err)
				}
				for id, k := range p.notes {
					if !acked[p.tech][id] {
						t.Errorf("%s received note %s that no push acknowledged", p.tech, id)
					}
					if k != 1 {
						t.Errorf("%s received note %s %d times", p.tech, id, k)
					}
				}
				if len(acked[p.tech]) != pushersPerTech*batches*batch {
					t.Errorf("%s: %d notes acknowledged, want %d", p.tech, len(acked[p.tech]), pushersPerTech*batches*batch)
				}
				missed := 0
				for id := range acked[p.tech] {
					if p.notes[id] == 0 {
						missed++
					}
				}
				if missed > 0 {
					t.Errorf("%s never received %d of %d acknowledged notes: they committed below a cursor already handed out", p.tech, missed, len(acked[p.tech]))
				}
			}
		})
	}
}

package central

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// historyWorld adds to the conformance world closed tickets with history:
// A's closed 60 days ago (kept back), A's closed 10 days ago (whole), A's
// two old ones with a long note each (for the bound), and B's old one
// (outside A's scopes).
func historyWorld(t *testing.T, db *DB) *world {
	t.Helper()
	w := newWorld(t, db)
	closed := func(id, number string, tech app.TechnicianID, age time.Duration, facts int, noteLen int) app.TicketDetail {
		tk := w.ticketA
		tk.ID, tk.Number, tk.Technician, tk.Status = app.TicketID(id), number, tech, app.StatusClosed
		tk.UpdatedAt, tk.CompletedAt = testNow.Add(-age), testNow.Add(-age-time.Hour)
		d := app.TicketDetail{Ticket: tk}
		for i := range facts {
			d.Repairs = append(d.Repairs, app.RepairEntry{ID: id + "-r" + string(rune('0'+i)), Ticket: tk.ID, Action: "replaced battery", At: tk.CompletedAt})
		}
		d.Notes = []app.Note{{ID: id + "-n", Ticket: tk.ID, Text: "collected " + strings.Repeat("x", noteLen), At: tk.CompletedAt}}
		d.Photos = []app.Photo{{ID: id + "-p", Ticket: tk.ID, SHA256: strings.Repeat("a", 64), Size: 10, Mime: "image/jpeg", At: tk.CompletedAt, State: app.PhotoVerified}}
		return d
	}
	day := 24 * time.Hour
	ds := app.Dataset{Tickets: []app.TicketDetail{
		closed("tk-old", "FB-10", "tech-a", 60*day, 2, 0),
		closed("tk-recent", "FB-11", "tech-a", 10*day, 1, 0),
		closed("tk-big1", "FB-12", "tech-a", 90*day, 1, 12<<10),
		closed("tk-big2", "FB-13", "tech-a", 90*day, 1, 12<<10),
		closed("tk-bold", "FB-14", "tech-b", 60*day, 1, 0),
	}}
	if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
		t.Fatal(err)
	}
	return w
}

func factTickets(ds app.Dataset) map[app.TicketID]int {
	n := map[app.TicketID]int{}
	for _, r := range ds.Repairs {
		n[r.Ticket]++
	}
	for _, x := range ds.Notes {
		n[x.Ticket]++
	}
	for _, p := range ds.Photos {
		n[p.Ticket]++
	}
	for _, d := range ds.Tickets {
		n[d.Ticket.ID] += len(d.Repairs) + len(d.Notes) + len(d.Photos)
	}
	return n
}

func TestFirstPullKeepsOldHistoryBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := historyWorld(t, db)
		for round, pageBytes := range []int{MinPageBytes, DefaultPageBytes} {
			all, cur, _ := pullAll(t, db, w.a, "", pageBytes)
			away := map[app.TicketID]app.HistoryAway{}
			for _, d := range all.Tickets {
				if d.Away != nil {
					away[d.Ticket.ID] = *d.Away
				}
			}
			want := map[app.TicketID]app.HistoryAway{
				"tk-old":  {Repairs: 2, Notes: 1, Photos: 1},
				"tk-big1": {Repairs: 1, Notes: 1, Photos: 1},
				"tk-big2": {Repairs: 1, Notes: 1, Photos: 1},
			}
			if !mapsEqual(away, want) {
				t.Errorf("pages of %d bytes: away = %+v, want %+v", pageBytes, away, want)
			}
			facts := factTickets(all)
			for id := range want {
				if facts[id] != 0 {
					t.Errorf("pages of %d bytes: %d facts of %s sent, want none", pageBytes, facts[id], id)
				}
			}
			if facts["tk-recent"] != 3 {
				t.Errorf("pages of %d bytes: %d facts of the recently closed ticket, want 3", pageBytes, facts["tk-recent"])
			}
			if facts["tk-bold"] != 0 || slices.Contains(ticketIDs(all), "tk-bold") {
				t.Errorf("B's ticket reached A")
			}
			// Facts written after the pull come as usual, and nothing
			// more is kept back.
			if round == 0 {
				push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1)), mut(t, 2, repair(fid("after"), w.ticketA.ID, 5)))
			} else {
				push(t, db, w.a, mut(t, 1, repair(fid("after again"), w.ticketA.ID, 5)))
			}
			next, _, _ := pullAll(t, db, w.a, cur, pageBytes)
			if len(next.Repairs) != 1 || slices.ContainsFunc(next.Tickets, func(d app.TicketDetail) bool { return d.Away != nil }) {
				t.Errorf("pages of %d bytes: the next pull has %d repairs and tickets %+v, want the new repair and no counts", pageBytes, len(next.Repairs), next.Tickets)
			}
			w.a = pairDevice(t, db, "tech-a") // a fresh device for the next round
		}
	})
}

func mapsEqual(a, b map[app.TicketID]app.HistoryAway) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestHistoryAnswers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := historyWorld(t, db)
		ctx := context.Background()
		for _, c := range []struct {
			name     string
			ask      []app.TicketID
			maxBytes int
			of       []app.TicketID
			more     bool
			facts    int
		}{
			{"asked in scope", []app.TicketID{"tk-old"}, 0, []app.TicketID{"tk-old"}, false, 4},
			{"another's and unknown alike", []app.TicketID{"tk-bold", "tk-none"}, 0, nil, false, 0},
			{"mixed", []app.TicketID{"tk-bold", "tk-old", "tk-none", "tk-recent"}, 0, []app.TicketID{"tk-old", "tk-recent"}, false, 7},
			{"cut by the bound", []app.TicketID{"tk-big1", "tk-big2"}, MinPageBytes, []app.TicketID{"tk-big1"}, true, 3},
			{"the rest", []app.TicketID{"tk-big2"}, MinPageBytes, []app.TicketID{"tk-big2"}, false, 3},
			{"one over the bound still answered", []app.TicketID{"tk-big1", "tk-big2"}, 1, []app.TicketID{"tk-big1"}, true, 3},
		} {
			ans, err := db.History(ctx, w.a, c.ask, c.maxBytes)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			n := 0
			for _, k := range factTickets(ans.Data) {
				n += k
			}
			if !slices.Equal(ans.Of, c.of) || ans.More != c.more || n != c.facts {
				t.Errorf("%s: of %v more %v with %d facts, want %v %v %d", c.name, ans.Of, ans.More, n, c.of, c.more, c.facts)
			}
		}
	})
}

// TestSyncRefusesTooMuchHistory: a request asking for too many tickets is
// refused whole, its push not applied.
func TestSyncRefusesTooMuchHistory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := historyWorld(t, db)
		s := NewServer(db, nil)
		ctx := context.Background()
		many := make([]app.TicketID, app.MaxHistoryPerSync+1)
		for i := range many {
			many[i] = app.TicketID("tk-" + strings.Repeat("z", i+1))
		}
		for _, c := range []struct {
			name string
			ask  []app.TicketID
			key  string
		}{
			{"too many", many, "sync.history_too_many"},
			{"twice", []app.TicketID{"tk-old", "tk-old"}, "sync.history_bad_ticket"},
		} {
			_, err := s.Sync(ctx, w.a, fbsync.Request{Protocol: fbsync.ProtocolVersion, Push: []app.Mutation{mut(t, 1, start(w.ticketA.ID, 1))}, History: c.ask})
			if e, ok := err.(*app.Error); !ok || e.Code != app.EINVALID || e.Key != c.key {
				t.Errorf("%s: %v, want %s", c.name, err, c.key)
			}
			if got := detail(t, db, w.ticketA.ID).Ticket.Status; got != app.StatusAssigned {
				t.Errorf("%s: the push was applied (status %s)", c.name, got)
			}
		}
		resp, err := s.Sync(ctx, w.a, fbsync.Request{Protocol: fbsync.ProtocolVersion, History: []app.TicketID{"tk-old", "tk-bold"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(resp.HistoryOf, []app.TicketID{"tk-old"}) || resp.History == nil || len(resp.History.Repairs) != 2 {
			t.Errorf("answer: of %v, history %+v; want tk-old's", resp.HistoryOf, resp.History)
		}
	})
}

// TestTicketChangedDuringFirstPullComesWhole: a ticket whose history an
// early page kept back and that changes before its own row is sent (here:
// the office imports it again with another phone, so its last change is
// recent)
// arrives with all of its history.
func TestTicketChangedDuringFirstPullComesWhole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := historyWorld(t, db)
		ctx := context.Background()
		// A page's worth of another ticket, then tk-old's row again, so
		// its facts come on the first page and its row on the second.
		fill := w.ticketA
		fill.ID, fill.Number = "tk-fill", "FB-20"
		old := detail(t, db, "tk-old").Ticket
		for _, ds := range []app.Dataset{
			{Tickets: []app.TicketDetail{{Ticket: fill, Notes: []app.Note{{ID: "fill-n", Ticket: fill.ID, Text: strings.Repeat("y", MinPageBytes), At: testNow}}}}},
			{Tickets: []app.TicketDetail{{Ticket: old}}},
		} {
			if err := db.LoadDataset(ctx, tenant, ds); err != nil {
				t.Fatal(err)
			}
		}
		res, err := db.Pull(ctx, w.a, "", MinPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		if !res.More {
			t.Fatal("the first page holds everything: the test needs a second one")
		}
		// The office imports tk-old again with a new phone: its row moves
		// past the pull's start, and its last change is now.
		phone := "139 1111 2222"
		old.Customer.Phone, old.UpdatedAt = phone, testNow
		if err := db.LoadDataset(ctx, tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: old}}}); err != nil {
			t.Fatal(err)
		}
		all, _, _ := pullAll(t, db, w.a, res.Cursor, MinPageBytes)
		all.Tickets = append(res.Data.Tickets, all.Tickets...)
		all.Repairs = append(res.Data.Repairs, all.Repairs...)
		all.Notes = append(res.Data.Notes, all.Notes...)
		all.Photos = append(res.Data.Photos, all.Photos...)
		var last *app.TicketDetail
		for i := range all.Tickets {
			if all.Tickets[i].Ticket.ID == "tk-old" {
				last = &all.Tickets[i]
			}
		}
		if last == nil || last.Ticket.Customer.Phone != phone {
			t.Fatalf("tk-old's edit did not arrive: %+v", last)
		}
		if last.Away != nil || factTickets(all)["tk-old"] != 4 {
			t.Errorf("tk-old came with counts %+v and %d of its 4 facts, want none and all", last.Away, factTickets(all)["tk-old"])
		}
		if factTickets(res.Data)["tk-old"] != 0 {
			t.Errorf("the first page sent tk-old's facts: the test does not test what it says")
		}
	})
}

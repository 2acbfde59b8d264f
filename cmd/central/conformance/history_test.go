package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// History on demand (PROTOCOL.md, "History on demand"): a pull from the
// start keeps back the history of tickets closed or cancelled more than 30
// days before, counting it in away; the device asks for a ticket's history
// with h and the answer carries it in hd, naming the tickets in hf; a
// ticket outside the device's scopes is not answered; more than 20 asked,
// or one asked twice, is refused whole. The service takes its times from
// its own clock, which this suite cannot move, so the cases here see
// tickets closed now: those travel whole. Keeping back is tested inside
// sync/central and by the simulation.

// historyTicket is a pulled ticket with its counts of what was kept back.
type historyTicket struct {
	Ticket ticketView     `json:"ticket"`
	Away   map[string]int `json:"away"`
}

// historyAnswer is the part of a sync answer these cases read.
type historyAnswer struct {
	Data *struct {
		Tickets []historyTicket `json:"tickets"`
		Repairs []fact          `json:"repairs"`
		Notes   []fact          `json:"notes"`
	} `json:"d"`
	Cursor      string   `json:"c"`
	More        bool     `json:"m"`
	History     *page    `json:"hd"`
	HistoryOf   []string `json:"hf"`
	HistoryMore bool     `json:"hm"`
}

// closeTicket works ticket id through to closed on dev, with one repair
// and one note.
func closeTicket(t *testing.T, dev *device, id string) {
	t.Helper()
	batch := []mutation{
		dev.mut("ticket.depart", transition(id, 1)),
		dev.mut("ticket.arrive", transition(id, 1)),
		dev.mut("ticket.start", transition(id, 1)),
		dev.mut("ticket.update", map[string]any{"ticket": id, "set": map[string]any{"diagnosis": "seal worn"}, "base": map[string]any{"diagnosis": ""}}),
		dev.mut("repair.log", repairArgs(newID(), id, 30)),
		dev.mut("note.add", noteArgs(newID(), id)),
		dev.mut("ticket.complete", transition(id, 1, "resolution", "repaired")),
		dev.mut("ticket.close", transition(id, 1)),
	}
	if got := dev.push(t, batch...); len(got.Rejected) > 0 {
		t.Fatalf("closing %s: rejected %+v", id, got.Rejected)
	}
}

func (d *device) syncHistory(t *testing.T, req map[string]any) historyAnswer {
	t.Helper()
	a := d.sync(t, req)
	if a.status != http.StatusOK {
		t.Fatalf("sync: HTTP %d %s", a.status, a.body)
	}
	var out historyAnswer
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("sync answer %s: %v", a.body, err)
	}
	return out
}

func TestHistoryOnDemand(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc, other := s.addFieldTech(t, "hist", 0), s.addFieldTech(t, "hist-other", 0)
		worker, otherWorker := s.pair(t, tc.id), s.pair(t, other.id)
		closed, open, othersClosed := s.newTicket(t, tc.id, ""), s.newTicket(t, tc.id, ""), s.newTicket(t, other.id, "")
		closeTicket(t, worker, closed.ID)
		closeTicket(t, otherWorker, othersClosed.ID)
		worker.push(t, worker.mut("note.add", noteArgs(newID(), open.ID)))

		// A new device of the technician pulls from the start: a ticket
		// closed within 30 days comes whole, without away.
		fresh := s.pair(t, tc.id)
		facts := map[string]int{}
		cursor := ""
		for range maxPages {
			out := fresh.syncHistory(t, map[string]any{"v": 1, "c": cursor})
			if out.Data != nil {
				for _, d := range out.Data.Tickets {
					if d.Away != nil {
						t.Errorf("ticket %s came with away %v", d.Ticket.Number, d.Away)
					}
				}
				for _, f := range append(out.Data.Repairs, out.Data.Notes...) {
					facts[f.Ticket]++
				}
			}
			cursor = out.Cursor
			if !out.More {
				break
			}
		}
		if facts[closed.ID] != 2 || facts[open.ID] != 1 {
			t.Errorf("facts pulled: %d of the closed ticket, %d of the open one; want 2 and 1", facts[closed.ID], facts[open.ID])
		}

		// It asks for the closed ticket's history, another technician's
		// ticket, an unknown one and the open one: the other's and the
		// unknown are left out alike, the rest answered in the order asked.
		out := fresh.syncHistory(t, map[string]any{"v": 1, "c": cursor, "h": []string{othersClosed.ID, closed.ID, newID(), open.ID}})
		if !slices.Equal(out.HistoryOf, []string{closed.ID, open.ID}) || out.HistoryMore || out.History == nil ||
			len(out.History.Repairs) != 1 || len(out.History.Notes) != 2 || out.History.Repairs[0].Ticket != closed.ID {
			t.Errorf("history answer: hf %v, hm %v, hd %+v; want the closed ticket's repair and note and the open one's note", out.HistoryOf, out.HistoryMore, out.History)
		}
		none := fresh.syncHistory(t, map[string]any{"v": 1, "c": cursor, "h": []string{othersClosed.ID}})
		if none.HistoryOf != nil || none.History != nil || none.HistoryMore {
			t.Errorf("asking for another's ticket alone: hf %v, hd %+v, hm %v; want nothing", none.HistoryOf, none.History, none.HistoryMore)
		}
		// Asked with a push only (np), nothing is answered.
		np := fresh.syncHistory(t, map[string]any{"v": 1, "c": cursor, "np": true, "h": []string{closed.ID}})
		if np.HistoryOf != nil || np.History != nil {
			t.Errorf("asking with np: hf %v, hd %+v; want nothing", np.HistoryOf, np.History)
		}

		// More than 20, or one twice, is refused whole: the push in it is
		// not applied.
		many := make([]string, 21)
		for i := range many {
			many[i] = fmt.Sprintf("tk-%d", i)
		}
		for _, c := range []struct {
			ask []string
			key string
		}{
			{many, "sync.history_too_many"},
			{[]string{closed.ID, closed.ID}, "sync.history_bad_ticket"},
		} {
			seq := s.lastSeq(t, fresh.id)
			m := fresh.mut("note.add", noteArgs(newID(), open.ID))
			fresh.seq-- // the refused request does not consume it
			a := fresh.sync(t, map[string]any{"v": 1, "c": cursor, "h": c.ask, "p": []mutation{m}})
			if e := a.apiErr(t); a.status != http.StatusBadRequest || e.Code != "invalid" || e.Key != c.key {
				t.Errorf("%d asked: HTTP %d %+v, want 400 invalid %s", len(c.ask), a.status, e, c.key)
			}
			if got := s.lastSeq(t, fresh.id); got != seq {
				t.Errorf("%d asked: the refused request's push was applied: last_seq %d, was %d", len(c.ask), got, seq)
			}
		}
	})
}

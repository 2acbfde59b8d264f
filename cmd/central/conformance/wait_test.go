package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// waitBound is the -wait of the services these cases start: long enough
// to tell a wake (under a second) from the bound, short for a test.
const waitBound = 4 * time.Second

// waited is a wait's answer and how long it took.
type waited struct {
	answer
	took time.Duration
	err  error
}

// wait sends GET /v1/sync/wait with cursor and token (PROTOCOL.md,
// "Waiting for changes"); safe from any goroutine.
func (s *service) wait(ctx context.Context, token, cursor string) waited {
	start := time.Now()
	a, err := s.send(ctx, "GET", "/v1/sync/wait?c="+url.QueryEscape(cursor), token, nil)
	return waited{answer: a, took: time.Since(start), err: err}
}

// waitInBackground starts a wait and returns where its answer arrives.
func (s *service) waitInBackground(t *testing.T, token, cursor string) <-chan waited {
	ch := make(chan waited, 1)
	go func() { ch <- s.wait(t.Context(), token, cursor) }()
	return ch
}

// more checks that w is a 200 whose body is {"m": want} and nothing
// else: a wait says whether to pull, never what changed or who changed it.
func (w waited) more(t *testing.T, what string, want bool) {
	t.Helper()
	if w.err != nil {
		t.Fatalf("%s: %v", what, w.err)
	}
	if w.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s, want 200", what, w.status, w.body)
	}
	var body map[string]any
	if err := json.Unmarshal(w.body, &body); err != nil || len(body) != 1 || body["m"] != want {
		t.Fatalf("%s: answered %s, want exactly {\"m\":%v}", what, w.body, want)
	}
}

// TestWaitForNewWork drives the wait an idle device holds on the built
// binary, on SQLite and PostgreSQL: at once when a pull would bring
// something, held when not, woken within a second when dispatch gives the
// technician a ticket, not woken by another technician's ticket, answered
// with nothing at the bound, refused as a pull is.
func TestWaitForNewWork(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			s := newService(t, db, "-wait", waitBound.String())
			a := s.addFieldTech(t, "wait-a", 0)
			b := s.addFieldTech(t, "wait-b", 0)
			dev := s.pair(t, a.id)
			other := s.pair(t, b.id)
			_, cursor := dev.pullFrom(t, "")
			_, otherCursor := other.pullFrom(t, "")

			t.Run("FirstPullAtOnce", func(t *testing.T) {
				w := s.wait(t.Context(), dev.token, "")
				w.more(t, "a wait without a cursor", true)
				if w.took > time.Second {
					t.Errorf("a wait with something to pull took %v, want an answer at once", w.took)
				}
			})

			t.Run("NothingAtTheBound", func(t *testing.T) {
				w := s.wait(t.Context(), dev.token, cursor)
				w.more(t, "a wait with nothing to pull", false)
				if w.took < waitBound-500*time.Millisecond || w.took > waitBound+3*time.Second {
					t.Errorf("a wait with nothing to pull answered after %v, want the bound, %v", w.took, waitBound)
				}
			})

			t.Run("AnotherTechniciansTicketDoesNotWake", func(t *testing.T) {
				held := s.waitInBackground(t, dev.token, cursor)
				time.Sleep(300 * time.Millisecond)
				s.newTicket(t, b.id, "")
				w := <-held
				w.more(t, "the wait while another technician got a ticket", false)
				if w.took < waitBound-500*time.Millisecond {
					t.Errorf("another technician's ticket ended the wait after %v, want it held to the bound, %v", w.took, waitBound)
				}
				if p, _ := dev.pullFrom(t, cursor); len(p.Tickets) != 0 {
					t.Errorf("the device pulled %d tickets, want none", len(p.Tickets))
				}
				// The other technician's device hears of it at once.
				s.wait(t.Context(), other.token, otherCursor).more(t, "the other technician's wait", true)
			})

			t.Run("AssignedTicketWakesWithinASecond", func(t *testing.T) {
				held := s.waitInBackground(t, dev.token, cursor)
				time.Sleep(500 * time.Millisecond)
				assigned := time.Now()
				tk := s.newTicket(t, a.id, "")
				w := <-held
				w.more(t, "the wait when dispatch created a ticket for the technician", true)
				if after := time.Since(assigned); after > time.Second+200*time.Millisecond {
					t.Errorf("the wait answered %v after dispatch created the ticket, want within a second", after)
				}
				p, next := dev.pullFrom(t, cursor)
				if len(p.Tickets) != 1 || p.Tickets[0].Ticket.ID != tk.ID {
					t.Fatalf("the pull after the wake brought %d tickets, want the new one", len(p.Tickets))
				}
				cursor = next
				// A reassignment wakes the new technician's wait too.
				bt := s.newTicket(t, b.id, "")
				_, otherCursor = other.pullFrom(t, otherCursor)
				held = s.waitInBackground(t, dev.token, cursor)
				time.Sleep(500 * time.Millisecond)
				assigned = time.Now()
				s.dispatchOK(t, "ticket.assign", map[string]any{"ticket": bt.ID, "technician": a.id})
				w = <-held
				w.more(t, "the wait when dispatch reassigned a ticket to the technician", true)
				if after := time.Since(assigned); after > time.Second+200*time.Millisecond {
					t.Errorf("the wait answered %v after the reassignment, want within a second", after)
				}
				_, cursor = dev.pullFrom(t, cursor)
			})

			t.Run("ASecondWaitReplacesTheFirst", func(t *testing.T) {
				first := s.waitInBackground(t, dev.token, cursor)
				time.Sleep(300 * time.Millisecond)
				second := s.waitInBackground(t, dev.token, cursor)
				w := <-first
				w.more(t, "the replaced wait", false)
				if w.took > waitBound/2 {
					t.Errorf("the replaced wait answered after %v, want soon after the second began", w.took)
				}
				(<-second).more(t, "the second wait", false)
			})

			t.Run("RefusedAsAPullIs", func(t *testing.T) {
				for _, tc := range []struct {
					name, token, cursor string
				}{
					{"UnknownToken", "not-a-token", cursor},
					{"NoToken", "", cursor},
					{"BadCursor", dev.token, "%%%"},
				} {
					pull := s.do(t, "POST", "/v1/sync", tc.token, map[string]any{"v": 1, "c": tc.cursor})
					w := s.wait(t.Context(), tc.token, tc.cursor)
					if w.err != nil {
						t.Fatal(w.err)
					}
					pe, we := pull.apiErr(t), w.apiErr(t)
					if w.status != pull.status || we.Code != pe.Code || we.Key != pe.Key || pull.status == http.StatusOK {
						t.Errorf("%s: the wait answered HTTP %d %s/%s, the pull HTTP %d %s/%s: want the same refusal",
							tc.name, w.status, we.Code, we.Key, pull.status, pe.Code, pe.Key)
					}
				}
			})

			t.Run("RevokedDuringTheWait", func(t *testing.T) {
				gone := s.pair(t, a.id)
				_, c := gone.pullFrom(t, "")
				held := s.waitInBackground(t, gone.token, c)
				time.Sleep(300 * time.Millisecond)
				s.adminOK(t, "POST", "/v1/admin/devices/"+gone.id+"/revoke", nil, nil)
				w := <-held
				if w.err != nil {
					t.Fatal(w.err)
				}
				pull := s.do(t, "POST", "/v1/sync", gone.token, map[string]any{"v": 1, "c": c})
				if we, pe := w.apiErr(t), pull.apiErr(t); w.status != http.StatusUnauthorized || we.Code != pe.Code || we.Key != pe.Key {
					t.Errorf("the wait of a device revoked meanwhile answered HTTP %d %s/%s, want the pull's %d %s/%s",
						w.status, we.Code, we.Key, pull.status, pe.Code, pe.Key)
				}
				if w.took > waitBound/2 {
					t.Errorf("the revoked device's wait answered after %v, want soon after the revocation", w.took)
				}
			})
		})
	}
}

// TestWaitsBoundedPerInstance: past -max-waits held at once, or half of
// -max-conns-per-ip from one address (a waiting device keeps its
// connection open; its syncs need room too), a wait is refused with 429
// and Retry-After, and the waits held go on.
func TestWaitsBoundedPerInstance(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		for _, tc := range []struct {
			name    string
			flags   []string
			allowed int
		}{
			{"MaxWaits", []string{"-max-waits", "1"}, 1},
			{"PerAddress", []string{"-max-conns-per-ip", "4"}, 2},
		} {
			t.Run(db+"/"+tc.name, func(t *testing.T) {
				s := newService(t, db, append([]string{"-wait", waitBound.String()}, tc.flags...)...)
				// Every technician first: a new one's van is in the others'
				// catalog, which a wait from an older cursor would answer.
				var techs []tech
				for range tc.allowed + 1 {
					techs = append(techs, s.addFieldTech(t, "bound", 0))
				}
				var devs []*device
				var cursors []string
				for _, tc := range techs {
					d := s.pair(t, tc.id)
					_, c := d.pullFrom(t, "")
					devs, cursors = append(devs, d), append(cursors, c)
				}
				var held []<-chan waited
				for i := range tc.allowed {
					held = append(held, s.waitInBackground(t, devs[i].token, cursors[i]))
				}
				time.Sleep(500 * time.Millisecond)
				extra := devs[tc.allowed]
				w := s.wait(t.Context(), extra.token, cursors[tc.allowed])
				if w.err != nil {
					t.Fatal(w.err)
				}
				if e := w.apiErr(t); w.status != http.StatusTooManyRequests || e.Code != "throttled" || e.Key != "sync.too_many_waits" || w.header.Get("Retry-After") != "60" {
					t.Errorf("a wait past the bound answered HTTP %d %s/%s, Retry-After %q; want 429 throttled/sync.too_many_waits, 60",
						w.status, e.Code, e.Key, w.header.Get("Retry-After"))
				}
				if w.took > time.Second {
					t.Errorf("the refused wait took %v, want an answer at once", w.took)
				}
				for _, h := range held {
					(<-h).more(t, "a wait held within the bound", false)
				}
				// Their places are free again.
				s.wait(t.Context(), extra.token, "").more(t, "a wait once the others ended", true)
			})
		}
	}
}

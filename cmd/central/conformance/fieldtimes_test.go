package conformance

import (
	"slices"
	"testing"
	"time"
)

// A ticket's start and completion times are the technician's
// (PROTOCOL.md, "Clocks"): a ticket.start and ticket.complete pushed late
// record the mutations' `at`, as does a repair sent without a time of
// its own, and the device pulls back the times it showed; an `at` more than 10 minutes past the server's clock, or before
// the ticket was created, gives the server's time instead, and the
// completion never comes before the start.
func TestStartAndCompleteKeepTheTechniciansTimes(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "times", 0)
		dev := s.pair(t, tc.id)
		created := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Second)
		newTicket := func() string {
			return s.newTicketWith(t, newID(), tc.id, "", map[string]any{"created_at": created.Format(time.RFC3339)}).ID
		}
		offline, ahead, early := newTicket(), newTicket(), newTicket()
		// An on-site ticket starts once the technician is there.
		arriveAndStart := func(id string, when time.Time) []mutation {
			return []mutation{at(dev.mut("ticket.depart", transition(id, 1)), when.Add(-20*time.Minute)),
				at(dev.mut("ticket.arrive", transition(id, 1)), when.Add(-10*time.Minute)),
				at(dev.mut("ticket.start", transition(id, 1)), when)}
		}
		complete := func(id string, when time.Time) mutation {
			return at(dev.mut("ticket.complete", transition(id, 1, "resolution", "no_fault")), when)
		}

		hourAgo := time.Now().UTC().Add(-time.Hour)
		halfHourAgo := hourAgo.Add(30 * time.Minute)
		future := time.Now().UTC().Add(24 * time.Hour)
		before := time.Now().UTC()
		// The repair has no time of its own, as the app sends it: its
		// mutation's is its.
		repair, repaired := newID(), hourAgo.Add(10*time.Minute)
		var batch []mutation
		batch = append(batch, arriveAndStart(offline, hourAgo)...)
		batch = append(batch, at(dev.mut("repair.log", repairArgs(repair, offline, 20)), repaired), complete(offline, halfHourAgo))
		batch = append(append(batch, arriveAndStart(ahead, future)...), complete(ahead, future.Add(time.Hour)))
		batch = append(batch, arriveAndStart(early, created.Add(-time.Minute))...)
		got := dev.push(t, batch...)
		after := time.Now().UTC()
		if len(got.Rejected) > 0 {
			t.Fatalf("rejected %+v", got.Rejected)
		}

		pulled := map[string]ticketView{}
		all := dev.pullAll(t)
		for _, x := range all.Tickets {
			pulled[x.Ticket.ID] = x.Ticket
		}
		parse := func(what, v string) time.Time {
			t.Helper()
			if v == "" {
				return time.Time{}
			}
			tm, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				t.Fatalf("%s %q: %v", what, v, err)
			}
			return tm
		}
		serverTime := func(tm time.Time) bool {
			return !tm.Before(before.Add(-time.Second)) && !tm.After(after.Add(time.Second))
		}
		for _, view := range []struct {
			from    string
			tickets func(id string) ticketView
		}{
			{"pulled", func(id string) ticketView { return pulled[id] }},
			{"GET /v1/admin/tickets", func(id string) ticketView { return s.ticket(t, id).Ticket }},
		} {
			tk := view.tickets(offline)
			started, completed := parse("started_at", tk.StartedAt), parse("completed_at", tk.CompletedAt)
			if !started.Equal(hourAgo) || !completed.Equal(halfHourAgo) {
				t.Errorf("%s: pushed late, started %v and completed %v; want the device's %v and %v", view.from, started, completed, hourAgo, halfHourAgo)
			}

			tk = view.tickets(ahead)
			started, completed = parse("started_at", tk.StartedAt), parse("completed_at", tk.CompletedAt)
			if !serverTime(started) || !serverTime(completed) || completed.Before(started) {
				t.Errorf("%s: a clock a day ahead: started %v, completed %v; want the server's time, between %v and %v, in order", view.from, started, completed, before, after)
			}

			tk = view.tickets(early)
			if started := parse("started_at", tk.StartedAt); !serverTime(started) {
				t.Errorf("%s: started before the ticket was created: %v; want the server's time, between %v and %v", view.from, started, before, after)
			}
		}

		if i := slices.IndexFunc(all.Repairs, func(r fact) bool { return r.ID == repair }); i < 0 || !parse("repair at", all.Repairs[i].At).Equal(repaired) {
			t.Errorf("pulled repairs %+v, want %s at its mutation's %v", all.Repairs, repair, repaired)
		}
		if d := s.ticket(t, offline); len(d.Repairs) != 1 || !parse("repair at", d.Repairs[0].At).Equal(repaired) {
			t.Errorf("GET /v1/admin/tickets: repairs %+v, want one at its mutation's %v", d.Repairs, repaired)
		}

		// The clock far ahead is also flagged for the office to check.
		clock := s.conflicts(t, func(c conflict) bool { return c.Kind == "clock" && c.Ticket == ahead })
		if len(clock) != 4 {
			t.Errorf("clock conflicts on the ticket with the clock ahead: %+v, want one per mutation", clock)
		}
	})
}

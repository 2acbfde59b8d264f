package conformance

import (
	"testing"
	"time"
)

// A second visit (PROTOCOL.md, "Actions"): an on-site ticket waiting for
// parts may be departed to again (depart from waiting_parts), then arrive
// and start as on the first visit, and its customer be sent on_my_way
// once it is en_route again ("Customer notices"); resume stays allowed from
// waiting_parts for any ticket. A carry-in's depart from waiting_parts is
// refused like its depart from assigned: a business rejection
// (`conflict`, `transition.not_on_site`) that leaves the ticket waiting.

// historyStep is one step of GET /v1/admin/tickets/{id}/history: when
// the server wrote it (At) and when it was taken in the field (FieldAt).
type historyStep struct {
	From    string `json:"from"`
	To      string `json:"to"`
	At      string `json:"at"`
	FieldAt string `json:"field_at"`
}

func TestSecondVisitDepartsFromWaitingParts(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "visit", 0)
		dev := s.pair(t, tc.id)
		visit, stayed := s.newTicket(t, tc.id, ""), s.newTicket(t, tc.id, "")
		firstVisit := func(id string) []mutation {
			return []mutation{
				dev.mut("ticket.depart", transition(id, 1)),
				dev.mut("ticket.arrive", transition(id, 1)),
				dev.mut("ticket.start", transition(id, 1)),
				dev.mut("ticket.wait_parts", transition(id, 1, "reason", "drain pump")),
			}
		}
		onMyWay := func() mutation {
			now := time.Now().UTC().Truncate(time.Second)
			return dev.mut("notice.send", map[string]any{"notice": map[string]any{"id": newID(), "ticket": visit.ID, "kind": "on_my_way",
				"at": now.Format(time.RFC3339), "eta": now.Add(30 * time.Minute).Format(time.RFC3339)}})
		}
		if got := dev.push(t, firstVisit(visit.ID)...); len(got.Rejected) > 0 {
			t.Fatalf("first visit: rejected %+v", got.Rejected)
		}
		// Waiting for the part, the customer is not told "on my way";
		// departed again, they are.
		if x, rejected := dev.pushOne(t, onMyWay()); !rejected || x.Key != "notice.not_on_my_way" {
			t.Fatalf("on_my_way while waiting_parts: rejected %v %+v, want notice.not_on_my_way", rejected, x)
		}
		batch := []mutation{dev.mut("ticket.depart", transition(visit.ID, 1)), onMyWay(),
			dev.mut("ticket.arrive", transition(visit.ID, 1)),
			dev.mut("ticket.start", transition(visit.ID, 1))}
		// The part came while the technician was still there: resume.
		batch = append(batch, firstVisit(stayed.ID)...)
		batch = append(batch, dev.mut("ticket.resume", transition(stayed.ID, 1)))
		if got := dev.push(t, batch...); len(got.Rejected) > 0 {
			t.Fatalf("second visit: rejected %+v", got.Rejected)
		}
		for _, id := range []string{visit.ID, stayed.ID} {
			if st := s.ticket(t, id).Ticket.Status; st != "in_progress" {
				t.Errorf("ticket %s is %s, want in_progress", id, st)
			}
		}
		var steps []historyStep
		s.adminOK(t, "GET", "/v1/admin/tickets/"+visit.ID+"/history", nil, &steps)
		var path []string
		for _, x := range steps {
			path = append(path, x.From+">"+x.To)
		}
		want := []string{">assigned", "assigned>en_route", "en_route>on_site", "on_site>in_progress", "in_progress>waiting_parts",
			"waiting_parts>en_route", "en_route>on_site", "on_site>in_progress"}
		if len(path) != len(want) {
			t.Fatalf("history %q, want %q", path, want)
		}
		for i := range want {
			if path[i] != want[i] {
				t.Fatalf("history %q, want %q", path, want)
			}
		}

		// A carry-in has no travel: its depart from waiting_parts is
		// refused, the ticket still waits, and resume takes it on.
		shop := name("store")
		counter := s.pair(t, s.addCounterTech(t, "counter", shop).id)
		bench := s.newTicket(t, "", shop)
		if got := counter.push(t, counter.mut("ticket.start", transition(bench.ID, 1)),
			counter.mut("ticket.wait_parts", transition(bench.ID, 1, "reason", "display"))); len(got.Rejected) > 0 {
			t.Fatalf("carry-in: rejected %+v", got.Rejected)
		}
		x, rejected := counter.pushOne(t, counter.mut("ticket.depart", transition(bench.ID, 1)))
		if !rejected || x.Code != "conflict" || x.Key != "transition.not_on_site" {
			t.Fatalf("carry-in depart from waiting_parts: rejected %v %+v, want conflict transition.not_on_site", rejected, x)
		}
		if st := s.ticket(t, bench.ID).Ticket.Status; st != "waiting_parts" {
			t.Fatalf("the refused depart moved the carry-in to %s", st)
		}
		if x, rejected := counter.pushOne(t, counter.mut("ticket.resume", transition(bench.ID, 1))); rejected {
			t.Fatalf("carry-in resume refused: %+v", x)
		}
		if st := s.ticket(t, bench.ID).Ticket.Status; st != "in_progress" {
			t.Errorf("carry-in is %s after resume, want in_progress", st)
		}
	})
}

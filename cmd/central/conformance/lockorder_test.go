package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
)

// TestOppositeOrdersNeverDeadlock: on PostgreSQL, two counter devices of
// one store fit the same four parts from the shelf in opposite orders,
// and dispatch sends two shipments of them from one warehouse with their
// lines the other way round, and the two devices work on the same two
// tickets in opposite orders, each pair at the same moment, round after
// round. Every push and shipment is applied, and none is ended by
// PostgreSQL as a deadlock's victim: the service logs each write
// PostgreSQL ends so ("to break a deadlock"), which cost it
// deadlock_timeout (1 s by default) before it ran again (PROTOCOL.md,
// "Writes at the same time").
func TestOppositeOrdersNeverDeadlock(t *testing.T) {
	s := newService(t, "postgres")
	s.ensureParts(t)
	store, shelf, wh := name("store"), name("shelf"), name("wh")
	s.adminOK(t, "PUT", "/v1/admin/locations/"+shelf, map[string]any{"id": shelf, "kind": "store", "name": "Shelf", "owner": store}, nil)
	s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse"}, nil)
	// Four parts: a batch naming more balances waits longer between its
	// first lock and its last, as a day's does.
	parts := []string{partFilter, partBelt, name("CF-LOCK"), name("CF-LOCK")}
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class\n"+parts[2]+",Hinge,unit\n"+parts[3]+",Door seal,unit\n"), &got)
	const rounds = 60
	for _, loc := range []string{shelf, wh} {
		for _, part := range parts {
			s.importStock(t, loc, part, 4*rounds)
		}
	}
	reversed := slices.Clone(parts)
	slices.Reverse(reversed)
	orders := [][]string{parts, reversed}
	var devs []*device
	var tickets []ticketView
	for range orders {
		devs = append(devs, s.pair(t, s.addCounterTech(t, "counter", store).id))
		tickets = append(tickets, s.newTicket(t, "", store))
	}
	deadlocks := func() int { return strings.Count(s.proc.stderr(), "to break a deadlock") }
	atOnce := func(t *testing.T, write func(i int) error) {
		t.Helper()
		for r := range rounds {
			start := make(chan struct{})
			errs := make([]error, len(orders))
			var wg gosync.WaitGroup
			for i := range orders {
				wg.Go(func() {
					<-start
					errs[i] = write(i)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d, write %d: %v", r, i, err)
				}
			}
		}
	}
	// pushAll pushes device i's batch and wants every change applied.
	pushAll := func(i int, ms []mutation) error {
		a, err := s.send(t.Context(), "POST", "/v1/sync", devs[i].token, map[string]any{"v": 1, "p": ms, "np": true})
		if err != nil {
			return err
		}
		var out syncAnswer
		if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Acked != ms[len(ms)-1].Seq || len(out.Rejected) != 0 {
			return fmt.Errorf("HTTP %d %s, want every change applied", a.status, a.body)
		}
		return nil
	}
	t.Run("two pushes", func(t *testing.T) {
		before := deadlocks()
		atOnce(t, func(i int) error {
			var ms []mutation
			for _, part := range orders[i] {
				// Notes between the fits, as in a day's batch: the
				// push holds a part's lock a while before the next.
				ms = append(ms, withNotes(devs[i], devs[i].mut("stock.consume", consumeArgs(newID(), tickets[i].ID, part, shelf, 1)), tickets[i].ID, 3)...)
			}
			return pushAll(i, ms)
		})
		if n := deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock", n, 2*rounds)
		}
		for _, part := range orders[0] {
			if got := s.balance(t, shelf, part); got != 4*rounds-2*rounds {
				t.Errorf("shelf holds %d of %s, want %d", got, part, 4*rounds-2*rounds)
			}
		}
	})
	// A part on a ticket the other push locks: the first push fits part
	// 0 on its own ticket, notes it, and fits part 1 on the second's
	// ticket; the second notes its ticket and fits part 1 on it. Had the
	// first taken part 1's balance with its first fit, it would wait for
	// the second's ticket while the second, holding that ticket, waited
	// for the balance: the check locks are taken before any ticket.
	t.Run("a part on a ticket the other locks", func(t *testing.T) {
		before := deadlocks()
		before0, before1 := s.balance(t, shelf, parts[0]), s.balance(t, shelf, parts[1])
		atOnce(t, func(i int) error {
			d, other := devs[i], tickets[1].ID
			fit := func(tk, part string) mutation {
				return d.mut("stock.consume", consumeArgs(newID(), tk, part, shelf, 1))
			}
			var ms []mutation
			if i == 0 {
				ms = append(withNotes(d, fit(tickets[0].ID, parts[0]), tickets[0].ID, 3), fit(other, parts[1]))
			} else {
				ms = append(withNotes(d, d.mut("note.add", noteArgs(newID(), other)), other, 3), fit(other, parts[1]))
			}
			return pushAll(i, ms)
		})
		if n := deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock", n, 2*rounds)
		}
		if got0, got1 := s.balance(t, shelf, parts[0]), s.balance(t, shelf, parts[1]); got0 != before0-rounds || got1 != before1-2*rounds {
			t.Errorf("the shelf holds %d and %d, want %d and %d", got0, got1, before0-rounds, before1-2*rounds)
		}
	})
	// Two tickets in opposite orders: each counter device logs a repair
	// and notes on its own ticket, then on the other's, so device A's
	// batch reads ticket 1 then 2 and device B's 2 then 1, as a
	// dispatcher's device and a technician's may on a shared job. No
	// check lock is named (repairs and notes move no stock), so nothing
	// put them one after the other before: each locked its first ticket
	// and waited for the other's. A push locks its tickets together, in
	// one order, before it reads any.
	t.Run("two tickets in opposite orders", func(t *testing.T) {
		before := deadlocks()
		// Four times the rounds: the pushes are short, and meet at the
		// wrong moment less often than those fitting parts.
		const times = 4
		for range times {
			atOnce(t, func(i int) error {
				var ms []mutation
				for _, tk := range []string{tickets[i].ID, tickets[1-i].ID} {
					ms = append(ms, withNotes(devs[i], devs[i].mut("repair.log", repairArgs(newID(), tk, 5)), tk, 8)...)
				}
				return pushAll(i, ms)
			})
		}
		if n := deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock", n, 2*times*rounds)
		}
	})
	t.Run("two shipments", func(t *testing.T) {
		before := deadlocks()
		van := s.addFieldTech(t, "receiver", 0).van
		atOnce(t, func(i int) error {
			var lines []shipmentLine
			for _, part := range orders[i] {
				lines = append(lines, shipmentLine{Part: part, Qty: 1})
			}
			a, err := s.send(t.Context(), "POST", "/v1/admin/mutations", s.admin, map[string]any{"name": "shipment.send", "version": 1, "args": shipArgs(newID(), "supply", wh, van, lines...)})
			if err == nil && a.status != http.StatusOK {
				err = fmt.Errorf("HTTP %d %s", a.status, a.body)
			}
			return err
		})
		if n := deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d shipments to break a deadlock", n, 2*rounds)
		}
		for _, part := range orders[0] {
			if got := s.balance(t, wh, part); got != 4*rounds-2*rounds {
				t.Errorf("the warehouse holds %d of %s, want %d", got, part, 4*rounds-2*rounds)
			}
		}
	})
}

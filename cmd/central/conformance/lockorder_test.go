package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"
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
	pushAll := func(i int, ms []mutation) error { return devs[i].pushAll(t.Context(), ms) }
	t.Run("two pushes", func(t *testing.T) {
		before := s.deadlocks()
		inRounds(t, rounds, len(orders), func(i int) error {
			var ms []mutation
			for _, part := range orders[i] {
				// Notes between the fits, as in a day's batch: the
				// push holds a part's lock a while before the next.
				ms = append(ms, withNotes(devs[i], devs[i].mut("stock.consume", consumeArgs(newID(), tickets[i].ID, part, shelf, 1)), tickets[i].ID, 3)...)
			}
			return pushAll(i, ms)
		})
		if n := s.deadlocks() - before; n != 0 {
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
		before := s.deadlocks()
		before0, before1 := s.balance(t, shelf, parts[0]), s.balance(t, shelf, parts[1])
		inRounds(t, rounds, len(orders), func(i int) error {
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
		if n := s.deadlocks() - before; n != 0 {
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
		before := s.deadlocks()
		// Four times the rounds: the pushes are short, and meet at the
		// wrong moment less often than those fitting parts.
		const times = 4
		for range times {
			inRounds(t, rounds, len(orders), func(i int) error {
				var ms []mutation
				for _, tk := range []string{tickets[i].ID, tickets[1-i].ID} {
					ms = append(ms, withNotes(devs[i], devs[i].mut("repair.log", repairArgs(newID(), tk, 5)), tk, 8)...)
				}
				return pushAll(i, ms)
			})
		}
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d pushes to break a deadlock", n, 2*times*rounds)
		}
	})
	t.Run("two shipments", func(t *testing.T) {
		before := s.deadlocks()
		van := s.addFieldTech(t, "receiver", 0).van
		inRounds(t, rounds, len(orders), func(i int) error {
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
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d shipments to break a deadlock", n, 2*rounds)
		}
		for _, part := range orders[0] {
			if got := s.balance(t, wh, part); got != 4*rounds-2*rounds {
				t.Errorf("the warehouse holds %d of %s, want %d", got, part, 4*rounds-2*rounds)
			}
		}
	})
}

// deadlocks is how many writes PostgreSQL ended so far to break a
// deadlock: the service logs each ("to break a deadlock").
func (s *service) deadlocks() int { return strings.Count(s.proc.stderr(), "to break a deadlock") }

// inRounds runs n writes at the same moment, round after round (atOnce),
// write getting its index.
func inRounds(t *testing.T, rounds, n int, write func(i int) error) {
	t.Helper()
	writes := make([]func() error, n)
	for i := range writes {
		writes[i] = func() error { return write(i) }
	}
	for r := range rounds {
		atOnce(t, r, writes...)
	}
}

// atOnce runs writes at the same moment, each on its own goroutine, and
// fails on the first that fails, naming its round.
func atOnce(t *testing.T, round int, writes ...func() error) {
	t.Helper()
	start := make(chan struct{})
	errs := make([]error, len(writes))
	var wg gosync.WaitGroup
	for i, write := range writes {
		wg.Go(func() {
			<-start
			errs[i] = write()
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("round %d, write %d: %v", round, i, err)
		}
	}
}

// pushAll pushes the device's batch and wants every change applied.
func (d *device) pushAll(ctx context.Context, ms []mutation) error {
	a, err := d.s.send(ctx, "POST", "/v1/sync", d.token, map[string]any{"v": 1, "p": ms, "np": true})
	if err != nil {
		return err
	}
	var out syncAnswer
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Acked != ms[len(ms)-1].Seq || len(out.Rejected) != 0 {
		return fmt.Errorf("HTTP %d %s, want every change applied", a.status, a.body)
	}
	return nil
}

// TestRequestsAndPhotosNeverDeadlock: on PostgreSQL, the writes that
// save part requests or photos of several tickets, each against a write
// on the same tickets, at the same moment, round after round: a van's
// receipt of the parts requested for tickets 2 and 1 against the
// technician's other device working on tickets 1 and 2; two shipments
// of the same two requests of one ticket, from two warehouses, with
// their lines in opposite orders; and the last bytes of a photo attached
// to tickets 2 and 1 against that work; and the office's import of the
// parts list beside a receipt of the part it lists. A write locks the shipments its
// receipts name, then the tickets it will read, its requests' among
// them, in ID order, before any request or photo, and a photo's ticket
// before the photo, and an import locks what it writes before it takes
// the version (PROTOCOL.md, "Writes at the same time"): none is
// ended by PostgreSQL as a deadlock's victim, and each is applied (of
// two shipments of the same requests, one is refused: a request ships
// once).
func TestRequestsAndPhotosNeverDeadlock(t *testing.T) {
	s := newService(t, "postgres")
	s.ensureParts(t)
	tc := s.addFieldTech(t, "deadlocks", 0)
	receiver, worker := s.pair(t, tc.id), s.pair(t, tc.id)
	tickets := []string{s.newTicket(t, tc.id, "").ID, s.newTicket(t, tc.id, "").ID}
	slices.Sort(tickets)
	whs := []string{name("wh"), name("wh")}
	const rounds = 60
	for _, wh := range whs {
		s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
		s.importStock(t, wh, partFilter, 8*rounds) // five a round at most
	}
	// work is the worker's batch: a repair and notes on ticket 1, then
	// on ticket 2.
	work := func() error {
		var ms []mutation
		for _, tk := range tickets {
			ms = append(ms, withNotes(worker, worker.mut("repair.log", repairArgs(newID(), tk, 5)), tk, 3)...)
		}
		return worker.pushAll(t.Context(), ms)
	}
	// request asks, as dispatch, for one filter for ticket to the van.
	request := func(t *testing.T, ticket string) string {
		t.Helper()
		id := newID()
		s.dispatchOK(t, "part.request", requestArgs(id, ticket, partFilter, tc.van, 1))
		return id
	}
	t.Run("a receipt against a push", func(t *testing.T) {
		before := s.deadlocks()
		for r := range rounds {
			// The lines name ticket 2's requests first, then ticket
			// 1's: the receipt fills them in line order, and a few on
			// ticket 2 keep it there a while, as a van's restock does.
			var lines []shipmentLine
			for _, tk := range []string{tickets[1], tickets[1], tickets[1], tickets[1], tickets[0]} {
				lines = append(lines, shipmentLine{Part: partFilter, Qty: 1, Request: request(t, tk), Ticket: tk})
			}
			ship := newID()
			s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", whs[0], tc.van, lines...))
			atOnce(t, r, func() error {
				return receiver.pushAll(t.Context(), []mutation{receiver.mut("shipment.receive", receiveArgs(ship, partFilter, len(lines)))})
			}, work)
			if sh := s.shipment(t, ship); sh.State != "received" {
				t.Fatalf("round %d: the shipment is %s after the receipt, want received", r, sh.State)
			}
		}
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock", n, 2*rounds)
		}
	})
	t.Run("an import beside a receipt", func(t *testing.T) {
		// The office imports the parts list again (the filter's row as
		// it is) while the van receives a shipment of filters: the
		// receipt reads the part it stocks, the import writes it.
		csv := []byte("number,name_en,class\n" + partFilter + ",Water filter,main\n")
		before := s.deadlocks()
		for r := range rounds {
			var lines []shipmentLine
			for _, tk := range []string{tickets[1], tickets[0]} {
				lines = append(lines, shipmentLine{Part: partFilter, Qty: 1, Request: request(t, tk), Ticket: tk})
			}
			ship := newID()
			s.dispatchOK(t, "shipment.send", shipArgs(ship, "supply", whs[0], tc.van, lines...))
			atOnce(t, r, func() error {
				return receiver.pushAll(t.Context(), []mutation{receiver.mut("shipment.receive", receiveArgs(ship, partFilter, len(lines)))})
			}, func() error {
				a, err := s.send(t.Context(), "POST", "/v1/admin/import/parts", s.admin, csv)
				if err == nil && a.status != http.StatusOK {
					err = fmt.Errorf("import: HTTP %d %s", a.status, a.body)
				}
				return err
			})
			if sh := s.shipment(t, ship); sh.State != "received" {
				t.Fatalf("round %d: the shipment is %s after the receipt, want received", r, sh.State)
			}
		}
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock", n, 2*rounds)
		}
	})
	t.Run("two shipments of the same requests", func(t *testing.T) {
		before := s.deadlocks()
		for r := range rounds {
			reqs := []string{request(t, tickets[0]), request(t, tickets[0])}
			answers := make([]answer, len(whs))
			ship := func(i int) func() error {
				return func() error {
					var lines []shipmentLine
					for j := range reqs {
						lines = append(lines, shipmentLine{Part: partFilter, Qty: 1, Request: reqs[(i+j)%2], Ticket: tickets[0]})
					}
					var err error
					answers[i], err = s.send(t.Context(), "POST", "/v1/admin/mutations", s.admin, map[string]any{"name": "shipment.send", "version": 1, "args": shipArgs(newID(), "supply", whs[i], tc.van, lines...)})
					return err
				}
			}
			atOnce(t, r, ship(0), ship(1))
			var sent, refused int
			for _, a := range answers {
				switch {
				case a.status == http.StatusOK:
					sent++
				case a.status == http.StatusConflict && a.apiErr(t).Key == "shipment.request_not_approved":
					refused++
				}
			}
			if sent != 1 || refused != 1 {
				t.Fatalf("round %d: HTTP %d %s and HTTP %d %s; want one shipment sent and the other refused with 409 shipment.request_not_approved",
					r, answers[0].status, answers[0].body, answers[1].status, answers[1].body)
			}
		}
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d shipments to break a deadlock", n, 2*rounds)
		}
	})
	t.Run("a photo on two tickets", func(t *testing.T) {
		before := s.deadlocks()
		for r := range rounds {
			data, sha := photoBytes(t, 1000)
			// The same picture on ticket 2 (a few times: the check
			// then stays there a while), then on ticket 1; the check
			// finds them in photo ID order, so ticket 2's have the
			// lower IDs.
			on := []string{tickets[1], tickets[1], tickets[1], tickets[1], tickets[0]}
			var ids []string
			for range on {
				ids = append(ids, newID())
			}
			slices.Sort(ids)
			var ms []mutation
			for i, tk := range on {
				args := attachArgs(tk, sha, len(data))
				args["photo"].(map[string]any)["id"] = ids[i]
				ms = append(ms, receiver.mut("photo.attach", args))
			}
			if err := receiver.pushAll(t.Context(), ms); err != nil {
				t.Fatalf("round %d: attaching: %v", r, err)
			}
			up := photoUpload{s: s, token: receiver.token, sha: sha, size: len(data)}
			created := up.create(t)
			loc := created.header.Get("Location")
			if created.status != http.StatusCreated || loc == "" {
				t.Fatalf("round %d: create: HTTP %d %s", r, created.status, created.body)
			}
			// The upload's last bytes are written and hashed before the
			// check starts: the work starts a little later, by a few
			// milliseconds more each round, to meet the check.
			atOnce(t, r, func() error {
				a, err := s.send(t.Context(), "PATCH", "/v1/photos/"+loc, receiver.token, data, "Tus-Resumable", tus,
					"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")
				if err == nil && a.status != http.StatusNoContent {
					err = fmt.Errorf("PATCH: HTTP %d %s", a.status, a.body)
				}
				return err
			}, func() error {
				time.Sleep(time.Duration(r%10) * time.Millisecond)
				return work()
			})
			for _, tk := range tickets {
				var d struct {
					Photos []photoState `json:"photos"`
				}
				s.adminOK(t, "GET", "/v1/admin/tickets/"+tk, nil, &d)
				if !slices.Contains(d.Photos, photoState{sha, "verified"}) {
					t.Fatalf("round %d: ticket %s's photos %+v, want the photo verified", r, tk, d.Photos)
				}
			}
		}
		if n := s.deadlocks() - before; n != 0 {
			t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock", n, 2*rounds)
		}
	})
}

// photoState is a photo's hash and state as the office reads a ticket.
type photoState struct {
	SHA256 string `json:"sha256"`
	State  string `json:"state"`
}

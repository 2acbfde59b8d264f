package conformance

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	gosync "sync"
	"testing"
)

// Dispatch reassigns a ticket while its technician works offline: the
// technician's transitions and evidence are refused into stale_epoch
// conflicts that keep the work whole, the ticket leaves the old device
// for the new technician's, and dispatch alone can apply the evidence.
func TestDispatchReassignsWhileTechnicianOffline(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "away", 0)
		devA := s.pair(t, a.id)
		b := s.addFieldTech(t, "takeover", 0)
		devB := s.pair(t, b.id)
		tk := s.newTicket(t, a.id, "")
		first, cursorA := devA.pullFrom(t, "")
		if !first.hasTicket(tk.ID) {
			t.Fatalf("A's device did not pull A's ticket")
		}

		s.dispatchOK(t, "ticket.assign", map[string]any{"ticket": tk.ID, "technician": b.id})

		repair, note := newID(), newID()
		batch := []mutation{
			devA.mut("ticket.depart", transition(tk.ID, 1)),
			devA.mut("ticket.arrive", transition(tk.ID, 1)),
			devA.mut("repair.log", repairArgs(repair, tk.ID, 25)),
			devA.mut("note.add", noteArgs(note, tk.ID)),
		}
		out := devA.push(t, batch...)
		if out.Acked != batch[len(batch)-1].Seq || len(out.Rejected) != len(batch) {
			t.Fatalf("push answered a=%d with %d refusals, want a=%d and all %d refused: %+v", out.Acked, len(out.Rejected), batch[len(batch)-1].Seq, len(batch), out.Rejected)
		}
		bySeq := map[int64]rejection{}
		for _, x := range out.Rejected {
			bySeq[x.Seq] = x
			c, ok := s.conflictByID(t, x.Conflict)
			if !ok || c.Kind != "stale_epoch" || c.Technician != a.id {
				t.Errorf("seq %d: conflict %+v, want a stale_epoch conflict of %s", x.Seq, c, a.id)
			}
			// The device finds a refused mutation's outbox row by the
			// conflict's ID and ticket (PROTOCOL.md).
			if m := batch[x.Seq-batch[0].Seq]; c.ID != "cf-"+m.ID || c.Ticket != tk.ID {
				t.Errorf("seq %d: conflict %s on ticket %q, want cf-%s on %s", x.Seq, c.ID, c.Ticket, m.ID, tk.ID)
			}
		}
		if c, _ := s.conflictByID(t, bySeq[batch[2].Seq].Conflict); !strings.Contains(c.Ours, repair) {
			t.Errorf("the repair's conflict does not keep the work whole: ours = %q", c.Ours)
		}
		d := s.ticket(t, tk.ID)
		if d.Ticket.Technician != b.id || d.Ticket.Status != "assigned" || len(d.Repairs) != 0 || len(d.Notes) != 0 {
			t.Errorf("the ticket took the stale work: %+v", d)
		}

		pulledA, _ := devA.pullFrom(t, cursorA)
		if !slices.Contains(pulledA.Gone, tk.ID) || pulledA.hasTicket(tk.ID) {
			t.Errorf("A's next pull: gone_tickets %v, the ticket itself %v; want it gone", pulledA.Gone, pulledA.hasTicket(tk.ID))
		}
		for _, m := range batch {
			if !slices.ContainsFunc(pulledA.Conflicts, func(c conflict) bool { return c.ID == bySeq[m.Seq].Conflict }) {
				t.Errorf("A's device did not pull the conflict of its %s", m.Name)
			}
		}
		if !devB.pullAll(t).hasTicket(tk.ID) {
			t.Errorf("B's device did not pull the ticket assigned to B")
		}

		// The technician may not apply their work after all; dispatch may.
		noteConflict := bySeq[batch[3].Seq].Conflict
		if got := s.do(t, "POST", "/v1/conflicts/"+noteConflict+"/resolve", devA.token, map[string]any{"resolution": "accept_ours"}); got.status != http.StatusForbidden {
			t.Errorf("the technician's accept_ours: HTTP %d %s, want 403", got.status, got.body)
		}
		if got := s.do(t, "POST", "/v1/conflicts/"+noteConflict+"/resolve", devA.token, map[string]any{"resolution": "dismissed"}); got.status != http.StatusOK {
			t.Errorf("the technician's dismissal: HTTP %d %s, want 200", got.status, got.body)
		}
		if got := s.do(t, "POST", "/v1/conflicts/"+bySeq[batch[2].Seq].Conflict+"/resolve", s.admin, map[string]any{"resolution": "accept_ours"}); got.status != http.StatusOK {
			t.Fatalf("dispatch's accept_ours of the repair: HTTP %d %s, want 200", got.status, got.body)
		}
		d = s.ticket(t, tk.ID)
		if len(d.Repairs) != 1 || d.Repairs[0].ID != repair || d.Ticket.LabourMinutes != 25 || len(d.Notes) != 0 {
			t.Errorf("after dispatch applied the repair (and only it): %+v", d)
		}
		if got := s.do(t, "POST", "/v1/conflicts/"+bySeq[batch[2].Seq].Conflict+"/resolve", s.admin, map[string]any{"resolution": "accept_ours"}); got.status != http.StatusConflict {
			t.Errorf("resolving a resolved conflict again: HTTP %d %s, want 409", got.status, got.body)
		}
		if d := s.ticket(t, tk.ID); len(d.Repairs) != 1 || d.Ticket.LabourMinutes != 25 {
			t.Errorf("the second decision applied the repair again: %+v", d)
		}
	})
}

// Counter technicians of one store fit the shelf's last unit at the
// same moment: consumption is a fact, every one is accepted, the balance
// goes below zero, and each consumption that left it there raises one
// negative_stock conflict with the balance it left: two devices leave
// -1 and one conflict; six leave -5 and five conflicts, -1 to -5, each
// once (the checks of one balance see each other's movements, however
// the pushes meet).
func TestTwoDevicesTakeTheLastUnit(t *testing.T) {
	for _, n := range []int{2, 6} {
		t.Run(fmt.Sprintf("%d devices", n), func(t *testing.T) { devicesTakeTheLastUnit(t, n) })
	}
}

func devicesTakeTheLastUnit(t *testing.T, n int) {
	onEachDB(t, func(t *testing.T, s *service) { lastUnitAtOnce(t, s, n) })
}

// TestChecksHoldUnderARepeatableReadDefault: README, "the service's
// writes run at READ COMMITTED whatever the database's default isolation
// level (its checks between concurrent pushes count on it)". The service
// runs on a PostgreSQL whose sessions default to repeatable read, as an
// operator may set it; six devices taking a shelf's last unit at once
// still leave -5 and five conflicts, -1 to -5.
func TestChecksHoldUnderARepeatableReadDefault(t *testing.T) {
	u, err := url.Parse(newPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("default_transaction_isolation", "repeatable read")
	// %20, not Encode's "+": the driver reads a "+" as itself.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	lastUnitAtOnce(t, startService(t, "postgres", u.String()), 6)
}

// lastUnitAtOnce has n counter devices of one store fit the shelf's last
// unit at the same moment on s, and checks what the protocol says of it.
func lastUnitAtOnce(t *testing.T, s *service, n int) {
	{
		store := name("store")
		shelf := name("shelf")
		s.ensureParts(t)
		s.adminOK(t, "PUT", "/v1/admin/locations/"+shelf, map[string]any{"id": shelf, "kind": "store", "name": "Shelf", "owner": store}, nil)
		s.importStock(t, shelf, partFilter, 1)
		var devs []*device
		var tickets []ticketView
		for range n {
			tc := s.addCounterTech(t, "counter", store)
			devs = append(devs, s.pair(t, tc.id))
			tickets = append(tickets, s.newTicket(t, "", store))
		}
		// Every device saw one unit before going to work.
		for i, d := range devs {
			if got := d.pullAll(t).ledgerBalance(shelf, partFilter); got != 1 {
				t.Fatalf("device %d pulled a shelf balance of %d, want 1", i, got)
			}
		}
		// They sync at the same moment.
		pushAtOnce(t, s, devs, func(i int, d *device) []mutation {
			return []mutation{d.mut("stock.consume", consumeArgs(newID(), tickets[i].ID, partFilter, shelf, 1))}
		})
		if got := s.balance(t, shelf, partFilter); got != 1-n {
			t.Errorf("shelf balance %d, want %d", got, 1-n)
		}
		mine := map[string]bool{}
		for _, tk := range tickets {
			mine[tk.ID] = true
		}
		neg := s.conflicts(t, func(c conflict) bool { return c.Kind == "negative_stock" && mine[c.Ticket] })
		var left []string
		for _, c := range neg {
			left = append(left, c.Theirs)
		}
		slices.Sort(left)
		var want []string
		for b := -1; b >= 1-n; b-- {
			want = append(want, fmt.Sprint(b))
		}
		slices.Sort(want)
		if !slices.Equal(left, want) {
			t.Errorf("negative_stock conflicts leave balances %q, want one for each consumption after the first, leaving %q", left, want)
		}
		for i, d := range devs {
			if got := d.pullAll(t).ledgerBalance(shelf, partFilter); got != 1-n {
				t.Errorf("device %d's pulled ledger sums to %d at the shelf, want %d", i, got, 1-n)
			}
		}
	}
}

// pushAtOnce has every device push the mutations muts makes for it (a
// batch of its next seqs), all at the same moment, and fails t unless
// each is applied.
func pushAtOnce(t *testing.T, s *service, devs []*device, muts func(i int, d *device) []mutation) {
	t.Helper()
	answers, errs, last := make([]answer, len(devs)), make([]error, len(devs)), make([]int64, len(devs))
	go1 := make(chan struct{})
	var wg gosync.WaitGroup
	for i, d := range devs {
		ms := muts(i, d)
		last[i] = ms[len(ms)-1].Seq
		wg.Go(func() {
			<-go1
			answers[i], errs[i] = s.send(t.Context(), "POST", "/v1/sync", d.token, map[string]any{"v": 1, "p": ms, "np": true})
		})
	}
	close(go1)
	wg.Wait()
	for i, a := range answers {
		var out syncAnswer
		if errs[i] != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil {
			t.Fatalf("device %d: %v HTTP %d %s", i, errs[i], a.status, a.body)
		}
		if out.Acked != last[i] || len(out.Rejected) != 0 {
			t.Errorf("device %d's push: a=%d x=%+v, want it all applied, to seq %d", i, out.Acked, out.Rejected, last[i])
		}
	}
}

// withNotes is m followed by n notes on ticket: a push that stays open
// a while after m's check, as a day's batch does, so that the pushes
// of pushAtOnce meet between their checks and their commits.
func withNotes(d *device, m mutation, ticket string, n int) []mutation {
	ms := []mutation{m}
	for range n {
		ms = append(ms, d.mut("note.add", noteArgs(newID(), ticket)))
	}
	return ms
}

// A device that lost an answer sends the batch again: replays are
// skipped, a gap is answered with r and applies nothing, a mutation ID
// taken under another seq consumes the seq and applies nothing again.
func TestReplayAndLostAnswers(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock = 10
		tc := s.addFieldTech(t, "replayer", stock)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		type want struct {
			acked, resend         int64
			repairs, notes, parts int
			labour, balance       int
		}
		check := func(t *testing.T, out syncAnswer, w want) {
			t.Helper()
			if out.Acked != w.acked || out.Resend != w.resend || len(out.Rejected) != 0 {
				t.Errorf("answer a=%d r=%d x=%+v, want a=%d r=%d and no refusal", out.Acked, out.Resend, out.Rejected, w.acked, w.resend)
			}
			d := s.ticket(t, tk.ID)
			if len(d.Repairs) != w.repairs || len(d.Notes) != w.notes || len(d.Parts) != w.parts || d.Ticket.LabourMinutes != w.labour {
				t.Errorf("ticket holds %d repairs, %d notes, %d parts, %d minutes; want %d, %d, %d, %d",
					len(d.Repairs), len(d.Notes), len(d.Parts), d.Ticket.LabourMinutes, w.repairs, w.notes, w.parts, w.labour)
			}
			if got := s.balance(t, tc.van, partFilter); got != w.balance {
				t.Errorf("van balance %d, want %d", got, w.balance)
			}
			if got := s.lastSeq(t, dev.id); got != w.acked {
				t.Errorf("last_seq %d, want %d", got, w.acked)
			}
		}
		batch := []mutation{
			dev.mut("repair.log", repairArgs(newID(), tk.ID, 10)),
			dev.mut("note.add", noteArgs(newID(), tk.ID)),
			dev.mut("stock.consume", consumeArgs(newID(), tk.ID, partFilter, tc.van, 1)),
		}
		check(t, dev.push(t, batch...), want{3, 0, 1, 1, 1, 10, stock - 1})

		t.Run("the same batch again", func(t *testing.T) {
			check(t, dev.push(t, batch...), want{3, 0, 1, 1, 1, 10, stock - 1})
		})
		next := dev.mut("repair.log", repairArgs(newID(), tk.ID, 5))
		t.Run("replays and one new", func(t *testing.T) {
			check(t, dev.push(t, batch[1], batch[2], next), want{4, 0, 2, 1, 1, 15, stock - 1})
		})
		t.Run("a gap", func(t *testing.T) {
			dev.seq++ // seq 5 is lost on the way
			late := dev.mut("note.add", noteArgs(newID(), tk.ID))
			check(t, dev.push(t, late), want{4, 5, 2, 1, 1, 15, stock - 1})
			dev.seq = 4
		})
		t.Run("a device that lowered its mark", func(t *testing.T) {
			a := dev.sync(t, map[string]any{"v": 1, "a": 0, "p": append(slices.Clone(batch), next), "np": true})
			var out syncAnswer
			if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil {
				t.Fatalf("HTTP %d %s", a.status, a.body)
			}
			check(t, out, want{4, 0, 2, 1, 1, 15, stock - 1})
		})
		t.Run("a known mutation ID under a new seq", func(t *testing.T) {
			again := dev.mut("repair.log", batch[0].Args)
			again.ID = batch[0].ID
			check(t, dev.push(t, again), want{5, 0, 2, 1, 1, 15, stock - 1})
		})
		t.Run("an empty push answers last_seq", func(t *testing.T) {
			check(t, dev.push(t), want{5, 0, 2, 1, 1, 15, stock - 1})
		})
		if ap := s.applied(t, dev.id); len(ap) < 4 {
			t.Errorf("the applied list holds %d rows, want at least the 4 applied mutations", len(ap))
		} else {
			for i, r := range ap[:4] {
				if r.Seq != int64(i+1) || r.Status != "applied" || r.Mutation != append(slices.Clone(batch), next)[i].ID {
					t.Errorf("applied row %d is %+v", i, r)
				}
			}
		}
	})
}

// A device sees and touches only its scopes: no other technician's
// tickets or stock, no admin API, no one else's conflicts.
func TestScopeAndIDGuessing(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const stock = 5
		a := s.addFieldTech(t, "victim", stock)
		devA := s.pair(t, a.id)
		ticketA := s.newTicket(t, a.id, "")
		b := s.addFieldTech(t, "prober", stock)
		devB := s.pair(t, b.id)
		ticketB := s.newTicket(t, b.id, "")

		xa, ok := devA.pushOne(t, devA.mut("note.add", noteArgs(newID(), newID())))
		if !ok {
			t.Fatalf("A's note on no ticket was applied")
		}

		pulled := devB.pullAll(t)
		if !pulled.hasTicket(ticketB.ID) || pulled.hasTicket(ticketA.ID) {
			t.Errorf("B pulled its ticket: %v, A's ticket: %v; want only its own", pulled.hasTicket(ticketB.ID), pulled.hasTicket(ticketA.ID))
		}
		for _, m := range pulled.Movements {
			if m.From == a.van || m.To == a.van {
				t.Errorf("B pulled a movement of A's van: %+v", m)
			}
		}
		for _, c := range pulled.Conflicts {
			if c.ID == xa.Conflict {
				t.Errorf("B pulled A's conflict")
			}
		}

		t.Run("admin API with a device token", func(t *testing.T) {
			for _, path := range []string{"/v1/admin/tickets", "/v1/admin/tickets/" + ticketA.ID, "/v1/admin/conflicts", "/v1/admin/balances", "/v1/admin/devices"} {
				got := s.do(t, "GET", path, devB.token, nil)
				if got.status != http.StatusForbidden || got.apiErr(t).Code != "forbidden" {
					t.Errorf("GET %s with a device token: HTTP %d %s, want 403 forbidden", path, got.status, got.body)
				}
			}
			got := s.do(t, "POST", "/v1/admin/mutations", devB.token, map[string]any{"name": "ticket.assign", "version": 1, "args": map[string]any{"ticket": ticketA.ID, "technician": b.id}})
			if got.status != http.StatusForbidden {
				t.Errorf("a device's admin mutation: HTTP %d %s, want 403", got.status, got.body)
			}
			if d := s.ticket(t, ticketA.ID); d.Ticket.Technician != a.id {
				t.Errorf("A's ticket went to %s", d.Ticket.Technician)
			}
		})
		t.Run("sync with an admin token", func(t *testing.T) {
			got := s.do(t, "POST", "/v1/sync", s.admin, map[string]any{"v": 1})
			if got.status != http.StatusForbidden {
				t.Errorf("HTTP %d %s, want 403", got.status, got.body)
			}
		})
		t.Run("another technician's stock", func(t *testing.T) {
			for _, m := range []mutation{
				devB.mut("stock.consume", consumeArgs(newID(), ticketB.ID, partFilter, a.van, 1)),
				devB.mut("stock.transfer", map[string]any{"movement": map[string]any{"id": newID(), "kind": "transfer", "part": partFilter, "from": a.van, "to": b.van, "qty": 2}}),
			} {
				if _, ok := devB.pushOne(t, m); !ok {
					t.Errorf("B's %s from A's van was applied", m.Name)
				}
			}
			if got, gotB := s.balance(t, a.van, partFilter), s.balance(t, b.van, partFilter); got != stock || gotB != stock {
				t.Errorf("balances A %d, B %d; want both %d", got, gotB, stock)
			}
			// From its own van, a device may send stock on.
			wh := name("warehouse")
			s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse"}, nil)
			back := devB.mut("stock.transfer", map[string]any{"movement": map[string]any{"id": newID(), "kind": "transfer", "part": partFilter, "from": b.van, "to": wh, "qty": 2}})
			if x, ok := devB.pushOne(t, back); ok {
				t.Errorf("B's transfer from its own van was refused: %+v", x)
			}
			if got, gotWh := s.balance(t, b.van, partFilter), s.balance(t, wh, partFilter); got != stock-2 || gotWh != 2 {
				t.Errorf("after B's transfer: van %d, warehouse %d; want %d and 2", got, gotWh, stock-2)
			}
		})
		t.Run("another technician's conflict", func(t *testing.T) {
			for _, r := range []string{"accept_theirs", "dismissed"} {
				got := s.do(t, "POST", "/v1/conflicts/"+xa.Conflict+"/resolve", devB.token, map[string]any{"resolution": r})
				// PROTOCOL.md, the 404 row: another technician's conflict
				// is answered as one that does not exist.
				if got.status != http.StatusNotFound {
					t.Errorf("B's %s of A's conflict: HTTP %d %s, want 404", r, got.status, got.body)
				}
			}
			if c, _ := s.conflictByID(t, xa.Conflict); c.Resolution != "" {
				t.Errorf("A's conflict was resolved %q", c.Resolution)
			}
		})
		t.Run("pairing codes", func(t *testing.T) {
			var code struct {
				Code string `json:"code"`
			}
			s.adminOK(t, "POST", "/v1/admin/pairings", map[string]any{"technician": b.id}, &code)
			for i, c := range []string{"AAAA-BBBB-CCCC", code.Code, code.Code} {
				got := s.do(t, "POST", "/v1/pair", "", map[string]any{"code": c, "device_name": "guess"})
				wantStatus := http.StatusUnauthorized
				if i == 1 {
					wantStatus = http.StatusOK // the real code, once
				}
				if got.status != wantStatus {
					t.Errorf("pairing attempt %d: HTTP %d %s, want %d", i, got.status, got.body, wantStatus)
				}
			}
		})
	})
}

// A revoked device is refused with 401 auth.revoked and its requests
// change nothing; the technician's other devices go on.
func TestRevocation(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "revoked", 0)
		gone, kept := s.pair(t, tc.id), s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		if _, ok := gone.pushOne(t, gone.mut("note.add", noteArgs(newID(), tk.ID))); ok {
			t.Fatalf("the note before revocation was refused")
		}
		xc, ok := gone.pushOne(t, gone.mut("note.add", noteArgs(newID(), newID())))
		if !ok {
			t.Fatalf("a note on no ticket was applied")
		}
		var r struct {
			Revoked bool `json:"revoked"`
		}
		s.adminOK(t, "POST", "/v1/admin/devices/"+gone.id+"/revoke", nil, &r)
		if !r.Revoked {
			t.Fatalf("revoke answered revoked=false")
		}

		late := gone.mut("note.add", noteArgs(newID(), tk.ID))
		for _, req := range []struct {
			what, method, path string
			body               any
		}{
			{"a push", "POST", "/v1/sync", map[string]any{"v": 1, "p": []mutation{late}}},
			{"a pull", "POST", "/v1/sync", map[string]any{"v": 1}},
			{"a conflict decision", "POST", "/v1/conflicts/" + xc.Conflict + "/resolve", map[string]any{"resolution": "dismissed"}},
		} {
			got := s.do(t, req.method, req.path, gone.token, req.body)
			if got.status != http.StatusUnauthorized {
				t.Errorf("%s by the revoked device: HTTP %d %s, want 401", req.what, got.status, got.body)
			} else if e := got.apiErr(t); e.Key != "auth.revoked" {
				t.Errorf("%s by the revoked device: key %q, want auth.revoked", req.what, e.Key)
			}
		}
		if d := s.ticket(t, tk.ID); len(d.Notes) != 1 {
			t.Errorf("the ticket holds %d notes, want the one from before the revocation", len(d.Notes))
		}
		if got := s.lastSeq(t, gone.id); got != 2 {
			t.Errorf("the revoked device's last_seq moved to %d", got)
		}
		if c, _ := s.conflictByID(t, xc.Conflict); c.Resolution != "" {
			t.Errorf("the revoked device resolved its conflict")
		}
		var devices []struct {
			ID        string `json:"id"`
			RevokedAt string `json:"revoked_at"`
		}
		s.adminOK(t, "GET", "/v1/admin/devices", nil, &devices)
		revoked := map[string]string{}
		for _, d := range devices {
			revoked[d.ID] = d.RevokedAt
		}
		if revoked[gone.id] == "" || revoked[kept.id] != "" {
			t.Errorf("revoked_at: %q for the revoked device, %q for the other; want only the first set", revoked[gone.id], revoked[kept.id])
		}
		if _, ok := kept.pushOne(t, kept.mut("note.add", noteArgs(newID(), tk.ID))); ok {
			t.Errorf("the technician's other device was refused")
		}
		if got := s.do(t, "POST", "/v1/admin/devices/"+newID()+"/revoke", s.admin, nil); got.status != http.StatusNotFound {
			t.Errorf("revoking a device that does not exist: HTTP %d %s, want 404", got.status, got.body)
		}
	})
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Bad input gets its documented status and a {code, key, msg} body, and
// changes nothing.
func TestBadInput(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "fuzzy", 3)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		note := func(seq int64) mutation {
			return mutation{ID: newID(), Name: "note.add", Version: 1, Seq: seq, At: "2026-11-26T09:12:00Z", Args: noteArgs(newID(), tk.ID)}
		}
		js := func(v any) []byte {
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
		many := make([]mutation, 1001)
		for i := range many {
			many[i] = note(int64(i + 1))
		}
		huge := append(append([]byte(`{"v":1,"c":"`), bytes.Repeat([]byte("a"), 9<<20)...), `"}`...)
		tests := []struct {
			name   string
			method string
			path   string
			token  string // "device", "admin", "forged" or ""
			body   []byte
			header []string
			status int
			code   string
		}{
			{"malformed JSON", "POST", "/v1/sync", "device", []byte(`{"v":1,`), nil, 400, "invalid"},
			{"unknown field", "POST", "/v1/sync", "device", []byte(`{"v":1,"zz":1}`), nil, 400, "invalid"},
			{"wrong type", "POST", "/v1/sync", "device", []byte(`{"v":"1"}`), nil, 400, "invalid"},
			{"trailing data", "POST", "/v1/sync", "device", []byte(`{"v":1}}`), nil, 400, "invalid"},
			{"no protocol version", "POST", "/v1/sync", "device", []byte(`{}`), nil, 400, "invalid"},
			{"protocol too new", "POST", "/v1/sync", "device", js(map[string]any{"v": 99, "p": []mutation{note(1)}}), nil, 426, "too_new"},
			{"skipped seq inside a batch", "POST", "/v1/sync", "device", js(map[string]any{"v": 1, "p": []mutation{note(1), note(3)}}), nil, 400, "invalid"},
			{"more than 1000 mutations", "POST", "/v1/sync", "device", js(map[string]any{"v": 1, "p": many}), nil, 400, "invalid"},
			{"a push with a malformed cursor", "POST", "/v1/sync", "device", js(map[string]any{"v": 1, "p": []mutation{note(1)}, "c": "not a cursor"}), nil, 400, "invalid"},
			{"not gzip", "POST", "/v1/sync", "device", []byte(`{"v":1}`), []string{"Content-Encoding", "gzip"}, 400, "invalid"},
			{"unknown encoding", "POST", "/v1/sync", "device", []byte(`{"v":1}`), []string{"Content-Encoding", "br"}, 400, "invalid"},
			{"over 1 MiB on the wire", "POST", "/v1/sync", "device", huge[:2<<20], nil, 413, "invalid"},
			{"over 8 MiB after gzip", "POST", "/v1/sync", "device", gzipped(t, huge), []string{"Content-Encoding", "gzip"}, 413, "invalid"},
			{"no token", "POST", "/v1/sync", "", []byte(`{"v":1}`), nil, 401, "unauthorized"},
			{"forged token", "POST", "/v1/sync", "forged", []byte(`{"v":1}`), nil, 401, "unauthorized"},
			{"forged admin token", "GET", "/v1/admin/tickets", "forged", nil, nil, 401, "unauthorized"},
			{"bad resolution", "POST", "/v1/conflicts/nope/resolve", "admin", []byte(`{"resolution":"keep_both"}`), nil, 400, "invalid"},
			{"unknown conflict", "POST", "/v1/conflicts/" + newID() + "/resolve", "admin", []byte(`{"resolution":"dismissed"}`), nil, 404, "not_found"},
			{"unknown address", "GET", "/v1/nowhere", "admin", nil, nil, 404, "not_found"},
			{"technician ID mismatch", "PUT", "/v1/admin/technicians/" + tc.id, "admin", js(map[string]any{"id": "someone-else", "name": "X", "country": "CN"}), nil, 400, "invalid"},
			{"admin body over 64 KiB", "PUT", "/v1/admin/technicians/" + tc.id, "admin", js(map[string]any{"id": tc.id, "name": strings.Repeat("x", 70<<10), "country": "CN"}), nil, 413, "invalid"},
			{"unknown admin mutation", "POST", "/v1/admin/mutations", "admin", js(map[string]any{"name": "ticket.teleport", "version": 1, "args": map[string]any{}}), nil, 400, "invalid"},
			{"admin mutation with bad args", "POST", "/v1/admin/mutations", "admin", js(map[string]any{"name": "ticket.assign", "version": 1, "args": map[string]any{"ticket": tk.ID}}), nil, 400, "invalid"},
			{"stock file with a bad row", "POST", "/v1/admin/import/stock", "admin", []byte(fmt.Sprintf("location,part,qty\n%s,%s,5\nno-such-van,%s,5\n", tc.van, partFilter, partFilter)), nil, 400, "invalid"},
			{"parts file with a bad class", "POST", "/v1/admin/import/parts", "admin", []byte("number,name_en,class\nCF-NEW,New part,main\nCF-BAD,Bad part,gold\n"), nil, 400, "invalid"},
			{"unknown import", "POST", "/v1/admin/import/tickets", "admin", []byte("id\n1\n"), nil, 404, "not_found"},
		}
		before := s.ticket(t, tk.ID)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token := map[string]string{"device": dev.token, "admin": s.admin, "forged": "Zm9yZ2VkLXRva2VuLXRoYXQtbm9ib2R5LWlzc3VlZA"}[tt.token]
				got := s.do(t, tt.method, tt.path, token, tt.body, tt.header...)
				if got.status != tt.status {
					t.Fatalf("HTTP %d %s, want %d", got.status, got.body, tt.status)
				}
				if e := got.apiErr(t); e.Code != tt.code {
					t.Errorf("code %q (%s: %s), want %q", e.Code, e.Key, e.Msg, tt.code)
				}
			})
		}
		t.Run("nothing changed", func(t *testing.T) {
			if got := s.lastSeq(t, dev.id); got != 0 {
				t.Errorf("the device's last_seq is %d", got)
			}
			if after := s.ticket(t, tk.ID); len(after.Notes) != 0 || after.Ticket != before.Ticket {
				t.Errorf("the ticket changed:\n before %+v\n after  %+v", before, after)
			}
			if got := s.balance(t, tc.van, partFilter); got != 3 {
				t.Errorf("van balance %d after a refused import, want 3", got)
			}
			if cs := s.conflicts(t, func(c conflict) bool { return c.Device == dev.id }); len(cs) != 0 {
				t.Errorf("refused requests left conflicts: %+v", cs)
			}
		})
		t.Run("import refusal names the bad line", func(t *testing.T) {
			got := s.do(t, "POST", "/v1/admin/import/stock", s.admin, []byte(fmt.Sprintf("location,part,qty\n%s,%s,5\n%s,%s,many\n", tc.van, partFilter, tc.van, partFilter)))
			e := got.apiErr(t)
			if got.status != 400 || e.Key != "import.refused" || !strings.Contains(string(got.body), "3") {
				t.Errorf("HTTP %d %s, want 400 import.refused naming line 3", got.status, got.body)
			}
			var rows struct {
				Rows []struct {
					Line int    `json:"line"`
					Code string `json:"code"`
					Key  string `json:"key"`
					Msg  string `json:"msg"`
				} `json:"rows"`
			}
			if err := json.Unmarshal(got.body, &rows); err != nil || len(rows.Rows) != 1 || rows.Rows[0].Line != 3 || rows.Rows[0].Code != "invalid" ||
				rows.Rows[0].Key != "import.row.whole_number" || !strings.Contains(rows.Rows[0].Msg, "many") {
				t.Errorf("rows %+v (%v), want line 3's import.row.whole_number", rows.Rows, err)
			}
		})
		// Pushed mutations that break the rules are not bad requests: the
		// request succeeds and each becomes a conflict, consuming its seq.
		t.Run("refused mutations become conflicts", func(t *testing.T) {
			for _, m := range []mutation{
				dev.mut("ticket.teleport", map[string]any{"ticket": tk.ID}),
				dev.mut("note.add", map[string]any{"note": map[string]any{"id": newID(), "ticket": tk.ID, "text": "x", "colour": "red"}}),
				dev.mut("stock.consume", consumeArgs(newID(), tk.ID, partFilter, tc.van, 0)),
				dev.mut("repair.log", map[string]any{"entry": map[string]any{"id": newID(), "ticket": tk.ID, "action": "x", "minutes": 99999}}),
			} {
				x, ok := dev.pushOne(t, m)
				if !ok || x.Code != "invalid" || x.Conflict == "" {
					t.Errorf("%s: refusal %+v (refused %v), want code invalid with a conflict", m.Name, x, ok)
				}
			}
			if after := s.ticket(t, tk.ID); len(after.Notes) != 0 || len(after.Repairs) != 0 || len(after.Parts) != 0 {
				t.Errorf("refused mutations left facts: %+v", after)
			}
		})
	})
}

// A mutation the service cannot read (a newer device's command) is
// refused into a conflict cf-<mutation ID> that names no ticket, even
// when its arguments name one: the service cannot tell which of them is
// the ticket it acts on (PROTOCOL.md; the device then finds the mutation
// by its ID alone). The work is kept whole in the conflict.
func TestUnreadableMutationConflictNamesNoTicket(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "newer", 0)
		dev := s.pair(t, a.id)
		tk := s.newTicket(t, a.id, "")
		note := newID()
		m := dev.mut("note.teleport", noteArgs(note, tk.ID))
		out := dev.push(t, m)
		if out.Acked != m.Seq || len(out.Rejected) != 1 || out.Rejected[0].Key != "mutation.unknown" {
			t.Fatalf("push of an unknown mutation: a=%d, refusals %+v; want it acknowledged and refused as mutation.unknown", out.Acked, out.Rejected)
		}
		c, ok := s.conflictByID(t, out.Rejected[0].Conflict)
		if !ok || c.ID != "cf-"+m.ID || c.Ticket != "" || !strings.Contains(c.Ours, note) {
			t.Errorf("conflict %+v (found %v); want cf-%s naming no ticket, keeping the note", c, ok, m.ID)
		}
		if d := s.ticket(t, tk.ID); len(d.Notes) != 0 {
			t.Errorf("the ticket took %d notes from an unknown mutation", len(d.Notes))
		}
	})
}

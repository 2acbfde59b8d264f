package conformance

import (
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"testing"
	"time"
)

var initLine = regexp.MustCompile(`^tenant (\S+), admin token \S+ \(shown once\): (\S+)\n$`)

// newTenant creates a tenant with `central init` on the running service's
// database and returns its admin token.
func (s *service) newTenant(t *testing.T, tenant string) string {
	t.Helper()
	args := []string{"init", "-tenant", tenant, "-data", s.dir}
	if s.dsn != "" {
		args = append(args, "-postgres", s.dsn)
	}
	out, err := exec.CommandContext(t.Context(), binary, args...).Output()
	if err != nil {
		t.Fatalf("central %v: %v", args, err)
	}
	m := initLine.FindStringSubmatch(string(out))
	if m == nil || m[1] != tenant {
		t.Fatalf("central init printed %q", out)
	}
	return m[2]
}

// A dispatcher sees only their tenant: another tenant's tickets,
// conflicts and devices are answered as if they did not exist.
func TestTenantsAreApart(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "tenanted", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		x, ok := dev.pushOne(t, dev.mut("note.add", noteArgs(newID(), newID())))
		if !ok {
			t.Fatalf("a note on no ticket was applied")
		}
		other := s.newTenant(t, name("tenant"))

		var tickets []ticketView
		a := s.do(t, "GET", "/v1/admin/tickets", other, nil)
		if a.status != http.StatusOK {
			t.Fatalf("the other tenant's ticket list: HTTP %d %s", a.status, a.body)
		}
		if err := jsonUnmarshal(a.body, &tickets); err != nil || slices.ContainsFunc(tickets, func(v ticketView) bool { return v.ID == tk.ID }) {
			t.Errorf("the other tenant lists the ticket (%v)", err)
		}
		// Each request is answered as the same request about an ID that
		// exists nowhere (TestUnknownResources checks that this is 404).
		nowhere := newID()
		for _, req := range []struct {
			method string
			path   func(ticket, conflict, device string) string
			body   func(ticket string) any
		}{
			{"GET", func(tk, _, _ string) string { return "/v1/admin/tickets/" + tk }, nil},
			{"GET", func(tk, _, _ string) string { return "/v1/admin/tickets/" + tk + "/history" }, nil},
			{"POST", func(_, c, _ string) string { return "/v1/conflicts/" + c + "/resolve" }, func(string) any { return map[string]any{"resolution": "dismissed"} }},
			{"POST", func(_, _, d string) string { return "/v1/admin/devices/" + d + "/revoke" }, nil},
			{"GET", func(_, _, d string) string { return "/v1/admin/devices/" + d + "/applied" }, nil},
			{"POST", func(string, string, string) string { return "/v1/admin/mutations" }, func(tk string) any {
				return map[string]any{"name": "ticket.cancel", "version": 1, "args": transition(tk, 1, "reason", "not ours")}
			}},
		} {
			var body, bodyNowhere any
			if req.body != nil {
				body, bodyNowhere = req.body(tk.ID), req.body(nowhere)
			}
			path := req.path(tk.ID, x.Conflict, dev.id)
			got := s.do(t, req.method, path, other, body)
			ref := s.do(t, req.method, req.path(nowhere, nowhere, nowhere), other, bodyNowhere)
			if got.status != ref.status || string(got.body) != string(ref.body) && (got.status/100 == 2 || got.apiErr(t).Key != ref.apiErr(t).Key) {
				t.Errorf("%s %s by another tenant: HTTP %d %s; about an ID that exists nowhere: HTTP %d %s", req.method, path, got.status, got.body, ref.status, ref.body)
			}
		}
		if d := s.ticket(t, tk.ID); d.Ticket.Status != "assigned" {
			t.Errorf("the ticket is %s", d.Ticket.Status)
		}
		if c, _ := s.conflictByID(t, x.Conflict); c.Resolution != "" {
			t.Errorf("another tenant resolved the conflict")
		}
		if _, ok := dev.pushOne(t, dev.mut("note.add", noteArgs(newID(), tk.ID))); ok {
			t.Errorf("the device was refused after another tenant's revoke")
		}
	})
}

// A device clock far ahead is flagged in a clock conflict, the work is
// kept, and the device's offset shows in the device list.
func TestClockAhead(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "early", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		m := dev.mut("note.add", noteArgs(newID(), tk.ID))
		m.At = time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)
		if x, ok := dev.pushOne(t, m); ok {
			t.Fatalf("a note with a clock an hour ahead was refused: %+v", x)
		}
		if d := s.ticket(t, tk.ID); len(d.Notes) != 1 {
			t.Errorf("the ticket holds %d notes, want the note", len(d.Notes))
		}
		if cs := s.conflicts(t, func(c conflict) bool { return c.Kind == "clock" && c.Mutation == m.ID }); len(cs) != 1 {
			t.Errorf("%d clock conflicts for the mutation, want 1", len(cs))
		}
		var ds []struct {
			ID     string `json:"id"`
			Offset int64  `json:"clock_offset_ms"`
		}
		s.adminOK(t, "GET", "/v1/admin/devices", nil, &ds)
		for _, d := range ds {
			if d.ID == dev.id && (d.Offset > -time.Hour.Milliseconds()+60_000 || d.Offset < -time.Hour.Milliseconds()-60_000) {
				t.Errorf("clock_offset_ms %d, want about %d (server time minus the pushed at)", d.Offset, -time.Hour.Milliseconds())
			}
		}
		// Within 10 minutes is no conflict.
		m = dev.mut("note.add", noteArgs(newID(), tk.ID))
		m.At = time.Now().Add(5 * time.Minute).UTC().Format(time.RFC3339Nano)
		dev.pushOne(t, m)
		if cs := s.conflicts(t, func(c conflict) bool { return c.Mutation == m.ID }); len(cs) != 0 {
			t.Errorf("a clock 5 minutes ahead raised %+v", cs)
		}
	})
}

// An address naming a resource that does not exist answers 404 not_found
// (PROTOCOL.md, Transport).
func TestUnknownResources(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		nowhere := newID()
		for _, req := range []struct{ name, method, path string }{
			{"a ticket", "GET", "/v1/admin/tickets/" + nowhere},
			{"a ticket's history", "GET", "/v1/admin/tickets/" + nowhere + "/history"},
			{"a device's applied list", "GET", "/v1/admin/devices/" + nowhere + "/applied"},
			{"a device's revocation", "POST", "/v1/admin/devices/" + nowhere + "/revoke"},
		} {
			t.Run(req.name, func(t *testing.T) {
				a := s.do(t, req.method, req.path, s.admin, nil)
				if a.status != http.StatusNotFound {
					t.Fatalf("HTTP %d %s, want 404", a.status, a.body)
				}
				if e := a.apiErr(t); e.Code != "not_found" {
					t.Errorf("code %q, want not_found", e.Code)
				}
			})
		}
	})
}

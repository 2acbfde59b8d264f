package conformance

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// pullOnce sends one pull from cursor and decodes the answer.
func (d *device) pullOnce(t *testing.T, cursor string) syncAnswer {
	t.Helper()
	a := d.sync(t, map[string]any{"v": 1, "c": cursor})
	var out syncAnswer
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil {
		t.Fatalf("pull: HTTP %d %s", a.status, a.body)
	}
	return out
}

// bringsTicket reports whether pull answer a, or the pages after it,
// hold ticket id: a page is cut at its byte budget (m set), and what
// comes before a new device's tickets, the tenant's catalog among it,
// grows with every case run before (each -count, each case that imports
// parts), so a ticket that fit the first page once need not now.
func (d *device) bringsTicket(t *testing.T, a syncAnswer, id string) bool {
	t.Helper()
	if a.Data != nil && a.Data.hasTicket(id) {
		return true
	}
	if !a.More {
		return false
	}
	rest, _ := d.pullFrom(t, a.Cursor)
	return rest.hasTicket(id)
}

// A cursor of another scope set (the technician got a new van) restarts
// the pull from the beginning with rs.
func TestNewVanRestartsThePull(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "mover", 2)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		_, cursor := dev.pullFrom(t, "")
		if again := dev.pullOnce(t, cursor); again.Reset || again.Data != nil && again.Data.hasTicket(tk.ID) {
			t.Fatalf("a pull with nothing new answered rs=%v with the ticket again", again.Reset)
		}
		van := name("newvan")
		s.adminOK(t, "PUT", "/v1/admin/locations/"+van, map[string]any{"id": van, "kind": "van", "name": "New van", "owner": tc.id}, nil)
		s.importStock(t, van, partBelt, 7)
		s.adminOK(t, "PUT", "/v1/admin/technicians/"+tc.id, map[string]any{"id": tc.id, "name": "Tech " + tc.id, "country": "CN", "van": van}, nil)
		out := dev.pullOnce(t, cursor)
		if again := dev.bringsTicket(t, out, tk.ID); !out.Reset || !again {
			t.Errorf("the pull after the van changed: rs=%v, ticket again: %v; want the pull from the start", out.Reset, again)
		}
		p, _ := dev.pullFrom(t, "")
		if got := p.ledgerBalance(van, partBelt); got != 7 {
			t.Errorf("the new van's pulled balance is %d, want 7", got)
		}
	})
}

// After restore-epoch, an old cursor answers rs and the new epoch; the
// device's acknowledged seq stays the server's last_seq.
func TestRestoreEpochResetsCursors(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			s := newService(t, db)
			defer s.proc.kill()
			tc := s.addFieldTech(t, "restored", 0)
			dev := s.pair(t, tc.id)
			tk := s.newTicket(t, tc.id, "")
			dev.pushOne(t, dev.mut("note.add", noteArgs(newID(), tk.ID)))
			first := dev.pullOnce(t, "")
			cursor := first.Cursor
			for first.More {
				first = dev.pullOnce(t, first.Cursor)
				cursor = first.Cursor
			}
			args := []string{"restore-epoch", "-data", s.dir}
			if s.dsn != "" {
				args = append(args, "-postgres", s.dsn)
			}
			if out, err := exec.CommandContext(t.Context(), binary, args...).CombinedOutput(); err != nil {
				t.Fatalf("central restore-epoch: %v\n%s", err, out)
			}
			out := dev.pullOnce(t, cursor)
			if !out.Reset || out.Epoch == first.Epoch || out.Acked != 1 {
				t.Errorf("pull after restore-epoch: rs=%v e=%q (was %q) a=%d; want rs, a new epoch and a=1", out.Reset, out.Epoch, first.Epoch, out.Acked)
			}
			if out.Data == nil || !out.Data.hasTicket(tk.ID) {
				t.Errorf("the reset pull does not start from the beginning")
			}
		})
	}
}

// Request bodies may be gzip-compressed; answers over 1 KB are compressed
// as the client asks: zstd when it offers zstd, gzip otherwise.
func TestCompression(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "squeezed", 5)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		m := dev.mut("note.add", noteArgs(newID(), tk.ID))
		raw, err := json.Marshal(map[string]any{"v": 1, "p": []mutation{m}})
		if err != nil {
			t.Fatal(err)
		}
		a := s.do(t, "POST", "/v1/sync", dev.token, gzipped(t, raw), "Content-Encoding", "gzip", "Accept-Encoding", "gzip")
		if a.status != http.StatusOK {
			t.Fatalf("gzip push: HTTP %d %s", a.status, a.body)
		}
		if a.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("a first pull of %d bytes came with Content-Encoding %q, want gzip", len(a.body), a.header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(io.LimitReader(zr, maxAnswer))
		if err != nil {
			t.Fatal(err)
		}
		var out syncAnswer
		err = json.Unmarshal(plain, &out)
		if brought := err == nil && out.Data != nil && dev.bringsTicket(t, out, tk.ID); out.Acked != 1 || !brought {
			t.Errorf("the gzip answer: a=%d, the ticket in it or the pages after it: %v (%v)", out.Acked, brought, err)
		}
		if d := s.ticket(t, tk.ID); len(d.Notes) != 1 {
			t.Errorf("the gzip push left %d notes", len(d.Notes))
		}
		a = s.do(t, "POST", "/v1/sync", dev.token, []byte(`{"v":1}`), "Accept-Encoding", "zstd, gzip")
		if a.status != http.StatusOK || a.header.Get("Content-Encoding") != "zstd" {
			t.Errorf("with zstd offered: HTTP %d, Content-Encoding %q, want zstd", a.status, a.header.Get("Content-Encoding"))
		}
		a = s.do(t, "POST", "/v1/sync", dev.token, []byte(`{"v":1,"np":true}`), "Accept-Encoding", "gzip")
		if a.status != http.StatusOK || a.header.Get("Content-Encoding") != "" || !strings.HasPrefix(string(a.body), "{") {
			t.Errorf("a small answer: HTTP %d, Content-Encoding %q, want it plain", a.status, a.header.Get("Content-Encoding"))
		}
	})
}

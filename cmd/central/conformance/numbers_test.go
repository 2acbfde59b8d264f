package conformance

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"
	"time"
)

// The office's figures (README, "Office figures"; the console's Numbers
// page, GET /numbers.csv): time on site is the time a ticket spent on_site
// or in_progress, as the service report counts it; a wait for parts
// (waiting_parts, from wait_parts to resume) does not count. The service
// times each step by its own clock when it applies it, which this suite
// cannot move, so the wait here is real: 31 seconds, which the CSV's
// "Average minutes on site" (rounded to the minute) would show as 1 were
// the wait counted, and the steps around it, pushed back to back, as 0.
func TestNumbersTimeOnSiteLeavesOutWaitForParts(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "onsite", 0)
		tk := s.newTicket(t, tc.id, "")
		dev := s.pair(t, tc.id)
		push := func(muts ...mutation) {
			t.Helper()
			if got := dev.push(t, muts...); len(got.Rejected) > 0 {
				t.Fatalf("rejected: %+v", got.Rejected)
			}
		}
		push(dev.mut("ticket.depart", transition(tk.ID, 1)),
			dev.mut("ticket.arrive", transition(tk.ID, 1)),
			dev.mut("ticket.start", transition(tk.ID, 1)),
			dev.mut("ticket.update", map[string]any{"ticket": tk.ID, "set": map[string]any{"diagnosis": "pump seized"}, "base": map[string]any{"diagnosis": ""}}),
			dev.mut("ticket.wait_parts", transition(tk.ID, 1, "reason", "drain pump")))
		time.Sleep(31 * time.Second)
		push(dev.mut("ticket.resume", transition(tk.ID, 1)),
			dev.mut("repair.log", repairArgs(newID(), tk.ID, 30)),
			dev.mut("ticket.complete", transition(tk.ID, 1, "resolution", "repaired")),
			dev.mut("ticket.close", transition(tk.ID, 1)))

		login := name("numbers")
		s.mustAddConsoleUser(t, "default", login, "dispatcher", "")
		b := s.browser()
		b.mustSignIn(t, login)
		a := b.req(t, "GET", "/numbers.csv?period=last7", nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET /numbers.csv: HTTP %d %s", a.status, a.body)
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.body, []byte("\ufeff"))))
		cr.FieldsPerRecord = -1 // three tables of their own widths
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("numbers.csv: %v\n%s", err, a.body)
		}
		// The first table: a row per technician, headed by column names.
		head := rows[0]
		col := func(name string) int {
			for i, h := range head {
				if h == name {
					return i
				}
			}
			t.Fatalf("numbers.csv has no column %q: %q", name, head)
			return -1
		}
		closed, tickets, minutes := col("Closed"), col("On-site tickets"), col("Average minutes on site")
		for _, r := range rows[1:] {
			if len(r) < len(head) {
				break // the end of the table
			}
			if r[0] != "Tech "+tc.id {
				continue
			}
			if r[closed] != "1" || r[tickets] != "1" || r[minutes] != "0" {
				t.Fatalf("%s closed %s, on-site tickets %s, average minutes on site %s; want 1, 1 and 0 (the 31 s waiting for a part left out)",
					r[0], r[closed], r[tickets], r[minutes])
			}
			return
		}
		t.Fatalf("numbers.csv has no row for %s:\n%s", tc.id, a.body)
	})
}

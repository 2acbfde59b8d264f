package conformance

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"
	"time"
)

// technicianNumbers is the row of technician techID in the first table
// of the console's figures over the last 7 days (GET /numbers.csv, the
// Numbers page's tables; README, "Office figures"), by column name, as a
// dispatcher downloads it.
func (s *service) technicianNumbers(t *testing.T, techID string) map[string]string {
	t.Helper()
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
	for _, r := range rows[1:] {
		if len(r) < len(head) {
			break // the end of the table
		}
		if r[0] != "Tech "+techID {
			continue
		}
		out := map[string]string{}
		for i, h := range head {
			out[h] = r[i]
		}
		return out
	}
	t.Fatalf("numbers.csv has no row for %s:\n%s", techID, a.body)
	return nil
}

// at is m as the device made it at when (offline, say).
func at(m mutation, when time.Time) mutation {
	m.At = when.Format(time.RFC3339Nano)
	return m
}

// The office's figures (README, "Office figures"; the console's Numbers
// page, GET /numbers.csv): time on site is the time a ticket spent on_site
// or in_progress, as the service report counts it; a wait for parts
// (waiting_parts, from wait_parts to resume) does not count. Each step
// counts when the technician took it (its mutation's `at`, PROTOCOL.md,
// "Clocks"): 25 minutes on site, a wait of three hours, 20 more minutes.
func TestNumbersTimeOnSiteLeavesOutWaitForParts(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "onsite", 0)
		created := time.Now().UTC().Add(-6 * time.Hour).Truncate(time.Second)
		tk := s.newTicketWith(t, newID(), tc.id, "", map[string]any{"created_at": created.Format(time.RFC3339)})
		dev := s.pair(t, tc.id)
		push := func(muts ...mutation) {
			t.Helper()
			if got := dev.push(t, muts...); len(got.Rejected) > 0 {
				t.Fatalf("rejected: %+v", got.Rejected)
			}
		}
		arrived := created.Add(time.Hour)
		waiting := arrived.Add(25 * time.Minute)
		resumed := waiting.Add(3 * time.Hour)
		push(at(dev.mut("ticket.depart", transition(tk.ID, 1)), arrived.Add(-20*time.Minute)),
			at(dev.mut("ticket.arrive", transition(tk.ID, 1)), arrived),
			at(dev.mut("ticket.start", transition(tk.ID, 1)), arrived.Add(time.Minute)),
			at(dev.mut("ticket.update", map[string]any{"ticket": tk.ID, "set": map[string]any{"diagnosis": "pump seized"}, "base": map[string]any{"diagnosis": ""}}), arrived.Add(5*time.Minute)),
			at(dev.mut("ticket.wait_parts", transition(tk.ID, 1, "reason", "drain pump")), waiting))
		push(at(dev.mut("ticket.resume", transition(tk.ID, 1)), resumed),
			at(dev.mut("repair.log", repairArgs(newID(), tk.ID, 30)), resumed.Add(10*time.Minute)),
			at(dev.mut("ticket.complete", transition(tk.ID, 1, "resolution", "repaired")), resumed.Add(20*time.Minute)),
			at(dev.mut("ticket.close", transition(tk.ID, 1)), resumed.Add(25*time.Minute)))

		row := s.technicianNumbers(t, tc.id)
		if row["Closed"] != "1" || row["On-site tickets"] != "1" || row["Average minutes on site"] != "45" {
			t.Fatalf("closed %s, on-site tickets %s, average minutes on site %s; want 1, 1 and 45 (the three hours waiting for a part left out)",
				row["Closed"], row["On-site tickets"], row["Average minutes on site"])
		}
	})
}

// A visit done offline before its SLA's times and synced after them
// (PROTOCOL.md, "Clocks", "When a step was taken"): the history keeps
// each step's field time (`field_at`, the mutation's `at`) beside the
// server's (`at`, the sync), and the office's figures count the field
// times: responded and resolved in time, an hour on site. Counted at the
// sync, the visit would read missed twice and 0 minutes on site.
func TestFiguresCountStepsWhenTaken(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "fieldsteps", 0)
		now := time.Now().UTC().Truncate(time.Second)
		created := now.Add(-4 * time.Hour)
		respondBy, resolveBy := now.Add(-2*time.Hour), now.Add(-30*time.Minute)
		tk := s.newTicketWith(t, newID(), tc.id, "", map[string]any{"created_at": created.Format(time.RFC3339),
			"respond_by": respondBy.Format(time.RFC3339), "resolve_by": resolveBy.Format(time.RFC3339)})
		dev := s.pair(t, tc.id)
		departed, arrived := now.Add(-3*time.Hour), now.Add(-150*time.Minute)
		started, completed, closed := arrived.Add(5*time.Minute), now.Add(-90*time.Minute), now.Add(-80*time.Minute)
		before := time.Now().UTC()
		got := dev.push(t, at(dev.mut("ticket.depart", transition(tk.ID, 1)), departed),
			at(dev.mut("ticket.arrive", transition(tk.ID, 1)), arrived),
			at(dev.mut("ticket.start", transition(tk.ID, 1)), started),
			at(dev.mut("ticket.update", map[string]any{"ticket": tk.ID, "set": map[string]any{"diagnosis": "seal worn"}, "base": map[string]any{"diagnosis": ""}}), started.Add(time.Minute)),
			at(dev.mut("repair.log", repairArgs(newID(), tk.ID, 40)), completed.Add(-5*time.Minute)),
			at(dev.mut("ticket.complete", transition(tk.ID, 1, "resolution", "repaired")), completed),
			at(dev.mut("ticket.close", transition(tk.ID, 1)), closed))
		after := time.Now().UTC()
		if len(got.Rejected) > 0 {
			t.Fatalf("rejected %+v", got.Rejected)
		}

		var steps []historyStep
		s.adminOK(t, "GET", "/v1/admin/tickets/"+tk.ID+"/history", nil, &steps)
		want := []struct {
			to string
			at time.Time
		}{{"assigned", created}, {"en_route", departed}, {"on_site", arrived}, {"in_progress", started}, {"completed", completed}, {"closed", closed}}
		if len(steps) != len(want) {
			t.Fatalf("history %+v, want %d steps", steps, len(want))
		}
		for i, st := range steps {
			fieldAt, err := time.Parse(time.RFC3339Nano, st.FieldAt)
			if err != nil || st.To != want[i].to || !fieldAt.Equal(want[i].at) {
				t.Errorf("step %d: to %s, field_at %q (%v); want %s at %v", i, st.To, st.FieldAt, err, want[i].to, want[i].at)
			}
			synced, err := time.Parse(time.RFC3339Nano, st.At)
			if i > 0 && (err != nil || synced.Before(before.Add(-time.Second)) || synced.After(after.Add(time.Second))) {
				t.Errorf("step %d (%s): at %q (%v), want the sync's, between %v and %v", i, st.To, st.At, err, before, after)
			}
		}

		row := s.technicianNumbers(t, tc.id)
		for col, v := range map[string]string{"Closed": "1", "SLA due": "1", "SLA met": "1", "Response due": "1", "Responded in time": "1",
			"On-site tickets": "1", "Average minutes on site": "60"} {
			if row[col] != v {
				t.Errorf("numbers.csv %q: %q, want %q (the steps counted when taken, not when synced)", col, row[col], v)
			}
		}
	})
}

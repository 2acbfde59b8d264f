package conformance

import (
	"encoding/json"
	"testing"
)

// TestAppliedByIsTheTechniciansName: a fact pushed without "by" is
// recorded by the service with the technician's name, as the device
// records it (PROTOCOL.md, "the applying side puts the technician's name
// when it is left out"), not the paired device's name: a note written on
// "Tablet of …" reads as its technician's on the console and, pulled
// back, on every device. A "by" the device sends is kept.
func TestAppliedByIsTheTechniciansName(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "by", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		left, given := newID(), newID()
		if got := dev.push(t,
			dev.mut("note.add", noteArgs(left, tk.ID)),
			dev.mut("note.add", map[string]any{"note": map[string]any{"id": given, "ticket": tk.ID, "text": "called", "by": "Li Wei (trainee)"}}),
		); len(got.Rejected) > 0 {
			t.Fatalf("notes rejected: %+v", got.Rejected)
		}
		by := map[string]string{}
		dev.pullPages(t, "", func(data json.RawMessage) {
			var d struct {
				Notes []struct {
					ID string `json:"id"`
					By string `json:"by"`
				} `json:"notes"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			for _, n := range d.Notes {
				by[n.ID] = n.By
			}
		})
		if want := "Tech " + tc.id; by[left] != want {
			t.Errorf("a note pushed without by reads by %q, want the technician's name %q (not the device's, %q)", by[left], want, "Tablet of "+tc.id)
		}
		if by[given] != "Li Wei (trainee)" {
			t.Errorf("a note pushed with by reads by %q, want what the device sent", by[given])
		}
	})
}

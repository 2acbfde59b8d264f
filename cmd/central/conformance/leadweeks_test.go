package conformance

import (
	"encoding/json"
	"net/http"
	"testing"
)

// pulledLocation is what the lead time case reads of a pulled location
// (PROTOCOL.md, the admin API's locations).
type pulledLocation struct {
	ID        string          `json:"id"`
	LeadWeeks json.RawMessage `json:"lead_weeks"`
}

// TestLocationLeadWeeks: PUT /v1/admin/locations/{id} takes an optional
// lead_weeks from 1 to 26 and answers the location with it; 0 and absent
// are the kind's default, 27 is 400 location.invalid.lead_weeks and a
// string 400 http.bad_json, neither changing the location; a device's
// pull carries the field with the location, absent when not set.
func TestLocationLeadWeeks(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		store := name("cf-overseas")
		put := func(body map[string]any) answer {
			t.Helper()
			body["id"], body["kind"], body["name"], body["owner"] = store, "store", "Overseas store "+store, store
			return s.do(t, "PUT", "/v1/admin/locations/"+store, s.admin, body)
		}
		var got pulledLocation
		if a := put(map[string]any{"lead_weeks": 6}); a.status != http.StatusOK || json.Unmarshal(a.body, &got) != nil || string(got.LeadWeeks) != "6" {
			t.Fatalf("PUT with lead_weeks 6: HTTP %d %s, want 200 with the location and its 6 weeks", a.status, a.body)
		}
		for _, c := range []struct {
			name string
			lead any
			key  string
		}{{"27", 27, "location.invalid.lead_weeks"}, {"-1", -1, "location.invalid.lead_weeks"}, {"a string", "6", "http.bad_json"}} {
			a := put(map[string]any{"lead_weeks": c.lead})
			if a.status != http.StatusBadRequest {
				t.Errorf("lead_weeks %s: HTTP %d %s, want 400", c.name, a.status, a.body)
				continue
			}
			if e := a.apiErr(t); e.Key != c.key {
				t.Errorf("lead_weeks %s: key %s, want %s", c.name, e.Key, c.key)
			}
		}
		tc := s.addCounterTech(t, "cf-lead", store)
		d := s.pair(t, tc.id)
		pulled := func(cursor string) (map[string]pulledLocation, string) {
			t.Helper()
			out := map[string]pulledLocation{}
			next := d.pullPages(t, cursor, func(data json.RawMessage) {
				var p struct {
					Locations []pulledLocation `json:"locations"`
				}
				if err := json.Unmarshal(data, &p); err != nil {
					t.Fatalf("pulled page %.300s: %v", data, err)
				}
				for _, l := range p.Locations {
					out[l.ID] = l
				}
			})
			return out, next
		}
		locs, cursor := pulled("")
		if l, ok := locs[store]; !ok || string(l.LeadWeeks) != "6" {
			t.Fatalf("the pulled store has lead_weeks %s (found %v), want 6 (the refused PUTs changed nothing)", l.LeadWeeks, ok)
		}
		if a := put(map[string]any{}); a.status != http.StatusOK {
			t.Fatalf("PUT without lead_weeks: HTTP %d %s", a.status, a.body)
		}
		locs, _ = pulled(cursor)
		if l, ok := locs[store]; !ok || l.LeadWeeks != nil {
			t.Errorf("the store pulled after its lead time was cleared has lead_weeks %s (found %v), want none", l.LeadWeeks, ok)
		}
	})
}

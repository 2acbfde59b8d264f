package conformance

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// rawPage is a pulled page as its entities' JSON, list by list.
type rawPage struct {
	Data   map[string][]json.RawMessage `json:"d"`
	Cursor string                       `json:"c"`
	More   bool                         `json:"m"`
}

// pullRaw asks for one page after cursor with the bound mb.
func (d *device) pullRaw(t *testing.T, cursor string, mb int) rawPage {
	t.Helper()
	a := d.sync(t, map[string]any{"v": 1, "c": cursor, "mb": mb})
	if a.status != http.StatusOK {
		t.Fatalf("pull: HTTP %d %s", a.status, a.body)
	}
	var p rawPage
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("pull answer %s: %v", a.body, err)
	}
	return p
}

// ticketIDs lists the IDs of the page's tickets, in page order.
func (p rawPage) ticketIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, raw := range p.Data["tickets"] {
		var tk struct {
			Ticket struct {
				ID string `json:"id"`
			} `json:"ticket"`
		}
		if err := json.Unmarshal(raw, &tk); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.Ticket.ID)
	}
	return ids
}

// Pages hold about mb bytes of entity JSON (mb clamped to at least 16 KiB),
// every ticket arrives once, and a page asked for again with the same
// cursor (its answer was lost) holds the same tickets.
func TestPagesAreBoundedAndRepeatable(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const tickets, floor = 40, 16 << 10
		tc := s.addFieldTech(t, "pager", 1)
		dev := s.pair(t, tc.id)
		want := map[string]bool{}
		for range tickets {
			tk := ticketView{ID: newID(), Number: name("PG")}
			s.dispatchOK(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": tk.ID, "number": tk.Number, "kind": "on_site", "country": "CN",
				"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
				"customer": map[string]any{"name": "Paged customer", "phone": "13800000000", "address": "1 Road"},
				"fault":    strings.Repeat("drips from the left hinge; ", 40), "technician": tc.id,
			}})
			want[tk.ID] = true
		}
		seen := map[string]int{}
		cursor, pages := "", 0
		for more := true; more; pages++ {
			if pages == maxPages {
				t.Fatalf("no end after %d pages", pages)
			}
			p := dev.pullRaw(t, cursor, 1) // below the floor: clamped to 16 KiB
			again := dev.pullRaw(t, cursor, 1)
			if !slices.Equal(p.ticketIDs(t), again.ticketIDs(t)) {
				t.Errorf("page %d asked again holds other tickets: %v, then %v", pages, p.ticketIDs(t), again.ticketIDs(t))
			}
			size, largest := 0, 0
			for kind, list := range p.Data {
				for _, e := range list {
					if kind == "tickets" {
						// The entity is the ticket; the page wraps it with its facts.
						var w struct {
							Ticket json.RawMessage `json:"ticket"`
						}
						if err := json.Unmarshal(e, &w); err != nil {
							t.Fatal(err)
						}
						e = w.Ticket
					}
					size += len(e)
					largest = max(largest, len(e))
				}
			}
			if size > floor+largest {
				t.Errorf("page %d holds %d bytes of entities (largest %d), over the 16 KiB floor by more than one entity", pages, size, largest)
			}
			for _, id := range p.ticketIDs(t) {
				seen[id]++
			}
			cursor, more = p.Cursor, p.More
		}
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("ticket %s arrived %d times", id, seen[id])
			}
		}
		if pages < 3 {
			t.Errorf("%d tickets of about 1.3 KB came in %d pages of at most 16 KiB", tickets, pages)
		}
		t.Logf("%d tickets in %d pages", tickets, pages)
	})
}

// Within a page, tickets are in order of creation (created_at, then id),
// whatever the order they were written in (PROTOCOL.md, "Pull"): here the
// later a ticket is written, the earlier its created_at.
func TestPageTicketsInOrderOfCreation(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		const tickets = 12
		tc := s.addFieldTech(t, "order", 1)
		dev := s.pair(t, tc.id)
		base := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
		for i := range tickets {
			s.dispatchOK(t, "ticket.create", map[string]any{"ticket": map[string]any{
				"id": newID(), "number": name("OR"), "kind": "on_site", "country": "CN",
				"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
				"customer": map[string]any{"name": "Ordered customer", "phone": "13800000000", "address": "1 Road"},
				"fault":    "leaks", "technician": tc.id,
				// Two tickets share each time: the ID decides between them.
				"created_at": base.Add(-time.Duration(i/2) * time.Minute).Format(time.RFC3339),
			}})
		}
		p := dev.pullRaw(t, "", 1<<20)
		type key struct {
			at time.Time
			id string
		}
		var got []key
		for _, raw := range p.Data["tickets"] {
			var tk struct {
				Ticket struct {
					ID        string    `json:"id"`
					CreatedAt time.Time `json:"created_at"`
				} `json:"ticket"`
			}
			if err := json.Unmarshal(raw, &tk); err != nil {
				t.Fatal(err)
			}
			got = append(got, key{tk.Ticket.CreatedAt, tk.Ticket.ID})
		}
		if len(got) != tickets || p.More {
			t.Fatalf("one page of 1 MiB holds %d tickets (more: %v), want all %d", len(got), p.More, tickets)
		}
		if !slices.IsSortedFunc(got, func(a, b key) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id)) }) {
			var order []string
			for _, k := range got {
				order = append(order, k.at.Format(time.RFC3339)+" "+k.id)
			}
			t.Errorf("tickets not in order of creation: %q", order)
		}
	})
}

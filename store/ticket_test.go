package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// FuzzDecodeTicket: the JSON column decoder never panics, refuses what is
// not a ticket with ECORRUPT, and what it accepts survives a round trip
// through the row encoding.
func FuzzDecodeTicket(f *testing.F) {
	for _, d := range storetest.World().Tickets {
		b, err := json.Marshal(d.Ticket)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"x","priority":"high"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"id":"x","created_at":"yesterday"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := decodeTicket(data)
		if err != nil {
			if app.ErrorCode(err) != app.ECORRUPT {
				t.Fatalf("decodeTicket error %v is not ECORRUPT", err)
			}
			return
		}
		args, err := ticketArgs(tk)
		if err != nil {
			t.Fatalf("ticketArgs of a decoded ticket: %v", err)
		}
		again, err := decodeTicket(args[len(args)-1].([]byte))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !reflect.DeepEqual(normalize(again), normalize(tk)) {
			t.Errorf("round trip changed the ticket:\n%+v\n%+v", tk, again)
		}
	})
}

// normalize drops what JSON cannot keep (monotonic clock readings,
// locations) so tickets compare by value.
func normalize(t app.Ticket) app.Ticket {
	for _, p := range []*time.Time{&t.Product.PurchaseDate, &t.Product.ManufactureDate, &t.Product.PlanStart,
		&t.RespondBy, &t.ResolveBy, &t.WindowStart, &t.WindowEnd, &t.CreatedAt, &t.UpdatedAt, &t.StartedAt, &t.CompletedAt} {
		if !p.IsZero() {
			*p = time.Unix(0, p.UnixNano()).UTC()
		}
	}
	return t
}

// TestTodayInLocalTime: "today" is the calendar day where the technician
// is, not in UTC.
func TestTodayInLocalTime(t *testing.T) {
	db := mustOpen(t)
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	ts := NewTicketService(db)
	shanghai := time.FixedZone("CST", 8*3600)
	// 23:30 UTC on the 10th is 07:30 on the 11th in Shanghai: T3 (09:00
	// UTC on the 11th) is today there, not yet in UTC.
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc  *time.Location
		want bool
	}{{time.UTC, false}, {shanghai, true}} {
		got, _, err := ts.FindTickets(t.Context(), app.TicketFilter{View: app.ViewToday, Technician: storetest.Ana, Now: now, Location: tc.loc})
		if err != nil {
			t.Fatal(err)
		}
		has := false
		for _, tk := range got {
			has = has || tk.ID == storetest.T3
		}
		if has != tc.want {
			t.Errorf("in %s, T3 today = %v, want %v", tc.loc, has, tc.want)
		}
	}
}

// TestTicketColumns: the list columns follow the JSON on every save.
func TestTicketColumns(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	if err := db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	ana := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
	phone, seen := "+86 (21) 5555-0100", ""
	if err := db.read.QueryRow(`SELECT customer_phone FROM tickets WHERE id = ?`, string(storetest.T8)).Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(t.Context(), ana, &app.UpdateTicket{Ticket: storetest.T8, Set: app.TicketFields{CustomerPhone: &phone}, Base: app.TicketFields{CustomerPhone: &seen}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(t.Context(), ana, &app.TransitionTicket{Action: app.ActionStart, Ticket: storetest.T8, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	var status, custPhone, digits string
	var open int
	if err := db.read.QueryRow(`SELECT status, is_open, customer_phone, phone_digits FROM tickets WHERE id = ?`, string(storetest.T8)).
		Scan(&status, &open, &custPhone, &digits); err != nil {
		t.Fatal(err)
	}
	if status != "in_progress" || open != 1 || custPhone != phone || digits != "862155550100" {
		t.Errorf("columns: %s %d %q %q", status, open, custPhone, digits)
	}
	got, total, err := NewTicketService(db).FindTickets(t.Context(), app.TicketFilter{Query: "5555 0100"})
	if err != nil || total != 1 || got[0].ID != storetest.T8 {
		t.Errorf("search by the new phone: %v of %d, %v", got, total, err)
	}
}

func TestFindTicketsLimits(t *testing.T) {
	db := mustOpen(t)
	ds := app.Dataset{Tickets: genTickets(newRand(), 600, 1, "x", genParts(newRand(), 10))}
	if err := db.Load(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	ts := NewTicketService(db)
	for _, tc := range []struct{ limit, want int }{{0, defaultTicketLimit}, {-3, defaultTicketLimit}, {10, 10}, {10_000, maxTicketLimit}} {
		got, total, err := ts.FindTickets(t.Context(), app.TicketFilter{Limit: tc.limit, Offset: -5})
		if err != nil || len(got) != tc.want || total != 600 {
			t.Errorf("limit %d: %d tickets of %d, %v; want %d of 600", tc.limit, len(got), total, err, tc.want)
		}
	}
}

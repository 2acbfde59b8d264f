package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestDecodedTicketsKeepSavedAsDecoded: what putSaved keeps for a
// ticket's saved bytes is what decoding those bytes gives, whatever the
// ticket held; and a ticket of the world, saved as actions save them, is
// kept (else the cache would never spare a decode).
func TestDecodedTicketsKeepSavedAsDecoded(t *testing.T) {
	world := storetest.World()
	if len(world.Tickets) == 0 {
		t.Fatal("the world has no ticket")
	}
	base := world.Tickets[0].Ticket
	base.UpdatedAt = time.Date(2026, 3, 10, 9, 30, 0, 123456789, time.UTC)
	closed := base
	closed.ClosedBalance = &app.Money{Amount: 1250, Currency: "EUR"}
	cases := []struct {
		name string
		t    app.Ticket
		kept bool // it must be kept; the others may or may not
	}{
		{"world ticket", base, true},
		{"closed balance", closed, true},
		{"invalid UTF-8", with(base, func(t *app.Ticket) { t.Diagnosis = "screen \xff cracked" }), false},
		{"local time with a monotonic reading", with(base, func(t *app.Ticket) { t.UpdatedAt = time.Now() }), false},
		{"another zone", with(base, func(t *app.Ticket) {
			t.WindowStart = time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("CET", 3600))
		}), false},
		{"balance with invalid UTF-8", with(closed, func(t *app.Ticket) { t.ClosedBalance.Currency = "E\xffR" }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.t)
			if err != nil {
				t.Fatal(err)
			}
			var c decodedTickets
			c.putSaved(tc.t, data)
			got, ok := c.get(tc.t.ID, data)
			if tc.kept && !ok {
				t.Fatalf("not kept")
			}
			if !ok {
				return
			}
			want, err := decodeTicket(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("kept %+v\nbut the bytes decode to %+v", got, want)
			}
		})
	}
}

func with(t app.Ticket, change func(*app.Ticket)) app.Ticket {
	t = t.Clone()
	change(&t)
	return t
}

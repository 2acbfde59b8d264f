package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestKnownCustomers is the counter's look-up: by the phone's digits
// however it is written, the customers (by name) with their distinct
// devices, each with its newest ticket, bounded; a ticket whose other
// fields hold the digits is no match.
func TestKnownCustomers(t *testing.T) {
	ctx := t.Context()
	db := mustOpen(t)
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }
	n := 0
	tk := func(name, phone, serial, model string, opened time.Time) app.TicketDetail {
		n++
		return app.TicketDetail{Ticket: app.Ticket{ID: app.TicketID(fmt.Sprintf("t-%03d", n)), Number: fmt.Sprintf("C-%03d", n),
			Kind: app.KindCarryIn, Status: app.StatusClosed, Priority: app.PriorityNormal, CreatedAt: opened, UpdatedAt: opened,
			Customer: app.Customer{Name: name, Phone: phone},
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Xiaomi", Model: model, Serial: serial}}}
	}
	ds := app.Dataset{Tickets: []app.TicketDetail{
		tk("Li Na", "+86 139 1234 5678", "SN-A", "Redmi 12", day(1)),
		tk("Li Na", "13912345678", "SN-A", "Redmi 12", day(3)), // the same phone again: its newest ticket
		tk("li na ", "139-1234-5678", "SN-B", "Mi 11", day(2)),
		tk("Li Na", "139 1234 5678", "", "Mi Band", day(4)), // no serial: told apart by model
		tk("Wang Fang", "+86 150 0000 5678", "SN-C", "Redmi 9", day(5)),
		tk("Zhou Wei", "021 5555 0000", "1234567800", "Mi 10", day(6)), // the digits in the serial only
	}}
	for i := range 30 {
		ds.Tickets = append(ds.Tickets, tk("Chen Bo", "+86 188 7777 6666", fmt.Sprintf("SN-Z%02d", i), "Mi 13", day(1).Add(time.Duration(i)*time.Hour)))
	}
	if err := db.Load(ctx, ds); err != nil {
		t.Fatal(err)
	}
	ts := NewTicketService(db)

	type dev struct{ number, serial string }
	summary := func(cs []app.KnownCustomer) map[string][]dev {
		out := map[string][]dev{}
		for _, c := range cs {
			for _, d := range c.Devices {
				out[c.Customer.Name] = append(out[c.Customer.Name], dev{d.Number, d.Product.Serial})
			}
		}
		return out
	}
	for _, tc := range []struct {
		phone string
		want  map[string][]dev
		order []string
	}{
		{"+86 139 1234 5678", map[string][]dev{"Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Li Na"}},
		{"12345678", map[string][]dev{"Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Li Na"}},
		// As a contact pastes it (no-break spaces) and as a Chinese
		// input method types it (full-width parentheses, an
		// ideographic space).
		{"139\u00a01234\u00a05678", map[string][]dev{"Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Li Na"}},
		{"（139）1234\u30005678", map[string][]dev{"Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Li Na"}},
		// With an extension their tickets do not hold.
		{"139 1234 5678 ext. 21", map[string][]dev{"Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Li Na"}},
		{"5678", map[string][]dev{"Wang Fang": {{"C-005", "SN-C"}}, "Li Na": {{"C-004", ""}, {"C-002", "SN-A"}, {"C-003", "SN-B"}}}, []string{"Wang Fang", "Li Na"}},
		{"0000 0000", nil, nil},
		{"9999", nil, nil},
	} {
		t.Run(tc.phone, func(t *testing.T) {
			got, err := ts.KnownCustomers(ctx, tc.phone)
			if err != nil {
				t.Fatal(err)
			}
			s := summary(got)
			if fmt.Sprint(s) != fmt.Sprint(tc.want) && !(len(s) == 0 && len(tc.want) == 0) {
				t.Fatalf("KnownCustomers(%q) = %v, want %v", tc.phone, s, tc.want)
			}
			for i, name := range tc.order {
				if got[i].Customer.Name != name {
					t.Fatalf("customer %d is %q, want %q", i, got[i].Customer.Name, name)
				}
			}
		})
	}

	t.Run("bounded", func(t *testing.T) {
		got, err := ts.KnownCustomers(ctx, "7777 6666")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(got[0].Devices) != app.MaxKnownDevices {
			t.Fatalf("%d customers, %v", len(got), summary(got))
		}
		if first := got[0].Devices[0]; first.Product.Serial != "SN-Z29" || !first.Opened.Equal(day(1).Add(29*time.Hour)) {
			t.Fatalf("newest device first: %+v", first)
		}
	})
	for _, short := range []string{"", "123", "+8-6-1", "abcdefgh"} {
		if _, err := ts.KnownCustomers(ctx, short); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("KnownCustomers(%q) = %v, want EINVALID", short, err)
		}
	}
	// A serial scanned into the phone field: its digits (5, 6, 7, 8)
	// are Li Na's and Wang Fang's last four, but it is no phone.
	if got, err := ts.KnownCustomers(ctx, "Q5W6X7Z8K"); app.ErrorCode(err) != app.EINVALID || len(got) != 0 {
		t.Errorf("KnownCustomers of a serial = %v, %v; want none, EINVALID", summary(got), err)
	}
}

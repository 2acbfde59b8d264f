package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestCheckCustomerPhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		key      string // the refusal's; "" when taken
	}{
		{"+86 139 2222 3333", "+86 139 2222 3333", ""},
		{"  021-5555-0100 ext. 12 ", "021-5555-0100 ext. 12", ""},
		{"tel:+351 912 345 678", "+351 912 345 678", ""},
		{"１３８ ００１３ ８０００", "１３８ ００１３ ８０００", ""},
		{"", "", "contact.phone_empty"},
		{"   ", "", "contact.phone_empty"},
		{"139", "", "contact.phone_invalid"},
		{"tel:139", "", "contact.phone_invalid"},
		{"call the neighbour", "", "contact.phone_invalid"},
		{"C02XK1ZZJG5H", "", "contact.phone_invalid"},
		{strings.Repeat("1", app.MaxTextLen+1), "", "contact.too_long"},
		// The bound counts characters: full-width digits are 3 bytes each.
		{strings.Repeat("１", app.MaxTextLen), strings.Repeat("１", app.MaxTextLen), ""},
		{strings.Repeat("１", app.MaxTextLen+1), "", "contact.too_long"},
		{"139 2222 \xff333", "", "field.not_utf8"},
	} {
		got, err := app.CheckCustomerPhone(c.in)
		if key := errorKey(err); key != c.key {
			t.Errorf("CheckCustomerPhone(%q): %v, want refusal %q", c.in, err, c.key)
		}
		if err == nil && got != c.want {
			t.Errorf("CheckCustomerPhone(%q) = %q, want %q", c.in, got, c.want)
		}
		if err != nil && app.ErrorCode(err) != app.EINVALID {
			t.Errorf("CheckCustomerPhone(%q): code %s, want invalid", c.in, app.ErrorCode(err))
		}
	}
}

func TestCheckCustomerAddress(t *testing.T) {
	for _, c := range []struct {
		kind     app.TicketKind
		in, want string
		key      string
	}{
		{app.KindOnSite, " Flat 2303, 8 Century Avenue ", "Flat 2303, 8 Century Avenue", ""},
		{app.KindOnSite, "", "", "contact.address_empty"},
		{app.KindOnSite, " \t", "", "contact.address_empty"},
		{app.KindCarryIn, "", "", ""},
		{app.KindMailIn, "", "", ""},
		// The bound counts characters, not the 3 bytes each of these takes.
		{app.KindCarryIn, strings.Repeat("路", app.MaxTextLen), strings.Repeat("路", app.MaxTextLen), ""},
		{app.KindCarryIn, strings.Repeat("路", app.MaxTextLen+1), "", "contact.too_long"},
		{app.KindOnSite, "8 Century Avenue \xff", "", "field.not_utf8"},
	} {
		got, err := app.CheckCustomerAddress(c.kind, c.in)
		if key := errorKey(err); key != c.key {
			t.Errorf("CheckCustomerAddress(%s, %q): %v, want refusal %q", c.kind, c.in, err, c.key)
		}
		if err == nil && got != c.want {
			t.Errorf("CheckCustomerAddress(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}

// TestTicketEditable: the terminal offers to change a ticket's fields
// exactly when ticket.update takes them.
func TestTicketEditable(t *testing.T) {
	for _, s := range app.Statuses {
		tk := app.Ticket{Status: s}
		want := s != app.StatusClosed && s != app.StatusCancelled
		if got := app.TicketEditable(tk); got != want {
			t.Errorf("TicketEditable(%s) = %v, want %v", s, got, want)
		}
	}
}

// ticket.update runs the terminal's checks wherever it is applied (the
// central service too, for a device's push and dispatch's update): a
// phone that is not one is refused by Validate, an empty address on a
// visit by Apply, which knows the ticket's kind; a carry-in may have none.
func TestUpdateTicketChecksCustomerContact(t *testing.T) {
	ptr := func(s string) *string { return &s }
	tx := seeded()
	visit, counter := tx.tickets["t2"], tx.tickets["t1"]
	visit.Customer.Phone, visit.Customer.Address = "138 0000 0000", "1 Road"
	counter.Customer.Phone, counter.Customer.Address = "138 0000 0000", "1 Road"
	tx.tickets[visit.ID], tx.tickets[counter.ID] = visit, counter
	system := app.Actor{Role: app.RoleSystem}
	for _, c := range []struct {
		what string
		u    app.UpdateTicket
		key  string // the refusal's; "" when applied
	}{
		{"letters", app.UpdateTicket{Ticket: visit.ID, Set: app.TicketFields{CustomerPhone: ptr("call me")}, Base: app.TicketFields{CustomerPhone: ptr("")}}, "contact.phone_invalid"},
		{"three digits", app.UpdateTicket{Ticket: visit.ID, Set: app.TicketFields{CustomerPhone: ptr("139")}, Base: app.TicketFields{CustomerPhone: ptr("")}}, "contact.phone_invalid"},
		{"no phone", app.UpdateTicket{Ticket: visit.ID, Set: app.TicketFields{CustomerPhone: ptr(" ")}, Base: app.TicketFields{CustomerPhone: ptr("")}}, "contact.phone_empty"},
		{"a phone", app.UpdateTicket{Ticket: visit.ID, Set: app.TicketFields{CustomerPhone: ptr("+86 139 2222 3333")}, Base: app.TicketFields{CustomerPhone: ptr("138 0000 0000")}}, ""},
		{"no address on a visit", app.UpdateTicket{Ticket: visit.ID, Set: app.TicketFields{CustomerAddress: ptr("  ")}, Base: app.TicketFields{CustomerAddress: ptr("1 Road")}}, "contact.address_empty"},
		{"no address at the counter", app.UpdateTicket{Ticket: counter.ID, Set: app.TicketFields{CustomerAddress: ptr("")}, Base: app.TicketFields{CustomerAddress: ptr("1 Road")}}, ""},
	} {
		err := c.u.Validate()
		if err == nil {
			err = c.u.Apply(t.Context(), tx, system, time.Now())
		}
		if key := errorKey(err); key != c.key {
			t.Errorf("%s: %v, want refusal %q", c.what, err, c.key)
		}
	}
	if got := tx.tickets[visit.ID].Customer; got.Phone != "+86 139 2222 3333" || got.Address != "1 Road" {
		t.Errorf("the visit's customer is %+v after the updates; want only the good phone taken", got)
	}
}

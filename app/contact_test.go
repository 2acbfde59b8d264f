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

// TestSameFieldValue: phones are one number whatever their spaces,
// dashes, full-width digits or "tel:" label, and an extension is not
// more digits of the number; anything else is compared as it is.
func TestSameFieldValue(t *testing.T) {
	for _, c := range []struct {
		field, a, b string
		same        bool
	}{
		{app.FieldCustomerPhone, "138 0000 0000", "13800000000", true},
		{app.FieldCustomerPhone, "138-0000-0000", "tel:138 0000 0000", true},
		{app.FieldCustomerPhone, "１３８ ００００ ００００", "13800000000", true},
		{app.FieldCustomerPhone, "021-5555-0100 ext. 12", "021 5555 0100 x12", true},
		{app.FieldCustomerPhone, "021-5555-0100 ext. 12", "02155550100", false},
		{app.FieldCustomerPhone, "021-5555-0100 ext. 12", "0215555010012", false},
		{app.FieldCustomerPhone, "13800000000", "13800000001", false},
		{app.FieldCustomerPhone, "+86 138 0000 0000", "138 0000 0000", false},
		{app.FieldCustomerPhone, "call Li", "call Wang", false},
		{app.FieldCustomerPhone, "", "", true},
		{app.FieldCustomerAddress, "1 Road", "1  Road", false},
		{app.FieldCustomerAddress, "1 Road", "1 Road", true},
	} {
		if got := app.SameFieldValue(c.field, c.a, c.b); got != c.same {
			t.Errorf("SameFieldValue(%s, %q, %q) = %v, want %v", c.field, c.a, c.b, got, c.same)
		}
		if got := app.SameFieldValue(c.field, c.b, c.a); got != c.same {
			t.Errorf("SameFieldValue(%s, %q, %q) = %v, want %v", c.field, c.b, c.a, got, c.same)
		}
	}
}

// TestCreateTicketChecksCustomer: a new ticket's phone and address are
// checked as an edit's, for a technician and dispatch; a phone may be
// missing, a visit's address may not. The system (dispatch accepting a
// refused creation) applies it as it is.
func TestCreateTicketChecksCustomer(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tech := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Ana"}
	dispatch := app.Actor{Role: app.RoleDispatcher, Name: "Dana"}
	system := app.Actor{Role: app.RoleSystem, Name: "Dana"}
	for _, c := range []struct {
		name  string
		kind  app.TicketKind
		phone string
		addr  string
		actor app.Actor
		key   string
	}{
		{"visit", app.KindOnSite, "138 0013 8000", "1 Road", dispatch, ""},
		{"counter without phone", app.KindCarryIn, "", "", tech, ""},
		{"visit without phone", app.KindOnSite, " ", "1 Road", dispatch, ""},
		{"letters for a phone", app.KindCarryIn, "ask his wife", "", tech, "contact.phone_invalid"},
		{"three digits", app.KindOnSite, "139", "1 Road", dispatch, "contact.phone_invalid"},
		{"visit without address", app.KindOnSite, "138 0013 8000", "  ", dispatch, "contact.address_empty"},
		{"device's visit without address", app.KindOnSite, "138 0013 8000", "", tech, "contact.address_empty"},
		{"accepted by dispatch after all", app.KindOnSite, "ask his wife", "", system, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newMemTx()
			cmd := &app.CreateTicket{Ticket: app.Ticket{ID: "t-new", Number: "FB-1", Kind: c.kind, Technician: "tech-1",
				Product:  app.Product{Category: app.CategoryPhone},
				Customer: app.Customer{Name: "Li", Phone: c.phone, Address: c.addr}}}
			if err := cmd.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			err := cmd.Apply(t.Context(), m, c.actor, now)
			if key := errorKey(err); key != c.key {
				t.Fatalf("Apply: %v, want refusal %q", err, c.key)
			}
			if _, terr := m.Ticket(t.Context(), "t-new"); (terr == nil) != (c.key == "") {
				t.Errorf("ticket saved = %v after %v", terr == nil, err)
			}
		})
	}
}

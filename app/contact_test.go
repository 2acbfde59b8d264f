package app_test

import (
	"strings"
	"testing"

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
		{app.KindCarryIn, strings.Repeat("路", app.MaxTextLen), "", "contact.too_long"},
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

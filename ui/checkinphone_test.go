package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// TestCheckInRefusesAPhoneThatIsNone: a phone typed at the counter must
// be one, as the service checks every new ticket's (app.CheckNewCustomer):
// a text that is none is refused under the phone field and nothing is
// saved; a customer who gives no phone is checked in.
func TestCheckInRefusesAPhoneThatIsNone(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	tapButton(t, term.Object(), "Check in")
	form := term.CheckInForm()
	term.HandleScan(scanner.Scan{Code: scanner.Code{Text: "356938035643817"}})
	for _, phone := range []string{"ask his wife", "139"} {
		form.Fill(app.CategoryPhone, "Wu Fang", phone, "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
		form.Submit()
		if got := form.FieldProblem("phone"); !strings.Contains(got, "is not a phone number") || form.Problem() != got {
			t.Errorf("phone %q: under the phone %q, above the buttons %q; want the phone refused in both", phone, got, form.Problem())
		}
		if _, n, _ := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "Wu Fang"}); n != 0 {
			t.Fatalf("phone %q: %d tickets saved from a refused form", phone, n)
		}
	}
	form.Fill(app.CategoryPhone, "Wu Fang", "", "Xiaomi", "Redmi Note 13", "", "", "Screen flickers")
	form.Submit()
	if p := form.Problem(); p != "" {
		t.Fatalf("a customer without a phone was refused: %s", p)
	}
	found, n, err := deps.Tickets.FindTickets(context.Background(), app.TicketFilter{Query: "Wu Fang"})
	if err != nil || n != 1 || found[0].Customer.Phone != "" {
		t.Errorf("checked in without a phone: %d tickets %v, %v; want one with no phone", n, found, err)
	}
}

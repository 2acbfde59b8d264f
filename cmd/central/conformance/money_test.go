package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Written from PROTOCOL.md, "Money".

// receiptPrefix reads the device's receipt prefix from a sync answer's rp.
func (d *device) receiptPrefix(t *testing.T) string {
	t.Helper()
	a := d.sync(t, map[string]any{"v": 1, "np": true})
	var out struct {
		RP string `json:"rp"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil {
		t.Fatalf("sync: HTTP %d %s", a.status, a.body)
	}
	if !regexp.MustCompile(`^D[0-9]+$`).MatchString(out.RP) {
		t.Fatalf("rp = %q, want D and the device's number", out.RP)
	}
	return out.RP
}

func cny(amount int) map[string]any { return map[string]any{"amount": amount, "currency": "CNY"} }

// paymentArgs is a payment's args; kind "" leaves it out (a refund).
func paymentArgs(id, ticket, kind, method string, amount int, receipt, reference string) map[string]any {
	p := map[string]any{"id": id, "ticket": ticket, "method": method, "amount": cny(amount), "receipt": receipt}
	if kind != "" {
		p["kind"] = kind
	}
	if reference != "" {
		p["reference"] = reference
	}
	return map[string]any{"payment": p}
}

type paymentView struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Receipt string `json:"receipt"`
	Amount  struct {
		Amount int `json:"amount"`
	} `json:"amount"`
}

func (s *service) payments(t *testing.T, ticket string) []paymentView {
	t.Helper()
	var d struct {
		Payments []paymentView `json:"payments"`
	}
	s.adminOK(t, "GET", "/v1/admin/tickets/"+ticket, nil, &d)
	return d.Payments
}

// Deposits, payments and refunds reach the server; a refund past what was
// paid, and a card payment without its slip number, are refused; a
// payment on a ticket dispatch cancelled meanwhile is kept; a receipt
// number used twice is recorded with a duplicate_receipt conflict.
func TestPaymentsAndRefunds(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "payer", 0)
		dev := s.pair(t, a.id)
		other := s.pair(t, a.id)
		rp, rpOther := dev.receiptPrefix(t), other.receiptPrefix(t)
		if rp == rpOther || rp != dev.receiptPrefix(t) {
			t.Fatalf("two devices got prefixes %q and %q (and then %q): want distinct, stable ones", rp, rpOther, dev.receiptPrefix(t))
		}
		tk := s.newTicket(t, a.id, "")
		deposit, payment, refund := newID(), newID(), newID()
		for _, c := range []struct {
			m   mutation
			key string // "" when applied
		}{
			{dev.mut("payment.record", paymentArgs(deposit, tk.ID, "deposit", "cash", 5000, rp+"-1", "")), ""},
			{dev.mut("payment.record", paymentArgs(newID(), tk.ID, "payment", "card", 3000, rp+"-2", "")), "payment.needs_reference"},
			{dev.mut("payment.record", paymentArgs(newID(), tk.ID, "payment", "cash", -3000, rp+"-3", "")), "payment.invalid.amount"},
			{dev.mut("payment.record", paymentArgs(newID(), tk.ID, "refund", "cash", 3000, rp+"-4", "")), "payment.refund_separate"},
			{dev.mut("payment.refund", paymentArgs(newID(), tk.ID, "", "cash", 5001, rp+"-5", "")), "payment.refund_too_much"},
			{dev.mut("payment.refund", paymentArgs(refund, tk.ID, "", "cash", 2000, rp+"-6", "")), ""},
		} {
			x, refused := dev.pushOne(t, c.m)
			if c.key == "" && refused {
				t.Errorf("%s: refused %+v", c.m.Name, x)
			}
			if c.key != "" && (!refused || x.Key != c.key) {
				t.Errorf("%s: refusal %+v, want %s", c.m.Name, x, c.key)
			}
		}
		s.dispatchOK(t, "ticket.cancel", transition(tk.ID, 1, "reason", "customer withdrew"))
		if x, refused := dev.pushOne(t, dev.mut("payment.record", paymentArgs(payment, tk.ID, "payment", "mobile", 1000, rp+"-7", "TX-0042"))); refused {
			t.Errorf("a payment on the cancelled ticket was refused: %+v", x)
		}
		got := s.payments(t, tk.ID)
		var ids []string
		for _, p := range got {
			ids = append(ids, p.ID+"/"+p.Kind+"/"+p.Receipt)
		}
		want := []string{deposit + "/deposit/" + rp + "-1", refund + "/refund/" + rp + "-6", payment + "/payment/" + rp + "-7"}
		if strings.Join(ids, " ") != strings.Join(want, " ") {
			t.Errorf("payments on the server:\n%v\nwant\n%v", ids, want)
		}

		// The other device sends a number this one issued.
		dup := newID()
		if x, refused := other.pushOne(t, other.mut("payment.record", paymentArgs(dup, tk.ID, "payment", "cash", 700, rp+"-1", ""))); refused {
			t.Fatalf("a duplicate receipt was refused: %+v", x)
		}
		if len(s.payments(t, tk.ID)) != 4 {
			t.Errorf("the payment with a duplicate receipt was not recorded")
		}
		cs := s.conflicts(t, func(c conflict) bool { return c.Kind == "duplicate_receipt" && c.Ticket == tk.ID })
		if len(cs) != 1 || cs[0].Ours != dup || cs[0].Theirs != deposit {
			t.Errorf("duplicate_receipt conflicts %+v, want one with ours %s, theirs %s", cs, dup, deposit)
		}
	})
}

// Devices restored from one copy issue the same receipt number and sync
// at the same moment: every payment is recorded, and every one but the
// first raises a duplicate_receipt conflict naming an earlier payment
// of that number, as when they sync one after the other (the checks of
// one number see each other's payments, however the pushes meet). Each
// of eight rounds brings a number of its own: one round's pushes meet
// between a check and a commit about one time in three.
func TestDuplicateReceiptsAtOnce(t *testing.T) {
	const n, rounds = 6, 8
	onEachDB(t, func(t *testing.T, s *service) {
		var devs []*device
		var techs []string
		for range n {
			tc := s.addFieldTech(t, "copy", 0)
			devs, techs = append(devs, s.pair(t, tc.id)), append(techs, tc.id)
		}
		prefix := devs[0].receiptPrefix(t)
		for round := range rounds {
			receipt := fmt.Sprintf("%s-%d", prefix, round+1)
			var tickets []string
			for _, tc := range techs {
				tickets = append(tickets, s.newTicket(t, tc, "").ID)
			}
			payments, mine := map[string]bool{}, map[string]bool{}
			pushAtOnce(t, s, devs, func(i int, d *device) []mutation {
				id := newID()
				payments[id], mine[tickets[i]] = true, true
				return withNotes(d, d.mut("payment.record", paymentArgs(id, tickets[i], "payment", "cash", 1000+i, receipt, "")), tickets[i], 30)
			})
			for i, tk := range tickets {
				if got := s.payments(t, tk); len(got) != 1 || got[0].Receipt != receipt {
					t.Errorf("round %d: ticket %d's payments %+v, want its one, receipt %s", round, i, got, receipt)
				}
			}
			cs := s.conflicts(t, func(c conflict) bool { return c.Kind == "duplicate_receipt" && mine[c.Ticket] })
			first := maps.Clone(payments)
			for _, c := range cs {
				if !payments[c.Ours] || !payments[c.Theirs] || c.Ours == c.Theirs {
					t.Errorf("round %d: conflict %+v: want ours one of the payments and theirs another", round, c)
				}
				delete(first, c.Ours)
			}
			if len(cs) != n-1 || len(first) != 1 {
				t.Errorf("round %d: %d duplicate_receipt conflicts, on all payments but %d; want %d, on all but the first", round, len(cs), len(first), n-1)
			}
		}
	})
}

// Closing with money owed needs a reason; the ticket keeps the balance and
// the reason; an older client's close without a balance still closes.
func TestCloseWithMoneyOwed(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "closer", 0)
		dev := s.pair(t, a.id)
		completed := func() string {
			tk := s.newTicket(t, a.id, "")
			for _, m := range []mutation{
				dev.mut("ticket.depart", transition(tk.ID, 1)),
				dev.mut("ticket.arrive", transition(tk.ID, 1)),
				dev.mut("ticket.start", transition(tk.ID, 1)),
				dev.mut("ticket.complete", transition(tk.ID, 1, "resolution", "no_fault")),
			} {
				if x, refused := dev.pushOne(t, m); refused {
					t.Fatalf("%s refused: %+v", m.Name, x)
				}
			}
			return tk.ID
		}
		owed := completed()
		for _, c := range []struct {
			args map[string]any
			key  string
		}{
			{transition(owed, 1, "balance", cny(12000)), "ticket.balance_owed"},
			{transition(owed, 1, "balance", cny(12000), "unpaid_reason", "other"), "ticket.unpaid_needs_reason"},
			{transition(owed, 1, "balance", cny(12000), "unpaid_reason", "forgot"), "ticket.invalid.unpaid_reason"},
			{transition(owed, 1, "balance", cny(0), "unpaid_reason", "goodwill"), "ticket.unpaid_nothing_owed"},
		} {
			x, refused := dev.pushOne(t, dev.mut("ticket.close", c.args))
			if !refused || x.Key != c.key || x.Code != "invalid" {
				t.Errorf("close %v: refusal %+v, want invalid %s", c.args, x, c.key)
			}
		}
		if d := s.ticket(t, owed); d.Ticket.Status != "completed" {
			t.Fatalf("a refused close changed the ticket: %s", d.Ticket.Status)
		}
		if x, refused := dev.pushOne(t, dev.mut("ticket.close", transition(owed, 1, "balance", cny(12000), "unpaid_reason", "invoice_later"))); refused {
			t.Fatalf("close with invoice_later refused: %+v", x)
		}
		var d struct {
			Ticket struct {
				Status        string `json:"status"`
				ClosedBalance struct {
					Amount   int    `json:"amount"`
					Currency string `json:"currency"`
				} `json:"closed_balance"`
				UnpaidReason string `json:"unpaid_reason"`
			} `json:"ticket"`
		}
		s.adminOK(t, "GET", "/v1/admin/tickets/"+owed, nil, &d)
		if d.Ticket.Status != "closed" || d.Ticket.ClosedBalance.Amount != 12000 || d.Ticket.ClosedBalance.Currency != "CNY" || d.Ticket.UnpaidReason != "invoice_later" {
			t.Errorf("closed ticket %+v, want closed with CNY 12000 owed, invoice_later", d.Ticket)
		}
		old := completed()
		if x, refused := dev.pushOne(t, dev.mut("ticket.close", transition(old, 1))); refused {
			t.Errorf("an older client's close was refused: %+v", x)
		}
	})
}

type cashDue struct {
	Technician string `json:"technician"`
	Currency   string `json:"currency"`
	Amount     int    `json:"amount"`
	Receipts   []struct {
		Receipt string `json:"receipt"`
		Kind    string `json:"kind"`
		Amount  int    `json:"amount"`
	} `json:"receipts"`
}

// The office sees each technician's cash not handed in (cash taken less
// cash refunded, with the receipts) and records a hand-in, which must add
// up.
func TestCashToHandIn(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		a := s.addFieldTech(t, "cashier", 0)
		dev := s.pair(t, a.id)
		rp := dev.receiptPrefix(t)
		tk := s.newTicket(t, a.id, "")
		for _, m := range []mutation{
			dev.mut("payment.record", paymentArgs(newID(), tk.ID, "deposit", "cash", 5000, rp+"-1", "")),
			dev.mut("payment.record", paymentArgs(newID(), tk.ID, "payment", "card", 3000, rp+"-2", "SLIP-9")),
			dev.mut("payment.refund", paymentArgs(newID(), tk.ID, "", "cash", 1000, rp+"-3", "")),
		} {
			if x, refused := dev.pushOne(t, m); refused {
				t.Fatalf("%s refused: %+v", m.Name, x)
			}
		}
		// Dispatch's payments are nobody's cash.
		s.dispatchOK(t, "payment.record", paymentArgs(newID(), tk.ID, "payment", "cash", 900, "OFFICE-1", ""))

		var due []cashDue
		s.adminOK(t, "GET", "/v1/admin/cash?technician="+a.id, nil, &due)
		if len(due) != 1 || due[0].Technician != a.id || due[0].Currency != "CNY" || due[0].Amount != 4000 || len(due[0].Receipts) != 2 ||
			due[0].Receipts[0].Receipt != rp+"-1" || due[0].Receipts[1].Receipt != rp+"-3" || due[0].Receipts[1].Kind != "refund" {
			t.Fatalf("cash of %s = %+v, want CNY 4000 from %s-1 less %s-3", a.id, due, rp, rp)
		}
		var all []cashDue
		s.adminOK(t, "GET", "/v1/admin/cash", nil, &all)
		found := false
		for _, d := range all {
			found = found || d.Technician == a.id && d.Amount == 4000
		}
		if !found {
			t.Errorf("the listing of all technicians lacks %s's CNY 4000: %+v", a.id, all)
		}

		handover := func(amount int, receipts ...string) answer {
			return s.do(t, "POST", "/v1/admin/cash/handovers", s.admin, map[string]any{"technician": a.id, "received_by": "Office Wu",
				"amount": amount, "currency": "CNY", "receipts": receipts})
		}
		for _, c := range []struct {
			a      answer
			status int
			key    string
		}{
			{handover(5000, rp+"-1", rp+"-3"), http.StatusConflict, "cash.amount_mismatch"},
			{handover(3000, rp+"-2"), http.StatusConflict, "cash.receipt_not_due"},
			{handover(10000, rp+"-1", rp+"-1"), http.StatusBadRequest, "cash.receipt_twice"},
			{handover(0), http.StatusBadRequest, "cash.needs_receipts"},
		} {
			if c.a.status != c.status || c.a.apiErr(t).Key != c.key {
				t.Errorf("hand-in: HTTP %d %s, want %d %s", c.a.status, c.a.body, c.status, c.key)
			}
		}
		s.adminOK(t, "GET", "/v1/admin/cash?technician="+a.id, nil, &due)
		if len(due) != 1 || due[0].Amount != 4000 {
			t.Fatalf("a refused hand-in changed the cash: %+v", due)
		}
		ok := handover(4000, rp+"-1", rp+"-3")
		var h struct {
			ID         string `json:"id"`
			ReceivedBy string `json:"received_by"`
		}
		if ok.status != http.StatusOK || json.Unmarshal(ok.body, &h) != nil || h.ID == "" || h.ReceivedBy != "Office Wu" {
			t.Fatalf("hand-in: HTTP %d %s", ok.status, ok.body)
		}
		s.adminOK(t, "GET", "/v1/admin/cash?technician="+a.id, nil, &due)
		if len(due) != 0 {
			t.Errorf("cash after the hand-in: %+v, want none", due)
		}
		if again := handover(4000, rp+"-1", rp+"-3"); again.status != http.StatusConflict || again.apiErr(t).Key != "cash.receipt_not_due" {
			t.Errorf("the same hand-in again: HTTP %d %s, want 409 cash.receipt_not_due", again.status, again.body)
		}
	})
}

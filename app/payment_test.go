package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func cny(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }

func pay(id string, kind app.PaymentKind, method app.PaymentMethod, amount app.Money) app.Payment {
	return app.Payment{ID: id, Ticket: "t1", Kind: kind, Method: method, Amount: amount, Receipt: "A1-1"}
}

func TestPaymentValidate(t *testing.T) {
	card := pay("p", app.PaymentPayment, app.MethodCard, cny(100))
	card.Reference = "SLIP-0042"
	for _, tc := range []struct {
		name string
		p    app.Payment
		key  string // "" when valid
	}{
		{"cash deposit", pay("p", app.PaymentDeposit, app.MethodCash, cny(5000)), ""},
		{"card with slip", card, ""},
		{"transfer without reference", pay("p", app.PaymentPayment, app.MethodTransfer, cny(1)), ""},
		{"no id", pay("", app.PaymentDeposit, app.MethodCash, cny(1)), "mutation.missing_field"},
		{"zero", pay("p", app.PaymentDeposit, app.MethodCash, cny(0)), "payment.invalid.amount"},
		{"negative", pay("p", app.PaymentPayment, app.MethodCash, cny(-100)), "payment.invalid.amount"},
		{"too large", pay("p", app.PaymentPayment, app.MethodCash, cny(app.MaxAmount+1)), "money.out_of_range"},
		{"bad currency", pay("p", app.PaymentPayment, app.MethodCash, app.Money{Amount: 1, Currency: "yuan"}), "money.invalid_currency"},
		{"unknown kind", pay("p", "tip", app.MethodCash, cny(1)), "payment.invalid.kind"},
		{"unknown method", pay("p", app.PaymentPayment, "cheque", cny(1)), "payment.invalid.method"},
		{"card without slip", pay("p", app.PaymentPayment, app.MethodCard, cny(1)), "payment.needs_reference"},
		{"mobile without number", pay("p", app.PaymentPayment, app.MethodMobile, cny(1)), "payment.needs_reference"},
		{"no receipt", func() app.Payment {
			p := pay("p", app.PaymentPayment, app.MethodCash, cny(1))
			p.Receipt = ""
			return p
		}(), "payment.invalid.receipt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if app.ErrorCode(err) != app.EINVALID || errKey(err) != tc.key {
				t.Fatalf("Validate = %v (key %q), want EINVALID %s", err, errKey(err), tc.key)
			}
		})
	}
}

func TestReceiptNumbers(t *testing.T) {
	if got := app.ReceiptNumber("D7", 42); got != "D7-42" {
		t.Fatalf("ReceiptNumber = %q", got)
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"D7-42", true}, {"A-1", true}, {"ABCDEFGHIJKL-9223372036854775807", true},
		{"", false}, {"D7", false}, {"D7-", false}, {"-1", false}, {"D7-0", false}, {"D7-01", false},
		{"d7-1", false}, {"D7-1-2", false}, {"D7--1", false}, {"ABCDEFGHIJKLM-1", false}, {"D7-99999999999999999999", false},
	} {
		if got := app.ValidReceipt(tc.in); got != tc.want {
			t.Errorf("ValidReceipt(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBalanceDue(t *testing.T) {
	for _, tc := range []struct {
		name     string
		total    app.Money
		payments []app.Payment
		want     int64
	}{
		{"nothing paid", cny(30000), nil, 30000},
		{"deposit and payment", cny(30000), []app.Payment{pay("a", app.PaymentDeposit, app.MethodCash, cny(5000)), pay("b", app.PaymentPayment, app.MethodCard, cny(25000))}, 0},
		{"refund owed back", cny(10000), []app.Payment{pay("a", app.PaymentDeposit, app.MethodCash, cny(15000))}, -5000},
		{"refund counted", cny(10000), []app.Payment{pay("a", app.PaymentDeposit, app.MethodCash, cny(15000)), pay("r", app.PaymentRefund, app.MethodCash, cny(5000))}, 0},
		{"other currency not counted", cny(10000), []app.Payment{pay("a", app.PaymentDeposit, app.MethodCash, app.Money{Amount: 10000, Currency: "EUR"})}, 10000},
	} {
		if got := app.BalanceDue(tc.total, tc.payments); got != (app.Money{Amount: tc.want, Currency: "CNY"}) {
			t.Errorf("%s: BalanceDue = %v, want CNY %d", tc.name, got, tc.want)
		}
	}
}

func TestNeedsEstimateApproval(t *testing.T) {
	approved := func(amount app.Money, min int) app.Estimate {
		return app.Estimate{ID: "e", Ticket: "t1", Amount: amount, Decision: app.EstimateApproved, DecidedAt: now.Add(time.Duration(min) * time.Minute)}
	}
	declined := app.Estimate{ID: "d", Ticket: "t1", Amount: cny(90000), Decision: app.EstimateDeclined, DecidedAt: now}
	pending := app.Estimate{ID: "p", Ticket: "t1", Amount: cny(90000)}
	for _, tc := range []struct {
		name  string
		total app.Money
		es    []app.Estimate
		want  bool
	}{
		{"free work", cny(0), nil, false},
		{"no estimate", cny(100), nil, true},
		{"only pending or declined", cny(100), []app.Estimate{pending, declined}, true},
		{"within the approved", cny(30000), []app.Estimate{approved(cny(30000), 0)}, false},
		{"grown past it", cny(30001), []app.Estimate{approved(cny(30000), 0)}, true},
		{"the latest approval counts", cny(40000), []app.Estimate{approved(cny(50000), 1), approved(cny(30000), 2)}, true},
		{"a later larger approval covers it", cny(40000), []app.Estimate{approved(cny(30000), 1), approved(cny(50000), 2)}, false},
		{"other currency", app.Money{Amount: 100, Currency: "EUR"}, []app.Estimate{approved(cny(30000), 0)}, true},
	} {
		if got := app.NeedsEstimateApproval(app.Decision{Total: tc.total}, tc.es); got != tc.want {
			t.Errorf("%s: NeedsEstimateApproval = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMoneyMutations(t *testing.T) {
	ctx := context.Background()
	deposit := pay("p1", app.PaymentDeposit, app.MethodCash, cny(5000))
	refund := func(id string, a int64) *app.RefundPayment {
		p := pay(id, app.PaymentRefund, app.MethodCash, cny(a))
		p.Receipt = "A1-" + id
		return &app.RefundPayment{Payment: p}
	}
	for _, tc := range []struct {
		name   string
		actor  app.Actor
		before []app.Command
		cmd    app.Command
		key    string // of the refusal, "" when applied
	}{
		{"deposit on an open ticket", tech, nil, &app.RecordPayment{Payment: deposit}, ""},
		{"payment on a cancelled ticket is kept", tech, []app.Command{
			&app.TransitionTicket{Action: app.ActionCancel, Ticket: "t1", Epoch: 1, Reason: "customer withdrew"}},
			&app.RecordPayment{Payment: deposit}, ""},
		{"refund within what was paid", tech, []app.Command{&app.RecordPayment{Payment: deposit}}, refund("2", 5000), ""},
		{"refund past what was paid", tech, []app.Command{&app.RecordPayment{Payment: deposit}}, refund("2", 5001), "payment.refund_too_much"},
		{"second refund past the rest", tech, []app.Command{&app.RecordPayment{Payment: deposit}, refund("2", 3000)}, refund("3", 2001), "payment.refund_too_much"},
		{"refund with nothing paid", tech, nil, refund("2", 1), "payment.refund_too_much"},
		{"refund as a payment", tech, nil, &app.RecordPayment{Payment: refund("2", 1).Payment}, "payment.refund_separate"},
		{"payment on another's ticket", tech, nil, &app.RecordPayment{Payment: app.Payment{ID: "p", Ticket: "t2", Kind: app.PaymentPayment, Method: app.MethodCash, Amount: cny(1), Receipt: "A1-1"}}, "ticket.not_yours"},
		{"same payment twice", tech, []app.Command{&app.RecordPayment{Payment: deposit}}, &app.RecordPayment{Payment: deposit}, "fact.exists"},
		{"estimate then approve", tech, []app.Command{&app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: cny(30000)}}},
			&app.DecideEstimate{Ticket: "t1", Estimate: "e1", Decision: app.EstimateApproved, Customer: "李娜"}, ""},
		{"decided twice", tech, []app.Command{&app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: cny(30000)}},
			&app.DecideEstimate{Ticket: "t1", Estimate: "e1", Decision: app.EstimateDeclined, Customer: "李娜"}},
			&app.DecideEstimate{Ticket: "t1", Estimate: "e1", Decision: app.EstimateApproved, Customer: "李娜"}, "estimate.decided"},
		{"decide an unknown estimate", tech, nil, &app.DecideEstimate{Ticket: "t1", Estimate: "e9", Decision: app.EstimateApproved, Customer: "李娜"}, "estimate.not_found"},
		{"decide without a name", tech, nil, &app.DecideEstimate{Ticket: "t1", Estimate: "e1", Decision: app.EstimateApproved, Customer: " "}, "estimate.needs_customer"},
		{"estimate issued decided", tech, nil, &app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: cny(1), Decision: app.EstimateApproved}}, "estimate.issued_decided"},
		{"estimate of nothing", tech, nil, &app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: cny(0)}}, "estimate.invalid.amount"},
		{"estimate on a cancelled ticket", tech, []app.Command{
			&app.TransitionTicket{Action: app.ActionCancel, Ticket: "t1", Epoch: 1, Reason: "customer withdrew"}},
			&app.IssueEstimate{Estimate: app.Estimate{ID: "e1", Ticket: "t1", Amount: cny(1)}}, "estimate.ticket_not_open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			for _, c := range tc.before {
				actor := tc.actor
				if tr, ok := c.(*app.TransitionTicket); ok && tr.Action == app.ActionCancel {
					actor = disp
				}
				if err := app.ApplyMutation(ctx, m, actor, mustMutation(t, c), now); err != nil {
					t.Fatalf("before %T: %v", c, err)
				}
			}
			before := len(m.payments)
			err := app.ApplyMutation(ctx, m, tc.actor, mustMutation(t, tc.cmd), now)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("apply: %v", err)
				}
				return
			}
			if errKey(err) != tc.key {
				t.Fatalf("apply = %v (key %q), want %s", err, errKey(err), tc.key)
			}
			if len(m.payments) != before {
				t.Fatalf("a refused mutation recorded a payment")
			}
		})
	}
}

func TestCloseWithBalance(t *testing.T) {
	ctx := context.Background()
	owed := cny(12000)
	none := cny(0)
	for _, tc := range []struct {
		name    string
		balance *app.Money
		unpaid  string
		reason  string
		key     string
	}{
		{"older client sends no balance", nil, "", "", ""},
		{"paid in full", &none, "", "", ""},
		{"owed, invoice later", &owed, app.UnpaidInvoiceLater, "", ""},
		{"owed, goodwill", &owed, app.UnpaidGoodwill, "", ""},
		{"owed, other with words", &owed, app.UnpaidOther, "customer disputes the labour", ""},
		{"owed without a reason", &owed, "", "", "ticket.balance_owed"},
		{"owed, other without words", &owed, app.UnpaidOther, "", "ticket.unpaid_needs_reason"},
		{"owed, unknown reason", &owed, "forgot", "", "ticket.invalid.unpaid_reason"},
		{"a reason with nothing owed", &none, app.UnpaidGoodwill, "", "ticket.unpaid_nothing_owed"},
		{"a reason without a balance", nil, app.UnpaidGoodwill, "", "ticket.unpaid_without_balance"},
		{"a bad currency", &app.Money{Amount: 1, Currency: "x"}, app.UnpaidGoodwill, "", "money.invalid_currency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seeded()
			tk := m.tickets["t1"]
			tk.Status, tk.ResolutionCode = app.StatusCompleted, app.ResolutionRepaired
			m.tickets["t1"] = tk
			err := app.ApplyMutation(ctx, m, tech, mustMutation(t, &app.TransitionTicket{Action: app.ActionClose, Ticket: "t1", Epoch: 1,
				Balance: tc.balance, UnpaidReason: tc.unpaid, Reason: tc.reason}), now)
			got := m.tickets["t1"]
			if tc.key != "" {
				if app.ErrorCode(err) != app.EINVALID || errKey(err) != tc.key || got.Status != app.StatusCompleted {
					t.Fatalf("close = %v (key %q), status %s; want EINVALID %s, still completed", err, errKey(err), got.Status, tc.key)
				}
				return
			}
			if err != nil || got.Status != app.StatusClosed || got.UnpaidReason != tc.unpaid {
				t.Fatalf("close = %v, status %s, unpaid %q", err, got.Status, got.UnpaidReason)
			}
			if (got.ClosedBalance == nil) != (tc.balance == nil) || got.ClosedBalance != nil && *got.ClosedBalance != *tc.balance {
				t.Fatalf("closed balance %v, want %v", got.ClosedBalance, tc.balance)
			}
		})
	}
	// A balance is only a close's.
	m := seeded()
	err := app.ApplyMutation(ctx, m, tech, mustMutation(t, &app.TransitionTicket{Action: app.ActionStart, Ticket: "t1", Epoch: 1, Balance: &owed}), now)
	if errKey(err) != "ticket.balance_close_only" {
		t.Fatalf("start with a balance = %v", err)
	}
}

func errKey(err error) string {
	if e := app.AsError(err); e != nil {
		return e.Key
	}
	return ""
}

// TestEstimateDigest: the digest is the documented text's SHA-256 (the
// example of docs/PROTOCOL.md, computed independently with sha256sum),
// changes with every fact the customer agrees to, not with the answer.
func TestEstimateDigest(t *testing.T) {
	base := app.Estimate{ID: "0193a6c2-5d1e-7c41-9b0a-3f2e8d7c6b5a", Ticket: "t-1001", Amount: cny(30000), Note: "Display\nand labour"}
	const want = "1aead2dae514028b182831e6bc66118095733575ac4c721240cc6c786e59b702"
	if got := base.Digest(); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	for _, tc := range []struct {
		name string
		edit func(e *app.Estimate)
		same bool
	}{
		{"amount grows", func(e *app.Estimate) { e.Amount.Amount = 30001 }, false},
		{"currency", func(e *app.Estimate) { e.Amount.Currency = "EUR" }, false},
		{"note", func(e *app.Estimate) { e.Note = "Display" }, false},
		{"id", func(e *app.Estimate) { e.ID = "0193a6c2-5d1e-7c41-9b0a-3f2e8d7c6b5b" }, false},
		{"ticket", func(e *app.Estimate) { e.Ticket = "t-1002" }, false},
		{"decided", func(e *app.Estimate) {
			e.Decision, e.ApprovedBy, e.Signature, e.DecidedAt = app.EstimateApproved, "Li Na", "s1", time.Unix(1, 0)
		}, true},
		{"issued by and at", func(e *app.Estimate) { e.By, e.At = "Wang", time.Unix(2, 0) }, true},
	} {
		e := base
		tc.edit(&e)
		if got := e.Digest(); (got == want) != tc.same || !app.ValidDigest(got) {
			t.Errorf("%s: digest %s, same as before %v, want %v", tc.name, got, got == want, tc.same)
		}
	}
}

// TestMoneyOffered: Take payment while a balance is due or, on an open
// ticket, before the work is priced (a deposit); Refund while something
// paid was not given back; the same rule open or closed (the lead's walk:
// a closed, settled ticket offered both).
func TestMoneyOffered(t *testing.T) {
	priced := cny(300)
	free := cny(0)
	paid := []app.Payment{pay("p1", app.PaymentPayment, app.MethodCash, cny(300))}
	part := []app.Payment{pay("p1", app.PaymentDeposit, app.MethodCash, cny(100))}
	refunded := append(slices.Clone(paid), pay("r1", app.PaymentRefund, app.MethodCash, cny(300)))
	for _, tc := range []struct {
		name         string
		open         bool
		charges      *app.Money
		payments     []app.Payment
		currency     string
		take, refund bool
	}{
		{"open, not priced: a deposit", true, nil, nil, "CNY", true, false},
		{"open, free so far: a deposit", true, &free, nil, "CNY", true, false},
		{"open, owing", true, &priced, part, "CNY", true, true},
		{"open, settled", true, &priced, paid, "CNY", false, true},
		{"closed, owing: pick-up pays the balance", false, &priced, part, "CNY", true, true},
		{"closed, settled", false, &priced, paid, "CNY", false, true},
		{"closed, refunded in full", false, &priced, refunded, "CNY", true, false},
		{"closed, free, nothing paid", false, &free, nil, "CNY", false, false},
		{"closed, not priced, deposit kept", false, nil, part, "CNY", false, true},
		{"no currency known", true, nil, nil, "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			take, refund := app.MoneyOffered(tc.open, tc.charges, tc.payments, tc.currency)
			if take != tc.take || refund != tc.refund {
				t.Errorf("take %v refund %v, want %v %v", take, refund, tc.take, tc.refund)
			}
		})
	}
}

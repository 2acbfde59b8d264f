package store

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

var payer = app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}

func cash(ticket app.TicketID, kind app.PaymentKind, amount int64) app.Payment {
	return app.Payment{ID: app.NewID(), Ticket: ticket, Kind: kind, Method: app.MethodCash, Amount: app.Money{Amount: amount, Currency: "CNY"}}
}

// TestReceiptNumbers: no payment before the server gave a prefix; a bad
// prefix from the server is refused; then receipts are numbered in order,
// whatever number the caller put in, and a refused payment uses none.
func TestReceiptNumbers(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	ctx := t.Context()
	if err := db.Load(ctx, storetest.World()); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	pending := func() int {
		n, err := NewOutbox(db).PendingCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := pending()
	_, err := c.Commit(ctx, payer, &app.RecordPayment{Payment: cash(storetest.T2, app.PaymentDeposit, 100)})
	if e := app.AsError(err); e == nil || e.Key != "store.no_receipt_prefix" || pending() != before {
		t.Fatalf("payment without a prefix = %v, %d pending; want store.no_receipt_prefix, nothing queued", err, pending())
	}
	for _, bad := range []string{"d7", "D-7", strings.Repeat("D", 13)} {
		err := db.ApplyPull(ctx, app.PullPage{ReceiptPrefix: bad, At: storetest.Now})
		if e := app.AsError(err); e == nil || e.Key != "store.bad_receipt_prefix" {
			t.Errorf("prefix %q = %v, want store.bad_receipt_prefix", bad, err)
		}
	}
	if p, _ := db.ReceiptPrefix(ctx); p != "" {
		t.Fatalf("a refused prefix was kept: %q", p)
	}
	if err := db.ApplyPull(ctx, app.PullPage{ReceiptPrefix: "D7", At: storetest.Now}); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		cmd  app.Command
		want string // "" when refused
	}{
		{&app.RecordPayment{Payment: cash(storetest.T2, app.PaymentDeposit, 5000)}, "D7-1"},
		{&app.RecordPayment{Payment: func() app.Payment { p := cash(storetest.T2, app.PaymentPayment, 1000); p.Receipt = "D9-99"; return p }()}, "D7-2"},
		{&app.RefundPayment{Payment: cash(storetest.T2, app.PaymentRefund, 7000)}, ""}, // more than paid
		{&app.RefundPayment{Payment: cash(storetest.T2, app.PaymentRefund, 6000)}, "D7-3"},
	} {
		_, err := c.Commit(ctx, payer, tc.cmd)
		got := ""
		switch cmd := tc.cmd.(type) {
		case *app.RecordPayment:
			got = cmd.Payment.Receipt
		case *app.RefundPayment:
			got = cmd.Payment.Receipt
		}
		if tc.want == "" {
			if app.ErrorCode(err) != app.ECONFLICT {
				t.Errorf("%d: refund past what was paid = %v, want ECONFLICT", i, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%d: receipt %q, %v; want %s", i, got, err, tc.want)
		}
	}
	d, err := NewTicketService(db).TicketDetail(ctx, storetest.T2)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := NewPaymentService(db).Payments(ctx, storetest.T2)
	if err != nil || len(ps) != len(d.Payments) {
		t.Fatalf("PaymentService lists %d payments, %v; the ticket %d", len(ps), err, len(d.Payments))
	}
	var receipts []string
	for _, p := range d.Payments {
		receipts = append(receipts, p.Receipt)
	}
	if _, err := c.Commit(ctx, payer, &app.IssueEstimate{Estimate: app.Estimate{ID: app.NewID(), Ticket: storetest.T2, Amount: app.Money{Amount: 30000, Currency: "CNY"}}}); err != nil {
		t.Fatal(err)
	}
	if es, err := NewPaymentService(db).Estimates(ctx, storetest.T2); err != nil || len(es) != 1 || es[0].By != payer.Name {
		t.Errorf("Estimates = %+v, %v; want the one issued", es, err)
	}
	if strings.Join(receipts, " ") != "D7-1 D7-2 D7-3" || app.BalanceDue(app.Money{Currency: "CNY"}, d.Payments).Amount != 0 {
		t.Errorf("payments on the ticket: %v, balance %v", receipts, app.BalanceDue(app.Money{Currency: "CNY"}, d.Payments))
	}
}

// TestReceiptKill9: a child takes payments and is killed with SIGKILL at
// an arbitrary point; after reopening, every receipt it printed is on a
// payment, no number is on two payments, the counter is at the highest
// number issued, and the next payment gets the number after it.
func TestReceiptKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	var printed []string
	for round := range 2 {
		c := startChild(t, "pay", path)
		for range 20 + round*30 {
			line, err := c.out.ReadString('\n')
			if err != nil {
				t.Fatalf("round %d: child stopped after %d receipts: %v", round, len(printed), err)
			}
			printed = append(printed, strings.TrimSpace(line))
		}
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		c.kill(t)

		db := mustOpenPath(t, path, WithFullCheck())
		var n, distinct, seq int64
		db.read.QueryRow(`SELECT count(*), count(DISTINCT receipt) FROM payments`).Scan(&n, &distinct)
		db.read.QueryRow(`SELECT receipt_seq FROM device WHERE id = 1`).Scan(&seq)
		if n != distinct || n != seq {
			t.Errorf("round %d: %d payments, %d distinct receipts, counter at %d", round, n, distinct, seq)
		}
		for _, r := range printed {
			var found int
			db.read.QueryRow(`SELECT count(*) FROM payments WHERE receipt = ?`, r).Scan(&found)
			if found != 1 {
				t.Errorf("round %d: printed receipt %s is on %d payments", round, r, found)
			}
		}
		cmd := &app.RecordPayment{Payment: cash(storetest.T2, app.PaymentPayment, 100)}
		if _, err := NewCommitter(db).Commit(t.Context(), payer, cmd); err != nil || cmd.Payment.Receipt != fmt.Sprintf("D7-%d", seq+1) {
			t.Errorf("round %d: next receipt %q, %v; want D7-%d", round, cmd.Payment.Receipt, err, seq+1)
		}
		t.Logf("round %d: %d printed, %d issued", round, len(printed), seq+1)
		db.Close()
	}
}

// TestPulledEstimateKeepsPendingDecision: a page carrying the server's
// undecided copy of an estimate does not undo a decision this device has
// not sent yet; once acknowledged, the server's copy is taken.
func TestPulledEstimateKeepsPendingDecision(t *testing.T) {
	db := mustOpen(t, WithClock(fixedClock(storetest.Now)))
	ctx := t.Context()
	if err := db.Load(ctx, storetest.World()); err != nil {
		t.Fatal(err)
	}
	issued := app.Estimate{ID: app.NewID(), Ticket: storetest.T2, Amount: app.Money{Amount: 30000, Currency: "CNY"}, At: storetest.Now, By: "Ana Li"}
	if err := db.ApplyPull(ctx, app.PullPage{Data: app.Dataset{Estimates: []app.Estimate{issued}}, At: storetest.Now}); err != nil {
		t.Fatal(err)
	}
	m, err := NewCommitter(db).Commit(ctx, payer, &app.DecideEstimate{Ticket: storetest.T2, Estimate: issued.ID, Decision: app.EstimateApproved, Customer: "Li Na"})
	if err != nil {
		t.Fatal(err)
	}
	decision := func() string {
		es, err := NewPaymentService(db).Estimates(ctx, storetest.T2)
		if err != nil || len(es) != 1 {
			t.Fatalf("estimates %+v, %v", es, err)
		}
		return es[0].Decision
	}
	if err := db.ApplyPull(ctx, app.PullPage{Data: app.Dataset{Estimates: []app.Estimate{issued}}, At: storetest.Now}); err != nil {
		t.Fatal(err)
	}
	if got := decision(); got != app.EstimateApproved {
		t.Fatalf("a pulled copy undid the pending decision: %q", got)
	}
	declined := issued
	declined.Decision, declined.ApprovedBy, declined.DecidedAt = app.EstimateDeclined, "Li Na", storetest.Now
	if err := db.ApplyPull(ctx, app.PullPage{Acked: m.Seq, Data: app.Dataset{Estimates: []app.Estimate{declined}}, At: storetest.Now}); err != nil {
		t.Fatal(err)
	}
	if got := decision(); got != app.EstimateDeclined {
		t.Fatalf("after the acknowledgement the server's copy was not taken: %q", got)
	}
}

// TestRepairDraftKill9: a child types on in the repair log's form (its
// text and minutes kept as drafts) and is killed with SIGKILL at an
// arbitrary point; after reopening, the last draft it acknowledged is
// there whole, its minutes with its text, or a later one. The minutes
// were not kept at all, and came back as the time since work started.
func TestRepairDraftKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	c := startChild(t, "draft", path)
	last := -1
	for range 20 {
		line, err := c.out.ReadString('\n')
		if err != nil {
			t.Fatalf("child stopped after %d drafts: %v", last+1, err)
		}
		if last, err = strconv.Atoi(strings.TrimSpace(line)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	c.kill(t)

	db := mustOpenPath(t, path, WithFullCheck())
	ds, err := db.Drafts(t.Context(), app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana}, storetest.T2)
	if err != nil {
		t.Fatal(err)
	}
	got := map[app.DraftField]string{}
	for _, d := range ds {
		got[d.Field] = d.Text
	}
	var text, minutes int
	if _, err := fmt.Sscanf(got[app.DraftRepair], "Replaced the drain pump, try %d", &text); err != nil || text < last {
		t.Errorf("after the kill the repair draft reads %q, want try %d or later", got[app.DraftRepair], last)
	}
	// The kill may fall between the text's put and its minutes'.
	if minutes, err = strconv.Atoi(got[app.DraftRepairMinutes]); err != nil || minutes < last || minutes < text-1 || minutes > text {
		t.Errorf("after the kill the repair draft's minutes read %q beside %q, want %d or %d", got[app.DraftRepairMinutes], got[app.DraftRepair], text-1, text)
	}
}

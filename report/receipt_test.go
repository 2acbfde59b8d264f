package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestPaymentReceipt writes a receipt of each kind in each language and
// reads back the number, the amount and what is still owed after it.
func TestPaymentReceipt(t *testing.T) {
	needTool(t, "pdftotext")
	_, tickets := demoTickets(t)
	tk := tickets[app.KindCarryIn].Ticket
	cny := func(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }
	ptr := func(m app.Money) *app.Money { return &m }
	total := cny(18780)
	at := time.Date(2026, 12, 4, 10, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		r       Receipt
		amount  string // the amount as printed, in English
		owedKey string // the key of the balance line; "" for none
		owed    app.Money
	}{
		{"pickup", Receipt{Payment: app.ReportPayment{Receipt: "TAB1-12", Kind: "payment", Method: "mobile", Reference: "WX4200017", Amount: cny(6780), At: at},
			Total: &total, Owed: ptr(cny(6780)), Paid: cny(12000)}, "CNY\u00a067.80", "report.owed", cny(6780)},
		{"settled", Receipt{Payment: app.ReportPayment{Receipt: "TAB1-13", Kind: "payment", Method: "cash", Amount: cny(6780), At: at},
			Total: &total, Owed: ptr(cny(0)), Paid: cny(18780)}, "CNY\u00a067.80", "report.owed", cny(0)},
		{"refund", Receipt{Payment: app.ReportPayment{Receipt: "TAB2-3", Kind: "refund", Method: "cash", Amount: cny(1000), At: at},
			Total: &total, Owed: ptr(cny(-1000)), Paid: cny(19780)}, "-CNY\u00a010.00", "report.overpaid", cny(1000)},
		{"deposit, no charges yet", Receipt{Payment: app.ReportPayment{Receipt: "TAB1-1", Kind: "deposit", Method: "card", Reference: "SLIP 88", Amount: cny(5000), At: at},
			Paid: cny(5000)}, "CNY\u00a050.00", "", app.Money{}},
	} {
		for lang, tag := range languages {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				r := tc.r
				r.Ticket, r.Provider = tk, "Acme Repair"
				r.Ticket.Customer.Language = tag
				c := translations.For(tag)
				var b bytes.Buffer
				if err := PaymentReceipt(context.Background(), &b, r, Options{}); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "receipt.pdf")
				if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				// -layout keeps a label and its value on one line.
				out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
				if err != nil {
					t.Fatalf("pdftotext: %v", err)
				}
				text := squash(string(out))
				amount := money(c.Lang(), r.Payment.Amount)
				if r.Payment.Kind == "refund" {
					amount = "-" + amount
				}
				if lang == "en" && amount != tc.amount {
					t.Errorf("amount %q, want %q", amount, tc.amount)
				}
				want := []string{r.Payment.Receipt, tk.Number, tk.Customer.Name, tk.Product.Serial, "Acme Repair", printedDays["2026-12-04"][lang] + " 10:30",
					c.Text("report.receipt_title", "Payment receipt", nil), amount, c.Text("report.paid", "", nil) + money(c.Lang(), r.Paid)}
				if tc.owedKey != "" {
					want = append(want, c.Text("report.total", "", nil)+money(c.Lang(), total), c.Text(tc.owedKey, "", nil)+money(c.Lang(), tc.owed))
				} else {
					want = append(want, c.Text("report.total_unknown", "", nil))
				}
				for _, w := range want {
					if !strings.Contains(text, squash(w)) {
						t.Errorf("the receipt lacks %q:\n%s", w, text)
					}
				}
				if d := isoDay.FindString(text); d != "" {
					t.Errorf("the receipt prints the day %s year-first", d)
				}
				if tc.owedKey == "" && strings.Contains(text, squash(c.Text("report.owed", "", nil))) {
					t.Error("a receipt without known charges states an amount owed")
				}
			})
		}
	}
}

// TestPaymentReceiptRefusesBadNumber: a receipt number the app would not
// issue is refused, and nothing is written.
func TestPaymentReceiptRefusesBadNumber(t *testing.T) {
	_, tickets := demoTickets(t)
	for _, n := range []string{"", "tab1-3", "TAB1-0", "TAB1", strings.Repeat("A", 40) + "-1"} {
		var b bytes.Buffer
		r := Receipt{Ticket: tickets[app.KindCarryIn].Ticket, Payment: app.ReportPayment{Receipt: n, Kind: "payment", Method: "cash", Amount: app.Money{Amount: 100, Currency: "CNY"}}}
		err := PaymentReceipt(context.Background(), &b, r, Options{})
		if app.ErrorCode(err) != app.EINVALID || b.Len() != 0 {
			t.Errorf("receipt %q: %v, %d bytes written; want EINVALID and none", n, err, b.Len())
		}
	}
}

// TestChineseReceiptRenders: a Chinese customer's receipt is in Chinese,
// with the CJK font embedded.
func TestChineseReceiptRenders(t *testing.T) {
	needTool(t, "pdffonts")
	_, tickets := demoTickets(t)
	tk := tickets[app.KindCarryIn].Ticket
	tk.Customer.Language = "zh-CN"
	tk.Customer.Name = "王芳"
	total := app.Money{Amount: 18780, Currency: "CNY"}
	owed := app.Money{Currency: "CNY"}
	r := Receipt{Ticket: tk, Provider: "上海维修中心", Total: &total, Owed: &owed, Paid: total,
		Payment: app.ReportPayment{Receipt: "SH1-7", Kind: "payment", Method: "mobile", Reference: "WX1", Amount: app.Money{Amount: 6780, Currency: "CNY"}}}
	var b bytes.Buffer
	if err := PaymentReceipt(context.Background(), &b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "zh.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := squash(pdftotext(t, path))
	for _, w := range []string{"付款收据", "王芳", "上海维修中心", "移动支付", "CNY67.80"} {
		if !strings.Contains(text, w) {
			t.Errorf("the Chinese receipt lacks %q:\n%s", w, text)
		}
	}
	out, err := exec.Command("pdffonts", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "+DroidSansFallback") {
		t.Errorf("pdffonts: %v: the CJK font is not embedded:\n%s", err, out)
	}
}

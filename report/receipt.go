package report

import (
	"context"
	"io"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Receipt is what a payment receipt states: one payment on a ticket and
// where the customer stands after it.
type Receipt struct {
	Ticket   app.Ticket
	Provider string
	Payment  app.ReportPayment
	// Total is the ticket's charges and Owed what the customer still owes
	// after this payment (app.BalanceDue: negative when they paid more);
	// both nil when the charges are not known yet (no warranty decision):
	// the receipt then states neither, rather than a wrong one.
	Total, Owed *app.Money
	// Paid is what the customer has paid on the ticket with this payment
	// and the ones before it, refunds deducted (app.Paid), in the
	// payment's currency.
	Paid app.Money
}

// PaymentReceipt writes the receipt of one payment (a deposit, a payment
// or a refund) in the customer's language, with a QR Code of its receipt
// number, which is unique across the tenant's devices.
func PaymentReceipt(ctx context.Context, w io.Writer, r Receipt, opts Options) error {
	if !app.ValidReceipt(r.Payment.Receipt) {
		return app.Errorf(app.EINVALID, "payment.invalid.receipt", "The receipt number {{.Receipt}} is malformed; the app numbers receipts itself: update it.", "Receipt", r.Payment.Receipt)
	}
	t := r.Ticket
	p := r.Payment
	c := translations.For(t.CustomerLanguage())
	lang := c.Lang()
	created := opts.Created
	if created.IsZero() {
		created = p.At
	}
	title := c.Text("report.receipt_title", "Payment receipt", nil)
	d := newDoc(title+" "+p.Receipt, lang, created, title+" "+p.Receipt)
	if err := d.masthead(r.Provider, title, p.Receipt); err != nil {
		return err
	}
	d.fields([][2]string{
		{c.Text("report.receipt_number", "Receipt number", nil), p.Receipt},
		{c.Text("report.when", "When", nil), opts.when(c)(p.At)},
		{c.Text("report.ticket", "Ticket", nil), t.Number},
	})
	d.y = max(d.y, margin+30)

	d.heading(c.Text("report.customer", "Customer", nil), 15)
	d.fields([][2]string{
		{c.Text("report.name", "Name", nil), t.Customer.Name},
		{c.Text("report.phone", "Phone", nil), t.Customer.Phone},
	})
	d.heading(c.Text("report.device", "Device", nil), 15)
	d.fields([][2]string{
		{c.Text("report.product", "Product", nil), strings.TrimSpace(t.Product.Brand + " " + t.Product.Model)},
		{c.Text("report.serial", "Serial number", nil), t.Product.Serial},
	})

	amount := money(lang, p.Amount)
	if app.PaymentKind(p.Kind) == app.PaymentRefund {
		amount = "-" + amount
	}
	d.heading(paymentKindText(c, app.PaymentKind(p.Kind)), 25)
	d.fields([][2]string{
		{c.Text("report.method", "Method", nil), methodText(c, app.PaymentMethod(p.Method))},
		{c.Text("report.reference", "Reference", nil), p.Reference},
	})
	d.size, d.bold = 13, true
	d.fields([][2]string{{c.Text("report.amount", "Amount", nil), amount}})
	d.size, d.bold = 10, false

	d.heading(c.Text("report.balance", "Ticket balance", nil), 20)
	pairs := [][2]string{}
	if r.Total != nil {
		pairs = append(pairs, [2]string{c.Text("report.total", "Total", nil), money(lang, *r.Total)})
	}
	pairs = append(pairs, [2]string{c.Text("report.paid", "Paid so far", nil), money(lang, r.Paid)})
	d.fields(pairs)
	if r.Owed != nil {
		d.bold = true
		if r.Owed.Amount < 0 {
			d.fields([][2]string{{c.Text("report.overpaid", "Paid above the charges", nil), money(lang, app.Money{Amount: -r.Owed.Amount, Currency: r.Owed.Currency})}})
		} else {
			d.fields([][2]string{{c.Text("report.owed", "Still owed", nil), money(lang, *r.Owed)}})
		}
		d.bold = false
	} else {
		d.size = 9
		d.para(margin, c.Text("report.total_unknown", "The charges are not known yet: ask the service desk what remains to pay.", nil))
		d.size = 10
	}

	d.y += 10
	d.size = 9
	d.para(margin, c.Text("report.receipt_keep", "Keep this receipt: its number is how we find this payment.", nil))
	d.size = 10
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.output(w)
}

func paymentKindText(c *translations.Catalog, k app.PaymentKind) string {
	switch k {
	case app.PaymentDeposit:
		return c.Text("payment.kind.deposit", "Deposit", nil)
	case app.PaymentRefund:
		return c.Text("payment.kind.refund", "Refund", nil)
	}
	return c.Text("payment.kind.payment", "Payment", nil)
}

func methodText(c *translations.Catalog, m app.PaymentMethod) string {
	switch m {
	case app.MethodCard:
		return c.Text("payment.method.card", "Card", nil)
	case app.MethodMobile:
		return c.Text("payment.method.mobile", "Mobile payment", nil)
	case app.MethodTransfer:
		return c.Text("payment.method.transfer", "Bank transfer", nil)
	case app.MethodCash:
		return c.Text("payment.method.cash", "Cash", nil)
	}
	return string(m)
}

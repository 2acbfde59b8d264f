package report

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Intake is what a counter's intake receipt states. It never carries the
// device's passcode or other secret the customer may have left: only
// fields of the ticket are printed.
type Intake struct {
	Ticket     app.Ticket
	Provider   string
	PromisedBy time.Time          // when the device should be ready; zero when none was promised
	Deposit    *app.ReportPayment // the deposit taken; nil when none
}

// IntakeReceipt writes the receipt a customer takes when leaving a device
// at the counter, in their language, with a QR Code of the ticket number.
func IntakeReceipt(ctx context.Context, w io.Writer, in Intake, opts Options) error {
	t := in.Ticket
	c := translations.For(t.CustomerLanguage())
	lang := c.Lang()
	when := opts.when(c)
	created := opts.Created
	if created.IsZero() {
		created = t.CreatedAt
	}
	title := c.Text("report.intake_title", "Intake receipt", nil)
	d := newDoc(title+" "+t.Number, lang, created, title+" "+t.Number)
	if err := d.masthead(in.Provider, title, t.Number); err != nil {
		return err
	}
	d.fields([][2]string{
		{c.Text("report.ticket", "Ticket", nil), t.Number},
		{c.Text("report.service", "Service", nil), kindText(c, t.Kind)},
		{c.Text("report.received", "Received", nil), when(t.CreatedAt)},
		{c.Text("report.promised", "Ready by", nil), when(in.PromisedBy)},
	})
	d.y = max(d.y, margin+30)

	d.heading(c.Text("report.customer", "Customer", nil), 15)
	d.fields([][2]string{
		{c.Text("report.name", "Name", nil), t.Customer.Name},
		{c.Text("report.phone", "Phone", nil), t.Customer.Phone},
	})

	d.heading(c.Text("report.device", "Device", nil), 15)
	accessories := t.Condition.Accessories
	if strings.TrimSpace(accessories) == "" {
		accessories = c.Text("report.none", "none", nil)
	}
	// The flags only: the technician's notes may hold what the customer
	// said in confidence, such as the device's passcode, and the receipt
	// leaves the counter.
	k := t.Condition
	k.Notes = ""
	condition := conditionText(c, k)
	if condition == "" {
		condition = c.Text("report.no_damage", "no visible damage noted", nil)
	}
	d.fields([][2]string{
		{c.Text("report.product", "Product", nil), strings.TrimSpace(t.Product.Brand + " " + t.Product.Model)},
		{c.Text("report.serial", "Serial number", nil), t.Product.Serial},
		{c.Text("report.condition", "Condition", nil), condition},
		{c.Text("report.accessories", "Accessories left", nil), accessories},
		{c.Text("report.fault", "Fault reported", nil), t.Fault},
	})

	if in.Deposit != nil {
		d.heading(c.Text("report.deposit", "Deposit", nil), 15)
		p := in.Deposit
		d.fields([][2]string{
			{c.Text("report.amount", "Amount", nil), money(lang, p.Amount)},
			{c.Text("report.receipt", "Receipt", nil), p.Receipt},
			{c.Text("report.method", "Method", nil), strings.TrimSpace(methodText(c, app.PaymentMethod(p.Method)) + " " + p.Reference)},
		})
	}

	d.heading(c.Text("report.terms", "Terms", nil), 15)
	d.size = 9
	d.para(margin, c.Text("report.terms_text", "Bring this receipt, or show its code, to collect the device. We check the fault and tell you the price before any paid repair. Back up your data: repairs can erase it. A device not collected within 90 days of our notice that it is ready may be disposed of as the law allows.", nil))
	d.size = 10
	d.y += 10
	d.need(20)
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.Line(margin, d.y+12, margin+80, d.y+12)
	d.pdf.Line(margin+95, d.y+12, margin+175, d.y+12)
	d.y += 12
	old := d.size
	d.size = 8
	d.textAt(margin, d.y+4, c.Text("report.customer_signs", "Customer", nil))
	d.textAt(margin+95, d.y+4, c.Text("report.staff_signs", "Received by", nil))
	d.size = old
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.output(w)
}

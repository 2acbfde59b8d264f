package report

import (
	"bytes"
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// benchReport writes the service report of the demo's on-site ticket in
// lang, with photos of the device's size (1600x1200 JPEG) and a
// signature, and reports the PDF's size.
func benchReport(b *testing.B, tag string, photos int) {
	ds, tickets := demoTickets(b)
	d := tickets[app.KindOnSite]
	d.Ticket.Customer.Language = tag
	src := withPhotos(b, &d, photos)
	r := app.BuildServiceReport(demo.ReportInput(ds, d))
	opts := Options{Photos: src, Signature: Signature{PNG: signaturePNG(b), Name: d.Ticket.Customer.Name, At: demoNow}}
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := ServiceReport(context.Background(), &buf, r, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/report")
}

func BenchmarkServiceReportEN(b *testing.B)        { benchReport(b, "en", 0) }
func BenchmarkServiceReportZH(b *testing.B)        { benchReport(b, "zh-CN", 0) }
func BenchmarkServiceReportENPhotos4(b *testing.B) { benchReport(b, "en", 4) }
func BenchmarkServiceReportZHPhotos4(b *testing.B) { benchReport(b, "zh-CN", 4) }

// benchReceipt writes a payment receipt in lang and reports its size.
func benchReceipt(b *testing.B, tag string) {
	_, tickets := demoTickets(b)
	t := tickets[app.KindCarryIn].Ticket
	t.Customer.Language = tag
	total, owed := app.Money{Amount: 16780, Currency: "CNY"}, app.Money{Currency: "CNY"}
	r := Receipt{Ticket: t, Provider: demo.Provider, Total: &total, Owed: &owed, Paid: total,
		Payment: app.ReportPayment{Receipt: "D7-2", Kind: "payment", Method: "mobile", Reference: "WX1", Amount: app.Money{Amount: 6780, Currency: "CNY"}, At: demoNow}}
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := PaymentReceipt(context.Background(), &buf, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/receipt")
}

func BenchmarkPaymentReceiptEN(b *testing.B) { benchReceipt(b, "en") }
func BenchmarkPaymentReceiptZH(b *testing.B) { benchReceipt(b, "zh-CN") }

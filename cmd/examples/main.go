// Command examples writes the example documents of docs/examples from the
// demo world (`make examples`): the service report of a demo ticket in
// English, Chinese, French, Spanish and Portuguese, with four photos and a
// signature drawn from synthetic pen strokes, the intake receipt of a
// counter ticket and the
// receipt of its payment at pick-up, a return of defective parts' label
// (Chinese) and packing list (English), and the brand claims export (CSV
// and ZIP) of a few demo tickets closed on an in-process central service.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/report"
)

func main() {
	out := flag.String("out", "docs/examples", "the folder to write the examples to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "examples:", err)
		os.Exit(1)
	}
}

// now pins the demo world, so the examples change only when the code does.
var now = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// size is the demo world's.
var size = demo.Size{Models: 20, Parts: 300, Tickets: 400, Technicians: 12}

func run(dir string) error {
	ctx := context.Background()
	ds := demo.Generate(1, size, now)
	var onSite, counter *app.TicketDetail
	for i := range ds.Tickets {
		d := &ds.Tickets[i]
		switch {
		// The report's ticket may have waited for a part: its work is
		// its two visits, not the days between (app.SiteClock).
		case onSite == nil && d.Ticket.Kind == app.KindOnSite && d.Ticket.Status == app.StatusClosed && len(d.Parts) > 0:
			onSite = d
		case counter == nil && d.Ticket.Kind == app.KindCarryIn && d.Ticket.Status.Open():
			counter = d
		}
	}
	if onSite == nil || counter == nil {
		return fmt.Errorf("the demo world lacks a closed on-site ticket with parts or an open carry-in ticket")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	photos := photoMap{}
	for i := range 4 {
		b, err := photo(i)
		if err != nil {
			return err
		}
		s := sha256.Sum256(b)
		sum := hex.EncodeToString(s[:])
		photos[sum] = b
		onSite.Photos = append(onSite.Photos, app.Photo{ID: app.NewID(), Ticket: onSite.Ticket.ID, SHA256: sum, Size: int64(len(b)),
			Mime: "image/jpeg", Kind: "repair", Caption: fmt.Sprintf("%s %d", onSite.Ticket.Product.Model, i+1),
			At: onSite.Ticket.CompletedAt.Add(time.Duration(i-4) * time.Minute)})
	}
	sig, err := signature()
	if err != nil {
		return err
	}
	for _, lang := range []struct{ file, tag string }{{"service-report-en.pdf", "en-GB"}, {"service-report-zh.pdf", "zh-CN"},
		{"service-report-fr.pdf", "fr-FR"}, {"service-report-es.pdf", "es-ES"}, {"service-report-pt.pdf", "pt-BR"}} {
		d := *onSite
		d.Ticket.Customer.Language = lang.tag
		in := demo.ReportInput(ds, d)
		// The demo names its parts in the world's language alone
		// (demo.GenerateIn), the same world record for record in each:
		// the customer's report reads the names of the world in their
		// language, as a catalog imported with name_fr, name_es and
		// name_pt columns gives them.
		for _, p := range demo.GenerateIn(1, size, now, lang.tag).Parts {
			if c, ok := in.Catalog[p.Number]; ok {
				c.Names = p.Names
				in.Catalog[p.Number] = c
			}
		}
		in.History = visits(d)
		// The customer pays their share by card as the visit ends: a
		// paid repair's report reads the payment, not "No payment
		// recorded".
		if in.Decision != nil && in.Decision.Total.Amount > 0 {
			in.Payments = []app.ReportPayment{{Receipt: "S3-1", Kind: "payment", Method: "card", Amount: in.Decision.Total, At: d.Ticket.CompletedAt.Add(3 * time.Minute)}}
		}
		r := app.BuildServiceReport(in)
		opts := report.Options{Photos: photos, Signature: report.Signature{PNG: sig, Name: d.Ticket.Customer.Name, At: d.Ticket.CompletedAt}}
		if err := write(filepath.Join(dir, lang.file), func(w io.Writer) error { return report.ServiceReport(ctx, w, r, opts) }); err != nil {
			return err
		}
	}
	c := *counter
	c.Ticket.Customer.Language = "en-GB"
	rec := report.Intake{Ticket: c.Ticket, Provider: demo.Provider, PromisedBy: c.Ticket.ResolveBy,
		Deposit: &app.ReportPayment{Receipt: "D7-1", Kind: "deposit", Method: "cash", Amount: app.Money{Amount: 10000, Currency: "CNY"}, At: c.Ticket.CreatedAt}}
	if err := write(filepath.Join(dir, "intake-receipt-en.pdf"), func(w io.Writer) error { return report.IntakeReceipt(ctx, w, rec, report.Options{}) }); err != nil {
		return err
	}
	// The pick-up of the counter ticket: the rest of its charges, paid by
	// mobile payment after the deposit.
	total, owed := app.Money{Amount: 16780, Currency: "CNY"}, app.Money{Currency: "CNY"}
	receipt := report.Receipt{Ticket: c.Ticket, Provider: demo.Provider, Total: &total, Owed: &owed, Paid: total,
		Payment: app.ReportPayment{Receipt: "D7-2", Kind: "payment", Method: "mobile", Reference: "4200001234202612041530",
			Amount: app.Money{Amount: 6780, Currency: "CNY"}, At: now.Add(6 * time.Hour)}}
	if err := write(filepath.Join(dir, "payment-receipt-en.pdf"), func(w io.Writer) error { return report.PaymentReceipt(ctx, w, receipt, report.Options{}) }); err != nil {
		return err
	}
	if err := shippingExamples(ctx, ds, dir); err != nil {
		return err
	}
	return claimsExport(ctx, ds, dir)
}

// visits is the status history the technician's device records for an
// on-site ticket: travel to the site before the first repair, a wait for
// parts wherever the repair log pauses overnight and a resume at the next
// entry, completion at the ticket's. The demo world keeps no history;
// with this one the report shows travel as well as work.
func visits(d app.TicketDetail) []app.StatusChange {
	rs := slices.SortedFunc(slices.Values(d.Repairs), func(a, b app.RepairEntry) int { return a.At.Compare(b.At) })
	if len(rs) == 0 {
		return nil
	}
	h := []app.StatusChange{{Action: app.ActionDepart, At: rs[0].At.Add(-45 * time.Minute)},
		{Action: app.ActionArrive, At: rs[0].At.Add(-10 * time.Minute)}, {Action: app.ActionStart, At: rs[0].At.Add(-5 * time.Minute)}}
	for i := 1; i < len(rs); i++ {
		end := rs[i-1].At.Add(time.Duration(rs[i-1].Minutes) * time.Minute)
		if rs[i].At.Sub(end) > 8*time.Hour {
			h = append(h, app.StatusChange{Action: app.ActionWait, At: end}, app.StatusChange{Action: app.ActionResume, At: rs[i].At.Add(-5 * time.Minute)})
		}
	}
	return append(h, app.StatusChange{Action: app.ActionComplete, At: d.Ticket.CompletedAt})
}

func write(path string, f func(io.Writer) error) error {
	var b bytes.Buffer
	if err := f(&b); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes\n", path, b.Len())
	return nil
}

type photoMap map[string][]byte

func (m photoMap) OpenPhoto(_ context.Context, sum string) (io.ReadCloser, error) {
	b, ok := m[sum]
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "The photo is not on this device. Sync to download it.")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// photo draws a 1600x1200 picture as the device stores photos: light that
// varies, a board with components, and grain, at JPEG quality 85.
func photo(seed int) ([]byte, error) {
	const w, h = app.PhotoMaxSide, app.PhotoMaxSide * 3 / 4
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	state := uint32(seed*7919 + 1)
	for y := range h {
		for x := range w {
			state = state*1664525 + 1013904223
			grain := int(state>>28) - 8
			v := 90 + 80*math.Sin(float64(x+seed*200)/300)*math.Cos(float64(y)/250)
			r, g, b := v+40, v+60, v
			if (x/120+y/90+seed)%5 == 0 && x%120 > 15 && y%90 > 15 {
				r, g, b = 40, 40, 50 // a component
			}
			img.Set(x, y, color.RGBA{clamp(r + float64(grain)), clamp(g + float64(grain)), clamp(b + float64(grain)), 255})
		}
	}
	var b bytes.Buffer
	err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	return b.Bytes(), err
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, v))) }

// signature draws a signature from pen strokes: a few loops and a
// flourish, as a finger writes it on a tablet.
func signature() ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, 480, 140))
	ink := color.NRGBA{15, 25, 100, 255}
	dot := func(x, y float64) {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				img.Set(int(x)+dx, int(y)+dy, ink)
			}
		}
	}
	for t := 0.0; t < 1; t += 0.0005 {
		x := 30 + 330*t
		y := 75 - 35*math.Sin(t*math.Pi*9)*math.Exp(-t) + 12*math.Cos(t*math.Pi*27)
		dot(x+18*math.Cos(t*math.Pi*27), y)
	}
	for t := 0.0; t < 1; t += 0.001 {
		dot(60+390*t, 115-10*math.Sin(t*math.Pi))
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/internal/phototest"
)

var demoNow = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// languages are the five translated languages, by the tags a customer's
// record may carry.
var languages = map[string]string{"en": "en-GB", "zh-Hans": "zh-CN", "fr": "fr-FR", "es": "es", "pt": "pt-BR"}

// demoTickets returns, from a small demo world, a closed ticket with parts
// of each kind, and the dataset.
func demoTickets(t testing.TB) (app.Dataset, map[app.TicketKind]app.TicketDetail) {
	t.Helper()
	ds := demo.Generate(1, demo.Size{Models: 20, Parts: 300, Tickets: 400, Technicians: 12}, demoNow)
	out := map[app.TicketKind]app.TicketDetail{}
	for _, d := range ds.Tickets {
		if _, ok := out[d.Ticket.Kind]; !ok && d.Ticket.Status == app.StatusClosed && len(d.Parts) > 0 {
			out[d.Ticket.Kind] = d
		}
	}
	for _, k := range []app.TicketKind{app.KindOnSite, app.KindCarryIn, app.KindMailIn} {
		if _, ok := out[k]; !ok {
			t.Fatalf("the demo world has no closed %s ticket with parts", k)
		}
	}
	return ds, out
}

// photoMap is a PhotoSource over bytes in memory.
type photoMap map[string][]byte

func (m photoMap) OpenPhoto(_ context.Context, sum string) (io.ReadCloser, error) {
	b, ok := m[sum]
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "No such photo.")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// withPhotos adds n camera photos (1600x1200, as the device stores them)
// to d and returns their bytes by SHA-256.
func withPhotos(t testing.TB, d *app.TicketDetail, n int) photoMap {
	m := photoMap{}
	for i := range n {
		b := phototest.CameraJPEG(t, app.PhotoMaxSide, app.PhotoMaxSide*3/4, 85+i)
		s := sha256.Sum256(b)
		sum := hex.EncodeToString(s[:])
		m[sum] = b
		d.Photos = append(d.Photos, app.Photo{ID: app.NewID(), Ticket: d.Ticket.ID, SHA256: sum, Size: int64(len(b)),
			Mime: "image/jpeg", Kind: "repair", Caption: "photo " + string(rune('A'+i)), At: d.Ticket.CreatedAt.Add(time.Duration(i) * time.Minute)})
	}
	return m
}

// signaturePNG draws a signature from synthetic pen strokes.
func signaturePNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 400, 120))
	for x := 20; x < 380; x++ {
		y := 60 + int(30*sinApprox(float64(x)/25))
		for dy := -1; dy <= 1; dy++ {
			img.Set(x, y+dy, color.NRGBA{10, 20, 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sinApprox is a smooth wave (Bhaskara's approximation of sine), enough
// for a pen stroke.
func sinApprox(x float64) float64 {
	const pi = 3.14159265
	for x > pi {
		x -= 2 * pi
	}
	sign := 1.0
	if x < 0 {
		x, sign = -x, -1
	}
	return sign * 16 * x * (pi - x) / (5*pi*pi - 4*x*(pi-x))
}

func needTool(t testing.TB, name string) {
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is missing: run `make setup` (it installs poppler-utils)", name)
	}
}

// squash drops every space, so text compares however pdftotext broke its
// lines.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func pdftotext(t *testing.T, path string) string {
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// TestServiceReportEveryKindAndLanguage writes the report of a demo ticket
// of each kind in each language and reads its text back.
func TestServiceReportEveryKindAndLanguage(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	dir := t.TempDir()
	for kind, d := range tickets {
		for lang, tag := range languages {
			t.Run(string(kind)+"/"+lang, func(t *testing.T) {
				d := d
				d.Ticket.Customer.Language = tag
				d.Photos = nil
				photos := withPhotos(t, &d, 1)
				in := demo.ReportInput(ds, d)
				in.Payments = []app.ReportPayment{{Receipt: "R-0001", Kind: "final", Method: "cash",
					Amount: app.Money{Amount: 12345, Currency: "CNY"}, At: d.Ticket.CompletedAt}}
				r := app.BuildServiceReport(in)
				path := filepath.Join(dir, string(kind)+"-"+lang+".pdf")
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				err = ServiceReport(context.Background(), f, r, Options{Photos: photos, Signature: Signature{PNG: signaturePNG(t), Name: d.Ticket.Customer.Name, At: d.Ticket.CompletedAt}})
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				text := squash(pdftotext(t, path))
				c := translations.For(tag)
				want := []string{r.Number, r.Customer.Name, r.Product.Serial, r.Fault, r.Provider,
					c.Text("report.title", "Service report", nil), c.Text("report.parts", "Parts fitted", nil),
					c.Text("report.signature", "Customer's signature", nil), kindText(c, r.Kind),
					money(c.Lang(), in.Payments[0].Amount), ReportID(r)[:20]}
				for _, p := range r.Parts {
					want = append(want, string(p.Number), partName(c.Lang(), p))
				}
				if r.Warranty == nil {
					t.Fatalf("the demo ticket %s has no warranty decision", r.Number)
				}
				want = append(want, money(c.Lang(), r.Warranty.Total), coverageText(c, r.Warranty.Coverage))
				for _, x := range r.Warranty.Reasons {
					want = append(want, c.Text(x.Key, x.Message, x.Data))
				}
				for _, w := range want {
					if w == "" {
						continue
					}
					if !strings.Contains(text, squash(w)) {
						t.Errorf("%s: the text lacks %q", filepath.Base(path), w)
					}
				}
			})
		}
	}
}

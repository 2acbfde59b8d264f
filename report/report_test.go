package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// printedDays are the days the tests print, as each language's reader
// writes them: written out by hand, not by translations.Date, so a
// document that prints a day otherwise fails.
var printedDays = map[string]map[string]string{
	"2026-12-04": {"en": "4 Dec 2026", "zh-Hans": "2026年12月4日", "fr": "4 déc. 2026", "es": "4 dic 2026", "pt": "4 de dez. de 2026"},
	"2026-12-03": {"en": "3 Dec 2026", "zh-Hans": "2026年12月3日", "fr": "3 déc. 2026", "es": "3 dic 2026", "pt": "3 de dez. de 2026"},
	"2025-03-17": {"en": "17 Mar 2025", "zh-Hans": "2025年3月17日", "fr": "17 mars 2025", "es": "17 mar 2025", "pt": "17 de mar. de 2025"},
}

// isoDay finds a day printed year-first, which a document for people
// prints in its reader's way instead.
var isoDay = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

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
		return nil, app.Errorf(app.ENOTFOUND, "photo.not_found", "The photo is not on this device. Sync to download it.")
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
					money(c.Lang(), in.Payments[0].Amount), methodText(c, app.MethodCash), ReportID(r)[:20]}
				for _, p := range r.Parts {
					want = append(want, string(p.Number), partName(c.Lang(), p))
				}
				if r.Warranty == nil {
					t.Fatalf("the demo ticket %s has no warranty decision", r.Number)
				}
				want = append(want, money(c.Lang(), r.Warranty.Total), coverageText(c, r.Warranty.Coverage))
				for _, x := range r.Warranty.Reasons {
					want = append(want, reasonText(c, app.Reason{Key: x.Key, Message: x.Message, Data: x.Data}))
				}
				for _, w := range want {
					if w == "" {
						continue
					}
					if !strings.Contains(text, squash(w)) {
						t.Errorf("%s: the text lacks %q", filepath.Base(path), w)
					}
				}
				if d := isoDay.FindString(text); d != "" {
					t.Errorf("%s: prints the day %s year-first", filepath.Base(path), d)
				}
			})
		}
	}
}

// TestServiceReportDates: every time of the report (opened, completed,
// the payments', the signature's), the purchase day and the warranty's
// days print as the customer's language writes a day, on the 24-hour
// clock and in the report's zone.
func TestServiceReportDates(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindCarryIn]
	d.Photos = nil
	in := demo.ReportInput(ds, d)
	in.Payments = []app.ReportPayment{{Receipt: "R-0001", Kind: "final", Method: "cash",
		Amount: app.Money{Amount: 12345, Currency: "CNY"}, At: time.Date(2026, 12, 4, 6, 5, 0, 0, time.UTC)}}
	// UTC's 11:00 on the 3rd is Shanghai's 19:00; its 06:05 on the 4th
	// is Shanghai's 14:05.
	shanghai := time.FixedZone("CST", 8*3600)
	for lang, tag := range languages {
		t.Run(lang, func(t *testing.T) {
			r := app.BuildServiceReport(in)
			r.Customer.Language = tag
			r.Opened = time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
			r.Completed = time.Date(2026, 12, 4, 6, 5, 0, 0, time.UTC)
			r.Product.PurchaseDate = time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)
			text := squash(pdftotext(t, writeReport(t, t.TempDir(), "r.pdf", r, Options{Location: shanghai,
				Signature: Signature{PNG: signaturePNG(t), Name: "x", At: r.Completed}})))
			for _, w := range []string{
				printedDays["2026-12-03"][lang] + " 19:00",
				printedDays["2026-12-04"][lang] + " 14:05",
				printedDays["2025-03-17"][lang],
			} {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("the report lacks %q:\n%s", w, text)
				}
			}
			if d := isoDay.FindString(text); d != "" {
				t.Errorf("the report prints the day %s year-first", d)
			}
		})
	}
}

// writeReport writes r's report to a file in dir and returns its path.
func writeReport(t testing.TB, dir, name string, r app.ServiceReport, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := ServiceReport(context.Background(), &b, r, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestChineseReportRenders: the Chinese report, rendered by poppler, has
// ink where its Chinese text is, and its fonts are embedded as subsets.
func TestChineseReportRenders(t *testing.T) {
	needTool(t, "pdftoppm")
	needTool(t, "pdffonts")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindOnSite]
	d.Ticket.Customer.Language = "zh-CN"
	d.Ticket.Fault = "空调不制冷，噪音很大"
	dir := t.TempDir()
	path := writeReport(t, dir, "zh.pdf", app.BuildServiceReport(demo.ReportInput(ds, d)), Options{})

	out, err := exec.Command("pdffonts", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	for _, name := range []string{"GoRegular", "DroidSansFallback"} {
		found := false
		for _, l := range strings.Split(string(out), "\n") {
			f := strings.Fields(l)
			// name type... emb sub uni: the three yes/no columns.
			if len(f) >= 6 && strings.HasSuffix(f[0], "+"+name) {
				found = true
				if n := len(f); f[n-5] != "yes" || f[n-4] != "yes" {
					t.Errorf("font %s is not embedded as a subset:\n%s", name, l)
				}
			}
		}
		if !found {
			t.Errorf("pdffonts lists no %s:\n%s", name, out)
		}
	}

	if err := exec.Command("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", path, filepath.Join(dir, "page")).Run(); err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	f, err := os.Open(filepath.Join(dir, "page-1.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The title 维修服务报告 sits below the provider's name at the top
	// left: its band must hold dark pixels (not blank, not missing-glyph
	// boxes only, which are thin outlines), and the page must be mostly
	// white paper.
	b := img.Bounds()
	dark, total := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			total++
			if (r+g+bl)/3 < 0x8000 {
				dark++
			}
		}
	}
	if dark < total/200 || dark > total/3 {
		t.Errorf("page 1 has %d dark pixels of %d: blank or black", dark, total)
	}
	text := squash(pdftotext(t, path))
	for _, w := range []string{"维修服务报告", "空调不制冷，噪音很大", "更换备件"} {
		if !strings.Contains(text, w) {
			t.Errorf("the Chinese report lacks %q", w)
		}
	}
}

// TestChangedTicketAfterSigning: the report signed is identified by its
// digest; the same ticket changed afterwards gives another identifier,
// printed and in the QR Code, so the signed copy no longer matches.
func TestChangedTicketAfterSigning(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindCarryIn]
	signed := app.BuildServiceReport(demo.ReportInput(ds, d))
	dir := t.TempDir()
	text := squash(pdftotext(t, writeReport(t, dir, "signed.pdf", signed, Options{Signature: Signature{PNG: signaturePNG(t), Name: "x", At: demoNow}})))
	if !strings.Contains(text, squash(shortDigest(signed.Digest()))) || !strings.Contains(text, ReportID(signed)) {
		t.Fatalf("the report does not print its digest %s and identifier %s", signed.Digest(), ReportID(signed))
	}
	d.Parts[0].Qty++
	changed := app.BuildServiceReport(demo.ReportInput(ds, d))
	if ReportID(changed) == ReportID(signed) {
		t.Fatal("a part quantity changed after signing leaves the report identifier unchanged")
	}
	if strings.Contains(squash(pdftotext(t, writeReport(t, dir, "changed.pdf", changed, Options{}))), ReportID(signed)) {
		t.Fatal("the changed report carries the signed report's identifier")
	}
}

func TestServiceReportRefusesBadSignature(t *testing.T) {
	ds, tickets := demoTickets(t)
	r := app.BuildServiceReport(demo.ReportInput(ds, tickets[app.KindMailIn]))
	for _, c := range []struct {
		name string
		sig  Signature
		code string
	}{
		{"not a PNG", Signature{PNG: []byte("GIF89a not a png")}, "report.signature_not_png"},
		{"a JPEG", Signature{PNG: phototest.CameraJPEG(t, 40, 20, 80)}, "report.signature_not_png"},
		{"too big", Signature{PNG: make([]byte, MaxSignatureBytes+1)}, "report.signature_too_big"},
	} {
		var b bytes.Buffer
		err := ServiceReport(context.Background(), &b, r, Options{Signature: c.sig})
		if e := app.AsError(err); e == nil || e.Key != c.code {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.code)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written with the error", c.name, b.Len())
		}
	}
}

// TestServiceReportPictures: an interlaced PNG signature (which fpdf
// cannot read as it is) is accepted; a photo whose bytes are not a
// picture is a clear error and nothing is written.
func TestServiceReportPictures(t *testing.T) {
	ds, tickets := demoTickets(t)
	d := tickets[app.KindOnSite]
	// A 1x1 image is laid out alike interlaced (Adam7's first pass is its
	// one pixel) or not: set IHDR's interlace byte and its CRC.
	one := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	one.Set(0, 0, color.NRGBA{0, 0, 120, 255})
	var enc bytes.Buffer
	if err := png.Encode(&enc, one); err != nil {
		t.Fatal(err)
	}
	interlaced := enc.Bytes()
	interlaced[28] = 1 // 8 signature + 8 length and type + 12: the interlace method
	binary.BigEndian.PutUint32(interlaced[29:33], crc32.ChecksumIEEE(interlaced[12:29]))
	if _, err := png.Decode(bytes.NewReader(interlaced)); err != nil {
		t.Fatalf("the interlaced PNG is broken: %v", err)
	}
	var b bytes.Buffer
	if err := ServiceReport(context.Background(), &b, app.BuildServiceReport(demo.ReportInput(ds, d)), Options{Signature: Signature{PNG: interlaced, Name: "x"}}); err != nil {
		t.Fatalf("an interlaced PNG signature: %v", err)
	}

	photos := withPhotos(t, &d, 1)
	photos[d.Photos[len(d.Photos)-1].SHA256] = []byte("\xff\xd8 not really a JPEG")
	b.Reset()
	err := ServiceReport(context.Background(), &b, app.BuildServiceReport(demo.ReportInput(ds, d)), Options{Photos: photos})
	if e := app.AsError(err); e == nil || e.Key != "report.bad_photo" {
		t.Errorf("a broken photo: err = %v, want report.bad_photo", err)
	}
	if b.Len() != 0 {
		t.Errorf("%d bytes written with the error", b.Len())
	}
}

func TestServiceReportPhotosBounded(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindOnSite]
	photos := withPhotos(t, &d, MaxPhotos+2)
	// One photo the device does not hold: named, not an error.
	d.Photos = append(d.Photos, app.Photo{ID: app.NewID(), SHA256: strings.Repeat("ab", 32), Kind: "repair", At: d.Ticket.CreatedAt})
	r := app.BuildServiceReport(demo.ReportInput(ds, d))
	path := writeReport(t, t.TempDir(), "photos.pdf", r, Options{Photos: photos})
	text := squash(pdftotext(t, path))
	// The missing photo is the oldest (it sorts first): shown as named.
	c := translations.For(r.Language()) // the report is in the customer's language
	for _, want := range []string{c.Plural("report.more_photos", "and {{.Count}} more photos on the ticket", 3, nil),
		c.Text("report.photo_missing", "Photo not on this device", nil)} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("the report does not say %q", want)
		}
	}
	out, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Fatalf("pdfimages: %v", err)
	}
	jpegs := 0
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) > 8 && f[8] == "jpeg" {
			jpegs++
			if w, h := f[3], f[4]; w != "480" && h != "480" {
				t.Errorf("a thumbnail is %sx%s, want %d on its longer side", w, h, ThumbSide)
			}
		}
	}
	if jpegs != MaxPhotos-1 {
		t.Errorf("%d thumbnails, want %d\n%s", jpegs, MaxPhotos-1, out)
	}
}

func TestIntakeReceipt(t *testing.T) {
	needTool(t, "pdftotext")
	_, tickets := demoTickets(t)
	tk := tickets[app.KindCarryIn].Ticket
	tk.Condition = app.Condition{PhysicalDamage: true, Accessories: "charger, case", Notes: "passcode 482913"}
	for lang, tag := range languages {
		t.Run(lang, func(t *testing.T) {
			tk := tk
			tk.Customer.Language = tag
			dep := &app.ReportPayment{Receipt: "D-7", Kind: "deposit", Method: "cash", Amount: app.Money{Amount: 5000, Currency: "CNY"}}
			var b bytes.Buffer
			if err := IntakeReceipt(context.Background(), &b, Intake{Ticket: tk, Provider: "Acme Repair", PromisedBy: demoNow, Deposit: dep}, Options{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "intake.pdf")
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			text := squash(pdftotext(t, path))
			c := translations.For(tag)
			for _, w := range []string{tk.Number, tk.Customer.Name, tk.Product.Serial, tk.Fault, "charger, case", "Acme Repair",
				c.Text("report.intake_title", "Intake receipt", nil), c.Text("report.physical_damage", "physical damage", nil),
				money(c.Lang(), dep.Amount), printedDays["2026-12-04"][lang] + " 09:00"} {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("the receipt lacks %q", w)
				}
			}
			if d := isoDay.FindString(text); d != "" {
				t.Errorf("the receipt prints the day %s year-first", d)
			}
			if strings.Contains(text, "482913") {
				t.Error("the receipt prints the technician's notes, which hold the passcode")
			}
		})
	}
}

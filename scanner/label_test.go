package scanner_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/scanner"
	"golang.org/x/image/draw"
)

var labelCases = map[string]scanner.Printable{
	"ClaimTag": scanner.ClaimTagFor(app.Ticket{ID: "0193a5b2-7c1e-7f00-8a4e-2d1b9c0f4e11", Number: "FB-2026-004211",
		CreatedAt: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC), Customer: app.Customer{Name: "李娜", Phone: "+86 138 1234 5678"}}),
	"PartWithSerial":    scanner.PartLabel{Part: "EB-BA505ABU", Serial: "R58N12ABCDE"},
	"DefectiveReturn":   scanner.PartLabel{Part: "DC97-22245A", Serial: "SN|with=odd%chars", ReturnRef: "FB-2026-004211"},
	"LongPartNumberFit": scanner.PartLabel{Part: "XQG100-HBD14126L-REV-C-ASSEMBLY", Serial: "20261127-000123456789"},
}

// TestLabelsRoundTrip: every label we print decodes back to the same
// payload: from the bitmap, and from a photo of it as a tablet camera
// would take it (downscaled and recompressed as JPEG).
func TestLabelsRoundTrip(t *testing.T) {
	for name, p := range labelCases {
		t.Run(name, func(t *testing.T) {
			img, err := scanner.RenderLabel(p, scanner.Label62x29)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 732 || b.Dy() != 342 {
				t.Errorf("62 x 29 mm at 300 dpi is %v, want 732 x 342", b.Size())
			}
			want := p.Label()
			check := func(what string, img image.Image) {
				t.Helper()
				code, err := scanner.Decode(context.Background(), img, scanner.Options{TryHarder: true})
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				got, err := scanner.ParseLabel(code.Text)
				if err != nil {
					t.Fatalf("%s: %q: %v", what, code.Text, err)
				}
				if got.Kind != want.Kind || got.ID != want.ID || len(got.Fields) != len(want.Fields) {
					t.Fatalf("%s: read %+v, printed %+v", what, got, want)
				}
				for k, v := range want.Fields {
					if got.Fields[k] != v {
						t.Fatalf("%s: field %s = %q, printed %q", what, k, got.Fields[k], v)
					}
				}
			}
			check("bitmap", img)
			for _, scale := range []float64{0.6, 0.35} {
				b := img.Bounds()
				small := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*scale), int(float64(b.Dy())*scale)))
				draw.ApproxBiLinear.Scale(small, small.Bounds(), img, b, draw.Src, nil)
				var j bytes.Buffer
				if err := jpeg.Encode(&j, small, &jpeg.Options{Quality: 60}); err != nil {
					t.Fatal(err)
				}
				photo, err := jpeg.Decode(&j)
				if err != nil {
					t.Fatal(err)
				}
				check("photo", photo)
			}
		})
	}
}

func TestClaimTagKeepsCustomerPrivate(t *testing.T) {
	tag := labelCases["ClaimTag"].(scanner.ClaimTag)
	if tag.CustomerRef != "…5678" {
		t.Errorf("customer reference = %q, want the phone's last four digits", tag.CustomerRef)
	}
	payload, err := scanner.FormatLabel(tag.Label())
	if err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{"李娜", "138", "1234"} {
		if strings.Contains(payload, private) {
			t.Errorf("the tag's code holds %q: %s", private, payload)
		}
	}
	if ref := scanner.ClaimTagFor(app.Ticket{ID: "t", Number: "FB-1", Customer: app.Customer{Phone: "12"}}).CustomerRef; ref != "" {
		t.Errorf("reference from a 2-digit phone = %q, want none", ref)
	}
}

var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// TestLabelSheets: the PDF sheets have the pages and page sizes a printer
// needs.
func TestLabelSheets(t *testing.T) {
	var labels []scanner.Printable
	for range 30 {
		labels = append(labels, labelCases["ClaimTag"])
	}
	for _, tc := range []struct {
		sheet         scanner.Sheet
		n, pages      int
		widthPt, htPt string
	}{
		{scanner.SheetA4, 30, 2, "595.28", "841.89"}, // 27 a page
		{scanner.SheetRoll62, 3, 3, "175.75", "82.20"},
	} {
		var b bytes.Buffer
		if err := scanner.WriteLabelsPDF(&b, labels[:tc.n], tc.sheet); err != nil {
			t.Fatalf("%s: %v", tc.sheet, err)
		}
		pdf := b.String()
		if !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("%s: not a PDF", tc.sheet)
		}
		if got := strings.Count(pdf, "/Type /Page\n"); got != tc.pages {
			t.Errorf("%s: %d pages, want %d", tc.sheet, got, tc.pages)
		}
		boxes := mediaBox.FindAllStringSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatalf("%s: no page size in the PDF", tc.sheet)
		}
		for _, m := range boxes {
			if m[1] != tc.widthPt || m[2] != tc.htPt {
				t.Errorf("%s: page of %s x %s pt, want %s x %s", tc.sheet, m[1], m[2], tc.widthPt, tc.htPt)
			}
		}
	}
	if err := scanner.WriteLabelsPDF(&bytes.Buffer{}, nil, scanner.SheetA4); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("an empty sheet: %v, want invalid", err)
	}
	if err := scanner.WriteLabelsPDF(&bytes.Buffer{}, labels[:1], "letter"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("an unknown sheet: %v, want invalid", err)
	}
}

// BenchmarkLabelRoundTrip: render a claim tag, encode it as PNG, decode
// the PNG and parse the label back.
func BenchmarkLabelRoundTrip(b *testing.B) {
	tag := labelCases["ClaimTag"]
	for b.Loop() {
		raw, err := scanner.LabelPNG(tag, scanner.Label62x29)
		if err != nil {
			b.Fatal(err)
		}
		code, err := scanner.DecodeBytes(context.Background(), raw, scanner.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := scanner.ParseLabel(code.Text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestClaimTagPromise: the tag shows the day promised beside the check-in
// day, on the counter's calendar, in its language, and only the dates.
func TestClaimTagPromise(t *testing.T) {
	in := time.Date(2026, 11, 27, 10, 30, 0, 0, time.Local)
	week := time.Date(2026, 12, 4, 23, 59, 0, 0, time.Local)
	for _, tc := range []struct {
		name, lang string
		promised   time.Time
		want       string
	}{
		{"none", "en", time.Time{}, "27 Nov 2026"},
		{"a week on", "en", week, "27 Nov → 4 Dec 2026"},
		{"a week on in Portuguese", "pt-BR", week, "27 de nov. → 4 de dez. de 2026"},
		{"a week on in Chinese", "zh-Hans", week, "2026-11-27 → 12-04"},
		{"no days given", "", week, "2026-11-27 → 2026-12-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tag := scanner.ClaimTagFor(app.Ticket{ID: "t", Number: "FB-1", CreatedAt: in.UTC(), PromisedAt: tc.promised.UTC(),
				Customer: app.Customer{Phone: "+86 138 1234 5678"}})
			if tc.lang != "" {
				tag.Days = translations.TagDates(tc.lang, in, tc.promised)
			}
			lines := scanner.Lines(tag)
			if len(lines) != 3 || lines[1] != tc.want {
				t.Fatalf("lines %q, want the dates %q", lines, tc.want)
			}
			if _, err := scanner.RenderLabel(tag, scanner.Label62x29); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestClaimTagPDFReadsInEveryLanguage: the 62 mm tag's PDF, read back
// with pdftotext, says the ticket number, the days in the counter's
// language as the screens write them (translations.Date and DayMonth:
// "27 nov. → 4 déc. 2026", where the tag wrote "déc" without its dot)
// and the phone's last digits, every character in the tag's font, and at
// a size a counter reads: no line of days is shrunk below 7 pt; days too
// long for one line ("27 de nov. → 4 de dez. de 2026") take one each.
// The tag printed ISO days in every language.
func TestClaimTagPDFReadsInEveryLanguage(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the tag back: make setup installs it")
	}
	zone := time.FixedZone("CST", 8*3600)
	in := time.Date(2026, 11, 27, 10, 30, 0, 0, zone)
	ready := time.Date(2026, 12, 4, 18, 0, 0, 0, zone)
	dir := t.TempDir()
	for _, tc := range []struct {
		lang string
		days []string // as the tag reads them, a line each
	}{
		{"en", []string{"27 Nov → 4 Dec 2026"}},
		{"fr", []string{"27 nov. →", "4 déc. 2026"}},
		{"es", []string{"27 nov → 4 dic 2026"}},
		{"pt", []string{"27 de nov. →", "4 de dez. de 2026"}},
		{"zh-Hans", []string{"2026-11-27 → 12-04"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			tag := scanner.ClaimTagFor(app.Ticket{ID: "0193a5b2-tkt", Number: "FB-2026-004211", CreatedAt: in.UTC(), PromisedAt: ready.UTC(),
				Customer: app.Customer{Phone: "+86 138 1234 5678"}})
			tag.Zone, tag.Days = zone, translations.TagDates(tc.lang, in, ready)
			for _, r := range strings.Join(scanner.Lines(tag), "") {
				if !scanner.LabelFontHas(r) {
					t.Errorf("the tag's font has no %q", r)
				}
			}
			pts := scanner.LinePoints(tag, scanner.Label62x29)
			if len(pts) != len(tc.days)+2 {
				t.Errorf("the tag has %d lines, want the number, %d of days and the phone's digits", len(pts), len(tc.days))
			}
			for i, pt := range pts[1 : len(pts)-1] {
				if pt < 7 {
					t.Errorf("the days' line %d is set at %.1f pt, want at least 7", i+1, pt)
				}
			}
			var b bytes.Buffer
			if err := scanner.WriteLabelsPDF(&b, []scanner.Printable{tag}, scanner.SheetRoll62); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "tag-"+tc.lang+".pdf")
			if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := string(out)
			for _, want := range append([]string{"FB-2026-004211", "…5678"}, tc.days...) {
				if !strings.Contains(text, want) {
					t.Errorf("the tag reads %q, want %q on it", text, want)
				}
			}
		})
	}
}

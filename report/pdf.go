package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/fieldbench/fieldbench/assets/fonts"
	"github.com/skip2/go-qrcode"
)

// Page geometry, in millimetres: A4 with 15 mm margins.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	footerH      = 10.0
	lineGap      = 1.4 // leading added to a line's font size
	// defaultLineWidth is fpdf's line width (0.567 pt), for rules.
	defaultLineWidth = 0.2
)

// The fonts' family names in fpdf. fpdf names an embedded font "utf8" and
// its lower-cased family; fix renames it in the output to the PDF subset
// convention (six capital letters, "+", the font's name), which is how
// viewers and pdffonts know a font is a subset. Each family is chosen so
// the new name has the same length and the file's offsets stay right.
var families = []struct{ family, pdfName string }{
	{"fbgoregularx", "FBGORE+GoRegular"},
	{"fbgoboldx", "FBGOBO+GoBold"},
	{"fbdroidsansfallbackx", "FBDROI+DroidSansFallback"},
}

// doc is a PDF being written: fpdf with the fonts loaded, a cursor and the
// text settings.
type doc struct {
	pdf    *fpdf.Fpdf
	ph, m  float64 // page height and margin, mm
	y      float64
	size   float64 // font size in points
	bold   bool
	footer string
}

func newDoc(title, lang string, created time.Time, footer string) *doc {
	return newDocSize(fpdf.SizeType{}, margin, title, lang, created, footer)
}

// newDocSize starts a document on pages of size (mm; zero: A4) with margin
// m: a label is smaller than A4. An empty footer prints none.
func newDocSize(size fpdf.SizeType, m float64, title, lang string, created time.Time, footer string) *doc {
	// A4 by name, as fpdf knows it to the hundredth of a point: the same
	// page in millimetres would move every coordinate by a rounding.
	init := &fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}
	h := pageH
	if size.Wd > 0 {
		init.SizeStr, init.Size, h = "", size, size.Ht
	}
	p := fpdf.NewCustom(init)
	p.SetMargins(m, m, m)
	p.SetAutoPageBreak(false, 0)
	p.SetCompression(true)
	// Fonts in a fixed order. fpdf orders images by width only, so two
	// thumbnails of one width may swap places in the file between runs:
	// the file's bytes are not the report's identity, its digest is.
	p.SetCatalogSort(true)
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	p.SetTitle(title, true)
	p.SetCreator("Fieldbench", true)
	p.SetProducer("Fieldbench", true)
	p.SetLang(lang)
	p.AddUTF8FontFromBytes(families[0].family, "", fonts.Regular())
	p.AddUTF8FontFromBytes(families[1].family, "", fonts.Bold())
	p.AddUTF8FontFromBytes(families[2].family, "", fonts.CJK())
	d := &doc{pdf: p, ph: h, m: m, size: 10, footer: footer}
	p.SetFooterFunc(func() {
		if d.footer == "" {
			return
		}
		d.pdf.SetTextColor(110, 110, 110)
		old, oldBold := d.size, d.bold
		d.size, d.bold = 7, false
		d.textAt(m, h-m+4, fmt.Sprintf("%s · %d", d.footer, p.PageNo()))
		d.size, d.bold = old, oldBold
		d.pdf.SetTextColor(0, 0, 0)
	})
	d.newPage()
	return d
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.y = d.m
}

// lineH is the height of a line of the current size, in mm.
func (d *doc) lineH() float64 { return (d.size + lineGap) * 25.4 / 72 }

// need starts a new page unless h mm fit above the footer.
func (d *doc) need(h float64) {
	if d.y+h > d.ph-d.m-footerH {
		d.newPage()
	}
}

func (d *doc) setFont(f fonts.Face) {
	switch {
	case f == fonts.FaceCJK:
		d.pdf.SetFont(families[2].family, "", d.size)
	case d.bold:
		d.pdf.SetFont(families[1].family, "", d.size)
	default:
		d.pdf.SetFont(families[0].family, "", d.size)
	}
}

// width measures s in the current size, each run in its font.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range splitRuns(s) {
		d.setFont(r.face)
		w += d.pdf.GetStringWidth(r.text)
	}
	return w
}

// textAt writes one line with its baseline at y, run by run. Droid Sans
// Fallback has no bold face: bold Chinese is filled and stroked.
func (d *doc) textAt(x, y float64, s string) {
	for _, r := range splitRuns(s) {
		d.setFont(r.face)
		fakeBold := d.bold && r.face == fonts.FaceCJK
		if fakeBold {
			d.pdf.SetTextRenderingMode(2)
			d.pdf.SetLineWidth(d.size * 0.008)
			d.pdf.SetDrawColor(0, 0, 0)
		}
		d.pdf.Text(x, y, r.text)
		if fakeBold {
			d.pdf.SetTextRenderingMode(0)
			d.pdf.SetLineWidth(defaultLineWidth)
		}
		x += d.pdf.GetStringWidth(r.text)
	}
}

// lines wraps s to w mm.
func (d *doc) lines(s string, w float64) []string { return wrap(s, w, d.width) }

// para writes s wrapped to the content width at x, moving the cursor.
func (d *doc) para(x float64, s string) {
	for _, l := range d.lines(s, contentW-(x-margin)) {
		d.need(d.lineH())
		d.y += d.lineH()
		d.textAt(x, d.y-0.35*d.lineH(), l)
	}
}

// heading starts a section: a bold title over a rule, kept on one page
// with the keep mm that follow it.
func (d *doc) heading(s string, keep float64) {
	d.y += 2.5
	old := d.size
	d.size, d.bold = 11.5, true
	d.need(d.lineH() + keep)
	d.y += d.lineH()
	d.textAt(margin, d.y-0.35*d.lineH(), s)
	d.bold, d.size = false, old
	d.pdf.SetDrawColor(160, 160, 160)
	d.pdf.Line(margin, d.y+0.4, pageW-margin, d.y+0.4)
	d.y += 1.5
}

// row writes cells side by side, each wrapped to its column width, and
// moves below the tallest. bold marks a header row.
func (d *doc) row(widths []float64, cells []string, bold bool) {
	d.bold = bold
	defer func() { d.bold = false }()
	wrapped := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		wrapped[i] = d.lines(c, widths[i]-2)
		n = max(n, len(wrapped[i]))
	}
	lh := d.lineH()
	d.need(float64(n)*lh + 0.8)
	x := margin
	for i, ls := range wrapped {
		for j, l := range ls {
			d.textAt(x, d.y+float64(j+1)*lh-0.35*lh, l)
		}
		x += widths[i]
	}
	d.y += float64(n)*lh + 0.8
}

// fields writes label: value pairs, the labels in a column of their own;
// a pair without a value is left out.
func (d *doc) fields(pairs [][2]string) {
	for _, p := range pairs {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		labels := d.lines(p[0], 46)
		values := d.lines(p[1], contentW-48)
		n := max(len(labels), len(values))
		lh := d.lineH()
		d.need(float64(n) * lh)
		d.pdf.SetTextColor(90, 90, 90)
		for j, l := range labels {
			d.textAt(margin, d.y+float64(j+1)*lh-0.35*lh, l)
		}
		d.pdf.SetTextColor(0, 0, 0)
		for j, l := range values {
			d.textAt(margin+48, d.y+float64(j+1)*lh-0.35*lh, l)
		}
		d.y += float64(n)*lh + 0.3
	}
}

// qr draws a QR Code of content, side mm wide, at x, y.
func (d *doc) qr(name, content string, x, y, side float64) error {
	png, err := qrcode.Encode(content, qrcode.Medium, 256)
	if err != nil {
		return fmt.Errorf("report: QR Code of %q: %w", content, err)
	}
	d.image(name, "PNG", png, x, y, side, side)
	return nil
}

func (d *doc) image(name, typ string, b []byte, x, y, w, h float64) {
	opt := fpdf.ImageOptions{ImageType: typ}
	d.pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(b))
	d.pdf.ImageOptions(name, x, y, w, h, false, opt, 0, "")
}

// output writes the PDF to w with the fonts named as subsets (see
// families).
func (d *doc) output(w io.Writer) error {
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("report: writing the PDF: %w", err)
	}
	b := buf.Bytes()
	for _, f := range families {
		from := "/utf8" + f.family
		to := "/" + f.pdfName
		if len(from) != len(to) {
			panic("report: font name " + to + " does not keep the length of " + from)
		}
		b = bytes.ReplaceAll(b, []byte(from+"\n"), []byte(to+"\n"))
		b = bytes.ReplaceAll(b, []byte(from+" "), []byte(to+" "))
	}
	_, err := w.Write(b)
	return err
}

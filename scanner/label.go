package scanner

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// ClaimTag is what a repair counter sticks on a carried-in device and the
// customer keeps a copy of: the ticket number and a QR Code of its label,
// the check-in date, the date promised and a short customer reference.
// Never the customer's name, full phone number or device passcode: tags
// lie on open shelves.
type ClaimTag struct {
	Ticket      app.TicketID
	Number      string // e.g. "FB-2026-004211"
	CheckedIn   time.Time
	Promised    time.Time // zero when no date was promised
	CustomerRef string    // e.g. "…0000", the phone's last four digits
	// Zone is the counter's calendar, which the dates are printed on: the
	// terminal's session zone (nil: the computer's, time.Local).
	Zone *time.Location
	// Days are the check-in and promised days as printed, in the
	// counter's language on its calendar: translations.TagDates, which
	// the terminal fills in (scanner links no translations: device uses
	// it without a screen). "" prints them as ISO days.
	Days string
}

// ClaimTagFor builds the claim tag of a ticket.
func ClaimTagFor(t app.Ticket) ClaimTag {
	return ClaimTag{Ticket: t.ID, Number: t.Number, CheckedIn: t.CreatedAt, Promised: t.PromisedAt, CustomerRef: customerRef(t.Customer.Phone)}
}

// customerRef is the last four digits of a phone number, enough for the
// counter to match a tag to the person asking for it.
func customerRef(phone string) string {
	var digits []rune
	for _, r := range phone {
		if unicode.IsDigit(r) {
			digits = append(digits, r)
		}
	}
	if len(digits) < 4 {
		return ""
	}
	return "…" + string(digits[len(digits)-4:])
}

// Label returns the tag's QR payload: the ticket's ID, and its number so a
// scan offline shows something readable even before the ticket is found.
func (c ClaimTag) Label() Label {
	return Label{Kind: LabelTicket, ID: string(c.Ticket), Fields: map[string]string{"n": c.Number}}
}

// lines are the tag's printed text, beside the QR Code.
func (c ClaimTag) lines() []string {
	out := []string{c.Number}
	// Days on the counter's calendar, where the promise was chosen; the
	// arrow needs no language: checked in → ready.
	zone := c.Zone
	if zone == nil {
		zone = time.Local
	}
	switch {
	case c.Days != "":
		out = append(out, c.Days)
	case !c.CheckedIn.IsZero() && !c.Promised.IsZero():
		out = append(out, c.CheckedIn.In(zone).Format(time.DateOnly)+" → "+c.Promised.In(zone).Format(time.DateOnly))
	case !c.CheckedIn.IsZero():
		out = append(out, c.CheckedIn.In(zone).Format(time.DateOnly))
	}
	if c.CustomerRef != "" {
		out = append(out, c.CustomerRef)
	}
	return out
}

// PartLabel goes on a part, its bin, or a defective part going back to
// the brand.
type PartLabel struct {
	Part      app.PartNumber
	Serial    string // of this very part, when serialized
	ReturnRef string // the defective-return reference (e.g. the ticket number)
}

// Label returns the part label's QR payload.
func (p PartLabel) Label() Label {
	l := Label{Kind: LabelPart, ID: string(p.Part), Fields: map[string]string{}}
	if p.Serial != "" {
		l.Fields["s"] = p.Serial
	}
	if p.ReturnRef != "" {
		l.Fields["r"] = p.ReturnRef
	}
	return l
}

func (p PartLabel) lines() []string {
	out := []string{string(p.Part)}
	if p.Serial != "" {
		out = append(out, "S/N "+p.Serial)
	}
	if p.ReturnRef != "" {
		out = append(out, "RMA "+p.ReturnRef)
	}
	return out
}

// Printable is a label to print: its payload and its lines of text.
type Printable interface {
	Label() Label
	lines() []string
}

// LabelSize is the printed size of one label.
type LabelSize struct {
	WidthMM, HeightMM float64
	DPI               int
}

// Label sizes: the 62 mm continuous roll of the common desktop label
// printers, cut at 29 mm.
var (
	Label62x29 = LabelSize{WidthMM: 62, HeightMM: 29, DPI: 300}
)

func (s LabelSize) px(mm float64) int { return int(mm / 25.4 * float64(s.DPI)) }

// placed is one line of a label's text as laid out: its size in points
// and its baseline's start, in pixels of the label's bitmap.
type placed struct {
	text string
	pt   float64
	x, y int
}

// layOut lays a label out at its size: the QR Code on the left, full
// height with its quiet zone, and the text on the right, each line
// shrunk to fit. The bitmap (RenderLabel) and the PDF (WriteLabelsPDF)
// draw the same layout.
func layOut(p Printable, size LabelSize) (*qrcode.QRCode, []placed, error) {
	payload, err := FormatLabel(p.Label())
	if err != nil {
		return nil, nil, err
	}
	w, h := size.px(size.WidthMM), size.px(size.HeightMM)
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return nil, nil, app.Errorf(app.EINVALID, "label.qr_failed", "The label cannot be drawn as a QR Code: {{.Detail}}", "Detail", err.Error())
	}
	textLeft, pad := h, size.px(1.5)
	place := func(lines []string) ([]placed, error) {
		lineH := (h - 2*pad) / max(len(lines), 3)
		firstPt := 0.0
		var out []placed
		for i, line := range lines {
			// The first line (the number) is the largest: the others are at
			// most 80 % of it as it came out after fitting.
			pt := float64(lineH) * 0.75 * 72 / float64(size.DPI)
			if i > 0 {
				pt = min(pt, firstPt) * 0.8
			}
			_, fitted, err := fitFace(line, pt, size.DPI, w-textLeft-pad)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				firstPt = fitted
			}
			out = append(out, placed{text: line, pt: fitted, x: textLeft, y: pad + (i+1)*lineH - lineH/4})
		}
		return out, nil
	}
	lines := p.lines()
	out, err := place(lines)
	if err != nil {
		return nil, nil, err
	}
	// Two days too long for one line at a size read at arm's length
	// ("27 de nov. → 4 de dez. de 2026", the days as the screens write
	// them) take a line each, the arrow ending the first.
	for i, l := range out {
		if before, after, ok := strings.Cut(l.text, " → "); ok && i > 0 && l.pt < minReadPt {
			split := append(slices.Clone(lines[:i]), before+" →", after)
			if out, err = place(append(split, lines[i+1:]...)); err != nil {
				return nil, nil, err
			}
			break
		}
	}
	return q, out, nil
}

// minReadPt is the smallest type, in points, a label's line below the
// number is set in before its two days take a line each: what a counter
// reads at arm's length.
const minReadPt = 7.0

// RenderLabel draws a label at its size: the QR Code on the left, full
// height with its quiet zone, and the text on the right, each line
// shrunk to fit.
func RenderLabel(p Printable, size LabelSize) (image.Image, error) {
	q, lines, err := layOut(p, size)
	if err != nil {
		return nil, err
	}
	w, h := size.px(size.WidthMM), size.px(size.HeightMM)
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	// The bitmap's own border is the 4-module quiet zone readers need.
	code := q.Image(h)
	draw.Draw(img, image.Rect(0, 0, h, h), code, code.Bounds().Min, draw.Src)
	for _, l := range lines {
		face, err := opentype.NewFace(monoBold, &opentype.FaceOptions{Size: l.pt, DPI: float64(size.DPI), Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("label font: %w", err)
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face, Dot: fixed.P(l.x, l.y)}
		d.DrawString(l.text)
	}
	return img, nil
}

var monoBold, _ = opentype.Parse(gomonobold.TTF)

// labelFontFamily names the tag's font (Go Mono Bold) in a label PDF.
const labelFontFamily = "gomonobold"

// fitFace returns the label font at pt points, smaller if the line would
// not fit in width pixels, and the size it chose.
func fitFace(line string, pt float64, dpi, width int) (font.Face, float64, error) {
	for ; pt > 4; pt *= 0.9 {
		face, err := opentype.NewFace(monoBold, &opentype.FaceOptions{Size: pt, DPI: float64(dpi), Hinting: font.HintingFull})
		if err != nil {
			return nil, 0, fmt.Errorf("label font: %w", err)
		}
		if font.MeasureString(face, line).Ceil() <= width {
			return face, pt, nil
		}
	}
	face, err := opentype.NewFace(monoBold, &opentype.FaceOptions{Size: 4, DPI: float64(dpi)})
	return face, 4, err
}

// LabelPNG renders a label as PNG bytes.
func LabelPNG(p Printable, size LabelSize) ([]byte, error) {
	img, err := RenderLabel(p, size)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Sheet is how labels are laid out on paper.
type Sheet string

const (
	// SheetA4 puts labels in a grid on A4 pages, for an office printer and
	// a pair of scissors (or A4 label stock).
	SheetA4 Sheet = "a4"
	// SheetRoll62 prints one label per page of 62 x 29 mm, for a label
	// printer with a 62 mm continuous roll.
	SheetRoll62 Sheet = "roll62"
)

// A4 layout: 3 columns by 9 rows of 62 x 29 mm labels, centred.
const (
	a4W, a4H       = 210.0, 297.0
	a4Cols, a4Rows = 3, 9
)

// WriteLabelsPDF writes labels as a printable PDF: a grid on A4 pages, or
// one label per page on a 62 mm roll. Each label's QR Code is its 300 dpi
// bitmap, so it prints sharp at any printer resolution that is a
// divisor; its text is the PDF's, laid out as the bitmap's.
func WriteLabelsPDF(w io.Writer, labels []Printable, sheet Sheet) error {
	if len(labels) == 0 {
		return app.Errorf(app.EINVALID, "label.none", "Choose at least one label to print.")
	}
	size := Label62x29
	var pdf *fpdf.Fpdf
	switch sheet {
	case SheetA4:
		pdf = fpdf.New("P", "mm", "A4", "")
	case SheetRoll62:
		pdf = fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: size.WidthMM, Ht: size.HeightMM}})
	default:
		return app.Errorf(app.EINVALID, "label.bad_sheet", "Unknown label sheet {{.Sheet}}: choose A4 or a 62 mm roll.", "Sheet", string(sheet))
	}
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreator("Fieldbench", true)
	mx := (a4W - a4Cols*size.WidthMM) / 2
	my := (a4H - a4Rows*size.HeightMM) / 2
	// The text is the PDF's own, in the tag's font: sharp at any
	// printer's resolution, and read back (copied, searched, checked with
	// pdftotext) as printed.
	pdf.AddUTF8FontFromBytes(labelFontFamily, "", gomonobold.TTF)
	mm := func(px int) float64 { return float64(px) * 25.4 / float64(size.DPI) }
	for i, l := range labels {
		q, lines, err := layOut(l, size)
		if err != nil {
			return err
		}
		h := size.px(size.HeightMM)
		var raw bytes.Buffer
		if err := png.Encode(&raw, q.Image(h)); err != nil {
			return fmt.Errorf("label code: %w", err)
		}
		name := fmt.Sprintf("label-%d", i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &raw)
		x, y := 0.0, 0.0
		if sheet == SheetA4 {
			slot := i % (a4Cols * a4Rows)
			if slot == 0 {
				pdf.AddPage()
			}
			x = mx + float64(slot%a4Cols)*size.WidthMM
			y = my + float64(slot/a4Cols)*size.HeightMM
		} else {
			pdf.AddPage()
		}
		pdf.ImageOptions(name, x, y, mm(h), mm(h), false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		for _, t := range lines {
			pdf.SetFont(labelFontFamily, "", t.pt)
			pdf.Text(x+mm(t.x), y+mm(t.y), t.text)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("label sheet: %w", err)
	}
	return pdf.Output(w)
}

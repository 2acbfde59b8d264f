package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Signature is the customer's sign-off of a report: a drawn signature
// (PNG), or the reason they refused to sign. The zero value is a report
// not signed (yet).
type Signature struct {
	PNG     []byte    // the drawn signature; nil when refused or not signed
	Name    string    // who signed, as they wrote it
	At      time.Time // when
	Refused string    // why the customer refused to sign; "" when they did not refuse
}

// Options are the parts of a report that are not its facts.
type Options struct {
	// Photos gives the photos' bytes; nil prints the report without
	// thumbnails (each photo is then listed by caption).
	Photos    PhotoSource
	Signature Signature
	// Location is the zone times are printed in; nil is UTC.
	Location *time.Location
	// Created is the document's creation time in its metadata; zero is
	// the report's completion (or opening) time, so the metadata carries
	// no clock of the device.
	Created time.Time
}

// location is the zone times are printed in.
func (o Options) location() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// when prints the times of a document in c's language, as its reader
// writes a day and the 24-hour clock (translations.DateTime, shared with
// the terminal's screens), in the document's zone; the zero time prints as
// nothing. Only what people read changes with the language: the facts a
// signature covers (app.ServiceReport.Digest) keep their own ISO text.
func (o Options) when(c *translations.Catalog) func(time.Time) string {
	return func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return c.DateTime(t.In(o.location()))
	}
}

// masthead writes what every document opens with: the provider as the
// brand, the title, and a QR Code of qr in the top right corner.
func (d *doc) masthead(provider, title, qr string) error {
	if err := d.qr("qr", qr, pageW-margin-28, margin, 28); err != nil {
		return err
	}
	d.size, d.bold = 16, true
	d.y += d.lineH()
	d.textAt(margin, d.y, provider)
	d.size = 13
	d.y += d.lineH()
	d.textAt(margin, d.y, title)
	d.size, d.bold = 10, false
	d.y += 2
	return nil
}

// whenW is the width of a table's column of times, in mm: Portuguese's
// "28 de mar. de 2028 20:48", the longest day and time of the five
// languages, needs 41.4 of text, bold, and a cell keeps 2 of padding
// (TestTimeColumnHoldsADayAndItsTime); a Chinese day of two digits needs
// 36.2.
const whenW = 45

// ReportID is the identifier a report's QR Code carries:
// "FBR1:<ticket number>:<the first 16 hex digits of the digest>".
func ReportID(r app.ServiceReport) string {
	return "FBR1:" + r.Number + ":" + r.Digest()[:16]
}

// ServiceReport writes r as an A4 PDF in the customer's language to w.
func ServiceReport(ctx context.Context, w io.Writer, r app.ServiceReport, opts Options) error {
	c := translations.For(r.Language())
	lang := c.Lang()
	when := opts.when(c)
	created := opts.Created
	if created.IsZero() {
		created = r.Completed
	}
	if created.IsZero() {
		created = r.Opened
	}
	digest := r.Digest()
	id := ReportID(r)
	title := c.Text("report.title", "Service report", nil)
	d := newDoc(title+" "+r.Number, lang, created, c.Text("report.footer", "Report {{.ID}}", map[string]any{"ID": id}))

	if err := d.masthead(r.Provider, title, id); err != nil {
		return err
	}
	d.fields([][2]string{
		{c.Text("report.ticket", "Ticket", nil), r.Number},
		{c.Text("report.service", "Service", nil), kindText(c, r.Kind)},
		{c.Text("report.opened", "Opened", nil), when(r.Opened)},
		{c.Text("report.completed", "Completed", nil), when(r.Completed)},
		{c.Text("report.technician", "Technician", nil), r.Technician},
	})
	d.y = max(d.y, margin+30)

	d.heading(c.Text("report.customer", "Customer", nil), 15)
	d.fields([][2]string{
		{c.Text("report.name", "Name", nil), r.Customer.Name},
		{c.Text("report.phone", "Phone", nil), r.Customer.Phone},
		{c.Text("report.address", "Address", nil), r.Customer.PostalAddress()},
	})

	d.heading(c.Text("report.device", "Device", nil), 15)
	d.fields([][2]string{
		{c.Text("report.product", "Product", nil), strings.TrimSpace(r.Product.Brand + " " + r.Product.Model)},
		{c.Text("report.serial", "Serial number", nil), r.Product.Serial},
		{c.Text("report.purchased", "Purchased", nil), day(c, r.Product.PurchaseDate)},
		{c.Text("report.proof", "Proof of purchase", nil), r.Product.ProofOfPurchase},
		{c.Text("report.accessories", "Accessories left", nil), r.Condition.Accessories},
	})

	d.heading(c.Text("report.work", "Fault and work", nil), 15)
	d.fields([][2]string{
		{c.Text("report.fault", "Fault reported", nil), r.Fault},
		{c.Text("report.diagnosis", "Diagnosis", nil), r.Diagnosis},
		{c.Text("report.result", "Result", nil), resolutionText(c, r.Resolution)},
		{c.Text("report.found", "Found", nil), conditionText(c, r.Condition)},
	})
	if len(r.Repairs) > 0 {
		d.y += 1
		// The day and time fit on one line in every language (whenW).
		cols := []float64{whenW, contentW - whenW - 20, 20}
		d.row(cols, []string{c.Text("report.when", "When", nil), c.Text("report.repair", "Repair", nil), c.Text("report.minutes", "Minutes", nil)}, true)
		for _, e := range r.Repairs {
			mins := ""
			if e.Minutes > 0 {
				mins = c.Count(int64(e.Minutes))
			}
			d.row(cols, []string{when(e.At), e.Action, mins}, false)
		}
	}

	d.heading(c.Text("report.parts", "Parts fitted", nil), 15)
	if len(r.Parts) == 0 {
		d.para(margin, c.Text("report.no_parts", "No parts were fitted.", nil))
	} else {
		// Serial numbers are up to 20 characters: their columns fit them
		// at this size.
		d.size = 9
		cols := []float64{30, contentW - 30 - 10 - 42 - 48, 10, 42, 48}
		d.row(cols, []string{c.Text("report.part_number", "Part number", nil), c.Text("report.part", "Part", nil),
			c.Text("report.qty", "Qty", nil), c.Text("report.serial_fitted", "Serial fitted", nil),
			c.Text("report.removed", "Part removed", nil)}, true)
		for _, p := range r.Parts {
			removed := p.DefectiveSerial
			if p.ReturnNeeded {
				removed = c.Text("report.returned", "{{.Serial}} (goes back to the maker)", map[string]any{"Serial": p.DefectiveSerial})
			}
			d.row(cols, []string{string(p.Number), partName(lang, p), c.Count(int64(p.Qty)), p.Serial, strings.TrimSpace(removed)}, false)
		}
		d.size = 10
	}

	d.heading(c.Text("report.time", "Time on site", nil), 15)
	fields := [][2]string{{c.Text("report.work_time", "Work", nil), duration(c, r.WorkMinutes)}}
	if r.TravelMinutes > 0 {
		fields = append([][2]string{{c.Text("report.travel", "Travel", nil), duration(c, r.TravelMinutes)}}, fields...)
	}
	d.fields(fields)

	d.heading(c.Text("report.warranty", "Warranty and charges", nil), 15)
	if wr := r.Warranty; wr == nil {
		d.para(margin, c.Text("report.no_decision", "No warranty decision was made; ask the service provider for the charges.", nil))
	} else {
		d.fields([][2]string{
			{c.Text("report.coverage", "Cover", nil), coverageText(c, wr.Coverage)},
			{c.Text("report.remedy", "Remedy", nil), remedyText(c, wr.Remedy)},
		})
		for _, x := range wr.Reasons {
			d.para(margin+3, "• "+reasonText(c, app.Reason{Key: x.Key, Message: x.Message, Data: x.Data}))
		}
		d.y += 1.5
		cols := []float64{contentW - 30 - 12 - 32 - 32, 12, 32, 32, 30}
		d.row(cols, []string{c.Text("report.item", "Item", nil), c.Text("report.qty", "Qty", nil),
			c.Text("report.price", "Price", nil), c.Text("report.you_pay", "You pay", nil), ""}, true)
		names := map[app.PartNumber]string{}
		for _, p := range r.Parts {
			names[p.Number] = partName(lang, p)
		}
		for _, l := range wr.Lines {
			status := c.Text("warranty.line.charged", "charged", nil)
			if l.Covered {
				status = c.Text("warranty.line.covered", "covered", nil)
			}
			d.row(cols, []string{lineText(c, l, names), c.Count(int64(l.Qty)), money(lang, l.Amount), money(lang, l.Customer), status}, false)
		}
		d.y += 1
		sum := []float64{contentW - 30 - 32 - 32, 32, 32}
		d.row(sum, []string{"", c.Text("report.subtotal", "Subtotal", nil), money(lang, wr.Subtotal)}, false)
		d.row(sum, []string{"", c.Text("report.tax", "Tax", nil), money(lang, wr.Tax)}, false)
		d.row(sum, []string{"", c.Text("report.total", "Total", nil), money(lang, wr.Total)}, true)
	}

	d.heading(c.Text("report.payments", "Payments", nil), 15)
	if len(r.Payments) == 0 {
		d.para(margin, c.Text("report.no_payments", "No payment recorded.", nil))
	} else {
		cols := []float64{whenW, 40, contentW - whenW - 40 - 40, 40}
		d.row(cols, []string{c.Text("report.when", "When", nil), c.Text("report.receipt", "Receipt", nil),
			c.Text("report.method", "Method", nil), c.Text("report.amount", "Amount", nil)}, true)
		for _, p := range r.Payments {
			method := strings.TrimSpace(methodText(c, app.PaymentMethod(p.Method)) + " " + p.Reference)
			d.row(cols, []string{when(p.At), p.Receipt, method, money(lang, p.Amount)}, false)
		}
	}

	if len(r.Photos) > 0 {
		d.heading(c.Text("report.photos", "Photos", nil), 52)
		if err := photos(ctx, d, c, r.Photos, opts.Photos); err != nil {
			return err
		}
	}

	d.heading(c.Text("report.signature", "Customer's signature", nil), 40)
	if err := signature(d, c, opts.Signature, when); err != nil {
		return err
	}
	d.y += 3
	d.size = 8
	d.pdf.SetTextColor(90, 90, 90)
	d.para(margin, c.Text("report.digest", "Report {{.ID}}. Its fingerprint {{.Digest}} changes when any fact above changes.",
		map[string]any{"ID": id, "Digest": shortDigest(digest)}))
	d.pdf.SetTextColor(0, 0, 0)
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.output(w)
}

// shortDigest groups the first 32 hex digits of a digest by four for
// reading aloud.
func shortDigest(h string) string {
	var g []string
	for i := 0; i+4 <= 32 && i+4 <= len(h); i += 4 {
		g = append(g, h[i:i+4])
	}
	return strings.Join(g, " ")
}

// photos draws up to MaxPhotos thumbnails three to a row, each with its
// caption; a photo whose bytes the device lacks is named instead.
func photos(ctx context.Context, d *doc, c *translations.Catalog, list []app.ReportPhoto, src PhotoSource) error {
	const cellW, cellH, perRow = 58.0, 44.0, 3
	shown := list[:min(len(list), MaxPhotos)]
	for i, p := range shown {
		if err := ctx.Err(); err != nil {
			return err
		}
		if i%perRow == 0 {
			if i > 0 {
				d.y += cellH + 8
			}
			d.need(cellH + 8)
		}
		x := margin + float64(i%perRow)*(cellW+3)
		var jpg []byte
		if src != nil {
			rc, err := src.OpenPhoto(ctx, p.SHA256)
			switch {
			case err == nil:
				jpg, err = thumbnail(rc)
				rc.Close()
				if err != nil {
					return app.Errorf(app.EINVALID, "report.bad_photo", "A photo of the ticket ({{.Caption}}) cannot be read; take it again or remove it, then make the report again.",
						"Caption", p.Caption).WithCause(err)
				}
			case app.ErrorCode(err) == app.ENOTFOUND:
			default:
				return fmt.Errorf("report: photo %s: %w", p.SHA256, err)
			}
		}
		if jpg != nil {
			cfg, _, _ := image.DecodeConfig(bytes.NewReader(jpg))
			w, h := cellW, cellW*float64(cfg.Height)/float64(cfg.Width)
			if h > cellH {
				w, h = cellH*float64(cfg.Width)/float64(cfg.Height), cellH
			}
			d.image("photo"+strconv.Itoa(i), "JPEG", jpg, x, d.y+1, w, h)
		} else {
			d.pdf.SetDrawColor(190, 190, 190)
			d.pdf.Rect(x, d.y+1, cellW, cellH, "D")
			old := d.size
			d.size = 8
			d.textAt(x+2, d.y+6, c.Text("report.photo_missing", "Photo not on this device", nil))
			d.size = old
		}
		old := d.size
		d.size = 8
		if ls := d.lines(p.Caption, cellW); len(ls) > 0 {
			d.textAt(x, d.y+cellH+5, ls[0])
		}
		d.size = old
	}
	d.y += cellH + 8
	if more := len(list) - len(shown); more > 0 {
		d.para(margin, c.Plural("report.more_photos", "and {{.Count}} more photos on the ticket", more, counted(c, more)))
	}
	return nil
}

// signature draws the customer's signature, or says why there is none.
func signature(d *doc, c *translations.Catalog, s Signature, when func(time.Time) string) error {
	switch {
	case s.Refused != "":
		d.para(margin, c.Text("report.refused", "The customer refused to sign: {{.Reason}}", map[string]any{"Reason": s.Refused}))
		return nil
	case len(s.PNG) == 0:
		d.para(margin, c.Text("report.not_signed", "Not signed.", nil))
		return nil
	case len(s.PNG) > MaxSignatureBytes:
		return app.Errorf(app.EINVALID, "report.signature_too_big", "The signature picture is over {{.MaxSize}}; ask the customer to sign again.", "MaxSize", app.Size(MaxSignatureBytes))
	}
	notPNG := app.Errorf(app.EINVALID, "report.signature_not_png", "The signature is not a PNG picture; ask the customer to sign again.")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(s.PNG))
	if err != nil || format != "png" {
		return notPNG
	}
	if err := app.CheckPhotoPixels(cfg.Width, cfg.Height); err != nil {
		return err
	}
	// Encoded again, since fpdf cannot read interlaced PNG and a signature
	// pad may write one.
	img, err := png.Decode(bytes.NewReader(s.PNG))
	if err != nil {
		return notPNG.WithCause(err)
	}
	var clean bytes.Buffer
	if err := png.Encode(&clean, img); err != nil {
		return err
	}
	h := 25.0
	w := h * float64(cfg.Width) / float64(cfg.Height)
	if w > 90 {
		w, h = 90, 90*float64(cfg.Height)/float64(cfg.Width)
	}
	d.need(h + 10)
	d.image("signature", "PNG", clean.Bytes(), margin, d.y+1, w, h)
	d.y += h + 2
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.Line(margin, d.y, margin+90, d.y)
	d.y += 1
	d.para(margin, c.Text("report.signed", "Signed by {{.Name}} on {{.At}}", map[string]any{"Name": s.Name, "At": when(s.At)}))
	return nil
}

// day prints a calendar day alone (a purchase date, stored as its
// midnight in UTC) in c's language; "" for none.
func day(c *translations.Catalog, t time.Time) string {
	return c.Date(t.UTC())
}

// reasonText is a warranty reason in c's language, its days (kept ISO in
// the decision, which the digest covers) printed as c's reader writes a
// day, as the terminal shows them.
func reasonText(c *translations.Catalog, r app.Reason) string {
	days := r.Days()
	if len(days) == 0 {
		return c.Text(r.Key, r.Message, r.Data)
	}
	data := maps.Clone(r.Data)
	for k, t := range days {
		data[k] = day(c, t)
	}
	return c.Text(r.Key, r.Message, data)
}

// partName is a part's catalog name in the report's language: its name in
// the customer's language when the report states one (fr, es, pt...),
// the Chinese name for Chinese, else the English one, else the other.
func partName(lang string, p app.ReportPart) string {
	if p.Name != "" {
		return p.Name
	}
	if lang == "zh-Hans" && p.NameZH != "" || p.NameEN == "" {
		return p.NameZH
	}
	return p.NameEN
}

// counted is a plural text's data with its count as c's reader writes a
// number (translations.Count): "1,234 units", not "1234 units" beside a
// grouped 9,532. The plural form is still chosen by the number itself.
func counted(c *translations.Catalog, n int) map[string]any {
	return map[string]any{"Count": c.Count(int64(n))}
}

// duration is a number of minutes as c's reader writes a time spent:
// "45 min", "4 h" for a whole number of hours (never "4 h 0 min"), else
// "4 h 5 min". Hours are a count (translations.Count), grouped as the
// report's other numbers.
func duration(c *translations.Catalog, minutes int) string {
	hours := map[string]any{"Hours": c.Count(int64(minutes / 60)), "Minutes": minutes % 60}
	switch {
	case minutes >= 60 && minutes%60 == 0:
		return c.Text("report.duration_hours", "{{.Hours}} h", hours)
	case minutes >= 60:
		return c.Text("report.hours_minutes", "{{.Hours}} h {{.Minutes}} min", hours)
	}
	return c.Text("report.duration_minutes", "{{.Minutes}} min", map[string]any{"Minutes": minutes})
}

func kindText(c *translations.Catalog, k app.TicketKind) string {
	switch k {
	case app.KindOnSite:
		return c.Text("kind.on_site", "On-site visit", nil)
	case app.KindCarryIn:
		return c.Text("kind.carry_in", "Carry-in", nil)
	case app.KindMailIn:
		return c.Text("kind.mail_in", "Mail-in", nil)
	}
	return string(k)
}

package report

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// Shipping is what a shipment's label and packing list print: the
// shipment, and the names the shipment itself holds only as IDs.
type Shipping struct {
	Shipment app.Shipment
	Provider string // the tenant, printed as the sender's brand
	From, To Place
	// Parts names the shipment's parts; a part not here prints by its
	// number alone.
	Parts map[app.PartNumber]app.Part
	// Tickets gives the ticket numbers of the lines' tickets; a ticket not
	// here prints by its ID.
	Tickets map[app.TicketID]string
	// Language is the BCP 47 tag of whoever packs and ships (the office or
	// the technician): the documents are theirs and the carrier's, not a
	// customer's.
	Language string
}

// Place is one end of a shipment as printed.
type Place struct {
	Name    string // empty: the location's ID
	Address string // lines separated by "\n"; empty when not known
}

// MaxAddressLen bounds a printed address, in characters: a label has room
// for four lines of it.
const MaxAddressLen = 300

// Label geometry, in millimetres: the common 100 x 150 mm thermal label,
// which also prints on A6 (105 x 148) with a scaled-to-fit setting.
const (
	labelW, labelH = 100.0, 150.0
	labelMargin    = 5.0
	labelContentW  = labelW - 2*labelMargin
	labelQR        = 42.0
)

// check refuses a shipment the documents cannot print truthfully.
func (s Shipping) check() error {
	if err := s.Shipment.Validate(); err != nil {
		return err
	}
	for _, p := range []Place{s.From, s.To} {
		if app.TextLen(p.Address) > MaxAddressLen || app.TextLen(p.Name) > app.MaxNameLen {
			return app.Errorf(app.EINVALID, "report.address_too_long", "A location's name or address is too long to print on a label: shorten the address to {{.Max}} characters and the name to {{.MaxName}}.", "Max", MaxAddressLen, "MaxName", app.MaxNameLen)
		}
	}
	return nil
}

func (p Place) name(id app.LocationID) string {
	if n := strings.TrimSpace(p.Name); n != "" {
		return n
	}
	return string(id)
}

// title is the document's kind of shipment.
func shipmentTitle(c *translations.Catalog, k app.ShipmentKind) string {
	if k == app.ShipmentReturn {
		return c.Text("report.return_title", "Defective parts return", nil)
	}
	return c.Text("report.supply_title", "Parts shipment", nil)
}

func (s Shipping) created(opts Options) time.Time {
	if !opts.Created.IsZero() {
		return opts.Created
	}
	return s.Shipment.At
}

// units is the shipment's count of units.
func units(s app.Shipment) int {
	n := 0
	for _, l := range s.Lines {
		n += l.Qty
	}
	return n
}

// ShipmentLabel writes the 100 x 150 mm label that goes on the parcel: who
// sends it and to whom, the carrier and tracking number, how many lines
// and units it holds, and a QR Code of the shipment's ID, which the
// receiving device scans to find the shipment and count it in.
func ShipmentLabel(ctx context.Context, w io.Writer, s Shipping, opts Options) error {
	if err := s.check(); err != nil {
		return err
	}
	sh := s.Shipment
	c := translations.For(s.Language)
	title := shipmentTitle(c, sh.Kind)
	d := newDocSize(fpdf.SizeType{Wd: labelW, Ht: labelH}, labelMargin, title+" "+sh.ID, c.Lang(), s.created(opts), "")
	x, right := labelMargin, labelW-labelMargin
	rule := func() {
		d.pdf.SetDrawColor(0, 0, 0)
		d.pdf.Line(x, d.y, right, d.y)
		d.y += 1
	}
	// line writes one line at the current size and moves below it.
	line := func(s string) {
		d.y += d.lineH()
		d.textAt(x, d.y-0.3*d.lineH(), s)
	}
	// block writes s wrapped to the label's width, at most n lines: a
	// label is a fixed size, and a long address must not run over the
	// tracking number.
	block := func(s string, n int) {
		var ls []string
		for _, p := range strings.Split(s, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				ls = append(ls, d.lines(p, labelContentW)...)
			}
		}
		if len(ls) > n {
			ls = append(ls[:n-1], strings.TrimSpace(ls[n-1])+" …")
		}
		for _, l := range ls {
			line(l)
		}
	}
	caption := func(s string) {
		d.size, d.bold = 7, false
		d.pdf.SetTextColor(90, 90, 90)
		line(s)
		d.pdf.SetTextColor(0, 0, 0)
	}

	d.size, d.bold = 10, true
	line(s.Provider)
	d.size = 13
	line(title)
	d.y += 1.5
	rule()

	caption(c.Text("report.from", "From", nil))
	d.size, d.bold = 10, true
	block(s.From.name(sh.From), 1)
	d.size, d.bold = 9, false
	block(s.From.Address, 3)
	d.y += 1.5
	rule()

	caption(c.Text("report.to", "To", nil))
	d.size, d.bold = 15, true
	block(s.To.name(sh.To), 2)
	d.size, d.bold = 11, false
	block(s.To.Address, 4)
	d.y += 1.5
	rule()

	if sh.Carrier != "" {
		caption(c.Text("report.carrier", "Carrier", nil))
		d.size, d.bold = 11, false
		block(sh.Carrier, 1)
	}
	if sh.Tracking != "" {
		caption(c.Text("report.tracking", "Tracking number", nil))
		d.size, d.bold = 14, true
		block(sh.Tracking, 2)
	}
	d.y += 1.5
	rule()

	// The QR Code at the bottom left, the shipment's facts beside it.
	top := max(d.y+1, labelH-labelMargin-labelQR)
	if err := d.qr("qr", sh.ID, x, top, labelQR); err != nil {
		return err
	}
	d.y = top
	x = labelMargin + labelQR + 3
	col := right - x
	facts := [][2]string{
		{c.Text("report.shipment", "Shipment", nil), sh.ID},
		{c.Text("report.shipped", "Shipped", nil), opts.when(c)(sh.At)},
		{c.Text("report.contents", "Contents", nil), c.Plural("report.lines", "{{.Count}} lines", len(sh.Lines), counted(c, len(sh.Lines))) + ", " +
			c.Plural("report.units", "{{.Count}} units", units(sh), counted(c, units(sh)))},
	}
	for _, f := range facts {
		caption(f[0])
		d.size, d.bold = 9, true
		ls := d.lines(f[1], col)
		for _, l := range ls[:min(2, len(ls))] {
			line(l)
		}
	}
	d.size, d.bold = 8, false
	d.y += 1
	for _, l := range d.lines(c.Text("report.scan_to_receive", "Scan the code to receive this parcel.", nil), col) {
		line(l)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.output(w)
}

// PackingList writes the A4 list that travels inside the parcel: every
// line with its part, quantity, serial, ticket and warranty claim, so the
// receiver counts the parcel against it. A return is headed as defective
// parts returned under warranty, for the brand's or warehouse's goods-in.
// Both end with signatures: who packed the parcel and who counted it in.
func PackingList(ctx context.Context, w io.Writer, s Shipping, opts Options) error {
	if err := s.check(); err != nil {
		return err
	}
	sh := s.Shipment
	c := translations.For(s.Language)
	lang := c.Lang()
	title := c.Text("report.packing_list", "Packing list", nil)
	kind := shipmentTitle(c, sh.Kind)
	d := newDoc(title+" "+sh.ID, lang, s.created(opts), title+" "+sh.ID)
	if err := d.masthead(s.Provider, title+" · "+kind, sh.ID); err != nil {
		return err
	}
	d.fields([][2]string{
		{c.Text("report.shipment", "Shipment", nil), sh.ID},
		{c.Text("report.shipped", "Shipped", nil), opts.when(c)(sh.At)},
		{c.Text("report.shipped_by", "Shipped by", nil), sh.By},
		{c.Text("report.carrier", "Carrier", nil), sh.Carrier},
		{c.Text("report.tracking", "Tracking number", nil), sh.Tracking},
	})
	d.y = max(d.y, margin+30)
	for _, end := range []struct {
		key, fallback string
		p             Place
		id            app.LocationID
	}{{"report.from", "From", s.From, sh.From}, {"report.to", "To", s.To, sh.To}} {
		d.heading(c.Text(end.key, end.fallback, nil), 12)
		d.fields([][2]string{
			{c.Text("report.name", "Name", nil), end.p.name(end.id)},
			{c.Text("report.address", "Address", nil), strings.Join(strings.Fields(strings.ReplaceAll(end.p.Address, "\n", ", ")), " ")},
		})
	}

	if sh.Kind == app.ShipmentReturn {
		d.heading(c.Text("report.warranty_return", "Defective parts returned under warranty", nil), 15)
		d.size = 9
		d.para(margin, c.Text("report.warranty_return_text", "These parts were taken out of customers' products in warranty repairs and go back for the claims listed. Count them against this list on arrival, keep each with its claim, and sign below.", nil))
		d.size = 10
	}

	d.heading(c.Text("report.parts_shipped", "Parts in this parcel", nil), 15)
	// Part numbers, serial numbers, ticket numbers and claim IDs of up to
	// about 18 characters fit their columns at this size; longer ones wrap.
	d.size = 8
	cols := []float64{8, 32, contentW - 8 - 32 - 9 - 30 - 30 - 30, 9, 30, 30, 30}
	d.row(cols, []string{"#", c.Text("report.part_number", "Part number", nil), c.Text("report.part", "Part", nil),
		c.Text("report.qty", "Qty", nil), c.Text("report.serial", "Serial number", nil),
		c.Text("report.ticket", "Ticket", nil), c.Text("report.claim", "Warranty claim", nil)}, true)
	for i, l := range sh.Lines {
		ticket := string(l.Ticket)
		if n := s.Tickets[l.Ticket]; n != "" {
			ticket = n
		}
		d.row(cols, []string{strconv.Itoa(i + 1), string(l.Part), shippedPartName(lang, s.Parts[l.Part]),
			c.Count(int64(l.Qty)), l.Serial, ticket, l.Claim}, false)
	}
	d.size = 10
	d.y += 1
	d.bold = true
	d.fields([][2]string{{c.Text("report.contents", "Contents", nil), c.Plural("report.lines", "{{.Count}} lines", len(sh.Lines), counted(c, len(sh.Lines))) + ", " +
		c.Plural("report.units", "{{.Count}} units", units(sh), counted(c, units(sh)))}})
	d.bold = false
	if strings.TrimSpace(sh.Note) != "" {
		d.heading(c.Text("report.note", "Note", nil), 10)
		d.para(margin, sh.Note)
	}

	d.y += 12
	d.need(22)
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.Line(margin, d.y+12, margin+80, d.y+12)
	d.pdf.Line(margin+95, d.y+12, margin+175, d.y+12)
	d.y += 12
	d.size = 8
	d.textAt(margin, d.y+4, c.Text("report.packed_by", "Packed by (name, date, signature)", nil))
	d.textAt(margin+95, d.y+4, c.Text("report.counted_by", "Received and counted by (name, date, signature)", nil))
	d.size = 10
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.output(w)
}

// shippedPartName is a part's catalog name in the document's language (see
// partName); empty for a part the catalog does not hold.
func shippedPartName(lang string, p app.Part) string {
	return partName(lang, app.ReportPart{NameEN: p.NameEN, NameZH: p.NameZH, Name: p.NameIn(lang)})
}

package console

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/report"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The shipments pages: the list in transit and received, filtered by kind,
// location and state (GET /stock/shipments); one shipment with its lines,
// its receipt and the differences found on arrival (GET
// /stock/shipments/{id}); and the receipt of a shipment at a warehouse or
// store, counted line by line (POST /stock/shipments/{id}/receive,
// shipment.receive). A van's shipment is received on the technician's
// device, by scanning the parcel. A store manager sees the shipments from
// or to their store's locations.

// maxShipmentsShown bounds the shipments listed on one page.
const maxShipmentsShown = 200

// maxShipmentsRead bounds the shipments one list reads, in pages of
// supplyReadPage; the page says when more were left unread.
const maxShipmentsRead = 2000

// shipmentRow is a shipment as the list shows it.
type shipmentRow struct {
	central.ShipmentView
	Units       int
	Differences int
}

// shipmentsPage is the data of GET /stock/shipments.
type shipmentsPage struct {
	Kind, State, Location string
	Locations             []app.Location
	Rows                  []shipmentRow
	More                  int
	Unread                bool // more shipments match than one list reads
}

// sees reports whether a shipment is the session's business: from or to
// one of the locations it sees.
func seesShipment(locs map[app.LocationID]app.Location, sh app.Shipment) bool {
	_, from := locs[sh.From]
	_, to := locs[sh.To]
	return from || to
}

// locationsSeen are the stock locations the session sees, by ID.
func (c *Console) locationsSeen(ctx context.Context, s *Session) (map[app.LocationID]app.Location, error) {
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return nil, err
	}
	seen := make(map[app.LocationID]app.Location, len(locs))
	for _, l := range locs {
		seen[l.ID] = l
	}
	return seen, nil
}

// errNoShipment answers a shipment that is missing or outside the
// session's scope alike.
func errNoShipment(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.shipments.not_found", "There is no shipment {{.ID}} here. Look for it in the list of shipments.", "ID", id)
}

// shipment returns a shipment the session sees, else ENOTFOUND, with the
// locations the session sees.
func (c *Console) shipment(ctx context.Context, s *Session, id string) (central.ShipmentView, map[app.LocationID]app.Location, error) {
	locs, err := c.locationsSeen(ctx, s)
	if err != nil {
		return central.ShipmentView{}, nil, err
	}
	sh, err := c.db.Shipment(ctx, s.Tenant, id)
	if app.ErrorCode(err) == app.ENOTFOUND || err == nil && !seesShipment(locs, sh.Shipment) {
		return central.ShipmentView{}, nil, errNoShipment(id)
	}
	return sh, locs, err
}

func (c *Console) shipments(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	q := r.URL.Query()
	p := shipmentsPage{Kind: q.Get("kind"), State: q.Get("state"), Location: q.Get("location")}
	f, err := central.ParseShipmentFilter(url.Values{"kind": {p.Kind}, "state": {p.State}, "location": {p.Location}})
	if err != nil {
		return err
	}
	locs, err := c.locationsSeen(ctx, s)
	if err != nil {
		return err
	}
	if _, ok := locs[f.Location]; f.Location != "" && !ok {
		return errNoLocation(p.Location)
	}
	for _, l := range locs {
		p.Locations = append(p.Locations, l)
	}
	slices.SortFunc(p.Locations, func(a, b app.Location) int { return strings.Compare(a.Name, b.Name) })
	var all []central.ShipmentView
	f.Limit = supplyReadPage
	for {
		page, err := c.db.Shipments(ctx, s.Tenant, f)
		if err != nil {
			return err
		}
		for _, sh := range page.Shipments {
			if seesShipment(locs, sh.Shipment) {
				all = append(all, sh)
			}
		}
		if page.Next == "" {
			break
		}
		if len(all) >= maxShipmentsRead {
			p.Unread = true
			break
		}
		f.After = page.Next
	}
	// In transit first, oldest first: what to chase; then received, newest first.
	slices.SortStableFunc(all, func(a, b central.ShipmentView) int {
		if a.State != b.State {
			return boolOrder(a.State == app.ShipmentInTransit, b.State == app.ShipmentInTransit)
		}
		if a.State == app.ShipmentInTransit {
			return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
		}
		return cmp.Or(b.At.Compare(a.At), strings.Compare(a.ID, b.ID))
	})
	for _, sh := range all {
		if len(p.Rows) >= maxShipmentsShown {
			p.More++
			continue
		}
		row := shipmentRow{ShipmentView: sh}
		for _, l := range sh.Lines {
			row.Units += l.Qty
		}
		if sh.Receipt != nil {
			row.Differences = len(sh.Receipt.Differences)
		}
		p.Rows = append(p.Rows, row)
	}
	return c.render(w, r, s, http.StatusOK, "shipments", p)
}

// shipmentLineRow is a shipment's line with its part's name.
type shipmentLineRow struct {
	app.ShipmentLine
	Index        int
	Name         string
	TicketNumber string
	// Damaged and DamagedNote are a receipt line's units that arrived
	// damaged and what was wrong with them.
	Damaged     int
	DamagedNote string
}

// differenceRow is a difference found on arrival, in words, with the
// ledger where the count can be corrected.
type differenceRow struct {
	app.Difference
	Text   string
	Ledger string
	// Settle says what the ledger's link is for: correcting the count at
	// the destination, or the defective bin the damaged units wait in.
	Settle string
}

// shipmentPage is the data of GET /stock/shipments/{id}.
type shipmentPage struct {
	central.ShipmentView
	Lines       []shipmentLineRow
	Received    []shipmentLineRow // the receipt's lines
	Differences []differenceRow
	// Receivable: in transit to a location received in the office (not a
	// van, whose technician scans it in).
	Receivable bool
	ReceiptID  string // minted with the page: a form sent twice is one receipt
	Problem    string
	// DamagedBin is where the receive form's damaged units go: the
	// defective bin of the destination's owner; no ID when it has none,
	// and the form then asks for no damaged units.
	DamagedBin app.Location
	// Damaged: some units arrived damaged (the receipt's differences).
	Damaged bool
	// BinName is the receipt's defective bin's name.
	BinName string
}

func (c *Console) showShipment(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.renderShipment(w, r, s, r.PathValue("id"), http.StatusOK, "")
}

func (c *Console) renderShipment(w http.ResponseWriter, r *http.Request, s *Session, id string, status int, problem string) error {
	ctx := r.Context()
	sh, locs, err := c.shipment(ctx, s, id)
	if err != nil {
		return err
	}
	p := shipmentPage{ShipmentView: sh,
		Receivable: sh.State == app.ShipmentInTransit && locs[sh.To].ID != "" && locs[sh.To].Kind != app.LocationVan,
		ReceiptID:  app.NewID(), Problem: problem, DamagedBin: damagedBin(locs, sh.To)}
	numbers := []app.PartNumber{}
	for _, l := range sh.Lines {
		numbers = append(numbers, l.Part)
	}
	if sh.Receipt != nil {
		for _, l := range sh.Receipt.Lines {
			numbers = append(numbers, l.Part)
		}
	}
	parts, err := c.db.PartsByNumber(ctx, s.Tenant, numbers)
	if err != nil {
		return err
	}
	// The names in the session's language (the view's are English).
	name := func(n app.PartNumber) string {
		if part, ok := parts[n]; ok {
			return partLabel(s.T, part)
		}
		return ""
	}
	for i, l := range sh.Lines {
		row := shipmentLineRow{ShipmentLine: l, Index: i, Name: name(l.Part)}
		if l.Ticket != "" {
			if d, err := c.ticket(ctx, s, l.Ticket); err == nil {
				row.TicketNumber = d.Ticket.Number
			} else if app.ErrorCode(err) != app.ENOTFOUND {
				return err
			}
		}
		p.Lines = append(p.Lines, row)
	}
	if sh.Receipt != nil {
		rc := sh.Receipt
		for i, l := range rc.Lines {
			p.Received = append(p.Received, shipmentLineRow{ShipmentLine: app.ShipmentLine{Part: l.Part, Qty: l.Qty, Serial: l.Serial}, Index: i, Name: name(l.Part),
				Damaged: l.Damaged, DamagedNote: l.Note})
		}
		// The bin's name when the session sees it, else its ID: the
		// receipt names it, so it is no secret from whoever sees that.
		p.BinName = string(rc.Defective)
		if l, ok := locs[rc.Defective]; ok {
			p.BinName = l.Name
		}
		for _, d := range rc.Differences {
			row := differenceRow{Difference: d, Text: differenceText(s, d, p.BinName), Ledger: ledgerURL(sh.To, d.Part),
				Settle: s.T.Text("console.shipments.settle", "Open the ledger at the destination to correct the count", nil)}
			if d.Kind == app.DifferenceDamaged {
				p.Damaged = true
				row.Ledger = ledgerURL(rc.Defective, d.Part)
				row.Settle = s.T.Text("console.shipments.settle_damaged", "Open the defective bin's ledger", nil)
			}
			p.Differences = append(p.Differences, row)
		}
	}
	return c.render(w, r, s, status, "shipment", p)
}

// damagedBin is the defective bin of the owner of loc among locs, where
// units that arrive damaged at loc go (app.ReceiveShipment's rule); no ID
// when there is none.
func damagedBin(locs map[app.LocationID]app.Location, loc app.LocationID) app.Location {
	to, ok := locs[loc]
	if !ok || to.Owner == "" {
		return app.Location{}
	}
	var bin app.Location
	for _, l := range locs {
		// The first by ID, so that a page reads the same each time.
		if l.Kind == app.LocationDefective && l.Owner == to.Owner && (bin.ID == "" || l.ID < bin.ID) {
			bin = l
		}
	}
	return bin
}

// differenceText says a difference plainly; bin names the receipt's
// defective bin, where damaged units went.
func differenceText(s *Session, d app.Difference, bin string) string {
	data := map[string]any{"Part": string(d.Part), "Shipped": d.Shipped, "Received": d.Received, "Damaged": d.Damaged, "Bin": bin}
	switch d.Kind {
	case app.DifferenceDamaged:
		return pluralText(s.T, "console.shipments.diff_damaged", "Damaged on arrival: {{.Damaged}} of {{.Part}} arrived damaged; they wait in {{.Bin}} to go back, not in stock.", d.Damaged, data)
	case app.DifferenceShort:
		return s.T.Text("console.shipments.diff_short", "Short: {{.Shipped}} of {{.Part}} shipped, {{.Received}} arrived.", data)
	case app.DifferenceExtra:
		return s.T.Text("console.shipments.diff_extra", "Extra: {{.Shipped}} of {{.Part}} shipped, {{.Received}} arrived.", data)
	}
	return s.T.Text("console.shipments.diff_wrong", "Wrong part: {{.Received}} of {{.Part}} arrived, which was not shipped.", data)
}

// receiveShipment records what was counted out of a shipment at a
// warehouse or store: one quantity per line (0 for none), and one part
// that was not shipped, if any, as shipment.receive. The receipt's ID
// was minted with the page; a shipment received meanwhile (by a device,
// or another form) gets the API's refusal.
func (c *Console) receiveShipment(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id := r.PathValue("id")
	sh, locs, err := c.shipment(ctx, s, id)
	if err != nil {
		return err
	}
	again := func(status int, problem string) error { return c.renderShipment(w, r, s, id, status, problem) }
	rid := r.PostFormValue("receipt")
	if !app.FreshID(rid) {
		return again(http.StatusBadRequest, s.T.Text("console.shipments.form_expired", "This form is out of date. Count the parts again and receive.", nil))
	}
	rc := app.Receipt{ID: rid, Note: strings.TrimSpace(r.PostFormValue("note"))}
	badQty := s.T.Text("console.shipments.bad_qty", "Enter each count as a whole number from 0 to {{.Max}}.", map[string]any{"Max": s.T.Count(app.MaxQty)})
	for i, l := range sh.Lines {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("qty-" + strconv.Itoa(i))))
		if err != nil || n < 0 || n > app.MaxQty {
			return again(http.StatusBadRequest, badQty)
		}
		// Damaged units: some of those counted, into the destination's
		// defective bin (left out or empty: none).
		dmg := 0
		if v := strings.TrimSpace(r.PostFormValue("damaged-" + strconv.Itoa(i))); v != "" {
			if dmg, err = strconv.Atoi(v); err != nil || dmg < 0 || dmg > n {
				return again(http.StatusBadRequest, s.T.Text("console.shipments.bad_damaged", "Enter the damaged parts of a line as a whole number from 0 to what you counted on it.", nil))
			}
		}
		if n > 0 {
			rc.Lines = append(rc.Lines, app.ReceiptLine{Part: l.Part, Qty: n, Serial: l.Serial, Damaged: dmg,
				Note: strings.TrimSpace(r.PostFormValue("damaged_note-" + strconv.Itoa(i)))})
		}
		if dmg > 0 {
			bin := damagedBin(locs, sh.To)
			if bin.ID == "" {
				return again(http.StatusBadRequest, s.T.Text("console.shipments.no_bin", "{{.To}} has no defective bin for damaged parts. Create one (kind defective, the same owner) and receive again.", map[string]any{"To": sh.ToName}))
			}
			rc.Defective = bin.ID
		}
	}
	if part := strings.TrimSpace(r.PostFormValue("extra_part")); part != "" {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("extra_qty")))
		if err != nil || n < 1 || n > app.MaxQty {
			return again(http.StatusBadRequest, badQty)
		}
		rc.Lines = append(rc.Lines, app.ReceiptLine{Part: app.PartNumber(part), Qty: n})
	}
	if ok, err := c.send(ctx, s, &app.ReceiveShipment{Shipment: sh.ID, Receipt: rc}, again); !ok {
		return err
	}
	if err := c.flash(w, r, s, "console.shipments.received", "Received shipment {{.Label}}; any difference is listed below to settle.", map[string]any{"Label": sh.Label()}); err != nil {
		return err
	}
	http.Redirect(w, r, "/stock/shipments/"+url.PathEscape(sh.ID), http.StatusSeeOther)
	return nil
}

// shipmentLabel and packingList answer a shipment's label (100 x 150 mm)
// and packing list (A4) as PDF, from package report, in the session's
// language: the office prints them to pack the parcel.
func (c *Console) shipmentLabel(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.shipmentPDF(w, r, s, "label", report.ShipmentLabel)
}

func (c *Console) packingList(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.shipmentPDF(w, r, s, "packing-list", report.PackingList)
}

func (c *Console) shipmentPDF(w http.ResponseWriter, r *http.Request, s *Session, what string,
	write func(context.Context, io.Writer, report.Shipping, report.Options) error) error {
	ctx := r.Context()
	sh, _, err := c.shipment(ctx, s, r.PathValue("id"))
	if err != nil {
		return err
	}
	tenant, err := c.db.TenantName(ctx, s.Tenant)
	if err != nil {
		return err
	}
	doc := report.Shipping{Shipment: sh.Shipment, Provider: tenant, From: report.Place{Name: sh.FromName}, To: report.Place{Name: sh.ToName},
		Tickets: map[app.TicketID]string{}, Language: s.Lang}
	numbers := []app.PartNumber{}
	for _, l := range sh.Lines {
		numbers = append(numbers, l.Part)
		if l.Ticket != "" {
			if d, err := c.ticket(ctx, s, l.Ticket); err == nil {
				doc.Tickets[l.Ticket] = d.Ticket.Number
			} else if app.ErrorCode(err) != app.ENOTFOUND {
				return err
			}
		}
	}
	if doc.Parts, err = c.db.PartsByNumber(ctx, s.Tenant, numbers); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := write(ctx, &b, doc, report.Options{}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="`+safeFileName("shipment", sh.ID+"-"+what)+`.pdf"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

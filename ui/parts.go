package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// partsPage is the parts and stock screen: the technician's own stock
// (van or store) with what is still only on this device, the catalog
// searched in Chinese or English, and the defective parts waiting to go
// back to the brand.
type partsPage struct {
	t      *Terminal
	mode   *widget.RadioGroup
	query  *scanEntry
	list   *widget.List
	status *widget.Label
	root   fyne.CanvasObject

	// Owned by the UI goroutine.
	rows []partRow
	seq  int // the latest load; older answers are dropped
}

// partRow is one line of the page.
type partRow struct {
	part    app.Part
	qty     int
	pending int
	where   string
	// request is set on the requests list: a ticket waiting for parts.
	request *app.Ticket
}

// Part page modes.
var partModes = []string{"stock", "catalog", "defective", "requests"}

func newPartsPage(t *Terminal) *partsPage {
	p := &partsPage{t: t}
	names := []string{
		lang.X("parts.mode.stock", "My stock"),
		lang.X("parts.mode.catalog", "Catalog"),
		lang.X("parts.mode.defective", "Defective returns"),
		lang.X("parts.mode.requests", "Requests"),
	}
	p.mode = widget.NewRadioGroup(names, nil)
	p.mode.Horizontal = true
	p.mode.Required = true
	p.mode.SetSelected(names[0])
	p.mode.OnChanged = func(string) { p.load() }
	p.query = newScanEntry(t.keys)
	p.query.SetPlaceHolder(lang.X("parts.search_hint", "Part number, name (中文 or English), or scan its label"))
	p.query.OnChanged = func(string) { p.load() }
	p.list = widget.NewList(func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newTwoLineRow("part name", "number · stock") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.rows) {
				return
			}
			r := p.rows[i]
			title, subLabel := twoLineRow(o)
			if r.request != nil {
				title.SetText(r.request.Number + " · " + r.request.Product.Brand + " " + r.request.Product.Model)
				subLabel.SetText(r.request.StatusReason + " · " + timeText(r.request.UpdatedAt))
				return
			}
			title.SetText(partName(r.part))
			sub := string(r.part.Number)
			switch {
			case r.where != "":
				sub += " · " + lang.X("parts.qty_at", "{{.Qty}} at {{.Where}}", map[string]any{"Qty": r.qty, "Where": r.where})
			default:
				sub += " · " + lang.X("parts.qty", "Quantity") + " " + fmt.Sprint(r.qty)
			}
			if r.pending != 0 {
				sub += " · " + lang.X("parts.pending", "{{.Count}} not yet synced", map[string]any{"Count": r.pending})
			}
			if price, ok := r.part.Price(currencyOf(t.deps.Country)); ok {
				sub += " · " + moneyText(price)
			}
			subLabel.SetText(sub)
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		switch {
		case i >= len(p.rows):
		case p.rows[i].request != nil:
			t.openTicket(p.rows[i].request.ID)
		default:
			t.findPart(scanner.Meaning{Kind: scanner.ScanPart, Part: p.rows[i].part.Number}, false)
		}
		p.list.UnselectAll()
	}
	p.status = lowLabel("")
	p.root = container.NewBorder(container.NewPadded(container.NewVBox(p.query, p.mode)), p.status, nil, nil, p.list)
	return p
}

// currencyOf is the currency prices show in: the one of the technician's
// country, as warranty rule sets price in it.
func currencyOf(country string) string {
	switch strings.ToUpper(country) {
	case "CN":
		return "CNY"
	case "FR", "ES", "PT", "DE", "IT":
		return "EUR"
	case "BR":
		return "BRL"
	case "MX":
		return "MXN"
	}
	return "USD"
}

func (p *partsPage) modeName() string {
	for i, n := range p.mode.Options {
		if n == p.mode.Selected {
			return partModes[i]
		}
	}
	return "stock"
}

// load fills the list for the mode and query, in the background.
func (p *partsPage) load() {
	t := p.t
	mode, q := p.modeName(), strings.TrimSpace(p.query.Text)
	p.seq++
	seq := p.seq
	p.status.SetText(lang.X("parts.loading", "Loading…"))
	t.deps.Run(func() {
		rows, where, err := p.fetch(mode, q)
		fyne.Do(func() {
			if seq != p.seq {
				return
			}
			if err != nil {
				p.status.SetText(errorText(err))
				return
			}
			p.rows = rows
			p.list.Refresh()
			text := lang.XN("parts.count", "{{.Count}} parts", len(rows), map[string]any{"Count": len(rows)})
			if where != "" {
				text = where + " · " + text
			}
			p.status.SetText(text)
		})
	})
}

// fetch returns the rows and, for a stock list, the location's name.
func (p *partsPage) fetch(mode, q string) ([]partRow, string, error) {
	t := p.t
	if mode == "requests" {
		// A part request is a ticket waiting for parts, with the parts
		// named in its reason: what dispatch ships against.
		tickets, _, err := t.deps.Tickets.FindTickets(t.ctx, app.TicketFilter{View: app.ViewWaitingParts, Technician: t.deps.Technician, Query: q, Now: t.deps.Now(), Limit: pageSize})
		if err != nil {
			return nil, "", err
		}
		rows := make([]partRow, len(tickets))
		for i := range tickets {
			rows[i] = partRow{request: &tickets[i]}
		}
		return rows, "", nil
	}
	stock, defective, err := t.myLocations()
	if mode == "catalog" {
		parts, ferr := t.deps.Parts.FindParts(t.ctx, app.PartFilter{Query: q, Limit: 200})
		if ferr != nil {
			return nil, "", ferr
		}
		have := map[app.PartNumber]app.Balance{}
		if err == nil {
			bal, berr := t.deps.Parts.Balances(t.ctx, stock.ID)
			if berr != nil {
				return nil, "", berr
			}
			for _, b := range bal {
				have[b.Part] = b
			}
		}
		rows := make([]partRow, 0, len(parts))
		for _, pt := range parts {
			r := partRow{part: pt}
			if err == nil {
				r.qty, r.pending, r.where = have[pt.Number].Qty, have[pt.Number].Pending, stock.Name
			}
			rows = append(rows, r)
		}
		return rows, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	loc := stock
	if mode == "defective" {
		loc = defective
		if loc.ID == "" {
			return nil, "", app.Errorf(app.ENOTFOUND, "parts.no_defective_bin", "No defective-returns bin is assigned to you on this device.")
		}
	}
	bal, err := t.deps.Parts.Balances(t.ctx, loc.ID)
	if err != nil {
		return nil, "", err
	}
	rows := make([]partRow, 0, len(bal))
	for _, b := range bal {
		if b.Qty == 0 && b.Pending == 0 {
			continue
		}
		pt, err := t.deps.Parts.Part(t.ctx, b.Part)
		if err != nil {
			pt = app.Part{Number: b.Part, NameEN: string(b.Part)}
		}
		if q != "" && !matchesPart(pt, q) {
			continue
		}
		rows = append(rows, partRow{part: pt, qty: b.Qty, pending: b.Pending})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].part.Number < rows[j].part.Number })
	return rows, loc.Name, nil
}

// matchesPart filters the stock list by number prefix or name words.
func matchesPart(p app.Part, q string) bool {
	q = strings.ToLower(q)
	if strings.HasPrefix(strings.ToLower(string(p.Number)), q) {
		return true
	}
	text := strings.ToLower(p.NameEN + " " + p.NameZH + " " + p.Category)
	for _, w := range strings.Fields(q) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// PartsShown returns the parts page's lines as text, for tests.
func (t *Terminal) PartsShown() []string {
	if t.parts == nil {
		return nil
	}
	out := make([]string, len(t.parts.rows))
	for i, r := range t.parts.rows {
		if r.request != nil {
			out[i] = r.request.Number + " " + r.request.StatusReason
			continue
		}
		out[i] = fmt.Sprintf("%s %d %d", r.part.Number, r.qty, r.pending)
	}
	return out
}

// ShowParts opens the parts page in mode ("stock", "catalog",
// "defective" or "requests") with query, for tests and the keyboard.
func (t *Terminal) ShowParts(mode, query string) {
	if t.parts == nil {
		return
	}
	t.tabs.SelectIndex(1)
	for i, m := range partModes {
		if m == mode {
			t.parts.mode.SetSelected(t.parts.mode.Options[i])
		}
	}
	t.parts.query.SetText(query)
	t.parts.load()
}

// newTwoLineRow is a list row of a bold title over a line of detail, both
// cut short with an ellipsis; the texts size the row.
func newTwoLineRow(title, sub string) fyne.CanvasObject {
	t := widget.NewLabel(title)
	t.TextStyle.Bold = true
	t.Truncation = fyne.TextTruncateEllipsis
	s := widget.NewLabel(sub)
	s.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(t, s)
}

// twoLineRow returns the labels of a row made by newTwoLineRow.
func twoLineRow(o fyne.CanvasObject) (title, sub *widget.Label) {
	box := o.(*fyne.Container)
	return box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Label)
}

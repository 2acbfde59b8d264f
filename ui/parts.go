package ui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// partsEnv is what the parts screens (the parts page, the add-part
// dialog, the part card) read: the catalog and stock, who "I" am, and
// where slow work runs. It is a value: each screen keeps its own copy.
type partsEnv struct {
	ctx     context.Context
	parts   app.PartService
	tickets app.TicketService
	tech    app.TechnicianID
	store   app.StoreID
	country string
	now     func() time.Time
	zone    *time.Location // the session's (Deps.Zone)
	run     func(func())
	keys    *wedgeKeys
	// supply is Deps.Supply: nil requests a part by the ticket's wait
	// reason alone.
	supply app.SupplyService
	// canSave is set when the device may save (Deps.Commit): reporting
	// stock and counting it are offered then.
	canSave bool
	actor   app.Actor
	// counts is Deps.Counts: nil keeps no count across a restart.
	counts app.CountDraftService
}

// partsEnv is the terminal's, for its parts screens.
func (t *Terminal) partsEnv() partsEnv {
	return partsEnv{ctx: t.ctx, parts: t.deps.Parts, tickets: t.deps.Tickets, tech: t.deps.Technician, store: t.deps.Store,
		country: t.deps.Country, now: t.deps.Now, zone: t.deps.Zone, run: t.deps.Run, keys: t.keys, supply: t.deps.Supply,
		canSave: t.deps.Commit != nil, actor: t.deps.Actor, counts: t.deps.Counts}
}

// myLocations returns the technician's own stock location and defective
// bin, from the locations on the device: their van if they have one (a
// field engineer who also belongs to a store fits parts from the van),
// else their store's shelf; and the bin of the same owner, so that parts
// removed from a van go into the van's bin, not the store's.
func (e partsEnv) myLocations() (stock, defective app.Location, err error) {
	locs, err := e.parts.Locations(e.ctx)
	if err != nil {
		return stock, defective, err
	}
	mine := func(l app.Location) bool {
		return l.Owner == string(e.tech) || e.store != "" && l.Owner == string(e.store)
	}
	for _, l := range locs {
		if mine(l) && (l.Kind == app.LocationVan || l.Kind == app.LocationStore) && (stock.ID == "" || l.Kind == app.LocationVan) {
			stock = l
		}
	}
	if stock.ID == "" {
		return stock, defective, app.Errorf(app.ENOTFOUND, "parts.no_stock_location", "No van or store stock is assigned to you on this device. Sync, or ask dispatch to assign one.")
	}
	for _, l := range locs {
		if l.Kind == app.LocationDefective && mine(l) && (defective.ID == "" || l.Owner == stock.Owner && defective.Owner != stock.Owner) {
			defective = l
		}
	}
	return stock, defective, nil
}

// damagedBin returns the defective bin where parts that arrive damaged
// at loc wait to be sent back: the one of loc's owner (a van's bin for
// the van, the store's for its shelf), as the receipt's rule wants; no
// ID when the device holds none.
func (e partsEnv) damagedBin(loc app.LocationID) (app.Location, error) {
	locs, err := e.parts.Locations(e.ctx)
	if err != nil {
		return app.Location{}, err
	}
	i := slices.IndexFunc(locs, func(l app.Location) bool { return l.ID == loc })
	if i < 0 || locs[i].Owner == "" {
		return app.Location{}, nil
	}
	owner := locs[i].Owner
	for _, l := range locs {
		if l.Kind == app.LocationDefective && l.Owner == owner {
			return l, nil
		}
	}
	return app.Location{}, nil
}

// quantities returns the quantity of each part at loc.
func (e partsEnv) quantities(loc app.LocationID) (map[app.PartNumber]int, error) {
	bal, err := e.parts.Balances(e.ctx, loc)
	if err != nil {
		return nil, err
	}
	out := make(map[app.PartNumber]int, len(bal))
	for _, b := range bal {
		out[b.Part] += b.Qty
	}
	return out, nil
}

// commitHost saves the user's actions: in the background, reloading the
// open ticket and the list, telling the user when it fails.
type commitHost interface {
	commit(cmd app.Command, done func())
}

// pageHost is what the parts page asks of the terminal around it.
type pageHost interface {
	openTicket(id app.TicketID)
	// showPartCard shows the card of part number n.
	showPartCard(n app.PartNumber)
}

// terminalParts is the terminal as the parts screens see it: an adapter,
// so that the terminal's own methods stay its own.
type terminalParts struct{ t *Terminal }

var (
	_ pageHost   = terminalParts{}
	_ pickerHost = terminalParts{}
	_ cardHost   = terminalParts{}
)

func (h terminalParts) commit(cmd app.Command, done func())    { h.t.commit(cmd, done) }
func (h terminalParts) showError(err error)                    { h.t.showError(err) }
func (h terminalParts) say(failed bool, text string)           { h.t.say(failed, text) }
func (h terminalParts) window() fyne.Window                    { return h.t.win }
func (h terminalParts) present(d dialog.Dialog, submit func()) { h.t.present(d, submit) }
func (h terminalParts) openTicket(id app.TicketID)             { h.t.openTicket(id) }
func (h terminalParts) addPart(tk app.Ticket, query string)    { h.t.addPart(tk, query) }
func (h terminalParts) showStock(query string)                 { h.t.ShowParts("stock", query) }
func (h terminalParts) requestPart(tk app.Ticket, p app.Part, n int, to app.Location) {
	h.t.requestPart(tk, p, n, to)
}

func (h terminalParts) presentForm(d dialog.Dialog, submit func(), next func(fyne.CanvasObject) bool, leave func()) {
	h.t.presentForm(d, submit, next, leave)
}

func (h terminalParts) showDialog(title string, content fyne.CanvasObject) {
	h.t.showDialog(title, content)
}

func (h terminalParts) showPartCard(n app.PartNumber) {
	h.t.openPart(scanner.Meaning{Kind: scanner.ScanPart, Part: n}, false, false)
}

// hideDialog closes the part or label dialog, if one is open.
func (h terminalParts) hideDialog() {
	if h.t.dialog != nil {
		h.t.dialog.Hide()
	}
}

// workTicket is the ticket open beside the list when it is in progress and
// this device may save work.
func (h terminalParts) workTicket() (app.Ticket, bool) {
	tk, ok := h.t.detail.ticket()
	if !ok || h.t.deps.Commit == nil || tk.Status != app.StatusInProgress {
		return app.Ticket{}, false
	}
	return tk, true
}

// partsPage is the parts and stock screen: the technician's own stock
// (van or store) with what is still only on this device, the catalog
// searched in Chinese or English, and the defective parts waiting to go
// back to the brand.
type partsPage struct {
	env    partsEnv
	host   pageHost
	mode   *scanSelect // a drop-down, not radio buttons: a radio button keeps the focus a tap gave it and swallows a scan
	query  *scanEntry
	list   *scanList
	status *widget.Label
	// shipBack opens the ship-back dialog, in the defective returns.
	shipBack *widget.Button
	// count opens the stock count, in the technician's own stock.
	count *widget.Button
	// nothing says that a search found nothing here, over the empty list
	// (which stood blank without a word); in the technician's stock,
	// toCatalog searches the catalog for the same words.
	nothing   *widget.Label
	toCatalog *widget.Button
	empty     *fyne.Container
	root      fyne.CanvasObject

	// Owned by the UI goroutine.
	rows  []partRow
	loads coalescer
}

// partRow is one line of the page.
type partRow struct {
	part    app.Part
	qty     int
	pending int
	where   string
	// request is set on the requests list: a ticket waiting for parts.
	request *app.Ticket
	// from names the tickets a defective part was removed on, with their
	// customers.
	from string
}

// Part page modes.
var partModes = []string{"stock", "catalog", "defective", "requests"}

// newPartsPage builds the page; returns, when set, ships the defective
// bin back (nil: the device cannot save, or has no shipments).
// stocks, when set, counts the technician's stock (nil: the device cannot
// save).
func newPartsPage(env partsEnv, host pageHost, returns returnHost, stocks stockHost) *partsPage {
	p := &partsPage{env: env, host: host}
	names := []string{
		lang.X("parts.mode.stock", "My stock"),
		lang.X("parts.mode.catalog", "Catalog"),
		lang.X("parts.mode.defective", "Defective returns"),
		lang.X("parts.mode.requests", "Requests"),
	}
	p.mode = newScanSelect(env.keys, names, nil)
	p.mode.SetSelectedIndex(0)
	p.shipBack = widget.NewButtonWithIcon(lang.X("returns.open", "Ship back…"), theme.MailSendIcon(), func() {
		openReturnForm(env, returns, p.load)
	})
	p.shipBack.Hide()
	p.count = widget.NewButtonWithIcon(lang.X("count.open", "Count stock"), theme.DocumentCreateIcon(), func() {
		p.count.Disable() // once: a second tap while it opens opened it twice
		openCount(env, stocks, p.load, func(text string) {
			if text == "" {
				p.count.Enable()
				p.load()
				return
			}
			p.status.SetText(text)
		})
	})
	if stocks == nil {
		p.count.Hide()
	}
	p.mode.OnChanged = func(string) {
		if returns != nil && p.modeName() == "defective" {
			p.shipBack.Show()
		} else {
			p.shipBack.Hide()
		}
		if stocks != nil && p.modeName() == "stock" {
			p.count.Show()
		} else {
			p.count.Hide()
		}
		p.load()
	}
	p.query = newScanEntry(env.keys)
	p.query.SetPlaceHolder(lang.X("parts.search_hint", "Part number, name in any language, or scan its label"))
	p.query.OnChanged = func(string) { p.load() }
	p.list = newScanList(env.keys, func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newTwoLineRow("part name", "number · stock") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.rows) {
				p.showRow(p.rows[i], o)
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		switch {
		case i >= len(p.rows):
		case p.rows[i].request != nil:
			host.openTicket(p.rows[i].request.ID)
		default:
			host.showPartCard(p.rows[i].part.Number)
		}
		p.list.UnselectAll()
	}
	p.status = lowLabel("")
	p.nothing = widget.NewLabel("")
	p.nothing.Wrapping = fyne.TextWrapWord
	p.toCatalog = widget.NewButtonWithIcon(lang.X("parts.search_catalog", "Search the catalog"), theme.SearchIcon(), func() {
		p.mode.SetSelectedIndex(slices.Index(partModes, "catalog"))
	})
	p.empty = container.NewVBox(p.nothing, container.NewHBox(p.toCatalog))
	p.empty.Hide()
	center := container.NewStack(p.list, container.NewPadded(p.empty))
	p.root = container.NewBorder(container.NewPadded(container.NewVBox(p.query, p.mode)), container.NewBorder(nil, nil, nil, container.NewHBox(p.shipBack, p.count), p.status), nil, nil, center)
	return p
}

// showNothing says, over the empty list, that the search for q found
// nothing in mode, and in the technician's stock offers the catalog; it
// hides when there are rows or no words were typed (an empty stock says
// so on the status line).
func (p *partsPage) showNothing(mode, q string, rows int) {
	if rows > 0 || q == "" {
		p.empty.Hide()
		return
	}
	data := map[string]any{"Query": q}
	switch mode {
	case "stock":
		p.nothing.SetText(lang.X("parts.nothing_in_stock", "Nothing in your stock matches \"{{.Query}}\".", data))
		p.toCatalog.Show()
	case "catalog":
		p.nothing.SetText(lang.X("parts.nothing", "No part matches \"{{.Query}}\". Try fewer letters, another word, or the number on the part's label. A part the catalog lacks: tell dispatch in a note.", data))
		p.toCatalog.Hide()
	default:
		p.nothing.SetText(lang.X("parts.nothing_here", "Nothing here matches \"{{.Query}}\".", data))
		p.toCatalog.Hide()
	}
	p.empty.Show()
}

// showRow fills a list row with r. Each label is refreshed once: a
// refresh lays its text out again, the most of a keystroke's cost.
func (p *partsPage) showRow(r partRow, o fyne.CanvasObject) {
	title, sub := twoLineRow(o)
	title.Text, sub.Text, sub.Importance = p.rowText(r)
	title.Refresh()
	sub.Refresh()
}

// rowText is a row's title, detail and the detail's importance.
func (p *partsPage) rowText(r partRow) (title, sub string, importance widget.Importance) {
	if r.request != nil {
		return r.request.Number + " · " + r.request.Product.Brand + " " + r.request.Product.Model,
			r.request.StatusReason + " · " + timeText(p.env.zone, r.request.UpdatedAt), widget.MediumImportance
	}
	importance = widget.MediumImportance
	sub = string(r.part.Number)
	switch {
	case r.where != "":
		sub += " · " + lang.X("parts.qty_at", "{{.Qty}} at {{.Where}}", map[string]any{"Qty": countText(r.qty), "Where": r.where})
	default:
		// One text, not "Quantity" and a space and the number: Chinese
		// glues its count to the word (数量3), which Fyne then cannot part.
		sub += " · " + lang.X("parts.qty_row", "Quantity {{.Qty}}", map[string]any{"Qty": countText(r.qty)})
	}
	if r.pending != 0 {
		sub += " · " + lang.X("parts.pending", "{{.Count}} not yet synced", map[string]any{"Count": countText(r.pending)})
	}
	if r.from != "" {
		sub += " · " + lang.X("parts.returned_from", "from {{.Tickets}}", map[string]any{"Tickets": r.from})
	}
	if price, ok := r.part.Price(currencyOf(p.env.country)); ok {
		sub += " · " + moneyText(price)
	}
	if r.qty < 0 {
		// The ledger keeps every fact, so a count can go below zero: a
		// part fitted before the move that brought it was recorded. The
		// row says what to do in words a phone's row holds (the longer
		// explanation was cut at "Count the p…"); the part's card, a tap
		// away, says why.
		sub += " · " + lang.X("parts.negative_short", "Below zero: count it")
		importance = widget.DangerImportance
	}
	return partName(r.part), sub, importance
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
	if i := p.mode.SelectedIndex(); i >= 0 {
		return partModes[i]
	}
	return "stock"
}

// coalescer keeps to one background load at a time, so that typing, or a
// scanner's burst of keys, does not start a search per key: a load asked
// for while one runs is remembered, and when the running one ends its
// answer is dropped and only the latest runs. Owned by the UI goroutine.
type coalescer struct{ running, again bool }

// start reports whether to start a load now.
func (c *coalescer) start() bool {
	if c.running {
		c.again = true
		return false
	}
	c.running = true
	return true
}

// done ends a load and reports whether its answer is current; when not,
// the caller starts the latest.
func (c *coalescer) done() bool {
	c.running = false
	if c.again {
		c.again = false
		return false
	}
	return true
}

// catalogLimit bounds a catalog page: more than a technician reads, few
// enough to list at once; typing narrows it.
const catalogLimit = 200

// partsAnswer is what a load finds: the rows, and for the status line the
// location listed and, in the catalog, how many parts match in all.
type partsAnswer struct {
	rows  []partRow
	where string
	total int
}

// load fills the list for the mode and query, in the background.
func (p *partsPage) load() {
	mode, q := p.modeName(), strings.TrimSpace(p.query.Text)
	if !p.loads.start() {
		return
	}
	p.status.SetText(lang.X("parts.loading", "Loading…"))
	p.env.run(func() {
		a, err := p.env.fetch(mode, q)
		fyne.Do(func() {
			if !p.loads.done() {
				p.load() // the query changed meanwhile
				return
			}
			if err != nil {
				p.status.SetText(errorText(err))
				p.empty.Hide()
				return
			}
			p.rows = a.rows
			p.list.Refresh()
			p.showNothing(mode, q, len(a.rows))
			text := lang.XN("parts.count", "{{.Count}} parts", len(a.rows), map[string]any{"Count": countText(len(a.rows))})
			if a.total > len(a.rows) {
				data := map[string]any{"Shown": countText(len(a.rows)), "Total": countText(a.total)}
				text = lang.X("parts.showing", "Showing {{.Shown}} of {{.Total}}: type to narrow", data)
				if q != "" {
					// Already typing: "type to narrow" read as if the
					// search had not been taken (walk4).
					text = lang.X("parts.showing_found", "{{.Total}} found, {{.Shown}} shown: refine the search", data)
				}
			}
			if a.where != "" {
				text = a.where + " · " + text
			}
			p.status.SetText(text)
		})
	})
}

// fetch returns what the page lists for mode and q.
func (e partsEnv) fetch(mode, q string) (partsAnswer, error) {
	if mode == "requests" {
		// A part request is a ticket waiting for parts, with the parts
		// named in its reason: what dispatch ships against.
		tickets, _, err := e.tickets.FindTickets(e.ctx, app.TicketFilter{View: app.ViewWaitingParts, Technician: e.tech, Query: q, Now: e.now(), Limit: pageSize})
		if err != nil {
			return partsAnswer{}, err
		}
		rows := make([]partRow, len(tickets))
		for i := range tickets {
			rows[i] = partRow{request: &tickets[i]}
		}
		return partsAnswer{rows: rows}, nil
	}
	stock, defective, err := e.myLocations()
	if mode == "catalog" {
		return e.catalog(q, stock, err == nil)
	}
	if err != nil {
		return partsAnswer{}, err
	}
	loc := stock
	if mode == "defective" {
		loc = defective
		if loc.ID == "" {
			return partsAnswer{}, app.Errorf(app.ENOTFOUND, "parts.no_defective_bin", "No defective-returns bin is assigned to you on this device.")
		}
	}
	bal, err := e.parts.Balances(e.ctx, loc.ID)
	if err != nil {
		return partsAnswer{}, err
	}
	rows := make([]partRow, 0, len(bal))
	for _, b := range bal {
		if b.Qty == 0 && b.Pending == 0 {
			continue
		}
		pt, err := e.parts.Part(e.ctx, b.Part)
		if err != nil {
			pt = app.Part{Number: b.Part, NameEN: string(b.Part)}
		}
		if q != "" && !matchesPart(pt, q) {
			continue
		}
		rows = append(rows, partRow{part: pt, qty: b.Qty, pending: b.Pending})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].part.Number < rows[j].part.Number })
	if mode == "defective" {
		if err := e.nameSources(loc.ID, rows); err != nil {
			return partsAnswer{}, err
		}
	}
	return partsAnswer{rows: rows, where: loc.Name}, nil
}

// maxSources bounds the tickets named on one line of the defective
// returns: the latest ones, as the oldest have likely shipped.
const maxSources = 3

// nameSources names, on each line of a defective bin, the tickets its
// parts were removed on, with their customers: the returns of one part
// are told apart by the repair they came from.
func (e partsEnv) nameSources(bin app.LocationID, rows []partRow) error {
	numbers := make([]app.PartNumber, len(rows))
	for i, r := range rows {
		numbers[i] = r.part.Number
	}
	arrivals, err := e.parts.Arrivals(e.ctx, bin, numbers, maxSources)
	if err != nil {
		return err
	}
	names := map[app.TicketID]string{}
	from := map[app.PartNumber][]string{}
	for _, m := range arrivals {
		if m.Ticket == "" && m.Shipment != "" && (m.Kind == app.MoveReceive || m.Kind == app.MoveAdjust) {
			// Received into the bin: a part that arrived damaged in a
			// parcel (shipment.receive), with what was wrong. A first
			// sync brings it as an opening that keeps the parcel; its
			// reason is then the note, or app.OpeningReason for none.
			name := lang.X("parts.arrived_damaged", "a parcel that arrived damaged")
			note := strings.TrimSpace(m.Reason)
			if m.Kind == app.MoveAdjust && note == app.OpeningReason {
				note = ""
			}
			if note != "" {
				name = lang.X("parts.arrived_damaged_note", "a parcel that arrived damaged ({{.Note}})", map[string]any{"Note": clipText(note)})
			}
			if !slices.Contains(from[m.Part], name) {
				from[m.Part] = append(from[m.Part], name)
			}
			continue
		}
		if m.Ticket == "" && (m.Kind == app.MoveTransfer || m.Kind == app.MoveAdjust && m.Source == app.MoveTransfer) && strings.TrimSpace(m.Reason) != "" {
			// Moved in by a report of damage (the part card's Lost or
			// damaged…), with what happened, who reported it and when; a
			// first sync brings it as an opening whose source is the
			// transfer (PROTOCOL.md, Pull).
			note := clipText(strings.TrimSpace(m.Reason))
			name := lang.X("parts.reported_damaged_note", "a report of damage ({{.Note}})", map[string]any{"Note": note})
			if who := strings.TrimSpace(m.Recorded); who != "" && !m.At.IsZero() {
				name = lang.X("parts.reported_damaged_by", "a report of damage ({{.Note}}) by {{.Who}} on {{.Date}}",
					map[string]any{"Note": note, "Who": clipText(who), "Date": dateText(e.zone, m.At)})
			}
			if !slices.Contains(from[m.Part], name) {
				from[m.Part] = append(from[m.Part], name)
			}
			continue
		}
		if m.Ticket == "" {
			continue
		}
		name, ok := names[m.Ticket]
		if !ok {
			d, err := e.tickets.TicketDetail(e.ctx, m.Ticket)
			switch {
			case err == nil:
				name = d.Ticket.Number + " (" + d.Ticket.Customer.Name + ")"
			case app.ErrorCode(err) == app.ENOTFOUND:
				// A ticket no longer on the device: its number is the
				// movement's reason.
				name = m.Reason
			default:
				return err
			}
			names[m.Ticket] = name
		}
		if name != "" && !slices.Contains(from[m.Part], name) {
			from[m.Part] = append(from[m.Part], name)
		}
	}
	for i := range rows {
		rows[i].from = strings.Join(from[rows[i].part.Number], ", ")
	}
	return nil
}

// catalog lists the catalog's parts matching q (the first page when q is
// empty) with the quantity in the technician's stock, parts in stock
// first. haveStock is false when no stock location is the technician's.
func (e partsEnv) catalog(q string, stock app.Location, haveStock bool) (partsAnswer, error) {
	parts, err := e.parts.FindParts(e.ctx, app.PartFilter{Query: q, Limit: catalogLimit})
	if err != nil {
		return partsAnswer{}, err
	}
	total := len(parts)
	if total == catalogLimit {
		if total, err = e.parts.CountParts(e.ctx, app.PartFilter{Query: q}); err != nil {
			return partsAnswer{}, err
		}
	}
	have := map[app.PartNumber]app.Balance{}
	if haveStock {
		bal, err := e.parts.Balances(e.ctx, stock.ID)
		if err != nil {
			return partsAnswer{}, err
		}
		for _, b := range bal {
			have[b.Part] = b
		}
		if q == "" {
			// The first page starts with the parts in stock, whatever
			// their number.
			numbers := map[app.PartNumber]int{}
			for _, b := range bal {
				numbers[b.Part] = b.Qty
			}
			mine, err := e.stockParts(numbers, catalogLimit)
			if err != nil {
				return partsAnswer{}, err
			}
			parts = mergeParts(mine, parts, catalogLimit)
		}
	}
	rows := make([]partRow, 0, len(parts))
	for _, pt := range parts {
		r := partRow{part: pt}
		if haveStock {
			r.qty, r.pending, r.where = have[pt.Number].Qty, have[pt.Number].Pending, stock.Name
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].qty > 0 && rows[j].qty <= 0 })
	return partsAnswer{rows: rows, total: max(total, len(rows))}, nil
}

// mergeParts returns first, then the parts of rest not in first, at most
// limit in all.
func mergeParts(first, rest []app.Part, limit int) []app.Part {
	seen := map[app.PartNumber]bool{}
	out := make([]app.Part, 0, limit)
	for _, list := range [][]app.Part{first, rest} {
		for _, p := range list {
			if len(out) < limit && !seen[p.Number] {
				seen[p.Number] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// matchesPart filters the stock list by number prefix or name words,
// compared folded (app.Fold), as the catalog's search compares them: a
// number typed in full-width or a name without its ligature finds the
// van's part as it finds the catalog's.
func matchesPart(p app.Part, q string) bool {
	q = app.Fold(q)
	if strings.HasPrefix(app.Fold(string(p.Number)), q) {
		return true
	}
	// Every name the catalog's search finds the part by (app.Part.SearchNames),
	// in whatever language the app is in: a French technician types
	// "pompe" on a tablet set to English.
	en, zh, others := p.SearchNames()
	text := en + " " + zh + "\n" + others + "\n" + app.Fold(p.Category)
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
			t.parts.mode.SetSelectedIndex(i)
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

package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// maxShipmentsShown bounds the shipments the page reads: those in transit
// come first, then the latest received.
const maxShipmentsShown = 50

// onWayHost is what the parts-on-the-way page asks of the terminal.
type onWayHost interface {
	committer
	dialogTracker
	showError(err error)
	openTicket(id app.TicketID)
	// receiving is told of the receive dialog open, nil when it closes: a
	// scan counts a part into it.
	receiving(r *receiveFlow)
	// scanUndone is told that the line a counted scan's note describes
	// was changed by hand: the note goes, or says text instead.
	scanUndone(text string)
	// inTransit is told how many shipments are on their way to me.
	inTransit(n int)
	// presentLeaving shows a dialog whose Escape runs leave, which asks
	// before typing goes (leaveTyped).
	presentLeaving(d dialog.Dialog, leave func())
	// shipmentPapers are the buttons that print a shipment's label and
	// packing list, none when the device cannot write them.
	shipmentPapers(s app.Shipment) []fyne.CanvasObject
}

// onWayPage lists the shipments on their way to and from the
// technician's locations, their open part requests and what arrived
// lately; a parcel's label, scanned or typed, opens its receipt.
type onWayPage struct {
	env    partsEnv
	host   onWayHost
	code   *scanEntry
	body   *fyne.Container
	status *widget.Label
	root   fyne.CanvasObject

	// Owned by the UI goroutine.
	loads    coalescer
	shown    onWayView
	loadList *loadList // the last what-to-load dialog opened
}

// onWayView is what a load reads.
type onWayView struct {
	mine      map[app.LocationID]app.Location // the technician's own
	all       map[app.LocationID]app.Location
	shipments []app.Shipment
	requests  []app.PartRequest
	numbers   map[app.TicketID]string
	names     map[app.PartNumber]app.Part
}

func newOnWayPage(env partsEnv, host onWayHost) *onWayPage {
	p := &onWayPage{env: env, host: host}
	p.code = newScanEntry(env.keys)
	p.code.SetPlaceHolder(lang.X("onway.code_hint", "Scan the parcel label, or type its tracking number"))
	p.code.OnSubmitted = func(s string) { p.find(s) }
	find := widget.NewButtonWithIcon(lang.X("onway.receive", "Receive"), theme.DownloadIcon(), func() { p.find(p.code.Text) })
	find.Importance = widget.HighImportance
	p.body = container.NewVBox()
	p.status = lowLabel("")
	load := widget.NewButtonWithIcon(lang.X("load.title", "What to load"), theme.ListIcon(), func() { p.loadList = openLoadList(env, host) })
	top := container.NewPadded(container.NewVBox(container.NewBorder(nil, nil, nil, find, p.code), container.NewHBox(load)))
	p.root = container.NewBorder(top, p.status, nil, nil, wheelPage(container.NewVScroll(p.body)))
	return p
}

// load reads the page in the background.
func (p *onWayPage) load() {
	if !p.loads.start() {
		return
	}
	p.status.SetText(lang.X("parts.loading", "Loading…"))
	p.env.run(func() {
		v, err := p.env.fetchOnWay()
		fyne.Do(func() {
			if !p.loads.done() {
				p.load()
				return
			}
			if err != nil {
				p.status.SetText(errorText(err))
				return
			}
			p.shown = v
			p.render()
		})
	})
}

// fetchOnWay reads the shipments to and from the technician's locations
// and their open requests.
func (e partsEnv) fetchOnWay() (onWayView, error) {
	v := onWayView{mine: map[app.LocationID]app.Location{}, all: map[app.LocationID]app.Location{}, numbers: map[app.TicketID]string{}, names: map[app.PartNumber]app.Part{}}
	locs, err := e.parts.Locations(e.ctx)
	if err != nil {
		return v, err
	}
	var ids []app.LocationID
	for _, l := range locs {
		v.all[l.ID] = l
		if l.Owner != "" && (l.Owner == string(e.tech) || e.store != "" && l.Owner == string(e.store)) {
			v.mine[l.ID] = l
			ids = append(ids, l.ID)
		}
	}
	if len(ids) > 0 {
		if v.shipments, err = e.supply.Shipments(e.ctx, ids, maxShipmentsShown); err != nil {
			return v, err
		}
	}
	if v.requests, err = e.supply.OpenPartRequests(e.ctx); err != nil {
		return v, err
	}
	for _, r := range v.requests {
		// Every request's parts are named, also the second request of
		// a ticket whose number is already known.
		for _, n := range []app.PartNumber{r.Part, r.Substitute} {
			if n == "" {
				continue
			}
			if err := e.namePart(v.names, n); err != nil {
				return v, err
			}
		}
		if _, ok := v.numbers[r.Ticket]; ok {
			continue
		}
		d, err := e.tickets.TicketDetail(e.ctx, r.Ticket)
		switch {
		case err == nil:
			v.numbers[r.Ticket] = d.Ticket.Number
		case app.ErrorCode(err) != app.ENOTFOUND:
			return v, err
		}
	}
	return v, nil
}

// namePart reads part n's catalog entry into names; a part the catalog
// on this device does not list yet is named by its number.
func (e partsEnv) namePart(names map[app.PartNumber]app.Part, n app.PartNumber) error {
	if _, ok := names[n]; ok {
		return nil
	}
	p, err := e.parts.Part(e.ctx, n)
	if app.ErrorCode(err) == app.ENOTFOUND {
		p, err = app.Part{Number: n, NameEN: string(n)}, nil
	}
	names[n] = p
	return err
}

// incoming reports whether s is in transit to one of my locations.
func (v onWayView) incoming(s app.Shipment) bool {
	_, ok := v.mine[s.To]
	return ok && s.State == app.ShipmentInTransit
}

// locationName is a location's name, or its ID when the device does not
// know it.
func (v onWayView) locationName(id app.LocationID) string {
	if l, ok := v.all[id]; ok {
		return l.Name
	}
	return string(id)
}

// render shows the page's sections.
func (p *onWayPage) render() {
	v := p.shown
	var in, out, done []app.Shipment
	for _, s := range v.shipments {
		switch {
		case v.incoming(s):
			in = append(in, s)
		case s.State == app.ShipmentInTransit:
			out = append(out, s)
		default:
			done = append(done, s)
		}
	}
	p.host.inTransit(len(in))
	p.body.RemoveAll()
	section := func(title string, empty string, n int) {
		p.body.Add(heading(title))
		if n == 0 {
			p.body.Add(lowLabel(empty))
		}
	}
	section(lang.X("onway.incoming", "On the way to me"), lang.X("onway.incoming_none", "Nothing is on its way to you."), len(in))
	for _, s := range in {
		p.body.Add(p.shipmentRow(s, widget.NewButtonWithIcon(lang.X("onway.receive", "Receive"), theme.DownloadIcon(), func() { p.open(s) })))
	}
	section(lang.X("onway.outgoing", "Sent back"), lang.X("onway.outgoing_none", "No returns on their way."), len(out))
	for _, s := range out {
		p.body.Add(p.shipmentRow(s))
	}
	byID := map[string]app.Shipment{}
	for _, s := range v.shipments {
		byID[s.ID] = s
	}
	section(lang.X("onway.requests", "Open requests"), lang.X("onway.requests_none", "No open part requests."), len(v.requests))
	for _, r := range v.requests {
		number := v.numbers[r.Ticket]
		if number == "" {
			number = string(r.Ticket)
		}
		// The part asked for, as the ticket's card names it: a
		// substitute is named by the state's text.
		text := fmt.Sprintf("%s · %s × %s · %s", number, namedPart(v.names, r.Part), countText(r.Qty), requestStateText(r, v.names, byID))
		// The text wraps beside its button: a button's label does not,
		// and a substitute's reason would widen the page past a phone.
		b := widget.NewButtonWithIcon(lang.X("onway.open_ticket", "Open ticket"), theme.NavigateNextIcon(), func() { p.host.openTicket(r.Ticket) })
		b.Importance = widget.LowImportance
		p.body.Add(container.NewBorder(nil, nil, nil, b, wrapped(text)))
	}
	section(lang.X("onway.received", "Received lately"), lang.X("onway.received_none", "Nothing received lately."), len(done))
	for _, s := range done {
		p.body.Add(wrapped(p.shipmentText(s)))
	}
	p.status.SetText("")
	if len(in) > 0 {
		p.status.SetText(lang.XN("onway.count", "{{.Count}} shipments on their way to you", len(in), map[string]any{"Count": countText(len(in))}))
	}
}

// shipmentRow is a shipment's text with its buttons at the right: its
// papers' when the device writes them, then extra.
func (p *onWayPage) shipmentRow(s app.Shipment, extra ...fyne.CanvasObject) fyne.CanvasObject {
	buttons := append(p.host.shipmentPapers(s), extra...)
	text := wrapped(p.shipmentText(s))
	if len(buttons) == 0 {
		return text
	}
	return container.New(&besideOrUnder{}, append([]fyne.CanvasObject{text}, buttons...)...)
}

// besideOrUnder lays out a text (the first object) with its buttons (the
// rest): at its right, in a row as tall as the text, while they take at
// most half the width; else under it, in rows that wrap. A parcel's three
// buttons in a row were 400 dp wide in English and 490 in French, so on a
// 360 dp phone the page was laid out wider than the screen and Receive
// was off its edge, out of reach.
type besideOrUnder struct {
	// width is the width of the last layout, which decides the height
	// MinSize gives; 0 before the first.
	width float32
}

// buttonsRow is the width of objs in one row, padded.
func buttonsRow(objs []fyne.CanvasObject) float32 {
	w := theme.Padding() * float32(len(objs)-1)
	for _, o := range objs {
		w += o.MinSize().Width
	}
	return w
}

func (l *besideOrUnder) beside(objs []fyne.CanvasObject, width float32) bool {
	return buttonsRow(objs[1:]) <= width/2
}

func (l *besideOrUnder) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	text, buttons, pad := objs[0], objs[1:], theme.Padding()
	if l.beside(objs, size.Width) {
		x := size.Width - buttonsRow(buttons)
		text.Move(fyne.NewPos(0, 0))
		text.Resize(fyne.NewSize(x-pad, size.Height))
		for _, b := range buttons {
			b.Move(fyne.NewPos(x, 0))
			b.Resize(fyne.NewSize(b.MinSize().Width, size.Height))
			x += b.MinSize().Width + pad
		}
		return
	}
	text.Move(fyne.NewPos(0, 0))
	text.Resize(fyne.NewSize(size.Width, text.MinSize().Height))
	text.Resize(fyne.NewSize(size.Width, text.MinSize().Height)) // wrapped at this width
	pos := fyne.NewPos(0, text.Size().Height+pad)
	for _, b := range buttons {
		m := b.MinSize()
		if pos.X > 0 && pos.X+m.Width > size.Width {
			pos = fyne.NewPos(0, pos.Y+m.Height+pad)
		}
		b.Move(pos)
		b.Resize(m)
		pos.X += m.Width + pad
	}
}

func (l *besideOrUnder) MinSize(objs []fyne.CanvasObject) fyne.Size {
	text, buttons, pad := objs[0], objs[1:], theme.Padding()
	var widest, tallest float32
	for _, b := range buttons {
		widest = fyne.Max(widest, b.MinSize().Width)
		tallest = fyne.Max(tallest, b.MinSize().Height)
	}
	// Never wider than the text or the widest button: the row goes under
	// the text rather than past the screen's edge.
	w := fyne.Max(text.MinSize().Width, widest)
	if l.width == 0 || l.beside(objs, l.width) {
		return fyne.NewSize(w, fyne.Max(text.MinSize().Height, tallest))
	}
	rows, x := 1, float32(0)
	for _, b := range buttons {
		m := b.MinSize().Width
		if x > 0 && x+m > l.width {
			rows, x = rows+1, 0
		}
		x += m + pad
	}
	return fyne.NewSize(w, text.MinSize().Height+pad+float32(rows)*tallest+float32(rows-1)*pad)
}

// shipmentText says what a shipment is and where it stands.
func (p *onWayPage) shipmentText(s app.Shipment) string {
	v := p.shown
	units := 0
	for _, l := range s.Lines {
		units += l.Qty
	}
	via := strings.TrimSpace(s.Carrier + " " + s.Tracking)
	if via == "" {
		via = s.ID
	}
	var text string
	switch {
	case s.State == app.ShipmentReceived:
		text = lang.X("onway.received_line", "{{.Via}} · received {{.When}}", map[string]any{"Via": via, "When": timeText(p.env.zone, s.Receipt.At)})
		if n := len(s.Receipt.Differences); n > 0 {
			text += " · " + lang.XN("onway.differences", "{{.Count}} differences reported", n, map[string]any{"Count": countText(n)})
		}
	case v.incoming(s):
		text = lang.X("onway.incoming_line", "{{.Via}} · from {{.From}} · shipped {{.When}}", map[string]any{"Via": via, "From": v.locationName(s.From), "When": timeText(p.env.zone, s.At)})
	default:
		text = lang.X("onway.outgoing_line", "{{.Via}} · to {{.To}} · shipped {{.When}}", map[string]any{"Via": via, "To": v.locationName(s.To), "When": timeText(p.env.zone, s.At)})
	}
	return text + " · " + lang.XN("onway.units", "{{.Count}} parts", units, map[string]any{"Count": countText(units)})
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(breakable(text))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// find looks a parcel up by what its label holds (the shipment's ID) or
// its tracking number, and opens its receipt.
func (p *onWayPage) find(code string) {
	code = strings.TrimSpace(code)
	if code == "" {
		p.host.showError(app.Errorf(app.EINVALID, "onway.no_code", "Scan the parcel's label, or type its tracking number."))
		return
	}
	p.env.run(func() {
		s, err := p.env.supply.FindShipment(p.env.ctx, code)
		fyne.Do(func() {
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND:
				p.host.showError(app.Errorf(app.ENOTFOUND, "onway.unknown_parcel", "No shipment on this device has the code {{.Code}}. Sync, then scan it again; if it is still unknown, call the office.", "Code", code))
			case err != nil:
				p.host.showError(err)
			default:
				p.code.SetText("")
				p.open(s)
			}
		})
	})
}

// open starts receiving s, or says why it cannot be.
func (p *onWayPage) open(s app.Shipment) {
	switch {
	case s.State == app.ShipmentReceived:
		p.host.showError(app.Errorf(app.ECONFLICT, "onway.already_received", "This parcel was received on {{.When}}; its parts are in stock already.", "When", timeText(p.env.zone, s.Receipt.At)))
		return
	case p.shown.mine != nil && !p.shown.incoming(s):
		p.host.showError(app.Errorf(app.EINVALID, "onway.not_for_me", "This parcel goes to {{.To}}, not to you: give it to its addressee.", "To", p.shown.locationName(s.To)))
		return
	}
	p.env.run(func() {
		names := map[app.PartNumber]app.Part{}
		var err error
		for _, l := range s.Lines {
			if err = p.env.namePart(names, l.Part); err != nil {
				break
			}
		}
		var bin app.Location
		if err == nil {
			bin, err = p.env.damagedBin(s.To)
		}
		fyne.Do(func() {
			if err != nil {
				p.host.showError(err)
				return
			}
			r := newReceiveFlow(p.env, p.host, s, names, p.load)
			r.bin = bin
			r.show()
		})
	})
}

// ShowOnWay opens the parts-on-the-way page, for tests and the keyboard.
func (t *Terminal) ShowOnWay() {
	if t.onway == nil {
		return
	}
	t.tabs.Select(t.onwayTab)
	t.onway.load()
}

// receiveFlow counts a parcel's parts as they come out of the box: each
// scan of a part's label counts one, +/- correct a line, and a review
// says in words what differs from what was shipped before the receipt is
// saved (shipment.receive).
type receiveFlow struct {
	env   partsEnv
	host  onWayHost
	ship  app.Shipment
	names map[app.PartNumber]app.Part
	// bin is where parts that arrived damaged go: the defective bin of
	// the receiving location's owner; no ID when the device has none.
	bin   app.Location
	lines []countLine
	rows  *fyne.Container
	note  *widget.Label
	d     dialog.Dialog
	close func()
	done  func()
	// said is the line the scan bar's last counted scan describes, by its
	// id: a change by hand to that line makes the note stale (scanUndone).
	said   int
	lastID int
}

// countLine is one line of the count: a line of the shipment, or a part
// that arrived though the shipment does not list it (shipped 0).
type countLine struct {
	// id names the line while the dialog is open: lines not in the
	// shipment come and go, so their places do not.
	id      int
	part    app.PartNumber
	serial  string
	shipped int
	counted int
	// damaged is how many of counted arrived damaged; note says what
	// was wrong, made when the first is marked, kept across refreshes.
	damaged int
	note    *scanEntry
}

// maxCount bounds what one line counts: a scanner stuck on repeat does
// not count a thousand parts.
const maxCount = app.MaxQty

func newReceiveFlow(env partsEnv, host onWayHost, s app.Shipment, names map[app.PartNumber]app.Part, done func()) *receiveFlow {
	r := &receiveFlow{env: env, host: host, ship: s, names: names, done: done}
	for _, l := range s.Lines {
		r.lines = append(r.lines, r.newLine(l.Part, l.Serial, l.Qty))
	}
	return r
}

func (r *receiveFlow) newLine(part app.PartNumber, serial string, shipped int) countLine {
	r.lastID++
	return countLine{id: r.lastID, part: part, serial: serial, shipped: shipped}
}

// scan counts one unit of what a scan names, and says what it counted
// (counted), or why it counted nothing. It runs on the UI goroutine and
// reads nothing, so a burst of scans counts each one once, in order.
func (r *receiveFlow) scan(m scanner.Meaning) (text string, counted bool) {
	code := strings.TrimSpace(string(m.Part))
	if code == "" {
		code = m.Text
	}
	serial := m.PartSerial
	i := -1
	if serial != "" {
		i = slices.IndexFunc(r.lines, func(l countLine) bool { return l.serial == serial })
	} else if code != "" {
		// A unit's own serial sticker (the maker's, not our label) names
		// its line: a network board arrives with only that barcode on it.
		i = slices.IndexFunc(r.lines, func(l countLine) bool { return l.serial != "" && strings.EqualFold(l.serial, code) })
	}
	if i < 0 {
		i = slices.IndexFunc(r.lines, func(l countLine) bool { return strings.EqualFold(string(l.part), code) && l.counted < l.shipped })
	}
	if i < 0 {
		// More than shipped: the last line of the part takes the extra.
		for j := range r.lines {
			if strings.EqualFold(string(r.lines[j].part), code) {
				i = j
			}
		}
	}
	if i < 0 {
		if len(r.lines) >= app.MaxShipmentLines || !app.ValidID(code) {
			return lang.X("receive.unreadable", "Scanned “{{.Code}}”: not a part of this parcel. Scan the part's own label.", map[string]any{"Code": clipText(code)}), false
		}
		r.lines = append(r.lines, r.newLine(app.PartNumber(code), serial, 0))
		i = len(r.lines) - 1
		r.nameLater(app.PartNumber(code))
	}
	if r.lines[i].counted < maxCount {
		r.lines[i].counted++
	}
	r.refresh()
	l := r.lines[i]
	r.said = l.id
	if l.shipped == 0 {
		return lang.X("receive.scanned_extra", "Scanned {{.Part}}: not in this shipment, counted apart.", map[string]any{"Part": namedPart(r.names, l.part)}), true
	}
	return lang.X("receive.scanned", "Scanned {{.Part}}: {{.Counted}} of {{.Shipped}}.", map[string]any{"Part": namedPart(r.names, l.part), "Counted": l.counted, "Shipped": l.shipped}), true
}

// nameLater names a part the shipment does not list once the catalog
// answers, off the UI goroutine, so the count reads nothing and a burst
// still counts each scan in order. The lead's walk counted a shock
// absorber the office had put in the box as "0060755848D": a technician
// knows the part by its name. A part the device's catalog does not know
// stays named by its number; any other failure to read it is said at
// Review, which names every line again.
func (r *receiveFlow) nameLater(n app.PartNumber) {
	if _, ok := r.names[n]; ok || r.env.run == nil || r.env.parts == nil {
		return
	}
	r.env.run(func() {
		p, err := r.env.parts.Part(r.env.ctx, n)
		if err != nil {
			return
		}
		fyne.Do(func() {
			if _, ok := r.names[n]; ok {
				return
			}
			if r.names == nil {
				r.names = map[app.PartNumber]app.Part{}
			}
			r.names[n] = p
			r.refresh()
		})
	})
}

// show opens the receive dialog.
func (r *receiveFlow) show() {
	win := r.host.window()
	if win == nil {
		return
	}
	r.rows = container.NewVBox()
	via := strings.TrimSpace(r.ship.Carrier + " " + r.ship.Tracking)
	if via == "" {
		via = r.ship.ID
	}
	r.note = lowLabel(lang.X("receive.how", "Scan each part's label as it comes out of the box, or use + and −."))
	r.note.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), r.leave)
	review := widget.NewButtonWithIcon(lang.X("receive.review", "Review"), theme.ConfirmIcon(), r.review)
	review.Importance = widget.HighImportance
	body := container.NewBorder(r.note, nil, nil, nil, wheelPage(container.NewVScroll(r.rows)))
	d := dialog.NewCustomWithoutButtons(lang.X("receive.title", "Receive {{.Via}}", map[string]any{"Via": via}), body, win)
	d.SetButtons([]fyne.CanvasObject{cancel, review})
	r.d, r.close = d, d.Hide
	d.SetOnClosed(func() { r.host.receiving(nil) })
	d.Resize(listDialogSize(win))
	r.refresh()
	r.host.presentLeaving(d, r.leave)
	r.host.receiving(r)
}

// typed reports whether anything was counted, marked damaged or noted:
// what Cancel or Escape would throw away.
func (r *receiveFlow) typed() bool {
	return slices.ContainsFunc(r.lines, func(l countLine) bool {
		return l.counted > 0 || l.damaged > 0 || l.note != nil && l.note.Text != ""
	})
}

// leave closes the dialog (Cancel, Escape), asking first when something
// was counted: the dialogs' one rule (leaveTyped), in its own words. A
// parcel of twenty parts counted by hand went at a stray Escape.
func (r *receiveFlow) leave() {
	ask := func(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
		confirmAction(r.host, title, message, doLabel, keepLabel, destructive, ok)
	}
	leaveTyped(ask, r.typed(), lang.X("receive.discard_title", "Discard this count?"),
		lang.X("receive.discard_text", "What you counted of this parcel is lost, and it stays on its way. To keep the count, go back and confirm the receipt."),
		r.close, r.close)
}

// refresh shows the count.
func (r *receiveFlow) refresh() {
	if r.rows == nil {
		return
	}
	r.rows.RemoveAll()
	for i := range r.lines {
		l := r.lines[i]
		text := namedPart(r.names, l.part)
		if l.serial != "" {
			text += "  S/N " + l.serial
		}
		var count string
		if l.shipped == 0 {
			count = lang.XN("receive.count_extra", "{{.Counted}} counted · not in this shipment", l.counted, map[string]any{"Counted": l.counted})
		} else {
			count = lang.X("receive.count", "{{.Counted}} of {{.Shipped}} counted", map[string]any{"Counted": l.counted, "Shipped": l.shipped})
		}
		label := wrapped(text + "\n" + count)
		switch {
		case l.counted == l.shipped:
			label.Importance = widget.SuccessImportance
		case l.counted > l.shipped:
			label.Importance = widget.WarningImportance
		}
		minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { r.add(i, -1) })
		plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { r.add(i, 1) })
		r.rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(minus, plus), label))
		if l.counted > 0 {
			r.rows.Add(r.damagedRow(i))
		}
	}
}

// damagedRow is what a counted line says of its damaged units: a button
// to mark one until one is, then how many with − and + (0 to those
// counted) and what was wrong. One row under the line, so that it fits a
// 360 dp phone beside nothing.
func (r *receiveFlow) damagedRow(i int) fyne.CanvasObject {
	l := &r.lines[i]
	if l.damaged == 0 {
		// A button that looks like one: as a low-importance one it read
		// as a heading, "Arrived damaged", under every line counted.
		mark := widget.NewButtonWithIcon(lang.X("receive.mark_damaged", "Mark one damaged"), theme.WarningIcon(), func() { r.damage(i, 1) })
		return container.NewHBox(mark)
	}
	text := wrapped(lang.XN("receive.damaged", "{{.Count}} arrived damaged", l.damaged, map[string]any{"Count": countText(l.damaged)}))
	text.Importance = widget.DangerImportance
	minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { r.damage(i, -1) })
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { r.damage(i, 1) })
	if l.note == nil {
		l.note = newScanEntry(r.env.keys)
		l.note.SetPlaceHolder(lang.X("receive.damaged_note", "What is wrong? (optional)"))
	}
	return container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(minus, plus), text), l.note)
}

// damage changes a line's damaged units by n, within 0 and those
// counted. Damaged parts need a defective bin to go to: without one on
// the device it says what to do, and marks nothing.
func (r *receiveFlow) damage(i, n int) {
	if r.bin.ID == "" {
		r.host.showError(app.Errorf(app.ENOTFOUND, "receive.no_bin", "This device has no defective bin for {{.To}}, where damaged parts wait to be sent back. Sync, or ask the office to set one up; until then count them and tell the office.", "To", string(r.ship.To)))
		return
	}
	r.lines[i].damaged = min(max(r.lines[i].damaged+n, 0), r.lines[i].counted)
	r.refresh()
}

// add changes a line's count by n, within 0 and maxCount; its damaged
// units are never more than it counts. A line not in the shipment taken
// back to none was a scan undone, and leaves the count: at "0 counted" it
// stood green, as if it were right. A scan bar describing the line
// changed no longer holds: it says the line went, or goes (the lead's
// walk: "not in this shipment" stayed under a count without that part).
func (r *receiveFlow) add(i, n int) {
	r.lines[i].counted = min(max(r.lines[i].counted+n, 0), maxCount)
	r.lines[i].damaged = min(r.lines[i].damaged, r.lines[i].counted)
	l := r.lines[i]
	removed := l.shipped == 0 && l.counted == 0
	if removed {
		r.lines = slices.Delete(r.lines, i, i+1)
	}
	r.refresh()
	if r.said != l.id {
		return
	}
	r.said = 0
	text := ""
	if removed {
		text = lang.X("receive.removed_extra", "Removed {{.Part}} from the count.", map[string]any{"Part": namedPart(r.names, l.part)})
	}
	r.host.scanUndone(text)
}

// receipt is the count as receipt lines: a serialized line counted once
// keeps its serial.
func (r *receiveFlow) receipt() []app.ReceiptLine {
	var out []app.ReceiptLine
	for _, l := range r.lines {
		if l.counted == 0 {
			continue
		}
		rl := app.ReceiptLine{Part: l.part, Qty: l.counted, Damaged: l.damaged}
		if l.counted == 1 {
			rl.Serial = l.serial
		}
		if l.damaged > 0 && l.note != nil {
			rl.Note = strings.TrimSpace(l.note.Text)
		}
		out = append(out, rl)
	}
	return out
}

// differenceText says one difference in plain words.
func differenceText(d app.Difference, names map[app.PartNumber]app.Part) string {
	part := namedPart(names, d.Part)
	switch d.Kind {
	case app.DifferenceShort:
		// Each text agrees with the one number its words hang on, as
		// French, Spanish and Portuguese make them agree: "1 manquants",
		// "faltan 1" and "chegaram 1" read wrong to every counter short
		// of one part, the usual case.
		missing := d.Shipped - d.Received
		return lang.XN("receive.diff.short", "{{.Part}}: {{.Received}} of {{.Shipped}} arrived, {{.Missing}} missing.", missing, map[string]any{"Part": part, "Received": countText(d.Received), "Shipped": countText(d.Shipped), "Missing": countText(missing)})
	case app.DifferenceExtra:
		// More arrived than shipped: at least two, so only the shipped
		// count may be one.
		return lang.XN("receive.diff.extra", "{{.Part}}: {{.Received}} arrived, {{.Shipped}} shipped, {{.Extra}} more than shipped.", d.Shipped, map[string]any{"Part": part, "Received": countText(d.Received), "Shipped": countText(d.Shipped), "Extra": countText(d.Received - d.Shipped)})
	case app.DifferenceDamaged:
		return lang.XN("receive.diff.damaged", "{{.Part}}: {{.Damaged}} arrived damaged; they go to your defective bin to be sent back, not into your stock.", d.Damaged, map[string]any{"Part": part, "Damaged": countText(d.Damaged)})
	}
	return lang.XN("receive.diff.wrong", "{{.Part}}: {{.Received}} arrived but are not in this shipment.", d.Received, map[string]any{"Part": part, "Received": countText(d.Received)})
}

// review says what differs from the shipment and, confirmed, saves the
// receipt: what was counted enters the stock, and the office sees the
// differences.
func (r *receiveFlow) review() {
	lines := r.receipt()
	// A part scanned that the shipment does not list is named from the
	// catalog here, not while scanning: a count reads nothing.
	names := maps.Clone(r.names)
	r.env.run(func() {
		var err error
		for _, l := range lines {
			if err = r.env.namePart(names, l.Part); err != nil {
				break
			}
		}
		fyne.Do(func() {
			if err != nil {
				r.host.showError(err)
				return
			}
			r.names = names
			r.confirm(lines)
		})
	})
}

// confirm shows the review of lines and saves them when confirmed.
func (r *receiveFlow) confirm(lines []app.ReceiptLine) {
	diffs := app.Differences(r.ship.Lines, lines)
	msg := lang.X("receive.all_arrived", "Everything shipped arrived.")
	if len(diffs) > 0 {
		texts := make([]string, len(diffs))
		for i, d := range diffs {
			texts[i] = "• " + differenceText(d, r.names)
		}
		next := lang.X("receive.differences_next", "Only what you counted goes into your stock; the office is told of the rest.")
		if slices.ContainsFunc(lines, func(l app.ReceiptLine) bool { return l.Damaged > 0 }) {
			// Under a line that sends damaged parts to the bin, "what you
			// counted" (the damaged ones too) would say the opposite.
			next = lang.X("receive.differences_next_damaged", "Only the sound parts you counted go into your stock; the office is told of the rest.")
		}
		msg = lang.X("receive.differences", "What you counted differs from the shipment:") + "\n" + strings.Join(texts, "\n") + "\n" + next
	}
	confirmAction(r.host, lang.X("receive.confirm_title", "Save this receipt?"), msg, lang.X("receive.confirm", "Confirm receipt"),
		lang.X("receive.back", "Back to counting"), false, func() {
			cmd := &app.ReceiveShipment{Shipment: r.ship.ID, Receipt: app.Receipt{ID: app.NewID(), Lines: lines}}
			if slices.ContainsFunc(lines, func(l app.ReceiptLine) bool { return l.Damaged > 0 }) {
				cmd.Receipt.Defective = r.bin.ID
			}
			if err := cmd.Validate(); err != nil {
				r.host.showError(err)
				return
			}
			r.close()
			r.host.commit(cmd, r.done)
		})
}

// onWayTitle is the page's tab title with the count of parcels on their
// way to me: a tab has no badge of its own.
func onWayTitle(n int) string {
	if n == 0 {
		return lang.X("nav.onway", "On the way")
	}
	return lang.X("nav.onway_count", "On the way ({{.Count}})", map[string]any{"Count": countText(n)})
}

func (h terminalParts) receiving(r *receiveFlow) { h.t.receiver = r }

func (h terminalParts) scanUndone(text string) { h.t.scanUndone(text) }

func (h terminalParts) presentLeaving(d dialog.Dialog, leave func()) {
	h.t.presentForm(d, nil, nil, leave)
}

func (h terminalParts) inTransit(n int) {
	t := h.t
	if t.onwayTab == nil || t.tabTitles[t.onwayTab] == onWayTitle(n) {
		return
	}
	t.tabTitles[t.onwayTab] = onWayTitle(n)
	t.labelTabs(true)
}

// countOnWay counts the parcels on their way to me, for the tab's title.
func (t *Terminal) countOnWay() {
	if t.onway == nil {
		return
	}
	env, host := t.onway.env, terminalParts{t}
	t.deps.Run(func() {
		v, err := env.fetchOnWay()
		fyne.Do(func() {
			if err != nil {
				return // the page says why when opened
			}
			n := 0
			for _, s := range v.shipments {
				if v.incoming(s) {
					n++
				}
			}
			host.inTransit(n)
		})
	})
}

package ui

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Parts that arrive: a ticket asks the office for a part (part.request),
// the office approves, substitutes or rejects it and ships it, and the
// technician receives the parcel by scanning (onway.go). The ticket shows
// its requests in words, and the parts the central service expects it to
// need.

// supplyView is what a ticket's load reads for its requests card: its
// requests with the shipments carrying them, its likely parts, and the
// technician's stock location with its balances.
type supplyView struct {
	requests  []app.PartRequest
	shipments map[string]app.Shipment // by ID, of the requests shipped
	likely    app.LikelyParts
	names     map[app.PartNumber]app.Part
	stock     app.Location // zero when none is the technician's
	inStock   map[app.PartNumber]int
}

// loadSupply reads a ticket's supply view; called off the UI goroutine.
func (e partsEnv) loadSupply(supply app.SupplyService, id app.TicketID) (*supplyView, error) {
	sv := &supplyView{shipments: map[string]app.Shipment{}, names: map[app.PartNumber]app.Part{}}
	var err error
	if sv.requests, err = supply.PartRequests(e.ctx, id); err != nil {
		return nil, err
	}
	if sv.likely, err = supply.LikelyParts(e.ctx, id); err != nil {
		return nil, err
	}
	if stock, _, err := e.myLocations(); err == nil {
		sv.stock = stock
		if sv.inStock, err = e.quantities(stock.ID); err != nil {
			return nil, err
		}
	} else if app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	name := func(n app.PartNumber) error {
		if _, ok := sv.names[n]; ok || n == "" {
			return nil
		}
		p, err := e.parts.Part(e.ctx, n)
		if app.ErrorCode(err) == app.ENOTFOUND {
			p, err = app.Part{Number: n, NameEN: string(n)}, nil
		}
		sv.names[n] = p
		return err
	}
	for _, r := range sv.requests {
		if err := name(r.Part); err != nil {
			return nil, err
		}
		if err := name(r.Substitute); err != nil {
			return nil, err
		}
		if r.Shipment != "" {
			s, err := supply.FindShipment(e.ctx, r.Shipment)
			switch {
			case err == nil:
				sv.shipments[s.ID] = s
			case app.ErrorCode(err) != app.ENOTFOUND:
				return nil, err
			}
		}
	}
	for _, p := range sv.likely.Parts {
		if err := name(p.Part); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

// partsArrived reports whether a ticket waiting for parts has all it
// asked for: at least one request arrived in full and none still open.
func partsArrived(reqs []app.PartRequest) bool {
	arrived := false
	for _, r := range reqs {
		switch {
		case r.State.Open():
			return false
		case r.State == app.RequestReceived:
			arrived = true
		}
	}
	return arrived
}

// namedPart is a part's name and number: "Pump (P-100)", and in Chinese
// in full-width brackets, which take no space before them, "水泵（P-100）",
// as Chinese text brackets an aside, ASCII ones sitting low and narrow
// beside Han characters.
func namedPart(names map[app.PartNumber]app.Part, n app.PartNumber) string {
	if p, ok := names[n]; ok {
		return partWithNumber(p)
	}
	return string(n)
}

// partWithNumber is p's name with its number, "Drain pump (0024386937E)",
// or the number alone when the catalog gives no other name.
func partWithNumber(p app.Part) string {
	if partName(p) == string(p.Number) {
		return string(p.Number)
	}
	if uiLanguage() == "zh" {
		return partName(p) + "（" + string(p.Number) + "）"
	}
	return partName(p) + " (" + string(p.Number) + ")"
}

// requestStateText says where a request stands, in words, with what the
// technician needs to know at that state.
func requestStateText(r app.PartRequest, names map[app.PartNumber]app.Part, shipments map[string]app.Shipment) string {
	switch r.State {
	case app.RequestRequested:
		return lang.X("request.state.requested", "Requested: waiting for the office")
	case app.RequestApproved:
		if r.Substitute != "" {
			return lang.X("request.state.substitute", "Substitute approved: {{.Part}} instead, because {{.Reason}}",
				map[string]any{"Part": namedPart(names, r.Substitute), "Reason": r.Reason})
		}
		return lang.X("request.state.approved", "Approved: the office will ship it")
	case app.RequestRejected:
		return lang.X("request.state.rejected", "Rejected: {{.Reason}}", map[string]any{"Reason": r.Reason})
	case app.RequestCancelled:
		return lang.X("request.state.cancelled", "Cancelled: {{.Reason}}", map[string]any{"Reason": r.Reason})
	case app.RequestShipped:
		s, ok := shipments[r.Shipment]
		if !ok || s.Carrier == "" && s.Tracking == "" {
			return lang.X("request.state.shipped", "Shipped: on its way")
		}
		return lang.X("request.state.shipped_by", "Shipped: {{.Carrier}} {{.Tracking}}", map[string]any{"Carrier": s.Carrier, "Tracking": s.Tracking})
	case app.RequestReceived:
		return lang.X("request.state.received", "Arrived")
	case app.RequestShort:
		return lang.X("request.state.short", "Short: {{.Got}} of {{.Qty}} arrived; the office has been told", map[string]any{"Got": countText(r.Received), "Qty": countText(r.Qty)})
	}
	return string(r.State)
}

// likelyText says how likely a ticket needs a part, in words and percent.
func likelyText(p float64) string {
	pct := int(math.Round(p * 100))
	switch {
	case p >= 0.75:
		return lang.X("likely.very", "very likely, {{.Percent}}%", map[string]any{"Percent": pct})
	case p >= 0.5:
		return lang.X("likely.likely", "likely, {{.Percent}}%", map[string]any{"Percent": pct})
	case p >= app.LoadThreshold:
		return lang.X("likely.possible", "possible, {{.Percent}}%", map[string]any{"Percent": pct})
	}
	return lang.X("likely.unlikely", "unlikely, {{.Percent}}%", map[string]any{"Percent": pct})
}

// arrivedBanner says, at the top of a waiting ticket, that all its parts
// arrived, and what comes next (app.AfterParts), by the name of the button
// the card pins for it: for a visit, the drive back to the customer ("On
// my way"), for a bench job "Resume work"; nil otherwise.
func arrivedBanner(t app.Ticket, sv *supplyView) fyne.CanvasObject {
	if sv == nil || t.Status != app.StatusWaitingParts || !partsArrived(sv.requests) {
		return nil
	}
	step := app.AfterParts(t.Kind)
	if step == "" {
		step = app.ActionResume // a kind Validate refuses: the bench's words, the step every kind has
	}
	button := map[string]any{"Button": actionText(step)}
	text := lang.X("request.arrived_resume", "Parts arrived: tap “{{.Button}}” to carry on with the repair.", button)
	if step == app.ActionDepart {
		text = lang.X("request.arrived_visit", "Parts arrived: agree a time with the customer, then tap “{{.Button}}” as you leave.", button)
	}
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.Importance = widget.SuccessImportance
	return l
}

// requester opens the request form for a part of a ticket.
type requester interface {
	requestPart(tk app.Ticket, p app.Part, n int, to app.Location)
}

// requestsCard shows a ticket's part requests, cancellable while the
// office has not shipped them, and the parts it will likely need.
type requestsCard struct {
	ask      dialogs
	save     committer
	req      requester
	adder    partAdder
	keys     *wedgeKeys
	editable bool
	ticket   app.Ticket
	sv       *supplyView
	// fitted are the parts used on the ticket: the central service's
	// likely parts were worked out before they were, and a part fitted
	// is needed no longer.
	fitted []app.PartUsed
}

func (c *requestsCard) object() fyne.CanvasObject {
	box := container.NewVBox()
	sv := c.sv
	for _, r := range sv.requests {
		head := namedPart(sv.names, r.Part) + " × " + countText(r.Qty)
		if r.Urgency == app.UrgencyUrgent {
			head += " · " + lang.X("request.urgent", "urgent")
		}
		title := widget.NewLabel(head)
		title.TextStyle.Bold = true
		title.Wrapping = fyne.TextWrapWord
		state := widget.NewLabel(requestStateText(r, sv.names, sv.shipments))
		state.Wrapping = fyne.TextWrapWord
		switch r.State {
		case app.RequestRejected, app.RequestShort:
			state.Importance = widget.WarningImportance
		case app.RequestReceived:
			state.Importance = widget.SuccessImportance
		}
		row := container.NewVBox(title, state)
		if r.Note != "" {
			row.Add(lowLabel(r.Note))
		}
		if c.editable && (r.State == app.RequestRequested || r.State == app.RequestApproved) {
			row.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("request.cancel", "Cancel request"), theme.CancelIcon(), func() { c.cancel(r, nil) })))
		}
		box.Add(row)
	}
	if len(sv.requests) == 0 {
		box.Add(lowLabel(lang.X("request.none", "No parts requested.")))
	}
	if c.editable && c.ticket.Status.Open() {
		// A part is chosen in the add-part dialog, searched or scanned;
		// its "request it" opens the request form.
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("request.new", "Request a part"), theme.MailSendIcon(), func() { c.adder.addPart(c.ticket, "") })))
	}
	likely := slices.DeleteFunc(slices.Clone(sv.likely.Parts), func(lp app.LikelyPart) bool {
		return slices.ContainsFunc(c.fitted, func(u app.PartUsed) bool { return u.Part == lp.Part })
	})
	if st := c.ticket.Status; st == app.StatusCompleted || st.Terminal() {
		// The work is done (or withdrawn): a guess at the parts it needs
		// only misleads. Cannot-complete keeps it: dispatch sends the job
		// on, and its parts with it.
		likely = nil
	}
	if len(likely) > 0 {
		box.Add(widget.NewSeparator())
		box.Add(heading(lang.X("likely.title", "Likely needed")))
		for _, lp := range likely {
			have := sv.inStock[lp.Part]
			text := namedPart(sv.names, lp.Part) + " · " + likelyText(lp.Probability)
			if sv.stock.ID != "" {
				text += " · " + lang.X("likely.in_stock", "{{.Qty}} in {{.Where}}", map[string]any{"Qty": countText(have), "Where": sv.stock.Name})
			}
			l := widget.NewLabel(text)
			l.Wrapping = fyne.TextWrapWord
			if have > 0 || !c.editable || sv.stock.ID == "" || !c.ticket.Status.Open() {
				box.Add(l)
				continue
			}
			p := sv.names[lp.Part]
			box.Add(container.NewBorder(nil, nil, nil,
				widget.NewButtonWithIcon(lang.X("likely.request", "Request it"), theme.MailSendIcon(), func() { c.req.requestPart(c.ticket, p, 1, sv.stock) }), l))
		}
	}
	return widget.NewCard(lang.X("request.title", "Part requests"), "", box)
}

// cancel withdraws a request after asking why: the office reads the
// reason, and a cancelled request cannot be taken back. done, if not
// nil, runs once the cancel is saved.
func (c *requestsCard) cancel(r app.PartRequest, done func()) {
	reason := newScanEntry(c.keys)
	reason.SetPlaceHolder(lang.X("request.cancel_hint", "Why is it no longer needed?"))
	c.ask.askDanger(lang.X("request.cancel_title", "Cancel this part request?"), lang.X("request.cancel", "Cancel request"),
		lang.X("request.keep", "Keep request"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("request.reason", "Reason"), reason)},
		func() error {
			cmd := &app.CancelPartRequest{Request: r.ID, Ticket: r.Ticket, Reason: strings.TrimSpace(reason.Text)}
			if err := cmd.Validate(); err != nil {
				return &fieldError{field: reason, err: err}
			}
			c.save.commit(cmd, done)
			return nil
		})
}

// requestForm asks for a part for a ticket: quantity, urgency and a note
// for the office, to the technician's stock location; an in-progress
// ticket may wait for parts in the same step.
type requestForm struct {
	ask  dialogs
	save committer
	keys *wedgeKeys
}

// open shows the form for n of part p, to arrive at to.
func (f requestForm) open(tk app.Ticket, p app.Part, n int, to app.Location) {
	qty := newScanEntry(f.keys)
	qty.SetText(strconv.Itoa(max(n, 1)))
	urgencies := []app.Urgency{app.UrgencyNormal, app.UrgencyUrgent}
	urgency := newScanSelect(f.keys, []string{
		lang.X("request.urgency.normal", "Normal: with the next replenishment"),
		lang.X("request.urgency.urgent", "Urgent: the customer is waiting"),
	}, nil)
	urgency.SetSelectedIndex(0)
	note := newScanEntry(f.keys)
	note.SetPlaceHolder(lang.X("request.note_hint", "For the office (optional)"))
	wait := newScanCheck(f.keys, lang.X("request.wait", "Put the ticket in waiting for parts"))
	wait.SetChecked(true)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("request.part", "Part"), widget.NewLabel(namedPart(map[app.PartNumber]app.Part{p.Number: p}, p.Number))),
		widget.NewFormItem(lang.X("parts.qty", "Quantity"), qty),
		widget.NewFormItem(lang.X("request.urgency", "Urgency"), urgency),
		widget.NewFormItem(lang.X("request.note", "Note"), note),
		widget.NewFormItem(lang.X("request.to", "Deliver to"), widget.NewLabel(to.Name)),
	}
	if tk.Status == app.StatusInProgress {
		items = append(items, widget.NewFormItem("", wait))
	}
	f.ask.ask(lang.X("request.form_title", "Request a part for {{.Number}}", map[string]any{"Number": tk.Number}), lang.X("request.send", "Request part"), items, func() error {
		n, err := strconv.Atoi(strings.TrimSpace(qty.Text))
		if err != nil {
			n = 0 // refused by Validate, with the bounds
		}
		u := app.UrgencyNormal
		if i := urgency.SelectedIndex(); i >= 0 {
			u = urgencies[i]
		}
		cmd := &app.RequestPart{Request: app.PartRequest{ID: app.NewID(), Ticket: tk.ID, Part: p.Number, Qty: n, Urgency: u,
			Note: strings.TrimSpace(note.Text), To: to.ID}}
		if err := cmd.Validate(); err != nil {
			if e := (*app.Error)(nil); errors.As(err, &e) && e.Key == "part_request.bad_qty" {
				return &fieldError{field: qty, err: err}
			}
			return &fieldError{field: note, err: err}
		}
		waits := tk.Status == app.StatusInProgress && wait.Checked
		f.save.commit(cmd, func() {
			if !waits {
				return
			}
			// The ticket waits with the part named in its reason, as it
			// did before requests were records: the list and the office
			// read it there.
			reason := lang.X("parts.request_reason", "Needs {{.Part}} {{.Name}} × {{.Qty}}", map[string]any{"Part": string(p.Number), "Name": partName(p), "Qty": countText(n)})
			f.save.commit(&app.TransitionTicket{Action: app.ActionWait, Ticket: tk.ID, Epoch: tk.Epoch, Reason: reason}, nil)
		})
		return nil
	})
}

// requestPart opens the request form for n of p on tk, to arrive at to.
func (t *Terminal) requestPart(tk app.Ticket, p app.Part, n int, to app.Location) {
	requestForm{ask: t, save: t, keys: t.keys}.open(tk, p, n, to)
}

package console

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The part requests page (GET /stock/requests): the open part requests
// the session sees (urgent first, then oldest), with the office's
// answers: approve, approve a substitute that fits the ticket's
// model, reject (POST /stock/requests/{id}/decide, part.decide_request),
// and ship the approved requests for one destination together (POST
// /stock/requests/ship, shipment.send). Tickets that wait for parts named
// only in their wait reason, from terminals older than part requests, are
// listed below as "waiting without a request", and the requests whose
// shipment arrived short last, linked to the shipment to settle.

// maxClosedShown bounds the requests listed as arrived short.
const maxClosedShown = 50

// requestRow is a part request as the page shows it.
type requestRow struct {
	app.PartRequest
	TicketNumber string
	Model        string
	PartName     string // Part's, in the session's language
	SubName      string // Substitute's
	ToName       string
	StateLabel   string
	Decidable    bool         // requested or approved: the office may still answer
	Substitutes  []substitute // parts that fit the ticket's model, but Part
}

// substitute is a part offered instead of the one requested.
type substitute struct {
	Number app.PartNumber
	Label  string // its name in the session's language
}

// Urgent reports whether the request is urgent.
func (r requestRow) Urgent() bool { return r.Urgency == app.UrgencyUrgent }

// shipGroup is the approved requests for one destination, shipped
// together by one form.
type shipGroup struct {
	To       app.LocationID
	ToName   string
	Requests []requestRow
	ID       string // the shipment's ID, minted when the page was drawn
}

// waitRow is a ticket waiting for parts named only in its wait reason
// (a terminal older than part requests), with the forms that transfer
// each part the reason names to the technician's van.
type waitRow struct {
	central.PartWait
	Ship []moveForm // none without a van
}

// partRequestsPage is the data of GET /stock/requests.
type partRequestsPage struct {
	Open    []requestRow
	Ship    []shipGroup
	Closed  []requestRow
	More    int  // open requests not shown
	Unread  bool // more open requests than a page reads
	Waits   []waitRow
	Sources []app.Location
	Problem string // the API's refusal of the last action
}

// supplyReadPage is the page size of the supply lists read;
// maxRequestsRead bounds the requests one page of the console reads.
const (
	supplyReadPage  = 500
	maxRequestsRead = 2000
)

// readRequests reads the tenant's requests matching f, up to
// maxRequestsRead, and reports whether more were left unread.
func (c *Console) readRequests(ctx context.Context, s *Session, f central.PartRequestFilter) ([]central.PartRequestView, bool, error) {
	var out []central.PartRequestView
	f.Limit = supplyReadPage
	for {
		page, err := c.db.PartRequestsList(ctx, s.Tenant, f)
		if err != nil {
			return nil, false, err
		}
		out = append(out, page.Requests...)
		if page.Next == "" {
			return out, false, nil
		}
		if len(out) >= maxRequestsRead {
			return out, true, nil
		}
		f.After = page.Next
	}
}

// visibleRequests keeps the requests of the tickets the session sees,
// and returns those tickets.
func (c *Console) visibleRequests(ctx context.Context, s *Session, all []central.PartRequestView) ([]central.PartRequestView, map[app.TicketID]app.Ticket, error) {
	ts, err := c.tickets(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[app.TicketID]app.Ticket, len(ts))
	for _, t := range ts {
		seen[t.ID] = t
	}
	out := all[:0]
	for _, r := range all {
		if _, ok := seen[r.Ticket]; ok {
			out = append(out, r)
		}
	}
	return out, seen, nil
}

// errNoRequest answers a request that is missing or outside the session's
// scope alike.
func errNoRequest(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.requests.not_found", "There is no part request {{.ID}} here. Open the part requests again.", "ID", id)
}

// requestOf returns a request of a ticket the session sees, whatever its
// state, else ENOTFOUND. Forms name the request with its ticket.
func (c *Console) requestOf(ctx context.Context, s *Session, ticket app.TicketID, id string) (app.PartRequest, error) {
	if ticket == "" || !app.ValidID(string(ticket)) {
		return app.PartRequest{}, errNoRequest(id)
	}
	if _, err := c.ticket(ctx, s, ticket); app.ErrorCode(err) == app.ENOTFOUND {
		return app.PartRequest{}, errNoRequest(id)
	} else if err != nil {
		return app.PartRequest{}, err
	}
	rs, _, err := c.readRequests(ctx, s, central.PartRequestFilter{Ticket: ticket})
	if err != nil {
		return app.PartRequest{}, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r.PartRequest, nil
		}
	}
	return app.PartRequest{}, errNoRequest(id)
}

func (c *Console) requests(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.renderRequests(w, r, s, http.StatusOK, "")
}

// renderRequests draws the part requests page, with the refusal of an
// action when problem is set.
func (c *Console) renderRequests(w http.ResponseWriter, r *http.Request, s *Session, status int, problem string) error {
	ctx := r.Context()
	open, more, err := c.readRequests(ctx, s, central.PartRequestFilter{State: central.RequestStateOpen})
	if err != nil {
		return err
	}
	short, _, err := c.readRequests(ctx, s, central.PartRequestFilter{State: string(app.RequestShort)})
	if err != nil {
		return err
	}
	views, tickets, err := c.visibleRequests(ctx, s, append(open, short...))
	if err != nil {
		return err
	}
	rs := make([]app.PartRequest, len(views))
	for i, v := range views {
		rs[i] = v.PartRequest
	}
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	locName := map[app.LocationID]string{}
	for _, l := range locs {
		locName[l.ID] = l.Name
	}
	p := partRequestsPage{Sources: sources(locs, ""), Problem: problem, Unread: more}
	slices.SortStableFunc(rs, func(a, b app.PartRequest) int {
		return cmp.Or(boolOrder(a.State.Open(), b.State.Open()), boolOrder(a.Urgency == app.UrgencyUrgent, b.Urgency == app.UrgencyUrgent),
			a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	var numbers []app.PartNumber
	var models []string
	for _, q := range rs {
		numbers = append(numbers, q.Part)
		if q.Substitute != "" {
			numbers = append(numbers, q.Substitute)
		}
		if q.State == app.RequestRequested || q.State == app.RequestApproved {
			models = append(models, tickets[q.Ticket].Product.Model)
		}
	}
	parts, err := c.db.PartsByNumber(ctx, s.Tenant, numbers)
	if err != nil {
		return err
	}
	fitting, err := c.db.PartsFitting(ctx, s.Tenant, models)
	if err != nil {
		return err
	}
	groups := map[app.LocationID]int{}
	for _, q := range rs {
		t := tickets[q.Ticket]
		row := requestRow{PartRequest: q, TicketNumber: t.Number, Model: t.Product.Model, ToName: cmp.Or(locName[q.To], string(q.To)),
			StateLabel: requestStateLabel(s, q.State),
			Decidable:  q.State == app.RequestRequested || q.State == app.RequestApproved}
		if part, ok := parts[q.Part]; ok {
			row.PartName = partLabel(s.T, part)
		}
		if part, ok := parts[q.Substitute]; ok {
			row.SubName = partLabel(s.T, part)
		}
		if row.Decidable {
			for _, f := range fitting[t.Product.Model] {
				if f.Number != q.Part {
					row.Substitutes = append(row.Substitutes, substitute{Number: f.Number, Label: partLabel(s.T, f)})
				}
			}
		}
		switch {
		case !q.State.Open():
			if len(p.Closed) < maxClosedShown {
				p.Closed = append(p.Closed, row)
			}
		case len(p.Open) >= maxQueueShown:
			p.More++
		default:
			p.Open = append(p.Open, row)
			if q.State == app.RequestApproved {
				i, ok := groups[q.To]
				if !ok {
					i = len(p.Ship)
					groups[q.To] = i
					p.Ship = append(p.Ship, shipGroup{To: q.To, ToName: row.ToName, ID: app.NewID()})
				}
				if len(p.Ship[i].Requests) < app.MaxShipmentLines {
					p.Ship[i].Requests = append(p.Ship[i].Requests, row)
				}
			}
		}
	}
	waits, err := c.db.WaitingForParts(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	for _, wt := range waits {
		if slices.ContainsFunc(rs, func(q app.PartRequest) bool { return q.Ticket == wt.Ticket && q.State.Open() }) || len(p.Waits) >= maxQueueShown {
			continue
		}
		row := waitRow{PartWait: wt}
		if wt.Van != "" && len(p.Sources) > 0 {
			epoch := strconv.Itoa(tickets[wt.Ticket].Epoch)
			parts := []string{}
			for _, part := range wt.Parts {
				parts = append(parts, string(part.Number))
			}
			if len(parts) == 0 {
				parts = []string{""} // the reason names no known part: the form asks for it
			}
			for _, part := range parts {
				row.Ship = append(row.Ship, moveForm{Kind: app.MoveTransfer, ID: app.NewID(), Part: part, To: string(wt.Van), Qty: "1",
					Ticket: string(wt.Ticket), Epoch: epoch, Back: "/stock/requests", Locations: p.Sources})
			}
		}
		p.Waits = append(p.Waits, row)
	}
	return c.render(w, r, s, status, "stock_requests", p)
}

// boolOrder sorts true before false.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// send applies a mutation from a supply page; a refusal the user can act
// on (the API's answer below 500, but a role's 403 or a missing object's
// 404, which are the error pages) draws the page again with it.
func (c *Console) send(ctx context.Context, s *Session, cmd app.Command, again func(status int, problem string) error) (bool, error) {
	m, err := app.NewMutation(cmd, c.opt.Now())
	if err != nil {
		return false, err
	}
	if err := c.apply(ctx, s, m); err != nil {
		if status := central.HTTPStatus(err); status < 500 && status != http.StatusForbidden && status != http.StatusNotFound {
			return false, again(status, refusalText(s, err))
		}
		return false, err
	}
	return true, nil
}

// decideRequest answers a request: approve, substitute (with the part
// chosen among those that fit) or reject (with a reason), as
// part.decide_request. The form carries the state it showed: a request
// answered by someone else meanwhile is refused as stale; one cancelled
// or shipped meanwhile gets the API's refusal.
func (c *Console) decideRequest(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	q, err := c.requestOf(ctx, s, app.TicketID(r.PostFormValue("ticket")), r.PathValue("id"))
	if err != nil {
		return err
	}
	again := func(status int, problem string) error { return c.renderRequests(w, r, s, status, problem) }
	shown := app.RequestState(r.PostFormValue("state"))
	if shown != q.State && (q.State == app.RequestRequested || q.State == app.RequestApproved) {
		return again(http.StatusConflict, s.T.Text("console.requests.stale", "The request for {{.Part}} was answered by someone else since you opened the page: it is now {{.State}}. Check it below and answer again if needed.",
			map[string]any{"Part": string(q.Part), "State": requestStateText(s, q.State)}))
	}
	cmd := &app.DecidePartRequest{Request: q.ID, Ticket: q.Ticket, Decision: app.RequestDecision(r.PostFormValue("decision")),
		Part: app.PartNumber(strings.TrimSpace(r.PostFormValue("part"))), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if cmd.Decision != app.DecisionSubstitute {
		cmd.Part = ""
	}
	if ok, err := c.send(ctx, s, cmd, again); !ok {
		return err
	}
	d := map[string]any{"Part": string(q.Part), "Qty": q.Qty}
	switch cmd.Decision {
	case app.DecisionApprove:
		err = c.flash(w, r, s, "console.requests.approved", "Approved {{.Qty}} × {{.Part}}: ship it below.", d)
	case app.DecisionSubstitute:
		d["Sub"] = string(cmd.Part)
		err = c.flash(w, r, s, "console.requests.substituted", "Approved {{.Sub}} instead of {{.Part}}: ship it below.", d)
	default:
		err = c.flash(w, r, s, "console.requests.rejected", "Rejected the request for {{.Part}}; the technician sees why.", d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/stock/requests", http.StatusSeeOther)
	return nil
}

// shipRequests ships the chosen approved requests for one destination in
// one supply shipment (shipment.send), each a line of the part it wants,
// from the source chosen, with the carrier and tracking number typed.
// The shipment's ID was minted with the page, so a form sent twice gets
// the API's answer for a shipment already recorded.
func (c *Console) shipRequests(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	again := func(status int, problem string) error { return c.renderRequests(w, r, s, status, problem) }
	id, to, from := r.PostFormValue("id"), app.LocationID(r.PostFormValue("to")), app.LocationID(r.PostFormValue("from"))
	if !app.FreshID(id) {
		return again(http.StatusBadRequest, s.T.Text("console.requests.form_expired", "This form is out of date. Choose the requests again and ship.", nil))
	}
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	for _, l := range []app.LocationID{to, from} {
		if !slices.ContainsFunc(locs, func(x app.Location) bool { return x.ID == l }) {
			return errNoLocation(string(l))
		}
	}
	ids := r.PostForm["request"]
	if len(ids) == 0 || len(ids) > app.MaxShipmentLines {
		return again(http.StatusBadRequest, s.T.Text("console.requests.choose", "Tick the requests to ship (at most {{.Max}}), then ship.", map[string]any{"Max": s.T.Count(app.MaxShipmentLines)}))
	}
	sh := app.Shipment{ID: id, Kind: app.ShipmentSupply, From: from, To: to,
		Carrier: strings.TrimSpace(r.PostFormValue("carrier")), Tracking: strings.TrimSpace(r.PostFormValue("tracking"))}
	for _, rid := range ids {
		q, err := c.requestOf(ctx, s, app.TicketID(r.PostFormValue("ticket."+rid)), rid)
		if err != nil {
			return err
		}
		sh.Lines = append(sh.Lines, app.ShipmentLine{Part: q.Wanted(), Qty: q.Qty, Request: q.ID, Ticket: q.Ticket})
	}
	if ok, err := c.send(ctx, s, &app.SendShipment{Shipment: sh}, again); !ok {
		return err
	}
	toName := string(to)
	if i := slices.IndexFunc(locs, func(x app.Location) bool { return x.ID == to }); i >= 0 && locs[i].Name != "" {
		toName = locs[i].Name // the van or store by the name people know it by, not its ID
	}
	if err := c.flashText(r, s, pluralText(s.T, "console.requests.shipped", "Shipped {{.N}} requests to {{.To}}; the technician sees them on the way.", len(sh.Lines), map[string]any{"N": len(sh.Lines), "To": toName})); err != nil {
		return err
	}
	http.Redirect(w, r, "/stock/shipments/"+id, http.StatusSeeOther)
	return nil
}

// requestStateWords are a request's state in two forms: Label stands
// alone (the State cell of the requests' table), capitalised as a label
// is; Word is the same state inside a sentence ("it is now approved").
// English capitalises one and not the other; Chinese writes both alike.
var requestStateWords = map[app.RequestState]struct{ Label, Word textKey }{
	app.RequestRequested: {Label: textKey{Key: "console.requests.state_label.requested", Message: "Requested"}, Word: textKey{Key: "console.requests.state.requested", Message: "requested"}},
	app.RequestApproved:  {Label: textKey{Key: "console.requests.state_label.approved", Message: "Approved"}, Word: textKey{Key: "console.requests.state.approved", Message: "approved"}},
	app.RequestRejected:  {Label: textKey{Key: "console.requests.state_label.rejected", Message: "Rejected"}, Word: textKey{Key: "console.requests.state.rejected", Message: "rejected"}},
	app.RequestCancelled: {Label: textKey{Key: "console.requests.state_label.cancelled", Message: "Cancelled"}, Word: textKey{Key: "console.requests.state.cancelled", Message: "cancelled"}},
	app.RequestShipped:   {Label: textKey{Key: "console.requests.state_label.shipped", Message: "Shipped"}, Word: textKey{Key: "console.requests.state.shipped", Message: "shipped"}},
	app.RequestReceived:  {Label: textKey{Key: "console.requests.state_label.received", Message: "Received"}, Word: textKey{Key: "console.requests.state.received", Message: "received"}},
	app.RequestShort:     {Label: textKey{Key: "console.requests.state_label.short", Message: "Arrived short"}, Word: textKey{Key: "console.requests.state.short", Message: "arrived short"}},
}

// requestStateLabel is a request's state as a label, in the session's
// words; a state this console does not know shows as stored.
func requestStateLabel(s *Session, st app.RequestState) string {
	w, ok := requestStateWords[st]
	if !ok {
		return string(st)
	}
	return w.Label.in(s.T)
}

// requestStateText is a request's state inside a sentence, in the
// session's words.
func requestStateText(s *Session, st app.RequestState) string {
	w, ok := requestStateWords[st]
	if !ok {
		return string(st)
	}
	return w.Word.in(s.T)
}

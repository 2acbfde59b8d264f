package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// moveForm is a stock movement form: what was typed, kept to show again
// with its errors, and the movement's ID, minted when the form was drawn,
// so that a form sent twice (a double click, the browser's back button)
// gets the API's answer for a movement already recorded.
type moveForm struct {
	Kind   app.MovementKind
	ID     string
	Part   string
	From   string
	To     string
	Qty    string
	Reason string
	// Base is the balance the page showed of Part at BaseAt (default To:
	// an adjustment's location, a reconciling transfer's destination; a
	// shipped return's bin): when it has changed since, the form is
	// refused as stale.
	Base   string
	BaseAt string
	// Serial names the unit a transfer carries (a defective return's).
	Serial string
	// Back is the stock page to return to after the movement.
	Back string
	// Ticket and Epoch name the ticket a transfer ships parts for (GET
	// /stock/requests) and its epoch as the page showed it: the movement's
	// reason names the ticket, and a ticket no longer waiting for parts,
	// or reassigned since, refuses the form as stale.
	Ticket string
	Epoch  string
	// Confirm is set once the user confirmed a large adjustment or a
	// transfer that takes its source below zero.
	Confirm bool

	Locations []app.Location    // the choices of From and To
	Errors    map[string]string // field -> what to do
	Problem   string            // the API's refusal, or a stale form
	Ask       string            // the question to confirm
}

// BackURL is where the form's page links back to.
func (f moveForm) BackURL() string {
	if f.Kind == app.MoveTransfer && f.Ticket == "" && f.Base == "" {
		return stockBack(f.Back, f.From)
	}
	return stockBack(f.Back, f.To)
}

// Action is where the form posts.
func (f moveForm) Action() string { return "/stock/" + string(f.Kind) }

// readMoveForm reads a movement form of kind from the request.
func readMoveForm(r *http.Request, kind app.MovementKind) moveForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return moveForm{Kind: kind, ID: v("id"), Part: v("part"), From: v("from"), To: v("to"), Qty: v("qty"),
		Reason: v("reason"), Base: v("base"), Back: v("back"), Ticket: v("ticket"), Epoch: v("epoch"), BaseAt: v("base_at"), Serial: v("serial"), Confirm: r.PostFormValue("confirm") == "1"}
}

// stockBack is where a movement form returns: its Back when that is one
// of the stock pages, else the stock page of loc.
func stockBack(back string, loc string) string {
	if u, err := url.Parse(back); err == nil && u.Scheme == "" && u.Host == "" && u.User == nil &&
		(u.Path == "/stock" || strings.HasPrefix(u.Path, "/stock/")) && !strings.Contains(u.Path, "//") && !strings.Contains(back, `\`) {
		return u.RequestURI()
	}
	return "/stock?location=" + url.QueryEscape(loc)
}

func (c *Console) receive(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.move(w, r, s, readMoveForm(r, app.MoveReceive))
}

func (c *Console) transfer(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.move(w, r, s, readMoveForm(r, app.MoveTransfer))
}

func (c *Console) adjust(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.move(w, r, s, readMoveForm(r, app.MoveAdjust))
}

// move checks a movement form and sends it as the named mutation
// stock.<kind>, as POST /v1/admin/mutations does. A field error (400),
// an unknown location (404, as for another tenant's), a stale balance or
// the API's refusal (its status) draw the form again with what to do; a
// large adjustment or a transfer taking its source below zero asks to
// confirm first (200, nothing recorded).
func (c *Console) move(w http.ResponseWriter, r *http.Request, s *Session, f moveForm) error {
	ctx := r.Context()
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	f.Locations, f.Errors = locs, map[string]string{}
	again := func(status int) error { return c.render(w, r, s, status, "stock_form", f) }
	known := func(id string) bool {
		return slices.ContainsFunc(locs, func(l app.Location) bool { return string(l.ID) == id })
	}
	// An unknown location is answered as a missing one, whoever's it is.
	for _, id := range []string{f.From, f.To, f.BaseAt} {
		if id != "" && !known(id) {
			f.Problem = s.T.Text("console.stock.no_location", "There is no stock location {{.ID}} here. Choose one from the list on the stock page.", map[string]any{"ID": id})
			return again(http.StatusNotFound)
		}
	}
	m := app.StockMovement{ID: f.ID, Kind: f.Kind, Part: app.PartNumber(f.Part), From: app.LocationID(f.From), To: app.LocationID(f.To), Reason: f.Reason, Serial: f.Serial}
	if !app.FreshID(f.ID) {
		// Only a form the console drew carries a fresh ID.
		f.ID = app.NewID()
		f.Problem = s.T.Text("console.stock.form_expired", "This form is out of date. Check the values below and send it again.", nil)
		return again(http.StatusBadRequest)
	}
	if f.Part == "" {
		f.Errors["part"] = s.T.Text("console.stock.part_required", "Enter the part number.", nil)
	} else if ps, err := c.db.PartsByNumber(ctx, s.Tenant, []app.PartNumber{m.Part}); err != nil {
		return err
	} else if _, ok := ps[m.Part]; !ok {
		f.Errors["part"] = s.T.Text("console.stock.no_part", "There is no part {{.Part}} in the catalog. Check the number, or import the part first.", map[string]any{"Part": f.Part})
	}
	if f.Kind == app.MoveTransfer && f.From == "" {
		f.Errors["from"] = s.T.Text("console.stock.from_required", "Choose where the parts come from.", nil)
	}
	if f.To == "" {
		f.Errors["to"] = s.T.Text("console.stock.to_required", "Choose the location.", nil)
	} else if f.Kind == app.MoveTransfer && f.To == f.From {
		f.Errors["to"] = s.T.Text("console.stock.same_location", "Choose a destination other than the source.", nil)
	}
	qty, err := strconv.Atoi(f.Qty)
	switch {
	case err != nil || qty < -app.MaxQty || qty > app.MaxQty:
		f.Errors["qty"] = s.T.Text("console.stock.qty_number", "Enter a whole number of parts, at most {{.Max}}.", map[string]any{"Max": s.T.Count(app.MaxQty)})
	case f.Kind == app.MoveAdjust && qty == 0:
		f.Errors["qty"] = s.T.Text("console.stock.qty_nonzero", "Enter how many parts to add (for example 2) or take away (for example -2).", nil)
	case f.Kind != app.MoveAdjust && qty <= 0:
		f.Errors["qty"] = s.T.Text("console.stock.qty_positive", "Enter how many parts: 1 or more.", nil)
	}
	m.Qty = qty
	if f.Kind == app.MoveAdjust && f.Reason == "" {
		f.Errors["reason"] = s.T.Text("console.stock.reason_required", "Say why the count is corrected (for example: counted on the shelf, damaged).", nil)
	} else if app.CheckTextLen("reason", f.Reason, app.MaxReasonLen) != nil {
		f.Errors["reason"] = s.T.Text("console.stock.reason_too_long", "Shorten the reason to at most {{.Max}} characters.", map[string]any{"Max": s.T.Count(app.MaxReasonLen)})
	}
	if len(f.Errors) > 0 {
		return again(http.StatusBadRequest)
	}
	if f.Ticket != "" {
		d, err := c.ticket(ctx, s, app.TicketID(f.Ticket))
		if app.ErrorCode(err) == app.ENOTFOUND {
			f.Problem = refusalText(s, err)
			return again(http.StatusNotFound)
		} else if err != nil {
			return err
		}
		if f.Kind != app.MoveTransfer || d.Ticket.Status != app.StatusWaitingParts || strconv.FormatInt(int64(d.Ticket.Epoch), 10) != f.Epoch {
			f.Problem = s.T.Text("console.stock.ticket_changed", "Ticket {{.Number}} changed since you opened the page (it is no longer waiting for these parts, or was reassigned). Open the part requests again.", map[string]any{"Number": d.Ticket.Number})
			return again(http.StatusConflict)
		}
		m.Reason = s.T.Text("console.stock.ship_reason", "Parts for ticket {{.Number}}", map[string]any{"Number": d.Ticket.Number})
	}
	// The page's balance against today's: the check is not in the
	// mutation's transaction, so a movement between the two is not seen;
	// it catches a page left open while stock moved.
	corrected := m.To
	if f.BaseAt != "" {
		corrected = app.LocationID(f.BaseAt)
	}
	if f.Base != "" {
		base, err := strconv.Atoi(f.Base)
		if err != nil {
			f.Problem = s.T.Text("console.stock.form_expired", "This form is out of date. Check the values below and send it again.", nil)
			return again(http.StatusBadRequest)
		}
		now, err := c.balance(ctx, s.Tenant, corrected, m.Part)
		if err != nil {
			return err
		}
		if now != base {
			f.Base = strconv.Itoa(now)
			f.Problem = s.T.Text("console.stock.stale", "The balance of {{.Part}} at {{.Location}} is now {{.Now}}, not the {{.Shown}} you saw: stock moved meanwhile. Check the quantity below and send it again.",
				map[string]any{"Part": f.Part, "Location": string(corrected), "Now": now, "Shown": base})
			return again(http.StatusConflict)
		}
	}
	if !f.Confirm {
		switch {
		case f.Kind == app.MoveAdjust && (qty >= largeAdjustment || qty <= -largeAdjustment):
			f.Ask = s.T.Text("console.stock.confirm_large", "This corrects the count by {{.Qty}} parts, a large adjustment. Check the quantity, then confirm.", map[string]any{"Qty": qty})
			return again(http.StatusOK)
		case f.Kind == app.MoveTransfer:
			have, err := c.balance(ctx, s.Tenant, m.From, m.Part)
			if err != nil {
				return err
			}
			if have-qty < 0 {
				f.Ask = s.T.Text("console.stock.confirm_below_zero", "{{.From}} holds {{.Have}} of {{.Part}}: this transfer takes it to {{.After}}. The service records it and lists the location under negative stock to reconcile. Confirm only if the parts are really there.",
					map[string]any{"From": f.From, "Have": have, "Part": f.Part, "After": have - qty})
				return again(http.StatusOK)
			}
		}
	}
	args, err := json.Marshal(app.MoveStock{Kind: f.Kind, Movement: m})
	if err != nil {
		return err
	}
	name, version := (&app.MoveStock{Kind: f.Kind}).MutationName()
	mut := app.Mutation{ID: app.NewID(), Name: name, Version: version, At: c.opt.Now().UTC(), Args: args}
	if err := c.apply(ctx, s, mut); err != nil {
		if status := central.HTTPStatus(err); status < 500 && status != http.StatusForbidden {
			f.Problem = refusalText(s, err)
			return again(status)
		}
		return err
	}
	if err := c.flashMoved(w, r, s, f, qty); err != nil {
		return err
	}
	http.Redirect(w, r, f.BackURL(), http.StatusSeeOther)
	return nil
}

// refusalText is the API's refusal in the session's words; a movement
// already recorded (the form sent twice) says so in the console's.
func refusalText(s *Session, err error) string {
	e := app.AsError(err)
	if e.Key == "fact.exists" {
		return s.T.Text("console.stock.sent_twice", "This movement was recorded already (the form was sent twice). Look at the ledger before recording it again.", nil)
	}
	return appErrorText(s.T, e)
}

func (c *Console) flashMoved(w http.ResponseWriter, r *http.Request, s *Session, f moveForm, qty int) error {
	d := map[string]any{"Qty": qty, "Part": f.Part, "From": f.From, "To": f.To}
	switch f.Kind {
	case app.MoveReceive:
		return c.flash(w, r, s, "console.stock.received", "Received {{.Qty}} × {{.Part}} at {{.To}}.", d)
	case app.MoveTransfer:
		return c.flash(w, r, s, "console.stock.transferred", "Moved {{.Qty}} × {{.Part}} from {{.From}} to {{.To}}.", d)
	}
	return c.flash(w, r, s, "console.stock.adjusted", "Corrected the count of {{.Part}} at {{.To}} by {{.Qty}}.", d)
}

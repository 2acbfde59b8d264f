package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The stock pages' queues: defective returns waiting to go back to their brands
// (GET /stock/returns) and balances below zero to reconcile (GET
// /stock/negative). Each lists what the session's scope sees; the forms
// on them post the movements of stockmove.go.

// maxQueueShown bounds each queue's page, each row with its forms (the
// demo world's returns page is 158 KB with 100); the page says how many
// more there are.
const maxQueueShown = 100

// returnGroup is the defective returns of one brand in one bin.
type returnGroup struct {
	Brand        string
	Location     app.LocationID
	LocationName string
	Returns      []returnRow
	Qty          int
	// ShipmentID is the return shipment the group's form sends, minted
	// with the page; Warehouses are where it may go.
	ShipmentID string
	Warehouses []app.Location
}

// returnRow is a defective return with the form that ships it from its
// bin to a warehouse (a transfer naming its serial), which carries the
// bin's balance of the part as the page showed it.
type returnRow struct {
	central.DefectiveReturn
	Ship moveForm
}

// returnsPage is the data of GET /stock/returns.
type returnsPage struct {
	Groups  []returnGroup
	More    int
	Problem string // the refusal of the last return shipment
}

// returns lists the defective returns waiting to be shipped back, by
// brand and bin, oldest first within each.
func (c *Console) returns(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.renderReturns(w, r, s, http.StatusOK, "")
}

func (c *Console) renderReturns(w http.ResponseWriter, r *http.Request, s *Session, status int, problem string) error {
	ctx := r.Context()
	rs, err := c.db.DefectiveReturns(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	p := returnsPage{Problem: problem}
	if len(rs) > maxQueueShown {
		p.More = len(rs) - maxQueueShown
		rs = rs[:maxQueueShown]
	}
	ids := make([]app.PartNumber, len(rs))
	for i, d := range rs {
		ids[i] = d.Part
	}
	parts, err := c.db.PartsByNumber(ctx, s.Tenant, ids)
	if err != nil {
		return err
	}
	var warehouses []app.Location
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	for _, l := range locs {
		if l.Kind == app.LocationWarehouse {
			warehouses = append(warehouses, l)
		}
	}
	bins := map[app.LocationID]map[app.PartNumber]int{}
	index := map[[2]string]int{}
	for _, d := range rs {
		if part, ok := parts[d.Part]; ok {
			d.PartName = partLabel(s.T, part)
		}
		key := [2]string{parts[d.Part].Brand, string(d.Location)}
		i, ok := index[key]
		if !ok {
			i = len(p.Groups)
			index[key] = i
			p.Groups = append(p.Groups, returnGroup{Brand: key[0], Location: d.Location, LocationName: d.LocationName, ShipmentID: app.NewID(), Warehouses: warehouses})
		}
		if bins[d.Location] == nil {
			bs, err := c.db.Balances(ctx, s.Tenant, d.Location)
			if err != nil {
				return err
			}
			bins[d.Location] = map[app.PartNumber]int{}
			for _, b := range bs {
				bins[d.Location][b.Part] = b.Qty
			}
		}
		row := returnRow{DefectiveReturn: d}
		if len(warehouses) > 0 {
			row.Ship = moveForm{Kind: app.MoveTransfer, ID: app.NewID(), Part: string(d.Part), From: string(d.Location), Qty: strconv.Itoa(d.Qty), Serial: d.Serial,
				Base: strconv.Itoa(bins[d.Location][d.Part]), BaseAt: string(d.Location), Back: "/stock/returns", Locations: warehouses}
		}
		p.Groups[i].Returns = append(p.Groups[i].Returns, row)
		p.Groups[i].Qty += d.Qty
	}
	return c.render(w, r, s, status, "stock_returns", p)
}

// sources are the locations parts are shipped from, but not: the
// warehouses, then the stores. Vans are left out, which keeps each form's
// list short (the demo world has hundreds), and so are defective bins,
// which hold no sellable stock; parts from either move with the transfer
// form of the balances page.
func sources(locs []app.Location, not app.LocationID) []app.Location {
	var out []app.Location
	for _, kind := range []app.LocationKind{app.LocationWarehouse, app.LocationStore} {
		for _, l := range locs {
			if l.Kind == kind && l.ID != not {
				out = append(out, l)
			}
		}
	}
	return out
}

// negativeRow is a balance below zero with its two reconciling forms.
type negativeRow struct {
	central.NamedBalance
	Href     string   // the ledger behind the balance
	Adjust   moveForm // a count correction at the location
	Transfer moveForm // parts brought from another location
}

// negativePage is the data of GET /stock/negative.
type negativePage struct {
	Rows []negativeRow
	More int
}

// negative lists the balances below zero with a form to reconcile each:
// an adjustment with its reason, or a transfer from another location.
// Both carry the balance shown, so a balance that moved meanwhile refuses
// the form as stale.
func (c *Console) negative(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	bs, err := c.db.NegativeBalances(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	p := negativePage{}
	if len(bs) > maxQueueShown {
		p.More = len(bs) - maxQueueShown
		bs = bs[:maxQueueShown]
	}
	for _, b := range bs {
		base, fix := strconv.Itoa(b.Qty), strconv.Itoa(-b.Qty)
		others := sources(locs, b.Location)
		p.Rows = append(p.Rows, negativeRow{NamedBalance: b, Href: ledgerURL(b.Location, b.Part),
			Adjust: moveForm{Kind: app.MoveAdjust, ID: app.NewID(), Part: string(b.Part), To: string(b.Location), Qty: fix, Base: base, Back: "/stock/negative"},
			Transfer: moveForm{Kind: app.MoveTransfer, ID: app.NewID(), Part: string(b.Part), To: string(b.Location), Qty: fix, Base: base, Back: "/stock/negative",
				Locations: others}})
	}
	return c.render(w, r, s, http.StatusOK, "stock_negative", p)
}

// shipReturns builds a return shipment (shipment.send, kind return) from
// a defective bin to a warehouse, of the returns ticked on the returns
// page, each line carrying its part, serial, ticket and claim. A return
// shipped on meanwhile (by another form, or a technician's own return
// shipment) is refused as stale: the page is drawn again without it.
func (c *Console) shipReturns(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id, from, to := r.PostFormValue("id"), app.LocationID(r.PostFormValue("from")), app.LocationID(r.PostFormValue("to"))
	ids := r.PostForm["return"]
	again := func(status int, problem string) error { return c.renderReturns(w, r, s, status, problem) }
	if !app.FreshID(id) {
		return again(http.StatusBadRequest, s.T.Text("console.returns.form_expired", "This form is out of date. Tick the returns again and ship.", nil))
	}
	locs, err := c.locationsSeen(ctx, s)
	if err != nil {
		return err
	}
	for _, l := range []app.LocationID{from, to} {
		if _, ok := locs[l]; !ok {
			return errNoLocation(string(l))
		}
	}
	if len(ids) == 0 || len(ids) > app.MaxShipmentLines {
		return again(http.StatusBadRequest, s.T.Text("console.returns.choose", "Tick the returns to ship (at most {{.Max}}), then ship.", map[string]any{"Max": s.T.Count(app.MaxShipmentLines)}))
	}
	rs, err := c.db.DefectiveReturns(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	sh := app.Shipment{ID: id, Kind: app.ShipmentReturn, From: from, To: to,
		Carrier: strings.TrimSpace(r.PostFormValue("carrier")), Tracking: strings.TrimSpace(r.PostFormValue("tracking"))}
	for _, mid := range ids {
		i := slices.IndexFunc(rs, func(d central.DefectiveReturn) bool { return d.Movement == mid && d.Location == from })
		if i < 0 {
			return again(http.StatusConflict, s.T.Text("console.returns.stale", "A return you ticked was shipped meanwhile or is no longer in this bin. Check the list below and ship again.", nil))
		}
		d := rs[i]
		sh.Lines = append(sh.Lines, app.ShipmentLine{Part: d.Part, Qty: d.Qty, Serial: d.Serial, Ticket: d.Ticket, Claim: d.Claim})
	}
	if ok, err := c.send(ctx, s, &app.SendShipment{Shipment: sh}, again); !ok {
		return err
	}
	if err := c.flashText(r, s, pluralText(s.T, "console.returns.shipped", "Shipped {{.N}} returns to {{.To}}.", len(sh.Lines), map[string]any{"N": len(sh.Lines), "To": locs[to].Name})); err != nil {
		return err
	}
	http.Redirect(w, r, "/stock/shipments/"+id, http.StatusSeeOther)
	return nil
}

package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The replenishment page (GET /stock/replenish): per van or store, the
// parts at or below their suggested minimum with the proposal (order up
// to the maximum, central.DB.StockLevels), shipped from the location's
// replenishment source by approving the ticked lines (POST
// /stock/replenish/ship, shipment.send); and the dormant parts
// (central.DB.DormantStock) with their value and the suggested transfer
// or return, each a link to the balances page's transfer form.

// replenishGroup is one location's proposals with the form that ships
// them.
type replenishGroup struct {
	Location   app.LocationID
	Name       string
	Source     app.LocationID
	Lines      []central.StockLevel
	ShipmentID string // minted with the page: a form sent twice ships once
	// LeadWeeks is the lead time the location's levels cover, LeadSet
	// whether the office set it (central.StockLevel): the table says so,
	// as a long one is why an overseas store's minimum is high.
	LeadWeeks int
	LeadSet   bool
}

// dormantRow is a dormant part with the link to act on it.
type dormantRow struct {
	central.DormantPart
	ToName string
	Href   string
}

// replenishPage is the data of GET /stock/replenish.
type replenishPage struct {
	Groups     []replenishGroup
	Sources    []app.Location
	Dormant    []dormantRow
	MoreGroups int
	MoreIdle   int
	Problem    string
}

func (c *Console) replenish(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.renderReplenish(w, r, s, http.StatusOK, "")
}

func (c *Console) renderReplenish(w http.ResponseWriter, r *http.Request, s *Session, status int, problem string) error {
	ctx := r.Context()
	now := c.opt.Now()
	levels, err := c.db.StockLevels(ctx, s.Tenant, stockScope(s), now)
	if err != nil {
		return err
	}
	locs, err := c.locationsSeen(ctx, s)
	if err != nil {
		return err
	}
	all, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	p := replenishPage{Sources: sources(all, ""), Problem: problem}
	numbers := []app.PartNumber{}
	for _, l := range levels {
		if l.Order > 0 {
			numbers = append(numbers, l.Part)
		}
	}
	idle, err := c.db.DormantStock(ctx, s.Tenant, stockScope(s), now)
	if err != nil {
		return err
	}
	for _, d := range idle {
		numbers = append(numbers, d.Part)
	}
	// The parts' names in the session's language (the levels' are English).
	parts, err := c.db.PartsByNumber(ctx, s.Tenant, numbers)
	if err != nil {
		return err
	}
	index := map[app.LocationID]int{}
	for _, l := range levels {
		if l.Order <= 0 {
			continue
		}
		if part, ok := parts[l.Part]; ok {
			l.PartName = partLabel(s.T, part)
		}
		i, ok := index[l.Location]
		if !ok {
			if len(p.Groups) >= maxQueueShown {
				p.MoreGroups++
				continue
			}
			i = len(p.Groups)
			index[l.Location] = i
			p.Groups = append(p.Groups, replenishGroup{Location: l.Location, Name: l.LocationName, Source: l.Source, ShipmentID: app.NewID(),
				LeadWeeks: l.LeadWeeks, LeadSet: l.LeadSet})
		}
		if len(p.Groups[i].Lines) < app.MaxShipmentLines {
			p.Groups[i].Lines = append(p.Groups[i].Lines, l)
		}
	}
	for _, d := range idle {
		if part, ok := parts[d.Part]; ok {
			d.PartName = partLabel(s.T, part)
		}
		if len(p.Dormant) >= maxQueueShown {
			p.MoreIdle++
			continue
		}
		p.Dormant = append(p.Dormant, dormantRow{DormantPart: d, ToName: locs[d.To].Name,
			Href: "/stock?location=" + url.QueryEscape(string(d.Location)) + "&q=" + url.QueryEscape(string(d.Part))})
	}
	return c.render(w, r, s, status, "stock_replenish", p)
}

// shipReplenishment ships the ticked proposals of one location from the
// source chosen, each at the quantity the page proposed. A proposal that
// changed since the page was drawn (stock arrived or was used) is refused
// as stale, and the page shows today's.
func (c *Console) shipReplenishment(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	again := func(status int, problem string) error { return c.renderReplenish(w, r, s, status, problem) }
	id, to, from := r.PostFormValue("id"), app.LocationID(r.PostFormValue("to")), app.LocationID(r.PostFormValue("from"))
	if !app.FreshID(id) {
		return again(http.StatusBadRequest, s.T.Text("console.replenish.form_expired", "This form is out of date. Tick the parts again and ship.", nil))
	}
	locs, err := c.locationsSeen(ctx, s)
	if err != nil {
		return err
	}
	for _, l := range []app.LocationID{to, from} {
		if _, ok := locs[l]; !ok {
			return errNoLocation(string(l))
		}
	}
	parts := r.PostForm["part"]
	if len(parts) == 0 || len(parts) > app.MaxShipmentLines {
		return again(http.StatusBadRequest, s.T.Text("console.replenish.choose", "Tick the parts to ship (at most {{.Max}}), then ship.", map[string]any{"Max": s.T.Count(app.MaxShipmentLines)}))
	}
	levels, err := c.db.StockLevels(ctx, s.Tenant, stockScope(s), c.opt.Now())
	if err != nil {
		return err
	}
	sh := app.Shipment{ID: id, Kind: app.ShipmentSupply, From: from, To: to,
		Carrier: strings.TrimSpace(r.PostFormValue("carrier")), Tracking: strings.TrimSpace(r.PostFormValue("tracking"))}
	for _, part := range parts {
		i := slices.IndexFunc(levels, func(l central.StockLevel) bool { return l.Location == to && string(l.Part) == part })
		if i < 0 || levels[i].Order <= 0 || strconv.Itoa(levels[i].Order) != r.PostFormValue("order."+part) {
			return again(http.StatusConflict, s.T.Text("console.replenish.stale", "The proposal for {{.Part}} changed since you opened the page (stock arrived or was used). Check today's proposals below and ship again.", map[string]any{"Part": part}))
		}
		sh.Lines = append(sh.Lines, app.ShipmentLine{Part: levels[i].Part, Qty: levels[i].Order})
	}
	if ok, err := c.send(ctx, s, &app.SendShipment{Shipment: sh}, again); !ok {
		return err
	}
	if err := c.flashText(r, s, pluralText(s.T, "console.replenish.shipped", "Shipped {{.N}} parts to {{.To}} to restock it.", len(sh.Lines), map[string]any{"N": len(sh.Lines), "To": locs[to].Name})); err != nil {
		return err
	}
	http.Redirect(w, r, "/stock/shipments/"+id, http.StatusSeeOther)
	return nil
}

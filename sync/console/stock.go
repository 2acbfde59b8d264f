package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The stock pages: balances per location (GET /stock), the ledger behind
// one balance (GET /stock/{location}/{part}), and the movements the office
// records (POST /stock/receive, /stock/transfer, /stock/adjust), each the
// named mutation the admin API takes, through Console.apply. Every role
// sees stock (permView; a store manager only the locations their store
// sees, central.DB.StoreLocations); parts clerks, dispatchers and
// administrators record movements (permStock).

const (
	// maxBalancesShown bounds the balances listed for one location.
	maxBalancesShown = 500
	// maxSearchLen bounds the part search, in characters (app.TextLen),
	// as its message says.
	maxSearchLen = 100
	// ledgerPage is how many ledger lines one page shows.
	ledgerPage = 100
	// largeAdjustment is the size of a count adjustment (either way)
	// from which the console asks to confirm it.
	largeAdjustment = 50
)

// stockScope is the store whose locations the session sees: a store
// manager's, else "" (the whole tenant).
func stockScope(s *Session) app.StoreID {
	if s.Role == RoleStoreManager {
		return s.Store
	}
	return ""
}

// errNoLocation answers a location that is missing or outside the
// session's scope alike.
func errNoLocation(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.stock.no_location", "There is no stock location {{.ID}} here. Choose one from the list on the stock page.", "ID", id)
}

// balanceRow is a part's balance at the chosen location.
type balanceRow struct {
	Part app.PartNumber
	Name string
	Qty  int
	Href string // the ledger behind Qty
}

// ledgerURL is the page of the ledger of part at loc.
func ledgerURL(loc app.LocationID, part app.PartNumber) string {
	return "/stock/" + url.PathEscape(string(loc)) + "/" + url.PathEscape(string(part))
}

// stockPage is the data of GET /stock.
type stockPage struct {
	Locations []app.Location
	Location  app.Location // the chosen one; zero when the tenant has none
	Query     string
	Rows      []balanceRow
	Total     int // rows matching before maxBalancesShown
	Receive   moveForm
	Transfer  moveForm
}

// Counts are the numbers the balances' caption names.
func (p stockPage) Counts() map[string]any {
	return map[string]any{"Location": p.Location.Name, "Shown": len(p.Rows), "Total": p.Total}
}

// stock lists the balances of one location (?location=, default the
// first the session sees), optionally of the parts whose number or name
// holds ?q=.
func (c *Console) stock(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !utf8.ValidString(q) || app.TextLen(q) > maxSearchLen {
		return app.Errorf(app.EINVALID, "console.stock.search_too_long", "Search for at most {{.Max}} characters of a part's number or name.", "Max", maxSearchLen)
	}
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	p := stockPage{Locations: locs, Query: q}
	if len(locs) == 0 {
		return c.render(w, r, s, http.StatusOK, "stock", p)
	}
	p.Location = locs[0]
	if id := r.URL.Query().Get("location"); id != "" {
		i := slices.IndexFunc(locs, func(l app.Location) bool { return string(l.ID) == id })
		if i < 0 {
			return errNoLocation(id)
		}
		p.Location = locs[i]
	}
	bs, err := c.db.Balances(ctx, s.Tenant, p.Location.ID)
	if err != nil {
		return err
	}
	names, err := c.partNames(ctx, s.Tenant, bs)
	if err != nil {
		return err
	}
	// Folded (app.Fold) as the device's part search folds: a Chinese
	// input method's full-width "ＢＡＴＴ" or "oeillet" typed for "Œillet"
	// finds the part here as on the terminal.
	fq := app.Fold(q)
	holds := func(s string) bool { return strings.Contains(app.Fold(s), fq) }
	for _, b := range bs {
		part := names[b.Part]
		// The name shown is found too: a French reader types "pompe".
		if q != "" && !holds(string(b.Part)) && !holds(part.NameEN) && !holds(part.NameZH) && !holds(partLabel(s.T, part)) {
			continue
		}
		p.Total++
		if len(p.Rows) < maxBalancesShown {
			p.Rows = append(p.Rows, balanceRow{Part: b.Part, Name: partLabel(s.T, part), Qty: b.Qty, Href: ledgerURL(b.Location, b.Part)})
		}
	}
	back := r.URL.RequestURI()
	p.Receive = moveForm{Kind: app.MoveReceive, ID: app.NewID(), To: string(p.Location.ID), Back: back, Locations: locs}
	p.Transfer = moveForm{Kind: app.MoveTransfer, ID: app.NewID(), From: string(p.Location.ID), Back: back, Locations: locs}
	return c.render(w, r, s, http.StatusOK, "stock", p)
}

func (c *Console) partNames(ctx context.Context, tenant string, bs []app.Balance) (map[app.PartNumber]app.Part, error) {
	ids := make([]app.PartNumber, len(bs))
	for i, b := range bs {
		ids[i] = b.Part
	}
	return c.db.PartsByNumber(ctx, tenant, ids)
}

// partLabel is a part's name in the session's language (app.Part.NameFor).
func partLabel(cat *translations.Catalog, p app.Part) string {
	return p.NameFor(cat.Lang())
}

// ledgerPageData is the data of GET /stock/{location}/{part}.
type ledgerPageData struct {
	Location app.Location
	Part     app.PartNumber
	PartName string
	Balance  int
	Lines    []ledgerRow
	Next     string // the next page's URL, "" on the last
	Adjust   moveForm
}

// Heading is what the page's heading names.
func (p ledgerPageData) Heading() map[string]any {
	return map[string]any{"Part": string(p.Part), "Location": p.Location.Name}
}

// ledgerRow is a ledger line with what the page says of it.
type ledgerRow struct {
	central.LedgerLine
	KindText  string
	OtherName string // a transfer's other side
	TicketURL string
}

// stockText is a text of the stock pages: its key and English.
type stockText struct{ Key, Message string }

// movementKinds name the kinds of movement on screen.
var movementKinds = map[app.MovementKind]stockText{
	app.MoveReceive:         {Key: "console.stock.kind.receive", Message: "Received"},
	app.MoveTransfer:        {Key: "console.stock.kind.transfer", Message: "Transfer"},
	app.MoveConsume:         {Key: "console.stock.kind.consume", Message: "Fitted on a ticket"},
	app.MoveReturnDefective: {Key: "console.stock.kind.return_defective", Message: "Defective part returned"},
	app.MoveAdjust:          {Key: "console.stock.kind.adjust", Message: "Count corrected"},
}

// movementKindText names a kind of movement; an unknown one is shown as
// it is.
func movementKindText(cat *translations.Catalog, k string) string {
	if t, ok := movementKinds[app.MovementKind(k)]; ok {
		return cat.Text(t.Key, t.Message, nil)
	}
	return k
}

// ledger shows the movements behind one balance, newest first, a page of
// ledgerPage lines (?before= the cursor of the previous page's last).
// central.DB.Ledger reads every movement of the location and part for
// each page (about 18 µs a movement): fine for the ledgers of today.
func (c *Console) ledger(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	loc, part := r.PathValue("location"), app.PartNumber(r.PathValue("part"))
	locs, err := c.db.StoreLocations(ctx, s.Tenant, stockScope(s))
	if err != nil {
		return err
	}
	i := slices.IndexFunc(locs, func(l app.Location) bool { return string(l.ID) == loc })
	if i < 0 {
		return errNoLocation(loc)
	}
	before := r.URL.Query().Get("before")
	lines, err := c.db.Ledger(ctx, central.LedgerQuery{Tenant: s.Tenant, Store: stockScope(s), Location: app.LocationID(loc), Part: part, Limit: ledgerPage + 1, Before: before})
	if err != nil {
		return err
	}
	p := ledgerPageData{Location: locs[i], Part: part}
	if len(lines) > ledgerPage {
		lines = lines[:ledgerPage]
		p.Next = ledgerURL(app.LocationID(loc), part) + "?before=" + url.QueryEscape(lines[len(lines)-1].Cursor())
	}
	all, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return err
	}
	names := map[app.LocationID]string{}
	for _, l := range all {
		names[l.ID] = l.Name
	}
	for _, ln := range lines {
		row := ledgerRow{LedgerLine: ln, KindText: movementKindText(s.T, ln.Kind), OtherName: names[ln.Other]}
		if ln.Ticket != "" {
			row.TicketURL = "/tickets/" + url.PathEscape(string(ln.Ticket))
		}
		p.Lines = append(p.Lines, row)
	}
	if p.Balance, err = c.balance(ctx, s.Tenant, app.LocationID(loc), part); err != nil {
		return err
	}
	ps, err := c.db.PartsByNumber(ctx, s.Tenant, []app.PartNumber{part})
	if err != nil {
		return err
	}
	p.PartName = partLabel(s.T, ps[part])
	p.Adjust = moveForm{Kind: app.MoveAdjust, ID: app.NewID(), To: loc, Part: string(part), Base: strconv.Itoa(p.Balance), Back: r.URL.Path}
	return c.render(w, r, s, http.StatusOK, "stock_ledger", p)
}

// balance is the balance of part at loc (0 when it never moved there).
func (c *Console) balance(ctx context.Context, tenant string, loc app.LocationID, part app.PartNumber) (int, error) {
	bs, err := c.db.Balances(ctx, tenant, loc)
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		if b.Part == part {
			return b.Qty, nil
		}
	}
	return 0, nil
}

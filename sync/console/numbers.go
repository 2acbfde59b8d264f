package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/internal/svgchart"
	"github.com/fieldbench/fieldbench/sync/central"
)

// slaTarget is the share of tickets resolved in time the SLA chart draws
// its target line at. Tenants have no setting for it yet: 90 % is the
// usual goal of service contracts.
const slaTarget = 90

// chartTechnicians bounds the technicians the SLA chart draws, so that it
// stays readable; the table lists them all.
const chartTechnicians = 30

// dateForm is how the period's days are written in the URL and the date
// inputs.
const dateForm = "2006-01-02"

// numbersPresets are the periods offered as links, in order.
var numbersPresets = []struct{ Value, Key, Message string }{
	{Value: "week", Key: "console.numbers.preset.week", Message: "This week"},
	{Value: "last7", Key: "console.numbers.preset.last7", Message: "Last 7 days"},
	{Value: "last30", Key: "console.numbers.preset.last30", Message: "Last 30 days"},
	{Value: "month", Key: "console.numbers.preset.month", Message: "This month"},
}

// numbersPeriod is the period of a figures page: whole days [From, To) in
// the session's zone (in which the console shows times), chosen by a
// preset or as a custom range of dates.
type numbersPeriod struct {
	Preset   string // a numbersPresets value, or "custom"
	From, To time.Time
}

// Last is the period's last day, as the form shows it.
func (p numbersPeriod) Last() time.Time { return addDays(p.To, -1) }

// parsePeriod reads the period of v (period=<preset>, or from= and to=,
// both days included), relative to now, its days those of now's zone
// (the session's), typed as a reader of lang types a day (parseDay);
// none is the last 7 days. A malformed date is EINVALID, its message
// showing a day as lang types it; a reversed or too long period is left for
// central.NumbersQuery.Validate to refuse, in the same words as the API.
func parsePeriod(v url.Values, now time.Time, lang string) (numbersPeriod, error) {
	loc := now.Location()
	today := startOfDay(now, loc)
	tomorrow := addDays(today, 1)
	preset := v.Get("period")
	if preset == "" && (v.Get("from") != "" || v.Get("to") != "") {
		preset = "custom"
	}
	switch preset {
	case "", "last7":
		return numbersPeriod{Preset: "last7", From: addDays(today, -6), To: tomorrow}, nil
	case "last30":
		return numbersPeriod{Preset: "last30", From: addDays(today, -29), To: tomorrow}, nil
	case "week":
		// Weeks begin on Monday (ISO 8601).
		back := (int(today.Weekday()) + 6) % 7
		return numbersPeriod{Preset: "week", From: addDays(today, -back), To: tomorrow}, nil
	case "month":
		return numbersPeriod{Preset: "month", From: central.DayStart(today.Year(), today.Month(), 1, loc), To: tomorrow}, nil
	case "custom":
		from, err1 := parseDay(lang, v.Get("from"), loc)
		last, err2 := parseDay(lang, v.Get("to"), loc)
		if err1 != nil || err2 != nil {
			return numbersPeriod{Preset: "custom"}, app.Errorf(app.EINVALID, "console.numbers.bad_date", "Write both days as {{.Date}}, or choose a period above.", "Date", exampleDay(lang))
		}
		return numbersPeriod{Preset: "custom", From: from, To: addDays(last, 1)}, nil
	}
	return numbersPeriod{}, app.Errorf(app.EINVALID, "console.numbers.bad_period", "There is no such period; choose one of the periods above.")
}

// errNoStore answers a store that is missing or outside the session's
// scope alike.
func errNoStore(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.numbers.no_store", "There is no store {{.ID}} here. Choose a store from the list.", "ID", id)
}

// errNoTechnician answers a technician that is missing or outside the
// session's scope alike.
func errNoTechnician(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.numbers.no_technician", "There is no technician {{.ID}} here. Choose one from the Numbers page.", "ID", id)
}

// storeOption is a store of the store filter.
type storeOption struct {
	ID       app.StoreID
	Name     string
	Selected bool
}

// numbersScope is the store a figures request is about ("" = the whole
// tenant) and the stores the session may choose from. A store manager's
// is always their store; a store that is not the tenant's, or not the
// manager's, is ENOTFOUND.
func (c *Console) numbersScope(ctx context.Context, s *Session, store string) (app.StoreID, []storeOption, map[app.StoreID]string, error) {
	locs, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return "", nil, nil, err
	}
	names := map[app.StoreID]string{}
	for _, l := range locs {
		if l.Kind == app.LocationStore {
			names[app.StoreID(l.ID)] = l.Name
		}
	}
	if s.Role == RoleStoreManager {
		if store != "" && app.StoreID(store) != s.Store {
			return "", nil, nil, errNoStore(store)
		}
		return s.Store, []storeOption{{ID: s.Store, Name: names[s.Store], Selected: true}}, names, nil
	}
	if _, ok := names[app.StoreID(store)]; store != "" && !ok {
		return "", nil, nil, errNoStore(store)
	}
	var opts []storeOption
	for _, l := range locs {
		if l.Kind == app.LocationStore {
			opts = append(opts, storeOption{ID: app.StoreID(l.ID), Name: l.Name, Selected: string(l.ID) == store})
		}
	}
	return app.StoreID(store), opts, names, nil
}

// rate is a rate as the pages show it: the percentage with its numerator
// and denominator, "93 % (112/120)", so that it can be checked.
type rate struct {
	Text string
	Pct  float64
	OK   bool // the denominator is not 0
}

// rateOf writes num/den. The percentage is rounded down, so that 100 %
// means every one.
func rateOf(cat *translations.Catalog, num, den int) rate {
	pct, ok := central.Percent(num, den)
	if !ok {
		return rate{Text: cat.Text("console.numbers.no_rate", "no data ({{.Num}}/{{.Den}})", map[string]any{"Num": cat.Count(int64(num)), "Den": cat.Count(int64(den))})}
	}
	pct = math.Floor(pct)
	return rate{Pct: pct, OK: true, Text: cat.Text("console.numbers.rate", "{{.Pct}}% ({{.Num}}/{{.Den}})", map[string]any{"Pct": int(pct), "Num": cat.Count(int64(num)), "Den": cat.Count(int64(den))})}
}

// duration writes a time on site to the nearest minute as the board
// writes times (durationText): "35 min", not "0 h 35 min".
func duration(cat *translations.Catalog, d time.Duration) string {
	return durationText(cat, d.Round(time.Minute))
}

// figuresRow is one row of a figures table.
type figuresRow struct {
	ID, Name string
	Href     string // the drill-down, "" when there is none
	Closed   int
	SLA      rate
	Respond  rate
	FTF      rate
	AvgSite  string // the average and its count; "" when no on-site ticket counts
	OnSiteN  int
	Parts    int
	f        central.Figures
}

func newRow(cat *translations.Catalog, id, name string, f central.Figures) figuresRow {
	r := figuresRow{ID: id, Name: name, Closed: f.Closed, SLA: rateOf(cat, f.SLAMet, f.SLADue), Respond: rateOf(cat, f.RespondMet, f.RespondDue),
		FTF: rateOf(cat, f.FirstTimeFix, f.Closed), OnSiteN: f.OnSiteTickets, Parts: f.PartsUsed, f: f}
	if f.OnSiteTickets > 0 {
		r.AvgSite = cat.Text("console.numbers.onsite", "{{.Avg}} (n = {{.N}})", map[string]any{"Avg": duration(cat, f.AvgOnSite), "N": cat.Count(int64(f.OnSiteTickets))})
	}
	return r
}

// partRow is a part of the parts-used table.
type partRow struct {
	Number app.PartNumber
	Name   string
	Units  int
}

// dayRow is a day of the per-day table.
type dayRow struct {
	Day            time.Time
	Closed, SLAMet int
}

// numbersPage is the Numbers page's data.
type numbersPage struct {
	Presets      []presetLink
	Period       numbersPeriod
	Store        app.StoreID
	Stores       []storeOption
	OneStore     bool   // a store manager: no choice of store
	Error        string // the form's refusal; no figures then
	Whole        figuresRow
	Techs        []figuresRow
	ByStore      []figuresRow
	Parts        []partRow
	Days         []dayRow
	SLAChart     template.HTML
	DayChart     template.HTML
	PeriodText   string
	ChartCaption string
	CSVHref      string
	HasFigures   bool
	Tech         *technicianPage // the drill-down of one technician instead
}

// presetLink is a period preset as a link keeping the store.
type presetLink struct {
	Href, Key, Message string
	Current            bool
}

// periodQuery is the query of a figures URL for p and store.
func periodQuery(p numbersPeriod, store app.StoreID) url.Values {
	v := url.Values{"from": {p.From.Format(dateForm)}, "to": {p.Last().Format(dateForm)}}
	if store != "" {
		v.Set("store", string(store))
	}
	return v
}

// numbers is GET /numbers: the period's figures as tables and charts, in
// one call of central.DB.Numbers.
func (c *Console) numbers(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	q := r.URL.Query()
	store, stores, storeNames, err := c.numbersScope(ctx, s, q.Get("store"))
	if err != nil {
		return err
	}
	page := numbersPage{Store: store, Stores: stores, OneStore: s.Role == RoleStoreManager}
	for _, p := range numbersPresets {
		v := url.Values{"period": {p.Value}}
		if store != "" && !page.OneStore {
			v.Set("store", string(store))
		}
		page.Presets = append(page.Presets, presetLink{Href: "/numbers?" + v.Encode(), Key: p.Key, Message: p.Message, Current: p.Value == q.Get("period") || (p.Value == "last7" && q.Get("period") == "" && q.Get("from") == "" && q.Get("to") == "")})
	}
	period, err := parsePeriod(q, c.opt.Now().In(s.loc()), s.T.Lang())
	page.Period = period
	var n central.Numbers
	if err == nil {
		n, err = c.db.Numbers(ctx, central.NumbersQuery{Tenant: s.Tenant, Store: store, From: period.From, To: period.To, Zone: s.loc()})
	}
	if app.ErrorCode(err) == app.EINVALID {
		e := app.AsError(err)
		page.Error = appErrorText(s.T, e)
		return c.render(w, r, s, http.StatusBadRequest, "numbers", page)
	} else if err != nil {
		return err
	}
	page.HasFigures = true
	page.CSVHref = "/numbers.csv?" + periodQuery(period, store).Encode()
	if err := c.fillNumbers(ctx, s, &page, n, storeNames); err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "numbers", page)
}

// fillNumbers turns n into the page's tables and charts.
func (c *Console) fillNumbers(ctx context.Context, s *Session, page *numbersPage, n central.Numbers, storeNames map[app.StoreID]string) error {
	cat := s.T
	page.Whole = newRow(cat, "", "", n.Tenant)
	drill := periodQuery(page.Period, page.Store).Encode()
	var bars []svgchart.Bar
	for _, t := range n.ByTechnician {
		name := t.Name
		if name == "" {
			name = string(t.Technician)
		}
		row := newRow(cat, string(t.Technician), name, t.Figures)
		row.Href = "/numbers/technicians/" + url.PathEscape(string(t.Technician)) + "?" + drill
		page.Techs = append(page.Techs, row)
		if row.SLA.OK && len(bars) < chartTechnicians {
			bars = append(bars, svgchart.Bar{Label: name, Value: row.SLA.Pct, Text: row.SLA.Text, Tip: labelValue(cat, name, row.SLA.Text)})
		}
	}
	page.ChartCaption = cat.Text("console.numbers.chart.sla_caption", "SLA met per technician: {{.Charted}} of {{.All}} shown (the first with a resolution time due); the table lists them all.", map[string]any{"Charted": len(bars), "All": len(page.Techs)})
	for _, st := range n.ByStore {
		name := storeNames[st.Store]
		if name == "" {
			name = string(st.Store)
		}
		page.ByStore = append(page.ByStore, newRow(cat, string(st.Store), name, st.Figures))
	}
	if len(n.PartsUsed) > 0 {
		ids := make([]app.PartNumber, len(n.PartsUsed))
		for i, p := range n.PartsUsed {
			ids[i] = p.Part
		}
		parts, err := c.db.PartsByNumber(ctx, s.Tenant, ids)
		if err != nil {
			return err
		}
		for _, p := range n.PartsUsed {
			page.Parts = append(page.Parts, partRow{Number: p.Part, Name: partName(parts[p.Part], cat.Lang()), Units: p.Units})
		}
	}
	labels := make([]string, len(n.PerDay))
	tips := make([]string, len(n.PerDay))
	closed := make([]float64, len(n.PerDay))
	met := make([]float64, len(n.PerDay))
	closedName, metName := cat.Text("console.numbers.closed", "Closed", nil), cat.Text("console.numbers.sla_met", "SLA met", nil)
	for i, d := range n.PerDay {
		page.Days = append(page.Days, dayRow{Day: d.Day, Closed: d.Closed, SLAMet: d.SLAMet})
		labels[i] = cat.DayMonth(d.Day) // the year is in the period above the chart
		// A column's tooltip, a line each, in the page's punctuation
		// ("已关闭：3"): svgchart's own joins with ASCII ": " and "; ".
		tips[i] = cat.Date(d.Day) + "\n" + labelValue(cat, closedName, cat.Count(int64(d.Closed))) + "\n" + labelValue(cat, metName, cat.Count(int64(d.SLAMet)))
		closed[i], met[i] = float64(d.Closed), float64(d.SLAMet)
	}
	// The days as the language writes them, as the rest of the page does
	// ("du 1 déc. 2026 au 7 déc. 2026"): ISO figures here stood beside
	// the period fields' 01/12/2026 in French.
	span := map[string]any{"From": cat.Date(page.Period.From), "To": cat.Date(page.Period.Last()), "Zone": s.loc().String()}
	page.PeriodText = cat.Text("console.numbers.period", "Tickets closed from {{.From}} to {{.To}} (both days included, {{.Zone}}).", span)
	if len(bars) > 0 {
		target := cat.Text("console.numbers.chart.target", "Target {{.Target}}%", map[string]any{"Target": slaTarget})
		page.SLAChart = template.HTML(svgchart.Bars(svgchart.BarChart{
			Title: cat.Text("console.numbers.chart.sla", "SLA met per technician", nil),
			Desc:  cat.Text("console.numbers.chart.sla_desc", "{{.From}} to {{.To}}: the share of each technician's closed tickets with a resolution time that were completed in time, against a target of {{.Target}}%.", map[string]any{"From": span["From"], "To": span["To"], "Target": slaTarget}),
			Width: 720, Height: 40 + 26*len(bars), Max: 100, HasTarget: true, Target: slaTarget, TargetLabel: target, Bars: bars,
		}))
	}
	page.DayChart = template.HTML(svgchart.Columns(svgchart.ColumnChart{
		Title: cat.Text("console.numbers.chart.days", "Tickets closed per day", nil),
		Desc:  cat.Text("console.numbers.chart.days_desc", "{{.From}} to {{.To}}: the tickets closed each day, and of them those completed within their resolution time.", span),
		Width: 720, Height: 240, Labels: labels, Tips: tips,
		Series: []svgchart.Series{{Name: closedName, Values: closed}, {Name: metName, Values: met}},
	}))
	return nil
}

// partName is a part's name in lang (app.Part.NameFor).
func partName(p app.Part, lang string) string {
	return p.NameFor(lang)
}

// csvCell makes a cell safe to open in a spreadsheet: a cell starting
// with = + - @ (or a tab or carriage return, which some spreadsheets
// skip before them) would be read as a formula, so it gets a leading
// apostrophe (OWASP's advice against formula injection).
func csvCell(v string) string {
	if v != "" {
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + v
		}
	}
	return v
}

// numbersCSV is GET /numbers.csv: the Numbers page's tables (per
// technician, per store, parts used) as one CSV file, a blank line
// between them, headings in the session's language.
func (c *Console) numbersCSV(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	q := r.URL.Query()
	store, _, storeNames, err := c.numbersScope(ctx, s, q.Get("store"))
	if err != nil {
		return err
	}
	period, err := parsePeriod(q, c.opt.Now().In(s.loc()), s.T.Lang())
	if err != nil {
		return err
	}
	n, err := c.db.Numbers(ctx, central.NumbersQuery{Tenant: s.Tenant, Store: store, From: period.From, To: period.To, Zone: s.loc()})
	if err != nil {
		return err
	}
	page := numbersPage{Period: period, Store: store}
	if err := c.fillNumbers(ctx, s, &page, n, storeNames); err != nil {
		return err
	}
	cat := s.T
	var rows [][]string
	heads := func(first string) []string {
		return []string{first, cat.Text("console.numbers.closed", "Closed", nil),
			cat.Text("console.numbers.csv.sla_met", "SLA met", nil), cat.Text("console.numbers.csv.sla_due", "SLA due", nil),
			cat.Text("console.numbers.csv.respond_met", "Responded in time", nil), cat.Text("console.numbers.csv.respond_due", "Response due", nil),
			cat.Text("console.numbers.csv.ftf", "First-time fixes", nil), cat.Text("console.numbers.csv.onsite_tickets", "On-site tickets", nil),
			cat.Text("console.numbers.csv.onsite_minutes", "Average minutes on site", nil), cat.Text("console.numbers.parts_used", "Parts used", nil)}
	}
	line := func(name string, f central.Figures) []string {
		return []string{name, strconv.Itoa(f.Closed), strconv.Itoa(f.SLAMet), strconv.Itoa(f.SLADue), strconv.Itoa(f.RespondMet), strconv.Itoa(f.RespondDue),
			strconv.Itoa(f.FirstTimeFix), strconv.Itoa(f.OnSiteTickets), strconv.FormatInt(int64(f.AvgOnSite.Round(time.Minute)/time.Minute), 10), strconv.Itoa(f.PartsUsed)}
	}
	rows = append(rows, heads(cat.Text("console.numbers.technician", "Technician", nil)))
	for _, t := range page.Techs {
		rows = append(rows, line(t.Name, t.f))
	}
	rows = append(rows, []string{""}, heads(cat.Text("console.numbers.store", "Store", nil)))
	for _, st := range page.ByStore {
		rows = append(rows, line(st.Name, st.f))
	}
	rows = append(rows, line(cat.Text("console.numbers.all", "All", nil), n.Tenant))
	rows = append(rows, []string{""}, []string{cat.Text("console.numbers.part", "Part", nil), cat.Text("console.numbers.part_name", "Name", nil), cat.Text("console.numbers.units", "Units", nil)})
	for _, p := range page.Parts {
		rows = append(rows, []string{string(p.Number), p.Name, strconv.Itoa(p.Units)})
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="numbers-%s-%s.csv"`, period.From.Format(dateForm), period.Last().Format(dateForm)))
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// technicianPage is the drill-down's data.
type technicianPage struct {
	Technician app.Technician
	Period     numbersPeriod
	Store      app.StoreID
	StoreName  string
	Figures    figuresRow
	Tickets    []closedRow
	Shown      int // tickets listed, fewer than Figures.Closed when cut
	Back       string
	Name       string // the technician's name, their ID when it has none
	From, To   string // the period's first and last day
	Zone       string // the zone of the period's days
}

// closedRow is a closed ticket of the drill-down.
type closedRow struct {
	central.ClosedTicket
	Href         string
	SLA, Respond string // "met", "missed" or "" (not due)
	OnSite       string // "" when not counted on site
}

// metState is a due time's outcome as closedRow says it.
func metState(due, met bool) string {
	switch {
	case !due:
		return ""
	case met:
		return "met"
	}
	return "missed"
}

// numbersTechnician is GET /numbers/technicians/{id}: the closed tickets
// behind a technician's figures over the period. A store manager sees
// their store's tickets, and a technician of another store only when
// they closed some of them (as the Numbers page lists them): otherwise
// the same 404 as for no such technician.
func (c *Console) numbersTechnician(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id := r.PathValue("id")
	q := r.URL.Query()
	store, _, storeNames, err := c.numbersScope(ctx, s, q.Get("store"))
	if err != nil {
		return err
	}
	if !app.ValidID(id) {
		return errNoTechnician(id)
	}
	tech, err := c.db.Technician(ctx, s.Tenant, app.TechnicianID(id))
	if app.ErrorCode(err) == app.ENOTFOUND {
		return errNoTechnician(id)
	} else if err != nil {
		return err
	}
	period, err := parsePeriod(q, c.opt.Now().In(s.loc()), s.T.Lang())
	if err != nil {
		return err
	}
	tt, err := c.db.TechnicianNumbers(ctx, central.NumbersQuery{Tenant: s.Tenant, Store: store, From: period.From, To: period.To, Zone: s.loc()}, tech.ID)
	if err != nil {
		return err
	}
	if s.Role == RoleStoreManager && tech.Store != s.Store && tt.Closed == 0 {
		return errNoTechnician(id)
	}
	back := url.Values{"from": {period.From.Format(dateForm)}, "to": {period.Last().Format(dateForm)}}
	if store != "" && s.Role != RoleStoreManager {
		back.Set("store", string(store))
	}
	page := technicianPage{Technician: tech, Period: period, Store: store, StoreName: storeNames[store],
		Figures: newRow(s.T, id, tech.Name, tt.Figures), Shown: len(tt.Tickets), Back: "/numbers?" + back.Encode(),
		Name: tech.Name, From: s.T.Date(period.From), To: s.T.Date(period.Last()), Zone: s.loc().String()}
	if page.Name == "" {
		page.Name = id
	}
	for _, t := range tt.Tickets {
		row := closedRow{ClosedTicket: t, Href: "/tickets/" + url.PathEscape(string(t.Ticket)),
			SLA: metState(t.SLADue, t.SLAMet), Respond: metState(t.RespondDue, t.RespondMet)}
		if t.OnSiteCounted {
			row.OnSite = duration(s.T, t.OnSite)
		}
		page.Tickets = append(page.Tickets, row)
	}
	return c.render(w, r, s, http.StatusOK, "numbers", numbersPage{Tech: &page})
}

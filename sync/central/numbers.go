package central

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// MaxNumbersDays bounds a period of the office's figures, in calendar
// days of the query's zone (periodDays): a year, leap day included, so the
// per-day table (and its chart) has at most 366 rows. Days, not 24-hour
// spans: a year across one change of the clocks is an hour longer or
// shorter than its days.
const MaxNumbersDays = 366

// topParts is how many parts Numbers.PartsUsed lists.
const topParts = 20

// NumbersQuery asks for the office's figures of one tenant, or of one of
// its stores, over the period [From, To).
type NumbersQuery struct {
	Tenant string
	Store  app.StoreID // "" = the whole tenant
	From   time.Time
	To     time.Time // after From, at most MaxNumbersDays later
	// Zone is where the days of PerDay begin and end; nil is UTC.
	Zone *time.Location
}

// Figures are the office's figures over a set of tickets: those closed in
// the period (see Numbers for where each time comes from; a "move" is a
// history row that changes the status, not an epoch bump that keeps it).
// Every rate is a
// numerator and its denominator, so a reader can check it and shows "no
// data" rather than 0 % when the denominator is 0 (Percent).
//
//   - Closed: the tickets whose move to closed falls in the period.
//   - SLAMet / SLADue: SLADue counts those with a resolve_by; SLAMet those
//     of them whose last move to completed is at or before resolve_by. A
//     ticket closed without ever being completed (closed after "cannot
//     complete") is due and not met.
//   - RespondMet / RespondDue: RespondDue counts those with a respond_by;
//     RespondMet those of them answered at or before respond_by. An on-site
//     ticket is answered at its first move to on_site (the arrival), a
//     carry-in or mail-in ticket at its first move to in_progress (the
//     start).
//   - FirstTimeFix (over Closed): the closed tickets that never moved to
//     cannot_complete, never to waiting_parts, were never reopened (moved
//     from completed back to assigned) and moved to on_site at most once.
//   - OnSite / OnSiteTickets / AvgOnSite: time on site as the service report
//     counts it (app.SiteClock): the time in on_site or in_progress, from a
//     move into them to the next move out (to waiting_parts, completed,
//     cannot_complete...): the days waiting for a part in between do not
//     count. OnSite sums it over the on-site tickets that had at least one
//     such span ended, OnSiteTickets counts those tickets, AvgOnSite is
//     OnSite / OnSiteTickets (0 when none).
//   - PartsUsed: the units of the parts-used records on those tickets.
type Figures struct {
	Closed        int
	SLAMet        int
	SLADue        int
	RespondMet    int
	RespondDue    int
	FirstTimeFix  int
	OnSite        time.Duration
	OnSiteTickets int
	AvgOnSite     time.Duration
	PartsUsed     int
}

// Percent is num/den as a percentage; ok is false when den is 0, where
// there is no rate to show.
func Percent(num, den int) (pct float64, ok bool) {
	if den <= 0 {
		return 0, false
	}
	return 100 * float64(num) / float64(den), true
}

// TechnicianFigures are the figures of the tickets a technician held when
// they were closed. Name is "" when the technician's record is gone.
type TechnicianFigures struct {
	Technician app.TechnicianID
	Name       string
	Figures
}

// StoreFigures are the figures of the tickets of one store.
type StoreFigures struct {
	Store app.StoreID
	Figures
}

// PartCount is how many units of a part were used.
type PartCount struct {
	Part  app.PartNumber
	Units int
}

// DayFigures are the figures of the tickets closed on one day, which
// begins at Day (midnight in the query's zone).
type DayFigures struct {
	Day time.Time
	Figures
}

// Numbers are the office's figures over a period: the whole (tenant or
// store), per technician (sorted by name, then ID; tickets closed without a
// technician count only in the whole and their store), per store (sorted by
// ID; tickets of no store are left out), the 20 parts used most (by units,
// then part number) and one row per day of the period (every day, empty
// ones too).
type Numbers struct {
	Tenant       Figures
	ByTechnician []TechnicianFigures
	ByStore      []StoreFigures
	PartsUsed    []PartCount
	PerDay       []DayFigures
}

// Validate refuses a query without a tenant, with a malformed store, or
// whose period is missing, empty, reversed or longer than MaxNumbersDays
// days of q.Zone.
func (q NumbersQuery) Validate() error {
	switch {
	case q.Tenant == "":
		return app.Errorf(app.EINVALID, "central.numbers.no_tenant", "Say whose figures to show: the tenant is missing.")
	case q.Store != "" && !app.ValidID(string(q.Store)):
		return app.Errorf(app.EINVALID, "central.numbers.bad_store", "That store is not one of yours; choose a store from the list.")
	case q.From.IsZero() || q.To.IsZero():
		return app.Errorf(app.EINVALID, "central.numbers.no_period", "Choose the first and the last day of the period.")
	case !q.To.After(q.From):
		return app.Errorf(app.EINVALID, "central.numbers.period_reversed", "The period ends before it starts; choose an end after the start.")
	case calendarDays(q.From, q.To, q.Zone) > MaxNumbersDays:
		return app.Errorf(app.EINVALID, "central.numbers.period_long", "The period is longer than {{.Days}} days; choose a shorter one.", "Days", MaxNumbersDays)
	}
	return nil
}

// closedIn selects the tickets of a tenant closed in [from, to): their one
// move into closed (a status change that stays closed, an epoch bump, is
// not a close), at its field time. Its three placeholders are tenant,
// from, to.
const closedIn = `SELECT c.ticket FROM history c WHERE c.tenant = ? AND c.to_status = 'closed' AND c.from_status <> 'closed' AND c.field_at >= ? AND c.field_at < ?`

// ticketRun is what one closed ticket's history says, gathered in one pass
// over its rows in server order.
type ticketRun struct {
	closed       time.Time // the move into closed
	completed    time.Time // the last move to completed
	arrived      time.Time // the first move to on_site
	started      time.Time // the first move to in_progress
	arrivals     int
	notFirstTime bool          // cannot_complete, waiting_parts or a reopen seen
	clock        app.SiteClock // time on site, by the report's rule
	parts        int
}

// step takes one history row. A row that keeps the status records an
// epoch bump (a reassignment), not a step: it is no arrival or completion.
func (r *ticketRun) step(from, to app.Status, at time.Time) {
	if from == to {
		return
	}
	switch to {
	case app.StatusClosed:
		r.closed = at
	case app.StatusCompleted:
		r.completed = at
	case app.StatusOnSite:
		r.arrivals++
		if r.arrived.IsZero() {
			r.arrived = at
		}
	case app.StatusInProgress:
		if r.started.IsZero() {
			r.started = at
		}
	case app.StatusCannotComplete, app.StatusWaitingParts:
		r.notFirstTime = true
	case app.StatusAssigned:
		if from == app.StatusCompleted || from == app.StatusCannotComplete {
			r.notFirstTime = true
		}
	}
	r.clock.Move(to, at)
}

// TicketOutcome is what one closed ticket counts for in Figures (see there
// for each rule): whether it was due and met for the SLA and the response,
// whether it was a first-time fix, and its time on site.
type TicketOutcome struct {
	SLADue, SLAMet         bool
	RespondDue, RespondMet bool
	FirstTimeFix           bool
	// OnSiteCounted says the ticket counts in OnSite and OnSiteTickets: an
	// on-site ticket with at least one ended span at work. OnSite is its
	// spans' sum, counted or not.
	OnSiteCounted bool
	OnSite        time.Duration
	PartsUsed     int
}

// outcome is what the closed ticket t, whose history gave r, counts for:
// the one place the figures' rules are applied, for the sums and for the
// tickets behind them alike.
func outcome(t *numbersTicket, r *ticketRun) TicketOutcome {
	o := TicketOutcome{OnSite: r.clock.Work, PartsUsed: r.parts}
	if !t.ResolveBy.IsZero() {
		o.SLADue = true
		o.SLAMet = !r.completed.IsZero() && !r.completed.After(t.ResolveBy)
	}
	if !t.RespondBy.IsZero() {
		o.RespondDue = true
		answered := r.started
		if t.Kind == app.KindOnSite {
			answered = r.arrived
		}
		o.RespondMet = !answered.IsZero() && !answered.After(t.RespondBy)
	}
	o.FirstTimeFix = !r.notFirstTime && r.arrivals <= 1
	o.OnSiteCounted = t.Kind == app.KindOnSite && r.clock.Spans > 0
	return o
}

// add counts one closed ticket's outcome into f.
func (f *Figures) add(o TicketOutcome) {
	f.Closed++
	f.SLADue += b2i(o.SLADue)
	f.SLAMet += b2i(o.SLAMet)
	f.RespondDue += b2i(o.RespondDue)
	f.RespondMet += b2i(o.RespondMet)
	f.FirstTimeFix += b2i(o.FirstTimeFix)
	if o.OnSiteCounted {
		f.OnSite += o.OnSite
		f.OnSiteTickets++
	}
	f.PartsUsed += o.PartsUsed
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (f *Figures) finish() {
	if f.OnSiteTickets > 0 {
		f.AvgOnSite = f.OnSite / time.Duration(f.OnSiteTickets)
	}
}

// numbersTicket is the part of a ticket's record the figures read.
type numbersTicket struct {
	Number     string           `json:"number"`
	Kind       app.TicketKind   `json:"kind"`
	RespondBy  time.Time        `json:"respond_by"`
	ResolveBy  time.Time        `json:"resolve_by"`
	Technician app.TechnicianID `json:"technician"`
	Store      app.StoreID      `json:"store"`
}

// closedSet is what Numbers and TechnicianNumbers read: the tickets closed
// in a period with their histories, and the units of each part used on
// them.
type closedSet struct {
	runs    map[string]*ticketRun
	tickets map[string]*numbersTicket // the tickets in q's scope
	units   map[app.PartNumber]int
}

// readClosed reads the tickets closed in q's period (of q.Store if set, of
// the technician tech if not ""), in three queries whatever their number:
// history, tickets and parts used, each joined to the closed tickets. A
// technician's tickets are found first, through ticket_index (a fourth
// query), and kept only when their record names the technician, as
// Numbers attributes them.
func (db *DB) readClosed(ctx context.Context, q NumbersQuery, tech app.TechnicianID) (closedSet, error) {
	closed, args := closedIn, []any{q.Tenant, q.From.UnixNano(), q.To.UnixNano()}
	if tech != "" {
		// The technician's closed tickets first, then their rows by ID:
		// with them as a subquery of each of the three reads, one planner
		// or the other read far more (5.7 s on SQLite for 60 of 30,000
		// tickets, BenchmarkTechnicianNumbers; 0.12 s this way).
		ids, err := db.technicianClosed(ctx, q, tech)
		if err != nil || len(ids) == 0 {
			return closedSet{runs: map[string]*ticketRun{}, tickets: map[string]*numbersTicket{}, units: map[app.PartNumber]int{}}, err
		}
		closed, args = "?"+strings.Repeat(", ?", len(ids)-1), ids
	}
	each := func(query string, fn func(id, ticket string, data []byte) error) error {
		return db.eachEntity(ctx, query, append([]any{q.Tenant}, args...), fn)
	}
	set := closedSet{runs: map[string]*ticketRun{}, units: map[app.PartNumber]int{}}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT h.ticket, h.from_status, h.to_status, h.field_at FROM history h
		WHERE h.tenant = ? AND h.ticket IN (`+closed+`) ORDER BY h.ticket, h.version, h.at`), append([]any{q.Tenant}, args...)...)
	if err != nil {
		return closedSet{}, transient(err)
	}
	defer rows.Close()
	var cur string
	var run *ticketRun
	for rows.Next() {
		var id, fromStatus, toStatus string
		var at int64
		if err := rows.Scan(&id, &fromStatus, &toStatus, &at); err != nil {
			return closedSet{}, transient(err)
		}
		if id != cur || run == nil {
			cur, run = id, &ticketRun{}
			set.runs[id] = run
		}
		run.step(app.Status(fromStatus), app.Status(toStatus), time.Unix(0, at).UTC())
	}
	if err := rows.Err(); err != nil {
		return closedSet{}, transient(err)
	}
	rows.Close()

	set.tickets = make(map[string]*numbersTicket, len(set.runs))
	if err := each(`SELECT id, id, data FROM entities WHERE tenant = ? AND kind = 'ticket' AND id IN (`+closed+`)`, func(id, _ string, data []byte) error {
		if set.runs[id] == nil {
			return nil // closed after the history was read
		}
		var t numbersTicket
		if err := json.Unmarshal(data, &t); err != nil {
			return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindTicket, "ID", id).WithCause(err)
		}
		if (q.Store == "" || t.Store == q.Store) && (tech == "" || t.Technician == tech) {
			set.tickets[id] = &t
		}
		return nil
	}); err != nil {
		return closedSet{}, err
	}

	if err := each(`SELECT id, ticket_id, data FROM entities WHERE tenant = ? AND kind = 'part_used' AND ticket_id IN (`+closed+`)`, func(id, ticket string, data []byte) error {
		if set.tickets[ticket] == nil {
			return nil
		}
		var p app.PartUsed
		if err := json.Unmarshal(data, &p); err != nil {
			return app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindPartUsed, "ID", id).WithCause(err)
		}
		set.runs[ticket].parts += p.Qty
		set.units[p.Part] += p.Qty
		return nil
	}); err != nil {
		return closedSet{}, err
	}
	return set, nil
}

// Numbers computes the office's figures (Figures says what each one
// counts) of the tickets closed in q's period, from the server's status
// history (the history table) and the parts-used records. Its times are
// the status history's field times (field_at): when the technician took
// each step, so a step taken offline counts when it was taken, not when
// the device synced it (dispatch's and the system's steps, when the
// server made them; see stepFieldAt). The ticket's
// kind, respond_by, resolve_by, technician and store are read from its
// record as it is now. It reads in four queries whatever the number of
// tickets (history, tickets and parts used, each joined to the tickets
// closed in the period, then the technicians' names); an unknown tenant or
// store has no tickets, never an error. EINVALID when q is not valid
// (NumbersQuery.Validate).
func (db *DB) Numbers(ctx context.Context, q NumbersQuery) (Numbers, error) {
	if err := q.Validate(); err != nil {
		return Numbers{}, err
	}
	zone := q.Zone
	if zone == nil {
		zone = time.UTC
	}
	set, err := db.readClosed(ctx, q, "")
	if err != nil {
		return Numbers{}, err
	}
	tickets, runs, units := set.tickets, set.runs, set.units

	var out Numbers
	days := periodDays(q.From, q.To, zone)
	out.PerDay = make([]DayFigures, len(days))
	for i, d := range days {
		out.PerDay[i].Day = d
	}
	byTech := map[app.TechnicianID]*Figures{}
	byStore := map[app.StoreID]*Figures{}
	for id, t := range tickets {
		r := runs[id]
		o := outcome(t, r)
		out.Tenant.add(o)
		if t.Technician != "" {
			if byTech[t.Technician] == nil {
				byTech[t.Technician] = &Figures{}
			}
			byTech[t.Technician].add(o)
		}
		if t.Store != "" {
			if byStore[t.Store] == nil {
				byStore[t.Store] = &Figures{}
			}
			byStore[t.Store].add(o)
		}
		// The last day beginning at or before the close is the close's day.
		i, found := slices.BinarySearchFunc(days, r.closed, func(d, at time.Time) int { return d.Compare(at) })
		if !found {
			i--
		}
		if i >= 0 {
			out.PerDay[i].add(o)
		}
	}
	out.Tenant.finish()
	for i := range out.PerDay {
		out.PerDay[i].finish()
	}
	names, err := db.technicianNames(ctx, q.Tenant)
	if err != nil {
		return Numbers{}, err
	}
	for id, f := range byTech {
		f.finish()
		out.ByTechnician = append(out.ByTechnician, TechnicianFigures{Technician: id, Name: names[id], Figures: *f})
	}
	slices.SortFunc(out.ByTechnician, func(a, b TechnicianFigures) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Technician, b.Technician))
	})
	for id, f := range byStore {
		f.finish()
		out.ByStore = append(out.ByStore, StoreFigures{Store: id, Figures: *f})
	}
	slices.SortFunc(out.ByStore, func(a, b StoreFigures) int { return cmp.Compare(a.Store, b.Store) })
	for p, n := range units {
		out.PartsUsed = append(out.PartsUsed, PartCount{Part: p, Units: n})
	}
	slices.SortFunc(out.PartsUsed, func(a, b PartCount) int {
		return cmp.Or(cmp.Compare(b.Units, a.Units), cmp.Compare(a.Part, b.Part))
	})
	if len(out.PartsUsed) > topParts {
		out.PartsUsed = out.PartsUsed[:topParts]
	}
	return out, nil
}

// MaxNumbersTickets bounds the tickets TechnicianNumbers lists; its
// figures count them all.
const MaxNumbersTickets = 2000

// ClosedTicket is one ticket behind a technician's figures: when it was
// closed (the move into closed) and what it counts for.
type ClosedTicket struct {
	Ticket app.TicketID
	Number string
	Store  app.StoreID
	Kind   app.TicketKind
	Closed time.Time
	TicketOutcome
}

// TechnicianTickets are a technician's figures over a period, as
// Numbers.ByTechnician gives them, and the closed tickets behind them
// (by close, then ID; the first MaxNumbersTickets).
type TechnicianTickets struct {
	Figures
	Tickets []ClosedTicket
}

// TechnicianNumbers lists the tickets closed in q's period (of q.Store if
// set) that the technician tech held when closed, each with what it
// counts for, so that a figure of Numbers can be checked ticket by ticket.
// An unknown technician has no tickets, never an error; EINVALID when q
// is not valid or tech is not an ID.
func (db *DB) TechnicianNumbers(ctx context.Context, q NumbersQuery, tech app.TechnicianID) (TechnicianTickets, error) {
	if err := q.Validate(); err != nil {
		return TechnicianTickets{}, err
	}
	if !app.ValidID(string(tech)) {
		return TechnicianTickets{}, app.Errorf(app.EINVALID, "central.numbers.bad_technician", "That technician is not one of yours; choose one from the figures.")
	}
	set, err := db.readClosed(ctx, q, tech)
	if err != nil {
		return TechnicianTickets{}, err
	}
	var out TechnicianTickets
	for id, t := range set.tickets {
		r := set.runs[id]
		o := outcome(t, r)
		out.add(o)
		out.Tickets = append(out.Tickets, ClosedTicket{Ticket: app.TicketID(id), Number: t.Number, Store: t.Store, Kind: t.Kind, Closed: r.closed, TicketOutcome: o})
	}
	out.finish()
	slices.SortFunc(out.Tickets, func(a, b ClosedTicket) int {
		return cmp.Or(a.Closed.Compare(b.Closed), cmp.Compare(a.Ticket, b.Ticket))
	})
	if len(out.Tickets) > MaxNumbersTickets {
		out.Tickets = out.Tickets[:MaxNumbersTickets]
	}
	return out, nil
}

// maxTechnicianClosed bounds the tickets of one technician TechnicianNumbers
// reads, each a bound value of its queries (SQLite takes at most 32,766).
const maxTechnicianClosed = 30000

// technicianClosed lists the tickets closed in q's period whose index
// gives them to tech (as bound values for an IN list). More than
// maxTechnicianClosed is EINVALID.
func (db *DB) technicianClosed(ctx context.Context, q NumbersQuery, tech app.TechnicianID) ([]any, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT DISTINCT c.ticket FROM history c JOIN ticket_index i ON i.tenant = c.tenant AND i.id = c.ticket
		WHERE c.tenant = ? AND c.to_status = 'closed' AND c.from_status <> 'closed' AND c.field_at >= ? AND c.field_at < ? AND i.technician = ?`),
		q.Tenant, q.From.UnixNano(), q.To.UnixNano(), string(tech))
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, transient(err)
		}
		if len(ids) == maxTechnicianClosed {
			return nil, app.Errorf(app.EINVALID, "central.numbers.too_many", "More than {{.Max}} tickets were closed in this period; choose a shorter one.", "Max", maxTechnicianClosed)
		}
		ids = append(ids, id)
	}
	return ids, transient(rows.Err())
}

// eachEntity runs query with args and hands each row's entity ID, ticket
// and data to fn.
func (db *DB) eachEntity(ctx context.Context, query string, args []any, fn func(id, ticket string, data []byte) error) error {
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, ticket string
		var data []byte
		if err := rows.Scan(&id, &ticket, &data); err != nil {
			return transient(err)
		}
		if err := fn(id, ticket, data); err != nil {
			return err
		}
	}
	return transient(rows.Err())
}

// technicianNames maps the tenant's technicians to their names.
func (db *DB) technicianNames(ctx context.Context, tenant string) (map[app.TechnicianID]string, error) {
	names := map[app.TechnicianID]string{}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, data FROM entities WHERE tenant = ? AND kind = 'technician'`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, transient(err)
		}
		var t app.Technician
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, app.Errorf(app.ECORRUPT, "central.corrupt_entity", "The server's {{.Kind}} {{.ID}} is unreadable.", "Kind", kindTechnician, "ID", id).WithCause(err)
		}
		names[app.TechnicianID(id)] = t.Name
	}
	return names, transient(rows.Err())
}

// calendarDays is how many days of zone (nil: UTC) [from, to) touches, as
// periodDays lists them, counted without listing them: the dates of its
// first and its last instant, apart. to is after from.
func calendarDays(from, to time.Time, zone *time.Location) int {
	if zone == nil {
		zone = time.UTC
	}
	date := func(t time.Time) time.Time {
		y, m, d := t.In(zone).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	// Sub saturates at about 292 years, far beyond any bound here.
	return int(date(to.Add(-time.Nanosecond)).Sub(date(from))/(24*time.Hour)) + 1
}

// periodDays lists the starts in zone (DayStart: midnight, unless the
// clocks skip it) of every day [from, to) touches, the first being from's
// own day.
func periodDays(from, to time.Time, zone *time.Location) []time.Time {
	f := from.In(zone)
	var days []time.Time
	for i := 0; ; i++ {
		d := DayStart(f.Year(), f.Month(), f.Day()+i, zone)
		if !d.Before(to) {
			return days
		}
		days = append(days, d)
	}
}

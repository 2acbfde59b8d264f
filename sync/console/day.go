package console

import (
	"net/http"
	"net/url"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The day's drawing: dayWidth units across, a row of dayRowHeight units per
// ticket under a dayHead-unit hour scale; the axis covers dayFirst to
// dayLast o'clock at least, and widens to the day's windows.
const (
	dayWidth     = 1000
	dayRowHeight = 44
	dayHead      = 28
	dayFirst     = 7
	dayLast      = 20
)

// dayBlock is a ticket on the technician's day.
type dayBlock struct {
	boardCard
	Y, TextY, X, W int // its row and its window's block (W 0: no window)
	DueX           int // the SLA due mark (-1: none that day)
	Label          string
}

// dayHour is a line of the hour scale.
type dayHour struct {
	X     int
	Label string
}

// dayPage is the data of day.html.
type dayPage struct {
	Technician   app.Technician
	Date         string
	Zone         string // the zone of Date and the hours
	Prev, Next   string // the days before and after, as URLs
	Blocks       []dayBlock
	Unscheduled  []boardCard // due that day without a window that day
	Hours        []dayHour
	Height, NowX int // NowX -1: now is not on this day
	More         bool
}

// technicianDay is GET /technicians/{id}/day?date=YYYY-MM-DD: the
// technician's tickets of that day (in the session's zone, midnight to
// midnight there) on a time axis, in SVG: visit
// windows as blocks in the status's colour, SLA due marks, now.
func (c *Console) technicianDay(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id := app.TechnicianID(r.PathValue("id"))
	notFound := app.Errorf(app.ENOTFOUND, "console.board.no_technician_here", "There is no technician {{.ID}} here. Choose one on the board.", "ID", string(id))
	if !app.ValidID(string(id)) {
		return notFound
	}
	tech, err := c.db.Technician(ctx, s.Tenant, id)
	if app.ErrorCode(err) == app.ENOTFOUND || (err == nil && s.Role == RoleStoreManager && tech.Store != s.Store) {
		return notFound
	} else if err != nil {
		return err
	}
	loc := s.loc()
	now := c.opt.Now().In(loc)
	day := startOfDay(now, loc)
	if d := r.URL.Query().Get("date"); d != "" {
		if day, err = parseDay(s.T.Lang(), d, loc); err != nil {
			return app.Errorf(app.EINVALID, "console.board.bad_date", "Give the day as 2026-11-27.")
		}
	}
	// A day is 23 or 25 hours long where the clocks change.
	end := addDays(day, 1)
	q := central.BoardQuery{Tenant: s.Tenant, Technician: id, From: day, To: end, Limit: central.BoardMaxLimit}
	if s.Role == RoleStoreManager {
		q.Store = s.Store
	}
	b, err := c.db.Board(ctx, q)
	if err != nil {
		return err
	}
	base := "/technicians/" + url.PathEscape(string(id)) + "/day?date="
	p := dayPage{Technician: tech, Date: s.T.Date(day), More: b.Next != "",
		Prev: base + addDays(day, -1).Format("2006-01-02"), Next: base + end.Format("2006-01-02"), Zone: loc.String()}
	first, last := hourOf(day, dayFirst), hourOf(day, dayLast)
	for _, t := range b.Tickets {
		if in(t.WindowStart, day, end) && t.WindowStart.Before(first) {
			first = hourFloor(t.WindowStart, loc)
		}
		if in(t.WindowEnd, day, end.Add(time.Nanosecond)) && t.WindowEnd.After(last) {
			last = hourFloor(t.WindowEnd.Add(time.Hour-1), loc)
		}
	}
	span := last.Sub(first)
	x := func(t time.Time) int {
		if t.Before(first) {
			t = first
		}
		if t.After(last) {
			t = last
		}
		return int(int64(dayWidth) * int64(t.Sub(first)) / int64(span))
	}
	for h := first; !h.After(last); h = h.Add(time.Hour) {
		p.Hours = append(p.Hours, dayHour{X: x(h), Label: h.In(loc).Format("15:04")})
	}
	row := 0
	for _, t := range b.Tickets {
		cd := boardCardOf(s.T, t, tech.Name, now)
		if t.WindowStart.IsZero() || !t.WindowStart.Before(end) || !t.WindowEnd.After(day) {
			p.Unscheduled = append(p.Unscheduled, cd)
			continue
		}
		bl := dayBlock{boardCard: cd, Y: dayHead + row*dayRowHeight, X: x(t.WindowStart), DueX: -1,
			Label: t.Number + " · " + t.CustomerName}
		bl.TextY = bl.Y + 23 // the baseline of 13-unit text in the 36-unit block
		bl.W = max(x(t.WindowEnd)-bl.X, 4)
		due := app.SLADue(t.Status, t.RespondBy, t.ResolveBy)
		if !due.IsZero() && in(due, first, last.Add(time.Nanosecond)) {
			bl.DueX = x(due)
		}
		p.Blocks = append(p.Blocks, bl)
		row++
	}
	p.Height = dayHead + max(row, 1)*dayRowHeight
	p.NowX = -1
	if in(now, first, last) {
		p.NowX = x(now)
	}
	return c.render(w, r, s, http.StatusOK, "day", p)
}

// in reports whether t is in [from, to).
func in(t, from, to time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }

// hourOf is the hour h (0 to 24) of day, a midnight, on its zone's clocks.
func hourOf(day time.Time, h int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, day.Location())
}

// hourFloor is the start of t's hour on loc's clocks: a whole hour there
// also where the zone is not a whole number of hours from UTC.
func hourFloor(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, loc)
}

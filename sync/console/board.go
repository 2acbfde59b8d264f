package console

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The board's views and date ranges, as its GET form names them.
const (
	viewTechnician = "technician"
	viewStatus     = "status"

	rangeAll     = "all"     // every open ticket, scheduled or not
	rangeToday   = "today"   // window or SLA due today
	rangeWeek    = "week"    // window or SLA due in the next 7 days, today included
	rangeOverdue = "overdue" // resolve-by passed

	unassignedFilter = "-"   // the technician filter's value for "no technician"
	anyStatus        = "any" // the status filter's value for every status, closed ones too
)

// boardFilter is the board's GET form: a filtered board is a URL.
type boardFilter struct {
	View, Status, Technician, Store, Range, Search, After string
}

func parseBoardFilter(q url.Values) boardFilter {
	f := boardFilter{View: q.Get("view"), Status: q.Get("status"), Technician: q.Get("technician"), Store: q.Get("store"),
		Range: q.Get("range"), Search: strings.TrimSpace(q.Get("q")), After: q.Get("after")}
	if f.View != viewStatus {
		f.View = viewTechnician
	}
	if !slices.Contains([]string{rangeToday, rangeWeek, rangeOverdue}, f.Range) {
		f.Range = rangeAll
	}
	return f
}

// values is f as a query, without the page cursor.
func (f boardFilter) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"view", f.View}, {"status", f.Status}, {"technician", f.Technician}, {"store", f.Store}, {"range", f.Range}, {"q", f.Search}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// query is the central.BoardQuery of f for session s at now: today and
// the next 7 days begin at midnight in the session's zone.
func (f boardFilter) query(s *Session, now time.Time) central.BoardQuery {
	q := central.BoardQuery{Tenant: s.Tenant, Store: app.StoreID(f.Store), Search: f.Search, After: f.After}
	if s.Role == RoleStoreManager {
		q.Store = s.Store
	}
	switch f.Technician {
	case "":
	case unassignedFilter:
		q.Unassigned = true
	default:
		q.Technician = app.TechnicianID(f.Technician)
	}
	switch f.Status {
	case "":
		q.Open = true
	case anyStatus:
	default:
		q.Statuses = []app.Status{app.Status(f.Status)}
	}
	day := startOfDay(now, s.loc())
	switch f.Range {
	case rangeToday:
		q.From, q.To = day, addDays(day, 1) // 23 or 25 hours on a day the clocks change
	case rangeWeek:
		q.From, q.To = day, addDays(day, 7)
	case rangeOverdue:
		// Everything due before now, ordered by resolve-by: the overdue
		// tickets are the page's first rows (see overdueOnly).
		q.To = now
	}
	return q
}

// boardCard is a ticket on the board.
type boardCard struct {
	central.BoardTicket
	TechnicianName string
	Shown          statusView    // the status as the office reads it (officeStatus)
	Window         template.HTML // "8 Dec 2026 09:00–11:00" (shownWindow), "" when unscheduled
	WindowMissed   bool          // the window is over and the technician not there yet (app.WindowMissed)
	SLA            string        // "overdue", "soon", "ok" or "" (no SLA, or not open)
	Countdown      string        // "Due in 2 h 10 min", "Overdue by 1 d 3 h"
	Due            string        // the SLA's date and time
	MayReassign    bool          // ticket.assign and ticket.schedule take it (app.MayReassign)
	MayCancel      bool
	MayReopen      bool
}

// boardLane is a technician's lane (or the unassigned tickets'), or a
// status column.
type boardLane struct {
	ID            string // technician ID, unassignedFilter or a status
	Title         string
	Open, Overdue int
	HasCounts     bool   // a technician's lane: Open and Overdue are theirs
	Total         int    // a status column: the tickets of that status the filters match
	Day           string // the technician's day page, "" for others
	Cards         []boardCard
	// Elsewhere counts the lane's tickets on other pages of the board
	// when this page shows none of them (the Unassigned lane), and
	// ElsewhereHref shows them.
	Elsewhere     int
	ElsewhereHref string
}

// boardOption is an entry of a filter's drop-down.
type boardOption struct {
	Value, Label string
	Selected     bool
}

// boardPage is the board's data.
type boardPage struct {
	Filter                boardFilter
	Views, Ranges         []boardOption
	Statuses, Technicians []boardOption
	Stores                []boardOption // empty for a store manager
	Lanes                 []boardLane
	Idle                  []boardOption // technicians without an open ticket (Value: ID, Label: name)
	Elsewhere             []boardLane   // technicians with open tickets, none on this page
	Shown, Total          int
	Next, First, Refresh  string // URLs; Next "" on the last page
	EventsURL             string
	Now                   string
	Zone                  string // of Now and every time on the board
	NoMatch               *boardNoMatch
}

// boardNoMatch is a search that found no ticket: the board says so, and
// where the ticket may be, instead of empty lanes and everyone's load
// (a customer calling about a finished repair is not among the open
// tickets the board searches first).
type boardNoMatch struct {
	Search    string
	Others    int    // tickets the search matches in the statuses not chosen
	AnyStatus string // the same search over every status ("" when it is already)
}

// board is GET /board: the filtered board, or with fragment=1 only its
// lanes (what static/board.js swaps in when an event arrives).
func (c *Console) board(w http.ResponseWriter, r *http.Request, s *Session) error {
	// A ticket's number typed in the search (what a customer reads out on
	// the phone) opens that ticket: the dispatcher wants it, not a lane
	// holding it. The live board's reloads and a next page stay the board.
	if q := r.URL.Query(); q.Get("fragment") == "" && q.Get("after") == "" && strings.TrimSpace(q.Get("q")) != "" {
		ids, err := c.ticketsByNumber(r.Context(), s, q.Get("q"))
		if err != nil {
			return err
		}
		if len(ids) == 1 {
			http.Redirect(w, r, ticketHref(ids[0]), http.StatusSeeOther)
			return nil
		}
	}
	p, err := c.boardData(r.Context(), s, r.URL.Query())
	if err != nil {
		return err
	}
	if r.URL.Query().Get("fragment") == "1" {
		return c.renderFragment(w, r, s, "board", "lanes", p)
	}
	return c.render(w, r, s, http.StatusOK, "board", p)
}

func (c *Console) boardData(ctx context.Context, s *Session, values url.Values) (boardPage, error) {
	now := c.opt.Now().In(s.loc())
	f := parseBoardFilter(values)
	q := f.query(s, now)
	// Read before the board: what is published from here on, the page
	// may not show, and its stream, subscribing later, reloads for it.
	seq := c.db.EventSeq(s.Tenant)
	b, err := c.db.Board(ctx, q)
	if err != nil {
		return boardPage{}, err
	}
	if f.Range == rangeOverdue {
		overdueOnly(&b, now)
	}
	techs, err := c.db.Technicians(ctx, s.Tenant)
	if err != nil {
		return boardPage{}, err
	}
	names := map[app.TechnicianID]string{}
	for _, t := range techs {
		names[t.ID] = t.Name
	}
	p := boardPage{Filter: f, Shown: len(b.Tickets), Total: b.Total, Now: s.T.DateTime(now), Zone: now.Location().String()}
	p.Views = options(f.View, [][2]string{{viewTechnician, s.T.Text("console.board.by_technician", "By technician", nil)}, {viewStatus, s.T.Text("console.board.by_status", "By status", nil)}})
	p.Ranges = options(f.Range, [][2]string{{rangeAll, s.T.Text("console.board.range_all", "Any time", nil)}, {rangeToday, s.T.Text("console.board.range_today", "Today", nil)},
		{rangeWeek, s.T.Text("console.board.range_week", "Next 7 days", nil)}, {rangeOverdue, s.T.Text("console.board.range_overdue", "Overdue", nil)}})
	st := [][2]string{{"", s.T.Text("console.board.all_open", "All open", nil)}, {anyStatus, s.T.Text("console.board.any_status", "Any status", nil)}}
	for _, x := range app.Statuses {
		st = append(st, [2]string{string(x), s.T.Text("console.board.status_count", "{{.Status}} ({{.N}})", map[string]any{"Status": statusText(s.T, x), "N": s.T.Count(int64(b.ByStatus[x]))})})
	}
	p.Statuses = options(f.Status, st)
	tech := [][2]string{{"", s.T.Text("console.board.everyone", "Everyone", nil)}, {unassignedFilter, s.T.Text("console.board.unassigned", "Unassigned", nil)}}
	counts := map[app.TechnicianID]central.TechnicianCount{}
	for _, tc := range b.ByTechnician {
		counts[tc.ID] = tc
	}
	var laneTechs []app.Technician
	for _, t := range techs {
		if s.Role == RoleStoreManager && t.Store != s.Store {
			if _, busy := counts[t.ID]; !busy {
				continue
			}
		}
		laneTechs = append(laneTechs, t)
		tech = append(tech, [2]string{string(t.ID), t.Name})
	}
	p.Technicians = options(f.Technician, tech)
	if s.Role != RoleStoreManager {
		locs, err := c.db.Locations(ctx, s.Tenant)
		if err != nil {
			return boardPage{}, err
		}
		so := [][2]string{{"", s.T.Text("console.board.all_stores", "All stores", nil)}}
		for _, l := range locs {
			if l.Kind == app.LocationStore {
				so = append(so, [2]string{string(l.ID), l.Name})
			}
		}
		p.Stores = options(f.Store, so)
	}
	cards := make([]boardCard, len(b.Tickets))
	for i, t := range b.Tickets {
		name := names[t.Technician]
		if f.View != viewStatus {
			name = "" // the lane says whose it is
		}
		cards[i] = boardCardOf(s.T, t, name, now)
	}
	if f.View == viewStatus {
		for _, x := range app.Statuses {
			l := boardLane{ID: string(x), Title: statusText(s.T, x), Total: b.ByStatus[x]}
			for _, cd := range cards {
				if cd.Status == x {
					l.Cards = append(l.Cards, cd)
				}
			}
			// The open statuses' lanes stand empty on the plain board
			// (nothing waits there), not under a search, where an empty
			// lane is only a place the ticket is not.
			if len(l.Cards) > 0 || (f.Search == "" && f.Status == "" && x.Open()) || f.Status == string(x) {
				p.Lanes = append(p.Lanes, l)
			}
		}
	} else {
		if f.Technician == "" || f.Technician == unassignedFilter {
			l := boardLane{ID: unassignedFilter, Title: s.T.Text("console.board.unassigned", "Unassigned", nil)}
			for _, cd := range cards {
				if unassigned(cd.Technician) {
					l.Cards = append(l.Cards, cd)
				}
			}
			// An empty Unassigned lane tells a dispatcher nothing waits for
			// a technician; under a search it only stood above the lanes
			// that hold the matches, saying "No tickets here". It stays
			// when Unassigned is the filter chosen.
			if len(l.Cards) > 0 || f.Search == "" || f.Technician == unassignedFilter {
				if err := c.unassignedElsewhere(ctx, &l, f, q, b); err != nil {
					return boardPage{}, err
				}
				p.Lanes = append(p.Lanes, l)
			}
		}
		for _, t := range laneTechs {
			if f.Technician != "" && f.Technician != string(t.ID) {
				continue
			}
			n := counts[t.ID]
			l := boardLane{ID: string(t.ID), Title: t.Name, Open: n.Open, Overdue: n.Overdue, HasCounts: true,
				Day: "/technicians/" + url.PathEscape(string(t.ID)) + "/day"}
			for _, cd := range cards {
				if cd.Technician == t.ID {
					l.Cards = append(l.Cards, cd)
				}
			}
			// A technician with no ticket on this page is listed in a
			// line, not given an empty lane: 500 empty lanes would bury
			// the busy ones.
			if len(l.Cards) == 0 && f.Technician == "" {
				if n.Open == 0 {
					p.Idle = append(p.Idle, boardOption{Value: string(t.ID), Label: t.Name})
				} else {
					p.Elsewhere = append(p.Elsewhere, l)
				}
				continue
			}
			p.Lanes = append(p.Lanes, l)
		}
	}
	if b.Total == 0 && f.Search != "" && f.After == "" {
		nm := &boardNoMatch{Search: f.Search}
		if f.Status != anyStatus {
			for _, n := range b.ByStatus {
				nm.Others += n
			}
			all := f
			all.Status = anyStatus
			nm.AnyStatus = "/board?" + all.values().Encode()
		}
		p.NoMatch, p.Lanes, p.Elsewhere, p.Idle = nm, nil, nil, nil
	}
	v := f.values()
	p.First = "/board?" + v.Encode()
	p.Refresh = p.First
	if b.Next != "" {
		next := f.values()
		next.Set("after", b.Next)
		p.Next = "/board?" + next.Encode()
	}
	if f.After != "" {
		v.Set("after", f.After)
		p.Refresh = "/board?" + v.Encode()
	}
	p.EventsURL = "/board/events?since=" + strconv.FormatUint(seq, 10)
	return p, nil
}

// unassignedElsewhere counts, into the Unassigned lane l, the unassigned
// tickets of the board's query q on its other pages when page b shows
// none: the board orders by SLA due, so a ticket just created without a
// technician or a deadline is on the last page, and the lane on the first
// said "No tickets here on this page" right after the dispatcher created
// it. Under Overdue the page's own rows are all there is (overdueOnly).
func (c *Console) unassignedElsewhere(ctx context.Context, l *boardLane, f boardFilter, q central.BoardQuery, b central.Board) error {
	if len(l.Cards) > 0 || f.Technician != "" || f.Range == rangeOverdue || (b.Next == "" && f.After == "") {
		return nil
	}
	q.Unassigned, q.After, q.Limit = true, "", 1
	u, err := c.db.Board(ctx, q)
	if err != nil {
		return err
	}
	l.Elsewhere = u.Total
	only := f
	only.Technician = unassignedFilter
	l.ElsewhereHref = "/board?" + only.values().Encode()
	return nil
}

// overdueOnly keeps the tickets of b whose resolve-by has passed. The
// board orders by resolve-by first, so they are the page's first rows,
// and once a row is not overdue no later page holds one.
func overdueOnly(b *central.Board, now time.Time) {
	for i, t := range b.Tickets {
		if t.ResolveBy.IsZero() || !t.ResolveBy.Before(now) {
			b.Tickets, b.Next = b.Tickets[:i], ""
			break
		}
	}
	if b.Next == "" {
		b.Total = len(b.Tickets)
	}
}

func options(selected string, vs [][2]string) []boardOption {
	out := make([]boardOption, len(vs))
	for i, v := range vs {
		out[i] = boardOption{Value: v[0], Label: v[1], Selected: v[0] == selected}
	}
	return out
}

// statusText is a status in words (the terminal's keys).
func statusText(cat *translations.Catalog, st app.Status) string {
	return cat.Text("status."+string(st), string(st), nil)
}

// boardCardOf is t as a card at now: its window and its SLA countdown in
// the terminal's colours (app.SLAUrgency), its times in now's zone (the
// session's).
func boardCardOf(cat *translations.Catalog, t central.BoardTicket, techName string, now time.Time) boardCard {
	cd := boardCard{BoardTicket: t, TechnicianName: techName, Shown: officeStatus(cat, t.Status, t.Technician), Window: shownWindow(cat, t.WindowStart, t.WindowEnd, now.Location()),
		MayReassign: app.MayReassign(app.Ticket{Status: t.Status}),
		MayCancel:   slices.Contains(cancellable, t.Status), MayReopen: slices.Contains(reopenable, t.Status),
		WindowMissed: app.WindowMissed(t.Status, t.StartedAt, t.WindowStart, t.WindowEnd, now)}
	due := app.SLADue(t.Status, t.RespondBy, t.ResolveBy)
	// A completed or failed ticket waits on dispatch, not on the
	// technician: its countdown would only alarm (the ticket page and the
	// figures say whether its SLA was met).
	if due.IsZero() || !t.Status.Open() {
		return cd
	}
	cd.Due = cat.DateTime(due.In(now.Location()))
	switch app.SLAUrgency(due, now) {
	case app.SLAOverdue:
		cd.SLA = "overdue"
		cd.Countdown = cat.Text("console.board.overdue_by", "Overdue by {{.D}}", map[string]any{"D": durationText(cat, now.Sub(due))})
	case app.SLADueSoon:
		cd.SLA = "soon"
		cd.Countdown = cat.Text("console.board.due_in", "Due in {{.D}}", map[string]any{"D": durationText(cat, due.Sub(now))})
	default:
		cd.SLA = "ok"
		cd.Countdown = cat.Text("console.board.due_in", "Due in {{.D}}", map[string]any{"D": durationText(cat, due.Sub(now))})
	}
	return cd
}

// The statuses ticket.cancel and ticket.reopen start from (app's state
// machine): the board offers each action only where it can succeed.
var (
	cancellable = []app.Status{app.StatusAssigned, app.StatusEnRoute, app.StatusOnSite, app.StatusInProgress, app.StatusWaitingParts}
	reopenable  = []app.Status{app.StatusCompleted, app.StatusCannotComplete}
)

// shownWindow is a visit window as loc's clocks read it, in the days of
// cat's language, the date once when it starts and ends on one day there,
// as a page shows it: each day one piece (shownDay) and a day's window,
// "09:00–11:00", another (class "when"), so a narrow column breaks between
// the day and the hours, never after the dash (Chinese broke the board's
// card as 09:00– | 11:00) or inside the day.
func shownWindow(cat *translations.Catalog, from, to time.Time, loc *time.Location) template.HTML {
	if from.IsZero() {
		return ""
	}
	if to.IsZero() {
		return shownDay(cat, from.In(loc), true)
	}
	from, to = from.In(loc), to.In(loc)
	if startOfDay(from, loc).Equal(startOfDay(to, loc)) {
		return shownDay(cat, from, false) + template.HTML(` <span class="when">`+from.Format("15:04")+"–"+to.Format("15:04")+`</span>`)
	}
	return shownDay(cat, from, true) + " – " + shownDay(cat, to, true)
}

// durationText writes d (rounded down to minutes) as days and hours, or
// hours and minutes, whole days or hours alone ("3 d", "4 h", not "3 d
// 0 h", "4 h 0 min"), or minutes: the console's one way to
// write a length of time.
func durationText(cat *translations.Catalog, d time.Duration) string {
	m := int(d / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0 && hours == 0:
		return cat.Text("console.board.dur_d", "{{.D}} d", map[string]any{"D": cat.Count(int64(days))})
	case days > 0:
		return cat.Text("console.board.dur_dh", "{{.D}} d {{.H}} h", map[string]any{"D": cat.Count(int64(days)), "H": hours})
	case hours > 0 && mins == 0: // "4 h", not "4 h 0 min", as the report writes it
		return cat.Text("console.board.dur_h", "{{.H}} h", map[string]any{"H": hours})
	case hours > 0:
		return cat.Text("console.board.dur_hm", "{{.H}} h {{.M}} min", map[string]any{"H": hours, "M": mins})
	}
	return cat.Text("console.board.dur_m", "{{.M}} min", map[string]any{"M": mins})
}

// renderFragment writes the template name defined in page's file, without
// the layout, with the same view and functions as a whole page.
func (c *Console) renderFragment(w http.ResponseWriter, r *http.Request, s *Session, page, name string, data any) error {
	pt, ok := c.pages[page]
	if !ok {
		return fmt.Errorf("console: no template %q", page)
	}
	t, err := pt.t.Clone()
	if err != nil {
		return err
	}
	t.Funcs(c.funcs(s, s.T))
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, view{S: s, Path: r.URL.RequestURI(), Data: data}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", s.T.Lang())
	_, err = w.Write(b.Bytes())
	return err
}

// The live board's bounds: a comment line every boardHeartbeat keeps
// proxies from closing an idle stream (and checks the session still
// lives); a stream ends after boardStreamLife, and the browser's
// EventSource reconnects (after boardRetry), so no connection outlives a
// deploy or a session by long. An event names at most boardEventNumbers
// tickets.
var (
	boardHeartbeat  = 25 * time.Second
	boardStreamLife = 10 * time.Minute
)

const (
	boardRetry        = 3 * time.Second
	boardEventNumbers = 10
)

// boardEvents is GET /board/events: server-sent events of the session's
// tenant's ticket changes (db.Subscribe), for static/board.js. A store
// manager hears only of their store's tickets. Each event is
//
//	event: tickets
//	data: FB-2026-000123 FB-2026-000124
//
// ("event: reload" with no numbers when events were lost); the page
// re-reads its lanes either way.
func (c *Console) boardEvents(w http.ResponseWriter, r *http.Request, s *Session) error {
	ch, cancel, err := c.db.Subscribe(s.Tenant)
	if err != nil {
		return err
	}
	defer cancel()
	// What the page (or, reconnecting, the stream before this one) heard
	// last; a publication since, which this subscription came too late to
	// hear, reloads the board at once, as does one from before a restart
	// of the service (larger than now). A client that names none is
	// promised only what follows.
	heard, known := streamSince(r)
	seq := c.db.EventSeq(s.Tenant)
	catchUp := known && heard != seq
	rc := http.NewResponseController(w)
	// The server's write timeout is for ordinary answers; this one lasts
	// its bounded life (a server without deadlines says so, and that is
	// fine).
	_ = rc.SetWriteDeadline(time.Now().Add(boardStreamLife + boardHeartbeat))
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", boardRetry.Milliseconds()); err != nil {
		return nil
	}
	if rc.Flush() != nil {
		return nil
	}
	if catchUp {
		if _, err := fmt.Fprintf(w, "id: %d\nevent: reload\ndata: \n\n", seq); err != nil || rc.Flush() != nil {
			return nil
		}
	}
	ctx := r.Context()
	life := time.NewTimer(boardStreamLife)
	defer life.Stop()
	beat := time.NewTicker(boardHeartbeat)
	defer beat.Stop()
	for {
		var msg string
		select {
		case <-ctx.Done():
			return nil
		case <-life.C:
			return nil
		case <-c.closing:
			return nil
		case <-beat.C:
			if _, _, err := c.db.LookupConsoleSession(ctx, s.id); err != nil {
				// Signed out, expired or ended by an administrator: the
				// stream stops with the session; the reconnection is
				// sent to the sign-in page.
				return nil
			}
			msg = ": alive\n\n"
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			if msg, err = c.boardEvent(ctx, s, ev); err != nil {
				return nil
			}
		}
		if msg == "" {
			continue
		}
		if _, err := io.WriteString(w, msg); err != nil {
			return nil
		}
		if rc.Flush() != nil {
			return nil
		}
	}
}

// streamSince is the event sequence a board stream's client heard last:
// the browser's Last-Event-ID when it reconnects, else the page's since.
func streamSince(r *http.Request) (uint64, bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("since")
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// boardEvent is ev as the session's stream sends it, "" when it concerns
// nothing the session sees. Each is named by its sequence (id:), which
// the browser sends back as Last-Event-ID when it reconnects.
func (c *Console) boardEvent(ctx context.Context, s *Session, ev central.Event) (string, error) {
	id := "id: " + strconv.FormatUint(ev.Seq, 10) + "\n"
	switch ev.Kind {
	case central.EventReload:
		return id + "event: reload\ndata: \n\n", nil
	case central.EventTickets:
	default:
		return "", nil
	}
	var numbers []string
	seen := false
	for _, id := range ev.Tickets {
		if len(numbers) == boardEventNumbers && s.Role != RoleStoreManager {
			break
		}
		d, err := c.ticket(ctx, s, id)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return "", err
		}
		seen = true
		if len(numbers) < boardEventNumbers {
			numbers = append(numbers, d.Ticket.Number)
		}
	}
	if !seen {
		return "", nil
	}
	return id + "event: tickets\ndata: " + strings.Join(numbers, " ") + "\n\n", nil
}

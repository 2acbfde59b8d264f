package ui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// pageSize is how many tickets one load shows; a technician's open work is
// far below it, and "done" is most-recent first.
const pageSize = 200

// TicketList shows one of the technician's standard views.
type TicketList struct {
	ctx      context.Context
	deps     listDeps
	onSelect func(app.TicketID)

	views   *scanSelect
	viewIDs []app.TicketView
	sorts   *scanSelect
	sort    app.TicketSort
	list    *scanList
	query   *fyne.Container // "results for …" with a clear button
	queryL  *widget.Label
	status  *widget.Label
	root    fyne.CanvasObject

	// Owned by the UI goroutine; changed only in apply.
	tickets []app.TicketRow // in the order shown
	rows    []ticketRow     // headings and tickets, as the list shows them
	total   int
	view    app.TicketView
	search  string // when set, the list shows search results, not the view
	unsent  map[app.TicketID]int
	flagged map[app.TicketID]bool // tickets with an open conflict
	arrived map[app.TicketID]bool // waiting tickets whose parts all arrived
	// drafted are the tickets of the page that hold a draft of the
	// technician's (typing not saved): marked so that they find where
	// they left off typing.
	drafted map[app.TicketID]bool
	// draftsAsked counts the reads of drafted: one that a newer one
	// overtook is not applied.
	draftsAsked uint64
	// conflictsRead says flagged is as the inbox is: reading and decoding
	// every conflict on each reload costs more than the list, so it is
	// read again only when the sync says the inbox may have changed.
	conflictsRead bool
	// reveal is a ticket to select once the list shows it.
	reveal app.TicketID
	// revealing is set while the list selects a row itself: that ticket
	// is open already.
	revealing bool
	selected  app.TicketID // "" when no row is selected
	// onSearchLeft empties the search box when the user leaves the search
	// here (its clear button, another view).
	onSearchLeft func()
	// onLeft is told when the ticket selected left the view on screen at
	// a reload (a step moved it: waiting for parts, completed; dispatch
	// rescheduled it), so that the terminal can say where it went.
	onLeft func(id app.TicketID, from app.TicketView)
	// shownView is the view whose rows are on screen, "" for a search's
	// or none yet: a ticket left a view only if it was on it before the
	// reload, not when the user chose another view or left a search.
	shownView app.TicketView
	heights   bool // rows have heights of their own
	// headingH and ticketH are a heading's and a ticket row's heights,
	// measured once.
	headingH, ticketH float32
}

// listDeps is what the ticket list reads.
type listDeps struct {
	tickets app.TicketService
	// badges marks tickets with unsent work or a conflict; nil when the
	// device is not paired.
	badges ticketBadges
	// supply tells a waiting ticket whose parts all arrived; nil
	// without part requests.
	supply app.SupplyService
	tech   app.TechnicianID
	now    func() time.Time
	run    func(func())
	// drafted tells which of a page's tickets hold drafts, in one read
	// (draftKeeper.drafted); nil keeps the rows unmarked.
	drafted func(ctx context.Context, ids []app.TicketID) (map[app.TicketID]bool, error)
	// onReady is called once, when the first list is on screen.
	onReady func()
}

// ticketBadges is the part of the sync status the list shows on its rows.
type ticketBadges interface {
	UnsentTickets(ctx context.Context) (map[app.TicketID]int, error)
	OpenConflicts(ctx context.Context) ([]app.Conflict, error)
}

// ticketRow is a row of the list: a group's heading, or a ticket.
type ticketRow struct {
	heading string
	ticket  int // index in tickets; -1 for a heading
}

// viewText is a list's name, as the list's drop-down shows it.
func viewText(v app.TicketView) string {
	switch v {
	case app.ViewToday:
		return lang.X("tickets.view.today", "Today")
	case app.ViewUpcoming:
		return lang.X("tickets.view.upcoming", "Upcoming")
	case app.ViewWaitingParts:
		return lang.X("tickets.view.waiting_parts", "Waiting for parts")
	case app.ViewDone:
		return lang.X("tickets.view.done", "Done")
	}
	return string(v)
}

func newTicketList(ctx context.Context, deps listDeps, keys *wedgeKeys, onSelect func(app.TicketID)) *TicketList {
	l := &TicketList{ctx: ctx, deps: deps, onSelect: onSelect, view: app.ViewToday}
	l.viewIDs = []app.TicketView{app.ViewToday, app.ViewUpcoming, app.ViewWaitingParts, app.ViewDone}
	names := make([]string, len(l.viewIDs))
	for i, v := range l.viewIDs {
		names[i] = viewText(v)
	}
	l.views = newScanSelect(keys, names, func(s string) {
		for i, n := range names {
			if n == s {
				l.SetView(l.viewIDs[i])
			}
		}
	})
	l.list = newScanList(keys,
		func() int { return len(l.rows) },
		newTicketRowObject,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(l.rows) {
				return
			}
			if r := l.rows[i]; r.ticket < 0 {
				showHeading(o, r.heading)
			} else {
				l.showTicket(o, l.tickets[r.ticket])
			}
		},
	)
	l.list.OnSelected = func(i widget.ListItemID) {
		if i >= len(l.rows) {
			return
		}
		if l.rows[i].ticket < 0 {
			l.list.Unselect(i) // a heading
			return
		}
		l.selected = l.tickets[l.rows[i].ticket].ID
		if !l.revealing && l.onSelect != nil {
			l.onSelect(l.selected)
		}
	}
	l.list.OnUnselected = func(widget.ListItemID) { l.selected = "" }
	l.status = widget.NewLabel("")
	l.status.Wrapping = fyne.TextWrapWord
	l.queryL = widget.NewLabel("")
	l.queryL.Truncation = fyne.TextTruncateEllipsis
	clearSearch := widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		l.SetQuery("")
		l.searchLeft()
	})
	l.query = container.NewBorder(nil, nil, nil, clearSearch, l.queryL)
	l.query.Hide()
	sortIDs := []app.TicketSort{app.SortAppointment, app.SortSLA, app.SortPriority}
	l.sorts = newScanSelect(keys, []string{
		lang.X("tickets.sort.appointment", "By appointment"),
		lang.X("tickets.sort.sla", "By SLA"),
		lang.X("tickets.sort.priority", "By priority"),
	}, nil)
	l.sorts.SetSelectedIndex(0)
	l.sort = app.SortAppointment
	l.sorts.OnChanged = func(string) {
		if i := l.sorts.SelectedIndex(); i >= 0 {
			l.sort = sortIDs[i]
			l.Reload()
		}
	}
	top := container.NewVBox(container.NewGridWithColumns(2, l.views, l.sorts), l.query)
	l.root = container.NewBorder(top, l.status, nil, nil, l.list)
	l.views.SetSelectedIndex(0) // loads Today
	return l
}

// Object is the list's root.
func (l *TicketList) Object() fyne.CanvasObject { return l.root }

// SetView switches the list to view v and reloads it, leaving a search.
func (l *TicketList) SetView(v app.TicketView) {
	l.view = v
	if l.search != "" {
		l.search = ""
		l.query.Hide()
		l.sorts.Enable()
		l.root.Refresh()
		l.searchLeft()
	}
	l.Reload()
}

// searchLeft tells the search box that the user left the search.
func (l *TicketList) searchLeft() {
	if l.onSearchLeft != nil {
		l.onSearchLeft()
	}
}

// SetQuery lists every ticket on the device that matches q (number,
// customer, phone, serial), in any state; "" goes back to the view.
func (l *TicketList) SetQuery(q string) {
	l.search = strings.TrimSpace(q)
	// A search lists the tickets that came to the device last first, in
	// whatever order is chosen for the views: the order is not offered.
	if l.search == "" {
		l.query.Hide()
		l.sorts.Enable()
	} else {
		l.queryL.SetText(lang.X("tickets.results_for", "Results for “{{.Query}}”, latest first", map[string]any{"Query": l.search}))
		l.query.Show()
		l.sorts.Disable()
	}
	l.root.Refresh() // the header's height changed
	l.Reload()
}

// conflictsChanged has the next reload read the conflicts again.
func (l *TicketList) conflictsChanged() { l.conflictsRead = false }

// Reload fetches the current view or search in the background and shows it.
func (l *TicketList) Reload() {
	f := app.TicketFilter{View: l.view, Technician: l.deps.tech, Now: l.deps.now(), Sort: l.sort, Limit: pageSize}
	if l.view == app.ViewDone && l.sort == app.SortAppointment {
		f.Sort = "" // done: most recent first
	}
	if l.search != "" {
		f.View, f.Query, f.Sort = app.ViewAll, l.search, ""
	}
	l.status.SetText(lang.X("tickets.loading", "Loading tickets…"))
	view, search := l.view, l.search
	// Marked read now: a reload started meanwhile need not read them too.
	// A failed read marks them unread again.
	readConflicts := !l.conflictsRead
	l.conflictsRead = true
	l.deps.run(func() {
		page, err := l.deps.tickets.ListTickets(l.ctx, f)
		tickets := page.Rows
		var unsent map[app.TicketID]int
		var flagged map[app.TicketID]bool
		if err == nil && l.deps.badges != nil {
			// Badges: best effort; the list is useful without them.
			unsent, _ = l.deps.badges.UnsentTickets(l.ctx)
			if readConflicts {
				if cs, err := l.deps.badges.OpenConflicts(l.ctx); err == nil {
					flagged = map[app.TicketID]bool{}
					for _, c := range cs {
						flagged[c.Ticket] = true
					}
				}
			}
		}
		var arrived map[app.TicketID]bool
		if err == nil && l.deps.supply != nil {
			// Best effort too: only the waiting tickets on the page are
			// read, at most pageSize.
			arrived = map[app.TicketID]bool{}
			for _, t := range tickets {
				if t.Status != app.StatusWaitingParts {
					continue
				}
				if reqs, err := l.deps.supply.PartRequests(l.ctx, t.ID); err == nil && partsArrived(reqs) {
					arrived[t.ID] = true
				}
			}
		}
		var drafted map[app.TicketID]bool
		if err == nil && l.deps.drafted != nil {
			// Best effort: one read for the page, bounded by pageSize.
			drafted, _ = l.deps.drafted(l.ctx, rowIDs(tickets))
		}
		fyne.Do(func() {
			l.unsent, l.arrived, l.drafted = unsent, arrived, drafted
			l.draftsAsked++ // a drafts read begun before this one is older
			if flagged != nil {
				l.flagged = flagged
			} else if readConflicts {
				l.conflictsRead = false
			}
			l.apply(view, search, page, err)
		})
	})
}

// rowIDs are the tickets' IDs.
func rowIDs(rows []app.TicketRow) []app.TicketID {
	ids := make([]app.TicketID, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// draftsChanged reads again which tickets on the page hold drafts, and
// marks the rows anew if that changed: a draft written as the
// technician typed, or deleted as they saved. The rows themselves are
// not read again.
func (l *TicketList) draftsChanged() {
	if l.deps.drafted == nil || len(l.tickets) == 0 {
		return
	}
	l.draftsAsked++
	asked, ids := l.draftsAsked, rowIDs(l.tickets)
	l.deps.run(func() {
		drafted, err := l.deps.drafted(l.ctx, ids)
		if err != nil {
			return // best effort, as in Reload
		}
		fyne.Do(func() {
			if asked != l.draftsAsked || maps.Equal(drafted, l.drafted) {
				return
			}
			l.drafted = drafted
			l.list.Refresh()
		})
	})
}

func (l *TicketList) apply(v app.TicketView, search string, page app.TicketList, err error) {
	if v != l.view || search != l.search {
		return // a newer view or search was chosen while this one loaded
	}
	if err != nil {
		l.status.SetText(errorText(err))
		return
	}
	// The selected ticket stays selected when the list reloads (a sync,
	// a save), unless a ticket to reveal takes its place.
	keep := l.selected
	if l.reveal != "" {
		keep, l.reveal = l.reveal, ""
	}
	left := keep != "" && search == "" && l.shownView == v && slices.ContainsFunc(l.tickets, func(r app.TicketRow) bool { return r.ID == keep })
	l.shownView = v
	if search != "" {
		l.shownView = ""
	}
	tickets, total := page.Rows, page.Total
	l.total = total
	ordered, rows := groupRows(tickets, v == app.ViewToday && search == "", l.deps.now())
	l.list.UnselectAll()
	l.selected = ""
	// Each changed row height refreshes the whole list in Fyne: set them
	// while it shows no rows, so that the rows are laid out (and their
	// text shaped) once, by the Refresh below, not once per height.
	l.tickets, l.rows = nil, nil
	l.setRowHeights(rows)
	l.tickets, l.rows = ordered, rows
	l.list.Refresh()
	l.selectQuietly(keep)
	if left && l.selected == "" && l.onLeft != nil {
		l.onLeft(keep, v)
	}
	if l.deps.onReady != nil {
		ready := l.deps.onReady
		l.deps.onReady = nil // once: the first list on screen
		ready()
	}
	switch {
	case total == 0:
		l.status.SetText(lang.X("tickets.none", "No tickets here."))
	case page.More:
		l.status.SetText(lang.X("tickets.count_capped", "Showing {{.Shown}} of {{.Total}}+ tickets", map[string]any{"Shown": countText(len(tickets)), "Total": countText(total)}))
	case total > len(tickets):
		l.status.SetText(lang.X("tickets.count_more", "Showing {{.Shown}} of {{.Total}} tickets", map[string]any{"Shown": countText(len(tickets)), "Total": countText(total)}))
	default:
		l.status.SetText(lang.XN("tickets.count", "{{.Count}} tickets", total, map[string]any{"Count": countText(total)}))
	}
}

// Reveal shows ticket tk selected in the list, by its number as a search
// would find it: a ticket just checked in may be on no view yet. The
// caller opens the ticket itself.
func (l *TicketList) Reveal(tk app.Ticket) {
	l.reveal = tk.ID
	l.SetQuery(tk.Number)
}

// showing marks ticket id as the one open when something other than the
// list opened it (a scan, the parts page, a check-in): its row is
// selected if listed, and no other ticket stays highlighted beside it.
func (l *TicketList) showing(id app.TicketID) {
	if id == l.selected {
		return
	}
	l.list.UnselectAll()
	l.selected = ""
	l.selectQuietly(id)
}

// selectQuietly selects ticket id's row, if listed, without opening the
// ticket: it is open already.
func (l *TicketList) selectQuietly(id app.TicketID) {
	if id == "" {
		return
	}
	for r, row := range l.rows {
		if row.ticket >= 0 && l.tickets[row.ticket].ID == id {
			l.revealing = true
			l.list.Select(r)
			l.revealing = false
			return
		}
	}
}

// groupRows orders the tickets as shown and makes the rows. Today's list
// puts what is overdue (its visit was on an earlier day, or its deadline
// has passed) first under its own heading; other lists have no headings.
func groupRows(tickets []app.TicketRow, grouped bool, now time.Time) ([]app.TicketRow, []ticketRow) {
	rows := make([]ticketRow, 0, len(tickets)+2)
	if !grouped {
		for i := range tickets {
			rows = append(rows, ticketRow{ticket: i})
		}
		return tickets, rows
	}
	y, m, d := now.Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	var late, today []app.TicketRow
	for _, t := range tickets {
		if overdue(t, dayStart, now) {
			late = append(late, t)
		} else {
			today = append(today, t)
		}
	}
	ordered := append(late, today...)
	add := func(heading string, from, n int) {
		if n == 0 {
			return
		}
		rows = append(rows, ticketRow{heading: heading, ticket: -1})
		for i := from; i < from+n; i++ {
			rows = append(rows, ticketRow{ticket: i})
		}
	}
	add(lang.X("tickets.group.overdue", "Overdue"), 0, len(late))
	add(lang.X("tickets.group.today", "Today"), len(late), len(today))
	return ordered, rows
}

// overdue reports whether an open ticket's visit was due before today or
// its resolution deadline has passed.
func overdue(t app.TicketRow, dayStart, now time.Time) bool {
	visitEnd := t.WindowEnd
	if visitEnd.IsZero() {
		visitEnd = t.WindowStart
	}
	return (!visitEnd.IsZero() && visitEnd.Before(dayStart)) || (!t.ResolveBy.IsZero() && t.ResolveBy.Before(now))
}

// setRowHeights makes heading rows as tall as a heading, not a ticket.
// Fyne keeps a row's height by its index: once set, every row's is.
func (l *TicketList) setRowHeights(rows []ticketRow) {
	for _, row := range rows {
		l.heights = l.heights || row.ticket < 0
	}
	if !l.heights {
		return
	}
	if l.headingH == 0 {
		l.headingH = widget.NewLabel("Overdue").MinSize().Height
		l.ticketH = newTicketRowObject().MinSize().Height
	}
	for r, row := range rows {
		if row.ticket < 0 {
			l.list.SetItemHeight(r, l.headingH)
		} else {
			l.list.SetItemHeight(r, l.ticketH)
		}
	}
}

// A list row holds both a heading and a ticket's three lines; each row
// shows one of them. Line one: number and customer; two: device, status,
// deadline and badges; three: the visit's window and the address.
func newTicketRowObject() fyne.CanvasObject {
	heading := widget.NewLabel("")
	heading.TextStyle.Bold = true
	heading.Importance = widget.HighImportance
	heading.Hide()
	title := widget.NewLabel("FB-0000-000000 · Customer")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewLabel("Brand Model · Status")
	sub.Truncation = fyne.TextTruncateEllipsis
	where := widget.NewLabel("00:00–00:00 · Address")
	where.Truncation = fyne.TextTruncateEllipsis
	// The draft's mark ends the first line, where the eye finds the
	// ticket, and takes its width from the customer's name, which
	// truncates: a pencil and a word, not a colour alone.
	mark := widget.NewLabel(lang.X("tickets.draft", "Draft"))
	mark.Importance = widget.WarningImportance
	mark.TextStyle.Bold = true
	marked := container.NewHBox(widget.NewIcon(theme.DocumentCreateIcon()), mark)
	marked.Hide()
	first := container.NewBorder(nil, nil, nil, marked, title)
	return container.NewStack(heading, container.NewVBox(first, sub, where))
}

// rowLabels are a ticket row's three lines and its draft mark (the
// mark's box, and its word).
func rowLabels(o fyne.CanvasObject) (title, sub, where *widget.Label, marked *fyne.Container, mark *widget.Label) {
	lines := o.(*fyne.Container).Objects[1].(*fyne.Container)
	first := lines.Objects[0].(*fyne.Container)
	title = first.Objects[0].(*widget.Label)
	marked = first.Objects[1].(*fyne.Container)
	return title, lines.Objects[1].(*widget.Label), lines.Objects[2].(*widget.Label), marked, marked.Objects[1].(*widget.Label)
}

func showHeading(o fyne.CanvasObject, text string) {
	row := o.(*fyne.Container)
	heading := row.Objects[0].(*widget.Label)
	heading.SetText(text)
	heading.Show()
	row.Objects[1].Hide()
}

func (l *TicketList) showTicket(o fyne.CanvasObject, t app.TicketRow) {
	row := o.(*fyne.Container)
	row.Objects[0].Hide()
	row.Objects[1].Show()
	title, subLabel, where, marked, _ := rowLabels(o)
	text := l.rowText(t)
	title.SetText(text.title)
	subLabel.Importance = text.importance
	subLabel.SetText(text.sub)
	where.SetText(text.where)
	if l.drafted[t.ID] != marked.Visible() {
		if l.drafted[t.ID] {
			marked.Show()
		} else {
			marked.Hide()
		}
		// The title's width changed with the mark beside it.
		row.Objects[1].(*fyne.Container).Objects[0].Refresh()
	}
}

// ticketRowText is what a ticket's row reads: its three lines, and how
// the second is marked.
type ticketRowText struct {
	title, sub, where string
	importance        widget.Importance
}

func (l *TicketList) rowText(t app.TicketRow) ticketRowText {
	text := ticketRowText{title: fmt.Sprintf("%s · %s", t.Number, t.CustomerName), importance: widget.MediumImportance}
	sub := statusText(t.Status)
	if device := strings.TrimSpace(t.Brand + " " + t.Model); device != "" {
		sub = device + " · " + sub
	}
	// What asks the technician to act (parts arrived, a conflict) comes
	// right after the status: a row too long for its width is cut at its
	// end, where these stood after the time left and the device's name.
	var tail []string
	now := l.deps.now()
	if t.Status.Open() {
		if s := slaText(t.ResolveBy, now); s != "" {
			tail = append(tail, s)
			text.importance = slaImportance(t.ResolveBy, now)
		}
		// The customer was told a day: once it is gone, they call.
		if !t.PromisedAt.IsZero() && now.After(t.PromisedAt) {
			tail = append(tail, lang.X("tickets.promise_late", "past the promised day"))
			text.importance = widget.DangerImportance
		}
	}
	if n := l.unsent[t.ID]; n > 0 {
		tail = append(tail, lang.XN("tickets.unsent", "{{.Count}} unsent", n, map[string]any{"Count": countText(n)}))
	}
	if l.arrived[t.ID] {
		sub += " · " + partsArrivedText(t.Kind)
		if text.importance == widget.MediumImportance {
			text.importance = widget.SuccessImportance
		}
	}
	if l.flagged[t.ID] {
		sub += " · " + lang.X("tickets.conflict", "conflict")
		text.importance = widget.DangerImportance
	}
	for _, s := range tail {
		sub += " · " + s
	}
	text.sub, text.where = sub, rowPlaceText(t, now)
	return text
}

// partsArrivedText is a waiting row's badge once its parts all arrived,
// naming the step the ticket's card pins (app.AfterParts): a visit goes
// back out, a bench job resumes. A row written before rows kept the kind
// says only that they arrived, rather than send a visit back to the
// bench or a bench job on the road.
func partsArrivedText(k app.TicketKind) string {
	switch app.AfterParts(k) {
	case app.ActionDepart:
		return lang.X("tickets.parts_arrived_visit", "parts arrived: plan the visit")
	case app.ActionResume:
		return lang.X("tickets.parts_arrived", "parts arrived: resume")
	}
	return lang.X("tickets.parts_arrived_any", "parts arrived")
}

// shownText is the list as it reads, a line a row: the headings, and each
// ticket's three lines joined by " | ".
func (l *TicketList) shownText() []string {
	out := make([]string, 0, len(l.rows))
	for _, row := range l.rows {
		if row.ticket < 0 {
			out = append(out, row.heading)
			continue
		}
		t := l.tickets[row.ticket]
		text := l.rowText(t)
		line := text.title + " | " + text.sub + " | " + text.where
		if l.drafted[t.ID] {
			line += " | " + lang.X("tickets.draft", "Draft")
		}
		out = append(out, line)
	}
	return out
}

// rowPlaceText is a row's third line: when the visit is (the hours alone
// for today) and where, as far as the ticket says.
func rowPlaceText(t app.TicketRow, now time.Time) string {
	var parts []string
	if !t.WindowStart.IsZero() {
		zone := now.Location() // the session's: the list's now reads in Deps.Zone
		start := t.WindowStart.In(zone)
		w := start.Format("15:04")
		if !t.WindowEnd.IsZero() {
			w += "–" + clockText(zone, t.WindowEnd)
		}
		if y, m, d := start.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
			w = dateText(zone, start) + " " + w
		}
		// The visit's window went by with no one at the door: the
		// customer is still waiting at home, and a call comes first.
		// Said beside the window, before the address: at the end of
		// the status line a long countdown cut it off.
		if app.WindowMissed(t.Status, t.StartedAt, t.WindowStart, t.WindowEnd, now) {
			w += " · " + lang.X("tickets.window_missed", "missed: call the customer")
		}
		parts = append(parts, w)
	}
	if a := strings.TrimSpace(strings.Join(strings.Fields(t.PostalAddress()), " ")); a != "" {
		parts = append(parts, a)
	}
	return strings.Join(parts, " · ")
}

package ui

import (
	"context"
	"fmt"
	"strings"

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
	deps     Deps
	onSelect func(app.TicketID)

	views   *widget.Select
	viewIDs []app.TicketView
	sorts   *widget.Select
	sort    app.TicketSort
	list    *scanList
	query   *fyne.Container // "results for …" with a clear button
	queryL  *widget.Label
	status  *widget.Label
	root    fyne.CanvasObject

	// Owned by the UI goroutine; changed only in apply.
	tickets []app.Ticket
	total   int
	view    app.TicketView
	search  string // when set, the list shows search results, not the view
	unsent  map[app.TicketID]int
	flagged map[app.TicketID]bool // tickets with an open conflict
}

func newTicketList(ctx context.Context, deps Deps, keys *wedgeKeys, onSelect func(app.TicketID)) *TicketList {
	l := &TicketList{ctx: ctx, deps: deps, onSelect: onSelect, view: app.ViewToday}
	l.viewIDs = []app.TicketView{app.ViewToday, app.ViewUpcoming, app.ViewWaitingParts, app.ViewDone}
	names := []string{
		lang.X("tickets.view.today", "Today"),
		lang.X("tickets.view.upcoming", "Upcoming"),
		lang.X("tickets.view.waiting_parts", "Waiting for parts"),
		lang.X("tickets.view.done", "Done"),
	}
	l.views = widget.NewSelect(names, func(s string) {
		for i, n := range names {
			if n == s {
				l.SetView(l.viewIDs[i])
			}
		}
	})
	l.list = newScanList(keys,
		func() int { return len(l.tickets) },
		func() fyne.CanvasObject { return newTwoLineRow("FB-0000-000000 · Customer", "Brand Model · Status") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(l.tickets) {
				return
			}
			t := l.tickets[i]
			title, subLabel := twoLineRow(o)
			title.SetText(fmt.Sprintf("%s · %s", t.Number, t.Customer.Name))
			sub := fmt.Sprintf("%s %s · %s", t.Product.Brand, t.Product.Model, statusText(t.Status))
			subLabel.Importance = widget.MediumImportance
			if t.Status.Open() {
				if s := slaText(t.ResolveBy, l.deps.Now()); s != "" {
					sub += " · " + s
					subLabel.Importance = slaImportance(t.ResolveBy, l.deps.Now())
				}
			}
			if n := l.unsent[t.ID]; n > 0 {
				sub += " · " + lang.XN("tickets.unsent", "{{.Count}} unsent", n, map[string]any{"Count": n})
			}
			if l.flagged[t.ID] {
				sub += " · " + lang.X("tickets.conflict", "conflict")
				subLabel.Importance = widget.DangerImportance
			}
			subLabel.SetText(sub)
		},
	)
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.tickets) && l.onSelect != nil {
			l.onSelect(l.tickets[i].ID)
		}
	}
	l.status = widget.NewLabel("")
	l.status.Wrapping = fyne.TextWrapWord
	l.queryL = widget.NewLabel("")
	l.queryL.Truncation = fyne.TextTruncateEllipsis
	clearSearch := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { l.SetQuery("") })
	l.query = container.NewBorder(nil, nil, nil, clearSearch, l.queryL)
	l.query.Hide()
	sortIDs := []app.TicketSort{app.SortAppointment, app.SortSLA, app.SortPriority}
	l.sorts = widget.NewSelect([]string{
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
		l.root.Refresh()
	}
	l.Reload()
}

// SetQuery lists every ticket on the device that matches q (number,
// customer, phone, serial), in any state; "" goes back to the view.
func (l *TicketList) SetQuery(q string) {
	l.search = strings.TrimSpace(q)
	if l.search == "" {
		l.query.Hide()
	} else {
		l.queryL.SetText(lang.X("tickets.results_for", "Results for “{{.Query}}”", map[string]any{"Query": l.search}))
		l.query.Show()
	}
	l.root.Refresh() // the header's height changed
	l.Reload()
}

// Reload fetches the current view or search in the background and shows it.
func (l *TicketList) Reload() {
	f := app.TicketFilter{View: l.view, Technician: l.deps.Technician, Now: l.deps.Now(), Sort: l.sort, Limit: pageSize}
	if l.view == app.ViewDone && l.sort == app.SortAppointment {
		f.Sort = "" // done: most recent first
	}
	if l.search != "" {
		f.View, f.Query, f.Sort = app.ViewAll, l.search, ""
	}
	l.status.SetText(lang.X("tickets.loading", "Loading tickets…"))
	view, search := l.view, l.search
	l.deps.Run(func() {
		tickets, total, err := l.deps.Tickets.FindTickets(l.ctx, f)
		var unsent map[app.TicketID]int
		flagged := map[app.TicketID]bool{}
		if err == nil && l.deps.Sync != nil {
			// Badges: best effort; the list is useful without them.
			unsent, _ = l.deps.Sync.UnsentTickets(l.ctx)
			if cs, err := l.deps.Sync.OpenConflicts(l.ctx); err == nil {
				for _, c := range cs {
					flagged[c.Ticket] = true
				}
			}
		}
		fyne.Do(func() {
			l.unsent, l.flagged = unsent, flagged
			l.apply(view, search, tickets, total, err)
		})
	})
}

func (l *TicketList) apply(v app.TicketView, search string, tickets []app.Ticket, total int, err error) {
	if v != l.view || search != l.search {
		return // a newer view or search was chosen while this one loaded
	}
	if err != nil {
		l.status.SetText(errorText(err))
		return
	}
	l.tickets, l.total = tickets, total
	l.list.UnselectAll()
	l.list.Refresh()
	if l.deps.OnReady != nil {
		ready := l.deps.OnReady
		l.deps.OnReady = nil // once: the first list on screen
		ready()
	}
	switch {
	case total == 0:
		l.status.SetText(lang.X("tickets.none", "No tickets here."))
	case total > len(tickets):
		l.status.SetText(lang.X("tickets.count_more", "Showing {{.Shown}} of {{.Total}} tickets", map[string]any{"Shown": len(tickets), "Total": total}))
	default:
		l.status.SetText(lang.XN("tickets.count", "{{.Count}} tickets", total, map[string]any{"Count": total}))
	}
}

// Tickets returns what the list shows, for tests.
func (l *TicketList) Tickets() []app.Ticket { return l.tickets }

// Select selects the i-th ticket as a tap would.
func (l *TicketList) Select(i int) { l.list.Select(i) }

// Focusable is the list widget, which takes keys once tapped, for tests.
func (l *TicketList) Focusable() fyne.Focusable { return l.list }

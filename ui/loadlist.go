package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// What to load: the likely parts of the tickets ahead, summed over a day
// or a few (app.LoadList), with what the van holds and what to put in it;
// each line opens the tickets that need the part.

// maxLoadDays bounds a chosen range: the likely parts of tickets weeks
// ahead are not worth the room in the van.
const maxLoadDays = 14

// loadRanges are the ranges offered, in days from the start of today:
// today, tomorrow, the next 3 days; the last is chosen by hand.
var loadRanges = []struct{ from, days int }{{0, 1}, {1, 1}, {0, 3}, {-1, 0}}

// loadHost is what the load list asks of the terminal.
type loadHost interface {
	dialogTracker
	showError(err error)
	openTicket(id app.TicketID)
}

// loadList is the what-to-load dialog.
type loadList struct {
	env  partsEnv
	host loadHost
	// Owned by the UI goroutine.
	rng      *widget.Select
	from, to *plainEntry
	dates    *fyne.Container
	rows     *fyne.Container
	status   *widget.Label
	d        dialog.Dialog
	// shownFrom and shownTo are the dates typed when the list shown
	// was read for them (as the dialog opened, before any).
	shownFrom, shownTo string
	lines              []app.LoadLine
	names              map[app.PartNumber]app.Part
	numbers            map[app.TicketID]string
	loads              coalescer
}

// dayStart is the start of t's day in t's zone (the session's: partsEnv's
// now reads in Deps.Zone).
func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// openLoadList shows the dialog for tomorrow.
func openLoadList(env partsEnv, host loadHost) *loadList {
	win := host.window()
	if win == nil {
		return nil
	}
	l := &loadList{env: env, host: host}
	l.rng = widget.NewSelect([]string{
		lang.X("load.today", "Today"),
		lang.X("load.tomorrow", "Tomorrow"),
		lang.X("load.three_days", "Next 3 days"),
		lang.X("load.choose", "Choose dates"),
	}, func(string) { l.changed() })
	l.from, l.to = newPlainEntry(env.keys), newPlainEntry(env.keys)
	today := dayStart(env.now())
	// The days as the terminal shows them: typed over, they are read in
	// any form parseTypedDay takes.
	l.from.SetText(translations.Date(uiLanguage(), today))
	l.to.SetText(translations.Date(uiLanguage(), today.AddDate(0, 0, 6)))
	l.from.OnSubmitted = func(string) { l.load() }
	l.to.OnSubmitted = func(string) { l.load() }
	show := widget.NewButton(lang.X("load.show", "Show"), l.load)
	l.dates = container.NewBorder(nil, nil, nil, show, container.NewGridWithColumns(2, l.from, l.to))
	l.dates.Hide()
	l.rows = container.NewVBox()
	l.status = lowLabel("")
	l.status.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(l.rng, l.dates)
	l.shownFrom, l.shownTo = l.from.Text, l.to.Text
	d := dialog.NewCustomWithoutButtons(lang.X("load.title", "What to load"),
		container.NewBorder(top, l.status, nil, nil, wheelPage(container.NewVScroll(l.rows))), win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.X("dialog.close", "Close"), l.leave)})
	d.Resize(listDialogSize(win))
	l.d = d
	host.presentForm(d, nil, nil, l.leave)
	l.rng.SetSelectedIndex(1)
	return l
}

// leave closes the dialog (Close, Escape), asking first when dates were
// typed and not shown yet (leaveDialog): a technician who typed a
// range and closed before Show lost it without a word. Dates already
// shown are not asked about: the list they chose was read.
func (l *loadList) leave() {
	typed := l.dates.Visible() && (l.from.Text != l.shownFrom || l.to.Text != l.shownTo)
	leaveDialog(l.host, typed, l.d.Hide)
}

func (l *loadList) changed() {
	if l.rng.SelectedIndex() == len(loadRanges)-1 {
		l.dates.Show()
	} else {
		l.dates.Hide()
	}
	l.load()
}

// span is the range chosen: [from, to).
func (l *loadList) span() (from, to time.Time, err error) {
	i := max(l.rng.SelectedIndex(), 0)
	today := dayStart(l.env.now())
	if r := loadRanges[i]; r.from >= 0 {
		from = today.AddDate(0, 0, r.from)
		return from, from.AddDate(0, 0, r.days), nil
	}
	// Typed days (civil, midnight UTC) on the session's calendar.
	first, err1 := parseTypedDay(l.from.Text)
	last, err2 := parseTypedDay(l.to.Text)
	from = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, today.Location())
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, today.Location())
	switch {
	case err1 != nil || err2 != nil:
		return from, to, app.Errorf(app.EINVALID, "load.bad_date", "Type the days as the terminal shows them, such as {{.Example}}, or as YYYY-MM-DD ({{.ISO}}).", typedDayExamples(today)...)
	case last.Before(from):
		return from, to, app.Errorf(app.EINVALID, "load.backwards", "The last day comes before the first: swap them.")
	case last.Sub(from) >= maxLoadDays*24*time.Hour:
		return from, to, app.Errorf(app.EINVALID, "load.too_long", "Choose at most {{.Max}} days.", "Max", maxLoadDays)
	}
	return from, last.AddDate(0, 0, 1), nil
}

// load reads the list for the range in the background.
func (l *loadList) load() {
	from, to, err := l.span()
	if err != nil {
		l.status.SetText(errorText(err))
		l.status.Importance = widget.DangerImportance
		l.status.Refresh()
		return
	}
	if !l.loads.start() {
		return
	}
	l.shownFrom, l.shownTo = l.from.Text, l.to.Text
	l.status.Importance = widget.LowImportance
	l.status.SetText(lang.X("parts.loading", "Loading…"))
	env := l.env
	env.run(func() {
		lines, names, numbers, van, err := env.fetchLoad(from, to)
		fyne.Do(func() {
			if !l.loads.done() {
				l.load()
				return
			}
			if err != nil {
				l.status.Importance = widget.DangerImportance
				l.status.SetText(errorText(err))
				return
			}
			l.lines, l.names, l.numbers = lines, names, numbers
			l.render(van)
		})
	})
}

// fetchLoad reads the load list of [from, to) with the part names and
// ticket numbers it shows.
func (e partsEnv) fetchLoad(from, to time.Time) ([]app.LoadLine, map[app.PartNumber]app.Part, map[app.TicketID]string, app.Location, error) {
	van, _, err := e.myLocations()
	if err != nil {
		return nil, nil, nil, van, err
	}
	lines, err := e.supply.LoadList(e.ctx, e.tech, van.ID, from, to)
	if err != nil {
		return nil, nil, nil, van, err
	}
	names, numbers := map[app.PartNumber]app.Part{}, map[app.TicketID]string{}
	for _, ln := range lines {
		if err := e.namePart(names, ln.Part); err != nil {
			return nil, nil, nil, van, err
		}
		for _, id := range ln.Tickets {
			if _, ok := numbers[id]; ok {
				continue
			}
			d, err := e.tickets.TicketDetail(e.ctx, id)
			switch {
			case err == nil:
				numbers[id] = d.Ticket.Number
			case app.ErrorCode(err) == app.ENOTFOUND:
				numbers[id] = string(id)
			default:
				return nil, nil, nil, van, err
			}
		}
	}
	return lines, names, numbers, van, nil
}

func (l *loadList) render(van app.Location) {
	l.rows.RemoveAll()
	toLoad := 0
	for _, ln := range l.lines {
		toLoad += ln.ToLoad
		numbers := make([]string, len(ln.Tickets))
		for i, id := range ln.Tickets {
			numbers[i] = l.numbers[id]
		}
		text := lang.X("load.line", "{{.Part}}\nLoad {{.ToLoad}} · {{.InVan}} in the van · expected {{.Expected}} · {{.Tickets}}", map[string]any{
			"Part": namedPart(l.names, ln.Part), "ToLoad": ln.ToLoad, "InVan": ln.InVan, "Expected": fmt.Sprintf("%.1f", ln.Expected),
			"Tickets": strings.Join(numbers, ", ")})
		b := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { l.openTickets(ln) })
		label := wrapped(text)
		if ln.ToLoad > 0 {
			label.Importance = widget.WarningImportance
		}
		l.rows.Add(container.NewBorder(nil, nil, nil, b, label))
	}
	l.status.Importance = widget.LowImportance
	if len(l.lines) == 0 {
		l.status.SetText(lang.X("load.none", "No ticket in these days is likely to need a part: nothing to load."))
		return
	}
	l.status.SetText(lang.XN("load.summary", "{{.Count}} parts to load into {{.Van}}", toLoad, map[string]any{"Count": countText(toLoad), "Van": van.Name}))
}

// openTickets opens the one ticket of a line, or lists its tickets.
func (l *loadList) openTickets(ln app.LoadLine) {
	if len(ln.Tickets) == 1 {
		l.d.Hide()
		l.host.openTicket(ln.Tickets[0])
		return
	}
	box := container.NewVBox()
	var d dialog.Dialog
	for _, id := range ln.Tickets {
		box.Add(widget.NewButton(l.numbers[id], func() {
			d.Hide()
			l.d.Hide()
			l.host.openTicket(id)
		}))
	}
	page := container.NewVScroll(box)
	d = dialog.NewCustom(namedPart(l.names, ln.Part), lang.X("dialog.close", "Close"), wheelPage(page), l.host.window())
	d.Resize(dialogSize(l.host.window()))
	l.host.present(d, nil)
	fitDialogHeight(d, l.host.window(), page)
}

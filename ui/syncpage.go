package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// maxUnsentShown bounds the unsent changes listed on the sync page; the
// line above the list says how many there are in all.
const maxUnsentShown = 200

// syncPage is the sync screen: sync now, work offline, the status and
// the last error in plain words, dispatch's notices, the conflict inbox
// and the unsent changes.
type syncPage struct {
	deps    syncPageDeps
	feed    *syncFeed
	now     *widget.Button
	offline *scanCheck
	status  *widget.Label
	errL    *widget.Label
	notices *fyne.Container
	unsent  *fyne.Container
	// unsentAsked counts the reads of the unsent changes asked for; a
	// read shows its list only while it is the last one asked.
	unsentAsked int
	// unsentShown is the count of changes waiting the list was read for,
	// -1 while it shows none read yet.
	unsentShown int
	inbox       *conflictInbox
	scroll      *container.Scroll
}

// openSyncPage shows the page over the window until it is closed,
// following feed meanwhile.
func openSyncPage(deps syncPageDeps, feed *syncFeed) {
	p := &syncPage{deps: deps, feed: feed, unsentShown: -1}
	p.now = widget.NewButtonWithIcon(lang.X("sync.now", "Sync now"), theme.ViewRefreshIcon(), deps.Sync.SyncNow)
	p.now.Importance = widget.HighImportance
	p.offline = newScanCheck(deps.Keys, lang.X("sync.work_offline", "Work offline"))
	p.offline.OnChanged = func(on bool) {
		if on == feed.cur.WorkOffline {
			return // the check shows the status, not a choice
		}
		deps.Sync.SetWorkOffline(on) // kept with the device's data
	}
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.errL = widget.NewLabel("")
	p.errL.Wrapping = fyne.TextWrapWord
	p.errL.Importance = widget.DangerImportance
	p.notices = container.NewVBox()
	p.unsent = container.NewVBox(loadingLabel())
	cd := conflictDeps{Conflicts: deps.Sync, Tickets: deps.Tickets, Zone: deps.Zone, Ctx: deps.Ctx, Run: deps.Run, Dialogs: deps.Dialogs, Notify: deps.Notify, Decided: deps.Decided}
	if deps.Parts != nil {
		cd.Locations = deps.Parts
	}
	if deps.Supply != nil {
		cd.Shipments = deps.Supply
	}
	p.inbox = newConflictInbox(cd, p.showProblem, p.relayout)
	body := container.NewVBox(
		// Work offline under Sync now, not beside it: side by side they are
		// wider than a 360 dp phone in Spanish.
		container.NewHBox(p.now), p.offline,
		lowLabel(lang.X("sync.work_offline_help", "Working offline keeps everything on this device and sends nothing until you turn it off.")),
		p.status, p.errL, p.notices,
		heading(lang.X("conflicts.title", "Conflicts")), p.inbox.list,
		heading(lang.X("sync.unsent_title", "Changes not sent yet")), p.unsent,
	)
	win := deps.Dialogs.window()
	p.scroll = container.NewVScroll(body)
	d := dialog.NewCustom(lang.X("sync.title", "Sync"), lang.X("dialog.close", "Close"), wheelPage(p.scroll), win)
	stop := feed.listen(p.show)
	d.SetOnClosed(stop)
	d.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.96, 720), win.Canvas().Size().Height*0.9))
	deps.Dialogs.present(d, nil)
}

// show follows a status; the lists are read again only when their counts
// changed (or on opening, when prev is cur).
func (p *syncPage) show(prev, st app.SyncStatus) {
	first := prev.Seq == st.Seq
	p.offline.SetChecked(st.WorkOffline)
	if st.WorkOffline {
		p.now.Disable()
	} else {
		p.now.Enable()
	}
	// The line's summary first, so page and line never disagree.
	setBreakable(p.status, p.feed.summary()+"\n"+syncDetail(st, p.deps.Zone))
	p.showProblem(syncProblem(st, p.deps.Zone))
	if first || st.Notices != prev.Notices {
		p.showNotices(st.Notices)
	}
	if first || st.Conflicts != prev.Conflicts || !st.LastSuccess.Equal(prev.LastSuccess) {
		if p.inbox.shown != st.Conflicts {
			// What the list shows would contradict the count above it
			// until the read ends; the same count keeps the cards.
			p.inbox.loading()
		}
		p.inbox.reload()
	}
	if first || st.Pending != prev.Pending {
		if p.unsentShown != st.Pending {
			// As the conflicts: a sync that sent them all listed them
			// still under "Changes waiting: 0" until the read ended.
			p.unsent.RemoveAll()
			p.unsent.Add(loadingLabel())
			p.unsentShown = -1
			p.relayout()
		}
		p.reloadUnsent(st.Pending)
	}
}

// syncDetail is what the page says of st under the line's summary: the
// last complete sync, what waits and what went each way since start.
func syncDetail(st app.SyncStatus, zone *time.Location) string {
	counts := map[string]any{"Pending": countText(st.Pending), "Photos": sizeText(st.PhotoBytes), "Up": sizeText(st.Up), "Down": sizeText(st.Down)}
	lines := lang.X("sync.detail", "Changes waiting: {{.Pending}} · photos waiting: {{.Photos}} · sent {{.Up}}, received {{.Down}} since start", counts)
	if st.PhotoBytes == 0 {
		// Said in words, as "Changes waiting: 0" says it in a count: a
		// size of nothing ("0 B") reads like a photo of no bytes.
		lines = lang.X("sync.detail_no_photos", "Changes waiting: {{.Pending}} · no photos waiting · sent {{.Up}}, received {{.Down}} since start", counts)
	}
	if !st.LastSuccess.IsZero() {
		lines = lang.X("sync.last_success", "Last complete sync: {{.Time}}", map[string]any{"Time": timeText(zone, st.LastSuccess)}) + "\n" + lines
	}
	return lines
}

// syncProblem is what the page says went wrong in st, "" when nothing.
// The last attempt's error goes while a sync runs, as it does from the
// line: back online, "Cannot reach the server… Next try at 03:03." stayed
// in red under "Syncing…" while the sync was sending the day's work.
func syncProblem(st app.SyncStatus, zone *time.Location) string {
	var problem string
	if st.Err != nil && !st.WorkOffline && !st.Running {
		problem = errorText(st.Err)
		if !st.NextTry.IsZero() {
			problem = sentences(problem, lang.X("sync.next_try", "Next try at {{.Time}}.", map[string]any{"Time": clockText(zone, st.NextTry)}))
		}
	}
	if st.PhotoErr != nil {
		problem += "\n" + lang.X("sync.photo_error", "Photos: {{.Error}}", map[string]any{"Error": errorText(st.PhotoErr)})
	}
	return problem
}

// loadingLabel stands in a list the page reads in the background until
// the read ends: the page opened with its headings over nothing for a
// second on a tablet, "Conflicts" over an empty space read as none left
// and "Changes not sent yet" over one as work lost.
func loadingLabel() *widget.Label { return lowLabel(lang.X("parts.loading", "Loading…")) }

// sentences writes then after first as the language follows one
// sentence with another: a space in English, none after a Chinese "。"
// (the page read "……自动发送。 将于 03:03 重试。").
func sentences(first, then string) string {
	return lang.X("text.sentences", "{{.First}} {{.Then}}", map[string]any{"First": first, "Then": then})
}

// relayout lays the page out again after a list under it changed: a
// container sizes only itself when items are added.
func (p *syncPage) relayout() {
	if p.scroll != nil {
		p.scroll.Content.Refresh()
		p.scroll.Refresh()
	}
}

func (p *syncPage) showProblem(text string) {
	setBreakable(p.errL, text)
	if text == "" {
		p.errL.Hide()
	} else {
		p.errL.Show()
	}
}

// showNotices lists the unread notices with a button that reads them.
func (p *syncPage) showNotices(n int) {
	defer p.relayout()
	p.notices.RemoveAll()
	if n == 0 {
		return
	}
	p.notices.Add(heading(lang.X("notice.title", "From dispatch")))
	for _, x := range p.deps.Sync.Notices() {
		l := widget.NewLabel(breakable(timeText(p.deps.Zone, x.At) + " · " + noticeText(x))) // the time first: the notice ends its sentence
		l.Wrapping = fyne.TextWrapWord
		p.notices.Add(l)
	}
	p.notices.Add(container.NewHBox(widget.NewButton(lang.X("notice.read", "Mark as read"), func() {
		if err := p.deps.Sync.ReadNotices(); err != nil {
			p.showProblem(errorText(err))
		}
	})))
}

// unsentRow is one unsent change as the page lists it.
type unsentRow struct{ ticket, what, when string }

// reloadUnsent lists the unsent changes: ticket, what, when. The read
// runs in the background, and a read asked before another may end after
// it: a list read while a sync sent its changes came back after the
// sync's empty one, and the page listed the sent changes under
// "Changes waiting: 0". Only the last read asked shows its list.
func (p *syncPage) reloadUnsent(pending int) {
	d := p.deps
	p.unsentAsked++
	asked := p.unsentAsked
	d.Run(func() {
		ms, err := d.Sync.UnsentChanges(d.Ctx, maxUnsentShown)
		var rows []unsentRow
		numbers := map[app.TicketID]string{}
		for _, m := range ms {
			r := unsentRow{what: changeText(m.FullName(), m.Args), when: timeText(p.deps.Zone, m.At)}
			if cmd, derr := app.DecodeMutation(m); derr == nil {
				if id := app.TicketOf(cmd); id != "" {
					if _, ok := numbers[id]; !ok {
						numbers[id] = string(id) // a ticket no longer on the device
						if td, terr := d.Tickets.TicketDetail(d.Ctx, id); terr == nil {
							numbers[id] = td.Ticket.Number
						}
					}
					r.ticket = numbers[id]
				}
			}
			rows = append(rows, r)
		}
		fyne.Do(func() {
			if asked == p.unsentAsked {
				p.showUnsent(rows, pending, err)
			}
		})
	})
}

func (p *syncPage) showUnsent(rows []unsentRow, pending int, err error) {
	defer p.relayout()
	p.unsent.RemoveAll()
	p.unsentShown = pending
	if err != nil {
		p.unsentShown = -1
	}
	switch {
	case err != nil:
		p.unsent.Add(widget.NewLabel(errorText(err)))
		return
	case len(rows) == 0:
		p.unsent.Add(lowLabel(lang.X("sync.unsent_none", "Nothing waits: the server has everything you saved.")))
		return
	}
	// A change a line: its ticket and what it is, wrapping, its time at
	// the right. In three even columns the ticket's number made each as
	// wide, and on a 360 dp phone the page ran a third past the screen
	// once a change of a ticket waited.
	for _, r := range rows {
		what := r.what
		if r.ticket != "" {
			what = r.ticket + " · " + r.what
		}
		// The time stays on one line: a wrapping label at the border's
		// right is as narrow as its longest word, and "7 de dez. de
		// 2026 03:14" stood one word a line down the page.
		when := lowLabel(r.when)
		when.Wrapping = fyne.TextWrapOff
		p.unsent.Add(container.NewBorder(nil, nil, nil, when, wrapped(what)))
	}
	if pending > len(rows) {
		p.unsent.Add(lowLabel(lang.XN("sync.unsent_more", "and {{.Count}} more changes", pending-len(rows), map[string]any{"Count": countText(pending - len(rows))})))
	}
}

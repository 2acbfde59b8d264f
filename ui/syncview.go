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
)

// The sync line sits at the bottom of every screen and says, in one line,
// whether the technician's work has reached the server: synced, N changes
// waiting, offline since when, photos going up. A tap opens the sync
// screen: sync now, the last error in plain words, and the conflict inbox.

// syncLine is the status line.
type syncLine struct {
	t      *Terminal
	icon   *widget.Icon
	text   *widget.Label
	bar    *widget.ProgressBarInfinite
	button *widget.Button
	root   *fyne.Container

	// Owned by the UI goroutine.
	status       app.SyncStatus
	offlineSince time.Time
	inbox        *conflictInbox // the open sync screen, if any
}

func newSyncLine(t *Terminal) *syncLine {
	s := &syncLine{t: t}
	s.icon = widget.NewIcon(theme.ConfirmIcon())
	s.text = widget.NewLabel("")
	s.text.Truncation = fyne.TextTruncateEllipsis
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.bar.Hide()
	s.button = widget.NewButtonWithIcon(lang.X("sync.open", "Sync"), theme.ViewRefreshIcon(), s.openScreen)
	s.root = container.NewBorder(nil, nil, s.icon, s.button, container.NewStack(s.bar, s.text))
	if t.deps.Sync == nil {
		s.icon.SetResource(theme.WarningIcon())
		s.text.SetText(lang.X("sync.local_only", "Not connected to a server: work stays on this device."))
		s.button.Hide()
		return s
	}
	s.apply(t.deps.Sync.SyncStatus())
	t.deps.Sync.WatchSync(func(st app.SyncStatus) { fyne.Do(func() { s.apply(st) }) })
	return s
}

// apply shows a status; UI goroutine.
func (s *syncLine) apply(st app.SyncStatus) {
	now := s.t.deps.Now()
	if st.Offline && s.offlineSince.IsZero() {
		s.offlineSince = now
	} else if !st.Offline && st.Err == nil {
		s.offlineSince = time.Time{}
	}
	changedCounts := st.Pending != s.status.Pending || st.Conflicts != s.status.Conflicts
	synced := !st.LastSuccess.Equal(s.status.LastSuccess) && !s.status.LastSuccess.IsZero()
	s.status = st
	s.text.SetText(s.describe(st, now))
	icon, importance := theme.ConfirmIcon(), widget.SuccessImportance
	switch {
	case st.Revoked || st.Conflicts > 0 || st.Err != nil && !st.Offline:
		icon, importance = theme.ErrorIcon(), widget.DangerImportance
	case st.Offline || st.Pending > 0 || st.PhotoBytes > 0:
		icon, importance = theme.UploadIcon(), widget.WarningImportance
	}
	s.icon.SetResource(icon)
	s.text.Importance = importance
	s.text.Refresh()
	if st.Running || st.PhotoBytes > 0 && st.PhotoErr == nil && !st.Offline {
		s.bar.Show()
		s.bar.Start()
	} else {
		s.bar.Stop()
		s.bar.Hide()
	}
	unlocked := s.t.lock.apply(st.Lease)
	if changedCounts || synced || unlocked {
		s.t.list.Reload() // badges, and what the sync brought
	}
	if synced || unlocked {
		// The open ticket may have changed on the server, and its photos
		// may now be uploaded.
		if tk, ok := s.t.detail.ticket(); ok {
			s.t.detail.Show(tk.ID)
		}
	}
	if s.inbox != nil {
		s.inbox.refresh()
	}
}

// refresh reads the status again, after the terminal saved something.
func (s *syncLine) refresh() {
	if s.t.deps.Sync == nil {
		return
	}
	sync := s.t.deps.Sync
	s.t.deps.Run(func() {
		st := sync.SyncStatus()
		fyne.Do(func() { s.apply(st) })
	})
}

// describe is the one line.
func (s *syncLine) describe(st app.SyncStatus, now time.Time) string {
	var text string
	switch {
	case st.Revoked:
		return lang.X("sync.revoked", "This device was removed by the administrator and its data erased. Pair it again to work.")
	case st.Running && st.LastSuccess.IsZero():
		text = lang.X("sync.first", "Downloading your tickets…")
	case st.Running:
		text = lang.X("sync.running", "Syncing…")
	case st.Offline:
		text = lang.X("sync.offline_since", "Offline since {{.Time}}", map[string]any{"Time": s.offlineSince.Local().Format("15:04")})
	case st.Err != nil:
		text = errorText(st.Err)
	case st.Pending == 0 && st.PhotoBytes == 0 && !st.LastSuccess.IsZero():
		text = lang.X("sync.synced", "All work synced · {{.Time}}", map[string]any{"Time": agoText(st.LastSuccess, now)})
	case st.LastSuccess.IsZero():
		text = lang.X("sync.never", "Not synced yet")
	default:
		text = lang.X("sync.last", "Last sync {{.Time}}", map[string]any{"Time": agoText(st.LastSuccess, now)})
	}
	if st.Pending > 0 {
		text += " · " + lang.XN("sync.pending", "{{.Count}} changes waiting", st.Pending, map[string]any{"Count": st.Pending})
	}
	if st.PhotoBytes > 0 {
		text += " · " + lang.X("sync.photos", "sending photos: {{.Size}} left", map[string]any{"Size": sizeText(st.PhotoBytes)})
	}
	if st.Conflicts > 0 {
		text += " · " + lang.XN("sync.conflicts", "{{.Count}} conflicts need a decision", st.Conflicts, map[string]any{"Count": st.Conflicts})
	}
	return text
}

// agoText says when, relative to now for the last day.
func agoText(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return lang.X("time.just_now", "just now")
	case d < 24*time.Hour:
		return lang.X("time.ago", "{{.Duration}} ago", map[string]any{"Duration": shortDuration(d)})
	}
	return timeText(t)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// SyncText is the sync line's text, for tests.
func (t *Terminal) SyncText() string { return t.sync.text.Text }

// conflictInbox is the sync screen.
type conflictInbox struct {
	t      *Terminal
	status *widget.Label
	errL   *widget.Label
	list   *fyne.Container
	dialog dialog.Dialog
}

// openScreen shows the sync screen.
func (s *syncLine) openScreen() {
	t := s.t
	if t.deps.Sync == nil || t.win == nil {
		return
	}
	in := &conflictInbox{t: t}
	in.status = widget.NewLabel("")
	in.status.Wrapping = fyne.TextWrapWord
	in.errL = widget.NewLabel("")
	in.errL.Wrapping = fyne.TextWrapWord
	in.errL.Importance = widget.DangerImportance
	in.list = container.NewVBox()
	now := widget.NewButtonWithIcon(lang.X("sync.now", "Sync now"), theme.ViewRefreshIcon(), func() { t.deps.Sync.SyncNow() })
	now.Importance = widget.HighImportance
	body := container.NewBorder(container.NewVBox(container.NewHBox(now), in.status, in.errL, heading(lang.X("conflicts.title", "Conflicts"))), nil, nil, nil,
		container.NewVScroll(in.list))
	d := dialog.NewCustom(lang.X("sync.title", "Sync"), lang.X("dialog.close", "Close"), body, t.win)
	d.SetOnClosed(func() { s.inbox = nil })
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 720), t.win.Canvas().Size().Height*0.9))
	in.dialog = d
	s.inbox = in
	in.refresh()
	d.Show()
}

// refresh shows the current status and reloads the conflicts.
func (in *conflictInbox) refresh() {
	t := in.t
	st := t.sync.status
	lines := lang.X("sync.detail", "Changes waiting: {{.Pending}} · photos waiting: {{.Photos}} · sent {{.Up}}, received {{.Down}} since start", map[string]any{
		"Pending": st.Pending, "Photos": sizeText(st.PhotoBytes), "Up": sizeText(st.Up), "Down": sizeText(st.Down)})
	if !st.LastSuccess.IsZero() {
		lines = lang.X("sync.last_success", "Last complete sync: {{.Time}}", map[string]any{"Time": timeText(st.LastSuccess)}) + "\n" + lines
	}
	in.status.SetText(lines)
	var problem string
	if st.Err != nil {
		problem = errorText(st.Err)
		if !st.NextTry.IsZero() {
			problem += " " + lang.X("sync.next_try", "Next try at {{.Time}}.", map[string]any{"Time": st.NextTry.Local().Format("15:04")})
		}
	}
	if st.PhotoErr != nil {
		problem += "\n" + lang.X("sync.photo_error", "Photos: {{.Error}}", map[string]any{"Error": errorText(st.PhotoErr)})
	}
	in.errL.SetText(problem)
	if problem == "" {
		in.errL.Hide()
	} else {
		in.errL.Show()
	}
	t.deps.Run(func() {
		cs, err := t.deps.Sync.OpenConflicts(t.ctx)
		numbers := map[app.TicketID]string{}
		for _, c := range cs {
			if d, err := t.deps.Tickets.TicketDetail(t.ctx, c.Ticket); err == nil {
				numbers[c.Ticket] = d.Ticket.Number
			}
		}
		fyne.Do(func() { in.show(cs, numbers, err) })
	})
}

func (in *conflictInbox) show(cs []app.Conflict, numbers map[app.TicketID]string, err error) {
	in.list.RemoveAll()
	if err != nil {
		in.list.Add(widget.NewLabel(errorText(err)))
		return
	}
	if len(cs) == 0 {
		in.list.Add(lowLabel(lang.X("conflicts.none", "No conflicts: everything you saved was accepted.")))
		return
	}
	for _, c := range cs {
		in.list.Add(in.card(c, numbers[c.Ticket]))
	}
}

// card shows one conflict: what happened, both values, who and when, and
// the resolutions that make sense for its kind.
func (in *conflictInbox) card(c app.Conflict, number string) fyne.CanvasObject {
	t := in.t
	what := widget.NewLabel(lang.X(c.Key, c.Message, c.Data))
	what.Wrapping = fyne.TextWrapWord
	what.TextStyle.Bold = true
	box := container.NewVBox(what)
	if number == "" {
		number = string(c.Ticket) // a ticket no longer on the device
	}
	ours, theirs := c.Ours, c.Theirs
	if c.Kind != app.ConflictField {
		// A refused change holds the mutation's arguments: name the change.
		ours = mutationText(c.Name)
		if c.Kind != app.ConflictClock {
			theirs = ""
		}
	}
	box.Add(fields(
		lang.X("conflicts.ticket", "Ticket"), number,
		lang.X("conflicts.field", "Field"), c.Field,
		lang.X("conflicts.ours", "Yours"), ours,
		lang.X("conflicts.theirs", "Theirs"), theirs,
		lang.X("conflicts.theirs_by", "Changed by"), c.TheirsBy,
		lang.X("conflicts.when", "When"), timeText(c.At),
	))
	choices := container.NewHBox()
	add := func(label, resolution string, important bool) {
		b := widget.NewButton(label, nil)
		if important {
			b.Importance = widget.HighImportance
		}
		b.OnTapped = func() {
			b.Disable()
			t.deps.Run(func() {
				err := t.deps.Sync.ResolveConflict(t.ctx, c.ID, resolution)
				fyne.Do(func() {
					if err != nil {
						b.Enable()
						msg := errorText(err)
						if app.ErrorCode(err) == app.EOFFLINE {
							msg = lang.X("conflicts.offline", "Deciding a conflict needs a connection to the server. Try again when you are online.")
						}
						t.setScanStatus(true, msg)
						in.errL.SetText(msg)
						in.errL.Show()
						return
					}
					t.setScanStatus(false, lang.X("conflicts.resolved", "Decision sent; the next sync brings the result."))
				})
			})
		}
		choices.Add(b)
	}
	// A technician keeps or gives up their own value; applying a refused
	// change after all is dispatch's call, so such conflicts stay open
	// for dispatch until the technician drops the change.
	switch c.Kind {
	case app.ConflictField:
		// Mine may be the value dispatch replaced: put it back.
		add(lang.X("conflicts.keep_mine", "Keep mine"), app.ResolveAcceptOurs, true)
		add(lang.X("conflicts.take_theirs", "Take theirs"), app.ResolveAcceptTheirs, false)
	case app.ConflictRejected, app.ConflictStaleEpoch:
		box.Add(lowLabel(lang.X("conflicts.dispatch_decides", "Dispatch can still apply your change: leave this open for them, or drop it.")))
		add(lang.X("conflicts.drop", "Drop my change"), app.ResolveDismissed, false)
	default:
		add(lang.X("conflicts.acknowledge", "Acknowledge"), app.ResolveDismissed, true)
	}
	box.Add(choices)
	return widget.NewCard("", "", box)
}

// OpenSyncScreen opens the sync screen, for tests and the keyboard.
func (t *Terminal) OpenSyncScreen() { t.sync.openScreen() }

// mutationText names a change for a person, from its mutation name such as
// "ticket.complete.v1".
func mutationText(full string) string {
	name := full
	if i := strings.LastIndex(name, ".v"); i > 0 {
		name = name[:i]
	}
	if a, ok := strings.CutPrefix(name, "ticket."); ok {
		for _, x := range app.Actions {
			if string(x) == a {
				return actionText(x)
			}
		}
	}
	switch name {
	case "ticket.update":
		return lang.X("change.update", "Edit of the ticket")
	case "repair.log":
		return lang.X("repair.add", "Log repair")
	case "stock.consume":
		return lang.X("parts.fit", "Fit part")
	case "photo.attach":
		return lang.X("photos.add", "Add photo")
	case "note.add":
		return lang.X("change.note", "Note")
	}
	return name
}

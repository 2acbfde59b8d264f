package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// The sync line sits at the bottom of every screen and says, in one line,
// whether the technician's work has reached the server: synced, N changes
// waiting, offline since when, photos going up, conflicts to decide. A tap
// on it opens the sync page: sync now, work offline, the last error in
// plain words, dispatch's notices, the unsent changes and the conflict
// inbox. Above it a banner stays while dispatch's notices are unread.

// syncSource is what the sync line's feed reads.
type syncSource interface {
	SyncStatus() app.SyncStatus
	WatchSync(fn func(app.SyncStatus))
}

// syncFeed keeps the newest status on the UI goroutine and hands each
// newer one to its listeners. Statuses come from several goroutines and
// may arrive out of order: an older one (a lower Seq) is dropped, so a
// "Syncing…" read before a sync ended cannot stay on screen after it.
type syncFeed struct {
	now          func() time.Time
	cur          app.SyncStatus
	offlineSince time.Time // when the network went, zero while it is there
	listeners    map[int]func(prev, cur app.SyncStatus)
	next         int
}

func newSyncFeed(src syncSource, now func() time.Time) *syncFeed {
	f := &syncFeed{now: now, listeners: map[int]func(prev, cur app.SyncStatus){}}
	f.take(src.SyncStatus())
	src.WatchSync(func(st app.SyncStatus) { fyne.Do(func() { f.publish(st) }) })
	return f
}

func (f *syncFeed) take(st app.SyncStatus) {
	if st.Offline && f.offlineSince.IsZero() {
		f.offlineSince = f.now()
	} else if !st.Offline && st.Err == nil {
		f.offlineSince = time.Time{}
	}
	f.cur = st
}

// summary is the status in one line.
func (f *syncFeed) summary() string { return syncSummary(f.cur, f.now(), f.offlineSince) }

// publish takes a status; UI goroutine.
func (f *syncFeed) publish(st app.SyncStatus) {
	if st.Seq <= f.cur.Seq {
		return
	}
	prev := f.cur
	f.take(st)
	for i := range f.next {
		if fn, ok := f.listeners[i]; ok {
			fn(prev, st)
		}
	}
}

// listen calls fn with the current status at once and with every newer
// one until the returned func is called.
func (f *syncFeed) listen(fn func(prev, cur app.SyncStatus)) (stop func()) {
	id := f.next
	f.next++
	f.listeners[id] = fn
	fn(f.cur, f.cur)
	return func() { delete(f.listeners, id) }
}

// syncLine is the status line: a tap opens the sync page.
type syncLine struct {
	widget.BaseWidget
	onTap func()

	icon *widget.Icon
	text *widget.Label
	bar  *widget.ProgressBarInfinite
	open *widget.Button
}

var _ fyne.Tappable = (*syncLine)(nil)

func newSyncLine(onTap func()) *syncLine {
	s := &syncLine{onTap: onTap}
	s.icon = widget.NewIcon(theme.ConfirmIcon())
	s.text = widget.NewLabel("")
	s.text.Truncation = fyne.TextTruncateEllipsis
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Stop()
	s.bar.Hide()
	// The button says the line can be tapped; both open the page.
	s.open = widget.NewButtonWithIcon(lang.X("sync.open", "Sync"), theme.ViewRefreshIcon(), onTap)
	if onTap == nil {
		s.icon.SetResource(theme.WarningIcon())
		s.text.SetText(lang.X("sync.local_only", "Not connected to a server: work stays on this device."))
		s.open.Hide()
	}
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer lays out icon, text and button, the progress bar a thin
// line under the text.
func (s *syncLine) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, s.icon, s.open,
		container.New(underlineLayout{}, s.text, s.bar)))
}

// underlineLayout gives its first object the whole cell and draws the
// second as a line along the cell's bottom edge. The sync line's progress
// bar filled the whole line behind its text before, and the moving blue
// fill under orange "Syncing… · 1 change waiting" left the text at about
// 2:1, unreadable half the time (lead's walk, es, 720x1280).
type underlineLayout struct{}

// underlineHeight is the line's thickness in dp.
const underlineHeight = 3

func (underlineLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 2 {
		return
	}
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
	h := float32(underlineHeight)
	objs[1].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, size.Height-h))
}

func (underlineLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	return objs[0].MinSize()
}

// Tapped opens the sync page.
func (s *syncLine) Tapped(*fyne.PointEvent) {
	if s.onTap != nil {
		s.onTap()
	}
}

// show shows the feed's status; UI goroutine.
func (s *syncLine) show(f *syncFeed) {
	st := f.cur
	s.text.SetText(f.summary())
	icon, importance := theme.ConfirmIcon(), widget.SuccessImportance
	switch {
	case st.Revoked || st.Conflicts > 0 || st.Err != nil && !st.Offline:
		icon, importance = theme.ErrorIcon(), widget.DangerImportance
	case st.WorkOffline || st.Offline || st.Pending > 0 || st.PhotoBytes > 0:
		icon, importance = theme.UploadIcon(), widget.WarningImportance
	case st.Running:
		// A green tick beside "Syncing…" read as done before it was.
		icon, importance = theme.ViewRefreshIcon(), widget.MediumImportance
	}
	s.icon.SetResource(icon)
	s.text.Importance = importance
	s.text.Refresh()
	if !st.WorkOffline && (st.Running || st.PhotoBytes > 0 && st.PhotoErr == nil && !st.Offline) {
		s.bar.Show()
		s.bar.Start()
	} else {
		s.bar.Stop()
		s.bar.Hide()
	}
}

// syncSummary is the one line. It says "all work synced" only when
// nothing waits: no change, no photo, no conflict.
func syncSummary(st app.SyncStatus, now, offlineSince time.Time) string {
	var text string
	switch {
	case st.Revoked:
		return lang.X("sync.revoked", "This device was removed by the administrator and its data erased. Pair it again to work.")
	case st.WorkOffline:
		text = lang.X("sync.work_offline_line", "Offline by choice")
	case st.Running && st.LastSuccess.IsZero():
		text = lang.X("sync.first", "Downloading your tickets…")
	case st.Running:
		text = lang.X("sync.running", "Syncing…")
	case st.Offline:
		text = lang.X("sync.offline_since", "Offline since {{.Time}}", map[string]any{"Time": clockText(now.Location(), offlineSince)})
	case st.Err != nil:
		text = errorText(st.Err)
	case st.LastSuccess.IsZero():
		text = lang.X("sync.never", "Not synced yet")
	case st.Pending == 0 && st.PhotoBytes == 0 && st.Conflicts == 0:
		text = lang.X("sync.synced", "All work synced · {{.Time}}", map[string]any{"Time": agoText(st.LastSuccess, now)})
	default:
		text = lang.X("sync.last", "Last sync {{.Time}}", map[string]any{"Time": agoText(st.LastSuccess, now)})
	}
	if st.Pending > 0 {
		text += " · " + lang.XN("sync.pending", "{{.Count}} changes waiting", st.Pending, map[string]any{"Count": countText(st.Pending)})
	}
	switch {
	case st.PhotoBytes > 0 && (st.WorkOffline || st.Offline || st.PhotoErr != nil):
		// Nothing is being sent: "sending" would tell a technician
		// offline by choice that his photos are leaving.
		text += " · " + lang.X("sync.photos_waiting", "photos waiting: {{.Size}}", map[string]any{"Size": sizeText(st.PhotoBytes)})
	case st.PhotoBytes > 0:
		text += " · " + lang.X("sync.photos", "sending photos: {{.Size}} left", map[string]any{"Size": sizeText(st.PhotoBytes)})
	}
	if st.Conflicts > 0 {
		text += " · " + lang.XN("sync.conflicts", "{{.Count}} conflicts need a decision", st.Conflicts, map[string]any{"Count": countText(st.Conflicts)})
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
	return timeText(now.Location(), t)
}

// sizeText is a size in bytes in the UI language, by the one rule of
// sizes (translations.Size): its digits, its decimal comma and its units
// (French counts octets: "312Ko", "1,5Mo"), the unit glued to its number.
// The sync page read "reçu 312 KB" and "1.5 MB" on a French screen whose
// documents said Ko.
func sizeText[N int | int64](n N) string {
	unit, number := translations.Size(uiLanguage(), int64(n))
	data := map[string]any{"Size": number}
	switch unit {
	case translations.Megabytes:
		return lang.X("size.mb", "{{.Size}}MB", data)
	case translations.Kilobytes:
		return lang.X("size.kb", "{{.Size}}KB", data)
	}
	return lang.X("size.bytes", "{{.Size}}B", data)
}

// noticeText says what dispatch did to a ticket.
func noticeText(n app.Notice) string {
	number := n.Number
	if number == "" {
		number = string(n.Ticket)
	}
	if n.Customer != "" {
		number = lang.X("notice.ticket_customer", "{{.Number}} ({{.Customer}})", map[string]any{"Number": number, "Customer": n.Customer})
	}
	var text string
	switch {
	case n.Kind == app.NoticeCancelled && n.By != "":
		text = lang.X("notice.cancelled_by", "Ticket {{.Ticket}} was cancelled by dispatch ({{.By}}).", map[string]any{"Ticket": number, "By": byText(n.By)})
	case n.Kind == app.NoticeCancelled:
		text = lang.X("notice.cancelled", "Ticket {{.Ticket}} was cancelled by dispatch.", map[string]any{"Ticket": number})
	default:
		text = lang.X("notice.reassigned", "Ticket {{.Ticket}} was reassigned by dispatch to someone else.", map[string]any{"Ticket": number})
	}
	if n.Reason != "" {
		text = lang.X("notice.with_reason", "{{.Notice}} Reason: {{.Reason}}", map[string]any{"Notice": text, "Reason": n.Reason})
	}
	return text
}

// bannerReason is the most runes of a notice's reason the banner shows.
const bannerReason = 80

// noticeBanner stays above the sync line while dispatch's notices are
// unread: the newest, and how many more, with a button to read them.
type noticeBanner struct {
	text *widget.Label
	root *fyne.Container
}

func newNoticeBanner(open func()) *noticeBanner {
	b := &noticeBanner{text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.text.Importance = widget.WarningImportance
	read := widget.NewButton(lang.X("notice.open", "Read"), open)
	b.root = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), read, b.text)
	b.root.Hide()
	return b
}

// show shows the newest of notices, or hides the banner when none.
func (b *noticeBanner) show(notices []app.Notice) {
	if len(notices) == 0 {
		b.root.Hide()
		return
	}
	// The banner stays above every page until read: a reason dispatch
	// wrote at length (up to app.MaxReasonLen, lines too) pushed the page
	// up under it. Here it is its first words; the sync page says it whole.
	n := notices[0]
	n.Reason = clipRunes(n.Reason, bannerReason)
	text := noticeText(n)
	if len(notices) > 1 {
		text = sentences(text, lang.XN("notice.more", "{{.Count}} more notices.", len(notices)-1, map[string]any{"Count": countText(len(notices) - 1)}))
	}
	setBreakable(b.text, text)
	b.root.Show()
}

// syncParts is the terminal's sync surface: the feed of statuses, the
// line, the notice banner and the page they open.
type syncParts struct {
	svc    app.SyncService // nil when not paired
	feed   *syncFeed
	line   *syncLine
	banner *noticeBanner
	page   syncPageDeps
	root   fyne.CanvasObject
	// after runs f on the UI goroutine after d (Terminal.after); nil
	// says the line once per status. stopTick cancels the line's next
	// saying again (showLine).
	after    func(d time.Duration, f func()) (stop func() bool)
	stopTick func() bool
}

// lineRefresh is how often the sync line is said again between statuses:
// its "just now" and "3 min ago" are relative, and an idle device syncs
// minutes apart, so without it "All work synced · just now" stayed on
// screen for minutes after the sync page said "3 min ago".
const lineRefresh = 30 * time.Second

// newSyncParts builds the line and the banner over page's service; a tap
// opens the page once the terminal has a window.
func newSyncParts(page syncPageDeps, after func(d time.Duration, f func()) (stop func() bool)) *syncParts {
	s := &syncParts{svc: page.Sync, page: page, after: after}
	if s.svc == nil {
		s.line = newSyncLine(nil)
		s.root = s.line
		return s
	}
	s.feed = newSyncFeed(s.svc, page.Now)
	s.line = newSyncLine(s.openPage)
	s.banner = newNoticeBanner(s.openPage)
	s.feed.listen(func(prev, cur app.SyncStatus) {
		s.showLine()
		// Read from memory, not the store: the count alone could stay
		// the same while one notice replaces another.
		if cur.Notices > 0 || prev.Notices > 0 || prev.Seq == cur.Seq {
			var ns []app.Notice
			if cur.Notices > 0 {
				ns = s.svc.Notices()
			}
			s.banner.show(ns)
		}
	})
	s.root = container.NewVBox(s.banner.root, s.line)
	return s
}

// showLine says the feed's status on the line, and says it again every
// lineRefresh until the next status, so that its relative time stays
// true.
func (s *syncParts) showLine() {
	s.line.show(s.feed)
	if s.stopTick != nil {
		s.stopTick()
	}
	if s.after != nil {
		s.stopTick = s.after(lineRefresh, s.showLine)
	}
}

// openPage opens the sync page.
func (s *syncParts) openPage() {
	if s.svc == nil || s.page.Dialogs.window() == nil {
		return
	}
	openSyncPage(s.page, s.feed)
}

// savedText is the note after work was saved: while the technician works
// offline by choice nothing is sent until they go back online, so "with
// the next sync" would promise what does not happen.
func (s *syncParts) savedText() string {
	if s.feed != nil && s.feed.cur.WorkOffline {
		return lang.X("work.saved_offline", "Saved on this device. It is sent when you go back online (Work offline is on).")
	}
	return lang.X("work.saved", "Saved on this device. It is sent with the next sync.")
}

// refresh counts the unsent changes again, after the terminal saved
// something; the feed brings the result.
func (s *syncParts) refresh() {
	if s.svc == nil {
		return
	}
	s.page.Run(func() {
		if err := s.svc.Recount(s.page.Ctx); err != nil {
			fyne.Do(func() { s.page.Notify(true, errorText(err)) })
		}
	})
}

// syncChanged is the terminal's part of a new status: the lock, the
// list's badges, the open ticket, and the "saved" note the sync made
// stale; UI goroutine.
func (t *Terminal) syncChanged(prev, st app.SyncStatus) {
	changedCounts := st.Pending != prev.Pending || st.Conflicts != prev.Conflicts
	synced := !st.LastSuccess.Equal(prev.LastSuccess) && !prev.LastSuccess.IsZero()
	unlocked := t.lock.apply(st)
	// The count can stay the same while a sync resolves one conflict and
	// brings another; with no conflict before or after, the inbox is
	// empty still.
	if st.Conflicts != prev.Conflicts || synced && (st.Conflicts > 0 || prev.Conflicts > 0) {
		t.list.conflictsChanged()
	}
	if changedCounts || synced || unlocked {
		t.list.Reload() // badges, and what the sync brought
	}
	if synced || unlocked {
		t.countOnWay()
		if t.onway != nil && t.tabs.Selected() == t.onwayTab {
			t.onway.load()
		}
		// The parts page says what is not yet synced on each line: once
		// the sync took it, a line read "-1 not yet synced" under a sync
		// line saying all was synced (a bin just shipped back).
		if t.parts != nil && t.tabs.Selected() == t.partsTab {
			t.parts.load()
		}
		// The open ticket may have changed on the server, and its photos
		// may now be uploaded. The one asked for, not the one still on
		// screen: a ticket just opened (a check-in) is loading while the
		// sync its saving started ends, and reloading the one before
		// would take the screen back to it.
		if id := t.detail.shown; id != "" {
			t.detail.Show(id)
		}
	}
	if st.Offline != prev.Offline || st.WorkOffline != prev.WorkOffline {
		// A history asked for says when it comes: now, or at reconnection.
		t.detail.showHistoryState()
	}
	if prev.Pending > 0 && st.Pending == 0 {
		// The note said the work waits for the sync; it no longer does.
		t.clearStatus(statusWaitsForSync)
	}
	if st.LastSuccess.After(prev.LastSuccess) {
		// "Decision sent; the next sync brings the result": it has.
		t.clearStatus(statusDecisionSent)
	}
}

// syncPageDeps is what the sync page and its conflict inbox need.
type syncPageDeps struct {
	Sync    app.SyncService
	Tickets app.TicketService
	Parts   app.PartService   // nil: locations shown by their IDs
	Supply  app.SupplyService // nil: shipments shown as conflicts have them
	Ctx     context.Context
	Run     func(func())
	Now     func() time.Time
	Zone    *time.Location // the session's (Deps.Zone)
	Dialogs dialogTracker
	// Keys is the scanner's wedge: the page's tick box feeds it.
	Keys *wedgeKeys
	// Notify shows a short outcome in the terminal's bar.
	Notify func(failed bool, text string)
	// Decided shows that a conflict's decision was sent, until a sync
	// brings its result.
	Decided func(text string)
}

// syncPageDeps is the sync page's share of the terminal's dependencies.
func (t *Terminal) syncPageDeps() syncPageDeps {
	return syncPageDeps{
		Sync: t.deps.Sync, Tickets: t.deps.Tickets, Parts: t.deps.Parts, Supply: t.deps.Supply, Ctx: t.ctx, Run: t.deps.Run, Now: t.deps.Now, Zone: t.deps.Zone,
		Dialogs: t,
		Keys:    t.keys,
		Notify:  t.setScanStatus,
		Decided: func(text string) { t.showStatus(statusDecisionSent, text) },
	}
}

// showSyncPage opens the sync page, from the settings.
func (t *Terminal) showSyncPage() { t.sync.openPage() }

// setWorkOffline turns working offline on or off; the sync service keeps
// the choice with the device's data.
func (t *Terminal) setWorkOffline(on bool) {
	if t.deps.Sync == nil {
		return
	}
	t.deps.Sync.SetWorkOffline(on)
}

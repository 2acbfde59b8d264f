package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// lockScreen replaces the pages (tickets, parts, settings) while the
// device is past its lease (app.Lease): it says why and what to do, and leaves
// the sync line below it working, so the sync that unlocks can run and
// show. The store refuses the ticket reads meanwhile; this screen is what
// the technician sees instead of errors.
type lockScreen struct {
	host    lockHost
	now     func() time.Time
	message *widget.Label
	last    *widget.Label
	// offline says the technician chose to work offline, which no sync
	// can unlock: syncNow would do nothing, so goOnline stands instead.
	offline  *widget.Label
	syncNow  *widget.Button
	goOnline *widget.Button
	root     *fyne.Container
	locked   bool // UI goroutine
}

// lockHost is what the locked screen needs of the terminal.
type lockHost interface {
	window() fyne.Window // nil before Attach
	// pages is what the locked screen hides (the tabs), nil before they
	// are built.
	pages() fyne.CanvasObject
	// pagesShown is told that the pages were shown or hidden.
	pagesShown()
	// dropCustomerDialogs closes the dialogs that show customer data.
	dropCustomerDialogs()
	// setWorkOffline turns working offline on or off, and remembers it.
	setWorkOffline(on bool)
}

// newLockScreen builds the screen; sync is nil on an unpaired device.
func newLockScreen(sync app.SyncService, now func() time.Time, host lockHost) *lockScreen {
	l := &lockScreen{host: host, now: now}
	icon := widget.NewIcon(theme.VisibilityOffIcon())
	title := widget.NewLabelWithStyle(lang.X("lock.title", "Customer data is locked"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	l.message = widget.NewLabel("")
	l.message.Wrapping = fyne.TextWrapWord
	l.message.Alignment = fyne.TextAlignCenter
	l.last = lowLabel("")
	l.last.Alignment = fyne.TextAlignCenter
	l.last.Wrapping = fyne.TextWrapWord
	l.syncNow = widget.NewButtonWithIcon(lang.X("lock.sync_now", "Sync now"), theme.ViewRefreshIcon(), func() {
		if sync != nil {
			sync.SyncNow()
		}
	})
	l.syncNow.Importance = widget.HighImportance
	l.offline = widget.NewLabel(lang.X("lock.work_offline", "You chose to work offline, so Sync now does nothing. Go back online to sync and unlock."))
	l.offline.Wrapping = fyne.TextWrapWord
	l.offline.Alignment = fyne.TextAlignCenter
	l.offline.Importance = widget.WarningImportance
	l.goOnline = widget.NewButtonWithIcon(lang.X("lock.go_online", "Go back online"), theme.ViewRefreshIcon(), func() { host.setWorkOffline(false) })
	l.goOnline.Importance = widget.HighImportance
	l.showOffline(false)
	box := container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(64), icon)),
		title, l.message, l.last, l.offline, container.NewCenter(container.NewHBox(l.syncNow, l.goOnline)))
	l.root = container.NewPadded(container.New(columnLayout{width: 480}, box))
	l.root.Hide()
	return l
}

// apply shows or hides the screen for the status's lease at now; UI
// goroutine. It reports whether the device just unlocked, so the pages
// reload.
func (l *lockScreen) apply(st app.SyncStatus) (unlocked bool) {
	lease := st.Lease
	err := lease.Check(l.now())
	l.showOffline(st.WorkOffline)
	was := l.locked
	l.locked = err != nil
	l.showPages()
	if !l.locked {
		return was
	}
	if !was {
		l.host.dropCustomerDialogs()
	}
	l.message.SetText(errorText(err))
	l.last.SetText(lang.X("lock.last_sync", "Last complete sync: {{.Time}}", map[string]any{"Time": timeText(l.now().Location(), lease.LastContact)}))
	l.root.Refresh() // lay the column out again for the new text
	return false
}

// showOffline offers Sync now, or while working offline by choice says
// why it would do nothing and offers Go back online.
func (l *lockScreen) showOffline(on bool) {
	if on {
		l.syncNow.Hide()
		l.offline.Show()
		l.goOnline.Show()
	} else {
		l.syncNow.Show()
		l.offline.Hide()
		l.goOnline.Hide()
	}
}

// showPages shows either the pages or the locked screen. The pages are
// hidden, not covered: nothing of them is drawn. Before the pages are
// built (the first status arrives first) buildPages calls it again.
func (l *lockScreen) showPages() {
	if l.locked {
		l.root.Show()
	} else {
		l.root.Hide()
	}
	if pages := l.host.pages(); pages != nil && pages.Visible() == l.locked {
		if l.locked {
			pages.Hide()
		} else {
			pages.Show()
		}
	}
	l.host.pagesShown()
}

// pagesShown places the foot anew: under the locked screen while the
// pages are hidden, back in the page shown on a phone (placeFoot).
func (t *Terminal) pagesShown() { t.placeFoot() }

// pages is the tabs the locked screen hides, nil before they are built.
func (t *Terminal) pages() fyne.CanvasObject {
	if t.tabs == nil {
		return nil
	}
	return t.tabs
}

// dropCustomerDialogs closes the dialogs: they (a ticket's part, the
// check-in form) show customer data too. A form not yet saved is not work
// yet: it goes with them.
func (t *Terminal) dropCustomerDialogs() {
	if t.win == nil {
		return
	}
	ov := t.win.Canvas().Overlays()
	for _, o := range ov.List() {
		ov.Remove(o)
	}
	t.forgetDialogs()
}

// Locked reports whether the locked screen covers the pages; for tests.
func (t *Terminal) Locked() bool { return t.lock.locked }

// columnLayout centres its objects in a column at most width wide, as tall
// as they need at that width (wrapped text grows taller when narrower).
type columnLayout struct{ width float32 }

func (c columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		o.Refresh()             // wrapped labels cache their size
		h := o.MinSize().Height // at this width
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, max(0, (size.Height-h)/2)))
	}
}

func (c columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

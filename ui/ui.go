package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// Deps is everything the screens need, as app interfaces.
type Deps struct {
	Tickets    app.TicketService
	Parts      app.PartService
	Warranty   app.WarrantyService
	Technician app.TechnicianID
	// Country is where the technician works: new check-ins take its
	// warranty rules.
	Country string
	// Commit saves the user's actions; nil makes the terminal read-only
	// (no check-in).
	Commit app.Committer
	// Actor is who Commit acts as.
	Actor app.Actor
	// Store is the technician's repair store, if they work a counter: its
	// stock is theirs too.
	Store app.StoreID
	// Photos keeps photo files; nil hides adding photos.
	Photos app.PhotoLibrary
	// Sync is the sync status and conflict inbox; nil when the device is
	// not paired with a server.
	Sync app.SyncService
	// Server is the central service's address, for the settings.
	Server string
	// DataDir is the folder of the local data, for the storage used.
	DataDir string
	// SignOut erases the device's data and its pairing; nil hides it.
	SignOut func(ctx context.Context) error
	// SerialRules read brands and manufacture dates from scanned serials.
	SerialRules scanner.SerialRules
	// Wedge turns a hardware scanner's typing into scans; nil for one with
	// the default timing.
	Wedge *scanner.KeyboardWedge
	// OnReady, when set, is called once, on the UI goroutine, when the
	// first ticket list is on screen: start-up benchmarks time it.
	OnReady func()
	// KeyClock times key events for the wedge (default time.Now; tests
	// step it).
	KeyClock func() time.Time
	Now      func() time.Time
	// Run runs slow work (SQL, network) off the UI goroutine. Tests set it
	// to run inline so they need no sleeps.
	Run func(func())
}

func (d *Deps) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Run == nil {
		d.Run = func(f func()) { go f() }
	}
	if d.KeyClock == nil {
		d.KeyClock = time.Now
	}
	if d.Wedge == nil {
		d.Wedge = scanner.NewKeyboardWedge(0, 0)
	}
}

// Terminal is the main screen: the technician's ticket list beside the
// selected ticket's details.
type Terminal struct {
	deps   Deps
	ctx    context.Context
	keys   *wedgeKeys
	list   *TicketList
	detail *TicketDetailView
	split  *container.Split
	root   fyne.CanvasObject

	tabs        *container.AppTabs
	ticketsPage *fyne.Container // the split, or in compact mode the list or the ticket
	detailPage  *fyne.Container
	backBar     *fyne.Container
	parts       *partsPage
	settings    *settingsPage
	lock        *lockScreen
	iconButtons []*iconButton
	compact     bool
	compactSet  bool
	trimmer     *memoryTrimmer

	search     *scanEntry
	sync       *syncLine
	scanStatus *widget.Label
	scanBar    *fyne.Container

	// Owned by the UI goroutine.
	win        fyne.Window   // set by Attach; dialogs need it
	checkIn    *checkInForm  // the open check-in form, if any
	partPicker *partPicker   // the open add-part dialog, if any
	dialog     dialog.Dialog // the open part or label dialog, if any
}

// NewTerminal builds the main screen. ctx bounds every background load and
// the keyboard-wedge listener.
func NewTerminal(ctx context.Context, deps Deps) *Terminal {
	deps.defaults()
	t := &Terminal{deps: deps, ctx: ctx, keys: &wedgeKeys{wedge: deps.Wedge, now: deps.KeyClock}, trimmer: newMemoryTrimmer()}
	context.AfterFunc(ctx, t.trimmer.stop)
	t.detail = newTicketDetailView(ctx, deps, t)
	t.list = newTicketList(ctx, deps, t.keys, t.openTicket)

	t.search = newScanEntry(t.keys)
	t.search.SetPlaceHolder(lang.X("search.placeholder", "Search or scan: ticket, customer, phone, serial, part"))
	t.search.OnSubmitted = func(q string) { t.list.SetQuery(q) }
	t.search.OnChanged = func(q string) {
		if strings.TrimSpace(q) == "" {
			t.list.SetQuery("")
		}
	}
	photo := t.newIconButton(lang.X("scan.photo", "Scan photo"), theme.FileImageIcon(), t.pickPhoto)
	actions := container.NewHBox(photo)
	if deps.Commit != nil {
		actions.Add(t.newIconButton(lang.X("checkin.button", "Check in"), theme.ContentAddIcon(), func() { t.openCheckIn(scanner.Meaning{}) }))
	}
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), actions, t.search)

	t.scanStatus = widget.NewLabel("")
	t.scanStatus.Wrapping = fyne.TextWrapWord
	t.scanBar = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, t.scanStatus)
	t.scanBar.Hide()
	t.lock = newLockScreen(deps.Sync, deps.Now, t)
	t.sync = newSyncLine(t)
	t.root = t.buildPages(top, container.NewVBox(t.scanBar, widget.NewSeparator(), t.sync.root))
	t.listen(ctx)
	return t
}

// Object is the screen's root.
func (t *Terminal) Object() fyne.CanvasObject { return t.root }

// Attach connects the terminal to its window: scans typed while nothing
// has the focus, photos dropped on the window, Ctrl+V, and the dialogs.
func (t *Terminal) Attach(w fyne.Window) {
	t.win = w
	c := w.Canvas()
	c.SetOnTypedRune(func(r rune) { t.keys.rune(r) })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyF5 && t.deps.Sync != nil {
			t.deps.Sync.SyncNow()
			return
		}
		t.keys.enter(ev, nil)
	})
	t.addShortcuts(c)
	w.SetOnDropped(t.Drop)
	// An entry with the focus pastes into itself; elsewhere Ctrl+V (Cmd+V)
	// reads the clipboard as a scan.
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { t.Paste(w.Clipboard().Content()) })
}

// openTicket shows a ticket: beside the list, or on a phone in its place.
func (t *Terminal) openTicket(id app.TicketID) {
	t.detail.Show(id)
	t.showDetail()
}

// showDialog shows content in a dialog over the terminal, replacing one
// that is open (a second scan shows its own part).
func (t *Terminal) showDialog(title string, content fyne.CanvasObject) {
	if t.win == nil {
		return
	}
	if t.dialog != nil {
		t.dialog.Hide()
	}
	d := dialog.NewCustom(title, lang.X("dialog.close", "Close"), container.NewVScroll(content), t.win)
	d.SetOnClosed(func() {
		if t.dialog == d {
			t.dialog = nil
		}
	})
	d.Resize(dialogSize(t.win))
	t.dialog = d
	d.Show()
}

// dialogSize fits a dialog to the window: most of a phone's screen, a
// comfortable column on a desktop.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(min(s.Width*0.94, 560), min(s.Height*0.9, 640))
}

// Search is the search box, for tests.
func (t *Terminal) Search() fyne.Focusable { return t.search }

// List is the ticket list, for tests and keyboard shortcuts.
func (t *Terminal) List() *TicketList { return t.list }

// Detail is the detail pane, for tests.
func (t *Terminal) Detail() *TicketDetailView { return t.detail }

// Title is the window title.
func Title() string { return lang.X("app.title", "Fieldbench") }

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// SearchText is the search box's text, for tests.
func (t *Terminal) SearchText() string { return t.search.Text }

// addShortcuts gives a desktop keyboard the common tasks: Ctrl+F search,
// Ctrl+N check in, Ctrl+P print the open ticket's labels, Ctrl+1/2/3 the
// pages, Ctrl+R (or F5 with nothing focused) sync now.
func (t *Terminal) addShortcuts(c fyne.Canvas) {
	ctrl := fyne.KeyModifierShortcutDefault
	add := func(key fyne.KeyName, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: ctrl}, func(fyne.Shortcut) { fn() })
	}
	add(fyne.KeyF, func() {
		t.tabs.SelectIndex(0)
		c.Focus(t.search)
	})
	if t.deps.Commit != nil {
		add(fyne.KeyN, func() { t.openCheckIn(scanner.Meaning{}) })
	}
	add(fyne.KeyP, func() {
		if t.detail.current != nil {
			t.printLabels(*t.detail.current)
		}
	})
	add(fyne.KeyR, func() {
		if t.deps.Sync != nil {
			t.deps.Sync.SyncNow()
		}
	})
	for i, key := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3} {
		add(key, func() {
			if i < len(t.tabs.Items) {
				t.tabs.SelectIndex(i)
			}
		})
	}
}

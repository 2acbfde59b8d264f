package ui

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

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
	// Notices lists a ticket's customer notices; nil hides notifying
	// customers.
	Notices app.NoticeService
	// Passcodes reads a ticket's device passcode; nil hides it on the
	// ticket.
	Passcodes app.PasscodeService
	// Payments reads a ticket's payments and estimates; nil hides the
	// charges and payments card and closes without asking for money.
	Payments app.PaymentService
	// Supply reads part requests, shipments and likely parts; nil hides
	// requesting parts as records, parts on the way and what to load.
	Supply app.SupplyService
	// History asks for a closed ticket's history that the server kept
	// back (app.HistoryAway); nil shows what is away without offering to
	// load it.
	History app.HistoryService
	// Photos keeps photo files; nil hides adding photos.
	Photos app.PhotoLibrary
	// Drafts keeps the text typed on a ticket's diagnosis and new note
	// and not saved yet, on the device; nil keeps none (typing not saved
	// goes with the ticket's pane).
	Drafts app.DraftService
	// Counts keeps a stock count typed on the parts page and not booked
	// yet; nil keeps none (a count lives as long as its dialog).
	Counts app.CountDraftService
	// ReportToSign builds a ticket's service report as the customer signs
	// it (its digest and total) from the ticket's detail as the caller
	// has just read it, without reading it again; nil hides the
	// customer's sign-off.
	ReportToSign func(ctx context.Context, d app.TicketDetail) (ReportToSign, error)
	// Documents writes a ticket's service report and intake receipt, and
	// files the signed report after a sign-off; nil hides the documents.
	Documents Documents
	// Sync is the sync status and conflict inbox; nil when the device is
	// not paired with a server.
	Sync app.SyncService
	// Server is the central service's address, for the settings.
	Server string
	// DataDir is the folder of the local data, for the storage used.
	DataDir string
	// OpenFile opens a document written in DataDir in the system's
	// viewer and reports whether it opened; it may block (the terminal
	// runs it with Run). Nil hands the file to Fyne's OpenURL, which
	// reports nothing on Linux; main sets OpenInViewer.
	OpenFile func(path string) error
	// SignOut erases the device's data and its pairing; nil hides it.
	SignOut func(ctx context.Context) error
	// SerialRules read brands and manufacture dates from scanned serials.
	SerialRules scanner.SerialRules
	// Wedge turns a hardware scanner's typing into scans; nil for one with
	// the default timing.
	Wedge *scanner.KeyboardWedge
	// OnReady, when set, is called once, on the UI goroutine, when the
	// first ticket list is on screen, with the list as it reads (a line a
	// row: headings, and each ticket's three lines joined by " | "):
	// start-up benchmarks time it, and tests of the built app read it.
	OnReady func(shown []string)
	// KeyClock times key events for the wedge (default time.Now; tests
	// step it).
	KeyClock func() time.Time
	// Now is the time (default time.Now); the terminal reads it in Zone.
	Now func() time.Time
	// Zone is the time zone the screens show, parse and count days and
	// times in (default: the computer's, time.Local as the process
	// started). It is the session's: the demo's is the demo world's, so its
	// visits read in working hours there whatever the computer's zone.
	// A value each session carries, not the process's time.Local, which
	// other goroutines read and nothing may write while the app runs.
	Zone *time.Location
	// Run runs slow work (SQL, network) off the UI goroutine. Tests set it
	// to run inline so they need no sleeps.
	Run func(func())
}

func (d *Deps) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Zone == nil {
		d.Zone = time.Local
	}
	// Every "now" the screens get is in the session's zone, so a day
	// computed from it (today's list, a promise date) is the zone's day.
	now, zone := d.Now, d.Zone
	d.Now = func() time.Time { return now().In(zone) }
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
	deps Deps
	ctx  context.Context
	keys *wedgeKeys
	// loose are the keys typed with no field focused (Attach).
	loose  looseKeys
	router *scanRouter
	list   *TicketList
	detail *TicketDetailView
	split  *container.Split
	root   fyne.CanvasObject

	// signing is the sign-off on screen, the last shown.
	signing *signOff

	tabs        *container.AppTabs
	ticketsPage *fyne.Container // the split, or in compact mode the list or the ticket
	detailPage  *fyne.Container
	backBar     *fyne.Container
	parts       *partsPage
	onway       *onWayPage // nil without Deps.Supply
	onwayTab    *container.TabItem
	partsTab    *container.TabItem // nil without Deps.Parts
	settingsTab *container.TabItem
	// foot is the note and the sync line; it sits in footUnder, under
	// the pages, or in the foot of the page shown (tabFeet), on a phone:
	// footAt says which (placeFoot).
	foot      fyne.CanvasObject
	footUnder *fyne.Container
	tabFeet   map[*container.TabItem]*fyne.Container
	// tabTitles are the tabs' names; a tab shows its name unless the
	// tabs are too many for the width (labelTabs).
	tabTitles map[*container.TabItem]string
	footAt    *fyne.Container
	receiver  *receiveFlow // the open receive dialog, if any
	counter   *countFlow   // the open stock count, if any
	// countScans holds the scans made while a count opens (non-nil from
	// the tap on Count stock until it shows): the first scans of a
	// burst into a count just asked for went to the page behind it.
	countScans  *[]scanner.Meaning
	settings    *settingsPage
	lock        *lockScreen
	iconButtons []*iconButton
	compact     bool
	compactSet  bool
	tabsWidth   float32 // the window's width at the last layout, 0 before
	trimmer     *memoryTrimmer

	search     *scanEntry
	liveQuery  string      // the search box's text last searched
	stopSearch func() bool // cancels the search waiting for typing to pause
	// after runs f on the UI goroutine after d, and returns what cancels
	// it; tests step it by hand.
	after func(d time.Duration, f func()) (stop func() bool)
	// paneAfter is after for the panes' timers (later): a test that steps
	// the search's pause by hand keeps the clock for the rest.
	paneAfter  func(d time.Duration, f func()) (stop func() bool)
	sync       *syncParts
	scanStatus *widget.Label
	scanBar    *fyne.Container
	scanClose  *widget.Button // puts the note away
	statusKind statusKind     // what scanStatus says
	draftsNote draftsNote     // the drafts kept note shown last (draft.go)

	// Owned by the UI goroutine.
	win        fyne.Window   // set by Attach; dialogs need it
	checkIn    *checkInForm  // the open check-in form, if any
	partPicker *partPicker   // the open add-part dialog, if any
	dialog     dialog.Dialog // the open part or label dialog, if any
	dialogs    []*shownDialog
	shortcuts  map[string]func() // the page shortcuts by ShortcutName
}

// shownDialog is a dialog the terminal opened, open until it closes.
// Fyne's dialogs take no keys: the terminal gives them Escape and Enter.
type shownDialog struct {
	d dialog.Dialog
	// overlay is the dialog's pop-up: Escape and Enter act only while it
	// is in front (a file chooser opened from it is not ours).
	overlay fyne.CanvasObject
	// submit is what Enter does; nil for dialogs that only say or ask
	// (Enter must not confirm what cannot be taken back).
	submit func()
	// next is what Enter in a field of a long form does first: it moves
	// the focus on to a field the form still needs, and is false when
	// none is left, so that Enter submits. nil for short forms, where
	// Enter is submit at once.
	next func(from fyne.CanvasObject) bool
	// leave is what Escape does: nil hides the dialog, as its Cancel
	// does; a long form asks before it throws away what was typed.
	leave func()
}

// NewTerminal builds the main screen. ctx bounds every background load and
// the keyboard-wedge listener.
func NewTerminal(ctx context.Context, deps Deps) *Terminal {
	deps.defaults()
	t := &Terminal{deps: deps, ctx: ctx, keys: &wedgeKeys{wedge: deps.Wedge, now: deps.KeyClock}, trimmer: newMemoryTrimmer()}
	t.keys.shell = t
	context.AfterFunc(ctx, t.trimmer.stop)
	t.router = &scanRouter{ctx: ctx, tickets: deps.Tickets, parts: deps.Parts, tech: deps.Technician, now: deps.Now, run: deps.Run,
		canCheckIn: deps.Commit != nil, desk: t}
	t.detail = newTicketDetailView(ctx, deps, t, t.keys)
	ld := listDeps{tickets: deps.Tickets, badges: deps.Sync, supply: deps.Supply, tech: deps.Technician, now: deps.Now, run: deps.Run, onReady: t.firstListShown}
	if k := t.detail.drafts; k != nil {
		ld.drafted = k.drafted
	}
	t.list = newTicketList(ctx, ld, t.keys, t.openTicket)
	if k := t.detail.drafts; k != nil {
		k.wrote = t.list.draftsChanged
	}

	t.search = newScanEntry(t.keys)
	t.search.SetPlaceHolder(lang.X("search.placeholder", "Search or scan: ticket, customer, phone, brand, model, serial, part"))
	t.after = func(d time.Duration, f func()) func() bool {
		return time.AfterFunc(d, func() {
			fyne.Do(func() {
				if ctx.Err() == nil { // the terminal is gone
					f()
				}
			})
		}).Stop
	}
	t.paneAfter = t.after
	t.search.OnSubmitted = func(string) { t.searchNow(true) }
	t.list.onLeft = t.ticketLeftList
	t.list.onSearchLeft = func() {
		t.liveQuery = ""
		t.search.SetText("")
	}
	t.search.OnChanged = func(string) { t.searchSoon() }
	photo := t.newIconButton(lang.X("scan.photo", "Scan photo"), theme.FileImageIcon(), t.pickPhoto)
	actions := container.NewHBox(photo)
	if deps.Commit != nil {
		actions.Add(t.newIconButton(lang.X("checkin.button", "Check in"), theme.ContentAddIcon(), func() { t.openCheckIn(scanner.Meaning{}) }))
	}
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), actions, t.search)

	t.scanStatus = widget.NewLabel("")
	t.scanStatus.Wrapping = fyne.TextWrapWord
	// The note stays until the next one, so it can be put away: a stale
	// "no ticket matches" stayed red under every ticket opened after it.
	t.scanClose = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { t.clearStatus(t.statusKind) })
	t.scanClose.Importance = widget.LowImportance
	t.scanBar = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), t.scanClose, t.scanStatus)
	t.scanBar.Hide()
	t.lock = newLockScreen(deps.Sync, deps.Now, t)
	t.sync = newSyncParts(t.syncPageDeps(), t.after)
	// On a phone the line's button shows only its icon, so that the
	// status beside it is said whole; the line itself opens the page too.
	t.iconButtons = append(t.iconButtons, &iconButton{Button: t.sync.line.open, text: t.sync.line.open.Text})
	t.root = t.buildPages(top, container.NewVBox(t.scanBar, widget.NewSeparator(), t.sync.root))
	if t.sync.feed != nil {
		t.sync.feed.listen(t.syncChanged)
	}
	t.listen(ctx)
	t.countOnWay()
	return t
}

// firstListShown runs once, when the first ticket list is on screen: the
// start has settled, so its garbage (the store's first reads, the first
// text shaped) is handed back at once rather than held until a ticket is
// opened.
func (t *Terminal) firstListShown() {
	t.trimmer.settled()
	if t.deps.OnReady != nil {
		t.deps.OnReady(t.list.shownText())
	}
}

// Object is the screen's root.
func (t *Terminal) Object() fyne.CanvasObject { return t.root }

// Ticket search runs as the user types, once typing pauses for
// searchDelay: a word typed is one search, not one a letter (a search
// takes 2 to 35 ms on the 5,000 tickets of the full demo world). A
// scanner's burst typed into the box comes back out before the pause
// ends, so it searches nothing. A single letter matches every ticket, so
// it leaves the list on its view until a second one comes (a Chinese
// character searches alone); Enter searches whatever the box holds.
// Queries are cut to maxQueryRunes: numbers, phones, serials and names
// are far shorter, and each word costs the store a match.
const (
	searchDelay   = 150 * time.Millisecond
	maxQueryRunes = 100
)

// searchSoon searches once typing pauses.
func (t *Terminal) searchSoon() {
	if t.stopSearch != nil {
		t.stopSearch()
	}
	t.stopSearch = t.after(searchDelay, func() { t.searchNow(false) })
}

// searchNow lists what the search box holds. Unless forced (Enter), a text
// searched already is not searched again: a scan that listed its own
// tickets keeps them when the box gets its text back.
func (t *Terminal) searchNow(force bool) {
	if t.stopSearch != nil {
		t.stopSearch()
		t.stopSearch = nil
	}
	q := strings.TrimSpace(t.search.Text)
	r := []rune(q)
	if len(r) > maxQueryRunes {
		q = string(r[:maxQueryRunes])
	}
	if len(r) == 1 && !unicode.Is(unicode.Han, r[0]) && !force {
		q = ""
	}
	if q == t.liveQuery && !force {
		return
	}
	t.liveQuery = q
	t.list.SetQuery(q)
}

// Attach connects the terminal to its window: scans typed while nothing
// has the focus, photos dropped on the window, Ctrl+V, and the dialogs.
func (t *Terminal) Attach(w fyne.Window) {
	t.win = w
	c := w.Canvas()
	c.SetOnTypedRune(func(r rune) {
		at := t.keys.now()
		t.keys.runeAt(r, at)
		t.loose.add(r, at)
	})
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyF5 && t.deps.Sync != nil {
			t.deps.Sync.SyncNow()
			return
		}
		if ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter {
			t.loose.reset()
			t.keys.toShell(ev, nil, true)
			return
		}
		if t.keys.enter(ev, nil) {
			t.loose.reset()
			return
		}
		// The wedge did not take the keys for a scan, but they went to no
		// field: a scanner's code the device handed over too slowly.
		if code := t.loose.take(t.keys.now()); code != "" {
			t.HandleScan(scanner.Scan{Source: scanner.SourceWedge, Code: scanner.Code{Text: code}, At: t.deps.Now()})
			return
		}
		t.keys.toShell(ev, nil, true)
	})
	t.addShortcuts(c)
	w.SetOnDropped(t.Drop)
	// Closing the window writes the drafts typed in the last pause
	// (draftDelay), before main closes the store.
	w.SetOnClosed(func() {
		if t.detail.drafts != nil {
			t.detail.drafts.flushNow()
		}
	})
	// An entry with the focus pastes into itself; elsewhere Ctrl+V (Cmd+V)
	// reads the clipboard as a scan.
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { t.Paste(w.Clipboard().Content()) })
}

// openTicket shows a ticket: beside the list, or on a phone in its place.
func (t *Terminal) openTicket(id app.TicketID) {
	t.list.showing(id)
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
	d := dialog.NewCustom(title, lang.X("dialog.close", "Close"), wheelPage(container.NewVScroll(content)), t.win)
	d.SetOnClosed(func() {
		if t.dialog == d {
			t.dialog = nil
		}
	})
	d.Resize(dialogSize(t.win))
	t.dialog = d
	t.present(d, nil)
}

// present shows d and keeps it until it closes, so that Escape closes it
// and, when submit is set, Enter submits it.
func (t *Terminal) present(d dialog.Dialog, submit func()) {
	t.presentForm(d, submit, nil, nil)
}

// presentForm is present for a long form, where Enter in a field first
// runs next (shownDialog.next) and Escape runs leave.
func (t *Terminal) presentForm(d dialog.Dialog, submit func(), next func(from fyne.CanvasObject) bool, leave func()) {
	d.Show()
	sd := &shownDialog{d: d, submit: submit, next: next, leave: leave, overlay: t.win.Canvas().Overlays().Top()}
	d.SetOnClosed(func() { t.dialogClosed(sd) })
	t.dialogs = append(t.dialogs, sd)
}

// dialogClosed forgets a closed dialog.
func (t *Terminal) dialogClosed(sd *shownDialog) {
	t.dialogs = slices.DeleteFunc(t.dialogs, func(o *shownDialog) bool { return o == sd })
}

// forgetDialogs drops the open dialogs without closing them, when the
// lock screen has taken them off the canvas.
func (t *Terminal) forgetDialogs() {
	t.checkIn, t.partPicker, t.dialog, t.dialogs, t.receiver, t.counter = nil, nil, nil, nil, nil, nil
}

// topDialog is the dialog in front, if the terminal opened it.
func (t *Terminal) topDialog() *shownDialog {
	if len(t.dialogs) == 0 || t.win == nil {
		return nil
	}
	sd := t.dialogs[len(t.dialogs)-1]
	if t.win.Canvas().Overlays().Top() != sd.overlay {
		return nil
	}
	return sd
}

// escape closes the dialog in front, as its Cancel or Close button does.
func (t *Terminal) escape() bool {
	sd := t.topDialog()
	if sd == nil {
		return false
	}
	if sd.leave != nil {
		sd.leave()
		return true
	}
	sd.d.Hide()
	return true
}

// enter is Enter in from (nil: nothing focused): a long form in front
// moves on to the next field it needs, and the form submits when none
// is left; a short one submits at once.
func (t *Terminal) enter(from fyne.CanvasObject) bool {
	sd := t.topDialog()
	if sd == nil || sd.submit == nil {
		return false
	}
	if sd.next != nil && sd.next(from) {
		return true
	}
	sd.submit()
	return true
}

// submit submits the form in front whatever it still needs (Ctrl+Enter):
// the refusal then says what that is.
func (t *Terminal) submit() {
	if sd := t.topDialog(); sd != nil && sd.submit != nil {
		sd.submit()
	}
}

// shortcut runs a page shortcut.
func (t *Terminal) shortcut(s fyne.Shortcut) bool {
	fn, ok := t.shortcuts[s.ShortcutName()]
	if ok {
		fn()
	}
	return ok
}

// dialogSize fits a dialog to the window: most of a phone's screen, a
// comfortable column on a desktop.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(min(s.Width*0.94, 560), min(s.Height*0.9, 640))
}

// listDialogSize is dialogSize for a dialog that is mostly a long list
// (a stock count's rows, the add-part list, a parcel's lines, the load
// list, parts to ship back): as tall as the window allows, less a
// margin, up to 1,200 dp. At dialogSize's 640 dp a count on a 1280-high
// phone showed about 7 of the van's 95 parts in the middle of the
// screen, and the add-part list at 720 dp 7 parts.
func listDialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(min(s.Width*0.96, 640), min(s.Height*0.94, 1200))
}

// later runs f on the UI goroutine after d (paneAfter), for the panes
// that hold the terminal as their host.
func (t *Terminal) later(d time.Duration, f func()) func() bool { return t.paneAfter(d, f) }

// Title is the window title.
func Title() string { return lang.X("app.title", "Fieldbench") }

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// addShortcuts gives a desktop keyboard the common tasks: Ctrl+F search,
// Ctrl+N check in, Ctrl+P print the open ticket's labels, Ctrl+1/2/3 the
// pages, Ctrl+R (or F5 with nothing focused) sync now, Ctrl+Enter submit the
// form in front.
func (t *Terminal) addShortcuts(c fyne.Canvas) {
	ctrl := fyne.KeyModifierShortcutDefault
	t.shortcuts = map[string]func(){}
	// The canvas gets a shortcut only while no entry has the focus; our
	// entries pass the same ones on (scanEntry.TypedShortcut).
	add := func(key fyne.KeyName, fn func()) {
		s := &desktop.CustomShortcut{KeyName: key, Modifier: ctrl}
		t.shortcuts[s.ShortcutName()] = fn
		c.AddShortcut(s, func(fyne.Shortcut) { fn() })
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
	// Ctrl+Enter submits the form in front as it stands, where Enter
	// would move on to a field still needed (Terminal.enter).
	add(fyne.KeyReturn, t.submit)
	add(fyne.KeyEnter, t.submit)
	for i, key := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3} {
		add(key, func() {
			if i < len(t.tabs.Items) {
				t.tabs.SelectIndex(i)
			}
		})
	}
}

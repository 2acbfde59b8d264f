package ui

import (
	"context"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// FirstRunActions is what the first-run screen can do.
type FirstRunActions struct {
	// Pair exchanges a pairing code for this device's account on the
	// server, pinning the certificate with the SHA-256 fingerprint when
	// there is one ("" for an address typed by hand); it runs off the UI
	// goroutine.
	Pair func(ctx context.Context, server, code, fingerprint string) error
	// Demo, if set, offers to open the demo instead.
	Demo func()
	// Done runs on the UI goroutine after pairing succeeded.
	Done func()
	// Run runs the pairing off the UI goroutine (default: a goroutine;
	// tests run it inline).
	Run func(func())
}

// FirstRun is the screen of a device not paired yet: the server's address
// and the administrator's one-time code, typed or scanned from the pairing
// QR Code (by a hardware scanner, or from a photo of it), or the demo; and
// the language.
type FirstRun struct {
	ctx     context.Context
	actions FirstRunActions
	server  *scanEntry
	code    *scanEntry
	pair    *widget.Button
	// demo opens the demo; nil when the build has none. It is disabled
	// while a pairing is under way: the pairing, once done, would open
	// the paired device over the demo.
	demo *widget.Button
	// language is disabled while a pairing is under way too: a language
	// chosen builds the screen again, its buttons enabled under the
	// pairing.
	language *scanSelect
	problem  *widget.Label
	root     fyne.CanvasObject
	wedge    *scanner.KeyboardWedge
	win      fyne.Window // set by Attach
	// scanned is the pairing QR Code last scanned: its fingerprint is
	// pinned while the server field still holds its address.
	scanned scanner.Meaning
}

// NewFirstRun builds the screen.
func NewFirstRun(ctx context.Context, actions FirstRunActions) *FirstRun {
	if actions.Run == nil {
		actions.Run = func(f func()) { go f() }
	}
	f := &FirstRun{ctx: ctx, actions: actions, wedge: scanner.NewKeyboardWedge(0, 0)}
	keys := &wedgeKeys{wedge: f.wedge, now: timeNow}
	f.wedge.Listen(func(s scanner.Scan) { fyne.Do(func() { f.scan(s.Code.Text) }) })
	context.AfterFunc(ctx, func() { f.wedge.Listen(nil) })

	title := widget.NewLabel(lang.X("firstrun.title", "Welcome to Fieldbench"))
	title.SizeName = "headingText"
	title.TextStyle.Bold = true
	intro := wrapLabel(lang.X("firstrun.intro", "Pair this device with your company's service: scan the pairing QR Code your administrator gave you, or type its address and code."))
	f.server = newScanEntry(keys)
	f.server.SetPlaceHolder("https://service.example.com")
	f.code = newScanEntry(keys)
	f.code.SetPlaceHolder("XXXX-XXXX-XXXX")
	f.code.OnSubmitted = func(string) { f.submit() }
	f.pair = widget.NewButton(lang.X("firstrun.pair", "Pair this device"), f.submit)
	f.pair.Importance = widget.HighImportance
	f.problem = wrapLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()

	language := languageSelect(keys)
	f.language = language
	language.OnChanged = func(string) {
		if i := language.SelectedIndex(); i >= 0 && Languages[i].Code != languageInEffect {
			f.useLanguage(Languages[i].Code)
		}
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.X("settings.server", "Server"), f.server),
		widget.NewFormItem(lang.X("firstrun.code", "Pairing code"), f.code),
		widget.NewFormItem(lang.X("settings.language", "Language"), language),
	)
	box := container.NewVBox(title, intro, fitForm(form), f.problem, container.NewHBox(layout.NewSpacer(), f.pair))
	if actions.Demo != nil {
		f.demo = widget.NewButton(lang.X("firstrun.demo", "Try the demo instead"), actions.Demo)
		box.Add(widget.NewSeparator())
		box.Add(wrapLabel(lang.X("firstrun.demo_hint", "The demo runs a small service on this device with sample tickets, parts and warranty rules.")))
		box.Add(container.NewHBox(f.demo))
	}
	f.root = wheelPage(container.NewVScroll(container.NewPadded(container.New(maxWidth{560}, box))))
	return f
}

// timeNow is the wedge's clock on the first-run screen.
var timeNow = time.Now

// Object is the screen's root.
func (f *FirstRun) Object() fyne.CanvasObject { return f.root }

// Attach lets a hardware scanner's burst reach the screen when nothing has
// the focus.
func (f *FirstRun) Attach(w fyne.Window) {
	f.win = w
	keys := &wedgeKeys{wedge: f.wedge, now: timeNow}
	w.Canvas().SetOnTypedRune(func(r rune) { keys.rune(r) })
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { keys.enter(ev, nil) })
}

// useLanguage shows the screen again in the language chosen at once (no
// work to lose yet), keeping what was typed, and remembers the choice.
func (f *FirstRun) useLanguage(code string) {
	if a := fyne.CurrentApp(); a != nil {
		a.Preferences().SetString(LanguagePreference, code)
	}
	if err := useLanguage(code); err != nil {
		f.showProblem(errorText(err))
		return
	}
	if f.win == nil {
		return
	}
	n := NewFirstRun(f.ctx, f.actions)
	n.Fill(f.server.Text, f.code.Text)
	n.scanned = f.scanned
	f.wedge.Listen(nil)
	f.win.SetContent(n.Object())
	n.Attach(f.win)
}

// Scanned fills the form from a scanned pairing QR Code's text.
func (f *FirstRun) Scanned(text string) { f.scan(text) }

func (f *FirstRun) scan(text string) {
	m, err := scanner.Interpret(text, nil, timeNow())
	if err == nil && m.Kind != scanner.ScanPairing {
		err = app.Errorf(app.EINVALID, "firstrun.not_pairing", "That is not a pairing code. Scan the QR Code your administrator gave you.")
	}
	if err != nil {
		f.showProblem(errorText(err))
		return
	}
	f.problem.Hide()
	f.scanned = m
	if m.PairServer != "" {
		f.server.SetText(m.PairServer)
	}
	f.code.SetText(m.PairCode)
	f.submit()
}

// Fill types the server and code, for tests.
func (f *FirstRun) Fill(server, code string) {
	f.server.SetText(server)
	f.code.SetText(code)
}

// Submit presses Pair.
func (f *FirstRun) Submit() { f.submit() }

// Problem is the error shown, "" when none.
func (f *FirstRun) Problem() string {
	if !f.problem.Visible() {
		return ""
	}
	return f.problem.Text
}

func (f *FirstRun) showProblem(text string) {
	f.problem.SetText(text)
	f.problem.Show()
}

func (f *FirstRun) submit() {
	if f.pair.Disabled() {
		// A pairing is under way; Enter in the code field or a scanned
		// pairing QR Code would start a second one beside it.
		return
	}
	server := strings.TrimRight(strings.TrimSpace(f.server.Text), "/")
	code := strings.ToUpper(strings.TrimSpace(f.code.Text))
	if u, err := url.Parse(server); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		f.showProblem(lang.X("firstrun.bad_server", "Type the server's address as your administrator gave it, starting with https://."))
		return
	}
	if len(strings.ReplaceAll(code, "-", "")) != 12 {
		f.showProblem(lang.X("firstrun.bad_code", "A pairing code has 12 letters and digits, like ABCD-EFGH-JKLM."))
		return
	}
	f.problem.Hide()
	f.pair.Disable()
	f.pair.SetText(lang.X("firstrun.pairing", "Pairing…"))
	f.language.Disable()
	if f.demo != nil {
		f.demo.Disable()
	}
	fp := ""
	if f.scanned.PairFingerprint != "" && server == strings.TrimRight(f.scanned.PairServer, "/") {
		fp = f.scanned.PairFingerprint
	}
	f.actions.Run(func() {
		err := f.actions.Pair(f.ctx, server, code, fp)
		fyne.Do(func() {
			f.pair.Enable()
			f.pair.SetText(lang.X("firstrun.pair", "Pair this device"))
			f.language.Enable()
			if f.demo != nil {
				f.demo.Enable()
			}
			if err != nil {
				f.showProblem(pairProblem(server, err))
				return
			}
			if f.actions.Done != nil {
				f.actions.Done()
			}
		})
	})
}

// maxWidth lays its objects out in a column at most w wide, centred.
type maxWidth struct{ w float32 }

func (m maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, m.w)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (m maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(min(s.Width, m.w), s.Height)
}

// pairProblem is what a failed pairing says. Offline, the sync's own
// words ("Your work is saved on this device and will be sent when the
// connection is back") told a technician with nothing saved yet to wait;
// what helps before pairing is the address typed and the connection.
func pairProblem(server string, err error) string {
	if app.ErrorCode(err) == app.EOFFLINE {
		return lang.X("firstrun.unreachable", "Cannot reach {{.Server}}. Check the address and this device's connection (Wi-Fi or mobile data), then pair again.", map[string]any{"Server": server})
	}
	return errorText(err)
}

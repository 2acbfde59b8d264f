package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/scanner"
)

// A hardware scanner in keyboard mode types into whatever has the focus.
// Fyne gives the window's key events to the focused widget, and to the
// canvas only when nothing is focused; there is no hook that sees every
// key. So every widget of ours that takes keys feeds them to one
// scanner.KeyboardWedge first: the entries (scanEntry), the ticket list
// (scanList), the drop-downs (scanSelect), the tick boxes (scanCheck) and
// the canvas itself (Terminal.Attach). When a burst ends in Enter as a
// scan, the widget drops the Enter and takes the burst's characters back
// out of its text. A widget that took the focus and fed nothing to the
// wedge would swallow every scan silently: a drop-down keeps the focus
// after its menu closes, so the scan right after choosing a product
// category, a view or a sort went nowhere. Fyne's radio and check groups
// focus items of their own that cannot be wrapped, so the screens use
// drop-downs and single tick boxes instead.

// wedgeKeys is the shared wedge and its clock, and the shell that takes
// the keys a focused field has no use for.
type wedgeKeys struct {
	wedge *scanner.KeyboardWedge
	now   func() time.Time
	// shell is the terminal; nil on the first-run screen, which has no
	// dialogs or pages.
	shell keyShell
}

// keyShell is what the terminal does with keys the focused field passes
// on. A focused entry gets every key and shortcut first and Fyne does not
// pass on those it ignores, so our entries hand them over themselves.
type keyShell interface {
	// escape closes the top dialog; false when there is none.
	escape() bool
	// enter is Enter pressed in from (nil when nothing has the focus):
	// the top dialog's form moves on to a field it still needs, or
	// submits; false when the dialog has no form.
	enter(from fyne.CanvasObject) bool
	// shortcut runs a page shortcut (Ctrl+1 …); false when s is not one.
	shortcut(s fyne.Shortcut) bool
}

func (k *wedgeKeys) rune(r rune) bool {
	return k.runeAt(r, k.now())
}

func (k *wedgeKeys) runeAt(r rune, at time.Time) bool {
	if k == nil || k.wedge == nil {
		return false
	}
	return k.wedge.Rune(r, at)
}

// looseKeys are the keys typed with nothing focused since the last Enter.
// On a busy device a scanner's keys reach the UI late and far apart; the
// wedge takes them for typing, and with no field to hold them the code
// was lost without a word: parts scanned out of a parcel in the receipt
// dialog, where nothing has the focus, were not counted, and the scan bar
// said nothing. Nobody types text into no field, so Enter after such
// keys reads them as a code typed (looseKeys.take).
type looseKeys struct {
	buf  []rune
	last time.Time
}

const (
	// maxLooseKeys bounds the keys kept: longer than any code a scan
	// takes (a GS1 label's data is at most 90 characters).
	maxLooseKeys = 256
	// looseKeysPause ends what looseKeys keeps: a busy device hands a
	// burst over in runs a few hundred milliseconds apart; a second
	// without a key is someone who pressed a key by mistake and went on.
	looseKeysPause = time.Second
)

func (l *looseKeys) add(r rune, at time.Time) {
	if at.Sub(l.last) > looseKeysPause || len(l.buf) >= maxLooseKeys {
		l.buf = l.buf[:0]
	}
	l.buf = append(l.buf, r)
	l.last = at
}

func (l *looseKeys) reset() { l.buf = l.buf[:0] }

// take returns the keys kept as a code when Enter at at ends them, and
// forgets them; "" when they are fewer than a scan's shortest code or
// Enter came after a pause.
func (l *looseKeys) take(at time.Time) string {
	defer l.reset()
	if len(l.buf) < scanner.DefaultWedgeMinLen || at.Sub(l.last) > looseKeysPause {
		return ""
	}
	return string(l.buf)
}

// enter passes Enter to the wedge; taken runs when it ends a scan, before
// the scan acts, with the keys of the burst typed before the scan.
func (k *wedgeKeys) enter(ev *fyne.KeyEvent, taken func(typed string)) bool {
	if k == nil || k.wedge == nil || (ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter) {
		return false
	}
	return k.wedge.Enter(k.now(), taken)
}

// enterLabel passes Enter, when it ends text that ends in a Fieldbench
// label, to the wedge as a scan whatever the key timing; taken gets the
// text before the label.
func (k *wedgeKeys) enterLabel(ev *fyne.KeyEvent, text string, taken func(before string)) bool {
	if k == nil || k.wedge == nil || (ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter) {
		return false
	}
	return k.wedge.EnterLabel(text, k.now(), taken)
}

// toShell gives Escape, and Enter when the field submits nothing itself,
// to the shell; from is the field the key was typed in (nil for none). It
// reports whether the shell took the key.
func (k *wedgeKeys) toShell(ev *fyne.KeyEvent, from fyne.CanvasObject, enterSubmits bool) bool {
	if k == nil || k.shell == nil {
		return false
	}
	switch ev.Name {
	case fyne.KeyEscape:
		return k.shell.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		return enterSubmits && k.shell.enter(from)
	}
	return false
}

// shortcut hands a shortcut to the shell; it reports whether the shell
// took it.
func (k *wedgeKeys) shortcut(s fyne.Shortcut) bool {
	return k != nil && k.shell != nil && k.shell.shortcut(s)
}

// editKeys edit or move in an entry's text without typing a character.
var editKeys = map[fyne.KeyName]bool{
	fyne.KeyBackspace: true, fyne.KeyDelete: true, fyne.KeyLeft: true, fyne.KeyRight: true, fyne.KeyUp: true,
	fyne.KeyDown: true, fyne.KeyHome: true, fyne.KeyEnd: true, fyne.KeyPageUp: true, fyne.KeyPageDown: true,
}

// scanEntry is the Entry of every form: a scanner's burst typed into it
// becomes a scan, and its text is left as it was.
type scanEntry struct {
	widget.Entry
	keys *wedgeKeys
	// beforeBurst is the text when the current burst of keys began.
	beforeBurst string
	// problem shows what is wrong with the text; nil unless withProblem
	// built the entry into a dialog.
	problem *widget.Label
	// renderer is the entry's own, kept for its text's scroller
	// (ownScroll); nil until the entry is first drawn.
	renderer fyne.WidgetRenderer
	// keptElsewhere is set on a dialog's field whose typing lives on
	// where the dialog closes (Complete's diagnosis, mirrored on the
	// diagnosis card): leaving the dialog loses none of it, so it is
	// not asked about (leaveTyped).
	keptElsewhere bool
}

func newScanEntry(keys *wedgeKeys) *scanEntry {
	e := &scanEntry{keys: keys}
	e.ExtendBaseWidget(e)
	return e
}

// plainEntry is an Entry whose text a scanner may type as text (a
// courier's tracking number, scanned off its label, is the field's
// value, not a part to look up) and that gives Escape to the shell, as a
// scanEntry does: a focused plain widget.Entry kept Escape, and its
// dialog ignored it.
type plainEntry struct {
	widget.Entry
	keys *wedgeKeys
}

func newPlainEntry(keys *wedgeKeys) *plainEntry {
	e := &plainEntry{keys: keys}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Escape to the shell, or is an ordinary key.
func (e *plainEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.keys.toShell(ev, e, false) {
		return
	}
	e.Entry.TypedKey(ev)
}

// newScanMultiLineEntry is a scanEntry for text of several lines, where
// Enter breaks the line.
func newScanMultiLineEntry(keys *wedgeKeys) *scanEntry {
	e := newScanEntry(keys)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// AcceptsTab is false, also for text of several lines, so that Tab (and
// Shift+Tab) moves the focus as in any other field: Fyne's multi-line
// entry took it and typed a tab into the text, which left a keyboard
// stuck in the check-in's fault, the fields after it out of reach but
// by the mouse, and a tab in the saved fault. No text here wants one.
func (e *scanEntry) AcceptsTab() bool { return false }

// TypedRune passes the key to the wedge, then to the entry.
func (e *scanEntry) TypedRune(r rune) {
	if e.keys.rune(r) {
		e.beforeBurst = e.Text
	}
	e.Entry.TypedRune(r)
}

// TypedKey ends a scan on Enter, or is an ordinary key.
func (e *scanEntry) TypedKey(ev *fyne.KeyEvent) {
	// The scan's characters come out before the scan acts: it may fill
	// this very field. What was typed in the burst before the scan stays.
	if e.keys.enter(ev, func(typed string) { e.SetText(e.beforeBurst + typed) }) {
		return
	}
	// Keys handed over late by a busy UI look typed; a label is a scan
	// all the same.
	if e.keys.enterLabel(ev, e.Text, e.SetText) {
		return
	}
	// A field with its own OnSubmitted (the search box) or lines to break
	// keeps its Enter; the fields of a form give it to the form, which
	// moves on or submits (Terminal.enter).
	if e.keys.toShell(ev, e, !e.MultiLine && e.OnSubmitted == nil) {
		return
	}
	// A key that edits or moves in the text (Backspace, an arrow)
	// changes it where the burst's keys do not say: the burst starts
	// again after it, so that a scan takes back only its own characters.
	// No scanner sends such keys inside a code. (Fyne hands every key
	// here, a character's too, besides TypedRune.)
	if editKeys[ev.Name] && e.keys != nil && e.keys.wedge != nil {
		e.keys.wedge.Reset()
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut runs the terminal's page shortcuts even while the entry
// has the focus; the entry keeps its own (copy, paste, undo …).
func (e *scanEntry) TypedShortcut(s fyne.Shortcut) {
	if e.keys.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// withProblem is the entry for a dialog's form, with room under it for
// what is wrong (showProblem). Not Fyne's validation: a form disables its
// confirm button on a validation error and marks every valid field with a
// tick, while our checks run on confirm, in the domain's words.
func (e *scanEntry) withProblem() fyne.CanvasObject {
	e.problem = widget.NewLabel("")
	e.problem.Importance = widget.DangerImportance
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Hide()
	return container.NewVBox(e, e.problem)
}

// showProblem says under the entry (built withProblem) what is wrong,
// until its text changes.
func (e *scanEntry) showProblem(err error) {
	if e.problem == nil {
		return
	}
	e.problem.SetText(errorText(err))
	e.problem.Show()
	changed := e.OnChanged
	e.OnChanged = func(s string) {
		e.problem.SetText("")
		e.problem.Hide()
		e.OnChanged = changed
		if changed != nil {
			changed(s)
		}
	}
}

// FocusLost forgets a burst in progress: its keys went elsewhere.
func (e *scanEntry) FocusLost() {
	if e.keys != nil && e.keys.wedge != nil {
		e.keys.wedge.Reset()
	}
	e.Entry.FocusLost()
}

// scanList is the ticket list: tapping a row focuses it on desktops, and a
// scan must still reach the wedge then.
type scanList struct {
	widget.List
	keys *wedgeKeys
}

func newScanList(keys *wedgeKeys, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *scanList {
	l := &scanList{keys: keys}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedRune feeds the wedge; a list has no use for letters.
func (l *scanList) TypedRune(r rune) {
	l.keys.rune(r)
	l.List.TypedRune(r)
}

// TypedKey ends a scan on Enter, or moves the selection as usual.
func (l *scanList) TypedKey(ev *fyne.KeyEvent) {
	if l.keys.enter(ev, nil) {
		return
	}
	l.List.TypedKey(ev)
}

// scanSelect is a drop-down. A tap focuses it on desktops, and it keeps
// the focus when its menu closes: a scan must still reach the wedge.
type scanSelect struct {
	widget.Select
	keys *wedgeKeys
	// openOnEnter: Enter opens the list while nothing is chosen, where it
	// would move on to the next field. For a choice a form cannot do
	// without and that has no default (the check-in's product): a clerk
	// pressing Enter from field to field passed it by and learnt only at
	// the submit that it was needed (lead's Spanish counter walk).
	openOnEnter bool
}

func newScanSelect(keys *wedgeKeys, options []string, changed func(string)) *scanSelect {
	s := &scanSelect{keys: keys}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedRune feeds the wedge; a drop-down has no use for letters.
func (s *scanSelect) TypedRune(r rune) {
	s.keys.rune(r)
	s.Select.TypedRune(r)
}

// TypedKey ends a scan on Enter; Escape and Enter go to the dialog.
func (s *scanSelect) TypedKey(ev *fyne.KeyEvent) {
	if s.keys.enter(ev, nil) {
		return
	}
	if s.openOnEnter && s.SelectedIndex() < 0 && (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) {
		s.Select.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) // Select opens its list on Space
		return
	}
	if s.keys.toShell(ev, s, true) {
		return
	}
	s.Select.TypedKey(ev)
}

// scanCheck is a tick box, focused by a tap on desktops like scanSelect.
type scanCheck struct {
	widget.Check
	keys *wedgeKeys
	// beforeBurst is the box's state when the current burst began: a
	// space in a scanned code toggles it.
	beforeBurst bool
}

func newScanCheck(keys *wedgeKeys, label string) *scanCheck {
	c := &scanCheck{keys: keys}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedRune feeds the wedge, then the box (a space toggles it).
func (c *scanCheck) TypedRune(r rune) {
	if c.keys.rune(r) {
		c.beforeBurst = c.Checked
	}
	c.Check.TypedRune(r)
}

// TypedKey ends a scan on Enter, leaving the box as it was; Escape and
// Enter go to the dialog.
func (c *scanCheck) TypedKey(ev *fyne.KeyEvent) {
	if c.keys.enter(ev, func(typed string) { c.SetChecked(c.beforeBurst != (strings.Count(typed, " ")%2 == 1)) }) || c.keys.toShell(ev, c, true) {
		return
	}
	c.Check.TypedKey(ev)
}

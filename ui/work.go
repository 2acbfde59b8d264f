package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// This file is what the ticket's cards (card_*.go) ask of the terminal:
// saving, dialogs, part picking and attaching photos. Every change is one
// named mutation through Deps.Commit: saved on the device at once, sent by
// sync.

// commit saves cmd in the background, then reloads the ticket and the
// list. done, if set, runs on the UI goroutine after a successful save. A
// workflow step's new state shows at once, before the reload: that reads
// the ticket back from the store, which may wait behind a sync writing to
// it.
func (t *Terminal) commit(cmd app.Command, done func()) {
	t.commitInTurn([]app.Command{cmd}, done)
}

// commitInTurn saves cmds in their order in one background task, each
// pushed after what it names, and stops at the first refused; done runs
// once all are saved. The ticket shown is read again once, after the
// last: a signed answer (its picture, signature and answer) read it after
// each, and under load showed the answer's button seconds after the
// answer was given.
func (t *Terminal) commitInTurn(cmds []app.Command, done func()) {
	if t.deps.Commit == nil {
		return
	}
	id := t.detail.shown
	t.deps.Run(func() {
		saved := 0
		var err error
		for _, cmd := range cmds {
			if _, err = t.deps.Commit.Commit(t.ctx, t.deps.Actor, cmd); err != nil {
				break
			}
			saved++
		}
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				if saved > 0 {
					t.sync.refresh() // what was saved before the refusal
				}
				if id != "" {
					// The ticket as the store holds it: a signed answer
					// shows before it is saved (approveSigned).
					t.detail.Show(id)
				}
				return
			}
			// What the saves changed shows at once, not when the reload
			// below reads it back: under load that took seconds.
			for _, cmd := range cmds {
				switch c := cmd.(type) {
				case *app.TransitionTicket:
					t.detail.applyTransition(c)
				case *app.DecideEstimate:
					t.detail.applyDecision(c, t.deps.Now())
				}
			}
			if done != nil {
				done()
			}
			t.showStatus(statusWaitsForSync, t.sync.savedText())
			t.sync.refresh()
			if id != "" {
				// Work saved with no ticket open (a parcel received, a
				// return shipped) has no ticket to reload.
				t.detail.Show(id)
			}
			t.list.Reload()
		})
	})
}

// showError tells the user what went wrong and what to do, in a dialog.
// Not in the status line as well: there it stayed red after the dialog
// closed and the problem was fixed. Without a window the status line is
// all there is.
func (t *Terminal) showError(err error) {
	t.showProblem(lang.X("error.title", "Not saved"), err)
}

// showProblem is showError under another title, for what went wrong
// without losing anything (a document that saved but cannot be opened).
func (t *Terminal) showProblem(title string, err error) {
	if t.win == nil {
		t.setScanStatus(true, errorText(err))
		return
	}
	l := widget.NewLabel(breakable(errorText(err)))
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, lang.X("dialog.close", "Close"), l, t.win)
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
	t.present(d, nil)
}

// ask shows a small form and runs ok with it when confirmed.
func (t *Terminal) ask(title, confirm string, items []*widget.FormItem, ok func() error) {
	t.askWith(title, confirm, lang.X("dialog.cancel", "Cancel"), items, ok)
}

// askWith is ask whose dismiss button says keep: beside "Cancel ticket",
// a bare "Cancel" would be read as the same thing.
func (t *Terminal) askWith(title, confirm, keep string, items []*widget.FormItem, ok func() error) {
	t.askKept(title, confirm, keep, items, ok, nil)
}

// askKept is askWith for a form whose typing is kept as a draft:
// discarded runs when the user, asked as they leave the form, discards
// what was typed, to put the draft back as the form opened with it.
//
// The form scrolls between the title and the buttons, and the dialog is
// never taller than the window: Fyne's form dialog (dialog.NewForm) does
// not scroll, and on a short window (a phone held sideways at a large
// text scale) it was cut to the window with the form's last rows drawn
// under its buttons, out of reach [2.7.1].
//
// Escape or the dismiss button on a form typed into since it opened asks
// before the typing goes (leaveTyped): three lines of a repair log went
// without a word at a stray Escape.
func (t *Terminal) askKept(title, confirm, keep string, items []*widget.FormItem, ok func() error, discarded func()) {
	t.askForm(title, confirm, keep, items, ok, discarded, false)
}

// askDanger is askWith for a form that confirms what cannot be taken
// back (withdrawing a part request): its confirming button is red, as a
// confirmation of such a step is (confirmAction).
func (t *Terminal) askDanger(title, confirm, keep string, items []*widget.FormItem, ok func() error) {
	t.askForm(title, confirm, keep, items, ok, nil, true)
}

// askForm is askKept, its confirming button red when danger.
func (t *Terminal) askForm(title, confirm, keep string, items []*widget.FormItem, ok func() error, discarded func(), danger bool) {
	if t.win == nil {
		return
	}
	page := container.NewVScroll(fitForm(widget.NewForm(items...)))
	fit := &windowHigh{canvas: t.win.Canvas(), page: page}
	body := container.New(fit, wheelPage(page))
	var fields []*scanEntry
	var pads []*signPad
	for _, it := range items {
		fields, pads = typingFields(it.Widget, fields, pads)
	}
	typed := func() string { return fieldsText(fields) + padsText(pads) }
	openedFields, openedWith := fieldsText(fields), typed()
	var d *confirmDialog
	// leaving is set while the form closes for good (Discard answered,
	// or nothing typed): the close is not asked about again.
	leaving := false
	closeNow := func() {
		leaving = true
		d.Hide()
		leaving = false
	}
	leave := func() {
		t.leaveForm(typed() != openedWith, closeNow, func() {
			closeNow()
			if discarded != nil {
				discarded()
			}
		})
	}
	show := func() { t.presentForm(d, d.Confirm, nil, leave) }
	d = newConfirmDialog(title, confirm, keep, body, func(yes bool) {
		if !yes {
			if leaving || typed() == openedWith {
				return
			}
			// The dismiss button: Fyne has closed the form by now. It
			// shows again, the typing in the field it was in, and asks.
			show()
			if f := changedField(fields, openedFields); f != nil {
				t.win.Canvas().Focus(f)
			}
			leave()
			return
		}
		// Fyne has closed the form by now: a refusal shows it again,
		// with what was typed, rather than lose the typing to an error
		// box.
		var fe *fieldError
		switch err := ok(); {
		case err == nil:
			return
		case errors.As(err, &fe):
			fe.field.showProblem(fe.err)
		case errors.Is(err, errShown):
		default:
			t.showError(err)
			return
		}
		show()
		if fe != nil {
			t.win.Canvas().Focus(fe.field)
		}
	}, t.win)
	if danger {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	fit.refit = d.Refresh
	// The title, the buttons and the dialog's padding around the form.
	fit.around = d.MinSize().Height - body.MinSize().Height
	d.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.96, 560), 0))
	show()
	// The first field takes the typing at once, as the check-in's and the
	// part picker's do, when it waits for it: an empty one. A field typed
	// into already (an amount) or a choice is left for the user to pick.
	if len(items) > 0 {
		if e := emptyField(items[0].Widget); e != nil {
			t.win.Canvas().Focus(e)
		}
	}
}

// leaveTyped is how every form closes on Escape or its Cancel: at once
// (close) when nothing was typed since it opened, else after asking,
// Discard (red, runs discard) or Keep editing (the form stays as it is),
// under title and text. The check-in's form and askWith's dialogs leave
// through it.
func leaveTyped(confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func()), typed bool, title, text string, close, discard func()) {
	if !typed || confirm == nil {
		close()
		return
	}
	confirm(title, text, lang.X("dialog.discard", "Discard"), lang.X("dialog.keep_editing", "Keep editing"), true, discard)
}

// leaveForm is leaveTyped for a form of the terminal's, in its words.
func (t *Terminal) leaveForm(typed bool, close, discard func()) {
	leaveTyped(t.confirm, typed, lang.X("dialog.discard_title", "Discard what you typed?"),
		lang.X("dialog.discard_text", "What you typed in this form is lost. To keep it, go back and save it."), close, discard)
}

// typingFields appends to fields the text fields o is or holds
// (withProblem's box, a row of fields), and to pads its signature pads:
// what a user types or draws into a form and loses with it, so not the
// fields keptElsewhere.
func typingFields(o fyne.CanvasObject, fields []*scanEntry, pads []*signPad) ([]*scanEntry, []*signPad) {
	switch o := o.(type) {
	case *scanEntry:
		if !o.keptElsewhere {
			fields = append(fields, o)
		}
	case *signPad:
		pads = append(pads, o)
	case *fyne.Container:
		for _, c := range o.Objects {
			fields, pads = typingFields(c, fields, pads)
		}
	}
	return fields, pads
}

// padsText is what pads hold, as fieldsText: a pad's count of strokes.
func padsText(pads []*signPad) string {
	var b strings.Builder
	for _, p := range pads {
		fmt.Fprint(&b, len(p.Strokes()), " ")
	}
	return b.String()
}

// fieldsText is what fields hold, a field's text a line: the same before
// and after means nothing was typed between.
func fieldsText(fields []*scanEntry) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f.Text)
		b.WriteByte(0)
	}
	return b.String()
}

// changedField is the first of fields whose text differs from what it
// held when fieldsText gave was; nil when none does.
func changedField(fields []*scanEntry, was string) *scanEntry {
	before := strings.Split(was, "\x00")
	for i, f := range fields {
		if i >= len(before) || f.Text != before[i] {
			return f
		}
	}
	return nil
}

// emptyField is the empty field o is or holds (withProblem's box), nil if
// none.
func emptyField(o fyne.CanvasObject) *scanEntry {
	switch o := o.(type) {
	case *scanEntry:
		if o.Text == "" && !o.Disabled() {
			return o
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if e := emptyField(c); e != nil {
				return e
			}
		}
	}
	return nil
}

// windowHigh lays out a dialog's scrolled content as high as it wants,
// up to what the window leaves it around the dialog's title and buttons.
// A form that shrinks while open (Complete's checklist, shorter once a
// resolution is chosen or a repair logged) makes the dialog shorter with
// it: it kept its tallest height once and showed the form's end as a
// blank band, on a phone a third of the dialog. Fyne centres a dialog by
// its size, so its buttons then move up by half what the form lost
// [2.7.1]; the content's height is measured at the width it is laid out
// at, as wrapping labels are a word a line when narrower.
type windowHigh struct {
	canvas fyne.Canvas
	page   *container.Scroll
	around float32 // the dialog's height besides the content
	// refit lays the whole dialog out again, run (queued by fyne.Do)
	// when the form's height changed: the desktop driver re-centred a
	// shrunk dialog but left its buttons where the taller one had them,
	// below its end [2.7.1, seen under Xvfb]. wanted is the form's
	// height as last measured. The UI goroutine's.
	refit  func()
	wanted float32
}

func (l *windowHigh) MinSize(objects []fyne.CanvasObject) fyne.Size {
	want := l.page.Content.MinSize()
	if want.Height != l.wanted {
		was := l.wanted
		l.wanted = want.Height // before refit, which measures again
		if was != 0 && l.refit != nil {
			fyne.Do(l.refit)
		}
	}
	// A margin of the theme's padding above and below the dialog, so it
	// reads as a dialog and not as the page. A window made shorter (a
	// phone turned) still bounds it.
	room := l.canvas.Size().Height - l.around - 4*theme.Padding()
	return fyne.NewSize(want.Width, max(min(want.Height, room), l.page.MinSize().Height))
}

func (l *windowHigh) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// confirm asks before an action that cannot be taken back.
func (t *Terminal) confirm(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
	confirmAction(t, title, message, doLabel, keepLabel, destructive, ok)
}

// detailChanged lets the memory trimmer know the detail pane was rebuilt.
func (t *Terminal) detailChanged() { t.trimmer.changed() }

// fieldError refuses a dialog's form for one field: the form stays open
// and shows err under the field (built withProblem).
type fieldError struct {
	field *scanEntry
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// errShown refuses a dialog's form whose content already says why (the
// Complete checklist): the form stays open and nothing more is said.
var errShown = errors.New("refused: the dialog says why")

func actionText(a app.Action) string {
	switch a {
	case app.ActionDepart:
		return lang.X("action.depart", "On my way")
	case app.ActionArrive:
		return lang.X("action.arrive", "Arrived")
	case app.ActionStart:
		return lang.X("action.start", "Start work")
	case app.ActionWait:
		return lang.X("action.wait_parts", "Wait for parts")
	case app.ActionResume:
		return lang.X("action.resume", "Resume work")
	case app.ActionComplete:
		return lang.X("action.complete", "Complete")
	case app.ActionFail:
		return lang.X("action.fail", "Cannot complete")
	case app.ActionCancel:
		return lang.X("action.cancel", "Cancel ticket")
	case app.ActionClose:
		return lang.X("action.close", "Hand back and close")
	case app.ActionReopen:
		return lang.X("action.reopen", "Reopen")
	}
	return string(a)
}

func resolutionText(r app.Resolution) string {
	switch r {
	case app.ResolutionRepaired:
		return lang.X("resolution.repaired", "Repaired")
	case app.ResolutionReplaced:
		return lang.X("resolution.replaced", "Unit replaced")
	case app.ResolutionRefunded:
		return lang.X("resolution.refunded", "Refunded")
	case app.ResolutionNoFault:
		return lang.X("resolution.no_fault", "No fault found")
	case app.ResolutionAdjusted:
		return lang.X("resolution.adjusted", "Adjusted / advice given")
	case app.ResolutionNotRepaired:
		return lang.X("resolution.not_repaired", "Not repaired (quote declined)")
	}
	return string(r)
}

// partName is the part's name in the language the screens show
// (app.Part.NameFor).
func partName(p app.Part) string {
	return p.NameFor(Language())
}

func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(breakable(s))
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// browsePhoto lets the user choose a picture file, in the pictures folder
// when there is one, and gives its path.
func (t *Terminal) browsePhoto(got func(path string)) {
	if t.win == nil {
		return
	}
	d := newFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			t.showError(app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err))
			return
		}
		if rc == nil {
			return // cancelled
		}
		rc.Close()
		got(rc.URI().Path())
	}, t.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	if dir := picturesDir(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	showFileDialog(d, t.win)
}

// picturesDir is where a camera or phone sync puts pictures on this
// computer: ~/Pictures, or "" when there is none.
func picturesDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(home, "Pictures")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// AttachPhoto adds the photo at path to the open ticket, as a drop on its
// photos does; for tests and drops.
func (t *Terminal) AttachPhoto(path string) {
	tk, ok := t.detail.ticket()
	if !ok {
		return
	}
	t.attachPhoto(tk, filepath.Base(path), func() (io.ReadCloser, error) { return os.Open(path) })
}

// attachPhoto stores the photo on the device, shrunk and without its
// metadata (app.PhotoLibrary.ImportPhoto), and records it on the ticket.
// The original is kept on the device only when the settings ask for it.
func (t *Terminal) attachPhoto(tk app.Ticket, name string, open func() (io.ReadCloser, error)) {
	t.attachPhotoKind(tk, name, "repair", open)
}

// attachPhotoKind is attachPhoto for a photo of kind ("repair",
// "condition", …), captioned with its file name.
func (t *Terminal) attachPhotoKind(tk app.Ticket, name, kind string, open func() (io.ReadCloser, error)) {
	t.attachPhotoAs(tk, name, kind, open)
}

// attachPhotoAs is attachPhoto with the caption the user gave.
func (t *Terminal) attachPhotoAs(tk app.Ticket, caption, kind string, open func() (io.ReadCloser, error)) {
	t.deps.Run(func() {
		rc, err := open()
		if err != nil {
			fyne.Do(func() {
				t.showError(app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err))
			})
			return
		}
		f, err := t.deps.Photos.ImportPhoto(t.ctx, rc, keepOriginals())
		rc.Close()
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			t.commit(&app.AttachPhoto{Photo: app.Photo{ID: app.NewID(), Ticket: tk.ID, SHA256: f.SHA256, Size: f.Size, Mime: f.Mime, Caption: caption, Kind: kind}}, nil)
		})
	})
}

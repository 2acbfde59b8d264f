package ui

import (
	"bytes"
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
	"github.com/fieldbench/fieldbench/internal/signimg"
)

// ReportToSign is what the customer signs: the service report's digest
// (64 lower-case hex digits, computed from the report's data as the
// central service computes it) and its total as the report prints it.
type ReportToSign struct {
	Digest string
	Total  string
	// Amount is the total's value, nil without a warranty decision: the
	// sign-off shows it in the terminal's language, the language of the
	// person holding the screen, where Total is in the customer's, the
	// report's ("CNY 0.00" read on a Portuguese terminal).
	Amount *app.Money
	// Report is the report's canonical JSON, whose SHA-256 is Digest:
	// the signature carries it so the central service can check what was
	// signed against its own data.
	Report string
}

// signOffPossible reports whether the terminal can take a sign-off of
// ticket d: it knows how to build the report, keeps photos, may record
// work, and the ticket is not closed.
func (t *Terminal) signOffPossible(d app.TicketDetail) bool {
	return t.deps.ReportToSign != nil && t.deps.Photos != nil && t.deps.Commit != nil && d.Ticket.Status != app.StatusClosed
}

// openSignOff builds the ticket's report off the UI goroutine, then shows
// the sign-off for it. saved, when not nil, runs on the UI goroutine once
// the sign-off is saved in full (the signature and its filed report, or a
// refusal or absence), before the ticket reloads; never on Cancel or a
// failure.
func (t *Terminal) openSignOff(d app.TicketDetail, saved func()) {
	if !t.signOffPossible(d) || t.win == nil {
		return
	}
	t.deps.Run(func() {
		// The report of the ticket as saved now, which the filed report
		// is built from too, not as the screen last read it.
		fresh, err := t.deps.Tickets.TicketDetail(t.ctx, d.Ticket.ID)
		var r ReportToSign
		if err == nil {
			r, err = t.deps.ReportToSign(t.ctx, fresh)
		}
		if err == nil && !app.ValidDigest(r.Digest) {
			err = app.Errorf(app.EINTERNAL, "sign.bad_digest", "The service report could not be prepared for signing. Sync, then try again; tell support if it keeps happening.")
		}
		fyne.Do(func() {
			if err != nil {
				t.showError(err)
				return
			}
			s := newSignOff(t, d, r)
			s.saved = saved
			t.showSignOff(s)
		})
	})
}

// signOff is the sign-off page: what is signed, who signs, the pad, and
// the buttons to sign, to record a refusal or absence, or to start over.
type signOff struct {
	t      *Terminal
	detail app.TicketDetail
	report ReportToSign
	name   *scanEntry
	role   *scanSelect
	pad    *signPad
	sign   *widget.Button
	refuse *widget.Button
	clear  *widget.Button
	dialog dialog.Dialog
	// openedWith is typed as the sign-off opened.
	openedWith string
	// saved runs once the sign-off is saved (openSignOff); nil for none.
	saved func()
}

var signerRoles = []app.SignerRole{app.SignerCustomer, app.SignerRepresentative}

func signerRoleText(r app.SignerRole) string {
	if r == app.SignerRepresentative {
		return lang.X("sign.role.representative", "Their representative")
	}
	return lang.X("sign.role.customer", "Customer")
}

func newSignOff(t *Terminal, d app.TicketDetail, r ReportToSign) *signOff {
	s := &signOff{t: t, detail: d, report: r}
	s.name = newScanEntry(t.keys)
	s.name.SetText(d.Ticket.Customer.Name)
	s.name.SetPlaceHolder(lang.X("sign.name_hint", "Name of the person signing"))
	s.name.OnChanged = func(string) { s.update() }
	names := make([]string, len(signerRoles))
	for i, r := range signerRoles {
		names[i] = signerRoleText(r)
	}
	s.role = newScanSelect(t.keys, names, nil)
	s.role.SetSelectedIndex(0)
	s.pad = newSignPad(s.update)
	s.sign = widget.NewButtonWithIcon(lang.X("sign.sign", "Sign"), theme.ConfirmIcon(), s.record)
	s.sign.Importance = widget.HighImportance
	s.clear = widget.NewButtonWithIcon(lang.X("sign.clear", "Clear"), theme.ContentClearIcon(), s.pad.Clear)
	s.refuse = widget.NewButton(lang.X("sign.refuse", "Customer refuses or is absent"), s.askRefusal)
	s.update()
	return s
}

// update enables Sign once there is a signature and a name.
func (s *signOff) update() {
	if s.pad.Empty() || strings.TrimSpace(s.name.Text) == "" {
		s.sign.Disable()
	} else {
		s.sign.Enable()
	}
}

func (s *signOff) content() fyne.CanvasObject {
	tk := s.detail.Ticket
	short := s.report.Digest[:12]
	total := s.report.Total
	if s.report.Amount != nil {
		total = moneyText(*s.report.Amount)
	}
	what := widget.NewLabel(lang.X("sign.what", "Service report of ticket {{.Number}}, total {{.Total}}. Report code {{.Digest}}.",
		map[string]any{"Number": tk.Number, "Total": total, "Digest": short}))
	what.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.X("sign.name", "Signed by"), s.name),
		widget.NewFormItem(lang.X("sign.role", "As"), s.role),
	)
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), func() { s.leave() })
	// The refusal's text is long in every language: a row of its own.
	// Sign stands last, where every other dialog puts what it confirms,
	// and Cancel beside it, as there (it stood first, Cancel last).
	buttons := container.NewVBox(container.NewGridWithColumns(3, s.clear, cancel, s.sign), s.refuse)
	return container.NewBorder(container.NewVBox(what, fitForm(form)), buttons, nil, nil, s.pad)
}

func (t *Terminal) showSignOff(s *signOff) {
	d := dialog.NewCustomWithoutButtons(lang.X("sign.title", "Customer sign-off"), s.content(), t.win)
	s.dialog = d
	size := dialogSize(t.win)
	d.Resize(fyne.NewSize(size.Width, max(size.Height, 520)))
	t.signing = s
	s.openedWith = s.typed()
	t.presentForm(d, nil, nil, s.leave)
}

// leave closes the sign-off (Cancel, Escape), asking first when a name
// was typed or a signature drawn since it opened (leaveTyped): a
// customer's signature is not asked for twice lightly.
func (s *signOff) leave() {
	s.t.leaveForm(s.typed() != s.openedWith, s.dialog.Hide, s.dialog.Hide)
}

// typed is what the sign-off holds that a user typed or drew: the same
// before and after means nothing was.
func (s *signOff) typed() string {
	return fmt.Sprint(s.name.Text, "\x00", len(s.pad.Strokes()))
}

// record stores the signature's picture, then records it as a photo of
// kind "signature" and the signature that names it, in that order: the
// signature is never sent before its picture's record.
func (s *signOff) record() {
	strokes, err := app.EncodeStrokes(s.pad.Strokes())
	if err != nil {
		s.t.showError(err)
		return
	}
	tk := s.detail.Ticket
	// The time of signing and the technician are the device's: the
	// server applies the mutation later (days later, for a device
	// offline), as the device's account.
	sig := app.Signature{ID: app.NewID(), Ticket: tk.ID, Signer: strings.TrimSpace(s.name.Text), Role: signerRoles[max(s.role.SelectedIndex(), 0)],
		At: s.t.deps.Now().UTC(), By: s.t.deps.Actor.Name, Digest: s.report.Digest, Report: s.report.Report, Strokes: strokes, Photo: app.NewID()}
	if err := sig.Validate(); err != nil {
		s.t.showError(err) // before the picture is stored: nothing changes
		return
	}
	pic, err := signimg.PNG(s.pad.Strokes())
	if err != nil {
		s.t.showError(err)
		return
	}
	t := s.t
	t.deps.Run(func() {
		// Stored as made (PutPhoto, not ImportPhoto): the picture is
		// drawn here, small and without metadata, and must stay a PNG.
		sha, size, err := t.deps.Photos.PutPhoto(t.ctx, bytes.NewReader(pic))
		fyne.Do(func() {
			if err != nil {
				t.showError(err) // the sign-off stays open, its strokes kept
				return
			}
			s.dialog.Hide()
			photo := app.Photo{ID: sig.Photo, Ticket: tk.ID, SHA256: sha, Size: size, Mime: "image/png", Kind: "signature",
				Caption: lang.X("sign.caption", "Signature of {{.Name}}", map[string]any{"Name": sig.Signer})}
			t.commitInTurn([]app.Command{&app.AttachPhoto{Photo: photo}, &app.RecordSignature{Signature: sig}}, func() { t.fileSignedReport(tk.ID, s.saved) })
		})
	})
}

// fileSignedReport files the report just signed on the ticket, for the
// central service, off the UI goroutine, then runs saved (when not nil).
// A failure is shown and saved does not run: the signature stays
// recorded, and the report can be signed again.
func (t *Terminal) fileSignedReport(id app.TicketID, saved func()) {
	if t.deps.Documents == nil {
		if saved != nil {
			saved() // the signature's commit reloads the ticket next
		}
		return
	}
	// Writing the report with its photos takes seconds on a phone: the
	// sign-off had closed and nothing said why the close's question was
	// not there yet (walk4's Portuguese walk, 3 to 5 s), inviting a
	// second tap on Close visit.
	var wait *dialog.CustomDialog
	var bar *widget.ProgressBarInfinite
	if t.win != nil {
		bar = widget.NewProgressBarInfinite()
		wait = dialog.NewCustomWithoutButtons(lang.X("sign.title", "Customer sign-off"),
			container.NewVBox(widget.NewLabel(lang.X("sign.filing", "Filing the signed service report on the ticket…")), bar), t.win)
		t.present(wait, nil)
	}
	t.deps.Run(func() {
		err := t.deps.Documents.FileSignedReport(t.ctx, id)
		fyne.Do(func() {
			if wait != nil {
				bar.Stop()
				wait.Hide()
			}
			if err != nil {
				t.showError(err)
				return
			}
			if saved != nil {
				saved()
			}
			if t.detail.shown == id {
				t.detail.Show(id)
			}
		})
	})
}

// askRefusal asks whether the customer refused or was absent, and why,
// then, confirmed, records it: the report stays unsigned.
func (s *signOff) askRefusal() {
	kinds := []string{lang.X("sign.kind.refused", "Refused to sign"), lang.X("sign.kind.absent", "Nobody there to sign")}
	kind := newScanSelect(s.t.keys, kinds, nil)
	kind.SetSelectedIndex(0)
	reason := newScanEntry(s.t.keys)
	reason.SetPlaceHolder(lang.X("sign.reason_hint", "What happened: dispatch and the customer read this"))
	s.t.askWith(lang.X("sign.refuse", "Customer refuses or is absent"), lang.X("sign.record_refusal", "Record"), lang.X("dialog.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("sign.kind", "What happened"), kind),
		widget.NewFormItem(lang.X("action.reason", "Reason"), reason.withProblem()),
	}, func() error {
		sig := app.Signature{ID: app.NewID(), Ticket: s.detail.Ticket.ID, Signer: strings.TrimSpace(s.name.Text), Role: signerRoles[max(s.role.SelectedIndex(), 0)],
			At: s.t.deps.Now().UTC(), By: s.t.deps.Actor.Name, Digest: s.report.Digest, Report: s.report.Report, Refused: true, ReasonKind: app.NoSignRefused, Reason: strings.TrimSpace(reason.Text)}
		if kind.SelectedIndex() == 1 {
			sig.ReasonKind = app.NoSignAbsent
		}
		if err := sig.Validate(); err != nil {
			return &fieldError{reason, err}
		}
		s.t.confirm(lang.X("sign.refuse_title", "Record the report as not signed?"),
			lang.X("sign.refuse_confirm", "The report of ticket {{.Number}} stays unsigned, with your reason. A signature can still be taken later.", map[string]any{"Number": s.detail.Ticket.Number}),
			lang.X("sign.record_refusal", "Record"), lang.X("sign.keep_signing", "Back to signing"), false, func() {
				s.dialog.Hide()
				s.t.commit(&app.RecordSignature{Signature: sig}, s.saved)
			})
		return nil
	})
}

// signatureLine says how the ticket's report was last signed off: by
// whom and when, or why it was not; "" before any sign-off.
func signatureLine(zone *time.Location, d app.TicketDetail) string {
	s, ok := app.SignOff(d)
	if !ok {
		return ""
	}
	if !s.Refused {
		return lang.X("sign.signed_by", "Signed by {{.Name}} ({{.Role}}) on {{.Time}}", map[string]any{"Name": s.Signer, "Role": signerRoleText(s.Role), "Time": timeText(zone, s.At)})
	}
	if s.ReasonKind == app.NoSignAbsent {
		return lang.X("sign.absent_line", "Not signed, nobody there ({{.Time}}): {{.Reason}}", map[string]any{"Time": timeText(zone, s.At), "Reason": s.Reason})
	}
	return lang.X("sign.refused_line", "Not signed, the customer refused ({{.Time}}): {{.Reason}}", map[string]any{"Time": timeText(zone, s.At), "Reason": s.Reason})
}

package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// etaChoices are the arrival times an "on my way" notice offers.
var etaChoices = []time.Duration{15 * time.Minute, 30 * time.Minute, 45 * time.Minute, time.Hour, 90 * time.Minute}

// noticeKindText names a notice's kind.
func noticeKindText(k app.CustomerNoticeKind) string {
	if k == app.NoticeOnMyWay {
		return lang.X("notice.kind.on_my_way", "On my way")
	}
	return lang.X("notice.kind.ready_for_pickup", "Ready for pick-up")
}

// noticeButtons are the workflow card's "Notify customer" buttons the
// ticket's status allows now (app.NoticeAllowed).
func (w *workflowCard) noticeButtons() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	tk := w.detail.Ticket
	if app.NoticeAllowed(tk, app.NoticeOnMyWay) == nil {
		b := widget.NewButton(lang.X("notice.notify_on_my_way", "Notify customer: on my way"), w.askOnMyWay)
		out = append(out, b)
	}
	if app.NoticeAllowed(tk, app.NoticeReadyForPickup) == nil {
		b := widget.NewButton(lang.X("notice.notify_ready", "Notify customer: ready for pick-up"), func() {
			w.ask.confirm(lang.X("notice.ready_title", "Tell the customer their device is ready?"),
				lang.X("notice.ready_confirm", "The service sends it by email or text message at the next sync."),
				lang.X("notice.send", "Send"), lang.X("dialog.cancel", "Cancel"), false, func() {
					w.send(app.NoticeReadyForPickup, 0)
				})
		})
		out = append(out, b)
	}
	return out
}

// askOnMyWay asks when the technician expects to arrive, then sends.
func (w *workflowCard) askOnMyWay() {
	names := make([]string, len(etaChoices))
	for i, d := range etaChoices {
		names[i] = lang.X("notice.eta_minutes", "In {{.Minutes}} min", map[string]any{"Minutes": countText(int(d / time.Minute))})
	}
	eta := newScanSelect(w.keys, names, nil)
	eta.SetSelectedIndex(1)
	w.ask.ask(lang.X("notice.notify_on_my_way", "Notify customer: on my way"), lang.X("notice.send", "Send"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("notice.eta", "Arriving"), eta)}, func() error {
			i := eta.SelectedIndex()
			if i < 0 {
				return errShown
			}
			w.send(app.NoticeOnMyWay, etaChoices[i])
			return nil
		})
}

func (w *workflowCard) send(kind app.CustomerNoticeKind, eta time.Duration) {
	now := w.now() // in the session's zone (Deps.Zone)
	n := app.CustomerNotice{ID: app.NewID(), Ticket: w.detail.Ticket.ID, Kind: kind, At: now.UTC()}
	if kind == app.NoticeOnMyWay {
		// The ETA keeps the session's offset: the service writes the
		// customer's text in the offset it was sent with (docs/PROTOCOL.md,
		// "Customer notices"), so a Shanghai customer read "13:41 UTC"
		// for 21:41 while the ETA went in UTC.
		n.ETA = now.Add(eta)
	}
	w.save.commit(&app.SendNotice{Notice: n}, nil)
}

// noticeLines say how the ticket's notices stand, newest first.
func noticeLines(zone *time.Location, notices []app.CustomerNoticeView) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, n := range notices {
		l := widget.NewLabel(noticeStateText(zone, n))
		l.Wrapping = fyne.TextWrapWord
		switch n.State {
		case app.NoticeSent:
			l.Importance = widget.SuccessImportance
		case app.NoticeFailed, app.NoticeNoChannel:
			l.Importance = widget.WarningImportance
		default:
			l.Importance = widget.LowImportance
		}
		out = append(out, l)
	}
	return out
}

// noticeStateText is one notice's line: what, and where it stands, with
// what to do when it did not go.
func noticeStateText(zone *time.Location, n app.CustomerNoticeView) string {
	data := map[string]any{"Kind": noticeKindText(n.Kind), "Time": clockText(zone, n.SentAt)}
	switch {
	case n.Pending:
		return lang.X("notice.state.waiting_sync", "{{.Kind}}: waiting to sync", data)
	case n.State == app.NoticeSent:
		return lang.X("notice.state.sent", "{{.Kind}} sent {{.Time}}", data)
	case n.State == app.NoticeNoChannel:
		return lang.X("notice.state.no_channel", "{{.Kind}}: not sent, the service has no way to send notices. Call the customer, and tell dispatch.", data)
	case n.State == app.NoticeFailed:
		data["Reason"] = noticeFailureText(n.LastError)
		return lang.X("notice.state.failed", "{{.Kind}} failed: {{.Reason}}. Call the customer instead.", data)
	case n.Attempts > 0:
		return lang.X("notice.state.retrying", "{{.Kind}}: not delivered yet, the service tries again", data)
	}
	return lang.X("notice.state.sending", "{{.Kind}}: sending", data)
}

// noticeFailureText says in plain words why a notice failed.
func noticeFailureText(code string) string {
	switch {
	case code == "eta_passed":
		return lang.X("notice.failed.eta_passed", "the arrival time had passed when it reached the service")
	case code == "bad_email" || strings.HasPrefix(code, "smtp_5"):
		return lang.X("notice.failed.email", "the customer's email address was refused")
	case strings.HasPrefix(code, "http_4"):
		return lang.X("notice.failed.refused", "the text message service refused it; check the customer's phone number")
	}
	return lang.X("notice.failed.unreachable", "the message service could not be reached")
}

// noticeBox is the notices' part of the workflow card: the buttons, then
// the lines; nil when it has neither.
func (w *workflowCard) noticeBox(editable bool) fyne.CanvasObject {
	box := container.NewVBox()
	if editable && w.notify {
		if bs := w.noticeButtons(); len(bs) > 0 {
			box.Add(container.NewGridWrap(fyne.NewSize(300, 48), bs...))
		}
	}
	for _, l := range noticeLines(w.now().Location(), w.notices) {
		box.Add(l)
	}
	if len(box.Objects) == 0 {
		return nil
	}
	return box
}

package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// A ticket closed long ago can reach the device without its history
// (app.HistoryAway): its repairs, parts used, photos, notes, signatures,
// payments and estimates stay on the server until the technician asks
// for them. The ticket screen then shows what is away where the history
// would be, and every part of it that needs those facts (the warranty's
// total, the charges and payments, the documents) says so instead of
// showing an empty or wrong figure, each with a "Load history" button.
//
// Opening such a ticket while online asks for its history at once: the
// package app's contract is that the device asks when the ticket is
// opened, the answer rides the next sync (bounded by
// app.MaxHistoryPerSync tickets a request) and arrives in seconds, and a
// technician who opened an old ticket almost always wants what was done
// on it. It asks once a ticket while the app runs, and never on a reload:
// a sync the server answers without it (a ticket no longer in the
// device's scopes) clears the mark, and asking again at the reload that
// sync causes would sync for ever. Offline nothing is asked until the
// button is pressed: a request would wait for the network, and tickets
// merely glanced at would all load on a slow reconnection. The screen
// never waits for the history: the sync that brings it reloads the ticket
// (Terminal.syncChanged).

// historyAwayText is what the server holds, only the counts that are not
// zero: "3 repairs, 2 parts used, 4 photos".
func historyAwayText(a app.HistoryAway) string {
	var parts []string
	add := func(n int, text string) {
		if n > 0 {
			parts = append(parts, text)
		}
	}
	add(a.Repairs, lang.XN("history.repairs", "{{.Count}} repairs", a.Repairs, map[string]any{"Count": countText(a.Repairs)}))
	add(a.PartsUsed, lang.XN("history.parts_used", "{{.Count}} parts used", a.PartsUsed, map[string]any{"Count": countText(a.PartsUsed)}))
	add(a.Photos, lang.XN("history.photos", "{{.Count}} photos", a.Photos, map[string]any{"Count": countText(a.Photos)}))
	add(a.Notes, lang.XN("history.notes", "{{.Count}} notes", a.Notes, map[string]any{"Count": countText(a.Notes)}))
	add(a.Signatures, lang.XN("history.signatures", "{{.Count}} signatures", a.Signatures, map[string]any{"Count": countText(a.Signatures)}))
	add(a.Payments, lang.XN("history.payments", "{{.Count}} payments", a.Payments, map[string]any{"Count": countText(a.Payments)}))
	add(a.Estimates, lang.XN("history.estimates", "{{.Count}} estimates", a.Estimates, map[string]any{"Count": countText(a.Estimates)}))
	add(a.Notices, lang.XN("history.notices", "{{.Count}} messages to the customer", a.Notices, map[string]any{"Count": countText(a.Notices)}))
	return lang.X("history.on_server", "History on the server: {{.Counts}}",
		map[string]any{"Counts": strings.Join(parts, lang.X("history.separator", ", "))})
}

// historyWaitText says when a history asked for arrives, from the sync
// status.
func historyWaitText(st app.SyncStatus) string {
	switch {
	case st.WorkOffline:
		return lang.X("history.work_offline", "You chose to work offline: the history loads once you turn off “Work offline” on the sync page.")
	case st.Offline:
		return lang.X("history.offline", "You are offline: the history loads when you reconnect.")
	}
	return lang.X("history.loading", "Loading with the next sync…")
}

// historyLoad is one "Load history" button on the ticket screen, and the
// line that takes its place once the history was asked for.
type historyLoad struct {
	button *widget.Button
	wait   *widget.Label
	// problem says why the last request failed; hidden otherwise.
	problem *widget.Label
	box     *fyne.Container
}

func newHistoryLoad(load func()) *historyLoad {
	h := &historyLoad{wait: widget.NewLabel(""), problem: widget.NewLabel("")}
	h.wait.Wrapping = fyne.TextWrapWord
	h.problem.Wrapping = fyne.TextWrapWord
	h.problem.Importance = widget.DangerImportance
	h.problem.Hide()
	h.box = container.NewVBox(h.wait, h.problem)
	if load != nil {
		h.button = widget.NewButtonWithIcon(lang.X("history.load", "Load history"), theme.DownloadIcon(), load)
		h.box.Add(container.NewHBox(h.button))
	}
	return h
}

// show puts the request's state on screen: the button until the history
// was asked for, then when it comes; failed is the last request's error.
func (h *historyLoad) show(requested bool, st app.SyncStatus, failed error) {
	if h.button == nil {
		// Nothing on this device can ask for it: say where it is only.
		h.wait.Hide()
		return
	}
	if requested {
		h.button.Hide()
		h.wait.SetText(historyWaitText(st))
		h.wait.Show()
	} else {
		h.button.Enable()
		h.button.Show()
		h.wait.Hide()
	}
	if failed != nil {
		h.problem.SetText(errorText(failed))
		h.problem.Show()
	} else {
		h.problem.Hide()
	}
}

// historyCard is the card in the history's place: what the server holds
// and the way to load it.
func (v *TicketDetailView) historyCard(a app.HistoryAway) fyne.CanvasObject {
	counts := widget.NewLabel(historyAwayText(a))
	counts.Wrapping = fyne.TextWrapWord
	counts.TextStyle.Bold = true
	return widget.NewCard(lang.X("history.title", "History"), "",
		container.NewVBox(counts, v.historyNote("").box))
}

// historyNote is a note of the screen that needs the history, with its
// own "Load history" button; text "" for the history card's button, the
// screen's main one: the notes' buttons are quieter, so that a phone
// showing three of them shows one to press.
func (v *TicketDetailView) historyNote(text string) *historyLoad {
	var load func()
	if v.deps.History != nil {
		load = v.requestHistory
	}
	h := newHistoryLoad(load)
	if h.button != nil && text == "" {
		h.button.Importance = widget.HighImportance
	}
	if text != "" {
		note := widget.NewLabel(text)
		note.Wrapping = fyne.TextWrapWord
		h.box.Objects = append([]fyne.CanvasObject{note}, h.box.Objects...)
	}
	v.historyLoads = append(v.historyLoads, h)
	return h
}

// showHistoryState puts the shown ticket's request state on every "Load
// history" of the screen; UI goroutine.
func (v *TicketDetailView) showHistoryState() {
	if v.current == nil || v.current.detail.Away == nil {
		return
	}
	var st app.SyncStatus
	if v.deps.Sync != nil {
		st = v.deps.Sync.SyncStatus()
	}
	for _, h := range v.historyLoads {
		h.show(v.current.detail.Away.Requested, st, v.current.historyErr)
	}
}

// requestHistory asks for the shown ticket's history with the next sync,
// and asks for that sync now; UI goroutine. The screen goes on: the sync
// that brings the history reloads the ticket.
func (v *TicketDetailView) requestHistory() {
	if v.current == nil || v.current.detail.Away == nil || v.deps.History == nil {
		return
	}
	id := v.current.detail.Ticket.ID
	for _, h := range v.historyLoads {
		if h.button != nil {
			h.button.Disable()
		}
	}
	v.deps.Run(func() {
		err := v.deps.History.RequestHistory(v.ctx, id)
		if err == nil && v.deps.Sync != nil {
			v.deps.Sync.SyncNow()
		}
		fyne.Do(func() {
			cur := v.current
			if cur == nil || cur.detail.Ticket.ID != id || cur.detail.Away == nil {
				return // another ticket, or the history came meanwhile
			}
			cur.historyErr = err
			cur.detail.Away.Requested = err == nil
			v.showHistoryState()
		})
	})
}

// historyOnline reports whether a history asked for now comes within
// seconds: the device is paired, online and not working offline.
func historyOnline(s app.SyncService) bool {
	if s == nil {
		return false
	}
	st := s.SyncStatus()
	return !st.Offline && !st.WorkOffline && !st.Revoked
}

// loadHistoryAway reads what the server still holds of the ticket's
// history into tv.detail.Away and, when auto and the device is online,
// asks for it (see the top of this file); off the UI goroutine.
func (v *TicketDetailView) loadHistoryAway(tv *ticketView, auto bool) error {
	if v.deps.History == nil {
		return nil // Away as the ticket service gave it
	}
	id := tv.detail.Ticket.ID
	a, err := v.deps.History.HistoryAway(v.ctx, id)
	if err != nil {
		return err
	}
	tv.detail.Away = a
	if a == nil || a.Requested || !auto || !historyOnline(v.deps.Sync) {
		return nil
	}
	tv.historyAsked = true
	if err := v.deps.History.RequestHistory(v.ctx, id); err != nil {
		// The screen shows the ticket with the button and why asking
		// failed: pressing it asks again.
		tv.historyErr = err
		return nil
	}
	a.Requested = true
	v.deps.Sync.SyncNow()
	return nil
}

// historyNeeded tells, instead of writing a document, that the ticket's
// history is still on the server, and offers to load it.
func (t *Terminal) historyNeeded(title string, d app.TicketDetail) {
	msg := lang.X("history.document_needs", "This document needs the history of ticket {{.Number}}, which is still on the server. Load it, then make the document again.",
		map[string]any{"Number": d.Ticket.Number})
	if d.Away.Requested || t.deps.History == nil {
		if d.Away.Requested {
			var st app.SyncStatus
			if t.deps.Sync != nil {
				st = t.deps.Sync.SyncStatus()
			}
			msg += "\n\n" + historyWaitText(st)
		}
		if t.win == nil {
			t.setScanStatus(true, msg)
			return
		}
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		dlg := dialog.NewCustom(title, lang.X("dialog.close", "Close"), l, t.win)
		dlg.Resize(fyne.NewSize(min(t.win.Canvas().Size().Width*0.94, 480), 0))
		t.present(dlg, nil)
		return
	}
	t.confirm(title, msg, lang.X("history.load", "Load history"), lang.X("dialog.close", "Close"), false, t.detail.requestHistory)
}

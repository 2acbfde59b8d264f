package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// repairCard lists the repair log and logs new entries.
type repairCard struct {
	save     committer
	ask      dialogs
	keys     *wedgeKeys
	now      func() time.Time
	editable bool
	detail   app.TicketDetail
	zone     *time.Location // the session's (Deps.Zone)
	// drafts keeps "What you did" as typed in the form until it is saved
	// (draft.go); nil keeps none. kept is the draft, shared with the
	// copy the completion's checklist opens the form from.
	drafts *draftKeeper
	kept   *repairDraft
	// confirm asks before the draft is discarded (dialogs.confirm).
	confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func())
}

// repairDraft is the repair log's draft on one ticket: the text typed in
// its form and not saved, shown on the card while the form is closed,
// put back in the form as it opens again.
type repairDraft struct {
	ticket app.TicketID
	text   string
	// minutes is what was typed in the form's Minutes, "" when it held
	// what it offered: kept beside the text (app.DraftRepairMinutes), so
	// that the entry comes back whole, with the time spent as typed.
	minutes string
	// On the card (object); nil before it is built.
	shown *widget.Label
	row   *draftRow
	box   *fyne.Container
	// banner says at the top of the ticket that an entry is not saved,
	// with the way back into it (repairCard.banner); nil before it is
	// built.
	banner fyne.CanvasObject
}

// present says whether there is a draft: a text, or minutes typed.
func (k *repairDraft) present() bool { return k.text != "" || k.minutes != "" }

// shownText is the draft as the card shows it: the text, and the
// minutes as the entries above it show theirs.
func (k *repairDraft) shownText() string {
	if k.minutes == "" {
		return k.text
	}
	n, err := strconv.Atoi(strings.TrimSpace(k.minutes))
	if err != nil {
		// Minutes not yet a number are shown as typed, without a unit.
		return strings.TrimSpace(repairWithMinutes(k.text, k.minutes))
	}
	return strings.TrimSpace(repairWithMinutes(k.text, minutesText(n)))
}

// repairWithMinutes is a repair's action with its minutes after it, in
// the screens' language: Chinese writes them in full-width parentheses
// touching the action ("更换水泵（5分钟）"), not "更换水泵 (5分钟)".
func repairWithMinutes(action, minutes string) string {
	return lang.X("repair.with_minutes", "{{.Action}} ({{.Minutes}})", map[string]any{"Action": action, "Minutes": minutes})
}

// set keeps text as the draft's text ("" for none) and shows the draft
// on the card.
func (k *repairDraft) set(text string) {
	if !draftWorth(text, "") {
		text = ""
	}
	k.text = text
	k.show()
}

// setMinutes keeps m as the draft's minutes ("" for none) and shows the
// draft on the card.
func (k *repairDraft) setMinutes(m string) {
	k.minutes = strings.TrimSpace(m)
	k.show()
}

// show shows the draft kept, on the card and in the banner.
func (k *repairDraft) show() {
	text, present := k.shownText(), k.present()
	if k.banner != nil && k.banner.Visible() != present {
		if present {
			k.banner.Show()
		} else {
			k.banner.Hide()
		}
	}
	if k.box == nil {
		return
	}
	if k.shown.Text != text {
		k.shown.SetText(text)
	}
	k.row.show(present, false, "")
	if present && !k.box.Visible() {
		k.box.Show()
	} else if !present && k.box.Visible() {
		k.box.Hide()
	}
}

// draft is the kept draft; one of its own when the card was built
// without (tests, a terminal that keeps no drafts).
func (c *repairCard) draft() *repairDraft {
	if c.kept == nil {
		c.kept = &repairDraft{ticket: c.detail.Ticket.ID}
	}
	return c.kept
}

// discardDraft deletes the repair log's draft, its text and minutes.
func (c *repairCard) discardDraft() {
	k := c.draft()
	k.minutes = ""
	k.set("")
	if c.drafts != nil {
		c.drafts.change(draftKey{c.detail.Ticket.ID, app.DraftRepairMinutes}, pendingDraft{deleted: true})
		c.drafts.drop(c.detail.Ticket.ID, app.DraftRepair)
	}
}

// restoreDraft puts the draft back as it was when the form opened (was,
// "" for none): Discard in the form loses what was typed in it, not a
// draft kept from before, which the card's own Discard draft deletes.
// A technician who opened the form on the draft, changed the minutes
// and left with Discard lost the whole entry typed before.
func (c *repairCard) restoreDraft(was, wasMinutes string) {
	k := c.draft()
	k.minutes = strings.TrimSpace(wasMinutes)
	if k.set(was); !k.present() {
		c.discardDraft()
		return
	}
	if c.drafts != nil {
		c.drafts.typed(c.detail.Ticket.ID, app.DraftRepair, k.text, "", "")
		c.drafts.typed(c.detail.Ticket.ID, app.DraftRepairMinutes, k.minutes, "", "")
		c.drafts.flush()
	}
}

func (c *repairCard) object() fyne.CanvasObject {
	d := c.detail
	box := container.NewVBox()
	for _, r := range d.Repairs {
		l := widget.NewLabel(fmt.Sprintf("%s  %s  %s", timeText(c.zone, r.At), repairWithMinutes(r.Action, minutesText(r.Minutes)), r.By))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(d.Repairs) == 0 {
		box.Add(lowLabel(lang.X("repair.none", "Nothing logged yet.")))
	}
	if c.editable && d.Ticket.Status != app.StatusClosed {
		// The draft of the form left unsaved (cut short by the lock
		// screen, a restart), under the entries it will join.
		k := c.draft()
		k.shown = widget.NewLabel("")
		k.shown.Wrapping = fyne.TextWrapWord
		k.shown.TextStyle.Italic = true
		k.row = newDraftRow(c.confirm, lang.X("draft.discard_repair_text", "The repair log entry you typed and did not save is deleted from this device."), c.discardDraft)
		k.box = container.NewVBox(k.shown, k.row.box)
		k.box.Hide()
		k.show()
		box.Add(k.box)
		box.Add(container.NewHBox(widget.NewButtonWithIcon(lang.X("repair.add", "Log repair"), theme.ContentAddIcon(), c.logRepair)))
	}
	return widget.NewCard(lang.X("ticket.repairs", "Repair log"), "", box)
}

// banner is the line at the top of the ticket that says a repair log
// entry typed and not saved is kept, with a button that opens the form
// on it: the card that shows the draft is below the warranty, the
// charges and the parts, a phone's screens down, and a technician back
// on the ticket after the lock screen or a restart did not see the
// entry waiting. Hidden while there is no draft; nil where the card logs
// nothing.
func (c *repairCard) banner() fyne.CanvasObject {
	if !c.editable || c.detail.Ticket.Status == app.StatusClosed {
		return nil
	}
	k := c.draft()
	l := widget.NewLabel(lang.X("draft.repair_waiting", "A repair log entry you typed is not saved yet."))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	open := widget.NewButtonWithIcon(lang.X("draft.repair_open", "Finish it"), theme.DocumentCreateIcon(), c.logRepair)
	k.banner = container.NewBorder(nil, nil, nil, open, l)
	if !k.present() {
		k.banner.Hide()
	}
	return k.banner
}

// logRepair asks what was done and for how long, offering the time since
// work started.
func (c *repairCard) logRepair() { c.logRepairThen(nil) }

// logRepairThen is logRepair that runs done once the entry is saved: the
// completion's checklist (workflowCard.complete) counts it.
func (c *repairCard) logRepairThen(done func()) {
	tk := c.detail.Ticket
	what := newScanEntry(c.keys)
	what.SetPlaceHolder(lang.X("repair.what_hint", "e.g. replaced the drain pump"))
	// The draft comes back in the field, said to be one; typing keeps
	// it, in the store once typing pauses (draftKeeper).
	k := c.draft()
	opened, openedMinutes := k.text, k.minutes
	what.SetText(opened)
	line := newDraftRow(nil, "", nil)
	line.discard.Hide() // the card's button discards; here, Cancel asks
	line.show(k.present(), false, "")
	what.OnChanged = func(s string) {
		k.set(s)
		if !k.present() {
			// Only ever hidden while the form is open: a line that came
			// on typing would grow the form under a dialog sized as it
			// opened, and push Minutes out of view [2.7.1].
			line.show(false, false, "")
		}
		if c.drafts != nil {
			c.drafts.typed(tk.ID, app.DraftRepair, s, "", "")
		}
	}
	saved := func() {
		c.discardDraft()
		if done != nil {
			done()
		}
	}
	minutes := newScanEntry(c.keys)
	minutes.SetPlaceHolder(lang.X("repair.minutes_hint", "0 to 1440"))
	item := widget.NewFormItem(lang.X("repair.minutes", "Minutes"), minutes.withProblem())
	if m, ok := suggestedMinutes(c.detail, c.now()); ok && k.minutes == "" {
		minutes.SetText(strconv.Itoa(m))
		item.HintText = lang.X("repair.minutes_suggested", "Time since work started, less what is already logged since then.")
	}
	if k.minutes != "" {
		// As typed before: the time since work started is the time
		// since then, not what the technician said the job took.
		minutes.SetText(k.minutes)
	}
	offered := minutes.Text
	minutes.OnChanged = func(s string) {
		// Minutes typed are kept; the minutes offered, untouched, are
		// offered again as the form opens next.
		if strings.TrimSpace(s) == strings.TrimSpace(offered) && openedMinutes == "" {
			s = ""
		}
		k.setMinutes(s)
		if !k.present() {
			line.show(false, false, "")
		}
		if c.drafts != nil {
			c.drafts.typed(tk.ID, app.DraftRepairMinutes, k.minutes, "", "")
		}
	}
	c.ask.askKept(lang.X("repair.add", "Log repair"), lang.X("work.save", "Save"), lang.X("dialog.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("repair.what", "What you did"), container.NewVBox(what.withProblem(), line.box)),
		item,
	}, func() error {
		n, err := strconv.Atoi(strings.TrimSpace(minutes.Text))
		if err != nil {
			n = -1 // refused below, with the domain's words
		}
		cmd := &app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: tk.ID, Action: strings.TrimSpace(what.Text), Minutes: n}}
		// The command's own check, before the dialog closes: the field
		// at fault is marked and nothing typed is lost.
		if err := cmd.Validate(); err != nil {
			field := what
			if ae := (*app.Error)(nil); errors.As(err, &ae) && ae.Key == "repair.bad_minutes" {
				field = minutes
			}
			return &fieldError{field: field, err: err}
		}
		c.save.commit(cmd, saved)
		return nil
	}, func() { c.restoreDraft(opened, openedMinutes) })
}

// suggestedMinutes is the time worked since the ticket was started, less
// the minutes of entries logged since then (so that a second entry does
// not count the first one's time again), rounded up to 5 minutes. ok is
// false before work started, and when it started more than a working day
// (suggestSpan) ago: work paused overnight or left open, the clock says
// nothing about the minutes worked, and an offered 1440 gets saved by
// whoever trusts the form.
func suggestedMinutes(d app.TicketDetail, now time.Time) (int, bool) {
	started := d.Ticket.StartedAt
	if started.IsZero() || now.Sub(started) > suggestSpan {
		return 0, false
	}
	worked := now.Sub(started)
	for _, r := range d.Repairs {
		if !r.At.Before(started) {
			worked -= time.Duration(r.Minutes) * time.Minute
		}
	}
	if worked <= 0 {
		return 0, true
	}
	const step = 5 * time.Minute
	return int((worked + step - 1) / step * step / time.Minute), true
}

// suggestSpan is the longest time since work started that suggestedMinutes
// offers as worked: a long working day, within one entry's bound
// (app.MaxRepairMinutes).
const suggestSpan = 12 * time.Hour

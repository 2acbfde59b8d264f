package ui

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// A ticket's diagnosis and new note are kept as drafts while typed
// (app.DraftService): a technician interrupted at a customer's door, who
// taps another ticket, searches, is locked out or whose app is killed,
// finds the typing back in its field when the ticket opens again.

// draftDelay is the pause in typing after which a draft is written: one
// write, with its fsync, per pause rather than per key. Typing on
// without a pause is written every draftMaxWait, and leaving the ticket
// or closing the window writes at once: a crash loses at most the
// typing of the last draftMaxWait.
const (
	draftDelay   = 500 * time.Millisecond
	draftMaxWait = 5 * time.Second
)

// draftWorth reports whether text typed over a field saved as saved is
// kept as a draft: text that saving would change. A field cleared, or
// typed back to what is saved, has none.
func draftWorth(text, saved string) bool {
	text = strings.TrimSpace(text)
	return text != "" && text != strings.TrimSpace(saved)
}

// draftKey is one draft of the signed-in technician's.
type draftKey struct {
	ticket app.TicketID
	field  app.DraftField
}

// pendingDraft is a draft change not written yet: a put, or a delete.
type pendingDraft struct {
	draft   app.Draft
	deleted bool
	seq     uint64 // orders the changes of one key
}

// draftKeeper keeps the signed-in technician's drafts: in memory at
// once, in the store after a pause in typing (draftDelay) and when the
// ticket is left. The writes run off the UI goroutine (run); a ticket's
// load reads the store and the changes not written yet together, so a
// reload never shows a draft older than the field held.
type draftKeeper struct {
	svc   app.DraftService
	actor app.Actor
	ctx   context.Context
	run   func(func())
	later func(time.Duration, func()) (stop func() bool)
	// failed tells, on the UI goroutine, that a draft could not be kept.
	failed func(err error)
	// wrote tells, on the UI goroutine, that drafts were written or
	// deleted: the ticket list marks the tickets that hold them. nil
	// tells no one.
	wrote func()

	// stopWrite cancels the pause's write, stopMax the write that
	// typing without a pause waits for at most; UI goroutine.
	stopWrite, stopMax func() bool

	// store serialises the store's draft writes and the reads that
	// overlay pending on them: a read never misses a write in flight,
	// and the writes of one key land in order.
	store sync.Mutex
	mu    sync.Mutex // protects following; held only to copy
	next  uint64
	// pending are the changes not written yet; their number is bounded
	// by the fields typed into between two writes.
	pending map[draftKey]pendingDraft
}

func newDraftKeeper(ctx context.Context, svc app.DraftService, actor app.Actor, run func(func()),
	later func(time.Duration, func()) func() bool, failed func(error)) *draftKeeper {
	return &draftKeeper{svc: svc, actor: actor, ctx: ctx, run: run, later: later, failed: failed, pending: map[draftKey]pendingDraft{}}
}

// typed records the text typed into field on ticket, whose saved text
// is saved and was base when the draft began: a draft when draftWorth,
// else none. It is written once typing pauses.
func (k *draftKeeper) typed(ticket app.TicketID, field app.DraftField, text, saved, base string) {
	if draftWorth(text, saved) {
		k.change(draftKey{ticket, field}, pendingDraft{draft: app.Draft{Field: field, Text: text, Base: base}})
	} else {
		k.change(draftKey{ticket, field}, pendingDraft{deleted: true})
	}
	if k.stopWrite != nil {
		k.stopWrite()
	}
	k.stopWrite = k.later(draftDelay, k.flush)
	if k.stopMax == nil {
		k.stopMax = k.later(draftMaxWait, k.flush)
	}
}

// drop deletes the draft of field on ticket now: it was saved.
func (k *draftKeeper) drop(ticket app.TicketID, field app.DraftField) {
	k.change(draftKey{ticket, field}, pendingDraft{deleted: true})
	k.flush()
}

func (k *draftKeeper) change(key draftKey, p pendingDraft) {
	k.mu.Lock()
	k.next++
	p.seq = k.next
	k.pending[key] = p
	k.mu.Unlock()
}

// flush writes the pending changes now, off the UI goroutine.
func (k *draftKeeper) flush() {
	k.stopTimers()
	k.run(k.write)
}

// flushNow writes the pending changes before it returns: the window is
// closing, and the store closes after it.
func (k *draftKeeper) flushNow() {
	k.stopTimers()
	k.write()
}

// stopTimers cancels the writes waiting: one is being made.
func (k *draftKeeper) stopTimers() {
	for _, stop := range []*func() bool{&k.stopWrite, &k.stopMax} {
		if *stop != nil {
			(*stop)()
			*stop = nil
		}
	}
}

// write writes the pending changes to the store. A change made while it
// writes stays pending for the next write.
func (k *draftKeeper) write() {
	failed, wrote := k.writePending()
	// Told once the store is free again: the list reads the drafts as
	// it is told, and a test's fyne.Do runs inline.
	if failed != nil && k.failed != nil {
		fyne.Do(func() { k.failed(failed) })
	}
	if wrote && k.wrote != nil {
		fyne.Do(k.wrote)
	}
}

// writePending writes what is pending and says what write tells: the
// first failure, and whether anything was written.
func (k *draftKeeper) writePending() (failed error, wrote bool) {
	k.store.Lock()
	defer k.store.Unlock()
	k.mu.Lock()
	todo := make(map[draftKey]pendingDraft, len(k.pending))
	for key, p := range k.pending {
		todo[key] = p
	}
	k.mu.Unlock()
	// A write once begun ends, even as the terminal closes: the text it
	// holds was typed.
	ctx := context.WithoutCancel(k.ctx)
	for key, p := range todo {
		var err error
		if p.deleted {
			err = k.svc.DeleteDraft(ctx, k.actor, key.ticket, key.field)
		} else {
			err = k.svc.PutDraft(ctx, k.actor, key.ticket, p.draft)
		}
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND && failed == nil {
			// Not found: a sync took the ticket off the device, and its
			// drafts with it; nothing is left to keep them for.
			failed = err
		}
		k.mu.Lock()
		if k.pending[key].seq == p.seq {
			delete(k.pending, key)
		}
		k.mu.Unlock()
	}
	return failed, len(todo) > 0
}

// drafted returns which of ids hold drafts: the store's, in one read,
// with the changes not written yet over them. Off the UI goroutine.
func (k *draftKeeper) drafted(ctx context.Context, ids []app.TicketID) (map[app.TicketID]bool, error) {
	k.store.Lock()
	defer k.store.Unlock()
	in, err := k.svc.DraftedTickets(ctx, k.actor, ids)
	if err != nil {
		return nil, err
	}
	fields := map[draftKey]bool{}
	for id, fs := range in {
		for _, f := range fs {
			fields[draftKey{id, f}] = true
		}
	}
	asked := make(map[app.TicketID]bool, len(ids))
	for _, id := range ids {
		asked[id] = true
	}
	k.mu.Lock()
	for key, p := range k.pending {
		if asked[key.ticket] {
			fields[key] = !p.deleted
		}
	}
	k.mu.Unlock()
	out := map[app.TicketID]bool{}
	for key, ok := range fields {
		if ok {
			out[key.ticket] = true
		}
	}
	return out, nil
}

// read returns ticket's drafts by field: the store's, with the changes
// not written yet over them. Off the UI goroutine.
func (k *draftKeeper) read(ctx context.Context, ticket app.TicketID) (map[app.DraftField]app.Draft, error) {
	k.store.Lock()
	defer k.store.Unlock()
	ds, err := k.svc.Drafts(ctx, k.actor, ticket)
	if err != nil {
		return nil, err
	}
	out := make(map[app.DraftField]app.Draft, len(ds))
	for _, d := range ds {
		out[d.Field] = d
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, p := range k.pending {
		switch {
		case key.ticket != ticket:
		case p.deleted:
			delete(out, key.field)
		default:
			out[key.field] = p.draft
		}
	}
	return out, nil
}

// draftRow is the low line under a field that holds a draft, "Draft,
// not saved yet", and beside it the way out of the draft: "Discard
// draft", red and asked first, deletes it and puts the saved text back.
// Hidden while the field holds no draft.
type draftRow struct {
	line    *widget.Label
	discard *widget.Button
	box     *fyne.Container
}

// newDraftRow is a hidden draftRow whose button asks through confirm,
// saying text (what discarding does, draftDiscardText for a field that
// goes back to its saved text), then runs discard.
func newDraftRow(confirm func(title, message, doLabel, keepLabel string, destructive bool, ok func()), text string, discard func()) *draftRow {
	r := &draftRow{line: lowLabel(lang.X("draft.kept", "Draft, not saved yet"))}
	r.discard = widget.NewButtonWithIcon(lang.X("draft.discard", "Discard draft"), theme.DeleteIcon(), func() {
		if confirm == nil {
			discard()
			return
		}
		confirm(lang.X("draft.discard_title", "Discard this draft?"), text,
			lang.X("draft.discard", "Discard draft"), lang.X("draft.keep", "Keep draft"), true, discard)
	})
	r.discard.Importance = widget.DangerImportance
	// The line takes the width the button leaves, wrapping: the saved
	// diagnosis it may quote is long.
	r.box = container.NewBorder(nil, nil, nil, r.discard, r.line)
	r.box.Hide()
	return r
}

// draftDiscardText says what discarding a field's draft does.
func draftDiscardText() string {
	return lang.X("draft.discard_text", "What you typed and did not save is deleted from this device; the field shows the saved text again.")
}

// show shows the row while text is a draft over saved, hidden
// otherwise; changedSince adds that the saved text changed since the
// draft was typed, and what it reads now. The text is set only when it
// changes: typing shows or hides the row, and re-lays the ticket out,
// only as the draft comes or goes.
func (r *draftRow) show(draft bool, changedSince bool, saved string) {
	text := lang.X("draft.kept", "Draft, not saved yet")
	if changedSince {
		if strings.TrimSpace(saved) == "" {
			text = lang.X("draft.saved_removed", "Draft, not saved yet. The saved diagnosis was removed since you typed it.")
		} else {
			text = lang.X("draft.saved_changed", "Draft, not saved yet. The saved diagnosis changed since you typed it; it now reads: “{{.Saved}}”", map[string]any{"Saved": saved})
		}
	}
	if r.line.Text != text {
		r.line.SetText(text)
	}
	if draft && !r.box.Visible() {
		r.box.Show()
	} else if !draft && r.box.Visible() {
		r.box.Hide()
	}
}

// draftsKeptText says which drafts of ticket number are kept as the
// technician leaves it: the diagnosis, the new note, the repair log's
// entry. The repair log's was left unsaid, and a technician who left a
// ticket with only an entry typed thought it lost.
func draftsKeptText(number string, diagnosis, note, repair bool) string {
	data := map[string]any{"Number": number}
	switch {
	case diagnosis && note && repair:
		return lang.X("draft.left_all", "Your diagnosis, note and repair log entry on {{.Number}} are kept as drafts.", data)
	case diagnosis && note:
		return lang.X("draft.left_both", "Your diagnosis and note on {{.Number}} are kept as drafts.", data)
	case diagnosis && repair:
		return lang.X("draft.left_diagnosis_repair", "Your diagnosis and repair log entry on {{.Number}} are kept as drafts.", data)
	case note && repair:
		return lang.X("draft.left_note_repair", "Your note and repair log entry on {{.Number}} are kept as drafts.", data)
	case diagnosis:
		return lang.X("draft.left_diagnosis", "Your diagnosis of {{.Number}} is kept as a draft.", data)
	case repair:
		return lang.X("draft.left_repair", "Your repair log entry on {{.Number}} is kept as a draft.", data)
	}
	return lang.X("draft.left_note", "Your note on {{.Number}} is kept as a draft.", data)
}

// draftsKept says below the screen that ticket id, left, holds drafts.
func (t *Terminal) draftsKept(id app.TicketID, text string) {
	t.showStatus(statusNews, text)
	t.draftsNote = draftsNote{ticket: id, text: text}
}

// draftsBack puts the note of draftsKept away, if it is still the one
// shown, as its ticket opens again: the drafts it names are in view.
func (t *Terminal) draftsBack(id app.TicketID) {
	n := t.draftsNote
	if n.ticket != id {
		return
	}
	if t.statusKind == statusNews && t.scanStatus.Text == n.text {
		t.clearStatus(statusNews)
	}
	t.draftsNote = draftsNote{}
}

// draftsNote is the note draftsKept showed last.
type draftsNote struct {
	ticket app.TicketID
	text   string
}

// draftFailed says below the screen that typing could not be kept.
func (t *Terminal) draftFailed(err error) {
	t.showStatus(statusProblem, lang.X("draft.failed", "What you typed could not be kept as a draft: {{.Error}}", map[string]any{"Error": errorText(err)}))
}

package ui

import (
	"context"
	"fmt"
	"image"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// The detail view and its cards reach the screen around them through
// small interfaces, not the *Terminal: each card holds what it uses, and a
// test or another screen can stand in for the rest.

// committer saves one user action, a named mutation, on the device. done,
// if set, runs on the UI goroutine once it is saved; the ticket, the list
// and the sync line reload after it.
type committer interface {
	commit(cmd app.Command, done func())
}

// dialogs shows what a card asks or tells over the screen.
type dialogs interface {
	// showError says what went wrong and what to do next.
	showError(err error)
	// ask shows a small form and runs ok with it when confirmed; its
	// buttons say confirm and "Cancel". When ok refuses with a
	// *fieldError or errShown, the form stays open with what was typed.
	ask(title, confirm string, items []*widget.FormItem, ok func() error)
	// askWith is ask whose dismiss button says keep.
	askWith(title, confirm, keep string, items []*widget.FormItem, ok func() error)
	// askKept is askWith for a form whose typing is kept as a draft:
	// discarded runs when the user leaves it and discards the typing.
	askKept(title, confirm, keep string, items []*widget.FormItem, ok func() error, discarded func())
	// askDanger is askWith whose confirming button is red: the step
	// cannot be taken back.
	askDanger(title, confirm, keep string, items []*widget.FormItem, ok func() error)
	// confirm asks before an action that cannot be taken back
	// (confirmAction).
	confirm(title, message, doLabel, keepLabel string, destructive bool, ok func())
	// showDialog shows content with a Close button.
	showDialog(title string, content fyne.CanvasObject)
}

// photoFiles attaches pictures from files to a ticket.
type photoFiles interface {
	// browsePhoto lets the user choose a picture file and gives its path.
	browsePhoto(got func(path string))
	// attachPhotoAs stores the picture open reads and records it on tk
	// with caption (app.Photo's, bounded by app).
	attachPhotoAs(tk app.Ticket, caption, kind string, open func() (io.ReadCloser, error))
}

// detailHost is what the detail view needs of the screen around it.
type detailHost interface {
	committer
	dialogs
	photoFiles
	partAdder
	requester
	moneyHost
	// printLabels shows the ticket's labels to print.
	printLabels(tv ticketView)
	// editContact opens the dialog that corrects the customer's phone
	// and address of tk (contact.go); save saves its update.
	editContact(save committer, tk app.Ticket)
	// editPurchase opens the dialog that corrects the purchase date and
	// proof of tv's ticket (purchase.go); save saves its update, saved
	// runs once it is saved.
	editPurchase(save committer, tv ticketView, saved func())
	// detailChanged is told when the pane was rebuilt: memory to trim.
	detailChanged()
	// signOffPossible says whether openSignOff can take the customer's
	// sign-off of the ticket's report.
	signOffPossible(d app.TicketDetail) bool
	openSignOff(d app.TicketDetail, saved func())
	// documentButtons are the buttons that write the ticket's documents
	// (documents.go).
	documentButtons(d app.TicketDetail) []fyne.CanvasObject
	// openFiledDocument offers to open or save a document filed on a
	// ticket (the signed report).
	openFiledDocument(tk app.Ticket, p app.Photo)
	// later runs f on the UI goroutine after d, unless the terminal is
	// gone or stop is called first.
	later(d time.Duration, f func()) (stop func() bool)
	// draftsKept says, once, that ticket id, left, keeps drafts (text,
	// draftsKeptText); draftsBack is told when id is on screen again,
	// where its drafts show in their fields.
	draftsKept(id app.TicketID, text string)
	draftsBack(id app.TicketID)
	// draftFailed says that typing could not be kept as a draft.
	draftFailed(err error)
}

// TicketDetailView shows one ticket and its warranty decision, the state's
// primary action pinned below it, and the cards to work on it.
type TicketDetailView struct {
	ctx  context.Context
	deps Deps
	host detailHost
	keys *wedgeKeys
	root *fyne.Container
	// Owned by the UI goroutine.
	shown     app.TicketID
	current   *ticketView // what is on screen; nil while loading or failed
	photos    *widget.Card
	lastShown app.TicketID
	scroll    *container.Scroll // the cards' scroll, nil with no ticket shown
	diagnosis *diagnosisCard    // the shown ticket's, nil with none
	notes     *notesCard        // the shown ticket's, nil with none
	// repairDraft is the shown ticket's repair log draft, nil with none.
	repairDraft *repairDraft
	// drafts keeps the typing not saved on the ticket's fields (draft.go);
	// nil when Deps.Drafts or Deps.Commit is.
	drafts *draftKeeper
	// toldLeft is the ticket whose drafts leave last said are kept: a
	// phone's Back, then another ticket opened, says it once.
	toldLeft app.TicketID
	flow     *workflowCard // the shown ticket's actions, nil with none
	// historyLoads are the shown ticket's "Load history" buttons, none
	// when its history is on the device.
	historyLoads []*historyLoad
	// opening is the ticket asked for and not on screen yet (Show, a
	// ticket other than the one shown); "" once it is (apply).
	opening app.TicketID
	// historyAsked are the tickets whose opening asked for their history
	// (card_history.go): once a ticket while the app runs.
	historyAsked map[app.TicketID]bool
	// sections are the shown ticket's cards by name (render), and
	// actedIn is the name of the one the technician last saved from on
	// it: a reload keeps that card where it was on screen while it is in
	// view. A step shows twice (applyTransition, then the store's
	// reload), and each may add lines above the card.
	sections map[string]fyne.CanvasObject
	actedIn  string
	// loads counts Show's loads, and next is a step waiting on a save
	// (closing a visit once its sign-off is saved): it runs on the first
	// load of its ticket started after the save, and only then, as a
	// load started before read the ticket without it. Dropped once run
	// or refused, or when another ticket is shown.
	loads uint64
	next  *followUp
	// appliedLoad is the last load shown, or the loads started before a
	// save shown at once (applySaved): a load that ends after a later
	// one, or after such a save, read an older ticket.
	appliedLoad uint64
	// corrected is the warranty the ticket on screen had before its
	// purchase date was corrected here, nil when it was not: the
	// warranty card says what it was, as the change is the point of the
	// correction. Forgotten when another ticket is shown.
	corrected *correctedWarranty
}

// correctedWarranty is the decision of ticket before a correction of its
// purchase date.
type correctedWarranty struct {
	ticket app.TicketID
	before app.Decision
}

// followUp is a step that runs on ticket once a load numbered above after
// shows it.
type followUp struct {
	ticket app.TicketID
	after  uint64
	run    func()
}

// ticketView is what the background load computes for the detail pane.
type ticketView struct {
	detail   app.TicketDetail
	thumbs   map[string]image.Image // photo thumbnails by SHA-256
	parts    map[app.PartNumber]app.Part
	decision *app.Decision
	rules    string // the rule set's name in the user's language
	decErr   error
	// rs is the rule set the decision was made with, nil when the device
	// has none for the ticket's country: a correction of the purchase
	// date decides again with it (purchase.go).
	rs       *app.RuleSet
	notices  []app.CustomerNoticeView
	passcode app.Passcode // empty when none, or not the technician's to see
	// payments and estimates are the ticket's money (Deps.Payments).
	payments  []app.Payment
	estimates []app.Estimate
	// supply is the ticket's part requests and likely parts; nil without
	// Deps.Supply.
	supply *supplyView
	// historyErr is why asking for the history away failed (card_history.go).
	historyErr error
	// historyAsked: opening the ticket asked for its history.
	historyAsked bool
	// signedReportChanged: the ticket's report is no longer the one its
	// customer signed (card_workflow.go's signOffRow).
	signedReportChanged bool
	// drafts are the technician's drafts on the ticket, by field.
	drafts map[app.DraftField]app.Draft
}

func newTicketDetailView(ctx context.Context, deps Deps, host detailHost, keys *wedgeKeys) *TicketDetailView {
	v := &TicketDetailView{ctx: ctx, deps: deps, host: host, keys: keys, historyAsked: map[app.TicketID]bool{}}
	placeholder := widget.NewLabel(lang.X("ticket.select", "Select a ticket to see its details."))
	v.root = container.NewStack(container.NewCenter(placeholder))
	if deps.Drafts != nil && deps.Commit != nil {
		v.drafts = newDraftKeeper(ctx, deps.Drafts, deps.Actor, deps.Run, host.later, host.draftFailed)
	}
	return v
}

// Object is the pane's root.
func (v *TicketDetailView) Object() fyne.CanvasObject { return v.root }

// Show loads ticket id in the background and shows it.
func (v *TicketDetailView) Show(id app.TicketID) {
	if tk, ok := v.ticket(); ok && tk.ID != id {
		v.leave(tk)
	}
	v.shown = id
	if v.next != nil && v.next.ticket != id {
		v.next = nil
	}
	v.loads++
	seq := v.loads
	if id != v.lastShown {
		v.sayOpening(id)
	}
	// Opening a ticket may ask for its history; reloading it never does
	// (card_history.go).
	auto := id != v.lastShown && !v.historyAsked[id]
	v.deps.Run(func() {
		tv, err := v.load(id, auto)
		fyne.Do(func() {
			if tv.historyAsked {
				v.historyAsked[id] = true
			}
			// A load that ends after a later one, or after a save shown
			// at once, read an older ticket.
			if id == v.shown && seq > v.appliedLoad {
				v.appliedLoad = seq
				v.apply(id, tv, err)
			}
			v.followUp(id, seq, err)
		})
	})
}

// then runs step on ticket id once a load started from now shows it
// (followUp), replacing any step waiting; nothing when id is no longer
// shown.
func (v *TicketDetailView) then(id app.TicketID, step func()) {
	if v.shown != id {
		return
	}
	v.next = &followUp{ticket: id, after: v.loads, run: step}
}

// followUp runs the step waiting on ticket id, once: load seq of it has
// just been applied, without err.
func (v *TicketDetailView) followUp(id app.TicketID, seq uint64, err error) {
	f := v.next
	if f == nil || f.ticket != id || seq <= f.after || v.shown != id {
		return
	}
	v.next = nil
	if err == nil && v.current != nil {
		f.run()
	}
}

// closeSignedOff opens the close's confirmation (workflowCard.step) on
// the ticket on screen when it may close as signed off: completed, with a
// signature of its report as it is now, or a refusal or absence recorded.
// Else it does nothing: the card says what is missing.
func (v *TicketDetailView) closeSignedOff() {
	f := v.flow
	if f == nil || v.deps.Commit == nil || f.detail.Ticket.Status != app.StatusCompleted {
		return
	}
	if s, ok := app.SignOff(f.detail); !ok || !s.Refused && f.reportChanged {
		return
	}
	f.step(app.ActionClose)
}

// sayOpening puts "Opening the ticket…" in the pane at once, as the
// ticket is tapped and before anything of it is read: the pane never
// shows the empty "Select a ticket" or the ticket tapped before while
// the one asked for loads. It waited 250 ms on a timer, which a loaded
// machine ran seconds late, and the empty pane stood under a selected
// row meanwhile.
func (v *TicketDetailView) sayOpening(id app.TicketID) {
	v.opening = id
	msg := widget.NewLabel(lang.X("ticket.opening", "Opening the ticket…"))
	v.root.Objects = []fyne.CanvasObject{container.NewCenter(msg)}
	v.root.Refresh()
	v.current, v.photos, v.historyLoads = nil, nil, nil
	v.scroll, v.diagnosis, v.notes, v.repairDraft = nil, nil, nil, nil
}

// leave writes the drafts of tk, the ticket on screen, as another one
// opens, and says that they are kept: once, as the technician leaves.
func (v *TicketDetailView) leave(tk app.Ticket) {
	if v.drafts == nil {
		return
	}
	v.drafts.flush()
	diagnosis := v.diagnosis != nil && v.diagnosis.ticket.ID == tk.ID && v.diagnosis.isDraft()
	note := v.notes != nil && v.notes.detail.Ticket.ID == tk.ID && v.notes.isDraft()
	repair := v.repairDraft != nil && v.repairDraft.ticket == tk.ID && v.repairDraft.present()
	if (diagnosis || note || repair) && v.toldLeft != tk.ID {
		v.toldLeft = tk.ID
		v.host.draftsKept(tk.ID, draftsKeptText(tk.Number, diagnosis, note, repair))
	}
}

// left is told that the technician left the ticket on screen without
// opening another (a phone's Back to the list).
func (v *TicketDetailView) left() {
	if tk, ok := v.ticket(); ok {
		v.leave(tk)
	}
}

func (v *TicketDetailView) load(id app.TicketID, autoHistory bool) (ticketView, error) {
	d, err := v.deps.Tickets.TicketDetail(v.ctx, id)
	if err != nil {
		return ticketView{}, err
	}
	tv := ticketView{detail: d, parts: map[app.PartNumber]app.Part{}, thumbs: map[string]image.Image{}}
	if v.drafts != nil {
		if tv.drafts, err = v.drafts.read(v.ctx, id); err != nil {
			return ticketView{}, err
		}
	}
	if err := v.loadHistoryAway(&tv, autoHistory); err != nil {
		return ticketView{}, err
	}
	if v.deps.Notices != nil {
		if tv.notices, err = v.deps.Notices.Notices(v.ctx, id); err != nil {
			return ticketView{}, err
		}
	}
	if v.deps.Passcodes != nil && app.MayPasscode(v.deps.Actor, d.Ticket) {
		if tv.passcode, err = v.deps.Passcodes.Passcode(v.ctx, v.deps.Actor, id); err != nil {
			return ticketView{}, err
		}
	}
	if v.deps.Payments != nil {
		if tv.payments, err = v.deps.Payments.Payments(v.ctx, id); err != nil {
			return ticketView{}, err
		}
		if tv.estimates, err = v.deps.Payments.Estimates(v.ctx, id); err != nil {
			return ticketView{}, err
		}
	}
	if v.deps.Supply != nil {
		env := partsEnv{ctx: v.ctx, parts: v.deps.Parts, tickets: v.deps.Tickets, tech: v.deps.Technician, store: v.deps.Store, zone: v.deps.Zone}
		if tv.supply, err = env.loadSupply(v.deps.Supply, id); err != nil {
			return ticketView{}, err
		}
	}
	for _, p := range d.Photos {
		if p.IsDocument() {
			continue
		}
		if img := loadThumbnail(v.ctx, v.deps.Photos, p.SHA256); img != nil {
			tv.thumbs[p.SHA256] = img
		}
	}
	if s, ok := app.SignOff(d); ok && !s.Refused && d.Ticket.Status == app.StatusCompleted && v.deps.ReportToSign != nil {
		// Built as the sign-off builds it, so the digests compare, from
		// the detail just read: the reload reads the ticket once. A
		// failure leaves the signature shown as it was taken: the
		// sign-off itself says what went wrong when opened.
		if r, err := v.deps.ReportToSign(v.ctx, d); err == nil {
			tv.signedReportChanged = r.Digest != s.Digest
		}
	}
	if p := &tv.detail.Ticket.Product; p.ManufactureDate.IsZero() {
		// Many brands write the month or week of manufacture into the
		// serial: without proof of purchase, warranty counts from it.
		if info, ok := v.deps.SerialRules.Match(p.Brand, p.Serial, v.deps.Now()); ok && !info.Manufactured.IsZero() {
			p.ManufactureDate = info.Manufactured
		}
	}
	for _, u := range d.Parts {
		p, err := v.deps.Parts.Part(v.ctx, u.Part)
		if err != nil {
			return ticketView{}, err
		}
		tv.parts[u.Part] = p
	}
	rs, err := v.deps.Warranty.RuleSet(v.ctx, d.Ticket.Country)
	if err != nil {
		tv.decErr = err
		return tv, nil
	}
	tv.rs = &rs
	if dec, err := tv.decide(rs); err != nil {
		tv.decErr = err
	} else {
		tv.decision = &dec
	}
	return tv, nil
}

// decide is the warranty decision on tv's ticket as it reads, with the
// parts it used (tv.parts holds each), judged on the day it was opened;
// it names the rule set in the user's language (tv.rules).
func (tv *ticketView) decide(rs app.RuleSet) (app.Decision, error) {
	t := tv.detail.Ticket
	used := make([]app.UsedPart, 0, len(tv.detail.Parts))
	for _, u := range tv.detail.Parts {
		used = append(used, app.UsedPart{Part: tv.parts[u.Part], Qty: u.Qty})
	}
	dec, err := app.Decide(rs, app.WarrantyInput{Ticket: t, Parts: used, LabourMinutes: t.LabourMinutes, On: t.CreatedAt})
	if err != nil {
		return app.Decision{}, err
	}
	// The rule set and its legal bases are server data in each
	// language; app's reasons carry the ID and the English basis, the
	// user reads them in their language.
	locale := lang.SystemLocale().String()
	tv.rules = rs.NameFor(locale)
	for _, r := range dec.Reasons {
		if r.Data["RuleSet"] == rs.ID {
			r.Data["RuleSet"] = tv.rules
		}
		if _, ok := r.Data["LegalBasis"]; ok {
			r.Data["LegalBasis"] = rs.LegalBasisFor(t.Product, locale)
		}
	}
	return dec, nil
}

func (v *TicketDetailView) apply(id app.TicketID, tv ticketView, err error) {
	if id != v.shown {
		return // another ticket was chosen meanwhile
	}
	v.opening = ""
	reload := v.lastShown == id
	v.current, v.photos, v.historyLoads = nil, nil, nil
	if err != nil {
		text := errorText(err)
		if reload && app.ErrorCode(err) == app.ENOTFOUND {
			// The ticket was on screen a moment ago: sync took it off the
			// device. Say so rather than show a bare "not found".
			text = lang.X("ticket.gone", "This ticket is no longer on this device: dispatch reassigned or cancelled it. Choose another ticket from the list.")
		}
		msg := widget.NewLabel(text)
		msg.Wrapping = fyne.TextWrapWord
		v.root.Objects = []fyne.CanvasObject{msg}
		v.root.Refresh()
		v.scroll, v.diagnosis, v.notes, v.repairDraft = nil, nil, nil, nil
		return
	}
	v.current = &tv
	// The same ticket reloads after a save: keep the card saved from where
	// it was on screen, so the next tap lands where the technician aims.
	// A save may add lines to a card above it (the diagnosis to the
	// ticket's facts, a part's charge to the warranty), so the offset
	// alone would leave the page as it was and move the card down. With
	// that card out of view (a step taken from the pinned bar, a sync),
	// the first card that saves (render's named ones) whose top is in
	// view stays, as a browser anchors its scrolling; with none, the
	// offset.
	var offset fyne.Position
	anchor, anchorOnScreen := "", float32(0)
	if v.scroll != nil && reload {
		offset = v.scroll.Offset
		view := v.scroll.Size().Height
		if o := v.sections[v.actedIn]; o != nil && o.Visible() {
			top := o.Position().Y - offset.Y
			if top+o.Size().Height > 0 && top < view {
				anchor, anchorOnScreen = v.actedIn, top
			}
		}
		for name, o := range v.sections {
			if anchor == v.actedIn && anchor != "" {
				break // the card acted in is in view
			}
			top := o.Position().Y - offset.Y
			if o.Visible() && top >= 0 && top < view && (anchor == "" || top < anchorOnScreen) {
				anchor, anchorOnScreen = name, top
			}
		}
	}
	width := float32(0)
	if v.scroll != nil {
		width = v.scroll.Content.Size().Width
	}
	if !reload {
		v.actedIn = ""
		v.corrected = nil
		v.toldLeft = ""
		v.host.draftsBack(id)
	}
	v.lastShown = id
	cards, top, bar := v.render(tv, reload)
	v.scroll = container.NewVScroll(cards)
	page := wheelPage(v.scroll)
	if o := v.sections[anchor]; o != nil {
		// Lay the cards out now, as wide as they were, to learn where the
		// card is in them before the scroll is drawn. A wrapping label
		// knows its height once it has its width: a second pass places
		// the cards by it, and a bounded few settle a nested one.
		content := v.scroll.Content
		for range 3 {
			h := content.MinSize().Height
			content.Resize(fyne.NewSize(width, h))
			if content.MinSize().Height == h {
				break
			}
		}
		offset.Y = max(0, o.Position().Y-anchorOnScreen)
	}
	v.scroll.Offset = offset
	v.root.Objects = []fyne.CanvasObject{container.NewBorder(top, bar, nil, nil, page)}
	v.showHistoryState()
	v.root.Refresh()
	v.host.detailChanged()
}

// applyTransition puts the status a saved step leads to on screen. The
// store took the step, so its guards held there; the view may lag behind
// (a diagnosis saved just before), so they are not asked again here.
func (v *TicketDetailView) applyTransition(tr *app.TransitionTicket) {
	if v.current == nil || v.current.detail.Ticket.ID != tr.Ticket || tr.Action.To() == "" {
		return
	}
	tv := *v.current
	t := tv.detail.Ticket
	t.Status, t.StatusReason = tr.Action.To(), strings.TrimSpace(tr.Reason)
	if tr.Resolution != "" {
		t.ResolutionCode = tr.Resolution
	}
	tv.detail.Ticket = t
	v.applySaved(tv)
}

// applyDecision puts the customer's answer to an estimate, saved, on
// screen (app's rule, DecideEstimate.Decided): the lead's walk saw the
// answer's warning and button for two seconds after the answer, until
// the reload read it back.
func (v *TicketDetailView) applyDecision(de *app.DecideEstimate, now time.Time) {
	if v.current == nil || v.current.detail.Ticket.ID != de.Ticket {
		return
	}
	tv := *v.current
	decided, err := de.Decided(tv.estimates, now)
	if err != nil {
		return // the reload says what the store holds
	}
	tv.estimates = slices.Clone(tv.estimates)
	for i, e := range tv.estimates {
		if e.ID == decided.ID {
			tv.estimates[i] = decided
		}
	}
	v.applySaved(tv)
}

// applySaved shows tv, the view as a save just made leaves it. A load
// started before it may have read the ticket without the save: it is
// not shown when it ends (Show), the reload after the save is.
func (v *TicketDetailView) applySaved(tv ticketView) {
	if tv.detail.Ticket.ID != v.shown {
		return // another ticket is opening: its load is to show
	}
	v.appliedLoad = v.loads
	v.apply(tv.detail.Ticket.ID, tv, nil)
}

// correctPurchase opens the purchase date's dialog on tv, the ticket on
// screen; once a correction is saved, the warranty card says what the
// warranty was before it (corrected).
func (v *TicketDetailView) correctPurchase(tv ticketView) {
	id := tv.detail.Ticket.ID
	before := tv.decision
	v.host.editPurchase(v.actedFrom("contact"), tv, func() {
		if before != nil && v.shown == id {
			v.corrected = &correctedWarranty{ticket: id, before: *before}
		}
	})
}

// factEnd is the index in facts (built by fields) after the row whose
// label reads label: where a line under that row goes.
func factEnd(facts *fyne.Container, label string) int {
	for i := 0; i+1 < len(facts.Objects); i += 2 {
		if l, ok := facts.Objects[i].(*widget.Label); ok && l.Text == label {
			return i + 2
		}
	}
	return len(facts.Objects)
}

// fieldNoWrapWidth is the widest value fields leaves unwrapped: what the
// value column keeps on a 360 px phone beside the longest label.
const fieldNoWrapWidth = 160

// fields lays out label/value pairs in two aligned columns.
func fields(pairs ...string) *fyne.Container {
	c := container.New(&factsLayout{})
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		l := widget.NewLabel(pairs[i])
		l.Importance = widget.LowImportance
		val := widget.NewLabel(pairs[i+1])
		// Wrapping costs a text layout per width change; short values
		// (most of them) never need it. Short is measured, not counted:
		// a Chinese address of 23 characters is as wide as 40 Latin ones.
		if fyne.MeasureText(pairs[i+1], theme.TextSize(), val.TextStyle).Width > fieldNoWrapWidth {
			val.Wrapping = fyne.TextWrapWord
		}
		c.Add(l)
		c.Add(val)
	}
	return c
}

// render builds the cards in the scroll, a banner above them when the
// ticket was cancelled under the technician, and the bar below them with
// the state's primary action, which stays in view on a long ticket.
func (v *TicketDetailView) render(tv ticketView, reload bool) (cards, top, bar fyne.CanvasObject) {
	t := tv.detail.Ticket
	title := widget.NewLabel(fmt.Sprintf("%s · %s", t.Number, statusText(t.Status)))
	title.TextStyle.Bold = true
	title.SizeName = "headingText"
	// The number and status wrap on a phone rather than run under the
	// button beside them: the button goes below.
	title.Wrapping = fyne.TextWrapWord

	info := fields(
		lang.X("ticket.kind", "Kind"), kindText(t.Kind),
		lang.X("ticket.customer", "Customer"), strings.TrimSpace(t.Customer.Name+"  "+t.Customer.Phone),
		lang.X("ticket.address", "Address"), strings.TrimSpace(t.Customer.Address),
		lang.X("ticket.device", "Device"), strings.TrimSpace(fmt.Sprintf("%s %s", t.Product.Brand, t.Product.Model)),
		lang.X("ticket.serial", "Serial / IMEI"), t.Product.Serial,
		lang.X("ticket.purchased", "Purchased"), purchaseText(t.Product),
		lang.X("ticket.fault", "Reported fault"), t.Fault,
		lang.X("ticket.appointment", "Appointment"), appointmentText(v.deps.Zone, t, v.deps.Now()),
		lang.X("ticket.resolve_by", "Resolve by"), strings.TrimSpace(timeText(v.deps.Zone, t.ResolveBy)+"  "+resolveByText(t, v.deps.Now())),
		lang.X("ticket.diagnosis", "Diagnosis"), t.Diagnosis,
		lang.X("ticket.status_reason", "Why"), t.StatusReason,
		lang.X("ticket.opened", "Opened"), timeText(v.deps.Zone, t.CreatedAt),
		lang.X("ticket.started", "Started"), optionalTime(v.deps.Zone, t.StartedAt),
		lang.X("ticket.completed", "Completed"), optionalTime(v.deps.Zone, t.CompletedAt),
		lang.X("ticket.resolution", "Resolution"), resolutionOrEmpty(t.ResolutionCode),
	)

	// The number to call on a line of its own, the map and Edit on the
	// next: in the facts' value column of a phone (360 px less the
	// labels) a long number and the map's link do not fit side by side.
	contact := container.NewVBox()
	if phone := strings.TrimSpace(t.Customer.Phone); phone != "" {
		if u, err := url.Parse("tel:" + strings.NewReplacer(" ", "", "-", "").Replace(phone)); err == nil {
			contact.Add(widget.NewHyperlink(lang.X("ticket.call", "Call {{.Phone}}", map[string]any{"Phone": phone}), u))
		}
	}
	next := container.NewHBox()
	if addr := strings.TrimSpace(t.Customer.Address); addr != "" && t.Kind == app.KindOnSite {
		if u, err := url.Parse("geo:0,0?q=" + url.QueryEscape(addr)); err == nil {
			next.Add(widget.NewHyperlink(lang.X("ticket.map", "Open in maps"), u))
		}
	}
	if fieldsEditable(v.deps.Commit != nil, v.deps.Actor, t) {
		// Beside the number and the address it corrects: the technician
		// in front of the customer hears "my number changed".
		next.Add(widget.NewButtonWithIcon(lang.X("contact.edit", "Edit"), theme.DocumentCreateIcon(), func() { v.host.editContact(v.actedFrom("contact"), t) }))
	}
	if len(next.Objects) > 0 {
		contact.Add(next)
	}

	if row := purchaseRow(v.deps.Commit != nil, v.deps.Actor, t, func() { v.correctPurchase(tv) }); row != nil {
		// Under the date it corrects, in the facts' own columns.
		at := factEnd(info, lang.X("ticket.purchased", "Purchased"))
		info.Objects = slices.Insert(info.Objects, at, fyne.CanvasObject(layout.NewSpacer()), row)
	}

	printBtn := widget.NewButtonWithIcon(lang.X("labels.print", "Print labels"), theme.DocumentPrintIcon(), func() { v.host.printLabels(tv) })
	// The buttons wrap: Print labels, Service report and the intake
	// receipt side by side are wider than a phone in French.
	sections := []fyne.CanvasObject{title, container.New(layout.NewRowWrapLayout(), append([]fyne.CanvasObject{printBtn}, v.host.documentButtons(tv.detail)...)...)}
	v.sections = map[string]fyne.CanvasObject{}
	// named adds a card that saves, under its name (actedFrom).
	named := func(name string, o fyne.CanvasObject) {
		v.sections[name] = o
		sections = append(sections, o)
	}
	diagnosis := newDiagnosisCard(v.actedFrom("diagnosis"), v.keys, t)
	diagnosis.drafts, diagnosis.confirm = v.drafts, v.host.confirm
	if old := v.diagnosis; reload && old != nil && old.typed() != old.ticket.Diagnosis {
		// A save elsewhere on the ticket reloads it: keep what is typed.
		diagnosis.restore(old.typed(), old.base)
	} else if d, ok := tv.drafts[app.DraftDiagnosis]; ok {
		diagnosis.restore(d.Text, d.Base)
	}
	v.keepDrafts(tv)
	v.diagnosis = diagnosis
	flow := &workflowCard{save: v.actedFrom("actions"), ask: v.host, keys: v.keys, actor: v.deps.Actor, detail: tv.detail, typedDiagnosis: diagnosis.typed,
		notify: v.deps.Notices != nil, notices: tv.notices, now: v.deps.Now, openRequests: openRequests(tv.supply)}
	var money *moneyCard
	if v.deps.Payments != nil {
		money = newMoneyCard(v.actedFrom("money"), v.keys, v.deps.Commit != nil, v.deps.Zone, tv)
		flow.money = money
	}
	if t.Status == app.StatusCompleted && v.host.signOffPossible(tv.detail) {
		flow.reportChanged = tv.signedReportChanged
		flow.signOff = func() {
			// The sign-off saves through the terminal, not a card: the
			// reload after it keeps the actions' card in place (apply).
			v.actedIn = "actions"
			v.host.openSignOff(tv.detail, nil)
		}
		flow.signOffThenClose = func() {
			v.actedIn = "actions"
			v.host.openSignOff(tv.detail, func() { v.then(t.ID, v.closeSignedOff) })
		}
	}
	primary, rest := flow.actions(v.deps.Commit != nil)
	if b := arrivedBanner(t, tv.supply); b != nil {
		sections = append(sections, b)
	}
	// The repair log's draft, said at the top (repairCard.banner): filled
	// once the card is built below.
	repairBanner := len(sections)
	sections = append(sections, nil)
	named("actions", rest)
	if len(contact.Objects) > 0 {
		// Right under the customer and the address they call, map and
		// correct, in the facts' own columns: below all the facts, Edit
		// was a screen away from the number it changes.
		at := 2 // Kind's row
		for _, v := range []string{t.Customer.Name + t.Customer.Phone, t.Customer.Address} {
			if strings.TrimSpace(v) != "" {
				at += 2 // fields leaves out an empty row
			}
		}
		info.Objects = slices.Insert(info.Objects, at, fyne.CanvasObject(layout.NewSpacer()), fyne.CanvasObject(contact))
	}
	named("contact", widget.NewCard("", "", info))
	away := tv.detail.Away
	if away != nil {
		// The history's card comes under the ticket's facts, in view on a
		// phone: on an old ticket the history is what the technician
		// opened it for. The parts, repairs and photos that came since it
		// was kept back still show in their cards below, but none says
		// "nothing" while the rest is on the server.
		sections = append(sections, v.historyCard(*away))
	}
	// Dispatch's notes (the machine is on the balcony, ring twice) are
	// read before the work, under the customer and the fault.
	notes := &notesCard{save: v.actedFrom("notes"), keys: v.keys, zone: v.deps.Zone, editable: v.deps.Commit != nil, detail: tv.detail,
		drafts: v.drafts, draft: tv.drafts[app.DraftNote].Text, confirm: v.host.confirm}
	v.notes = notes
	named("notes", notes.object())
	var mover committer
	if v.deps.Commit != nil {
		mover = v.actedFrom("checkin")
	}
	if c := checkInCard(t, v.deps.Now(), mover, v.keys); len(c) > 0 {
		named("checkin", c[0])
		sections = append(sections, c[1:]...)
	}
	sections = append(sections, passcodeCard(tv.passcode)...)
	sections = append(sections, widget.NewCard(lang.X("warranty.title", "Warranty"), "", v.renderDecision(tv)))
	switch {
	case money != nil && away != nil && (away.Payments > 0 || away.Estimates > 0 || away.PartsUsed > 0 && money.shown()):
		// What was charged, paid and owed would be wrong without them.
		sections = append(sections, widget.NewCard(lang.X("money.title", "Charges and payments"), "",
			v.historyNote(lang.X("history.money_away", "The payments, estimates or parts of this ticket are still on the server: what was charged, paid and owed shows once its history is here.")).box))
	case money != nil && money.shown():
		named("money", money.object())
	}
	if v.deps.Commit != nil && t.Status.Open() {
		named("diagnosis", diagnosis.object())
	}
	parts := &partsCard{adder: v.actedFrom("parts"), editable: v.deps.Commit != nil, tv: tv}
	repairs := &repairCard{save: v.actedFrom("repairs"), ask: v.host, keys: v.keys, zone: v.deps.Zone, now: v.deps.Now, editable: v.deps.Commit != nil, detail: tv.detail,
		drafts: v.drafts, confirm: v.host.confirm}
	if old := v.repairDraft; reload && old != nil && old.ticket == t.ID {
		// A reload under the open form (a save from the completion's
		// dialog, a sync): the form types on into the same draft.
		repairs.kept = old
	} else if v.drafts != nil {
		repairs.kept = &repairDraft{ticket: t.ID, text: tv.drafts[app.DraftRepair].Text, minutes: tv.drafts[app.DraftRepairMinutes].Text}
	}
	v.repairDraft = repairs.kept
	if b := repairs.banner(); b != nil {
		sections[repairBanner] = b
	} else {
		sections = slices.Delete(sections, repairBanner, repairBanner+1)
	}
	if repairs.editable {
		// From the completion's checklist: the reload after the entry
		// keeps the actions in view, where the dialog was opened.
		fromActions := *repairs
		fromActions.save = v.actedFrom("actions")
		flow.logRepair = fromActions.logRepairThen
	}
	v.flow = flow
	flow.draftDiagnosis = func(text string) {
		// The card as last read: a repair logged from the dialog
		// reloads it, and the reload keeps what it holds typed.
		if d := v.diagnosis; d != nil && d.ticket.ID == t.ID {
			d.entry.SetText(text)
		}
	}
	flow.afterApproval = func(again func(cur *workflowCard)) {
		// After the save, on the first load of the ticket that holds the
		// approval (followUp): the card before it still asks for one.
		v.then(t.ID, func() {
			if cur := v.flow; cur != nil && cur.detail.Ticket.ID == t.ID {
				again(cur)
			}
		})
	}
	flow.approvalNow = func(goOn func()) {
		// The ticket's actions as last read (after the repair's reload),
		// with the charges that the repairs logged since make.
		if cur := v.flow; cur != nil && cur.detail.Ticket.ID == t.ID && cur.money != nil && cur.money.needsApproval() {
			cur.askApproval(goOn, func(*workflowCard) { goOn() })
			return
		}
		goOn()
	}
	photos := &photosCard{ctx: v.ctx, files: v.actedFrom("photos"), show: v.host, document: v.host.openFiledDocument, keys: v.keys, lib: v.deps.Photos, run: v.deps.Run,
		editable: v.deps.Commit != nil && v.deps.Photos != nil, detail: tv.detail, thumbs: tv.thumbs}
	if away == nil || len(tv.detail.Parts) > 0 {
		named("parts", parts.object())
	}
	if tv.supply != nil {
		from := v.actedFrom("requests")
		reqs := &requestsCard{ask: v.host, save: from, req: from, adder: from, keys: v.keys, editable: v.deps.Commit != nil, ticket: t, sv: tv.supply,
			fitted: tv.detail.Parts}
		named("requests", reqs.object())
		if v.deps.Commit != nil {
			flow.cancelRequest = reqs.cancel
			flow.requestPart = func() { from.addPart(t, "") }
			flow.awaitingPart = slices.ContainsFunc(tv.supply.requests, func(r app.PartRequest) bool { return r.State.Open() })
		}
	}
	if away == nil || len(tv.detail.Repairs) > 0 {
		named("repairs", repairs.object())
	}
	if away == nil || len(tv.detail.Photos) > 0 {
		v.photos = photos.object()
		named("photos", v.photos)
	}

	if primary != nil {
		bar = container.NewVBox(widget.NewSeparator(), container.NewPadded(primary))
	}
	if t.Status == app.StatusCancelled && !app.MayCancel(v.deps.Actor, t) {
		top = cancelledBanner(t)
	}
	return container.NewVBox(sections...), top, bar
}

// keepDrafts deletes the ticket's drafts that no field on screen takes
// back: a diagnosis of a ticket no longer open (completed meanwhile, or
// closed by the office), or one that the saved diagnosis now reads (a
// save whose draft's delete was cut short by a crash).
func (v *TicketDetailView) keepDrafts(tv ticketView) {
	t := tv.detail.Ticket
	if d, ok := tv.drafts[app.DraftDiagnosis]; ok && (!t.Status.Open() || !draftWorth(d.Text, t.Diagnosis)) {
		v.drafts.drop(t.ID, app.DraftDiagnosis)
	}
	// The repair log takes entries until the ticket closes (repairCard).
	if d, ok := tv.drafts[app.DraftRepair]; ok && (t.Status == app.StatusClosed || !draftWorth(d.Text, "")) {
		v.drafts.drop(t.ID, app.DraftRepair)
	}
	if _, ok := tv.drafts[app.DraftRepairMinutes]; ok && t.Status == app.StatusClosed {
		v.drafts.drop(t.ID, app.DraftRepairMinutes)
	}
}

// actedFrom is the host as the ticket's card name sees it: a save from
// there, or a part added or asked for, names the card the reload keeps in
// place (apply).
func (v *TicketDetailView) actedFrom(name string) actedFrom {
	return actedFrom{detailHost: v.host, view: v, name: name}
}

type actedFrom struct {
	detailHost
	view *TicketDetailView
	name string
}

func (a actedFrom) commit(cmd app.Command, done func()) {
	a.view.actedIn = a.name
	a.detailHost.commit(cmd, done)
}

// addPart saves through the part picker, which the host shows.
func (a actedFrom) addPart(tk app.Ticket, query string) {
	a.view.actedIn = a.name
	a.detailHost.addPart(tk, query)
}

func (a actedFrom) requestPart(tk app.Ticket, p app.Part, n int, to app.Location) {
	a.view.actedIn = a.name
	a.detailHost.requestPart(tk, p, n, to)
}

func (a actedFrom) attachPhotoAs(tk app.Ticket, caption, kind string, open func() (io.ReadCloser, error)) {
	a.view.actedIn = a.name
	a.detailHost.attachPhotoAs(tk, caption, kind, open)
}

// cancelledBanner tells a technician that dispatch cancelled the ticket
// on screen (only dispatch may cancel one of theirs, app.MayCancel), and
// what to do now.
func cancelledBanner(t app.Ticket) fyne.CanvasObject {
	head := widget.NewLabel(lang.X("ticket.cancelled_by_dispatch", "Cancelled by dispatch"))
	head.TextStyle.Bold = true
	head.Importance = widget.DangerImportance
	box := container.NewVBox(head)
	if t.StatusReason != "" {
		box.Add(lowLabel(t.StatusReason))
	}
	box.Add(lowLabel(lang.X("ticket.cancelled_next", "Stop work on it. What you recorded is kept and sent with the next sync.")))
	return container.NewVBox(container.NewPadded(box), widget.NewSeparator())
}

func windowText(zone *time.Location, t app.Ticket) string {
	if t.WindowStart.IsZero() {
		return ""
	}
	if t.WindowEnd.IsZero() {
		return timeText(zone, t.WindowStart)
	}
	return timeText(zone, t.WindowStart) + " – " + clockText(zone, t.WindowEnd)
}

// appointmentText is the visit's window, and once it went by with the
// technician not there (app.WindowMissed), how long ago and what to do.
func appointmentText(zone *time.Location, t app.Ticket, now time.Time) string {
	text := windowText(zone, t)
	if !app.WindowMissed(t.Status, t.StartedAt, t.WindowStart, t.WindowEnd, now) {
		return text
	}
	end := t.WindowEnd
	if end.IsZero() {
		end = t.WindowStart
	}
	return text + "  " + lang.X("ticket.window_missed", "Missed {{.Duration}} ago: call the customer to book a new visit",
		map[string]any{"Duration": shortDuration(now.Sub(end))})
}

// purchaseText says when the product was bought or made: calendar days
// (civilDateText), the same in any zone.
func purchaseText(p app.Product) string {
	switch {
	case p.HasProofOfPurchase():
		return lang.X("ticket.purchased_proof", "{{.Date}} (proof: {{.Proof}})", map[string]any{"Date": civilDateText(p.PurchaseDate), "Proof": p.ProofOfPurchase})
	case !p.PurchaseDate.IsZero():
		return lang.X("ticket.purchased_no_proof", "{{.Date}} (no proof of purchase)", map[string]any{"Date": civilDateText(p.PurchaseDate)})
	case !p.ManufactureDate.IsZero():
		return lang.X("ticket.manufactured", "No proof of purchase; made {{.Date}}", map[string]any{"Date": civilDateText(p.ManufactureDate)})
	}
	return lang.X("ticket.no_purchase_info", "No proof of purchase")
}

func (v *TicketDetailView) renderDecision(tv ticketView) fyne.CanvasObject {
	if tv.decErr != nil {
		l := widget.NewLabel(errorText(tv.decErr))
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	d := tv.decision
	headline := widget.NewLabel(coverageText(d.Coverage) + " · " + remedyText(d.Remedy))
	headline.TextStyle.Bold = true
	headline.Wrapping = fyne.TextWrapWord // "Sous garantie · Échange contre un appareil neuf" is wider than a phone
	switch d.Coverage {
	case app.CoverageIn:
		headline.Importance = widget.SuccessImportance
	case app.CoveragePartial:
		headline.Importance = widget.WarningImportance
	default:
		headline.Importance = widget.DangerImportance
	}
	box := container.NewVBox(headline)
	if c := v.corrected; c != nil && c.ticket == tv.detail.Ticket.ID && (c.before.Coverage != d.Coverage || c.before.Remedy != d.Remedy || c.before.Total != d.Total) {
		was := widget.NewLabel(lang.X("purchase.warranty_was", "Changed by the corrected purchase date; before: {{.Decision}}", map[string]any{"Decision": decisionText(c.before)}))
		was.Wrapping = fyne.TextWrapWord
		was.Importance = widget.WarningImportance
		box.Add(was)
	}
	for _, r := range d.Reasons {
		l := widget.NewLabel("• " + reasonText(r))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if a := tv.detail.Away; a != nil && a.PartsUsed > 0 {
		// Without the parts used the lines and the total would be wrong.
		box.Add(v.historyNote(lang.X("history.total_away", "The parts used on this ticket are still on the server: its charges and total show once its history is here.")).box)
		return box
	}
	if len(d.Lines) > 0 {
		grid := container.NewGridWithColumns(3)
		for _, line := range d.Lines {
			// Labour, call-out and excess lines carry app's English text:
			// name them in the user's language.
			text := line.Text
			if line.Kind != app.ChargePart {
				text = chargeKindText(line.Kind)
			} else if p, ok := tv.parts[line.Part]; ok {
				text = partName(p)
			}
			if text == "" {
				text = chargeKindText(line.Kind)
			}
			if line.Qty > 1 {
				text = fmt.Sprintf("%s × %s", text, countText(line.Qty))
			}
			covered := lang.X("warranty.line.charged", "charged")
			if line.Covered {
				covered = lang.X("warranty.line.covered", "covered")
			}
			nameLabel := widget.NewLabel(text)
			nameLabel.Truncation = fyne.TextTruncateEllipsis
			grid.Add(nameLabel)
			grid.Add(widget.NewLabel(moneyText(line.Amount)))
			grid.Add(widget.NewLabel(covered))
		}
		box.Add(grid)
	}
	total := widget.NewLabel(lang.X("warranty.total", "Customer pays {{.Total}} (incl. {{.Tax}} tax)", map[string]any{"Total": moneyText(d.Total), "Tax": moneyText(d.Tax)}))
	total.TextStyle.Bold = true
	total.Wrapping = fyne.TextWrapWord // a Spanish total is wider than a phone
	box.Add(total)
	// A rule with a legal basis names its rule set and version in its
	// reason ("Rules applied: … (CN version 1)"): the line under the
	// total said it a second time (walk4). It stays for a decision whose
	// reasons do not name the rules.
	if !slices.ContainsFunc(d.Reasons, func(r app.Reason) bool { return r.Key == "warranty.reason.legal_basis" }) {
		rules := widget.NewLabel(lang.X("warranty.rules_version", "Rules {{.RuleSet}} v{{.Version}}", map[string]any{"RuleSet": tv.rules, "Version": d.RuleSetVersion}))
		rules.Importance = widget.LowImportance
		box.Add(rules)
	}
	return box
}

// ticket returns the ticket on screen.
func (v *TicketDetailView) ticket() (app.Ticket, bool) {
	if v.current == nil {
		return app.Ticket{}, false
	}
	return v.current.detail.Ticket, true
}

func resolutionOrEmpty(r app.Resolution) string {
	if r == "" {
		return ""
	}
	return resolutionText(r)
}

// optionalTime is "" for a time not reached yet, so the row is left out.
func optionalTime(zone *time.Location, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeText(zone, t)
}

package ui

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// conflictInbox lists the conflicts that need a decision, each as a card
// that says what happened in the technician's words and offers the
// decisions that make sense for its kind.
type conflictInbox struct {
	deps conflictDeps
	list *fyne.Container
	// problem shows a failed decision on the page; changed lays the page
	// out again after the list changed.
	problem func(string)
	changed func()
	// shown counts the conflicts the list shows, -1 while it shows none
	// read yet (loading, or a failed read).
	shown int
}

// conflictService is the inbox's share of sync: the conflicts and the
// decision on one.
type conflictService interface {
	OpenConflicts(ctx context.Context) ([]app.Conflict, error)
	ResolveConflict(ctx context.Context, id, resolution string) error
}

// changeTimer gives when changes were saved on this device, by mutation
// ID; a conflict's own time is when the server refused the change. A sync
// service without it shows that time.
type changeTimer interface {
	MutationTimes(ctx context.Context, ids []string) (map[string]time.Time, error)
}

// locationNamer gives the stock locations' names.
type locationNamer interface {
	Locations(ctx context.Context) ([]app.Location, error)
}

// shipmentFinder finds a shipment the device holds by its ID (or its
// tracking number).
type shipmentFinder interface {
	FindShipment(ctx context.Context, code string) (app.Shipment, error)
}

// maxShipmentsNamed bounds the shipments the inbox looks up to name them,
// one read each: a conflict names one at most, and a technician has a
// few open.
const maxShipmentsNamed = 50

// conflictDeps is what the inbox needs.
type conflictDeps struct {
	Conflicts conflictService
	Tickets   app.TicketService
	Locations locationNamer  // nil: locations shown by their IDs
	Shipments shipmentFinder // nil: shipments shown as the conflict has them
	Zone      *time.Location // the session's (Deps.Zone)
	Ctx       context.Context
	Run       func(func())
	Dialogs   dialogTracker
	Notify    func(failed bool, text string)
	// Decided says a decision went to the server; the note goes once a
	// sync has brought its result.
	Decided func(text string)
}

func newConflictInbox(deps conflictDeps, problem func(string), changed func()) *conflictInbox {
	return &conflictInbox{deps: deps, list: container.NewVBox(loadingLabel()), problem: problem, changed: changed, shown: -1}
}

// loading says the list is being read again in place of what it showed:
// after a sync brought conflicts, "No conflicts left to decide." stayed
// under a status counting five for the seconds the read took.
func (in *conflictInbox) loading() {
	defer in.changed()
	in.shown = -1
	in.list.RemoveAll()
	in.list.Add(loadingLabel())
}

// conflictContext is what a card says beside the conflict record: the
// ticket as the device knows it (absent when it left the device) and the
// stock locations' names.
type conflictContext struct {
	tickets   map[app.TicketID]app.Ticket
	locations map[app.LocationID]string
	shipments map[string]string    // the labels of the shipments the device holds, by ID
	done      map[string]time.Time // when each change was saved, by mutation ID
}

// reload reads the open conflicts and what their cards name.
func (in *conflictInbox) reload() {
	d := in.deps
	d.Run(func() {
		cs, err := d.Conflicts.OpenConflicts(d.Ctx)
		cc := conflictContext{tickets: map[app.TicketID]app.Ticket{}, locations: map[app.LocationID]string{}, shipments: map[string]string{}}
		for _, c := range cs {
			if _, ok := cc.tickets[c.Ticket]; c.Ticket == "" || ok {
				continue
			}
			if td, terr := d.Tickets.TicketDetail(d.Ctx, c.Ticket); terr == nil {
				cc.tickets[c.Ticket] = td.Ticket
			}
		}
		if ct, ok := d.Conflicts.(changeTimer); ok && len(cs) > 0 {
			ids := make([]string, 0, len(cs))
			for _, c := range cs {
				if c.Mutation != "" {
					ids = append(ids, c.Mutation)
				}
			}
			// Without them a card shows the server's time: not worth
			// failing for.
			if done, terr := ct.MutationTimes(d.Ctx, ids); terr == nil {
				cc.done = done
			}
		}
		if d.Locations != nil && len(cs) > 0 {
			// Without the names a card shows the IDs: not worth failing for.
			if locs, lerr := d.Locations.Locations(d.Ctx); lerr == nil {
				for _, l := range locs {
					cc.locations[l.ID] = l.Name
				}
			}
		}
		if d.Shipments != nil {
			// Without its label a card shows the shipment as the
			// conflict has it, or "a shipment": not worth failing for.
			for _, c := range cs {
				_, ids := c.Places()
				for _, id := range ids {
					if _, ok := cc.shipments[id]; ok || len(cc.shipments) >= maxShipmentsNamed {
						continue
					}
					cc.shipments[id] = ""
					if s, serr := d.Shipments.FindShipment(d.Ctx, id); serr == nil && s.ID == id {
						cc.shipments[id] = s.Label()
					}
				}
			}
		}
		fyne.Do(func() { in.show(cs, cc, err) })
	})
}

func (in *conflictInbox) show(cs []app.Conflict, cc conflictContext, err error) {
	defer in.changed()
	in.list.RemoveAll()
	in.shown = -1
	if err != nil {
		in.list.Add(widget.NewLabel(errorText(err)))
		return
	}
	in.shown = len(cs)
	if len(cs) == 0 {
		// True whatever was decided: after "Take theirs" or "Drop my
		// change" not everything saved was accepted.
		in.list.Add(lowLabel(lang.X("conflicts.none", "No conflicts left to decide.")))
		return
	}
	for _, g := range groupByTicket(cs) {
		in.list.Add(in.ticketCard(g, cc))
	}
}

// groupByTicket puts the conflicts of one ticket together, in the order
// their tickets first come: a dispatcher's cancel refuses every step the
// technician took since, and each is one decision about one ticket.
// Conflicts about no ticket stay apart.
func groupByTicket(cs []app.Conflict) [][]app.Conflict {
	var groups [][]app.Conflict
	at := map[app.TicketID]int{}
	for _, c := range cs {
		if i, ok := at[c.Ticket]; ok && c.Ticket != "" {
			groups[i] = append(groups[i], c)
			continue
		}
		at[c.Ticket] = len(groups)
		groups = append(groups, []app.Conflict{c})
	}
	return groups
}

// droppable reports whether the technician's decision on c is to drop
// their change (the refused kinds), which "Drop all" does at once.
func droppable(c app.Conflict) bool {
	return c.Kind == app.ConflictRejected || c.Kind == app.ConflictStaleEpoch
}

// ticketCard shows the conflicts of one ticket: each change with its own
// decisions and, when several of the ticket's changes were refused, one
// button that drops them all.
func (in *conflictInbox) ticketCard(g []app.Conflict, cc conflictContext) fyne.CanvasObject {
	box := container.NewVBox()
	var drop []app.Conflict
	cancelled := false
	said := ""
	for i, c := range g {
		if i > 0 {
			box.Add(widget.NewSeparator())
		}
		card, why := in.change(c, cc, said)
		box.Add(card)
		said = why
		if droppable(c) {
			drop = append(drop, c)
		}
		tk, known := cc.tickets[c.Ticket]
		cancelled = cancelled || c.Kind == app.ConflictStaleEpoch && c.Theirs == app.StaleCancelled || known && tk.Status == app.StatusCancelled
	}
	if cancelled && len(drop) > 0 {
		// PROTOCOL.md: evidence on a cancelled ticket still the
		// technician's is applied; only the steps and edits are refused.
		box.Add(lowLabel(lang.X("conflicts.facts_kept", "Parts you fitted, repairs you logged, photos and notes on this ticket were kept: they are facts, not among these changes.")))
	}
	if len(drop) < 2 {
		return widget.NewCard("", "", box)
	}
	number := ticketNumber(drop[0], cc)
	title := lang.X("conflicts.drop_all", "Drop all my changes on this ticket")
	all := widget.NewButton(title, nil)
	all.Importance = widget.DangerImportance
	all.OnTapped = func() {
		// Dropping cannot be taken back: dispatch no longer sees them.
		_, ask, do := dropAllTexts(len(drop), number)
		confirmAction(in.deps.Dialogs, title, ask, do, lang.X("conflicts.keep_open", "Leave it for dispatch"), true, func() {
			all.Disable()
			in.deps.Run(func() {
				var err error
				for _, c := range drop {
					if err = in.deps.Conflicts.ResolveConflict(in.deps.Ctx, c.ID, app.ResolveDismissed); err != nil {
						break // the same failure would stop the next: say it once
					}
				}
				fyne.Do(func() { in.resolved(all, err) })
			})
		})
	}
	headText, _, _ := dropAllTexts(len(drop), number)
	head := widget.NewLabel(headText)
	head.Wrapping = fyne.TextWrapWord
	head.TextStyle.Bold = true
	return widget.NewCard("", "", container.NewVBox(head, box, container.NewHBox(all)))
}

// ticketNumber is the number of c's ticket as the device knows it, else
// as the conflict names it, else its ID.
func ticketNumber(c app.Conflict, cc conflictContext) string {
	if tk, ok := cc.tickets[c.Ticket]; ok && tk.Number != "" {
		return tk.Number
	}
	if n, ok := c.Data["Number"].(string); ok && n != "" {
		return n // a ticket no longer on the device: the conflict names it
	}
	return string(c.Ticket)
}

// byText is who did something as a technician reads it: an office
// console user by their login, without the "console:" the service records
// it under ("Changed by console:zhou.min" read as a machine's name); any
// other name as recorded.
func byText(by string) string {
	if login, ok := app.ConsoleLogin(by); ok && login != "" {
		return login
	}
	return by
}

// editedFields names the fields a ticket.update (mutation full name,
// arguments) sets, for a refused one from the mutation its conflict keeps
// and for one waiting to be sent: "Edit of the ticket" alone does not say
// which.
func editedFields(name string, args []byte) string {
	if !strings.HasPrefix(name, "ticket.update.") || len(args) == 0 {
		return ""
	}
	var u app.UpdateTicket
	if json.Unmarshal(args, &u) != nil {
		return ""
	}
	s := u.Set
	var names []string
	for _, f := range []struct {
		set  bool
		name string
	}{
		{s.Diagnosis != nil, lang.X("ticket.diagnosis", "Diagnosis")},
		{s.ResolutionCode != nil, lang.X("ticket.resolution", "Resolution")},
		{s.Condition != nil, lang.X("checkin.condition", "Condition")},
		{s.LabourMinutes != nil, lang.X("warranty.line.labour", "Labour")},
		{s.Serial != nil, lang.X("ticket.serial", "Serial / IMEI")},
		{s.PurchaseDate != nil, lang.X("ticket.purchased", "Purchased")},
		{s.ProofOfPurchase != nil, lang.X("checkin.proof", "Proof of purchase")},
		{s.ManufactureDate != nil, lang.X("conflicts.manufacture_date", "Manufacture date")},
		{s.CustomerPhone != nil, lang.X("checkin.phone", "Phone")},
		{s.CustomerAddress != nil, lang.X("ticket.address", "Address")},
		{s.PromisedAt != nil, lang.X("ticket.promised", "Promised for")},
	} {
		if f.set {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, lang.X("history.separator", ", "))
}

// changeText names a change as a technician knows it, with the fields
// an edit of the ticket sets: "Edit of the ticket: Phone", "修改工单：电话"
// (the sync page wrote "修改工单: 电话", an English colon in Chinese).
func changeText(name string, args []byte) string {
	what := mutationText(name)
	f := editedFields(name, args)
	if f == "" {
		f = noteWords(name, args)
	}
	if f != "" {
		return lang.X("change.fields", "{{.Change}}: {{.Fields}}", map[string]any{"Change": what, "Fields": f})
	}
	return what
}

// maxNoteWords bounds the characters of a note a change's name quotes.
const maxNoteWords = 80

// noteWords is the text of the note a note.add (mutation full name,
// arguments) adds, its first maxNoteWords characters: a refused note
// named only "Note" left the technician to guess which of the day's
// notes dropping it would lose (walk6). "" for any other change.
func noteWords(name string, args []byte) string {
	if !strings.HasPrefix(name, "note.add.") {
		return ""
	}
	var a struct {
		Note struct{ Text string } `json:"note"`
	}
	if json.Unmarshal(args, &a) != nil {
		return ""
	}
	text := strings.Join(strings.Fields(a.Note.Text), " ")
	if r := []rune(text); len(r) > maxNoteWords {
		text = string(r[:maxNoteWords]) + "…"
	}
	return text
}

// staleText says which of reassignment or cancellation made the work
// stale, and dispatch's value: as the service says (Theirs), or for a
// conflict from a service that does not say, from the ticket as the last
// sync left it: cancelled, or gone from the device or someone else's.
func staleText(c app.Conflict, number string, tk app.Ticket, known bool) (what, theirs string) {
	if c.Theirs == app.StaleCancelled || c.Theirs == "" && known && tk.Status == app.StatusCancelled {
		theirs = statusText(app.StatusCancelled)
		if known && tk.Status == app.StatusCancelled && tk.StatusReason != "" {
			theirs += " · " + tk.StatusReason // dispatch's reason
		}
		return lang.X("conflict.stale_cancelled", "Dispatch cancelled ticket {{.Number}} while you worked on it; your change was not applied.", map[string]any{"Number": number}), theirs
	}
	if c.Theirs == app.StaleReassigned || !known || tk.Technician != c.Technician {
		return lang.X("conflict.stale_reassigned", "Dispatch reassigned ticket {{.Number}} to someone else while you worked on it; your change was not applied.", map[string]any{"Number": number}),
			lang.X("conflict.stale_reassigned_value", "Assigned to another technician")
	}
	// Reassigned and given back, or rescheduled: the epoch moved on.
	return lang.X(c.Key, c.Message, c.Data), ""
}

// change shows one conflict: what happened, both values, who and when,
// and the resolutions that make sense for its kind. It returns what
// happened as it says it (why); said is the why of the conflict shown
// above it on the same ticket's card, and when the two are the same the
// card does not say it again, nor that dispatch may still apply the
// change: a reassigned ticket's four refused steps read the same two
// sentences four times (walk6's French phone).
func (in *conflictInbox) change(c app.Conflict, cc conflictContext, said string) (card fyne.CanvasObject, why string) {
	tk, known := cc.tickets[c.Ticket]
	key, message, data := c.Reason(app.PlaceNames{
		Location: func(id app.LocationID) string { return cc.locations[id] },
		Shipment: func(id string) string { return cc.shipments[id] },
	})
	field := c.Field
	if row, named := sharedFieldText(c.Field); row != "" {
		// The service names the field by its wire name
		// ("customer_phone"): say which, in the user's language.
		field = row
		if _, ok := data["Field"]; ok {
			data["Field"] = named
		}
	}
	for k, n := range app.SizesOf(data) {
		data[k] = sizeText(n) // a refused signature's report limit: "32Ko"
	}
	for k, x := range app.NumbersOf(data) {
		data[k] = numberText(x)
	}
	text, named := stepRefusalText(key, data)
	if !named {
		text = lang.X(key, message, data)
	}
	ours, theirs := c.Ours, c.Theirs
	if c.Kind != app.ConflictField {
		// A refused change holds the mutation's arguments: name the change.
		ours = changeText(c.Name, []byte(c.Ours))
		if c.Kind != app.ConflictClock && c.Kind != app.ConflictNegativeStock {
			theirs = ""
		}
	}
	fieldLabel, theirsLabel := lang.X("conflicts.field", "Field"), lang.X("conflicts.theirs", "Theirs")
	if c.Kind == app.ConflictNegativeStock {
		// Its field is a part, and its other value the balance the fit
		// left: "Field GH82-23877D, Theirs -1" under "Yours: Fit part"
		// read as a quarrel over a field (walk4's Spanish counter walk).
		// A unit's conflict names the unit and both places in its
		// heading: its "-1" is no balance to show.
		fieldLabel, theirsLabel = lang.X("part.number", "Part number"), lang.X("conflicts.stock_now", "Stock now")
		if c.Key != "conflict.negative_stock" {
			theirs = ""
		}
	}
	number := ticketNumber(c, cc)
	theirsBy := c.TheirsBy
	when := c.At
	if at, ok := cc.done[c.Mutation]; ok {
		when = at // when the technician did it, maybe offline long before
	}
	if c.Kind == app.ConflictStaleEpoch {
		text, theirs = staleText(c, number, tk, known)
	} else if c.Kind == app.ConflictRejected && known && tk.Status == app.StatusCancelled {
		// Refused because dispatch cancelled the ticket meanwhile: say
		// what dispatch did and who, as for the refused steps beside it.
		theirs = statusText(app.StatusCancelled)
		if tk.StatusReason != "" {
			theirs += " · " + tk.StatusReason
		}
		if theirsBy == "" {
			theirsBy = tk.EpochBy
		}
	}
	again := text == said
	box := container.NewVBox()
	if !again {
		what := widget.NewLabel(text)
		what.Wrapping = fyne.TextWrapWord
		what.TextStyle.Bold = true
		box.Add(what)
	}
	box.Add(fields(
		lang.X("conflicts.ticket", "Ticket"), number,
		fieldLabel, field,
		lang.X("conflicts.ours", "Yours"), ours,
		theirsLabel, theirs,
		lang.X("conflicts.theirs_by", "Changed by"), byText(theirsBy),
		lang.X("conflicts.when", "When"), timeText(in.deps.Zone, when),
	))
	choices := container.NewHBox()
	add := func(label, resolution string, important bool, confirm func(ok func())) {
		b := widget.NewButton(label, nil)
		if important {
			b.Importance = widget.HighImportance
		}
		send := func() {
			b.Disable()
			in.deps.Run(func() {
				err := in.deps.Conflicts.ResolveConflict(in.deps.Ctx, c.ID, resolution)
				fyne.Do(func() { in.resolved(b, err) })
			})
		}
		b.OnTapped = func() {
			if confirm == nil {
				send()
				return
			}
			confirm(send)
		}
		choices.Add(b)
	}
	// A technician keeps or gives up their own value; applying a refused
	// change after all is dispatch's call, so such conflicts stay open
	// for dispatch until the technician drops the change.
	switch c.Kind {
	case app.ConflictField:
		// Mine may be the value dispatch replaced: put it back.
		add(lang.X("conflicts.keep_mine", "Keep mine"), app.ResolveAcceptOurs, true, nil)
		add(lang.X("conflicts.take_theirs", "Take theirs"), app.ResolveAcceptTheirs, false, nil)
	case app.ConflictRejected, app.ConflictStaleEpoch:
		if !again {
			box.Add(lowLabel(lang.X("conflicts.dispatch_decides", "Dispatch can still apply your change: leave this open for them, or drop it.")))
		}
		drop := lang.X("conflicts.drop", "Drop my change")
		add(drop, app.ResolveDismissed, false, func(ok func()) {
			// Dropping cannot be taken back: dispatch no longer sees it.
			confirmAction(in.deps.Dialogs, drop,
				lang.X("conflicts.drop_confirm", "Your change ({{.Change}}) will be discarded for good and dispatch can no longer apply it.", map[string]any{"Change": ours}),
				drop, lang.X("conflicts.keep_open", "Leave it for dispatch"), true, ok)
		})
	default:
		add(lang.X("conflicts.acknowledge", "Acknowledge"), app.ResolveDismissed, true, nil)
	}
	box.Add(choices)
	return box, text
}

// resolved reports a decision's outcome; UI goroutine.
func (in *conflictInbox) resolved(b *widget.Button, err error) {
	if err == nil {
		in.deps.Decided(lang.X("conflicts.resolved", "Decision sent; the next sync brings the result."))
		return
	}
	b.Enable()
	msg := errorText(err)
	if app.ErrorCode(err) == app.EOFFLINE && app.AsError(err).Key != "sync.work_offline_decide" {
		msg = lang.X("conflicts.offline", "Deciding a conflict needs a connection to the server. Try again when you are online.")
	}
	in.deps.Notify(true, msg)
	in.problem(msg)
}

// mutationText names a change for a person, from its mutation name such as
// "ticket.complete.v1".
func mutationText(full string) string {
	name := full
	if i := strings.LastIndex(name, ".v"); i > 0 {
		name = name[:i]
	}
	if a, ok := strings.CutPrefix(name, "ticket."); ok {
		for _, x := range app.Actions {
			if string(x) == a {
				return actionText(x)
			}
		}
	}
	switch name {
	case "ticket.create":
		return lang.X("change.create", "Check-in")
	case "ticket.assign":
		return lang.X("change.assign", "Assignment")
	case "ticket.schedule":
		return lang.X("change.schedule", "Appointment")
	case "stock.return_defective":
		return lang.X("change.return_defective", "Defective part returned")
	case "stock.receive":
		return lang.X("change.receive", "Stock received")
	case "stock.transfer":
		return lang.X("change.transfer", "Stock transfer")
	case "stock.adjust":
		return lang.X("change.adjust", "Stock count")
	case "ticket.update":
		return lang.X("change.update", "Edit of the ticket")
	case "notice.send":
		return lang.X("change.notice", "Customer notice")
	case "ticket.passcode":
		return lang.X("change.passcode", "Device passcode")
	case "repair.log":
		return lang.X("repair.add", "Log repair")
	case "stock.consume":
		return lang.X("parts.fit", "Fit part")
	case "photo.attach":
		return lang.X("photos.add", "Add photo")
	case "note.add":
		return lang.X("change.note", "Note")
	case "signature.record":
		return lang.X("change.signature", "Customer sign-off")
	case "payment.record":
		return lang.X("change.payment", "Payment")
	case "payment.refund":
		return lang.X("change.refund", "Refund")
	case "estimate.issue":
		return lang.X("change.estimate", "Estimate")
	case "estimate.decide":
		return lang.X("change.estimate_decision", "Customer's answer to an estimate")
	case "part.request":
		return lang.X("change.part_request", "Part request")
	case "part.cancel_request":
		return lang.X("change.part_cancel", "Part request cancelled")
	case "part.decide_request":
		return lang.X("change.part_decision", "Office's answer to a part request")
	case "shipment.send":
		return lang.X("change.shipment_send", "Parts shipped")
	case "shipment.receive":
		return lang.X("change.shipment_receive", "Parcel received")
	}
	return name
}

// sharedFieldText names a shared ticket field of a field conflict (its
// wire name, app.FieldCustomerPhone or app.FieldCustomerAddress) as a
// row's label reads it and as a sentence does; "" for another name.
func sharedFieldText(field string) (row, inSentence string) {
	switch field {
	case app.FieldCustomerPhone:
		return lang.X("checkin.phone", "Phone"), lang.X("conflicts.field_phone", "the customer's phone")
	case app.FieldCustomerAddress:
		return lang.X("ticket.address", "Address"), lang.X("conflicts.field_address", "the customer's address")
	}
	return "", ""
}

// dropAllTexts are what a ticket's card of n refused changes says: its
// head, the question before dropping them all, and the red button's
// label, the count grouped as the language groups digits (countText).
func dropAllTexts(n int, number string) (head, ask, do string) {
	data := map[string]any{"Count": countText(n), "Number": number}
	head = lang.XN("conflicts.ticket_changes", "Ticket {{.Number}}: {{.Count}} of your changes were not applied.", n, data)
	ask = lang.XN("conflicts.drop_all_confirm", "Your {{.Count}} changes on ticket {{.Number}} will be discarded for good and dispatch can no longer apply them.", n, data)
	do = lang.X("conflicts.drop_all_do", "Drop all {{.Count}} changes", data)
	return head, ask, do
}

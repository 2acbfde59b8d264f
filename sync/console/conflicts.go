package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// maxConflictsShown bounds the inbox's page: the oldest beyond it wait
// until the newer are decided (the page says how many are left out).
const maxConflictsShown = 200

// A conflict names two places at most (app.Conflict.Places): the page's
// are read at once (placeNames). This fails to compile if they could not.
const _ = uint(central.MaxPlaceNames - 2*maxConflictsShown)

var conflictKindTexts = map[app.ConflictKind]textKey{
	app.ConflictRejected:         {Key: "console.conflicts.kind.rejected", Message: "Change refused"},
	app.ConflictStaleEpoch:       {Key: "console.conflicts.kind.stale_epoch", Message: "Work on a reassigned or cancelled ticket"},
	app.ConflictField:            {Key: "console.conflicts.kind.field", Message: "Both sides changed a field"},
	app.ConflictNegativeStock:    {Key: "console.conflicts.kind.negative_stock", Message: "Stock below zero"},
	app.ConflictClock:            {Key: "console.conflicts.kind.clock", Message: "Device clock ahead"},
	app.ConflictDuplicateReceipt: {Key: "console.conflicts.kind.duplicate_receipt", Message: "Receipt number used twice"},
}

func conflictKindText(cat *translations.Catalog, k app.ConflictKind) string {
	return textOf(cat, conflictKindTexts, k, string(k))
}

var fieldTexts = map[string]textKey{
	app.FieldCustomerPhone:   {Key: "console.conflicts.field.customer_phone", Message: "the customer's phone"},
	app.FieldCustomerAddress: {Key: "console.conflicts.field.customer_address", Message: "the customer's address"},
}

func fieldText(cat *translations.Catalog, f string) string {
	if f == "" {
		return ""
	}
	return textOf(cat, fieldTexts, f, f)
}

// changeTexts name a held change by its mutation, as the terminal does.
var changeTexts = map[string]textKey{
	"ticket.depart":          {Key: "action.depart", Message: "On my way"},
	"ticket.arrive":          {Key: "action.arrive", Message: "Arrived"},
	"ticket.start":           {Key: "action.start", Message: "Start work"},
	"ticket.wait_parts":      {Key: "action.wait_parts", Message: "Wait for parts"},
	"ticket.resume":          {Key: "action.resume", Message: "Resume work"},
	"ticket.complete":        {Key: "action.complete", Message: "Complete"},
	"ticket.fail":            {Key: "action.fail", Message: "Cannot complete"},
	"ticket.cancel":          {Key: "action.cancel", Message: "Cancel ticket"},
	"ticket.close":           {Key: "action.close", Message: "Hand back and close"},
	"ticket.reopen":          {Key: "action.reopen", Message: "Reopen"},
	"ticket.create":          {Key: "change.create", Message: "Check-in"},
	"ticket.assign":          {Key: "change.assign", Message: "Assignment"},
	"ticket.schedule":        {Key: "change.schedule", Message: "Appointment"},
	"ticket.update":          {Key: "change.update", Message: "Edit of the ticket"},
	"ticket.passcode":        {Key: "change.passcode", Message: "Device passcode"},
	"stock.return_defective": {Key: "change.return_defective", Message: "Defective part returned"},
	"stock.receive":          {Key: "change.receive", Message: "Stock received"},
	"stock.transfer":         {Key: "change.transfer", Message: "Stock transfer"},
	"stock.adjust":           {Key: "change.adjust", Message: "Stock count"},
	"stock.consume":          {Key: "parts.fit", Message: "Fit part"},
	"notice.send":            {Key: "change.notice", Message: "Customer notice"},
	"repair.log":             {Key: "repair.add", Message: "Log repair"},
	"photo.attach":           {Key: "photos.add", Message: "Add photo"},
	"note.add":               {Key: "change.note", Message: "Note"},
	"signature.record":       {Key: "change.signature", Message: "Customer sign-off"},
	"payment.record":         {Key: "change.payment", Message: "Payment"},
	"payment.refund":         {Key: "change.refund", Message: "Refund"},
	"estimate.issue":         {Key: "change.estimate", Message: "Estimate"},
	"estimate.decide":        {Key: "change.estimate_decision", Message: "Customer's answer to an estimate"},
}

// changeText names the change a conflict holds (its mutation's full
// name, "ticket.complete.v1", and its arguments): an edit of the ticket
// with the fields it sets, as the terminal's card does.
func changeText(cat *translations.Catalog, full, args string) string {
	name := full
	if i := strings.LastIndex(name, ".v"); i > 0 {
		name = name[:i]
	}
	text := textOf(cat, changeTexts, name, name)
	var u app.UpdateTicket
	if name != "ticket.update" || json.Unmarshal([]byte(args), &u) != nil {
		return text
	}
	f := u.Set
	var fields []string
	for _, e := range []struct {
		set  bool
		text textKey
	}{
		{f.Diagnosis != nil, textKey{Key: "ticket.diagnosis", Message: "Diagnosis"}},
		{f.ResolutionCode != nil, textKey{Key: "ticket.resolution", Message: "Resolution"}},
		{f.Condition != nil, textKey{Key: "checkin.condition", Message: "Condition"}},
		{f.LabourMinutes != nil, textKey{Key: "warranty.line.labour", Message: "Labour"}},
		{f.Serial != nil, textKey{Key: "ticket.serial", Message: "Serial / IMEI"}},
		{f.PurchaseDate != nil, textKey{Key: "ticket.purchased", Message: "Purchased"}},
		{f.ProofOfPurchase != nil, textKey{Key: "checkin.proof", Message: "Proof of purchase"}},
		{f.ManufactureDate != nil, textKey{Key: "conflicts.manufacture_date", Message: "Manufacture date"}},
		{f.CustomerPhone != nil, textKey{Key: "checkin.phone", Message: "Phone"}},
		{f.CustomerAddress != nil, textKey{Key: "ticket.address", Message: "Address"}},
		{f.PromisedAt != nil, textKey{Key: "ticket.promised", Message: "Promised for"}},
	} {
		if e.set {
			fields = append(fields, e.text.in(cat))
		}
	}
	if len(fields) == 0 {
		return text
	}
	list := fields[0]
	for _, f := range fields[1:] {
		// Chinese lists with "、", not the English ", ".
		list = cat.Text("console.list_more", "{{.List}}, {{.Item}}", map[string]any{"List": list, "Item": f})
	}
	return labelValue(cat, text, list)
}

// decision is a button of a conflict: a resolution the protocol allows
// for its kind, in words.
type decision struct {
	Resolution, Text string
	Primary          bool
	// Confirm asks before a decision that throws away what a technician
	// recorded (it cannot be taken back): the button opens the question
	// and a red button, ConfirmButton, decides.
	Confirm, ConfirmButton string
}

// conflictView is one conflict of the inbox.
type conflictView struct {
	ID           string
	Kind         string
	What         string // what happened, in words
	TicketHref   string // the ticket's page, "" when the session may not see it
	TicketNumber string
	Action       string // the decision form's URL
	Technician   string
	Device       string // the device's name, its ID when the service has no such device
	StockHref    string // negative stock: the page listing every negative balance
	At           time.Time
	// Both sides: their labels and values ("" when the kind has none).
	OursLabel, Ours     string
	TheirsLabel, Theirs string
	TheirsBy            person
	// CancelReason is why dispatch cancelled the ticket the held work
	// came for: what a dispatcher weighs to apply the work after all or
	// drop it.
	CancelReason string
	// Blocked says why the held change can no longer be applied
	// (app.HeldChangeBlocked): the page offers only to drop it.
	Blocked   string
	Open      bool
	Decisions []decision
	// A decided conflict: who, what and when.
	DecidedBy person
	Decision  string
	DecidedAt time.Time
}

// conflictsPage is the data of templates/conflicts.html.
type conflictsPage struct {
	State     string // "open", "decided" or "all"
	Conflicts []conflictView
	Total     int    // conflicts matching the filter, of which Conflicts shows the first maxConflictsShown
	More      string // says how many are left out, when Total > len(Conflicts)
	MayDecide bool
	Error     string // a refused decision, in words
}

var conflictStates = map[string]bool{"open": true, "decided": true, "all": true}

// showConflicts is GET /conflicts[?state=open|decided|all]: the inbox,
// open conflicts first, newest first within each.
func (c *Console) showConflicts(w http.ResponseWriter, r *http.Request, s *Session) error {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	if !conflictStates[state] {
		return app.Errorf(app.EINVALID, "console.conflicts.bad_state", "Show open, decided or all conflicts: choose one of the filters.")
	}
	p, err := c.conflictsData(r.Context(), s, state)
	if err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "conflicts", p)
}

// visibleConflicts lists the conflicts the session may see (a store
// manager: those of their store's tickets), open first, and the session's
// tickets by ID.
func (c *Console) visibleConflicts(ctx context.Context, s *Session) ([]app.Conflict, map[app.TicketID]app.Ticket, error) {
	ts, err := c.tickets(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	tickets := make(map[app.TicketID]app.Ticket, len(ts))
	for _, t := range ts {
		tickets[t.ID] = t
	}
	all, err := c.db.Conflicts(ctx, s.Tenant, false)
	if err != nil {
		return nil, nil, err
	}
	var open, decided []app.Conflict
	for _, cf := range all {
		if _, ok := tickets[cf.Ticket]; !ok && s.Role == RoleStoreManager {
			continue
		}
		if cf.Open() {
			open = append(open, cf)
		} else {
			decided = append(decided, cf)
		}
	}
	return append(open, decided...), tickets, nil
}

func (c *Console) conflictsData(ctx context.Context, s *Session, state string) (conflictsPage, error) {
	p := conflictsPage{State: state, MayDecide: s.Role.may(permDispatch)}
	cs, tickets, err := c.visibleConflicts(ctx, s)
	if err != nil {
		return p, err
	}
	names := c.technicianNames(ctx, s.Tenant)
	devs, err := c.db.Devices(ctx, s.Tenant)
	if err != nil {
		return p, err
	}
	devices := make(map[app.DeviceID]central.Device, len(devs))
	for _, d := range devs {
		devices[d.ID] = d
	}
	var shown []app.Conflict
	for _, cf := range cs {
		if state == "open" && !cf.Open() || state == "decided" && cf.Open() {
			continue
		}
		p.Total++
		if len(shown) < maxConflictsShown {
			shown = append(shown, cf)
		}
	}
	places, err := c.placeNames(ctx, s.Tenant, shown)
	if err != nil {
		return p, err
	}
	people, err := c.conflictPeople(ctx, s, names, shown)
	if err != nil {
		return p, err
	}
	for _, cf := range shown {
		p.Conflicts = append(p.Conflicts, conflictOn(s.T, cf, tickets, names, people, devices, places, p.MayDecide))
	}
	if p.Total > len(p.Conflicts) {
		p.More = pluralText(s.T, "console.conflicts.more", "Showing {{.Shown}} of {{.Total}}: decide these to see the rest.", p.Total, map[string]any{"Shown": len(p.Conflicts), "Total": p.Total})
	}
	return p, nil
}

// person is someone a conflict names as who changed the server's side
// (TheirsBy) or who decided it (ResolvedBy): Name as people know them,
// ID as the service recorded them (a console user's login, or the
// actor's name as it stands: a technician's ID, an admin token's or a
// device's name). The page shows the name, the
// ID in its title, and the ID beside it too where two people on the page
// share the name.
type person struct {
	Name, ID string
	Shared   bool   // another person on the page has this name
	Shown    string // the name with the ID beside it when Shared, in the page's language (aside)
}

// String is the person as a sentence names them.
func (p person) String() string {
	if p.Shown != "" {
		return p.Shown
	}
	return p.Name
}

// personOf is the person an actor's name stands for; an actor people
// does not know (none) is shown as recorded.
func personOf(people map[string]person, actor string) person {
	if p, ok := people[actor]; ok {
		return p
	}
	return person{Name: actor, ID: actor}
}

// conflictPeople turns the actors the conflicts cs name into people: a
// console user ("console:<login>", Session.Principal) by their name, an
// actor that is a technician's ID by the technician's name, an admin
// token's name said to be one (a script or integration acting through
// the API: "demo-admin" alone told a dispatcher nothing), anything else
// (a device's name) as it is. A page shows maxConflictsShown conflicts,
// so this reads at most two actors per conflict, each once, and the
// tenant's admin tokens once when an actor is none of the others.
func (c *Console) conflictPeople(ctx context.Context, s *Session, techNames func(app.TechnicianID) string, cs []app.Conflict) (map[string]person, error) {
	out := map[string]person{}
	var tokens map[string]bool // read when first needed
	for _, cf := range cs {
		for _, actor := range []string{cf.TheirsBy, cf.ResolvedBy} {
			if _, done := out[actor]; done || actor == "" {
				continue
			}
			p := person{Name: actor, ID: actor}
			if login, ok := strings.CutPrefix(actor, consoleActor); ok {
				p.ID, p.Name = login, login
				u, err := c.db.ConsoleUser(ctx, s.Tenant, login)
				switch {
				case err == nil && u.Name != "":
					p.Name = u.Name
				case err != nil && app.ErrorCode(err) != app.ENOTFOUND: // a user removed since keeps their login
					return nil, err
				}
			} else if p.Name = techNames(app.TechnicianID(actor)); p.Name == actor {
				if tokens == nil {
					ts, err := c.db.AdminTokens(ctx, s.Tenant)
					if err != nil {
						return nil, err
					}
					tokens = make(map[string]bool, len(ts))
					for _, t := range ts {
						tokens[t.Name] = true
					}
				}
				if tokens[actor] {
					p.Name = s.T.Text("console.conflicts.admin_token", "{{.}} (an API token)", actor)
				}
			}
			out[actor] = p
		}
	}
	ids := map[string]map[string]bool{} // name → the IDs of the people so named
	for _, p := range out {
		if ids[p.Name] == nil {
			ids[p.Name] = map[string]bool{}
		}
		ids[p.Name][p.ID] = true
	}
	for actor, p := range out {
		p.Shared = len(ids[p.Name]) > 1
		if p.Shared {
			p.Shown = aside(s.T, p.Name, p.ID)
		}
		out[actor] = p
	}
	return out, nil
}

// placeNames reads the names of the stock locations and shipments the
// conflicts cs name (app.Conflict.Places), and only those: a tenant's
// locations are thousands of vans and stores. A conflict names two places
// at most, so a page of maxConflictsShown reads them in one statement.
func (c *Console) placeNames(ctx context.Context, tenant string, cs []app.Conflict) (app.PlaceNames, error) {
	var locations []app.LocationID
	var shipments []string
	seenLoc, seenShip := map[app.LocationID]bool{}, map[string]bool{}
	for _, cf := range cs {
		ls, ss := cf.Places()
		for _, l := range ls {
			if !seenLoc[l] {
				seenLoc[l] = true
				locations = append(locations, l)
			}
		}
		for _, sh := range ss {
			if !seenShip[sh] {
				seenShip[sh] = true
				shipments = append(shipments, sh)
			}
		}
	}
	locNames, shipLabels, err := c.db.PlaceNames(ctx, tenant, locations, shipments)
	if err != nil {
		return app.PlaceNames{}, err
	}
	return app.PlaceNames{
		Location: func(id app.LocationID) string { return locNames[id] },
		Shipment: func(id string) string { return shipLabels[id] },
	}, nil
}

// conflictOn puts a conflict in words for the office: what happened, both
// values, who and when, and the decisions the protocol allows for its
// kind (docs/PROTOCOL.md, "Conflicts").
func conflictOn(cat *translations.Catalog, cf app.Conflict, tickets map[app.TicketID]app.Ticket, names func(app.TechnicianID) string, people map[string]person, devices map[app.DeviceID]central.Device, places app.PlaceNames, mayDecide bool) conflictView {
	v := conflictView{ID: cf.ID, Kind: conflictKindText(cat, cf.Kind), Device: string(cf.Device), At: cf.At,
		Action:   "/conflicts/" + url.PathEscape(cf.ID) + "/resolve",
		TheirsBy: personOf(people, cf.TheirsBy), Open: cf.Open(), DecidedBy: personOf(people, cf.ResolvedBy), DecidedAt: cf.ResolvedAt}
	if n := devices[cf.Device].Name; n != "" {
		v.Device = n
	}
	if t, ok := tickets[cf.Ticket]; ok {
		v.TicketNumber, v.TicketHref = t.Number, ticketHref(t.ID)
	}
	tech := cat.Text("console.conflicts.a_technician", "A technician", nil)
	if cf.Technician != "" {
		tech = names(cf.Technician)
		v.Technician = tech
	}
	number := v.TicketNumber
	change := changeText(cat, cf.Name, cf.Ours)
	// Stock locations and shipments by the names people know them by,
	// also in a conflict stored with their IDs, and in a balance's
	// conflict, which holds the ID.
	key, message, said := cf.Reason(places)
	for k, n := range app.SizesOf(said) {
		said[k] = cat.Size(n) // a refused signature's report limit: "32Ko"
	}
	reason := cat.Text(key, message, said)
	// Who made the change is the technician of the device that sent it:
	// a field conflict follows its ticket to whoever holds it now
	// (PROTOCOL "Conflicts"), and read "Tech Two changed the phone"
	// of Tech One's change once dispatch gave the ticket to Tech Two.
	author := tech
	if d := devices[cf.Device].Technician; d != "" && names(d) != "" {
		author = names(d)
	}
	data := map[string]any{"Technician": author, "Number": number, "Change": change, "Reason": reason, "Field": fieldText(cat, cf.Field), "By": v.TheirsBy.String()}
	switch cf.Kind {
	case app.ConflictField:
		if cf.Key == "conflict.field_dispatch" {
			v.What = cat.Text("console.conflicts.what.field_dispatch", "{{.By}} changed {{.Field}} on ticket {{.Number}} without seeing the technician's value; the office's value was applied.", data)
			v.OursLabel = cat.Text("console.conflicts.value.technician", "Technician's value", nil)
			v.TheirsLabel = cat.Text("console.conflicts.value.office", "Office's value", nil)
		} else {
			v.What = cat.Text("console.conflicts.what.field", "{{.Technician}} changed {{.Field}} on ticket {{.Number}} without seeing the value on the server; the technician's value was applied.", data)
			v.OursLabel = cat.Text("console.conflicts.value.technician", "Technician's value", nil)
			v.TheirsLabel = cat.Text("console.conflicts.value.replaced", "Value it replaced", nil)
		}
		v.Ours, v.Theirs = cf.Ours, cf.Theirs
	case app.ConflictStaleEpoch:
		if cf.Theirs == app.StaleCancelled {
			v.What = cat.Text("console.conflicts.what.stale_cancelled", "{{.Technician}} worked on ticket {{.Number}} after it was cancelled; their change is held until you decide.", data)
			v.Theirs = textOf(cat, statusTexts, app.StatusCancelled, "cancelled")
			// Cancelled is final (app's state machine): the ticket's
			// reason is still the cancel's.
			if t, ok := tickets[cf.Ticket]; ok && t.Status == app.StatusCancelled {
				v.CancelReason = t.StatusReason
			}
		} else {
			v.What = cat.Text("console.conflicts.what.stale_reassigned", "{{.Technician}} worked on ticket {{.Number}} after it was reassigned; their change is held until you decide.", data)
			v.Theirs = cat.Text("console.conflicts.reassigned", "Reassigned", nil)
		}
		v.OursLabel = cat.Text("console.conflicts.value.held", "Held change", nil)
		v.TheirsLabel = cat.Text("console.conflicts.value.meanwhile", "Meanwhile", nil)
		v.Ours = change
	case app.ConflictRejected:
		v.What = cat.Text("console.conflicts.what.rejected", "{{.Technician}}'s change was refused: {{.Reason}}", data)
		v.OursLabel = cat.Text("console.conflicts.value.held", "Held change", nil)
		v.Ours = change
	case app.ConflictNegativeStock:
		v.What = reason
		v.StockHref = "/stock/negative"
		v.TheirsLabel = cat.Text("console.conflicts.value.balance", "Balance", nil)
		v.Theirs = cf.Theirs
	case app.ConflictClock:
		v.What = cat.Text("console.conflicts.what.clock", "{{.Technician}}'s device sent a time far ahead of the server's: check the times it recorded, and the device's clock.", data)
		v.OursLabel = cat.Text("console.conflicts.value.device_time", "Device's time", nil)
		v.TheirsLabel = cat.Text("console.conflicts.value.server_time", "Server's time", nil)
		v.Ours, v.Theirs = cf.Ours, cf.Theirs
	case app.ConflictDuplicateReceipt:
		v.What = reason
		v.OursLabel = cat.Text("console.conflicts.value.payment", "This payment", nil)
		v.TheirsLabel = cat.Text("console.conflicts.value.first_payment", "First payment with the number", nil)
		v.Ours, v.Theirs = cf.Ours, cf.Theirs
	default:
		v.What = reason
	}
	if !v.Open {
		v.Decision = textOf(cat, resolutionTexts, cf.Resolution, cf.Resolution)
		return v
	}
	if !mayDecide {
		return v
	}
	switch cf.Kind {
	case app.ConflictField:
		v.Decisions = []decision{
			{Resolution: app.ResolveAcceptOurs, Text: cat.Text("console.conflicts.use", "Use “{{.Value}}”", map[string]any{"Value": cf.Ours}), Primary: true},
			{Resolution: app.ResolveAcceptTheirs, Text: cat.Text("console.conflicts.use", "Use “{{.Value}}”", map[string]any{"Value": cf.Theirs})},
			{Resolution: app.ResolveDismissed, Text: cat.Text("console.conflicts.leave", "Leave the value in force", nil)},
		}
	case app.ConflictRejected, app.ConflictStaleEpoch:
		if cf.Ours != "" {
			// Offered only where it can work: a departure for a ticket
			// cancelled meanwhile was offered, and refused once clicked.
			blocked := app.HeldChangeBlocked(cf, func(id app.TicketID) (app.Ticket, bool) { t, ok := tickets[id]; return t, ok })
			if blocked == nil {
				v.Decisions = append(v.Decisions, decision{Resolution: app.ResolveAcceptOurs, Text: cat.Text("console.conflicts.apply", "Apply the change after all", nil), Primary: true})
			} else {
				v.Blocked = blockedText(cat, app.AsError(blocked), cf)
			}
		}
		v.Decisions = append(v.Decisions, decision{Resolution: app.ResolveDismissed, Text: cat.Text("console.conflicts.drop", "Drop the change", nil),
			Confirm:       cat.Text("console.conflicts.drop_confirm", "The technician's change will not be applied, and this cannot be undone. The conflict stays under Decided.", nil),
			ConfirmButton: cat.Text("console.conflicts.drop_yes", "Yes, drop the change", nil)})
	default:
		v.Decisions = []decision{{Resolution: app.ResolveDismissed, Text: cat.Text("console.conflicts.acknowledge", "Mark as handled", nil), Primary: true}}
	}
	return v
}

var resolutionTexts = map[string]textKey{
	app.ResolveAcceptOurs:   {Key: "console.conflicts.resolution.accept_ours", Message: "Applied the device's side"},
	app.ResolveAcceptTheirs: {Key: "console.conflicts.resolution.accept_theirs", Message: "Kept the server's side"},
	app.ResolveDismissed:    {Key: "console.conflicts.resolution.dismissed", Message: "Closed without a change"},
}

// errNoConflict answers a conflict that is missing or outside the
// session's scope alike.
func errNoConflict(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.conflicts.not_found", "There is no conflict {{.ID}} here. Open the conflicts inbox and choose one listed there.", "ID", id)
}

// resolveConflict is POST /conflicts/{id}/resolve: dispatch's decision,
// through central.DB.ResolveConflict as the API's POST
// /v1/conflicts/{id}/resolve, with the same refusals (a conflict decided
// meanwhile is 409 conflict.closed, shown on the inbox).
func (c *Console) resolveConflict(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id := r.PathValue("id")
	state := r.PostFormValue("state")
	if !conflictStates[state] {
		state = "open"
	}
	cs, _, err := c.visibleConflicts(ctx, s)
	if err != nil {
		return err
	}
	var found *app.Conflict
	for i := range cs {
		if cs[i].ID == id {
			found = &cs[i]
			break
		}
	}
	if found == nil {
		return errNoConflict(id)
	}
	resolution := r.PostFormValue("resolution")
	_, err = c.db.ResolveConflict(ctx, s.Principal(), id, resolution)
	if err == nil {
		if err := c.audit(ctx, s, "conflict.resolve", id, resolution); err != nil {
			return err
		}
		if err := c.flash(w, r, s, "console.conflicts.decided", "Decided. The technician's device gets the decision at its next sync."); err != nil {
			return err
		}
		http.Redirect(w, r, "/conflicts?state="+url.QueryEscape(state), http.StatusSeeOther)
		return nil
	}
	if !app.Refused(err) {
		return err
	}
	// Refused (decided meanwhile, or the held change breaks a rule now):
	// the inbox again, saying why.
	p, perr := c.conflictsData(ctx, s, state)
	if perr != nil {
		return perr
	}
	p.Error = heldRefusalText(s.T, app.AsError(err), *found)
	return c.render(w, r, s, central.HTTPStatus(err), "conflicts", p)
}

// blockedText is why cf's held change can no longer be applied
// (app.HeldChangeBlocked's e), said before anyone tries: the change as
// the conflict names it, the ticket's status in words or the ticket
// gone, and what is left to do.
func blockedText(cat *translations.Catalog, e *app.Error, cf app.Conflict) string {
	change := changeText(cat, cf.Name, cf.Ours)
	if status, ok := e.Data["Status"].(string); ok && e.Key == "transition.not_from" {
		return cat.Text("console.conflicts.blocked_status", "“{{.Change}}” can no longer be applied: the ticket is {{.Status}} now. Drop the change to close this conflict.",
			map[string]any{"Change": change, "Status": statusText(cat, app.Status(status))})
	}
	if e.Code == app.ENOTFOUND {
		return cat.Text("console.conflicts.blocked_gone", "“{{.Change}}” can no longer be applied: its ticket is not on the service any more. Drop the change to close this conflict.",
			map[string]any{"Change": change})
	}
	return cat.Text("console.conflicts.blocked", "“{{.Change}}” can no longer be applied: {{.Reason}} Drop the change to close this conflict.",
		map[string]any{"Change": change, "Reason": appErrorText(cat, e)})
}

// heldRefusalText is why cf's held change could not be applied after all,
// in the page's words. A change the ticket's status no longer allows (a
// departure for a ticket cancelled meanwhile) is named as the conflict
// names it, with the status in words and what is left to do: central's
// words said "Cannot depart a ticket that is cancelled" in every
// language, status and action in code, and nothing of dropping it.
func heldRefusalText(cat *translations.Catalog, e *app.Error, cf app.Conflict) string {
	status, ok := e.Data["Status"].(string)
	if e.Key != "transition.not_from" || !ok {
		return appErrorText(cat, e)
	}
	return cat.Text("console.conflicts.apply_not_from", "“{{.Change}}” cannot be applied: the ticket is {{.Status}} now. Drop the change instead; nothing was changed.",
		map[string]any{"Change": changeText(cat, cf.Name, cf.Ours), "Status": statusText(cat, app.Status(status))})
}

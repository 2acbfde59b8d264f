package console

import (
	"cmp"
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// textKey is a translated text: its key and English. Tables of them keep
// the words of an enumeration in one place.
type textKey struct{ Key, Message string }

func (k textKey) in(cat *translations.Catalog) string { return cat.Text(k.Key, k.Message, nil) }

// statusTexts are a ticket status's words, as the terminal writes them.
var statusTexts = map[app.Status]textKey{
	app.StatusAssigned:       {Key: "status.assigned", Message: "Assigned"},
	app.StatusEnRoute:        {Key: "status.en_route", Message: "En route"},
	app.StatusOnSite:         {Key: "status.on_site", Message: "On site"},
	app.StatusInProgress:     {Key: "status.in_progress", Message: "In progress"},
	app.StatusWaitingParts:   {Key: "status.waiting_parts", Message: "Waiting for parts"},
	app.StatusCompleted:      {Key: "status.completed", Message: "Completed"},
	app.StatusCannotComplete: {Key: "status.cannot_complete", Message: "Cannot complete"},
	app.StatusCancelled:      {Key: "status.cancelled", Message: "Cancelled"},
	app.StatusClosed:         {Key: "status.closed", Message: "Closed"},
}

// statusView is a status on screen: its words and its colour class
// (console.css, "status-…"): blocked and stopped work stands out, finished
// work is green, the rest plain.
type statusView struct{ Text, Class string }

func statusOn(cat *translations.Catalog, st app.Status) statusView {
	v := statusView{Text: string(st), Class: "status-open"}
	if k, ok := statusTexts[st]; ok {
		v.Text = k.in(cat)
	}
	switch st {
	case app.StatusWaitingParts:
		v.Class = "status-waiting"
	case app.StatusCannotComplete, app.StatusCancelled:
		v.Class = "status-stopped"
	case app.StatusCompleted, app.StatusClosed:
		v.Class = "status-done"
	}
	return v
}

// unassigned is the rule of the board's Unassigned lane: a ticket no
// technician holds (a new one, or one in a store's queue) waits there for
// dispatch. officeStatus reads it too, so a card's status says what its
// lane says.
func unassigned(tech app.TechnicianID) bool { return tech == "" }

// officeStatus is a ticket's status as the office reads it, on the
// board's cards, the ticket's page and its forms: an assigned ticket no
// technician holds (unassigned) reads "Unassigned". Status assigned means
// "dispatched, not started", to a technician or to a store's queue, and a
// new ticket in the board's Unassigned lane read "Assigned".
func officeStatus(cat *translations.Catalog, st app.Status, tech app.TechnicianID) statusView {
	v := statusOn(cat, st)
	if st == app.StatusAssigned && unassigned(tech) {
		v.Text = cat.Text("console.status.unassigned", "Unassigned", nil)
	}
	return v
}

// slaView is an SLA target with the terminal's countdown and colour
// (app.SLAUrgency): shown while the ticket is open.
type slaView struct {
	Label string
	At    time.Time
	Left  string // "3 h left", "Overdue by 2 d"; "" once the ticket is no longer open
	Class string // "sla-overdue", "sla-soon" or "sla-ok"
}

func slaOn(cat *translations.Catalog, label string, target, now time.Time, open bool) slaView {
	v := slaView{Label: label, At: target}
	if target.IsZero() || !open {
		return v
	}
	switch app.SLAUrgency(target, now) {
	case app.SLAOverdue:
		v.Class = "sla-overdue"
		v.Left = cat.Text("sla.overdue", "Overdue by {{.Duration}}", map[string]any{"Duration": slaDuration(cat, now.Sub(target))})
	case app.SLADueSoon:
		v.Class = "sla-soon"
		v.Left = cat.Text("sla.left", "{{.Duration}} left", map[string]any{"Duration": slaDuration(cat, target.Sub(now))})
	default:
		v.Class = "sla-ok"
		v.Left = cat.Text("sla.left", "{{.Duration}} left", map[string]any{"Duration": slaDuration(cat, target.Sub(now))})
	}
	return v
}

// slaDuration writes a duration as the terminal does: days from two
// days on, hours from one hour, else minutes.
func slaDuration(cat *translations.Catalog, d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return cat.Text("duration.days", "{{.N}} d", map[string]any{"N": cat.Count(int64(d.Hours() / 24))})
	case d >= time.Hour:
		return cat.Text("duration.hours", "{{.N}} h", map[string]any{"N": cat.Count(int64(d.Hours()))})
	}
	return cat.Text("duration.minutes", "{{.N}} min", map[string]any{"N": cat.Count(int64(d.Minutes()))})
}

var kindTexts = map[app.TicketKind]textKey{
	app.KindOnSite:  {Key: "kind.on_site", Message: "On-site visit"},
	app.KindCarryIn: {Key: "kind.carry_in", Message: "Carry-in"},
	app.KindMailIn:  {Key: "kind.mail_in", Message: "Mail-in"},
}

var paymentKindTexts = map[app.PaymentKind]textKey{
	app.PaymentDeposit: {Key: "payment.kind.deposit", Message: "Deposit"},
	app.PaymentPayment: {Key: "payment.kind.payment", Message: "Payment"},
	app.PaymentRefund:  {Key: "payment.kind.refund", Message: "Refund"},
}

var paymentMethodTexts = map[app.PaymentMethod]textKey{
	app.MethodCash:     {Key: "payment.method.cash", Message: "Cash"},
	app.MethodCard:     {Key: "payment.method.card", Message: "Card"},
	app.MethodMobile:   {Key: "payment.method.mobile", Message: "Mobile payment"},
	app.MethodTransfer: {Key: "payment.method.transfer", Message: "Bank transfer"},
}

var photoKindTexts = map[string]textKey{
	"condition":         {Key: "console.ticket.photo_kind.condition", Message: "Condition"},
	"repair":            {Key: "console.ticket.photo_kind.repair", Message: "Repair"},
	"proof_of_purchase": {Key: "console.ticket.photo_kind.proof_of_purchase", Message: "Proof of purchase"},
	"signature":         {Key: "console.ticket.photo_kind.signature", Message: "Signature"},
	"report":            {Key: "console.ticket.photo_kind.report", Message: "Signed service report"},
}

func textOf[K comparable](cat *translations.Catalog, table map[K]textKey, k K, raw string) string {
	if t, ok := table[k]; ok {
		return t.in(cat)
	}
	return raw
}

// partView is a part fitted on the ticket with the name of the van or
// store it was taken from (the ID when the service has no name for it):
// a dispatcher knows "Centre de service Shanghai Pudong", not
// store-cn-sh.
type partView struct {
	app.PartUsed
	FromName string
}

// partViews names the places parts were taken from, read at once.
func (c *Console) partViews(ctx context.Context, tenant string, parts []app.PartUsed) ([]partView, error) {
	var from []app.LocationID
	for _, pu := range parts {
		if !slices.Contains(from, pu.From) && len(from) < central.MaxPlaceNames {
			from = append(from, pu.From)
		}
	}
	names, _, err := c.db.PlaceNames(ctx, tenant, from, nil)
	if err != nil {
		return nil, err
	}
	out := make([]partView, len(parts))
	for i, pu := range parts {
		out[i] = partView{PartUsed: pu, FromName: cmp.Or(names[pu.From], string(pu.From))}
	}
	return out, nil
}

// photoView is a photo of the ticket: a link to its bytes once the server
// has them.
type photoView struct {
	Kind, Caption string
	At            time.Time
	URL           string // "" while the bytes have not arrived
	Image         bool   // a picture the browser shows (JPEG, PNG, GIF)
}

// viewableImages are the picture types shown inline; anything else (the
// signed report's PDF) is a link, sent as its own type.
var viewableImages = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

// servedTypes are the types the photo route sends as they are; anything
// else is sent as a download, never as something the browser runs.
var servedTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "application/pdf": true}

// ticketHref is a ticket's page.
func ticketHref(t app.TicketID) string { return "/tickets/" + url.PathEscape(string(t)) }

func photoURL(t app.TicketID, photo string) string {
	return ticketHref(t) + "/photos/" + url.PathEscape(photo)
}

// signatureView is a sign-off in words, with its picture's URL ("" when
// refused or not uploaded yet) and the picture's text alternative.
type signatureView struct {
	Line       string
	Image, Alt string
}

type paymentView struct {
	Kind, Method       string
	Amount             app.Money
	Reference, Receipt string
	At                 time.Time
	By                 string
}

type estimateView struct {
	Amount     app.Money
	Note, By   string
	At         time.Time
	Decision   string
	ApprovedBy string
	DecidedAt  time.Time
}

type stepView struct {
	From, To statusView
	Epoch    int
	// At is when the step was taken in the field (the history's field
	// time); Synced, when the service got it more than syncedApart
	// later or earlier, says when ("synced 14:02"), else "".
	At     time.Time
	Synced string
	By     string
}

// syncedApart is how far a step's sync may be from its field time before
// the ticket page says when it synced: a push a few minutes after the
// step is no news to a dispatcher, a job done offline and synced at the
// end of the day is.
const syncedApart = 5 * time.Minute

// syncedText says when a step taken at fieldAt synced, at, in loc: its
// hour on the same day, its day and hour on another.
func syncedText(cat *translations.Catalog, fieldAt, at time.Time, loc *time.Location) string {
	f, a := fieldAt.In(loc), at.In(loc)
	if f.Year() == a.Year() && f.YearDay() == a.YearDay() {
		return cat.Text("console.ticket.step_synced_clock", "synced {{.Time}}", map[string]any{"Time": a.Format("15:04")})
	}
	return cat.Text("console.ticket.step_synced_day", "synced {{.At}}", map[string]any{"At": when(cat, at, loc)})
}

// ticketConflict is a conflict listed on its ticket's page.
type ticketConflict struct {
	Href, What, Field string
	At                time.Time
	Open              bool
}

// ticketPage is the data of templates/ticket.html.
type ticketPage struct {
	T          app.Ticket
	Href       string // the ticket's page, whose sub-paths the actions are
	Status     statusView
	Kind       string
	Technician string
	Store      string
	// Visit is the appointment's window as the board's cards write it, and
	// VisitMissed that it is over with no technician there yet: the
	// dispatcher on the phone to the customer reads both here too.
	Visit       template.HTML
	VisitMissed bool
	SLAs        []slaView
	Repairs     []app.RepairEntry
	Parts       []partView
	Photos      []photoView
	Reports     []photoView
	Signatures  []signatureView
	Notes       []app.Note
	Payments    []paymentView
	Estimates   []estimateView
	History     []stepView
	// Reassigned: the history spans more than one assignment, so each
	// step says which one it belongs to. Before a reassignment that
	// column would read "1" on every row, a number nothing explains.
	Reassigned bool
	Conflicts  []ticketConflict
	// Actions link to the board's pages for what dispatch may do to the
	// ticket in its status (assign, reschedule, cancel, reopen).
	Actions []actionLink
	// Editable: the session may change the customer's phone and address
	// (dispatch, and the ticket is neither closed nor cancelled).
	Editable bool
	// The customer form: the values typed (at first those shown), the
	// values shown, sent back as base (a refused form keeps the base it
	// came with, so saving it again still sees a change made meanwhile),
	// and why a form was refused. ErrorOn names the field the refusal
	// is about ("phone", "address"), under which it is shown; "" for
	// the form as a whole.
	Phone, Address         string
	BasePhone, BaseAddress string
	Error, ErrorOn         string
}

// actionLink is a link to a page that acts on the ticket.
// actionLink is one of the ticket page's actions. Class is "danger-link"
// for one that withdraws the ticket (cancel), red as on the board's
// cards, so the one action a dispatcher cannot take back stands apart.
type actionLink struct{ Href, Text, Class string }

// showTicket is GET /tickets/{id}: everything recorded on a ticket.
// A ticket's number (FB-2026-002667, what dispatchers read out and find
// on printed reports) in place of its ID leads to the ticket's page.
func (c *Console) showTicket(w http.ResponseWriter, r *http.Request, s *Session) error {
	d, err := c.ticket(r.Context(), s, app.TicketID(r.PathValue("id")))
	if app.ErrorCode(err) == app.ENOTFOUND {
		// Of two tickets sharing a number, the board's search lists both.
		ids, nerr := c.ticketsByNumber(r.Context(), s, r.PathValue("id"))
		switch {
		case nerr != nil:
			return nerr
		case len(ids) == 1:
			http.Redirect(w, r, ticketHref(ids[0]), http.StatusFound)
			return nil
		case len(ids) > 1:
			http.Redirect(w, r, "/board?"+url.Values{"q": {r.PathValue("id")}}.Encode(), http.StatusFound)
			return nil
		}
	}
	if err != nil {
		return err
	}
	p, err := c.ticketData(r.Context(), s, d)
	if err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "ticket", p)
}

func (c *Console) ticketData(ctx context.Context, s *Session, d app.TicketDetail) (ticketPage, error) {
	cat, t, now := s.T, d.Ticket, c.opt.Now()
	p := ticketPage{T: t, Href: ticketHref(t.ID), Status: officeStatus(cat, t.Status, t.Technician), Kind: textOf(cat, kindTexts, t.Kind, string(t.Kind)),
		Repairs: slices.Clone(d.Repairs), Notes: slices.Clone(d.Notes),
		Phone: t.Customer.Phone, Address: t.Customer.Address, BasePhone: t.Customer.Phone, BaseAddress: t.Customer.Address,
		Editable: s.Role.may(permDispatch) && t.Status != app.StatusClosed && t.Status != app.StatusCancelled}
	if s.Role.may(permDispatch) {
		p.Actions = ticketActions(cat, t, len(d.Repairs))
	}
	names := c.technicianNames(ctx, s.Tenant)
	if t.Technician != "" {
		p.Technician = names(t.Technician)
	}
	// Devices record who did it by technician ID: show their names.
	by := func(id string) string {
		if id == "" {
			return ""
		}
		return names(app.TechnicianID(id))
	}
	for i := range p.Repairs {
		p.Repairs[i].By = by(p.Repairs[i].By)
	}
	for i := range p.Notes {
		p.Notes[i].By = by(p.Notes[i].By)
	}
	parts, err := c.partViews(ctx, s.Tenant, d.Parts)
	if err != nil {
		return ticketPage{}, err
	}
	p.Parts = parts
	if t.Store != "" {
		name, err := c.storeName(ctx, s.Tenant, t.Store)
		if err != nil {
			return ticketPage{}, err
		}
		p.Store = name
	}
	p.Visit = shownWindow(s.T, t.WindowStart, t.WindowEnd, s.loc())
	p.VisitMissed = app.WindowMissed(t.Status, t.StartedAt, t.WindowStart, t.WindowEnd, now)
	open := t.Status.Open()
	p.SLAs = []slaView{
		slaOn(cat, cat.Text("console.ticket.respond_by", "Respond by", nil), t.RespondBy, now, open && app.AwaitingResponse(t.Status)), // the date stays
		slaOn(cat, cat.Text("console.ticket.resolve_by", "Resolve by", nil), t.ResolveBy, now, open),
	}
	photos := map[string]app.Photo{}
	for _, ph := range d.Photos {
		photos[ph.ID] = ph
		v := photoView{Kind: textOf(cat, photoKindTexts, ph.Kind, ph.Kind), Caption: ph.Caption, At: ph.At,
			Image: viewableImages[ph.Mime]}
		if ph.State == app.PhotoVerified {
			v.URL = photoURL(t.ID, ph.ID)
		}
		switch ph.Kind {
		case "report":
			p.Reports = append(p.Reports, v)
		case "signature":
			// Shown with its signature below.
		default:
			p.Photos = append(p.Photos, v)
		}
	}
	for _, sg := range d.Signatures {
		role := cat.Text("console.ticket.signer_customer", "customer", nil)
		if sg.Role == app.SignerRepresentative {
			role = cat.Text("console.ticket.signer_representative", "representative", nil)
		}
		data := map[string]any{"Signer": sg.Signer, "Role": role, "By": by(sg.By), "Reason": sg.Reason, "At": when(s.T, sg.At, s.loc())}
		v := signatureView{Line: cat.Text("console.ticket.signed", "Signed by {{.Signer}} ({{.Role}}) on {{.At}}, taken by {{.By}}.", data),
			Alt: cat.Text("console.ticket.signature_alt", "Signature of {{.Signer}}", data)}
		if sg.Refused {
			v.Line = cat.Text("console.ticket.not_signed", "Not signed: {{.Reason}} (recorded by {{.By}} on {{.At}}).", data)
		} else if ph, ok := photos[sg.Photo]; ok && ph.State == app.PhotoVerified {
			v.Image = photoURL(t.ID, ph.ID)
		}
		p.Signatures = append(p.Signatures, v)
	}
	for _, pm := range d.Payments {
		p.Payments = append(p.Payments, paymentView{Kind: textOf(cat, paymentKindTexts, pm.Kind, string(pm.Kind)),
			Method: textOf(cat, paymentMethodTexts, pm.Method, string(pm.Method)), Amount: pm.Amount,
			Reference: pm.Reference, Receipt: pm.Receipt, At: pm.At, By: by(pm.By)})
	}
	for _, e := range d.Estimates {
		v := estimateView{Amount: e.Amount, Note: e.Note, By: by(e.By), At: e.At, ApprovedBy: e.ApprovedBy, DecidedAt: e.DecidedAt,
			Decision: cat.Text("console.ticket.estimate_pending", "Waiting for the customer's answer", nil)}
		switch e.Decision {
		case app.EstimateApproved:
			v.Decision = cat.Text("console.ticket.estimate_approved", "Approved", nil)
		case app.EstimateDeclined:
			v.Decision = cat.Text("console.ticket.estimate_declined", "Declined", nil)
		}
		p.Estimates = append(p.Estimates, v)
	}
	steps, err := c.db.TicketHistory(ctx, s.Tenant, t.ID)
	if err != nil {
		return p, err
	}
	stepBy, err := c.db.StepTechnicians(ctx, s.Tenant, t.ID)
	if err != nil {
		return p, err
	}
	office := cat.Text("console.ticket.by_office", "The office", nil)
	for _, st := range steps {
		v := stepView{To: statusOn(cat, st.To), Epoch: st.Epoch, At: st.FieldAt, By: office}
		if st.From != "" {
			v.From = statusOn(cat, st.From)
			// A technician's step may reach the service long after it
			// was taken (dispatch's are written when made). A creation
			// is when the ticket says it was opened, which an import or
			// dispatch may date before it was entered: no sync to tell.
			if apart := st.At.Sub(st.FieldAt).Abs(); apart > syncedApart {
				v.Synced = syncedText(cat, st.FieldAt, st.At, s.loc())
			}
		}
		if tech, ok := stepBy[st.Version]; ok {
			v.By = names(tech)
		}
		p.History = append(p.History, v)
		p.Reassigned = p.Reassigned || v.Epoch != p.History[0].Epoch
	}
	cs, err := c.db.Conflicts(ctx, s.Tenant, false)
	if err != nil {
		return p, err
	}
	for _, cf := range cs {
		if cf.Ticket == t.ID {
			state := "decided"
			if cf.Open() {
				state = "open"
			}
			p.Conflicts = append(p.Conflicts, ticketConflict{Href: "/conflicts?state=" + state + "#cf-" + url.QueryEscape(cf.ID), What: conflictKindText(cat, cf.Kind), Field: fieldText(cat, cf.Field),
				At: cf.At, Open: cf.Open()})
		}
	}
	return p, nil
}

// when writes a time in a sentence as the templates' datetime does, in
// loc (the session's zone) and cat's language.
func when(cat *translations.Catalog, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return cat.DateTime(t.In(loc))
}

// ticketActions lists the dispatch actions the ticket's status allows,
// as links to the pages that take them: assign and reschedule while
// app.MayReassign says ticket.assign and ticket.schedule take it, cancel
// and reopen when the state machine allows them.
func ticketActions(cat *translations.Catalog, t app.Ticket, repairs int) []actionLink {
	var out []actionLink
	href := ticketHref(t.ID)
	if app.MayReassign(t) {
		out = append(out, actionLink{Href: href + "/assign", Text: cat.Text("console.board.assign", "Assign", nil)},
			actionLink{Href: href + "/schedule", Text: cat.Text("console.board.schedule", "Reschedule", nil)})
	}
	for _, a := range app.AvailableActions(t, repairs) {
		switch {
		case !a.Allowed:
		case a.Action == app.ActionCancel:
			out = append(out, actionLink{Href: href + "/cancel", Text: cat.Text("console.board.cancel", "Cancel", nil), Class: "danger-link"})
		case a.Action == app.ActionReopen:
			out = append(out, actionLink{Href: href + "/reopen", Text: cat.Text("console.board.reopen", "Reopen", nil)})
		}
	}
	return out
}

// storeName is the name of the tenant's store id (its stock location of
// kind store), or the ID when the store has no location.
func (c *Console) storeName(ctx context.Context, tenant string, id app.StoreID) (string, error) {
	locs, err := c.db.Locations(ctx, tenant)
	if err != nil {
		return "", err
	}
	for _, l := range locs {
		if l.ID == app.LocationID(id) && l.Kind == app.LocationStore && l.Name != "" {
			return l.Name, nil
		}
	}
	return string(id), nil
}

// technicianNames returns a lookup of the tenant's technicians' names,
// reading each once; an unknown one is shown by its ID.
func (c *Console) technicianNames(ctx context.Context, tenant string) func(app.TechnicianID) string {
	known := map[app.TechnicianID]string{}
	return func(id app.TechnicianID) string {
		if n, ok := known[id]; ok {
			return n
		}
		n := string(id)
		if tech, err := c.db.Technician(ctx, tenant, id); err == nil && tech.Name != "" {
			n = tech.Name
		}
		known[id] = n
		return n
	}
}

// ticketPhoto is GET /tickets/{id}/photos/{photo}: a photo's bytes (or the
// signed report's PDF), for a ticket the session may see.
func (c *Console) ticketPhoto(w http.ResponseWriter, r *http.Request, s *Session) error {
	id := app.TicketID(r.PathValue("id"))
	if _, err := c.ticket(r.Context(), s, id); err != nil {
		return err
	}
	ph, f, err := c.db.TicketPhoto(r.Context(), s.Tenant, id, r.PathValue("photo"))
	if app.ErrorCode(err) == app.ENOTFOUND && app.AsError(err).Key != "central.photo_not_uploaded" {
		return app.Errorf(app.ENOTFOUND, "console.ticket.no_photo", "This ticket has no such photo. Open the ticket again and choose a photo shown there.")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	ctype := ph.Mime
	if !servedTypes[ctype] {
		ctype = "application/octet-stream"
		h.Set("Content-Disposition", "attachment")
	} else if ctype == "application/pdf" {
		// A download, opened in the system's viewer: the console's
		// Content-Security-Policy (object-src 'none') keeps browsers'
		// built-in PDF viewers from showing it inline.
		h.Set("Content-Disposition", `attachment; filename="`+safeFileName(ph.Ticket, ph.ID)+`.pdf"`)
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(ph.Size, 10))
	// The bytes of a photo ID never change (named by their hash); the
	// session may lose the ticket, so keep it private and short.
	h.Set("Cache-Control", "private, max-age=3600")
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(w, io.LimitReader(f, app.MaxPhotoBytes))
	if err != nil {
		c.log.Info("console photo: copy ended early", "request", requestID(r), "err", err)
	}
	return nil
}

// safeFileName keeps a download's name to letters, digits and '-'.
func safeFileName(t app.TicketID, photo string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, string(t)+"-"+photo)
}

// maxCustomerField bounds the form's phone and address and their base
// values: ticket.update's own bound on what it sets (app.MaxTextLen),
// checked here first so that the refusal speaks of the form, and on the
// base values, which the mutation carries unbounded.
const maxCustomerField = app.MaxTextLen

// flashCustomerSaved is the flash after a change of the customer's
// contact: it names what was saved, so a dispatcher who changed the
// address alone is not told the phone was saved too.
func (c *Console) flashCustomerSaved(w http.ResponseWriter, r *http.Request, s *Session, set app.TicketFields) error {
	switch {
	case set.CustomerPhone == nil:
		return c.flash(w, r, s, "console.ticket.customer_saved_address", "The customer's address is saved.")
	case set.CustomerAddress == nil:
		return c.flash(w, r, s, "console.ticket.customer_saved_phone", "The customer's phone is saved.")
	}
	return c.flash(w, r, s, "console.ticket.customer_saved", "The customer's phone and address are saved.")
}

// updateCustomer is POST /tickets/{id}/customer: the customer's phone and
// address with ticket.update, each changed field with the value the page
// showed as its base. A base that is no longer the ticket's value (a
// technician changed it meanwhile) is applied all the same and keeps the
// technician's value in a field conflict, as the API does; the flash says
// so and the conflict is listed on the page.
func (c *Console) updateCustomer(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	d, err := c.ticket(ctx, s, app.TicketID(r.PathValue("id")))
	if err != nil {
		return err
	}
	t := d.Ticket
	phone, address := strings.TrimSpace(r.PostFormValue("phone")), strings.TrimSpace(r.PostFormValue("address"))
	basePhone, baseAddress := r.PostFormValue("base_phone"), r.PostFormValue("base_address")
	u := &app.UpdateTicket{Ticket: t.ID}
	if phone != basePhone {
		u.Set.CustomerPhone, u.Base.CustomerPhone = &phone, &basePhone
	}
	if address != baseAddress {
		u.Set.CustomerAddress, u.Base.CustomerAddress = &address, &baseAddress
	}
	var refusal error
	switch {
	case app.TextLen(phone) > maxCustomerField || app.TextLen(address) > maxCustomerField || app.TextLen(basePhone) > maxCustomerField || app.TextLen(baseAddress) > maxCustomerField:
		refusal = app.Errorf(app.EINVALID, "console.ticket.customer_too_long", "A phone number or an address is at most {{.Max}} characters; shorten it.", "Max", maxCustomerField)
	case u.Set == (app.TicketFields{}):
		refusal = app.Errorf(app.EINVALID, "console.ticket.customer_unchanged", "Nothing was changed: type the new phone number or address, then save.")
	}
	if refusal == nil {
		clashes := u.Clashes(t)
		m, err := app.NewMutation(u, c.opt.Now())
		if err != nil {
			return err
		}
		refusal = c.apply(ctx, s, m)
		if refusal == nil {
			if len(clashes) > 0 {
				err = c.flash(w, r, s, "console.ticket.customer_saved_conflict", "Saved. A technician had changed it meanwhile: their value is kept in a conflict below; decide it there.")
			} else {
				err = c.flashCustomerSaved(w, r, s, u.Set)
			}
			if err != nil {
				return err
			}
			http.Redirect(w, r, ticketHref(t.ID), http.StatusSeeOther)
			return nil
		}
	}
	if code := app.ErrorCode(refusal); code != app.EINVALID && code != app.ECONFLICT {
		return refusal
	}
	// Refused: the page again, with what was typed and why.
	p, err := c.ticketData(ctx, s, d)
	if err != nil {
		return err
	}
	e := app.AsError(refusal)
	p.Phone, p.Address, p.BasePhone, p.BaseAddress = phone, address, basePhone, baseAddress
	p.Error = appErrorText(s.T, e)
	// app's checks of what was typed (app.CheckCustomerPhone,
	// CheckCustomerAddress) name their field in their keys.
	switch {
	case strings.HasPrefix(e.Key, "contact.phone_"):
		p.ErrorOn = "phone"
	case strings.HasPrefix(e.Key, "contact.address_"):
		p.ErrorOn = "address"
	}
	return c.render(w, r, s, central.HTTPStatus(refusal), "ticket", p)
}

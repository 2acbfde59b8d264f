package console

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// The board's actions. Each sends the named mutation the JSON API takes
// (POST /v1/admin/mutations) through Console.apply, so the API's rules and
// refusals apply. The forms carry the ticket's epoch and last change as
// they were shown (hidden fields epoch and shown): a ticket changed since
// is refused with ECONFLICT and the form is drawn again over the ticket
// as it is now.

// actionPage is the data of ticketaction.html: one form of assign,
// schedule, cancel or reopen for one ticket.
type actionPage struct {
	Action         string // "assign", "schedule", "cancel", "reopen"
	Ticket         app.Ticket
	Status         statusView // the ticket's, as the office reads it (officeStatus)
	TechnicianName string
	Epoch          int
	Shown          string
	Error          string
	Technicians    []boardOption
	Stores         []boardOption
	Priorities     []boardOption
	Visit          template.HTML // the ticket's visit now, as the board writes it (shownWindow)
	Date, Start    string        // the form's fields, as the language types them
	End            string
	ResolveDate    string
	ResolveTime    string
	Reason         string
}

// showAction is GET /tickets/{id}/{assign,schedule,cancel,reopen}.
func (c *Console) showAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, s *Session) error {
		d, err := c.ticket(r.Context(), s, app.TicketID(r.PathValue("id")))
		if err != nil {
			return err
		}
		p, err := c.actionData(r.Context(), s, action, d.Ticket)
		if err != nil {
			return err
		}
		return c.render(w, r, s, http.StatusOK, "ticketaction", p)
	}
}

// actionData is the form of action over t as it is now.
func (c *Console) actionData(ctx context.Context, s *Session, action string, t app.Ticket) (actionPage, error) {
	p := actionPage{Action: action, Ticket: t, Status: officeStatus(s.T, t.Status, t.Technician), Epoch: t.Epoch, Shown: strconv.FormatInt(t.UpdatedAt.UnixNano(), 10)}
	techs, err := c.db.Technicians(ctx, s.Tenant)
	if err != nil {
		return p, err
	}
	to := [][2]string{{"", s.T.Text("console.board.no_technician", "No technician (the store's queue)", nil)}}
	for _, x := range techs {
		if x.ID == t.Technician {
			p.TechnicianName = x.Name
		}
		if s.Role != RoleStoreManager || x.Store == s.Store {
			to = append(to, [2]string{string(x.ID), x.Name})
		}
	}
	p.Technicians = options(string(t.Technician), to)
	stores, err := c.storeOptions(ctx, s, string(t.Store))
	if err != nil {
		return p, err
	}
	p.Stores = stores
	p.Priorities = priorityOptions(s, t.Priority)
	p.Visit = shownWindow(s.T, t.WindowStart, t.WindowEnd, s.loc())
	if !t.WindowStart.IsZero() {
		start := t.WindowStart.In(s.loc())
		p.Date, p.Start = translations.NumericDate(s.T.Lang(), start), start.Format("15:04")
	}
	if !t.WindowEnd.IsZero() {
		p.End = t.WindowEnd.In(s.loc()).Format("15:04")
	}
	if !t.ResolveBy.IsZero() {
		due := t.ResolveBy.In(s.loc())
		p.ResolveDate, p.ResolveTime = translations.NumericDate(s.T.Lang(), due), due.Format("15:04")
	}
	return p, nil
}

// storeOptions lists the stores the session may choose: a store
// manager's own, else every store of the tenant, with "none" first.
func (c *Console) storeOptions(ctx context.Context, s *Session, selected string) ([]boardOption, error) {
	locs, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return nil, err
	}
	var so [][2]string
	if s.Role != RoleStoreManager {
		so = append(so, [2]string{"", s.T.Text("console.board.no_store", "No store", nil)})
	}
	for _, l := range locs {
		if l.Kind == app.LocationStore && (s.Role != RoleStoreManager || app.StoreID(l.ID) == s.Store) {
			so = append(so, [2]string{string(l.ID), l.Name})
		}
	}
	return options(selected, so), nil
}

func priorityOptions(s *Session, selected app.Priority) []boardOption {
	if selected == 0 {
		selected = app.PriorityNormal
	}
	return options(strconv.Itoa(int(selected)), [][2]string{
		{"1", s.T.Text("console.board.priority_urgent", "Urgent", nil)}, {"2", s.T.Text("console.board.priority_high", "High", nil)},
		{"3", s.T.Text("console.board.priority_normal", "Normal", nil)}, {"4", s.T.Text("console.board.priority_low", "Low", nil)}})
}

// errStale is the refusal of a form drawn over an older state of t.
func errStale(t app.Ticket) error {
	return app.Errorf(app.ECONFLICT, "console.board.stale", "Ticket {{.Number}} has changed since you opened this form: the technician or another dispatcher has moved it. Here it is now; check it and send the form again.", "Number", t.Number)
}

// checkShown refuses a form whose hidden epoch and shown do not match t.
func checkShown(r *http.Request, t app.Ticket) error {
	epoch, err1 := strconv.Atoi(r.PostFormValue("epoch"))
	shown, err2 := strconv.ParseInt(r.PostFormValue("shown"), 10, 64)
	if err1 != nil || err2 != nil {
		return app.Errorf(app.EINVALID, "console.bad_form", "The form could not be read. Reload the page and try again.")
	}
	if epoch != t.Epoch || shown != t.UpdatedAt.UnixNano() {
		return errStale(t)
	}
	return nil
}

// doAction is POST /tickets/{id}/{assign,schedule,cancel,reopen}: the
// form's command, checked against the ticket shown, applied as the API's
// mutation. A refusal the form can answer (bad input, a stale form, the
// state machine's) draws the form again, over the ticket as it is now.
func (c *Console) doAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, s *Session) error {
		ctx := r.Context()
		d, err := c.ticket(ctx, s, app.TicketID(r.PathValue("id")))
		if err != nil {
			return err
		}
		err = checkShown(r, d.Ticket)
		note := ""
		var cmd app.Command
		if err == nil {
			if cmd, err = c.actionCommand(ctx, s, action, r, d.Ticket); err == nil {
				err = c.applyCommand(ctx, s, cmd)
			}
			if sc, ok := cmd.(*app.ScheduleTicket); ok {
				note = repeatedNote(s, sc.WindowStart, sc.WindowEnd, sc.ResolveBy)
			}
		}
		if err == nil {
			if err := c.actionFlash(r, s, action, d.Ticket.Number, cmd, note); err != nil {
				return err
			}
			http.Redirect(w, r, "/board", http.StatusSeeOther)
			return nil
		}
		code := app.ErrorCode(err)
		if code != app.EINVALID && code != app.ECONFLICT {
			return err
		}
		now, rerr := c.ticket(ctx, s, d.Ticket.ID)
		if rerr != nil {
			return rerr
		}
		p, rerr := c.actionData(ctx, s, action, now.Ticket)
		if rerr != nil {
			return rerr
		}
		e := app.AsError(err)
		p.Error = appErrorText(s.T, e)
		if code == app.EINVALID {
			// Keep what was typed; the hidden fields stay those shown.
			p.Reason = r.PostFormValue("reason")
			keepTyped(&p, r)
			p.Epoch, p.Shown = d.Ticket.Epoch, strconv.FormatInt(d.Ticket.UpdatedAt.UnixNano(), 10)
		}
		return c.render(w, r, s, central.HTTPStatus(err), "ticketaction", p)
	}
}

// keepTyped puts what a refused form sent back into its page, so a
// dispatcher corrects the one wrong field instead of typing the visit
// again (the page had drawn the ticket's old window over it).
func keepTyped(p *actionPage, r *http.Request) {
	switch p.Action {
	case "schedule":
		v := r.PostFormValue
		p.Date, p.Start, p.End, p.ResolveDate, p.ResolveTime = v("date"), v("start"), v("end"), v("resolve_date"), v("resolve_time")
		p.Priorities = reselect(p.Priorities, v("priority"))
	case "assign":
		p.Technicians = reselect(p.Technicians, r.PostFormValue("technician"))
		p.Stores = reselect(p.Stores, r.PostFormValue("store"))
	}
}

// reselect selects the option of value v, when there is one.
func reselect(opts []boardOption, v string) []boardOption {
	if !slices.ContainsFunc(opts, func(o boardOption) bool { return o.Value == v }) {
		return opts
	}
	for i := range opts {
		opts[i].Selected = opts[i].Value == v
	}
	return opts
}

// actionFlash keeps the flash of a done action cmd, note (repeatedNote)
// after it. An assignment names the technician and a reschedule the
// visit, as the card writes it: the board the dispatcher lands on shows
// the ticket's card in another lane, often below the fold, so "Ticket
// FB-1 rescheduled." alone did not show what the click did.
func (c *Console) actionFlash(r *http.Request, s *Session, action, number string, cmd app.Command, note string) error {
	n := map[string]any{"Number": number}
	text := s.T.Text("console.board.reopened", "Ticket {{.Number}} reopened.", n)
	switch action {
	case "assign":
		text = s.T.Text("console.board.assigned", "Ticket {{.Number}} assigned.", n)
		if a, ok := cmd.(*app.AssignTicket); ok && a.Technician != "" {
			n["Technician"] = c.technicianNames(r.Context(), s.Tenant)(a.Technician)
			text = s.T.Text("console.board.assigned_to", "Ticket {{.Number}} assigned to {{.Technician}}.", n)
		}
	case "schedule":
		text = s.T.Text("console.board.scheduled", "Ticket {{.Number}} rescheduled.", n)
		if sc, ok := cmd.(*app.ScheduleTicket); ok && !sc.WindowStart.IsZero() {
			n["Visit"] = visitText(s.T, sc.WindowStart, sc.WindowEnd, s.loc())
			text = s.T.Text("console.board.scheduled_for", "Ticket {{.Number}} rescheduled: visit {{.Visit}}.", n)
		}
	case "cancel":
		text = s.T.Text("console.board.cancelled", "Ticket {{.Number}} cancelled.", n)
	}
	return c.db.SetConsoleFlash(r.Context(), s.id, text+note)
}

// actionCommand reads the form of action into its command.
func (c *Console) actionCommand(ctx context.Context, s *Session, action string, r *http.Request, t app.Ticket) (app.Command, error) {
	switch action {
	case "assign":
		tech, store, err := c.assignee(ctx, s, r.PostFormValue("technician"), r.PostFormValue("store"))
		if err != nil {
			return nil, err
		}
		// The form opens on the current technician and store: sent as it
		// is, the reassignment would start the ticket over (back to
		// Assigned, a new epoch), and the technician's work on site
		// would come back as conflicts.
		if tech == t.Technician && store == t.Store {
			return nil, app.Errorf(app.EINVALID, "console.board.assign_unchanged", "Ticket {{.Number}} already has this technician and store, so nothing changed. To hand it over, choose another technician or store.", "Number", t.Number)
		}
		return &app.AssignTicket{Ticket: t.ID, Technician: tech, Store: store}, nil
	case "schedule":
		cmd := &app.ScheduleTicket{Ticket: t.ID}
		var err error
		if cmd.WindowStart, cmd.WindowEnd, err = formWindow(r, s.T.Lang(), s.loc()); err != nil {
			return nil, err
		}
		if cmd.ResolveBy, err = formResolveBy(r, s.T.Lang(), s.loc()); err != nil {
			return nil, err
		}
		if cmd.Priority, err = formPriority(r); err != nil {
			return nil, err
		}
		return cmd, nil
	case "cancel":
		return &app.TransitionTicket{Action: app.ActionCancel, Ticket: t.ID, Epoch: t.Epoch, Reason: r.PostFormValue("reason")}, nil
	case "reopen":
		return &app.TransitionTicket{Action: app.ActionReopen, Ticket: t.ID, Epoch: t.Epoch, Reason: r.PostFormValue("reason")}, nil
	}
	return nil, errForbidden
}

// applyCommand sends cmd as its named mutation through Console.apply.
func (c *Console) applyCommand(ctx context.Context, s *Session, cmd app.Command) error {
	m, err := app.NewMutation(cmd, c.opt.Now())
	if err != nil {
		return err
	}
	return c.apply(ctx, s, m)
}

// assignee checks a technician and store chosen in a form: each one of
// the tenant's (or none), a store manager's store their own.
func (c *Console) assignee(ctx context.Context, s *Session, tech, store string) (app.TechnicianID, app.StoreID, error) {
	bad := app.Errorf(app.EINVALID, "console.board.bad_assignee", "Choose the technician and the store from the lists.")
	if s.Role == RoleStoreManager && store != string(s.Store) {
		return "", "", app.Errorf(app.EFORBIDDEN, "console.store_only", "You manage store {{.Store}}: create and change only its tickets.", "Store", string(s.Store))
	}
	if tech != "" {
		t, err := c.db.Technician(ctx, s.Tenant, app.TechnicianID(tech))
		if app.ErrorCode(err) == app.ENOTFOUND || app.ErrorCode(err) == app.EINVALID {
			return "", "", bad
		} else if err != nil {
			return "", "", err
		}
		if s.Role == RoleStoreManager && t.Store != s.Store {
			return "", "", bad
		}
	}
	if store != "" {
		opts, err := c.storeOptions(ctx, s, store)
		if err != nil {
			return "", "", err
		}
		found := false
		for _, o := range opts {
			found = found || (o.Value == store && o.Selected)
		}
		if !found {
			return "", "", bad
		}
	}
	if tech == "" && store == "" {
		return "", "", app.Errorf(app.EINVALID, "ticket.assign_needs_target", "Choose a technician or a store.")
	}
	return app.TechnicianID(tech), app.StoreID(store), nil
}

// formTime reads a date, typed as a reader of lang types one (parseDay),
// and a time (HH:MM) of a form as loc's clocks read them (the session's zone, in which the console shows
// times); both empty is the zero time. A time the clocks skip where they
// go forward is refused, and one they repeat where they go back is its
// first instant (central.WallClock); the flash then says so
// (repeatedNote).
func formTime(lang, date, clock string, loc *time.Location) (time.Time, error) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if date == "" && clock == "" {
		return time.Time{}, nil
	}
	d, err := translations.ParseDate(lang, date)
	var c time.Time
	if err == nil {
		c, err = time.Parse("15:04", clock)
	}
	if err != nil {
		return time.Time{}, app.Errorf(app.EINVALID, "console.board.bad_time", "Enter the date as {{.Date}} and the time as 14:30.", "Date", exampleDay(lang))
	}
	// Its refusal of a skipped time names the day as a day key, which
	// appErrorText writes in the page's language.
	return central.WallClock(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), loc)
}

// repeatedNote is what a flash adds when a time read from a form is one
// the clocks show twice (where they go back): which of the two was taken,
// so that a dispatcher who meant the second can choose another time. ""
// when none is.
func repeatedNote(s *Session, times ...time.Time) string {
	for _, t := range times {
		if t = t.In(s.loc()); !t.IsZero() && central.Repeated(t) {
			return " " + s.T.Text("console.board.repeated_time",
				"{{.Time}} happens twice on {{.Date}} in {{.Zone}}, where the clocks go back: the first one (UTC{{.Offset}}) was taken.",
				map[string]any{"Time": t.Format("15:04"), "Date": s.T.Date(t), "Zone": s.loc().String(), "Offset": t.Format("-07:00")})
		}
	}
	return ""
}

// visitText is a visit window as text, as a card writes it (shownWindow):
// "8 Dec 2026 15:00–17:00" on one day, both ends in full across days.
func visitText(cat *translations.Catalog, from, to time.Time, loc *time.Location) string {
	from, to = from.In(loc), to.In(loc)
	switch {
	case to.IsZero():
		return cat.DateTime(from)
	case startOfDay(from, loc).Equal(startOfDay(to, loc)):
		return cat.Date(from) + " " + from.Format("15:04") + "–" + to.Format("15:04")
	}
	return cat.DateTime(from) + " – " + cat.DateTime(to)
}

// formWindow reads the visit window: a date with a start and an end.
func formWindow(r *http.Request, lang string, loc *time.Location) (time.Time, time.Time, error) {
	from, err := formTime(lang, r.PostFormValue("date"), r.PostFormValue("start"), loc)
	if err != nil {
		return from, from, err
	}
	to, err := formTime(lang, r.PostFormValue("date"), r.PostFormValue("end"), loc)
	if err != nil {
		return from, to, err
	}
	if from.IsZero() || !to.After(from) {
		return from, to, app.Errorf(app.EINVALID, "ticket.bad_window", "The appointment must end after it starts.")
	}
	return from, to, nil
}

func formResolveBy(r *http.Request, lang string, loc *time.Location) (time.Time, error) {
	return formTime(lang, r.PostFormValue("resolve_date"), r.PostFormValue("resolve_time"), loc)
}

func formPriority(r *http.Request) (app.Priority, error) {
	n, err := strconv.Atoi(r.PostFormValue("priority"))
	if err != nil || n < int(app.PriorityUrgent) || n > int(app.PriorityLow) {
		return 0, app.Errorf(app.EINVALID, "ticket.invalid.priority", "Priority must be 1 to 4.")
	}
	return app.Priority(n), nil
}

// newTicketPage is the data of ticketnew.html.
type newTicketPage struct {
	Error                         string
	Name, Phone, Address          string
	Brand, Model, Serial, Fault   string
	Date, Start, End              string
	ResolveDate, ResolveTime      string
	Kinds, Categories, Priorities []boardOption
	Stores, Technicians           []boardOption
}

func (c *Console) newTicketData(ctx context.Context, s *Session, r *http.Request) (newTicketPage, error) {
	v := r.PostFormValue
	p := newTicketPage{Name: v("name"), Phone: v("phone"), Address: v("address"), Brand: v("brand"), Model: v("model"), Serial: v("serial"),
		Fault: v("fault"), Date: v("date"), Start: v("start"), End: v("end"), ResolveDate: v("resolve_date"), ResolveTime: v("resolve_time")}
	kind := v("kind")
	if kind == "" {
		kind = string(app.KindOnSite)
	}
	var kinds, cats [][2]string
	for _, k := range []app.TicketKind{app.KindOnSite, app.KindCarryIn, app.KindMailIn} {
		kinds = append(kinds, [2]string{string(k), s.T.Text("kind."+string(k), string(k), nil)})
	}
	for _, x := range []app.Category{app.CategoryPhone, app.CategoryPC, app.CategoryAppliance, app.CategoryServer} {
		cats = append(cats, [2]string{string(x), s.T.Text("category."+string(x), string(x), nil)})
	}
	p.Kinds, p.Categories = options(kind, kinds), options(v("category"), cats)
	prio, _ := strconv.Atoi(v("priority"))
	p.Priorities = priorityOptions(s, app.Priority(prio))
	store := v("store")
	if s.Role == RoleStoreManager {
		store = string(s.Store)
	}
	var err error
	if p.Stores, err = c.storeOptions(ctx, s, store); err != nil {
		return p, err
	}
	techs, err := c.db.Technicians(ctx, s.Tenant)
	if err != nil {
		return p, err
	}
	to := [][2]string{{"", s.T.Text("console.board.no_technician", "No technician (the store's queue)", nil)}}
	for _, x := range techs {
		if s.Role != RoleStoreManager || x.Store == s.Store {
			to = append(to, [2]string{string(x.ID), x.Name})
		}
	}
	p.Technicians = options(v("technician"), to)
	return p, nil
}

// showNewTicket is GET /tickets/new.
func (c *Console) showNewTicket(w http.ResponseWriter, r *http.Request, s *Session) error {
	p, err := c.newTicketData(r.Context(), s, r)
	if err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "ticketnew", p)
}

// createTicket is POST /tickets/new: ticket.create with the customer,
// device, fault, kind, priority, store, technician and visit window (the
// API's one mutation takes them all).
func (c *Console) createTicket(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	t, err := c.formTicket(ctx, s, r)
	if err == nil {
		err = c.applyCommand(ctx, s, &app.CreateTicket{Ticket: t})
	}
	if err == nil {
		text := s.T.Text("console.board.created", "Ticket {{.Number}} created.", map[string]any{"Number": t.Number}) + repeatedNote(s, t.WindowStart, t.WindowEnd, t.ResolveBy)
		if err := c.db.SetConsoleFlash(ctx, s.id, text); err != nil {
			return err
		}
		http.Redirect(w, r, "/board", http.StatusSeeOther)
		return nil
	}
	if code := app.ErrorCode(err); code != app.EINVALID && code != app.ECONFLICT {
		return err
	}
	p, rerr := c.newTicketData(ctx, s, r)
	if rerr != nil {
		return rerr
	}
	e := app.AsError(err)
	p.Error = appErrorText(s.T, e)
	return c.render(w, r, s, central.HTTPStatus(err), "ticketnew", p)
}

// formTicket reads the new-ticket form.
func (c *Console) formTicket(ctx context.Context, s *Session, r *http.Request) (app.Ticket, error) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	store := v("store")
	if s.Role == RoleStoreManager {
		store = string(s.Store)
	}
	tech, st, err := c.assigneeOrNone(ctx, s, v("technician"), store)
	if err != nil {
		return app.Ticket{}, err
	}
	prio, err := formPriority(r)
	if err != nil {
		return app.Ticket{}, err
	}
	now := c.opt.Now().UTC()
	t := app.Ticket{ID: app.TicketID(app.NewID()), Number: dispatchNumber(now.In(s.loc())), Kind: app.TicketKind(v("kind")),
		Product:  app.Product{Category: app.Category(v("category")), Brand: v("brand"), Model: v("model"), Serial: v("serial")},
		Customer: app.Customer{Name: v("name"), Phone: v("phone"), Address: v("address")}, Fault: v("fault"),
		Priority: prio, Technician: tech, Store: st, CreatedAt: now}
	if v("date") != "" || v("start") != "" || v("end") != "" {
		if t.WindowStart, t.WindowEnd, err = formWindow(r, s.T.Lang(), s.loc()); err != nil {
			return app.Ticket{}, err
		}
	}
	if t.ResolveBy, err = formResolveBy(r, s.T.Lang(), s.loc()); err != nil {
		return app.Ticket{}, err
	}
	if tech != "" {
		x, err := c.db.Technician(ctx, s.Tenant, tech)
		if err != nil {
			return app.Ticket{}, err
		}
		t.Country = x.Country
	}
	return t, nil
}

// assigneeOrNone is assignee where a new ticket may have neither.
func (c *Console) assigneeOrNone(ctx context.Context, s *Session, tech, store string) (app.TechnicianID, app.StoreID, error) {
	if tech == "" && store == "" {
		return "", "", nil
	}
	return c.assignee(ctx, s, tech, store)
}

// dispatchNumber mints the number of a ticket the office opens: "D", the
// day (in the tenant's zone, as now is given) and six random hex digits (as app.NewTicketNumber does for the
// counter's "C" numbers), so a number says who opened the ticket.
func dispatchNumber(now time.Time) string {
	var b [3]byte
	rand.Read(b[:]) // never fails: Go aborts the program if the OS cannot supply randomness
	return fmt.Sprintf("D-%s-%X", now.Format("060102"), b[:])
}

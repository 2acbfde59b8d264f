package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	xlanguage "golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// peopleList is the people page's data: the technicians and stock
// locations the session may see.
type peopleList struct {
	Technicians []peopleTechRow
	Locations   []app.Location
}

// peopleTechRow is a technician with the names of their store and van and their
// active devices.
type peopleTechRow struct {
	app.Technician
	StoreName, VanName string
	LanguageName       string
	Untranslated       bool // LanguageName has no translation: the device shows English
	Devices            []central.Device
}

// people lists the technicians, stores and vans. A store manager sees
// their store's technicians, the store itself and the locations its
// technicians use; everyone else of the tenant sees all.
func (c *Console) people(w http.ResponseWriter, r *http.Request, s *Session) error {
	techs, locs, err := c.peopleInScope(r.Context(), s)
	if err != nil {
		return err
	}
	devs, err := c.db.Devices(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	names := map[app.LocationID]string{}
	for _, l := range locs {
		names[l.ID] = l.Name
	}
	p := peopleList{Locations: locs}
	for _, t := range techs {
		row := peopleTechRow{Technician: t, StoreName: names[app.LocationID(t.Store)], VanName: names[t.Van]}
		row.LanguageName, row.Untranslated = languageName(t.Language)
		for _, d := range devs {
			if d.Technician == t.ID && d.RevokedAt.IsZero() {
				row.Devices = append(row.Devices, d)
			}
		}
		p.Technicians = append(p.Technicians, row)
	}
	return c.render(w, r, s, http.StatusOK, "people", p)
}

// languageName names a technician's language by the translation their
// device shows for it ("zh" and "zh-CN" are 简体中文). A tag without a
// translation of its own ("de", set by an import) is named in its own
// language (Deutsch), as the switcher names the translated ones, with
// untranslated true: the device shows English, and the people page says
// so rather than let an office read "Deutsch" as the app's language. A
// tag nobody names (a typo, "xx") stays as written.
func languageName(tag string) (name string, untranslated bool) {
	m := translations.Match(tag)
	if primary, _, _ := strings.Cut(strings.ToLower(tag), "-"); m != translations.Fallback || primary == translations.Fallback {
		return languageNames[m], false
	}
	if t, err := xlanguage.Parse(tag); err == nil {
		if n := display.Self.Name(t); n != "" {
			return n, true
		}
	}
	return tag, true
}

// peopleInScope returns the technicians and locations the session sees.
func (c *Console) peopleInScope(ctx context.Context, s *Session) ([]app.Technician, []app.Location, error) {
	techs, err := c.db.Technicians(ctx, s.Tenant)
	if err != nil {
		return nil, nil, err
	}
	locs, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return nil, nil, err
	}
	if s.Role != RoleStoreManager {
		return techs, locs, nil
	}
	mine := techs[:0]
	used := map[string]bool{string(s.Store): true}
	for _, t := range techs {
		if t.Store == s.Store {
			mine = append(mine, t)
			used[string(t.ID)], used[string(t.Van)] = true, true
		}
	}
	var seen []app.Location
	for _, l := range locs {
		if used[string(l.ID)] || l.Owner != "" && used[l.Owner] {
			seen = append(seen, l)
		}
	}
	return mine, seen, nil
}

// peopleVersion is what a form carries of the record it was drawn from: the
// SHA-256 of its JSON, "" for a new one. Saving compares it with the
// record as it is now, so that a form drawn before someone else's change
// does not silently undo it.
func peopleVersion(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// peopleOption is an entry of a form's select.
type peopleOption struct {
	Value, Label string
	Selected     bool
}

// peopleTechForm is the technician form's data.
type peopleTechForm struct {
	New     bool
	T       app.Technician
	Base    string
	Problem string            // a refusal that is no one field's (stale form)
	Errors  map[string]string // field name -> message
	Stores  []peopleOption
	Vans    []peopleOption
	Langs   []peopleOption
}

// errPeopleStale answers a form drawn from a record that changed since.
func errPeopleStale(what, id string) error {
	return app.Errorf(app.ECONFLICT, "console.people.stale", "{{.What}} {{.ID}} was changed by someone else since you opened this form. Open it again to see the current values, then make your change.", "What", what, "ID", id)
}

// errPeopleExists answers a new record whose ID is taken.
func errPeopleExists(id string) error {
	return app.Errorf(app.ECONFLICT, "console.people.exists", "{{.ID}} exists already. Choose another ID, or edit the existing one from the list.", "ID", id)
}

// errPeopleNoTechnician answers a technician that is missing or of another
// tenant alike.
func errPeopleNoTechnician(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.people.no_technician", "There is no technician {{.ID}} here. Pick one from the list of people.", "ID", id)
}

// errPeopleNoLocation answers a location that is missing or of another tenant.
func errPeopleNoLocation(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.people.no_location", "There is no store or van {{.ID}} here. Pick one from the list of people.", "ID", id)
}

// technicianForm shows the form for a new technician (no id) or an
// existing one.
func (c *Console) technicianForm(w http.ResponseWriter, r *http.Request, s *Session) error {
	f := peopleTechForm{New: true}
	if id := r.URL.Query().Get("id"); id != "" {
		t, err := c.db.Technician(r.Context(), s.Tenant, app.TechnicianID(id))
		if app.ErrorCode(err) == app.ENOTFOUND {
			return errPeopleNoTechnician(id)
		} else if err != nil {
			return err
		}
		f = peopleTechForm{T: t, Base: peopleVersion(t)}
	}
	return c.renderTechForm(w, r, s, http.StatusOK, f)
}

func (c *Console) renderTechForm(w http.ResponseWriter, r *http.Request, s *Session, status int, f peopleTechForm) error {
	locs, err := c.db.Locations(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	none := s.T.Text("console.people.none", "None", nil)
	f.Stores = []peopleOption{{Value: "", Label: none, Selected: f.T.Store == ""}}
	f.Vans = []peopleOption{{Value: "", Label: none, Selected: f.T.Van == ""}}
	for _, l := range locs {
		switch l.Kind {
		case app.LocationStore:
			f.Stores = append(f.Stores, peopleOption{Value: string(l.ID), Label: aside(s.T, l.Name, string(l.ID)), Selected: string(f.T.Store) == string(l.ID)})
		case app.LocationVan:
			f.Vans = append(f.Vans, peopleOption{Value: string(l.ID), Label: aside(s.T, l.Name, string(l.ID)), Selected: f.T.Van == l.ID})
		}
	}
	f.Langs = []peopleOption{{Value: "", Label: s.T.Text("console.people.language_device", "As set on the device", nil), Selected: f.T.Language == ""}}
	for _, l := range translations.Languages() {
		f.Langs = append(f.Langs, peopleOption{Value: l, Label: languageNames[l], Selected: f.T.Language == l})
	}
	f.Stores = peopleKeep(f.Stores, string(f.T.Store))
	f.Vans = peopleKeep(f.Vans, string(f.T.Van))
	f.Langs = peopleKeep(f.Langs, f.T.Language)
	return c.render(w, r, s, status, "technician", f)
}

// peopleKeep adds the record's value to a select that does not offer it
// (a store deleted, a language set by an import), selected: otherwise the
// browser would select the first entry, and saving would silently change
// the value. Saving it as it is then says what is wrong with it.
func peopleKeep(opts []peopleOption, value string) []peopleOption {
	for _, o := range opts {
		if o.Selected {
			return opts
		}
	}
	return append(opts, peopleOption{Value: value, Label: value, Selected: true})
}

// saveTechnician adds or replaces a technician (db.PutTechnician, as PUT
// /v1/admin/technicians/{id}). The record is checked by app's Validate;
// its refusal is shown next to the field it names.
func (c *Console) saveTechnician(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := peopleTechForm{New: r.PostFormValue("new") == "1", Base: r.PostFormValue("base"), Errors: map[string]string{}}
	f.T = app.Technician{ID: app.TechnicianID(field("id")), Name: field("name"), Phone: field("phone"),
		Country: strings.ToUpper(field("country")), Store: app.StoreID(field("store")), Van: app.LocationID(field("van")), Language: field("language")}
	cur, err := c.db.Technician(ctx, s.Tenant, f.T.ID)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND && !f.New:
		return errPeopleNoTechnician(string(f.T.ID))
	case err != nil && app.ErrorCode(err) != app.ENOTFOUND:
		return err
	case err == nil && f.New:
		f.Problem = peopleMessage(s, errPeopleExists(string(f.T.ID)))
		return c.renderTechForm(w, r, s, http.StatusConflict, f)
	case err == nil && peopleVersion(cur) != f.Base:
		f.Problem = peopleMessage(s, errPeopleStale(s.T.Text("console.people.technician", "Technician", nil), string(f.T.ID)))
		return c.renderTechForm(w, r, s, http.StatusConflict, f)
	}
	if err := c.checkTechnician(ctx, s, &f); err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		return c.renderTechForm(w, r, s, http.StatusBadRequest, f)
	}
	if err := c.db.PutTechnician(ctx, s.Tenant, f.T); err != nil {
		if app.ErrorCode(err) != app.EINVALID {
			return err
		}
		f.Problem = peopleMessage(s, err)
		return c.renderTechForm(w, r, s, http.StatusBadRequest, f)
	}
	detail, err := json.Marshal(f.T)
	if err != nil {
		return err
	}
	if err := c.audit(ctx, s, "technician.put", string(f.T.ID), string(detail)); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.people.technician_saved", "Technician {{.Name}} saved.", map[string]any{"Name": f.T.Name}); err != nil {
		return err
	}
	http.Redirect(w, r, "/people", http.StatusSeeOther)
	return nil
}

// checkTechnician fills f.Errors: app's Validate, whose refusal names one
// field, and the store and van, which must be a store and a van of the
// tenant.
func (c *Console) checkTechnician(ctx context.Context, s *Session, f *peopleTechForm) error {
	if err := f.T.Validate(); err != nil {
		e := app.AsError(err)
		f.Errors[peopleTechField(e)] = peopleMessage(s, err)
		return nil
	}
	locs, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return err
	}
	isKind := func(id string, k app.LocationKind) bool {
		return id == "" || slices.ContainsFunc(locs, func(l app.Location) bool { return string(l.ID) == id && l.Kind == k })
	}
	if !isKind(string(f.T.Store), app.LocationStore) {
		f.Errors["store"] = s.T.Text("console.people.not_a_store", "There is no store {{.ID}}: pick one from the list, or add the store first.", map[string]any{"ID": string(f.T.Store)})
	}
	if !isKind(string(f.T.Van), app.LocationVan) {
		f.Errors["van"] = s.T.Text("console.people.not_a_van", "There is no van {{.ID}}: pick one from the list, or add the van first.", map[string]any{"ID": string(f.T.Van)})
	}
	if f.T.Language != "" && !slices.Contains(translations.Languages(), f.T.Language) {
		f.Errors["language"] = s.T.Text("console.people.bad_language", "Pick a language from the list.", nil)
	}
	return nil
}

// peopleTechField is the form field an app refusal of a technician is about.
func peopleTechField(e *app.Error) string {
	switch e.Key {
	case "technician.invalid.id":
		return "id"
	case "technician.invalid.name":
		return "name"
	case "technician.invalid.country":
		return "country"
	case "mutation.bad_id":
		return "store"
	}
	if f, ok := e.Data["Field"].(string); ok {
		return f // name, phone or language (checkName)
	}
	return "id"
}

// peopleMessage is an error's message in the session's language.
func peopleMessage(s *Session, err error) string {
	e := app.AsError(err)
	return appErrorText(s.T, e)
}

// peopleLocForm is the store or van form's data.
type peopleLocForm struct {
	New  bool
	L    app.Location
	Base string
	// LeadWeeks is the lead time field as typed (a refused form shows it
	// again); empty for the kind's default.
	LeadWeeks string
	// LeadHelp is the lead time field's help: its bounds and the kinds'
	// defaults (central.DefaultLeadWeeks).
	LeadHelp map[string]any
	Problem  string
	Errors   map[string]string
	Kinds    []peopleOption
}

// peopleLocationKinds are the kinds a location may have, as the form offers them.
var peopleLocationKinds = []struct {
	Kind         app.LocationKind
	Key, Message string
}{
	{app.LocationStore, "console.people.kind_store", "Store"},
	{app.LocationVan, "console.people.kind_van", "Van"},
	{app.LocationWarehouse, "console.people.kind_warehouse", "Warehouse"},
	{app.LocationDefective, "console.people.kind_defective", "Defective stock"},
}

// locationForm shows the form for a new store or van (no id) or an
// existing location.
func (c *Console) locationForm(w http.ResponseWriter, r *http.Request, s *Session) error {
	f := peopleLocForm{New: true, L: app.Location{Kind: app.LocationKind(r.URL.Query().Get("kind"))}}
	if id := r.URL.Query().Get("id"); id != "" {
		l, err := c.location(r.Context(), s, id)
		if err != nil {
			return err
		}
		f = peopleLocForm{L: l, Base: peopleVersion(l)}
		if l.LeadWeeks > 0 {
			f.LeadWeeks = strconv.Itoa(l.LeadWeeks)
		}
	}
	return c.renderLocForm(w, r, s, http.StatusOK, f)
}

// location returns a location of the session's tenant, else ENOTFOUND.
func (c *Console) location(ctx context.Context, s *Session, id string) (app.Location, error) {
	locs, err := c.db.Locations(ctx, s.Tenant)
	if err != nil {
		return app.Location{}, err
	}
	for _, l := range locs {
		if string(l.ID) == id {
			return l, nil
		}
	}
	return app.Location{}, errPeopleNoLocation(id)
}

func (c *Console) renderLocForm(w http.ResponseWriter, r *http.Request, s *Session, status int, f peopleLocForm) error {
	for _, k := range peopleLocationKinds {
		f.Kinds = append(f.Kinds, peopleOption{Value: string(k.Kind), Label: s.T.Text(k.Key, k.Message, nil), Selected: f.L.Kind == k.Kind})
	}
	f.LeadHelp = map[string]any{"Min": s.T.Count(app.MinLeadWeeks), "Max": s.T.Count(app.MaxLeadWeeks),
		"VanWeeks": s.T.Count(int64(central.DefaultLeadWeeks(app.LocationVan))), "StoreWeeks": s.T.Count(int64(central.DefaultLeadWeeks(app.LocationStore)))}
	return c.render(w, r, s, status, "location", f)
}

// saveLocation adds or replaces a stock location (db.PutLocations, as PUT
// /v1/admin/locations/{id}).
func (c *Console) saveLocation(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := peopleLocForm{New: r.PostFormValue("new") == "1", Base: r.PostFormValue("base"), LeadWeeks: field("lead_weeks"), Errors: map[string]string{}}
	f.L = app.Location{ID: app.LocationID(field("id")), Kind: app.LocationKind(field("kind")), Name: field("name"), Owner: field("owner")}
	cur, err := c.location(ctx, s, string(f.L.ID))
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND && !f.New:
		return err
	case err != nil && app.ErrorCode(err) != app.ENOTFOUND:
		return err
	case err == nil && f.New:
		f.Problem = peopleMessage(s, errPeopleExists(string(f.L.ID)))
		return c.renderLocForm(w, r, s, http.StatusConflict, f)
	case err == nil && peopleVersion(cur) != f.Base:
		f.Problem = peopleMessage(s, errPeopleStale(s.T.Text("console.people.location", "Location", nil), string(f.L.ID)))
		return c.renderLocForm(w, r, s, http.StatusConflict, f)
	}
	lead, err := app.ParseLeadWeeks(f.L.ID, f.LeadWeeks)
	if err != nil {
		f.Errors["lead_weeks"] = peopleMessage(s, err)
	}
	f.L.LeadWeeks = lead
	if err := f.L.Validate(); err != nil {
		f.Errors[peopleLocField(app.AsError(err))] = peopleMessage(s, err)
	}
	if len(f.Errors) > 0 {
		return c.renderLocForm(w, r, s, http.StatusBadRequest, f)
	}
	if err := c.db.PutLocations(ctx, s.Tenant, []app.Location{f.L}); err != nil {
		if app.ErrorCode(err) != app.EINVALID {
			return err
		}
		f.Problem = peopleMessage(s, err)
		return c.renderLocForm(w, r, s, http.StatusBadRequest, f)
	}
	detail, err := json.Marshal(f.L)
	if err != nil {
		return err
	}
	if err := c.audit(ctx, s, "location.put", string(f.L.ID), string(detail)); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.people.location_saved", "{{.Name}} saved.", map[string]any{"Name": f.L.Name}); err != nil {
		return err
	}
	http.Redirect(w, r, "/people#locations", http.StatusSeeOther)
	return nil
}

// peopleLocField is the form field an app refusal of a location is about.
func peopleLocField(e *app.Error) string {
	switch e.Key {
	case "location.invalid.id":
		return "id"
	case "location.invalid.kind":
		return "kind"
	case "location.invalid.name":
		return "name"
	case "location.invalid.lead_weeks":
		return "lead_weeks"
	}
	if f, ok := e.Data["Field"].(string); ok {
		return f // name or owner (checkName)
	}
	return "id"
}

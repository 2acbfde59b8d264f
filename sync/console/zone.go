package console

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// zones keeps the locations loaded, by IANA name: time.LoadLocation reads
// and parses the zone's file on every call, and every request needs its
// tenant's. It holds only names central.LoadZone accepted, so at most the
// few hundred zones there are.
var zones sync.Map // string -> *time.Location

// zoneOf is the location of the zone named name (a tenant's, read with its
// session). A name that no longer loads (the database edited by hand, or a
// zone dropped from the tz database) shows UTC rather than lock the
// console, and its pages then say "UTC", so nobody guesses.
func zoneOf(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := central.LoadZone(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// loc is the session's time zone, UTC without one.
func (s *Session) loc() *time.Location {
	if s == nil || s.Zone == nil {
		return time.UTC
	}
	return s.Zone
}

// startOfDay is the instant that begins t's day in loc: its midnight,
// unless the clocks skip it (central.DayStart).
func startOfDay(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return central.DayStart(t.Year(), t.Month(), t.Day(), loc)
}

// addDays is the start of the day n days after day's (before, for a
// negative n) in day's zone. Not AddDate: from a day that begins after a
// skipped midnight, AddDate keeps that hour on the other days.
func addDays(day time.Time, n int) time.Time {
	return central.DayStart(day.Year(), day.Month(), day.Day()+n, day.Location())
}

// parseDay is the start in loc of the day s, typed as a reader of lang
// types one (translations.ParseDate: ISO YYYY-MM-DD in every language,
// 27/11/2026 in French, 2026年11月27日 in Chinese). Not
// time.ParseInLocation, which gives a skipped midnight in the offset
// before the jump: 23:00 the day before.
func parseDay(lang, s string, loc *time.Location) (time.Time, error) {
	d, err := translations.ParseDate(lang, s)
	if err != nil {
		return time.Time{}, err
	}
	return central.DayStart(d.Year(), d.Month(), d.Day(), loc), nil
}

// exampleDay is a day as a reader of lang types it (27/11/2026 in French,
// 2026-11-27 in English and Chinese): the example above the date fields
// and the one their refusals give. The console's date fields are text,
// not <input type=date>: Chromium draws a date input in the browser's
// own language and order (11/27/2026 on an American Chrome), whatever
// the page's lang says, so a French office read one order in the form
// and another on every page.
func exampleDay(lang string) string {
	return translations.NumericDate(lang, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
}

// suggestedZones are the zones the settings page offers: UTC, then those
// of the countries the product serves (app's countryLanguages), by
// language; any other IANA name may be typed.
var suggestedZones = []string{
	"UTC",
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
	"Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Monaco", "Africa/Dakar", "Africa/Abidjan",
	"Europe/Madrid", "Atlantic/Canary", "America/Mexico_City", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Santiago", "America/Lima",
	"Europe/Lisbon", "Atlantic/Azores", "America/Sao_Paulo", "America/Manaus", "Africa/Luanda", "Africa/Maputo",
	"Europe/Berlin", "Africa/Lagos", "Europe/London", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
}

// settingsPage is the settings page's data.
type settingsPage struct {
	Zone    string   // the tenant's zone now
	Zones   []string // suggestedZones, the tenant's first when it is not among them
	Other   string   // a refused name, to type again
	Example string   // now in the tenant's zone, so the choice can be checked
	Error   string
}

// settings is GET /settings: the tenant's time zone.
func (c *Console) settings(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.settingsAnswer(w, r, s, http.StatusOK, "", "")
}

func (c *Console) settingsAnswer(w http.ResponseWriter, r *http.Request, s *Session, status int, other, msg string) error {
	zone := s.loc().String()
	p := settingsPage{Zone: zone, Zones: suggestedZones, Other: other, Error: msg, Example: s.T.DateTime(c.opt.Now().In(s.loc()))}
	if !slices.Contains(p.Zones, zone) {
		p.Zones = append([]string{zone}, p.Zones...)
	}
	return c.render(w, r, s, status, "settings", p)
}

// setZone is POST /settings/zone: the tenant's time zone, from the list
// or typed (the typed name wins). A name that is not a zone is shown
// again with the reason, and nothing changes.
func (c *Console) setZone(w http.ResponseWriter, r *http.Request, s *Session) error {
	name := strings.TrimSpace(r.PostFormValue("other"))
	if name == "" {
		name = strings.TrimSpace(r.PostFormValue("zone"))
	}
	if err := c.db.SetTenantZone(r.Context(), s.Tenant, name); err != nil {
		if !app.Refused(err) {
			return err
		}
		e := app.AsError(err)
		return c.settingsAnswer(w, r, s, central.HTTPStatus(err), r.PostFormValue("other"), appErrorText(s.T, e))
	}
	if err := c.audit(r.Context(), s, "tenant.zone", s.Tenant, "zone="+name); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.settings.zone_set", "The console now shows and reads times in {{.Zone}}.", map[string]any{"Zone": name}); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}

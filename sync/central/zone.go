package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// DefaultZone is a tenant's time zone until an administrator sets one:
// the zone every console page used before tenants had one.
const DefaultZone = "UTC"

// maxZoneName bounds a zone's name; the longest IANA name,
// "America/Argentina/ComodRivadavia", has 32 bytes.
const maxZoneName = 64

// LoadZone loads the IANA time zone called name (such as
// "Asia/Shanghai"); EINVALID when there is none. "Local" is refused: it is
// the server's zone, which a tenant must not depend on.
func LoadZone(name string) (*time.Location, error) {
	bad := app.Errorf(app.EINVALID, "central.bad_zone", "{{.Zone}} is not a time zone. Choose one from the list, or write an IANA name such as Asia/Shanghai.", "Zone", name)
	if name == "" || len(name) > maxZoneName || name == "Local" {
		return nil, bad
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, bad
	}
	return loc, nil
}

// DayStart is the first instant of the day y-m-d (normalised as
// time.Date normalises it) on loc's clocks: its midnight, or where the
// clocks skip midnight (America/Santiago springs forward from 00:00 to
// 01:00) the instant they jump to. time.Date takes such a midnight in the
// offset before the jump, which is 23:00 the day before, and AddDate from
// it stays at 23:00 on every later day: so every day of a zone starts
// here, never by AddDate.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // the date, normalised
	t := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty == day.Year() && tm == day.Month() && td == day.Day() {
		return t // midnight, or the first instant after a skipped one
	}
	// t is the day before, in the offset before the jump: the day
	// begins where that offset ends.
	if _, end := t.ZoneBounds(); end.After(t) {
		return end
	}
	return t
}

// WallClock is the instant at which loc's clocks show hh:mm on the day
// y-m-d: what a form that reads a time in the tenant's zone means by it.
// Where the clocks go forward (Europe/Paris from 02:00 to 03:00 on the
// last Sunday of March) the times they skip never happen: EINVALID
// (central.skipped_time), which names the jump, where time.Date would
// silently take the time in one of the two offsets. Where they go back,
// the times they repeat happen twice: the earlier instant, the first time
// the clocks show it (Repeated tells a form to say so). The date must be
// a real one and hh:mm a time of day (a form's parser checks them).
func WallClock(y int, m time.Month, d, hh, mm int, loc *time.Location) (time.Time, error) {
	shown := time.Date(y, m, d, hh, mm, 0, 0, time.UTC) // the wall clock, read as if UTC
	if at := wallInstants(shown, loc); len(at) > 0 {
		return at[0], nil
	}
	from, to := skippedBy(shown, loc)
	// The day is data "On", YYYY-MM-DD: one of app's day keys, so that a
	// JSON client reads it as figures and every reader that shows the
	// error (the console, the terminal) writes it as its language writes a
	// day (app.Error.Days), as "2026年3月29日" in Chinese. Named "Date", the
	// console patched it at its one call and any other reader showed ISO.
	return time.Time{}, app.Errorf(app.EINVALID, "central.skipped_time",
		"{{.Time}} does not exist on {{.On}} in {{.Zone}}: the clocks go forward from {{.From}} to {{.To}}. Choose another time.",
		"Time", shown.Format("15:04"), "On", shown.Format(time.DateOnly), "Zone", loc.String(), "From", from, "To", to)
}

// Repeated reports whether t's clocks (those of t.Location()) show t's
// wall time twice, where they go back: t is then one of two instants
// that read the same.
func Repeated(t time.Time) bool {
	y, m, d := t.Date()
	return len(wallInstants(time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), t.Location())) > 1
}

// wallInstants lists, earliest first, the instants at which loc's clocks
// show the wall time shown (written as if it were UTC): none where they
// skip it, two where they repeat it, else one. The offsets that can
// apply are the one time.Date picks and those of the zone's periods on
// either side of its instant: clocks change at most once in a day's
// neighbourhood in every zone of the tz database.
func wallInstants(shown time.Time, loc *time.Location) []time.Time {
	guess := time.Date(shown.Year(), shown.Month(), shown.Day(), shown.Hour(), shown.Minute(), shown.Second(), shown.Nanosecond(), loc)
	start, end := guess.ZoneBounds()
	around := []time.Time{guess}
	if !start.IsZero() {
		around = append(around, start.Add(-time.Nanosecond))
	}
	if !end.IsZero() {
		around = append(around, end)
	}
	var at []time.Time
	for _, a := range around {
		_, offset := a.In(loc).Zone()
		t := shown.Add(-time.Duration(offset) * time.Second).In(loc)
		if sameWall(t, shown) && !slices.ContainsFunc(at, t.Equal) {
			at = append(at, t)
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	return at
}

// sameWall reports whether t's clocks read shown (written as if UTC).
func sameWall(t, shown time.Time) bool {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).Equal(shown)
}

// skippedBy names the jump of loc's clocks over the wall time shown
// (written as if UTC), which they skip: the time they leave and the time
// they jump to, as "02:00" and "03:00".
func skippedBy(shown time.Time, loc *time.Location) (from, to string) {
	guess := time.Date(shown.Year(), shown.Month(), shown.Day(), shown.Hour(), shown.Minute(), 0, 0, loc)
	start, end := guess.ZoneBounds()
	for _, jump := range []time.Time{start, end} {
		if jump.IsZero() {
			continue
		}
		_, before := jump.Add(-time.Nanosecond).In(loc).Zone()
		_, after := jump.In(loc).Zone()
		left := jump.Add(time.Duration(before) * time.Second).UTC() // the wall clock as it jumps, as if UTC
		arrived := jump.Add(time.Duration(after) * time.Second).UTC()
		if !shown.Before(left) && shown.Before(arrived) {
			return left.Format("15:04"), arrived.Format("15:04")
		}
	}
	return "?", "?" // not reached for a skipped time: one of the bounds is its jump
}

// TenantZone is the name of the tenant's time zone (DefaultZone until
// one is set). ENOTFOUND for an unknown tenant.
func (db *DB) TenantZone(ctx context.Context, tenant string) (string, error) {
	var zone string
	err := db.read.QueryRowContext(ctx, db.q(`SELECT zone FROM tenants WHERE id = ?`), tenant).Scan(&zone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoTenant(tenant)
	}
	return zone, transient(err)
}

// SetTenantZone sets the tenant's time zone, an IANA name that LoadZone
// knows; EINVALID otherwise (and nothing changes), ENOTFOUND for an
// unknown tenant.
func (db *DB) SetTenantZone(ctx context.Context, tenant, name string) error {
	if _, err := LoadZone(name); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE tenants SET zone = ? WHERE id = ?`), name, tenant)
	if err != nil {
		return transient(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errNoTenant(tenant)
	}
	return nil
}

func errNoTenant(tenant string) error {
	return app.Errorf(app.ENOTFOUND, "central.no_tenant", "The service provider {{.Tenant}} does not exist on this server. Check the tenant's ID.", "Tenant", tenant)
}

// migrateTenantZone gives the tenants table of a database made before
// tenants had a zone its zone column; every tenant starts in DefaultZone,
// the zone the console showed until then.
func (db *DB) migrateTenantZone(ctx context.Context, conn *sql.Conn) error {
	count := `SELECT count(*) FROM pragma_table_info('tenants') WHERE name = 'zone'`
	if db.dialect == dialectPostgres {
		count = `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'tenants' AND column_name = 'zone'`
	}
	var n int
	if err := conn.QueryRowContext(ctx, count).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE tenants ADD COLUMN zone TEXT NOT NULL DEFAULT '%s'`, DefaultZone))
	return err
}

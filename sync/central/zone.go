package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

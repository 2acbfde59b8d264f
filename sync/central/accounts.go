package central

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Principal is who a request's token belongs to.
type Principal struct {
	Tenant     string
	Role       app.Role // RoleDispatcher for admin tokens, RoleTechnician for devices
	Name       string
	Device     app.DeviceID     // devices only
	Technician app.TechnicianID // devices only
}

// Device is a paired app instance.
type Device struct {
	ID         app.DeviceID     `json:"id"`
	Tenant     string           `json:"tenant"`
	Technician app.TechnicianID `json:"technician"`
	Name       string           `json:"name"`
	LastSeq    int64            `json:"last_seq"`
	CreatedAt  time.Time        `json:"created_at"`
	LastSeen   time.Time        `json:"last_seen,omitzero"`
	RevokedAt  time.Time        `json:"revoked_at,omitzero"`
	// ClockOffsetMS is server time minus the device's clock at its last
	// push: a large value explains odd timestamps in its records.
	ClockOffsetMS int64 `json:"clock_offset_ms"`
	// App and Protocol are the app version (the Fieldbench-App header)
	// and protocol version of its latest sync, LastSync that sync's time
	// (to the minute); empty until it syncs.
	App      string    `json:"app,omitempty"`
	Protocol int       `json:"protocol,omitempty"`
	LastSync time.Time `json:"last_sync,omitzero"`
}

// hashToken is what the database keeps of a token or pairing code: a
// stolen backup does not hand out working credentials.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// newToken mints a bearer token: 32 random bytes.
func newToken() string { return randomToken(32) }

var errUnauthorized = app.Errorf(app.EUNAUTHORIZED, "auth.unknown_token", "This device or user is not known to the server. Pair it again.")

// errRevoked answers a revoked device: its code tells the app to wipe its
// local copy.
var errRevoked = app.Errorf(app.EREVOKED, "auth.revoked", "This device was removed from the service. Its local data has been erased; ask your administrator for a new pairing code.")

// CreateTenant adds a service provider. Creating an existing one is a no-op.
func (db *DB) CreateTenant(ctx context.Context, id, name string) error {
	if strings.TrimSpace(id) == "" || strings.Contains(id, "/") {
		return app.Errorf(app.EINVALID, "central.bad_tenant", "A tenant ID must be non-empty and without '/'.")
	}
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`), id, name)
	return transient(err)
}

// TenantName returns a tenant's name: the service provider's name its
// devices head customers' documents with.
func (db *DB) TenantName(ctx context.Context, tenant string) (string, error) {
	var name string
	err := db.read.QueryRowContext(ctx, db.q(`SELECT name FROM tenants WHERE id = ?`), tenant).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", app.Errorf(app.ENOTFOUND, "central.no_tenant", "The service provider {{.Tenant}} does not exist on this server. Check the tenant's ID.", "Tenant", tenant)
	}
	return name, transient(err)
}

// RenameTenant sets a tenant's name, as customers read it on documents.
func (db *DB) RenameTenant(ctx context.Context, tenant, name string) error {
	if strings.TrimSpace(name) == "" || app.CheckTextLen("name", name, app.MaxNameLen) != nil {
		return app.Errorf(app.EINVALID, "central.bad_tenant_name", "A service provider's name must be 1 to {{.Max}} characters.", "Max", app.MaxNameLen)
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE tenants SET name = ? WHERE id = ?`), name, tenant)
	if err != nil {
		return transient(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return app.Errorf(app.ENOTFOUND, "central.no_tenant", "The service provider {{.Tenant}} does not exist on this server. Check the tenant's ID.", "Tenant", tenant)
	}
	return nil
}

// CreateTenantAdmin creates tenant (when missing) and a dispatcher token
// for it in one transaction, and calls keep with the token before the
// commit: when keep fails, nothing is created, so a token that could not
// be kept never exists.
func (db *DB) CreateTenantAdmin(ctx context.Context, tenant, name string, keep func(token string) error) error {
	if strings.TrimSpace(tenant) == "" || strings.Contains(tenant, "/") {
		return app.Errorf(app.EINVALID, "central.bad_tenant", "A tenant ID must be non-empty and without '/'.")
	}
	tok := newToken()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return transient(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`), tenant, tenant); err != nil {
		return transient(err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO admin_tokens (tenant, name, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)`),
		tenant, name, hashToken(tok), string(app.RoleDispatcher), db.now().UnixNano()); err != nil {
		return transient(err)
	}
	if err := keep(tok); err != nil {
		return err
	}
	return transient(tx.Commit())
}

// Authenticate finds the principal of a bearer token. Unknown, forged,
// rotated and revoked admin tokens are EUNAUTHORIZED; a revoked device's
// token is EREVOKED, which tells the app to wipe its local copy.
func (db *DB) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" || len(token) > 256 {
		return Principal{}, errUnauthorized
	}
	h := hashToken(token)
	// Devices first: they make nearly every request. A token's hash is in
	// one table at most (tokens are 256 random bits).
	var p Principal
	var revoked sql.NullInt64
	err := db.readRow(ctx, qAuthDevice, h).Scan(&p.Device, &p.Tenant, &p.Technician, &p.Name, &revoked)
	if err == nil && revoked.Valid {
		return Principal{}, errRevoked
	}
	if err == nil {
		p.Role = app.RoleTechnician
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Principal{}, transient(err)
	}
	p = Principal{}
	var role string
	var adminRevoked sql.NullInt64
	err = db.readRow(ctx, qAuthAdmin, h).Scan(&p.Tenant, &p.Name, &role, &adminRevoked)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, errUnauthorized
	}
	if err != nil {
		return Principal{}, transient(err)
	}
	if adminRevoked.Valid {
		return Principal{}, app.Errorf(app.EUNAUTHORIZED, "auth.token_revoked", "This admin token was revoked. Ask an administrator for a new one (central admin token-create).")
	}
	p.Role = app.Role(role)
	return p, nil
}

// pairingAlphabet leaves out 0/O, 1/I/L and U: codes are read aloud and
// typed on phones.
const pairingAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"

// pairingTTL is how long a pairing code stays valid.
const pairingTTL = 24 * time.Hour

func newPairingCode() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("central: system random source failed: " + err.Error())
	}
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(pairingAlphabet[int(c)%len(pairingAlphabet)])
	}
	return s.String()
}

// normalizeCode accepts a code as typed: any case, with or without dashes
// and spaces.
func normalizeCode(code string) string {
	var s strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r == '-' || r == ' ' {
			continue
		}
		s.WriteRune(r)
	}
	return s.String()
}

// maxPairingFailures is how many wrong codes with a pending code's first
// group lock that code.
const maxPairingFailures = 5

// pairingSelector is what a wrong code is matched on: its first group of
// four. Guessing the other eight characters is hopeless (30^8), so a
// string of failures on one selector is someone who knows the start of a
// code, or a technician mistyping theirs: either way the code is locked.
func pairingSelector(normalized string) string {
	return hashToken("selector:" + normalized[:min(4, len(normalized))])
}

// CreatePairing mints a one-time pairing code for a technician of tenant,
// and deletes the codes that have expired.
func (db *DB) CreatePairing(ctx context.Context, tenant string, tech app.TechnicianID) (string, time.Time, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT count(*) FROM entities WHERE tenant = ? AND kind = 'technician' AND id = ?`), tenant, string(tech)).Scan(&n); err != nil {
		return "", time.Time{}, transient(err)
	}
	if n == 0 {
		return "", time.Time{}, app.Errorf(app.ENOTFOUND, "central.no_technician", "There is no technician {{.ID}}; add them first.", "ID", string(tech))
	}
	code := newPairingCode()
	norm := normalizeCode(code)
	now := db.now()
	expires := now.Add(pairingTTL)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", time.Time{}, transient(err)
	}
	defer tx.Rollback()
	for _, stmt := range []struct {
		q    string
		args []any
	}{
		{`DELETE FROM pairing_guards WHERE code_hash IN (SELECT code_hash FROM pairings WHERE expires_at <= ?)`, []any{now.UnixNano()}},
		{`DELETE FROM pairings WHERE expires_at <= ?`, []any{now.UnixNano()}},
		{`INSERT INTO pairings (code_hash, tenant, technician, expires_at) VALUES (?, ?, ?, ?)`, []any{hashToken(norm), tenant, string(tech), expires.UnixNano()}},
		{`INSERT INTO pairing_guards (code_hash, selector) VALUES (?, ?)`, []any{hashToken(norm), pairingSelector(norm)}},
	} {
		if _, err := tx.ExecContext(ctx, db.q(stmt.q), stmt.args...); err != nil {
			return "", time.Time{}, transient(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", time.Time{}, transient(err)
	}
	return code, expires, nil
}

var (
	errBadPairing    = app.Errorf(app.EUNAUTHORIZED, "auth.bad_pairing", "This pairing code is wrong, used or expired. Ask your administrator for a new one.")
	errPairingLocked = app.Errorf(app.EUNAUTHORIZED, "auth.pairing_locked", "This pairing code was locked after too many wrong tries. Ask your administrator for a new one.")
)

// maxDeviceName bounds the name a device gives itself at pairing, in
// characters; a longer one is cut, not refused (the technician pairing a
// tablet cannot rename it there).
const maxDeviceName = 100

// Pair exchanges a pairing code for a new device and its token. The code is
// burnt in the same transaction. A wrong code counts against the pending
// codes that start like it (see pairingSelector).
func (db *DB) Pair(ctx context.Context, code, name string) (Device, string, error) {
	if len(code) > 64 {
		return Device{}, "", errBadPairing
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "device"
	}
	// Cut at a character: 100 bytes could end inside one, and
	// PostgreSQL refuses text that is not UTF-8.
	name = app.CutText(name, maxDeviceName)
	norm := normalizeCode(code)
	tok := newToken()
	var d Device
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE pairings SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
			AND code_hash NOT IN (SELECT code_hash FROM pairing_guards WHERE locked_at IS NOT NULL)`),
			now.UnixNano(), hashToken(norm), now.UnixNano())
		if err != nil {
			return transient(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return transient(err)
		} else if n != 1 {
			var locked int
			if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM pairing_guards WHERE code_hash = ? AND locked_at IS NOT NULL`), hashToken(norm)).Scan(&locked); err != nil {
				return transient(err)
			}
			if locked > 0 {
				return errPairingLocked
			}
			return errBadPairing
		}
		if err := tx.QueryRowContext(ctx, db.q(`SELECT tenant, technician FROM pairings WHERE code_hash = ?`), hashToken(norm)).Scan(&d.Tenant, &d.Technician); err != nil {
			return transient(err)
		}
		d.ID = app.DeviceID("dev-" + app.NewID())
		d.Name, d.CreatedAt = name, now
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO devices (id, tenant, technician, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			string(d.ID), d.Tenant, string(d.Technician), d.Name, hashToken(tok), now.UnixNano())
		return transient(err)
	})
	if err == errBadPairing {
		if ferr := db.pairingFailed(ctx, norm); ferr != nil {
			return Device{}, "", ferr
		}
	}
	if err != nil {
		return Device{}, "", err
	}
	db.publish(d.Tenant, d.ID, &changeSet{devices: true})
	return d, tok, nil
}

// pairingFailed counts a wrong code against the pending codes with its
// selector, and locks those that reached maxPairingFailures.
func (db *DB) pairingFailed(ctx context.Context, norm string) error {
	now := db.now().UnixNano()
	sel := pairingSelector(norm)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return transient(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE pairing_guards SET failures = failures + 1 WHERE selector = ? AND locked_at IS NULL
		AND code_hash IN (SELECT code_hash FROM pairings WHERE used_at IS NULL AND expires_at > ?)`), sel, now); err != nil {
		return transient(err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE pairing_guards SET locked_at = ? WHERE selector = ? AND locked_at IS NULL AND failures >= ?`),
		now, sel, maxPairingFailures); err != nil {
		return transient(err)
	}
	return transient(tx.Commit())
}

// RevokeDevice refuses a device from now on.
func (db *DB) RevokeDevice(ctx context.Context, tenant string, id app.DeviceID) error {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE devices SET revoked_at = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL`), db.now().UnixNano(), tenant, string(id))
	if err != nil {
		return transient(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.ENOTFOUND, "central.no_device", "There is no active device {{.ID}}.", "ID", string(id))
	}
	db.publish(tenant, id, &changeSet{devices: true})
	// A wait it holds answers now, with the refusal a pull gets.
	db.waits.endDevice(tenant, id)
	return nil
}

// Devices lists a tenant's devices.
func (db *DB) Devices(ctx context.Context, tenant string) ([]Device, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT d.id, d.tenant, d.technician, d.name, d.last_seq, d.clock_offset_ms, d.created_at, d.last_seen, d.revoked_at,
		COALESCE(i.app, ''), COALESCE(i.protocol, 0), COALESCE(i.at, 0)
		FROM devices d LEFT JOIN device_info i ON i.device = d.id WHERE d.tenant = ? ORDER BY d.created_at, d.id`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []Device{}
	for rows.Next() {
		var d Device
		var created, seen, synced int64
		var revoked sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Tenant, &d.Technician, &d.Name, &d.LastSeq, &d.ClockOffsetMS, &created, &seen, &revoked,
			&d.App, &d.Protocol, &synced); err != nil {
			return nil, transient(err)
		}
		if synced > 0 {
			d.LastSync = time.Unix(0, synced).UTC()
		}
		d.CreatedAt = time.Unix(0, created).UTC()
		if seen > 0 {
			d.LastSeen = time.Unix(0, seen).UTC()
		}
		if revoked.Valid {
			d.RevokedAt = time.Unix(0, revoked.Int64).UTC()
		}
		out = append(out, d)
	}
	return out, transient(rows.Err())
}

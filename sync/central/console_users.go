package central

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
	"golang.org/x/crypto/argon2"
)

// ConsoleUser is a person who signs in to the office console (package
// sync/console) with a password. Role is one of the console's role names;
// the console defines and checks them, the database only keeps them.
type ConsoleUser struct {
	Login       string
	Tenant      string
	Name        string
	Role        string
	Store       app.StoreID // a store manager's store, else ""
	Language    string      // BCP 47, "" for the browser's
	Failed      int         // failed sign-ins since the last success or lock
	LockedUntil time.Time   // zero: not locked
	CreatedAt   time.Time
	DisabledAt  time.Time // zero: active
}

// Console session and lockout bounds (docs/PROTOCOL.md, "The office
// console").
const (
	ConsoleSessionIdle  = 8 * time.Hour      // unused this long, a session ends
	ConsoleSessionMax   = 7 * 24 * time.Hour // however used, a session ends this long after sign-in
	ConsoleMaxFailures  = 5                  // failed sign-ins in a row that lock the account
	ConsoleLockout      = 15 * time.Minute   // how long a locked account refuses sign-in
	MinPasswordLen      = 12                 // characters
	MaxPasswordLen      = 256                // characters: bounds the hashing's input
	maxConsoleLoginLen  = 254                // an email address at most
	maxConsoleNameLen   = 200
	consoleAuditDefault = 100
	consoleAuditMax     = 1000
)

// errBadSignIn is the one answer to a wrong password, an unknown login, a
// disabled or a locked account: which of them it was is not the caller's to
// learn.
var errBadSignIn = app.Errorf(app.EUNAUTHORIZED, "console.signin.refused",
	"The login or the password is wrong, or the account is locked for 15 minutes after 5 failed attempts. Check both and try again, or try again later.")

// ErrConsoleSession answers a session ID that is unknown, ended or expired.
var ErrConsoleSession = app.Errorf(app.EUNAUTHORIZED, "console.session.ended", "Your session has ended. Sign in again.")

// Password hashing: argon2id at OWASP's minimum for it (19 MiB, 2 passes,
// 1 lane). It is memory-hard, so guessing on GPUs costs what it costs us;
// 19 MiB keeps two concurrent hashings well inside a small server, and
// hashSlots allows no more than two at once so a flood of sign-ins queues
// instead of exhausting memory.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
	hashWait       = 10 * time.Second // a sign-in waiting longer for a slot is refused as busy
)

var hashSlots = make(chan struct{}, 2)

var errHashBusy = app.Errorf(app.ETHROTTLED, "console.signin.busy", "The server is busy signing people in. Try again in a few seconds.", "Seconds", 5)

// hashPassword returns password's argon2id PHC string with a fresh salt.
func hashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := argonKey(ctx, password, salt, argonMemoryKiB, argonTime, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// argonKey runs argon2id in one of the hashing slots.
func argonKey(ctx context.Context, password string, salt []byte, m, t uint32, p uint8, n uint32) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, hashWait)
	defer cancel()
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errHashBusy
		}
		return nil, ctx.Err()
	}
	defer func() { <-hashSlots }()
	if tally, ok := ctx.Value(hashTallyKey{}).(*hashTally); ok {
		tally.add(hashCost{MemoryKiB: m, Passes: t, Lanes: p, KeyLen: n})
	}
	return argon2.IDKey([]byte(password), salt, t, m, p, n), nil
}

// hashCost is what one argon2id hashing costs: its parameters.
type hashCost struct {
	MemoryKiB, Passes uint32
	Lanes             uint8
	KeyLen            uint32
}

// hashTally records the hashings run for a context that carries it
// (withHashTally): the test that a sign-in's refusal does the same work
// whatever the login (TestSignInRefusalsHashAlike) counts them and their
// cost, which no load on the machine changes, where timing them flaked.
type hashTally struct {
	mu   gosync.Mutex
	runs []hashCost
}

type hashTallyKey struct{}

// withHashTally returns ctx carrying a new tally of its hashings.
func withHashTally(ctx context.Context) (context.Context, *hashTally) {
	tally := &hashTally{}
	return context.WithValue(ctx, hashTallyKey{}, tally), tally
}

func (h *hashTally) add(c hashCost) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.runs = append(h.runs, c)
}

// take returns the hashings recorded since the last take, and forgets them.
func (h *hashTally) take() []hashCost {
	h.mu.Lock()
	defer h.mu.Unlock()
	runs := h.runs
	h.runs = nil
	return runs
}

// dummyHash is compared against when there is no hash to check (unknown
// login), so that such a sign-in takes as long as a wrong password.
var dummyHash = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
	base64.RawStdEncoding.EncodeToString(make([]byte, argonSaltLen)), base64.RawStdEncoding.EncodeToString(make([]byte, argonKeyLen)))

// checkPassword reports whether password matches the PHC string phc. The
// parameters are read from phc, bounded, so hashes made with other costs
// keep working; a malformed phc never matches.
func checkPassword(ctx context.Context, phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m < 1024 || m > 256*1024 || t < 1 || t > 10 || p < 1 || p > 4 {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false, nil
	}
	got, err := argonKey(ctx, password, salt, m, t, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// CheckPasswordRules refuses a password outside 12 to 256 characters.
func CheckPasswordRules(password string) error {
	if n := app.TextLen(password); n < MinPasswordLen || n > MaxPasswordLen {
		return app.Errorf(app.EINVALID, "console.password.length", "A password needs {{.Min}} to {{.Max}} characters; a few words in a row are easy to remember.", "Min", MinPasswordLen, "Max", MaxPasswordLen)
	}
	return nil
}

func checkConsoleUser(u ConsoleUser) error {
	switch {
	case u.Login == "" || app.TextLen(u.Login) > maxConsoleLoginLen || strings.TrimSpace(u.Login) != u.Login || !utf8.ValidString(u.Login) || strings.ContainsFunc(u.Login, func(r rune) bool { return r < ' ' || r == 0x7f }) || strings.ContainsAny(u.Login, `/?#%\`):
		// The login names the user in the console's paths (/users/LOGIN/...).
		return app.Errorf(app.EINVALID, "console.user.login", "A login needs 1 to {{.Max}} characters (an email address or a name), without spaces at either end and without / ? # % or backslash.", "Max", maxConsoleLoginLen)
	case strings.TrimSpace(u.Name) == "" || app.TextLen(u.Name) > maxConsoleNameLen:
		return app.Errorf(app.EINVALID, "console.user.name", "Give the person's name, at most {{.Max}} characters.", "Max", maxConsoleNameLen)
	case u.Tenant == "" || u.Role == "":
		return app.Errorf(app.EINVALID, "console.user.tenant_role", "Give the user's tenant and role.")
	}
	return nil
}

// CreateConsoleUser adds a console user of an existing tenant with
// password (hashed here; never stored). A login already taken, in any
// tenant, is refused with ECONFLICT.
func (db *DB) CreateConsoleUser(ctx context.Context, u ConsoleUser, password string) error {
	if err := checkConsoleUser(u); err != nil {
		return err
	}
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	if _, err := db.TenantName(ctx, u.Tenant); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, db.q(`INSERT INTO console_users (login, tenant, name, role, store, password_hash, language, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING`),
		u.Login, u.Tenant, u.Name, u.Role, string(u.Store), hash, u.Language, db.now().UnixMilli())
	if err != nil {
		return transient(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.ECONFLICT, "console.user.taken", "The login {{.Login}} is taken; choose another.", "Login", u.Login)
	}
	return nil
}

const consoleUserCols = `login, tenant, name, role, store, language, failed, locked_until, created_at, disabled_at`

func scanConsoleUser(row interface{ Scan(...any) error }, extra ...any) (ConsoleUser, error) {
	var u ConsoleUser
	var store string
	var locked, created, disabled int64
	dest := append([]any{&u.Login, &u.Tenant, &u.Name, &u.Role, &store, &u.Language, &u.Failed, &locked, &created, &disabled}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	u.Store = app.StoreID(store)
	u.LockedUntil, u.CreatedAt, u.DisabledAt = fromMillis(locked), fromMillis(created), fromMillis(disabled)
	return u, nil
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func errNoConsoleUser(login string) error {
	return app.Errorf(app.ENOTFOUND, "console.user.unknown", "There is no console user {{.Login}}; check the login.", "Login", login)
}

// ConsoleUser returns a tenant's console user.
func (db *DB) ConsoleUser(ctx context.Context, tenant, login string) (ConsoleUser, error) {
	u, err := scanConsoleUser(db.read.QueryRowContext(ctx, db.q(`SELECT `+consoleUserCols+` FROM console_users WHERE login = ? AND tenant = ?`), login, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errNoConsoleUser(login)
	}
	return u, transient(err)
}

// ConsoleUsers lists a tenant's console users by login.
func (db *DB) ConsoleUsers(ctx context.Context, tenant string) ([]ConsoleUser, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+consoleUserCols+` FROM console_users WHERE tenant = ? ORDER BY login`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []ConsoleUser{}
	for rows.Next() {
		u, err := scanConsoleUser(rows)
		if err != nil {
			return nil, transient(err)
		}
		out = append(out, u)
	}
	return out, transient(rows.Err())
}

// SetPassword replaces a console user's password, unlocks the account and
// ends its sessions: whoever held one may have been the reason. A disabled
// user's is refused (ECONFLICT).
func (db *DB) SetPassword(ctx context.Context, tenant, login, password string) error {
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return db.consoleUserWrite(ctx, tenant, login, `UPDATE console_users SET password_hash = ?, failed = 0, locked_until = 0 WHERE login = ? AND tenant = ?`, hash)
}

// DisableConsoleUser stops a console user from signing in and ends their
// sessions. The user stays, so the audit keeps naming them. Disabling a
// disabled user is refused (ECONFLICT).
func (db *DB) DisableConsoleUser(ctx context.Context, tenant, login string) error {
	return db.consoleUserWrite(ctx, tenant, login, `UPDATE console_users SET disabled_at = ? WHERE login = ? AND tenant = ?`, db.now().UnixMilli())
}

func (db *DB) consoleUserWrite(ctx context.Context, tenant, login, update string, arg any) error {
	u, err := db.ConsoleUser(ctx, tenant, login)
	if err != nil {
		return err
	}
	if !u.DisabledAt.IsZero() {
		// A page drawn before someone else disabled the user (a stale form).
		return app.Errorf(app.ECONFLICT, "console.user.disabled", "{{.Login}} is disabled; a disabled user stays so. Add a new user instead.", "Login", login)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return transient(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.q(update), arg, login, tenant); err != nil {
		return transient(err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM console_sessions WHERE login = ? AND tenant = ?`), login, tenant); err != nil {
		return transient(err)
	}
	return transient(tx.Commit())
}

// SetConsoleLanguage stores the language a console user chose (BCP 47;
// "" returns to the browser's).
func (db *DB) SetConsoleLanguage(ctx context.Context, tenant, login, lang string) error {
	if len(lang) > 35 {
		return app.Errorf(app.EINVALID, "console.user.language", "Choose one of the offered languages.")
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE console_users SET language = ? WHERE login = ? AND tenant = ?`), lang, login, tenant)
	if err != nil {
		return transient(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoConsoleUser(login)
	}
	return nil
}

// CheckConsolePassword signs a console user in: it returns the user when
// login and password match an active, unlocked account. Any other case
// (unknown login, wrong password, disabled, locked) gets the same error
// after the same work, one password hashing. ConsoleMaxFailures wrong
// passwords in a row lock the account for ConsoleLockout.
func (db *DB) CheckConsolePassword(ctx context.Context, login, password string) (ConsoleUser, error) {
	var hash string
	u, err := scanConsoleUser(db.read.QueryRowContext(ctx, db.q(`SELECT `+consoleUserCols+`, password_hash FROM console_users WHERE login = ?`), login), &hash)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ConsoleUser{}, transient(err)
	}
	if !known || app.TextLen(password) > MaxPasswordLen {
		hash = dummyHash
	}
	ok, err := checkPassword(ctx, hash, password)
	if err != nil {
		return ConsoleUser{}, err
	}
	now := db.now()
	usable := known && u.DisabledAt.IsZero() && !now.Before(u.LockedUntil)
	if ok && usable && hash != dummyHash {
		if u.Failed != 0 || !u.LockedUntil.IsZero() {
			if _, err := db.write.ExecContext(ctx, db.q(`UPDATE console_users SET failed = 0, locked_until = 0 WHERE login = ?`), login); err != nil {
				return ConsoleUser{}, transient(err)
			}
			u.Failed, u.LockedUntil = 0, time.Time{}
		}
		return u, nil
	}
	// Every refusal makes one write, so that its time does not tell an
	// unknown login, a disabled or locked account and a wrong password
	// apart: a commit is measurable beside the hashing. A wrong password
	// of a usable account counts, in one statement so that concurrent
	// failures all count: the fifth locks and starts the count again.
	if usable {
		_, err = db.write.ExecContext(ctx, db.q(`UPDATE console_users SET
			locked_until = CASE WHEN failed + 1 >= ? THEN ? ELSE locked_until END,
			failed = CASE WHEN failed + 1 >= ? THEN 0 ELSE failed + 1 END
			WHERE login = ?`), ConsoleMaxFailures, now.Add(ConsoleLockout).UnixMilli(), ConsoleMaxFailures, login)
	} else {
		_, err = db.write.ExecContext(ctx, `UPDATE meta SET v = v WHERE k = 'epoch'`)
	}
	if err != nil {
		return ConsoleUser{}, transient(err)
	}
	return ConsoleUser{}, errBadSignIn
}

// ConsoleSession is a signed-in console user's session.
type ConsoleSession struct {
	Tenant    string
	Login     string
	CSRF      string // the session's token for forms
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute end, ConsoleSessionMax after sign-in
	Flash     string    // a message to show once on the session's next page
	Zone      string    // the tenant's time zone (TenantZone), read with the session
}

// CreateConsoleSession starts a session for a console user and returns its
// ID (32 random bytes, base64url), which only the cookie holds: the
// database keeps its SHA-256.
func (db *DB) CreateConsoleSession(ctx context.Context, tenant, login string) (string, ConsoleSession, error) {
	now := db.now()
	// Ended sessions nobody came back with are deleted here, so the table
	// holds live sessions and at most the ended ones since the last sign-in.
	if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen <= ?`),
		now.UnixMilli(), now.Add(-ConsoleSessionIdle).UnixMilli()); err != nil {
		return "", ConsoleSession{}, transient(err)
	}
	id := randomToken(32)
	s := ConsoleSession{Tenant: tenant, Login: login, CSRF: randomToken(32), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(ConsoleSessionMax)}
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO console_sessions (id_hash, tenant, login, csrf, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		hashToken(id), tenant, login, s.CSRF, now.UnixMilli(), now.UnixMilli(), s.ExpiresAt.UnixMilli())
	if err != nil {
		return "", s, transient(err)
	}
	return id, s, nil
}

// LookupConsoleSession returns a live session and its user. A session past
// its idle or absolute end, or of a disabled user, is deleted and answered
// with ErrConsoleSession, as an unknown one is.
func (db *DB) LookupConsoleSession(ctx context.Context, id string) (ConsoleSession, ConsoleUser, error) {
	var s ConsoleSession
	var created, seen, expires int64
	u, err := scanConsoleUser(db.read.QueryRowContext(ctx, db.q(`SELECT u.login, u.tenant, u.name, u.role, u.store, u.language, u.failed, u.locked_until, u.created_at, u.disabled_at,
		s.tenant, s.login, s.csrf, s.created_at, s.last_seen, s.expires_at, s.flash, t.zone
		FROM console_sessions s JOIN console_users u ON u.login = s.login AND u.tenant = s.tenant JOIN tenants t ON t.id = s.tenant
		WHERE s.id_hash = ?`), hashToken(id)),
		&s.Tenant, &s.Login, &s.CSRF, &created, &seen, &expires, &s.Flash, &s.Zone)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, ErrConsoleSession
	} else if err != nil {
		return s, u, transient(err)
	}
	s.CreatedAt, s.LastSeen, s.ExpiresAt = fromMillis(created), fromMillis(seen), fromMillis(expires)
	now := db.now()
	if !u.DisabledAt.IsZero() || !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= ConsoleSessionIdle {
		if err := db.DeleteConsoleSession(ctx, id); err != nil {
			return s, u, err
		}
		return ConsoleSession{}, ConsoleUser{}, ErrConsoleSession
	}
	return s, u, nil
}

// TouchConsoleSession marks a session used now, restarting its idle time.
func (db *DB) TouchConsoleSession(ctx context.Context, id string) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?`), db.now().UnixMilli(), hashToken(id))
	return transient(err)
}

// maxFlash bounds a flash message, in characters (a flash may quote what
// the user typed).
const maxFlash = 1000

// SetConsoleFlash keeps text to show once on the session's next page; ""
// clears it once shown.
func (db *DB) SetConsoleFlash(ctx context.Context, id, text string) error {
	if app.TextLen(text) > maxFlash {
		return app.Errorf(app.EINVALID, "console.flash.long", "A message to show is at most {{.Max}} characters.", "Max", maxFlash)
	}
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE console_sessions SET flash = ? WHERE id_hash = ?`), text, hashToken(id))
	return transient(err)
}

// DeleteConsoleSession ends a session (sign-out). Ending an unknown one is
// not an error.
func (db *DB) DeleteConsoleSession(ctx context.Context, id string) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM console_sessions WHERE id_hash = ?`), hashToken(id))
	return transient(err)
}

// AuditRecord is one change made from the console: who, when, what, on
// what.
type AuditRecord struct {
	ID     string
	Tenant string
	Login  string
	At     time.Time
	Action string // e.g. "ticket.assign.v1", "user.disable"
	Target string // e.g. a ticket ID
	Detail string
}

// RecordAudit writes an audit record stamped with the server clock.
func (db *DB) RecordAudit(ctx context.Context, r AuditRecord) error {
	if r.Tenant == "" || r.Login == "" || r.Action == "" {
		return app.Errorf(app.EINVALID, "console.audit.incomplete", "An audit record needs a tenant, a login and an action.")
	}
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO console_audit (id, tenant, login, at, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		app.NewID(), r.Tenant, r.Login, db.now().UnixMilli(), r.Action, r.Target, r.Detail)
	return transient(err)
}

// Audit lists a tenant's latest audit records, newest first, at most limit
// (default 100, at most 1000).
func (db *DB) Audit(ctx context.Context, tenant string, limit int) ([]AuditRecord, error) {
	if limit <= 0 {
		limit = consoleAuditDefault
	}
	limit = min(limit, consoleAuditMax)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, tenant, login, at, action, target, detail FROM console_audit WHERE tenant = ? ORDER BY at DESC, id DESC LIMIT ?`), tenant, limit)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []AuditRecord{}
	for rows.Next() {
		var r AuditRecord
		var at int64
		if err := rows.Scan(&r.ID, &r.Tenant, &r.Login, &at, &r.Action, &r.Target, &r.Detail); err != nil {
			return nil, transient(err)
		}
		r.At = fromMillis(at)
		out = append(out, r)
	}
	return out, transient(rows.Err())
}

package central

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// AdminToken describes a named admin token; the token itself is shown
// only when created or rotated.
type AdminToken struct {
	Name      string    `json:"name"`
	Role      app.Role  `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// NewAdminToken answers the creation or rotation of a token.
type NewAdminToken struct {
	Name  string `json:"name"`
	Token string `json:"token"`
}

// maxTokenName bounds a token's name.
const maxTokenName = 64

// validTokenName accepts names made of letters, digits, '.', '_' and '-'
// (they go into URLs and scripts).
func validTokenName(name string) error {
	ok := name != "" && len(name) <= maxTokenName
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
	}
	if !ok {
		return app.Errorf(app.EINVALID, "central.bad_token_name", "A token name has 1 to {{.Max}} letters, digits, dots, dashes or underscores, like ci-import.", "Max", maxTokenName)
	}
	return nil
}

func errNoToken(name string) error {
	return app.Errorf(app.ENOTFOUND, "central.no_admin_token", "There is no active admin token {{.Name}}; list them with central admin tokens.", "Name", name)
}

// CreateAdminToken mints a dispatcher token named name for a tenant; it is
// shown once. A name in use (or used by a revoked token) is ECONFLICT.
func (db *DB) CreateAdminToken(ctx context.Context, tenant, name string) (string, error) {
	if err := validTokenName(name); err != nil {
		return "", err
	}
	tok := newToken()
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM admin_tokens WHERE tenant = ? AND name = ?`), tenant, name).Scan(&n); err != nil {
			return transient(err)
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, "central.token_name_taken", "There is already an admin token named {{.Name}}; rotate it, or choose another name.", "Name", name)
		}
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO admin_tokens (tenant, name, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)`),
			tenant, name, hashToken(tok), string(app.RoleDispatcher), db.now().UnixNano())
		return transient(err)
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

// AdminTokens lists a tenant's admin tokens, revoked ones included, by
// name.
func (db *DB) AdminTokens(ctx context.Context, tenant string) ([]AdminToken, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT name, role, created_at, rotated_at, revoked_at FROM admin_tokens WHERE tenant = ? ORDER BY name`), tenant)
	if err != nil {
		return nil, transient(err)
	}
	defer rows.Close()
	out := []AdminToken{}
	for rows.Next() {
		var t AdminToken
		var role string
		var created int64
		var rotated, revoked sql.NullInt64
		if err := rows.Scan(&t.Name, &role, &created, &rotated, &revoked); err != nil {
			return nil, transient(err)
		}
		t.Role, t.CreatedAt = app.Role(role), time.Unix(0, created).UTC()
		if rotated.Valid {
			t.RotatedAt = time.Unix(0, rotated.Int64).UTC()
		}
		if revoked.Valid {
			t.RevokedAt = time.Unix(0, revoked.Int64).UTC()
		}
		out = append(out, t)
	}
	return out, transient(rows.Err())
}

// RotateAdminToken replaces the token named name with a new one, shown
// once; the old one stops working at once.
func (db *DB) RotateAdminToken(ctx context.Context, tenant, name string) (string, error) {
	tok := newToken()
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE admin_tokens SET token_hash = ?, rotated_at = ? WHERE tenant = ? AND name = ? AND revoked_at IS NULL`),
		hashToken(tok), db.now().UnixNano(), tenant, name)
	if err != nil {
		return "", transient(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", transient(err)
	} else if n == 0 {
		return "", errNoToken(name)
	}
	return tok, nil
}

// RevokeAdminToken refuses the token named name from now on. The last
// active token of a tenant cannot be revoked: nobody could administer it
// any more (ECONFLICT; create another first).
func (db *DB) RevokeAdminToken(ctx context.Context, tenant, name string) error {
	// writeTx serializes writers, so two revocations at once cannot both
	// see another active token and leave none.
	return db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, _ int64) error {
		var active int
		err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM admin_tokens WHERE tenant = ? AND revoked_at IS NULL`), tenant).Scan(&active)
		if err != nil {
			return transient(err)
		}
		var revoked sql.NullInt64
		err = tx.QueryRowContext(ctx, db.q(`SELECT revoked_at FROM admin_tokens WHERE tenant = ? AND name = ?`), tenant, name).Scan(&revoked)
		if errors.Is(err, sql.ErrNoRows) || err == nil && revoked.Valid {
			return errNoToken(name)
		} else if err != nil {
			return transient(err)
		}
		if active <= 1 {
			return app.Errorf(app.ECONFLICT, "central.last_admin_token", "{{.Name}} is the last admin token: revoking it would lock everyone out. Create another token first.", "Name", name)
		}
		_, err = tx.ExecContext(ctx, db.q(`UPDATE admin_tokens SET revoked_at = ? WHERE tenant = ? AND name = ?`), db.now().UnixNano(), tenant, name)
		return transient(err)
	})
}

func (s *Server) handleAdminTokens(w http.ResponseWriter, r *http.Request, p Principal) {
	ts, err := s.db.AdminTokens(r.Context(), p.Tenant)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, ts)
}

func (s *Server) handleCreateAdminToken(w http.ResponseWriter, r *http.Request, p Principal) {
	var req struct {
		Name string `json:"name"`
	}
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	tok, err := s.db.CreateAdminToken(r.Context(), p.Tenant, req.Name)
	if err != nil {
		writeError(w, err)
		return
	}
	s.log.Info("admin token created", "tenant", p.Tenant, "name", req.Name, "by", p.Name)
	writeJSON(w, r, NewAdminToken{Name: req.Name, Token: tok})
}

func (s *Server) handleRotateAdminToken(w http.ResponseWriter, r *http.Request, p Principal) {
	name := r.PathValue("name")
	tok, err := s.db.RotateAdminToken(r.Context(), p.Tenant, name)
	if err != nil {
		writeError(w, err)
		return
	}
	s.log.Info("admin token rotated", "tenant", p.Tenant, "name", name, "by", p.Name)
	writeJSON(w, r, NewAdminToken{Name: name, Token: tok})
}

func (s *Server) handleRevokeAdminToken(w http.ResponseWriter, r *http.Request, p Principal) {
	name := r.PathValue("name")
	if err := s.db.RevokeAdminToken(r.Context(), p.Tenant, name); err != nil {
		writeError(w, err)
		return
	}
	s.log.Info("admin token revoked", "tenant", p.Tenant, "name", name, "by", p.Name)
	writeJSON(w, r, map[string]bool{"revoked": true})
}

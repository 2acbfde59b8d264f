package central

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestAdminTokens: named tokens are created, listed, rotated (the old one
// stops working) and revoked; bad names, taken names, unknown names and
// revoking the last active token are refused and change nothing.
func TestAdminTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateTenant(ctx, "t2", "t2"); err != nil {
			t.Fatal(err)
		}
		admin, err := db.CreateAdminToken(ctx, tenant, "admin")
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.CreateAdminToken(ctx, "t2", "admin") // names are per tenant
		if err != nil {
			t.Fatal(err)
		}
		authAs := func(tok, wantName, wantKey string) {
			t.Helper()
			p, err := db.Authenticate(ctx, tok)
			if wantKey != "" {
				if app.AsError(err) == nil || app.AsError(err).Key != wantKey || app.ErrorCode(err) != app.EUNAUTHORIZED {
					t.Fatalf("authenticate: %v, want key %s", err, wantKey)
				}
				return
			}
			if err != nil || p.Name != wantName || p.Role != app.RoleDispatcher {
				t.Fatalf("authenticate: %+v %v, want %s", p, err, wantName)
			}
		}
		authAs(admin, "admin", "")
		authAs(other, "admin", "")

		// Refused, and nothing changes.
		before, err := db.AdminTokens(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			do       func() error
			wantCode string
			wantKey  string
		}{
			"EmptyName":     {do: func() error { _, err := db.CreateAdminToken(ctx, tenant, ""); return err }, wantCode: app.EINVALID, wantKey: "central.bad_token_name"},
			"SlashInName":   {do: func() error { _, err := db.CreateAdminToken(ctx, tenant, "a/b"); return err }, wantCode: app.EINVALID, wantKey: "central.bad_token_name"},
			"LongName":      {do: func() error { _, err := db.CreateAdminToken(ctx, tenant, strings.Repeat("a", 65)); return err }, wantCode: app.EINVALID, wantKey: "central.bad_token_name"},
			"TakenName":     {do: func() error { _, err := db.CreateAdminToken(ctx, tenant, "admin"); return err }, wantCode: app.ECONFLICT, wantKey: "central.token_name_taken"},
			"RotateUnknown": {do: func() error { _, err := db.RotateAdminToken(ctx, tenant, "ghost"); return err }, wantCode: app.ENOTFOUND, wantKey: "central.no_admin_token"},
			"RevokeUnknown": {do: func() error { return db.RevokeAdminToken(ctx, tenant, "ghost") }, wantCode: app.ENOTFOUND, wantKey: "central.no_admin_token"},
			"RevokeLast":    {do: func() error { return db.RevokeAdminToken(ctx, tenant, "admin") }, wantCode: app.ECONFLICT, wantKey: "central.last_admin_token"},
		} {
			t.Run(name, func(t *testing.T) {
				err := tc.do()
				if app.ErrorCode(err) != tc.wantCode || app.AsError(err).Key != tc.wantKey {
					t.Fatalf("error %v, want %s %s", err, tc.wantCode, tc.wantKey)
				}
				after, err := db.AdminTokens(ctx, tenant)
				if err != nil {
					t.Fatal(err)
				}
				if len(after) != len(before) || after[0] != before[0] {
					t.Fatalf("tokens changed: %+v -> %+v", before, after)
				}
				authAs(admin, "admin", "")
			})
		}

		ci, err := db.CreateAdminToken(ctx, tenant, "ci-import")
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := db.RotateAdminToken(ctx, tenant, "ci-import")
		if err != nil {
			t.Fatal(err)
		}
		authAs(ci, "", "auth.unknown_token")
		authAs(rotated, "ci-import", "")
		if err := db.RevokeAdminToken(ctx, tenant, "admin"); err != nil {
			t.Fatal(err)
		}
		authAs(admin, "", "auth.token_revoked")
		authAs(other, "admin", "") // another tenant's token of the same name
		if _, err := db.RotateAdminToken(ctx, tenant, "admin"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("rotating a revoked token: %v", err)
		}
		list, err := db.AdminTokens(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "admin" || list[0].RevokedAt.IsZero() || list[1].Name != "ci-import" || list[1].RotatedAt.IsZero() || !list[1].RevokedAt.IsZero() {
			t.Fatalf("tokens: %+v", list)
		}
	})
}

// TestAdminTokensFromOldDatabase: tokens of the old admins table keep
// working after the upgrade, under their name, or their name and hash
// prefix when several shared it.
func TestAdminTokensFromOldDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if err := db.CreateTenant(ctx, tenant, tenant); err != nil {
			t.Fatal(err)
		}
		toks := []string{newToken(), newToken()}
		for _, tok := range toks {
			if _, err := db.write.ExecContext(ctx, db.q(`INSERT INTO admins (token_hash, tenant, name, role, created_at) VALUES (?, ?, 'admin', ?, 1)`), hashToken(tok), tenant, string(app.RoleDispatcher)); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 { // the upgrade runs at every start
			if err := db.migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		names := map[string]bool{}
		for _, tok := range toks {
			p, err := db.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			names[p.Name] = true
		}
		list, err := db.AdminTokens(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		if !names["admin"] || len(names) != 2 || len(list) != 2 {
			t.Fatalf("names %v, tokens %+v", names, list)
		}
	})
}

package central

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPushStatementsPrepared: each multi-row statement of a push, for 1
// to pushRows rows, has its rows' placeholders and is among the
// statements SQLite prepares when the database opens. They were empty
// when preparedQueries took them (filled by an init function, which runs
// after package variables are initialized), and compiled at every call:
// a seventh of the writer's time.
func TestPushStatementsPrepared(t *testing.T) {
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	tests := []struct {
		name  string
		qs    *[pushRows]string
		fixed int // placeholders besides the rows'
		per   int // placeholders per row
	}{
		{"applied lookup", &qAppliedIn, 1, 1},
		{"taken IDs", &qTakenIn, 2, 1},
		{"applied rows", &qAppliedRows, 0, 10},
		{"change rows", &qEmitRows, 0, 6},
	}
	for _, tc := range tests {
		for k, q := range tc.qs {
			t.Run(fmt.Sprintf("%s/%d", tc.name, k+1), func(t *testing.T) {
				if got, want := strings.Count(q, "?"), tc.fixed+tc.per*(k+1); got != want {
					t.Errorf("%d placeholders in %q, want %d", got, q, want)
				}
				if db.prepared[q] == nil {
					t.Errorf("%q is not prepared when the database opens", q)
				}
			})
		}
	}
}

// TestRequestReads: a sync request's reads outside the push (the token's
// principal, the receipt prefix, the epoch, the device's app version)
// are prepared on SQLite's read pool when the database opens, and
// authentication, which now looks the token up among devices first,
// answers each kind of token as before on both backends.
func TestRequestReads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if db.dialect == dialectSQLite {
			for _, q := range []string{qAuthDevice, qAuthAdmin, qReceiptPrefix, qEpoch, qDeviceInfo} {
				if db.readPrepared[q] == nil {
					t.Errorf("%q is not prepared on the read pool", q)
				}
			}
		}
		w := newWorld(t, db)
		code, _, err := db.CreatePairing(ctx, tenant, "tech-b")
		if err != nil {
			t.Fatal(err)
		}
		revokedDev, revokedTok, err := db.Pair(ctx, code, "old tablet")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeDevice(ctx, tenant, revokedDev.ID); err != nil {
			t.Fatal(err)
		}
		code, _, err = db.CreatePairing(ctx, tenant, "tech-a")
		if err != nil {
			t.Fatal(err)
		}
		dev, devTok, err := db.Pair(ctx, code, "tablet 2")
		if err != nil {
			t.Fatal(err)
		}
		adminTok, err := db.CreateAdminToken(ctx, tenant, "office")
		if err != nil {
			t.Fatal(err)
		}
		oldAdminTok, err := db.CreateAdminToken(ctx, tenant, "old-office")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeAdminToken(ctx, tenant, "old-office"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name     string
			token    string
			want     Principal
			wantCode string
		}{
			{"device", devTok, Principal{Device: dev.ID, Tenant: tenant, Technician: "tech-a", Name: "tablet 2", Role: app.RoleTechnician}, ""},
			{"revoked device", revokedTok, Principal{}, app.EREVOKED},
			{"admin", adminTok, Principal{Tenant: tenant, Name: "office", Role: app.RoleDispatcher}, ""},
			{"revoked admin", oldAdminTok, Principal{}, app.EUNAUTHORIZED},
			{"unknown", newToken(), Principal{}, app.EUNAUTHORIZED},
			{"empty", "", Principal{}, app.EUNAUTHORIZED},
			{"too long", strings.Repeat("a", 257), Principal{}, app.EUNAUTHORIZED},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p, err := db.Authenticate(ctx, tc.token)
				if app.ErrorCode(err) != tc.wantCode || p != tc.want {
					t.Fatalf("authenticate = %+v, %v; want %+v, code %q", p, err, tc.want, tc.wantCode)
				}
			})
		}
		if _, err := db.ReceiptPrefix(ctx, tenant, w.a.Device); err != nil {
			t.Fatal(err)
		}
		if e, err := db.Epoch(ctx); err != nil || e == "" {
			t.Fatalf("epoch = %q, %v", e, err)
		}
	})
}

// TestPushChunkOneStatement: a push's rows up to pushRows go in one
// multi-row statement (a batch of 10 was one of 8 rows and one of 2),
// and more in statements of pushRows rows and one of the rest.
func TestPushChunkOneStatement(t *testing.T) {
	for n := 1; n <= 3*pushRows+1; n++ {
		var chunks []int
		for left := n; left > 0; left -= chunks[len(chunks)-1] {
			chunks = append(chunks, pushChunk(left))
		}
		if want := (n + pushRows - 1) / pushRows; len(chunks) != want || chunks[0] != min(n, pushRows) {
			t.Errorf("%d rows go in statements of %v, want %d statement(s)", n, chunks, want)
		}
	}
}

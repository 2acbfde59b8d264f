package central

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
)

// TestMutationTxConformance runs app's MutationTx suite on the server's
// serverTx, on SQLite and on PostgreSQL, as Push and the admin API use it.
// Each subtest gets the world in a tenant of its own: tenants share
// nothing, and a new tenant costs far less than a new PostgreSQL database.
func TestMutationTxConformance(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		db.clock = app.ClockFunc(func() time.Time { return apptest.Now })
		n := 0
		apptest.RunMutationTx(t, func(t *testing.T) apptest.Tx {
			n++
			tenant := fmt.Sprintf("conformance-%d", n)
			if err := db.LoadDataset(t.Context(), tenant, apptest.World()); err != nil {
				t.Fatalf("load the world: %v", err)
			}
			return func(ctx context.Context, fn func(app.MutationTx) error) error {
				return db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
					return fn(&serverTx{db: db, tx: tx, tenant: tenant, version: version})
				})
			}
		})
	})
}

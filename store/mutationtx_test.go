package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/apptest"
)

// TestMutationTxConformance runs app's MutationTx suite on the store's
// mutationTx over a real SQLite file, as Commit uses it.
func TestMutationTxConformance(t *testing.T) {
	t.Parallel()
	apptest.RunMutationTx(t, func(t *testing.T) apptest.Tx {
		db := mustOpen(t, WithClock(fixedClock(apptest.Now)))
		if err := db.Load(t.Context(), apptest.World()); err != nil {
			t.Fatalf("load the world: %v", err)
		}
		return func(ctx context.Context, fn func(app.MutationTx) error) error {
			return db.writeTx(ctx, func(tx *sql.Tx) error {
				return fn(&mutationTx{db: db, tx: tx})
			})
		}
	})
}

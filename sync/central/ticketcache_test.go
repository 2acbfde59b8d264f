package central

import (
	"context"
	"database/sql"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestTicketCache: within one write transaction a ticket read again is
// the one last saved, a caller changing its copy changes nothing else, and
// after a rollback to a savepoint it is the one from before the savepoint
// (serverTx caches tickets per transaction).
func TestTicketCache(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		id := w.ticketA.ID
		type step struct {
			name string
			do   func(ctx context.Context, st *serverTx) error
			want string // the diagnosis read after the step
		}
		save := func(diag string) func(ctx context.Context, st *serverTx) error {
			return func(ctx context.Context, st *serverTx) error {
				tk, err := st.Ticket(ctx, id)
				if err != nil {
					return err
				}
				tk.Diagnosis = diag
				return st.SaveTicket(ctx, tk)
			}
		}
		steps := []step{
			{"first read", func(context.Context, *serverTx) error { return nil }, ""},
			{"a caller changes its copy", func(ctx context.Context, st *serverTx) error {
				tk, err := st.Ticket(ctx, id)
				tk.Diagnosis = "not saved"
				tk.ClosedBalance = &app.Money{Amount: 1, Currency: "CNY"}
				return err
			}, ""},
			{"saved", save("saved"), "saved"},
			{"savepoint", func(ctx context.Context, st *serverTx) error { return st.Savepoint(ctx) }, "saved"},
			{"saved after the savepoint", save("rolled back"), "rolled back"},
			{"rollback to the savepoint", func(ctx context.Context, st *serverTx) error {
				if err := st.RollbackToSavepoint(ctx); err != nil {
					return err
				}
				return st.ReleaseSavepoint(ctx)
			}, "saved"},
		}
		err := db.writeTx(t.Context(), func(ctx context.Context, tx *sql.Tx, version int64) error {
			st := &serverTx{db: db, tx: tx, tenant: tenant, version: version, changed: &changeSet{}}
			for _, s := range steps {
				if err := s.do(ctx, st); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				tk, err := st.Ticket(ctx, id)
				if err != nil {
					t.Fatalf("%s: read: %v", s.name, err)
				}
				if tk.Diagnosis != s.want || tk.ClosedBalance != nil {
					t.Errorf("after %s: diagnosis %q, closed balance %v; want %q and none", s.name, tk.Diagnosis, tk.ClosedBalance, s.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

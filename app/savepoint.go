package app

import "context"

// Savepoints is the part of a database transaction that ApplyOrRollback
// needs: one savepoint at a time, opened, rolled back to, released.
type Savepoints interface {
	Savepoint(ctx context.Context) error
	RollbackToSavepoint(ctx context.Context) error
	ReleaseSavepoint(ctx context.Context) error
}

// ApplyOrRollback runs apply inside a savepoint of tx. It is the one rule
// by which the device replaying its queue on pulled tickets and the
// central service applying a pushed batch go on past a refused mutation:
//
//   - apply succeeds: its writes stay;
//   - apply is refused by a business rule (Refused): exactly what it wrote
//     is rolled back, the transaction stays usable for the next mutation,
//     and the refusal is returned for the caller to record;
//   - any other error (storage, cancellation): it is returned as it is, and
//     the caller must abort the whole transaction, since what apply left
//     half written cannot be told from the rest.
func ApplyOrRollback(ctx context.Context, tx Savepoints, apply func() error) error {
	if err := tx.Savepoint(ctx); err != nil {
		return err
	}
	err := apply()
	if err != nil && !Refused(err) {
		return err
	}
	if err != nil {
		if rerr := tx.RollbackToSavepoint(ctx); rerr != nil {
			return rerr
		}
	}
	if rerr := tx.ReleaseSavepoint(ctx); rerr != nil {
		return rerr
	}
	return err
}

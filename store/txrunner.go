package store

// txRunner runs the statements of one write transaction: the writer's
// *sql.Conn inside a user action's transaction (actionTx), or a *sql.Tx
// (writeTx: a pulled page's replays, the tests). Either way the writer's
// connection keeps the statements it runs prepared (internal/sqlitetx).
type txRunner interface {
	execer
	rowQueryer
}

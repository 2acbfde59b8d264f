// Package store is Fieldbench's on-device database: the app interfaces
// (TicketService, PartService, WarrantyService, Committer, Outbox,
// PhotoStore, Replica) implemented on one SQLite file through
// modernc.org/sqlite (pure Go, driver "sqlite").
//
// # Connections
//
// Open keeps one writer connection, so writes queue in Go in arrival order,
// and a small pool of query_only readers; the file is in WAL mode, so
// readers never wait for the writer. Every pragma is set, and commented,
// in db.go. The writer keeps the statements it runs prepared for its
// connection's life, its transactions' BEGIN IMMEDIATE, COMMIT and
// ROLLBACK too, and a user action's transaction runs on the connection
// without database/sql's Tx (internal/sqlitetx, actionTx). Commits sync
// with fdatasync where the platform has it, as SQLite's Linux builds do
// (sqlitetx.OpenDB), and the writer opens through internal/walvfs, so a
// commit's log frames reach the file in one write instead of two per
// page. A "<db>.lock" file held with an OS lock keeps a second Fieldbench process
// out (ELOCKED).
//
// # Safety of the file
//
// Open refuses, without modifying the file, a file another process holds
// (ELOCKED), a file that is not a Fieldbench SQLite database or whose
// header, schema or outbox fails PRAGMA quick_check (ECORRUPT), and a file
// whose schema version is newer than the embedded migrations (ETOONEW).
// The full quick_check reads every page (about a second on a large
// catalog), so run DB.Check in the background after Open, or pass
// WithFullCheck.
//
// # Writes
//
// A user action is Committer.Commit: ONE write transaction applies the
// app.Command through an app.MutationTx over that transaction and appends
// the mutation to the outbox with the next gapless seq and a persisted
// hybrid logical clock reading. synchronous=FULL makes it durable when
// Commit returns; any error rolls both back. Server-owned data arrives
// through DB.Load (a dataset) and DB.ApplyPull (a pulled page), each in one
// transaction.
//
// # Sync
//
// DB implements app.Replica for the sync engine. ApplyPull writes a pulled
// page in one transaction: the acknowledgement (which may go down after a
// server restore), a reset when the server's epoch changed, the rows, and
// a rebase. A pulled ticket's row is the server's copy (kept in
// tickets.base); its pending mutations, found by outbox.ticket_id, are then
// applied again on top, in seq order, as whoever committed them and at the
// time they were committed, each in a savepoint: one the new state refuses
// stays queued for the server to decide, and the view shows the server's
// state. Facts (repairs, parts used, photos, notes, signatures, movements)
// are never deleted by a pull, so a replay skips the ones it finds. A ticket with
// unsent work (a pending mutation or a photo not yet verified) is never
// dropped, by a reset or by leaving the scope; it is marked left_scope and
// dropped once the work is confirmed. PhotosToUpload and SetPhotoState are
// the photo upload queue; Wipe empties a revoked device. Past the lease
// (app.Lease: the days the server gave, from the last complete pull) the
// ticket reads refuse with "lease.locked" until a pull completes; the
// outbox and Commit are untouched.
//
// # Parts on their way
//
// Part requests and shipments (SupplyService, supply.go) are server rows
// that mutations change, kept as tickets are: the view beside the server's
// copy (base). A pull writes the server's copy over the view and replays
// the pending mutations on it: part.* with their ticket (also when only
// the request came), shipment.* with the other ticket-less work; once a
// pull is complete, a view still holding a refused change returns to its
// base, a request or shipment created here and refused goes, and so do
// the receive movements of a refused shipment.receive (their conflict
// keeps the work). Likely parts are the server's alone: a ticket's list
// replaces the one held.
//
// # Drafts
//
// Text typed on a ticket and not saved yet (app.DraftService, draft.go)
// is the device's alone: a table keyed by ticket, technician and field
// (0020_drafts.sql), written without the outbox and never synced. A
// draft goes with its ticket through the foreign key's cascade (a pull
// that drops the ticket, Wipe), and none is written for a ticket the
// device no longer holds.
//
// # Photos
//
// PhotoStore keeps photo files named by their SHA-256 beside the
// database. ImportPhoto prepares what the user attaches before it is
// stored (pixel count checked on the header, orientation applied, metadata
// dropped, shrunk to app.PhotoMaxSide); PutPhoto stores bytes as they are.
//
// # Schema
//
// Numbered migrations in migrations/*.sql are embedded and applied in
// order, one transaction each; PRAGMA user_version is the number applied.
// A migration may have a step in Go run in the same transaction
// (migrationSteps: 0012, 0016 and 0017 rebuild the ticket search index,
// 0018 and 0019 the part search's, 0019 with its model keys). An upgrade across several of them writes each
// index once: a step is left out when a later one of the same Open, or
// the refold after them when another fold made the searches, writes the
// same index whole again.
// Notes, repair entries and parts used are WITHOUT ROWID tables
// (0014_facts_without_rowid.sql), and so is the stock ledger, movements
// (0028_movements_without_rowid.sql): the row lives in its ID's b-tree,
// so recording one writes a page less. A part used's own movement shares
// its ID and is left out of movements_local, the index of the movements
// recorded here and not sent back: a refused part use's movement is found
// by that ID in its mutation, through its ticket's outbox rows.
// Tickets keep their full JSON beside indexed columns: each list the
// terminal shows is one range of a covering index in its order, and a
// search filters and sorts its matches in a covering index
// (0009_ticket_lists.sql); only the page's tickets are read from the rows.
// Stock is a ledger of movements whose sums are the balances; parts and tickets are
// searched with FTS5 trigram indexes ("Search tokens" in part.go explains
// how 1-2 character Chinese words and model filters are found; a ticket's
// entry holds its product's brand and model and its technician's token,
// ticketsearch.go). Load writes
// the search index in many small segments: call DB.Optimize after a first
// sync or a large pull.
//
// # Use
//
//	db, err := store.Open(ctx, filepath.Join(root, "fieldbench.db"))
//	...
//	defer db.Close()
//	go func() { report(db.Check(ctx)) }() // full integrity check, off the start path
//	tickets := store.NewTicketService(db)  // app.TicketService
//	commit := store.NewCommitter(db)       // app.Committer
package store

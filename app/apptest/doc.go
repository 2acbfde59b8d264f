// Package apptest is the conformance suite of app.MutationTx: the device
// store, the central service (on SQLite and PostgreSQL) and the in-memory
// fake of app's own tests run the same checks, so none of them accepts what
// another refuses. It is imported by tests only, and imports app only.
package apptest

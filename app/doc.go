// Package app is Fieldbench's domain: tickets and their state machine,
// parts, stock movements, repair records, warranty rules and decisions, and
// the named, versioned mutations that change them.
//
// The same mutation code runs on the technician's device (optimistically,
// against the local SQLite copy) and on the central service
// (authoritatively), so both sides always agree on what an action means.
// The package imports only the standard library and github.com/google/uuid;
// storage, sync, scanning and the UI implement or consume its interfaces.
package app

// Package sqlitetx wraps an SQLite driver's connector so that each
// connection begins, commits and rolls back its write transactions with
// statements it prepared once and keeps, where modernc's driver parses and
// plans "BEGIN IMMEDIATE" and "COMMIT" anew for every transaction. The
// device's store and the central service's SQLite writer both open their
// write connections through it.
//
// It needs only database/sql/driver: the caller passes the driver's
// connector (modernc's sqlite.NewConnector), and the DSN's _txlock is
// TxLock, so a transaction modernc begins itself is immediate too.
package sqlitetx

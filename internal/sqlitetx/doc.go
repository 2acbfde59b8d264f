// Package sqlitetx wraps an SQLite driver's connector so that each
// connection keeps the statements it runs prepared (modernc's driver
// parses and plans a statement anew at each call, "BEGIN IMMEDIATE" and
// "COMMIT" of its transactions too), and runs one small write transaction
// on such a connection without database/sql's Tx (Run). The device's
// store and the central service's SQLite writer both open their write
// connections through it.
//
// It needs only database/sql/driver: the caller passes the driver's
// connector (modernc's sqlite.NewConnector), and the DSN's _txlock is
// TxLock, so a transaction modernc begins itself is immediate too.
package sqlitetx

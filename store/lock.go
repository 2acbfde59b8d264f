package store

import "errors"

// errLocked is returned by lockFile when another process (or another Open
// in this process) holds the lock.
var errLocked = errors.New("store file is locked")

// The instance lock is a separate "<db>.lock" file, not the database: SQLite
// uses POSIX advisory locks on the database file, and closing any other
// descriptor of that file would silently drop them. In WAL mode SQLite's
// own locks let two processes share the file; the instance lock is what
// turns a second Fieldbench window into a clear ELOCKED.

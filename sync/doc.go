// Package sync is Fieldbench's conflict-aware sync: the wire types shared by
// the device and the central service, and the device's sync engine.
// The central service itself lives in sync/central.
//
// Up, the device pushes its outbox of named, versioned mutations in seq
// order; the server applies each exactly once and stores business
// rejections as conflicts instead of blocking the queue. Down, the device
// pulls the changes of its scopes from an opaque cursor in byte-bounded,
// gzip-compressed pages. Both happen in one request. See docs/PROTOCOL.md.
//
// The package name shadows the standard library's sync; import this one as
// fbsync, and the standard library's as gosync inside this tree.
package sync

// Package simulation holds the deterministic simulation of Fieldbench's
// sync (docs/PROTOCOL.md, docs/SYNC-DESIGN.md "How it is tested"): the real central
// service and several real device engines on real SQLite files, driven by
// one seeded random generator through an in-memory network that drops,
// duplicates, delays and replays requests and loses answers after the
// server committed, with partitions of up to 30 simulated days, device
// crashes at named points, clock skew and a server restored from an
// earlier backup. The world holds parts on their way (supply_test.go) and
// serialized parts with the warranty claims their repairs make
// (serial_test.go). At quiescence it checks the invariants of
// docs/SYNC-DESIGN.md.
//
// Among the steps, the two devices of one technician fit the same
// serialized unit offline (fitTwice): the central service keeps both fits
// and, following each unit by its serial, raises a conflict naming the
// unit on the second (docs/PROTOCOL.md, "Ticket merge rules"), which the
// serial invariant requires.
//
// The package has only tests; `go test ./sync/simulation -seeds N` runs N
// seeds and a failure prints the seed to replay with -seed.
package simulation

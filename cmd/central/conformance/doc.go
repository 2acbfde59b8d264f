// Package conformance is a black-box conformance suite of the central
// service, written from docs/PROTOCOL.md rather than from the Go packages:
// its tests build ./cmd/central, start it as a real process on a loopback
// port against a fresh SQLite data directory and against a PostgreSQL that
// the tests start (sync/central/pgtest), and talk to it over HTTP and JSON
// only, with small local types written from the document.
//
// Every case runs on both databases. The world (technicians, locations,
// parts, stock, pairings, tickets) is set up through the documented admin
// API, each case with its own technicians and tickets on one server per
// database; the cases that kill the service, restore its epoch or need
// flags of their own (a webhook for customer notices) get servers of their
// own.
//
//	go test -count=1 ./cmd/central/conformance/
package conformance

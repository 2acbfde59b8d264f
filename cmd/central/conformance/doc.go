// Package conformance is a black-box conformance suite of the central
// service, written from docs/PROTOCOL.md rather than from the Go packages:
// its tests build ./cmd/central, start it as a real process on a loopback
// port against a fresh SQLite data directory and against a PostgreSQL that
// the tests start (sync/central/pgtest), and talk to it over HTTP and JSON
// only, with small local types written from the document. The office
// console's cases (console_test.go) make its users with `central
// console-user` and use it over HTTPS as a browser does: cookies, forms
// read from its HTML pages, Origin and Sec-Fetch-Site.
//
// Every case runs on both databases. The world (technicians, locations,
// parts, stock, pairings, tickets) is set up through the documented admin
// API, each case with its own technicians and tickets on one server per
// database; the cases that kill the service, restore its epoch or need
// flags of their own (a webhook for customer notices, -plain-http) or fail
// console sign-ins (counted per client address, and every case's is
// 127.0.0.1) get servers of their own.
//
//	go test -count=1 ./cmd/central/conformance/
package conformance

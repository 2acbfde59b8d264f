// Package storetest is a conformance suite for implementations of the app
// service interfaces: run it against the SQLite store and against any fake,
// so they behave alike (perkeep's storagetest pattern).
package storetest

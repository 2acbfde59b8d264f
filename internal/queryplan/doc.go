// Package queryplan reads SQLite's plan of a query (EXPLAIN QUERY PLAN),
// for the tests of store and sync/central that check a query keeps to
// its index. A test helper: only tests import it.
package queryplan

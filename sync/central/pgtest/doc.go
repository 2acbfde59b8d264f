// Package pgtest starts throwaway PostgreSQL servers for tests: initdb in a
// temporary directory, postgres on 127.0.0.1 on a free port with trust
// authentication and fsync off (StartDurable: on), stopped and removed at the end.
//
// Most tests want one server per test binary and a fresh database per test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.ForTest(t) // postgres://postgres@127.0.0.1:port/db
//		...
//	}
//
// The binaries come from $PG_BIN, else the newest /usr/lib/postgresql/*/bin
// (Debian's postgresql package, installed by make setup), else $PATH. When
// they are missing, tests fail rather than skip. Run as root (as in CI),
// initdb and postgres, which refuse root, run as the postgres system user
// that the Debian package creates. The package's own service is never used.
package pgtest

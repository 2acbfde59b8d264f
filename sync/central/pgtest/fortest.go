package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// shared is the one server of this test binary, started by the first ForTest.
var shared struct {
	once gosync.Once
	srv  *Server
	err  error
}

var (
	inMain atomic.Bool  // Main is running, so it will stop shared.srv
	dbSeq  atomic.Int64 // makes database names unique within the binary
)

// Main runs the tests and then stops the server ForTest started, if any.
// Packages that use ForTest call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	inMain.Store(true)
	code := m.Run()
	shared.once.Do(func() {}) // no test asked: nothing to stop
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// ForTest returns the DSN of a new, empty database for tb on the test
// binary's shared server, which the first call starts. tb's cleanup drops the
// database, closing any connections left open. It fails tb, never skips, when
// PostgreSQL is not installed or TestMain does not call Main. Safe for
// parallel tests.
func ForTest(tb testing.TB) string {
	tb.Helper()
	if !inMain.Load() {
		tb.Fatal("pgtest.ForTest: call pgtest.Main(m) from TestMain, which stops the shared server")
	}
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*startTimeout)
		defer cancel()
		shared.srv, shared.err = Start(ctx, "")
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	name := dbName(tb.Name())
	dsn, err := shared.srv.CreateDatabase(tb.Context(), name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		// tb.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := shared.srv.DropDatabase(ctx, name); err != nil {
			tb.Error(err)
		}
	})
	return dsn
}

// dbName turns "TestX/sub case" into "t7_testx_sub_case": unique by its
// sequence number, readable in server logs, within PostgreSQL's 63 bytes.
func dbName(test string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "t%d_", dbSeq.Add(1))
	for _, r := range strings.ToLower(test) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()[:min(b.Len(), 63)]
}

package central

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// partsCSV is a parts file of n parts, numbers from first on.
func partsCSV(first, n int) []byte {
	var b strings.Builder
	b.WriteString("number,name_en,class\n")
	for i := range n {
		fmt.Fprintf(&b, "AN-%06d,Part %d,unit\n", first+i, first+i)
	}
	return []byte(b.String())
}

// analyzedTables lists which of the tables a parts import writes the
// planner has statistics of that the service gathered: on PostgreSQL an
// ANALYZE's (pg_stat_user_tables.last_analyze: autovacuum's are
// last_autoanalyze, left out), on SQLite sqlite_stat1's rows.
func analyzedTables(t *testing.T, db *DB) []string {
	t.Helper()
	ctx := context.Background()
	var q string
	if db.dialect == dialectPostgres {
		q = `SELECT relname::text FROM pg_stat_user_tables WHERE relname IN ('entities', 'changes') AND last_analyze IS NOT NULL`
	} else {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return nil
		}
		q = `SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl IN ('entities', 'changes')`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

// TestImportAnalyzes: an import of parts over the service's API that
// writes 1,000 rows or more leaves the planner statistics of the tables
// it wrote (entities, changes) when it is answered, on both databases;
// a smaller one does not analyze.
func TestImportAnalyzes(t *testing.T) {
	for _, c := range []struct {
		name  string
		parts int
		want  []string
	}{
		{"small", analyzeRows - 1, nil},
		{"large", analyzeRows, []string{"changes", "entities"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, db *DB) {
				ctx := context.Background()
				newWorld(t, db)
				tok, err := db.CreateAdminToken(ctx, tenant, "importer")
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(NewServer(db, nil))
				defer srv.Close()
				if got := analyzedTables(t, db); len(got) != 0 {
					t.Fatalf("analyzed before the import: %v", got)
				}
				req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/admin/import/parts", bytes.NewReader(partsCSV(0, c.parts)))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "text/csv")
				req.Header.Set("Authorization", "Bearer "+tok)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("import: %d %s", res.StatusCode, body)
				}
				if got := analyzedTables(t, db); !slices.Equal(got, c.want) {
					t.Errorf("analyzed after an import of %d parts: %v, want %v", c.parts, got, c.want)
				}
			})
		})
	}
}

// TestImportAnalyzesATenth: a load of 1,000 rows or more analyzes a
// table only when it wrote at least a tenth of the rows the planner last
// counted in it: after 10,000 parts, 1,000 more leave the statistics as
// they were, 2,000 more renew them.
func TestImportAnalyzesATenth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		newWorld(t, db)
		p := Principal{Tenant: tenant, Role: app.RoleDispatcher, Name: "office"}
		counted := func() int64 {
			t.Helper()
			n, err := db.plannerRows(ctx, []string{"entities"})
			if err != nil {
				t.Fatal(err)
			}
			return n["entities"]
		}
		first := 0
		for _, c := range []struct {
			parts   int
			renewed bool
		}{{10000, true}, {1000, false}, {2000, true}} {
			before := counted()
			if _, err := db.Import(ctx, p, ImportParts, partsCSV(first, c.parts)); err != nil {
				t.Fatal(err)
			}
			first += c.parts
			after := counted()
			// The world's few rows aside, the planner counts the parts
			// imported up to the last ANALYZE.
			if renewed := after != before; renewed != c.renewed || after < int64(first) != !c.renewed {
				t.Errorf("after %d more parts (%d in all) the planner counts %d entities (%d before), want renewed %v", c.parts, first, after, before, c.renewed)
			}
		}
	})
}

// TestAnalyzeFailureLogged: an ANALYZE that fails after a load is
// logged with its cause, and the load's caller sees nothing of it.
func TestAnalyzeFailureLogged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		var buf bytes.Buffer
		db.log = slog.New(slog.NewTextHandler(&buf, nil))
		db.analyzeLoad(context.Background(), analyzeRows, []string{"entities", "no_such_table"})
		if out := buf.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "no_such_table") || strings.Count(out, "\n") != 1 {
			t.Errorf("log: %q", out)
		}
	})
}

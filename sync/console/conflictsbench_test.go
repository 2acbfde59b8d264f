package console

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// BenchmarkConflictsPage measures GET /conflicts of a tenant with 5,000
// stock locations (vans and stores) and 20 open unit conflicts, each
// naming two of them (half as the service sends them now, half stored
// with IDs), on SQLite and PostgreSQL: server time, allocations and
// bytes per page.
func BenchmarkConflictsPage(b *testing.B) {
	const locations, conflicts = 5000, 20
	for _, backend := range []string{"sqlite", "postgres"} {
		cfg := central.Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testStart })}
		driver, dsn, insert := "sqlite", "", `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES (?, 'conflict', ?, '', ?)`
		if backend == "postgres" {
			cfg.Postgres = pgtest.ForTest(b)
			driver, dsn, insert = "pgx", cfg.Postgres, `INSERT INTO entities (tenant, kind, id, ticket_id, data) VALUES ($1, 'conflict', $2, '', $3)`
		}
		ctx := context.Background()
		db, err := central.OpenDB(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if dsn == "" {
			dsn = "file:" + db.Path() + "?_pragma=busy_timeout(10000)"
		}
		if err := db.CreateTenant(ctx, "bench", "Bench"); err != nil {
			b.Fatal(err)
		}
		ds := app.Dataset{}
		for i := range locations {
			ds.Locations = append(ds.Locations, app.Location{ID: app.LocationID(fmt.Sprintf("van-%05d", i)), Kind: app.LocationVan, Name: fmt.Sprintf("Van %05d", i)})
		}
		if err := db.LoadDataset(ctx, "bench", ds); err != nil {
			b.Fatal(err)
		}
		if err := db.CreateConsoleUser(ctx, central.ConsoleUser{Login: "dispatcher@bench", Tenant: "bench", Name: "Dispatcher", Role: string(RoleDispatcher)}, testPassword); err != nil {
			b.Fatal(err)
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			b.Fatal(err)
		}
		for i := range conflicts {
			from, at := fmt.Sprintf("van-%05d", i*97), fmt.Sprintf("van-%05d", i*97+1)
			data := map[string]any{"Serial": fmt.Sprintf("SN-%d", i), "Part": "P-1", "Location": from, "Other": at, "Place": "location"}
			if i%2 == 0 {
				data = map[string]any{"Serial": fmt.Sprintf("SN-%d", i), "Part": "P-1", "Location": "Van " + from[4:], "LocationID": from, "Other": "Van " + at[4:], "OtherID": at, "Place": "location"}
			}
			cf, _ := json.Marshal(app.Conflict{ID: fmt.Sprintf("cf-%d", i), Kind: app.ConflictNegativeStock, Field: "P-1", Theirs: "-1", Code: app.ECONFLICT,
				Key: "conflict.serial_elsewhere_location", Message: "Unit {{.Serial}} of {{.Part}} is recorded at {{.Other}}, not at {{.Location}}: check which has it and correct the other.",
				Data: data, At: testStart})
			if _, err := raw.ExecContext(ctx, insert, "bench", fmt.Sprintf("cf-%d", i), string(cf)); err != nil {
				b.Fatal(err)
			}
		}
		raw.Close()
		c, err := New(db, Options{Now: func() time.Time { return testStart }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		console := httptest.NewServer(c)
		hc := benchSignIn(b, console.URL)
		b.Run(backend, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := hc.Get(console.URL + "/conflicts")
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "is recorded at Van 00001, not at Van 00000") {
					b.Fatalf("GET /conflicts: %d %v", resp.StatusCode, err)
				}
			}
		})
		console.Close()
		db.Close()
	}
}

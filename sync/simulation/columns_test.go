package simulation

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// rowsOnly sends requests without fbsync.ColumnsHeader: a device as an
// app from before pages in columns, or talking to a service from before
// them.
type rowsOnly struct{ seen *int }

func (t rowsOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del(fbsync.ColumnsHeader)
	res, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && res.Header.Get(fbsync.ColumnsHeader) != "" {
		*t.seen++
	}
	return res, err
}

// columnsSeen counts the answers in columns a device gets.
type columnsSeen struct{ seen *int }

func (t columnsSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && res.Header.Get(fbsync.ColumnsHeader) == "1" {
		*t.seen++
	}
	return res, err
}

// openingIDs are the IDs of a first pull's opening balances, new at each
// pull from the start.
var openingIDs = regexp.MustCompile(`open-[0-9a-f]+`)

// storeContent lists every row of the device's tables of server data,
// sorted, each as text.
func storeContent(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, table := range []string{"conflicts", "customer_notices", "estimates", "history_away", "likely_parts", "locations",
		"movements", "notes", "part_models", "part_requests", "parts", "parts_used", "passcodes", "payments", "photos",
		"repairs", "rule_sets", "shipments", "signatures", "technicians", "tickets"} {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			out[table] = append(out[table], openingIDs.ReplaceAllString(b.String(), "open-"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// TestFirstSyncInColumnsMakesTheSameStore: the same first sync in columns
// and in rows leaves the same rows in the device's store, table by
// table.
func TestFirstSyncInColumnsMakesTheSameStore(t *testing.T) {
	ctx := context.Background()
	// A fixed clock: a first pull's opening balances are dated at the pull.
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir(), Clock: app.ClockFunc(func() time.Time { return benchNow })})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.LoadDataset(ctx, "t1", demo.Generate(1, demo.Size{Models: 30, Parts: 800, Tickets: 600, Technicians: 2}, benchNow)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.NewServer(db, nil))
	t.Cleanup(srv.Close)

	firstSync := func(name string, rt http.RoundTripper) string {
		code, _, err := db.CreatePairing(ctx, "t1", demo.DemoTechnician)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := db.Pair(ctx, code, name)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name+".db")
		s, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		e := fbsync.NewEngine(s, &fbsync.Client{BaseURL: srv.URL, Token: tok, HTTP: &http.Client{Transport: rt}})
		if err := e.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var inColumns, inRowsWithHeader int
	columns := storeContent(t, firstSync("columns", columnsSeen{&inColumns}))
	rows := storeContent(t, firstSync("rows", rowsOnly{&inRowsWithHeader}))
	if inColumns == 0 || inRowsWithHeader != 0 {
		t.Fatalf("%d answers in columns to the device that reads them, %d to the one that asked for rows", inColumns, inRowsWithHeader)
	}
	if len(rows["tickets"]) < 100 || len(rows["parts"]) < 800 || len(rows["repairs"]) == 0 {
		t.Fatalf("the first sync brought %d tickets, %d parts, %d repairs: too little to compare", len(rows["tickets"]), len(rows["parts"]), len(rows["repairs"]))
	}
	for table, want := range rows {
		got := columns[table]
		if !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("%s differs at row %d:\ncolumns %.400s\nrows    %.400s", table, i, got[i], want[i])
					break
				}
			}
			t.Errorf("%s: %d rows from columns, %d from rows", table, len(got), len(want))
		}
	}
}

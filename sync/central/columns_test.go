package central

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

var openingIDs = regexp.MustCompile(`"open-[0-9a-f]+"`)

type headerlessTransport struct{}

// RoundTrip sends the request without ColumnsHeader: to the device, the
// service is one from before pages in columns.
func (headerlessTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del(fbsync.ColumnsHeader)
	return http.DefaultTransport.RoundTrip(r)
}

// TestSyncNegotiatesColumns: a device that says it reads columns gets its
// pages in columns, with the answer's header saying so; a request without
// the header (an old device) gets rows; a device whose header does not
// reach the service (an old service) reads the rows it gets. The first
// sync's pages read the same either way.
func TestSyncNegotiatesColumns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ds := demo.Generate(1, demo.Size{Models: 20, Parts: 500, Tickets: 300, Technicians: 2}, testNow)
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(NewServer(db, nil))
		t.Cleanup(srv.Close)
		code, _, err := db.CreatePairing(ctx, tenant, demo.DemoTechnician)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := db.Pair(ctx, code, "tablet")
		if err != nil {
			t.Fatal(err)
		}

		firstSync := func(c *fbsync.Client) []byte {
			var pages []*app.Dataset
			cursor := ""
			for i := 0; ; i++ {
				resp, err := c.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Cursor: cursor, MaxBytes: 64 << 10})
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, resp.Data)
				if cursor = resp.Cursor; !resp.More {
					break
				}
				if i > 1000 {
					t.Fatal("the pull does not end")
				}
			}
			out, _ := json.Marshal(pages)
			// A first pull's opening balances have IDs of their own each time.
			return openingIDs.ReplaceAll(out, []byte(`"open-"`))
		}
		columns := firstSync(&fbsync.Client{BaseURL: srv.URL, Token: tok})
		rows := firstSync(&fbsync.Client{BaseURL: srv.URL, Token: tok, HTTP: &http.Client{Transport: headerlessTransport{}}})
		if !bytes.Equal(columns, rows) {
			i := 0
			for i < len(rows) && rows[i] == columns[i] {
				i++
			}
			t.Fatalf("the first sync reads differently in columns (%d B) and rows (%d B), from byte %d:\n%.300s\n%.300s", len(columns), len(rows), i, columns[max(0, i-200):], rows[max(0, i-200):])
		}
		if !bytes.Contains(rows, []byte(demo.DemoTechnician)) || len(rows) < 100<<10 {
			t.Fatalf("the first sync brought too little to compare: %d B", len(rows))
		}

		raw := func(header bool) (*http.Response, map[string]json.RawMessage) {
			body, _ := json.Marshal(fbsync.Request{Protocol: fbsync.ProtocolVersion})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/sync", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			if header {
				req.Header.Set(fbsync.ColumnsHeader, "1")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var answer struct {
				D map[string]json.RawMessage `json:"d"`
			}
			if err := json.Unmarshal(b, &answer); err != nil {
				t.Fatalf("%v: %.200s", err, b)
			}
			return res, answer.D
		}
		for _, c := range []struct {
			name   string
			header bool
			shape  byte
		}{{"Columns", true, '{'}, {"Rows", false, '['}} {
			res, d := raw(c.header)
			if got := res.Header.Get(fbsync.ColumnsHeader); (got == "1") != c.header {
				t.Errorf("%s: answer header %q", c.name, got)
			}
			for _, list := range []string{"parts", "locations"} {
				if v := d[list]; len(v) == 0 || v[0] != c.shape {
					t.Errorf("%s: %s is %.40s (lists: %v)", c.name, list, v, slices.Collect(maps.Keys(d)))
				}
			}
		}
	})
}

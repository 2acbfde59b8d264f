package simulation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// pageRecorder is a Transport that notes each request's page bound and
// the rows of each answer's page.
type pageRecorder struct {
	tr       fbsync.Transport
	maxBytes []int
	parts    []int
}

func (r *pageRecorder) Sync(ctx context.Context, req *fbsync.Request) (*fbsync.Response, error) {
	resp, err := r.tr.Sync(ctx, req)
	if err == nil && !req.NoPull {
		r.maxBytes = append(r.maxBytes, req.MaxBytes)
		n := 0
		if resp.Data != nil {
			n = len(resp.Data.Parts)
		}
		r.parts = append(r.parts, n)
	}
	return resp, err
}

// TestFirstSyncPages: until its first sync completes a device asks for
// pages of FirstPageBytes, and the service fills such a page by its bytes,
// not by a count of rows (5,000 parts of about 300 bytes come in one page
// of 4 MiB); after it, pages of PageBytes.
func TestFirstSyncPages(t *testing.T) {
	const parts = 5000
	cases := []struct {
		name      string
		first     int // Engine.FirstPageBytes
		wantFirst int // the first sync's page bound
	}{
		{"default first pages", -1, 4 << 20},
		{"first pages as large as later ones", 0, 256 << 10},
		{"first pages smaller than later ones", 128 << 10, 128 << 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			hs := httptest.NewServer(central.NewServer(db, nil))
			t.Cleanup(hs.Close)
			srv := hs.URL
			ds := app.Dataset{
				Technicians: []app.Technician{{ID: "tech-1", Name: "Wang Lei", Country: "CN", Van: "van-1"}},
				Locations:   []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van 1", Owner: "tech-1"}},
			}
			for i := range parts {
				ds.Parts = append(ds.Parts, app.Part{Number: app.PartNumber(fmt.Sprintf("P-%05d", i)), NameEN: "Drain pump " + strings.Repeat("x", 150),
					NameZH: "排水泵", Class: app.ClassMain, Brand: "Haier", Models: []string{"XQG100-BD14126L"}})
			}
			catalog, _ := json.Marshal(ds.Parts)
			if err := db.LoadDataset(ctx, "t", ds); err != nil {
				t.Fatal(err)
			}
			pair, s := pairDevice(t, db, srv, "tech-1")
			rec := &pageRecorder{tr: &fbsync.Client{BaseURL: srv, Token: pair.Token}}
			e := fbsync.NewEngine(s, rec)
			e.PageBytes = 256 << 10
			if tc.first >= 0 {
				e.FirstPageBytes = tc.first
			}
			if err := e.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			got := 0
			for i, mb := range rec.maxBytes {
				if mb != tc.wantFirst {
					t.Errorf("first sync, request %d: mb = %d, want %d", i, mb, tc.wantFirst)
				}
				got += rec.parts[i]
			}
			if got != parts {
				t.Errorf("first sync brought %d parts, want %d", got, parts)
			}
			// A page stops at the first entity past its bound: the parts
			// fill ceil(catalog/bound) pages, the last one maybe spilling
			// into one more.
			least := (len(catalog) + tc.wantFirst - 1) / tc.wantFirst
			if n := len(rec.maxBytes); n < least || n > least+1 {
				t.Errorf("first sync took %d pages for %d bytes of parts in pages of %d, want %d or %d", n, len(catalog), tc.wantFirst, least, least+1)
			}
			// The next sync, after the first completed, asks for PageBytes.
			rec.maxBytes = nil
			if err := e.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if len(rec.maxBytes) != 1 || rec.maxBytes[0] != e.PageBytes {
				t.Errorf("later sync asked for pages of %v, want one of %d", rec.maxBytes, e.PageBytes)
			}
		})
	}
}

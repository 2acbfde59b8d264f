package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestAdminSupply ships a part with the CLI's mutate and lists it with
// part-requests, shipments and shipment.
func TestAdminSupply(t *testing.T) {
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	tk := app.Ticket{ID: "tk-1", Number: "FB-2026-002700", Kind: app.KindCarryIn, Country: "CN", Technician: "tech-1", Epoch: 1, Status: app.StatusWaitingParts,
		Priority: app.PriorityNormal, Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0111"}, Product: app.Product{Category: app.CategoryPhone, Model: "P60"},
		CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
	if err := db.LoadDataset(ctx, "default", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang", Country: "CN", Van: "van-1"}},
		Locations: []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Wang's van", Owner: "tech-1"}, {ID: "wh", Kind: app.LocationWarehouse, Name: "Shanghai warehouse"}},
		Parts:     []app.Part{{Number: "SCR-1", NameEN: "Display", Class: app.ClassMain, Models: []string{"P60"}}},
		Tickets:   []app.TicketDetail{{Ticket: tk}}}); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(central.NewServer(db, nil))
	defer hs.Close()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(ctx, append([]string{"-server", hs.URL, "-token-file", tokenFile(t, token)}, args...), &out)
		return out.String(), err
	}
	for _, tc := range []struct {
		name string
		args []string
		code string // "" when it succeeds
		want string // in the output
	}{
		{"Request", []string{"mutate", "part.request", `{"request":{"id":"pr-1","ticket":"tk-1","part":"SCR-1","qty":1,"urgency":"urgent","to":"van-1"}}`}, "", ""},
		{"Open", []string{"part-requests", "open"}, "", `"ticket_number": "FB-2026-002700"`},
		{"Ship", []string{"mutate", "shipment.send", `{"shipment":{"id":"s-1","kind":"supply","from":"wh","to":"van-1","tracking":"SF1","lines":[{"part":"SCR-1","qty":1,"request":"pr-1"}]}}`}, "", ""},
		{"Shipped", []string{"part-requests", "shipped"}, "", `"shipment": "s-1"`},
		{"AtTheVan", []string{"shipments", "van-1"}, "", `"to_name": "Wang's van"`},
		{"One", []string{"shipment", "s-1"}, "", `"from_name": "Shanghai warehouse"`},
		{"Unknown", []string{"shipment", "s-2"}, app.ENOTFOUND, ""},
		{"BadState", []string{"part-requests", "lost"}, app.EINVALID, ""},
		{"NoID", []string{"shipment"}, app.EINVALID, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(tc.args...)
			if code := app.ErrorCode(err); err != nil && code != tc.code || err == nil && tc.code != "" {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("output lacks %s:\n%s", tc.want, out)
			}
		})
	}
}

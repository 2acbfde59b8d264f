package central_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestHTTPSupplyLists: the office's lists of part requests and shipments
// over HTTP: dispatch's token only, its own tenant only, bounded pages in
// order, filters, and a malformed query refused with its key.
func TestHTTPSupplyLists(t *testing.T) {
	f := newHTTPFixture(t)
	admin, other := f.admin[httpT1], f.admin[httpT2]
	send := func(id string, kind app.ShipmentKind, from, to app.LocationID, at time.Time) {
		t.Helper()
		body := httpJSON(t, map[string]any{"name": "shipment.send", "version": 1, "args": map[string]any{"shipment": app.Shipment{
			ID: id, Kind: kind, From: from, To: to, Carrier: "SF Express", Tracking: "SF-" + id, At: at,
			Lines: []app.ShipmentLine{{Part: httpBattery, Qty: 2}}}}})
		f.okJSON(t, f.call(t, "POST", "/v1/admin/mutations", admin, body, nil), nil)
	}
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	// Sent out of ID order, so that the order by time shows.
	send("s-3", app.ShipmentSupply, httpStore, httpVanA, base.Add(3*time.Hour))
	send("s-1", app.ShipmentSupply, httpStore, httpVanA, base.Add(1*time.Hour))
	send("s-2", app.ShipmentSupply, httpStore, httpVanB, base.Add(2*time.Hour))
	send("s-r", app.ShipmentReturn, httpVanADef, httpStore, base.Add(4*time.Hour))
	// A's device requests two parts for its ticket.
	for i, label := range []string{"http-req-1", "http-req-2"} {
		res := f.push(t, f.a, f.a.mut(t, "part.request", map[string]any{"request": app.PartRequest{ID: fid(label), Ticket: httpTicketA1,
			Part: httpScreen, Qty: i + 1, Urgency: app.UrgencyNormal, To: httpVanA, At: base.Add(time.Duration(i) * time.Hour)}}))
		if len(res.Rejected) > 0 {
			t.Fatalf("request refused: %+v", res.Rejected)
		}
	}

	t.Run("Pages", func(t *testing.T) {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("the pages do not end")
			}
			var p central.ShipmentPage
			f.okJSON(t, f.call(t, "GET", "/v1/admin/shipments?limit=2&after="+url.QueryEscape(after), admin, nil, nil), &p)
			if len(p.Shipments) > 2 {
				t.Fatalf("a page of 2 holds %d", len(p.Shipments))
			}
			for _, s := range p.Shipments {
				got = append(got, s.ID)
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		if want := []string{"s-1", "s-2", "s-3", "s-r"}; !slices.Equal(got, want) {
			t.Fatalf("shipments %v, want %v", got, want)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"kind=return", []string{"s-r"}},
			{"location=" + string(httpVanADef), []string{"s-r"}},
			{"location=" + string(httpVanA), []string{"s-1", "s-3"}},
			{"state=in_transit&kind=supply", []string{"s-1", "s-2", "s-3"}},
			{"state=received", nil},
		} {
			var p central.ShipmentPage
			f.okJSON(t, f.call(t, "GET", "/v1/admin/shipments?"+tc.query, admin, nil, nil), &p)
			var got []string
			for _, s := range p.Shipments {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
		}
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"ticket=" + string(httpTicketA1), []string{fid("http-req-1"), fid("http-req-2")}},
			{"state=open", []string{fid("http-req-1"), fid("http-req-2")}},
			{"state=approved", nil},
			{"ticket=" + string(httpTicketB1), nil},
		} {
			var p central.PartRequestPage
			f.okJSON(t, f.call(t, "GET", "/v1/admin/part-requests?"+tc.query, admin, nil, nil), &p)
			var got []string
			for _, r := range p.Requests {
				got = append(got, r.ID)
				if r.TicketNumber != "T1-A1" || r.PartName != "Screen" || r.ToName != "Van A" {
					t.Errorf("request names %q %q %q", r.TicketNumber, r.PartName, r.ToName)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
		}
	})
	t.Run("OneShipment", func(t *testing.T) {
		var s central.ShipmentView
		f.okJSON(t, f.call(t, "GET", "/v1/admin/shipments/s-1", admin, nil, nil), &s)
		if s.ID != "s-1" || s.State != app.ShipmentInTransit || s.Tracking != "SF-s-1" || s.FromName != "Warehouse CN" || s.ToName != "Van A" || s.PartNames[httpBattery] != "Battery (t1)" {
			t.Fatalf("shipment %+v", s)
		}
		httpWantError(t, f.call(t, "GET", "/v1/admin/shipments/s-none", admin, nil, nil), http.StatusNotFound, app.ENOTFOUND, "shipment.not_found")
	})
	t.Run("OtherTenant", func(t *testing.T) {
		httpWantError(t, f.call(t, "GET", "/v1/admin/shipments/s-1", other, nil, nil), http.StatusNotFound, app.ENOTFOUND, "shipment.not_found")
		var sp central.ShipmentPage
		f.okJSON(t, f.call(t, "GET", "/v1/admin/shipments", other, nil, nil), &sp)
		var rp central.PartRequestPage
		f.okJSON(t, f.call(t, "GET", "/v1/admin/part-requests", other, nil, nil), &rp)
		if len(sp.Shipments)+len(rp.Requests) != 0 {
			t.Fatalf("tenant t2 sees t1's %+v %+v", sp, rp)
		}
	})
	t.Run("Auth", func(t *testing.T) {
		for _, path := range []string{"/v1/admin/shipments", "/v1/admin/shipments/s-1", "/v1/admin/part-requests"} {
			httpWantError(t, f.call(t, "GET", path, "", nil, nil), http.StatusUnauthorized, app.EUNAUTHORIZED, "")
			httpWantError(t, f.call(t, "GET", path, f.a.Token, nil, nil), http.StatusForbidden, app.EFORBIDDEN, "auth.wrong_role")
		}
	})
	t.Run("BadQueries", func(t *testing.T) {
		for _, tc := range []struct{ path, key string }{
			{"/v1/admin/shipments?limit=0", "supply.bad_limit"},
			{"/v1/admin/shipments?limit=501", "supply.bad_limit"},
			{"/v1/admin/shipments?limit=ten", "supply.bad_limit"},
			{"/v1/admin/shipments?state=lost", "supply.bad_state"},
			{"/v1/admin/shipments?kind=gift", "supply.bad_kind"},
			{"/v1/admin/shipments?after=yesterday", "supply.bad_cursor"},
			{"/v1/admin/part-requests?state=shipping", "supply.bad_state"},
			{"/v1/admin/part-requests?limit=-1", "supply.bad_limit"},
			{"/v1/admin/part-requests?after=1.%01", "supply.bad_cursor"},
		} {
			httpWantError(t, f.call(t, "GET", tc.path, admin, nil, nil), http.StatusBadRequest, app.EINVALID, tc.key)
		}
	})
}

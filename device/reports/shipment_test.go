package reports_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// A warehouse, and a part the device's catalog does not hold, for the
// shipments of shippingWorld.
const (
	warehouseSH app.LocationID = "wh-sh"
	strayPart   app.PartNumber = "XX-GONE-9"
)

// shippingWorld is the conformance world with a warehouse, a return of
// defective parts from the Shanghai bin to it (one line's ticket and
// one line's part not on the device) and a supply shipment from it to
// Ana's van.
func shippingWorld() app.Dataset {
	ds := storetest.World()
	ds.Locations = append(ds.Locations, app.Location{ID: warehouseSH, Kind: app.LocationWarehouse, Name: "Shanghai central warehouse"})
	at := storetest.Now.Add(-2 * time.Hour)
	ds.Shipments = []app.Shipment{
		{ID: "shp-ret-1", Kind: app.ShipmentReturn, From: storetest.DefectSH, To: warehouseSH, Carrier: "SF Express", Tracking: "SF1402277731",
			State: app.ShipmentInTransit, At: at, By: "Ana Li", Lines: []app.ShipmentLine{
				{Part: storetest.BatteryP50, Qty: 1, Ticket: storetest.T5, Claim: "CLM-2026-0311"},
				{Part: storetest.DisplayP50, Qty: 1, Serial: "LCD-0009", Ticket: storetest.T2},
				{Part: strayPart, Qty: 2, Ticket: "t-elsewhere"},
			}},
		{ID: "shp-sup-1", Kind: app.ShipmentSupply, From: warehouseSH, To: storetest.VanAna, Carrier: "JD Logistics", Tracking: "JD0099887766",
			State: app.ShipmentInTransit, At: at, By: "Dispatch", Lines: []app.ShipmentLine{
				{Part: storetest.DoorSeal, Qty: 2, Ticket: storetest.T4},
			}},
	}
	return ds
}

// TestShipmentPapers: a shipment's label and packing list, found by its
// ID or its tracking number, are written from the device's store in the
// builder's language: the label names the tracking number and both ends,
// the packing list every line's part number and ticket number (a ticket
// the device does not hold by its ID, a part it does not hold by its
// number alone). An unknown shipment is ENOTFOUND, with nothing written.
func TestShipmentPapers(t *testing.T) {
	db, b := open(t, filepath.Join(t.TempDir(), "fieldbench.db"))
	if err := db.Load(t.Context(), shippingWorld()); err != nil {
		t.Fatal(err)
	}
	b.Supply = store.NewSupplyService(db)
	write := func(ctx context.Context, packing bool, w *bytes.Buffer, id string) error {
		if packing {
			return b.PackingListPDF(ctx, w, id)
		}
		return b.ShipmentLabelPDF(ctx, w, id)
	}
	for _, tc := range []struct {
		name     string
		packing  bool
		language string
		id       string
		code     string   // the error's; "" for a PDF
		want     []string // in the PDF's text
		not      []string
	}{
		{"return label", false, "en", "shp-ret-1", "",
			[]string{"SF1402277731", "SF Express", "Shanghai defective returns", "Shanghai central warehouse", "Defective parts return", "3 lines, 4 units"}, nil},
		{"return label by tracking number, in Chinese", false, "zh", "SF1402277731", "",
			[]string{"SF1402277731", "故障件退回", "运单号", "Shanghai central warehouse"}, []string{"Tracking number"}},
		{"return packing list", true, "en", "shp-ret-1", "",
			[]string{"SF1402277731", "Packing list", "HB-BAT-P50", "Battery P50 original", "FB-2026-000005", "CLM-2026-0311",
				"HB-LCD-P50", "LCD-0009", "FB-2026-000002", "XX-GONE-9", "t-elsewhere", "Defective parts returned under warranty"}, nil},
		{"return packing list in Chinese", true, "zh-CN", "shp-ret-1", "",
			[]string{"装箱单", "华为P50原装电池", "HB-BAT-P50", "FB-2026-000005", "HB-LCD-P50", "FB-2026-000002", "XX-GONE-9"}, []string{"Packing list"}},
		{"supply label", false, "en", "JD0099887766", "",
			[]string{"JD0099887766", "Parts shipment", "Ana's van", "Shanghai central warehouse"}, []string{"Defective parts return"}},
		{"supply packing list", true, "en", "shp-sup-1", "",
			[]string{"JD0099887766", "HA-SEAL-02", "Door seal", "FB-2026-000004"}, []string{"Defective parts returned under warranty"}},
		{"unknown shipment's label", false, "en", "shp-none", app.ENOTFOUND, nil, nil},
		{"unknown shipment's packing list", true, "en", "SF0000000000", app.ENOTFOUND, nil, nil},
		{"no shipment named", true, "en", "", app.ENOTFOUND, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.Language = tc.language
			var out bytes.Buffer
			err := write(t.Context(), tc.packing, &out, tc.id)
			if app.ErrorCode(err) != tc.code || (tc.code == "") != (err == nil) {
				t.Fatalf("%v, want code %q", err, tc.code)
			}
			if err != nil {
				if out.Len() != 0 {
					t.Errorf("%d bytes written with the error", out.Len())
				}
				return
			}
			text := strings.Join(strings.Fields(pdfText(t, out.Bytes())), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(text, w) {
					t.Errorf("holds %q, in another language or of another kind:\n%s", w, text)
				}
			}
		})
	}
}

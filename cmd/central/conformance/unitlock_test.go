package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestStockImportBesideFitsOfItsUnitsNeverDeadlocks: on PostgreSQL, the
// office imports a warehouse's serialized units while a technician's
// device fits those units from the van, at the same moment, round after
// round. Both are applied, and PostgreSQL ends neither as a deadlock's
// victim: an import placing units takes their locks before anything
// else, as every write placing or taking a unit does (PROTOCOL.md,
// "Writes at the same time"); it once took the version and then waited
// for a unit's place the push held, while the push waited for the
// version.
func TestStockImportBesideFitsOfItsUnitsNeverDeadlocks(t *testing.T) {
	s := newService(t, "postgres")
	s.ensureParts(t)
	part := name("CF-UNIT")
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/parts", []byte("number,name_en,class,serialized\n"+part+",Modem,main,yes\n"), &got)
	tc := s.addFieldTech(t, "units", 0)
	wh := name("wh")
	s.adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
	dev := s.pair(t, tc.id)
	tk := s.newTicket(t, tc.id, "")
	importUnits := func(loc string, serials []string) error {
		var csv strings.Builder
		csv.WriteString("location,part,qty,serial\n")
		for _, sn := range serials {
			fmt.Fprintf(&csv, "%s,%s,1,%s\n", loc, part, sn)
		}
		a, err := s.send(t.Context(), "POST", "/v1/admin/import/stock", s.admin, []byte(csv.String()))
		if err == nil && a.status != http.StatusOK {
			err = fmt.Errorf("import: HTTP %d %s", a.status, a.body)
		}
		return err
	}
	const rounds = 48
	before := s.deadlocks()
	for r := range rounds {
		var serials []string
		for i := range 4 {
			serials = append(serials, fmt.Sprintf("%s-%d-%d", part, r, i))
		}
		if err := importUnits(tc.van, serials); err != nil {
			t.Fatal(err)
		}
		counted := slices.Clone(serials)
		slices.Reverse(counted)
		atOnce(t, r, func() error {
			var ms []mutation
			for _, sn := range serials {
				args := consumeArgs(newID(), tk.ID, part, tc.van, 1)
				args["used"].(map[string]any)["serial"] = sn
				ms = append(ms, dev.mut("stock.consume", args))
			}
			return dev.pushAll(t.Context(), ms)
		}, func() error { return importUnits(wh, counted) })
	}
	if n := s.deadlocks() - before; n != 0 {
		t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock", n, 2*rounds)
	}
}

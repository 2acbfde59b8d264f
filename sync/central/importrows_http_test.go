package central_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// TestHTTPImportRows: the API's 400 for a refused file lists each bad
// row in "rows" beside the message it always had.
func TestHTTPImportRows(t *testing.T) {
	f := newHTTPFixture(t)
	before := f.tables(t)
	a := f.call(t, "POST", "/v1/admin/import/parts", f.admin[httpT1], []byte("number,name_en,class\nOK-1,a,unit\nBAD-1,b,gadget\nOK-2,c,unit\nOK-1,d,unit\n"), map[string]string{"Content-Type": "text/csv"})
	if a.Status != http.StatusBadRequest {
		t.Fatalf("status %d: %s", a.Status, a.Body)
	}
	var e fbsync.Error
	if err := json.Unmarshal(a.Body, &e); err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range e.Rows {
		lines = append(lines, r.Line)
		if r.Code != app.EINVALID || r.Key == "" || r.Message == "" || !strings.Contains(e.Message, r.Message) {
			t.Errorf("row %+v (message %q)", r, e.Message)
		}
	}
	if e.Key != "import.refused" || !slices.Equal(lines, []int{3, 5}) || e.Rows[1].Key != "import.row.duplicate_part" || e.Rows[1].Data["Line"] != float64(2) {
		t.Errorf("answer %+v", e)
	}
	f.unchanged(t, before)
}

package e2e

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// shots is a folder the layout tests write what they measured to, as
// PNG, for a person to look at (go test ./cmd/central/e2e -run X -shots DIR).
var shots = flag.String("shots", "", "write the layout tests' screenshots to this folder")

// returnsRow is what TestReturnsShipFitsTheTable reads of a return's row.
type returnsRow struct {
	Found       bool
	SelectRight int // the Ship to a warehouse drop-down's right edge, in px
	WrapRight   int // the table's frame's right edge
	TableWidth  int // the table's whole width
	WrapWidth   int // what its frame shows of it
	PartLines   int // the lines the row's part number takes
}

const readReturnsRow = `(function (sel) {
  var s = document.querySelector(sel), out = {Found: !!s};
  if (!s) return out;
  var wrap = s.closest(".table-wrap");
  out.SelectRight = Math.round(s.getBoundingClientRect().right);
  out.WrapRight = Math.round(wrap.getBoundingClientRect().right);
  out.TableWidth = wrap.scrollWidth;
  out.WrapWidth = wrap.clientWidth;
  var part = s.closest("tr").querySelector("th .part");
  out.PartLines = part ? part.getClientRects().length : 0;
  return out;
})(%q)`

// TestReturnsShipFitsTheTable: on a 1280 px screen a defective return's
// row, with its serial, ticket and a warehouse of a long name, keeps its
// "Ship to a warehouse" drop-down inside the table, and its part number
// on one line: the drop-down ran past the table's edge, cut by its
// frame, and squeezed the part number over three lines.
func TestReturnsShipFitsTheTable(t *testing.T) {
	tech := addTech(t, "e2e-returns")
	id := newTicket(t, tech, name("Rita Returns"))
	bin, wh, part := name("e2e-ret-bin"), name("e2e-ret-wh"), name("E2E-BOARD")
	adminOK(t, "PUT", "/v1/admin/locations/"+bin, map[string]any{"id": bin, "kind": "defective", "name": "Defective returns · van 京AD07618", "owner": tech}, nil)
	adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "华东中心仓 Shanghai Central Warehouse " + wh}, nil)
	if status, raw := callRaw(t, "POST", "/v1/admin/import/parts", "number,name_en,class\n"+part+",Indoor control board,main\n"); status != http.StatusOK {
		t.Fatalf("import the part: HTTP %d %s", status, raw)
	}
	move := name("e2e-ret-move")
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "stock.return_defective", "version": 1, "args": map[string]any{"movement": map[string]any{
		"id": move, "part": part, "to": bin, "qty": 1, "ticket": id, "serial": "SMA543Q8PC5M2P"}}}, nil)
	ctx := tab(t, admin)
	for _, lang := range []string{"en", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(svc.url+"/stock/returns")))
		row, err := browser.Get(ctx, chromedp.Evaluate[returnsRow](fmt.Sprintf(readReturnsRow, `form.stock-inline input[name="serial"][value="SMA543Q8PC5M2P"] ~ select[name="to"]`)))
		must(t, err)
		if !row.Found {
			t.Fatalf("in %s the returns page has no Ship form for the return: %s", lang, text(t, ctx, "main"))
		}
		if row.SelectRight > row.WrapRight || row.TableWidth > row.WrapWidth {
			t.Errorf("in %s at 1280 px the drop-down ends at %d px, past the table's frame at %d px (the table %d px wide in %d)", lang, row.SelectRight, row.WrapRight, row.TableWidth, row.WrapWidth)
		}
		if row.PartLines != 1 {
			t.Errorf("in %s at 1280 px the return's part number takes %d lines, want one", lang, row.PartLines)
		}
		if *shots != "" {
			png, err := browser.Screenshot(ctx, svc.url+"/stock/returns", 1280, 800)
			must(t, err)
			must(t, os.WriteFile(filepath.Join(*shots, "returns-"+lang+"-1280.png"), png, 0o644))
		}
	}
}

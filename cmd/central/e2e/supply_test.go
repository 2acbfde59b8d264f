package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// TestPartRequestShipped: a device requests a part for its ticket (a real
// push); a dispatcher approves it on the part requests page and ships it
// from the warehouse with a carrier and tracking number; the shipment's
// packing list downloads as a PDF; the device's next pull has the request
// shipped on that shipment.
func TestPartRequestShipped(t *testing.T) {
	tech := addTech(t, "e2e-parts")
	van, wh, part := name("e2e-parts-van"), name("e2e-parts-wh"), name("E2E-PUMP")
	adminOK(t, "PUT", "/v1/admin/locations/"+van, map[string]any{"id": van, "kind": "van", "name": "Van " + van, "owner": tech}, nil)
	adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
	if status, raw := callRaw(t, "POST", "/v1/admin/import/parts", "number,name_en,class\n"+part+",Drain pump,unit\n"); status != http.StatusOK {
		t.Fatalf("import the part: HTTP %d %s", status, raw)
	}
	if status, raw := callRaw(t, "POST", "/v1/admin/import/stock", "location,part,qty\n"+wh+","+part+",5\n"); status != http.StatusOK {
		t.Fatalf("stock the warehouse: HTTP %d %s", status, raw)
	}
	id := newTicket(t, tech, name("Paula Parts"))
	dev := pair(t, tech)
	dev.pullAll(t)
	rq := newID()
	if x, refused := dev.push(t, "part.request", map[string]any{"request": map[string]any{"id": rq, "ticket": id, "part": part, "qty": 1,
		"urgency": "urgent", "to": van, "note": "needed <b>today</b>", "at": "2026-12-04T10:00:00Z"}}); refused {
		t.Fatalf("the device's request was refused: %+v", x)
	}
	ctx := tab(t, dispatcher)
	approve := `form[action="/stock/requests/` + rq + `/decide"]:has(input[name="decision"][value="approve"]) button`
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/stock/requests"), chromedp.Click(chromedp.CSS(approve))))
	if f := flash(t, ctx); !strings.Contains(f, "Approved") {
		t.Fatalf("after approving: %q", f)
	}
	form := `form.ship-form:has(input[name="to"][value="` + van + `"])`
	must(t, browser.Run(ctx,
		chromedp.SetValue(chromedp.CSS(form+` select[name="from"]`), wh),
		chromedp.SendKeys(chromedp.CSS(form+` input[name="carrier"]`), "SF Express"),
		chromedp.SendKeys(chromedp.CSS(form+` input[name="tracking"]`), "SF-E2E-1"),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	))
	// The approval's flash is on the page until the shipment's page replaces it.
	if err := browser.WaitFor(ctx, `location.pathname.startsWith("/stock/shipments/")`); err != nil {
		t.Fatalf("shipping did not lead to the shipment's page: %v; the page says: %s", err, text(t, ctx, "main"))
	}
	// One request, to the van by its name: it said "Shipped 1 requests
	// to <the van's ID>".
	if f := flash(t, ctx); !strings.Contains(f, "Shipped 1 request to Van "+van+";") {
		t.Fatalf("after shipping: %q", f)
	}
	path, err := browser.Path(ctx)
	must(t, err)
	if !strings.HasPrefix(path, "/stock/shipments/") {
		t.Fatalf("after shipping the browser is at %s, want the shipment's page", path)
	}
	// The packing list, fetched with the browser's session.
	head, err := browser.Get(ctx, chromedp.Evaluate[string](`fetch(location.pathname + "/packing-list.pdf").then(r => r.ok ? r.text() : "HTTP " + r.status).then(s => s.slice(0, 5))`, chromedp.EvalAwaitPromise))
	must(t, err)
	if head != "%PDF-" {
		t.Errorf("the packing list begins %q, not as a PDF", head)
	}
	// The device's pull brings its request, shipped.
	state, shipment := "", ""
	cursor := ""
	for range maxPages {
		status, raw := dev.syncStatus(t, map[string]any{"v": 1, "c": cursor})
		var out struct {
			D *struct {
				Requests []struct {
					ID       string `json:"id"`
					State    string `json:"state"`
					Shipment string `json:"shipment"`
				} `json:"part_requests"`
			} `json:"d"`
			Cursor string `json:"c"`
			More   bool   `json:"m"`
		}
		if status != http.StatusOK || json.Unmarshal(raw, &out) != nil {
			t.Fatalf("pull: HTTP %d %s", status, raw)
		}
		if out.D != nil {
			for _, r := range out.D.Requests {
				if r.ID == rq {
					state, shipment = r.State, r.Shipment
				}
			}
		}
		if !out.More {
			break
		}
		cursor = out.Cursor
	}
	if state != "shipped" || "/stock/shipments/"+shipment != path {
		t.Fatalf("the device pulled its request as %q on shipment %q, want shipped on %s", state, shipment, path)
	}
}

// TestCompatiblePartSelectFits: the Compatible part select in a part
// request's Answer column shows its widest choice whole, a part's number
// and name, on a phone (360 and 720 px wide) and a tablet, in English and
// Chinese: capped at 12rem it cut the name the dispatcher chooses by.
// The table scrolls sideways in its frame; the page does not widen.
func TestCompatiblePartSelectFits(t *testing.T) {
	asked, instead := name("E2E-VALVE"), name("E2E-VALVE-B")
	rq := openPartRequest(t, "e2e-subst", "Sam Subst", asked+",Inlet valve,进水阀,main,W1\n"+
		instead+",\"Inlet valve assembly with hose and filter, 220 V (revision B)\",进水阀总成（含软管和过滤网，220 V，B 版）,main,W1\n",
		map[string]any{"part": asked, "qty": 1, "urgency": "normal"})
	login := name("e2e-subst")
	must(t, consoleUser(login, "Sub Stitute", "dispatcher", password))
	ctx := tab(t, login)
	form := `form:has(#sp-` + rq + `)`
	for _, lang := range []string{"en", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		for _, size := range []struct{ w, h int64 }{{360, 740}, {720, 1280}, {1280, 800}} {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(svc.url+"/stock/requests")))
			f, err := browser.Get(ctx, chromedp.Evaluate[filterLayout](fmt.Sprintf(readFilters, form)))
			must(t, err)
			at := fmt.Sprintf("/stock/requests at %dx%d in %s", size.w, size.h, lang)
			switch {
			case !f.Found || f.Selects != 1:
				t.Errorf("%s: no Compatible part select for the request: %+v", at, f)
			case len(f.Cut) > 0:
				t.Errorf("%s: the Compatible part select's text is cut: %v", at, f.Cut)
			case f.PageWidth > f.Window:
				t.Errorf("%s: the page is %d px wide, wider than the window (%d px)", at, f.PageWidth, f.Window)
			}
		}
	}
}

// TestShipmentDamagedOnArrival: a store's parcel is counted in the
// console with one of its two parts damaged; the shipment's page then
// says it arrived damaged and waits in the store's defective bin, and
// links to that bin's ledger, where the part is.
func TestShipmentDamagedOnArrival(t *testing.T) {
	owner := name("e2e-dmg-store")
	shelf, bin, wh, part := name("e2e-dmg-shelf"), name("e2e-dmg-bin"), name("e2e-dmg-wh"), name("E2E-SCREEN")
	adminOK(t, "PUT", "/v1/admin/locations/"+shelf, map[string]any{"id": shelf, "kind": "store", "name": "Shelf " + shelf, "owner": owner}, nil)
	adminOK(t, "PUT", "/v1/admin/locations/"+bin, map[string]any{"id": bin, "kind": "defective", "name": "Returns " + bin, "owner": owner}, nil)
	adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
	if status, raw := callRaw(t, "POST", "/v1/admin/import/parts", "number,name_en,class\n"+part+",Display,main\n"); status != http.StatusOK {
		t.Fatalf("import the part: HTTP %d %s", status, raw)
	}
	if status, raw := callRaw(t, "POST", "/v1/admin/import/stock", "location,part,qty\n"+wh+","+part+",5\n"); status != http.StatusOK {
		t.Fatalf("stock the warehouse: HTTP %d %s", status, raw)
	}
	ship := name("e2e-dmg-ship")
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "shipment.send", "version": 1, "args": map[string]any{"shipment": map[string]any{
		"id": ship, "kind": "supply", "from": wh, "to": shelf, "lines": []map[string]any{{"part": part, "qty": 2}}}}}, nil)
	ctx := tab(t, dispatcher)
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/stock/shipments/"+ship),
		chromedp.SetValue(chromedp.CSS(`input[name="qty-0"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`input[name="damaged-0"]`), "1"),
		chromedp.SendKeys(chromedp.CSS(`input[name="damaged_note-0"]`), "glass cracked"),
		chromedp.Click(chromedp.CSS(`form.receive-form button[type="submit"]`)),
	))
	if f := flash(t, ctx); !strings.Contains(f, "Received shipment") {
		t.Fatalf("after receiving: %q", f)
	}
	main := text(t, ctx, "main")
	for _, want := range []string{"Damaged on arrival: 1 of " + part + " arrived damaged; it waits in Returns " + bin + " to go back, not in stock.", "glass cracked"} {
		if !strings.Contains(main, want) {
			t.Errorf("the shipment's page lacks %q:\n%s", want, main)
		}
	}
	must(t, browser.Run(ctx, chromedp.Click(chromedp.CSS(`ul.differences a[href="/stock/`+bin+`/`+part+`"]`))))
	if err := browser.WaitFor(ctx, `location.pathname === "/stock/`+bin+`/`+part+`"`); err != nil {
		t.Fatalf("the difference's link did not open the bin's ledger: %v", err)
	}
}

// requestCard is what TestPartRequestsReadOnAPhone reads of a request's
// row on the part requests page.
type requestCard struct {
	Found        bool
	TableScrolls bool   // the table is wider than its frame: read by scrolling sideways
	Narrowest    int    // the narrowest of the row's cells, in px
	Outside      string // a cell reaching past the window's right edge
	HeadShown    bool   // the column headers stand above the rows
	PageWidth    int
	Window       int
}

const readRequestCard = `(function () {
  var row = document.querySelector(%q);
  var out = {Found: !!row, TableScrolls: false, Narrowest: 0, Outside: "", HeadShown: false, PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth};
  if (!row) return out;
  var table = row.closest("table"), wrap = table.parentElement;
  out.TableScrolls = wrap.scrollWidth > wrap.clientWidth + 1;
  out.HeadShown = table.tHead.getBoundingClientRect().height > 1;
  out.Narrowest = 1e9;
  row.querySelectorAll(":scope > th, :scope > td").forEach(function (c) {
    var r = c.getBoundingClientRect();
    out.Narrowest = Math.min(out.Narrowest, Math.round(r.width));
    if (r.right > window.innerWidth + 1) out.Outside = (c.dataset.label || c.textContent.trim().slice(0, 20)) + " ends at " + Math.round(r.right) + " px";
  });
  return out;
})()`

// TestPartRequestsReadOnAPhone: on a phone (720 and 360 px wide) each
// open part request is a card whose cells stand one under another, the
// width of the screen, so the page reads without scrolling the table
// sideways (at 720 px the six columns squeezed Requested and State to a
// word per line, and Answer ran off the screen); on a tablet it is the
// table with its headers. In English and Chinese.
func TestPartRequestsReadOnAPhone(t *testing.T) {
	asked, instead := name("E2E-BOARD"), name("E2E-BOARD-B")
	rq := openPartRequest(t, "e2e-card", "Carla Card", asked+",Control board,控制板,main,W1\n"+instead+",Control board (revision B),控制板（B 版）,main,W1\n",
		map[string]any{"part": asked, "qty": 2, "urgency": "urgent", "note": "The customer needs the machine back before the weekend."})
	login := name("e2e-card")
	must(t, consoleUser(login, "Cara Card", "dispatcher", password))
	ctx := tab(t, login)
	row := `tr:has(#sp-` + rq + `)`
	for _, lang := range []string{"en", "zh-Hans"} {
		setLanguage(t, ctx, lang)
		for _, size := range []struct {
			w, h  int64
			cards bool
		}{{720, 1280, true}, {360, 740, true}, {1280, 800, false}} {
			must(t, browser.Run(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(svc.url+"/stock/requests")))
			c, err := browser.Get(ctx, chromedp.Evaluate[requestCard](fmt.Sprintf(readRequestCard, row)))
			must(t, err)
			at := fmt.Sprintf("/stock/requests at %dx%d in %s", size.w, size.h, lang)
			switch {
			case !c.Found:
				t.Errorf("%s: no row for the request", at)
			case c.PageWidth > c.Window:
				t.Errorf("%s: the page is %d px wide, wider than the window (%d px)", at, c.PageWidth, c.Window)
			case size.cards && (c.TableScrolls || c.HeadShown || c.Outside != "" || c.Narrowest < int(size.w)/2):
				t.Errorf("%s: not a card the width of the screen: %+v", at, c)
			case !size.cards && (!c.HeadShown || c.TableScrolls):
				t.Errorf("%s: not the table with its headers: %+v", at, c)
			}
		}
	}
}

// openPartRequest makes a part request waiting for the office's answer:
// a technician named from prefix with a van, the parts of the CSV rows
// (number,name_en,name_zh,class,models) imported, a ticket of customer's
// assigned to them, and their device pushing a request with fields
// (part, qty, urgency, note) for it to the van. It returns the request's ID.
func openPartRequest(t *testing.T, prefix, customer, rows string, fields map[string]any) string {
	t.Helper()
	tech := addTech(t, prefix)
	van := name(prefix + "-van")
	adminOK(t, "PUT", "/v1/admin/locations/"+van, map[string]any{"id": van, "kind": "van", "name": "Van " + van, "owner": tech}, nil)
	if status, raw := callRaw(t, "POST", "/v1/admin/import/parts", "number,name_en,name_zh,class,models\n"+rows); status != http.StatusOK {
		t.Fatalf("import the parts: HTTP %d %s", status, raw)
	}
	id := newTicket(t, tech, name(customer))
	dev := pair(t, tech)
	dev.pullAll(t)
	rq := newID()
	req := map[string]any{"id": rq, "ticket": id, "to": van, "at": "2026-12-04T10:00:00Z"}
	maps.Copy(req, fields)
	if x, refused := dev.push(t, "part.request", map[string]any{"request": req}); refused {
		t.Fatalf("the device's request was refused: %+v", x)
	}
	return rq
}

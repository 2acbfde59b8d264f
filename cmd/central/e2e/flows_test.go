package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// must fails t with err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// text is the text of the first element matching the CSS selector, "" if
// none.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := browser.Get(ctx, chromedp.Evaluate[string](`(function(){var e=document.querySelector(`+js(sel)+`);return e?e.textContent:""})()`))
	must(t, err)
	return s
}

// flash waits for the page's flash message (a POST's answer after its
// redirect) and returns it.
func flash(t *testing.T, ctx context.Context) string {
	t.Helper()
	if err := browser.WaitFor(ctx, `document.readyState === "complete" && (document.querySelector("main .flash") !== null || document.querySelector("main .error, main [role=alert]") !== null)`); err != nil {
		t.Fatalf("no flash after the action: %v; the page says: %s", err, text(t, ctx, "main"))
	}
	if f := text(t, ctx, "main .flash"); f != "" {
		return f
	}
	t.Fatalf("the action was refused: %s", text(t, ctx, "main"))
	return ""
}

// TestSignIn: a wrong password keeps the sign-in page with its error; the
// right one opens the board, whose menu the signed-in user sees.
func TestSignIn(t *testing.T) {
	ctx := tab(t, "")
	for _, tc := range []struct {
		name, password, wantPath string
	}{
		{"WrongPassword", "not the password at all", "/signin"},
		{"RightPassword", password, "/board"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := browser.SignIn(ctx, svc.url, dispatcher, tc.password)
			at, perr := browser.Path(ctx)
			must(t, perr)
			if at != tc.wantPath {
				t.Fatalf("signing in ends on %s (%v), want %s", at, err, tc.wantPath)
			}
			if tc.wantPath == "/signin" {
				if err == nil || !strings.Contains(text(t, ctx, "#signin-error"), "wrong") {
					t.Fatalf("a wrong password: error %v, the page says %q", err, text(t, ctx, "#signin-error"))
				}
				return
			}
			must(t, err)
			if h := text(t, ctx, "main h1"); h == "" {
				t.Errorf("the board has no heading")
			}
			if nav := text(t, ctx, "header nav"); !strings.Contains(nav, "Board") {
				t.Errorf("the menu %q does not name the board", nav)
			}
		})
	}
}

// TestCreateAndAssign: a dispatcher creates a ticket with the board's form
// (/tickets/new) for one technician, finds it on the board and assigns it
// to another (/tickets/{id}/assign); the service holds both changes.
func TestCreateAndAssign(t *testing.T) {
	first, second := addTech(t, "e2e-first"), addTech(t, "e2e-second")
	ctx := tab(t, dispatcher)
	customer := name("Carla Create")
	createInForm(t, ctx, newTicketForm{name: customer, phone: "13912345678", address: "8 Garden Lane", brand: "Acme", model: "W1", fault: "drum does not turn", tech: first})
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?q="+strings.ReplaceAll(customer, " ", "+"))))
	id, err := browser.Get(ctx, chromedp.Evaluate[string](`(function(){var c=Array.from(document.querySelectorAll("li.card[data-ticket]")).find(function(c){return c.textContent.indexOf(`+js(customer)+`)>=0});return c?c.dataset.ticket:""})()`))
	must(t, err)
	if id == "" {
		t.Fatalf("the board searched for %q shows no card of it: %s", customer, text(t, ctx, "main"))
	}
	if tk := ticket(t, id); tk.Technician != first || tk.Status != "assigned" {
		t.Fatalf("the created ticket: %+v, want assigned to %s", tk, first)
	}
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/tickets/"+id+"/assign"),
		chromedp.SetValue(chromedp.CSS(`form[action="/tickets/`+id+`/assign"] [name="technician"]`), second),
		chromedp.Click(chromedp.CSS(`form[action="/tickets/`+id+`/assign"] button[type="submit"]`)),
	))
	if f := flash(t, ctx); !strings.Contains(f, "assigned") {
		t.Fatalf("after assigning: %q", f)
	}
	if tk := ticket(t, id); tk.Technician != second {
		t.Fatalf("after assigning: %+v, want assigned to %s", tk, second)
	}
}

// TestBoardSearchAccentBlind: a dispatcher types a customer's name
// without its accents in the board's search box, as people do, and finds
// the ticket created with them (app.Fold, on the console as on the
// device).
func TestBoardSearchAccentBlind(t *testing.T) {
	tech := addTech(t, "e2e-accents")
	ctx := tab(t, dispatcher)
	n := uniq.Add(1)
	customer := fmt.Sprintf("José Señor Conceição %d", n)
	createInForm(t, ctx, newTicketForm{name: customer, phone: "13912345679", address: "9 Garden Lane", brand: "Électrolux", model: "W2", fault: "no spin", tech: tech})
	for _, typed := range []string{fmt.Sprintf("jose senor conceicao %d", n), fmt.Sprintf("SENOR CONCEICAO %d", n)} {
		// The search box's form is a GET of /board?q=...: its URL,
		// loaded whole before the cards are read.
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?q="+url.QueryEscape(typed))))
		found, err := browser.Get(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll("li.card[data-ticket]")).some(function(c){return c.textContent.indexOf(`+js(customer)+`)>=0})`))
		must(t, err)
		if !found {
			t.Errorf("the board searched for %q shows no card of %q: %s", typed, customer, text(t, ctx, "main"))
		}
	}
}

// newTicketForm is what the console's new-ticket form is filled with;
// brand and model are left empty when "".
type newTicketForm struct{ name, phone, address, brand, model, fault, tech string }

// createInForm creates a ticket through the console's new-ticket form
// and checks the flash says it was created.
func createInForm(t *testing.T, ctx context.Context, f newTicketForm) {
	t.Helper()
	field := func(name string) string { return `form[action="/tickets/new"] [name="` + name + `"]` }
	actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(svc.url + "/tickets/new")}
	for _, v := range []struct{ name, value string }{
		{"name", f.name}, {"phone", f.phone}, {"address", f.address}, {"brand", f.brand}, {"model", f.model}, {"fault", f.fault},
	} {
		if v.value != "" {
			actions = append(actions, chromedp.SendKeys(chromedp.CSS(field(v.name)), v.value))
		}
	}
	actions = append(actions, chromedp.SetValue(chromedp.CSS(field("technician")), f.tech),
		chromedp.Click(chromedp.CSS(`form[action="/tickets/new"] button[type="submit"]`)))
	must(t, browser.Run(ctx, actions...))
	if got := flash(t, ctx); !strings.Contains(got, "created") {
		t.Fatalf("after creating: %q", got)
	}
}

// TestBoardSearchPhoneNotSerialDigits: the board's search finds a
// customer by their phone however it is typed (full-width digits, a
// phone link's last three digits), and a serial-like code
// whose scattered digits are the phone's last four, or whose letter sits
// inside the phone's first six, finds nothing (README, "The console").
func TestBoardSearchPhoneNotSerialDigits(t *testing.T) {
	tech := addTech(t, "e2e-phone")
	ctx := tab(t, dispatcher)
	n := uniq.Add(1)
	customer := fmt.Sprintf("Phone Search %d", n)
	phone := fmt.Sprintf("13%09d", 700000000+n*7919%100000000)
	createInForm(t, ctx, newTicketForm{name: customer, phone: phone, address: "9 Garden Lane", fault: "no spin", tech: tech})
	last := phone[len(phone)-4:]
	for _, tc := range []struct {
		typed string
		found bool
	}{
		{phone[:3] + " " + phone[3:7] + "-" + phone[7:], true},
		{"+86 " + phone, true}, // the country code, not in the phone as saved

		{"tel:" + phone, true},
		// As a Chinese input method types it: full-width digits, label
		// and space.
		{wide(phone[:3] + " " + phone[3:7] + " " + phone[7:]), true},
		{wide("tel:+86" + phone), true},
		// A phone link's three digits are a phone's part: "tel:" says so.
		{"tel:" + phone[len(phone)-3:], true},
		{"Q" + last[0:1] + "W" + last[1:2] + "X" + last[2:3] + "Z" + last[3:4] + "K", false},
		// A serial whose letter sits inside its digits, the phone's first
		// six: no phone with an extension.
		{phone[:6] + "X" + last[:2], false},
		{wide(phone[:6] + "x" + last[:2]), false},
	} {
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?q="+url.QueryEscape(tc.typed))))
		found, err := browser.Get(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll("li.card[data-ticket]")).some(function(c){return c.textContent.indexOf(`+js(customer)+`)>=0})`))
		must(t, err)
		if found != tc.found {
			t.Errorf("the board searched for %q shows a card of %q: %v, want %v; %s", tc.typed, customer, found, tc.found, text(t, ctx, "main"))
		}
	}
}

// wide is s as a Chinese input method types it in its full-width mode:
// each printable ASCII character's full-width form, and the ideographic
// space.
func wide(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '\u3000'
		case r > ' ' && r <= '~':
			return r - '!' + '！'
		}
		return r
	}, s)
}

// TestBoardSearchNumberDigits: a customer on the phone reads out the end
// of their ticket's number; the board finds the ticket from those digits,
// as the device's search does, not only from the number's start.
func TestBoardSearchNumberDigits(t *testing.T) {
	tech := addTech(t, "e2e-number")
	ctx := tab(t, dispatcher)
	id := newID()
	number := fmt.Sprintf("FB-2026-%06d", 900000+uniq.Add(1)%100000)
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": map[string]any{
		"id": id, "number": number, "kind": "on_site", "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": name("Nina Number"), "phone": "13800000000", "address": "1 Test Road"},
		"fault":    "leaks", "technician": tech,
	}}}, nil)
	card := `li.card[data-ticket=` + js(id) + `]`
	// The whole number opens the ticket's page (TestTicketOpensByItsNumber).
	for _, typed := range []string{number[len(number)-6:], number[len(number)-4:], number[:len(number)-1]} {
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?q="+url.QueryEscape(typed))))
		found, err := browser.Get(ctx, chromedp.Evaluate[bool](`document.querySelector(`+js(card)+`) !== null`))
		must(t, err)
		if !found {
			t.Errorf("the board searched for %q does not show ticket %s; %s", typed, number, text(t, ctx, "main"))
		}
	}
}

// TestDeviceSyncShowsLive: a device's push changes a ticket the board
// shows; the board says so and shows the new status without a reload
// (the page's own marker survives: no navigation happened).
func TestDeviceSyncShowsLive(t *testing.T) {
	tech := addTech(t, "e2e-live")
	customer := name("Lena Live")
	id := newTicket(t, tech, customer)
	dev := pair(t, tech)
	dev.pullAll(t)
	ctx := tab(t, dispatcher)
	card := `li.card[data-ticket=` + js(id) + `]`
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board?q="+strings.ReplaceAll(customer, " ", "+"))))
	must(t, browser.WaitFor(ctx, `document.querySelector(`+js(card+` .st-assigned`)+`) !== null`))
	_, err := browser.Get(ctx, chromedp.Evaluate[bool](`(window.e2eMarker = true)`))
	must(t, err)
	if x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1}); refused {
		t.Fatalf("the device's depart was refused: %+v", x)
	}
	if err := browser.WaitFor(ctx, `document.querySelector(`+js(card+` .st-en_route`)+`) !== null`); err != nil {
		t.Fatalf("the board did not show the device's change: %v; the card: %s", err, text(t, ctx, card))
	}
	if kept, err := browser.Get(ctx, chromedp.Evaluate[bool](`window.e2eMarker === true`)); err != nil || !kept {
		t.Fatalf("the board reloaded instead of updating in place (%v)", err)
	}
	if live := text(t, ctx, "#board-live"); live == "" {
		t.Errorf("the board's live region says nothing of the update")
	}
}

// TestConflictDecided: dispatch reassigns a ticket while its technician's
// device is offline; the device's push on the old assignment raises a
// conflict, which a dispatcher drops from the conflicts page.
func TestConflictDecided(t *testing.T) {
	away, other := addTech(t, "e2e-away"), addTech(t, "e2e-other")
	id := newTicket(t, away, name("Conrad Conflict"))
	dev := pair(t, away)
	dev.pullAll(t)
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.assign", "version": 1, "args": map[string]any{"ticket": id, "technician": other}}, nil)
	x, refused := dev.push(t, "ticket.depart", map[string]any{"ticket": id, "epoch": 1})
	if !refused || x.Conflict == "" {
		t.Fatalf("the stale depart was not refused with a conflict: %+v", x)
	}
	ctx := tab(t, dispatcher)
	item := `li#cf-` + x.Conflict
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/conflicts"),
		// Dropping the held change asks first: its button opens the
		// question, and the red one under it decides.
		chromedp.Click(chromedp.CSS(item+` details.cf-confirm > summary`)),
		chromedp.Click(chromedp.CSS(item+` form button.danger[name="resolution"][value="dismissed"]`)),
	))
	if f := flash(t, ctx); f == "" {
		t.Fatalf("no word after deciding")
	}
	var all []struct {
		ID         string `json:"id"`
		Resolution string `json:"resolution"`
	}
	adminOK(t, "GET", "/v1/admin/conflicts?all=1", nil, &all)
	for _, c := range all {
		if c.ID == x.Conflict {
			if c.Resolution != "dismissed" {
				t.Fatalf("conflict %s: resolution %q, want dismissed", c.ID, c.Resolution)
			}
			return
		}
	}
	t.Fatalf("conflict %s is not listed", x.Conflict)
}

// TestImportBadRow: a parts CSV whose third line is bad is refused whole
// on the imports page, which names line 3; the good row was not written.
func TestImportBadRow(t *testing.T) {
	good, bad := name("E2E-GOOD"), name("E2E-BAD")
	csv := "number,name_en,class\n" + good + ",Door seal,unit\n" + bad + ",Drain pump,no-such-class\n"
	path := filepath.Join(t.TempDir(), "parts.csv")
	must(t, os.WriteFile(path, []byte(csv), 0o600))
	ctx := tab(t, admin)
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/imports"),
		chromedp.SetUploadFiles(chromedp.CSS(`form[action="/imports/parts"] input[type="file"][name="file"]`), []string{path}),
		chromedp.Click(chromedp.CSS(`form[action="/imports/parts"] button[type="submit"]`)),
	))
	if err := browser.WaitFor(ctx, `document.readyState === "complete" && document.querySelector(".import-refused") !== null`); err != nil {
		t.Fatalf("no refusal shown: %v; the page says: %s", err, text(t, ctx, "main"))
	}
	lines, err := browser.Get(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".import-refused tbody th[scope=row]")).map(function(th){return th.textContent.trim()})`))
	must(t, err)
	if len(lines) != 1 || lines[0] != "3" {
		t.Fatalf("the refused rows' lines are %q, want [3]; the page says: %s", lines, text(t, ctx, ".import-refused"))
	}
	// Nothing was written: stock of the good row's part is refused as of
	// an unknown part.
	wh := name("e2e-wh")
	adminOK(t, "PUT", "/v1/admin/locations/"+wh, map[string]any{"id": wh, "kind": "warehouse", "name": "Warehouse " + wh}, nil)
	if status, raw := callRaw(t, "POST", "/v1/admin/import/stock", "location,part,qty\n"+wh+","+good+",1\n"); status != http.StatusBadRequest {
		t.Fatalf("stock of %s, a part of the refused file: HTTP %d %s, want 400 (no such part)", good, status, raw)
	}
}

// TestRevokeDevice: a dispatcher revokes a device from the devices page,
// through its confirmation; the device's next sync is answered 401.
func TestRevokeDevice(t *testing.T) {
	tech := addTech(t, "e2e-revoke")
	dev := pair(t, tech)
	if status, raw := dev.syncStatus(t, map[string]any{"v": 1, "c": ""}); status != http.StatusOK {
		t.Fatalf("the paired device's sync: HTTP %d %s", status, raw)
	}
	ctx := tab(t, dispatcher)
	must(t, browser.Run(ctx,
		chromedp.Navigate(svc.url+"/devices"),
		chromedp.Click(chromedp.CSS(`a[href="/devices/`+dev.id+`/revoke"]`)),
	))
	must(t, browser.WaitFor(ctx, `document.readyState === "complete" && location.pathname === `+js("/devices/"+dev.id+"/revoke")))
	if status, _ := dev.syncStatus(t, map[string]any{"v": 1, "c": ""}); status != http.StatusOK {
		t.Fatalf("the confirmation page alone revoked the device: sync HTTP %d", status)
	}
	must(t, browser.Run(ctx, chromedp.Click(chromedp.CSS(`form[action="/devices/`+dev.id+`/revoke"] button[type="submit"]`))))
	if f := flash(t, ctx); f == "" {
		t.Fatalf("no word after revoking")
	}
	if status, raw := dev.syncStatus(t, map[string]any{"v": 1, "c": ""}); status != http.StatusUnauthorized {
		t.Fatalf("the revoked device's sync: HTTP %d %s, want 401", status, raw)
	}
}

// TestDeviceTextEscaped: text a device writes (a customer's name, a
// fault, a note) holding markup is shown as text on the board and the
// ticket page, in a real browser: no element is made of it and no script
// of it runs.
func TestDeviceTextEscaped(t *testing.T) {
	store := name("e2e-store")
	adminOK(t, "PUT", "/v1/admin/locations/"+store, map[string]any{"id": store, "kind": "store", "name": "Store " + store}, nil)
	tech := name("e2e-counter")
	adminOK(t, "PUT", "/v1/admin/technicians/"+tech, map[string]any{"id": tech, "name": "Counter " + tech, "country": "CN", "store": store}, nil)
	dev := pair(t, tech)
	dev.pullAll(t)
	marker := name("Xavier")
	customer := marker + ` <script>window.e2eXSS=1</script>"><img src=x id=e2e-xss onerror="window.e2eXSS=2">`
	fault := `"><img src=x id=e2e-xss2 onerror="window.e2eXSS=3">`
	id := newID()
	args := map[string]any{"ticket": map[string]any{
		"id": id, "number": name("E2E"), "kind": "carry_in", "country": "CN", "store": store,
		"product":  map[string]any{"category": "phone", "brand": "Acme", "model": `<b id=e2e-bold>P1</b>`},
		"customer": map[string]any{"name": customer, "phone": "13900000000"}, "fault": fault,
	}}
	if x, refused := dev.push(t, "ticket.create", args); refused {
		t.Fatalf("the device's ticket was refused: %+v", x)
	}
	if x, refused := dev.push(t, "note.add", map[string]any{"note": map[string]any{"id": newID(), "ticket": id, "text": `<script>window.e2eXSS=4</script>`}}); refused {
		t.Fatalf("the device's note was refused: %+v", x)
	}
	ctx := tab(t, dispatcher)
	for _, tc := range []struct{ name, page string }{{"Board", "/board?q=" + marker}, {"Ticket", "/tickets/" + id}} {
		page := tc.page
		t.Run(tc.name, func(t *testing.T) {
			must(t, browser.Run(ctx, chromedp.Navigate(svc.url+page)))
			must(t, browser.WaitFor(ctx, `document.readyState === "complete"`))
			if body := text(t, ctx, "main"); !strings.Contains(body, `<script>window.e2eXSS=1</script>`) {
				t.Fatalf("the customer's name is not shown as text: %s", body)
			}
			made, err := browser.Get(ctx, chromedp.Evaluate[bool](`window.e2eXSS !== undefined || document.querySelector("#e2e-xss, #e2e-xss2, #e2e-bold") !== null`))
			must(t, err)
			if made {
				t.Fatalf("markup a device wrote became elements or ran on %s", page)
			}
		})
	}
}

// TestTenantZone: an administrator sets the tenant's time zone on the
// Settings page; the flash confirms it and every page then names it. The
// zone is set back to UTC, where the other flows expect it.
func TestTenantZone(t *testing.T) {
	ctx := tab(t, admin)
	set := func(zone string) {
		t.Helper()
		must(t, browser.Run(ctx,
			chromedp.Navigate(svc.url+"/settings"),
			chromedp.SetValue(chromedp.CSS(`form[action="/settings/zone"] [name="zone"]`), zone),
			chromedp.Click(chromedp.CSS(`form[action="/settings/zone"] button[type="submit"]`)),
		))
		if f := flash(t, ctx); !strings.Contains(f, zone) {
			t.Fatalf("after setting %s: %q", zone, f)
		}
	}
	set("Asia/Shanghai")
	defer set("UTC")
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/board")))
	if note := text(t, ctx, "main .zone-note"); !strings.Contains(note, "Asia/Shanghai") {
		t.Errorf("the board says %q, want the zone Asia/Shanghai", note)
	}
}

package console

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// peoplePairDevice pairs a device of tech in tenant through the database.
func peoplePairDevice(t *testing.T, tc *testConsole, tenant string, tech app.TechnicianID, name string) (central.Device, string) {
	t.Helper()
	ctx := context.Background()
	code, _, err := tc.db.CreatePairing(ctx, tenant, tech)
	if err != nil {
		t.Fatal(err)
	}
	d, tok, err := tc.db.Pair(ctx, code, name)
	if err != nil {
		t.Fatal(err)
	}
	return d, tok
}

// peopleWithAPI serves the central service's API beside the console on one
// address, as cmd/central does, and returns its URL.
func peopleWithAPI(t *testing.T, tc *testConsole) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/v1/", central.NewServer(tc.db, nil))
	mux.Handle("/", tc.c)
	tc.srv = httptest.NewServer(mux)
	t.Cleanup(tc.srv.Close)
	return tc.srv.URL
}

// peopleAPIPost posts v as JSON to the API with a bearer token ("" for none)
// and returns the status and body.
func peopleAPIPost(t *testing.T, base, path, token string, v any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, raw
}

// peoplePushAt pushes one mutation stamped with the device's clock at at: the
// server keeps the device's clock offset from it.
func peoplePushAt(t *testing.T, tc *testConsole, d central.Device, at time.Time) {
	t.Helper()
	m := app.Mutation{ID: app.NewID(), Name: "ticket.start", Version: 1, Device: d.ID, Seq: 1, At: at, Args: json.RawMessage(`{"ticket":"tk-1"}`)}
	p := central.Principal{Tenant: d.Tenant, Role: app.RoleTechnician, Device: d.ID, Technician: d.Technician}
	if _, err := tc.db.Push(context.Background(), p, []app.Mutation{m}); err != nil {
		t.Fatal(err)
	}
}

// TestDevicesPage: each role sees its scope's devices with their
// technician, when they were paired and last seen, and their clock offset,
// marked beyond five minutes.
func TestDevicesPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		a, _ := peoplePairDevice(t, tc, "t1", "tech-1", "Tablet A")
		b, _ := peoplePairDevice(t, tc, "t1", "tech-2", "Tablet B")
		peoplePairDevice(t, tc, "t2", "tech-1", "Tablet C")
		peoplePushAt(t, tc, a, testStart.Add(-10*time.Minute-5*time.Second)) // the device's clock is behind
		peoplePushAt(t, tc, b, testStart.Add(2*time.Minute))                 // ahead, within bounds
		tc.advance(3 * time.Hour)
		row := func(body, name string) string {
			m := regexp.MustCompile(`(?s)<tr[^>]*>\s*<th scope="row"><span class="device-name">` + name + `</span>.*?</tr>`).FindString(body)
			if m == "" {
				t.Fatalf("no row for %s\n%s", name, body)
			}
			return m
		}
		disp := tc.signIn(t, "dispatcher@t1")
		status, body := disp.get(t, "/devices")
		if status != http.StatusOK {
			t.Fatalf("/devices: %d\n%s", status, body)
		}
		ra := row(body, "Tablet A")
		for _, want := range []string{"Tech One", "27 Nov 2026</span> 09:00", "3 h ago", "10 min 5 s behind", `class="clock-bad"`, `href="/devices/` + string(a.ID) + `/revoke"`} {
			if !strings.Contains(ra, want) {
				t.Errorf("Tablet A's row lacks %q\n%s", want, ra)
			}
		}
		rb := row(body, "Tablet B")
		if !strings.Contains(rb, "2 min 0 s ahead") || strings.Contains(rb, "clock-bad") || !strings.Contains(rb, "Tech Two") {
			t.Errorf("Tablet B's row\n%s", rb)
		}
		if strings.Contains(body, "Tablet C") {
			t.Error("t1's dispatcher sees t2's device")
		}
		for _, c := range []struct {
			login    string
			see, not []string
			revoke   bool
		}{
			{"manager@t1", []string{"Tablet A"}, []string{"Tablet B", "Tablet C"}, false},
			{"clerk@t1", []string{"Tablet A", "Tablet B"}, []string{"Tablet C"}, false},
			{"admin@t2", []string{"Tablet C", "never"}, []string{"Tablet A", "Tablet B"}, true},
		} {
			status, body := tc.signIn(t, c.login).get(t, "/devices")
			if status != http.StatusOK {
				t.Fatalf("%s: /devices %d", c.login, status)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s: lacks %q", c.login, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s: shows %q", c.login, s)
				}
			}
			if got := strings.Contains(body, "/revoke\""); got != c.revoke {
				t.Errorf("%s: revoke links %v, want %v", c.login, got, c.revoke)
			}
		}
	})
}

// TestRevokeDevice: revoking asks first, then the device's next sync
// through the real API is refused; every refusal leaves it working.
func TestRevokeDevice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		api := peopleWithAPI(t, tc)
		code, _, err := tc.db.CreatePairing(context.Background(), "t1", "tech-1")
		if err != nil {
			t.Fatal(err)
		}
		status, raw := peopleAPIPost(t, api, "/v1/pair", "", fbsync.PairRequest{Code: code, DeviceName: "Field tablet"})
		var pr fbsync.PairResponse
		if status != http.StatusOK || json.Unmarshal(raw, &pr) != nil {
			t.Fatalf("pair: %d %s", status, raw)
		}
		syncStatus := func() int {
			s, _ := peopleAPIPost(t, api, "/v1/sync", pr.Token, fbsync.Request{Protocol: 1})
			return s
		}
		if s := syncStatus(); s != http.StatusOK {
			t.Fatalf("sync before revoking: %d", s)
		}
		path := "/devices/" + string(pr.Device) + "/revoke"
		other := tc.signIn(t, "admin@t2")
		_, missingBody := other.post(t, "/devices/dev-missing/revoke", nil)
		for _, c := range []struct {
			name   string
			cl     *client
			get    bool
			noCSRF bool
			status int
		}{
			{"parts clerk", tc.signIn(t, "clerk@t1"), false, false, http.StatusForbidden},
			{"store manager", tc.signIn(t, "manager@t1"), false, false, http.StatusForbidden},
			{"store manager's confirmation", tc.signIn(t, "manager@t1"), true, false, http.StatusForbidden},
			{"no CSRF token", tc.signIn(t, "admin@t1"), false, true, http.StatusForbidden},
			{"another tenant", other, false, false, http.StatusNotFound},
			{"another tenant's confirmation", other, true, false, http.StatusNotFound},
		} {
			var status int
			var body string
			switch {
			case c.get:
				status, body = c.cl.get(t, path)
			case c.noCSRF:
				status, body = c.cl.postNoCSRF(t, path, url.Values{})
			default:
				status, body = c.cl.post(t, path, nil)
			}
			if status != c.status {
				t.Errorf("%s: status %d, want %d\n%s", c.name, status, c.status, body)
			}
			if c.name == "another tenant" && unmasked(body) != unmasked(strings.ReplaceAll(missingBody, "dev-missing", string(pr.Device))) {
				t.Errorf("another tenant's device answers unlike a missing one:\n%s\n---\n%s", body, missingBody)
			}
			if s := syncStatus(); s != http.StatusOK {
				t.Fatalf("%s: the device's sync answers %d", c.name, s)
			}
		}

		admin := tc.signIn(t, "admin@t1")
		status, body := admin.get(t, path)
		if status != http.StatusOK || !strings.Contains(body, `class="danger">Revoke the device</button>`) || !strings.Contains(body, ">Keep the device</a>") ||
			!strings.Contains(body, "Device Field tablet of Tech One will be refused") {
			t.Fatalf("confirmation: %d\n%s", status, body)
		}
		if status, body := admin.post(t, path, nil); status != http.StatusSeeOther || admin.location != "/devices" {
			t.Fatalf("revoke: %d to %q\n%s", status, admin.location, body)
		}
		if s := syncStatus(); s != http.StatusUnauthorized {
			t.Errorf("sync after revoking: %d, want 401", s)
		}
		if _, body := admin.get(t, "/devices"); !strings.Contains(body, "Device Field tablet is revoked") || !strings.Contains(body, "Revoked") {
			t.Errorf("no flash or state after revoking\n%s", body)
		}
		if a := peopleLastAudit(t, tc, "t1"); a.Login != "admin@t1" || a.Action != "device.revoke" || a.Target != string(pr.Device) {
			t.Errorf("audit %+v", a)
		}
		// A second form drawn before the revoke is stale.
		if status, body := tc.signIn(t, "dispatcher@t1").post(t, path, nil); status != http.StatusConflict || !strings.Contains(body, "was revoked already") {
			t.Errorf("revoking again: %d\n%s", status, body)
		}
	})
}

var (
	peopleQRImage  = regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)"`)
	peoplePairCode = regexp.MustCompile(`<code class="pair-code">([^<]+)</code>`)
)

// TestPairDevice: the pairing page shows the code and a QR Code holding
// the service's address, its certificate's fingerprint and the code; a
// device pairs with what it decodes from it through the real /v1/pair.
func TestPairDevice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		api := peopleWithAPI(t, tc)
		fp := strings.Repeat("ab12", 16)
		tc.c.opt.Fingerprint = fp
		disp := tc.signIn(t, "dispatcher@t1")
		status, body := disp.post(t, "/devices/pair", url.Values{"technician": {"tech-1"}})
		if status != http.StatusOK {
			t.Fatalf("pair: %d\n%s", status, body)
		}
		for _, want := range []string{"Pair a device for Tech One", "28 Nov 2026 09:00", fp, api} {
			if !strings.Contains(body, want) {
				t.Errorf("pairing page lacks %q\n%s", want, body)
			}
		}
		m, c := peopleQRImage.FindStringSubmatch(body), peoplePairCode.FindStringSubmatch(body)
		if m == nil || c == nil {
			t.Fatalf("no QR Code or code\n%s", body)
		}
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("decode the QR Code: %v", err)
		}
		rest, ok := strings.CutPrefix(res.GetText(), "fieldbench:pair?")
		q, err := url.ParseQuery(rest)
		if !ok || err != nil || q.Get("code") != c[1] || q.Get("server") != api || q.Get("fp") != fp {
			t.Fatalf("QR Code holds %q; want the code %s, server %s, fp %s", res.GetText(), c[1], api, fp)
		}
		if a := peopleLastAudit(t, tc, "t1"); a.Login != "dispatcher@t1" || a.Action != "device.pair" || a.Target != "tech-1" || strings.Contains(a.Detail, c[1]) {
			t.Errorf("audit %+v", a)
		}
		status, out := peopleAPIPost(t, q.Get("server"), "/v1/pair", "", fbsync.PairRequest{Code: q.Get("code"), DeviceName: "Scanned tablet"})
		var pr fbsync.PairResponse
		if status != http.StatusOK || json.Unmarshal(out, &pr) != nil || pr.Technician.ID != "tech-1" || pr.Token == "" {
			t.Fatalf("pair with the decoded code: %d %s", status, out)
		}
		if s, _ := peopleAPIPost(t, api, "/v1/sync", pr.Token, fbsync.Request{Protocol: 1}); s != http.StatusOK {
			t.Errorf("first sync of the paired device: %d", s)
		}

		// Refusals show no code.
		other := tc.signIn(t, "admin@t2")
		if err := tc.db.PutTechnician(context.Background(), "t1", app.Technician{ID: "tech-only1", Name: "Only In One"}); err != nil {
			t.Fatal(err)
		}
		_, missing := other.post(t, "/devices/pair", url.Values{"technician": {"tech-zz"}})
		for _, c := range []struct {
			name   string
			cl     *client
			tech   string
			noCSRF bool
			status int
		}{
			{"parts clerk", tc.signIn(t, "clerk@t1"), "tech-1", false, http.StatusForbidden},
			{"store manager", tc.signIn(t, "manager@t1"), "tech-1", false, http.StatusForbidden},
			{"no CSRF token", disp, "tech-1", true, http.StatusForbidden},
			{"another tenant's technician", other, "tech-only1", false, http.StatusNotFound},
			{"no technician", disp, "", false, http.StatusNotFound},
		} {
			var status int
			var body string
			if c.noCSRF {
				status, body = c.cl.postNoCSRF(t, "/devices/pair", url.Values{"technician": {c.tech}})
			} else {
				status, body = c.cl.post(t, "/devices/pair", url.Values{"technician": {c.tech}})
			}
			if status != c.status || peoplePairCode.MatchString(body) {
				t.Errorf("%s: status %d, want %d, without a code\n%s", c.name, status, c.status, body)
			}
			if c.tech == "tech-only1" && unmasked(body) != unmasked(strings.ReplaceAll(missing, "tech-zz", "tech-only1")) {
				t.Errorf("another tenant's technician answers unlike a missing one\n%s\n---\n%s", body, missing)
			}
		}
	})
}

// TestPeopleEscapesDeviceText: what devices and imports write (a device's
// name, technician and location names) appears escaped on every page
// that shows it.
func TestPeopleEscapesDeviceText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		const script, img = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
		ctx := context.Background()
		if err := tc.db.PutTechnician(ctx, "t1", app.Technician{ID: "tech-x", Name: img, Phone: script, Country: "CN", Store: "s1"}); err != nil {
			t.Fatal(err)
		}
		if err := tc.db.PutLocations(ctx, "t1", []app.Location{{ID: "van-x", Kind: app.LocationVan, Name: script, Owner: img}}); err != nil {
			t.Fatal(err)
		}
		d, _ := peoplePairDevice(t, tc, "t1", "tech-x", script)
		peoplePairDevice(t, tc, "t1", "tech-x", img)
		disp := tc.signIn(t, "dispatcher@t1")
		pages := []string{"/people", "/devices", "/devices/" + string(d.ID) + "/revoke", "/people/technician?id=tech-x", "/people/location?id=van-x"}
		for _, p := range pages {
			status, body := disp.get(t, p)
			peopleEscaped(t, p, status, body)
		}
		status, body := disp.post(t, "/devices/pair", url.Values{"technician": {"tech-x"}})
		peopleEscaped(t, "pairing", status, body)
	})
}

func peopleEscaped(t *testing.T, page string, status int, body string) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", page, status, body)
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Errorf("%s: device text unescaped\n%s", page, body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") && !strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("%s: the escaped text is missing\n%s", page, body)
	}
}

// TestDevicesShowAppVersion: the app version a device sends at its sync
// (the Fieldbench-App header) and the protocol it speaks are on its row;
// a device that has said nothing shows "not said".
func TestDevicesShowAppVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		api := peopleWithAPI(t, tc)
		_, tok := peoplePairDevice(t, tc, "t1", "tech-1", "Tablet V")
		peoplePairDevice(t, tc, "t1", "tech-2", "Tablet Quiet")
		req, err := http.NewRequest(http.MethodPost, api+"/v1/sync", strings.NewReader(`{"v":1}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Fieldbench-App", "1.4.2")
		res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("sync: %d", res.StatusCode)
		}
		status, body := tc.signIn(t, "dispatcher@t1").get(t, "/devices")
		if status != http.StatusOK {
			t.Fatalf("/devices: %d", status)
		}
		row := func(name string) string {
			return regexp.MustCompile(`(?s)<span class="device-name">` + name + `</span>.*?</tr>`).FindString(body)
		}
		if r := row("Tablet V"); !strings.Contains(r, "1.4.2") || !strings.Contains(r, "protocol 1") {
			t.Errorf("the synced device's row lacks its app and protocol:\n%s", r)
		}
		if r := row("Tablet Quiet"); !strings.Contains(r, "not said") {
			t.Errorf("a device that never synced: %s", r)
		}
	})
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// inLanguage switches the client's session to lang, as the header's
// language form does.
func (cl *client) inLanguage(t *testing.T, lang string) {
	t.Helper()
	if status, body := cl.post(t, "/language", url.Values{"lang": {lang}, "next": {"/board"}}); status != http.StatusSeeOther {
		t.Fatalf("language %s: status %d\n%s", lang, status, body)
	}
}

// TestHeaderMenu: the menu names People once (not "People and devices"
// beside "Devices"), and the user's controls, language and sign-out, are
// in one compact menu under the user's name, in every language.
func TestHeaderMenu(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			lang, people, devices, signout string
		}{
			{"en", "People", "Devices", "Sign out"},
			{"zh-Hans", "人员", "设备", "退出登录"},
			{"fr", "Personnes", "Appareils", "Se déconnecter"},
		} {
			cl := tc.signIn(t, "admin@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/people")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, status)
			}
			nav := regexp.MustCompile(`(?s)<nav aria-label="[^"]*"><ul>(.*?)</ul></nav>`).FindStringSubmatch(body)
			if nav == nil {
				t.Fatalf("%s: no menu\n%s", c.lang, body)
			}
			if !strings.Contains(nav[1], `<a href="/people" aria-current="page">`+c.people+`</a>`) ||
				!strings.Contains(nav[1], `<a href="/devices">`+c.devices+`</a>`) {
				t.Errorf("%s: the menu does not name People and Devices once each:\n%s", c.lang, nav[1])
			}
			me := regexp.MustCompile(`(?s)<details class="me">\s*<summary>(.*?)</summary>(.*?)</details>`).FindStringSubmatch(body)
			if me == nil {
				t.Fatalf("%s: no user menu\n%s", c.lang, body)
			}
			if !strings.Contains(me[1], "User admin") {
				t.Errorf("%s: the user menu is not under the user's name: %s", c.lang, me[1])
			}
			for _, w := range []string{`action="/language"`, `<label for="lang">`, `action="/signout"`, c.signout} {
				if !strings.Contains(me[2], w) {
					t.Errorf("%s: the user menu lacks %q", c.lang, w)
				}
			}
		}
	})
}

// TestPeopleStoreOrVanPattern: the store or van of a technician is written
// with the language's own pattern (a full-width colon in Chinese), and
// the tables scroll in a labelled region a keyboard can reach.
func TestPeopleStoreOrVanPattern(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct{ lang, want, not string }{
			{"en", "Store: Store One", "Store：Store One"},
			{"zh-Hans", "门店：Store One", "门店: Store One"},
			{"fr", "Magasin : Store One", "Magasin: Store One"},
		} {
			cl := tc.signIn(t, "dispatcher@t1")
			cl.inLanguage(t, c.lang)
			status, body := cl.get(t, "/people")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, status)
			}
			if !strings.Contains(body, "<span>"+c.want+"</span>") || strings.Contains(body, c.not) {
				t.Errorf("%s: want %q, not %q:\n%s", c.lang, c.want, c.not, mainOf(body))
			}
			for _, id := range []string{"technicians", "locations"} {
				if !strings.Contains(body, `<div class="table-wrap" role="region" aria-labelledby="`+id+`" tabindex="0">`) {
					t.Errorf("%s: the %s table is not in a labelled scrolling region", c.lang, id)
				}
			}
		}
	})
}

// TestConflictsNameTheDeviceAndLinkNegativeStock: a conflict names the
// device that raised it as the devices page does, and a negative-stock
// conflict links to the page of negative balances; the raw device ID is
// not shown.
func TestConflictsNameTheDeviceAndLinkNegativeStock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		if err := tc.db.LoadDataset(ctx, "t1", app.Dataset{
			Parts:       []app.Part{{Number: "P-7", NameEN: "Battery", Category: "battery", Class: app.ClassBattery, Brand: "Huawei"}},
			Locations:   []app.Location{{ID: "van-7", Kind: app.LocationVan, Name: "Van Seven", Owner: "tech-1"}},
			Technicians: []app.Technician{{ID: "tech-1", Name: "Tech One", Country: "CN", Store: "s1", Van: "van-7"}},
		}); err != nil {
			t.Fatal(err)
		}
		dev := tc.pairDevice(t, "t1", "tech-1")
		dev.mustApply(t, "stock.consume", app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: "tk-1", Part: "P-7", Qty: 2, From: "van-7"}})
		cs, err := tc.db.Conflicts(ctx, "t1", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Kind != app.ConflictNegativeStock || cs[0].Device == "" {
			t.Fatalf("the consume raised %+v, want one negative-stock conflict from the device", cs)
		}
		for _, login := range []string{"dispatcher@t1", "clerk@t1", "manager@t1"} {
			status, body := tc.signIn(t, login).get(t, "/conflicts")
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", login, status)
			}
			body = mainOf(body)
			if !strings.Contains(body, "<dd>test device</dd>") || strings.Contains(body, string(cs[0].Device)) {
				t.Errorf("%s: the conflict does not name the device \"test device\" (or shows its ID %s):\n%s", login, cs[0].Device, body)
			}
			if !strings.Contains(body, `<a href="/stock/negative">`) {
				t.Errorf("%s: the negative-stock conflict does not link to /stock/negative:\n%s", login, body)
			}
		}
		// Another tenant sees neither the conflict nor the device.
		if _, body := tc.signIn(t, "dispatcher@t2").get(t, "/conflicts"); strings.Contains(body, "test device") || strings.Contains(body, "/stock/negative") {
			t.Errorf("t2 sees t1's conflict:\n%s", mainOf(body))
		}
	})
}

func TestLanguageName(t *testing.T) {
	for tag, want := range map[string]struct {
		name         string
		untranslated bool
	}{
		"zh": {"简体中文", false}, "zh-CN": {"简体中文", false}, "zh-Hans": {"简体中文", false}, "pt-BR": {"Português", false}, "fr": {"Français", false},
		"en": {"English", false}, "en-NG": {"English", false}, "de": {"Deutsch", true}, "de-DE": {"Deutsch", true}, "ja": {"日本語", true},
		"xx": {"xx", true}, "not a tag": {"not a tag", true},
	} {
		if name, untranslated := languageName(tag); name != want.name || untranslated != want.untranslated {
			t.Errorf("languageName(%q) = %q, %v, want %q, %v", tag, name, untranslated, want.name, want.untranslated)
		}
	}
}

// TestPeopleNameAnUntranslatedLanguage: a technician whose language has
// no translation (set by an import) is listed with the language's own
// name and a word that the app shows English, not a bare "de"; in
// Chinese the note is Chinese.
func TestPeopleNameAnUntranslatedLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		if err := tc.db.PutTechnician(ctx, "t1", app.Technician{ID: "tech-de", Name: "Jonas Weber", Country: "DE", Store: "s1", Language: "de"}); err != nil {
			t.Fatal(err)
		}
		if err := tc.db.PutTechnician(ctx, "t1", app.Technician{ID: "tech-fr", Name: "Chloé Martin", Country: "FR", Store: "s1", Language: "fr-FR"}); err != nil {
			t.Fatal(err)
		}
		cl := tc.signIn(t, "dispatcher@t1")
		_, body := cl.get(t, "/people")
		for _, want := range []string{`<span lang="de" dir="auto">Deutsch</span> <span class="muted">(not translated: the app is in English)</span>`, `<span lang="fr-FR" dir="auto">Français</span></td>`} {
			if !strings.Contains(body, want) {
				t.Errorf("/people lacks %s\n%s", want, mainOf(body))
			}
		}
		if strings.Contains(body, `">de</span>`) {
			t.Errorf("/people shows the bare tag de")
		}
		cl.inLanguage(t, "zh-Hans")
		if _, body := cl.get(t, "/people"); !strings.Contains(body, "Deutsch</span> <span class=\"muted\">（未翻译：应用显示英文）</span>") {
			t.Errorf("the Chinese people page lacks its note\n%s", mainOf(body))
		}
	})
}

// TestConflictsEscapeTheDeviceName: the device names itself when it pairs;
// markup in that name is shown as text on the conflicts page.
func TestConflictsEscapeTheDeviceName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		for i, name := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`} {
			code, _, err := tc.db.CreatePairing(ctx, "t1", "tech-1")
			if err != nil {
				t.Fatal(err)
			}
			_, tok, err := tc.db.Pair(ctx, code, name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := tc.db.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			dev := &device{tc: tc, p: p, tok: tok}
			// A change on a base the server never had: a field conflict
			// raised by this device, the phone by the first and the
			// address by the second (a field holds one open conflict,
			// which a second clash on it rewrites).
			base := "stale"
			set, was := app.TicketFields{CustomerPhone: ptr("137 0000 0001")}, app.TicketFields{CustomerPhone: &base}
			if i == 1 {
				set, was = app.TicketFields{CustomerAddress: ptr("2 Road")}, app.TicketFields{CustomerAddress: &base}
			}
			dev.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: "tk-3", Set: set, Base: was})
		}
		status, body := tc.signIn(t, "dispatcher@t1").get(t, "/conflicts")
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		for _, w := range []string{"<dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>", "<dd>&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</dd>"} {
			if !strings.Contains(body, w) {
				t.Errorf("the conflicts page lacks the escaped device name %s:\n%s", w, mainOf(body))
			}
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("a device's name is markup on the conflicts page:\n%s", mainOf(body))
		}
	})
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

var peopleBaseField = regexp.MustCompile(`name="base" value="([^"]*)"`)

// peopleBase opens a form and returns the version it carries.
func (cl *client) peopleBase(t *testing.T, path string) string {
	t.Helper()
	status, body := cl.get(t, path)
	m := peopleBaseField.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no base field\n%s", path, status, body)
	}
	return m[1]
}

// peopleLastAudit is the newest audit record of tenant.
func peopleLastAudit(t *testing.T, tc *testConsole, tenant string) central.AuditRecord {
	t.Helper()
	recs, err := tc.db.Audit(context.Background(), tenant, 1)
	if err != nil || len(recs) == 0 {
		t.Fatalf("audit of %s: %v, %d records", tenant, err, len(recs))
	}
	return recs[0]
}

// TestPeoplePageScope: every role of a tenant sees its technicians, stores
// and vans with their devices, a store manager only their store's; only
// dispatchers and administrators get the edit links; nobody sees another
// tenant's.
func TestPeoplePageScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		if err := tc.db.PutTechnician(ctx, "t1", app.Technician{ID: "tech-only1", Name: "Only In One", Country: "DE", Store: "s2", Phone: "0049 30 1234"}); err != nil {
			t.Fatal(err)
		}
		if err := tc.db.PutLocations(ctx, "t1", []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van of One", Owner: "tech-1"}}); err != nil {
			t.Fatal(err)
		}
		peoplePairDevice(t, tc, "t1", "tech-1", "Tablet of One")
		for _, c := range []struct {
			login    string
			see, not []string
			edit     bool
		}{
			{"dispatcher@t1", []string{"Tech One", "Tech Two", "Only In One", "0049 30 1234", "Store One", "Store Two", "Van of One", "Tablet of One"}, nil, true},
			{"admin@t1", []string{"Tech One", "Only In One", "Van of One"}, nil, true},
			{"manager@t1", []string{"Tech One", "Store One", "Van of One", "Tablet of One"}, []string{"Tech Two", "Only In One", "Store Two", "Warehouse"}, false},
			{"clerk@t1", []string{"Tech One", "Tech Two", "Only In One", "Warehouse"}, nil, false},
			{"admin@t2", []string{"Tech One", "Tech Two"}, []string{"Only In One", "Van of One", "Tablet of One"}, true},
		} {
			cl := tc.signIn(t, c.login)
			status, body := cl.get(t, "/people")
			if status != http.StatusOK {
				t.Fatalf("%s: /people status %d\n%s", c.login, status, body)
			}
			for _, s := range c.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s: /people lacks %q", c.login, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("%s: /people shows %q", c.login, s)
				}
			}
			if got := strings.Contains(body, `href="/people/technician?id=tech-1"`); got != c.edit {
				t.Errorf("%s: edit link shown %v, want %v", c.login, got, c.edit)
			}
			if !strings.Contains(body, `<h1>People</h1>`) || !strings.Contains(body, `<th scope="col">Name</th>`) {
				t.Errorf("%s: /people lacks its heading or table headers", c.login)
			}
		}
	})
}

// TestSaveTechnician: a dispatcher or administrator adds and edits a
// technician; bad input is shown next to its field, a stale form and a
// taken ID are refused, and nothing changes on any refusal.
func TestSaveTechnician(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		admin := tc.signIn(t, "admin@t1")
		disp := tc.signIn(t, "dispatcher@t1")
		tech := func(tenant, id string) (app.Technician, bool) {
			tt, err := tc.db.Technician(ctx, tenant, app.TechnicianID(id))
			if app.ErrorCode(err) == app.ENOTFOUND {
				return tt, false
			} else if err != nil {
				t.Fatal(err)
			}
			return tt, true
		}

		// Create.
		status, body := admin.post(t, "/people/technician", url.Values{"new": {"1"}, "id": {"tech-3"}, "name": {" Wang Wei "}, "phone": {"139 1111 2222"},
			"country": {"cn"}, "store": {"s1"}, "language": {"zh-Hans"}})
		if status != http.StatusSeeOther || admin.location != "/people" {
			t.Fatalf("create: status %d to %q\n%s", status, admin.location, body)
		}
		want := app.Technician{ID: "tech-3", Name: "Wang Wei", Phone: "139 1111 2222", Country: "CN", Store: "s1", Language: "zh-Hans"}
		if got, _ := tech("t1", "tech-3"); got != want {
			t.Fatalf("created %+v, want %+v", got, want)
		}
		if _, body := admin.get(t, "/people"); !strings.Contains(body, "Technician Wang Wei saved.") {
			t.Errorf("no flash after creating\n%s", body)
		}
		if a := peopleLastAudit(t, tc, "t1"); a.Login != "admin@t1" || a.Action != "technician.put" || a.Target != "tech-3" {
			t.Errorf("audit %+v", a)
		}

		// Edit, with the version the form was drawn from.
		stale := disp.peopleBase(t, "/people/technician?id=tech-1")
		edit := url.Values{"id": {"tech-1"}, "name": {"Tech One"}, "phone": {"+86 1"}, "country": {"CN"}, "store": {"s1"}, "base": {stale}}
		if status, body := disp.post(t, "/people/technician", edit); status != http.StatusSeeOther {
			t.Fatalf("edit: status %d\n%s", status, body)
		}
		edited, _ := tech("t1", "tech-1")
		if edited.Phone != "+86 1" {
			t.Fatalf("edited %+v", edited)
		}
		fresh := disp.peopleBase(t, "/people/technician?id=tech-1")

		// Refusals: each leaves tech-1 and tech-3 as they are.
		for _, c := range []struct {
			name   string
			cl     *client
			form   url.Values
			noCSRF bool
			status int
			want   []string
		}{
			{"bad country", disp, peopleWith(edit, "base", fresh, "country", "China"), false, http.StatusBadRequest,
				[]string{`id="t-country-err"`, "The country must be a two-letter code such as CN or DE, not CHINA.", `aria-invalid="true"`}},
			{"no name", disp, peopleWith(edit, "base", fresh, "name", "  "), false, http.StatusBadRequest, []string{`id="t-name-err"`, "Give technician tech-1 a name."}},
			{"unknown store", disp, peopleWith(edit, "base", fresh, "store", "s9"), false, http.StatusBadRequest, []string{`id="t-store-err"`, "There is no store s9"}},
			{"a store as van", disp, peopleWith(edit, "base", fresh, "van", "s1"), false, http.StatusBadRequest, []string{`id="t-van-err"`, "There is no van s1"}},
			{"bad language", disp, peopleWith(edit, "base", fresh, "language", "xx"), false, http.StatusBadRequest, []string{`id="t-language-err"`}},
			{"control characters", disp, peopleWith(edit, "base", fresh, "phone", "1\x072"), false, http.StatusBadRequest, []string{`id="t-phone-err"`}},
			{"stale form", disp, peopleWith(edit, "phone", "+86 2"), false, http.StatusConflict, []string{"was changed by someone else since you opened this form"}},
			{"new with a taken ID", admin, url.Values{"new": {"1"}, "id": {"tech-3"}, "name": {"Someone Else"}, "country": {"CN"}}, false, http.StatusConflict, []string{"tech-3 exists already"}},
			{"parts clerk", tc.signIn(t, "clerk@t1"), peopleWith(edit, "base", fresh, "phone", "+86 3"), false, http.StatusForbidden, []string{"Your role may not do this"}},
			{"store manager", tc.signIn(t, "manager@t1"), peopleWith(edit, "base", fresh, "phone", "+86 3"), false, http.StatusForbidden, []string{"Your role may not do this"}},
			{"no CSRF token", disp, peopleWith(edit, "base", fresh, "phone", "+86 3"), true, http.StatusForbidden, []string{"This form has expired"}},
			{"another tenant", tc.signIn(t, "admin@t2"), url.Values{"id": {"tech-3"}, "name": {"Taken Over"}, "country": {"CN"}, "base": {"x"}}, false, http.StatusNotFound, []string{"There is no technician tech-3 here."}},
			{"missing", disp, url.Values{"id": {"tech-zz"}, "name": {"Nobody"}, "country": {"CN"}, "base": {"x"}}, false, http.StatusNotFound, []string{"There is no technician tech-zz here."}},
		} {
			var status int
			var body string
			if c.noCSRF {
				status, body = c.cl.postNoCSRF(t, "/people/technician", c.form)
			} else {
				status, body = c.cl.post(t, "/people/technician", c.form)
			}
			if status != c.status {
				t.Errorf("%s: status %d, want %d\n%s", c.name, status, c.status, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: answer lacks %q\n%s", c.name, w, body)
				}
			}
			if got, _ := tech("t1", "tech-1"); got != edited {
				t.Errorf("%s: tech-1 changed to %+v", c.name, got)
			}
			if got, _ := tech("t1", "tech-3"); got != want {
				t.Errorf("%s: tech-3 changed to %+v", c.name, got)
			}
			if _, ok := tech("t2", "tech-3"); ok {
				t.Errorf("%s: tech-3 appeared in t2", c.name)
			}
		}

		// A value the form's lists do not offer is kept, not replaced
		// by the first entry.
		if err := tc.db.PutTechnician(ctx, "t1", app.Technician{ID: "tech-4", Name: "Odd", Store: "gone", Language: "de"}); err != nil {
			t.Fatal(err)
		}
		_, form := disp.get(t, "/people/technician?id=tech-4")
		for _, w := range []string{`<option value="gone" selected>gone</option>`, `<option value="de" selected>de</option>`} {
			if !strings.Contains(form, w) {
				t.Errorf("the form of tech-4 lacks %s\n%s", w, form)
			}
		}

		// The other tenant's technician answers as a missing one, on the
		// form too.
		other := tc.signIn(t, "admin@t2")
		s1, b1 := other.get(t, "/people/technician?id=tech-3")
		s2, b2 := other.get(t, "/people/technician?id=tech-zz")
		if s1 != http.StatusNotFound || s1 != s2 || unmasked(b1) != unmasked(strings.ReplaceAll(b2, "tech-zz", "tech-3")) {
			t.Errorf("another tenant's technician: %d, missing: %d; bodies differ\n%s\n---\n%s", s1, s2, b1, b2)
		}
	})
}

// peopleWith returns a copy of v with the pairs key, value set.
func peopleWith(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// TestSaveLocation: stores and vans are added and edited like
// technicians, with the same refusals.
func TestSaveLocation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		loc := func(tenant, id string) (app.Location, bool) {
			locs, err := tc.db.Locations(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range locs {
				if string(l.ID) == id {
					return l, true
				}
			}
			return app.Location{}, false
		}
		disp := tc.signIn(t, "dispatcher@t1")
		if status, body := disp.get(t, "/people/location?kind=van"); status != http.StatusOK || !strings.Contains(body, `<option value="van" selected>`) {
			t.Fatalf("new van form: status %d\n%s", status, body)
		}
		status, body := disp.post(t, "/people/location", url.Values{"new": {"1"}, "id": {"van-1"}, "kind": {"van"}, "name": {"Van One"}, "owner": {"tech-1"}})
		if status != http.StatusSeeOther {
			t.Fatalf("create: status %d\n%s", status, body)
		}
		van := app.Location{ID: "van-1", Kind: app.LocationVan, Name: "Van One", Owner: "tech-1"}
		if got, _ := loc("t1", "van-1"); got != van {
			t.Fatalf("created %+v", got)
		}
		if a := peopleLastAudit(t, tc, "t1"); a.Login != "dispatcher@t1" || a.Action != "location.put" || a.Target != "van-1" {
			t.Errorf("audit %+v", a)
		}
		stale := disp.peopleBase(t, "/people/location?id=s1")
		edit := url.Values{"id": {"s1"}, "kind": {"store"}, "name": {"Store One, Main Street"}, "base": {stale}}
		if status, body := disp.post(t, "/people/location", edit); status != http.StatusSeeOther {
			t.Fatalf("edit: status %d\n%s", status, body)
		}
		s1, _ := loc("t1", "s1")
		if s1.Name != "Store One, Main Street" {
			t.Fatalf("edited %+v", s1)
		}
		fresh := disp.peopleBase(t, "/people/location?id=s1")
		for _, c := range []struct {
			name   string
			cl     *client
			form   url.Values
			noCSRF bool
			status int
			want   string
		}{
			{"bad kind", disp, peopleWith(edit, "base", fresh, "kind", "boat"), false, http.StatusBadRequest, `id="l-kind-err"`},
			{"no name", disp, peopleWith(edit, "base", fresh, "name", ""), false, http.StatusBadRequest, `id="l-name-err"`},
			{"bad owner", disp, peopleWith(edit, "base", fresh, "owner", "a\x01b"), false, http.StatusBadRequest, `id="l-owner-err"`},
			{"stale form", disp, peopleWith(edit, "name", "Old Name"), false, http.StatusConflict, "was changed by someone else"},
			{"new with a taken ID", disp, url.Values{"new": {"1"}, "id": {"van-1"}, "kind": {"van"}, "name": {"Other Van"}}, false, http.StatusConflict, "van-1 exists already"},
			{"parts clerk", tc.signIn(t, "clerk@t1"), peopleWith(edit, "base", fresh), false, http.StatusForbidden, "Your role may not do this"},
			{"store manager", tc.signIn(t, "manager@t1"), peopleWith(edit, "base", fresh), false, http.StatusForbidden, "Your role may not do this"},
			{"no CSRF token", disp, peopleWith(edit, "base", fresh, "name", "X"), true, http.StatusForbidden, "This form has expired"},
			{"another tenant", tc.signIn(t, "admin@t2"), url.Values{"id": {"van-1"}, "kind": {"van"}, "name": {"Taken"}, "base": {"x"}}, false, http.StatusNotFound, "There is no store or van van-1 here."},
		} {
			var status int
			var body string
			if c.noCSRF {
				status, body = c.cl.postNoCSRF(t, "/people/location", c.form)
			} else {
				status, body = c.cl.post(t, "/people/location", c.form)
			}
			if status != c.status || !strings.Contains(body, c.want) {
				t.Errorf("%s: status %d, want %d with %q\n%s", c.name, status, c.status, c.want, body)
			}
			if got, _ := loc("t1", "s1"); got != s1 {
				t.Errorf("%s: s1 changed to %+v", c.name, got)
			}
			if got, _ := loc("t1", "van-1"); got != van {
				t.Errorf("%s: van-1 changed to %+v", c.name, got)
			}
			if _, ok := loc("t2", "van-1"); ok {
				t.Errorf("%s: van-1 appeared in t2", c.name)
			}
		}
	})
}

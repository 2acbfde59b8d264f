package console

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/sync/central"
)

// setZone sets tenant's zone in the database, as the settings page does.
func (tc *testConsole) setZone(t *testing.T, tenant, zone string) *time.Location {
	t.Helper()
	if err := tc.db.SetTenantZone(context.Background(), tenant, zone); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestZoneDispatch: the dispatch forms read the times typed in the
// tenant's zone ("09:00" in Asia/Shanghai is 01:00Z) and show them back as
// typed; the board and the pages name the zone.
func TestZoneDispatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for i, zone := range []string{"UTC", "Asia/Shanghai", "America/Lima", "Asia/Kolkata"} {
			t.Run(zone, func(t *testing.T) {
				loc := tc.setZone(t, "t1", zone)
				dc := tc.signIn(t, "dispatcher@t1")
				serial := "SN-Z-" + string(rune('A'+i))
				form := url.Values{"name": {"Li Lei"}, "phone": {"139 1234 5678"}, "address": {"2 Street"}, "category": {"phone"}, "brand": {"Huawei"},
					"model": {"Mate 60"}, "serial": {serial}, "fault": {"no power"}, "kind": {"on_site"}, "priority": {"2"}, "store": {"s1"},
					"technician": {"tech-1"}, "date": {"2026-11-28"}, "start": {"09:00"}, "end": {"11:30"}, "resolve_date": {"2026-11-29"}, "resolve_time": {"18:00"}}
				if status, body := dc.post(t, "/tickets/new", form); status != http.StatusSeeOther {
					t.Fatalf("create: %d\n%s", status, body)
				}
				b, err := tc.db.Board(context.Background(), central.BoardQuery{Tenant: "t1", Search: serial})
				if err != nil || len(b.Tickets) != 1 {
					t.Fatalf("the new ticket is not on the board: %v %+v", err, b)
				}
				id := b.Tickets[0].ID
				tk := tc.ticketNow(t, "t1", id)
				if want := time.Date(2026, 11, 28, 9, 0, 0, 0, loc); !tk.WindowStart.Equal(want) {
					t.Errorf("window starts %v, want %v (%v)", tk.WindowStart, want, want.UTC())
				}
				if want := time.Date(2026, 11, 28, 11, 30, 0, 0, loc); !tk.WindowEnd.Equal(want) {
					t.Errorf("window ends %v, want %v", tk.WindowEnd, want)
				}
				if want := time.Date(2026, 11, 29, 18, 0, 0, 0, loc); !tk.ResolveBy.Equal(want) {
					t.Errorf("resolve by %v, want %v", tk.ResolveBy, want)
				}
				// The schedule form shows the times as they were typed; a
				// reschedule through it is read in the zone too.
				status, body := dc.get(t, "/tickets/"+string(id)+"/schedule")
				for _, want := range []string{`value="2026-11-28"`, `value="09:00"`, `value="11:30"`, `value="2026-11-29"`, `value="18:00"`} {
					if status != http.StatusOK || !strings.Contains(body, want) {
						t.Errorf("the schedule form (%d) lacks %q", status, want)
					}
				}
				resched := url.Values{"date": {"2026-11-30"}, "start": {"08:15"}, "end": {"10:00"}, "priority": {"2"}, "resolve_date": {"2026-11-30"}, "resolve_time": {"20:00"}}
				if status, body := dc.post(t, "/tickets/"+string(id)+"/schedule", merge(resched, shownFields(t, body))); status != http.StatusSeeOther {
					t.Fatalf("schedule: %d\n%s", status, body)
				}
				if tk := tc.ticketNow(t, "t1", id); !tk.WindowStart.Equal(time.Date(2026, 11, 30, 8, 15, 0, 0, loc)) {
					t.Errorf("rescheduled to %v, want 2026-11-30 08:15 in %s", tk.WindowStart, zone)
				}
				_, body = dc.get(t, "/tickets/"+string(id)+"/schedule")
				body += shownText(template.HTML(body)) // the form's values, and its visit as read (shownWindow's spans)
				for _, want := range []string{`value="2026-11-30"`, `value="08:15"`, `value="10:00"`, `value="20:00"`, "30 Nov 2026 08:15–10:00 " + zone, "Visit date (" + zone + ")", "Times in " + zone + "."} {
					if !strings.Contains(body, want) {
						t.Errorf("the schedule form lacks %q", want)
					}
				}
				_, body = dc.get(t, "/board?q="+serial)
				body = shownText(template.HTML(body)) // the visit's day and hours are spans (shownWindow)
				for _, want := range []string{"30 Nov 2026 08:15–10:00", "as of " + translations.DateTime("en", tc.clock().In(loc)) + " " + zone} {
					if !strings.Contains(body, want) {
						t.Errorf("the board lacks %q", want)
					}
				}
			})
		}
	})
}

// TestZoneDayCut: the board's today and a technician's day begin at
// midnight in the tenant's zone. FB-1's visit is 17:00Z on 27 November,
// already the 28th in Shanghai; FB-2's is 17:00Z on the 26th, the 27th
// there. The clock reads 09:00Z on the 27th.
func TestZoneDayCut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, s := range []struct {
			id   app.TicketID
			from time.Time
		}{{"tk-1", time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)}, {"tk-2", time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)}} {
			tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: s.id, WindowStart: s.from, WindowEnd: s.from.Add(time.Hour), ResolveBy: s.from.Add(time.Hour)})
		}
		for _, c := range []struct {
			zone                string
			today, notToday     string // ticket numbers
			tech1Day, tech1Hour string // the day that holds FB-1's visit, and its first hour there
			tech1Empty          string
			window              string // FB-1's window on the board
			tech1Heading        string // the day page's heading: the day as the page writes it, and the zone
		}{
			{"UTC", "FB-1", "FB-2", "2026-11-27", "17:00", "2026-11-28", "27 Nov 2026 17:00–18:00", "27 Nov 2026 (UTC)"},
			{"Asia/Shanghai", "FB-2", "FB-1", "2026-11-28", "01:00", "2026-11-27", "28 Nov 2026 01:00–02:00", "28 Nov 2026 (Asia/Shanghai)"},
			{"Asia/Kolkata", "FB-1", "FB-2", "2026-11-27", "22:00", "2026-11-28", "27 Nov 2026 22:30–23:30", "27 Nov 2026 (Asia/Kolkata)"},
		} {
			t.Run(c.zone, func(t *testing.T) {
				tc.setZone(t, "t1", c.zone)
				dc := tc.signIn(t, "dispatcher@t1")
				_, body := dc.get(t, "/board?range=today")
				if !strings.Contains(body, ">"+c.today+"<") || strings.Contains(body, ">"+c.notToday+"<") {
					t.Errorf("today in %s: want %s and not %s", c.zone, c.today, c.notToday)
				}
				_, body = dc.get(t, "/board")
				if !strings.Contains(shownText(template.HTML(body)), c.window) {
					t.Errorf("the board lacks FB-1's window %q", c.window)
				}
				_, body = dc.get(t, "/technicians/tech-1/day?date="+c.tech1Day)
				if !strings.Contains(body, "FB-1 · Customer FB-1") || !strings.Contains(body, ">"+c.tech1Hour+"</text>") ||
					!strings.Contains(body, c.tech1Heading) {
					t.Errorf("tech-1's day %s in %s lacks FB-1's visit or its hour %s\n%s", c.tech1Day, c.zone, c.tech1Hour, body)
				}
				if _, body = dc.get(t, "/technicians/tech-1/day?date="+c.tech1Empty); strings.Contains(body, "FB-1 · Customer FB-1") {
					t.Errorf("tech-1's day %s in %s holds FB-1", c.tech1Empty, c.zone)
				}
			})
		}
	})
}

// TestZoneNumbersPerDay: the numbers page's days are the tenant's. The
// numbers world closes four tickets at 10:30, 12:00, 14:30 and 17:00Z on
// 27 November: the last is on the 28th in Shanghai, all on the 27th in
// Lima.
func TestZoneNumbersPerDay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		numbersWorld(t, tc)
		row := func(day string, n int) string {
			return `<th scope="row"><span class="when">` + day + `</span></th><td class="num">` + string(rune('0'+n)) + `</td>`
		}
		for _, c := range []struct {
			zone          string
			n26, n27, n28 int
			periodText    string
		}{
			{"UTC", 0, 4, 0, "(both days included, UTC)"},
			{"Asia/Shanghai", 0, 3, 1, "(both days included, Asia/Shanghai)"},
			{"America/Lima", 0, 4, 0, "(both days included, America/Lima)"},
		} {
			t.Run(c.zone, func(t *testing.T) {
				tc.setZone(t, "t1", c.zone)
				dc := tc.signIn(t, "dispatcher@t1")
				status, body := dc.get(t, "/numbers?from=2026-11-26&to=2026-11-28")
				if status != http.StatusOK {
					t.Fatalf("numbers: %d\n%s", status, body)
				}
				for _, want := range []string{row("26 Nov 2026", c.n26), row("27 Nov 2026", c.n27), row("28 Nov 2026", c.n28), c.periodText} {
					if !strings.Contains(body, want) {
						t.Errorf("the numbers in %s lack %s", c.zone, want)
					}
				}
			})
		}
	})
}

// TestZoneSettings: only an administrator sets the zone, from the list
// or typed; a name that is not a zone is refused, and nothing changes;
// the change is audited and confirmed.
func TestZoneSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		zone := func() string {
			z, err := tc.db.TenantZone(ctx, "t1")
			if err != nil {
				t.Fatal(err)
			}
			return z
		}
		audits := func() int {
			rs, err := tc.db.Audit(ctx, "t1", 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		ac := tc.signIn(t, "admin@t1")
		if status, body := ac.get(t, "/settings"); status != http.StatusOK || !strings.Contains(body, `<option value="UTC" selected>`) ||
			!strings.Contains(body, `<option value="Asia/Shanghai">`) || !strings.Contains(body, `href="/settings"`) {
			t.Fatalf("GET /settings: %d\n%s", status, body)
		}
		for _, role := range []Role{RoleDispatcher, RoleStoreManager, RolePartsClerk} {
			cl := tc.signIn(t, testLogins[role]+"@t1")
			if status, _ := cl.post(t, "/settings/zone", url.Values{"zone": {"Asia/Shanghai"}}); status != http.StatusForbidden {
				t.Errorf("%s set the zone: %d", role, status)
			}
			if _, body := cl.get(t, "/board"); strings.Contains(body, `href="/settings"`) {
				t.Errorf("%s is offered the settings", role)
			}
		}
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			zone   string
			see    string
			audits int
		}{
			{"bad name", url.Values{"zone": {"UTC"}, "other": {"Mars/Base"}}, http.StatusBadRequest, "UTC", "Mars/Base is not a time zone", 0},
			{"the server's zone", url.Values{"zone": {"Local"}}, http.StatusBadRequest, "UTC", "Local is not a time zone", 0},
			{"from the list", url.Values{"zone": {"Asia/Shanghai"}}, http.StatusSeeOther, "Asia/Shanghai", "", 1},
			{"typed wins", url.Values{"zone": {"UTC"}, "other": {" Asia/Kolkata "}}, http.StatusSeeOther, "Asia/Kolkata", "", 2},
		} {
			status, body := ac.post(t, "/settings/zone", c.form)
			if status != c.status || !strings.Contains(body, c.see) {
				t.Errorf("%s: %d, want %d with %q\n%s", c.name, status, c.status, c.see, body)
			}
			if z := zone(); z != c.zone {
				t.Errorf("%s: the zone is %q, want %q", c.name, z, c.zone)
			}
			if n := audits(); n != c.audits {
				t.Errorf("%s: %d audit records, want %d", c.name, n, c.audits)
			}
		}
		_, body := ac.get(t, "/settings")
		if !strings.Contains(body, "The console now shows and reads times in Asia/Kolkata.") || !strings.Contains(body, `<option value="Asia/Kolkata" selected>`) ||
			!strings.Contains(body, "Times in Asia/Kolkata.") {
			t.Errorf("after the change, the settings page:\n%s", body)
		}
		if rs, _ := tc.db.Audit(ctx, "t1", 1); len(rs) != 1 || rs[0].Action != "tenant.zone" || rs[0].Detail != "zone=Asia/Kolkata" || rs[0].Login != "admin@t1" {
			t.Errorf("audit: %+v", rs)
		}
		if _, body := tc.signIn(t, "admin@t2").get(t, "/settings"); !strings.Contains(body, "Times in UTC.") {
			t.Errorf("another tenant's zone changed")
		}
	})
}

// TestZoneDayDST: a day the clocks go back is 25 hours long: a technician's
// day in Europe/Paris on 25 October 2026 still holds a visit at 23:30
// there, and the next day is the 26th.
func TestZoneDayDST(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		loc := tc.setZone(t, "t1", "Europe/Paris")
		from := time.Date(2026, 10, 25, 23, 30, 0, 0, loc)
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-1", WindowStart: from, WindowEnd: from.Add(20 * time.Minute), ResolveBy: from.Add(20 * time.Minute)})
		_, body := tc.signIn(t, "dispatcher@t1").get(t, "/technicians/tech-1/day?date=2026-10-25")
		if !strings.Contains(body, "FB-1 · Customer FB-1") || !strings.Contains(body, ">23:00</text>") || !strings.Contains(body, "day?date=2026-10-26") {
			t.Errorf("the 25-hour day lacks the visit at 23:30, its hour or the next day\n%s", body)
		}
	})
}

// TestZoneSkippedMidnight: on a day whose midnight the clocks skip
// (America/Santiago on 6 September 2026, 00:00 to 01:00), the day page is
// that day, from 01:00 to the next midnight: it holds a visit at 23:30,
// and its links lead to the 5th and the 7th; the day before ends at that
// 01:00 and leads to the 6th. A custom period of the 6th alone is the 6th.
func TestZoneSkippedMidnight(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		loc := tc.setZone(t, "t1", "America/Santiago")
		from := time.Date(2026, 9, 6, 23, 30, 0, 0, loc)
		tc.dispatch(t, "t1", &app.ScheduleTicket{Ticket: "tk-1", WindowStart: from, WindowEnd: from.Add(20 * time.Minute), ResolveBy: from.Add(20 * time.Minute)})
		s := tc.signIn(t, "dispatcher@t1")
		_, body := s.get(t, "/technicians/tech-1/day?date=2026-09-06")
		if !strings.Contains(body, "FB-1 · Customer FB-1") || !strings.Contains(body, "day?date=2026-09-07") || !strings.Contains(body, "day?date=2026-09-05") {
			t.Errorf("the 6th lacks the visit at 23:30 or the links to the 5th and the 7th\n%s", body)
		}
		if _, body := s.get(t, "/technicians/tech-1/day?date=2026-09-05"); !strings.Contains(body, "day?date=2026-09-06") || strings.Contains(body, "FB-1 · Customer FB-1") {
			t.Errorf("the 5th does not lead to the 6th, or holds the 6th's visit\n%s", body)
		}
	})
	loc, err := central.LoadZone("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePeriod(url.Values{"from": {"2026-09-06"}, "to": {"2026-09-06"}}, time.Date(2026, 9, 10, 12, 0, 0, 0, loc), "en")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 9, 6, 1, 0, 0, 0, loc); !p.From.Equal(want) || !p.To.Equal(time.Date(2026, 9, 7, 0, 0, 0, 0, loc)) || p.Last().Format(dateForm) != "2026-09-06" {
		t.Errorf("the period of the 6th is %v to %v (last day %s), want %v to the 7th's midnight", p.From, p.To, p.Last().Format(dateForm), want)
	}
}

// TestZoneSkippedTime: a time the tenant's clocks skip where they go
// forward (Europe/Paris on 29 March 2026, 02:00 to 03:00; America/Santiago
// on 6 September 2026, 00:00 to 01:00) is refused by the new-ticket and
// the schedule forms, which say what to do, and nothing is stored; a time
// the clocks repeat where they go back is its first instant, and the
// flash says which one was taken.
func TestZoneSkippedTime(t *testing.T) {
	cases := []struct {
		zone                 string
		skipDay, skip, jump  string // a skipped time and the jump the refusal names
		skipShown            string // skipDay as the refusal writes it
		repDay, repStart     string // a repeated time
		repShown             string // repDay as the flash writes it
		repEnd, firstStartAt string // the end of that window; the first instant of repStart, in UTC
		offset               string // the offset of that first instant
	}{
		{zone: "Europe/Paris", skipDay: "2026-03-29", skipShown: "29 Mar 2026", skip: "02:30", jump: "from 02:00 to 03:00",
			repDay: "2026-10-25", repShown: "25 Oct 2026", repStart: "02:30", repEnd: "03:00", firstStartAt: "2026-10-25 00:30", offset: "UTC+02:00"},
		{zone: "America/Santiago", skipDay: "2026-09-06", skipShown: "6 Sep 2026", skip: "00:30", jump: "from 00:00 to 01:00",
			repDay: "2026-04-04", repShown: "4 Apr 2026", repStart: "23:30", repEnd: "23:50", firstStartAt: "2026-04-05 02:30", offset: "UTC-03:00"},
	}
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for i, c := range cases {
			t.Run(c.zone, func(t *testing.T) {
				tc.setZone(t, "t1", c.zone)
				dc := tc.signIn(t, "dispatcher@t1")
				refusal := c.skip + " does not exist on " + c.skipShown + " in " + c.zone + ": the clocks go forward " + c.jump + ". Choose another time."
				serial := "SN-SKIP-" + string(rune('A'+i))
				form := func(date, start, end, resolveDate, resolveTime string) url.Values {
					return url.Values{"name": {"Li Lei"}, "phone": {"139 1234 5678"}, "address": {"2 Street"}, "category": {"phone"}, "brand": {"Huawei"},
						"model": {"Mate 60"}, "serial": {serial}, "fault": {"no power"}, "kind": {"on_site"}, "priority": {"2"}, "store": {"s1"},
						"technician": {"tech-1"}, "date": {date}, "start": {start}, "end": {end}, "resolve_date": {resolveDate}, "resolve_time": {resolveTime}}
				}
				for _, f := range []url.Values{
					form(c.skipDay, c.skip, "23:59", "", ""),
					form("2026-11-28", "09:00", "10:00", c.skipDay, c.skip),
				} {
					status, body := dc.post(t, "/tickets/new", f)
					if status != http.StatusBadRequest || !strings.Contains(body, refusal) {
						t.Errorf("a new ticket at a skipped time: %d, want 400 with %q\n%s", status, refusal, body)
					}
				}
				if b, err := tc.db.Board(context.Background(), central.BoardQuery{Tenant: "t1", Search: serial}); err != nil || len(b.Tickets) != 0 {
					t.Errorf("a ticket refused for a skipped time was stored: %v %+v", err, b.Tickets)
				}

				before := tc.ticketNow(t, "t1", "tk-1")
				_, page := dc.get(t, "/tickets/tk-1/schedule")
				for _, f := range []url.Values{
					{"date": {c.skipDay}, "start": {c.skip}, "end": {"23:59"}, "priority": {"2"}},
					{"date": {"2026-11-30"}, "start": {"08:00"}, "end": {"09:00"}, "priority": {"2"}, "resolve_date": {c.skipDay}, "resolve_time": {c.skip}},
				} {
					status, body := dc.post(t, "/tickets/tk-1/schedule", merge(f, shownFields(t, page)))
					if status != http.StatusBadRequest || !strings.Contains(body, refusal) {
						t.Errorf("a reschedule to a skipped time: %d, want 400 with %q\n%s", status, refusal, body)
					}
				}
				if after := tc.ticketNow(t, "t1", "tk-1"); !after.UpdatedAt.Equal(before.UpdatedAt) || !after.WindowStart.Equal(before.WindowStart) || !after.ResolveBy.Equal(before.ResolveBy) {
					t.Errorf("a reschedule refused for a skipped time changed the ticket: %+v, was %+v", after, before)
				}

				if status, body := dc.post(t, "/tickets/new", form(c.repDay, c.repStart, c.repEnd, "", "")); status != http.StatusSeeOther {
					t.Fatalf("a new ticket at a repeated time: %d\n%s", status, body)
				}
				b, err := tc.db.Board(context.Background(), central.BoardQuery{Tenant: "t1", Search: serial})
				if err != nil || len(b.Tickets) != 1 {
					t.Fatalf("the ticket at a repeated time is not on the board: %v %+v", err, b)
				}
				if got := tc.ticketNow(t, "t1", b.Tickets[0].ID).WindowStart.UTC().Format("2006-01-02 15:04"); got != c.firstStartAt {
					t.Errorf("%s %s in %s was taken as %s UTC, want the first instant, %s UTC", c.repDay, c.repStart, c.zone, got, c.firstStartAt)
				}
				note := c.repStart + " happens twice on " + c.repShown + " in " + c.zone + ", where the clocks go back: the first one (" + c.offset + ") was taken."
				if _, body := dc.get(t, "/board"); !strings.Contains(body, strings.ReplaceAll(note, "+", "&#43;")) { // as html/template writes it
					t.Errorf("the flash does not say which %s was taken: want %q\n%s", c.repStart, note, body)
				}
			})
		}
	})
}

// TestZoneNumbersYear: the numbers page takes a custom period of a whole
// year in the tenant's zone across a change of its clocks (Europe/Paris
// from 26 March 2029: the clocks go back in October and forward only on
// 31 March 2030, so 366 days are 8,785 hours), and refuses 367 days.
func TestZoneNumbersYear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		tc.setZone(t, "t1", "Europe/Paris")
		dc := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct {
			last   string
			status int
		}{{"2030-03-25", http.StatusOK}, {"2030-03-26", http.StatusOK}, {"2030-03-27", http.StatusBadRequest}} {
			status, body := dc.get(t, "/numbers?from=2029-03-26&to="+c.last)
			if status != c.status {
				t.Errorf("2029-03-26 to %s: HTTP %d, want %d\n%s", c.last, status, c.status, body)
			}
			if c.status == http.StatusBadRequest && !strings.Contains(body, "longer than 366 days") {
				t.Errorf("2029-03-26 to %s: the page does not say why\n%s", c.last, body)
			}
		}
	})
}

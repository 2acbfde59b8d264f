package central

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// numbersT0 is the morning the hand-made histories start from.
var numbersT0 = time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC)

// step is one hand-made history row: a status change at numbersT0 + at.
type step struct {
	from, to app.Status
	at       time.Duration
}

// numbersCase is one hand-made ticket with its history and parts used.
type numbersCase struct {
	tenant string
	ticket app.Ticket
	steps  []step
	parts  map[app.PartNumber]int
}

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

// handTicket makes a closed ticket of the hand-made world; respond and
// resolve are its SLA times after numbersT0, 0 for none.
func handTicket(id string, kind app.TicketKind, tech app.TechnicianID, store app.StoreID, respond, resolve time.Duration) app.Ticket {
	t := app.Ticket{ID: app.TicketID(id), Number: "FB-" + id, Kind: kind, Country: "CN",
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
		Customer: app.Customer{Name: "Li Na", Phone: "138 0000 1380", Address: "1 Road"}, Priority: app.PriorityNormal,
		Technician: tech, Store: store, Epoch: 1, Status: app.StatusClosed,
		CreatedAt: numbersT0.Add(-day), UpdatedAt: numbersT0}
	if respond != 0 {
		t.RespondBy = numbersT0.Add(respond)
	}
	if resolve != 0 {
		t.ResolveBy = numbersT0.Add(resolve)
	}
	return t
}

// numbersWorld is the table of hand-made tickets; the expected figures
// in TestNumbers are computed by hand from it (see each ticket's comment).
func numbersWorld() []numbersCase {
	const (
		A, E, O, I, W = app.StatusAssigned, app.StatusEnRoute, app.StatusOnSite, app.StatusInProgress, app.StatusWaitingParts
		C, F, X, Z    = app.StatusCompleted, app.StatusCannotComplete, app.StatusClosed, app.Status("")
	)
	return []numbersCase{
		// tk1: closed Nov 10 11:00; answered at +1h (<= 2h), resolved at
		// +2h30 (<= 1 day); first-time fix; on site 1h30; 2 batteries.
		// Its epoch was bumped on site and once completed (rows that keep
		// the status): no second arrival, no later completion.
		{"t1", handTicket("tk1", app.KindOnSite, "tech-a", "s1", 2*hour, day),
			[]step{{Z, A, -day}, {A, E, 30 * time.Minute}, {E, O, hour}, {O, O, hour + 5*time.Minute}, {O, I, hour + 10*time.Minute}, {I, C, 2*hour + 30*time.Minute}, {C, C, 2*hour + 40*time.Minute}, {C, X, 3 * hour}},
			map[app.PartNumber]int{"BAT-1": 2}},
		// tk2: closed Nov 11 10:00; arrived at +2h (> 1h), completed the
		// next day (> 4h); waited for parts; on site 2h -> 3h and, after
		// the wait, 1d -> 1d+1h = 2h (the 21 h waiting do not count); 1 screen.
		{"t1", handTicket("tk2", app.KindOnSite, "tech-a", "s1", hour, 4*hour),
			[]step{{Z, A, -day}, {A, E, hour}, {E, O, 2 * hour}, {O, I, 2 * hour}, {I, W, 3 * hour}, {W, I, day}, {I, C, day + hour}, {C, X, day + 2*hour}},
			map[app.PartNumber]int{"SCR-1": 1}},
		// tk3: closed Nov 12 12:00; no respond_by; last completion at
		// +2d3h (<= 3 days); reopened, two arrivals; on site 1h + 2h = 3h; 3 screens.
		{"t1", handTicket("tk3", app.KindOnSite, "tech-b", "s2", 0, 3*day),
			[]step{{Z, A, 0}, {A, E, 30 * time.Minute}, {E, O, hour}, {O, I, hour}, {I, C, 2 * hour}, {C, A, day},
				{A, E, 2 * day}, {E, O, 2*day + hour}, {O, I, 2*day + hour}, {I, C, 2*day + 3*hour}, {C, X, 2*day + 4*hour}},
			map[app.PartNumber]int{"SCR-1": 3}},
		// tk4: carry-in closed Nov 15 08:00; started at +20m (<= 30m),
		// completed at +3h (> 2h); first-time fix; not on site; 1 battery.
		{"t1", handTicket("tk4", app.KindCarryIn, "tech-b", "s1", 30*time.Minute, 2*hour),
			[]step{{Z, A, 0}, {A, I, 20 * time.Minute}, {I, C, 3 * hour}, {C, X, 5 * day}},
			map[app.PartNumber]int{"BAT-1": 1}},
		// tk5: closed Nov 10 10:00 after "cannot complete": arrived at
		// +40m (<= 1h), never completed (SLA missed); on site 40m -> 1h40 = 1h.
		{"t1", handTicket("tk5", app.KindOnSite, "tech-a", "", hour, day),
			[]step{{Z, A, -day}, {A, E, 10 * time.Minute}, {E, O, 40 * time.Minute}, {O, F, hour + 40*time.Minute}, {F, X, 2 * hour}}, nil},
		// tk6: closed Oct 31 23:00, before the period: counts nowhere.
		{"t1", handTicket("tk6", app.KindCarryIn, "tech-a", "s1", hour, hour),
			[]step{{Z, A, -12 * day}, {A, I, -11 * day}, {I, C, -10*day - 9*hour}, {C, X, -9*day - 9*hour}},
			map[app.PartNumber]int{"BAT-1": 5}},
		// tk7: still in progress: counts nowhere.
		{"t1", handTicket("tk7", app.KindCarryIn, "tech-a", "s1", hour, hour),
			[]step{{Z, A, 0}, {A, I, hour}}, map[app.PartNumber]int{"BAT-1": 7}},
		// tk8: another tenant's ticket closed in the period.
		{"t2", handTicket("tk8", app.KindCarryIn, "tech-a", "s1", hour, day),
			[]step{{Z, A, 0}, {A, I, hour}, {I, C, 2 * hour}, {C, X, 3 * hour}}, map[app.PartNumber]int{"BAT-1": 9}},
		// tk9: no technician, closed Nov 19 17:00 UTC (Nov 20 01:00 in
		// Shanghai); no SLA times; first-time fix.
		{"t1", handTicket("tk9", app.KindCarryIn, "", "s2", 0, 0),
			[]step{{Z, A, 0}, {A, I, hour}, {I, C, 2 * hour}, {C, X, 9*day + 9*hour}}, nil},
	}
}

// loadNumbersWorld loads the hand-made tickets and replaces the history
// the load wrote with their hand-made steps, in server order.
func loadNumbersWorld(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	byTenant := map[string]*app.Dataset{}
	for _, c := range numbersWorld() {
		ds := byTenant[c.tenant]
		if ds == nil {
			ds = &app.Dataset{
				Technicians: []app.Technician{{ID: "tech-a", Name: "Ana", Country: "CN"}, {ID: "tech-b", Name: "Bo", Country: "CN"}},
				Parts: []app.Part{{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"P60"}},
					{Number: "SCR-1", NameEN: "Screen", Class: app.ClassMain, Models: []string{"P60"}}},
			}
			byTenant[c.tenant] = ds
		}
		d := app.TicketDetail{Ticket: c.ticket}
		for p, n := range c.parts {
			d.Parts = append(d.Parts, app.PartUsed{ID: "u-" + string(c.ticket.ID) + "-" + string(p), Ticket: c.ticket.ID, Part: p, Qty: n, From: "wh", At: numbersT0})
		}
		ds.Tickets = append(ds.Tickets, d)
	}
	for tenant, ds := range byTenant {
		if err := db.LoadDataset(ctx, tenant, *ds); err != nil {
			t.Fatal(err)
		}
	}
	err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM history`); err != nil {
			return err
		}
		for _, c := range numbersWorld() {
			for i, s := range c.steps {
				at := numbersT0.Add(s.at).UnixNano()
				if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at, field_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
					c.tenant, string(c.ticket.ID), version+int64(i), string(s.from), string(s.to), 1, at, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// figs builds Figures with AvgOnSite worked out from its sum and count.
func figs(closed, slaMet, slaDue, respMet, respDue, ftf int, onSite time.Duration, onSiteN int, avg time.Duration, parts int) Figures {
	return Figures{Closed: closed, SLAMet: slaMet, SLADue: slaDue, RespondMet: respMet, RespondDue: respDue,
		FirstTimeFix: ftf, OnSite: onSite, OnSiteTickets: onSiteN, AvgOnSite: avg, PartsUsed: parts}
}

func TestNumbers(t *testing.T) {
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	shanghai := time.FixedZone("CST", 8*3600)
	// Per ticket, by hand (see numbersWorld): tk1 tk2 tk3 tk4 tk5 tk9
	// closed in November; on-site time 1h30 + 2h + 3h + 1h = 7h30 over 4.
	ana := figs(3, 1, 3, 2, 3, 1, 4*hour+30*time.Minute, 3, hour+30*time.Minute, 3) // tk1 tk2 tk5
	bo := figs(2, 1, 2, 1, 1, 1, 3*hour, 1, 3*hour, 4)                              // tk3 tk4
	s1 := figs(3, 1, 3, 2, 3, 2, 3*hour+30*time.Minute, 2, hour+45*time.Minute, 4)  // tk1 tk2 tk4
	s2 := figs(2, 1, 1, 0, 0, 1, 3*hour, 1, 3*hour, 3)                              // tk3 tk9
	cases := []struct {
		name    string
		q       NumbersQuery
		whole   Figures
		techs   []TechnicianFigures
		stores  []StoreFigures
		parts   []PartCount
		days    int
		perDay  map[string]int // day (YYYY-MM-DD in the zone) -> tickets closed
		dayZone *time.Location
	}{
		{name: "tenant, November",
			q:      NumbersQuery{Tenant: "t1", From: nov1, To: dec1},
			whole:  figs(6, 2, 5, 3, 4, 3, 7*hour+30*time.Minute, 4, hour+52*time.Minute+30*time.Second, 7),
			techs:  []TechnicianFigures{{"tech-a", "Ana", ana}, {"tech-b", "Bo", bo}},
			stores: []StoreFigures{{"s1", s1}, {"s2", s2}},
			parts:  []PartCount{{"SCR-1", 4}, {"BAT-1", 3}},
			days:   30, perDay: map[string]int{"2026-11-10": 2, "2026-11-11": 1, "2026-11-12": 1, "2026-11-15": 1, "2026-11-19": 1}},
		{name: "days in Shanghai",
			q:      NumbersQuery{Tenant: "t1", From: nov1, To: dec1, Zone: shanghai},
			whole:  figs(6, 2, 5, 3, 4, 3, 7*hour+30*time.Minute, 4, hour+52*time.Minute+30*time.Second, 7),
			techs:  []TechnicianFigures{{"tech-a", "Ana", ana}, {"tech-b", "Bo", bo}},
			stores: []StoreFigures{{"s1", s1}, {"s2", s2}},
			parts:  []PartCount{{"SCR-1", 4}, {"BAT-1", 3}},
			days:   31, perDay: map[string]int{"2026-11-10": 2, "2026-11-11": 1, "2026-11-12": 1, "2026-11-15": 1, "2026-11-20": 1},
			dayZone: shanghai},
		{name: "store s1",
			q:     NumbersQuery{Tenant: "t1", Store: "s1", From: nov1, To: dec1},
			whole: s1,
			techs: []TechnicianFigures{
				{"tech-a", "Ana", figs(2, 1, 2, 1, 2, 1, 3*hour+30*time.Minute, 2, hour+45*time.Minute, 3)},
				{"tech-b", "Bo", figs(1, 0, 1, 1, 1, 1, 0, 0, 0, 1)}},
			stores: []StoreFigures{{"s1", s1}},
			parts:  []PartCount{{"BAT-1", 3}, {"SCR-1", 1}},
			days:   30, perDay: map[string]int{"2026-11-10": 1, "2026-11-11": 1, "2026-11-15": 1}},
		{name: "from is in, to is out",
			// tk5 closed at exactly +2h, tk1 at exactly +3h.
			q:     NumbersQuery{Tenant: "t1", From: numbersT0.Add(2 * hour), To: numbersT0.Add(3 * hour)},
			whole: figs(1, 0, 1, 1, 1, 0, hour, 1, hour, 0),
			techs: []TechnicianFigures{{"tech-a", "Ana", figs(1, 0, 1, 1, 1, 0, hour, 1, hour, 0)}},
			days:  1, perDay: map[string]int{"2026-11-10": 1}},
		{name: "another tenant sees only its own",
			q:      NumbersQuery{Tenant: "t2", From: nov1, To: dec1},
			whole:  figs(1, 1, 1, 1, 1, 1, 0, 0, 0, 9),
			techs:  []TechnicianFigures{{"tech-a", "Ana", figs(1, 1, 1, 1, 1, 1, 0, 0, 0, 9)}},
			stores: []StoreFigures{{"s1", figs(1, 1, 1, 1, 1, 1, 0, 0, 0, 9)}},
			parts:  []PartCount{{"BAT-1", 9}},
			days:   30, perDay: map[string]int{"2026-11-10": 1}},
		{name: "unknown tenant",
			q:    NumbersQuery{Tenant: "nobody", From: nov1, To: dec1},
			days: 30, perDay: map[string]int{}},
		{name: "unknown store",
			q:    NumbersQuery{Tenant: "t1", Store: "s9", From: nov1, To: dec1},
			days: 30, perDay: map[string]int{}},
	}
	forEachBackend(t, func(t *testing.T, db *DB) {
		loadNumbersWorld(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := db.Numbers(context.Background(), c.q)
				if err != nil {
					t.Fatal(err)
				}
				if got.Tenant != c.whole {
					t.Errorf("whole:\n got %+v\nwant %+v", got.Tenant, c.whole)
				}
				if !reflect.DeepEqual(got.ByTechnician, c.techs) {
					t.Errorf("by technician:\n got %+v\nwant %+v", got.ByTechnician, c.techs)
				}
				if !reflect.DeepEqual(got.ByStore, c.stores) {
					t.Errorf("by store:\n got %+v\nwant %+v", got.ByStore, c.stores)
				}
				if !reflect.DeepEqual(got.PartsUsed, c.parts) {
					t.Errorf("parts:\n got %+v\nwant %+v", got.PartsUsed, c.parts)
				}
				zone := c.dayZone
				if zone == nil {
					zone = time.UTC
				}
				if len(got.PerDay) != c.days {
					t.Fatalf("%d days, want %d", len(got.PerDay), c.days)
				}
				sum := 0
				for i, d := range got.PerDay {
					if d.Day.Hour() != 0 || d.Day.Minute() != 0 || d.Day.Location() != zone {
						t.Errorf("day %d begins at %v, not at midnight in %v", i, d.Day, zone)
					}
					if i > 0 && d.Day.Sub(got.PerDay[i-1].Day) != day {
						t.Errorf("day %d (%v) does not follow %v", i, d.Day, got.PerDay[i-1].Day)
					}
					if want := c.perDay[d.Day.Format(time.DateOnly)]; d.Closed != want {
						t.Errorf("%s: %d closed, want %d", d.Day.Format(time.DateOnly), d.Closed, want)
					}
					sum += d.Closed
				}
				if sum != c.whole.Closed {
					t.Errorf("days add up to %d closed, the whole to %d", sum, c.whole.Closed)
				}
			})
		}
	})
}

func TestNumbersRefusesBadQueries(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db := openTestDB(t, Config{DataDir: t.TempDir()})
	for _, c := range []struct {
		name string
		q    NumbersQuery
		key  string // "" = accepted
	}{
		{"a whole year and a day", NumbersQuery{Tenant: "t1", From: from, To: from.Add(MaxNumbersDays * day)}, ""},
		{"one nanosecond", NumbersQuery{Tenant: "t1", From: from, To: from.Add(1)}, ""},
		{"no tenant", NumbersQuery{From: from, To: from.Add(day)}, "central.numbers.no_tenant"},
		{"store with a newline", NumbersQuery{Tenant: "t1", Store: "s\n1", From: from, To: from.Add(day)}, "central.numbers.bad_store"},
		{"no start", NumbersQuery{Tenant: "t1", To: from}, "central.numbers.no_period"},
		{"no end", NumbersQuery{Tenant: "t1", From: from}, "central.numbers.no_period"},
		{"empty", NumbersQuery{Tenant: "t1", From: from, To: from}, "central.numbers.period_reversed"},
		{"reversed", NumbersQuery{Tenant: "t1", From: from, To: from.Add(-day)}, "central.numbers.period_reversed"},
		{"too long", NumbersQuery{Tenant: "t1", From: from, To: from.Add(MaxNumbersDays*day + 1)}, "central.numbers.period_long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.Numbers(context.Background(), c.q)
			if c.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != c.key {
				t.Fatalf("got %v, want %s (%s)", err, app.EINVALID, c.key)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		num, den int
		want     float64
		ok       bool
	}{{0, 0, 0, false}, {3, 0, 0, false}, {0, 4, 0, true}, {1, 4, 25, true}, {4, 4, 100, true}} {
		if got, ok := Percent(c.num, c.den); got != c.want || ok != c.ok {
			t.Errorf("Percent(%d, %d) = %v, %v; want %v, %v", c.num, c.den, got, ok, c.want, c.ok)
		}
	}
}

// BenchmarkNumbers computes a month's figures of numbersBenchWorld: 30,000 tickets closed by
// 500 technicians in 20 stores, each with an on-site history of six steps
// (one in ten reopened and visited again) and a part used.
func BenchmarkNumbers(b *testing.B) {
	ctx := context.Background()
	ds, history, from := numbersBenchWorld()
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			db := openNumbersBench(b, backend, ds, history)
			var n Numbers
			var err error
			for b.Loop() {
				if n, err = db.Numbers(ctx, NumbersQuery{Tenant: "t1", From: from, To: from.AddDate(0, 1, 0)}); err != nil {
					b.Fatal(err)
				}
			}
			if n.Tenant.Closed != benchTickets || len(n.ByTechnician) != benchTechs {
				b.Fatalf("%d closed by %d technicians, want %d by %d", n.Tenant.Closed, len(n.ByTechnician), benchTickets, benchTechs)
			}
			b.ReportMetric(float64(benchTickets), "tickets")
		})
	}
}

// BenchmarkTechnicianNumbers lists the 60 tickets behind one technician's
// figures in BenchmarkNumbers' world: the drill-down of the console's
// Numbers page.
func BenchmarkTechnicianNumbers(b *testing.B) {
	ctx := context.Background()
	ds, history, from := numbersBenchWorld()
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			db := openNumbersBench(b, backend, ds, history)
			var tt TechnicianTickets
			var err error
			for b.Loop() {
				if tt, err = db.TechnicianNumbers(ctx, NumbersQuery{Tenant: "t1", From: from, To: from.AddDate(0, 1, 0)}, "tech-007"); err != nil {
					b.Fatal(err)
				}
			}
			if want := benchTickets / benchTechs; tt.Closed != want || len(tt.Tickets) != want {
				b.Fatalf("%d closed, %d listed, want %d", tt.Closed, len(tt.Tickets), want)
			}
		})
	}
}

// The size of the benchmarks' world.
const benchTickets, benchTechs, benchStores = 30000, 500, 20

// numbersBenchWorld is a month of 30,000 on-site tickets closed by 500
// technicians in 20 stores, each with an on-site history of six steps (one
// in ten reopened and visited again) and a part used, from the first day.
func numbersBenchWorld() (app.Dataset, [][]any, time.Time) {
	const tickets, techs, stores = benchTickets, benchTechs, benchStores
	ds := app.Dataset{Parts: []app.Part{{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery}}}
	for i := range techs {
		ds.Technicians = append(ds.Technicians, app.Technician{ID: app.TechnicianID(fmt.Sprintf("tech-%03d", i)), Name: fmt.Sprintf("Technician %03d", i), Country: "CN"})
	}
	var history [][]any
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range tickets {
		id := fmt.Sprintf("tk-%05d", i)
		t := handTicket(id, app.KindOnSite, app.TechnicianID(fmt.Sprintf("tech-%03d", i%techs)), app.StoreID(fmt.Sprintf("s%02d", i%stores)), 0, 0)
		t0 := from.Add(time.Duration(i) * 80 * time.Second) // 30,000 over 28 days
		t.RespondBy, t.ResolveBy = t0.Add(2*hour), t0.Add(day)
		ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: t,
			Parts: []app.PartUsed{{ID: "u-" + id, Ticket: t.ID, Part: "BAT-1", Qty: 1, From: "wh", At: t0}}})
		steps := []app.Status{app.StatusEnRoute, app.StatusOnSite, app.StatusInProgress, app.StatusCompleted}
		if i%10 == 0 {
			steps = append(steps, app.StatusAssigned, app.StatusEnRoute, app.StatusOnSite, app.StatusInProgress, app.StatusCompleted)
		}
		prev := app.StatusAssigned
		history = append(history, []any{"t1", id, int64(0), "", string(prev), 1, t0.UnixNano(), t0.UnixNano()})
		for j, s := range append(steps, app.StatusClosed) {
			at := t0.Add(time.Duration(j+1) * 20 * time.Minute).UnixNano()
			history = append(history, []any{"t1", id, int64(j + 1), string(prev), string(s), 1, at, at})
			prev = s
		}
	}
	return ds, history, from
}

// openNumbersBench opens a database on backend holding ds with history
// as its status history.
func openNumbersBench(b *testing.B, backend string, ds app.Dataset, history [][]any) *DB {
	ctx := context.Background()
	cfg := Config{DataDir: b.TempDir(), Clock: app.ClockFunc(func() time.Time { return testNow })}
	if backend == "postgres" {
		cfg.Postgres = pgtest.ForTest(b)
	}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.LoadDataset(ctx, "t1", ds); err != nil {
		b.Fatal(err)
	}
	err = db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM history`); err != nil {
			return err
		}
		return db.bulkInsert(ctx, tx, `INSERT INTO history (tenant, ticket, version, from_status, to_status, epoch, at, field_at)`, 2, ``, history)
	})
	if err != nil {
		b.Fatal(err)
	}
	if backend == "postgres" {
		// What autovacuum does soon after a bulk load: without it the
		// planner guesses at the new tables' sizes.
		if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// TestNumbersFromPushedWork checks the figures against a history written
// the real way: a device pushing each step of an on-site visit as the
// server's clock moves on.
func TestNumbersFromPushedWork(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			now := testNow
			cfg := Config{DataDir: t.TempDir(), Clock: app.ClockFunc(func() time.Time { return now })}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db, err := OpenDB(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			tk := app.Ticket{ID: "tk-visit", Number: "FB-9", Kind: app.KindOnSite, Country: "CN",
				Product:  app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"},
				Customer: app.Customer{Name: "Li Na", Phone: "138 0000 1380", Address: "1 Road"}, Diagnosis: "battery worn",
				Priority: app.PriorityNormal, Technician: "tech-a", Epoch: 1, Status: app.StatusAssigned,
				RespondBy: testNow.Add(hour), ResolveBy: testNow.Add(hour), CreatedAt: testNow.Add(-hour), UpdatedAt: testNow.Add(-hour)}
			err = db.LoadDataset(ctx, tenant, app.Dataset{
				Technicians: []app.Technician{{ID: "tech-a", Name: "Ana", Country: "CN", Van: "van-a"}},
				Locations:   []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"}},
				Parts:       []app.Part{{Number: "BAT-1", NameEN: "Battery", Class: app.ClassBattery, Models: []string{"P60"}}},
				Movements:   []app.StockMovement{{ID: "rcv-a", Kind: app.MoveReceive, Part: "BAT-1", To: "van-a", Qty: 5, At: testNow}},
				Tickets:     []app.TicketDetail{{Ticket: tk}},
			})
			if err != nil {
				t.Fatal(err)
			}
			dev := pairDevice(t, db, "tech-a")
			seq := int64(0)
			at := func(d time.Duration, cmds ...app.Command) {
				t.Helper()
				now = testNow.Add(d)
				for _, c := range cmds {
					seq++
					m := mut(t, seq, c)
					m.At = now // a device online: its steps sync as it takes them
					if res := push(t, db, dev, m); len(res.Rejected) > 0 {
						t.Fatalf("rejected: %+v", res.Rejected)
					}
				}
			}
			at(0, act(app.ActionDepart, tk.ID, ""))
			at(30*time.Minute, act(app.ActionArrive, tk.ID, "")) // answered within the hour
			at(35*time.Minute, act(app.ActionStart, tk.ID, ""),
				&app.ConsumePart{Used: app.PartUsed{ID: fid("u-visit"), Ticket: tk.ID, Part: "BAT-1", Qty: 2, From: "van-a", At: testNow}},
				repair(fid("r-visit"), tk.ID, 60))
			at(hour+35*time.Minute, act(app.ActionComplete, tk.ID, "")) // resolved after resolve_by
			at(2*hour, act(app.ActionClose, tk.ID, ""))

			got, err := db.Numbers(ctx, NumbersQuery{Tenant: tenant, From: testNow.Add(-hour), To: testNow.Add(day)})
			if err != nil {
				t.Fatal(err)
			}
			// On site from the arrival (+30m) to the completion (+1h35).
			want := figs(1, 0, 1, 1, 1, 1, hour+5*time.Minute, 1, hour+5*time.Minute, 2)
			if got.Tenant != want {
				t.Errorf("\n got %+v\nwant %+v", got.Tenant, want)
			}
			if len(got.ByTechnician) != 1 || got.ByTechnician[0].Name != "Ana" || got.ByTechnician[0].Figures != want {
				t.Errorf("by technician %+v, want Ana's %+v", got.ByTechnician, want)
			}
			if !reflect.DeepEqual(got.PartsUsed, []PartCount{{"BAT-1", 2}}) {
				t.Errorf("parts %+v, want 2 BAT-1", got.PartsUsed)
			}
			// Closed at +2h: a period ending at the close leaves it out.
			got, err = db.Numbers(ctx, NumbersQuery{Tenant: tenant, From: testNow.Add(-hour), To: testNow.Add(2 * hour)})
			if err != nil || got.Tenant.Closed != 0 {
				t.Errorf("a period ending at the close: %+v, %v; want nothing closed", got.Tenant, err)
			}
		})
	}
}

// TestNumbersNamesAnUnreadableRecord: a ticket or part-used record that
// does not decode stops the figures with ECORRUPT naming it, rather than
// leaving it out of a total.
func TestNumbersNamesAnUnreadableRecord(t *testing.T) {
	for _, c := range []struct{ kind, id string }{{"ticket", "tk1"}, {"part_used", "u-tk2-SCR-1"}} {
		t.Run(c.kind, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, db *DB) {
				loadNumbersWorld(t, db)
				if _, err := db.write.ExecContext(context.Background(), db.q(`UPDATE entities SET data = '{' WHERE kind = ? AND id = ?`), c.kind, c.id); err != nil {
					t.Fatal(err)
				}
				_, err := db.Numbers(context.Background(), NumbersQuery{Tenant: "t1", From: numbersT0.Add(-day), To: numbersT0.Add(20 * day)})
				if e := app.AsError(err); e == nil || e.Code != app.ECORRUPT || !strings.Contains(e.Error(), c.id) {
					t.Fatalf("got %v, want %s naming %s", err, app.ECORRUPT, c.id)
				}
			})
		})
	}
}

// TestTechnicianNumbers: the tickets behind a technician's figures, each
// with what it counts for (by hand from numbersWorld), and figures equal to
// Numbers' for the same technician.
func TestTechnicianNumbers(t *testing.T) {
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return numbersT0.Add(d) }
	tk1 := ClosedTicket{"tk1", "FB-tk1", "s1", app.KindOnSite, at(3 * hour),
		TicketOutcome{SLADue: true, SLAMet: true, RespondDue: true, RespondMet: true, FirstTimeFix: true, OnSiteCounted: true, OnSite: 90 * time.Minute, PartsUsed: 2}}
	tk2 := ClosedTicket{"tk2", "FB-tk2", "s1", app.KindOnSite, at(day + 2*hour),
		TicketOutcome{SLADue: true, RespondDue: true, OnSiteCounted: true, OnSite: 2 * hour, PartsUsed: 1}}
	tk5 := ClosedTicket{"tk5", "FB-tk5", "", app.KindOnSite, at(2 * hour),
		TicketOutcome{SLADue: true, RespondDue: true, RespondMet: true, OnSiteCounted: true, OnSite: hour}}
	tk3 := ClosedTicket{"tk3", "FB-tk3", "s2", app.KindOnSite, at(2*day + 4*hour),
		TicketOutcome{SLADue: true, SLAMet: true, OnSiteCounted: true, OnSite: 3 * hour, PartsUsed: 3}}
	tk8 := ClosedTicket{"tk8", "FB-tk8", "s1", app.KindCarryIn, at(3 * hour),
		TicketOutcome{SLADue: true, SLAMet: true, RespondDue: true, RespondMet: true, FirstTimeFix: true, OnSite: hour, PartsUsed: 9}}
	cases := []struct {
		name string
		q    NumbersQuery
		tech app.TechnicianID
		want []ClosedTicket
	}{
		{"Ana in November", NumbersQuery{Tenant: "t1", From: nov1, To: dec1}, "tech-a", []ClosedTicket{tk5, tk1, tk2}},
		{"Ana in store s1", NumbersQuery{Tenant: "t1", Store: "s1", From: nov1, To: dec1}, "tech-a", []ClosedTicket{tk1, tk2}},
		{"Bo in store s2", NumbersQuery{Tenant: "t1", Store: "s2", From: nov1, To: dec1}, "tech-b", []ClosedTicket{tk3}},
		{"Ana of the other tenant", NumbersQuery{Tenant: "t2", From: nov1, To: dec1}, "tech-a", []ClosedTicket{tk8}},
		{"Ana's first day only", NumbersQuery{Tenant: "t1", From: nov1, To: at(day)}, "tech-a", []ClosedTicket{tk5, tk1}},
		{"unknown technician", NumbersQuery{Tenant: "t1", From: nov1, To: dec1}, "tech-z", nil},
	}
	forEachBackend(t, func(t *testing.T, db *DB) {
		loadNumbersWorld(t, db)
		ctx := context.Background()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := db.TechnicianNumbers(ctx, c.q, c.tech)
				if err != nil {
					t.Fatal(err)
				}
				for i := range got.Tickets {
					got.Tickets[i].Closed = got.Tickets[i].Closed.UTC()
				}
				if !reflect.DeepEqual(got.Tickets, c.want) {
					t.Errorf("tickets:\n got %+v\nwant %+v", got.Tickets, c.want)
				}
				all, err := db.Numbers(ctx, c.q)
				if err != nil {
					t.Fatal(err)
				}
				var want Figures
				for _, f := range all.ByTechnician {
					if f.Technician == c.tech {
						want = f.Figures
					}
				}
				if got.Figures != want {
					t.Errorf("figures:\n got %+v\nwant %+v (Numbers)", got.Figures, want)
				}
			})
		}
		for _, bad := range []struct {
			q    NumbersQuery
			tech app.TechnicianID
			key  string
		}{
			{NumbersQuery{Tenant: "t1", From: nov1, To: dec1}, "tech\nA", "central.numbers.bad_technician"},
			{NumbersQuery{Tenant: "t1", From: nov1, To: dec1}, "", "central.numbers.bad_technician"},
			{NumbersQuery{Tenant: "t1", From: dec1, To: nov1}, "tech-a", "central.numbers.period_reversed"},
		} {
			_, err := db.TechnicianNumbers(ctx, bad.q, bad.tech)
			if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != bad.key {
				t.Errorf("%q %+v: got %v, want %s", bad.tech, bad.q, err, bad.key)
			}
		}
	})
}

// TestTechnicianNumbersListsAtMostMax: a technician with more closed tickets
// than MaxNumbersTickets gets the first by close listed and all counted.
func TestTechnicianNumbersListsAtMostMax(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Ana", Country: "CN"}}}
		for i := range MaxNumbersTickets + 1 {
			tk := handTicket(fmt.Sprintf("tk-%05d", i), app.KindCarryIn, "tech-a", "s1", 0, 0)
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
		}
		// The load writes each closed ticket's steps from its own times
		// (loadedSteps): into closed at its last update, numbersT0.
		if err := db.LoadDataset(ctx, "t1", ds); err != nil {
			t.Fatal(err)
		}
		got, err := db.TechnicianNumbers(ctx, NumbersQuery{Tenant: "t1", From: numbersT0.Add(-day), To: numbersT0.Add(day)}, "tech-a")
		if err != nil {
			t.Fatal(err)
		}
		if got.Closed != MaxNumbersTickets+1 || len(got.Tickets) != MaxNumbersTickets {
			t.Fatalf("%d closed, %d listed; want %d and %d", got.Closed, len(got.Tickets), MaxNumbersTickets+1, MaxNumbersTickets)
		}
		// All closed at once: by ID then, and the last one left out.
		if first, last := got.Tickets[0].Ticket, got.Tickets[len(got.Tickets)-1].Ticket; first != "tk-00000" || last != app.TicketID(fmt.Sprintf("tk-%05d", MaxNumbersTickets-1)) {
			t.Errorf("listed %s to %s", first, last)
		}
	})
}

// TestNumbersPeriodCalendarDays: the bound on a period counts the days of
// the query's zone, not 24-hour spans: a year across a change of the
// clocks (an hour longer when they go back) is its 365 or 366 days and
// passes, in Europe/Paris and in a southern zone, America/Santiago; 367
// days do not, nor a span of 366 times 24 hours that touches 367 days.
func TestNumbersPeriodCalendarDays(t *testing.T) {
	paris, err := LoadZone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	santiago, err := LoadZone("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	// from..last, both included, as the console's custom period sends them.
	days := func(zone *time.Location, from, last string) NumbersQuery {
		f, err1 := time.Parse("2006-01-02", from)
		l, err2 := time.Parse("2006-01-02", last)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return NumbersQuery{Tenant: "t1", Zone: zone, From: DayStart(f.Year(), f.Month(), f.Day(), zone), To: DayStart(l.Year(), l.Month(), l.Day()+1, zone)}
	}
	noon := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		q     NumbersQuery
		hours int // the period's length, so the case is what its name says
		ok    bool
	}{
		// Clocks go back on 28 October 2029 and forward only on 31 March
		// 2030: both periods are an hour longer than their days.
		{"Paris 365 days, clocks back", days(paris, "2029-03-26", "2030-03-25"), 365*24 + 1, true},
		{"Paris 366 days, clocks back", days(paris, "2029-03-26", "2030-03-26"), 366*24 + 1, true},
		{"Paris 367 days, clocks back", days(paris, "2029-03-26", "2030-03-27"), 367*24 + 1, false},
		{"Paris 366 days, clocks forward and back", days(paris, "2026-01-01", "2027-01-01"), 366 * 24, true},
		// Santiago's clocks go back on 6 April 2030 and forward only on 8
		// September 2030.
		{"Santiago 365 days, clocks back", days(santiago, "2029-09-03", "2030-09-02"), 365*24 + 1, true},
		{"Santiago 366 days, clocks back", days(santiago, "2029-09-03", "2030-09-03"), 366*24 + 1, true},
		{"Santiago 367 days, clocks back", days(santiago, "2029-09-03", "2030-09-04"), 367*24 + 1, false},
		{"UTC 366 days", days(time.UTC, "2028-01-01", "2028-12-31"), 366 * 24, true},
		{"UTC 367 days", days(time.UTC, "2028-01-01", "2029-01-01"), 367 * 24, false},
		{"366 times 24 hours from noon, on 367 days", NumbersQuery{Tenant: "t1", From: noon, To: noon.Add(366 * 24 * time.Hour)}, 366 * 24, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if h := c.q.To.Sub(c.q.From); h != time.Duration(c.hours)*time.Hour {
				t.Fatalf("the period is %v long, want %d hours", h, c.hours)
			}
			err := c.q.Validate()
			if c.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if e := app.AsError(err); !c.ok && (e == nil || e.Key != "central.numbers.period_long") {
				t.Errorf("got %v, want central.numbers.period_long", err)
			}
		})
	}
}

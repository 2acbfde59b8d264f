package central

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

func TestLoadedSteps(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := t0.Add(300 * 24 * time.Hour)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	base := app.Ticket{Kind: app.KindOnSite, CreatedAt: at(0), StartedAt: at(5), CompletedAt: at(7), UpdatedAt: at(30)}
	with := func(f func(*app.Ticket)) app.Ticket { t := base; f(&t); return t }
	A, O, I, C, F, X, N := app.StatusAssigned, app.StatusOnSite, app.StatusInProgress, app.StatusCompleted, app.StatusCannotComplete, app.StatusClosed, app.StatusCancelled
	for _, c := range []struct {
		name string
		t    app.Ticket
		want []historyStep
	}{
		{"closed on site", with(func(t *app.Ticket) { t.Status = X }),
			[]historyStep{{"", A, at(0)}, {A, O, at(5)}, {O, I, at(5)}, {I, C, at(7)}, {C, X, at(30)}}},
		{"closed carry-in", with(func(t *app.Ticket) { t.Status, t.Kind = X, app.KindCarryIn }),
			[]historyStep{{"", A, at(0)}, {A, I, at(5)}, {I, C, at(7)}, {C, X, at(30)}}},
		{"completed, not closed", with(func(t *app.Ticket) { t.Status = C }),
			[]historyStep{{"", A, at(0)}, {A, O, at(5)}, {O, I, at(5)}, {I, C, at(7)}}},
		{"could not complete", with(func(t *app.Ticket) { t.Status = F }),
			[]historyStep{{"", A, at(0)}, {A, O, at(5)}, {O, I, at(5)}, {I, F, at(7)}}},
		{"cancelled before the start", with(func(t *app.Ticket) { t.Status, t.StartedAt, t.CompletedAt = N, time.Time{}, time.Time{} }),
			[]historyStep{{"", A, at(0)}, {A, N, at(30)}}},
		{"times out of order keep the steps' order", with(func(t *app.Ticket) { t.Status, t.CompletedAt = X, at(3) }),
			[]historyStep{{"", A, at(0)}, {A, O, at(5)}, {O, I, at(5)}, {I, C, at(5)}, {C, X, at(30)}}},
		{"open work: one step now", with(func(t *app.Ticket) { t.Status = I }), []historyStep{{"", I, now}}},
		{"no creation time: one step now", with(func(t *app.Ticket) { t.Status, t.CreatedAt = X, time.Time{} }), []historyStep{{"", X, now}}},
	} {
		if got := loadedSteps(c.t, now); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.want)
		}
	}
}

// TestLoadedHistoryCounts: past work loaded as data (the demo's world, an
// import) is counted by the office's figures when it happened, through
// either of LoadDataset's paths (all new tickets: the bulk one; a dataset
// that updates a ticket: one by one), on both databases.
func TestLoadedHistoryCounts(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir()}
			if backend == "postgres" {
				cfg.Postgres = pgtest.ForTest(t)
			}
			db := openTestDB(t, cfg)
			ctx := context.Background()
			day := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
			mk := func(id string) app.Ticket {
				return app.Ticket{ID: app.TicketID(id), Number: "FB-" + id, Kind: app.KindOnSite, Country: "CN", Status: app.StatusClosed, Epoch: 1,
					Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60"}, Customer: app.Customer{Name: "Li", Phone: "138 0000 1380", Address: "1 Road"},
					Priority: app.PriorityNormal, Technician: "tech-a", CreatedAt: day, StartedAt: day.Add(2 * time.Hour),
					CompletedAt: day.Add(3 * time.Hour), UpdatedAt: day.Add(4 * time.Hour), ResolveBy: day.Add(6 * time.Hour), RespondBy: day.Add(time.Hour)}
			}
			tech := []app.Technician{{ID: "tech-a", Name: "Ana", Country: "CN"}}
			if err := db.LoadDataset(ctx, "t1", app.Dataset{Technicians: tech, Tickets: []app.TicketDetail{{Ticket: mk("bulk")}}}); err != nil {
				t.Fatal(err)
			}
			// A dataset that also names a ticket already there goes one by one.
			if err := db.LoadDataset(ctx, "t1", app.Dataset{Tickets: []app.TicketDetail{{Ticket: mk("bulk")}, {Ticket: mk("single")}}}); err != nil {
				t.Fatal(err)
			}
			for _, id := range []app.TicketID{"bulk", "single"} {
				steps, err := db.TicketHistory(ctx, "t1", id)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, s := range steps {
					got = append(got, string(s.To)+"@"+s.At.UTC().Format("15:04"))
				}
				want := []string{"assigned@08:00", "on_site@10:00", "in_progress@10:00", "completed@11:00", "closed@12:00"}
				if !slices.Equal(got, want) {
					t.Errorf("%s's history: %v, want %v", id, got, want)
				}
			}
			n, err := db.Numbers(ctx, NumbersQuery{Tenant: "t1", From: day, To: day.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			f := n.Tenant
			if f.Closed != 2 || f.SLAMet != 2 || f.SLADue != 2 || f.RespondMet != 0 || f.RespondDue != 2 || f.OnSiteTickets != 2 || f.AvgOnSite != time.Hour {
				t.Errorf("figures of the loaded work: %+v", f)
			}
		})
	}
}

package central

import (
	"context"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// fieldWorld is newWorld on a database whose clock the test moves, with
// an on-site ticket of technician A due for a response and a resolution
// (onSite), created at its created.
type fieldWorld struct {
	*world
	setNow  func(time.Time)
	onSite  app.Ticket
	created time.Time
	seq     int64
}

func newFieldWorld(t *testing.T, cfg Config) *fieldWorld {
	t.Helper()
	var setNow func(time.Time)
	cfg.Clock, setNow = movableClock()
	db := openTestDB(t, cfg)
	w := &fieldWorld{world: newWorld(t, db), setNow: setNow, created: testNow.Add(-12 * time.Hour)}
	w.onSite = w.ticketA
	w.onSite.ID, w.onSite.Number, w.onSite.Kind = "tk-visit", "FB-9", app.KindOnSite
	w.onSite.CreatedAt, w.onSite.UpdatedAt = w.created, w.created
	w.onSite.Diagnosis = "drain pump seized" // a completion needs one
	w.onSite.RespondBy, w.onSite.ResolveBy = w.created.Add(2*time.Hour), w.created.Add(3*time.Hour)
	if err := db.LoadDataset(context.Background(), tenant, app.Dataset{Tickets: []app.TicketDetail{{Ticket: w.onSite}}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// pushAt pushes cmd as technician A's device made it at at.
func (w *fieldWorld) pushAt(t *testing.T, at time.Time, cmd app.Command) PushResult {
	t.Helper()
	w.seq++
	m, err := app.NewMutation(cmd, at)
	if err != nil {
		t.Fatal(err)
	}
	m.Seq = w.seq
	return push(t, w.db, w.a, m)
}

// steps is the ticket's history as the admin endpoint gives it.
func (w *fieldWorld) steps(t *testing.T, id app.TicketID) []Step {
	t.Helper()
	steps, err := w.db.TicketHistory(context.Background(), tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// dispatchCancel has dispatch cancel ticket id through the admin API at
// now, the server's clock, its mutation dated at.
func (w *fieldWorld) dispatchCancel(t *testing.T, id app.TicketID, now, at time.Time) {
	t.Helper()
	w.setNow(now)
	m, err := app.NewMutation(&app.TransitionTicket{Action: app.ActionCancel, Ticket: id, Epoch: 1, Reason: "customer called off"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApplyAdmin(context.Background(), w.dispatch, m); err != nil {
		t.Fatal(err)
	}
}

func visitStep(a app.Action, id app.TicketID) app.Command {
	return &app.TransitionTicket{Action: a, Ticket: id, Epoch: 1, Resolution: app.ResolutionRepaired}
}

// TestHistoryCountsStepsWhenTaken: a visit done offline (depart, arrive,
// start, a repair, complete and close, all before the SLA's times) and
// synced hours later keeps each step's field time beside the server's;
// the office's figures count the field times, so the job the service
// report shows on time is met in the figures too (it read "missed" when
// they counted the sync), and its time on site is the visit's.
func TestHistoryCountsStepsWhenTaken(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		w := newFieldWorld(t, cfg)
		id := w.onSite.ID
		departed := w.created.Add(30 * time.Minute)
		arrived := departed.Add(40 * time.Minute)
		completed := arrived.Add(75 * time.Minute)
		closed := completed.Add(5 * time.Minute)
		// Synced past both SLA times, the day after the visit.
		synced := w.onSite.ResolveBy.Add(2 * time.Hour)
		w.setNow(synced)
		for _, s := range []struct {
			at  time.Time
			cmd app.Command
		}{
			{departed, visitStep(app.ActionDepart, id)},
			{arrived, visitStep(app.ActionArrive, id)},
			{arrived.Add(5 * time.Minute), visitStep(app.ActionStart, id)},
			{completed.Add(-10 * time.Minute), repair(fid("visit-repair"), id, 45)},
			{completed, visitStep(app.ActionComplete, id)},
			{closed, visitStep(app.ActionClose, id)},
		} {
			if res := w.pushAt(t, s.at, s.cmd); len(res.Rejected) > 0 {
				t.Fatalf("rejected %+v", res.Rejected)
			}
		}

		want := []struct {
			to      app.Status
			fieldAt time.Time
		}{
			{app.StatusAssigned, w.created}, // loaded: when the ticket says it was created
			{app.StatusEnRoute, departed},
			{app.StatusOnSite, arrived},
			{app.StatusInProgress, arrived.Add(5 * time.Minute)},
			{app.StatusCompleted, completed},
			{app.StatusClosed, closed},
		}
		steps := w.steps(t, id)
		if len(steps) != len(want) {
			t.Fatalf("history %+v, want %d steps", steps, len(want))
		}
		for i, s := range steps {
			if s.To != want[i].to || !s.FieldAt.Equal(want[i].fieldAt) {
				t.Errorf("step %d: to %s in the field at %v, want %s at %v", i, s.To, s.FieldAt, want[i].to, want[i].fieldAt)
			}
			if i > 0 && !s.At.Equal(synced) {
				t.Errorf("step %d (%s): written at %v, want the sync's %v", i, s.To, s.At, synced)
			}
		}

		n, err := w.db.Numbers(context.Background(), NumbersQuery{Tenant: tenant, From: w.created.Truncate(24 * time.Hour), To: synced.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		onSite := completed.Sub(arrived)
		if got, wantFigs := n.Tenant, (Figures{Closed: 1, SLAMet: 1, SLADue: 1, RespondMet: 1, RespondDue: 1, FirstTimeFix: 1,
			OnSite: onSite, OnSiteTickets: 1, AvgOnSite: onSite}); got != wantFigs {
			t.Errorf("figures %+v\nwant %+v", got, wantFigs)
		}
		if closed.YearDay() == synced.YearDay() {
			t.Fatalf("closed %v and synced %v on one day: the per-day figures cannot tell them apart", closed, synced)
		}
		if day := n.PerDay[0]; !day.Day.Equal(w.created.Truncate(24*time.Hour)) || day.Closed != 1 {
			t.Errorf("per day %+v: want the close counted on the day it was closed, %v", n.PerDay, closed)
		}
	})
}

// TestStepsNeverGoBackwards: a step whose device's time precedes the
// ticket's previous step (a second device whose clock is behind) is
// taken at the server's time, never before the previous step; dispatch's
// steps are the server's whatever time their mutation carries.
func TestStepsNeverGoBackwards(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		w := newFieldWorld(t, cfg)
		id := w.onSite.ID
		departed := testNow.Add(-time.Hour)
		if res := w.pushAt(t, departed, visitStep(app.ActionDepart, id)); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		synced := testNow.Add(20 * time.Minute)
		w.setNow(synced)
		if res := w.pushAt(t, departed.Add(-30*time.Minute), visitStep(app.ActionArrive, id)); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		cancelled := synced.Add(time.Minute)
		w.dispatchCancel(t, id, cancelled, departed)
		steps := w.steps(t, id)
		if len(steps) != 4 {
			t.Fatalf("history %+v, want created, departed, arrived, cancelled", steps)
		}
		if got := steps[1].FieldAt; !got.Equal(departed) {
			t.Errorf("departure in the field at %v, want the device's %v", got, departed)
		}
		if got := steps[2].FieldAt; !got.Equal(synced) {
			t.Errorf("arrival stamped before the departure: in the field at %v, want the server's %v", got, synced)
		}
		if got := steps[3].FieldAt; steps[3].To != app.StatusCancelled || !got.Equal(cancelled) {
			t.Errorf("dispatch's cancel: %s in the field at %v, want cancelled at the server's %v", steps[3].To, got, cancelled)
		}
	})
}

// TestAcceptOursKeepsTheTechniciansTime: a start refused (dispatch had
// reassigned the ticket before the technician, offline, started it) and
// accepted by dispatch two days later is applied at the time the
// technician started, in the ticket and in its history; the history's
// server time is the decision's.
func TestAcceptOursKeepsTheTechniciansTime(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		w := newFieldWorld(t, cfg)
		ctx := context.Background()
		id := w.ticketA.ID
		w.setNow(testNow.Add(-2 * time.Hour))
		if err := w.db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.AssignTicket{Ticket: id, Technician: "tech-b"})); err != nil {
			t.Fatal(err)
		}
		w.setNow(testNow)
		started := testNow.Add(-time.Hour)
		res := w.pushAt(t, started, start(id, 1))
		if len(res.Rejected) != 1 {
			t.Fatalf("rejected %+v, want the start on the reassigned ticket", res.Rejected)
		}
		decided := testNow.Add(48 * time.Hour)
		w.setNow(decided)
		if _, err := w.db.ResolveConflict(ctx, w.dispatch, res.Rejected[0].Conflict, app.ResolveAcceptOurs); err != nil {
			t.Fatal(err)
		}
		if got := detail(t, w.db, id).Ticket.StartedAt; !got.Equal(started) {
			t.Errorf("started at %v after accept_ours, want the technician's %v", got, started)
		}
		steps := w.steps(t, id)
		last := steps[len(steps)-1]
		if last.To != app.StatusInProgress || !last.FieldAt.Equal(started) || !last.At.Equal(decided) {
			t.Errorf("last step %+v, want in progress in the field at %v, written at the decision's %v", last, started, decided)
		}
	})
}

// TestHistoryFieldAtMigrates: a database made before the history had
// field_at gets the column on open, every row's field time its server
// time, the one time it knew; new steps carry their own.
func TestHistoryFieldAtMigrates(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		db := openTestDB(t, cfg)
		w := newWorld(t, db)
		ctx := context.Background()
		if res := push(t, db, w.a, mut(t, 1, start(w.ticketA.ID, 1))); len(res.Rejected) > 0 {
			t.Fatalf("rejected %+v", res.Rejected)
		}
		// The table as the service before field_at made it.
		for _, stmt := range []string{`DROP INDEX history_closed_field`, `ALTER TABLE history DROP COLUMN field_at`,
			`CREATE INDEX history_closed ON history (tenant, to_status, at)`} {
			if _, err := db.write.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = openTestDB(t, cfg)
		steps, err := db.TicketHistory(ctx, tenant, w.ticketA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 2 {
			t.Fatalf("history %+v, want created and started", steps)
		}
		for _, s := range steps {
			if !s.FieldAt.Equal(s.At) {
				t.Errorf("migrated step to %s: in the field at %v, want its server time %v", s.To, s.FieldAt, s.At)
			}
		}
		conn, err := db.write.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		indexes, err := db.indexNames(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		if !indexes["history_closed_field"] || indexes["history_closed"] {
			t.Errorf("indexes after the migration: history_closed_field %v, history_closed %v; want the field time's only", indexes["history_closed_field"], indexes["history_closed"])
		}
	})
}

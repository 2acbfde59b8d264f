package central

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// likelyTicket is a ticket of the likely-parts fixture: brand Cool's
// appliances (models A and B) and brand Other's model C.
func likelyTicket(id string, tech app.TechnicianID, brand, model, fault string, status app.Status) app.Ticket {
	t := app.Ticket{ID: app.TicketID(id), Number: "FB-" + id, Kind: app.KindOnSite, Country: "CN",
		Product:  app.Product{Category: app.CategoryAppliance, Brand: brand, Model: model},
		Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0000", Address: "1 Road"}, Fault: fault,
		Priority: app.PriorityNormal, Technician: tech, Epoch: 1, Status: status,
		CreatedAt: testNow.Add(-40 * 24 * time.Hour), UpdatedAt: testNow.Add(-30 * 24 * time.Hour)}
	if status == app.StatusClosed {
		t.CompletedAt = testNow.Add(-30 * 24 * time.Hour)
		t.ResolutionCode = app.ResolutionRepaired
		t.Diagnosis = "replaced a part"
	}
	return t
}

// loadLikelyWorld loads a history with a known answer: ten closed tickets
// of model A reporting "No cooling", eight of which fitted part X and two
// part Y; two of model A reporting noise, which fitted Z (Z also fits
// model B); one of brand Other's model C that fitted nothing. The open
// tickets: one of A with no cooling (tech-a), one of B (tech-a), one of C
// (tech-b); a closed and a cancelled ticket of A, which get no list.
func loadLikelyWorld(t *testing.T, db *DB) {
	t.Helper()
	ds := app.Dataset{
		Technicians: []app.Technician{{ID: "tech-a", Name: "A", Country: "CN", Van: "van-a"}, {ID: "tech-b", Name: "B", Country: "CN", Van: "van-b"}},
		Locations: []app.Location{{ID: "van-a", Kind: app.LocationVan, Name: "Van A", Owner: "tech-a"},
			{ID: "van-b", Kind: app.LocationVan, Name: "Van B", Owner: "tech-b"}},
		Parts: []app.Part{
			{Number: "X", NameEN: "Compressor relay", Class: app.ClassMain, Models: []string{"A"}},
			{Number: "Y", NameEN: "Thermostat", Class: app.ClassMain, Models: []string{"A"}},
			{Number: "Z", NameEN: "Fan motor", Class: app.ClassMain, Models: []string{"A", "B"}},
		},
	}
	add := func(tk app.Ticket, parts ...app.PartNumber) {
		d := app.TicketDetail{Ticket: tk}
		for i, p := range parts {
			d.Parts = append(d.Parts, app.PartUsed{ID: fmt.Sprintf("pu-%s-%d", tk.ID, i), Ticket: tk.ID, Part: p, Qty: 1, From: "van-a", At: tk.CompletedAt})
		}
		ds.Tickets = append(ds.Tickets, d)
	}
	for i := range 10 {
		part := app.PartNumber("X")
		if i >= 8 {
			part = "Y"
		}
		add(likelyTicket(fmt.Sprintf("h-cool-%02d", i), "tech-a", "Cool", "A", "No cooling since Monday", app.StatusClosed), part)
	}
	for i := range 2 {
		add(likelyTicket(fmt.Sprintf("h-noise-%02d", i), "tech-a", "Cool", "A", "Loud noise", app.StatusClosed), "Z")
	}
	add(likelyTicket("h-other", "tech-b", "Other", "C", "No cooling", app.StatusClosed))
	add(likelyTicket("open-a", "tech-a", "Cool", "A", "The fridge is not cooling: no cooling at all", app.StatusAssigned))
	add(likelyTicket("open-b", "tech-a", "Cool", "B", "Does not start", app.StatusAssigned))
	add(likelyTicket("open-c", "tech-b", "Other", "C", "No cooling", app.StatusAssigned))
	cancelled := likelyTicket("cancelled-a", "tech-a", "Cool", "A", "No cooling", app.StatusCancelled)
	cancelled.StatusReason = "customer called off"
	add(cancelled)
	if err := db.LoadDataset(context.Background(), tenant, ds); err != nil {
		t.Fatal(err)
	}
}

// likelyList reads a ticket's stored list; ok is false when it has none.
func likelyList(t *testing.T, db *DB, ticket string) (app.LikelyParts, bool) {
	t.Helper()
	ls, err := entitiesByID[app.LikelyParts](context.Background(), db, db.read, tenant, kindLikelyParts, []string{ticket})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := ls[ticket]
	return l, ok
}

// likelyVersion is the change-log version of a ticket's list in a scope
// (0: never sent there).
func likelyVersion(t *testing.T, db *DB, scope, ticket string) int64 {
	t.Helper()
	var v int64
	err := db.read.QueryRowContext(context.Background(), db.q(`SELECT version FROM changes WHERE scope = ? AND kind = ? AND id = ? AND gone = 0`),
		scope, kindLikelyParts, ticket).Scan(&v)
	if err == sql.ErrNoRows {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRefreshLikelyParts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLikelyWorld(t, db)
		st, err := db.RefreshLikelyParts(ctx, tenant, testNow)
		if err != nil {
			t.Fatal(err)
		}
		// 13 closed cases (the cancelled ticket is none), 3 open tickets.
		if want := (RefreshStats{Cases: 13, Open: 3, Written: 2, Unchanged: 1}); st != want {
			t.Fatalf("first run %+v, want %+v", st, want)
		}

		a, ok := likelyList(t, db, "open-a")
		// X and Y from the no-cooling tickets, then Z, fitted on model A
		// for another symptom, at the model's small share.
		if !ok || len(a.Parts) != 3 || a.Parts[0].Part != "X" || a.Parts[1].Part != "Y" || a.Parts[2].Part != "Z" || a.Parts[2].Probability >= a.Parts[1].Probability {
			t.Fatalf("model A, no cooling: %+v, want X, Y, then Z least", a)
		}
		// 8 of the 10 no-cooling tickets fitted X: blended with the model's
		// and family's shares, (8 + 2*0.65)/12 = 0.78.
		if x := a.Parts[0]; x.Probability < 0.75 || x.Probability > 0.82 || x.Basis != app.BasisModelSymptom || x.Support != 10 {
			t.Errorf("X: %+v, want p about 0.78 from 10 model+symptom cases", x)
		}
		if !a.At.Equal(testNow) {
			t.Errorf("computed at %v, want %v", a.At, testNow)
		}
		// Model B has no history of its own: the family's, and of its parts
		// only Z fits B (2 of 12 family cases: 2/14 = 0.14).
		b, _ := likelyList(t, db, "open-b")
		if len(b.Parts) != 1 || b.Parts[0].Part != "Z" || b.Parts[0].Basis != app.BasisFamily || b.Parts[0].Probability != 0.14 {
			t.Errorf("model B: %+v, want only Z from the family at 0.14", b)
		}
		// Model C's one case fitted nothing: no list, none written.
		if c, ok := likelyList(t, db, "open-c"); ok {
			t.Errorf("model C: %+v, want no list", c)
		}
		for _, id := range []string{"h-cool-00", "cancelled-a"} {
			if l, ok := likelyList(t, db, id); ok {
				t.Errorf("finished ticket %s got a list: %+v", id, l)
			}
		}

		// Sent in the ticket's technician's scope only.
		va := likelyVersion(t, db, techScope(tenant, "tech-a"), "open-a")
		if va == 0 || likelyVersion(t, db, techScope(tenant, "tech-b"), "open-a") != 0 || likelyVersion(t, db, techScope(tenant, "tech-a"), "open-b") == 0 {
			t.Fatalf("scopes: open-a in tech-a's at %d, or in tech-b's, or open-b missing from tech-a's", va)
		}

		// tech-a's device pulls its two tickets' lists, not tech-b's.
		dev := pairDevice(t, db, "tech-a")
		lists, cursor := pullLikely(t, db, dev, "")
		if len(lists) != 2 || lists["open-a"].Parts[0].Part != "X" || lists["open-b"].Parts[0].Part != "Z" {
			t.Fatalf("tech-a's device pulled %+v, want the lists of open-a and open-b", lists)
		}

		// Nothing changed: nothing is written, the change log stays.
		st, err = db.RefreshLikelyParts(ctx, tenant, testNow.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := (RefreshStats{Cases: 13, Open: 3, Unchanged: 3}); st != want {
			t.Fatalf("second run %+v, want %+v", st, want)
		}
		if v := likelyVersion(t, db, techScope(tenant, "tech-a"), "open-a"); v != va {
			t.Errorf("unchanged list re-sent: version %d, was %d", v, va)
		}
		if a2, _ := likelyList(t, db, "open-a"); !a2.At.Equal(testNow) {
			t.Errorf("unchanged list rewritten at %v", a2.At)
		}
		if again, _ := pullLikely(t, db, dev, cursor); len(again) != 0 {
			t.Errorf("the device pulled unchanged lists again: %+v", again)
		}

		// The ticket moves to tech-b: its list goes with it, and the next
		// run has nothing to write.
		err = db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
			s := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
			tk, err := s.Ticket(ctx, "open-a")
			if err != nil {
				return err
			}
			tk.Technician, tk.Epoch = "tech-b", tk.Epoch+1
			return s.SaveTicket(ctx, tk)
		})
		if err != nil {
			t.Fatal(err)
		}
		st, err = db.RefreshLikelyParts(ctx, tenant, testNow.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if st.Written != 0 || likelyVersion(t, db, techScope(tenant, "tech-b"), "open-a") == 0 {
			t.Errorf("after reassignment: %+v, list in tech-b's scope at %d", st, likelyVersion(t, db, techScope(tenant, "tech-b"), "open-a"))
		}
	})
}

// pullLikely pulls a device's pages from cursor to the end and returns
// the likely-parts lists they held, by ticket, and the last cursor.
func pullLikely(t *testing.T, db *DB, p Principal, cursor string) (map[app.TicketID]app.LikelyParts, string) {
	t.Helper()
	out := map[app.TicketID]app.LikelyParts{}
	for range 100 {
		res, err := db.Pull(context.Background(), p, cursor, DefaultPageBytes)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range res.Data.LikelyParts {
			out[l.Ticket] = l
		}
		cursor = res.Cursor
		if !res.More {
			return out, cursor
		}
	}
	t.Fatal("pull did not end in 100 pages")
	return nil, ""
}

// TestLikelyRun runs the job's passes: a full one, then a ticket created
// after it gets its list at the next short pass, which looks only at
// tickets without a list; the log holds counts and no customer's data.
func TestLikelyRun(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		loadLikelyWorld(t, db)
		var logs strings.Builder
		log := slog.New(slog.NewTextHandler(&logs, nil))
		models := map[string]*likelyModel{}
		db.likelyRun(ctx, models, true, log)
		if _, ok := likelyList(t, db, "open-a"); !ok || models[tenant] == nil {
			t.Fatalf("the full pass wrote no list for open-a, or kept no model")
		}
		err := db.writeTx(ctx, func(ctx context.Context, tx *sql.Tx, version int64) error {
			s := &serverTx{db: db, tx: tx, tenant: tenant, version: version}
			return s.SaveTicket(ctx, likelyTicket("new-a", "tech-a", "Cool", "A", "No cooling", app.StatusAssigned))
		})
		if err != nil {
			t.Fatal(err)
		}
		logs.Reset()
		db.likelyRun(ctx, models, false, log)
		if l, ok := likelyList(t, db, "new-a"); !ok || len(l.Parts) == 0 || l.Parts[0].Part != "X" {
			t.Errorf("new ticket's list %+v (stored %v), want X first", l, ok)
		}
		line := logs.String()
		// It looks only at the tickets without a list: new-a, and open-c,
		// for which nothing is known.
		for _, want := range []string{"full=false", "open=2", "written=1"} {
			if !strings.Contains(line, want) {
				t.Errorf("log %q lacks %q", line, want)
			}
		}
		// The whole phone, not a part of it: "138" alone turns up in a
		// timestamp's milliseconds one run in a thousand.
		for _, secret := range []string{"Li Na", "138 0000 0000", "1 Road", "cooling", "new-a"} {
			if strings.Contains(line, secret) {
				t.Errorf("log %q holds %q", line, secret)
			}
		}
		// Nothing new: the short pass writes and logs nothing.
		logs.Reset()
		db.likelyRun(ctx, models, false, log)
		if logs.Len() != 0 {
			t.Errorf("idle short pass logged %q", logs.String())
		}
	})
}

// TestLikelyCaseModelKey: a ticket's model and brand are keyed as the
// catalog compares models (app.ModelKey), so a ticket typed full-width by
// a Chinese input method is the same case as one typed in ASCII.
func TestLikelyCaseModelKey(t *testing.T) {
	typed := likelyCase(app.Product{Category: app.CategoryPhone, Brand: "ＨＵＡＷＥＩ ", Model: "Ｍａｔｅ　６０"}, "No power")
	ascii := likelyCase(app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "mate  60"}, "No power")
	if typed.Model != ascii.Model || typed.Family != ascii.Family {
		t.Errorf("full-width case %q %q, ASCII case %q %q", typed.Model, typed.Family, ascii.Model, ascii.Family)
	}
}

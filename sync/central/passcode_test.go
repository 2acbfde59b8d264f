package central

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// holdsSecret lists where the database holds secret: on SQLite, the
// files it is in (after a checkpoint that empties the log); on
// PostgreSQL, the text columns of every table of the schema.
func holdsSecret(t *testing.T, db *DB, secret string) []string {
	t.Helper()
	ctx := context.Background()
	var in []string
	if db.dialect != dialectPostgres {
		if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		for _, name := range sqliteFiles {
			b, err := os.ReadFile(filepath.Join(db.dir, name))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(secret)) {
				in = append(in, name)
			}
		}
		return in
	}
	rows, err := db.read.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text'`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("found only %d text columns: %v", len(cols), cols)
	}
	for _, c := range cols {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM "`+c[0]+`" WHERE strpos("`+c[1]+`", $1) > 0`, secret).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			in = append(in, c[0]+"."+c[1])
		}
	}
	return in
}

func passcodesOf(ds app.Dataset, id app.TicketID) []app.Passcode {
	var out []app.Passcode
	for _, p := range ds.Passcodes {
		if p.Ticket == id {
			out = append(out, p)
		}
	}
	return out
}

// TestPasscodeReachesOnlyItsStoreAndTechnician: the counter's passcode
// reaches the devices of the ticket's store and of its technician, no
// other; it is in no admin answer and no conflict; dispatch may not set
// it; closing the ticket erases it on every device that had it and
// leaves no copy in the database.
func TestPasscodeReachesOnlyItsStoreAndTechnician(t *testing.T) {
	const secret = "Pass-4711-secret"
	forEachBackend(t, func(t *testing.T, db *DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tk := w.ticketA
		tk.ID, tk.Number, tk.Store, tk.Status, tk.ResolutionCode = "tk-shop", "FB-7", "store-1", app.StatusCompleted, app.ResolutionRepaired
		tk.StartedAt, tk.CompletedAt = testNow.Add(-time.Hour), testNow.Add(-time.Minute)
		if err := db.LoadDataset(ctx, tenant, app.Dataset{
			Technicians: []app.Technician{{ID: "clerk-1", Name: "C", Country: "CN", Store: "store-1"}, {ID: "clerk-1b", Name: "E", Country: "CN", Store: "store-1"},
				{ID: "clerk-2", Name: "D", Country: "CN", Store: "store-2"}},
			Tickets: []app.TicketDetail{{Ticket: tk}},
		}); err != nil {
			t.Fatal(err)
		}
		clerk, colleague, stranger := pairDevice(t, db, "clerk-1"), pairDevice(t, db, "clerk-1b"), pairDevice(t, db, "clerk-2")
		curs := map[string]string{}
		for name, p := range map[string]Principal{"colleague": colleague, "tech": w.a, "stranger": stranger, "field": w.b} {
			_, curs[name], _ = pullAll(t, db, p, "", DefaultPageBytes)
		}
		if res := push(t, db, clerk, mut(t, 1, &app.SetPasscode{Ticket: tk.ID, Kind: app.PasscodeText, Secret: secret})); len(res.Rejected) != 0 {
			t.Fatalf("the clerk's passcode was refused: %+v", res.Rejected)
		}
		// A clerk of another store is refused, and the conflict filed
		// for it does not keep the secret.
		if res := push(t, db, stranger, mut(t, 1, &app.SetPasscode{Ticket: tk.ID, Kind: app.PasscodeText, Secret: secret + "-x"})); len(res.Rejected) != 1 {
			t.Fatalf("another store's clerk: %+v, want refused", res)
		}
		err := db.ApplyAdmin(ctx, w.dispatch, mut(t, 0, &app.SetPasscode{Ticket: tk.ID, Kind: app.PasscodeText, Secret: "1234"}))
		if app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("dispatch setting a passcode: %v, want EFORBIDDEN", err)
		}
		for name, want := range map[string]bool{"colleague": true, "tech": true, "stranger": false, "field": false} {
			p := map[string]Principal{"colleague": colleague, "tech": w.a, "stranger": stranger, "field": w.b}[name]
			ds, cur, _ := pullAll(t, db, p, curs[name], DefaultPageBytes)
			curs[name] = cur
			got := passcodesOf(ds, tk.ID)
			if want && (len(got) != 1 || got[0].Secret != secret || got[0].Kind != app.PasscodeText || !slices.Contains(ticketIDs(ds), tk.ID) && len(ds.Tickets) == 0 && cur == "") {
				t.Errorf("%s pulled passcodes %+v, want the clerk's", name, got)
			}
			if !want && (len(ds.Passcodes) != 0 || bytes.Contains([]byte(mustJSONc(ds)), []byte(secret))) {
				t.Errorf("%s pulled passcodes %+v, want none", name, ds.Passcodes)
			}
		}
		d := detail(t, db, tk.ID)
		list, err := db.Tickets(ctx, tenant, "")
		if err != nil {
			t.Fatal(err)
		}
		for what, v := range map[string]any{"ticket detail": d, "ticket list": list} {
			if bytes.Contains([]byte(mustJSONc(v)), []byte(secret)) {
				t.Errorf("the admin %s holds the passcode", what)
			}
		}
		if in := holdsSecret(t, db, secret+"-x"); len(in) != 0 {
			t.Errorf("the refused passcode is kept in %v", in)
		}
		if res := push(t, db, w.a, mut(t, 1, &app.TransitionTicket{Action: app.ActionClose, Ticket: tk.ID, Epoch: 1})); len(res.Rejected) != 0 {
			t.Fatalf("close refused: %+v", res.Rejected)
		}
		for _, name := range []string{"colleague", "tech"} {
			p := map[string]Principal{"colleague": colleague, "tech": w.a}[name]
			ds, _, _ := pullAll(t, db, p, curs[name], DefaultPageBytes)
			if got := passcodesOf(ds, tk.ID); len(got) != 1 || got[0].Secret != "" {
				t.Errorf("%s's pull after the close: passcodes %+v, want the erasure", name, got)
			}
		}
		if in := holdsSecret(t, db, secret); len(in) != 0 {
			t.Errorf("after the close the passcode is still in %v", in)
		}
		if res := push(t, db, clerk, mut(t, 2, &app.SetPasscode{Ticket: tk.ID, Kind: app.PasscodeText, Secret: secret})); len(res.Rejected) != 1 || res.Rejected[0].Key != "passcode.ticket_closed" {
			t.Fatalf("a passcode on the closed ticket: %+v, want passcode.ticket_closed", res)
		}
		if in := holdsSecret(t, db, secret); len(in) != 0 {
			t.Errorf("the refused passcode on the closed ticket is in %v", in)
		}
	})
}

package store

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// fileHolds reports which of the database's files hold secret.
func fileHolds(t *testing.T, db *DB, secret string) []string {
	t.Helper()
	var in []string
	for _, p := range []string{db.path, db.path + "-wal", db.path + "-journal"} {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			in = append(in, p)
		}
	}
	return in
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (r *replica) passcode(id app.TicketID) app.Passcode {
	r.t.Helper()
	p, err := r.db.Passcode(r.t.Context(), ana, id)
	if err != nil {
		r.t.Fatalf("Passcode(%s): %v", id, err)
	}
	return p
}

// TestPasscodeLeavesNoBytes: a passcode set at the counter, and one
// pulled from the server, are readable until the ticket is closed (or the
// server erases it); after the close and the server's acknowledgement, no
// byte of either is in the database file or its write-ahead log, and the
// outbox keeps the mutation with its secret redacted.
func TestPasscodeLeavesNoBytes(t *testing.T) {
	r := newReplica(t)
	const mine, pulled, gone = "counter-secret-4711", "pulled-secret-0815", "gone-secret-2024"
	m1 := r.commit(ana, &app.SetPasscode{Ticket: storetest.T5, Kind: app.PasscodeText, Secret: mine})
	if p := r.passcode(storetest.T5); p.Secret != mine || p.Kind != app.PasscodeText {
		t.Fatalf("after the commit: %+v", p)
	}
	r.apply(app.PullPage{Epoch: "e1", Acked: 0, Cursor: "c1", Data: app.Dataset{Passcodes: []app.Passcode{
		{Ticket: storetest.T4, Kind: app.PasscodeText, Secret: pulled},
		{Ticket: storetest.T2, Kind: app.PasscodeText, Secret: gone},
		// The server's older passcode does not replace one still pending.
		{Ticket: storetest.T5, Kind: app.PasscodePattern, Secret: "1-2-3-4"},
	}}})
	if p := r.passcode(storetest.T4); p.Secret != pulled {
		t.Fatalf("the pulled passcode: %+v", p)
	}
	if p := r.passcode(storetest.T5); p.Secret != mine {
		t.Fatalf("a pending passcode after a pull: %+v, want %q", p, mine)
	}
	if d := r.detail(storetest.T5); strings.Contains(mustJSON(t, d), mine) {
		t.Errorf("the ticket's detail holds its passcode")
	}
	m2 := r.commit(ana, &app.TransitionTicket{Action: app.ActionClose, Ticket: storetest.T5, Epoch: 1})
	if p := r.passcode(storetest.T5); p.Secret != "" {
		t.Fatalf("after the close: %+v, want none", p)
	}
	r.apply(app.PullPage{Epoch: "e1", Acked: m2.Seq, Cursor: "c2", Data: app.Dataset{Passcodes: []app.Passcode{{Ticket: storetest.T4}}}})
	// T2 leaves the device's scopes (reassigned): its passcode goes with
	// the ticket, in a page that erases no other.
	r.apply(app.PullPage{Epoch: "e1", Acked: m2.Seq, Cursor: "c3", Data: app.Dataset{GoneTickets: []app.TicketID{storetest.T2}}})
	if p := r.passcode(storetest.T4); p.Secret != "" {
		t.Fatalf("after the server's erasure: %+v, want none", p)
	}
	var args string
	if err := r.db.read.QueryRowContext(t.Context(), `SELECT args FROM outbox WHERE seq = ?`, m1.Seq).Scan(&args); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(args, app.PasscodeRedacted) || strings.Contains(args, mine) {
		t.Errorf("the acknowledged mutation's arguments: %s", args)
	}
	if r.has(storetest.T2) {
		t.Fatal("the gone ticket is still on the device")
	}
	for _, s := range []string{mine, pulled, gone} {
		if in := fileHolds(t, r.db, s); len(in) > 0 {
			t.Errorf("%q is still in %v", s, in)
		}
	}
	if _, err := r.db.write.ExecContext(t.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{mine, pulled, gone} {
		if in := fileHolds(t, r.db, s); len(in) > 0 {
			t.Errorf("after a checkpoint, %q is still in %v", s, in)
		}
	}
}

// TestPasscodeReader: only counter staff of the ticket's store and its
// technician read it.
func TestPasscodeReader(t *testing.T) {
	r := newReplica(t)
	r.commit(ana, &app.SetPasscode{Ticket: storetest.T2, Kind: app.PasscodePattern, Secret: "1-5-9-6"})
	for name, tc := range map[string]struct {
		actor app.Actor
		code  string
	}{
		"Technician": {ana, ""},
		"Colleague":  {app.Actor{Role: app.RoleTechnician, Technician: storetest.Bo, Store: "store-sh", Name: "Bo"}, app.EFORBIDDEN},
		"Dispatch":   {app.Actor{Role: app.RoleDispatcher, Name: "D"}, app.EFORBIDDEN},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := r.db.Passcode(t.Context(), tc.actor, storetest.T2)
			if app.ErrorCode(err) != tc.code || tc.code == "" && p.Secret != "1-5-9-6" || tc.code != "" && p.Secret != "" {
				t.Fatalf("Passcode = %+v, %v; want code %q", p, err, tc.code)
			}
		})
	}
}

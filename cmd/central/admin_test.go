package main

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestAdminNamesTicketsAndMutationsAsShown: a dispatcher copies a ticket's
// number from the terminal and a mutation's full name from a conflict; the
// CLI takes both as given (liveday finding 10).
func TestAdminNamesTicketsAndMutationsAsShown(t *testing.T) {
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tk := app.Ticket{ID: "tk-1", Number: "FB-2026-002700", Kind: app.KindOnSite, Country: "CN", Technician: "tech-1", Epoch: 1, Status: app.StatusAssigned,
		Priority: app.PriorityNormal, Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0111", Address: "1 Road"}, Product: app.Product{Category: app.CategoryPhone}}
	if err := db.LoadDataset(ctx, "default", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang", Country: "CN"}},
		Tickets: []app.TicketDetail{{Ticket: tk}}}); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.NewServer(db, nil))
	defer srv.Close()
	tests := []struct {
		name    string
		args    []string
		code    string // "" when it succeeds
		key     string
		out     string // in the output when it succeeds
		address string // the ticket's afterwards
	}{
		{"TicketByID", []string{"ticket", "tk-1"}, "", "", `"FB-2026-002700"`, "1 Road"},
		{"TicketByNumber", []string{"ticket", "FB-2026-002700"}, "", "", `"tk-1"`, "1 Road"},
		{"TicketByLowerCaseNumber", []string{"ticket", "fb-2026-002700"}, "", "", `"tk-1"`, "1 Road"},
		{"UnknownTicket", []string{"ticket", "FB-2026-999999"}, app.ENOTFOUND, "central.no_ticket", "", "1 Road"},
		{"CustomerByNumber", []string{"customer", "FB-2026-002700", "address", "2 Road"}, "", "", `was "1 Road"`, "2 Road"},
		{"MutateWithoutVersion", []string{"mutate", "ticket.update", `{"ticket":"tk-1","set":{"customer_address":"3 Road"},"base":{"customer_address":"2 Road"}}`}, "", "", "", "3 Road"},
		{"MutateWithVersion", []string{"mutate", "ticket.update.v1", `{"ticket":"tk-1","set":{"customer_address":"4 Road"},"base":{"customer_address":"3 Road"}}`}, "", "", "", "4 Road"},
		{"MutateByNumber", []string{"mutate", "ticket.update", `{"ticket":"FB-2026-002700","set":{"customer_address":"4a Road"},"base":{"customer_address":"4 Road"}}`}, "", "", "", "4a Road"},
		{"MutateByUnknownNumber", []string{"mutate", "ticket.update", `{"ticket":"FB-2026-999999","set":{"customer_address":"4b Road"},"base":{"customer_address":"4a Road"}}`}, app.ENOTFOUND, "", "", "4a Road"},
		{"MutateUnknownVersion", []string{"mutate", "ticket.update.v9", `{"ticket":"tk-1","set":{"customer_address":"5 Road"},"base":{"customer_address":"4a Road"}}`}, app.EINVALID, "mutation.unknown", "", "4a Road"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := admin(ctx, append([]string{"-server", srv.URL, "-token-file", tokenFile(t, token)}, tc.args...), &out)
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("%v: %v (%s), want code %q", tc.args, err, out.String(), tc.code)
			}
			var ae *app.Error
			if tc.key != "" && (!errors.As(err, &ae) || ae.Key != tc.key) {
				t.Fatalf("%v: %v, want key %s", tc.args, err, tc.key)
			}
			if !strings.Contains(out.String(), tc.out) {
				t.Fatalf("%v: output %s, want %s in it", tc.args, out.String(), tc.out)
			}
			d, err := db.TicketDetail(ctx, "default", "tk-1")
			if err != nil {
				t.Fatal(err)
			}
			if d.Ticket.Customer.Address != tc.address {
				t.Fatalf("address %q, want %q", d.Ticket.Customer.Address, tc.address)
			}
		})
	}
}

// TestAdminCash: the office lists a technician's cash and records its
// hand-in from the command line; a hand-in that does not add up is
// refused and changes nothing.
func TestAdminCash(t *testing.T) {
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tk := app.Ticket{ID: "tk-1", Number: "FB-2026-002700", Kind: app.KindCarryIn, Country: "CN", Technician: "tech-1", Epoch: 1, Status: app.StatusAssigned,
		Priority: app.PriorityNormal, Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0111"}, Product: app.Product{Category: app.CategoryPhone}}
	if err := db.LoadDataset(ctx, "default", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang", Country: "CN"}},
		Tickets: []app.TicketDetail{{Ticket: tk}}}); err != nil {
		t.Fatal(err)
	}
	code, _, err := db.CreatePairing(ctx, "default", "tech-1")
	if err != nil {
		t.Fatal(err)
	}
	dev, _, err := db.Pair(ctx, code, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	prefix, err := db.ReceiptPrefix(ctx, "default", dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := app.NewMutation(&app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: "tk-1", Kind: app.PaymentDeposit, Method: app.MethodCash,
		Amount: app.Money{Amount: 4000, Currency: "CNY"}, Receipt: prefix + "-1"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m.Seq = 1
	if res, err := db.Push(ctx, central.Principal{Tenant: "default", Role: app.RoleTechnician, Name: "Wang", Device: dev.ID, Technician: "tech-1"}, []app.Mutation{m}); err != nil || len(res.Rejected) != 0 {
		t.Fatalf("push: %+v, %v", res, err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.NewServer(db, nil))
	defer srv.Close()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(ctx, append([]string{"-server", srv.URL, "-token-file", tokenFile(t, token)}, args...), &out)
		return out.String(), err
	}
	if out, err := run("cash", "tech-1"); err != nil || !strings.Contains(out, `"amount": 4000`) || !strings.Contains(out, prefix+"-1") {
		t.Fatalf("cash: %s, %v", out, err)
	}
	for _, bad := range [][]string{
		{"cash-handover", "tech-1", "Office Wu", "5000", "CNY", prefix + "-1"},
		{"cash-handover", "tech-1", "Office Wu", "40.00", "CNY", prefix + "-1"},
		{"cash-handover", "tech-1", "Office Wu", "4000"},
	} {
		if _, err := run(bad...); app.ErrorCode(err) == "" {
			t.Errorf("%v: accepted", bad)
		}
	}
	if out, err := run("cash-handover", "tech-1", "Office Wu", "4000", "CNY", prefix+"-1"); err != nil || !strings.Contains(out, `"received_by": "Office Wu"`) {
		t.Fatalf("cash-handover: %s, %v", out, err)
	}
	if out, err := run("cash", "tech-1"); err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("cash after the hand-in: %s, %v", out, err)
	}
}

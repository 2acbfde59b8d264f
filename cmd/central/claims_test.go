package main

import (
	"bytes"
	"encoding/csv"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/sync/central"
)

// TestAdminClaims drives a claim from the close to the brand's payment
// with the CLI, and exports it.
func TestAdminClaims(t *testing.T) {
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cn app.RuleSet
	for _, rs := range demo.RuleSets() {
		if rs.ID == "CN" {
			cn = rs
		}
	}
	now := time.Now().UTC()
	tk := app.Ticket{ID: "tk-1", Number: "FB-2026-002700", Kind: app.KindCarryIn, Country: "CN", Technician: "tech-1", Epoch: 1, Status: app.StatusCompleted,
		Priority: app.PriorityNormal, Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0111"}, Diagnosis: "panel failed", ResolutionCode: app.ResolutionRepaired,
		Product:   app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P60", PurchaseDate: now.AddDate(0, -2, 0), ProofOfPurchase: "INV-1"},
		CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
	screen := app.Part{Number: "SCR-1", NameEN: "Display", Class: app.ClassMain, Prices: []app.Money{{Amount: 800_00, Currency: "CNY"}}}
	if err := db.LoadDataset(ctx, "default", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang", Country: "CN"}},
		Locations: []app.Location{{ID: "van-1", Kind: app.LocationVan, Name: "Van", Owner: "tech-1"}},
		Parts:     []app.Part{screen}, RuleSets: []app.RuleSet{cn},
		Tickets: []app.TicketDetail{{Ticket: tk, Parts: []app.PartUsed{{ID: "u-1", Ticket: "tk-1", Part: "SCR-1", Qty: 1, From: "van-1", At: now}}}}}); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(central.NewServer(db, nil))
	defer hs.Close()
	srv := hs.URL
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(ctx, append([]string{"-server", srv, "-token-file", tokenFile(t, token)}, args...), &out)
		return out.String(), err
	}
	if _, err := run("mutate", "ticket.close", `{"ticket":"tk-1","epoch":1}`); err != nil {
		t.Fatal(err)
	}
	out, err := run("claims", "list", "-brand", "huawei")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(out, "FB-2026-002700") || !strings.Contains(out, "CNY 800.00") {
		t.Fatalf("claims list: %v\n%s", err, out)
	}
	id := strings.Fields(out)[0]
	csvFile := filepath.Join(t.TempDir(), "claims.csv")
	steps := []struct {
		name string
		args []string
		key  string // "" when it succeeds
		out  string // in the output
	}{
		{"Show", []string{"claims", "show", id}, "", `"state": "ready"`},
		{"PaidBeforeSubmit", []string{"claims", "paid", id, "700"}, "claim.not_from", ""},
		{"Submit", []string{"claims", "submit", id, "-ref", "HW-77"}, "", `"brand_ref": "HW-77"`},
		{"RejectWithoutReason", []string{"claims", "reject", id, " "}, "claim.reject_needs_reason", ""},
		{"BadAmount", []string{"claims", "paid", id, "7,00"}, "central.bad_amount", ""},
		{"Paid", []string{"claims", "paid", id, "700.5"}, "", `"amount": 70050`},
		{"ListPaid", []string{"claims", "list", "-state", "paid"}, "", "paid"},
		{"ExportBadFormat", []string{"claims", "export", "xlsx", csvFile}, "central.bad_export_format", ""},
		{"ExportBadMonth", []string{"claims", "export", "csv", csvFile, "-from", "2026/11"}, "claim.bad_month", ""},
		{"Export", []string{"claims", "export", "csv", csvFile, "-lang", "zh-Hans"}, "", "bytes written to"},
		{"Unknown", []string{"claims", "approve", id}, "central.unknown_command", ""},
	}
	for _, s := range steps {
		out, err := run(s.args...)
		key := ""
		if err != nil {
			key = app.AsError(err).Key
		}
		if key != s.key || !strings.Contains(out, s.out) {
			t.Fatalf("%s: %v (key %q), output %q; want key %q and %q", s.name, err, key, out, s.key, s.out)
		}
	}
	raw, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][2] != "品牌" || rows[1][0] != id || rows[1][17] != "已付款" || rows[1][19] != "700.50" {
		t.Fatalf("exported CSV %q (%v)", rows, err)
	}
}

package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// BenchmarkReloadSignedTicket: a completed ticket with the customer's
// signature reloads (as after a save or a sync): the load, and the report
// built as the sign-off builds it, to compare with the signature's digest
// (its "report changed since" line), with the device's report builder.
func BenchmarkReloadSignedTicket(b *testing.B) {
	var id app.TicketID
	built := 0
	term, _, _ := benchTerminalWith(b, func(d *ui.Deps, db *store.DB) {
		d.History = db
		rows, _, err := d.Tickets.FindTickets(context.Background(), app.TicketFilter{Technician: demo.DemoTechnician, View: app.ViewDone, Limit: 200})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if r.Status == app.StatusCompleted {
				id = r.ID
				break
			}
		}
		if id == "" {
			b.Fatal("no completed ticket")
		}
		sig := app.Signature{ID: "sig-bench", Ticket: id, Signer: "Chen Jing", Role: app.SignerCustomer, At: app.SystemClock.Now(), Digest: strings.Repeat("a", 64)}
		if err := db.Load(context.Background(), app.Dataset{Signatures: []app.Signature{sig}}); err != nil {
			b.Fatal(err)
		}
		builder := reports.Builder{Tickets: d.Tickets, Parts: d.Parts, Warranty: d.Warranty, History: db, Photos: store.NewPhotoStore(db), Provider: demo.Provider, Technician: "bench"}
		d.ReportToSign = func(ctx context.Context, detail app.TicketDetail) (ui.ReportToSign, error) {
			built++
			r, total, err := builder.ToSignOf(ctx, detail)
			return ui.ReportToSign{Digest: r.Digest(), Total: total, Report: r.CanonicalJSON()}, err
		}
	})
	term.Detail().Show(id)
	if built != 1 {
		b.Fatalf("the signed ticket's reload built its report %d times, want once", built)
	}
	for b.Loop() {
		term.Detail().Show(id)
	}
}

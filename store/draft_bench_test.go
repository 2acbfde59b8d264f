package store

import (
	"path/filepath"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// BenchmarkTicketListDrafts is the store's part of a page of the
// terminal's ticket list (10,000 tickets, BenchmarkFindTickets' store),
// without and with the read of which rows hold drafts
// (DraftedTickets, one statement for the page of 200), 20 of them
// drafted: list is the page as the terminal read it before the rows
// were marked, list_drafts the page now, drafts the read alone.
func BenchmarkTicketListDrafts(b *testing.B) {
	path := filepath.Join(b.TempDir(), "fieldbench.db")
	if err := copyFile(benchFixture(b), path); err != nil {
		b.Fatal(err)
	}
	db, err := Open(b.Context(), path, WithClock(fixedClock(genNow)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ts := NewTicketService(db)
	me := app.Actor{Role: app.RoleTechnician, Technician: benchMe}
	// The done list across the device, as a counter reads it: a full page.
	f := app.TicketFilter{View: app.ViewDone, Now: genNow, Limit: uiPage}
	page, err := ts.ListTickets(b.Context(), f)
	if err != nil || len(page.Rows) < uiPage {
		b.Fatalf("page of %d rows, %v", len(page.Rows), err)
	}
	ids := make([]app.TicketID, len(page.Rows))
	for i, r := range page.Rows {
		ids[i] = r.ID
	}
	for _, id := range ids[:20] {
		if err := db.PutDraft(b.Context(), me, id, app.Draft{Field: app.DraftNote, Text: "Customer home after 5 pm"}); err != nil {
			b.Fatal(err)
		}
	}
	list := func(b *testing.B) {
		if _, err := ts.ListTickets(b.Context(), f); err != nil {
			b.Fatal(err)
		}
	}
	drafts := func(b *testing.B) {
		if got, err := db.DraftedTickets(b.Context(), me, ids); err != nil || len(got) != 20 {
			b.Fatalf("%d drafted, %v", len(got), err)
		}
	}
	b.Run("list", func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			list(b)
		}
		reportCPU(b, start)
	})
	b.Run("list_drafts", func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			list(b)
			drafts(b)
		}
		reportCPU(b, start)
	})
	b.Run("drafts", func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			drafts(b)
		}
		reportCPU(b, start)
	})
}

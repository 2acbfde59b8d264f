package central

import (
	"fmt"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestBoardRefoldsApostrophes: a board index folded before Fold made the
// apostrophes one (FoldVersion 3) holds "l’europe" with its typographic
// apostrophe, which a dispatcher's "l'europe" does not find; the service
// folds it again when it opens the database, and then "l'europe",
// "l’europe" and "L`Europe" find the ticket.
func TestBoardRefoldsApostrophes(t *testing.T) {
	forEachBackendConfig(t, func(t *testing.T, cfg Config) {
		db := openTestDB(t, cfg)
		ds := app.Dataset{Technicians: []app.Technician{{ID: "tech-a", Name: "Alice", Country: "FR"}}}
		for i, name := range []string{"Brasserie de l’Europe", "Café de la Gare"} {
			tk := boardTicket(fmt.Sprintf("FR-%04d", i+1), app.StatusAssigned, "tech-a", "", time.Hour, 0, name, "01 23 45 67 89", "")
			ds.Tickets = append(ds.Tickets, app.TicketDetail{Ticket: tk})
		}
		if err := db.LoadDataset(t.Context(), tenant, ds); err != nil {
			t.Fatal(err)
		}
		// What the service folding by version 3 left.
		if _, err := db.write.ExecContext(t.Context(), `UPDATE ticket_index SET name_fold = replace(name_fold, '''', '’')`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.write.ExecContext(t.Context(), db.q(`UPDATE meta SET v = '3' WHERE k = ?`), ticketIndexFoldMark); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db = openTestDB(t, cfg)
		for _, q := range []string{"l'europe", "l’Europe", "L`EUROPE"} {
			b, err := db.Board(t.Context(), BoardQuery{Tenant: tenant, Search: q})
			if err != nil {
				t.Fatal(err)
			}
			if b.Total != 1 {
				t.Errorf("%q: %d tickets, want 1", q, b.Total)
			}
		}
	})
}

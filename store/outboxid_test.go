package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestMigrate0015: a store the code before 0015 made keeps every outbox
// row, every column, with its seq; the outbox has no index of the mutation
// ID and keeps its index by ticket; the next action takes the next seq;
// MutationTimes and a pull's refused mutations still find rows by ID.
func TestMigrate0015(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	raw := rawDBBefore(t, path, "0015_outbox_without_id_index.sql")
	insertWorldTickets(t, raw)
	at := storetest.Now.Add(-3)
	rows := []struct {
		seq                  int64
		id, name, ticket, by string
	}{
		{3, "m-refused", "note.add", string(storetest.T2), "Ana Li"},
		{5, "m-accepted", "ticket.start", string(storetest.T2), "Ana Li"},
		{9, "m-no-ticket", "stock.transfer", "", ""},
	}
	for _, r := range rows {
		if _, err := raw.Exec(outboxInsert, r.seq, r.id, r.name, 1, `{"x":"浦东"}`, (hlc{wall: at.UnixMilli() + r.seq}).String(),
			at.UnixNano()+r.seq, nullStr(app.TicketID(r.ticket)), "technician", "tech-ana", nullStr(app.TicketID(r.by))); err != nil {
			t.Fatal(err)
		}
	}
	rawExec(t, raw, `INSERT INTO device (id, device_id, acked_seq) VALUES (1, 'device-1', 9)`,
		`INSERT INTO conflicts (id, kind, ticket_id, open, at, data) VALUES ('cf-m-refused', 'rejected', '`+string(storetest.T2)+`', 1, 0, '{}')`,
		// The conflicts MutationTimes is asked about: one on a ticket, one
		// on none, one of another device.
		`INSERT INTO conflicts (id, kind, ticket_id, open, at, data) VALUES
			('cf-accepted', 'field', '`+string(storetest.T2)+`', 1, 0, '{"mutation":"m-accepted","device":"device-1"}'),
			('cf-no-ticket', 'stock', NULL, 1, 0, '{"mutation":"m-no-ticket","device":"device-1"}'),
			('cf-elsewhere', 'field', '`+string(storetest.T2)+`', 1, 0, '{"mutation":"another device''s","device":"device-2"}')`)
	before := dumpTable(t, raw, "outbox")
	if len(before) != len(rows) {
		t.Fatalf("%d outbox rows before the upgrade, want %d", len(before), len(rows))
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpenPath(t, path, WithClock(fixedClock(storetest.Now)))
	if got := dumpTable(t, db.read, "outbox"); !slices.Equal(got, before) {
		t.Errorf("outbox after the upgrade:\n%q\nbefore:\n%q", got, before)
	}
	var indexes []string
	ix, err := db.read.Query(`SELECT name FROM pragma_index_list('outbox') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for ix.Next() {
		var name string
		if err := ix.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	ix.Close()
	if want := []string{"outbox_ticket"}; !slices.Equal(indexes, want) {
		t.Errorf("outbox indexes %q, want %q", indexes, want)
	}
	if err := db.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	times, err := db.MutationTimes(t.Context(), []string{"m-accepted", "m-no-ticket", "another device's"})
	if err != nil {
		t.Fatal(err)
	}
	if len(times) != 2 || !times["m-no-ticket"].Equal(time.Unix(0, at.UnixNano()+9)) {
		t.Errorf("MutationTimes %v, want m-accepted and m-no-ticket", times)
	}
	var refusedTicket string
	var refusedSeq int64
	if err := db.read.QueryRow(refusedMutations).Scan(&refusedTicket, &refusedSeq); err != nil || refusedSeq != 3 || refusedTicket != string(storetest.T2) {
		t.Errorf("refused mutation %s %d (%v), want %s 3", refusedTicket, refusedSeq, err, storetest.T2)
	}
	m, err := NewCommitter(db).Commit(t.Context(), ana, &app.AddNote{Note: app.Note{ID: "n-after", Ticket: storetest.T2, Text: "after the upgrade"}})
	if err != nil || m.Seq != 10 {
		t.Errorf("the first action after the upgrade: seq %d (%v), want 10", m.Seq, err)
	}
}

// BenchmarkMutationTimes is the conflicts screen's lookup of the 20
// mutations its conflicts name (10 of this device, each on its ticket,
// 10 of another device) in an outbox of 10,000 and 50,000 rows (a device
// offline for days, or a long shift before sign-out), 20 rows a ticket;
// "stock" adds a conflict of this device naming no ticket (a stock
// transfer), which MutationTimes finds in a read of the whole outbox.
func BenchmarkMutationTimes(b *testing.B) {
	for _, rows := range []int{10_000, 50_000} {
		for _, stock := range []bool{false, true} {
			name := fmt.Sprint(rows)
			if stock {
				name += "/stock"
			}
			b.Run(name, func(b *testing.B) {
				db := mustOpen(b, WithClock(fixedClock(storetest.Now)))
				ctx := b.Context()
				tx, err := db.write.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				ids := make([]string, 0, 21)
				args := `{"note":{"id":"0193a5c0-0000-7000-8000-000000000000","ticket":"t-0002","text":"checked the charging port, replaced the cable","at":"2026-12-05T10:00:00Z"}}`
				conflict := func(id, ticket, device string) {
					if _, err := tx.Exec(`INSERT INTO conflicts (id, kind, ticket_id, open, at, data) VALUES (?, 'field', ?, 1, 0, json_object('mutation', ?, 'device', ?))`,
						"cf-"+id, nullStr(app.TicketID(ticket)), id, device); err != nil {
						b.Fatal(err)
					}
					ids = append(ids, id)
				}
				for seq := 1; seq <= rows; seq++ {
					id, ticket := app.NewID(), fmt.Sprintf("t-%05d", seq%(rows/20))
					if seq%(rows/10) == 0 {
						conflict(id, ticket, string(db.DeviceID()))
					}
					if stock && seq == rows/2+1 {
						conflict(id, "", string(db.DeviceID()))
					}
					if _, err := tx.Exec(outboxInsert, seq, id, "note.add", 1, args, (hlc{wall: int64(seq)}).String(), seq,
						ticket, "technician", "tech-ana", "Ana Li"); err != nil {
						b.Fatal(err)
					}
				}
				for i := range 10 {
					conflict(app.NewID(), fmt.Sprintf("t-%05d", i), "another-device")
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				want := 10
				if stock {
					want++
				}
				b.ResetTimer()
				cpu0 := processCPU()
				for range b.N {
					got, err := db.MutationTimes(ctx, ids)
					if err != nil || len(got) != want {
						b.Fatalf("%d times, %v; want %d", len(got), err, want)
					}
				}
				if cpu := processCPU() - cpu0; cpu > 0 {
					b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
				}
			})
		}
	}
}

// TestRefusedWithoutTicket: a refused mutation whose conflict names no
// ticket (a server that could not decode it: older than this device, or
// stricter) still takes its note, repair entry and part used out of the
// view after a complete pull, and the part used's movement out of the
// van's stock; an accepted one stays.
func TestRefusedWithoutTicket(t *testing.T) {
	later := storetest.Now.Add(time.Hour)
	r := &replica{t: t, db: mustOpen(t, WithClock(fixedClock(storetest.Now))), now: storetest.Now}
	if err := r.db.Load(t.Context(), storetest.World()); err != nil {
		t.Fatal(err)
	}
	batteries := r.balance(storetest.VanAna, storetest.BatteryP50)
	var refused []app.Conflict
	for i, cmd := range append(factsOnT2("refused"), factsOnT2("accepted")[0]) {
		m := r.commit(ana, cmd)
		if i < 3 {
			refused = append(refused, app.Conflict{ID: "cf-" + m.ID, Kind: app.ConflictRejected, Mutation: m.ID,
				Code: app.EINVALID, Key: "mutation.unknown", Message: "unknown", At: later})
		}
	}
	r.apply(app.PullPage{Epoch: "e1", Acked: 4, Cursor: "c1", Data: app.Dataset{Conflicts: refused}})
	r.apply(app.PullPage{Epoch: "e1", Acked: 4, Cursor: "c2", Complete: true, At: later})
	got := factsShown(r.detail(storetest.T2))
	for id, want := range map[string]bool{"n-refused": false, "r-refused": false, "u-refused": false, "n-accepted": true} {
		if got[id] != want {
			t.Errorf("%s in the view: %v, want %v", id, got[id], want)
		}
	}
	if got := r.balance(storetest.VanAna, storetest.BatteryP50); got[0] != batteries[0] {
		t.Errorf("the van holds %d batteries after the refusal, want %d: the refused part used's movement still counts", got[0], batteries[0])
	}
}

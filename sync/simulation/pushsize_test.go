package simulation

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// fourByteText is n random CJK Extension B characters (four bytes each in
// UTF-8): text that gzip hardly shrinks.
func fourByteText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(rune(0x20000 + rng.IntN(0xA6DF)))
	}
	return b.String()
}

// TestEnginePushSplitsLargeBatches: notes at their bound in four-byte
// characters, more of them than one sync body holds even compressed (1
// MiB), all reach the central service whole: the engine splits the batch
// by its bytes (MaxPushBytes), not only by its count, so the service
// never refuses a push for its size and nothing the technician saved is
// held back.
func TestEnginePushSplitsLargeBatches(t *testing.T) {
	w := newEngineWorld(t)
	ctx := context.Background()
	e := fbsync.NewEngine(w.store, w.client)
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	actor := app.Actor{Role: app.RoleTechnician, Technician: "tech-1", Name: "Wang Lei"}
	want := map[string]string{}
	const notes = 150 // 150 x 16 KB: 2.4 MB, about 1.5 MB in gzip
	for range notes {
		n := app.Note{ID: app.NewID(), Ticket: w.ticket, Text: fourByteText(rng, app.MaxTextLen)}
		if _, err := store.NewCommitter(w.store).Commit(ctx, actor, &app.AddNote{Note: n}); err != nil {
			t.Fatal(err)
		}
		want[n.ID] = n.Text
	}
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	st := e.Status()
	if st.Pending != 0 {
		t.Fatalf("%d mutations still pending", st.Pending)
	}
	t.Logf("%d notes sent in %d bytes on the wire", notes, st.Up)
	d, err := w.db.TicketDetail(ctx, "t", w.ticket)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, n := range d.Notes {
		if text, ok := want[n.ID]; ok {
			if n.Text != text {
				t.Fatalf("note %s arrived changed", n.ID)
			}
			got++
		}
	}
	if got != notes {
		t.Fatalf("server has %d of the %d notes", got, notes)
	}
}

package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestMutationTimes: the time a change was saved on the device, by its
// mutation ID, sent or not; IDs of no mutation here are left out.
func TestMutationTimes(t *testing.T) {
	r := newReplica(t)
	diag := "cracked display"
	first := r.commit(ana, &app.UpdateTicket{Ticket: storetest.T1, Set: app.TicketFields{Diagnosis: &diag}})
	r.now = r.now.Add(90 * time.Minute)
	second := r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T1, Text: "customer away"}})
	r.apply(app.PullPage{Epoch: "e1", Acked: first.Seq, Cursor: "c1"}) // the first is sent
	for _, tc := range []struct {
		name string
		ids  []string
		want map[string]time.Time
	}{
		{"None", nil, map[string]time.Time{}},
		{"SentAndUnsent", []string{first.ID, second.ID}, map[string]time.Time{first.ID: storetest.Now.UTC(), second.ID: storetest.Now.Add(90 * time.Minute).UTC()}},
		{"AnotherDevicesLeftOut", []string{"m-elsewhere", second.ID}, map[string]time.Time{second.ID: storetest.Now.Add(90 * time.Minute).UTC()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.db.MutationTimes(t.Context(), tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("MutationTimes(%v) = %v, want %v", tc.ids, got, tc.want)
			}
			for id, at := range tc.want {
				if !got[id].Equal(at) {
					t.Errorf("%s saved at %v, want %v", id, got[id], at)
				}
			}
		})
	}
}

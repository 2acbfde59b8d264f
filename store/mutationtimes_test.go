package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestMutationTimes: the time a change was saved on the device, by the
// mutation ID a conflict here names, sent or not; each its own time, two
// changes on one ticket included, and a stock transfer, whose conflict
// names no ticket. Left out: another device's mutation, and a mutation
// of this device no conflict names.
func TestMutationTimes(t *testing.T) {
	r := newReplica(t)
	diag := "cracked display"
	first := r.commit(ana, &app.UpdateTicket{Ticket: storetest.T1, Set: app.TicketFields{Diagnosis: &diag}})
	r.now = r.now.Add(90 * time.Minute)
	second := r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-1", Ticket: storetest.T1, Text: "customer away"}})
	r.now = r.now.Add(30 * time.Minute)
	moved := r.commit(ana, &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "mv-times", Part: storetest.DrainPump,
		From: storetest.StoreSH, To: storetest.VanAna, Qty: 1}})
	r.now = r.now.Add(10 * time.Minute)
	unnamed := r.commit(ana, &app.AddNote{Note: app.Note{ID: "n-2", Ticket: storetest.T1, Text: "no conflict about this"}})
	here := r.db.DeviceID()
	conflict := func(id, mutation string, ticket app.TicketID, device app.DeviceID) app.Conflict {
		return app.Conflict{ID: id, Kind: app.ConflictField, Ticket: ticket, Mutation: mutation, Device: device, Field: "diagnosis",
			Code: app.ECONFLICT, Key: "conflict.field", Message: "changed on the server", At: r.now}
	}
	r.apply(app.PullPage{Epoch: "e1", Acked: first.Seq, Cursor: "c1", Data: app.Dataset{Conflicts: []app.Conflict{ // the first is sent
		conflict("cf-first", first.ID, storetest.T1, here),
		conflict("cf-second", second.ID, storetest.T1, here),
		conflict("cf-moved", moved.ID, "", here),
		conflict("cf-elsewhere", "m-elsewhere", storetest.T1, "another-device"),
		conflict("cf-elsewhere-stock", "m-elsewhere-stock", "", "another-device"),
	}}})
	at := func(m app.Mutation) time.Time { return m.At.UTC() }
	if !at(first).Before(at(second)) || !at(second).Before(at(moved)) {
		t.Fatalf("the changes were saved at %v, %v and %v: the test needs three times", at(first), at(second), at(moved))
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want map[string]time.Time
	}{
		{"None", nil, map[string]time.Time{}},
		{"SentAndUnsent", []string{first.ID, second.ID}, map[string]time.Time{first.ID: at(first), second.ID: at(second)}},
		{"NoTicket", []string{moved.ID, second.ID}, map[string]time.Time{moved.ID: at(moved), second.ID: at(second)}},
		{"AnotherDevicesLeftOut", []string{"m-elsewhere", "m-elsewhere-stock", second.ID}, map[string]time.Time{second.ID: at(second)}},
		{"NamedByNoConflictLeftOut", []string{unnamed.ID, first.ID}, map[string]time.Time{first.ID: at(first)}},
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

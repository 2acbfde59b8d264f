package central

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestImportAndPushMovingUnitsLockInOneOrder: the office imports stock
// that places serialized units (the warehouse's count of them) while a
// technician's device fits those units from the van, or receives them
// into it, at the same moment, round after round. The import took the
// version and then wrote each unit's place, waiting for the unit's row
// the push held, while the push waited for the version: a circle
// PostgreSQL ended. The import now takes the units' check locks, which
// every write placing or taking a unit takes first, before anything
// else: none may be ended, and every push and import is done.
func TestImportAndPushMovingUnitsLockInOneOrder(t *testing.T) {
	db, w, lost := deadlockWorld(t)
	ctx := context.Background()
	const units = 4
	if err := db.LoadDataset(ctx, tenant, app.Dataset{
		Parts: []app.Part{{Number: "MOD-1", NameEN: "Modem", Class: app.ClassMain, Models: []string{"P60"}, Serialized: true}},
	}); err != nil {
		t.Fatal(err)
	}
	var seq int64
	for _, c := range []struct {
		name string
		// move is the push's movement of unit serial.
		move func(id, serial string) app.Command
		// dispatch: dispatch records the movements, one write each, not
		// the technician's device in one push.
		dispatch bool
	}{
		{"a fit", func(id, serial string) app.Command {
			return &app.ConsumePart{Used: app.PartUsed{ID: id, Ticket: w.ticketA.ID, Part: "MOD-1", Serial: serial, Qty: 1, From: "van-a"}}
		}, false},
		{"a receipt", func(id, serial string) app.Command {
			return &app.MoveStock{Kind: app.MoveReceive, Movement: app.StockMovement{ID: id, Part: "MOD-1", Serial: serial, To: "van-a", Qty: 1}}
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			const rounds = 48
			before := lost.n.Load()
			for r := range rounds {
				var serials []string
				var onVan, counted []app.StockMovement
				for i := range units {
					sn := fmt.Sprintf("SN-%s-%d-%d", c.name[2:], r, i)
					serials = append(serials, sn)
					onVan = append(onVan, app.StockMovement{ID: fid("van-" + sn), Kind: app.MoveReceive, Part: "MOD-1", Serial: sn, To: "van-a", Qty: 1, At: testNow})
					counted = append(counted, app.StockMovement{ID: fid("wh-" + sn), Kind: app.MoveReceive, Part: "MOD-1", Serial: sn, To: "wh", Qty: 1, At: testNow})
				}
				if err := db.LoadDataset(ctx, tenant, app.Dataset{Movements: onVan}); err != nil {
					t.Fatal(err)
				}
				// The import names the units in the other order.
				slices.Reverse(counted)
				push := func() error {
					if c.dispatch {
						for i, sn := range serials {
							m, err := app.NewMutation(c.move(fid(fmt.Sprintf("move-%s-%d", sn, i)), sn), testNow)
							if err != nil {
								return err
							}
							if err := db.ApplyAdmin(ctx, w.dispatch, m); err != nil {
								return err
							}
						}
						return nil
					}
					var muts []app.Mutation
					for i, sn := range serials {
						seq++
						muts = append(muts, mut(t, seq, c.move(fid(fmt.Sprintf("move-%s-%d", sn, i)), sn)))
					}
					res, err := db.Push(ctx, w.a, muts)
					if err == nil && (res.Acked != seq || len(res.Rejected) > 0) {
						err = fmt.Errorf("acked %d, rejected %v; want %d and none", res.Acked, res.Rejected, seq)
					}
					return err
				}
				load := func() error { return db.LoadDataset(ctx, tenant, app.Dataset{Movements: counted}) }
				atOnce(t, r, []func() error{push, load})
			}
			if n := lost.n.Load() - before; n != 0 {
				t.Errorf("PostgreSQL ended %d of %d writes to break a deadlock; an import that takes its units' locks before the version never waits in a circle with a push moving them", n, 2*rounds)
			}
		})
	}
}

package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// childEnv selects a child mode of the test binary; childPath is the store
// the child opens.
const (
	childEnv  = "FIELDBENCH_STORE_CHILD"
	childPath = "FIELDBENCH_STORE_PATH"
)

// runChild is the body of a child process:
//   - "commit": load the conformance world, then commit notes forever,
//     printing each seq after Commit returns (the parent kills it);
//   - "pay": the same with cash payments, printing each receipt number;
//   - "receive": the same with shipments: load one in transit to Ana's
//     van, receive it, print its ID;
//   - "count": put a stock count's draft over and over, its counts with
//     the unit ticked missing, printing each round once put;
//   - "hold": open the store, print "open", and wait to be killed;
//   - "upgrade": the same, printing each report of the upgrade's rows
//     (WithUpgradeProgress) as "<of> <rows> <total>" while Open runs
//     (not the reports of a step beginning, which count no rows);
//   - "upgrade-stall": the same, reporting every batch, and stopping for
//     good (inside the migration's transaction) after the first report
//     between a rewrite's ends, for the parent to kill it there.
func runChild(mode string) int {
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	var opts []Option
	if mode == "upgrade" || mode == "upgrade-stall" {
		if mode == "upgrade-stall" {
			upgradeReportEvery = 0
		}
		opts = append(opts, WithUpgradeProgress(func(p app.StartProgress) {
			if p.Of == "" {
				return // a step begins: no rows
			}
			fmt.Fprintln(out, p.Of, p.Rows, p.Total)
			out.Flush()
			if mode == "upgrade-stall" && p.Rows > 0 && p.Rows < p.Total {
				time.Sleep(time.Hour)
			}
		}))
	}
	db, err := Open(ctx, os.Getenv(childPath), opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 2
	}
	switch mode {
	case "hold", "upgrade":
		fmt.Fprintln(out, "open")
		out.Flush()
		time.Sleep(time.Hour)
	case "commit":
		if err := db.Load(ctx, storetest.World()); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 2
		}
		c := NewCommitter(db)
		actor := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
		for i := 0; ; i++ {
			m, err := c.Commit(ctx, actor, &app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: storetest.T2, Text: fmt.Sprint("note ", i)}})
			if err != nil {
				fmt.Fprintln(os.Stderr, "commit:", err)
				return 2
			}
			// Acknowledge to the parent only after Commit returned.
			fmt.Fprintln(out, m.Seq)
			out.Flush()
		}
	case "pay":
		if err := db.Load(ctx, storetest.World()); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 2
		}
		if _, err := db.write.ExecContext(ctx, `UPDATE device SET receipt_prefix = 'D7' WHERE id = 1`); err != nil {
			fmt.Fprintln(os.Stderr, "prefix:", err)
			return 2
		}
		c := NewCommitter(db)
		actor := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
		for {
			cmd := &app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: storetest.T2, Kind: app.PaymentPayment,
				Method: app.MethodCash, Amount: app.Money{Amount: 100, Currency: "CNY"}}}
			if _, err := c.Commit(ctx, actor, cmd); err != nil {
				fmt.Fprintln(os.Stderr, "commit:", err)
				return 2
			}
			fmt.Fprintln(out, cmd.Payment.Receipt)
			out.Flush()
		}
	case "draft":
		// The repair log's form typed on: each round puts its text and
		// its minutes, acknowledged once both PutDraft returned.
		if err := db.Load(ctx, storetest.World()); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 2
		}
		actor := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
		for i := 0; ; i++ {
			for _, d := range []app.Draft{{Field: app.DraftRepair, Text: fmt.Sprint("Replaced the drain pump, try ", i)}, {Field: app.DraftRepairMinutes, Text: fmt.Sprint(i)}} {
				if err := db.PutDraft(ctx, actor, storetest.T2, d); err != nil {
					fmt.Fprintln(os.Stderr, "put draft:", err)
					return 2
				}
			}
			fmt.Fprintln(out, i)
			out.Flush()
		}
	case "count":
		// A count typed on: each round the battery's count and the
		// display's unit ticked missing name the round, put at once.
		if err := db.Load(ctx, storetest.World()); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 2
		}
		actor := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
		for i := 0; ; i++ {
			d := app.CountDraft{Counts: map[app.PartNumber]int{storetest.BatteryP50: i, storetest.DisplayP50: 0},
				Missing: map[app.PartNumber][]string{storetest.DisplayP50: {fmt.Sprint("LCD-", i)}}}
			if err := db.PutCountDraft(ctx, actor, storetest.VanAna, d); err != nil {
				fmt.Fprintln(os.Stderr, "put count draft:", err)
				return 2
			}
			fmt.Fprintln(out, i)
			out.Flush()
		}
	case "receive":
		world := storetest.World()
		world.Locations = append(world.Locations, app.Location{ID: "wh-sh", Kind: app.LocationWarehouse, Name: "Warehouse"})
		if err := db.Load(ctx, world); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 2
		}
		c := NewCommitter(db)
		actor := app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana, Name: "Ana Li"}
		for i := 0; ; i++ {
			id := fmt.Sprint("sh-", i)
			s := app.Shipment{ID: id, Kind: app.ShipmentSupply, From: "wh-sh", To: storetest.VanAna, State: app.ShipmentInTransit,
				Lines: []app.ShipmentLine{{Part: storetest.BatteryP50, Qty: 1}}, At: storetest.Now}
			if err := db.Load(ctx, app.Dataset{Shipments: []app.Shipment{s}}); err != nil {
				fmt.Fprintln(os.Stderr, "load shipment:", err)
				return 2
			}
			cmd := &app.ReceiveShipment{Shipment: id, Receipt: app.Receipt{ID: app.NewID(), Lines: []app.ReceiptLine{{Part: storetest.BatteryP50, Qty: 1}}}}
			if _, err := c.Commit(ctx, actor, cmd); err != nil {
				fmt.Fprintln(os.Stderr, "commit:", err)
				return 2
			}
			fmt.Fprintln(out, id)
			out.Flush()
		}
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", mode)
	return 2
}

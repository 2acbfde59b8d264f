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
//   - "hold": open the store, print "open", and wait to be killed.
func runChild(mode string) int {
	ctx := context.Background()
	db, err := Open(ctx, os.Getenv(childPath))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	switch mode {
	case "hold":
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
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", mode)
	return 2
}

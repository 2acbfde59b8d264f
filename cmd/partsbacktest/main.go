// Command partsbacktest is the honest measurement of issue 15's parts
// planning: it generates a demo world with a fixed seed, splits it at 18
// months of training and 6 of test by ticket creation time, trains every
// method on the first part only, and reports on the second: first-visit
// parts availability of the vans under the demo's current stocking and
// under the suggested min/max levels (app/demand.StockLevels), the
// likely-parts prediction's hit rates against the most used parts, and
// the forecast error (MASE) of Croston, SBA and TSB against the naive
// forecast. `make parts-backtest` runs it; docs/BENCHMARKS.md ("Parts:
// backtest") has the figures.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fieldbench/fieldbench/app/demo"
)

// Now is the generated world's present: fixed, so a seed gives the same
// world and the same report on any day. Shanghai's zone, as the demo's
// days are laid out there.
var Now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// World is the default world: denser than `make run`'s (eight tickets a
// part rather than a quarter, 1,700 tickets a technician over two years)
// so that parts have a history to learn from, and small enough to
// generate in about a second.
var World = demo.Size{Models: 60, Parts: 3000, Tickets: 40000, Technicians: 20}

// Bounds of the flags: a world this size takes under a minute.
const (
	maxModels      = 1000
	maxParts       = 100000
	maxTickets     = 200000
	maxTechnicians = 500
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "partsbacktest:", err)
		os.Exit(2)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("partsbacktest", flag.ContinueOnError)
	seed := fs.Int64("seed", 1, "the demo world's seed")
	size := World
	fs.IntVar(&size.Models, "models", size.Models, "product models in the world")
	fs.IntVar(&size.Parts, "parts", size.Parts, "catalog parts")
	fs.IntVar(&size.Tickets, "tickets", size.Tickets, "tickets over the two years")
	fs.IntVar(&size.Technicians, "technicians", size.Technicians, "technicians (about half field, with a van)")
	asJSON := fs.Bool("json", false, "print JSON instead of a Markdown table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; see -h", fs.Arg(0))
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"models", size.Models, maxModels}, {"parts", size.Parts, maxParts}, {"tickets", size.Tickets, maxTickets}, {"technicians", size.Technicians, maxTechnicians}} {
		if f.v < 1 || f.v > f.max {
			return fmt.Errorf("-%s %d: give 1 to %d", f.name, f.v, f.max)
		}
	}
	start := time.Now()
	ds := demo.Generate(*seed, size, Now)
	res := Run(ds, Config{Split: SplitFor(Now), Seed: *seed})
	report := Report{Seed: *seed, Size: size, Now: Now.UTC(), Result: res.rounded()}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	if err := report.markdown(w); err != nil {
		return err
	}
	// The run time goes to stderr: stdout is the same for a seed.
	fmt.Fprintf(os.Stderr, "partsbacktest: %d tickets, %s\n", len(ds.Tickets), time.Since(start).Round(time.Millisecond))
	return nil
}

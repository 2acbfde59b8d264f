// Command partsbacktest is the honest measurement of issue 15's parts
// planning: it generates a demo world with a fixed seed, splits it at 18
// months of training and 6 of test by ticket creation time, trains every
// method on the first part only, and reports on the second: first-visit
// parts availability of the vans under the demo's current stocking and
// under the suggested min/max levels (app/demand.StockLevels, their
// forecast, threshold and miss cost chosen on the last 26 training weeks
// with levels from the first 52), the
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

// options are the command's flags.
type options struct {
	seed   int64
	size   demo.Size
	asJSON bool
}

func parse(args []string) (options, error) {
	o := options{size: World}
	fs := flag.NewFlagSet("partsbacktest", flag.ContinueOnError)
	fs.Int64Var(&o.seed, "seed", 1, "the demo world's seed")
	fs.IntVar(&o.size.Models, "models", o.size.Models, "product models in the world")
	fs.IntVar(&o.size.Parts, "parts", o.size.Parts, "catalog parts")
	fs.IntVar(&o.size.Tickets, "tickets", o.size.Tickets, "tickets over the two years")
	fs.IntVar(&o.size.Technicians, "technicians", o.size.Technicians, "technicians (about half field, with a van)")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON instead of a Markdown report")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q; see -h", fs.Arg(0))
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"models", o.size.Models, maxModels}, {"parts", o.size.Parts, maxParts}, {"tickets", o.size.Tickets, maxTickets}, {"technicians", o.size.Technicians, maxTechnicians}} {
		if f.v < 1 || f.v > f.max {
			return o, fmt.Errorf("-%s %d: give 1 to %d", f.name, f.v, f.max)
		}
	}
	return o, nil
}

func run(args []string, w io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	start := time.Now()
	ds := demo.Generate(o.seed, o.size, Now)
	res := Run(ds, Config{Split: SplitFor(Now), Seed: o.seed})
	report := Report{Seed: o.seed, Size: o.size, Now: Now, Result: res.rounded()}
	if o.asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else if err := report.markdown(w); err != nil {
		return err
	}
	// The run time goes to stderr: stdout is the same for a seed.
	fmt.Fprintf(os.Stderr, "partsbacktest: %d tickets, %s\n", len(ds.Tickets), time.Since(start).Round(time.Millisecond))
	return nil
}

// Command accuracy decodes every image of every set in the barcode test
// data (ZXing blackbox layout) at the rotations listed in its
// thresholds.tsv, prints one table row per set and rotation, and exits 1
// when any row falls short of its threshold.
//
// The directory is $BARCODE_TESTDATA, or ../shared/testdata/barcodes/
// zxing-blackbox relative to the repository root. `make accuracy` runs it.
//
//	go run ./cmd/accuracy [-dir DIR] [-set NAME] [-j N] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fieldbench/fieldbench/scanner/scannertest"
)

func main() {
	dir := flag.String("dir", "", "test data directory (default $"+scannertest.EnvDir+" or "+scannertest.DefaultRelDir+" from the repository root)")
	only := flag.String("set", "", "run only this set")
	workers := flag.Int("j", runtime.GOMAXPROCS(0), "images decoded at once")
	verbose := flag.Bool("v", false, "list every image that failed and why")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ok, err := run(ctx, *dir, *only, *workers, *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, only string, workers int, verbose bool) (bool, error) {
	if dir == "" {
		var err error
		if dir, err = scannertest.Dir(); err != nil {
			return false, err
		}
	}
	thresholds, err := scannertest.LoadThresholds(dir)
	if err != nil {
		return false, err
	}
	if only != "" {
		thresholds = slices.DeleteFunc(thresholds, func(t scannertest.Threshold) bool { return t.Set != only })
		if len(thresholds) == 0 {
			return false, fmt.Errorf("no thresholds for set %q", only)
		}
	}
	if only == "" {
		warnUnlisted(dir, thresholds)
	}

	fmt.Printf("barcode accuracy: %s\n\n", dir)
	start := time.Now()
	rows, err := scannertest.Run(ctx, dir, thresholds, workers)
	if err != nil {
		return false, err
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\trotation\timages\tpassed\tmust_pass\ttry_harder_passed\ttry_harder_must_pass\tmisreads\tverdict\t")
	ok := true
	for _, r := range rows {
		verdict := "PASS"
		switch short := r.Shortfalls(); {
		case r.ReportOnly:
			verdict = "report"
		case len(short) > 0:
			verdict = "FAIL: " + strings.Join(short, "; ")
			ok = false
		}
		must, thMust := fmt.Sprint(r.MustPass), fmt.Sprint(r.TryHarderMustPass)
		misreads := fmt.Sprintf("%d/%d (max %d/%d)", r.Misreads, r.TryHarderMisreads, r.MaxMisreads, r.MaxTryHarderMisreads)
		if r.ReportOnly {
			must, thMust = "-", "-"
			misreads = fmt.Sprintf("%d/%d", r.Misreads, r.TryHarderMisreads)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%s\t%s\t%s\t\n",
			r.Set, r.Rotation, r.Count, r.Passed, must, r.TryHarderPassed, thMust, misreads, verdict)
	}
	tw.Flush()
	checked, wrong := 0, 0
	for _, r := range rows {
		checked += r.SymbologyChecked
		wrong += r.SymbologyWrong
	}
	fmt.Printf("\nmisreads are normal/try-harder. SYMBOLOGY_IDENTIFIER (reported, not judged): %d of %d passes with one in .metadata.txt differ.\n", wrong, checked)
	fmt.Println("\nDecode time per image (pure attempt plus, if it finds nothing, a normal one), median / p95 / max:")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\trotation\tnormal\ttry_harder\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", r.Set, r.Rotation, stats(r.Times), stats(r.TryHarderTimes))
	}
	tw.Flush()

	if verbose {
		for _, r := range rows {
			if len(r.Notes) == 0 {
				continue
			}
			fmt.Printf("\n%s at %d degrees:\n", r.Set, r.Rotation)
			for _, n := range r.Notes {
				fmt.Printf("  %s\n", n)
			}
		}
	}
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Printf("\n%s in %s\n", verdict, time.Since(start).Round(time.Millisecond))
	return ok, nil
}

// warnUnlisted notes set folders that thresholds.tsv does not mention:
// without a threshold (and a format) they cannot be judged.
func warnUnlisted(dir string, thresholds []scannertest.Threshold) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if !slices.ContainsFunc(thresholds, func(t scannertest.Threshold) bool { return t.Set == name }) {
			fmt.Fprintf(os.Stderr, "accuracy: warning: set %s has no row in thresholds.tsv; skipped\n", name)
		}
	}
}

func stats(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("%s / %s / %s ms", ms(s[len(s)/2]), ms(s[(len(s)*95+99)/100-1]), ms(s[len(s)-1]))
}

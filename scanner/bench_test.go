package scanner_test

import (
	"errors"
	"image"
	"image/draw"
	"slices"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/scanner/scannertest"
)

// reportLatency adds median and 95th-percentile per-decode times.
func reportLatency(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(ds[len(ds)/2]), "median-ms")
	b.ReportMetric(ms(ds[(len(ds)*95+99)/100-1]), "p95-ms")
}

// reportCPU adds the process's CPU time per decode: on a machine shared
// with other builds the wall clock counts the waits for a core too.
func reportCPU(b *testing.B, cpu time.Duration, n int) {
	if cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
	}
}

// blackboxSets is the folder of ZXing's blackbox test sets and the first
// threshold of each set, in the order thresholds.tsv lists them: the
// decode benchmarks' set-up. Without the test data (see Makefile,
// BARCODE_TESTDATA) there is nothing to measure and the benchmark says so.
func blackboxSets(b *testing.B) (string, []scannertest.Threshold) {
	b.Helper()
	dir, err := scannertest.Dir()
	if err != nil {
		b.Skip(err)
	}
	thresholds, err := scannertest.LoadThresholds(dir)
	if err != nil {
		b.Skipf("no barcode test data: %v", err)
	}
	var sets []scannertest.Threshold
	for _, t := range thresholds {
		if !slices.ContainsFunc(sets, func(s scannertest.Threshold) bool { return s.Set == t.Set }) {
			sets = append(sets, t)
		}
	}
	return dir, sets
}

// decodeInTurn decodes the samples one per op, cycling through them as
// scannertest.Check does (pure first, then normal), and reports the
// latency and CPU time per decode.
func decodeInTurn(b *testing.B, samples []scannertest.Sample, format scanner.Format, hard bool) {
	b.Helper()
	var ds []time.Duration
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		s := samples[i%len(samples)]
		i++
		_, _, _, d := scannertest.Check(b.Context(), s.Image, format, s.Want, hard)
		ds = append(ds, d)
	}
	reportLatency(b, ds)
	reportCPU(b, cpuTime()-cpu, len(ds))
}

// BenchmarkDecode decodes every image of each test set (upright, the
// Java test's way: pure first, then normal); one op is one image. Run
// one set with -bench 'Decode$/qrcode-1/TryHarder' (issue 16's
// qrcode-1 median).
func BenchmarkDecode(b *testing.B) {
	dir, sets := blackboxSets(b)
	for _, set := range sets {
		// A set is loaded by the first of its benchmarks that runs, so
		// that -bench 'Decode$/qrcode-1' neither decodes the other sets'
		// files nor counts them in a profile.
		var samples []scannertest.Sample
		load := func(b *testing.B) {
			if samples == nil {
				var err error
				if samples, err = scannertest.LoadSet(dir, set.Set); err != nil {
					b.Fatal(err)
				}
			}
		}
		for _, hard := range []bool{false, true} {
			name := set.Set
			if hard {
				name += "/TryHarder"
			}
			b.Run(name, func(b *testing.B) {
				load(b)
				decodeInTurn(b, samples, set.Format, hard)
			})
		}
	}
}

// BenchmarkDecodeMisses decodes, under TryHarder as `make accuracy` does
// (pure, then normal), the images of each of ZXing's blackbox sets at 0
// degrees that it does not read: the try-harder tail (issue 16), where
// every step of the plan runs. One op is one image, cycling through them.
func BenchmarkDecodeMisses(b *testing.B) {
	dir, sets := blackboxSets(b)
	for _, set := range sets {
		samples, err := scannertest.LoadSet(dir, set.Set)
		if err != nil {
			b.Fatal(err)
		}
		var misses []scannertest.Sample
		for _, s := range samples {
			if o, _, _, _ := scannertest.Check(b.Context(), s.Image, set.Format, s.Want, true); o != scannertest.Passed {
				misses = append(misses, s)
			}
		}
		if len(misses) == 0 {
			continue
		}
		b.Run(set.Set, func(b *testing.B) { decodeInTurn(b, misses, set.Format, true) })
	}
}

// BenchmarkDecodePhoto12MP decodes a synthetic 12-megapixel camera photo
// (JPEG decoding excluded), scanning it whole at full resolution and the
// default way (shrunk to 1600 px, plus the full-resolution centre).
func BenchmarkDecodePhoto12MP(b *testing.B) {
	img := photo12MP(b)
	for _, bench := range []struct {
		name string
		opts scanner.Options
	}{
		{"Full", scanner.Options{MaxDimension: 4000}},
		{"1600", scanner.Options{}},
		{"1600/QROnly", scanner.Options{Formats: []scanner.Format{scanner.QRCode}}},
		{"1600/TryHarder", scanner.Options{TryHarder: true}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := scanner.Decode(b.Context(), img, bench.opts); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			reportLatency(b, ds)
		})
	}
	// The worst case: nothing to find, so every pass runs.
	empty := photo(b, false)
	benchNoCode(b, empty)
}

// BenchmarkDecodeScene1MP decodes a 1-megapixel camera-like scene with no
// code in it (issue 16): what a camera pointed at the wrong thing sends.
func BenchmarkDecodeScene1MP(b *testing.B) {
	img := scene1MP(b, false)
	benchNoCode(b, img)
}

// benchNoCode decodes an image with no code in it, normally and trying
// harder, and reports the latencies: every pass runs before the scanner
// gives up.
func benchNoCode(b *testing.B, img image.Image) {
	for _, bench := range []struct {
		name string
		opts scanner.Options
	}{
		{"NoCode", scanner.Options{}},
		{"NoCode/TryHarder", scanner.Options{TryHarder: true}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			var ds []time.Duration
			cpu := cpuTime()
			for b.Loop() {
				start := time.Now()
				if _, err := scanner.Decode(b.Context(), img, bench.opts); !errors.Is(err, scanner.ErrNotFound) {
					b.Fatalf("err = %v, want ErrNotFound", err)
				}
				ds = append(ds, time.Since(start))
			}
			reportLatency(b, ds)
			reportCPU(b, cpuTime()-cpu, len(ds))
		})
	}
}

// BenchmarkGlanceScene1MP is the first look alone on the 1-megapixel
// scene of BenchmarkDecodeScene1MP, grey already, so that the look's own
// CPU time is measured (issue 16).
func BenchmarkGlanceScene1MP(b *testing.B) {
	scene := scene1MP(b, false)
	grey := image.NewGray(scene.Bounds())
	draw.Draw(grey, grey.Bounds(), scene, scene.Bounds().Min, draw.Src)
	cpu, n := cpuTime(), 0
	for b.Loop() {
		if finders, bars, matrix := scanner.Glance(grey); finders || bars || matrix {
			b.Fatalf("glance = %v, %v, %v; want nothing seen", finders, bars, matrix)
		}
		n++
	}
	reportCPU(b, cpuTime()-cpu, n)
}

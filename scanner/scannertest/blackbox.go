package scannertest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // the test sets hold GIF, JPEG and PNG files
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/scanner"
)

// EnvDir names the environment variable that points at the test data.
const EnvDir = "BARCODE_TESTDATA"

// DefaultRelDir is the test data's place relative to the repository root
// when EnvDir is unset.
const DefaultRelDir = "../shared/testdata/barcodes/zxing-blackbox"

// Dir returns the test-data directory: $BARCODE_TESTDATA if set, else
// DefaultRelDir resolved against the module root found above the working
// directory (so it works from any package's test).
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return filepath.Abs(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Clean(filepath.Join(d, DefaultRelDir)), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s; set %s", wd, EnvDir)
		}
	}
}

// Threshold is one row of thresholds.tsv: how many images of a set must
// decode at one rotation.
type Threshold struct {
	Set                  string
	Format               scanner.Format
	Images               int // the expected image count; 0 if not given
	Rotation             int // clockwise degrees
	MustPass             int
	TryHarderMustPass    int
	MaxMisreads          int
	MaxTryHarderMisreads int
	// ReportOnly rows are measured and printed but never fail: the linear
	// sets at 90 and 270 degrees, which the Java tests do not run.
	ReportOnly bool
}

// LoadThresholds reads dir/thresholds.tsv: tab-separated, '#' comments,
// a header naming the columns set, format, rotation, must_pass and
// try_harder_must_pass, and optionally images, max_misreads and
// max_try_harder_misreads (0 when absent). For every set of a linear
// format it adds report-only rows for 90 and 270 degrees unless the file
// lists them.
func LoadThresholds(dir string) ([]Threshold, error) {
	path := filepath.Join(dir, "thresholds.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	var (
		col  map[string]int
		rows []Threshold
		sc   = bufio.NewScanner(f)
		line = 0
	)
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if col == nil {
			col = map[string]int{}
			for i, name := range fields {
				col[strings.TrimSpace(name)] = i
			}
			for _, need := range []string{"set", "format", "rotation", "must_pass", "try_harder_must_pass"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("%s: header lacks column %q", path, need)
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(fields) {
				return strings.TrimSpace(fields[i])
			}
			return ""
		}
		num := func(name string) (int, error) {
			s := get(name)
			if s == "" {
				if name == "images" || strings.HasPrefix(name, "max_") {
					return 0, nil
				}
				return 0, fmt.Errorf("%s:%d: %s is empty", path, line, name)
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, fmt.Errorf("%s:%d: %s: %v", path, line, name, err)
			}
			return n, nil
		}
		t := Threshold{Set: get("set"), Format: scanner.Format(get("format"))}
		if t.Set == "" || strings.ContainsAny(t.Set, `/\`) || t.Set == "." || t.Set == ".." {
			return nil, fmt.Errorf("%s:%d: bad set name %q", path, line, t.Set)
		}
		if !t.Format.Valid() {
			return nil, fmt.Errorf("%s:%d: unknown format %q", path, line, t.Format)
		}
		for _, p := range []struct {
			name string
			dst  *int
		}{
			{"images", &t.Images}, {"rotation", &t.Rotation}, {"must_pass", &t.MustPass},
			{"try_harder_must_pass", &t.TryHarderMustPass}, {"max_misreads", &t.MaxMisreads},
			{"max_try_harder_misreads", &t.MaxTryHarderMisreads},
		} {
			if *p.dst, err = num(p.name); err != nil {
				return nil, err
			}
		}
		if t.Rotation%90 != 0 || t.Rotation < 0 || t.Rotation >= 360 {
			return nil, fmt.Errorf("%s:%d: rotation %d is not 0, 90, 180 or 270", path, line, t.Rotation)
		}
		rows = append(rows, t)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no thresholds", path)
	}
	return addLinearRotations(rows), nil
}

func addLinearRotations(rows []Threshold) []Threshold {
	var out []Threshold
	added := map[string]bool{}
	for i, t := range rows {
		out = append(out, t)
		last := !slices.ContainsFunc(rows[i+1:], func(r Threshold) bool { return r.Set == t.Set })
		if !last || t.Format.Is2D() || added[t.Set] {
			continue
		}
		added[t.Set] = true
		for _, rot := range []int{90, 270} {
			listed := slices.ContainsFunc(rows, func(r Threshold) bool { return r.Set == t.Set && r.Rotation == rot })
			if !listed {
				out = append(out, Threshold{Set: t.Set, Format: t.Format, Images: t.Images, Rotation: rot, ReportOnly: true})
			}
		}
	}
	return out
}

// Sample is one test image with its expected text.
type Sample struct {
	Name  string // file name within the set
	Image image.Image
	Want  string
	// Symbology is the SYMBOLOGY_IDENTIFIER of <base>.metadata.txt, or "".
	// ZXing's test also checks ERRORS_CORRECTED and READER_INIT, which
	// gozxing does not report.
	Symbology string
}

// LoadSet reads the images of dir/set in name order.
func LoadSet(dir, set string) ([]Sample, error) {
	base := filepath.Join(dir, set)
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, err
	}
	var out []Sample
	for _, e := range entries {
		name := e.Name()
		switch filepath.Ext(name) {
		case ".png", ".jpg", ".jpeg", ".gif", ".PNG", ".JPG", ".JPEG", ".GIF":
		default:
			continue
		}
		if e.IsDir() {
			continue
		}
		stem := name
		if i := strings.IndexByte(name, '.'); i >= 0 {
			stem = name[:i]
		}
		want, err := os.ReadFile(filepath.Join(base, stem+".txt"))
		if errors.Is(err, os.ErrNotExist) {
			var bin []byte
			bin, err = os.ReadFile(filepath.Join(base, stem+".bin"))
			want = latin1(bin)
		}
		if err != nil {
			return nil, fmt.Errorf("%s/%s: expected text: %w", set, name, err)
		}
		f, err := os.Open(filepath.Join(base, name))
		if err != nil {
			return nil, err
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", set, name, err)
		}
		sym, err := symbology(filepath.Join(base, stem+".metadata.txt"))
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", set, name, err)
		}
		out = append(out, Sample{Name: name, Image: img, Want: string(want), Symbology: sym})
	}
	return out, nil
}

// symbology reads SYMBOLOGY_IDENTIFIER from a Java properties file of
// plain key=value lines; a missing file gives "".
func symbology(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.TrimSpace(k) == "SYMBOLOGY_IDENTIFIER" {
			return strings.TrimSpace(v), nil
		}
	}
	return "", nil
}

func latin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// Row is the measured outcome of one threshold row.
type Row struct {
	Threshold
	Count             int // images in the folder
	Passed            int
	TryHarderPassed   int
	Misreads          int
	TryHarderMisreads int
	// Durations of the normal and try-harder decodes, one per image.
	Times, TryHarderTimes []time.Duration
	// Notes name the images that failed and why.
	Notes []string
	// SymbologyChecked counts passes whose image has an expected
	// SYMBOLOGY_IDENTIFIER, SymbologyWrong those that differ. They are
	// reported, not judged: the thresholds count format and text only.
	SymbologyChecked, SymbologyWrong int
}

// Shortfalls lists why r fails its threshold; nil means it passes.
func (r Row) Shortfalls() []string {
	if r.ReportOnly {
		return nil
	}
	var s []string
	if r.Images > 0 && r.Count != r.Images {
		s = append(s, fmt.Sprintf("%d images, thresholds say %d", r.Count, r.Images))
	}
	if r.Passed < r.MustPass {
		s = append(s, fmt.Sprintf("passed %d < %d", r.Passed, r.MustPass))
	}
	if r.TryHarderPassed < r.TryHarderMustPass {
		s = append(s, fmt.Sprintf("try-harder passed %d < %d", r.TryHarderPassed, r.TryHarderMustPass))
	}
	if r.Misreads > r.MaxMisreads {
		s = append(s, fmt.Sprintf("misreads %d > %d", r.Misreads, r.MaxMisreads))
	}
	if r.TryHarderMisreads > r.MaxTryHarderMisreads {
		s = append(s, fmt.Sprintf("try-harder misreads %d > %d", r.TryHarderMisreads, r.MaxTryHarderMisreads))
	}
	return s
}

// Outcome of one decode against the expected answer.
type Outcome int

const (
	Missed  Outcome = iota // nothing decoded
	Passed                 // right format and text
	Misread                // something else decoded
)

// Check decodes img as the Java blackbox test does: pure first, then
// normal when the pure decode finds nothing. It returns the outcome, the
// code decoded, a note for failures, and the time taken.
func Check(ctx context.Context, img image.Image, format scanner.Format, want string, tryHarder bool) (Outcome, scanner.Code, string, time.Duration) {
	start := time.Now()
	c, err := scanner.Decode(ctx, img, scanner.Options{TryHarder: tryHarder, Pure: true})
	if err != nil {
		c, err = scanner.Decode(ctx, img, scanner.Options{TryHarder: tryHarder})
	}
	d := time.Since(start)
	switch {
	case err != nil:
		return Missed, c, err.Error(), d
	case c.Format != format:
		return Misread, c, fmt.Sprintf("format %s, want %s (text %q)", c.Format, format, c.Text), d
	case c.Text != want:
		return Misread, c, fmt.Sprintf("text %q, want %q", c.Text, want), d
	}
	return Passed, c, "", d
}

// Run measures every threshold row. Rows of one set share one load of its
// images; workers images are decoded at once.
func Run(ctx context.Context, dir string, thresholds []Threshold, workers int) ([]Row, error) {
	rows := make([]Row, len(thresholds))
	for i, t := range thresholds {
		rows[i].Threshold = t
	}
	sets := map[string][]Sample{}
	for i := range rows {
		r := &rows[i]
		samples, ok := sets[r.Set]
		if !ok {
			var err error
			if samples, err = LoadSet(dir, r.Set); err != nil {
				return nil, err
			}
			sets[r.Set] = samples
		}
		if err := runRow(ctx, r, samples, workers); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func runRow(ctx context.Context, r *Row, samples []Sample, workers int) error {
	r.Count = len(samples)
	type result struct {
		normal, hard Outcome
		codeN, codeH scanner.Code
		noteN, noteH string
		timeN, timeH time.Duration
	}
	results := make([]result, len(samples))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := samples[i]
				img := Rotate(s.Image, r.Rotation)
				res := &results[i]
				res.normal, res.codeN, res.noteN, res.timeN = Check(ctx, img, r.Format, s.Want, false)
				res.hard, res.codeH, res.noteH, res.timeH = Check(ctx, img, r.Format, s.Want, true)
			}
		}()
	}
	for i := range samples {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, res := range results {
		name := samples[i].Name
		r.Times = append(r.Times, res.timeN)
		r.TryHarderTimes = append(r.TryHarderTimes, res.timeH)
		switch res.normal {
		case Passed:
			r.Passed++
		case Misread:
			r.Misreads++
		}
		switch res.hard {
		case Passed:
			r.TryHarderPassed++
		case Misread:
			r.TryHarderMisreads++
		}
		if res.normal != Passed {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: %s", name, res.noteN))
		}
		if want := samples[i].Symbology; want != "" {
			for _, p := range []struct {
				o Outcome
				c scanner.Code
			}{{res.normal, res.codeN}, {res.hard, res.codeH}} {
				if p.o != Passed {
					continue
				}
				r.SymbologyChecked++
				if p.c.Symbology != want {
					r.SymbologyWrong++
					r.Notes = append(r.Notes, fmt.Sprintf("%s: symbology %q, want %q", name, p.c.Symbology, want))
				}
			}
		}
		if res.hard != Passed {
			r.Notes = append(r.Notes, fmt.Sprintf("%s (try harder): %s", name, res.noteH))
		}
	}
	return nil
}

// Rotate returns img turned clockwise by deg (a multiple of 90), exactly,
// pixel for pixel. Gray and paletted images keep their type; others become
// *image.NRGBA (or *image.RGBA for RGBA input).
func Rotate(img image.Image, deg int) image.Image {
	deg = ((deg % 360) + 360) % 360
	if deg == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	nb := image.Rect(0, 0, w, h)
	if deg != 180 {
		nb = image.Rect(0, 0, h, w)
	}
	dst := func(x, y int) (int, int) { // offsets within b -> new image
		switch deg {
		case 90:
			return h - 1 - y, x
		case 180:
			return w - 1 - x, h - 1 - y
		}
		return y, w - 1 - x
	}
	switch m := img.(type) {
	case *image.Gray:
		out := image.NewGray(nb)
		for y := range h {
			for x := range w {
				nx, ny := dst(x, y)
				out.Pix[out.PixOffset(nx, ny)] = m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y)]
			}
		}
		return out
	case *image.Paletted:
		out := image.NewPaletted(nb, m.Palette)
		for y := range h {
			for x := range w {
				nx, ny := dst(x, y)
				out.Pix[out.PixOffset(nx, ny)] = m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y)]
			}
		}
		return out
	case *image.RGBA:
		out := image.NewRGBA(nb)
		for y := range h {
			for x := range w {
				nx, ny := dst(x, y)
				copy(out.Pix[out.PixOffset(nx, ny):][:4], m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y):][:4])
			}
		}
		return out
	}
	out := image.NewNRGBA(nb)
	for y := range h {
		for x := range w {
			nx, ny := dst(x, y)
			out.Set(nx, ny, color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)))
		}
	}
	return out
}

// Command screenshots takes the README's screenshots of the terminal: for
// each screen size and language it starts its own Xvfb at that size, runs
// the app on the demo world, waits until the first ticket list is on screen
// (the app's -ready-file), captures it, taps the first ticket, captures the
// ticket, and stops both. `make screenshots` runs it.
//
//	go run ./cmd/screenshots [-out docs/screenshots] [-bin bin/fieldbench] [-sizes phone,tablet,desktop] [-langs en,zh]
//
// It writes <size>-<lang>-tickets.png and <size>-<lang>-ticket.png. It
// needs Xvfb, xdotool and ImageMagick's import (make setup installs them).
// The first start of each language creates the demo world and syncs it
// (tens of seconds); later sizes reuse that language's data folder.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fieldbench/fieldbench/cmd/internal/xvfb"
)

// Size is a screen the screenshots are taken on.
type Size struct {
	Name string
	W, H int
}

func (s Size) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// sizes are the screens of the README: a phone held upright, a tablet and
// a desktop monitor.
var sizes = map[string]Size{
	"phone":   {"phone", 720, 1280},
	"tablet":  {"tablet", 1280, 800},
	"desktop": {"desktop", 1920, 1080},
}

// parseSizes reads -sizes: names from sizes, or name=WxH for another.
func parseSizes(s string) ([]Size, error) {
	var out []Size
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if name, dim, ok := strings.Cut(f, "="); ok {
			var w, h int
			if n, err := fmt.Sscanf(dim, "%dx%d", &w, &h); err != nil || n != 2 || w <= 0 || h <= 0 {
				return nil, fmt.Errorf("size %q: want name=WxH, as phone=720x1280", f)
			}
			out = append(out, Size{name, w, h})
			continue
		}
		sz, ok := sizes[f]
		if !ok {
			return nil, fmt.Errorf("unknown size %q: use phone, tablet, desktop or name=WxH", f)
		}
		out = append(out, sz)
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes")
	}
	return out, nil
}

// firstTicket is where the first ticket of the list is, in pixels at
// scale 1, for the current layout (ui/): on an upright screen the list
// sits under the search bar and the view picker; on a wide one the page
// tabs come first. Today's list may open with an "Overdue" heading (about
// 40 px) above the first ticket: the point lies in the first ticket's
// three lines either way. A tap that changes too little of the screen is
// reported, so a layout change shows up as an error rather than a wrong
// picture.
func firstTicket(s Size) (x, y int) {
	if s.H > s.W {
		return 150, 170
	}
	return 150, 217
}

type config struct {
	out, bin string
	sizes    []Size
	langs    []string
	timeout  time.Duration // for the ready file
	settle   time.Duration // after ready, and after the tap
	tap      string        // "X,Y" instead of firstTicket
	keep     bool          // keep the data folders
}

func main() {
	var c config
	flag.StringVar(&c.out, "out", "docs/screenshots", "folder for the PNG files")
	flag.StringVar(&c.bin, "bin", "bin/fieldbench", "the terminal's binary (go build -o bin/fieldbench .)")
	sizeList := flag.String("sizes", "phone,tablet,desktop", "screens: phone (720x1280), tablet (1280x800), desktop (1920x1080), or name=WxH")
	langList := flag.String("langs", "en,zh", "user interface languages")
	flag.DurationVar(&c.timeout, "timeout", 180*time.Second, "how long to wait for the ticket list (the first start creates and syncs the demo world)")
	flag.DurationVar(&c.settle, "settle", time.Second, "wait after the list is ready, and after the tap, before each capture")
	flag.StringVar(&c.tap, "tap", "", "X,Y of the first ticket, when the layout has moved it")
	flag.BoolVar(&c.keep, "keep", false, "keep the demo data folders and print where they are")
	flag.Parse()
	log.SetFlags(0)

	var err error
	if c.sizes, err = parseSizes(*sizeList); err != nil {
		log.Fatal(err)
	}
	for _, l := range strings.Split(*langList, ",") {
		if l = strings.TrimSpace(l); l != "" {
			c.langs = append(c.langs, l)
		}
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			log.Fatalf("%s is missing: run make setup", tool)
		}
	}
	if _, err := os.Stat(c.bin); err != nil {
		log.Fatalf("%v: build it first (go build -o %s .)", err, c.bin)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		log.Fatal(err)
	}
	// Ctrl+C stops the Xvfb and app started so far rather than leaving
	// them behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, c config) error {
	for _, lang := range c.langs {
		// One data folder per language: the first size creates and syncs
		// the demo world, the others start from it in a second or so.
		data, err := os.MkdirTemp("", "fieldbench-screenshots-"+lang+"-")
		if err != nil {
			return err
		}
		if c.keep {
			log.Printf("%s: data in %s", lang, data)
		} else {
			defer os.RemoveAll(data)
		}
		for _, s := range c.sizes {
			start := time.Now()
			ready, err := shoot(ctx, c, s, lang, data)
			if err != nil {
				return fmt.Errorf("%s %s: %w", s.Name, lang, err)
			}
			log.Printf("%s-%s: list ready after %s (%s), done in %s", s.Name, lang, ready.Wall.Round(time.Millisecond), ready.Line, time.Since(start).Round(100*time.Millisecond))
		}
	}
	return nil
}

// shoot takes the two screenshots of one size and language.
func shoot(ctx context.Context, c config, s Size, lang, data string) (xvfb.Ready, error) {
	tmp, err := os.MkdirTemp("", "fieldbench-shot-")
	if err != nil {
		return xvfb.Ready{}, err
	}
	defer os.RemoveAll(tmp)

	server, err := xvfb.Start(ctx, s.String(), filepath.Join(tmp, "xvfb.log"))
	if err != nil {
		return xvfb.Ready{}, err
	}
	defer server.Stop()

	app, err := server.StartApp([]string{c.bin, "-demo", "-data", data, "-lang", lang, "-window-size", s.String()}, nil,
		filepath.Join(tmp, "ready"), filepath.Join(tmp, "app.log"))
	if err != nil {
		return xvfb.Ready{}, err
	}
	defer app.Stop()
	ready, err := app.WaitReady(ctx, c.timeout)
	if err != nil {
		return xvfb.Ready{}, err
	}

	list := filepath.Join(c.out, fmt.Sprintf("%s-%s-tickets.png", s.Name, lang))
	ticket := filepath.Join(c.out, fmt.Sprintf("%s-%s-ticket.png", s.Name, lang))
	if err := xvfb.Sleep(ctx, c.settle); err != nil {
		return ready, err
	}
	if err := capture(server, list); err != nil {
		return ready, err
	}
	x, y := firstTicket(s)
	if c.tap != "" {
		if _, err := fmt.Sscanf(c.tap, "%d,%d", &x, &y); err != nil {
			return ready, fmt.Errorf("-tap %q: want X,Y", c.tap)
		}
	}
	if err := server.Tap(x, y); err != nil {
		return ready, err
	}
	if err := xvfb.Sleep(ctx, c.settle); err != nil {
		return ready, err
	}
	if err := capture(server, ticket); err != nil {
		return ready, err
	}
	changed, err := changedShare(list, ticket)
	if err != nil {
		return ready, err
	}
	if changed < minChange {
		return ready, fmt.Errorf("the tap at %d,%d changed %.1f %% of the screen, so it opened no ticket: the layout may have moved the list; pass -tap X,Y", x, y, 100*changed)
	}
	return ready, nil
}

// minChange is the share of pixels a tap that opens a ticket changes at
// least: the detail replaces the list (phone) or fills the empty side
// (tablet, desktop); a missed tap changes only a hover highlight.
const minChange = 0.05

// capture saves the whole X screen as a PNG.
func capture(server *xvfb.Server, path string) error {
	if out, err := server.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		return fmt.Errorf("import %s: %v: %s", path, err, out)
	}
	return nil
}

// changedShare is the share of pixels that differ between two PNGs of the
// same size.
func changedShare(a, b string) (float64, error) {
	ia, err := readPNG(a)
	if err != nil {
		return 0, err
	}
	ib, err := readPNG(b)
	if err != nil {
		return 0, err
	}
	return diff(ia, ib), nil
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// diff is the share of pixels that differ; images of different sizes
// differ entirely.
func diff(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 1
	}
	ra, rb := a.Bounds(), b.Bounds()
	n := 0
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			r1, g1, b1, _ := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return float64(n) / float64(ra.Dx()*ra.Dy())
}

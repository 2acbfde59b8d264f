// Command uibench measures the terminal's start-up and memory against a
// floor, a bare Fyne app showing a 10,000-row list (cmd/uifloor), on the
// same machine in the same run (issue 5). `make bench-ui` runs it.
//
//	go run ./cmd/uibench [-runs 5] [-data bin/uibench-data] [-bin bin/fieldbench] [-floor bin/uifloor]
//
// Once, it fills a data folder with a demo world of 10,000 tickets loaded
// straight into the device store, without pairing or syncing. Each run then
// starts the floor and the terminal in turn, each a fresh process, under one
// Xvfb: the terminal opens the existing store read-only (no pairing.json,
// FIELDBENCH_TECHNICIAN=tech-demo) and shows the demo technician's list. It
// records the wall time from exec to the app's -ready-file, the ready_ms
// and rss_kb the app writes there, and its resident memory a second later.
// With xwd at hand it also taps the terminal's first ticket and times, from
// screen captures, how long the ticket takes to be drawn.
//
// It prints each run and a table of medians with the targets: start-up
// within 2x the floor's, memory within the floor's + 40 MB.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/cmd/internal/xvfb"
	"github.com/fieldbench/fieldbench/internal/ready"
	"github.com/fieldbench/fieldbench/store"
)

// The targets of issue 5.
const (
	maxTimeRatio = 2.0 // start-up within 2x the floor's
	maxExtraMB   = 40  // resident memory within the floor's + 40 MB
)

type config struct {
	data, bin, floor string
	runs, warmup     int
	size             demo.Size
	seed             int64
	window           string
	timeout, settle  time.Duration
	open             bool
	tapX, tapY       int
}

func main() {
	var c config
	flag.StringVar(&c.data, "data", "bin/uibench-data", "data folder with the 10,000-ticket store; made when missing or made for another size or day")
	flag.StringVar(&c.bin, "bin", "bin/fieldbench", "the terminal's binary")
	flag.StringVar(&c.floor, "floor", "bin/uifloor", "the floor's binary (go build -o bin/uifloor ./cmd/uifloor)")
	flag.IntVar(&c.runs, "runs", 5, "measured starts of each app")
	flag.IntVar(&c.warmup, "warmup", 1, "unmeasured starts of each app first, so both start with the binary and the store in the page cache")
	flag.IntVar(&c.size.Tickets, "tickets", 10000, "tickets in the demo world")
	flag.IntVar(&c.size.Technicians, "technicians", 1, "technicians sharing the tickets; with 1 the demo technician has them all, as a device holds only its technician's tickets")
	flag.IntVar(&c.size.Models, "models", 200, "product models in the demo world")
	flag.IntVar(&c.size.Parts, "parts", 2000, "catalog parts in the demo world")
	flag.Int64Var(&c.seed, "seed", 1, "demo world seed")
	flag.StringVar(&c.window, "window-size", "1280x800", "screen and window size")
	flag.DurationVar(&c.timeout, "timeout", 60*time.Second, "give up on a start after this long")
	flag.DurationVar(&c.settle, "settle", time.Second, "wait after ready before reading memory again")
	flag.BoolVar(&c.open, "open", true, "also time opening the first ticket (needs xwd, from x11-apps)")
	tap := flag.String("tap", "150,175", "X,Y of the terminal's first ticket on the screen")
	flag.Parse()
	log.SetFlags(0)
	if _, err := fmt.Sscanf(*tap, "%d,%d", &c.tapX, &c.tapY); err != nil {
		log.Fatalf("-tap %q: want X,Y", *tap)
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			log.Fatalf("%s is missing: run make setup", tool)
		}
	}
	if _, err := exec.LookPath("xwd"); c.open && err != nil {
		log.Printf("xwd is missing (x11-apps): not timing the opening of a ticket")
		c.open = false
	}
	for _, bin := range []string{c.bin, c.floor} {
		if _, err := os.Stat(bin); err != nil {
			log.Fatalf("%v: build it first (make bench-ui builds both)", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, c config) error {
	info, err := prepare(ctx, c)
	if err != nil {
		return fmt.Errorf("prepare %s: %w", c.data, err)
	}
	fmt.Printf("store: %s, %d tickets, %d of them the demo technician's (%s), %d in the first list (today's view)\n",
		c.data, info.Tickets, info.DemoTickets, demo.DemoTechnician, info.FirstList)

	tmp, err := os.MkdirTemp("", "fieldbench-uibench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	server, err := xvfb.Start(ctx, c.window, filepath.Join(tmp, "xvfb.log"))
	if err != nil {
		return err
	}
	defer server.Stop()

	abs, err := filepath.Abs(c.data)
	if err != nil {
		return err
	}
	apps := []subject{
		{name: "floor", args: []string{c.floor, "-window-size", c.window}},
		{name: "fieldbench", args: []string{c.bin, "-data", abs, "-lang", "en", "-window-size", c.window}, open: c.open},
	}
	fmt.Printf("load average before: %s\n", loadavg())
	results := map[string][]sample{}
	for i := range c.warmup + c.runs {
		for _, s := range apps {
			m, err := measure(ctx, c, server, tmp, s)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", s.name, i+1, err)
			}
			label := "warm-up"
			if i >= c.warmup {
				label = fmt.Sprintf("run %d", i-c.warmup+1)
				results[s.name] = append(results[s.name], m)
			}
			fmt.Printf("%-8s %-10s %s\n", label, s.name, m)
		}
	}
	fmt.Printf("load average after: %s (other work on the machine skews the figures)\n", loadavg())
	report(os.Stdout, c, results["floor"], results["fieldbench"])
	return nil
}

// loadavg is the 1, 5 and 15 minute load averages, "?" if unknown.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// prepared describes the data folder; it is saved beside the store so the
// next run can tell whether the store is the one asked for.
type prepared struct {
	Size        demo.Size `json:"size"`
	Seed        int64     `json:"seed"`
	Day         string    `json:"day"` // the demo world's "today"
	Tickets     int       `json:"tickets"`
	DemoTickets int       `json:"demo_tickets"`
	FirstList   int       `json:"first_list"`
}

// prepare makes the data folder unless it already holds this size, seed
// and day: the demo world loaded into the device store in one transaction
// and optimised, as after a first sync, but with no pairing, so the
// terminal opens it read-only and does not sync.
func prepare(ctx context.Context, c config) (prepared, error) {
	now := time.Now()
	want := prepared{Size: c.size, Seed: c.seed, Day: now.Format(time.DateOnly)}
	marker := filepath.Join(c.data, "uibench.json")
	if data, err := os.ReadFile(marker); err == nil {
		var got prepared
		if json.Unmarshal(data, &got) == nil && got.Size == want.Size && got.Seed == want.Seed && got.Day == want.Day {
			return got, nil
		}
	}
	if err := os.RemoveAll(c.data); err != nil {
		return want, err
	}
	dir, err := filepath.Abs(c.data)
	if err != nil {
		return want, err
	}
	fmt.Printf("making the store: %d tickets shared by %d technician(s)…\n", c.size.Tickets, c.size.Technicians)
	start := time.Now()
	ds := demo.Generate(c.seed, c.size, now)
	want.Tickets = len(ds.Tickets)
	for _, t := range ds.Tickets {
		if t.Ticket.Technician == demo.DemoTechnician {
			want.DemoTickets++
		}
	}
	db, err := store.Open(ctx, filepath.Join(dir, "fieldbench.db"))
	if err != nil {
		return want, err
	}
	defer db.Close()
	if err := db.Load(ctx, ds); err != nil {
		return want, err
	}
	if err := db.Optimize(ctx); err != nil {
		return want, err
	}
	_, want.FirstList, err = store.NewTicketService(db).FindTickets(ctx, app.TicketFilter{
		View: app.ViewToday, Technician: demo.DemoTechnician, Now: now, Sort: app.SortAppointment, Limit: 1})
	if err != nil {
		return want, err
	}
	if err := db.Close(); err != nil {
		return want, err
	}
	data, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return want, err
	}
	fmt.Printf("made in %s\n", time.Since(start).Round(100*time.Millisecond))
	return want, os.WriteFile(marker, data, 0o644)
}

// subject is an app to start.
type subject struct {
	name string
	args []string
	open bool // time opening the first ticket
}

// sample is one start of one app.
type sample struct {
	wall      time.Duration // exec to the ready file
	readyMS   int64         // what the app wrote: since its process started
	rssKB     int64         // what the app wrote: VmRSS at ready
	settledKB int64         // VmRSS settle later, read from outside
	open      openTiming    // zero unless timed
	openedKB  int64         // VmRSS after opening the ticket
}

func (m sample) String() string {
	s := fmt.Sprintf("start %5d ms (ready_ms %5d)  rss %6.1f MB, %6.1f MB settled", m.wall.Milliseconds(), m.readyMS, mb(m.rssKB), mb(m.settledKB))
	if m.open.upper > 0 {
		s += fmt.Sprintf("  open ticket %4d ms (after %d, %d captures), rss %6.1f MB", m.open.upper.Milliseconds(), m.open.lower.Milliseconds(), m.open.frames, mb(m.openedKB))
	}
	return s
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// measure starts one app, waits for its ready file, reads its memory, and
// optionally opens the first ticket, then stops it.
func measure(ctx context.Context, c config, server *xvfb.Server, tmp string, s subject) (sample, error) {
	a, err := server.StartApp(s.args, []string{"FIELDBENCH_TECHNICIAN=" + string(demo.DemoTechnician)},
		filepath.Join(tmp, s.name+".ready"), filepath.Join(tmp, s.name+".log"))
	if err != nil {
		return sample{}, err
	}
	defer a.Stop()
	r, err := a.WaitReady(ctx, c.timeout)
	if err != nil {
		return sample{}, err
	}
	m := sample{wall: r.Wall}
	if m.readyMS, m.rssKB, err = ready.Parse(r.Line); err != nil {
		return m, err
	}
	if err := xvfb.Sleep(ctx, c.settle); err != nil {
		return m, err
	}
	m.settledKB = ready.ResidentKB(a.Pid())
	if s.open {
		if m.open, err = openFirst(ctx, server, c.tapX, c.tapY); err != nil {
			return m, err
		}
		m.openedKB = ready.ResidentKB(a.Pid())
	}
	return m, nil
}

// openTiming bounds when a tapped ticket was drawn: after lower and by
// upper, measured from just before the tap.
type openTiming struct {
	lower, upper time.Duration
	frames       int // captures taken
}

// How long openFirst watches the screen, and how many identical captures
// at the end count as settled.
const (
	openWatch = 3 * time.Second
	settledAt = 3
)

// openFirst taps the first ticket and captures the screen back to back
// with xwd until openWatch has passed. The ticket is drawn when the screen
// first equals its settled state (the last captures, all equal): after the
// start of the capture before, by the end of that capture. The captures
// take 20–40 ms each and share the CPU with the app, so the figure is an
// upper bound with that resolution. There is no in-app signal for it.
func openFirst(ctx context.Context, server *xvfb.Server, x, y int) (openTiming, error) {
	before, _, err := xwd(server)
	if err != nil {
		return openTiming{}, err
	}
	type frame struct {
		start, end time.Duration
		img        []byte
	}
	var frames []frame
	t0 := time.Now()
	if err := server.Tap(x, y); err != nil {
		return openTiming{}, err
	}
	for time.Since(t0) < openWatch {
		if err := ctx.Err(); err != nil {
			return openTiming{}, err
		}
		start := time.Since(t0)
		img, _, err := xwd(server)
		if err != nil {
			return openTiming{}, err
		}
		frames = append(frames, frame{start, time.Since(t0), img})
	}
	if len(frames) < settledAt {
		return openTiming{}, errors.New("too few screen captures")
	}
	final := frames[len(frames)-1].img
	for _, f := range frames[len(frames)-settledAt:] {
		if !bytes.Equal(f.img, final) {
			return openTiming{}, fmt.Errorf("the screen was still changing %s after the tap", openWatch)
		}
	}
	if share := changed(before, final); share < 0.05 {
		return openTiming{}, fmt.Errorf("the tap at %d,%d changed %.1f %% of the screen, so it opened no ticket: pass -tap X,Y", x, y, 100*share)
	}
	i := slices.IndexFunc(frames, func(f frame) bool { return bytes.Equal(f.img, final) })
	t := openTiming{upper: frames[i].end, frames: len(frames)}
	if i > 0 {
		t.lower = frames[i-1].start
	}
	return t, nil
}

// xwd captures the root window's pixels: xwd's output without its header
// and colour map, whose padding bytes differ between equal captures.
func xwd(server *xvfb.Server) ([]byte, time.Duration, error) {
	start := time.Now()
	out, err := server.Command("xwd", "-root", "-silent").Output()
	if err != nil {
		return nil, 0, fmt.Errorf("xwd: %w", err)
	}
	px, err := xwdPixels(out)
	return px, time.Since(start), err
}

// xwdPixels skips an XWD file's header (its size is the first field) and
// colour map (ncolors, the 20th field, entries of 12 bytes); the fields
// are big-endian 32-bit words.
func xwdPixels(b []byte) ([]byte, error) {
	if len(b) < 80 {
		return nil, errors.New("xwd: short output")
	}
	header := int(binary.BigEndian.Uint32(b[0:]))
	ncolors := int(binary.BigEndian.Uint32(b[76:]))
	start := header + 12*ncolors
	if header < 80 || start > len(b) {
		return nil, fmt.Errorf("xwd: header of %d bytes and %d colours in %d bytes", header, ncolors, len(b))
	}
	return b[start:], nil
}

// changed is the share of bytes that differ between two captures of the
// same screen (the header is the same in both).
func changed(a, b []byte) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 1
	}
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianOf(ms []sample, f func(sample) float64) float64 {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = f(m)
	}
	return median(xs)
}

// report prints the medians as a Markdown table, ready for
// docs/BENCHMARKS.md.
func report(w io.Writer, c config, floor, ours []sample) {
	wall := func(m sample) float64 { return float64(m.wall.Milliseconds()) }
	inproc := func(m sample) float64 { return float64(m.readyMS) }
	rss := func(m sample) float64 { return mb(m.rssKB) }
	settled := func(m sample) float64 { return mb(m.settledKB) }
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	fmt.Fprintf(w, "\nmedians of %d runs each, %s window (MB = 1024 kB):\n\n", len(ours), c.window)
	fmt.Fprintln(w, "| what | floor | fieldbench | fieldbench vs floor | target | |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	fw, ow := medianOf(floor, wall), medianOf(ours, wall)
	fmt.Fprintf(w, "| start to list on screen, exec to ready file | %.0f ms | %.0f ms | %.2fx | ≤ %.0fx | %s |\n", fw, ow, ow/fw, maxTimeRatio, verdict(ow <= maxTimeRatio*fw))
	fi, oi := medianOf(floor, inproc), medianOf(ours, inproc)
	fmt.Fprintf(w, "| the same, as the process reports it (ready_ms) | %.0f ms | %.0f ms | %.2fx | ≤ %.0fx | %s |\n", fi, oi, oi/fi, maxTimeRatio, verdict(oi <= maxTimeRatio*fi))
	fr, or := medianOf(floor, rss), medianOf(ours, rss)
	fmt.Fprintf(w, "| resident memory when the list is on screen | %.1f MB | %.1f MB | %+.1f MB | ≤ +%d MB | %s |\n", fr, or, or-fr, maxExtraMB, verdict(or-fr <= maxExtraMB))
	fs, oset := medianOf(floor, settled), medianOf(ours, settled)
	fmt.Fprintf(w, "| resident memory %s later | %.1f MB | %.1f MB | %+.1f MB | ≤ +%d MB | %s |\n", c.settle, fs, oset, oset-fs, maxExtraMB, verdict(oset-fs <= maxExtraMB))
	if len(ours) > 0 && ours[0].open.upper > 0 {
		up := medianOf(ours, func(m sample) float64 { return float64(m.open.upper.Milliseconds()) })
		lo := medianOf(ours, func(m sample) float64 { return float64(m.open.lower.Milliseconds()) })
		opened := medianOf(ours, func(m sample) float64 { return mb(m.openedKB) })
		fmt.Fprintf(w, "| tap the first ticket to the ticket drawn (screen captures) | — | ≤ %.0f ms (after %.0f ms) | — | — | |\n", up, lo)
		fmt.Fprintf(w, "| resident memory with the ticket open, against the floor's settled list | — | %.1f MB | %+.1f MB | ≤ +%d MB | %s |\n", opened, opened-fs, maxExtraMB, verdict(opened-fs <= maxExtraMB))
	}
}

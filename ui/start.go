package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Opener opens the local data and returns the screens' dependencies. It
// reports its steps through progress and runs off the UI goroutine. A
// paired device's Deps carry SignOut.
type Opener func(ctx context.Context, progress func(app.StartProgress)) (Deps, error)

// Lifecycle is the device's life as the screens drive it; main builds it
// from package device.
type Lifecycle struct {
	// FirstRun starts at the first-run screen (an unpaired device).
	FirstRun bool
	// Pair exchanges a pairing code for this device's account (see
	// FirstRunActions.Pair).
	Pair func(ctx context.Context, server, code, fingerprint string) error
	// Open opens the device as it is (paired, or read-only): after the
	// first-run screen paired it, and at launch unless Launch is set.
	Open Opener
	// Launch, if set, opens at launch instead of Open (-server with
	// -pair).
	Launch Opener
	// Demo opens the demo; nil when the build has none, which hides it.
	Demo Opener
	// DemoAtLaunch opens the demo at launch (-demo, or a device paired
	// with the demo before) instead of Launch or Open.
	DemoAtLaunch bool
	// OnReady is the first terminal's Deps.OnReady.
	OnReady func(shown []string)
	// Run runs opening and pairing off the UI goroutine (default: a
	// goroutine; tests run them inline, or wait for them).
	Run func(func())
}

// Run shows the device's screens in w: the first-run screen of an
// unpaired device, then the terminal; after signing out, the first-run
// screen again.
func Run(ctx context.Context, w fyne.Window, l Lifecycle) {
	if l.Run == nil {
		l.Run = func(f func()) { go f() }
	}
	r := &runner{ctx: ctx, w: w, l: l}
	switch {
	case l.DemoAtLaunch && l.Demo != nil:
		r.start(l.Demo)
	case l.FirstRun:
		r.firstRun()
	case l.Launch != nil:
		r.start(l.Launch)
	default:
		r.start(l.Open)
	}
}

type runner struct {
	ctx context.Context
	w   fyne.Window
	l   Lifecycle
}

func (r *runner) firstRun() {
	actions := FirstRunActions{Pair: r.l.Pair, Done: func() { r.start(r.l.Open) }, Run: r.l.Run}
	if r.l.Demo != nil {
		actions.Demo = func() { r.start(r.l.Demo) }
	}
	fr := NewFirstRun(r.ctx, actions)
	r.w.SetContent(fr.Object())
	fr.Attach(r.w)
}

// start opens with open; a session that signs out returns to the
// first-run screen, so the device can be paired again. Each session
// shows its own clock (Deps.Zone): the demo's, then a real pairing's,
// with nothing shared to set between them.
func (r *runner) start(open Opener) {
	start(r.ctx, r.w, r.l.Run, func(ctx context.Context, progress func(app.StartProgress)) (Deps, error) {
		deps, err := open(ctx, progress)
		if err != nil {
			return deps, err
		}
		deps.OnReady, r.l.OnReady = r.l.OnReady, nil
		if signOut := deps.SignOut; signOut != nil {
			deps.SignOut = func(ctx context.Context) error {
				if err := signOut(ctx); err != nil {
					return err
				}
				fyne.Do(r.firstRun)
				return nil
			}
		}
		return deps, nil
	})
}

// startText says what a start is doing.
func startText(p app.StartProgress) string {
	switch p.Step {
	case app.StartUpgrading:
		if p.Total > 0 {
			return upgradeRowsText(p)
		}
		if p.Parts > 0 {
			return upgradeStepText(p)
		}
		return lang.X("startup.upgrading", "Updating your data for this version of the app… On a device with many tickets this takes a minute: keep the app open.")
	case app.StartDemoServer:
		return lang.X("startup.demo_server", "Starting the demo server…")
	case app.StartDemoWorld:
		return lang.X("startup.demo", "Creating the demo world…")
	case app.StartPairing:
		return lang.X("startup.pairing", "Pairing with the server…")
	case app.StartFirstSync:
		if p.Rows == 0 {
			// Before the first page arrives: "… 0 records" beside a bar
			// already past half read as if nothing would come.
			return lang.X("startup.first_sync_asking", "Downloading your tickets and the parts catalog…")
		}
		return lang.X("startup.first_sync", "Downloading your tickets and the parts catalog… {{.Rows}} records", map[string]any{"Rows": countText(p.Rows)})
	case app.StartOptimizing:
		return lang.X("startup.optimizing", "Preparing the search…")
	}
	return lang.X("startup.opening", "Opening your data…")
}

// upgradeRowsText says how far an upgrade's rewrite of a table has come,
// and that waiting is safe: a technician who sees no count for tens of
// seconds may kill the app thinking it hung. Once every row is written
// the rewrite still merges the search index (seconds at 100,000 parts:
// a fifth of the rewrite), which it cannot count: the screen says so
// rather than sit at "100,000 of 100,000".
func upgradeRowsText(p app.StartProgress) string {
	data := map[string]any{"Done": countText(p.Rows), "Total": countText(p.Total)}
	lines := []string{lang.XN("startup.upgrading_parts", "Updating your data: {{.Done}} of {{.Total}} parts.", p.Total, data)}
	if p.Of == app.RowsTickets {
		lines[0] = lang.XN("startup.upgrading_tickets", "Updating your data: {{.Done}} of {{.Total}} tickets.", p.Total, data)
	}
	if p.Rows == p.Total {
		lines = append(lines, lang.X("startup.upgrading_merge", "Finishing the search index…"))
	}
	lines = append(lines, lang.X("startup.upgrading_wait", "It is safe to wait: keep the app open until it is done."))
	return strings.Join(lines, "\n")
}

// upgradeStepText says which of an upgrade's steps runs, for a step that
// counts no rows (a table rebuilt, an index made, in SQL alone): without
// it the screen sat on one sentence through them, and a phone's
// technician could not tell a long step from a hung app.
func upgradeStepText(p app.StartProgress) string {
	data := map[string]any{"Step": countText(p.Part), "Steps": countText(p.Parts)}
	return lang.X("startup.upgrading_step", "Updating your data: step {{.Step}} of {{.Steps}}…", data) + "\n" +
		lang.X("startup.upgrading_wait", "It is safe to wait: keep the app open until it is done.")
}

// startScreen is the progress screen of a start: the step's text, and a
// bar that moves on with each step (the steps a start skips are jumped).
type startScreen struct {
	msg   *widget.Label
	bar   *widget.ProgressBar
	retry *widget.Button  // shown after a failure
	box   *fyne.Container // the text, the bar and the button
	root  fyne.CanvasObject
}

func newStartScreen() *startScreen {
	s := &startScreen{msg: widget.NewLabel(""), bar: widget.NewProgressBar(), retry: widget.NewButton(lang.X("startup.try_again", "Try again"), nil)}
	s.retry.Importance = widget.HighImportance
	s.retry.Hide()
	s.msg.Alignment = fyne.TextAlignCenter
	s.msg.Wrapping = fyne.TextWrapWord
	s.bar.TextFormatter = func() string { return "" }
	s.show(app.StartProgress{Step: app.StartOpening})
	// Full width with spacers above and below, not a Center container: a
	// wrapping label in a Center shrinks to its narrowest, one word a line.
	s.box = container.NewVBox(layout.NewSpacer(), s.msg, container.NewPadded(s.bar), container.NewCenter(s.retry), layout.NewSpacer())
	s.root = container.NewPadded(s.box)
	return s
}

// show shows a step; UI goroutine. While an upgrade runs its steps the
// bar is the share of them done, with the rows done of a step that
// rewrites a table (the step's slice of the bar would move a seventh of
// the way in a minute); a later step sets it back to the steps' measure,
// which only a demo's start has after an upgrade.
func (s *startScreen) show(p app.StartProgress) {
	s.msg.SetText(startText(p))
	// A text of more lines than the last is taller: the box lays its rows
	// out again, or the new lines are drawn over the bar.
	if s.box != nil {
		s.box.Refresh()
	}
	if p.Step == app.StartUpgrading && (p.Total > 0 || p.Parts > 0) {
		s.bar.SetValue(upgradeShare(p))
		return
	}
	s.bar.SetValue(float64(p.Step) / float64(app.StartSteps))
}

// upgradeShare is how much of an upgrade is done: the steps before this
// one, and this one's rows done, of its steps; its rows done alone when
// it names no step.
func upgradeShare(p app.StartProgress) float64 {
	rows := 0.0
	if p.Total > 0 {
		rows = float64(p.Rows) / float64(p.Total)
	}
	if p.Parts == 0 {
		return rows
	}
	return (float64(max(p.Part-1, 0)) + rows) / float64(p.Parts)
}

// Start shows a progress screen in w while open runs, then the terminal, or
// the error with what to do next. Nothing is retried behind the user's back:
// a store that cannot be opened is left untouched.
func Start(ctx context.Context, w fyne.Window, open Opener) {
	start(ctx, w, func(f func()) { go f() }, open)
}

// start is Start with run running open off the UI goroutine.
func start(ctx context.Context, w fyne.Window, run func(func()), open Opener) *startScreen {
	s := newStartScreen()
	w.SetContent(s.root)
	run(func() {
		deps, err := open(ctx, func(p app.StartProgress) { fyne.Do(func() { s.show(p) }) })
		fyne.Do(func() {
			if err != nil {
				// The message says what to fix (close the other window,
				// free some space...); the user says when it is done.
				s.msg.SetText(errorText(err))
				s.bar.Hide()
				s.retry.OnTapped = func() { start(ctx, w, run, open) }
				s.retry.Show()
				s.box.Refresh()
				return
			}
			showTerminal(ctx, w, deps)
		})
	})
	return s
}

// showTerminal shows a terminal on deps in w. It can rebuild itself in
// place (after a language change): the old one's context ends with it.
func showTerminal(ctx context.Context, w fyne.Window, deps Deps) *Terminal {
	tctx, cancel := context.WithCancel(ctx)
	orig := deps
	if signOut := deps.SignOut; signOut != nil {
		deps.SignOut = func(ctx context.Context) error {
			err := signOut(ctx)
			if err == nil {
				cancel()
			}
			return err
		}
	}
	t := NewTerminal(tctx, deps)
	t.settings.rebuild = func() {
		cancel()
		orig.OnReady = nil // once, for the first terminal
		showTerminal(ctx, w, orig).ShowSettings()
	}
	t.Attach(w)
	w.SetContent(t.Object())
	return t
}

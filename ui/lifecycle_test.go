package ui_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/ui"
)

// find returns the first object under o of type T, or nil.
func find[T fyne.CanvasObject](o fyne.CanvasObject) T {
	var found T
	var done bool
	walk(o, func(c fyne.CanvasObject) {
		if x, ok := c.(T); ok && !done {
			found, done = x, true
		}
	})
	return found
}

// findSelect returns the first drop-down under o, or nil.
func findSelect(o fyne.CanvasObject) *widget.Select {
	var found *widget.Select
	walk(o, func(c fyne.CanvasObject) {
		if s := ui.SelectOf(c); s != nil && found == nil {
			found = s
		}
	})
	return found
}

// settingsPage shows the terminal's settings in w and returns them.
func settingsPage(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	tabs := find[*container.AppTabs](w.Content())
	if tabs == nil {
		t.Fatalf("no pages:\n%s", labels(w.Content()))
	}
	last := tabs.Items[len(tabs.Items)-1]
	tabs.Select(last)
	return last.Content
}

// inline runs opening and pairing on the test's goroutine: the test
// driver's fyne.Do runs inline too, so nothing touches the widgets
// concurrently.
func inline(f func()) { f() }

// steppedStart runs the start screen in a window (of size, unless zero)
// on an opening the test steps: each progress sent on step is shown,
// then shown is signalled; closing step ends the opening on the demo
// world, and done is closed once the start is over. The opening blocks
// on the test: it runs on its own goroutine, and the test reads the
// screen only while it waits.
func steppedStart(t *testing.T, size fyne.Size) (w fyne.Window, step chan app.StartProgress, shown, done chan struct{}) {
	t.Helper()
	test.NewTempApp(t)
	loadTranslations(t)
	w = test.NewTempWindow(t, nil)
	if !size.IsZero() {
		w.Resize(size)
	}
	step, shown, done = make(chan app.StartProgress), make(chan struct{}), make(chan struct{})
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	ui.Run(t.Context(), w, ui.Lifecycle{
		Open: func(ctx context.Context, progress func(app.StartProgress)) (ui.Deps, error) {
			for p := range step {
				progress(p)
				shown <- struct{}{}
			}
			return deps, nil
		},
		Run: func(f func()) {
			go func() {
				defer close(done)
				f()
			}()
		},
	})
	return w, step, shown, done
}

// TestStartShowsEachStep: the start screen says what it is doing and its
// bar moves on with each step, from empty (not full from the start).
func TestStartShowsEachStep(t *testing.T) {
	w, step, shown, done := steppedStart(t, fyne.Size{})
	bar := func() float64 { return find[*widget.ProgressBar](w.Content()).Value }
	if got := bar(); got != 0 || !strings.Contains(labels(w.Content()), "Opening your data") {
		t.Errorf("at the start: bar %.2f, text %q", got, labels(w.Content()))
	}
	last := bar()
	for _, tt := range []struct {
		p    app.StartProgress
		text string
	}{
		{app.StartProgress{Step: app.StartUpgrading}, "Updating your data for this version"},
		{app.StartProgress{Step: app.StartDemoServer}, "Starting the demo server"},
		{app.StartProgress{Step: app.StartDemoWorld}, "Creating the demo world"},
		{app.StartProgress{Step: app.StartFirstSync}, "Downloading your tickets and the parts catalog…"},
		{app.StartProgress{Step: app.StartFirstSync, Rows: 120}, "120 records"},
		{app.StartProgress{Step: app.StartFirstSync, Rows: 4500}, "4,500 records"},
		{app.StartProgress{Step: app.StartOptimizing}, "Preparing the search"},
	} {
		step <- tt.p
		<-shown
		if !strings.Contains(labels(w.Content()), tt.text) {
			t.Errorf("step %v shows %q, want %q", tt.p, labels(w.Content()), tt.text)
		}
		if got := bar(); got < last || got >= 1 {
			t.Errorf("%s: bar at %.2f after %.2f", tt.text, got, last)
		}
		last = bar()
	}
	close(step)
	<-done
	if find[*container.AppTabs](w.Content()) == nil {
		t.Errorf("no terminal after the start:\n%s", labels(w.Content()))
	}
}

// TestStartShowsUpgradeCount: while an upgrade rewrites the parts (or
// the tickets) the start screen says how many of how many are done, and
// that waiting is safe, and its bar is the share done: a screen that only
// said "Updating" for tens of seconds looked hung. Through a step that
// counts no rows it says which step of how many runs.
func TestStartShowsUpgradeCount(t *testing.T) {
	w, step, shown, done := steppedStart(t, fyne.NewSize(720, 1280))
	bar := func() float64 { return find[*widget.ProgressBar](w.Content()).Value }
	up := func(rows, total int, of app.StartRows) app.StartProgress {
		return app.StartProgress{Step: app.StartUpgrading, Rows: rows, Total: total, Of: of}
	}
	for _, tt := range []struct {
		p    app.StartProgress
		text string
		bar  float64
	}{
		{app.StartProgress{Step: app.StartUpgrading}, "Updating your data for this version", 1.0 / float64(app.StartSteps)},
		{up(0, 100_000, app.RowsParts), "Updating your data: 0 of 100,000 parts", 0},
		{up(42_000, 100_000, app.RowsParts), "Updating your data: 42,000 of 100,000 parts.\nIt is safe to wait: keep the app open", 0.42},
		{up(100_000, 100_000, app.RowsParts), "100,000 of 100,000 parts.\nFinishing the search index…\nIt is safe to wait", 1},
		{up(2_500, 10_000, app.RowsTickets), "Updating your data: 2,500 of 10,000 tickets", 0.25},
		{up(1, 1, app.RowsTickets), "1 of 1 ticket.", 1},
		// An upgrade's steps (app.StartProgress.Part): one in SQL alone
		// counts no rows but says which it is; one that rewrites rows
		// moves the bar within its share.
		{app.StartProgress{Step: app.StartUpgrading, Part: 1, Parts: 4}, "Updating your data: step 1 of 4…\nIt is safe to wait: keep the app open", 0},
		{app.StartProgress{Step: app.StartUpgrading, Part: 2, Parts: 4}, "Updating your data: step 2 of 4…", 0.25},
		{app.StartProgress{Step: app.StartUpgrading, Rows: 500, Total: 1_000, Of: app.RowsTickets, Part: 3, Parts: 4}, "Updating your data: 500 of 1,000 tickets", 0.625},
		{app.StartProgress{Step: app.StartUpgrading, Part: 4, Parts: 4}, "Updating your data: step 4 of 4…", 0.75},
	} {
		step <- tt.p
		<-shown
		if !strings.Contains(labels(w.Content()), tt.text) {
			t.Errorf("%+v shows %q, want %q", tt.p, labels(w.Content()), tt.text)
		}
		if tt.p.Rows < tt.p.Total && strings.Contains(labels(w.Content()), "Finishing") {
			t.Errorf("%+v: says it is finishing before every row is written", tt.p)
		}
		// The text's lines stay above the bar (a label grown by a line
		// was drawn over it).
		msg, pb := find[*widget.Label](w.Content()), find[*widget.ProgressBar](w.Content())
		d := fyne.CurrentApp().Driver()
		if bottom, top := d.AbsolutePositionForObject(msg).Y+msg.MinSize().Height, d.AbsolutePositionForObject(pb).Y; bottom > top {
			t.Errorf("%+v: the text ends at %.0f, below the bar's top at %.0f", tt.p, bottom, top)
		}
		if got := bar(); got != tt.bar {
			t.Errorf("%+v: bar at %.3f, want %.3f", tt.p, got, tt.bar)
		}
	}
	close(step)
	<-done
	if find[*container.AppTabs](w.Content()) == nil {
		t.Errorf("no terminal after the start:\n%s", labels(w.Content()))
	}
}

// TestLanguageInEffectAndRestartNow: with -lang en the settings show
// English even when 简体中文 was chosen before; choosing another language
// offers "Restart now", which shows the terminal in it at once, on the
// same data.
func TestLanguageInEffectAndRestartNow(t *testing.T) {
	a := test.NewTempApp(t)
	loadTranslations(t)
	t.Setenv("LANGUAGE", "en")
	a.Preferences().SetString(ui.LanguagePreference, "zh")
	if err := ui.SetLanguage(a, "en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ui.SetLanguage(a, "en") })
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui.Run(t.Context(), w, ui.Lifecycle{Run: inline, Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) { return deps, nil }})

	sel := findSelect(settingsPage(t, w))
	if sel.Selected != "English" {
		t.Errorf("with -lang en the settings show %q", sel.Selected)
	}
	if b := button(settingsPage(t, w), "Restart now"); b != nil && b.Visible() {
		t.Error("Restart now offered before a change")
	}
	sel.SetSelected("简体中文")
	if got := a.Preferences().String(ui.LanguagePreference); got != "zh" {
		t.Errorf("preference %q after choosing 简体中文", got)
	}
	tapButton(t, settingsPage(t, w), "Restart now")
	if !strings.Contains(labels(w.Content()), "设置") {
		t.Errorf("after Restart now:\n%s", labels(w.Content()))
	}
	if sel := findSelect(settingsPage(t, w)); sel == nil || sel.Selected != "简体中文" {
		t.Errorf("after restarting in Chinese the settings show %v", sel)
	}
}

// TestFirstRunLanguageAppliesAtOnce: on the first-run screen a language
// chosen shows at once, and what was typed stays.
func TestFirstRunLanguageAppliesAtOnce(t *testing.T) {
	a := test.NewTempApp(t)
	loadTranslations(t)
	t.Setenv("LANGUAGE", "en")
	if err := ui.SetLanguage(a, "en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ui.SetLanguage(a, "en") })
	w := test.NewTempWindow(t, nil)
	ui.Run(t.Context(), w, ui.Lifecycle{FirstRun: true, Run: inline, Pair: func(context.Context, string, string, string) error { return nil }})
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	findSelect(w.Content()).SetSelected("Français")
	if !strings.Contains(labels(w.Content()), "Bienvenue dans Fieldbench") {
		t.Fatalf("after choosing Français:\n%s", labels(w.Content()))
	}
	server := ""
	walk(w.Content(), func(c fyne.CanvasObject) {
		if e := entryOf(c); e != nil && e.PlaceHolder == "https://service.example.com" {
			server = e.Text
		}
	})
	if server != "https://central.example.com" {
		t.Errorf("the server typed was lost: %q", server)
	}
	if got := a.Preferences().String(ui.LanguagePreference); got != "fr" {
		t.Errorf("preference %q after choosing Français", got)
	}
}

// TestStartFailureOffersTryAgain: a start that fails says why and waits
// for the user, who tries again once the cause is gone.
func TestStartFailureOffersTryAgain(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(800, 600))
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	tries := 0
	ui.Run(t.Context(), w, ui.Lifecycle{Run: inline, Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
		if tries++; tries == 1 {
			return ui.Deps{}, app.Errorf(app.ELOCKED, "store.locked", "Your Fieldbench data is in use by another Fieldbench window or program. Close the other Fieldbench window, then try again.")
		}
		return deps, nil
	}})
	if !strings.Contains(labels(w.Content()), "in use by another") || tries != 1 {
		t.Fatalf("after %d tries:\n%s", tries, labels(w.Content()))
	}
	tapButton(t, w.Content(), "Try again")
	if find[*container.AppTabs](w.Content()) == nil || tries != 2 {
		t.Errorf("after trying again (%d tries):\n%s", tries, labels(w.Content()))
	}
}

// TestSignOutReturnsToFirstRun: signing out lands on the first-run screen
// (not a black window); the app launched with Launch (-server and
// -pair), signed out and paired again from there opens the device as
// paired, not Launch again. (device's tests sign out for real.)
func TestSignOutReturnsToFirstRun(t *testing.T) {
	test.NewTempApp(t)
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	deps.SignOut = func(context.Context) error { return nil }
	var launched, opened atomic.Int32
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	paired := 0
	ui.Run(t.Context(), w, ui.Lifecycle{
		Run: inline,
		Pair: func(context.Context, string, string, string) error {
			paired++
			return nil
		},
		Launch: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			launched.Add(1)
			return deps, nil
		},
		Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			opened.Add(1)
			return deps, nil
		},
	})
	tapButton(t, settingsPage(t, w), "Sign out of this device")
	tapButton(t, w.Canvas().Overlays().Top(), "Sign out")
	if !strings.Contains(labels(w.Content()), "Welcome to Fieldbench") {
		t.Fatalf("after signing out:\n%s", labels(w.Content()))
	}
	if strings.Contains(labels(w.Content()), "Try the demo") {
		t.Error("the first-run screen offers a demo the build does not have")
	}
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	typeInto(t, w.Content(), "XXXX-XXXX-XXXX", "ABCD-EFGH-JKLM")
	tapButton(t, w.Content(), "Pair this device")
	if find[*container.AppTabs](w.Content()) == nil || paired != 1 {
		t.Fatalf("after pairing (%d pairings):\n%s", paired, labels(w.Content()))
	}
	if launched.Load() != 1 || opened.Load() != 1 {
		t.Errorf("launch opened %d times, the paired device %d; want once each", launched.Load(), opened.Load())
	}
}

// TestDemoOpensOnTheDemoClock: the demo opens on the demo world's clock
// whether launched (-demo, or a device paired with it) or chosen on the
// first-run screen; a pairing made after signing out of the demo opens on
// the computer's clock again. The clock is the session's (Deps.Zone): the
// test reads it from the visit times the list shows.
func TestDemoOpensOnTheDemoClock(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	c := newTwoClocks(t)
	for _, launched := range []bool{false, true} {
		var opened []string // each opening, with the clock it shows
		w := test.NewTempWindow(t, nil)
		w.Resize(fyne.NewSize(1280, 800))
		ui.Run(t.Context(), w, ui.Lifecycle{
			FirstRun:     !launched,
			DemoAtLaunch: launched,
			Run:          inline,
			Pair:         func(context.Context, string, string, string) error { return nil },
			Demo: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
				opened = append(opened, "demo")
				return c.demo, nil
			},
			Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
				opened = append(opened, "paired")
				return c.computer, nil
			},
		})
		if !launched {
			tapButton(t, w.Content(), "Try the demo instead")
		}
		if find[*container.AppTabs](w.Content()) == nil {
			t.Fatalf("launched %v: no terminal after opening the demo:\n%s", launched, labels(w.Content()))
		}
		opened[len(opened)-1] += " on the " + c.shown(t, w) + " clock"
		signOutAndPair(t, w)
		opened[len(opened)-1] += " on the " + c.shown(t, w) + " clock"
		want := []string{"demo on the demo clock", "paired on the computer clock"}
		if strings.Join(opened, ", ") != strings.Join(want, ", ") {
			t.Errorf("launched %v: opened %q, want %q", launched, opened, want)
		}
	}
}

// TestClockFollowsEachSession: demo, then a real pairing, then the demo
// again, each opened off the UI goroutine while other goroutines read
// the clock as the app's do (Fyne's, the sync line's): each session shows
// its own clock, and, under -race, nothing writes a clock they share
// (the process's time.Local, which the demo once set).
func TestClockFollowsEachSession(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	c := newTwoClocks(t)
	readers, stop := make(chan struct{}), make(chan struct{})
	for range 2 {
		go func() {
			defer func() { readers <- struct{}{} }()
			for {
				select {
				case <-stop:
					return
				default:
					_ = time.Now().Format("15:04") // reads time.Local
				}
			}
		}()
	}
	defer func() {
		close(stop)
		<-readers
		<-readers
	}()
	opened := make(chan struct{})
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui.Run(t.Context(), w, ui.Lifecycle{
		FirstRun: true,
		// Opening and pairing run on their own goroutines; the test reads
		// the screen once each is over.
		Run: func(f func()) {
			go func() {
				defer func() { opened <- struct{}{} }()
				f()
			}()
		},
		Pair: func(context.Context, string, string, string) error { return nil },
		Demo: func(context.Context, func(app.StartProgress)) (ui.Deps, error) { return c.demo, nil },
		Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) { return c.computer, nil },
	})
	wait := func(what string) {
		t.Helper()
		select {
		case <-opened:
		case <-time.After(time.Minute): // a bound, not a measure: a hung opening fails
			t.Fatalf("%s did not end", what)
		}
	}
	var shown []string
	tapButton(t, w.Content(), "Try the demo instead")
	wait("opening the demo")
	shown = append(shown, c.shown(t, w))
	signOutAndPair(t, w)
	wait("pairing")
	wait("opening the paired device")
	shown = append(shown, c.shown(t, w))
	tapButton(t, settingsPage(t, w), "Sign out of this device")
	tapButton(t, w.Canvas().Overlays().Top(), "Sign out")
	tapButton(t, w.Content(), "Try the demo instead")
	wait("opening the demo again")
	shown = append(shown, c.shown(t, w))
	if want := "demo, computer, demo"; strings.Join(shown, ", ") != want {
		t.Errorf("the sessions showed the %s clocks, want %s", strings.Join(shown, ", "), want)
	}
}

// twoClocks is one demo world shown by two sessions: the demo's, on the
// demo world's clock (Asia/Shanghai, where its visits are in working
// hours), and a paired device's, on a computer's half an hour off it, so
// that every visit reads differently on the two.
type twoClocks struct {
	demo, computer ui.Deps
	// inDemo and inComputer are the visit windows as each clock reads
	// them ("09:00–11:00").
	inDemo, inComputer map[string]bool
}

func newTwoClocks(t *testing.T) twoClocks {
	t.Helper()
	shanghai, err := time.LoadLocation(demo.Zone)
	if err != nil {
		t.Fatal(err)
	}
	computer := time.FixedZone("UTC+08:30", 8*3600+1800)
	deps, ds := openDemoWorld(t, time.Date(2026, 6, 18, 10, 0, 0, 0, shanghai))
	deps.SignOut = func(context.Context) error { return nil }
	c := twoClocks{demo: deps, computer: deps, inDemo: map[string]bool{}, inComputer: map[string]bool{}}
	c.demo.Zone, c.computer.Zone = shanghai, computer
	for _, d := range ds.Tickets {
		if tk := d.Ticket; !tk.WindowStart.IsZero() && !tk.WindowEnd.IsZero() {
			c.inDemo[tk.WindowStart.In(shanghai).Format("15:04")+"–"+tk.WindowEnd.In(shanghai).Format("15:04")] = true
			c.inComputer[tk.WindowStart.In(computer).Format("15:04")+"–"+tk.WindowEnd.In(computer).Format("15:04")] = true
		}
	}
	return c
}

// visitWindow finds a visit's window in a ticket row's text.
var visitWindow = regexp.MustCompile(`\d\d:\d\d–\d\d:\d\d`)

// shown says which clock the visits on w read in: "demo", "computer", or
// what is wrong.
func (c twoClocks) shown(t *testing.T, w fyne.Window) string {
	t.Helper()
	windows := visitWindow.FindAllString(labels(w.Content()), -1)
	demo, computer := 0, 0
	for _, s := range windows {
		if c.inDemo[s] && !c.inComputer[s] {
			demo++
		}
		if c.inComputer[s] && !c.inDemo[s] {
			computer++
		}
	}
	switch {
	case len(windows) == 0:
		return "no visits shown"
	case demo > 0 && computer == 0:
		return "demo"
	case computer > 0 && demo == 0:
		return "computer"
	}
	return fmt.Sprintf("mixed (%q)", windows)
}

// signOutAndPair signs the terminal on w out and pairs on the first-run
// screen.
func signOutAndPair(t *testing.T, w fyne.Window) {
	t.Helper()
	tapButton(t, settingsPage(t, w), "Sign out of this device")
	tapButton(t, w.Canvas().Overlays().Top(), "Sign out")
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	typeInto(t, w.Content(), "XXXX-XXXX-XXXX", "ABCD-EFGH-JKLM")
	tapButton(t, w.Content(), "Pair this device")
}

// TestNoDemoWhilePairing: while a pairing made on the first-run screen is
// under way, the demo cannot be opened: the pairing, once done, would
// open the paired device over the demo. Nor can the language be chosen, which builds the
// screen again, nor a second pairing start. A pairing that fails offers
// them again.
func TestNoDemoWhilePairing(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	var pairing func() // the pairing, held until the test runs it; later work runs inline
	pairErr := app.Errorf(app.EUNAUTHORIZED, "test.code", "That code is used.")
	var opened []string
	pairings := 0
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui.Run(t.Context(), w, ui.Lifecycle{
		FirstRun: true,
		Run: func(f func()) {
			if pairing == nil {
				pairing = f
				return
			}
			f()
		},
		Pair: func(context.Context, string, string, string) error {
			pairings++
			return pairErr
		},
		Demo: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			opened = append(opened, "demo")
			return deps, nil
		},
		Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			opened = append(opened, "paired")
			return deps, nil
		},
	})
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	typeInto(t, w.Content(), "XXXX-XXXX-XXXX", "ABCD-EFGH-JKLM")
	tapButton(t, w.Content(), "Pair this device")
	if pairing == nil {
		t.Fatal("Pair this device started no pairing")
	}
	if !findSelect(w.Content()).Disabled() {
		t.Error("during a pairing, the language can be chosen, which builds the screen again with its demo enabled")
	}
	tapButton(t, w.Content(), "Try the demo instead")
	if len(opened) != 0 {
		t.Fatalf("during a pairing, the demo opened %q; want nothing", opened)
	}
	// The code field submitted (Enter) during the pairing: no second
	// pairing beside it.
	walk(w.Content(), func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && e.PlaceHolder == "XXXX-XXXX-XXXX" {
			e.OnSubmitted(e.Text)
		}
	})
	pairing() // fails
	if pairings != 1 {
		t.Errorf("%d pairings after Enter during the first, want 1", pairings)
	}
	if findSelect(w.Content()).Disabled() {
		t.Error("after a failed pairing, the language cannot be chosen")
	}
	tapButton(t, w.Content(), "Try the demo instead")
	if strings.Join(opened, ",") != "demo" {
		t.Errorf("after a failed pairing, the demo opened %q; want the demo once", opened)
	}
}

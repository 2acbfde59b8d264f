package ui_test

import (
	"context"
	"path/filepath"
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
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

// eventually polls cond every 10 ms for at most 10 s: the start screen
// opens the device on its own goroutine.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("after 10 s: %s", what)
}

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

// deviceDeps hands a device's session to the screens, as main does.
func deviceDeps(dev *device.Device, s device.Session) ui.Deps {
	d := ui.Deps{Tickets: s.Tickets, Parts: s.Parts, Warranty: s.Warranty, Commit: s.Commit, Photos: s.Photos, Sync: s.Sync,
		Technician: s.Technician.ID, Country: s.Technician.Country, Store: s.Technician.Store, Actor: s.Actor,
		Server: s.Server, DataDir: s.DataDir, SerialRules: s.SerialRules, Run: func(f func()) { f() }}
	if s.Sync != nil {
		d.SignOut = dev.SignOut
	}
	return d
}

// TestSignOutReturnsToFirstRun pairs a real device with a real central
// service through the first-run screen, opens the terminal, signs out,
// and lands on the first-run screen again (not a black window), from
// which the device pairs again.
func TestSignOutReturnsToFirstRun(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	ctx := t.Context()
	emb, err := central.StartEmbedded(ctx, filepath.Join(t.TempDir(), "central"), "demo", func() app.Dataset {
		return demo.Generate(7, demo.Size{Models: 5, Parts: 20, Tickets: 10, Technicians: 2}, time.Now())
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	dev, err := device.New(t.TempDir(), device.Options{SerialRules: assets.SerialRules})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	open := func(ctx context.Context, progress func(app.StartProgress)) (ui.Deps, error) {
		s, err := dev.Start(ctx, progress)
		return deviceDeps(dev, s), err
	}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui.Run(ctx, w, ui.Lifecycle{FirstRun: true, Pair: dev.Pair, Open: open})

	pair := func() {
		t.Helper()
		if !strings.Contains(labels(w.Content()), "Welcome to Fieldbench") {
			t.Fatalf("not the first-run screen:\n%s", labels(w.Content()))
		}
		if strings.Contains(labels(w.Content()), "Try the demo") {
			t.Error("the first-run screen offers a demo the build does not have")
		}
		code, err := emb.PairingCode(ctx, demo.DemoTechnician)
		if err != nil {
			t.Fatal(err)
		}
		typeInto(t, w.Content(), "https://service.example.com", emb.URL)
		typeInto(t, w.Content(), "XXXX-XXXX-XXXX", code)
		tapButton(t, w.Content(), "Pair this device")
		eventually(t, "the terminal opens after pairing", func() bool {
			return find[*widget.Button](w.Content()) != nil && strings.Contains(labels(w.Content()), "Settings")
		})
	}
	pair()
	if !dev.Paired() {
		t.Fatal("not paired")
	}

	tapButton(t, settingsPage(t, w), "Sign out of this device")
	tapButton(t, w.Canvas().Overlays().Top(), "Sign out")
	eventually(t, "the first-run screen after signing out", func() bool { return strings.Contains(labels(w.Content()), "Welcome to Fieldbench") })
	if dev.Paired() {
		t.Error("still paired after signing out")
	}
	pair()
}

// TestStartShowsEachStep: the start screen says what it is doing and its
// bar moves on with each step, from empty (not full from the start).
func TestStartShowsEachStep(t *testing.T) {
	test.NewTempApp(t)
	loadTranslations(t)
	w := test.NewTempWindow(t, nil)
	step := make(chan app.StartProgress)
	finish := make(chan struct{})
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	ui.Start(t.Context(), w, func(ctx context.Context, progress func(app.StartProgress)) (ui.Deps, error) {
		for p := range step {
			progress(p)
		}
		<-finish
		return deps, nil
	})
	bar := func() float64 { return find[*widget.ProgressBar](w.Content()).Value }
	if got := bar(); got != 0 || !strings.Contains(labels(w.Content()), "Opening your data") {
		t.Errorf("at the start: bar %.2f, text %q", got, labels(w.Content()))
	}
	last := bar()
	for _, tt := range []struct {
		p    app.StartProgress
		text string
	}{
		{app.StartProgress{Step: app.StartDemoServer}, "Starting the demo server"},
		{app.StartProgress{Step: app.StartDemoWorld}, "Creating the demo world"},
		{app.StartProgress{Step: app.StartFirstSync, Rows: 120}, "120 records"},
		{app.StartProgress{Step: app.StartFirstSync, Rows: 4500}, "4500 records"},
		{app.StartProgress{Step: app.StartOptimizing}, "Preparing the search"},
	} {
		step <- tt.p
		eventually(t, "the step "+tt.text, func() bool { return strings.Contains(labels(w.Content()), tt.text) })
		if got := bar(); got < last || got >= 1 {
			t.Errorf("%s: bar at %.2f after %.2f", tt.text, got, last)
		}
		last = bar()
	}
	close(step)
	close(finish)
	eventually(t, "the terminal", func() bool { return find[*widget.ProgressBar](w.Content()) == nil })
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
	ui.Start(t.Context(), w, func(context.Context, func(app.StartProgress)) (ui.Deps, error) { return deps, nil })
	eventually(t, "the terminal", func() bool { return find[*container.AppTabs](w.Content()) != nil })

	sel := find[*widget.Select](settingsPage(t, w))
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
	eventually(t, "the terminal in Chinese", func() bool { return strings.Contains(labels(w.Content()), "设置") })
	if sel := find[*widget.Select](settingsPage(t, w)); sel == nil || sel.Selected != "简体中文" {
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
	ui.Run(t.Context(), w, ui.Lifecycle{FirstRun: true, Pair: func(context.Context, string, string, string) error { return nil }})
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	find[*widget.Select](w.Content()).SetSelected("Français")
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
	var tries atomic.Int32
	ui.Start(t.Context(), w, func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
		if tries.Add(1) == 1 {
			return ui.Deps{}, app.Errorf(app.ELOCKED, "store.locked", "Your Fieldbench data is in use by another Fieldbench window or program. Close the other Fieldbench window, then try again.")
		}
		return deps, nil
	})
	eventually(t, "the failure shown", func() bool { return strings.Contains(labels(w.Content()), "in use by another") })
	time.Sleep(50 * time.Millisecond) // nothing retries by itself
	if tries.Load() != 1 {
		t.Fatalf("%d tries before the user asked", tries.Load())
	}
	tapButton(t, w.Content(), "Try again")
	eventually(t, "the terminal after trying again", func() bool { return find[*container.AppTabs](w.Content()) != nil })
	if tries.Load() != 2 {
		t.Errorf("%d tries, want 2", tries.Load())
	}
}

// TestPairingAfterSignOutOpensTheDevice: the app launched into the demo
// (-demo), signed out and paired with a real service from the first-run
// screen opens the device as paired, not the demo again.
func TestPairingAfterSignOutOpensTheDevice(t *testing.T) {
	test.NewTempApp(t)
	deps := openDemo(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	deps.SignOut = func(context.Context) error { return nil }
	var launched, opened atomic.Int32
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui.Run(t.Context(), w, ui.Lifecycle{
		Pair: func(context.Context, string, string, string) error { return nil },
		Launch: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			launched.Add(1)
			return deps, nil
		},
		Open: func(context.Context, func(app.StartProgress)) (ui.Deps, error) {
			opened.Add(1)
			return deps, nil
		},
	})
	eventually(t, "the launched terminal", func() bool { return find[*container.AppTabs](w.Content()) != nil })
	tapButton(t, settingsPage(t, w), "Sign out of this device")
	tapButton(t, w.Canvas().Overlays().Top(), "Sign out")
	eventually(t, "the first-run screen", func() bool { return strings.Contains(labels(w.Content()), "Welcome to Fieldbench") })
	typeInto(t, w.Content(), "https://service.example.com", "https://central.example.com")
	typeInto(t, w.Content(), "XXXX-XXXX-XXXX", "ABCD-EFGH-JKLM")
	tapButton(t, w.Content(), "Pair this device")
	eventually(t, "the terminal after pairing", func() bool { return find[*container.AppTabs](w.Content()) != nil })
	if launched.Load() != 1 || opened.Load() != 1 {
		t.Errorf("launch opened %d times, the paired device %d; want once each", launched.Load(), opened.Load())
	}
}

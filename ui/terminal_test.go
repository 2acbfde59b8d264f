package ui_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// openDemo opens a real SQLite store under t.TempDir() with a small demo
// world, as `make run` does with the full one.
func openDemo(t *testing.T, now time.Time) ui.Deps {
	deps, _ := openDemoWorld(t, now)
	return deps
}

// openDemoWorld is openDemo that also returns the world it loaded. The
// terminal may save (check-ins) as the demo technician.
func openDemoWorld(t *testing.T, now time.Time) (ui.Deps, app.Dataset) {
	t.Helper()
	loadTranslations(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "fb.db"), store.WithClock(app.ClockFunc(func() time.Time { return now })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := demo.Generate(7, demo.Size{Models: 20, Parts: 300, Tickets: 300, Technicians: 3}, now)
	if err := db.Load(ctx, ds); err != nil {
		t.Fatal(err)
	}
	rules, err := scanner.ParseSerialRules(assets.SerialRules)
	if err != nil {
		t.Fatal(err)
	}
	var me app.Technician
	for _, tech := range ds.Technicians {
		if tech.ID == demo.DemoTechnician {
			me = tech
		}
	}
	return ui.Deps{
		Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
		Technician: me.ID, Country: me.Country, SerialRules: rules,
		Commit: store.NewCommitter(db), Photos: store.NewPhotoStore(db), Actor: app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name},
		Now: func() time.Time { return now },
		Run: func(f func()) { f() }, // inline: no sleeps in tests
	}, ds
}

func labels(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *canvas.Text:
			b.WriteString(o.Text + "\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(o)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestTerminalShowsTicketsAndWarranty(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps := openDemo(t, now)
	term := ui.NewTerminal(context.Background(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(1280, 800))

	today := term.List().Tickets()
	if len(today) == 0 {
		t.Fatal("the demo technician has no tickets today")
	}
	for _, tk := range today {
		if tk.Technician != demo.DemoTechnician || !tk.Status.Open() {
			t.Fatalf("today shows %s (%s, %s)", tk.Number, tk.Technician, tk.Status)
		}
	}
	term.List().Select(0)
	shown := labels(term.Detail().Object())
	if !strings.Contains(shown, today[0].Number) {
		t.Fatalf("detail does not show %s:\n%s", today[0].Number, shown)
	}
	if !strings.Contains(shown, "warranty") && !strings.Contains(shown, "Warranty") {
		t.Fatalf("no warranty decision shown:\n%s", shown)
	}
	if !strings.Contains(shown, "Customer pays") {
		t.Fatalf("no customer total shown:\n%s", shown)
	}

	term.List().SetView(app.ViewDone)
	for _, tk := range term.List().Tickets() {
		if tk.Status.Open() {
			t.Fatalf("done view shows open ticket %s (%s)", tk.Number, tk.Status)
		}
	}
	if len(term.List().Tickets()) == 0 {
		t.Fatal("done view is empty")
	}
}

var translationsOnce sync.Once

// loadTranslations loads the app's English texts, as main does, so plural
// forms are chosen by count.
func loadTranslations(t *testing.T) {
	translationsOnce.Do(func() {
		if err := lang.AddTranslationsFS(assets.Translations(), "translations"); err != nil {
			t.Fatal(err)
		}
	})
}

// Command fieldbench is the technician's terminal. main only wires: it
// opens the local store, loads the demo world when asked, and hands app
// interfaces to the UI.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

const appID = "io.fieldbench.terminal"

func main() {
	demoMode := flag.Bool("demo", false, "load the demo world on first start and sign in as the demo technician")
	dataDir := flag.String("data", "", "folder for the local database and photos (default: the app's storage folder)")
	language := flag.String("lang", "", "user interface language, e.g. en or zh (default: the system's)")
	flag.Parse()

	// Fyne's lang reads the locale from the environment when translations
	// are added; a bare "C" locale (containers, CI) is not a language.
	switch {
	case *language != "":
		os.Setenv("LANGUAGE", *language)
	case os.Getenv("LANGUAGE") == "" && (os.Getenv("LANG") == "" || os.Getenv("LANG") == "C" || os.Getenv("LANG") == "POSIX"):
		os.Setenv("LANGUAGE", "en")
	}
	a := fyneapp.NewWithID(appID)
	if err := lang.AddTranslationsFS(assets.Translations(), "translations"); err != nil {
		log.Printf("load translations: %v", err)
	}
	a.SetIcon(assets.Icon)

	ctx, cancel := context.WithCancel(context.Background())
	a.Lifecycle().SetOnStopped(cancel)

	dir := *dataDir
	if dir == "" {
		dir = a.Storage().RootURI().Path()
	}
	w := a.NewWindow(ui.Title())
	w.Resize(fyne.NewSize(1280, 800))

	open := func(ctx context.Context, progress func(string)) (ui.Deps, func(), error) {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return ui.Deps{}, nil, err
		}
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return ui.Deps{}, nil, app.Errorf(app.EINTERNAL, "store.mkdir", "Cannot create the data folder {{.Path}}. Check the disk and its permissions.", "Path", abs).WithCause(err)
		}
		db, err := store.Open(ctx, filepath.Join(abs, "fieldbench.db"))
		if err != nil {
			return ui.Deps{}, nil, err
		}
		tickets := store.NewTicketService(db)
		tech := app.TechnicianID(os.Getenv("FIELDBENCH_TECHNICIAN"))
		if *demoMode {
			tech = demo.DemoTechnician
			if _, n, err := tickets.FindTickets(ctx, app.TicketFilter{Technician: tech, Limit: 1}); err == nil && n == 0 {
				progress(lang.X("startup.demo", "Creating the demo world…"))
				if err := db.Load(ctx, demo.Generate(1, demo.Default, time.Now())); err != nil {
					db.Close()
					return ui.Deps{}, nil, err
				}
				// A bulk load leaves the search index in many segments;
				// merging them makes part search about 4x faster.
				if err := db.Optimize(ctx); err != nil {
					log.Printf("optimize store: %v", err)
				}
			}
		}
		deps := ui.Deps{Tickets: tickets, Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db), Technician: tech}
		return deps, func() { db.Close() }, nil
	}
	ui.Start(ctx, w, open)
	w.ShowAndRun()
}

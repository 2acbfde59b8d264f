// Command fieldbench is the technician's terminal. main only wires: it
// opens the local store, pairs with a central service (with -demo, one
// embedded in the app and seeded with the demo world), runs the sync engine
// in the background and hands app interfaces to the UI.
package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/scanner"
	"github.com/fieldbench/fieldbench/store"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/fieldbench/fieldbench/ui"
)

const appID = "io.fieldbench.terminal"

func main() {
	demoMode := flag.Bool("demo", false, "run an embedded central service with the demo world and pair with it as the demo technician")
	server := flag.String("server", "", "central service to pair with, e.g. https://central.example.com (with -pair)")
	pairCode := flag.String("pair", "", "one-time pairing code from the administrator (with -server)")
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
		// Work saved on the device wakes the sync engine (once it runs),
		// so it leaves at once when there is a network.
		var engineRef atomic.Pointer[fbsync.Engine]
		db, err := store.Open(ctx, filepath.Join(abs, "fieldbench.db"), store.WithAfterCommit(func() {
			if e := engineRef.Load(); e != nil {
				e.Trigger()
			}
		}))
		if err != nil {
			return ui.Deps{}, nil, err
		}
		closers := []func(){func() { db.Close() }}
		closeAll := func() {
			for i := len(closers) - 1; i >= 0; i-- {
				closers[i]()
			}
		}
		pairingPath := filepath.Join(abs, "pairing.json")
		pairing, err := fbsync.LoadPairing(pairingPath)
		switch {
		case *demoMode:
			progress(lang.X("startup.demo_server", "Starting the demo server…"))
			emb, err := central.StartEmbedded(ctx, filepath.Join(abs, "central"), "demo", func() app.Dataset {
				progress(lang.X("startup.demo", "Creating the demo world…"))
				return demo.Generate(1, demo.Default, time.Now())
			}, nil)
			if err != nil {
				closeAll()
				return ui.Deps{}, nil, err
			}
			closers = append(closers, func() { emb.Close() })
			if pairing.Token == "" {
				code, err := emb.PairingCode(ctx, demo.DemoTechnician)
				if err == nil {
					pairing, err = pair(ctx, emb.URL, code, pairingPath)
				}
				if err != nil {
					closeAll()
					return ui.Deps{}, nil, err
				}
			}
			pairing.Server = emb.URL // a new port on every start
		case *server != "" && *pairCode != "":
			progress(lang.X("startup.pairing", "Pairing with the server…"))
			if pairing, err = pair(ctx, *server, *pairCode, pairingPath); err != nil {
				closeAll()
				return ui.Deps{}, nil, err
			}
		case err != nil && app.ErrorCode(err) != app.ENOTFOUND:
			closeAll()
			return ui.Deps{}, nil, err
		}
		rules, err := loadSerialRules(filepath.Join(abs, "serial-rules.json"))
		if err != nil {
			closeAll()
			return ui.Deps{}, nil, err
		}
		me := pairing.Technician
		deps := ui.Deps{Tickets: store.NewTicketService(db), Parts: store.NewPartService(db), Warranty: store.NewWarrantyService(db),
			Technician: me.ID, Country: me.Country, SerialRules: rules}
		if pairing.Token == "" {
			// Not paired: the app reads whatever the store holds and saves
			// nothing, since nothing could be sent anywhere.
			deps.Technician = app.TechnicianID(os.Getenv("FIELDBENCH_TECHNICIAN"))
			return deps, closeAll, nil
		}
		deps.Commit = store.NewCommitter(db)
		deps.Photos = store.NewPhotoStore(db)
		deps.Store = me.Store
		deps.Actor = app.Actor{Role: app.RoleTechnician, Technician: me.ID, Name: me.Name}
		client := &fbsync.Client{BaseURL: pairing.Server, Token: pairing.Token}
		engine := fbsync.NewEngine(db, client)
		deps.Sync = fbsync.NewTerminalSync(engine, client, db)
		uploader, err := fbsync.NewPhotoUploader(db, store.NewPhotoStore(db), nil, pairing.Server, pairing.Token)
		if err != nil {
			closeAll()
			return ui.Deps{}, nil, err
		}
		engine.SetPhotoSender(uploader)
		engineRef.Store(engine)
		if st, err := db.SyncState(ctx); err == nil && st.Cursor == "" {
			// The first sync downloads the technician's tickets, the
			// catalog and the rules; show it as it goes.
			var started atomic.Bool // the start screen is gone once the UI runs
			engine.Watch(func(s fbsync.Status) {
				if s.Running && !started.Load() {
					progress(lang.X("startup.first_sync", "Downloading your tickets and the parts catalog… {{.Rows}} records", map[string]any{"Rows": s.Pulled}))
				}
			})
			err := engine.SyncOnce(ctx)
			started.Store(true)
			if err != nil {
				log.Printf("first sync: %v", err)
			} else if err := db.Optimize(ctx); err != nil {
				log.Printf("optimize store: %v", err)
			}
		}
		syncCtx, stopSync := context.WithCancel(ctx)
		go func() {
			if err := engine.Run(syncCtx); err == nil {
				// Revoked: the engine wiped the store; forget the pairing.
				fbsync.ForgetPairing(pairingPath)
			}
		}()
		closers = append(closers, stopSync)
		return deps, closeAll, nil
	}
	ui.Start(ctx, w, open)
	w.ShowAndRun()
}

// loadSerialRules reads the brand serial-number rules: the device's own
// file when there is one (an administrator's additions), else the
// built-in list. A file with a bad rule is refused with its position,
// rather than silently reading no dates.
func loadSerialRules(path string) (scanner.SerialRules, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data = assets.SerialRules
	} else if err != nil {
		return nil, app.Errorf(app.EINTERNAL, "serial_rules.read", "Cannot read {{.Path}}. Check its permissions, or remove it to use the built-in rules.", "Path", path).WithCause(err)
	}
	rules, err := scanner.ParseSerialRules(data)
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "serial_rules.bad_file", "{{.Path}} is not a valid serial-number rules file: {{.Error}} Correct it, or remove it to use the built-in rules.", "Path", path, "Error", err.Error()).WithCause(err)
	}
	return rules, nil
}

// pair exchanges a pairing code for a device token and saves it.
func pair(ctx context.Context, server, code, path string) (fbsync.Pairing, error) {
	host, _ := os.Hostname()
	resp, err := (&fbsync.Client{BaseURL: server}).Pair(ctx, code, host)
	if err != nil {
		return fbsync.Pairing{}, err
	}
	p := fbsync.Pairing{Server: server, Device: resp.Device, Token: resp.Token, Technician: resp.Technician}
	return p, p.Save(path)
}

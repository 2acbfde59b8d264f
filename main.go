// Command fieldbench is the technician's terminal. main only wires: it
// opens the local store, pairs with a central service (with -demo, one
// embedded in the app and seeded with the demo world), runs the sync engine
// in the background and hands app interfaces to the UI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
	"github.com/fieldbench/fieldbench/internal/ready"
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
	fingerprint := flag.String("fingerprint", "", "SHA-256 of the server's certificate to pin, as `central admin pair` prints it (with -server)")
	insecureHTTP := flag.Bool("insecure-http", false, "allow a plain http:// server on another machine: credentials and data then cross the network unencrypted")
	dataDir := flag.String("data", "", "folder for the local database and photos (default: the app's storage folder)")
	language := flag.String("lang", "", "user interface language, e.g. en or zh (default: the system's)")
	windowSize := flag.String("window-size", "1280x800", "window size WxH in Fyne units (pixels at scale 1), e.g. 720x1280 for a phone")
	readyFile := flag.String("ready-file", "", "write \"ready_ms=… rss_kb=…\" to this file once the first ticket list is on screen (start-up benchmarks and screenshots)")
	flag.Parse()
	size, err := parseSize(*windowSize)
	if err != nil {
		fmt.Fprintf(os.Stderr, "-window-size: %v\n", err)
		os.Exit(2)
	}

	a := fyneapp.NewWithID(appID)
	// Fyne's lang reads the locale from the environment when translations
	// are added: the -lang flag, else the language chosen in the settings,
	// else the system's; a bare "C" locale (containers, CI) is not one.
	if *language == "" {
		*language = a.Preferences().String(ui.LanguagePreference)
	}
	switch {
	case *language != "":
		os.Setenv("LANGUAGE", *language)
	case os.Getenv("LANGUAGE") == "" && (os.Getenv("LANG") == "" || os.Getenv("LANG") == "C" || os.Getenv("LANG") == "POSIX"):
		os.Setenv("LANGUAGE", "en")
	}
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
	w.Resize(size)

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
					pairing, err = pair(ctx, fbsync.Link{}, emb.URL, code, pairingPath)
				}
				if err != nil {
					closeAll()
					return ui.Deps{}, nil, err
				}
			}
			pairing.Server = emb.URL // a new port on every start
		case *server != "" && *pairCode != "":
			progress(lang.X("startup.pairing", "Pairing with the server…"))
			fp, err := fbsync.NormalizeFingerprint(*fingerprint)
			if err == nil {
				pairing, err = pair(ctx, fbsync.Link{Fingerprint: fp, AllowPlainHTTP: *insecureHTTP}, *server, *pairCode, pairingPath)
			}
			if err != nil {
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
		deps.Actor = app.Actor{Role: app.RoleTechnician, Technician: me.ID, Store: me.Store, Name: me.Name}
		hc := fbsync.Link{Fingerprint: pairing.Fingerprint, AllowPlainHTTP: *insecureHTTP}.HTTPClient()
		client := &fbsync.Client{BaseURL: pairing.Server, Token: pairing.Token, HTTP: hc}
		engine := fbsync.NewEngine(db, client)
		deps.Sync = fbsync.NewTerminalSync(engine, client, db)
		uploader, err := fbsync.NewPhotoUploader(db, store.NewPhotoStore(db), hc, pairing.Server, pairing.Token)
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
		engineDone := make(chan struct{})
		go func() {
			defer close(engineDone)
			if err := engine.Run(syncCtx); err == nil {
				// Revoked: the engine wiped the store; forget the pairing.
				fbsync.ForgetPairing(pairingPath)
			}
		}()
		closers = append(closers, stopSync)
		deps.Server, deps.DataDir = pairing.Server, abs
		deps.SignOut = func(ctx context.Context) error {
			// Stop syncing first, so no pull lands after the wipe.
			stopSync()
			<-engineDone
			if err := db.Wipe(ctx); err != nil {
				return err
			}
			if err := fbsync.ForgetPairing(pairingPath); err != nil {
				return err
			}
			fyne.Do(a.Quit)
			return nil
		}
		return deps, closeAll, nil
	}
	opener := ui.Opener(open)
	if *readyFile != "" {
		opener = func(ctx context.Context, progress func(string)) (ui.Deps, func(), error) {
			deps, release, err := open(ctx, progress)
			deps.OnReady = func() {
				// The list has its rows but is drawn at the next frame:
				// wait one frame period, then write from the UI
				// goroutine, as cmd/uifloor does after its first frame.
				time.AfterFunc(time.Second/60, func() {
					fyne.Do(func() {
						if err := ready.Write(*readyFile); err != nil {
							log.Printf("ready file: %v", err)
						}
					})
				})
			}
			return deps, release, err
		}
	}
	if needsPairing(dir, *demoMode, *server) {
		// First run: pair (or choose the demo), then open as usual.
		fr := ui.NewFirstRun(ctx, ui.FirstRunActions{
			Pair: func(ctx context.Context, server, code, fingerprint string) error {
				abs, err := filepath.Abs(dir)
				if err == nil {
					err = os.MkdirAll(abs, 0o700)
				}
				if err != nil {
					return app.Errorf(app.EINTERNAL, "store.mkdir", "Cannot create the data folder {{.Path}}. Check the disk and its permissions.", "Path", dir).WithCause(err)
				}
				_, err = pair(ctx, fbsync.Link{Fingerprint: fingerprint, AllowPlainHTTP: *insecureHTTP}, server, code, filepath.Join(abs, "pairing.json"))
				return err
			},
			Demo: func() {
				*demoMode = true
				ui.Start(ctx, w, opener)
			},
			Done: func() { ui.Start(ctx, w, opener) },
		})
		w.SetContent(fr.Object())
		fr.Attach(w)
	} else {
		ui.Start(ctx, w, opener)
	}
	w.ShowAndRun()
}

// needsPairing reports whether to show the first-run screen: no pairing
// saved, and neither -demo nor -server given. FIELDBENCH_TECHNICIAN opens
// an unpaired store read-only instead (benchmarks, inspection).
func needsPairing(dir string, demo bool, server string) bool {
	if demo || server != "" || os.Getenv("FIELDBENCH_TECHNICIAN") != "" {
		return false
	}
	_, err := fbsync.LoadPairing(filepath.Join(dir, "pairing.json"))
	return app.ErrorCode(err) == app.ENOTFOUND
}

// parseSize reads a window size written WxH, as 1280x800.
func parseSize(s string) (fyne.Size, error) {
	var w, h int
	if n, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || n != 2 || w <= 0 || h <= 0 || fmt.Sprintf("%dx%d", w, h) != s {
		return fyne.Size{}, fmt.Errorf("%q is not a size like 1280x800", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
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

// pair exchanges a pairing code for a device token over link and saves
// it with the pinned fingerprint.
func pair(ctx context.Context, link fbsync.Link, server, code, path string) (fbsync.Pairing, error) {
	host, _ := os.Hostname()
	resp, err := (&fbsync.Client{BaseURL: server, HTTP: link.HTTPClient()}).Pair(ctx, code, host)
	if err != nil {
		return fbsync.Pairing{}, err
	}
	p := fbsync.Pairing{Server: server, Device: resp.Device, Token: resp.Token, Technician: resp.Technician, Fingerprint: link.Fingerprint}
	return p, p.Save(path)
}

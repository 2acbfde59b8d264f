// Command fieldbench is the technician's terminal. main only wires: flags
// to the device's lifecycle (package device) and the screens (package ui).
// Built with -tags demo (make run) it can also run the demo service
// itself (main_demo.go); a technician's binary has none of it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/reports"
	"github.com/fieldbench/fieldbench/internal/ready"
	"github.com/fieldbench/fieldbench/ui"
)

const appID = "io.fieldbench.terminal"

// startDemo is set by main_demo.go in the demo build.
var startDemo device.DemoStarter

func main() {
	demoMode := flag.Bool("demo", false, "run the demo service on this device with the demo world and pair with it as the demo technician (builds with -tags demo only)")
	server := flag.String("server", "", "central service to pair with, e.g. https://central.example.com (with -pair)")
	pairCode := flag.String("pair", "", "one-time pairing code from the administrator (with -server)")
	fingerprint := flag.String("fingerprint", "", "SHA-256 of the server's certificate to pin, as `central admin pair` prints it (with -server)")
	insecureHTTP := flag.Bool("insecure-http", false, "allow a plain http:// server on another machine: credentials and data then cross the network unencrypted")
	dataDir := flag.String("data", "", "folder for the local database and photos (default: the app's storage folder)")
	language := flag.String("lang", "", "user interface language, e.g. en or zh (default: the one chosen in the settings, else the system's)")
	windowSize := flag.String("window-size", "1280x800", "window size WxH in Fyne units (pixels at scale 1), e.g. 720x1280 for a phone")
	readyFile := flag.String("ready-file", "", "write \"ready_ms=… rss_kb=…\" to this file once the first ticket list is on screen (start-up benchmarks and screenshots)")
	listFile := flag.String("list-file", "", "write the first ticket list as it reads, a line a row, to this file before the -ready-file (tests of the built app)")
	flag.Parse()
	size, err := parseSize(*windowSize)
	if err != nil {
		fail("-window-size: %v", err)
	}
	if *demoMode && startDemo == nil {
		fail("-demo: this build has no demo service; build with -tags demo (make run)")
	}
	if (*server == "") != (*pairCode == "") {
		fail("-server and -pair go together")
	}
	code, ok := ui.LanguageCode(*language)
	if !ok {
		fail("-lang: %q is not one of en, zh (zh-Hans), fr, es, pt", *language)
	}
	*language = code

	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(ui.Theme())
	if err := ui.SetLanguage(a, *language); err != nil {
		log.Print(err)
	}
	a.SetIcon(assets.Icon)
	ctx, cancel := context.WithCancel(context.Background())
	a.Lifecycle().SetOnStopped(cancel)

	if *dataDir == "" {
		*dataDir = a.Storage().RootURI().Path()
	}
	dev, err := device.New(*dataDir, device.Options{AllowPlainHTTP: *insecureHTTP, Demo: startDemo,
		Viewer: app.TechnicianID(os.Getenv("FIELDBENCH_TECHNICIAN")), SerialRules: assets.SerialRules})
	if err != nil {
		fail("%s", err)
	}
	defer dev.Close()

	w := a.NewWindow(ui.Title())
	w.Resize(size)
	open := func(start func(context.Context, func(app.StartProgress)) (device.Session, error)) ui.Opener {
		return func(ctx context.Context, progress func(app.StartProgress)) (ui.Deps, error) {
			s, err := start(ctx, progress)
			return deps(dev, s), err
		}
	}
	life := ui.Lifecycle{
		// FIELDBENCH_TECHNICIAN opens an unpaired store read-only
		// (benchmarks, inspection) instead of the first-run screen.
		FirstRun: !dev.Paired() && !*demoMode && *server == "" && os.Getenv("FIELDBENCH_TECHNICIAN") == "",
		Pair:     dev.Pair,
		Open:     open(dev.Start),
		OnReady:  readyHook(*readyFile, *listFile),
	}
	if startDemo != nil {
		life.Demo = open(dev.StartDemo)
		// A device paired with the demo opens it again: its service runs
		// in this process, on a new port each start.
		life.DemoAtLaunch = *demoMode || (dev.DemoPaired() && *server == "")
	}
	switch {
	case *server != "":
		life.Launch = open(func(ctx context.Context, progress func(app.StartProgress)) (device.Session, error) {
			progress(app.StartProgress{Step: app.StartPairing})
			if err := dev.Pair(ctx, *server, *pairCode, *fingerprint); err != nil {
				return device.Session{}, err
			}
			return dev.Start(ctx, progress)
		})
	}
	ui.Run(ctx, w, life)
	w.ShowAndRun()
}

// deps hands a device's session to the screens.
func deps(dev *device.Device, s device.Session) ui.Deps {
	d := ui.Deps{Tickets: s.Tickets, Parts: s.Parts, Warranty: s.Warranty, Commit: s.Commit, Photos: s.Photos, Sync: s.Sync, Notices: s.Notices, Passcodes: s.Passcodes, Payments: s.Payments, Supply: s.Supply, History: s.Away, Drafts: s.Drafts, Counts: s.Counts,
		Technician: s.Technician.ID, Country: s.Technician.Country, Store: s.Technician.Store, Actor: s.Actor,
		Server: s.Server, DataDir: s.DataDir, SerialRules: s.SerialRules, Zone: s.Zone, OpenFile: ui.OpenInViewer}
	if s.Sync != nil {
		d.SignOut = dev.SignOut
	}
	if s.Photos != nil && s.Commit != nil {
		b := reports.Builder{Tickets: s.Tickets, Parts: s.Parts, Warranty: s.Warranty, History: s.History, Photos: s.Photos,
			Supply: s.Supply, Language: s.Technician.DocumentLanguage(),
			Provider: s.Provider, Technician: s.Technician.Name, Location: s.Zone}
		docs := documents{b: b, commit: s.Commit, actor: s.Actor}
		d.Documents = docs
		d.ReportToSign = docs.toSign
	}
	return d
}

// documents hands the device's report builder to the screens.
type documents struct {
	b      reports.Builder
	commit app.Committer
	actor  app.Actor
}

func (d documents) toSign(ctx context.Context, detail app.TicketDetail) (ui.ReportToSign, error) {
	r, total, err := d.b.ToSignOf(ctx, detail)
	if err != nil {
		return ui.ReportToSign{}, err
	}
	out := ui.ReportToSign{Digest: r.Digest(), Total: total, Report: r.CarriedReport()}
	if r.Warranty != nil {
		amount := r.Warranty.Total
		out.Amount = &amount
	}
	return out, nil
}

func (d documents) ServiceReport(ctx context.Context, w io.Writer, id app.TicketID) error {
	_, err := d.b.ServicePDF(ctx, w, id)
	return err
}

func (d documents) IntakeReceipt(ctx context.Context, w io.Writer, id app.TicketID) error {
	return d.b.IntakePDF(ctx, w, id)
}

func (d documents) PaymentReceipt(ctx context.Context, w io.Writer, id app.TicketID, paymentID string) error {
	return d.b.ReceiptPDF(ctx, w, id, paymentID)
}

func (d documents) FileSignedReport(ctx context.Context, id app.TicketID) error {
	_, err := d.b.FileSigned(ctx, d.commit, d.actor, id)
	return err
}

func (d documents) ShipmentLabel(ctx context.Context, w io.Writer, shipment string) error {
	return d.b.ShipmentLabelPDF(ctx, w, shipment)
}

func (d documents) PackingList(ctx context.Context, w io.Writer, shipment string) error {
	return d.b.PackingListPDF(ctx, w, shipment)
}

// readyHook writes the start-up benchmark's ready file once the first
// list is drawn, and the list as it reads to listPath before it; nil
// without either file.
func readyHook(path, listPath string) func(shown []string) {
	if path == "" && listPath == "" {
		return nil
	}
	return func(shown []string) {
		// The list has its rows but is drawn at the next frame: wait one
		// frame period, then write from the UI goroutine, as cmd/uifloor
		// does after its first frame.
		time.AfterFunc(time.Second/60, func() {
			fyne.Do(func() {
				if listPath != "" {
					if err := writeWhole(listPath, strings.Join(shown, "\n")+"\n"); err != nil {
						log.Printf("list file: %v", err)
					}
				}
				if path != "" {
					if err := ready.Write(path); err != nil {
						log.Printf("ready file: %v", err)
					}
				}
			})
		})
	}
}

// writeWhole writes text to path through a temporary file, so a reader
// never sees half of it.
func writeWhole(path, text string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// parseSize reads a window size written WxH, as 1280x800.
func parseSize(s string) (fyne.Size, error) {
	var w, h int
	if n, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || n != 2 || w <= 0 || h <= 0 || fmt.Sprintf("%dx%d", w, h) != s {
		return fyne.Size{}, fmt.Errorf("%q is not a size like 1280x800", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fieldbench: "+format+"\n", args...)
	os.Exit(2)
}

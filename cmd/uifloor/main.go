// Command uifloor is the floor of the terminal's start-up benchmark: a bare
// Fyne app showing a list of 10,000 rows of two labels, and nothing else.
// cmd/uibench starts it beside the terminal so both are measured on the
// same machine in the same run (issue 5).
//
// It takes the terminal's -window-size and -ready-file flags and writes the
// same "ready_ms=… rss_kb=…" line (package internal/ready) once the list
// is on screen.
//
//	go build -o bin/uifloor ./cmd/uifloor
//	bin/uifloor -window-size 1280x800 -ready-file /tmp/ready
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/internal/ready"
)

const rows = 10000

func main() {
	windowSize := flag.String("window-size", "1280x800", "window size WxH in Fyne units (pixels at scale 1)")
	readyFile := flag.String("ready-file", "", "write \"ready_ms=… rss_kb=…\" to this file once the list is on screen")
	flag.Parse()
	size, err := parseSize(*windowSize)
	if err != nil {
		fmt.Fprintf(os.Stderr, "-window-size: %v\n", err)
		os.Exit(2)
	}

	a := fyneapp.NewWithID("io.fieldbench.uifloor")
	w := a.NewWindow("Floor")
	list := widget.NewList(
		func() int { return rows },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewLabel("FB-2026-000000"), widget.NewLabel("Customer name · Device model"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			labels := o.(*fyne.Container).Objects
			labels[0].(*widget.Label).SetText(fmt.Sprintf("FB-2026-%06d", id+1))
			labels[1].(*widget.Label).SetText(fmt.Sprintf("Customer %d · Model %d", id%977, id%211))
		})
	w.SetContent(list)
	w.Resize(size)
	if *readyFile != "" {
		// Show draws the first frame, list included, before the event loop
		// starts and runs OnStarted. Like the terminal, wait one frame
		// period more and write from the UI goroutine.
		a.Lifecycle().SetOnStarted(func() {
			time.AfterFunc(time.Second/60, func() {
				fyne.Do(func() {
					if err := ready.Write(*readyFile); err != nil {
						log.Printf("ready file: %v", err)
					}
				})
			})
		})
	}
	w.ShowAndRun()
}

// parseSize reads a window size written WxH, as 1280x800.
func parseSize(s string) (fyne.Size, error) {
	var w, h int
	if n, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || n != 2 || w <= 0 || h <= 0 || fmt.Sprintf("%dx%d", w, h) != s {
		return fyne.Size{}, fmt.Errorf("%q is not a size like 1280x800", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
}

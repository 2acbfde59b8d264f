// Command uifloor is the floor of the terminal's start-up benchmark: a bare
// Fyne app showing a list of 10,000 rows of two labels, and nothing else.
// cmd/uibench starts it beside the terminal so both are measured on the
// same machine in the same run (issue 5).
//
// It takes the terminal's -window-size and -ready-file flags and writes the
// same "ready_ms=… rss_kb=…" line once the list is on screen.
//
//	go build -o bin/uifloor ./cmd/uifloor
//	bin/uifloor -window-size 1280x800 -ready-file /tmp/ready
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
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
					if err := writeReady(*readyFile); err != nil {
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

// The rest is a copy of the terminal's main.go, so both report the same
// way: keep them in step.

// writeReady writes "ready_ms=312 rss_kb=150000": the time since the
// process started and its resident memory. The file appears whole (temp
// file and rename): its existence is the signal.
func writeReady(path string) error {
	line := fmt.Sprintf("ready_ms=%d rss_kb=%d\n", sinceProcessStart().Milliseconds(), residentKB())
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(line), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// mainInit is when package main was initialised: the fallback for
// sinceProcessStart where /proc cannot say when the process started.
var mainInit = time.Now()

// sinceProcessStart is the time since the kernel started this process,
// from /proc (to the kernel's clock tick, 10 ms), so it includes loading
// the binary and the packages' init.
func sinceProcessStart() time.Duration {
	stat, err1 := os.ReadFile("/proc/self/stat")
	uptime, err2 := os.ReadFile("/proc/uptime")
	if err1 != nil || err2 != nil {
		return time.Since(mainInit)
	}
	// Field 22 is the start time in clock ticks after boot; fields are
	// counted after the command name, which may hold spaces.
	_, rest, _ := strings.Cut(string(stat), ") ")
	fields := strings.Fields(rest)
	var up float64
	if len(fields) < 20 {
		return time.Since(mainInit)
	}
	start, err1 := strconv.ParseInt(fields[19], 10, 64)
	_, err2 = fmt.Sscanf(string(uptime), "%f", &up)
	if err1 != nil || err2 != nil {
		return time.Since(mainInit)
	}
	const clockTicks = 100 // USER_HZ on every Linux architecture Go runs on
	return time.Duration(up*float64(time.Second)) - time.Duration(start)*time.Second/clockTicks
}

// residentKB is the process's resident memory (VmRSS) in kB, 0 if unknown.
func residentKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

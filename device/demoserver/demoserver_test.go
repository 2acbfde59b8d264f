package demoserver_test

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// startDemo starts the demo service of start on dir, as the device does
// but showing no progress; the caller closes it.
func startDemo(t *testing.T, start device.DemoStarter, dir string) *demoserver.Service {
	t.Helper()
	svc, err := start(t.Context(), dir, func(app.StartStep) {})
	if err != nil {
		t.Fatal(err)
	}
	return svc.(*demoserver.Service)
}

// BenchmarkDemoFirstStart is `make run`'s first start without the window:
// the demo world created, loaded into the embedded service, paired and
// synced into a new store. It reports the seconds of each step (go test
// -run '^$' -bench DemoFirstStart -benchtime 1x ./device/demoserver/).
func BenchmarkDemoFirstStart(b *testing.B) {
	for b.Loop() {
		d, err := device.New(b.TempDir(), device.Options{Demo: demoserver.Starter(1, demo.Default), SerialRules: []byte(`[]`)})
		if err != nil {
			b.Fatal(err)
		}
		spent := map[app.StartStep]time.Duration{}
		step, at := app.StartOpening, time.Now()
		start := at
		s, err := d.StartDemo(b.Context(), func(p app.StartProgress) {
			if p.Step != step {
				spent[step] += time.Since(at)
				step, at = p.Step, time.Now()
			}
		})
		spent[step] += time.Since(at)
		if err != nil {
			b.Fatal(err)
		}
		if s.Sync.SyncStatus().LastSuccess.IsZero() {
			b.Fatalf("the first sync failed: %v", s.Sync.SyncStatus().Err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/start")
		for st, name := range map[app.StartStep]string{app.StartDemoServer: "server", app.StartDemoWorld: "world", app.StartPairing: "pair", app.StartOpening: "open", app.StartFirstSync: "sync", app.StartOptimizing: "optimize"} {
			b.ReportMetric(spent[st].Seconds(), "s/"+name)
		}
		d.Close()
	}
}

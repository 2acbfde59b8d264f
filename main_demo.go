//go:build demo

package main

import (
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// The demo build links the demo service (the whole central service, with
// pgx and tusd): `make run`, screenshots, and the first-run screen's "Try
// the demo". The demo, however opened, shows the demo world's clock: its
// session carries the zone (device.Session.Zone).
func init() {
	startDemo = demoserver.Starter(1, demo.Default)
}

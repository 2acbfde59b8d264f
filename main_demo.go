//go:build demo

package main

import (
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device/demoserver"
	"github.com/fieldbench/fieldbench/ui"
)

// The demo build links the demo service (the whole central service, with
// pgx and tusd): `make run`, screenshots, and the first-run screen's "Try
// the demo". The demo, however opened, shows the demo world's clock: its
// session carries the zone (device.Session.Zone). Its world, made at the
// first start, is written in the language the app shows then.
func init() {
	startDemo = demoserver.StarterIn(1, demo.Default, ui.Language)
}

// Package e2e tests the office console end to end: its tests build
// ./cmd/central, run it on loopback on a fresh SQLite data directory, make
// its console users with the CLI (`central console-user add`, the password
// on standard input), and drive Debian's headless Chromium (chromedp,
// internal/browser) through what an office does: sign in, create and
// assign a ticket on the board, watch a device's sync arrive on the board
// without a reload (server-sent events), decide a conflict a device's push
// raised, import a CSV with a bad row, revoke a device. The devices are
// real HTTP clients of /v1/pair and /v1/sync, as in
// cmd/central/conformance. TestPageWeight measures each page's bytes with
// its style sheets and scripts (docs/BENCHMARKS.md).
//
// Chromium is required, never skipped: `make setup` installs Debian's
// chromium; $CHROMIUM names another binary.
//
//	go test -count=1 ./cmd/central/e2e/
package e2e

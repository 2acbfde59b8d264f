// Package demoserver is the demo's central service, run inside the app on
// loopback and seeded with the demo world (app/demo) on its first start.
// It links the whole central service (SQLite, pgx, tusd), so only the
// demo build imports it: main_demo.go, behind the build tag `demo` that
// `make run` sets. A technician's binary (`go build .`) has none of it.
package demoserver

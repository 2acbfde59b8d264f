// Package demotest holds the black-box tests of the built demo app: the
// terminal built with -tags demo (make run, the screenshots), started as
// a user starts it, on an Xvfb screen, and read through the files it
// writes when asked (-ready-file, -list-file). It has no code of its own;
// `go test ./cmd/demotest` (make test) runs it. It needs Xvfb (make
// setup installs it).
package demotest

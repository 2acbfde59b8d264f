// Package xvfb drives the terminal from outside, on a virtual X server, for
// the commands that time it (cmd/uibench) and photograph it
// (cmd/screenshots). Start runs an Xvfb on a display it picks itself, so a
// run never collides with a desktop or another run; StartApp runs an app on
// it with -ready-file, and WaitReady waits for that file (package
// internal/ready), which the app writes once its first list is on
// screen; Tap clicks where a finger would; Stop ends the app and the
// server, asking first and killing after 5 s.
package xvfb

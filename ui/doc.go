// Package ui is Fieldbench's Fyne interface. Screens are constructors that
// take a Deps struct of app interfaces and return fyne.CanvasObjects; the
// package never sees storage or sync types. Work that touches the disk or
// the network runs off the UI goroutine through Deps.Run and comes back
// through fyne.Do, one apply function per screen.
package ui

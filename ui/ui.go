package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// Deps is everything the screens need, as app interfaces.
type Deps struct {
	Tickets    app.TicketService
	Parts      app.PartService
	Warranty   app.WarrantyService
	Technician app.TechnicianID
	Now        func() time.Time
	// Run runs slow work (SQL, network) off the UI goroutine. Tests set it
	// to run inline so they need no sleeps.
	Run func(func())
}

func (d *Deps) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Run == nil {
		d.Run = func(f func()) { go f() }
	}
}

// Terminal is the main screen: the technician's ticket list beside the
// selected ticket's details.
type Terminal struct {
	deps   Deps
	ctx    context.Context
	list   *TicketList
	detail *TicketDetailView
	split  *container.Split
}

// NewTerminal builds the main screen. ctx bounds every background load.
func NewTerminal(ctx context.Context, deps Deps) *Terminal {
	deps.defaults()
	t := &Terminal{deps: deps, ctx: ctx}
	t.detail = newTicketDetailView(ctx, deps)
	t.list = newTicketList(ctx, deps, t.detail.Show)
	t.split = container.NewHSplit(t.list.Object(), t.detail.Object())
	t.split.Offset = 0.38
	return t
}

// Object is the screen's root.
func (t *Terminal) Object() fyne.CanvasObject { return t.split }

// List is the ticket list, for tests and keyboard shortcuts.
func (t *Terminal) List() *TicketList { return t.list }

// Detail is the detail pane, for tests.
func (t *Terminal) Detail() *TicketDetailView { return t.detail }

// Title is the window title.
func Title() string { return lang.X("app.title", "Fieldbench") }

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

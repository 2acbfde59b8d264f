package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Opener opens the local data and returns the screens' dependencies and a
// function that releases them. It reports long steps through progress and
// runs off the UI goroutine.
type Opener func(ctx context.Context, progress func(string)) (Deps, func(), error)

// Start shows a progress screen in w while open runs, then the terminal, or
// the error with what to do next. Nothing is retried behind the user's back:
// a store that cannot be opened is left untouched.
func Start(ctx context.Context, w fyne.Window, open Opener) {
	msg := widget.NewLabel(lang.X("startup.opening", "Opening your data…"))
	msg.Alignment = fyne.TextAlignCenter
	msg.Wrapping = fyne.TextWrapWord
	bar := widget.NewProgressBarInfinite()
	// Full width with spacers above and below, not a Center container: a
	// wrapping label in a Center shrinks to its narrowest, one word a line.
	w.SetContent(container.NewPadded(container.NewVBox(layout.NewSpacer(), msg, container.NewPadded(bar), layout.NewSpacer())))
	go func() {
		deps, release, err := open(ctx, func(s string) { fyne.Do(func() { msg.SetText(s) }) })
		fyne.Do(func() {
			bar.Stop()
			if err != nil {
				msg.SetText(errorText(err))
				bar.Hide()
				return
			}
			w.SetOnClosed(release)
			t := NewTerminal(ctx, deps)
			t.Attach(w)
			w.SetContent(t.Object())
		})
	}()
}

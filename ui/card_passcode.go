package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// passcodeCard shows that the customer left the device's passcode,
// masked: "Show" reveals it (a pattern also drawn) until "Hide" or until
// the ticket is left, as each showing of a ticket builds its cards anew.
// Nothing (no card) when there is none or the technician may not see it.
func passcodeCard(p app.Passcode) []fyne.CanvasObject {
	if p.Secret == "" {
		return nil
	}
	const masked = "••••"
	value := widget.NewLabel(masked)
	value.TextStyle = fyne.TextStyle{Monospace: true}
	drawn := container.NewCenter()
	var toggle *widget.Button
	toggle = widget.NewButton(lang.X("passcode.show", "Show"), func() {
		if value.Text != masked {
			value.SetText(masked)
			drawn.RemoveAll()
			toggle.SetText(lang.X("passcode.show", "Show"))
			return
		}
		value.SetText(p.Secret)
		if dots, ok := app.PatternDots(p.Secret); ok && p.Kind == app.PasscodePattern {
			drawn.Add(showPattern(dots))
		}
		toggle.SetText(lang.X("passcode.hide", "Hide"))
	})
	title := lang.X("passcode.label_text", "Passcode")
	if p.Kind == app.PasscodePattern {
		title = lang.X("passcode.label_pattern", "Unlock pattern")
	}
	row := container.NewHBox(widget.NewLabel(title+":"), value, toggle)
	return []fyne.CanvasObject{widget.NewCard("", "", container.NewVBox(row, drawn))}
}

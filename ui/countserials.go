package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// serialPicker asks, at a count's review, which units of a serialized
// part counted short are missing: the units the device knows at the
// location, each ticked missing, or scanned as there. Its loss is then
// booked against those units (app.CountLine.Missing), so the units the
// device lists stay the ones on the shelf.
type serialPicker struct {
	c      *countFlow
	line   app.CountLine
	units  []string
	checks []*widget.Check
	// there marks the units scanned as present.
	there []bool
	d     *dialog.CustomDialog
}

// pickMissing opens the picker for r, whose review line is l; Continue
// keeps the units ticked and reviews the count again.
func (c *countFlow) pickMissing(r *countRow, l app.CountLine) {
	win := c.host.window()
	if win == nil {
		return
	}
	p := &serialPicker{c: c, line: l, units: slices.Clone(l.Units), there: make([]bool, len(l.Units))}
	least, most := l.SerialsToTick()
	short := l.Held - l.Counted
	args := map[string]any{"Part": namedPart(map[app.PartNumber]app.Part{r.part.Number: r.part}, r.part.Number), "Held": countText(l.Held), "Counted": countText(l.Counted), "Short": countText(short)}
	text := lang.XN("count.serials_text", "{{.Part}}: {{.Held}} on the device, {{.Counted}} counted. Tick the {{.Short}} missing units, or scan the serial of each unit that is there.", short, args)
	if least != most {
		text += "\n" + lang.X("count.serials_unknown", "{{.Unknown}} of the units came without a serial: those you do not tick are booked lost without one.", map[string]any{"Unknown": countText(l.Held - len(l.Units))})
	}
	list := container.NewVBox()
	for _, u := range p.units {
		ch := widget.NewCheck(u, nil)
		ch.SetChecked(slices.Contains(l.Missing, u))
		// Each tick is kept with the count at once: a restart, or a
		// crash, does not make the technician tick the units again.
		ch.OnChanged = func(bool) {
			r.missing = p.ticked()
			c.keep()
		}
		p.checks = append(p.checks, ch)
		list.Add(ch)
	}
	back := widget.NewButton(lang.X("count.back", "Back to counting"), func() { p.d.Hide() })
	next := widget.NewButtonWithIcon(lang.X("count.serials_continue", "Continue"), theme.NavigateNextIcon(), func() {
		l := p.line
		l.Missing = p.ticked()
		if err := l.CheckMissing(); err != nil {
			c.host.showError(err)
			return
		}
		r.missing = l.Missing
		p.d.Hide()
		c.review()
	})
	next.Importance = widget.HighImportance
	buttons := container.New(&buttonsFit{}, back, next)
	page := container.NewVScroll(list)
	body := container.NewBorder(wrapLabel(text), buttons, nil, nil, wheelPage(page))
	p.d = dialog.NewCustomWithoutButtons(lang.X("count.serials_title", "Which units are missing?"), body, win)
	p.d.SetOnClosed(func() { c.picker = nil })
	p.d.Resize(dialogSize(win))
	c.host.presentForm(p.d, nil, nil, p.d.Hide)
	fitDialogHeight(p.d, win, page)
	c.picker = p
}

// ticked are the units ticked missing, in the list's order.
func (p *serialPicker) ticked() []string {
	var out []string
	for i, ch := range p.checks {
		if ch.Checked {
			out = append(out, p.units[i])
		}
	}
	return out
}

// scan marks the unit a scan names as there: not missing. When the units
// not scanned are then exactly the ones short, they are ticked missing.
func (p *serialPicker) scan(m scanner.Meaning) (string, bool) {
	code := strings.TrimSpace(m.PartSerial)
	if code == "" {
		code = strings.TrimSpace(m.Serial)
	}
	if code == "" {
		code = strings.TrimSpace(m.Text)
	}
	i := slices.IndexFunc(p.units, func(u string) bool { return strings.EqualFold(u, code) })
	if i < 0 {
		return lang.X("count.serial_unknown", "Scanned “{{.Code}}”: not a serial of the units listed. Scan the serial on each unit that is there.", map[string]any{"Code": clipText(code)}), true
	}
	if !p.there[i] {
		p.there[i] = true
		p.checks[i].SetChecked(false)
		p.checks[i].Text = p.units[i] + " · " + lang.X("count.serial_there", "scanned: there")
		p.checks[i].Disable()
		p.checks[i].Refresh()
	}
	least, most := p.line.SerialsToTick()
	left := 0
	for _, t := range p.there {
		if !t {
			left++
		}
	}
	if least == most && left == most {
		for i, ch := range p.checks {
			if !p.there[i] {
				ch.SetChecked(true)
			}
		}
	}
	return lang.X("count.serial_scanned", "Unit {{.Serial}} is there.", map[string]any{"Serial": p.units[i]}), false
}

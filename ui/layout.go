package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The terminal adapts to its width. On a tablet or desktop the ticket list
// sits beside the open ticket and the sections are tabs along the top; on
// a phone (narrower than compactWidth) one thing shows at a time: the
// list, or the ticket with a back button, and the tabs sit at the bottom
// within reach of a thumb. Buttons keep their text where there is room and
// show only their icon where there is not.

// compactWidth is the narrowest window that shows list and ticket side by
// side: two columns of about 380 dp.
const compactWidth = 760

// adaptiveLayout lays out its single child over the whole area, and tells
// the terminal when the width crosses compactWidth.
type adaptiveLayout struct{ t *Terminal }

func (a adaptiveLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a.t.setCompact(size.Width < compactWidth)
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (a adaptiveLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// iconButton is a button whose text hides in compact mode.
type iconButton struct {
	*widget.Button
	text string
}

// buildPages assembles the tabs and the adaptive root.
func (t *Terminal) buildPages(top fyne.CanvasObject, bottom fyne.CanvasObject) fyne.CanvasObject {
	back := widget.NewButtonWithIcon(lang.X("nav.back", "Tickets"), theme.NavigateBackIcon(), t.showList)
	t.backBar = container.NewBorder(nil, nil, back, nil)
	t.detailPage = container.NewBorder(t.backBar, nil, nil, nil, t.detail.Object())
	t.ticketsPage = container.NewStack()
	ticketsTab := container.NewTabItemWithIcon(lang.X("nav.tickets", "Tickets"), theme.ListIcon(), container.NewBorder(container.NewPadded(top), nil, nil, nil, t.ticketsPage))
	t.tabs = container.NewAppTabs(ticketsTab)
	if t.deps.Parts != nil {
		var returns returnHost
		if t.deps.Supply != nil && t.deps.Commit != nil {
			returns = terminalParts{t}
		}
		t.parts = newPartsPage(t.partsEnv(), terminalParts{t}, returns)
		t.tabs.Append(container.NewTabItemWithIcon(lang.X("nav.parts", "Parts"), theme.StorageIcon(), t.parts.root))
	}
	if t.deps.Supply != nil && t.deps.Parts != nil {
		t.onway = newOnWayPage(t.partsEnv(), terminalParts{t})
		t.onwayTab = container.NewTabItemWithIcon(onWayTitle(0), theme.MailReplyIcon(), t.onway.root)
		t.tabs.Append(t.onwayTab)
	}
	t.settings = newSettingsPage(t.ctx, t.deps, t, t.keys)
	t.tabs.Append(container.NewTabItemWithIcon(lang.X("nav.settings", "Settings"), theme.SettingsIcon(), t.settings.root))
	t.tabs.OnSelected = func(ti *container.TabItem) {
		if t.parts != nil && ti.Content == t.parts.root {
			t.parts.load()
		}
		if t.onway != nil && ti.Content == t.onway.root {
			t.onway.load()
		}
		if ti.Content == t.settings.root {
			t.settings.load()
		}
	}
	t.layoutWide()
	t.lock.showPages()
	root := container.NewBorder(nil, bottom, nil, nil, container.NewStack(t.tabs, t.lock.root))
	return container.New(adaptiveLayout{t}, root)
}

// setCompact switches between the phone and the wide arrangement.
func (t *Terminal) setCompact(compact bool) {
	if t.compactSet && compact == t.compact {
		return
	}
	t.compact, t.compactSet = compact, true
	if compact {
		t.tabs.SetTabLocation(container.TabLocationBottom)
		t.showList()
	} else {
		t.tabs.SetTabLocation(container.TabLocationTop)
		t.layoutWide()
	}
	for _, b := range t.iconButtons {
		if compact {
			b.SetText("")
		} else {
			b.SetText(b.text)
		}
	}
}

// layoutWide puts the list beside the ticket.
func (t *Terminal) layoutWide() {
	t.backBar.Hide()
	offset := 0.38
	if t.split != nil {
		offset = t.split.Offset
	}
	t.split = container.NewHSplit(t.list.Object(), t.detailPage)
	t.split.Offset = offset
	t.ticketsPage.Objects = []fyne.CanvasObject{t.split}
	t.ticketsPage.Refresh()
}

// showList shows the list alone (compact) or beside the ticket.
func (t *Terminal) showList() {
	if !t.compact {
		return
	}
	t.ticketsPage.Objects = []fyne.CanvasObject{t.list.Object()}
	t.ticketsPage.Refresh()
}

// showDetail brings the ticket to the front in compact mode.
func (t *Terminal) showDetail() {
	if t.tabs != nil && t.tabs.SelectedIndex() != 0 {
		t.tabs.SelectIndex(0)
	}
	if !t.compact {
		return
	}
	t.backBar.Show()
	t.ticketsPage.Objects = []fyne.CanvasObject{t.detailPage}
	t.ticketsPage.Refresh()
}

// newIconButton makes a button that shows only its icon on a phone.
func (t *Terminal) newIconButton(text string, icon fyne.Resource, tapped func()) *widget.Button {
	b := &iconButton{Button: widget.NewButtonWithIcon(text, icon, tapped), text: text}
	t.iconButtons = append(t.iconButtons, b)
	return b.Button
}

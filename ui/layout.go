package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
//
// The foot (a note such as "Saved" and its close button, and the sync
// line) sits under the pages. On a tablet or desktop that is under the
// tabs' content, the tabs along the top, so a note appearing pushes the
// page up and nothing else. On a phone the tabs are at the very bottom
// and stay fixed, as phone apps keep them: a thumb reaching for a tab
// must not find it moved a line up by a note that appeared meanwhile. So
// there the foot goes inside the page shown, above the tabs, and a note
// pushes that page's content (its pinned action button with it, never
// covered), never the tabs. While the terminal is locked the pages are
// hidden and the foot is under the locked screen again.

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
	t.foot = bottom
	t.footUnder = container.NewStack()
	t.tabFeet = map[*container.TabItem]*fyne.Container{}
	t.tabs = container.NewAppTabs(t.tab(lang.X("nav.tickets", "Tickets"), theme.ListIcon(), container.NewBorder(container.NewPadded(top), nil, nil, nil, t.ticketsPage)))
	if t.deps.Parts != nil {
		var returns returnHost
		if t.deps.Supply != nil && t.deps.Commit != nil {
			returns = terminalParts{t}
		}
		t.parts = newPartsPage(t.partsEnv(), terminalParts{t}, returns)
		t.partsTab = t.tab(lang.X("nav.parts", "Parts"), theme.StorageIcon(), t.parts.root)
		t.tabs.Append(t.partsTab)
	}
	if t.deps.Supply != nil && t.deps.Parts != nil {
		t.onway = newOnWayPage(t.partsEnv(), terminalParts{t})
		t.onwayTab = t.tab(onWayTitle(0), theme.MailReplyIcon(), t.onway.root)
		t.tabs.Append(t.onwayTab)
	}
	t.settings = newSettingsPage(t.ctx, t.deps, t, t.keys)
	t.settingsTab = t.tab(lang.X("nav.settings", "Settings"), theme.SettingsIcon(), t.settings.root)
	t.tabs.Append(t.settingsTab)
	t.tabs.OnSelected = func(ti *container.TabItem) {
		t.placeFoot()
		if t.parts != nil && ti == t.partsTab {
			t.parts.load()
		}
		if t.onway != nil && ti == t.onwayTab {
			t.onway.load()
		}
		if ti == t.settingsTab {
			t.settings.load()
		}
	}
	t.layoutWide()
	t.lock.showPages()
	t.placeFoot()
	root := container.NewBorder(nil, t.footUnder, nil, nil, container.NewStack(t.tabs, t.lock.root))
	return container.New(adaptiveLayout{t}, root)
}

// tab makes the tab item of a page, with the place for the foot under
// the page when the foot goes there (placeFoot).
func (t *Terminal) tab(title string, icon fyne.Resource, page fyne.CanvasObject) *container.TabItem {
	foot := container.NewStack()
	foot.Hide() // until the foot goes there
	ti := container.NewTabItemWithIcon(title, icon, container.NewBorder(nil, foot, nil, nil, page))
	t.tabFeet[ti] = foot
	return ti
}

// placeFoot puts the foot where it pushes the page and never the tabs:
// inside the page shown on a phone, under the pages otherwise or while
// they are hidden (see the top of this file).
func (t *Terminal) placeFoot() {
	if t.tabs == nil {
		return
	}
	to := t.footUnder
	if sel := t.tabs.Selected(); t.compact && t.tabs.Visible() && sel != nil && t.tabFeet[sel] != nil {
		to = t.tabFeet[sel]
	}
	if t.footAt == to {
		return
	}
	if from := t.footAt; from != nil {
		from.Objects = nil
		from.Hide() // an empty foot would still take a line of padding
		layOut(from)
	}
	to.Objects = []fyne.CanvasObject{t.foot}
	to.Show()
	layOut(to)
	t.footAt = to
	if sel := t.tabs.Selected(); sel == nil {
		return
	} else if page, ok := sel.Content.(*fyne.Container); ok {
		layOut(page) // over the page's new height
	}
}

// layOut lays c out again and redraws it, without refreshing what is in
// it: a hidden note laid out at no size would lay out its parts at less.
func layOut(c *fyne.Container) {
	if c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
	canvas.Refresh(c)
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
	t.placeFoot()
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
	t.detail.left()
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

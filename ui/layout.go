package ui

import (
	"cmp"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The terminal adapts to its width. On a tablet or desktop the ticket list
// sits beside the open ticket and the sections are tabs along the top; on
// a phone (narrower than compactWidth) one thing shows at a time: the
// list, or the ticket with a back button, and the tabs sit at the bottom
// within reach of a thumb. Buttons keep their text where there is room and
// show only their icon where there is not; so do the tabs but the one
// shown (labelTabs). Down to a 360 dp phone nothing runs past the right
// edge in any language: forms and facts stack their labels (fitForm,
// factsLayout), dialogs their buttons (buttonsFit), long texts wrap.
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
	a.t.tabsWidth = size.Width
	a.t.labelTabs(false)
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
	t.tabTitles = map[*container.TabItem]string{}
	t.tabs = container.NewAppTabs(t.tab(lang.X("nav.tickets", "Tickets"), theme.ListIcon(), container.NewBorder(container.NewPadded(top), nil, nil, nil, t.ticketsPage)))
	if t.deps.Parts != nil {
		var returns returnHost
		if t.deps.Supply != nil && t.deps.Commit != nil {
			returns = terminalParts{t}
		}
		var stocks stockHost
		if t.deps.Commit != nil {
			stocks = terminalParts{t}
		}
		t.parts = newPartsPage(t.partsEnv(), terminalParts{t}, returns, stocks)
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
		t.labelTabs(true)
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
	t.tabTitles[ti] = title
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
	// Nothing stays selected: a tap on the ticket just left opens it
	// again (a List tells only a new selection).
	t.list.list.UnselectAll()
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

// A form's labels sit beside its fields where the width allows, and
// above them where it does not. Beside them, the column of the longest
// label ("N° de série / IMEI", "Proof of purchase") left the fields too
// little on a 360 dp phone, and the form ran past the screen's edge: a
// French ticket's facts, the check-in form and the settings in every
// language. The choice is made at each layout, by the width given, so it
// holds in a dialog, a card or a page alike, and when a phone turns.
//
// A layout's minimum cannot depend on the width it will get, so the
// minimum width is the stacked one (never more than the width given
// allows), and the height is that of the arrangement chosen at the last
// layout: the driver lays the parents out again when it changes, as it
// does for a wrapping label.

// fitForm shows form beside or stacked (see above).
func fitForm(form *widget.Form) *fyne.Container {
	return container.New(&formFit{form: form}, form)
}

// fitFormShort is fitForm for a form under a list whose rows are what
// the dialog is for (the add-part dialog's results): its labels stay
// beside the fields where the fields fit, their hints cut, as the
// labels above them took two of a phone's few rows of results.
func fitFormShort(form *widget.Form) *fyne.Container {
	return container.New(&formFit{form: form, short: true}, form)
}

// formFit lays out a widget.Form, turning it between Fyne's two
// orientations.
type formFit struct {
	form *widget.Form
	// short leaves the hints out of the choice (fitFormShort).
	short bool
}

// widths are the form's widths with its labels beside its fields and
// above them.
func (l *formFit) widths() (beside, stacked float32) {
	pad := theme.InnerPadding()
	var label, field, hint float32
	for _, it := range l.form.Items {
		if it.Widget == nil || !it.Widget.Visible() {
			continue
		}
		label = max(label, fyne.MeasureText(it.Text, theme.TextSize(), fyne.TextStyle{Bold: true}).Width+2*pad)
		field = max(field, it.Widget.MinSize().Width)
		if !l.short {
			hint = max(hint, hintWidth(it.Widget))
		}
	}
	return label + theme.Padding() + max(field, hint), max(label, field)
}

// hintWidth is how wide the placeholder of the one-line field o is or
// holds (withProblem's box, a field with a button beside it) needs to be
// read whole; 0 for none. A form lays its labels beside its fields only
// where the hints fit too: on a 360 dp phone "e.g. replaced the drain
// pump" in French, and the payment's reference hint in Chinese, were cut
// to their first words beside the labels, the example unread.
func hintWidth(o fyne.CanvasObject) float32 {
	var e *widget.Entry
	switch o := o.(type) {
	case *scanEntry:
		e = &o.Entry
	case *plainEntry:
		e = &o.Entry
	case *widget.Entry:
		e = o
	case *fyne.Container:
		var w float32
		for _, c := range o.Objects {
			w = max(w, hintWidth(c))
		}
		return w
	}
	if e == nil || e.PlaceHolder == "" || e.MultiLine && e.Wrapping != fyne.TextWrapOff {
		return 0
	}
	// The entry's border and the text's padding either side.
	return fyne.MeasureText(e.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding() + 2*theme.InputBorderSize()
}

func (l *formFit) MinSize([]fyne.CanvasObject) fyne.Size {
	_, stacked := l.widths()
	return fyne.NewSize(stacked, l.form.MinSize().Height)
}

func (l *formFit) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	want := widget.Horizontal
	if beside, _ := l.widths(); size.Width < beside {
		want = widget.Vertical
	}
	if l.form.Orientation != want {
		l.form.Orientation = want
		l.form.Refresh()
	}
	l.form.Move(fyne.NewPos(0, 0))
	l.form.Resize(size)
}

// factsLayout lays out label/value pairs (objects in pairs, as Fyne's
// form layout takes them) in two columns, or stacked (see above).
type factsLayout struct {
	stacked bool // at the last layout
}

// widths are the pairs' widths in two columns and stacked.
func (l *factsLayout) widths(objs []fyne.CanvasObject) (beside, stacked float32) {
	var label, value float32
	for i := 0; i+1 < len(objs); i += 2 {
		if !objs[i].Visible() && !objs[i+1].Visible() {
			continue
		}
		label = max(label, objs[i].MinSize().Width)
		value = max(value, objs[i+1].MinSize().Width)
	}
	return label + theme.Padding() + value, max(label, value)
}

func (l *factsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	_, stacked := l.widths(objs)
	if l.stacked {
		return fyne.NewSize(stacked, stack(objs, stacked, false))
	}
	return fyne.NewSize(stacked, layout.NewFormLayout().MinSize(objs).Height)
}

func (l *factsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	beside, _ := l.widths(objs)
	l.stacked = size.Width < beside
	if l.stacked {
		stack(objs, size.Width, true)
		return
	}
	layout.NewFormLayout().Layout(objs, size)
}

// stack puts each pair's label over its value, the pairs a padding
// apart, across width, and gives the height; place false only measures.
// A label with no size (the spacer beside a row that has none) takes no
// line.
func stack(objs []fyne.CanvasObject, width float32, place bool) float32 {
	var y float32
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		if h == 0 {
			continue
		}
		if i%2 == 0 && y > 0 {
			y += theme.Padding() // between pairs, not between a label and its value
		}
		if place {
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(width, h))
		}
		y += h
	}
	return y
}

// wrappedCheck shows the tick box box (c, or a widget extending it) with
// its text wrapping beside it: Fyne's check draws its text on one line,
// and "Keep the original of each photo on this device" or a part's name
// in the returns is wider than a 360 dp phone. Tapping the text ticks the
// box, as tapping a check's own text does.
func wrappedCheck(box fyne.CanvasObject, c *widget.Check) fyne.CanvasObject {
	text := &checkText{check: c}
	text.Text = c.Text
	text.Wrapping = fyne.TextWrapWord
	text.ExtendBaseWidget(text)
	c.Text = ""
	return container.NewBorder(nil, nil, box, nil, text)
}

// checkText is the text of a wrappedCheck.
type checkText struct {
	widget.Label
	check *widget.Check
}

var _ fyne.Tappable = (*checkText)(nil)

// Tapped ticks or unticks the box.
func (t *checkText) Tapped(*fyne.PointEvent) {
	if !t.check.Disabled() {
		t.check.SetChecked(!t.check.Checked)
	}
}

// labelTabs names the tabs. Where their names do not all fit the width
// (four tabs on a 360 dp phone, in every language but Chinese) the tab
// shown keeps its name, and so does every other tab there is room for,
// the shortest names first, so a newcomer reads what most of them are
// (English at 360 dp names three of four; only the tab shown was named
// before); the rest show their icon, as a phone's bottom navigation does.
// Fyne would otherwise move the last tabs (Settings) into a "more" menu,
// out of sight. Fyne 2.7.1's other arrangement, the icon over its name in
// equal cells (ThemeOverride.SetDeviceIsMobile), gives each name 82 dp of
// a 360 dp phone, less than "On the way (1)", "Configuración" or
// "Configurações" take. refresh redraws the tabs even when no name
// changed (a title changed, or the tab shown).
func (t *Terminal) labelTabs(refresh bool) {
	if t.tabs == nil {
		return
	}
	named := namedTabs(t.tabs.Items, t.tabTitles, t.tabs.Selected(), t.tabsWidth)
	if !t.compact {
		named = nil // on a tablet or desktop, every name
	}
	for _, ti := range t.tabs.Items {
		text := t.tabTitles[ti]
		if named != nil && !named[ti] {
			text = ""
		}
		if ti.Text != text {
			ti.Text = text
			refresh = true
		}
	}
	if refresh {
		t.tabs.Refresh()
	}
}

// namedTabs are the tabs that keep their names in a bar width wide: nil
// when every name fits (or the width is not known yet); else the tab
// shown, then the others by their names' width, shortest first, while
// they fit.
func namedTabs(items []*container.TabItem, titles map[*container.TabItem]string, sel *container.TabItem, width float32) map[*container.TabItem]bool {
	if width == 0 || tabsWidth(items, titles) <= width {
		return nil
	}
	named := map[*container.TabItem]bool{}
	// Every tab as its icon alone, then the names added one by one.
	w := float32(len(items)-1) * theme.Padding()
	for range items {
		w += theme.InnerPadding() + theme.IconInlineSize()
	}
	nameW := func(ti *container.TabItem) float32 {
		// A name widens its tab by its text, a padding before it, and
		// the inner padding doubled on the sides (tabsWidth).
		return theme.InnerPadding() + theme.Padding() + fyne.MeasureText(titles[ti], theme.TextSize(), fyne.TextStyle{}).Width
	}
	order := make([]*container.TabItem, 0, len(items))
	for _, ti := range items {
		if ti != sel {
			order = append(order, ti)
		}
	}
	slices.SortStableFunc(order, func(a, b *container.TabItem) int { return cmp.Compare(nameW(a), nameW(b)) })
	if sel != nil {
		order = append([]*container.TabItem{sel}, order...)
	}
	for _, ti := range order {
		if add := nameW(ti); ti == sel || w+add <= width {
			named[ti] = true
			w += add
		}
	}
	return named
}

// tabsWidth is the width of a bar of tabs with their icons and names, as
// Fyne lays them out in a row [2.7.1]: each its inner padding either
// side, the icon, a padding and the name, a padding between tabs.
func tabsWidth(items []*container.TabItem, titles map[*container.TabItem]string) float32 {
	var w float32
	for i, ti := range items {
		if i > 0 {
			w += theme.Padding()
		}
		w += 2*theme.InnerPadding() + theme.IconInlineSize() + theme.Padding() +
			fyne.MeasureText(titles[ti], theme.TextSize(), fyne.TextStyle{}).Width
	}
	return w
}

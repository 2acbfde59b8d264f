package ui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// Stock the technician finds missing or broken: from a part's card, a
// report of units lost (a negative stock.adjust) or damaged (moved into
// their defective bin, to ship back with the returns); from the parts
// page, a count of their van or shelf whose shortfalls are booked as
// losses. The rules are app's (app.StockReport, app.CountStock); these
// screens read what the device holds and say what the rules answer.

// stockHost is what the stock screens ask of the terminal.
type stockHost interface {
	committer
	dialogTracker
	showError(err error)
	// say shows a short outcome in the scan bar.
	say(failed bool, text string)
	// scanUndone is told that the row a counted scan's note describes
	// was changed by hand: the note goes.
	scanUndone(text string)
	// counting is told of the stock count open, nil when it closes: a
	// scan in front of it counts a part.
	counting(c *countFlow)
	// countOpening is told a count is asked for: the scans made until
	// countOpened are kept for it, and countOpened returns them.
	countOpening()
	countOpened() []scanner.Meaning
	// presentForm is present for a form whose Escape runs leave, which
	// asks before typing is lost.
	presentForm(d dialog.Dialog, submit func(), next func(fyne.CanvasObject) bool, leave func())
}

func (h terminalParts) counting(c *countFlow) { h.t.counter = c }

func (h terminalParts) countOpening() { h.t.countScans = &[]scanner.Meaning{} }

func (h terminalParts) countOpened() []scanner.Meaning {
	held := h.t.countScans
	h.t.countScans = nil
	if held == nil {
		return nil
	}
	return *held
}

// maxHeldScans bounds the scans kept for a count while it opens: a burst
// of a few dozen labels, not a scanner stuck repeating one.
const maxHeldScans = 200

// holdForCount keeps m for the count opening, if one is.
func (t *Terminal) holdForCount(m scanner.Meaning) bool {
	if t.countScans == nil || len(*t.countScans) >= maxHeldScans {
		return false
	}
	*t.countScans = append(*t.countScans, m)
	return true
}

// scanCode is the code a scan names for the count: the part number of a
// part label, else the text read.
func scanCode(m scanner.Meaning) string {
	if code := strings.TrimSpace(string(m.Part)); code != "" {
		return code
	}
	return strings.TrimSpace(m.Text)
}

// counterInFront is the stock count when it is the dialog in front.
func (t *Terminal) counterInFront() *countFlow {
	if t.counter == nil || t.win == nil {
		return nil
	}
	sd := t.topDialog()
	if sd == nil || sd.d != t.counter.d && (t.counter.picker == nil || sd.d != t.counter.picker.d) {
		return nil // the review, a question or an error is in front
	}
	return t.counter
}

// problemNames are the choices of what happened, in StockProblem order.
func problemNames() []string {
	return []string{lang.X("stock.problem.lost", "Lost or missing"), lang.X("stock.problem.damaged", "Damaged: goes to my defective bin")}
}

var problems = []app.StockProblem{app.ProblemLost, app.ProblemDamaged}

// openStockReport reads the units of p the technician holds (and their
// serials) off the UI goroutine, then shows the report dialog; done runs
// after the report is saved.
func openStockReport(env partsEnv, host stockHost, p app.Part, done func()) {
	env.run(func() {
		stock, bin, err := env.myLocations()
		held := 0
		var serials []string
		if err == nil {
			var q map[app.PartNumber]int
			if q, err = env.quantities(stock.ID); err == nil {
				held = q[p.Number]
			}
		}
		if err == nil && p.Serialized {
			serials, err = env.parts.Units(env.ctx, stock.ID, p.Number)
		}
		fyne.Do(func() {
			switch {
			case err != nil:
				host.showError(err)
			case held <= 0:
				host.showError(app.Errorf(app.EINVALID, "stock.report_none_held", "You hold none of {{.Part}} at {{.Where}}, so there is nothing to report. If it is there, ask dispatch to book it.", "Part", partName(p), "Where", stock.Name))
			default:
				showStockReport(env, host, p, stock, bin, held, serials, done)
			}
		})
	})
}

// showStockReport is the report dialog: what happened, how many (or which
// unit), and why; a report confirmed in red, as it takes stock off the
// shelf.
func showStockReport(env partsEnv, host stockHost, p app.Part, stock, bin app.Location, held int, serials []string, done func()) {
	win := host.window()
	if win == nil {
		return
	}
	what := widget.NewSelect(problemNames(), nil)
	what.SetSelectedIndex(0)
	if bin.ID == "" {
		// No bin: damaged parts have nowhere to go on this device.
		what.SetOptions(problemNames()[:1])
		what.SetSelectedIndex(0)
	}
	qty := newScanEntry(env.keys)
	qty.SetPlaceHolder(lang.X("stock.report_qty_hint", "1 to {{.Held}}", map[string]any{"Held": held}))
	unit := widget.NewSelectEntry(serials)
	unit.SetPlaceHolder(lang.X("stock.report_unit_hint", "Serial number of the unit"))
	reason := newScanMultiLineEntry(env.keys)
	reason.SetPlaceHolder(lang.X("stock.report_reason_hint", "What happened, for the office"))
	items := []*widget.FormItem{widget.NewFormItem(lang.X("stock.report_what", "What happened"), what)}
	if p.Serialized {
		items = append(items, widget.NewFormItem(lang.X("stock.report_unit", "Which unit"), unit))
	} else {
		items = append(items, widget.NewFormItem(lang.X("stock.report_how_many", "How many"), qty))
	}
	items = append(items, widget.NewFormItem(lang.X("stock.report_reason_label", "Reason"), reason))
	form := widget.NewForm(items...)
	title := wrapLabel(partName(p) + " · " + string(p.Number))
	title.TextStyle.Bold = true
	have := lowLabel(lang.X("stock.report_held", "You hold {{.Held}} at {{.Where}}.", map[string]any{"Held": held, "Where": stock.Name}))
	var d *dialog.CustomDialog
	report := func() {
		r := app.StockReport{Problem: problems[max(what.SelectedIndex(), 0)], Part: p.Number, From: stock.ID, Bin: bin, Held: held,
			Units: serials, Reason: reason.Text, At: env.now(), By: env.actor.Name}
		if p.Serialized {
			r.Qty, r.Serial = 1, strings.TrimSpace(unit.Text)
			if r.Serial == "" {
				host.showError(app.Errorf(app.EINVALID, "stock.report_which_unit", "Choose or scan the serial number of the unit: each unit of this part is followed by its serial."))
				return
			}
		} else {
			n, err := strconv.Atoi(strings.TrimSpace(qty.Text))
			if err != nil {
				host.showError(app.Errorf(app.EINVALID, "stock.report_qty_number", "Type how many units, as a number from 1 to {{.Held}}.", "Held", held))
				return
			}
			r.Qty = n
		}
		cmd, err := r.Command()
		if err != nil {
			host.showError(err)
			return
		}
		args := map[string]any{"Count": countText(r.Qty), "Part": partName(p), "Where": stock.Name, "Bin": bin.Name}
		msg := lang.XN("stock.report_confirm_lost", "{{.Count}} × {{.Part}} leave your stock at {{.Where}} for good; the office sees your reason.", r.Qty, args)
		doLabel := lang.X("stock.report_book_lost", "Record as lost")
		if r.Problem == app.ProblemDamaged {
			msg = lang.XN("stock.report_confirm_damaged", "{{.Count}} × {{.Part}} move from {{.Where}} to {{.Bin}} and ship back with your returns.", r.Qty, args)
			doLabel = lang.X("stock.report_book_damaged", "Move to defective bin")
		}
		confirmAction(host, lang.X("stock.report_confirm_title", "Take these parts off your stock?"), msg, doLabel, lang.X("stock.report_keep", "Go back"), true, func() {
			d.Hide()
			host.commit(cmd, done)
		})
	}
	send := widget.NewButtonWithIcon(lang.X("stock.report_send", "Report"), theme.WarningIcon(), report)
	send.Importance = widget.DangerImportance
	opened := ""
	typed := func() bool { return qty.Text+"\x00"+unit.Text+"\x00"+reason.Text != opened }
	leave := func() {
		leaveTyped(func(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
			confirmAction(host, title, message, doLabel, keepLabel, destructive, ok)
		}, typed(), lang.X("dialog.discard_title", "Discard what you typed?"),
			lang.X("dialog.discard_text", "What you typed in this form is lost. To keep it, go back and save it."), func() { d.Hide() }, func() { d.Hide() })
	}
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), leave)
	// The buttons under the body, as confirmDialog's: across the width,
	// side by side where they fit, one above the other on a phone.
	buttons := container.New(&buttonsFit{}, cancel, send)
	page := container.NewVScroll(container.NewVBox(title, have, fitForm(form)))
	body := container.NewBorder(nil, buttons, nil, nil, page)
	d = dialog.NewCustomWithoutButtons(lang.X("stock.report_title", "Report a problem"), body, win)
	d.Resize(dialogSize(win))
	opened = qty.Text + "\x00" + unit.Text + "\x00" + reason.Text
	host.presentForm(d, nil, nil, leave)
	fitDialogHeight(d, win, page)
	if !p.Serialized {
		win.Canvas().Focus(qty)
	}
}

// countFlow is a stock count of one location the technician holds: each
// part the device holds there, with a box for what is on the shelf; a
// scan of a part's label counts one more. The count is kept as a draft
// (Deps.Counts) as it is typed, so a restart or a crash loses none of it;
// Discard asks first. The review says what differs and books the
// shortfalls as losses.
type countFlow struct {
	env   partsEnv
	host  stockHost
	loc   app.Location
	lines []*countRow
	rows  *fyne.Container
	note  *widget.Label
	d     *dialog.CustomDialog
	done  func()
	// saves keeps to one draft write at a time (owned by the UI
	// goroutine); a change while one runs is written after it.
	saves coalescer
	// kept is set once a draft exists in the store (or was asked to).
	kept bool
	// gone is set once the count is discarded or booked: its draft is
	// deleted, by the same one-at-a-time writes, so a write in flight
	// cannot bring it back.
	gone bool
	// picker asks which units of a serialized part are missing, while
	// it is open: a scan then names a unit that is there.
	picker *serialPicker
	// filter finds a part among the rows (matchesPart, as the parts
	// page); the rows it hides keep their counts, and the review and
	// the draft take every row, shown or not.
	filter *scanEntry
	clear  *widget.Button
	// found says how many rows the filter shows, or that none match.
	found  *widget.Label
	scroll *container.Scroll
	// said is the row the scan bar's last counted scan describes: its
	// count typed anew makes that note stale.
	said *countRow
}

// countRow is one part of the count.
type countRow struct {
	part  app.Part
	held  int
	entry *scanEntry
	label *widget.Label
	// obj is the row on screen (rowObject), in the list while the
	// filter shows it.
	obj fyne.CanvasObject
	// named is set when part is the catalog's, not only a scanned code.
	named bool
	// missing are the serials ticked missing at the last review of a
	// serialized part counted short.
	missing []string
}

// counted is what the row's box says: ok false when it is empty (not
// counted) or not a number (bad true).
func (r *countRow) counted() (n int, ok, bad bool) {
	s := strings.TrimSpace(r.entry.Text)
	if s == "" {
		return 0, false, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > app.MaxQty {
		return 0, false, true
	}
	return n, true, false
}

// openCount asks which of the technician's stock locations to count when
// they hold several (a van and their store's shelf, a store's shelves),
// then reads its stock and the count kept of it off the UI goroutine, and
// shows the count. progress is told how far the reading is, "" once it
// ended: a van of a thousand parts takes a while.
func openCount(env partsEnv, host stockHost, done func(), progress func(text string)) {
	host.countOpening()
	env.run(func() {
		locs, err := env.countLocations()
		fyne.Do(func() {
			switch {
			case err != nil:
				if progress != nil {
					progress("")
				}
				host.countOpened()
				host.showError(err)
			case len(locs) == 1:
				loadCount(env, host, locs[0], done, progress)
			default:
				chooseCount(env, host, locs, done, progress)
			}
		})
	})
}

// countLocations are the stock locations a technician may count: each van
// or store shelf on the device that is theirs (app's ownsLocation: their
// own, or their store's), their van first. ENOTFOUND when there is none.
func (e partsEnv) countLocations() ([]app.Location, error) {
	stock, _, err := e.myLocations()
	if err != nil {
		return nil, err
	}
	locs, err := e.parts.Locations(e.ctx)
	if err != nil {
		return nil, err
	}
	out := []app.Location{stock}
	for _, l := range locs {
		mine := l.Owner != "" && (l.Owner == string(e.tech) || e.store != "" && l.Owner == string(e.store))
		if mine && l.ID != stock.ID && (l.Kind == app.LocationVan || l.Kind == app.LocationStore) {
			out = append(out, l)
		}
	}
	return out, nil
}

// chooseCount asks which location to count: one button for each, with
// the count kept of it, if any, said by the count once open.
func chooseCount(env partsEnv, host stockHost, locs []app.Location, done func(), progress func(string)) {
	win := host.window()
	if win == nil {
		return
	}
	var d *dialog.CustomDialog
	box := container.NewVBox(wrapLabel(lang.X("count.choose_text", "You hold stock at more than one place. Count one place at a time: which one now?")))
	for _, l := range locs {
		b := widget.NewButtonWithIcon(l.Name, theme.DocumentCreateIcon(), func() {
			d.Hide()
			loadCount(env, host, l, done, progress)
		})
		b.Alignment = widget.ButtonAlignLeading
		box.Add(b)
	}
	leave := func() {
		d.Hide()
		if progress != nil {
			progress("")
		}
		host.countOpened()
	}
	cancel := widget.NewButton(lang.X("dialog.cancel", "Cancel"), leave)
	body := container.NewBorder(nil, container.New(&buttonsFit{}, cancel), nil, nil, container.NewVScroll(box))
	d = dialog.NewCustomWithoutButtons(lang.X("count.choose_title", "Count which stock?"), body, win)
	d.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.94, 520), 0))
	host.presentForm(d, nil, nil, leave)
}

// countProgressEvery is how many parts a count reads between two reports
// of how far it is: a few reports for a big count, none for a small one.
const countProgressEvery = 50

// loadCount reads loc's stock and the count kept of it off the UI
// goroutine, saying how far it is, then shows the count.
func loadCount(env partsEnv, host stockHost, loc app.Location, done func(), progress func(string)) {
	say := func(text string) {
		if progress != nil {
			progress(text)
		}
	}
	say(lang.X("count.opening_start", "Opening the count of {{.Where}}…", map[string]any{"Where": loc.Name}))
	env.run(func() {
		c, err := env.loadCount(loc, func(n, total int) {
			fyne.Do(func() {
				say(lang.X("count.opening", "Opening the count of {{.Where}}: {{.Done}} of {{.Total}} parts read…", map[string]any{"Where": loc.Name, "Done": countText(n), "Total": countText(total)}))
			})
		})
		fyne.Do(func() {
			say("")
			if err != nil {
				host.countOpened()
				host.showError(err)
				return
			}
			c.host, c.done = host, done
			c.show()
		})
	})
}

// loadCount reads the count of stock: what the device holds there, the
// count kept of it and each part's name; read is told every
// countProgressEvery parts how many it read of how many.
func (e partsEnv) loadCount(stock app.Location, read func(n, total int)) (*countFlow, error) {
	bal, err := e.parts.Balances(e.ctx, stock.ID)
	if err != nil {
		return nil, err
	}
	kept := app.CountDraft{}
	if e.counts != nil {
		if kept, err = e.counts.CountDraft(e.ctx, e.actor, stock.ID); err != nil {
			return nil, err
		}
	}
	held := map[app.PartNumber]int{}
	for _, b := range bal {
		held[b.Part] = b.Qty
	}
	numbers := slices.Sorted(maps.Keys(held))
	for _, n := range slices.Sorted(maps.Keys(kept.Counts)) {
		if _, ok := held[n]; !ok {
			numbers = append(numbers, n)
		}
	}
	c := &countFlow{env: e, loc: stock, kept: len(kept.Counts) > 0}
	for i, n := range numbers {
		if i > 0 && i%countProgressEvery == 0 && read != nil {
			read(i, len(numbers))
		}
		p, err := e.parts.Part(e.ctx, n)
		if app.ErrorCode(err) == app.ENOTFOUND {
			p, err = app.Part{Number: n, NameEN: string(n)}, nil
		}
		if err != nil {
			return nil, err
		}
		// The units ticked missing come back with the count: the review
		// asks again only when they no longer match what is short.
		r := &countRow{part: p, held: held[n], named: true, missing: kept.Missing[n]}
		r.entry = newScanEntry(e.keys)
		if v, ok := kept.Counts[n]; ok {
			r.entry.SetText(strconv.Itoa(v))
		}
		c.lines = append(c.lines, r)
	}
	return c, nil
}

// show opens the count dialog.
func (c *countFlow) show() {
	win := c.host.window()
	if win == nil {
		return
	}
	// The rows at once: added one by one, each Add laid out every row
	// before it again, and a count of a thousand parts took seconds to
	// open with nothing on screen.
	objs := make([]fyne.CanvasObject, len(c.lines))
	for i, r := range c.lines {
		objs[i] = c.rowObject(r)
	}
	c.rows = container.NewVBox(objs...)
	c.filter = newScanEntry(c.env.keys)
	c.filter.SetPlaceHolder(lang.X("count.filter_hint", "Find: part number, name, or scan"))
	c.filter.OnChanged = func(string) { c.applyFilter() }
	// Enter on a part number (or on a filter that shows one part) goes
	// to that part's box, to type its count.
	c.filter.OnSubmitted = func(string) { c.pickShown() }
	c.clear = widget.NewButtonWithIcon(lang.X("count.filter_clear", "Show all"), theme.ContentClearIcon(), func() { c.filter.SetText("") })
	c.clear.Disable()
	c.found = lowLabel("")
	c.found.Hide()
	how := lang.X("count.how", "Type what is on the shelf, or scan each part's label: each scan counts one. A part left empty is not counted.")
	if c.kept {
		how = lang.X("count.resumed", "Your count from before is back; go on where you stopped.") + "\n" + how
	}
	c.note = lowLabel(how)
	where := wrapLabel(lang.X("count.where", "Count of {{.Where}}", map[string]any{"Where": c.loc.Name}))
	where.TextStyle.Bold = true
	discard := widget.NewButtonWithIcon(lang.X("count.discard", "Discard count"), theme.DeleteIcon(), c.discard)
	discard.Importance = widget.DangerImportance
	later := widget.NewButton(lang.X("count.later", "Close, keep count"), c.close)
	review := widget.NewButtonWithIcon(lang.X("count.review", "Review"), theme.ConfirmIcon(), c.review)
	review.Importance = widget.HighImportance
	buttons := container.New(&buttonsFit{}, discard, later, review)
	find := container.NewBorder(nil, nil, nil, c.clear, c.filter)
	c.scroll = container.NewVScroll(c.rows)
	body := container.NewBorder(container.NewVBox(where, c.note, find, c.found), buttons, nil, nil, wheelPage(c.scroll))
	c.d = dialog.NewCustomWithoutButtons(lang.X("count.title", "Count stock"), body, win)
	c.d.SetOnClosed(func() { c.host.counting(nil) })
	c.d.Resize(listDialogSize(win))
	// Escape closes and keeps the count: nothing typed is lost by it.
	c.host.presentForm(c.d, nil, nil, c.close)
	c.host.counting(c)
	// The scans made while it opened count now, in their order.
	var text string
	var failed bool
	for _, m := range c.host.countOpened() {
		if t, f := c.scan(m); t != "" {
			text, failed = t, f
		}
	}
	if text != "" {
		c.host.say(failed, text)
	}
}

// rowObject is a row of the count: the part and what the device holds,
// the box for the count and a button that counts one more.
func (c *countFlow) rowObject(r *countRow) fyne.CanvasObject {
	r.label = wrapped("")
	c.showRow(r)
	r.entry.SetPlaceHolder("—")
	r.entry.OnChanged = func(string) {
		c.showRow(r)
		if !c.gone {
			c.keep()
		}
		// A scan sets the box too, and says the new count after.
		if c.said == r {
			c.said = nil
			c.host.scanUndone("")
		}
	}
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { c.add(r) })
	box := container.New(layout.NewGridWrapLayout(fyne.NewSize(88, r.entry.MinSize().Height)), r.entry)
	r.obj = container.NewBorder(nil, nil, nil, container.NewHBox(box, plus), r.label)
	return r.obj
}

// applyFilter shows the rows the filter matches, all of them when it is
// empty, and says how many, or that none match and what to try. Only
// what is shown changes: the rows hidden keep their boxes, so no count
// typed or scanned is lost or reset by a filter.
func (c *countFlow) applyFilter() {
	q := strings.TrimSpace(c.filter.Text)
	shown := make([]fyne.CanvasObject, 0, len(c.lines))
	var focused fyne.Focusable
	if win := c.host.window(); win != nil {
		focused = win.Canvas().Focused()
	}
	hidFocus := false
	for _, r := range c.lines {
		if q == "" || matchesPart(r.part, q) {
			shown = append(shown, r.obj)
		} else if focused == fyne.Focusable(r.entry) {
			hidFocus = true
		}
	}
	// A box hidden keeps the focus otherwise: digits typed next would
	// change a count the technician cannot see.
	if hidFocus {
		c.host.window().Canvas().Unfocus()
	}
	c.rows.Objects = shown
	switch {
	case q == "":
		c.found.Hide()
		c.clear.Disable()
	case len(shown) == 0:
		c.found.Importance = widget.WarningImportance
		setBreakable(c.found, lang.X("count.nothing", "No part of this count matches \"{{.Query}}\". Try fewer letters, another word, or the number on the part's label; or scan the label: a part not listed is counted all the same.", map[string]any{"Query": clipText(q)}))
		c.found.Show()
		c.clear.Enable()
	default:
		c.found.Importance = widget.LowImportance
		setBreakable(c.found, lang.XN("count.shown", "{{.Count}} of {{.Total}} parts shown. Review takes every part counted, shown or not.", len(shown), map[string]any{"Count": countText(len(shown)), "Total": countText(len(c.lines))}))
		c.found.Show()
		c.clear.Enable()
	}
	// From the top, and not by c.scroll.Refresh: that refreshes every
	// row's widgets too, about a second a keystroke for a count of a
	// thousand parts (BenchmarkFilterBigCount), while only which rows
	// are in the list, and their places, change. The scroll's own
	// renderer takes the list's new height; the list is laid out anew
	// also when its height stays the window's.
	c.scroll.Offset = fyne.Position{}
	c.scroll.Base.Refresh()
	c.rows.Layout.Layout(c.rows.Objects, c.rows.Size())
	canvas.Refresh(c.rows)
}

// reveal brings r's row into view: a filter that hides it gives way to
// its part number, and the list scrolls to it.
func (c *countFlow) reveal(r *countRow) {
	if q := strings.TrimSpace(c.filter.Text); q != "" && !matchesPart(r.part, q) {
		c.filter.SetText(string(r.part.Number))
		// After the number, not where the cursor stood in the text before.
		c.filter.CursorColumn = len([]rune(c.filter.Text))
		c.filter.Refresh()
	} else if !slices.Contains(c.rows.Objects, r.obj) {
		c.applyFilter() // a row just added, for a part scanned
	}
	// The list is laid out anew by applyFilter's Refresh; the row's
	// place in it is where to scroll.
	c.scroll.ScrollToOffset(fyne.NewPos(0, r.obj.Position().Y))
}

// pickShown takes Enter in the filter to the box of the part it names,
// or of the only part it shows, to type its count there.
func (c *countFlow) pickShown() {
	q := strings.TrimSpace(c.filter.Text)
	var only *countRow
	n := 0
	for _, r := range c.lines {
		if strings.EqualFold(string(r.part.Number), q) {
			only, n = r, 1
			break
		}
		if q != "" && matchesPart(r.part, q) {
			only = r
			n++
		}
	}
	if n != 1 {
		return
	}
	c.reveal(only)
	if win := c.host.window(); win != nil {
		win.Canvas().Focus(only.entry)
	}
}

// showRow says what the row holds against what it counts.
func (c *countFlow) showRow(r *countRow) {
	text := partName(r.part) + "\n" + lang.X("count.held", "{{.Number}} · {{.Held}} on the device", map[string]any{"Number": string(r.part.Number), "Held": r.held})
	n, ok, bad := r.counted()
	switch {
	case bad:
		r.label.Importance = widget.DangerImportance
		text += " · " + lang.X("count.not_a_number", "type a number")
	case !ok:
		r.label.Importance = widget.MediumImportance
	case n == r.held:
		r.label.Importance = widget.SuccessImportance
	default:
		r.label.Importance = widget.WarningImportance
	}
	r.label.SetText(text)
}

// add counts one more of r.
func (c *countFlow) add(r *countRow) {
	n, _, _ := r.counted()
	r.entry.SetText(strconv.Itoa(min(n+1, app.MaxQty)))
}

// scan counts one unit of the part a scan names and says what it
// counted, or why it counted nothing (failed). It runs on the UI
// goroutine and reads nothing, so a burst of scans counts each one once,
// in order.
func (c *countFlow) scan(m scanner.Meaning) (text string, failed bool) {
	if c.picker != nil {
		c.said = nil
		return c.picker.scan(m)
	}
	code := scanCode(m)
	i := slices.IndexFunc(c.lines, func(r *countRow) bool { return strings.EqualFold(string(r.part.Number), code) })
	if i < 0 {
		if !app.ValidID(code) {
			return lang.X("count.unreadable", "Scanned “{{.Code}}”: not a part number. Scan the part's own label.", map[string]any{"Code": clipText(code)}), true
		}
		if len(c.lines) >= app.MaxCountParts {
			// A real part number, not held here, and no room for it: the
			// count is full, which is what the technician can act on.
			return lang.X("count.full", "Scanned {{.Part}}: not held at {{.Where}}, and this count already lists {{.Max}} parts, the most one count holds. Review and book this count, then count {{.Part}} in a new one.",
				map[string]any{"Part": clipText(code), "Where": c.loc.Name, "Max": countText(app.MaxCountParts)}), true
		}
		// A part the device does not hold here: counted apart, a surplus
		// for dispatch, named once the catalog answers (nameLater).
		r := &countRow{part: app.Part{Number: app.PartNumber(code), NameEN: code}, entry: newScanEntry(c.env.keys)}
		c.rows.Add(c.rowObject(r))
		c.lines = append(c.lines, r)
		i = len(c.lines) - 1
		c.nameLater(r)
	}
	r := c.lines[i]
	c.add(r)
	c.reveal(r)
	c.said = r
	n, _, _ := r.counted()
	return lang.X("count.scanned", "Scanned {{.Part}}: {{.Counted}} counted, {{.Held}} on the device.", map[string]any{"Part": partWithNumber(r.part), "Counted": n, "Held": r.held}), false
}

// nameLater names a row scanned from a bare part number once the catalog
// answers, off the UI goroutine, so the count itself reads nothing. A
// part the catalog does not know keeps its number; any other failure is
// said at the review, which names every counted part again.
func (c *countFlow) nameLater(r *countRow) {
	if c.env.run == nil || c.env.parts == nil {
		return
	}
	number := r.part.Number
	c.env.run(func() {
		p, err := c.env.parts.Part(c.env.ctx, number)
		if err != nil {
			return
		}
		fyne.Do(func() {
			if r.named {
				return
			}
			r.part, r.named = p, true
			c.showRow(r)
		})
	})
}

// draft is the count as typed: the parts counted, and the units ticked
// missing of those counted (a part emptied keeps no ticks: it is not
// counted).
func (c *countFlow) draft() app.CountDraft {
	out := app.CountDraft{Counts: map[app.PartNumber]int{}, Missing: map[app.PartNumber][]string{}}
	for _, r := range c.lines {
		if n, ok, _ := r.counted(); ok {
			out.Counts[r.part.Number] = n
			if len(r.missing) > 0 {
				out.Missing[r.part.Number] = slices.Clone(r.missing)
			}
		}
	}
	return out
}

// keep writes the count as a draft off the UI goroutine, one write at a
// time: changes made while one runs are written by the next. Once the
// count is gone, the write deletes the draft.
func (c *countFlow) keep() {
	if c.env.counts == nil || !c.saves.start() {
		return
	}
	gone, counts := c.gone, c.draft()
	c.kept = !gone && (c.kept || len(counts.Counts) > 0)
	c.env.run(func() {
		var err error
		if gone {
			err = c.env.counts.DeleteCountDraft(c.env.ctx, c.env.actor, c.loc.ID)
		} else {
			err = c.env.counts.PutCountDraft(c.env.ctx, c.env.actor, c.loc.ID, counts)
		}
		fyne.Do(func() {
			current := c.saves.done()
			if err != nil && gone {
				c.host.showError(err)
			} else if err != nil && c.note != nil {
				c.note.Importance = widget.DangerImportance
				c.note.SetText(lang.X("count.not_kept", "Your count could not be kept on the device: {{.Error}} Finish it now, or note the numbers.", map[string]any{"Error": errorText(err)}))
			}
			if !current {
				c.keep()
			}
		})
	})
}

// typed reports whether anything is counted, or a count was kept before.
func (c *countFlow) typed() bool {
	return c.kept || len(c.draft().Counts) > 0
}

// close closes the count and keeps it.
func (c *countFlow) close() { c.d.Hide() }

// discard asks before throwing the typed count away, then deletes it.
func (c *countFlow) discard() {
	leaveTyped(func(title, message, doLabel, keepLabel string, destructive bool, ok func()) {
		confirmAction(c.host, title, message, doLabel, keepLabel, destructive, ok)
	}, c.typed(), lang.X("count.discard_title", "Discard this count?"),
		lang.X("count.discard_text", "The numbers you typed or scanned are lost, and nothing is booked. To keep them, go back and review the count."),
		c.close, func() {
			c.forget()
			c.close()
		})
}

// forget deletes the kept count.
func (c *countFlow) forget() {
	c.gone = true
	c.keep()
}

// review reads what the device holds now (a sync may have brought a
// delivery since the count opened) and names the parts scanned, then
// says what differs and books the shortfalls when confirmed.
func (c *countFlow) review() {
	var lines []app.CountLine
	for _, r := range c.lines {
		n, ok, bad := r.counted()
		if bad {
			c.host.showError(app.Errorf(app.EINVALID, "stock.count_range", "Count {{.Part}} as a number from 0 to {{.Max}}.", "Part", string(r.part.Number), "Max", app.MaxQty))
			return
		}
		lines = append(lines, app.CountLine{Part: r.part.Number, Counted: n, Done: ok})
	}
	parts := map[app.PartNumber]app.Part{}
	for _, r := range c.lines {
		if r.named {
			parts[r.part.Number] = r.part
		}
	}
	c.env.run(func() {
		held, err := c.env.quantities(c.loc.ID)
		// A part scanned that the device does not hold is named from
		// the catalog here, not while scanning: a count reads nothing.
		for _, l := range lines {
			if err == nil && l.Done {
				err = c.env.namePart(parts, l.Part)
			}
		}
		// The serials at the location of each serialized part counted
		// short: its loss is booked against the units missing.
		units := map[app.PartNumber][]string{}
		for _, r := range c.lines {
			if n, ok, _ := r.counted(); err == nil && ok && r.part.Serialized && n < held[r.part.Number] {
				units[r.part.Number], err = c.env.parts.Units(c.env.ctx, c.loc.ID, r.part.Number)
			}
		}
		fyne.Do(func() {
			if err != nil {
				c.host.showError(err)
				return
			}
			for i, r := range c.lines {
				lines[i].Held = held[r.part.Number]
				if r.held != lines[i].Held {
					r.held = lines[i].Held
					c.showRow(r)
				}
				lines[i].Units = units[r.part.Number]
				// Ticked before, of the units still there.
				lines[i].Missing = slices.DeleteFunc(slices.Clone(r.missing), func(s string) bool { return !slices.Contains(lines[i].Units, s) })
			}
			for i, r := range c.lines {
				if least, most := lines[i].SerialsToTick(); most > 0 && (len(lines[i].Missing) < least || len(lines[i].Missing) > most) {
					c.pickMissing(r, lines[i])
					return
				}
			}
			now := c.env.now()
			reason := lang.X("count.reason", "count on {{.Day}}", map[string]any{"Day": now.In(c.env.zone).Format("2006-01-02")})
			out, err := app.CountStock(c.loc.ID, lines, reason, now)
			if err != nil {
				c.host.showError(err)
				return
			}
			c.confirm(out, lines, parts)
		})
	})
}

// countReview is the review's text: what is booked, what goes to dispatch.
func countReview(out app.CountOutcome, lines []app.CountLine, parts map[app.PartNumber]app.Part) string {
	held := map[app.PartNumber]app.CountLine{}
	for _, l := range lines {
		held[l.Part] = l
	}
	var b strings.Builder
	if len(out.Losses) > 0 {
		b.WriteString(lang.X("count.losses", "Booked as lost, with the count's date as reason:"))
		// One line per part: a serialized part's loss is one movement
		// per unit missing, named by their serials.
		lost := map[app.PartNumber]int{}
		serials := map[app.PartNumber][]string{}
		var order []app.PartNumber
		for _, m := range out.Losses {
			n := m.Movement.Part
			if _, ok := lost[n]; !ok {
				order = append(order, n)
			}
			lost[n] -= m.Movement.Qty
			if m.Movement.Serial != "" {
				serials[n] = append(serials[n], m.Movement.Serial)
			}
		}
		for _, n := range order {
			l := held[n]
			fmt.Fprintf(&b, "\n• %s", lang.XN("count.loss_line", "{{.Part}}: {{.Held}} on the device, {{.Counted}} counted, {{.Lost}} lost.", lost[n],
				map[string]any{"Part": namedPart(parts, l.Part), "Held": countText(l.Held), "Counted": countText(l.Counted), "Lost": countText(lost[n])}))
			if len(serials[n]) > 0 {
				b.WriteString(" " + lang.X("count.loss_serials", "Units: {{.Serials}}.", map[string]any{"Serials": strings.Join(serials[n], ", ")}))
			}
		}
	}
	if len(out.Surplus) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(lang.X("count.surplus", "More than the device holds: a device cannot add stock. Tell dispatch these numbers; they book what turned up:"))
		for _, l := range out.Surplus {
			fmt.Fprintf(&b, "\n• %s", lang.XN("count.surplus_line", "{{.Part}}: {{.Counted}} counted, {{.Held}} on the device, {{.Extra}} more.", l.Counted-max(l.Held, 0),
				map[string]any{"Part": namedPart(parts, l.Part), "Held": countText(l.Held), "Counted": countText(l.Counted), "Extra": countText(l.Counted - max(l.Held, 0))}))
		}
	}
	if b.Len() == 0 {
		b.WriteString(lang.X("count.matches", "Everything you counted matches the device."))
	}
	if out.Uncounted > 0 {
		b.WriteString("\n\n" + lang.XN("count.uncounted", "{{.Count}} parts not counted stay as they are.", out.Uncounted, map[string]any{"Count": countText(out.Uncounted)}))
	}
	return b.String()
}

// confirm shows the review and, confirmed, books the losses one after the
// other; the kept count goes once all are saved. A loss that fails stops
// the rest and keeps the count: the next review books only what the
// device still holds too much of.
func (c *countFlow) confirm(out app.CountOutcome, lines []app.CountLine, parts map[app.PartNumber]app.Part) {
	msg := countReview(out, lines, parts)
	doLabel := lang.X("count.finish", "Finish count")
	destructive := len(out.Losses) > 0
	if destructive {
		// A loss per part, as the review lists them: a serialized part's
		// units missing are one loss.
		n := len(slices.CompactFunc(slices.Clone(out.Losses), func(a, b *app.MoveStock) bool { return a.Movement.Part == b.Movement.Part }))
		doLabel = lang.XN("count.book", "Book {{.Count}} losses", n, map[string]any{"Count": countText(n)})
	}
	confirmAction(c.host, lang.X("count.review_title", "Your count"), msg, doLabel, lang.X("count.back", "Back to counting"), destructive, func() {
		c.close()
		var book func(i int)
		book = func(i int) {
			if i == len(out.Losses) {
				// Only now: a loss that failed, or a kill on the way,
				// leaves the count to review again.
				c.forget()
				if c.done != nil {
					c.done()
				}
				return
			}
			c.host.commit(out.Losses[i], func() { book(i + 1) })
		}
		book(0)
	})
}

// CountInFront returns the stock count in front, for tests: its rows as
// "part held counted" ("-" when not counted).
func (t *Terminal) CountInFront() []string {
	c := t.counterInFront()
	if c == nil {
		return nil
	}
	out := make([]string, len(c.lines))
	for i, r := range c.lines {
		n, ok, _ := r.counted()
		v := "-"
		if ok {
			v = strconv.Itoa(n)
		}
		out[i] = fmt.Sprintf("%s %d %s", r.part.Number, r.held, v)
	}
	return out
}

package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// What the counter's tests reach for: the check-in form's fields, the
// search box's timer and the list's rows.

// CheckInForm is the open check-in form; nil when closed.
func (t *Terminal) CheckInForm() *CheckIn {
	if t.checkIn == nil {
		return nil
	}
	return &CheckIn{f: t.checkIn}
}

// CheckIn lets tests fill and submit the check-in form.
type CheckIn struct{ f *checkInForm }

// Fill sets the form's fields; category is an app.Category or "".
func (c *CheckIn) Fill(category app.Category, customer, phone, brand, model, bought, proof, fault string) {
	c.f.category.ClearSelected()
	for i, k := range c.f.categories {
		if k == category {
			c.f.category.SetSelectedIndex(i)
		}
	}
	c.f.customer.SetText(customer)
	c.f.phone.SetText(phone)
	if brand != "" {
		c.f.brand.SetText(brand)
	}
	c.f.model.SetText(model)
	c.f.bought.SetText(bought)
	c.f.proof.SetText(proof)
	c.f.fault.SetText(fault)
}

// Serial is the serial field's text.
func (c *CheckIn) Serial() string { return c.f.serial.Text }

// Brand is the brand field's text.
func (c *CheckIn) Brand() string { return c.f.brand.Text }

// Fault is the reported fault's text.
func (c *CheckIn) Fault() string { return c.f.fault.Text }

// Problem is the message above the buttons, "" when none shows.
func (c *CheckIn) Problem() string {
	if !c.f.problem.Visible() {
		return ""
	}
	return c.f.problem.Text
}

// FieldProblem is the message under a field ("customer", "category",
// "serial", "bought", "fault", "deposit", "phone"), "" when none shows.
func (c *CheckIn) FieldProblem(field string) string {
	objs := map[string]fyne.CanvasObject{"customer": c.f.customer, "category": c.f.category, "serial": c.f.serial, "bought": c.f.bought, "fault": c.f.fault,
		"deposit": c.f.deposit, "phone": c.f.phone}
	l := c.f.fieldErrs[objs[field]]
	if l == nil || !l.Visible() {
		return ""
	}
	return l.Text
}

// FieldObject is a field ("customer", "category", "serial", "bought",
// "fault", "deposit", "phone") as it lies on the form, and the form's
// scroll.
func (c *CheckIn) FieldObject(field string) (fyne.CanvasObject, *container.Scroll) {
	objs := map[string]fyne.CanvasObject{"customer": c.f.customer, "category": c.f.category, "serial": c.f.serial, "bought": c.f.bought, "fault": c.f.fault,
		"deposit": c.f.deposit, "phone": c.f.phone}
	return objs[field], c.f.scroll
}

// Focused names the form's field that has the focus in w.
func (c *CheckIn) Focused(w fyne.Window) string {
	for name, o := range map[string]fyne.Focusable{"customer": c.f.customer, "serial": c.f.serial, "bought": c.f.bought, "fault": c.f.fault} {
		if w.Canvas().Focused() == o {
			return name
		}
	}
	return ""
}

// Submit taps the form's Check in button.
func (c *CheckIn) Submit() { test.Tap(c.f.submitB) }

// Field returns a field to type into: "customer" or "fault".
func (c *CheckIn) Field(name string) fyne.Focusable {
	if name == "fault" {
		return c.f.fault
	}
	return c.f.customer
}

// AddPhoto queues a condition photo, as the form's photo button does.
func (c *CheckIn) AddPhoto(name string, data []byte) { c.f.addPhoto(name, data) }

// SetCondition ticks the condition boxes and fills the accessories.
func (c *CheckIn) SetCondition(liquid, damage, opened bool, accessories string) {
	c.f.liquid.SetChecked(liquid)
	c.f.damage.SetChecked(damage)
	c.f.opened.SetChecked(opened)
	c.f.kit.SetText(accessories)
}

// Pinned reports whether the Check in button and the message sit in the
// dialog outside the form's scroll.
func (c *CheckIn) Pinned() bool {
	var inScroll func(o fyne.CanvasObject, scrolled bool) bool
	found := false
	inScroll = func(o fyne.CanvasObject, scrolled bool) bool {
		if o == c.f.submitB || o == c.f.problem {
			found = true
			return scrolled
		}
		switch o := o.(type) {
		case *container.Scroll:
			return inScroll(o.Content, true)
		case *fyne.Container:
			for _, x := range o.Objects {
				if inScroll(x, scrolled) {
					return true
				}
			}
		}
		return false
	}
	return !inScroll(c.f.body, false) && found
}

// manualSearches are the searches waiting in terminals whose search
// timer the test steps.
var manualSearches = map[*Terminal]func(){}

// ManualSearch makes the search box's pause a step the test takes with
// FireSearch, so that no timer outlives the test.
func (t *Terminal) ManualSearch() {
	t.after = func(_ time.Duration, f func()) func() bool {
		manualSearches[t] = f
		return func() bool {
			_, was := manualSearches[t]
			delete(manualSearches, t)
			return was
		}
	}
}

// FireSearch runs the search waiting for the typing to pause, and reports
// whether one waited.
func (t *Terminal) FireSearch() bool {
	f, ok := manualSearches[t]
	delete(manualSearches, t)
	if ok {
		f()
	}
	return ok
}

// Rows is what the list's rows say: a heading's text, or a ticket's
// three lines joined by " | ".
func (l *TicketList) Rows() []string {
	out := make([]string, len(l.rows))
	for i, r := range l.rows {
		o := newTicketRowObject()
		if r.ticket < 0 {
			showHeading(o, r.heading)
			out[i] = o.(*fyne.Container).Objects[0].(*widget.Label).Text
			continue
		}
		l.showTicket(o, l.tickets[r.ticket])
		title, sub, where, marked, mark := rowLabels(o)
		out[i] = title.Text + " | " + sub.Text + " | " + where.Text
		if marked.Visible() {
			out[i] += " | " + mark.Text
		}
	}
	return out
}

// SelectedID is the selected ticket, "" when none is.
func (l *TicketList) SelectedID() app.TicketID { return l.selected }

// Query is what the list searches for, "" for its view.
func (l *TicketList) Query() string { return l.search }

// ShellTabs are the terminal's pages.
func (t *Terminal) ShellTabs() *container.AppTabs { return t.tabs }

// Category is the form's product drop-down.
func (c *CheckIn) Category() fyne.Tappable { return c.f.category }

// ViewSelect is the list's drop-down of views.
func (l *TicketList) ViewSelect() fyne.Tappable { return l.views }

// Search is the search box.
func (t *Terminal) Search() fyne.Focusable { return t.search }

// List is the ticket list.
func (t *Terminal) List() *TicketList { return t.list }

// Detail is the detail pane.
func (t *Terminal) Detail() *TicketDetailView { return t.detail }

// SearchText is the search box's text.
func (t *Terminal) SearchText() string { return t.search.Text }

// ScanStatus is the scan bar's text.
func (t *Terminal) ScanStatus() string { return t.scanStatus.Text }

// Compact reports whether the terminal shows the phone arrangement.
func (t *Terminal) Compact() bool { return t.compact }

// Tickets returns what the list shows, in its order.
func (l *TicketList) Tickets() []app.TicketRow { return l.tickets }

// Select selects the i-th ticket as a tap would.
func (l *TicketList) Select(i int) {
	for r, row := range l.rows {
		if row.ticket == i {
			l.list.Select(r)
			return
		}
	}
}

// Focusable is the list widget, which takes keys once tapped.
func (l *TicketList) Focusable() fyne.Focusable { return l.list }

// LiquidBox is the form's "Liquid damage" tick box, and whether it is
// ticked.
func (c *CheckIn) LiquidBox() (fyne.Tappable, bool) { return c.f.liquid, c.f.liquid.Checked }

// Status is the line under the list: its count, or why it is empty.
func (l *TicketList) Status() string { return l.status.Text }

// DismissStatus taps the note's close button.
func (t *Terminal) DismissStatus() { test.Tap(t.scanClose) }

// ScanClose is the note's close button.
func (t *Terminal) ScanClose() fyne.CanvasObject { return t.scanClose }

package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// contactRecorder records the commands the terminal saves and saves them.
type contactRecorder struct {
	app.Committer
	cmds []app.Command
}

func (r *contactRecorder) Commit(ctx context.Context, actor app.Actor, cmd app.Command) (app.Mutation, error) {
	r.cmds = append(r.cmds, cmd)
	return r.Committer.Commit(ctx, actor, cmd)
}

// The contact dialog's fields, by their placeholders.
const (
	phoneHint   = "The number to call the customer on"
	addressHint = "Street, building, floor and flat"
)

// contactTerminal is a terminal over a demo store whose saves rec
// records, and one of the technician's open on-site tickets with a phone
// and an address.
func contactTerminal(t *testing.T) (*ui.Terminal, fyne.Window, ui.Deps, *contactRecorder, app.Ticket, *store.DB) {
	t.Helper()
	deps, _, db := openDemoStore(t, time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local))
	rec := &contactRecorder{Committer: deps.Commit}
	deps.Commit = rec
	term, w := openTerminal(t, deps)
	tk, ok := techTicket(t, deps, func(x app.Ticket) bool {
		return x.Kind == app.KindOnSite && x.Status.Open() && x.Customer.Phone != "" && x.Customer.Address != ""
	})
	if !ok {
		t.Fatal("the technician has no open on-site ticket with a phone and an address")
	}
	return term, w, deps, rec, tk, db
}

// deref is *p, "<nil>" for nil.
func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// techTicket is the first of the technician's tickets that ok takes.
func techTicket(t *testing.T, deps ui.Deps, ok func(app.Ticket) bool) (app.Ticket, bool) {
	t.Helper()
	all, _, err := deps.Tickets.FindTickets(t.Context(), app.TicketFilter{Technician: deps.Technician, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		if ok(x) {
			return x, true
		}
	}
	return app.Ticket{}, false
}

// openContact opens ticket id and its contact dialog, and returns the
// dialog.
func openContact(t *testing.T, term *ui.Terminal, w fyne.Window, id app.TicketID) fyne.CanvasObject {
	t.Helper()
	term.Detail().Show(id)
	tapButton(t, term.Detail().Object(), "Edit")
	d := w.Canvas().Overlays().Top()
	if d == nil || !strings.Contains(labels(d), "Customer's phone and address") {
		t.Fatal("Edit opened no contact dialog")
	}
	return d
}

// TestContactEditSavesWhatChangedWithBase: the dialog opens with the
// customer's phone and address; a new phone saves one ticket.update that
// sets the phone alone, with the phone shown as base, queued to send; the
// ticket's facts show the new number at once.
func TestContactEditSavesWhatChangedWithBase(t *testing.T) {
	term, w, deps, rec, tk, db := contactTerminal(t)
	d := openContact(t, term, w, tk.ID)
	if got := fieldText(t, d, phoneHint); got != tk.Customer.Phone {
		t.Errorf("phone field opened with %q, want %q", got, tk.Customer.Phone)
	}
	if got := fieldText(t, d, addressHint); got != tk.Customer.Address {
		t.Errorf("address field opened with %q, want %q", got, tk.Customer.Address)
	}
	const phone = "+86 139 2222 3333"
	typeInto(t, d, phoneHint, "  "+phone+" ")
	tapButton(t, d, "Save")
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("Save left %d overlays open:\n%s", n, labels(w.Canvas().Overlays().Top()))
	}
	if len(rec.cmds) != 1 {
		t.Fatalf("saved %d commands, want 1: %#v", len(rec.cmds), rec.cmds)
	}
	u, ok := rec.cmds[0].(*app.UpdateTicket)
	if !ok {
		t.Fatalf("saved %T, want *app.UpdateTicket", rec.cmds[0])
	}
	if u.Ticket != tk.ID || deref(u.Set.CustomerPhone) != phone || deref(u.Base.CustomerPhone) != tk.Customer.Phone {
		t.Errorf("saved ticket %s phone %q base %q, want %s %q base %q", u.Ticket, deref(u.Set.CustomerPhone), deref(u.Base.CustomerPhone), tk.ID, phone, tk.Customer.Phone)
	}
	if u.Set.CustomerAddress != nil || u.Base.CustomerAddress != nil {
		t.Errorf("the untouched address was sent: set %v, base %v", u.Set.CustomerAddress, u.Base.CustomerAddress)
	}
	u.Set.CustomerPhone = nil
	if u.Set != (app.TicketFields{}) {
		t.Errorf("the update sets more than the phone: %+v", u.Set)
	}
	if got := ticketNow(t, deps, tk.ID).Ticket.Customer.Phone; got != phone {
		t.Errorf("the store holds phone %q, want %q", got, phone)
	}
	if shown := labels(term.Detail().Object()); !strings.Contains(shown, phone) || strings.Contains(shown, tk.Customer.Phone) {
		t.Errorf("the ticket's facts do not show the new phone %q only:\n%s", phone, shown)
	}
	// Offline as every save: in the outbox, to send with the next sync.
	if pending, err := db.Pending(t.Context(), 10); err != nil || len(pending) != 1 || pending[0].Name != "ticket.update" {
		t.Errorf("the outbox holds %v (%v), want the ticket.update", pending, err)
	}

	// Both changed: one update with both, each with its own base.
	rec.cmds = nil
	d = openContact(t, term, w, tk.ID)
	typeInto(t, d, phoneHint, "139 4444 5555")
	typeInto(t, d, addressHint, "Flat 2303, 8 Century Avenue")
	tapButton(t, d, "Save")
	if len(rec.cmds) != 1 {
		t.Fatalf("saved %d commands, want 1", len(rec.cmds))
	}
	u = rec.cmds[0].(*app.UpdateTicket)
	if deref(u.Base.CustomerPhone) != phone || deref(u.Base.CustomerAddress) != tk.Customer.Address ||
		deref(u.Set.CustomerPhone) != "139 4444 5555" || deref(u.Set.CustomerAddress) != "Flat 2303, 8 Century Avenue" {
		t.Errorf("saved phone %q address %q, bases %q %q; want both fields with the values shown as base",
			deref(u.Set.CustomerPhone), deref(u.Set.CustomerAddress), deref(u.Base.CustomerPhone), deref(u.Base.CustomerAddress))
	}

	// Nothing changed: Save closes and saves nothing.
	rec.cmds = nil
	d = openContact(t, term, w, tk.ID)
	tapButton(t, d, "Save")
	if len(rec.cmds) != 0 || len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("Save with nothing changed: %d commands, %d overlays", len(rec.cmds), len(w.Canvas().Overlays().List()))
	}
}

// TestContactRefusesWhatAppRefuses: a text that is no phone number, or an
// emptied address on a visit, is refused under its field; the dialog
// stays open with the typing, and nothing is saved.
func TestContactRefusesWhatAppRefuses(t *testing.T) {
	term, w, deps, rec, tk, _ := contactTerminal(t)
	for _, c := range []struct {
		name, hint, text, says string
	}{
		{"NotAPhone", phoneHint, "call the neighbour", "is not a phone number"},
		{"TooFewDigits", phoneHint, "139", "is not a phone number"},
		{"EmptyPhone", phoneHint, "", "Type the customer's phone number"},
		{"EmptyAddressOnAVisit", addressHint, "   ", "A visit needs the customer's address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := openContact(t, term, w, tk.ID)
			typeInto(t, d, c.hint, c.text)
			tapButton(t, d, "Save")
			if top := w.Canvas().Overlays().Top(); top != d {
				t.Fatalf("the dialog closed on %q", c.text)
			}
			if shown := labels(d); !strings.Contains(shown, c.says) {
				t.Errorf("%q: the dialog does not say %q:\n%s", c.text, c.says, shown)
			}
			if got := fieldText(t, d, c.hint); got != c.text {
				t.Errorf("the typing went: %q, want %q", got, c.text)
			}
			if len(rec.cmds) != 0 {
				t.Errorf("saved %#v", rec.cmds)
			}
			if got := ticketNow(t, deps, tk.ID).Ticket.Customer; got.Phone != tk.Customer.Phone || got.Address != tk.Customer.Address {
				t.Errorf("the ticket changed: %+v", got)
			}
			press(w, fyne.KeyEscape)
			tapButton(t, w.Canvas().Overlays().Top(), "Discard")
			if n := len(w.Canvas().Overlays().List()); n != 0 {
				t.Fatalf("Discard left %d overlays", n)
			}
		})
	}
}

// TestContactAsksBeforeDiscarding: Escape or Cancel with something typed
// asks, as the check-in does; Keep editing keeps the typing, Discard
// saves nothing. Untouched, the dialog closes at once.
func TestContactAsksBeforeDiscarding(t *testing.T) {
	term, w, deps, rec, tk, _ := contactTerminal(t)
	openContact(t, term, w, tk.ID)
	press(w, fyne.KeyEscape)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("Escape on the untouched dialog left %d overlays", n)
	}
	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"Escape", func() { press(w, fyne.KeyEscape) }},
		{"Cancel", func() { tapButton(t, w.Canvas().Overlays().Top(), "Cancel") }},
	} {
		t.Run(leave.name, func(t *testing.T) {
			d := openContact(t, term, w, tk.ID)
			typeInto(t, d, addressHint, "Flat 2303")
			leave.do()
			ask := w.Canvas().Overlays().Top()
			if ask == d || !strings.Contains(labels(ask), "Discard this change?") {
				t.Fatalf("%s with typing asked nothing:\n%s", leave.name, labels(ask))
			}
			tapButton(t, ask, "Keep editing")
			if top := w.Canvas().Overlays().Top(); top != d || fieldText(t, d, addressHint) != "Flat 2303" {
				t.Fatal("Keep editing did not go back to the typing")
			}
			leave.do()
			tapButton(t, w.Canvas().Overlays().Top(), "Discard")
			if n := len(w.Canvas().Overlays().List()); n != 0 || len(rec.cmds) != 0 {
				t.Fatalf("Discard: %d overlays, %d commands saved", n, len(rec.cmds))
			}
			if got := ticketNow(t, deps, tk.ID).Ticket.Customer.Address; got != tk.Customer.Address {
				t.Errorf("address %q after Discard, want %q", got, tk.Customer.Address)
			}
		})
	}
}

// TestContactNotOfferedWhereItCannotSave: no Edit on a closed or
// cancelled ticket, on a ticket of someone else's, or on a read-only
// terminal; an open ticket of the technician's has it.
func TestContactNotOfferedWhereItCannotSave(t *testing.T) {
	term, _, deps, _, open, _ := contactTerminal(t)
	edit := func(term *ui.Terminal, id app.TicketID) bool {
		term.Detail().Show(id)
		return findButton(term.Detail().Object(), "Edit") != nil
	}
	if !edit(term, open.ID) {
		t.Fatalf("no Edit on open ticket %s", open.Number)
	}
	for _, s := range []app.Status{app.StatusClosed, app.StatusCancelled} {
		tk, ok := techTicket(t, deps, func(x app.Ticket) bool { return x.Status == s })
		if !ok {
			t.Fatalf("the demo technician has no %s ticket", s)
		}
		if edit(term, tk.ID) {
			t.Errorf("Edit offered on %s ticket %s", s, tk.Number)
		}
	}
	// Someone else's terminal sees the ticket (a colleague's store's), but
	// does not work on it.
	other := deps
	other.Actor = app.Actor{Role: app.RoleTechnician, Technician: "tech-someone-else", Name: "Someone Else"}
	theirs, _ := openTerminal(t, other)
	if edit(theirs, open.ID) {
		t.Errorf("Edit offered on %s, another technician's ticket", open.Number)
	}
	readOnly := deps
	readOnly.Commit = nil
	ro, _ := openTerminal(t, readOnly)
	if edit(ro, open.ID) {
		t.Error("Edit offered on a read-only terminal")
	}
}

// TestContactConflictWithDispatch, two-sided on a real central service:
// the technician corrects the phone offline while dispatch changes it
// too; the sync keeps the technician's and shows both on the sync page
// in words (the field named, not "customer_phone"); taking dispatch's
// puts theirs on the ticket.
func TestContactConflictWithDispatch(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	const mine, theirs = "+86 139 2222 3333", "+86 137 0000 1111"
	tk := phoneConflict(t, sw, mine, theirs)
	if got := ticketNow(t, sw.deps, tk.ID).Ticket.Customer.Phone; got != mine {
		t.Errorf("after the sync the ticket holds %q, want the technician's %q (the later arrival)", got, mine)
	}
	page := sw.openPage(t)
	shown := labels(page)
	for _, want := range []string{tk.Number, "Both you and dispatch changed the customer's phone", "Phone", mine, theirs, "Keep mine", "Take theirs"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the sync page lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, app.FieldCustomerPhone) {
		t.Errorf("the sync page names the field by its wire name %q:\n%s", app.FieldCustomerPhone, shown)
	}
	tapButton(t, page, "Take theirs")
	if s := sw.term.ScanStatus(); !strings.Contains(s, "Decision sent") {
		t.Errorf("note after deciding: %q", s)
	}
	sw.syncOnce(t)
	if s := sw.term.SyncText(); strings.Contains(s, "conflict") {
		t.Errorf("sync line after deciding: %q", s)
	}
	// The note said the next sync brings the result; once it has, the
	// note goes (it stayed for good, under "All synced").
	if s := sw.term.ScanStatus(); s != "" {
		t.Errorf("note after the sync that brought the result: %q", s)
	}
	if got := ticketNow(t, sw.deps, tk.ID).Ticket.Customer.Phone; got != theirs {
		t.Errorf("after taking theirs the ticket holds %q, want %q", got, theirs)
	}
}

// TestContactConflictFollowsOfflineEdit: after a sync brought the
// conflict over the phone, the technician corrects the phone again
// before the next sync. The sync page shows the new number as theirs
// ("Yours") at once, as the service will once the edit arrives, not the
// one it replaced; "Keep mine" then keeps the new number.
func TestContactConflictFollowsOfflineEdit(t *testing.T) {
	sw := newSyncWorld(t, nil, nil)
	const mine, theirs, again = "+86 139 2222 3333", "+86 137 0000 1111", "+86 135 4444 5555"
	tk := phoneConflict(t, sw, mine, theirs)
	// Offline now: the second correction waits in the outbox.
	d := openContact(t, sw.term, sw.w, tk.ID)
	typeInto(t, d, phoneHint, again)
	tapButton(t, d, "Save")
	page := sw.openPage(t)
	shown := labels(page)
	// The unsent change names what it edits ("Edit of the ticket" alone
	// did not say, in the list of changes not sent yet).
	for _, want := range []string{"Both you and dispatch changed the customer's phone", again, theirs, "Keep mine", "Edit of the ticket: Phone"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the sync page lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, mine) {
		t.Errorf("the sync page still shows the replaced %q as yours:\n%s", mine, shown)
	}
	tapButton(t, page, "Keep mine")
	sw.syncOnce(t)
	if got := ticketNow(t, sw.deps, tk.ID).Ticket.Customer.Phone; got != again {
		t.Errorf("after keeping mine the ticket holds %q, want the latest %q", got, again)
	}
}

// phoneConflict makes the conflict the phone tests decide: on one of sw's
// assigned tickets with a phone, the technician saves mine in the contact
// editor offline, dispatch, who saw the old number, sets theirs before
// the device syncs, and the sync after counts one conflict. It returns
// the ticket as it was before.
func phoneConflict(t *testing.T, sw *syncWorld, mine, theirs string) app.Ticket {
	t.Helper()
	tk := assignedWithPhone(t, sw)
	d := openContact(t, sw.term, sw.w, tk.ID)
	typeInto(t, d, phoneHint, mine)
	tapButton(t, d, "Save")
	seen, dispatchPhone := tk.Customer.Phone, theirs
	sw.dispatch(t, &app.UpdateTicket{Ticket: tk.ID, Set: app.TicketFields{CustomerPhone: &dispatchPhone}, Base: app.TicketFields{CustomerPhone: &seen}})
	sw.syncOnce(t)
	if s := sw.term.SyncText(); !strings.Contains(s, "1 conflict needs a decision") {
		t.Fatalf("sync line after both changed the phone: %q", s)
	}
	return tk
}

// assignedWithPhone is one of sw's first assigned tickets whose customer
// has a phone, for the tests that edit it on both sides.
func assignedWithPhone(t *testing.T, sw *syncWorld) app.Ticket {
	t.Helper()
	for _, x := range sw.assigned(t, 10) {
		if x.Customer.Phone != "" {
			return x
		}
	}
	t.Fatal("no assigned ticket with a phone")
	return app.Ticket{}
}

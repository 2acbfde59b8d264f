package ui_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// rowOf is the list's row of ticket number, "" when it lists none.
func rowOf(term *ui.Terminal, number string) string {
	i := slices.IndexFunc(term.List().Rows(), func(r string) bool { return strings.HasPrefix(r, number+" · ") })
	if i < 0 {
		return ""
	}
	return term.List().Rows()[i]
}

// TestListMarksTicketsWithDrafts: a ticket that holds a draft of the
// technician's (typing not saved) says "Draft" on its row in the list,
// at a tablet's and a phone's size, as soon as the draft is written;
// a ticket without one says nothing; a terminal started again on the
// same store marks it from its first list; saving what was typed takes
// the mark away. A technician back after lunch saw no row telling where
// they had left typing.
func TestListMarksTicketsWithDrafts(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 720, Height: 1280}} {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			term, w, ds, deps, db := draftTerminal(t)
			w.Resize(size)
			a, b := assignedTicket(t, ds, app.KindOnSite, 0), assignedTicket(t, ds, app.KindOnSite, 1)
			// b is another of today's visits: the demo's route goes on
			// the next working day past today's last window.
			for i := 2; rowOf(term, b.Number) == ""; i++ {
				b = assignedTicket(t, ds, app.KindOnSite, i)
			}
			if row := rowOf(term, a.Number); row == "" || strings.HasSuffix(row, " | Draft") {
				t.Fatalf("before any typing, %s's row reads %q", a.Number, row)
			}
			term.List().SetQuery(a.Number)
			term.List().Select(0)
			typeInto(t, term.Detail().Object(), diagnosisHint, "Display board failed")
			term.FirePaneTimers() // the pause in typing: the draft is written
			if compact := size.Width < 760; compact {
				tapButton(t, term.Object(), "Tickets") // back to the list
			}
			term.List().SetView(app.ViewToday)
			if row := rowOf(term, a.Number); !strings.HasSuffix(row, " | Draft") {
				t.Errorf("%s holds a draft and its row reads %q", a.Number, row)
			}
			if row := rowOf(term, b.Number); row == "" || strings.HasSuffix(row, " | Draft") {
				t.Errorf("%s holds no draft and its row reads %q", b.Number, row)
			}
			// On screen, not only in the row's text: the list draws it.
			if !visible(term.List().Object(), "Draft") {
				t.Errorf("no row on screen says Draft:\n%s", visibleText(term.List().Object()))
			}

			// A restart: the first list marks it.
			again, w2 := openTerminal(t, deps)
			w2.Resize(size)
			if row := rowOf(again, a.Number); !strings.HasSuffix(row, " | Draft") {
				t.Errorf("after a restart %s's row reads %q", a.Number, row)
			}

			// The diagnosis saved: the draft goes, and the mark with it.
			again.List().SetQuery(a.Number)
			again.List().Select(0)
			tapButton(t, again.Detail().Object(), "Save diagnosis")
			if got := storedDrafts(t, db, deps.Actor, a.ID); len(got) != 0 {
				t.Fatalf("the diagnosis saved left drafts: %+v", got)
			}
			again.List().SetView(app.ViewToday)
			if row := rowOf(again, a.Number); row == "" || strings.HasSuffix(row, " | Draft") {
				t.Errorf("the diagnosis saved, %s's row reads %q", a.Number, row)
			}
		})
	}
}

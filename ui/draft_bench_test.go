package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// BenchmarkDiagnosisKeystroke: a key typed into the diagnosis of an open
// ticket and taken back, without drafts and with them (the draft noted
// in memory and its pause's timer started again; the write waits for
// the pause, which never comes here).
func BenchmarkDiagnosisKeystroke(b *testing.B) {
	for _, drafts := range []bool{false, true} {
		name := map[bool]string{false: "without_drafts", true: "with_drafts"}[drafts]
		b.Run(name, func(b *testing.B) {
			term, _, _ := benchTerminalWith(b, func(d *ui.Deps, db *store.DB) {
				d.Commit, d.Actor = store.NewCommitter(db), app.Actor{Role: app.RoleTechnician, Technician: d.Technician}
				if drafts {
					d.Drafts = db
				}
			})
			term.ManualPaneTimers()
			term.List().SetView(app.ViewToday)
			term.List().Select(0)
			var entry fyne.Focusable
			walk(term.Detail().Object(), func(c fyne.CanvasObject) {
				if e := entryOf(c); e != nil && entry == nil && strings.Contains(e.PlaceHolder, diagnosisHint) {
					entry = c.(fyne.Focusable)
				}
			})
			if entry == nil {
				b.Fatal("no diagnosis field on the first ticket of today")
			}
			entry.TypedRune('x') // a draft from the start
			b.ReportAllocs()
			for b.Loop() {
				entry.TypedRune('a')
				entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			}
		})
	}
}

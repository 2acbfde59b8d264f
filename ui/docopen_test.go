package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store"
	"github.com/fieldbench/fieldbench/ui"
)

// TestOpenSaysWhenNoViewerOpensTheReport: walk3's walk tapped "Open" on a
// service report on a computer with no PDF viewer: xdg-open failed ("no
// method available"), the dialog closed and nothing happened. The
// terminal's opener (ui.OpenInViewer, as main wires it) runs xdg-open, here
// a script on PATH that answers as xdg-open does, and says where the
// report was saved when it failed, with "Save as…" at hand; a viewer that
// opens brings no message.
func TestOpenSaysWhenNoViewerOpensTheReport(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		fails  bool
	}{
		{"no viewer", "echo \"xdg-open: no method available for opening '$1'\" >&2\nexit 3\n", true},
		{"a viewer", "exit 0\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte("#!/bin/sh\n"+tc.script), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			term, w, deps, ds := docsTerminalEdit(t, func(d *ui.Deps, _ *store.DB) { d.OpenFile = ui.OpenInViewer })
			var tk app.Ticket
			for _, d := range ds.Tickets {
				if d.Ticket.Kind == app.KindOnSite {
					tk = d.Ticket
					break
				}
			}
			term.Detail().Show(tk.ID)
			tapButton(t, term.Object(), "Service report")
			tapButton(t, w.Canvas().Overlays().Top(), "Open")
			path := filepath.Join(deps.DataDir, "reports", tk.Number+"-service-report.pdf")
			if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
			top := w.Canvas().Overlays().Top()
			if !tc.fails {
				if top != nil {
					t.Fatalf("a dialog is left after the viewer opened:\n%s", labels(top))
				}
				return
			}
			if top == nil {
				t.Fatal("Open failed and nothing says so")
			}
			shown := labels(top)
			for _, want := range []string{"Cannot open the document", "No app on this device opens PDF files", path, "Save as…"} {
				if !strings.Contains(shown, want) {
					t.Errorf("the message lacks %q:\n%s", want, shown)
				}
			}
			// The message says to use "Save as…": it is there, not only
			// on the dialog that closed.
			dir := t.TempDir()
			fyne.CurrentApp().Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
			tapButton(t, top, "Save as…")
			tapButton(t, front(w), "Save") // Fyne's file dialog
			if b, err := os.ReadFile(filepath.Join(dir, tk.Number+"-service-report.pdf")); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Fatalf("Save as… from the message saved no report in %s: %v", dir, err)
			}
		})
	}
}

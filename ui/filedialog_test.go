package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
)

// openReportSaveAs opens the file-save dialog as a technician does,
// "Save as…" on a service report of the demo technician's, and returns
// the window and the dialog.
func openReportSaveAs(t *testing.T) (fyne.Window, fyne.CanvasObject) {
	t.Helper()
	term, w, _, ds := docsTerminal(t)
	var tk app.Ticket
	for _, d := range ds.Tickets {
		if d.Ticket.Technician == demo.DemoTechnician {
			tk = d.Ticket
			break
		}
	}
	term.Detail().Show(tk.ID)
	tapButton(t, term.Object(), lang.X("doc.report", "Service report"))
	tapButton(t, w.Canvas().Overlays().Top(), lang.X("doc.save_as", "Save as…"))
	return w, w.Canvas().Overlays().Top()
}

// TestFileSaveDialogSpeaksTheScreensLanguage opens Fyne's own file-save
// dialog as a technician does, "Save as…" on a service report, in French
// and Chinese, and reads it: its title, buttons, file name's hint and
// places are the app's words, and so is the question Fyne asks before it
// replaces a file there, whose Replace is red. Fyne said "Enregistrer
// Fichier", "Home", "Computer", "Overwrite?" with Yes and No, and in
// Chinese 好 and 不.
func TestFileSaveDialogSpeaksTheScreensLanguage(t *testing.T) {
	for _, tc := range []struct {
		code string
		want []string // besides the texts of file.* keys checked below
	}{
		{"fr", []string{"Enregistrer le fichier", "Enregistrer", "Annuler", "Dossier personnel", "Ordinateur"}},
		{"zh", []string{"保存文件", "保存", "取消", "主文件夹", "计算机"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			inLanguage(t, tc.code)
			home := t.TempDir()
			t.Setenv("HOME", home)
			w, fd := openReportSaveAs(t)
			shown := labels(fd) + buttonTexts(fd)
			var name *widget.Entry
			walk(fd, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok {
					name = e
				}
			})
			if name == nil {
				t.Fatalf("no file name in the dialog:\n%s", shown)
			}
			shown += name.PlaceHolder + "\n"
			for _, want := range append(tc.want, lang.X("Enter filename", "File name")) {
				if !strings.Contains(shown, want) {
					t.Errorf("the file dialog does not say %q:\n%s", want, shown)
				}
			}
			for _, fyne := range []string{"Home", "Computer", "Save File", "Enregistrer Fichier", "保存 文件", "Enter filename", "Entrez un nom de fichier", "输入文件名"} {
				if strings.Contains(shown, fyne) {
					t.Errorf("the file dialog says Fyne's %q:\n%s", fyne, shown)
				}
			}

			// The places' list is as wide as their names: Fyne sized it
			// for its template row, which cut "Dossier personnel".
			walk(fd, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && l.Text == tc.want[3] && l.Size().Width < l.MinSize().Width {
					t.Errorf("%q is cut: %v wide, needs %v", l.Text, l.Size().Width, l.MinSize().Width)
				}
			})
			shoot(t, w, "file-save-"+tc.code+"-1280x800")
			w.Resize(fyne.NewSize(720, 1280))
			shoot(t, w, "file-save-"+tc.code+"-720x1280")

			// The report's name is taken in this folder: Save asks first.
			if err := os.WriteFile(filepath.Join(home, name.Text), []byte("%PDF-"), 0o600); err != nil {
				t.Fatal(err)
			}
			tapButton(t, fd, lang.X("Save", "Save"))
			q := w.Canvas().Overlays().Top()
			asked := labels(q) + buttonTexts(q)
			for _, want := range []string{lang.X("file.replace_title", "Replace the file?"), name.Text, lang.X("file.keep", "Keep it")} {
				if !strings.Contains(asked, want) {
					t.Errorf("the question before replacing does not say %q:\n%s", want, asked)
				}
			}
			shoot(t, w, "file-replace-"+tc.code+"-720x1280")
			replace := button(q, lang.X("file.replace", "Replace"))
			if replace == nil || replace.Importance != widget.DangerImportance {
				t.Fatalf("the question's Replace is %v, want a red button:\n%s", replace, asked)
			}
			test.Tap(replace)
			if b, err := os.ReadFile(filepath.Join(home, name.Text)); err != nil || len(b) < 100 {
				t.Errorf("Replace did not write the report over the file: %d bytes, %v", len(b), err)
			}
		})
	}
}

// TestFileDialogNewFolderErrorInTheScreensLanguage: the file dialog's
// new folder form, given a name no folder can have, says so in the
// screens' words and what to do: Fyne said "Folder cannot be created" in
// English whatever the language, under its translated "Error".
func TestFileDialogNewFolderErrorInTheScreensLanguage(t *testing.T) {
	for _, code := range []string{"en", "zh"} {
		t.Run(code, func(t *testing.T) {
			inLanguage(t, code)
			t.Setenv("HOME", t.TempDir())
			w, fd := openReportSaveAs(t)
			var newFolder *widget.Button
			walk(fd, func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.FolderNewIcon().Name() {
					newFolder = b
				}
			})
			if newFolder == nil {
				t.Fatal("the file dialog has no new folder button")
			}
			test.Tap(newFolder)
			form := w.Canvas().Overlays().Top()
			var name *widget.Entry
			walk(form, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok {
					name = e
				}
			})
			if form == fd || name == nil {
				t.Fatalf("the new folder button opened no form with a name:\n%s", labels(form))
			}
			name.SetText("no\x00folder") // a name no file system takes
			tapButton(t, form, lang.L("Create Folder"))
			q := w.Canvas().Overlays().Top()
			said := labels(q)
			shoot(t, w, "file-new-folder-error-"+code+"-1280x800")
			if want := lang.X("file.folder_not_made", "The folder could not be made here. Choose another name, or a folder you can write in."); !strings.Contains(said, want) {
				t.Errorf("the error after the new folder failed does not say %q:\n%s", want, said)
			}
			if strings.Contains(said, "Folder cannot be created") {
				t.Errorf("the error after the new folder failed says Fyne's English:\n%s", said)
			}
		})
	}
}

package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's file dialog reads its buttons, its file name's hint and its menu
// of folders' words through its lang, which the translation files give in
// the app's words (assets.AddTranslations registers them after Fyne's, so
// they win). A few of its words it never looks up [2.7.1]: its title
// (the button's word and "File" joined by a space, "Enregistrer Fichier"),
// the places on its left ("Home", "Computer", dialog/file.go loadFavorites
// and file_unix.go getPlaces), and the question it asks before replacing
// a file ("Overwrite?", file.go makeOpenButton), nor the error after its
// new folder form could not make the folder ("Folder cannot be created",
// file.go makeUI, an error dialog's text). newFileSave and newFileOpen set
// the title, and showFileDialog puts the screens' words in the places,
// the question and the error once the dialog is up.

// newFileSave is dialog.NewFileSave titled in the screens' language.
func newFileSave(callback func(fyne.URIWriteCloser, error), win fyne.Window) *dialog.FileDialog {
	d := dialog.NewFileSave(callback, win)
	d.SetTitleText(lang.X("file.save_title", "Save the file"))
	return d
}

// newFileOpen is dialog.NewFileOpen titled in the screens' language.
func newFileOpen(callback func(fyne.URIReadCloser, error), win fyne.Window) *dialog.FileDialog {
	d := dialog.NewFileOpen(callback, win)
	d.SetTitleText(lang.X("file.open_title", "Open a file"))
	return d
}

// showFileDialog shows d over win with the places and the question before
// replacing a file in the screens' language. On a phone, where the
// system's own file picker replaces Fyne's dialog, there is nothing to do.
func showFileDialog(d *dialog.FileDialog, win fyne.Window) {
	if win == nil {
		d.Show()
		return
	}
	before := win.Canvas().Overlays().Top()
	d.Show()
	top := win.Canvas().Overlays().Top()
	if top == nil || top == before {
		return
	}
	var places *widget.List
	var split *container.Split
	var confirm, newFolder *widget.Button
	var name *widget.Entry
	eachObject(top, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *container.Split:
			if l, ok := o.Leading.(*widget.List); ok {
				places, split = l, o
			}
		case *widget.Button:
			if o.Text == lang.L("Save") {
				confirm = o
			}
			if o.Text == "" && o.Icon != nil && o.Icon.Name() == theme.FolderNewIcon().Name() {
				newFolder = o
			}
		case *widget.Entry:
			name = o
		}
	})
	if places != nil && places.UpdateItem != nil && places.CreateItem != nil && places.Length != nil {
		localizePlaces(places)
		split.Refresh() // as wide as its places' names now need
	}
	if confirm != nil && name != nil && confirm.OnTapped != nil {
		tapped := confirm.OnTapped
		confirm.OnTapped = func() {
			before := win.Canvas().Overlays().Top()
			tapped()
			if q := win.Canvas().Overlays().Top(); q != nil && q != before {
				replaceQuestion(q, name.Text)
			}
		}
	}
	if newFolder != nil && newFolder.OnTapped != nil {
		tapped := newFolder.OnTapped
		newFolder.OnTapped = func() {
			tapped()
			if form := win.Canvas().Overlays().Top(); form != top {
				folderError(form, win, top)
			}
		}
	}
}

// folderError makes the new folder form's Create button say, in the
// screens' words, why a folder could not be made: Fyne shows its error
// "Folder cannot be created" over the file dialog (fd). Any other
// dialog after it, or none, is left alone.
func folderError(form fyne.CanvasObject, win fyne.Window, fd fyne.CanvasObject) {
	eachObject(form, func(o fyne.CanvasObject) {
		b, ok := o.(*widget.Button)
		if !ok || b.Text != lang.L("Create Folder") || b.OnTapped == nil {
			return
		}
		create := b.OnTapped
		b.OnTapped = func() {
			create()
			q := win.Canvas().Overlays().Top()
			if q == fd || q == form {
				return
			}
			said := false
			eachObject(q, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && l.Text == "Folder cannot be created" {
					l.SetText(lang.X("file.folder_not_made", "The folder could not be made here. Choose another name, or a folder you can write in."))
					said = true
				}
			})
			// Fyne sized the dialog for its three words: the sentence
			// gets a width to wrap in, as confirmAction's do.
			if p, ok := q.(*widget.PopUp); ok && said {
				p.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.94, 480), 0))
			}
		}
	})
}

// localizePlaces makes the file dialog's list of places name them with
// placeName, and as wide as the widest name: Fyne sizes the list by its
// template row ("Template Object"), which cut "Dossier personnel".
func localizePlaces(places *widget.List) {
	create, update := places.CreateItem, places.UpdateItem
	label := func(item fyne.CanvasObject) (found *widget.Label) {
		eachObject(item, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && found == nil {
				found = l
			}
		})
		return found
	}
	widest := ""
	for id := range places.Length() {
		item := create()
		update(id, item)
		if l := label(item); l != nil {
			if s := placeName(l.Text); fyne.MeasureText(s, 1, fyne.TextStyle{}).Width > fyne.MeasureText(widest, 1, fyne.TextStyle{}).Width {
				widest = s
			}
		}
	}
	places.CreateItem = func() fyne.CanvasObject {
		item := create()
		if l := label(item); l != nil && widest != "" {
			l.SetText(widest)
		}
		return item
	}
	places.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		update(id, item)
		if l := label(item); l != nil {
			if s := placeName(l.Text); s != l.Text {
				l.SetText(s)
			}
		}
	}
	places.Refresh()
}

// placeName is a place of Fyne's file dialog named in the screens'
// language; any other text as it is.
func placeName(s string) string {
	switch s {
	case "Home":
		return lang.X("file.place_home", "Home folder")
	case "App Files":
		return lang.X("file.place_app_files", "App files")
	case "Computer":
		return lang.X("file.place_computer", "Computer")
	case "Desktop":
		return lang.X("file.place_desktop", "Desktop")
	case "Documents":
		return lang.X("file.place_documents", "Documents")
	case "Downloads":
		return lang.X("file.place_downloads", "Downloads")
	case "Music":
		return lang.X("file.place_music", "Music")
	case "Pictures":
		return lang.X("file.place_pictures", "Pictures")
	case "Videos", "Movies":
		return lang.X("file.place_videos", "Videos")
	}
	return s
}

// replaceQuestion puts the screens' words in the dialog Fyne's file
// dialog shows when the name typed is taken [2.7.1, file.go
// makeOpenButton]: by a file, "Overwrite?" with Yes and No, which becomes
// Replace, red as what loses data is, and Keep it; by a folder, "Cannot
// overwrite". Any other dialog is left alone.
func replaceQuestion(q fyne.CanvasObject, name string) {
	var words map[string]string
	var yes *widget.Button
	eachObject(q, func(o fyne.CanvasObject) {
		l, ok := o.(*widget.Label)
		if !ok {
			return
		}
		switch {
		case l.Text == "Overwrite?":
			words = map[string]string{
				"Overwrite?":  lang.X("file.replace_title", "Replace the file?"),
				lang.L("Yes"): lang.X("file.replace", "Replace"),
				lang.L("No"):  lang.X("file.keep", "Keep it"),
			}
		case l.Text == "Cannot overwrite":
			words = map[string]string{"Cannot overwrite": lang.X("file.folder_named", "A folder has this name")}
		}
	})
	if words == nil {
		return
	}
	eachObject(q, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			switch {
			case strings.HasPrefix(o.Text, "Are you sure you want to overwrite the file"):
				o.SetText(lang.X("file.replace_text", "{{.Name}} is already in this folder. Replacing it loses what it holds now.", map[string]any{"Name": name}))
			case strings.HasPrefix(o.Text, "Files cannot replace a directory"):
				o.SetText(lang.X("file.folder_named_text", "{{.Name}} is a folder in this folder. Type another file name.", map[string]any{"Name": name}))
			case words[o.Text] != "":
				o.SetText(words[o.Text])
			}
		case *widget.Button:
			if s := words[o.Text]; s != "" {
				if o.Text == lang.L("Yes") {
					yes = o
				}
				o.SetText(s)
			}
		}
	})
	if yes != nil {
		yes.Importance = widget.DangerImportance
		yes.Refresh()
	}
}

// eachObject calls f on o and everything it holds: a container's
// objects, a pop-up's content, a split's two sides and a scroll's
// content, which is how Fyne's dialogs are built [2.7.1].
func eachObject(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			eachObject(c, f)
		}
	case *widget.PopUp:
		eachObject(o.Content, f)
	case *container.Split:
		eachObject(o.Leading, f)
		eachObject(o.Trailing, f)
	case *container.Scroll:
		eachObject(o.Content, f)
	}
}

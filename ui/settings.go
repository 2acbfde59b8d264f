package ui

import (
	"io/fs"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
)

// LanguagePreference is the app preference holding the chosen language
// ("" for the system's); main reads it at start.
const LanguagePreference = "language"

// KeepOriginalsPreference is the app preference that keeps, beside each
// photo attached (shrunk, without location), the file as it was taken.
// Off by default: an original holds the photo's location and costs
// storage, and only the shrunk photo is ever uploaded.
const KeepOriginalsPreference = "keep_original_photos"

// keepOriginals reads KeepOriginalsPreference.
func keepOriginals() bool {
	a := fyne.CurrentApp()
	return a != nil && a.Preferences().Bool(KeepOriginalsPreference)
}

// Languages the terminal offers, by code, with their own names.
var Languages = []struct{ Code, Name string }{
	{"", ""}, // the system's; named at run time
	{"en", "English"},
	{"zh", "简体中文"},
	{"fr", "Français"},
	{"es", "Español"},
	{"pt", "Português"},
}

// settingsPage shows the language, the server, the storage used, and
// signing out.
type settingsPage struct {
	t       *Terminal
	storage *widget.Label
	root    fyne.CanvasObject
}

func newSettingsPage(t *Terminal) *settingsPage {
	s := &settingsPage{t: t}
	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	names[0] = lang.X("settings.language_system", "As the system")
	language := widget.NewSelect(names, nil)
	current := ""
	if a := fyne.CurrentApp(); a != nil {
		current = a.Preferences().String(LanguagePreference)
	}
	for i, l := range Languages {
		if l.Code == current {
			language.SetSelectedIndex(i)
		}
	}
	note := lowLabel("")
	note.Hide()
	language.OnChanged = func(string) {
		i := language.SelectedIndex()
		if i < 0 {
			return
		}
		fyne.CurrentApp().Preferences().SetString(LanguagePreference, Languages[i].Code)
		note.SetText(lang.X("settings.language_restart", "The new language shows when the app starts again."))
		note.Show()
	}
	originals := widget.NewCheck(lang.X("settings.keep_originals", "Keep the original of each photo on this device"), func(on bool) {
		if a := fyne.CurrentApp(); a != nil {
			a.Preferences().SetBool(KeepOriginalsPreference, on)
		}
	})
	originals.SetChecked(keepOriginals())
	s.storage = widget.NewLabel("")
	server := t.deps.Server
	if server == "" {
		server = lang.X("settings.no_server", "Not paired with a server")
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.X("settings.language", "Language"), container.NewVBox(language, note)),
		widget.NewFormItem(lang.X("settings.server", "Server"), wrapLabel(server)),
		widget.NewFormItem(lang.X("settings.technician", "Technician"), wrapLabel(t.deps.Actor.Name)),
		widget.NewFormItem(lang.X("settings.storage", "Storage used"), s.storage),
		widget.NewFormItem(lang.X("settings.photos", "Photos"), container.NewVBox(originals,
			lowLabel(lang.X("settings.keep_originals_hint", "Photos are sent shrunk to {{.Pixels}} pixels, without their location. An original stays on this device only, until you sign out.", map[string]any{"Pixels": app.PhotoMaxSide})))),
	)
	box := container.NewVBox(form)
	if t.deps.SignOut != nil {
		out := widget.NewButton(lang.X("settings.sign_out", "Sign out of this device"), s.signOut)
		out.Importance = widget.DangerImportance
		box.Add(container.NewHBox(out))
		box.Add(lowLabel(lang.X("settings.sign_out_hint", "Signing out erases this device's copy of your tickets. Work not yet sent is lost, so sync first.")))
	}
	s.root = container.NewVScroll(container.NewPadded(box))
	return s
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// load measures the data folder.
func (s *settingsPage) load() {
	t := s.t
	if t.deps.DataDir == "" {
		s.storage.SetText("—")
		return
	}
	s.storage.SetText(lang.X("parts.loading", "Loading…"))
	t.deps.Run(func() {
		var total int64
		err := filepath.WalkDir(t.deps.DataDir, func(_ string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // a file removed meanwhile
			}
			if info, err := d.Info(); err == nil && !d.IsDir() {
				total += info.Size()
			}
			return nil
		})
		fyne.Do(func() {
			if err != nil {
				s.storage.SetText(errorText(err))
				return
			}
			s.storage.SetText(lang.X("settings.storage_value", "{{.Size}} in {{.Path}}", map[string]any{"Size": sizeText(total), "Path": t.deps.DataDir}))
		})
	})
}

// signOut erases the device's data, after one confirmation, or two when
// unsent work would be lost.
func (s *settingsPage) signOut() {
	t := s.t
	if t.win == nil {
		return
	}
	pending := 0
	if t.deps.Sync != nil {
		pending = t.deps.Sync.SyncStatus().Pending
	}
	doIt := func() {
		t.deps.Run(func() {
			err := t.deps.SignOut(t.ctx)
			fyne.Do(func() {
				if err != nil {
					t.showError(err)
				}
			})
		})
	}
	title := lang.X("settings.sign_out", "Sign out of this device")
	keep := lang.X("settings.stay_signed_in", "Stay signed in")
	if pending == 0 {
		confirmAction(t.win, title, lang.X("settings.sign_out_confirm", "All your work has been sent. Erase this device's copy and sign out?"),
			lang.X("settings.sign_out_do", "Sign out"), keep, true, doIt)
		return
	}
	first := lang.XN("settings.sign_out_unsent", "{{.Count}} changes have not been sent and will be lost. Sync first. Sign out anyway?", pending, map[string]any{"Count": pending})
	confirmAction(t.win, title, first, lang.X("settings.sign_out_do", "Sign out"), keep, true, func() {
		second := lang.XN("settings.sign_out_really", "Really erase {{.Count}} unsent changes? This cannot be undone.", pending, map[string]any{"Count": pending})
		confirmAction(t.win, title, second, lang.X("settings.erase", "Erase and sign out"), keep, true, doIt)
	})
}

// ShowSettings opens the settings page.
func (t *Terminal) ShowSettings() {
	for _, ti := range t.tabs.Items {
		if ti.Content == t.settings.root {
			t.tabs.Select(ti)
		}
	}
}

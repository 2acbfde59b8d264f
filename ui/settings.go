package ui

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets"
	"github.com/fieldbench/fieldbench/internal/langenv"
)

// LanguagePreference is the app preference holding the chosen language
// ("" for the system's); SetLanguage reads it at start.
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

// KnownLanguage reports whether code is one of Languages ("" is the
// system's).
func KnownLanguage(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// LanguageCode is the code of Languages that serves a BCP 47 tag as
// people and the translation files write it ("zh-Hans", "zh_CN", "pt-BR",
// "EN"): its primary language; ok is false for a language the terminal
// does not speak.
func LanguageCode(tag string) (code string, ok bool) {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	primary = strings.ToLower(primary)
	if primary == "" && strings.TrimSpace(tag) != "" {
		return "", false
	}
	return primary, KnownLanguage(primary)
}

// languageInEffect is the code of the language the screens show ("" for
// the system's): what SetLanguage or a restart applied, not what the
// preference holds since.
var languageInEffect string

// Language is the code of the language the screens show (en, zh, fr, es,
// pt): the one SetLanguage or the first-run screen applied, else the
// system's when the app speaks it, else English. The demo writes its
// world in it.
func Language() string {
	// What the screens show is what Fyne's lang reads from the
	// environment, which useLanguage sets: read as they read it.
	if code, ok := LanguageCode(lang.SystemLocale().LanguageString()); ok && code != "" {
		return code
	}
	return "en"
}

// SetLanguage applies the language policy before the first screen: code
// (the -lang flag) if given, else the language chosen in the settings,
// else the system's (English for a C locale, see internal/langenv).
func SetLanguage(a fyne.App, code string) error {
	if code == "" {
		code = a.Preferences().String(LanguagePreference)
	}
	return useLanguage(code)
}

// useLanguage makes code the screens' language. Fyne's lang reads the
// environment again when translations are added, so they are added again
// (which announces "pt" as Brazil's, pt_BR); screens built before keep
// their words until rebuilt.
func useLanguage(code string) error {
	langenv.Use(code)
	languageInEffect = code
	if err := assets.AddTranslations(); err != nil {
		return app.Errorf(app.EINTERNAL, "settings.translations", "Cannot load the translations. Reinstall the app.").WithCause(err)
	}
	return nil
}

// languageSelect lists Languages by their own names, the language in
// effect selected.
func languageSelect(keys *wedgeKeys) *scanSelect {
	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	names[0] = lang.X("settings.language_system", "As the system")
	sel := newScanSelect(keys, names, nil)
	for i, l := range Languages {
		if l.Code == languageInEffect {
			sel.SetSelectedIndex(i)
		}
	}
	return sel
}

// settingsHost is what the settings page needs of the terminal.
type settingsHost interface {
	dialogTracker
	showError(err error)
	// showSyncPage opens the sync page: newcomers look for "Work
	// offline" and "Sync now" in the settings.
	showSyncPage()
}

// window is the terminal's window, nil before Attach.
func (t *Terminal) window() fyne.Window { return t.win }

// settingsPage shows the language, the server, the storage used, and
// signing out.
type settingsPage struct {
	ctx     context.Context
	deps    Deps
	host    settingsHost
	storage *widget.Label
	root    fyne.CanvasObject
	// rebuild builds the terminal again in the language chosen; nil when
	// the terminal was not built by Start (tests), which hides "Restart now".
	rebuild func()
	chosen  string // the language chosen, to apply on restart
}

func newSettingsPage(ctx context.Context, deps Deps, host settingsHost, keys *wedgeKeys) *settingsPage {
	s := &settingsPage{ctx: ctx, deps: deps, host: host, chosen: languageInEffect}
	language := languageSelect(keys)
	note := lowLabel(lang.X("settings.language_restart", "The new language shows when the app starts again."))
	restart := widget.NewButton(lang.X("settings.restart_now", "Restart now"), s.restart)
	restart.Importance = widget.HighImportance
	restart.Hide()
	changed := container.NewVBox(note, container.NewHBox(restart))
	changed.Hide()
	language.OnChanged = func(string) {
		i := language.SelectedIndex()
		if i < 0 {
			return
		}
		s.chosen = Languages[i].Code
		if a := fyne.CurrentApp(); a != nil {
			a.Preferences().SetString(LanguagePreference, s.chosen)
		}
		if s.rebuild != nil {
			restart.Show()
		}
		if s.chosen == languageInEffect {
			changed.Hide()
		} else {
			changed.Show()
		}
	}
	originals := newScanCheck(keys, lang.X("settings.keep_originals", "Keep the original of each photo on this device"))
	originals.OnChanged = func(on bool) {
		if a := fyne.CurrentApp(); a != nil {
			a.Preferences().SetBool(KeepOriginalsPreference, on)
		}
	}
	originals.SetChecked(keepOriginals())
	s.storage = wrapLabel("")
	server := deps.Server
	if server == "" {
		server = lang.X("settings.no_server", "Not paired with a server")
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.X("settings.language", "Language"), container.NewVBox(language, changed)),
		widget.NewFormItem(lang.X("settings.server", "Server"), wrapLabel(server)),
		widget.NewFormItem(lang.X("settings.technician", "Technician"), mixedScriptText(deps.Actor.Name)),
		widget.NewFormItem(lang.X("settings.storage", "Storage used"), s.storage),
		widget.NewFormItem(lang.X("settings.photos", "Photos"), container.NewVBox(wrappedCheck(originals, &originals.Check),
			lowLabel(lang.X("settings.keep_originals_hint", "Photos are sent shrunk to {{.Pixels}} pixels, without their location. An original stays on this device only, until you sign out.", map[string]any{"Pixels": app.PhotoMaxSide})))),
	)
	if deps.Sync != nil {
		open := widget.NewButton(lang.X("settings.open_sync", "Open the sync page"), host.showSyncPage)
		form.Append(lang.X("settings.sync", "Sync"), container.NewVBox(container.NewHBox(open),
			lowLabel(lang.X("settings.sync_hint", "Sync now, work offline, and see what is waiting to be sent."))))
	}
	box := container.NewVBox(fitForm(form))
	if deps.SignOut != nil {
		out := widget.NewButton(lang.X("settings.sign_out", "Sign out of this device"), s.signOut)
		out.Importance = widget.DangerImportance
		box.Add(container.NewHBox(out))
		box.Add(lowLabel(lang.X("settings.sign_out_hint", "Signing out erases this device's copy of your tickets. Work not yet sent is lost, so sync first.")))
	}
	s.root = wheelPage(container.NewVScroll(container.NewPadded(box)))
	return s
}

// restart shows the screens again in the language chosen, on the same
// data: nothing is closed, no work is lost.
func (s *settingsPage) restart() {
	if s.rebuild == nil {
		return
	}
	if err := useLanguage(s.chosen); err != nil {
		s.host.showError(err)
		return
	}
	s.rebuild()
}

// mixedScriptText shows a name such as "王磊 Wang Lei" as one run of text
// per script. Fyne draws a line that mixes Chinese with Latin letters in
// an image as tall as the Latin font's line but on the Chinese font's
// taller baseline, which cuts the descenders ("g" of Wang): each run on
// its own is drawn whole.
func mixedScriptText(s string) *widget.RichText {
	var segs []widget.RichTextSegment
	for _, run := range scriptRuns(s) {
		segs = append(segs, &widget.TextSegment{Text: run, Style: widget.RichTextStyleInline})
	}
	return widget.NewRichText(segs...)
}

// scriptRuns splits s where it changes between Han characters and the
// rest; a space belongs to the run before it.
func scriptRuns(s string) []string {
	var runs []string
	start, han := 0, false
	for i, r := range s {
		h := unicode.Is(unicode.Han, r)
		if i > start && h != han && !unicode.IsSpace(r) {
			runs = append(runs, s[start:i])
			start = i
		}
		if !unicode.IsSpace(r) {
			han = h
		}
	}
	if start < len(s) {
		runs = append(runs, s[start:])
	}
	return runs
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(breakable(s))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// load measures the data folder.
func (s *settingsPage) load() {
	if s.deps.DataDir == "" {
		s.storage.SetText("—")
		return
	}
	s.storage.SetText(lang.X("parts.loading", "Loading…"))
	s.deps.Run(func() {
		var total int64
		err := filepath.WalkDir(s.deps.DataDir, func(_ string, d fs.DirEntry, err error) error {
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
			s.storage.SetText(lang.X("settings.storage_value", "{{.Size}} in {{.Path}}", map[string]any{"Size": sizeText(total), "Path": s.deps.DataDir}))
		})
	})
}

// signOut erases the device's data, after one confirmation when all
// work is settled; unsent changes and conflicts still awaiting a decision
// (what the technician changed in them is on this device only) each get
// their own confirmation, then a last one.
func (s *settingsPage) signOut() {
	if s.host.window() == nil {
		return
	}
	var st app.SyncStatus
	if s.deps.Sync != nil {
		st = s.deps.Sync.SyncStatus()
	}
	doIt := func() {
		s.deps.Run(func() {
			err := s.deps.SignOut(s.ctx)
			fyne.Do(func() {
				if err != nil {
					s.host.showError(err)
				}
			})
		})
	}
	title := lang.X("settings.sign_out", "Sign out of this device")
	keep := lang.X("settings.stay_signed_in", "Stay signed in")
	var steps []string
	if st.Pending > 0 {
		steps = append(steps, lang.XN("settings.sign_out_unsent", "{{.Count}} changes have not been sent and will be lost. Sync first. Sign out anyway?", st.Pending, map[string]any{"Count": countText(st.Pending)}))
	}
	if st.Conflicts > 0 {
		steps = append(steps, lang.XN("settings.sign_out_conflicts", "{{.Count}} conflicts still await your decision: what you changed in them is lost. Decide them on the sync page first. Sign out anyway?", st.Conflicts, map[string]any{"Count": countText(st.Conflicts)}))
	}
	switch {
	case len(steps) == 0:
		confirmAction(s.host, title, lang.X("settings.sign_out_confirm", "All your work has been sent. Erase this device's copy and sign out?"),
			lang.X("settings.sign_out_do", "Sign out"), keep, true, doIt)
		return
	case st.Pending > 0:
		steps = append(steps, lang.XN("settings.sign_out_really", "Really erase {{.Count}} unsent changes? This cannot be undone.", st.Pending, map[string]any{"Count": countText(st.Pending)}))
	default:
		steps = append(steps, lang.XN("settings.sign_out_really_conflicts", "Really drop {{.Count}} undecided conflicts? This cannot be undone.", st.Conflicts, map[string]any{"Count": countText(st.Conflicts)}))
	}
	var ask func(i int)
	ask = func(i int) {
		if i == len(steps)-1 {
			confirmAction(s.host, title, steps[i], lang.X("settings.erase", "Erase and sign out"), keep, true, doIt)
			return
		}
		confirmAction(s.host, title, steps[i], lang.X("settings.sign_out_do", "Sign out"), keep, true, func() { ask(i + 1) })
	}
	ask(0)
}

// ShowSettings opens the settings page.
func (t *Terminal) ShowSettings() {
	t.tabs.Select(t.settingsTab)
}

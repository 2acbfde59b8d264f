package translations

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"text/template"
)

//go:embed *.json
var files embed.FS

// Fallback is the language used for a language not translated, and for a
// key missing in a translated one.
const Fallback = "en"

// Languages lists the translated languages by their file names without
// ".json" ("en", "es", "fr", "pt", "zh-Hans"), sorted.
func Languages() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// File returns the raw translation file of a language (one of Languages).
func File(language string) ([]byte, error) {
	return files.ReadFile(language + ".json")
}

// Match returns the translated language that serves a BCP 47 tag best:
// "zh", "zh-CN", "zh-Hans-CN" and "zh-SG" are Simplified Chinese,
// "pt-BR" is "pt", "fr-CA" is "fr"; anything else is Fallback.
func Match(tag string) string {
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if tag == "" {
		return Fallback
	}
	for _, l := range Languages() {
		if strings.EqualFold(tag, l) {
			return l
		}
	}
	primary, _, _ := strings.Cut(tag, "-")
	primary = strings.ToLower(primary)
	if primary == "zh" {
		// The only Chinese translated: a reader of Traditional characters
		// reads it more easily than English.
		return "zh-Hans"
	}
	for _, l := range Languages() {
		if l == primary {
			return l
		}
	}
	return Fallback
}

// Locale is the locale to announce for a translated language where the
// words of one country are meant: Fieldbench's Portuguese is Brazil's
// (chamado, estoque, Salvar), so "pt" is "pt_BR". Fyne has its own words
// (its file dialog's title and buttons) in both Portugal's and Brazil's
// Portuguese and, told "pt", picks Portugal's ("Gravar Ficheiro") beside
// Brazilian screens. Any other language is itself.
func Locale(language string) string {
	if language == "pt" {
		return "pt_BR"
	}
	return language
}

// Announced is the locale to announce for a language as a user's
// environment names it ("pt", "pt_PT", "de_DE"): Locale of the translated
// language that serves it where that is one country's ("pt_BR" for every
// Portuguese, so that plain "pt" finds the words registered once as
// pt_BR), else the language as it is.
func Announced(language string) string {
	if served := Match(language); Locale(served) != served {
		return Locale(served)
	}
	return language
}

// message is one key's text, or its plural forms.
type message struct {
	text   string
	plural map[string]string
}

func (m *message) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &m.text)
	}
	return json.Unmarshal(b, &m.plural)
}

// Catalog is one language's texts. The zero value is not usable; get one
// from For.
type Catalog struct {
	lang     string
	msgs     map[string]message
	fallback *Catalog // nil for the fallback language itself
	// parsed holds the templates of this catalog's texts parsed once, by
	// key and plural form (tmplKey -> *template.Template; nil for a text
	// that does not parse, shown as it is): a console page renders dozens
	// and parsing was most of the cost. Bounded by the catalog's texts; a
	// caller's fallback (which may hold what a user typed) is never kept.
	parsed sync.Map
}

// tmplKey names one text of a catalog: its key and, for a text with
// plural forms, the form ("" for a text without).
type tmplKey struct{ key, form string }

var (
	catalogsOnce sync.Once
	catalogs     map[string]*Catalog
	catalogsErr  error
)

func load() {
	catalogs = map[string]*Catalog{}
	for _, l := range Languages() {
		data, err := File(l)
		if err != nil {
			catalogsErr = err
			return
		}
		c := &Catalog{lang: l}
		if err := json.Unmarshal(data, &c.msgs); err != nil {
			catalogsErr = fmt.Errorf("translations: %s.json: %w", l, err)
			return
		}
		catalogs[l] = c
	}
	for l, c := range catalogs {
		if l != Fallback {
			c.fallback = catalogs[Fallback]
		}
	}
}

// Check reports whether every translation file parses; the files are
// embedded, so an error here is a build defect, caught by tests.
func Check() error {
	catalogsOnce.Do(load)
	return catalogsErr
}

// For returns the catalog of the language Match picks for tag.
func For(tag string) *Catalog {
	catalogsOnce.Do(load)
	if c, ok := catalogs[Match(tag)]; ok {
		return c
	}
	if c, ok := catalogs[Fallback]; ok {
		return c
	}
	return &Catalog{lang: Fallback}
}

// Lang is the catalog's language, one of Languages.
func (c *Catalog) Lang() string { return c.lang }

// Has reports whether the catalog (not its fallback) translates key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Text returns key's text filled with data (a map or struct, may be nil).
// A key the language lacks takes the fallback language's text, then
// fallback itself, so a missing word shows in English rather than as a key.
func (c *Catalog) Text(key, fallback string, data any) string {
	return c.render(key, fallback, -1, data)
}

// Plural is Text for a text with plural forms, chosen by count, which is
// also given to the template as Count unless data names it.
func (c *Catalog) Plural(key, fallback string, count int, data map[string]any) string {
	d := map[string]any{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return c.render(key, fallback, count, d)
}

func (c *Catalog) render(key, fallback string, count int, data any) string {
	text, from, form, ok := c.lookup(key, count)
	if !ok {
		text = fallback
	}
	if !strings.Contains(text, "{{") {
		return text
	}
	var tmpl *template.Template
	if ok {
		tmpl = from.template(tmplKey{key, form}, text)
	} else {
		tmpl = parse(key, text)
	}
	if tmpl == nil {
		return text
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		return text
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

// template is text, c's text of k, parsed: once per catalog and key and
// form, whichever goroutines ask (a text/template may be executed by
// several at once). Two first calls at once may both parse; one result
// is kept, and either is the same template.
func (c *Catalog) template(k tmplKey, text string) *template.Template {
	if t, ok := c.parsed.Load(k); ok {
		return t.(*template.Template)
	}
	t, _ := c.parsed.LoadOrStore(k, parse(k.key, text))
	return t.(*template.Template)
}

// parse is text as a template, nil when it does not parse.
func parse(name, text string) *template.Template {
	tmpl, err := template.New(name).Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil
	}
	return tmpl
}

// lookup finds key's text for count: in c, else in its fallback; it
// returns the catalog that holds it and the plural form taken ("" for a
// text without plural forms).
func (c *Catalog) lookup(key string, count int) (text string, from *Catalog, form string, ok bool) {
	for cat := c; cat != nil; cat = cat.fallback {
		m, ok := cat.msgs[key]
		if !ok {
			continue
		}
		if m.plural == nil {
			return m.text, cat, "", true
		}
		f := pluralForm(cat.lang, count)
		if s, ok := m.plural[f]; ok {
			return s, cat, f, true
		}
		if s, ok := m.plural["other"]; ok {
			return s, cat, "other", true
		}
	}
	return "", nil, "", false
}

// pluralForm is the CLDR cardinal category of an integer count in the five
// languages: Chinese has one form; English and Spanish use "one" for 1;
// French and Portuguese (as written in Brazil, where most of its readers
// are) use it for 0 and 1.
func pluralForm(language string, n int) string {
	switch language {
	case "zh-Hans":
		return "other"
	case "fr", "pt":
		if n == 0 || n == 1 {
			return "one"
		}
	default:
		if n == 1 {
			return "one"
		}
	}
	return "other"
}

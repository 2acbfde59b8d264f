package console

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/assets/translations"
	"github.com/fieldbench/fieldbench/report"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageTemplate is a page's template set: layout.html with the page's file.
type pageTemplate struct{ t *template.Template }

// loadPages parses every templates/<page>.html with layout.html. The
// functions are placeholders here; render binds them to the session.
func (c *Console) loadPages() (map[string]*pageTemplate, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(c.funcs(nil, translations.For(translations.Fallback))).
			ParseFS(templateFiles, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", page, err)
		}
		pages[page] = &pageTemplate{t: t}
	}
	return pages, nil
}

// funcs are the templates' functions for one session (s may be nil: the
// sign-in and error pages without one):
//
//	{{T "console.x" "English"}}, {{T "console.x" "Hello {{.Name}}" .}}  translate
//	{{plural "console.x" "{{.Count}} tickets" .N}}, with more values: (dict "Shown" .S)
//	                      a count's words, in the form its number takes in the language
//	                      (translations.Catalog.Plural; the English is the "other" form)
//	{{csrf}}              the hidden CSRF input every POST form carries, masked afresh (maskCSRF)
//	{{may "dispatch"}}    whether the session's role has a permission
//	{{date .At}}, {{datetime .At}}, {{clock .At}}   a time in the tenant's zone, the day one
//	                      piece (shownDay); {{datetimeText .At}} the same as text, for a T's data
//	{{TH "key" "Visit: {{.}}" .Window}}  T whose one value is HTML (shownWindow's), the rest escaped
//	{{zone}}              the name of that zone, "UTC" without a session
//	{{typedDay .From}}    a day in the tenant's zone as the language types it, for a date field
//	{{dayExample}}        a day as the language types it, the example above a date field (exampleDay)
//	{{money .Total}}      an app.Money as the session's language writes it
//	{{static "console.css"}}  a static file's URL, with its content hash
//	{{dict "Name" .X "N" 3}}  a map, the data of a T with several values
//	{{aside .Name .ID}}   a text with an aside in the language's parentheses (aside)
//	{{mutedAside .Countdown .Due}}  the same with the aside in grey (mutedAside)
//
// Times are shown in the session's tenant's zone (Session.Zone, read with
// the session), and the layout names it, so nobody guesses. Days are
// written as the page's language writes them (translations.Date and
// DateTime: "8 Dec 2026 14:30", "8 déc. 2026 14:30", "2026年12月8日
// 14:30"), the rule the terminal's screens and the printed documents
// follow, so a dispatcher reads a day as the technician and the customer
// do; times on the 24-hour clock. Machine values stay ISO: the
// datetime attributes of <time>, URLs, CSV, JSON.
func (c *Console) funcs(s *Session, cat *translations.Catalog) template.FuncMap {
	loc := s.loc()
	in := func(t time.Time) time.Time { return t.In(loc) }
	counted := map[pluralKey]string{}
	return template.FuncMap{
		"T": func(key, english string, data ...any) string {
			var d any
			if len(data) > 0 {
				d = data[0]
			}
			return cat.Text(key, english, d)
		},
		"TH": func(key, english string, value template.HTML) template.HTML {
			return textHTML(cat, key, english, value)
		},
		"plural": func(key, english string, count int, data ...map[string]any) string {
			if len(data) > 0 {
				return pluralText(cat, key, english, count, data[0])
			}
			// A count alone is the same text wherever the page shows it:
			// the board's 500 lanes and "elsewhere" lines repeat a few
			// counts ("0 overdue"), each a template parse in Catalog.
			// One render's calls run on one goroutine; the page bounds
			// the entries.
			k := pluralKey{key, count}
			if text, ok := counted[k]; ok {
				return text
			}
			text := pluralText(cat, key, english, count, nil)
			counted[k] = text
			return text
		},
		"csrf": func() template.HTML {
			if s == nil {
				return ""
			}
			return template.HTML(`<input type="hidden" name="csrf" value="` + html.EscapeString(maskCSRF(s.CSRF)) + `">`)
		},
		"may":      func(p string) bool { return s != nil && s.Role.may(perm(p)) },
		"date":     func(t time.Time) template.HTML { return shownDay(cat, in(t), false) },
		"datetime": func(t time.Time) template.HTML { return shownDay(cat, in(t), true) },
		"datetimeText": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return translations.DateTime(cat.Lang(), in(t))
		},
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return in(t).Format("15:04")
		},
		"typedDay":   func(t time.Time) string { return translations.NumericDate(cat.Lang(), in(t)) },
		"dayExample": func() string { return exampleDay(cat.Lang()) },
		"money":      func(m app.Money) string { return report.Money(cat.Lang(), m) },
		"static":     c.staticURL,
		"dict":       dict,
		"aside":      func(text, note any) string { return aside(cat, fmt.Sprint(text), fmt.Sprint(note)) },
		"mutedAside": func(text, note any) template.HTML { return mutedAside(cat, fmt.Sprint(text), fmt.Sprint(note)) },
		"lang":       func() string { return cat.Lang() },
		"zone":       loc.String,
	}
}

// shownDay is t's day as cat's language writes it (translations.Date),
// and with clock its time on the 24-hour clock after it, as a page shows
// them: the day in a span of class "when", which never breaks, so a
// narrow column breaks the line before the time and never inside the day
// (Chinese broke 2025年1 | 月10日 in the returns' table, English 7 Dec |
// 2026 in the devices' on a phone). Nothing for the zero time.
func shownDay(cat *translations.Catalog, t time.Time, clock bool) template.HTML {
	if t.IsZero() {
		return ""
	}
	h := `<span class="when">` + html.EscapeString(translations.Date(cat.Lang(), t)) + `</span>`
	if clock {
		h += " " + t.Format("15:04")
	}
	return template.HTML(h)
}

// textHTML is the translation of key whose data ({{.}}) is value, HTML
// a page writes as it is (shownWindow's pieces that do not break); the
// catalog's own text is escaped.
func textHTML(cat *translations.Catalog, key, english string, value template.HTML) template.HTML {
	const mark = "\ue000"
	before, after, ok := strings.Cut(cat.Text(key, english, mark), mark)
	if !ok { // a translation without the value: show it as written
		return template.HTML(html.EscapeString(before))
	}
	return template.HTML(html.EscapeString(before)) + value + template.HTML(html.EscapeString(after))
}

// labelValue is a label and its value as the catalog's language joins
// them: "Balance now: 3", "Solde actuel : 3", "当前余额：3" (Chinese's
// full-width colon, which takes no space). Templates write the same with
// {{T "console.label_value" ...}}.
func labelValue(cat *translations.Catalog, label, value string) string {
	return cat.Text("console.label_value", "{{.Label}}: {{.Value}}", map[string]any{"Label": label, "Value": value})
}

// aside is a text with an aside in parentheses as the catalog's language
// writes them: "Shanghai warehouse (wh-sh)", "上海仓库（wh-sh）" (Chinese's
// full-width parentheses, which take no space). Templates write the same
// with {{aside .Name .ID}}; none writes a parenthesis of its own
// (TestTemplatesWritePunctuationThroughTheLanguage).
func aside(cat *translations.Catalog, text, note string) string {
	return cat.Text("console.aside", "{{.Text}} ({{.Aside}})", map[string]any{"Text": text, "Aside": note})
}

// mutedAside is aside as HTML with the aside, its parentheses included,
// in the secondary colour (class "muted"), so the text reads first: a
// board card's "Due in 2 h" in its SLA colour, then "(2026-11-27 14:30)"
// in grey, as before asides were translated. Text and note are escaped;
// the catalog's own part (parentheses, spaces) is escaped too. The aside
// is what the language writes on either side of the text, less the
// spaces that part them.
func mutedAside(cat *translations.Catalog, text, note string) template.HTML {
	const textMark, noteMark = "\ue000", "\ue001"
	written := cat.Text("console.aside", "{{.Text}} ({{.Aside}})", map[string]any{"Text": textMark, "Aside": noteMark})
	before, after, ok := strings.Cut(written, textMark)
	if !ok { // a translation without the text: show it as aside writes it
		return template.HTML(html.EscapeString(aside(cat, text, note)))
	}
	muted := func(part string, trim func(string, string) string) string {
		core := trim(part, " \u00a0")
		if core == "" {
			return html.EscapeString(part)
		}
		i := strings.Index(part, core)
		return html.EscapeString(part[:i]) + `<span class="muted">` +
			strings.ReplaceAll(html.EscapeString(core), noteMark, html.EscapeString(note)) + `</span>` + html.EscapeString(part[i+len(core):])
	}
	return template.HTML(muted(before, strings.TrimRight) + html.EscapeString(text) + muted(after, strings.TrimLeft))
}

// pluralKey is a count's text within one render: its key and number.
type pluralKey struct {
	key   string
	count int
}

// dict makes a map of key, value pairs for a template; the keys must be
// strings, and a value without a key is an error (a broken template).
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: %d arguments, want key and value pairs", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// navItem is a link of the console's navigation, shown to roles with Perm
// once a GET route serves Href.
type navItem struct {
	Href    string
	Key     string
	Message string
	Perm    perm
	Current bool
}

// navigation lists the console's pages in menu order.
var navigation = []navItem{
	{Href: "/board", Key: "console.nav.board", Message: "Board", Perm: permView},
	{Href: "/conflicts", Key: "console.nav.conflicts", Message: "Conflicts", Perm: permView},
	{Href: "/people", Key: "console.nav.people", Message: "People", Perm: permView},
	{Href: "/devices", Key: "console.nav.devices", Message: "Devices", Perm: permView},
	{Href: "/stock", Key: "console.nav.stock", Message: "Stock", Perm: permView},
	{Href: "/imports", Key: "console.nav.imports", Message: "Imports", Perm: permImport},
	{Href: "/numbers", Key: "console.nav.numbers", Message: "Numbers", Perm: permNumbers},
	{Href: "/users", Key: "console.nav.users", Message: "Users", Perm: permUsers},
	{Href: "/audit", Key: "console.nav.audit", Message: "Audit", Perm: permUsers},
	{Href: "/settings", Key: "console.nav.settings", Message: "Settings", Perm: permSettings},
}

// roleLabel is a role's name on screen.
type roleLabel struct{ Key, Message string }

var roleLabels = map[Role]roleLabel{
	RoleDispatcher:    {Key: "console.role.dispatcher", Message: "Dispatcher"},
	RoleStoreManager:  {Key: "console.role.store_manager", Message: "Store manager"},
	RolePartsClerk:    {Key: "console.role.parts_clerk", Message: "Parts clerk"},
	RoleAdministrator: {Key: "console.role.administrator", Message: "Administrator"},
}

// language is an entry of the language switcher, named in itself.
type language struct {
	Tag, Name string
	Current   bool
}

var languageNames = map[string]string{"en": "English", "zh-Hans": "简体中文", "fr": "Français", "es": "Español", "pt": "Português"}

// view is what layout.html renders; a page's template finds its own data
// in .Data.
type view struct {
	S          *Session
	TenantName string
	RoleName   string
	Nav        []navItem
	Languages  []language
	Path       string // the request's path and query, for forms that come back here
	Flash      string
	Data       any
}

// render writes page (templates/<page>.html inside layout.html) with data
// and status, for the session's user. Nothing is written when the
// template fails, so the caller's error page can still answer.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *Session, status int, page string, data any) error {
	return c.renderAs(w, r, s, s.T, status, page, data)
}

func (c *Console) renderAs(w http.ResponseWriter, r *http.Request, s *Session, cat *translations.Catalog, status int, page string, data any) error {
	pt, ok := c.pages[page]
	if !ok {
		return fmt.Errorf("console: no template %q", page)
	}
	t, err := pt.t.Clone()
	if err != nil {
		return err
	}
	t.Funcs(c.funcs(s, cat))
	v := view{S: s, Path: r.URL.RequestURI(), Data: data}
	for _, l := range translations.Languages() {
		v.Languages = append(v.Languages, language{Tag: l, Name: languageNames[l], Current: l == cat.Lang()})
	}
	if s != nil {
		v.TenantName, err = c.db.TenantName(r.Context(), s.Tenant)
		if err != nil {
			return err
		}
		l := roleLabels[s.Role]
		v.RoleName = cat.Text(l.Key, l.Message, nil)
		for _, n := range navigation {
			if c.paths[n.Href] && s.Role.may(n.Perm) {
				n.Current = r.URL.Path == n.Href || strings.HasPrefix(r.URL.Path, n.Href+"/")
				v.Nav = append(v.Nav, n)
			}
		}
		if s.flash != "" {
			v.Flash = s.flash
			if err := c.db.SetConsoleFlash(context.WithoutCancel(r.Context()), s.id, ""); err != nil {
				return err
			}
		}
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", cat.Lang())
	w.WriteHeader(status)
	_, err = w.Write(b.Bytes())
	return err
}

// flash keeps a message, in the session's language, to show once on the
// session's next page: the answer to a POST that redirects (POST, redirect,
// GET). It is kept with the session on the server, so it is never read
// from what the browser sends.
func (c *Console) flash(w http.ResponseWriter, r *http.Request, s *Session, key, english string, data ...any) error {
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	return c.flashText(r, s, s.T.Text(key, english, d))
}

// flashText is flash for a message the caller words: a count's, with
// s.T.Plural ("Shipped 1 request"), whose key the translations check
// reads at the call.
func (c *Console) flashText(r *http.Request, s *Session, text string) error {
	return c.db.SetConsoleFlash(r.Context(), s.id, text)
}

// appErrorText is e in cat's language, its sizes written by the one size
// rule (Catalog.Size: "32Mo" in French), its measures and bounds by the
// number rule (Catalog.Number: "1’440" in French) and its calendar days
// as the language writes a day (translations.Date), as the terminal writes
// them.
func appErrorText(cat *translations.Catalog, e *app.Error) string {
	sizes, numbers, days := e.Sizes(), e.Numbers(), e.Days()
	if len(sizes) == 0 && len(numbers) == 0 && len(days) == 0 {
		return cat.Text(e.Key, e.Message, e.Data)
	}
	data := maps.Clone(e.Data)
	for k, n := range sizes {
		data[k] = cat.Size(n)
	}
	for k, x := range numbers {
		data[k] = cat.Number(x)
	}
	for k, d := range days {
		data[k] = translations.Date(cat.Lang(), d) // calendar days, midnight UTC
	}
	return cat.Text(e.Key, e.Message, data)
}

// pluralText is Catalog.Plural with the count, and every whole number
// its data holds (a "Shown of Total"), grouped as the session's language
// groups digits (Catalog.Count: "9’532 tickets" in French, "9532" in
// Spanish): the board said "1234 tickets" in every language.
func pluralText(cat *translations.Catalog, key, english string, count int, data map[string]any) string {
	d := make(map[string]any, len(data)+1)
	d["Count"] = cat.Count(int64(count))
	for k, v := range data {
		switch n := v.(type) {
		case int:
			d[k] = cat.Count(int64(n))
		case int64:
			d[k] = cat.Count(n)
		default:
			d[k] = v
		}
	}
	return cat.Plural(key, english, count, d)
}

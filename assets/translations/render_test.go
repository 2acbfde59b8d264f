package translations

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

// BenchmarkPlural is a console page's plural text ("Showing 50 of 1,234:
// ..."), as each board lane and list renders one per request.
func BenchmarkPlural(b *testing.B) {
	c := For("zh-Hans")
	data := map[string]any{"Shown": 50, "Total": 1234}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if c.Plural("console.conflicts.more", "Showing {{.Shown}} of {{.Total}}: decide these to see the rest.", i%3, data) == "" {
			b.Fatal("empty")
		}
	}
}

// BenchmarkText is a translated text with data (a refusal's message).
func BenchmarkText(b *testing.B) {
	c := For("fr")
	data := map[string]any{"Field": "note.text", "Max": 4000}
	b.ReportAllocs()
	for b.Loop() {
		if c.Text("mutation.too_long", "Field {{.Field}} is longer than {{.Max}} characters: shorten it.", data) == "" {
			b.Fatal("empty")
		}
	}
}

// TestTemplatesParsedOnce: a text's template is parsed at its first use
// and kept; later calls only execute it (a parse is some 40 allocations
// of its own, so a call that parses again allocates over 50).
func TestTemplatesParsedOnce(t *testing.T) {
	c := For("zh-Hans")
	data := map[string]any{"Shown": 50, "Total": 1234}
	allocs := testing.AllocsPerRun(100, func() {
		c.Plural("console.conflicts.more", "Showing {{.Shown}} of {{.Total}}: decide these to see the rest.", 7, data)
	})
	if allocs > 25 {
		t.Errorf("a plural text allocates %.0f times a call: its template is parsed again", allocs)
	}
}

// TestKeptTemplatesKeepTheirForm: the kept templates are per language,
// key and plural form, so one form's never answers for another's, nor
// one language's for another's; a caller's fallback (which may hold what
// a user typed) is never kept.
func TestKeptTemplatesKeepTheirForm(t *testing.T) {
	key := "conflicts.ticket_changes"
	for _, lang := range []string{"fr", "en", "fr", "zh-Hans", "en"} {
		c := For(lang)
		for _, n := range []int{1, 2, 1, 0, 2} {
			form := pluralForm(lang, n)
			want := c.msgs[key].plural[form]
			if want == "" {
				want = c.msgs[key].plural["other"]
			}
			want = strings.NewReplacer("{{.Number}}", "N", "{{.Count}}", strconv.Itoa(n)).Replace(want)
			if got := c.Plural(key, "x", n, map[string]any{"Number": "N"}); got != want {
				t.Errorf("%s/%d: %q, want form %s %q", lang, n, got, form, want)
			}
		}
	}
	c := For("en")
	if got := c.Text("no.such.key", "Typed {{.Text}}", map[string]any{"Text": "by a user"}); got != "Typed by a user" {
		t.Errorf("a fallback renders %q", got)
	}
	c.parsed.Range(func(k, _ any) bool {
		if k.(tmplKey).key == "no.such.key" {
			t.Errorf("the fallback of a key no catalog has was kept: %+v", k)
		}
		return true
	})
}

// TestRenderConcurrently: goroutines rendering the same texts at once,
// first use included, get what one alone gets (run with -race).
func TestRenderConcurrently(t *testing.T) {
	type call struct {
		lang string
		n    int
	}
	var calls []call
	for _, l := range Languages() {
		for n := range 3 {
			calls = append(calls, call{l, n})
		}
	}
	// Catalogs of their own, so that the goroutines below race on each
	// text's first use, as the first requests after a start do.
	fresh := func() map[string]*Catalog {
		out := map[string]*Catalog{}
		for _, l := range Languages() {
			out[l] = &Catalog{lang: l, msgs: For(l).msgs}
		}
		for l, c := range out {
			if l != Fallback {
				c.fallback = out[Fallback]
			}
		}
		return out
	}
	ref, shared := fresh(), fresh()
	render := func(cats map[string]*Catalog, c call) string {
		cat := cats[c.lang]
		return cat.Plural("console.conflicts.more", "x", c.n, map[string]any{"Shown": c.n, "Total": 9}) +
			cat.Text("mutation.too_long", "x", map[string]any{"Field": "f", "Max": c.n})
	}
	want := make([]string, len(calls))
	for i, c := range calls {
		want[i] = render(ref, c)
	}
	var wg sync.WaitGroup
	got := make([][]string, 8)
	for g := range got {
		got[g] = make([]string, len(calls))
		wg.Go(func() {
			for i, c := range calls {
				got[g][i] = render(shared, c)
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i := range calls {
			if got[g][i] != want[i] {
				t.Errorf("goroutine %d, %+v: %q, want %q", g, calls[i], got[g][i], want[i])
			}
		}
	}
}

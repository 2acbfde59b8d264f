package console

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestTemplatesWritePunctuationThroughTheLanguage: no template writes
// punctuation that a language writes its own way.
//
// A colon: none glues a label to its value with an ASCII ": " of its own
// (Chinese writes "：", French " : "); the join is the translation
// console.label_value. A colon between actions (after "{{.Kind}}", before
// "<strong>") is the page's, in every language.
//
// Parentheses: none puts a value in ASCII parentheses of its own, as the
// shipments' urgent mark "(紧急)" and a location's "上海仓库 (wh-sh)" did
// on Chinese pages; an aside goes through console.aside ({{aside .Name
// .ID}}), which Chinese writes in full-width （）.
func TestTemplatesWritePunctuationThroughTheLanguage(t *testing.T) {
	eachTemplateText(t, func(name, text string) {
		if strings.Contains(text, ":") {
			t.Errorf("%s: a colon in the page's own text %q: join a label and its value with console.label_value", name, text)
		}
		if strings.ContainsAny(text, "()") {
			t.Errorf("%s: a parenthesis in the page's own text %q: write the aside with {{aside}}", name, text)
		}
	})
}

// eachTemplateText calls fn with each template file's name and the text
// between its actions, its tags dropped: the words the page writes
// itself, in every language.
func eachTemplateText(t *testing.T, fn func(name, text string)) {
	t.Helper()
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`<[^>]*(>|$)|^[^<]*>`)
	for _, name := range names {
		src, err := fs.ReadFile(templateFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		trees := map[string]*parse.Tree{}
		tr := parse.New(name)
		tr.Mode = parse.SkipFuncCheck
		if _, err := tr.Parse(string(src), "{{", "}}", trees); err != nil {
			t.Fatal(err)
		}
		for _, tree := range trees {
			walkText(tree.Root, func(text string) {
				if s := tag.ReplaceAllString(text, ""); strings.TrimSpace(s) != "" {
					fn(name, s)
				}
			})
		}
	}
}

// walkText calls fn with the text of every text node under n.
func walkText(n parse.Node, fn func(string)) {
	switch n := n.(type) {
	case *parse.TextNode:
		fn(string(n.Text))
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkText(c, fn)
			}
		}
	case *parse.IfNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	case *parse.RangeNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	case *parse.WithNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	}
}

// TestChineseConsoleTextsTakeFullWidthColons: every zh-Hans console text
// that joins Chinese words with a colon uses "："; an ASCII colon stays
// only between figures (14:30).
func TestChineseConsoleTextsTakeFullWidthColons(t *testing.T) {
	raw, err := os.ReadFile("../../assets/translations/zh-Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	ascii := regexp.MustCompile(`[\p{Han}\x{3000}-\x{303f}\x{ff00}-\x{ffef}}]\s*:|:\s*[\p{Han}{]`)
	for k, v := range d {
		if !strings.HasPrefix(k, "console.") {
			continue
		}
		var texts []string
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case map[string]any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					texts = append(texts, s)
				}
			}
		}
		for _, s := range texts {
			if ascii.MatchString(s) {
				t.Errorf("%s: an ASCII colon between Chinese words: %q", k, s)
			}
		}
	}
}

// TestChinesePagesJoinLabelsWithFullWidthColons: the stock ledger's
// balance and a photo's caption, in Chinese, read "当前余额：4" and
// "维修前状况：屏幕碎裂", not with an ASCII ": ".
func TestChinesePagesJoinLabelsWithFullWidthColons(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		stockFixture(t, tc)
		dev := tc.pairDevice(t, "t1", "tech-1")
		dev.attachPhoto(t, "tk-1", "condition", "image/png", "屏幕碎裂", testPNG, true)
		cl := tc.signIn(t, "admin@t1")
		cl.inLanguage(t, "zh-Hans")
		for _, c := range []struct{ path, want string }{
			{"/stock/wh/P-2", "当前余额："},
			{"/tickets/tk-1", "：屏幕碎裂"},
		} {
			status, body := cl.get(t, c.path)
			if status != http.StatusOK {
				t.Fatalf("%s: %d\n%s", c.path, status, body)
			}
			main := mainOf(body)
			if !strings.Contains(main, c.want) {
				t.Errorf("%s lacks %q\n%s", c.path, c.want, main)
			}
			if m := regexp.MustCompile(`\p{Han}: `).FindString(main); m != "" {
				t.Errorf("%s joins Chinese with an ASCII colon: %q", c.path, m)
			}
		}
	})
}

// TestChangeTextPunctuatedInItsLanguage: a held edit names the fields it
// sets, joined as the language joins a label to its value and a list's
// items: "电话、地址" after a full-width colon in Chinese.
func TestChangeTextPunctuatedInItsLanguage(t *testing.T) {
	args := `{"ticket":"tk-1","set":{"customer_phone":"137","customer_address":"2 Road"}}`
	for lang, want := range map[string]string{
		"en":      "Edit of the ticket: Phone, Address",
		"zh-Hans": "：电话、地址",
		"fr":      " : ",
	} {
		if got := changeText(translations.For(lang), "ticket.update.v1", args); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to hold %q", lang, got, want)
		}
	}
}

package ui

import (
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var updateTranslations = flag.Bool("update-translations", false, "add missing keys to assets/translations/en.json from the code's English fallbacks")

// message is a user-facing string found in the code: a key with its
// English fallback.
type message struct {
	key, english, where string
	plural              bool
}

// fyneKeys are keys that Fyne's own widgets read through its lang, given
// by the app's files in the app's words (registered after Fyne's, so they
// win), with their English as en.json gives it: every one the terminal can show
// [2.7.1, lang.L and lang.X in dialog/file.go, fileitem.go, confirm.go,
// information.go, widget/entry.go and selectable.go, the desktop's Quit].
// The file dialog's parent folder: "(Parent)" in Chinese and Spanish and
// "(Origem)" (origin) in Brazilian Portuguese [dialog/fileitem.go:59 and
// 91]. Short words: the dialog's grid breaks a name of more than about
// ten characters mid-word. No code of the app names them.
var fyneKeys = map[string]string{
	"file.parent": "Parent", "file.name": "Name",
	// The file dialog: its buttons, title words, hint and new folder form.
	"Open": "Open", "Save": "Save", "Cancel": "Cancel", "File": "File", "Folder": "Folder",
	"Enter filename": "File name", "New Folder": "New folder", "Create Folder": "Create folder",
	"Show Hidden Files": "Show hidden files",
	// The confirm, information and error dialogs' buttons and title.
	"Yes": "Yes", "No": "No", "OK": "OK", "Error": "Error",
	// An entry's and a selectable text's menu, the desktop's menu.
	"Cut": "Cut", "Copy": "Copy", "Paste": "Paste", "Select all": "Select all", "Undo": "Undo", "Redo": "Redo",
	"Quit": "Quit",
}

// fyneKeysNotShown are Fyne's keys the terminal never shows: the colour
// picker's, the calendar's days, and "Favourites", which no code of Fyne
// reads [2.7.1].
var fyneKeysNotShown = regexp.MustCompile(`^(Advanced|Confirm|Favourites|(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(\.short)?)$`)

// TestEveryFyneKeyIsKnown: each key of Fyne's own English file is one the
// app translates (fyneKeys) or one the terminal never shows, so a Fyne
// upgrade that adds a word (a dialog's new button) fails here until the
// five files say it too.
func TestEveryFyneKeyIsKnown(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "lang", "translations", "base.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fyne map[string]any
	if err := json.Unmarshal(b, &fyne); err != nil {
		t.Fatal(err)
	}
	if len(fyne) < 20 {
		t.Fatalf("Fyne's English has only %d keys: the wrong file?", len(fyne))
	}
	for k := range fyne {
		if _, ok := fyneKeys[k]; !ok && !fyneKeysNotShown.MatchString(k) {
			t.Errorf("Fyne's key %q is neither translated (fyneKeys) nor never shown", k)
		}
	}
}

// collectMessages finds every translation key in the module's non-test Go
// files: lang.X/XN calls, app.Errorf calls, translations.Catalog's
// Text/Plural calls, and Key/Message literals
// (app.Reason); the office console's c.flash calls and the {{T "key"
// "English"}} calls of its templates (sync/console/templates/*.html). Keys
// built at run time cannot be found and are avoided.
func collectMessages(t *testing.T, root string) map[string]message {
	t.Helper()
	out := map[string]message{}
	for k, e := range fyneKeys {
		out[k] = message{key: k, english: e, where: "Fyne's file dialog"}
	}
	add := func(fset *token.FileSet, pos token.Pos, key, english string, plural bool) {
		k, err1 := strconv.Unquote(key)
		e, err2 := strconv.Unquote(english)
		if err1 != nil || err2 != nil {
			return
		}
		where := fset.Position(pos).String()
		if prev, ok := out[k]; ok && prev.english != e {
			t.Errorf("key %q has two English texts:\n  %s: %q\n  %s: %q", k, prev.where, prev.english, where, e)
			return
		}
		out[k] = message{key: k, english: e, where: where, plural: plural || out[k].plural}
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".html") && filepath.Base(filepath.Dir(path)) == "templates" &&
			filepath.Base(filepath.Dir(filepath.Dir(path))) == "console" {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f := fset.AddFile(path, -1, len(b))
			f.SetLinesForContent(b)
			for _, m := range templateT.FindAllSubmatchIndex(b, -1) {
				add(fset, f.Pos(m[0]), string(b[m[4]:m[5]]), string(b[m[6]:m[7]]), string(b[m[2]:m[3]]) == "plural")
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok {
						name = x.Name + "." + fn.Sel.Name
					}
				case *ast.Ident:
					name = fn.Name
				}
				lit := func(i int) (string, bool) {
					if i >= len(n.Args) {
						return "", false
					}
					b, ok := n.Args[i].(*ast.BasicLit)
					if !ok || b.Kind != token.STRING {
						return "", false
					}
					return b.Value, true
				}
				switch name {
				case "lang.X", "lang.XN", "docFile": // docFile: a document's file name (lang.X, made safe)
					k, ok1 := lit(0)
					e, ok2 := lit(1)
					if ok1 && ok2 {
						add(fset, n.Pos(), k, e, name == "lang.XN")
					}
				case "c.flash": // the office console's message after a POST
					k, ok1 := lit(3)
					e, ok2 := lit(4)
					if ok1 && ok2 {
						add(fset, n.Pos(), k, e, false)
					}
				case "pluralText": // the console's count texts (Catalog.Plural, its numbers grouped)
					k, ok1 := lit(1)
					e, ok2 := lit(2)
					if ok1 && ok2 {
						add(fset, n.Pos(), k, e, true)
					}
				case "e.reason": // app's warranty decision reasons
					k, ok1 := lit(0)
					e, ok2 := lit(1)
					if ok1 && ok2 {
						add(fset, n.Pos(), k, e, false)
					}
				case "app.Errorf", "Errorf":
					k, ok1 := lit(1)
					e, ok2 := lit(2)
					if ok1 && ok2 {
						add(fset, n.Pos(), k, e, false)
					}
				default:
					// A translations.Catalog's Text(key, english, data) and
					// Plural(key, english, count, data), on any receiver:
					// the layers that write text without a screen.
					if fn, ok := n.Fun.(*ast.SelectorExpr); ok && (fn.Sel.Name == "Text" || fn.Sel.Name == "Plural") && len(n.Args) >= 3 {
						k, ok1 := lit(0)
						e, ok2 := lit(1)
						if ok1 && ok2 {
							add(fset, n.Pos(), k, e, fn.Sel.Name == "Plural")
						}
					}
				}
			case *ast.CompositeLit:
				var k, e string
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					id, ok := kv.Key.(*ast.Ident)
					b, ok2 := kv.Value.(*ast.BasicLit)
					if !ok || !ok2 || b.Kind != token.STRING {
						continue
					}
					switch id.Name {
					case "Key":
						k = b.Value
					case "Message":
						e = b.Value
					}
				}
				if k != "" && e != "" {
					add(fset, n.Pos(), k, e, false)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// templateT is a translated text in a console template, {{T "key"
// "English"}} or {{T "key" "English {{.X}}" .}} (TH: its value HTML), or a count's words,
// {{plural "key" "English {{.Count}}" .N}}: the function, then the key and
// the English as Go string literals, which html/template parses them as.
var templateT = regexp.MustCompile(`\{\{-?\s*(T|TH|plural)\s+("[^"\\]*(?:\\.[^"\\]*)*")\s+("[^"\\]*(?:\\.[^"\\]*)*")`)

func readTranslations(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func otherText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["other"].(string)
		return s
	}
	return ""
}

// TestTranslationsComplete: every key the code uses is in every
// translation file, en.json matches the code's English, and no file keeps
// keys the code no longer uses.
func TestTranslationsComplete(t *testing.T) {
	msgs := collectMessages(t, "..")
	if len(msgs) < 50 {
		t.Fatalf("found only %d messages; is the scan broken?", len(msgs))
	}
	dir := filepath.Join("..", "assets", "translations")
	enPath := filepath.Join(dir, "en.json")
	if *updateTranslations {
		en := readTranslations(t, enPath)
		for k, m := range msgs {
			if _, ok := en[k]; !ok || !m.plural {
				en[k] = m.english
			}
		}
		for k := range en {
			if _, ok := msgs[k]; !ok {
				delete(en, k)
			}
		}
		writeJSON(t, enPath, en)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) < 2 {
		t.Fatalf("want at least en and zh translations, have %v", files)
	}
	for _, f := range files {
		tr := readTranslations(t, f)
		var missing []string
		for k, m := range msgs {
			v, ok := tr[k]
			switch {
			case !ok || otherText(v) == "":
				missing = append(missing, k+" ("+m.where+")")
			case filepath.Base(f) == "en.json" && otherText(v) != m.english:
				t.Errorf("en.json %q = %q, but the code says %q (%s)", k, otherText(v), m.english, m.where)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d keys:\n  %s", filepath.Base(f), len(missing), strings.Join(missing, "\n  "))
		}
		for k := range tr {
			if _, ok := msgs[k]; !ok {
				t.Errorf("%s has unused key %q", filepath.Base(f), k)
			}
		}
	}
}

func writeJSON(t *testing.T, path string, m map[string]any) {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

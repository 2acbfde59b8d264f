package console

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestStylesheetsBalanced: every rule and @media block of the embedded
// style sheets is closed. A block left open (one lost "}" when two pages'
// sections are joined) makes the browser ignore every rule after it.
func TestStylesheetsBalanced(t *testing.T) {
	comment := regexp.MustCompile(`(?s)/\*.*?\*/`)
	names, err := fs.Glob(staticFiles, "static/*.css")
	if err != nil || len(names) == 0 {
		t.Fatalf("no style sheets: %v", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(staticFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		depth := 0
		for i, line := range strings.Split(comment.ReplaceAllStringFunc(string(b), func(c string) string {
			return strings.Repeat("\n", strings.Count(c, "\n")) // keep line numbers
		}), "\n") {
			for _, r := range line {
				switch r {
				case '{':
					depth++
				case '}':
					depth--
				}
				if depth < 0 {
					t.Fatalf("%s:%d: a '}' closes nothing", name, i+1)
				}
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d block(s) left open", name, depth)
		}
	}
}

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNothingSetsTimeLocal: no Go file of the repository, tests included,
// assigns the process's time.Local. It is a plain variable that
// time.Now reads on every goroutine (Fyne's, the sync engine's), so a
// write while the app runs is a data race; the zone the screens show is
// the session's value instead (ui.Deps.Zone, device.Session.Zone). The
// behaviour beside it is ui's TestClockFollowsEachSession, under -race.
func TestNothingSetsTimeLocal(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, at := range timeLocalWrites(f) {
			t.Errorf("%s assigns time.Local: put the zone in the session (ui.Deps.Zone) instead", fset.Position(at))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read %d Go files; run from the repository's root", files)
	}
}

// timeLocalWrites are the places in f that assign time.Local (under
// whatever name f imports package time), or take its address, which
// lets it be assigned elsewhere.
func timeLocalWrites(f *ast.File) []token.Pos {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name := "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = true
		}
	}
	isLocal := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Local" {
			return false
		}
		id, ok := sel.X.(*ast.Ident)
		return ok && names[id.Name]
	}
	var at []token.Pos
	if len(names) == 0 {
		return at
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if isLocal(l) {
					at = append(at, l.Pos())
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && isLocal(n.X) {
				at = append(at, n.Pos())
			}
		}
		return true
	})
	return at
}

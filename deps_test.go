package main

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/fieldbench/fieldbench"

// layerRules is the README's architecture table as code: what each layer
// must never depend on (directly or transitively), and why.
var layerRules = []struct {
	pkg       string
	forbidden []string
	onlyStd   bool     // besides the module's own allowed packages and allow
	allow     []string // third-party prefixes allowed when onlyStd
	why       string
}{
	{pkg: "app/...", onlyStd: true, allow: []string{"github.com/google/uuid"},
		forbidden: []string{module + "/store", module + "/sync", module + "/scanner", module + "/ui", module + "/assets"},
		why:       "the domain runs on device and server alike: standard library and uuid only"},
	{pkg: "app/apptest", onlyStd: true, allow: []string{"github.com/google/uuid"}, forbidden: []string{module + "/app/demo", module + "/store", module + "/sync", module + "/scanner", module + "/ui", module + "/assets"},
		why: "the MutationTx conformance suite sees only app, so the fake, the store and the central service all run it"},
	{pkg: "...", forbidden: []string{module + "/app/apptest"},
		why: "app/apptest is a test helper: only tests import it"},
	{pkg: "...", forbidden: []string{module + "/internal/phototest"},
		why: "internal/phototest is a test helper: only tests import it"},
	{pkg: "...", forbidden: []string{module + "/internal/cputime"},
		why: "internal/cputime is a test helper: only the benchmarks import it"},
	{pkg: "...", forbidden: []string{module + "/internal/queryplan"},
		why: "internal/queryplan is a test helper: only tests import it"},
	{pkg: "store/...", forbidden: []string{"fyne.io/", module + "/sync", module + "/scanner", module + "/ui"},
		why: "store implements app on SQLite and knows nothing of the UI or the other adapters"},
	{pkg: "sync", forbidden: []string{"fyne.io/", "modernc.org/sqlite", module + "/store", module + "/scanner", module + "/ui", module + "/sync/central"},
		why: "the device's sync engine reaches local data only through app interfaces"},
	{pkg: "sync/simulation", forbidden: []string{"fyne.io/", module + "/ui", module + "/scanner"},
		why: "the simulation wires the real store, engine and central service, without a UI"},
	{pkg: "sync/central/...", forbidden: []string{"fyne.io/", module + "/store", module + "/scanner", module + "/ui"},
		why: "the central service keeps its own database (SQLite or PostgreSQL), never the device store"},
	{pkg: "sync/console/...", forbidden: []string{"fyne.io/", module + "/store", module + "/scanner", module + "/ui", module + "/device"},
		why: "the office console renders HTML over the central service's database, never the device's store, screens or lifecycle"},
	{pkg: "sync/central/...", forbidden: []string{module + "/sync/console"},
		why: "the console builds on the central service, not the other way round: cmd/central wires them"},
	{pkg: "scanner/...", forbidden: []string{"fyne.io/", "modernc.org/", module + "/store", module + "/sync", module + "/ui"},
		why: "scanner decodes images and formats labels; the UI wires it"},
	{pkg: "ui/...", forbidden: []string{"modernc.org/", module + "/store", module + "/sync"},
		why: "ui sees app interfaces, scanner and assets, never storage or sync types"},
	{pkg: "device", forbidden: []string{"fyne.io/", module + "/ui", module + "/assets", module + "/sync/central", module + "/cmd/"},
		why: "device is the terminal's lifecycle without a screen, and links no central service (the demo's is device/demoserver)"},
	{pkg: "device/reports", forbidden: []string{"fyne.io/", module + "/ui", module + "/sync", module + "/cmd/"},
		why: "the device's documents come from app services; main wires them to the screens"},
	{pkg: "internal/langenv", onlyStd: true, forbidden: []string{module + "/"},
		why: "langenv must initialise before Fyne's lang: it imports only os and strings (see its doc)"},
	{pkg: "internal/signimg", onlyStd: true, allow: []string{"golang.org/x/image/", "golang.org/x/sys/cpu", "github.com/google/uuid"}, forbidden: []string{module + "/store", module + "/sync", module + "/ui", module + "/assets"},
		why: "the signature renderer serves the sign-off, the report and the service alike: app, the standard library and x/image only"},
	{pkg: "internal/cputime", onlyStd: true, forbidden: []string{module + "/"},
		why: "the benchmarks' CPU clock: the standard library only"},
	{pkg: "internal/queryplan", onlyStd: true, forbidden: []string{module + "/"},
		why: "SQLite's query plans for the store's and the service's tests: database/sql only, no driver of its own"},
	{pkg: "internal/sqlitetx", onlyStd: true, forbidden: []string{module + "/"},
		why: "the SQLite writers' kept transactions wrap the connector the caller passes: database/sql/driver only, no driver of its own"},
	{pkg: "internal/walvfs", forbidden: []string{module + "/", "fyne.io/"},
		why: "the log's VFS wraps SQLite's own through the transpiled library's C interface: nothing of the app's"},
	{pkg: "internal/svgchart", onlyStd: true, forbidden: []string{module + "/"},
		why: "the console's charts are drawn from numbers and labels the caller gives: the standard library only"},
	{pkg: "ui/...", forbidden: []string{module + "/device", module + "/internal/ready"},
		why: "ui gets the device's services as app interfaces from main"},
	{pkg: "assets/...", forbidden: []string{module + "/app", module + "/store", module + "/sync", module + "/scanner", module + "/ui"},
		why: "assets only embeds files for Fyne"},
	{pkg: "assets/translations", onlyStd: true, forbidden: []string{module + "/"},
		why: "the service and the report write text for people without Fyne"},
	{pkg: "assets/fonts", onlyStd: true, allow: []string{"golang.org/x/image/", "golang.org/x/text/"}, forbidden: []string{"fyne.io/", module + "/"},
		why: "the report's fonts are embedded without Fyne, for the device and the service alike"},
	{pkg: "report", forbidden: []string{"fyne.io/", module + "/store", module + "/sync", module + "/scanner", module + "/ui", module + "/device"},
		why: "the report is written from app values alone, on the device and the service alike, without Fyne"},
}

type listedPackage struct {
	ImportPath string
	Deps       []string
}

func goList(t *testing.T, goos, pattern string) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", "./"+pattern)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && strings.Contains(string(ee.Stderr), "matched no packages") {
			return nil
		}
		t.Fatalf("go list %s (GOOS=%s): %v", pattern, goos, err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestLayerDependencies fails when a layer imports what the architecture
// table forbids, for desktop and for the mobile targets.
func TestLayerDependencies(t *testing.T) {
	for _, goos := range []string{"linux", "android", "ios"} {
		for _, rule := range layerRules {
			for _, p := range goList(t, goos, rule.pkg) {
				for _, dep := range p.Deps {
					for _, bad := range rule.forbidden {
						if dep == bad || strings.HasPrefix(dep, strings.TrimSuffix(bad, "/")+"/") || (strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad)) {
							t.Errorf("GOOS=%s: %s depends on %s: %s", goos, p.ImportPath, dep, rule.why)
						}
					}
					if rule.onlyStd && !isStd(dep) && !strings.HasPrefix(dep, module+"/app") {
						ok := false
						for _, a := range rule.allow {
							ok = ok || strings.HasPrefix(dep, a)
						}
						if !ok {
							t.Errorf("GOOS=%s: %s depends on %s: %s", goos, p.ImportPath, dep, rule.why)
						}
					}
				}
			}
		}
	}
}

// TestTechnicianBinaryLinksNoCentralService: the demo service (the whole
// central service, pgx and tusd) is linked only with -tags demo, and the
// app imports nothing of cmd/. The demo build is checked too, so the test
// sees the packages it looks for when they are there.
func TestTechnicianBinaryLinksNoCentralService(t *testing.T) {
	deps := func(tags string) []string {
		out, err := exec.Command("go", "list", "-tags", tags, "-deps", ".").Output()
		if err != nil {
			t.Fatalf("go list -tags %q -deps .: %v", tags, err)
		}
		return strings.Fields(string(out))
	}
	has := func(pkgs []string, prefix string) bool {
		for _, p := range pkgs {
			if strings.HasPrefix(p, prefix) {
				return true
			}
		}
		return false
	}
	tests := map[string]struct {
		tags    string
		prefix  string
		present bool
	}{
		"DefaultNoPgx":     {tags: "", prefix: "github.com/jackc/pgx", present: false},
		"DefaultNoTusd":    {tags: "", prefix: "github.com/tus/tusd", present: false},
		"DefaultNoCentral": {tags: "", prefix: module + "/sync/central", present: false},
		"DefaultNoCmd":     {tags: "", prefix: module + "/cmd/", present: false},
		"DemoHasPgx":       {tags: "demo", prefix: "github.com/jackc/pgx", present: true},
		"DemoHasCentral":   {tags: "demo", prefix: module + "/sync/central", present: true},
		"DemoNoCmd":        {tags: "demo", prefix: module + "/cmd/", present: false},
	}
	built := map[string][]string{}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if built[tt.tags] == nil {
				built[tt.tags] = deps(tt.tags)
			}
			if got := has(built[tt.tags], tt.prefix); got != tt.present {
				t.Errorf("go list -tags %q -deps . lists %s: %v, want %v", tt.tags, tt.prefix, got, tt.present)
			}
		})
	}
}

// TestPackageDocs: every package has exactly one package comment, in doc.go
// (tailscale's pkgdoc_test), so `go doc` explains each layer.
func TestPackageDocs(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			return nil
		}
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, path, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		for name, pkg := range pkgs {
			var docs []string
			for fname, f := range pkg.Files {
				if f.Doc != nil {
					docs = append(docs, fname)
				}
			}
			if len(docs) != 1 {
				t.Errorf("package %s in %s has %d package comments %v; want exactly one, in doc.go", name, path, len(docs), docs)
			} else if filepath.Base(docs[0]) != "doc.go" && name != "main" {
				t.Errorf("package %s: package comment in %s, want doc.go", name, docs[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConformanceIsBlackBox: the conformance suite drives the built
// service over HTTP from docs/PROTOCOL.md, so it must not compile in the
// project's own types; it may use only the PostgreSQL test harness.
func TestConformanceIsBlackBox(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./cmd/central/conformance").Output()
	if err != nil {
		t.Fatalf("go list ./cmd/central/conformance: %v", err)
	}
	var p struct {
		ImportPath                         string
		Imports, TestImports, XTestImports []string
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.TestImports) == 0 {
		t.Fatalf("%s has no tests", p.ImportPath)
	}
	for _, imp := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
		if strings.HasPrefix(imp, module+"/") && imp != module+"/sync/central/pgtest" {
			t.Errorf("%s imports %s: the suite talks to cmd/central over HTTP only", p.ImportPath, imp)
		}
	}
}

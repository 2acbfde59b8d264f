package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// importText is a text of the imports page: a translation key and its
// English.
type importText struct{ Key, Message string }

// importKind is an import the console offers: what central.DB.Import
// takes, the permission it needs (roles.go) and its words.
type importKind struct {
	What  string
	Perm  perm
	Title importText
	About importText
}

// importKinds are the console's imports, in the page's order: the same
// three as the API's (central.ImportKinds).
var importKinds = []importKind{
	{What: central.ImportParts, Perm: permImport,
		Title: importText{Key: "console.imports.parts.title", Message: "Parts catalog"},
		About: importText{Key: "console.imports.parts.about", Message: "Adds parts to the catalog the technicians' devices carry, or updates them."}},
	{What: central.ImportStock, Perm: permImport,
		Title: importText{Key: "console.imports.stock.title", Message: "Stock received"},
		About: importText{Key: "console.imports.stock.about", Message: "Books parts received at a store, van or warehouse. Import the parts first; the same file imported twice adds nothing."}},
	{What: central.ImportRules, Perm: permRules,
		Title: importText{Key: "console.imports.rules.title", Message: "Warranty rules"},
		About: importText{Key: "console.imports.rules.about", Message: "Sets a country's warranty periods, remedies and prices, one row per rule. They decide what customers pay: check the file before importing it."}},
}

// maxImportFileName bounds the file name the page and the audit keep.
const maxImportFileName = 120

// recentImports is how many of the tenant's latest imports the page
// lists, found among auditScan audit records.
const (
	recentImports = 10
	auditScan     = 500
)

// importsPage is the imports page's data.
type importsPage struct {
	Kinds    []kindView
	MaxBytes int
	MaxSize  string       // MaxBytes as the session's language writes a size
	TooLarge string       // what the browser says of a file over MaxBytes (imports.js)
	Refused  *refusalView // the file just refused, if any
	Recent   []importRecord
}

type kindView struct {
	What, Title, About string
	Required           string // the required columns' names, comma-separated
	Columns            []columnView
}

type columnView struct {
	Name, Example, About string
	Required             bool
}

// refusalView is a refused file: each bad row with its reason in the
// session's language, or the one reason of a file refused whole (not
// UTF-8, empty, a column missing).
type refusalView struct {
	Kind, File string
	Message    string
	Rows       []rowView
	More       bool
	Count      int
}

type rowView struct {
	Line   int
	Reason string
}

// importRecord is an import in the audit.
type importRecord struct {
	At    time.Time
	Login string
	Kind  string
	File  string
	Rows  int
}

// importDetail is an import's audit detail.
type importDetail struct {
	What   string `json:"what"`
	Rows   int    `json:"rows"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// kindFor returns the import named what if the session's role may run it:
// an unknown one is 404, one the role may not run 403.
func kindFor(s *Session, what string) (importKind, error) {
	for _, k := range importKinds {
		if k.What == what {
			if !s.Role.may(k.Perm) {
				return importKind{}, errForbidden
			}
			return k, nil
		}
	}
	_, err := central.ImportColumns(what) // an unknown import's refusal
	if err == nil {
		// importKinds lists every one of central.ImportKinds (a test checks).
		err = fmt.Errorf("console: import %q is not in importKinds", what)
	}
	return importKind{}, err
}

// imports shows the imports the session's role may run: each with its
// columns, an example file and a form.
func (c *Console) imports(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.renderImports(w, r, s, http.StatusOK, nil)
}

func (c *Console) renderImports(w http.ResponseWriter, r *http.Request, s *Session, status int, refused *refusalView) error {
	p := importsPage{MaxBytes: central.MaxImportBytes, MaxSize: s.T.Size(central.MaxImportBytes), TooLarge: tooLargeText(s), Refused: refused}
	for _, k := range importKinds {
		if !s.Role.may(k.Perm) {
			continue
		}
		cols, err := central.ImportColumns(k.What)
		if err != nil {
			return err
		}
		v := kindView{What: k.What, Title: s.T.Text(k.Title.Key, k.Title.Message, nil), About: s.T.Text(k.About.Key, k.About.Message, nil)}
		var required []string
		for _, col := range cols {
			v.Columns = append(v.Columns, columnView{Name: col.Name, Example: col.Example, Required: col.Required, About: s.T.Text(col.Key, col.Message, nil)})
			if col.Required {
				required = append(required, col.Name)
			}
		}
		v.Required = strings.Join(required, ", ")
		p.Kinds = append(p.Kinds, v)
	}
	var err error
	if p.Recent, err = c.recentImports(r.Context(), s); err != nil {
		return err
	}
	return c.render(w, r, s, status, "imports", p)
}

// recentImports lists the tenant's latest imports the session's role may
// run, newest first, from the audit.
func (c *Console) recentImports(ctx context.Context, s *Session) ([]importRecord, error) {
	recs, err := c.db.Audit(ctx, s.Tenant, auditScan)
	if err != nil {
		return nil, err
	}
	var out []importRecord
	for _, a := range recs {
		what, ok := strings.CutPrefix(a.Action, "import.")
		if !ok {
			continue
		}
		k, err := kindFor(s, what)
		if err != nil {
			continue
		}
		var d importDetail
		if json.Unmarshal([]byte(a.Detail), &d) != nil {
			continue
		}
		out = append(out, importRecord{At: a.At, Login: a.Login, Kind: s.T.Text(k.Title.Key, k.Title.Message, nil), File: a.Target, Rows: d.Rows})
		if len(out) == recentImports {
			break
		}
	}
	return out, nil
}

// importExample serves an import's example file, written from the
// columns the parser reads.
func (c *Console) importExample(w http.ResponseWriter, r *http.Request, s *Session) error {
	k, err := kindFor(s, r.PathValue("what"))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := central.WriteImportExample(&b, k.What); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="fieldbench-`+k.What+`-example.csv"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// importFile imports the uploaded CSV file with central.DB.Import, as the
// API does (the same checks and refusals; nothing written when any row is
// bad), and records it in the audit. A refused file shows the page again
// (400) with each bad row's line and reason; an imported one comes back to
// the page with the number of rows.
func (c *Console) importFile(w http.ResponseWriter, r *http.Request, s *Session) error {
	k, err := kindFor(s, r.PathValue("what"))
	if err != nil {
		return err
	}
	kind := s.T.Text(k.Title.Key, k.Title.Message, nil)
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return c.renderImports(w, r, s, http.StatusBadRequest, &refusalView{Kind: kind,
			Message: s.T.Text("console.imports.no_file", "Choose a CSV file to import, then press Import.", nil)})
	} else if err != nil {
		return formError(err)
	}
	defer f.Close()
	name := fileName(hdr.Filename)
	// The route's bound on a multipart body (csrf.go) refuses a larger
	// request (413) before this handler runs; this bound is the import's
	// own, whatever that one becomes.
	data, err := io.ReadAll(io.LimitReader(f, central.MaxImportBytes+1))
	if err != nil {
		return formError(err)
	}
	if len(data) > central.MaxImportBytes {
		return c.renderImports(w, r, s, http.StatusRequestEntityTooLarge, &refusalView{Kind: kind, File: name, Message: tooLargeText(s)})
	}
	n, err := c.db.Import(r.Context(), s.Principal(), k.What, data)
	if app.ErrorCode(err) == app.EINVALID {
		return c.renderImports(w, r, s, http.StatusBadRequest, refusal(s, kind, name, err))
	} else if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	detail, err := json.Marshal(importDetail{What: k.What, Rows: n, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return err
	}
	if err := c.audit(r.Context(), s, "import."+k.What, name, string(detail)); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.imports.done", "{{.Kind}}: {{.File}} is imported. Rows imported: {{.Rows}}.", map[string]any{"Kind": kind, "File": name, "Rows": s.T.Count(int64(n))}); err != nil {
		return err
	}
	http.Redirect(w, r, "/imports", http.StatusSeeOther)
	return nil
}

// tooLargeText refuses a file over central.MaxImportBytes.
func tooLargeText(s *Session) string {
	return s.T.Text("console.imports.too_large", "The file is larger than {{.MaxSize}}: split it into smaller files and import each.", map[string]any{"MaxSize": s.T.Size(central.MaxImportBytes)})
}

// refusal is a refused file as the page shows it, in the session's
// language.
func refusal(s *Session, kind, file string, err error) *refusalView {
	v := &refusalView{Kind: kind, File: file}
	var ref *central.ImportRefusal
	if !errors.As(err, &ref) {
		e := app.AsError(err)
		v.Message = appErrorText(s.T, e)
		return v
	}
	for _, row := range ref.Rows {
		v.Rows = append(v.Rows, rowView{Line: row.Line, Reason: s.T.Text(row.Err.Key, row.Err.Message, row.Err.Data)})
	}
	v.More, v.Count = ref.More, len(ref.Rows)
	return v
}

// fileName is the uploaded file's name as the page and the audit keep it:
// without a path (old browsers send one), at most maxImportFileName bytes.
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > maxImportFileName {
		name = name[:maxImportFileName]
		for !utf8.ValidString(name) {
			name = name[:len(name)-1]
		}
	}
	return name
}

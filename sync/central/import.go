package central

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldbench/fieldbench/app"
)

// What an import can hold.
const (
	ImportParts = "parts" // the parts catalog
	ImportStock = "stock" // stock received at locations
	ImportRules = "rules" // warranty rules, one row per rule
)

// ImportKinds lists what Import takes, in the order to offer them.
var ImportKinds = []string{ImportParts, ImportStock, ImportRules}

// MaxImportBytes bounds an import file, over the API and in the console.
const MaxImportBytes = 32 << 20

// maxImportErrors bounds the row errors listed for a refused file.
const maxImportErrors = 50

// RowError is why one row of an import file was refused: its line (the
// header is line 1) and the reason, an app.Error its reader translates.
type RowError struct {
	Line int
	Err  *app.Error
}

// ImportRefusal is a refused import file: every bad row, in line order.
// Import returns it wrapped around the import.refused app.Error (which it
// unwraps to, so app.ErrorCode and app.AsError see that error, whose English
// message lists the rows); callers that show each row in the reader's
// language (the console, the API's "rows") find it with errors.As.
type ImportRefusal struct {
	Rows []RowError // at most maxImportErrors
	More bool       // checking stopped at the bound: rows after the last listed may be bad too
	err  *app.Error
}

func (r *ImportRefusal) Error() string { return r.err.Error() }
func (r *ImportRefusal) Unwrap() error { return r.err }

// importError is the refusal of a file, listing every bad row with its
// line number; the English list is the error's data "Rows", as before
// rows had a structure.
func importError(rows []RowError, more bool) error {
	lines := make([]string, 0, len(rows)+1)
	for _, r := range rows {
		lines = append(lines, fmt.Sprintf("line %d: %s", r.Line, r.Err.Text()))
	}
	if more {
		lines = append(lines, "(more errors not shown)")
	}
	return &ImportRefusal{Rows: rows, More: more,
		err: app.Errorf(app.EINVALID, "import.refused", "The file was refused; nothing was imported. Fix these rows and import it again:\n{{.Rows}}", "Rows", strings.Join(lines, "\n"))}
}

// Import loads a CSV file of parts, stock or warranty rules. Every row is
// validated first; a file with any bad row is refused whole, with the line
// numbers of the bad rows, and changes nothing.
func (db *DB) Import(ctx context.Context, p Principal, what string, data []byte) (int, error) {
	if p.Role != app.RoleDispatcher && p.Role != app.RoleSystem {
		return 0, app.Errorf(app.EFORBIDDEN, "auth.wrong_role", "This account may not do this.")
	}
	if !utf8.Valid(data) {
		return 0, app.Errorf(app.EINVALID, "import.not_utf8", "The file is not UTF-8 text; save it as CSV UTF-8 and import it again.")
	}
	var ds app.Dataset
	var err error
	switch what {
	case ImportParts:
		ds.Parts, err = parsePartsCSV(data)
	case ImportStock:
		var lines []int
		ds.Movements, lines, err = parseStockCSV(data, db.now())
		err = db.checkStockRefs(ctx, p.Tenant, ds.Movements, lines, err)
	case ImportRules:
		ds.RuleSets, err = parseRulesCSV(data)
	default:
		return 0, errUnknownImport(what)
	}
	if err != nil {
		return 0, err
	}
	if err := db.LoadDataset(ctx, p.Tenant, ds); err != nil {
		return 0, err
	}
	return ds.Rows(), nil
}

// csvRows reads a CSV with a header row and calls row for each data row
// with its line number and its fields by header name. Errors are
// collected per row, not returned at the first one. columns, if not nil,
// checks the header (lower-cased) before any row is read: a column every
// row would be refused for is named once.
func csvRows(data []byte, required []string, columns func(header []string) error, row func(line int, f map[string]string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return app.Errorf(app.EINVALID, "import.empty", "The file has nothing to import: it needs a first row naming the columns, then a row for each record.")
	}
	if err != nil {
		return app.Errorf(app.EINVALID, "import.bad_csv", "The file is not valid CSV: {{.Detail}}", "Detail", err.Error())
	}
	seen := make(map[string]bool, len(header))
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
		// A column named twice would lose one of its values without a
		// word; unnamed columns (a spreadsheet's trailing ones) are unread.
		if header[i] != "" && seen[header[i]] {
			return app.Errorf(app.EINVALID, "import.duplicate_column", "The file's first row names the column {{.Column}} twice (names are read without regard to case); keep one and import the file again.", "Column", header[i])
		}
		seen[header[i]] = true
	}
	var missing []string
	for _, h := range required {
		if !contains(header, h) {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return app.Errorf(app.EINVALID, "import.missing_columns", "The file's first row must name the columns; missing: {{.Columns}}.", "Columns", strings.Join(missing, ", "))
	}
	if columns != nil {
		if err := columns(header); err != nil {
			return err
		}
	}
	var bad []RowError
	more := false
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if len(bad) >= maxImportErrors {
			more = true
			break
		}
		if err != nil {
			// FieldPos may only be asked about a record that parsed.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return app.Errorf(app.EINVALID, "import.bad_csv", "The file is not valid CSV: {{.Detail}}", "Detail", err.Error())
			}
			// The record's first line is where to look for its quotes.
			bad = append(bad, RowError{Line: pe.StartLine, Err: csvRowError(pe)})
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			bad = append(bad, RowError{Line: line, Err: app.Errorf(app.EINVALID, "import.row.field_count", "This row has {{.Fields}} fields but the header has {{.Header}}: look for a missing or extra comma, or put a field holding a comma in quotes.", "Fields", len(rec), "Header", len(header))})
		} else {
			f := make(map[string]string, len(header))
			for i, h := range header {
				f[h] = strings.TrimSpace(rec[i])
			}
			if err := row(line, f); err != nil {
				bad = append(bad, RowError{Line: line, Err: app.AsError(err)})
			}
		}
		n++
	}
	if len(bad) > 0 {
		return importError(bad, more)
	}
	if n == 0 {
		return app.Errorf(app.EINVALID, "import.empty", "The file has nothing to import: it needs a first row naming the columns, then a row for each record.")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// csvRowError is why a record is not CSV: its quotes, as encoding/csv
// finds them.
func csvRowError(pe *csv.ParseError) *app.Error {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return app.Errorf(app.EINVALID, "import.row.bare_quote", `A quote (") stands inside a field that does not start with one: put the whole field in quotes and write the quote inside it twice ("").`)
	case errors.Is(pe.Err, csv.ErrQuote):
		return app.Errorf(app.EINVALID, "import.row.quote", `A field in quotes does not end properly: close it with a quote before the next comma, and write a quote inside it twice ("").`)
	}
	return app.Errorf(app.EINVALID, "import.row.bad_csv", "This row is not valid CSV ({{.Detail}}): save the file again from your spreadsheet as CSV.", "Detail", pe.Err.Error())
}

func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "no", "false", "n":
		return false, nil
	case "1", "yes", "true", "y":
		return true, nil
	}
	return false, app.Errorf(app.EINVALID, "import.row.yes_no", `{{.Column}} must be yes or no, not "{{.Value}}".`, "Column", name, "Value", s)
}

func parseInt(name, s string, lo, hi int) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, app.Errorf(app.EINVALID, "import.row.whole_number", `{{.Column}} must be a whole number from {{.Min}} to {{.Max}}, not "{{.Value}}".`, "Column", name, "Min", lo, "Max", hi, "Value", s)
	}
	return n, nil
}

// parseMoney reads "CNY 199.00" or "199.00" with a default currency.
func parseMoney(name, s, currency string) (app.Money, error) {
	cur, amount, ok := strings.Cut(s, " ")
	if !ok {
		cur, amount = currency, s
	}
	whole, frac, _ := strings.Cut(amount, ".")
	if len(frac) > 2 {
		return app.Money{}, app.Errorf(app.EINVALID, "import.row.money_decimals", `{{.Column}} has more than 2 decimals: "{{.Value}}". Round it to cents.`, "Column", name, "Value", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	m := app.Money{Amount: w*100 + f, Currency: strings.ToUpper(cur)}
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return app.Money{}, app.Errorf(app.EINVALID, "import.row.money", `{{.Column}} must be an amount like CNY 199.00, not "{{.Value}}".`, "Column", name, "Value", s)
	}
	if err := m.Validate(); err != nil {
		return app.Money{}, err
	}
	return m, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parsePartsCSV reads the catalog: number, name_en, name_zh, the part's
// names in other languages as name_<tag> (name_fr, name_es, name_pt, ...:
// app.Part.Names), category, class, brand, models (";"-separated),
// serialized, return_needed, prices (";"-separated, "CNY 199.00; EUR
// 25.00").
func parsePartsCSV(data []byte) ([]app.Part, error) {
	var parts []app.Part
	seen := map[string]int{}
	var nameCols []string // the name_<tag> columns of app.Part.Names, in the file's order
	columns := func(header []string) error {
		nameCols = partNameColumns(header)
		return checkPartNameColumns(nameCols)
	}
	err := csvRows(data, requiredColumns(ImportParts), columns, func(line int, f map[string]string) error {
		p := app.Part{Number: app.PartNumber(f["number"]), NameEN: f["name_en"], NameZH: f["name_zh"], Category: f["category"],
			Class: app.ComponentClass(strings.ToLower(f["class"])), Brand: f["brand"], Models: splitList(f["models"])}
		if prev, dup := seen[strings.ToUpper(f["number"])]; dup {
			return app.Errorf(app.EINVALID, "import.row.duplicate_part", "Part {{.Part}} is also on line {{.Line}}. Keep one of the two rows.", "Part", string(p.Number), "Line", prev)
		}
		seen[strings.ToUpper(f["number"])] = line
		for _, col := range nameCols {
			v := f[col]
			if v == "" {
				continue // no name in that language: its readers read name_en (app.Part.NameFor)
			}
			// Checked here as well as by p.Validate, so that the refusal
			// names the file's column, not the record's field.
			if err := app.CheckName(col, v); err != nil {
				return err
			}
			if p.Names == nil {
				p.Names = map[string]string{}
			}
			p.Names[strings.TrimPrefix(col, "name_")] = v
		}
		var err error
		if p.Serialized, err = parseBool("serialized", f["serialized"]); err != nil {
			return err
		}
		if p.ReturnNeeded, err = parseBool("return_needed", f["return_needed"]); err != nil {
			return err
		}
		for _, s := range splitList(f["prices"]) {
			m, err := parseMoney("prices", s, "")
			if err != nil {
				return err
			}
			p.Prices = append(p.Prices, m)
		}
		if err := p.Validate(); err != nil {
			return err
		}
		parts = append(parts, p)
		return nil
	})
	return parts, err
}

// partNameColumns are the columns of header that hold a part's name in a
// language other than English and Chinese: name_ and a tag, but name_en
// and name_zh (app.Part.NameEN, NameZH).
func partNameColumns(header []string) []string {
	var cols []string
	for _, h := range header {
		if strings.HasPrefix(h, "name_") && h != "name_en" && h != "name_zh" {
			cols = append(cols, h)
		}
	}
	return cols
}

// checkPartNameColumns refuses a parts file whose name_<tag> columns
// (partNameColumns) do not each name one language app.Part.Names may
// hold: a tag app.ValidLangTag takes, not English or Chinese again (their
// names have their own columns, and app.Part.NameFor would never show
// the copy), at most app.MaxNameLangs of them. The header is
// lower-cased, so "name_pt-BR" arrives as "name_pt-br": app compares tags
// without regard to case.
func checkPartNameColumns(cols []string) error {
	for _, col := range cols {
		tag := strings.TrimPrefix(col, "name_")
		primary, _, _ := strings.Cut(tag, "-")
		if !app.ValidLangTag(tag) || primary == "en" || primary == "zh" {
			return app.Errorf(app.EINVALID, "import.parts.name_column", "The file's first row names the column {{.Column}}: a part's name in another language goes in name_ and the language's tag (name_fr, name_es, name_pt), its English name in name_en, its Chinese name in name_zh. Rename the column and import the file again.", "Column", col)
		}
	}
	if len(cols) > app.MaxNameLangs {
		return app.Errorf(app.EINVALID, "import.parts.name_columns", "The file names a part in {{.Count}} other languages (columns name_…); at most {{.Max}}. Leave some out and import the file again.", "Count", len(cols), "Max", app.MaxNameLangs)
	}
	return nil
}

// parseStockCSV reads stock received: location, part, qty, and optionally
// serial, reason and id. A row without an id gets one derived from the
// file and the line, so importing the same file twice adds nothing.
func parseStockCSV(data []byte, now time.Time) ([]app.StockMovement, []int, error) {
	sum := sha256.Sum256(data)
	fileID := hex.EncodeToString(sum[:8])
	var ms []app.StockMovement
	var lines []int
	err := csvRows(data, requiredColumns(ImportStock), nil, func(line int, f map[string]string) error {
		qty, err := parseInt("qty", f["qty"], 1, 1_000_000)
		if err != nil {
			return err
		}
		m := app.StockMovement{ID: f["id"], Kind: app.MoveReceive, Part: app.PartNumber(f["part"]), To: app.LocationID(f["location"]),
			Qty: qty, Serial: f["serial"], Reason: f["reason"], At: now, Recorded: "import"}
		if m.ID == "" {
			m.ID = fmt.Sprintf("import-%s-%d", fileID, line)
		}
		if err := m.Validate(); err != nil {
			return err
		}
		ms, lines = append(ms, m), append(lines, line)
		return nil
	})
	return ms, lines, err
}

// checkStockRefs refuses stock rows naming unknown parts or locations.
// parsed is parseStockCSV's error: its bad rows join those found here, in
// line order, so that one answer names every bad row; another error is
// returned as it is.
func (db *DB) checkStockRefs(ctx context.Context, tenant string, ms []app.StockMovement, lines []int, parsed error) error {
	var bad []RowError
	more := false
	var refusal *ImportRefusal
	if errors.As(parsed, &refusal) {
		bad, more = refusal.Rows, refusal.More
	} else if parsed != nil {
		return parsed
	}
	found := 0
	known := map[string]bool{}
	for i, m := range ms {
		for _, ref := range [][2]string{{kindPart, string(m.Part)}, {kindLocation, string(m.To)}} {
			key := ref[0] + "/" + ref[1]
			ok, seen := known[key]
			if !seen {
				var v map[string]any
				err := db.readEntity(ctx, tenant, ref[0], ref[1], &v)
				if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
					return err
				}
				ok = err == nil
				known[key] = ok
			}
			if !ok {
				bad = append(bad, RowError{Line: lines[i], Err: unknownRef(ref[0], ref[1])})
				found++
			}
		}
		if found >= maxImportErrors {
			more = more || i < len(ms)-1
			break
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.SortStableFunc(bad, func(a, b RowError) int { return a.Line - b.Line })
	if len(bad) > maxImportErrors {
		bad, more = bad[:maxImportErrors], true
	}
	return importError(bad, more)
}

// unknownRef is the reason of a stock row naming a part or a location
// the tenant does not have.
func unknownRef(kind, id string) *app.Error {
	if kind == kindPart {
		return app.Errorf(app.EINVALID, "import.row.unknown_part", "There is no part {{.Part}} in the catalog: correct the number, or import the part with the parts first.", "Part", id)
	}
	return app.Errorf(app.EINVALID, "import.row.unknown_location", "There is no location {{.Location}}: correct its ID (a store, van or warehouse the service knows).", "Location", id)
}

// parseRulesCSV reads warranty rules, one row per rule; the rule set's own
// columns (version, country, currency, tax_basis_points, tax_name,
// labour_rate, call_out_fee) repeat on each of its rows and must agree.
// Columns: rule_set, version, country, currency, tax_basis_points, tax_name,
// labour_rate, call_out_fee, category, brand, model, unit_months,
// main_months, battery_months, accessory_months, no_proof_grace_days,
// refund_days, exchange_days, exclusions (";"-separated), legal_basis,
// and the rule set's name in each language as name_<tag> (name_en,
// name_zh-Hans, ...; app requires name_en), and the rule's legal basis
// in other languages as legal_basis_<tag>.
func parseRulesCSV(data []byte) ([]app.RuleSet, error) {
	var sets []app.RuleSet
	index := map[string]int{}
	err := csvRows(data, requiredColumns(ImportRules), nil, func(line int, f map[string]string) error {
		version, err := parseInt("version", f["version"], 1, 1<<30)
		if err != nil {
			return err
		}
		tax, err := parseInt("tax_basis_points", f["tax_basis_points"], 0, 10000)
		if err != nil {
			return err
		}
		cur := strings.ToUpper(f["currency"])
		rs := app.RuleSet{ID: f["rule_set"], Version: version, Country: strings.ToUpper(f["country"]), Currency: cur, TaxBasisPts: tax, TaxName: f["tax_name"]}
		if rs.ID == "" || len(rs.Country) != 2 {
			return app.Errorf(app.EINVALID, "import.row.rule_set_country", "Each row needs a rule_set and a two-letter country code (CN, DE, NG…).")
		}
		for col, v := range f {
			// The header is lower-cased, so tags arrive as "zh-hans":
			// app compares tags without regard to case.
			if tag, ok := strings.CutPrefix(col, "name_"); ok && v != "" {
				if rs.Names == nil {
					rs.Names = map[string]string{}
				}
				rs.Names[tag] = v
			}
		}
		if s := f["labour_rate"]; s != "" {
			if rs.LabourRate, err = parseMoney("labour_rate", s, cur); err != nil {
				return err
			}
		}
		if s := f["call_out_fee"]; s != "" {
			if rs.CallOutFee, err = parseMoney("call_out_fee", s, cur); err != nil {
				return err
			}
		}
		rule := app.WarrantyRule{Category: app.Category(strings.ToLower(f["category"])), Brand: f["brand"], Model: f["model"],
			Periods: map[app.ComponentClass]app.Period{}, LegalBasis: f["legal_basis"]}
		for col, v := range f {
			if tag, ok := strings.CutPrefix(col, "legal_basis_"); ok && v != "" {
				if rule.LegalBasisTexts == nil {
					rule.LegalBasisTexts = map[string]string{}
				}
				rule.LegalBasisTexts[tag] = v
			}
		}
		if !rule.Category.Valid() {
			return app.Errorf(app.EINVALID, "import.row.category", `Unknown category "{{.Value}}": use phone, appliance, pc or server.`, "Value", f["category"])
		}
		for _, c := range app.ComponentClasses {
			n, err := parseInt(string(c)+"_months", f[string(c)+"_months"], 0, 240)
			if err != nil {
				return err
			}
			if n > 0 || c == app.ClassUnit {
				rule.Periods[c] = app.Period{Months: n}
			}
		}
		if rule.NoProofGraceDays, err = parseInt("no_proof_grace_days", f["no_proof_grace_days"], 0, 3650); err != nil {
			return err
		}
		for _, w := range []struct {
			col    string
			remedy app.Remedy
		}{{"refund_days", app.RemedyRefund}, {"exchange_days", app.RemedyExchange}} {
			n, err := parseInt(w.col, f[w.col], 0, 3650)
			if err != nil {
				return err
			}
			if n > 0 {
				rule.Remedies = append(rule.Remedies, app.RemedyWindow{Remedy: w.remedy, Days: n})
			}
		}
		for _, x := range splitList(f["exclusions"]) {
			e := app.Exclusion(strings.ToLower(x))
			if e != app.ExcludeLiquid && e != app.ExcludePhysical && e != app.ExcludeUnauthorized {
				return app.Errorf(app.EINVALID, "import.row.exclusion", `Unknown exclusion "{{.Value}}": use liquid_damage, physical_damage or unauthorized_repair.`, "Value", x)
			}
			rule.Exclusions = append(rule.Exclusions, e)
		}
		i, ok := index[rs.ID]
		if !ok {
			index[rs.ID] = len(sets)
			rs.EffectiveAt = time.Time{}
			sets = append(sets, rs)
			i = len(sets) - 1
		} else {
			prev := sets[i]
			if prev.Version != rs.Version || prev.Country != rs.Country || prev.Currency != rs.Currency || prev.TaxBasisPts != rs.TaxBasisPts || !maps.Equal(prev.Names, rs.Names) {
				return app.Errorf(app.EINVALID, "import.row.rule_set_differs", "Rule set {{.RuleSet}} has another version, country, currency, tax or names on an earlier row: give all its rows the same.", "RuleSet", rs.ID)
			}
		}
		sets[i].Rules = append(sets[i].Rules, rule)
		return nil
	})
	return sets, err
}

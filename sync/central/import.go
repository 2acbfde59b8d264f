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

// maxImportErrors bounds the row errors listed for a refused file.
const maxImportErrors = 50

// importError is the refusal of a file, listing every bad row with its
// line number.
func importError(rows []string) error {
	return app.Errorf(app.EINVALID, "import.refused", "The file was refused; nothing was imported. Fix these rows and import it again:\n{{.Rows}}", "Rows", strings.Join(rows, "\n"))
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
		if ds.Movements, lines, err = parseStockCSV(data, db.now()); err == nil {
			err = db.checkStockRefs(ctx, p.Tenant, ds.Movements, lines)
		}
	case ImportRules:
		ds.RuleSets, err = parseRulesCSV(data)
	default:
		return 0, app.Errorf(app.ENOTFOUND, "import.unknown", "Unknown import {{.What}}: use parts, stock or rules.", "What", what)
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
// collected per row, not returned at the first one.
func csvRows(data []byte, required []string, row func(line int, f map[string]string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return app.Errorf(app.EINVALID, "import.empty", "The file is empty.")
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
	var bad []string
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos may only be asked about a record that parsed.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			bad = append(bad, fmt.Sprintf("line %d: %s", line, strings.TrimPrefix(err.Error(), "record on ")))
			if len(bad) >= maxImportErrors {
				break
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			bad = append(bad, fmt.Sprintf("line %d: %d fields, the header has %d", line, len(rec), len(header)))
		} else {
			f := make(map[string]string, len(header))
			for i, h := range header {
				f[h] = strings.TrimSpace(rec[i])
			}
			if err := row(line, f); err != nil {
				bad = append(bad, fmt.Sprintf("line %d: %s", line, app.ErrorMessage(err)))
			}
		}
		n++
		if len(bad) >= maxImportErrors {
			bad = append(bad, "(more errors not shown)")
			break
		}
	}
	if len(bad) > 0 {
		return importError(bad)
	}
	if n == 0 {
		return app.Errorf(app.EINVALID, "import.empty", "The file is empty.")
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

func rowError(format string, args ...any) error {
	return app.Errorf(app.EINVALID, "import.bad_row", "{{.Detail}}", "Detail", fmt.Sprintf(format, args...))
}

func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "no", "false", "n":
		return false, nil
	case "1", "yes", "true", "y":
		return true, nil
	}
	return false, rowError("%s must be yes or no, not %q", name, s)
}

func parseInt(name, s string, lo, hi int) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, rowError("%s must be a whole number from %d to %d, not %q", name, lo, hi, s)
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
		return app.Money{}, rowError("%s has more than 2 decimals: %q", name, s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	m := app.Money{Amount: w*100 + f, Currency: strings.ToUpper(cur)}
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return app.Money{}, rowError("%s must be an amount like CNY 199.00, not %q", name, s)
	}
	if err := m.Validate(); err != nil {
		return app.Money{}, rowError("%s: %s", name, app.ErrorMessage(err))
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

// parsePartsCSV reads the catalog: number, name_en, name_zh, category,
// class, brand, models (";"-separated), serialized, return_needed, prices
// (";"-separated, "CNY 199.00; EUR 25.00").
func parsePartsCSV(data []byte) ([]app.Part, error) {
	var parts []app.Part
	seen := map[string]int{}
	err := csvRows(data, []string{"number", "name_en", "class"}, func(line int, f map[string]string) error {
		p := app.Part{Number: app.PartNumber(f["number"]), NameEN: f["name_en"], NameZH: f["name_zh"], Category: f["category"],
			Class: app.ComponentClass(strings.ToLower(f["class"])), Brand: f["brand"], Models: splitList(f["models"])}
		if prev, dup := seen[strings.ToUpper(f["number"])]; dup {
			return rowError("part %s is also on line %d", p.Number, prev)
		}
		seen[strings.ToUpper(f["number"])] = line
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

// parseStockCSV reads stock received: location, part, qty, and optionally
// serial, reason and id. A row without an id gets one derived from the
// file and the line, so importing the same file twice adds nothing.
func parseStockCSV(data []byte, now time.Time) ([]app.StockMovement, []int, error) {
	sum := sha256.Sum256(data)
	fileID := hex.EncodeToString(sum[:8])
	var ms []app.StockMovement
	var lines []int
	err := csvRows(data, []string{"location", "part", "qty"}, func(line int, f map[string]string) error {
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
func (db *DB) checkStockRefs(ctx context.Context, tenant string, ms []app.StockMovement, lines []int) error {
	var bad []string
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
				bad = append(bad, fmt.Sprintf("line %d: unknown %s %s", lines[i], strings.ReplaceAll(ref[0], "_", " "), ref[1]))
			}
		}
		if len(bad) >= maxImportErrors {
			break
		}
	}
	if len(bad) > 0 {
		return importError(bad)
	}
	return nil
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
	err := csvRows(data, []string{"rule_set", "version", "country", "currency", "name_en", "category", "unit_months"}, func(line int, f map[string]string) error {
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
			return rowError("rule_set and a two-letter country are required")
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
			return rowError("unknown category %q", f["category"])
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
				return rowError("unknown exclusion %q", x)
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
				return rowError("rule set %s has other version, country, currency, tax or names on an earlier row", rs.ID)
			}
		}
		sets[i].Rules = append(sets[i].Rules, rule)
		return nil
	})
	return sets, err
}

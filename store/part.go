package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"

	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/fieldbench/fieldbench/app"
)

var _ app.PartService = (*PartService)(nil)

// PartService implements app.PartService on a DB.
type PartService struct{ db *DB }

// NewPartService returns the parts and stock service of db.
func NewPartService(db *DB) *PartService { return &PartService{db: db} }

// Default and maximum number of parts FindParts returns.
const (
	defaultPartLimit = 50
	maxPartLimit     = 500
)

// partCols are the columns scanPart reads, from a table aliased p.
const partCols = `p.id, p.number, p.name_en, p.name_zh, p.category, p.class, p.brand,
	p.serialized, p.return_needed, p.models, p.prices, p.names`

// The queries of FindParts (plan_test.go pins their plans).
const (
	// partsByPrefix: the UNIQUE NOCASE index on number serves the range.
	// "\xff" never occurs in UTF-8, so every number starting with a prefix
	// sorts below prefix+"\xff".
	partsByPrefix = `SELECT ` + partCols + ` FROM parts p WHERE p.number >= ? AND p.number < ?`
	allParts      = `SELECT ` + partCols + ` FROM parts p`
	// ofModel narrows partsByPrefix. The unary + keeps the planner on the
	// number index instead of looking up every part of the model.
	ofModel  = ` AND +p.id IN (SELECT part FROM part_models WHERE model = ?)`
	byNumber = ` ORDER BY p.number LIMIT ?`
	// partsOfModel: CROSS JOIN makes SQLite start from the model's few
	// hundred parts rather than walk the catalog in number order.
	partsOfModel = `SELECT ` + partCols + ` FROM part_models m CROSS JOIN parts p ON p.id = m.part
		WHERE m.model = ? ORDER BY p.number LIMIT ?`
	// partsMatching: FTS5 yields matches in rowid order, lazily, so
	// reading stops at the limit. ORDER BY rank would score every match
	// first (20 ms for a common word on 100,000 parts).
	partsMatching = `SELECT ` + partCols + ` FROM parts_fts f JOIN parts p ON p.id = f.rowid WHERE parts_fts MATCH ?`
)

func scanPart(rows interface{ Scan(...any) error }) (int64, app.Part, error) {
	var r partRow
	if err := rows.Scan(r.dest()...); err != nil {
		return 0, app.Part{}, err
	}
	p, err := r.part()
	if err != nil {
		return 0, app.Part{}, err
	}
	return r.id, p, nil
}

// partRow is partCols as Scan reads them (the commit's head reads them
// too, commitHeadStock); part decodes the lists.
type partRow struct {
	id                    int64
	p                     app.Part
	models, prices, names string
}

func (r *partRow) dest() []any {
	return []any{&r.id, &r.p.Number, &r.p.NameEN, &r.p.NameZH, &r.p.Category, &r.p.Class, &r.p.Brand,
		&r.p.Serialized, &r.p.ReturnNeeded, &r.models, &r.prices, &r.names}
}

func (r *partRow) part() (app.Part, error) {
	p := r.p
	var err error
	p.Models = decodeModels(r.models)
	if p.Prices, err = decodePrices(r.prices); err == nil && r.names != "" {
		err = json.Unmarshal([]byte(r.names), &p.Names)
	}
	if err != nil {
		return app.Part{}, app.Errorf(app.ECORRUPT, "store.part_damaged", "The catalog entry of part {{.Number}} is damaged. Sync to download the catalog again.", "Number", string(p.Number)).WithCause(err)
	}
	return p, nil
}

// encodeNames is a part's Names as the names column holds them: a JSON
// object, ” for none.
func encodeNames(names map[string]string) (string, error) {
	if len(names) == 0 {
		return "", nil
	}
	b, err := json.Marshal(names)
	return string(b), err
}

// FindParts searches the catalog. Every word of f.Query must match: a word
// of three or more characters matches anywhere in the part number, English
// name, Chinese name or a name in another language (app.Part.Names; compared folded by app.Fold, as the ticket search
// compares: case, accents and ligatures ignored, full-width forms their
// ASCII, so "oeillet" finds "Œillet" and "ＨＢ－" "HB-"); a shorter Chinese (or
// Japanese, Korean) word matches anywhere; a two-letter word matches the
// start of a word (a single letter or digit only narrows nothing). A one-word
// query also matches part-number prefixes, which come first, by number;
// other matches follow in catalog order. f.Model restricts the result to
// parts compatible with that model, compared by app.ModelKey (folded as
// the words are: the ticket's "Ｍａｔｅ　６０" is the catalog's "Mate 60").
//
// Search is fastest after DB.Optimize.
func (s *PartService) FindParts(ctx context.Context, f app.PartFilter) ([]app.Part, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPartLimit
	}
	limit = min(limit, maxPartLimit)
	words := queryWords(f.Query)
	model := app.ModelKey(f.Model)

	out := []app.Part{}
	seen := map[int64]bool{}
	add := func(q string, args ...any) error {
		rows, err := s.db.read.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for len(out) < limit && rows.Next() {
			id, p, err := scanPart(rows)
			if err != nil {
				return err
			}
			if seen[id] || (model != "" && !p.Fits(model)) {
				continue
			}
			seen[id] = true
			out = append(out, p)
		}
		return rows.Err()
	}
	err := func() error {
		if len(words) == 0 {
			if model == "" {
				return add(allParts+byNumber, limit) // the first page
			}
			return add(partsOfModel, model, limit)
		}
		if len(words) == 1 {
			for _, prefix := range numberPrefixes(words[0]) {
				q, args := partsByPrefix, []any{prefix, prefix + "\xff"}
				if model != "" {
					q += ofModel
					args = append(args, model)
				}
				if err := add(q+byNumber, append(args, limit)...); err != nil {
					return err
				}
			}
		}
		match := matchExpr(foldWords(words))
		if match == "" || len(out) >= limit {
			return nil
		}
		if model != "" {
			// The model's token narrows the match inside the index;
			// add checks the model itself, as tokens may collide.
			match += " AND " + quoteFTS(privateToken(model))
		}
		return add(partsMatching, match)
	}()
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	return out, nil
}

// CountParts counts what FindParts finds for f without a limit: the ids of
// the number-prefix and text matches, restricted to the model's parts. The
// model is checked through part_models, exactly, where FindParts checks
// each part it reads.
func (s *PartService) CountParts(ctx context.Context, f app.PartFilter) (int, error) {
	words := queryWords(f.Query)
	model := app.ModelKey(f.Model)
	var parts []string
	var args []any
	if len(words) == 1 {
		for _, prefix := range numberPrefixes(words[0]) {
			parts = append(parts, `SELECT id FROM parts WHERE number >= ? AND number < ?`)
			args = append(args, prefix, prefix+"\xff")
		}
	}
	if match := matchExpr(foldWords(words)); match != "" {
		parts = append(parts, `SELECT rowid AS id FROM parts_fts WHERE parts_fts MATCH ?`)
		args = append(args, match)
	}
	var q string
	switch {
	case len(words) == 0 && model == "":
		q = `SELECT count(*) FROM parts`
	case len(words) == 0:
		q, args = `SELECT count(*) FROM part_models WHERE model = ?`, []any{model}
	case len(parts) == 0:
		return 0, nil // words FindParts cannot search for
	default:
		q = `SELECT count(*) FROM (` + strings.Join(parts, ` UNION `) + `) m`
		if model != "" {
			q += ` WHERE m.id IN (SELECT part FROM part_models WHERE model = ?)`
			args = append(args, model)
		}
	}
	var n int
	err := s.db.read.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, s.db.sqlError(err)
}

// queryWords splits a query into words. Control characters separate
// words: NUL would end the FTS5 query string early, and \x01 is padding.
func queryWords(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// numberPrefixes are the prefixes a one-word query w looks part numbers
// up by, in the number index (NOCASE, which folds ASCII letters only): w
// as typed, and w folded (app.Fold) when the fold makes more of it than
// lower case: a Chinese input method's full-width "００２１４６４５５０Ａ"
// is the number "0021464550A". The word as typed stays first, so a number
// holding letters the fold changes is still found by its start as before.
func numberPrefixes(w string) []string {
	if f := app.Fold(w); f != strings.ToLower(w) {
		return []string{w, f}
	}
	return []string{w}
}

// foldWords are query words as the search indexes hold their text
// (app.Fold, the board's rule): the part search's and the ticket search's
// entries are folded alike, the query's words too.
func foldWords(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = app.Fold(w)
	}
	return out
}

// Part returns ENOTFOUND for an unknown part number; case is ignored.
func (s *PartService) Part(ctx context.Context, n app.PartNumber) (app.Part, error) {
	p, err := getPart(ctx, s.db.read, n)
	return p, s.db.sqlError(err)
}

// partByNumber reads a part by its number, case ignored (the column's
// NOCASE collation).
const partByNumber = `SELECT ` + partCols + ` FROM parts p WHERE p.number = ?`

func getPart(ctx context.Context, q rowQueryer, n app.PartNumber) (app.Part, error) {
	_, p, err := scanPart(q.QueryRowContext(ctx, partByNumber, string(n)))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Part{}, errPartNotFound(n)
	}
	return p, err
}

func errPartNotFound(n app.PartNumber) error {
	return app.Errorf(app.ENOTFOUND, "part.not_found", "Part {{.Number}} is not in the catalog on this device. Check the number, or sync to update the catalog.", "Number", string(n))
}

// The list columns of parts. A unit separator (\x1f) never occurs in a
// model name or currency code (Load refuses it), so the encodings are a
// join and a split, an order of magnitude cheaper than JSON per row.
const listSep = "\x1f"

func encodeModels(models []string) (string, error) {
	for _, m := range models {
		if strings.Contains(m, listSep) {
			return "", app.Errorf(app.EINVALID, "part.invalid.model", "Model name {{.Model}} contains a control character.", "Model", m)
		}
	}
	return strings.Join(models, listSep), nil
}

func decodeModels(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, listSep)
}

// encodePrices writes "CNY 19900\x1fEUR 2900".
func encodePrices(prices []app.Money) (string, error) {
	var b strings.Builder
	for i, m := range prices {
		if strings.ContainsAny(m.Currency, listSep+" ") || m.Currency == "" {
			return "", app.Errorf(app.EINVALID, "money.invalid_currency", "Invalid currency code {{.Currency}}.", "Currency", m.Currency)
		}
		if i > 0 {
			b.WriteString(listSep)
		}
		b.WriteString(m.Currency)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(m.Amount, 10))
	}
	return b.String(), nil
}

func decodePrices(s string) ([]app.Money, error) {
	out := []app.Money{}
	if s == "" {
		return out, nil
	}
	for _, item := range strings.Split(s, listSep) {
		cur, amount, ok := strings.Cut(item, " ")
		if !ok || cur == "" {
			return nil, fmt.Errorf("malformed price %q", item)
		}
		a, err := strconv.ParseInt(amount, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("malformed price %q: %w", item, err)
		}
		out = append(out, app.Money{Currency: cur, Amount: a})
	}
	return out, nil
}

// balancesQuery sums a location's ledger, from the two partial covering
// indexes of movements; unsent is 1 for a movement this device made that
// the server has not acknowledged yet.
const balancesQuery = `
	WITH acked AS (SELECT acked_seq AS seq FROM device WHERE id = 1),
	deltas AS (
		SELECT part, qty AS qty, coalesce(outbox_seq > (SELECT seq FROM acked), 0) AS unsent
		FROM movements WHERE to_loc = ?1
		UNION ALL
		SELECT part, -qty, coalesce(outbox_seq > (SELECT seq FROM acked), 0)
		FROM movements WHERE from_loc = ?1
	)
	SELECT part, sum(qty), sum(qty * unsent) FROM deltas
	GROUP BY part HAVING sum(qty) <> 0 OR sum(qty * unsent) <> 0
	ORDER BY part`

// Balances returns the stock of each part at loc that is not zero (or has
// unsent movements), summed from the ledger and ordered by part number.
// Balances can be negative: consumption is a fact even when the count was
// wrong. Pending is the part of Qty made on this device and not yet
// accepted by the server.
func (s *PartService) Balances(ctx context.Context, loc app.LocationID) ([]app.Balance, error) {
	rows, err := s.db.read.QueryContext(ctx, balancesQuery, string(loc))
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	defer rows.Close()
	out := []app.Balance{}
	for rows.Next() {
		b := app.Balance{Location: loc}
		if err := rows.Scan(&b.Part, &b.Qty, &b.Pending); err != nil {
			return nil, s.db.sqlError(err)
		}
		out = append(out, b)
	}
	return out, s.db.sqlError(rows.Err())
}

// Locations lists the stock locations known on this device by kind and name.
func (s *PartService) Locations(ctx context.Context) ([]app.Location, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, kind, name, owner FROM locations ORDER BY kind, name, id`)
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	defer rows.Close()
	out := []app.Location{}
	for rows.Next() {
		var l app.Location
		if err := rows.Scan(&l.ID, &l.Kind, &l.Name, &l.Owner); err != nil {
			return nil, s.db.sqlError(err)
		}
		out = append(out, l)
	}
	return out, s.db.sqlError(rows.Err())
}

// maxArrivals bounds Arrivals' limit per part.
const maxArrivals = 100

// Arrivals returns the latest movements into loc of each of parts, newest
// first, at most limit (1 to maxArrivals) of each.
func (s *PartService) Arrivals(ctx context.Context, loc app.LocationID, parts []app.PartNumber, limit int) ([]app.StockMovement, error) {
	limit = min(max(limit, 1), maxArrivals)
	out := []app.StockMovement{}
	for _, n := range parts {
		rows, err := s.db.read.QueryContext(ctx, `SELECT id, kind, part, coalesce(from_loc, ''), to_loc, qty, serial, ticket_id, reason, at, recorded_by, shipment, source
			FROM movements WHERE to_loc = ? AND part = ? ORDER BY at DESC, id LIMIT ?`, string(loc), string(n), limit)
		if err != nil {
			return nil, s.db.sqlError(err)
		}
		for rows.Next() {
			var m app.StockMovement
			var at sql.NullInt64
			if err := rows.Scan(&m.ID, &m.Kind, &m.Part, &m.From, &m.To, &m.Qty, &m.Serial, &m.Ticket, &m.Reason, &at, &m.Recorded, &m.Shipment, &m.Source); err != nil {
				rows.Close()
				return nil, s.db.sqlError(err)
			}
			m.At = fromNsec(at)
			out = append(out, m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.db.sqlError(err)
		}
	}
	return out, nil
}

// unitsQuery sums a part's movements at a location by serial.
const unitsQuery = `
	SELECT serial FROM (
		SELECT serial, qty AS d FROM movements WHERE to_loc = ?1 AND part = ?2 AND serial <> ''
		UNION ALL
		SELECT serial, -qty FROM movements WHERE from_loc = ?1 AND part = ?2 AND serial <> ''
	) GROUP BY serial HAVING sum(d) > 0 ORDER BY serial LIMIT ?3`

// Units returns the serials of part held at loc.
func (s *PartService) Units(ctx context.Context, loc app.LocationID, part app.PartNumber) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, unitsQuery, string(loc), string(part), app.MaxCountParts)
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var serial string
		if err := rows.Scan(&serial); err != nil {
			return nil, s.db.sqlError(err)
		}
		out = append(out, serial)
	}
	return out, s.db.sqlError(rows.Err())
}

// findUnitsQuery sums the movements at a location of each part's units
// whose serial is ?2, as unitsQuery does. It reads the serial's movements
// through movements_serial (0027), whose partial condition (a serial not
// empty) it repeats so the planner may use it: a scan, and each keystroke
// in the add-part dialog's serial box, costs the few movements of one
// serial (0.2 ms). Through movements_to and movements_from it walked the
// whole ledger of the van or shelf: 10 ms of CPU a look-up on a van that
// fitted 10,000 units, 0.4 s at 100,000 (docs/BENCHMARKS.md, "The serial
// note's look-up").
const findUnitsQuery = `
	SELECT part, serial FROM (
		SELECT part, serial, qty AS d FROM movements WHERE serial = ?2 COLLATE NOCASE AND serial <> '' AND to_loc = ?1
		UNION ALL
		SELECT part, serial, -qty FROM movements WHERE serial = ?2 COLLATE NOCASE AND serial <> '' AND from_loc = ?1
	) GROUP BY part, serial HAVING sum(d) > 0 ORDER BY part, serial LIMIT ?3`

// maxFoundUnits bounds FindUnits: the same serial on units of more parts
// than this is no serial a technician can pick by.
const maxFoundUnits = 20

// FindUnits returns the units at loc with serial, by part number.
func (s *PartService) FindUnits(ctx context.Context, loc app.LocationID, serial string) ([]app.Unit, error) {
	out := []app.Unit{}
	serial = strings.TrimSpace(serial)
	if serial == "" {
		return out, nil
	}
	rows, err := s.db.read.QueryContext(ctx, findUnitsQuery, string(loc), serial, maxFoundUnits)
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u app.Unit
		if err := rows.Scan(&u.Part, &u.Serial); err != nil {
			return nil, s.db.sqlError(err)
		}
		out = append(out, u)
	}
	return out, s.db.sqlError(rows.Err())
}

// unitFitsQuery reads the part uses of part ?2 whose serial is ?1, newest
// first, with their ticket's number and customer, and whether a defective
// return of the same part and serial came at or after each. Both tables
// are read through their serial indexes (0027_unit_fits.sql), whose
// partial condition (a serial not empty) the query repeats so the planner
// may use them.
const unitFitsQuery = `
	SELECT u.ticket_id, t.number, t.customer_name, u.part, u.serial, u.at,
		EXISTS (SELECT 1 FROM movements m WHERE m.serial = u.serial COLLATE NOCASE AND m.serial <> '' AND m.part = u.part
			AND m.kind = 'return_defective' AND m.at >= u.at)
	FROM parts_used u JOIN tickets t ON t.id = u.ticket_id
	WHERE u.serial = ?1 COLLATE NOCASE AND u.serial <> '' AND u.part = ?2
	ORDER BY u.at DESC, u.id LIMIT ?3`

// UnitFits returns the fits of part's unit with serial on this device.
func (s *PartService) UnitFits(ctx context.Context, part app.PartNumber, serial string) ([]app.UnitFit, error) {
	out := []app.UnitFit{}
	serial = strings.TrimSpace(serial)
	if serial == "" {
		return out, nil
	}
	rows, err := s.db.read.QueryContext(ctx, unitFitsQuery, serial, string(part), app.MaxUnitFits)
	if err != nil {
		return nil, s.db.sqlError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f app.UnitFit
		var at sql.NullInt64
		if err := rows.Scan(&f.Ticket, &f.Number, &f.Customer, &f.Part, &f.Serial, &at, &f.Removed); err != nil {
			return nil, s.db.sqlError(err)
		}
		f.At = fromNsec(at)
		out = append(out, f)
	}
	return out, s.db.sqlError(rows.Err())
}

// unitFitsOnQuery reads the other part uses (id not ?4) on ticket ?3 of
// part ?2 whose serial is ?1, newest first, and whether a defective
// return of the unit came at or after each, as unitFitsQuery does (and
// through the same index); a removal takes out every fit before it, so
// the newest decide.
const unitFitsOnQuery = `
	SELECT u.ticket_id, u.part, u.serial, u.at,
		EXISTS (SELECT 1 FROM movements m WHERE m.serial = u.serial COLLATE NOCASE AND m.serial <> '' AND m.part = u.part
			AND m.kind = 'return_defective' AND m.at >= u.at)
	FROM parts_used u
	WHERE u.serial = ?1 COLLATE NOCASE AND u.serial <> '' AND u.part = ?2 AND u.ticket_id = ?3 AND u.id <> ?4
	ORDER BY u.at DESC, u.id LIMIT ?5`

// unitFitsOn returns the fits of u's unit on u's ticket, other than u,
// for app.CheckFittedHere, at most app.MaxUnitFits.
func unitFitsOn(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, u app.PartUsed) ([]app.UnitFit, error) {
	rows, err := q.QueryContext(ctx, unitFitsOnQuery, strings.TrimSpace(u.Serial), string(u.Part), string(u.Ticket), u.ID, app.MaxUnitFits)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.UnitFit
	for rows.Next() {
		var f app.UnitFit
		var at sql.NullInt64
		if err := rows.Scan(&f.Ticket, &f.Part, &f.Serial, &at, &f.Removed); err != nil {
			return nil, err
		}
		f.At = fromNsec(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

func getLocation(ctx context.Context, q rowQueryer, id app.LocationID) (app.Location, error) {
	var l app.Location
	err := q.QueryRowContext(ctx, locationByID, string(id)).Scan(&l.ID, &l.Kind, &l.Name, &l.Owner)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Location{}, errLocationNotFound(id)
	}
	return l, err
}

const locationByID = `SELECT id, kind, name, owner FROM locations WHERE id = ?`

func errLocationNotFound(id app.LocationID) error {
	return app.Errorf(app.ENOTFOUND, "location.not_found", "Stock location {{.ID}} is not on this device. Sync to update your locations.", "ID", string(id))
}

// Search tokens. The trigram tokenizer indexes every 3-character
// substring, so words of 3+ characters need nothing else. For shorter
// words, the "short" column holds each searchable 1-2 character gram padded
// with \x01 to exactly three characters ("\x01电池", "\x01\x01电", "\x01ba");
// a short query word padded the same way is one trigram, matched in the
// same MATCH expression as the long words. No text contains \x01, and no 3
// real characters stand together in the column, so long words never match
// it and short words never match the text columns.
//
// The column also holds a token per compatible model: three characters of
// the Unicode private use area derived from a hash of the model
// (privateToken; tickets_fts holds one for the ticket's technician). A model
// filter is then one more trigram in the MATCH, which FTS5 intersects with
// the words inside the index, where a separate model lookup would make the
// search read every match of the words (6 ms instead of 1 for "battery" on
// a model's 600 of 100,000 parts). Tokens of different models may collide,
// so FindParts checks each candidate's models.
const pad = "\x01"

// privateToken returns the search token of a key: three characters of the
// private use area from a hash of it, one trigram, which short grams never
// make and text seldom holds. Tokens may match what they do not stand for
// (a collision, such a text), so every caller checks its candidates.
func privateToken(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	x := h.Sum64()
	const base, n = 0xE000, 6400 // the BMP private use area, U+E000..U+F8FF
	return string([]rune{base + rune(x%n), base + rune(x/n%n), base + rune(x/n/n%n)})
}

// partFTSInsert writes a part's search entry from partSearchValues.
const partFTSInsert = `INSERT INTO parts_fts (rowid, number, name_en, name_zh, names, short) VALUES (?, ?, ?, ?, ?, ?)`

// partSearchValues are partFTSInsert's arguments for part p of row id:
// its number folded by app.Fold, as the ticket search's entries are (since
// 0018_part_search_fold.sql; the trigram tokenizer's remove_diacritics
// leaves ligatures, stroked letters and full-width forms as they are),
// its names as app.Part.SearchNames gives them (folded alike; the names
// column holds those in other languages since 0023_part_search_names.sql,
// one a line), then the short grams of the folded text and the models'
// tokens (searchTokens). FindParts folds a query's words alike.
func partSearchValues(id int64, p app.Part) []any {
	number := app.Fold(string(p.Number))
	en, zh, others := p.SearchNames()
	return []any{id, number, en, zh, others, searchTokens(p.Models, number, en, zh, others)}
}

// searchTokens returns the "short" column of parts_fts for a part of
// number and names (texts, folded) compatible with models.
func searchTokens(models []string, texts ...string) string {
	var b strings.Builder
	writeShortGrams(&b, texts...)
	for _, m := range models {
		b.WriteString(pad)
		b.WriteString(privateToken(app.ModelKey(m)))
	}
	return b.String()
}

// noSpaceScript reports whether r belongs to a script written without
// spaces between words, where every 1-2 character gram is a possible word.
func noSpaceScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r == 'ー' // katakana long vowel mark
}

// segments splits lower-cased text into runs of no-space script ("cjk") and
// words of other letters and digits; everything else separates.
func segments(s string, fn func(run []rune, cjk bool)) {
	rs := []rune(strings.ToLower(s))
	for i := 0; i < len(rs); {
		switch r := rs[i]; {
		case noSpaceScript(r):
			j := i
			for j < len(rs) && noSpaceScript(rs[j]) {
				j++
			}
			fn(rs[i:j], true)
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(rs) && !noSpaceScript(rs[j]) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			fn(rs[i:j], false)
			i = j
		default:
			i++
		}
	}
}

// shortGrams returns the short grams of texts (see writeShortGrams).
func shortGrams(texts ...string) string {
	var b strings.Builder
	writeShortGrams(&b, texts...)
	return b.String()
}

// seenScanned is how many distinct grams writeShortGrams looks a gram up
// in by a linear scan, enough for a part's or a ticket's few dozen; past
// it, in a set. A long text in a script written without spaces makes a
// gram of every character and pair (a brand, model and customer name of
// app.MaxTextLen Han characters each, 24,000): scanned, a quadratic
// second of CPU per save and per ticket that migration 0016 indexes.
const seenScanned = 64

// writeShortGrams writes every 1- and 2-character gram of no-space script
// in texts, and the first two characters of every other word, each padded
// to one trigram. Repeats are written once.
func writeShortGrams(b *strings.Builder, texts ...string) {
	var seen []string
	var seenSet map[string]struct{}
	emit := func(g []rune) {
		s := string(g)
		switch {
		case seenSet != nil:
			if _, ok := seenSet[s]; ok {
				return
			}
			seenSet[s] = struct{}{}
		case slices.Contains(seen, s):
			return
		case len(seen) < seenScanned:
			seen = append(seen, s)
		default:
			seenSet = make(map[string]struct{}, 2*seenScanned)
			for _, x := range seen {
				seenSet[x] = struct{}{}
			}
			seenSet[s] = struct{}{}
		}
		b.WriteString(pad)
		if len(g) == 1 {
			b.WriteString(pad)
		}
		b.WriteString(s)
	}
	for _, t := range texts {
		segments(t, func(run []rune, cjk bool) {
			if !cjk {
				if len(run) >= 2 {
					emit(run[:2])
				}
				return
			}
			for i := range run {
				emit(run[i : i+1])
				if i+1 < len(run) {
					emit(run[i : i+2])
				}
			}
		})
	}
}

func quoteFTS(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// matchExpr turns query words into an FTS5 expression in which every word
// must match; "" when no word can be searched (single letters, symbols).
func matchExpr(words []string) string {
	var terms []string
	quote := quoteFTS
	for _, w := range words {
		if len([]rune(w)) >= 3 {
			terms = append(terms, quote(w))
			continue
		}
		segments(w, func(run []rune, cjk bool) {
			if cjk || len(run) == 2 {
				terms = append(terms, quote(strings.Repeat(pad, 3-len(run))+string(run)))
			}
		})
	}
	return strings.Join(terms, " AND ")
}

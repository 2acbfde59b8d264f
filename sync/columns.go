package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// ColumnsHeader negotiates pages in columns (docs/PROTOCOL.md, "Pages in
// columns"): a device that reads them sends it with the value "1" on
// every sync request, and a service that writes them answers with the
// same header when one or more lists of the answer's "d" and "hd" are in
// columns. A header rather than a request field, because a service from
// before it refuses unknown fields but ignores unknown headers: an old
// service answers rows, and the device reads them as before.
const ColumnsHeader = "Fieldbench-Columns"

// Bounds of a list in columns; a device refuses an answer past them.
const (
	// maxColumnRows bounds the rows of one list: more than a page holds
	// (4 MiB of records of more than 32 bytes). The encoder sends a
	// longer list in rows.
	maxColumnRows  = 1 << 17
	maxColumns     = 256   // columns of one list
	maxColumnDepth = 8     // names in a column's path
	maxOffsetUnit  = 86400 // a time offset's unit, in seconds
	// maxOffset bounds an offset in seconds: more than years 1 to 9999
	// span, which are all JSON can hold of a time.Time.
	maxOffset = 1 << 39
)

// MarshalResponse encodes an answer, its pages' lists in columns when
// columns is set; inColumns reports whether any list is (an answer without
// any is sent without ColumnsHeader, byte for byte as in rows).
func MarshalResponse(resp *Response, columns bool) (body []byte, inColumns bool, err error) {
	if !columns || resp.Data == nil && resp.History == nil {
		body, err = json.Marshal(resp)
		return body, false, err
	}
	head := *resp
	head.Data, head.History = nil, nil
	out, err := json.Marshal(&head)
	if err != nil {
		return nil, false, err
	}
	out = out[:len(out)-1] // the closing '}'; the envelope always has "e", "a" and "t"
	for _, ds := range []struct {
		name string
		d    *app.Dataset
	}{{"d", resp.Data}, {"hd", resp.History}} {
		if ds.d == nil {
			continue
		}
		raw, err := json.Marshal(ds.d)
		if err != nil {
			return nil, false, err
		}
		out = slices.Grow(out, len(raw)/2)
		out = append(out, `,"`...)
		out = append(out, ds.name...)
		out = append(out, `":`...)
		var lists int
		out, lists = appendDatasetColumns(out, raw)
		inColumns = inColumns || lists > 0
	}
	if !inColumns { // a small page: in rows, as an app from before columns gets it
		body, err = json.Marshal(resp)
		return body, false, err
	}
	return append(out, '}'), true, nil
}

// appendDatasetColumns appends the dataset raw (encoding/json's output)
// with each list of at least two objects in columns, and says how many.
func appendDatasetColumns(out, raw []byte) (_ []byte, lists int) {
	out = append(out, '{')
	first := true
	members(raw, func(key, val []byte) {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, key...)
		out = append(out, ':')
		if val[0] == '[' {
			if rows := elements(val); len(rows) >= 2 {
				if cols := encodeColumns(rows); cols != nil {
					out = append(out, cols...)
					lists++
					return
				}
			}
		}
		out = append(out, val...)
	})
	return append(out, '}'), lists
}

// skip, members and elements read valid JSON only, so they check
// nothing: encoding/json's own output (the encoder's, without spaces), or
// text encoding/json has checked (arrayValues, which allows for spaces).

// skip returns the end of the JSON value that starts at b[i].
func skip(b []byte, i int) int {
	switch b[i] {
	case '"':
		for i++; b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return i + 1
	case '{', '[':
		depth := 0
		for {
			switch b[i] {
			case '"':
				i = skip(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' {
		i++
	}
	return i
}

// members calls fn with each member of the object b, the key with its
// quotes.
func members(b []byte, fn func(key, val []byte)) {
	for i := 1; b[i] != '}'; {
		k := skip(b, i)
		v := skip(b, k+1)
		fn(b[i:k], b[k+1:v])
		if i = v; b[i] == ',' {
			i++
		}
	}
}

// elements returns the values of the array b.
func elements(b []byte) [][]byte {
	var out [][]byte
	for i := 1; b[i] != ']'; {
		e := skip(b, i)
		out = append(out, b[i:e])
		if i = e; b[i] == ',' {
			i++
		}
	}
	return out
}

// column is one field of a list being encoded: its path (keys with their
// quotes) and its cells by row, nil where the row has none.
type column struct {
	path  [][]byte
	cells [][]byte
	// A time column's cells as offsets: from column base of the same row,
	// or (base -1) from this column's cell in the row before, in units of
	// unit seconds; unit 0 sends every cell whole.
	base int
	unit int64
	at   []cellTime
}

// cellTime is a cell read as a time; ok only when the time, formatted as
// a device formats it, gives back the cell's text exactly.
type cellTime struct {
	sec  int64
	nsec int32
	ok   bool
}

type columnEncoder struct {
	rows  int
	cols  []*column
	index map[string]int // by the path's keys joined with NUL (a key's raw text holds none)
	over  bool
	// The member being read: its path and its name in index.
	path [][]byte
	name []byte
}

// encodeColumns returns rows (JSON objects) as a list in columns, or nil
// when they are not all objects or have more than maxColumns fields.
func encodeColumns(rows [][]byte) []byte {
	if len(rows) > maxColumnRows {
		return nil
	}
	e := &columnEncoder{rows: len(rows), index: map[string]int{}}
	for r, row := range rows {
		if row[0] != '{' {
			return nil
		}
		e.flatten(r, row)
		if e.over {
			return nil
		}
	}
	e.chooseOffsets()
	size := 0
	for _, row := range rows {
		size += len(row)
	}
	out := make([]byte, 0, size)
	out = append(out, `{"n":`...)
	out = strconv.AppendInt(out, int64(len(rows)), 10)
	out = append(out, `,"c":[`...)
	for i, c := range e.cols {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"k":[`...)
		out = append(out, bytes.Join(c.path, []byte{','})...)
		out = append(out, ']')
		if c.unit > 0 {
			out = append(out, `,"b":`...)
			out = strconv.AppendInt(out, int64(c.base), 10)
			out = append(out, `,"u":`...)
			out = strconv.AppendInt(out, c.unit, 10)
		}
		out = append(out, `,"v":[`...)
		for r, cell := range c.cells {
			if r > 0 {
				out = append(out, ',')
			}
			switch k, ok := c.offset(e, r); {
			case cell == nil:
				out = append(out, "null"...)
			case ok:
				out = strconv.AppendInt(out, k, 10)
			default:
				out = append(out, cell...)
			}
		}
		out = append(out, "]}"...)
	}
	return append(out, "]}"...)
}

// flatten puts the members of obj into columns under path, nested objects
// flattened into their members; it reports whether obj put any. A null
// member puts nothing (a device reads null and absent alike); an object
// with nothing to put (`{}`) is one cell.
func (e *columnEncoder) flatten(r int, obj []byte) bool {
	put := false
	members(obj, func(key, val []byte) {
		if e.over || string(val) == "null" {
			return
		}
		depth, name := len(e.path), len(e.name)
		e.path = append(e.path, key)
		e.name = append(append(e.name, 0), key...)
		put = true
		if val[0] != '{' || len(e.path) == maxColumnDepth || !e.flatten(r, val) {
			e.put(r, val)
		}
		e.path, e.name = e.path[:depth], e.name[:name]
	})
	return put
}

// put puts val in row r of the column of the member being read.
func (e *columnEncoder) put(r int, val []byte) {
	i, ok := e.index[string(e.name)]
	if !ok {
		if len(e.cols) == maxColumns {
			e.over = true
			return
		}
		i = len(e.cols)
		e.index[string(e.name)] = i
		e.cols = append(e.cols, &column{path: slices.Clone(e.path), cells: make([][]byte, e.rows)})
	}
	e.cols[i].cells[r] = val
}

// offset returns cell r of c as an offset from its base, when c is sent
// as offsets and the offset gives back the cell exactly.
func (c *column) offset(e *columnEncoder, r int) (int64, bool) {
	if c.unit == 0 {
		return 0, false
	}
	return offsetOf(c.at, baseTimes(e, c), r, c.base, c.unit)
}

func baseTimes(e *columnEncoder, c *column) []cellTime {
	if c.base < 0 {
		return c.at
	}
	return e.cols[c.base].at
}

func offsetOf(at, base []cellTime, r, b int, unit int64) (int64, bool) {
	v := at[r]
	var o cellTime
	if b < 0 {
		if r == 0 {
			return 0, false
		}
		o = base[r-1]
	} else {
		o = base[r]
	}
	if !v.ok || !o.ok || v.nsec != o.nsec || (v.sec-o.sec)%unit != 0 || max(v.sec-o.sec, o.sec-v.sec) > maxOffset {
		return 0, false
	}
	return (v.sec - o.sec) / unit, true
}

// chooseOffsets picks, for each column of times, the base and unit that
// make its cells shortest, or none.
func (e *columnEncoder) chooseOffsets() {
	// Times go last, the fullest first, so that each can take as its base
	// any time column of more rows (created_at, for a ticket's deadlines).
	// Among columns as full, a record's creation time comes first: its
	// other times mostly follow it.
	isTime := make(map[*column]int, len(e.cols))
	for _, c := range e.cols {
		if c.readTimes() {
			isTime[c] = 2 + 2*c.count()
			if string(c.path[len(c.path)-1]) == `"created_at"` {
				isTime[c]++
			}
		}
	}
	slices.SortStableFunc(e.cols, func(a, b *column) int {
		switch ta, tb := isTime[a], isTime[b]; {
		case ta == 0 || tb == 0:
			return ta - tb
		default:
			return tb - ta
		}
	})
	var times []int
	for i, c := range e.cols {
		if isTime[c] == 0 {
			continue
		}
		whole := 0
		for _, cell := range c.cells {
			whole += len(cell)
		}
		best, bestBase, bestUnit := whole*9/10, 0, int64(0) // offsets must save something
		for _, b := range append([]int{-1}, times...) {
			base := c.at
			if b >= 0 {
				base = e.cols[b].at
			}
			for _, unit := range []int64{86400, 3600, 60, 1} {
				cost := 0
				for r, cell := range c.cells {
					if k, ok := offsetOf(c.at, base, r, b, unit); ok {
						cost += digits(k)
					} else {
						cost += len(cell)
					}
				}
				if cost < best {
					best, bestBase, bestUnit = cost, b, unit
				}
			}
		}
		c.base, c.unit = bestBase, bestUnit
		times = append(times, i)
	}
}

// digits is the length of k in decimal.
func digits(k int64) int {
	n := 1
	if k < 0 {
		n, k = 2, -k
	}
	for ; k >= 10; k /= 10 {
		n++
	}
	return n
}

// count is the number of c's cells.
func (c *column) count() int {
	n := 0
	for _, cell := range c.cells {
		if cell != nil {
			n++
		}
	}
	return n
}

// readTimes reads c's cells as times; it reports whether most are, and
// all are strings: a device reads a number in a column of offsets as an
// offset, and refuses any other value that is not a string (a map's
// member may hold a time in one record and a number in another).
func (c *column) readTimes() bool {
	c.at = make([]cellTime, len(c.cells))
	n, ok := 0, 0
	for r, cell := range c.cells {
		if cell == nil {
			continue
		}
		if cell[0] != '"' {
			return false
		}
		n++
		if len(cell) < 22 || cell[0] != '"' || cell[len(cell)-2] != 'Z' || cell[11] != 'T' {
			continue
		}
		s := string(cell[1 : len(cell)-1])
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || t.Format(time.RFC3339Nano) != s {
			continue
		}
		c.at[r] = cellTime{sec: t.Unix(), nsec: int32(t.Nanosecond()), ok: true}
		ok++
	}
	return ok > 0 && ok*2 >= n
}

// errColumns is what a device makes of an answer in columns it cannot
// read: nothing of it is applied, and the sync is tried again.
func errColumns(format string, a ...any) error {
	return app.Errorf(app.EINTERNAL, "sync.bad_columns", "The server's answer could not be read ({{.Detail}}). Sync will try again; if this goes on, tell your administrator.", "Detail", fmt.Sprintf(format, a...))
}

// columnsResponse reads an answer whose pages may be in columns: the
// outer "d" and "hd" take the place of Response's.
type columnsResponse struct {
	Response
	Data    map[string]json.RawMessage `json:"d"`
	History map[string]json.RawMessage `json:"hd"`
}

// UnmarshalColumns decodes an answer that came with ColumnsHeader: each
// list of its "d" and "hd" either in rows (an array) or in columns. The
// pages decoded are bounded as answers are (maxResponse); an answer past a
// bound, or malformed, is refused whole.
func UnmarshalColumns(raw []byte, resp *Response) error {
	var w columnsResponse
	if err := json.Unmarshal(raw, &w); err != nil {
		return errColumns("%v", err)
	}
	budget := maxResponse
	for _, ds := range []struct {
		lists map[string]json.RawMessage
		out   **app.Dataset
	}{{w.Data, &w.Response.Data}, {w.History, &w.Response.History}} {
		if ds.lists == nil {
			continue
		}
		rows, err := datasetRows(ds.lists, &budget)
		if err != nil {
			return err
		}
		d := new(app.Dataset)
		if err := json.Unmarshal(rows, d); err != nil {
			return errColumns("%v", err)
		}
		*ds.out = d
	}
	*resp = w.Response
	return nil
}

// datasetRows turns a dataset whose lists may be in columns into the same
// dataset in rows, within budget bytes (taken from it).
func datasetRows(lists map[string]json.RawMessage, budget *int) ([]byte, error) {
	size := 0
	for _, l := range lists {
		size += len(l)
	}
	out := make([]byte, 1, min(3*size, *budget)+1) // rows are mostly 2 to 3 times their columns
	out[0] = '{'

	for name, list := range lists {
		if len(out) > 1 {
			out = append(out, ',')
		}
		key, _ := json.Marshal(name)
		out = append(out, key...)
		out = append(out, ':')
		if len(list) > 0 && list[0] == '{' {
			var err error
			if out, err = appendRows(out, list, name, budget); err != nil {
				return nil, err
			}
		} else {
			out = append(out, list...)
		}
		if len(out) > *budget {
			return nil, errColumns("the page is larger than %d bytes", maxResponse)
		}
	}
	*budget -= len(out)
	return append(out, '}'), nil
}

type wireColumn struct {
	Path []string        `json:"k"`
	Base *int            `json:"b"`
	Unit int64           `json:"u"`
	Vals json.RawMessage `json:"v"`
}

// pathNode is a name of the rows' objects: a column's cell (col >= 0),
// an object of the names below it, or in some rows one, in others the
// other.
type pathNode struct {
	name     string
	key      []byte // name as a JSON string
	col      int
	children []*pathNode
	below    []int // the columns below it
}

// appendRows appends the list in columns raw as an array of objects.
func appendRows(out, raw []byte, name string, budget *int) ([]byte, error) {
	var l struct {
		N    *int         `json:"n"`
		Cols []wireColumn `json:"c"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, errColumns("%s: %v", name, err)
	}
	switch {
	case l.N == nil || *l.N < 0 || *l.N > maxColumnRows:
		return nil, errColumns("%s: the row count must be 0 to %d", name, maxColumnRows)
	case len(l.Cols) > maxColumns:
		return nil, errColumns("%s: more than %d columns", name, maxColumns)
	case len(l.Cols) == 0 && *l.N > 0:
		// Rows without a column would be bytes for nothing, a few bytes
		// standing for any number of records.
		return nil, errColumns("%s: %d rows without a column", name, *l.N)
	}
	n := *l.N
	root := &pathNode{col: -1}
	cells := make([][][]byte, len(l.Cols))
	for i, c := range l.Cols {
		if len(c.Path) == 0 || len(c.Path) > maxColumnDepth {
			return nil, errColumns("%s: column %d must have a path of 1 to %d names", name, i, maxColumnDepth)
		}
		vals, ok := arrayValues(c.Vals, n)
		if !ok {
			return nil, errColumns("%s: column %d must be an array of %d values", name, i, n)
		}
		node := root
		for _, k := range c.Path {
			node.below = append(node.below, i)
			node = node.child(k)
		}
		node.below = append(node.below, i)
		if node.col >= 0 {
			return nil, errColumns("%s: column %d repeats column %d", name, i, node.col)
		}
		node.col = i
		var err error
		if cells[i], err = decodeCells(c, vals, i, cells); err != nil {
			return nil, errColumns("%s: column %d: %v", name, i, err)
		}
	}
	out = append(out, '[')
	for r := range n {
		if r > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = root.appendObject(out, cells, r); err != nil {
			return nil, errColumns("%s: row %d: %v", name, r, err)
		}
		if len(out) > *budget {
			return nil, errColumns("the page is larger than %d bytes", maxResponse)
		}
	}
	return append(out, ']'), nil
}

func (p *pathNode) child(k string) *pathNode {
	for _, c := range p.children {
		if c.name == k {
			return c
		}
	}
	c := &pathNode{name: k, key: jsonString(k), col: -1}
	p.children = append(p.children, c)
	return c
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

func isNull(cell []byte) bool { return cell == nil || string(cell) == "null" }

// arrayValues returns the values of raw when it is an array of n values.
// raw is valid JSON (encoding/json checked it), which may hold spaces.
func arrayValues(raw []byte, n int) ([][]byte, bool) {
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '[' {
		return nil, false
	}
	out := make([][]byte, 0, n)
	for i = skipSpace(raw, i+1); raw[i] != ']'; {
		if len(out) == n {
			return nil, false
		}
		e := skip(raw, i)
		out = append(out, bytes.TrimRight(raw[i:e], " \t\r\n"))
		if i = skipSpace(raw, e); raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out, len(out) == n
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// appendObject appends row r of the names below p as an object.
func (p *pathNode) appendObject(out []byte, cells [][][]byte, r int) ([]byte, error) {
	out = append(out, '{')
	first := true
	for _, c := range p.children {
		leaf := c.col >= 0 && !isNull(cells[c.col][r])
		nested := false
		for _, i := range c.below {
			if i != c.col && !isNull(cells[i][r]) {
				nested = true
				break
			}
		}
		if !leaf && !nested {
			continue
		}
		if leaf && nested {
			return nil, fmt.Errorf("%s is both a value and an object", c.key)
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, c.key...)
		out = append(out, ':')
		if leaf {
			out = append(out, cells[c.col][r]...)
			continue
		}
		var err error
		if out, err = c.appendObject(out, cells, r); err != nil {
			return nil, err
		}
	}
	return append(out, '}'), nil
}

// decodeCells returns column i's cells, its offsets turned into times.
func decodeCells(c wireColumn, vals [][]byte, i int, done [][][]byte) ([][]byte, error) {
	if c.Base == nil {
		if c.Unit != 0 {
			return nil, fmt.Errorf("a unit without a base")
		}
		return vals, nil
	}
	b := *c.Base
	switch {
	case b < -1 || b >= i:
		return nil, fmt.Errorf("base %d is not -1 or an earlier column", b)
	case c.Unit < 1 || c.Unit > maxOffsetUnit:
		return nil, fmt.Errorf("the unit must be 1 to %d seconds", maxOffsetUnit)
	}
	base := vals
	if b >= 0 {
		base = done[b]
	}
	out := make([][]byte, len(vals))
	var prev []byte // the base cell last read, and its time
	var prevT time.Time
	for r, v := range vals {
		if isNull(v) || v[0] == '"' {
			out[r] = v
			continue
		}
		if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
			return nil, fmt.Errorf("row %d holds neither a time nor an offset", r)
		}
		k, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || k < -maxOffset/c.Unit || k > maxOffset/c.Unit {
			return nil, fmt.Errorf("row %d: the offset %.20s is not a whole number within bounds", r, v)
		}
		var o []byte
		if b < 0 {
			if r > 0 {
				o = out[r-1]
			}
		} else {
			o = base[r]
		}
		if !bytes.Equal(o, prev) || prev == nil {
			var s string
			if isNull(o) || o[0] != '"' || json.Unmarshal(o, &s) != nil {
				return nil, fmt.Errorf("row %d: an offset from something that is not a time", r)
			}
			if prevT, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return nil, fmt.Errorf("row %d: an offset from something that is not a time", r)
			}
			prev = o
		}
		t := time.Unix(prevT.Unix()+k*c.Unit, int64(prevT.Nanosecond())).In(prevT.Location())
		if y := t.Year(); y < 1 || y > 9999 {
			return nil, fmt.Errorf("row %d: the time is out of range", r)
		}
		out[r] = []byte(`"` + t.Format(time.RFC3339Nano) + `"`)
	}
	return out, nil
}

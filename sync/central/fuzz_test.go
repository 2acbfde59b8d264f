package central

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// Fuzz tests of what crosses the wire: the sync request body, the admin
// API's JSON bodies, the pull cursor and the CSV imports. Names carry the prefix fuzz so they do not
// clash with the package's other tests.

const fuzzTenant = "fz"

// fuzzCentral is a SQLite central with one technician, their van, a part
// and two tickets, served by a Server called directly (no network).
type fuzzCentral struct {
	db  *DB
	srv *Server
}

func newFuzzCentral(tb testing.TB) *fuzzCentral {
	tb.Helper()
	db, err := OpenDB(tb.Context(), Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// Fuzzing tests logic, not durability: without an fsync per commit it
	// runs many times faster. The write pool holds one connection, which
	// keeps the setting.
	if _, err := db.write.ExecContext(tb.Context(), `PRAGMA synchronous = OFF`); err != nil {
		tb.Fatal(err)
	}
	now := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	ticket := func(id app.TicketID, status app.Status) app.TicketDetail {
		return app.TicketDetail{Ticket: app.Ticket{ID: id, Number: "FZ-" + string(id), Kind: app.KindCarryIn, Country: "CN",
			Product:  app.Product{Category: app.CategoryPhone, Brand: "Acme", Model: "A1"},
			Customer: app.Customer{Name: "Fuzz", Phone: "138 0000 0001", Address: "2"}, Fault: "x", Priority: app.PriorityNormal,
			Technician: "tech-fz", Epoch: 1, Status: status, CreatedAt: now, UpdatedAt: now}}
	}
	err = db.LoadDataset(tb.Context(), fuzzTenant, app.Dataset{
		Technicians: []app.Technician{{ID: "tech-fz", Name: "Fuzz", Country: "CN", Van: "van-fz"}},
		Locations:   []app.Location{{ID: "van-fz", Kind: app.LocationVan, Name: "Van", Owner: "tech-fz"}},
		Parts:       []app.Part{{Number: "P-1", NameEN: "Part", Class: app.ClassUnit}},
		Movements:   []app.StockMovement{{ID: "rcv-1", Kind: app.MoveReceive, Part: "P-1", To: "van-fz", Qty: 3, At: now}},
		Tickets:     []app.TicketDetail{ticket("tk-1", app.StatusAssigned), ticket("tk-2", app.StatusInProgress)},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return &fuzzCentral{db: db, srv: NewServer(db, nil)}
}

// device pairs a new device: each fuzz input starts from last_seq 0, so
// the seeds' seqs apply.
func (c *fuzzCentral) device(tb testing.TB) (app.DeviceID, string) {
	tb.Helper()
	code, _, err := c.db.CreatePairing(tb.Context(), fuzzTenant, "tech-fz")
	if err != nil {
		tb.Fatal(err)
	}
	d, tok, err := c.db.Pair(tb.Context(), code, "fuzz")
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID, tok
}

func (c *fuzzCentral) lastSeq(tb testing.TB, id app.DeviceID) int64 {
	tb.Helper()
	var n int64
	if err := c.db.read.QueryRowContext(tb.Context(), `SELECT last_seq FROM devices WHERE id = ?`, string(id)).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// fuzzSyncSeeds are sync bodies: valid requests and broken variants.
func fuzzSyncSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	at := time.Now().UTC().Format(time.RFC3339Nano)
	mut := func(seq int, name, args string) string {
		return fmt.Sprintf(`{"id":"%s","name":%q,"version":1,"seq":%d,"hlc":"h%d","at":%q,"args":%s}`, app.NewID(), name, seq, seq, at, args)
	}
	start := mut(1, "ticket.start", `{"ticket":"tk-1","epoch":1}`)
	repair := mut(2, "repair.log", `{"entry":{"id":"rp-1","ticket":"tk-1","action":"replaced the port","minutes":20}}`)
	consume := mut(3, "stock.consume", `{"used":{"id":"use-1","ticket":"tk-2","part":"P-1","qty":5,"from":"van-fz"}}`)
	note := mut(1, "note.add", `{"note":{"id":"nt-1","ticket":"tk-2","text":"hello"}}`)
	update := mut(1, "ticket.update", `{"ticket":"tk-2","set":{"customer_phone":"138 0000 0009"},"base":{"customer_phone":"138 0000 0000"}}`)
	photo := mut(1, "photo.attach", `{"photo":{"id":"ph-1","ticket":"tk-2","sha256":"`+strings.Repeat("0f", 32)+`","size":10,"mime":"image/jpeg"}}`)
	cursor := cursor{Epoch: "ep-x", Scopes: 7, At: position{Version: 3, Kind: kindTicket, ID: "tk-1"}}.String()
	seeds := []string{
		`{"v":1,"p":[` + start + `]}`,
		`{"v":1,"p":[` + start + `,` + repair + `,` + consume + `],"mb":16384}`,
		`{"v":1,"p":[` + note + `],"np":true}`,
		`{"v":1,"p":[` + update + `]}`,
		`{"v":1,"p":[` + photo + `]}`,
		`{"v":1,"e":"ep-x","a":0,"c":"` + cursor + `","mb":1}`,
		`{"v":1,"c":""}`,
		// Broken variants.
		``,
		`null`,
		`{}`,
		`{"v":0,"p":[` + start + `]}`,
		`{"v":99,"p":[` + start + `]}`,
		`{"v":1,"p":[` + start + `]}}`,
		`{"v":1,"p":[` + start + `]`,
		`{"v":1,"p":[` + repair + `]}`,
		`{"v":1,"p":[` + start + `,` + consume + `]}`,
		`{"v":1,"p":[` + strings.Replace(start, `"epoch":1`, `"epoch":"1"`, 1) + `]}`,
		`{"v":1,"p":[` + strings.Replace(start, `"ticket.start"`, `"ticket.fly"`, 1) + `]}`,
		`{"v":1,"p":[` + strings.Replace(start, `"seq":1`, `"seq":-9223372036854775808`, 1) + `]}`,
		`{"v":1,"p":[` + strings.Replace(start, `"seq":1`, `"seq":9223372036854775807`, 1) + `]}`,
		`{"v":1,"p":[` + start + `],"c":"!!"}`,
		`{"v":1,"p":[` + start + `],"zz":1}`,
		`{"v":1,"mb":-1}`,
	}
	out := make([][]byte, len(seeds))
	for i, s := range seeds {
		out[i] = []byte(s)
	}
	return out
}

// FuzzSyncRequest posts arbitrary bytes to /v1/sync as a paired device:
// the server must never panic or fail with 5xx, a refused request must not
// move the device's last_seq, and an accepted one must answer it.
// enc selects the encoding: 0 as is, 1 declared gzip (the bytes must be
// gzip), 2 gzip-compressed here.
func FuzzSyncRequest(f *testing.F) {
	c := newFuzzCentral(f)
	for _, s := range fuzzSyncSeeds(f) {
		f.Add(s, uint8(0))
		f.Add(s, uint8(2))
	}
	f.Add(fuzzGzip([]byte(`{"v":1}`))[:10], uint8(1))
	f.Add(fuzzGzip(bytes.Repeat([]byte(" "), 1<<16)), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, enc uint8) {
		dev, tok := c.device(t)
		wire := body
		if enc%3 == 2 {
			wire = fuzzGzip(body)
		}
		req := httptest.NewRequestWithContext(t.Context(), "POST", "/v1/sync", bytes.NewReader(wire))
		if enc%3 != 0 {
			req.Header.Set("Content-Encoding", "gzip")
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		c.srv.ServeHTTP(w, req)
		after := c.lastSeq(t, dev)
		if w.Code >= 500 {
			t.Fatalf("HTTP %d for %q: %s", w.Code, body, w.Body)
		}
		if w.Code != http.StatusOK {
			if after != 0 {
				t.Fatalf("HTTP %d moved last_seq to %d: %s", w.Code, after, w.Body)
			}
			var e fbsync.Error
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code == "" || e.Key == "" || e.Message == "" {
				t.Fatalf("HTTP %d without a {code,key,msg} body: %s", w.Code, w.Body)
			}
			return
		}
		var resp fbsync.Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("undecodable answer: %v: %s", err, w.Body)
		}
		if resp.Acked != after {
			t.Fatalf("answered a=%d, but last_seq is %d", resp.Acked, after)
		}
	})
}

func fuzzGzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// FuzzParseCursor checks that a cursor the server accepts survives a round
// trip: String() of a parsed cursor parses to the same cursor.
func FuzzParseCursor(f *testing.F) {
	for _, c := range []cursor{
		{},
		{Epoch: "ep-2f6c", Scopes: 4294967295, At: position{Version: 9120, Kind: kindTicket, ID: "0193-abc"}},
		{Epoch: "ep-x", Scopes: 1, At: position{Version: 1 << 62, Kind: kindMovement, ID: ""}},
	} {
		f.Add(c.String())
	}
	for _, raw := range []string{"ep\x00+1\x00+0\x00k\x00i", "ep\x00ZZ\x0010\x00k\x00i", "\x00\x00\x00\x00", "ep\x001\x00-0\x00k\x00i", "a\x00b"} {
		f.Add(fuzzB64(raw))
	}
	f.Add("")
	f.Add("!!")
	f.Add(strings.Repeat("A", 513))
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.String())
		if err != nil {
			t.Fatalf("parseCursor(%q) = %+v, whose String %q does not parse: %v", s, c, c.String(), err)
		}
		if again != c {
			t.Fatalf("round trip of %q: %+v, then %+v", s, c, again)
		}
	})
}

// FuzzImportCSV feeds arbitrary bytes to the three CSV parsers: they may
// refuse a file, never panic, and a refusal is EINVALID.
func FuzzImportCSV(f *testing.F) {
	for _, s := range []string{
		"number,name_en,name_zh,class,serialized,return_needed,prices,models\nEB-1,Battery,电池,battery,yes,no,CNY 199.00; EUR 25.00,A1;A2\n",
		"\xef\xbb\xbfnumber,name_en,class\nX-1,\"Cable, 1 m\",accessory\n\nX-2,x,unit\n",
		"number,name_en,class,prices\nOK-1,a,unit,CNY 1.00\nBAD-1,b,gadget,\nOK-1,c,unit,\nBAD-3,d,unit,CNY ten\n",
		"location,part,qty,serial,reason,id\nvan-a,BAT-1,5,,delivery,\nvan-a,BAT-1,0,,,\nvan-a,BAT-1,-3,,,x\n",
		"rule_set,version,country,currency,tax_basis_points,labour_rate,category,brand,unit_months,main_months,exclusions,refund_days,name_en,name_zh-Hans\n" +
			"cn-2026,1,CN,CNY,1300,CNY 80.00,phone,,12,24,liquid;physical,7,China,中国\ncn-2026,1,CN,CNY,1300,,pc,Acme,24,,,,China,中国\ncn-2026,2,CN,CNY,1300,,pc,,24,,,,China,\n",
		"rule_set,version,country,currency,category,unit_months,name_en,NAME_en\nX,1,CN,CNY,phone,12,a,b\n",
		"number,name_en\n1,2,3\n",
		// A part's names in other languages: name_<tag> columns.
		"number,name_en,Name_FR,name_es,name_pt-BR,class\nP-1,Drain pump,Pompe de vidange,Bomba,,main\nP-2,Belt,Cour\x07roie,,,unit\n",
		"number,name_en,name_zh-Hans,name_,name_x y,class\nP-1,a,b,c,d,unit\n",
		"",
		"\n\n\n",
		"a\rb\r\nc",
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, parse := range map[string]func() (int, error){
			"parts": func() (int, error) { v, err := parsePartsCSV(data); return len(v), err },
			"stock": func() (int, error) { v, _, err := parseStockCSV(data, now); return len(v), err },
			"rules": func() (int, error) { v, err := parseRulesCSV(data); return len(v), err },
		} {
			n, err := parse()
			if err != nil && app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%s: refused with %v, want an invalid error", name, err)
			}
			if err == nil && n == 0 {
				t.Errorf("%s: accepted a file of no rows", name)
			}
		}
	})
}

func fuzzB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// fuzzAdminRoutes are the admin API's JSON endpoints FuzzAdminRequest
// posts to; {conflict} is replaced by a conflict opened for the input.
var fuzzAdminRoutes = []struct{ method, path string }{
	{"POST", "/v1/admin/mutations"},
	{"PUT", "/v1/admin/technicians/tech-new"},
	{"PUT", "/v1/admin/locations/loc-new"},
	{"POST", "/v1/conflicts/{conflict}/resolve"},
	{"POST", "/v1/admin/pairings"},
}

// fuzzAdminSeeds are admin bodies per route: valid requests and broken
// variants.
var fuzzAdminSeeds = map[int][]string{
	0: {
		`{"name":"ticket.assign","version":1,"args":{"ticket":"tk-1","technician":"tech-fz"}}`,
		`{"name":"ticket.schedule","args":{"ticket":"tk-2","window_start":"2026-12-01T09:00:00Z","window_end":"2026-12-01T11:00:00Z","priority":1}}`,
		`{"name":"ticket.cancel","version":1,"args":{"ticket":"tk-1","epoch":1,"reason":"customer withdrew"}}`,
		`{"name":"ticket.create","version":1,"args":{"ticket":{"id":"tk-9","number":"FZ-9","kind":"carry_in","country":"CN","product":{"category":"phone","brand":"Acme"},"customer":{"name":"Z"},"priority":2}}}`,
		`{"name":"stock.receive","version":1,"args":{"movement":{"id":"m-1","part":"P-1","to":"van-fz","qty":2}}}`,
		`{"name":"stock.adjust","version":1,"args":{"movement":{"id":"m-2","part":"P-1","to":"van-fz","qty":-1,"reason":"count"}}}`,
		`{"name":"ticket.update","version":1,"args":{"ticket":"tk-2","set":{"customer_phone":"138 0000 0009"},"base":{}}}`,
		`{"name":"ticket.assign","version":2,"args":{"ticket":"tk-1","technician":"tech-fz"}}`,
		`{"name":"ticket.assign","version":1,"args":{"ticket":"tk-nope","technician":"tech-fz"}}`,
		`{"name":"ticket.assign","version":-1,"args":null}`,
		`{"name":"Ticket Assign","args":{}}`,
		`{"name":"stock.receive","args":{"movement":{"id":"m-3","part":"P-1","to":"van-fz","qty":9223372036854775807}}}`,
		`{"name":"note.add","args":"{\"note\":{}}"}`,
		`{"name":"ticket.assign","args":{"ticket":"tk-1"},"extra":1}`,
	},
	1: {
		`{"id":"tech-new","name":"New","country":"CN","van":"van-fz"}`,
		`{"name":"New","country":"DE","store":"st-1","language":"de"}`,
		`{"id":"tech-other","name":"Mismatch"}`,
		`{"id":"tech-new","name":""}`,
		`{"id":"tech-new","name":"x","phone":12}`,
	},
	2: {
		`{"id":"loc-new","kind":"van","name":"Van 2","owner":"tech-fz"}`,
		`{"kind":"warehouse","name":"Depot"}`,
		`{"id":"loc-new","kind":"spaceship","name":"x"}`,
		`{"id":"loc-other","kind":"van","name":"x"}`,
		`{"id":"loc-new","kind":"van"}`,
	},
	3: {
		`{"resolution":"accept_ours"}`,
		`{"resolution":"accept_theirs"}`,
		`{"resolution":"dismissed"}`,
		`{"resolution":"dismiss"}`,
		`{"resolution":""}`,
		`{"resolution":"dismissed","why":"x"}`,
	},
	4: {
		`{"technician":"tech-fz"}`,
		`{"technician":"tech-nobody"}`,
		`{"technician":""}`,
		`{"technician":["tech-fz"]}`,
	},
}

// fingerprint sums what any admin write changes: the version counter
// every write transaction takes, and the rows of the tables written
// outside it (pairings).
func (c *fuzzCentral) fingerprint(tb testing.TB) string {
	tb.Helper()
	var v, pairings, entities, changes int64
	err := c.db.read.QueryRowContext(tb.Context(), `SELECT (SELECT v FROM counter WHERE id = 1), (SELECT count(*) FROM pairings),
		(SELECT count(*) FROM entities), (SELECT count(*) FROM changes)`).Scan(&v, &pairings, &entities, &changes)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("version %d, %d pairings, %d entities, %d changes", v, pairings, entities, changes)
}

// conflict opens a conflict for the technician, on a device of theirs
// whose token it returns: a refused push of a dispatcher's mutation.
func (c *fuzzCentral) conflict(tb testing.TB) (id, token string) {
	tb.Helper()
	dev, tok := c.device(tb)
	p, err := c.db.Authenticate(tb.Context(), tok)
	if err != nil || p.Device != dev {
		tb.Fatalf("authenticate the new device: %v", err)
	}
	m, err := app.NewMutation(&app.AssignTicket{Ticket: "tk-2", Technician: "tech-fz"}, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	m.Seq = 1
	res, err := c.db.Push(tb.Context(), p, []app.Mutation{m})
	if err != nil || len(res.Rejected) != 1 {
		tb.Fatalf("push a refused mutation: %+v, %v", res, err)
	}
	return res.Rejected[0].Conflict, tok
}

// FuzzAdminRequest sends arbitrary JSON bodies to the admin API's JSON
// endpoints (route picks one of fuzzAdminRoutes) as a dispatcher, or with
// an odd who as the technician of a paired device: the server must never
// panic or fail with 5xx, a refusal must come with a {code,key,msg} body
// and change nothing, an acceptance must change something and answer what
// the protocol says, and a technician may only resolve their conflict.
func FuzzAdminRequest(f *testing.F) {
	c := newFuzzCentral(f)
	admin, err := c.db.CreateAdminToken(f.Context(), fuzzTenant, "dispatch")
	if err != nil {
		f.Fatal(err)
	}
	for route, bodies := range fuzzAdminSeeds {
		for _, b := range append(bodies, ``, `null`, `{}`, `[]`, `{"`, strings.Repeat(`[`, 10000)) {
			f.Add(uint8(route), uint8(0), []byte(b))
			f.Add(uint8(route), uint8(1), []byte(b))
		}
	}
	f.Fuzz(func(t *testing.T, route, who uint8, body []byte) {
		rt := fuzzAdminRoutes[int(route)%len(fuzzAdminRoutes)]
		path, tok := rt.path, admin
		if strings.Contains(path, "{conflict}") {
			id, device := c.conflict(t)
			path = strings.Replace(path, "{conflict}", id, 1)
			if who%2 == 1 {
				tok = device
			}
		} else if who%2 == 1 {
			_, tok = c.device(t)
		}
		before := c.fingerprint(t)
		req := httptest.NewRequestWithContext(t.Context(), rt.method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		c.srv.ServeHTTP(w, req)
		after := c.fingerprint(t)
		if w.Code >= 500 {
			t.Fatalf("%s %s: HTTP %d for %q: %s", rt.method, rt.path, w.Code, body, w.Body)
		}
		if w.Code != http.StatusOK {
			if after != before {
				t.Fatalf("%s %s: HTTP %d, but the data changed from %s to %s", rt.method, rt.path, w.Code, before, after)
			}
			var e fbsync.Error
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code == "" || e.Key == "" || e.Message == "" {
				t.Fatalf("%s %s: HTTP %d without a {code,key,msg} body: %s", rt.method, rt.path, w.Code, w.Body)
			}
			return
		}
		if after == before {
			t.Fatalf("%s %s: HTTP 200 for %q, but nothing changed (%s)", rt.method, rt.path, body, after)
		}
		if who%2 == 1 && !strings.Contains(rt.path, "{conflict}") {
			t.Fatalf("%s %s: HTTP 200 for a technician: %s", rt.method, rt.path, w.Body)
		}
		var ok bool
		switch int(route) % len(fuzzAdminRoutes) {
		case 0:
			var a map[string]string
			ok = json.Unmarshal(w.Body.Bytes(), &a) == nil && a["id"] != "" && a["name"] != ""
		case 1:
			var tech app.Technician
			ok = json.Unmarshal(w.Body.Bytes(), &tech) == nil && tech.ID == "tech-new"
		case 2:
			var l app.Location
			ok = json.Unmarshal(w.Body.Bytes(), &l) == nil && l.ID == "loc-new" && l.Validate() == nil
		case 3:
			var cf app.Conflict
			ok = json.Unmarshal(w.Body.Bytes(), &cf) == nil && !cf.Open() && app.ValidResolution(cf.Resolution)
		case 4:
			var pr PairingResponse
			ok = json.Unmarshal(w.Body.Bytes(), &pr) == nil && pr.Code != "" && pr.QRPNG != ""
		}
		if !ok {
			t.Fatalf("%s %s: HTTP 200 with an answer the protocol does not describe: %s", rt.method, rt.path, w.Body)
		}
	})
}

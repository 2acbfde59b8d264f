package central_test

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/google/uuid"
)

// The HTTP tests run the real handler behind a real HTTP server on a
// SQLite central, as a device or an administrator sees it. Names carry the
// prefix http so they do not clash with the package's other tests.

// The fixture's world: tenant t1 with technicians A and B, tenant t2 with
// technician C. Both tenants hold a ticket "tk-same" and a part "BAT-1", so
// a leak between tenants cannot hide behind distinct IDs.
const (
	httpT1 = "t1"
	httpT2 = "t2"

	httpTechA app.TechnicianID = "tech-a"
	httpTechB app.TechnicianID = "tech-b"
	httpTechC app.TechnicianID = "tech-c"

	httpVanA    app.LocationID = "van-a"
	httpVanADef app.LocationID = "van-a-def"
	httpVanB    app.LocationID = "van-b"
	httpVanBDef app.LocationID = "van-b-def"
	httpVanC    app.LocationID = "van-c"
	httpStore   app.LocationID = "wh-cn"

	httpTicketA1   app.TicketID = "tk-a1" // A's, assigned
	httpTicketA2   app.TicketID = "tk-a2" // A's, in progress
	httpTicketB1   app.TicketID = "tk-b1" // B's, in progress, with a repair, a note and a photo
	httpTicketB2   app.TicketID = "tk-b2" // B's, assigned
	httpTicketSame app.TicketID = "tk-same"
	httpTicketC1   app.TicketID = "tk-c1" // C's (tenant t2)

	httpBattery app.PartNumber = "BAT-1"
	httpScreen  app.PartNumber = "SCR-1"
	httpT2Only  app.PartNumber = "T2-ONLY"
)

// httpClock is the fixture's server clock: the wall clock plus a skew the
// tests can move forward (to expire pairing codes).
type httpClock struct{ skew atomic.Int64 }

func (c *httpClock) Now() time.Time          { return time.Now().UTC().Add(time.Duration(c.skew.Load())) }
func (c *httpClock) advance(d time.Duration) { c.skew.Add(int64(d)) }

// httpDevice is a paired device as the tests drive it.
type httpDevice struct {
	ID     app.DeviceID
	Token  string
	Tech   app.TechnicianID
	Tenant string
	seq    int64 // the last seq minted by mut
}

// mut mints the device's next mutation with the command's wire arguments.
func (d *httpDevice) mut(tb testing.TB, name string, args any) app.Mutation {
	tb.Helper()
	d.seq++
	return httpMutation(tb, d.seq, name, args)
}

// fid is the fresh ID (app.FreshID) a test names label by: a device's
// new records must have one, and the same label gives the same ID.
func fid(label string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(label)).String()
}

func httpMutation(tb testing.TB, seq int64, name string, args any) app.Mutation {
	tb.Helper()
	raw, ok := args.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(args); err != nil {
			tb.Fatal(err)
		}
	}
	return app.Mutation{ID: app.NewID(), Name: name, Version: 1, Seq: seq, HLC: fmt.Sprintf("hlc-%d", seq), At: time.Now().UTC(), Args: raw}
}

// httpFixture is a central service with the fixture's world loaded, served
// over HTTP, with the devices of A, B and C paired through /v1/pair.
type httpFixture struct {
	db      *central.DB
	dir     string
	raw     *sql.DB // a second connection to central.db, to see every row
	srv     *httptest.Server
	clock   *httpClock
	admin   map[string]string // tenant -> admin token
	a, b, c *httpDevice
}

func newHTTPFixture(tb testing.TB) *httpFixture {
	tb.Helper()
	ctx := tb.Context()
	f := &httpFixture{dir: tb.TempDir(), clock: &httpClock{}, admin: map[string]string{}}
	db, err := central.OpenDB(ctx, central.Config{DataDir: f.dir, Clock: f.clock})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f.db = db
	now := time.Now().UTC()
	for tenant, ds := range map[string]app.Dataset{httpT1: httpWorldT1(now), httpT2: httpWorldT2(now)} {
		if err := db.LoadDataset(ctx, tenant, ds); err != nil {
			tb.Fatalf("load %s: %v", tenant, err)
		}
		tok, err := db.CreateAdminToken(ctx, tenant, "dispatch-"+tenant)
		if err != nil {
			tb.Fatal(err)
		}
		f.admin[tenant] = tok
	}
	f.srv = httptest.NewServer(central.NewServer(db, nil))
	tb.Cleanup(f.srv.Close)
	if f.raw, err = sql.Open("sqlite", "file:"+filepath.Join(f.dir, "central.db")+"?_pragma=busy_timeout(10000)"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.raw.Close() })

	// A pairs with a code minted in the database, B and C with codes their
	// administrators asked for over HTTP.
	code, _, err := db.CreatePairing(ctx, httpT1, httpTechA)
	if err != nil {
		tb.Fatal(err)
	}
	f.a = f.pairWith(tb, code, httpT1, httpTechA)
	f.b = f.pair(tb, httpT1, httpTechB)
	f.c = f.pair(tb, httpT2, httpTechC)
	return f
}

func httpTicket(id app.TicketID, number string, tech app.TechnicianID, status app.Status, now time.Time) app.TicketDetail {
	at := now.Add(-48 * time.Hour).Truncate(time.Second)
	return app.TicketDetail{Ticket: app.Ticket{
		ID: id, Number: number, Kind: app.KindCarryIn, Country: "CN",
		Product:  app.Product{Category: app.CategoryPhone, Brand: "Acme", Model: "A1", Serial: "SN-" + number},
		Customer: app.Customer{Name: "Customer " + number, Phone: "+86 21 5555 0101", Address: "1 Nanjing Rd"},
		Fault:    "does not charge", Priority: app.PriorityNormal, Technician: tech, Epoch: 1, Status: status,
		CreatedAt: at, UpdatedAt: at,
	}}
}

func httpWorldT1(now time.Time) app.Dataset {
	at := now.Add(-72 * time.Hour).Truncate(time.Second)
	b1 := httpTicket(httpTicketB1, "T1-B1", httpTechB, app.StatusInProgress, now)
	b1.Repairs = []app.RepairEntry{{ID: "rp-b1", Ticket: httpTicketB1, Action: "opened the case", Minutes: 10, At: at, By: "Bo"}}
	b1.Notes = []app.Note{{ID: "nt-b1", Ticket: httpTicketB1, Text: "customer wants a call", At: at, By: "Bo"}}
	b1.Photos = []app.Photo{{ID: "ph-b1", Ticket: httpTicketB1, SHA256: strings.Repeat("ab", 32), Size: 1000, Mime: "image/jpeg", At: at}}
	return app.Dataset{
		Technicians: []app.Technician{
			{ID: httpTechA, Name: "Ann", Country: "CN", Van: httpVanA},
			{ID: httpTechB, Name: "Bo", Country: "CN", Van: httpVanB},
		},
		Locations: []app.Location{
			{ID: httpVanA, Kind: app.LocationVan, Name: "Van A", Owner: string(httpTechA)},
			{ID: httpVanADef, Kind: app.LocationDefective, Name: "Van A defective", Owner: string(httpTechA)},
			{ID: httpVanB, Kind: app.LocationVan, Name: "Van B", Owner: string(httpTechB)},
			{ID: httpVanBDef, Kind: app.LocationDefective, Name: "Van B defective", Owner: string(httpTechB)},
			{ID: httpStore, Kind: app.LocationWarehouse, Name: "Warehouse CN"},
		},
		Parts: []app.Part{
			{Number: httpBattery, NameEN: "Battery (t1)", Class: app.ClassBattery, Prices: []app.Money{{Amount: 19900, Currency: "CNY"}}},
			{Number: httpScreen, NameEN: "Screen", Class: app.ClassMain, Prices: []app.Money{{Amount: 59900, Currency: "CNY"}}},
		},
		Movements: []app.StockMovement{
			{ID: "rcv-a-bat", Kind: app.MoveReceive, Part: httpBattery, To: httpVanA, Qty: 10, At: at},
			{ID: "rcv-b-bat", Kind: app.MoveReceive, Part: httpBattery, To: httpVanB, Qty: 10, At: at},
			{ID: "rcv-b-scr", Kind: app.MoveReceive, Part: httpScreen, To: httpVanB, Qty: 5, At: at},
			{ID: "rcv-wh-bat", Kind: app.MoveReceive, Part: httpBattery, To: httpStore, Qty: 100, At: at},
		},
		Tickets: []app.TicketDetail{
			httpTicket(httpTicketA1, "T1-A1", httpTechA, app.StatusAssigned, now),
			httpTicket(httpTicketA2, "T1-A2", httpTechA, app.StatusInProgress, now),
			b1,
			httpTicket(httpTicketB2, "T1-B2", httpTechB, app.StatusAssigned, now),
			httpTicket(httpTicketSame, "T1-SAME", httpTechB, app.StatusInProgress, now),
		},
	}
}

func httpWorldT2(now time.Time) app.Dataset {
	at := now.Add(-72 * time.Hour).Truncate(time.Second)
	same := httpTicket(httpTicketSame, "T2-SAME", httpTechC, app.StatusInProgress, now)
	same.Notes = []app.Note{{ID: "nt-c1", Ticket: httpTicketSame, Text: "t2 note", At: at, By: "Cai"}}
	return app.Dataset{
		Technicians: []app.Technician{{ID: httpTechC, Name: "Cai", Country: "DE", Van: httpVanC}},
		Locations:   []app.Location{{ID: httpVanC, Kind: app.LocationVan, Name: "Van C", Owner: string(httpTechC)}},
		Parts: []app.Part{
			{Number: httpBattery, NameEN: "Battery (t2)", Class: app.ClassBattery},
			{Number: httpT2Only, NameEN: "Only in t2", Class: app.ClassAccessory},
		},
		Movements: []app.StockMovement{{ID: "rcv-c-bat", Kind: app.MoveReceive, Part: httpBattery, To: httpVanC, Qty: 7, At: at}},
		Tickets:   []app.TicketDetail{httpTicket(httpTicketC1, "T2-C1", httpTechC, app.StatusAssigned, now), same},
	}
}

// pair asks the tenant's administrator for a pairing code over HTTP and
// pairs a new device with it.
func (f *httpFixture) pair(tb testing.TB, tenant string, tech app.TechnicianID) *httpDevice {
	tb.Helper()
	var pr central.PairingResponse
	f.okJSON(tb, f.call(tb, "POST", "/v1/admin/pairings", f.admin[tenant], httpJSON(tb, map[string]any{"technician": tech}), nil), &pr)
	if pr.Code == "" || pr.QRPNG == "" || !strings.Contains(pr.URI, pr.Code) {
		tb.Fatalf("pairing answer %+v", pr)
	}
	return f.pairWith(tb, pr.Code, tenant, tech)
}

func (f *httpFixture) pairWith(tb testing.TB, code, tenant string, tech app.TechnicianID) *httpDevice {
	tb.Helper()
	var pr fbsync.PairResponse
	f.okJSON(tb, f.call(tb, "POST", "/v1/pair", "", httpJSON(tb, fbsync.PairRequest{Code: code, DeviceName: "tablet of " + string(tech)}), nil), &pr)
	if pr.Token == "" || pr.Device == "" || pr.Technician.ID != tech || pr.Epoch == "" {
		tb.Fatalf("pair answer %+v", pr)
	}
	return &httpDevice{ID: pr.Device, Token: pr.Token, Tech: tech, Tenant: tenant}
}

// httpAnswer is an HTTP answer, its body decompressed.
type httpAnswer struct {
	Status int
	Body   []byte
}

func (a httpAnswer) String() string {
	b := a.Body
	if len(b) > 600 {
		b = append(b[:600:600], "..."...)
	}
	return fmt.Sprintf("HTTP %d %s", a.Status, b)
}

// call sends one request. token "" sends no Authorization header; header
// entries are set last, so they can replace it.
func (f *httpFixture) call(tb testing.TB, method, path, token string, body []byte, header map[string]string) httpAnswer {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	return httpAnswer{Status: res.StatusCode, Body: raw}
}

func httpJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func httpGzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// okJSON checks a 200 answer and decodes it into out (when not nil).
func (f *httpFixture) okJSON(tb testing.TB, a httpAnswer, out any) {
	tb.Helper()
	if a.Status != http.StatusOK {
		tb.Fatalf("want HTTP 200, got %s", a)
	}
	if out != nil {
		if err := json.Unmarshal(a.Body, out); err != nil {
			tb.Fatalf("decode %s: %v", a, err)
		}
	}
}

// httpWantError checks a non-2xx answer: the status, and the JSON body
// {code, key, msg} the protocol promises, with the code (and the key when
// given).
func httpWantError(tb testing.TB, a httpAnswer, status int, code, key string) fbsync.Error {
	tb.Helper()
	if a.Status != status {
		tb.Errorf("want HTTP %d, got %s", status, a)
	}
	var e fbsync.Error
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		tb.Errorf("error body is not {code,key,msg}: %v: %s", err, a)
		return e
	}
	if e.Code != code || e.Key == "" || e.Message == "" {
		tb.Errorf("want code %q with a key and a message, got %+v", code, e)
	}
	if key != "" && e.Key != key {
		tb.Errorf("want key %q, got %q (%s)", key, e.Key, e.Message)
	}
	return e
}

// sync sends a sync request as d and wants 200.
func (f *httpFixture) sync(tb testing.TB, d *httpDevice, req fbsync.Request) fbsync.Response {
	tb.Helper()
	if req.Protocol == 0 {
		req.Protocol = fbsync.ProtocolVersion
	}
	var resp fbsync.Response
	f.okJSON(tb, f.call(tb, "POST", "/v1/sync", d.Token, httpJSON(tb, req), nil), &resp)
	return resp
}

// push pushes mutations as d, without pulling.
func (f *httpFixture) push(tb testing.TB, d *httpDevice, muts ...app.Mutation) fbsync.Response {
	tb.Helper()
	return f.sync(tb, d, fbsync.Request{Push: muts, NoPull: true})
}

// pullAll pulls every page after cursor and merges them.
func (f *httpFixture) pullAll(tb testing.TB, d *httpDevice, cursor string) (app.Dataset, string) {
	tb.Helper()
	var all app.Dataset
	for range 100 {
		resp := f.sync(tb, d, fbsync.Request{Cursor: cursor, MaxBytes: central.MinPageBytes})
		if resp.Data != nil {
			ds := resp.Data
			all.Technicians = append(all.Technicians, ds.Technicians...)
			all.Locations = append(all.Locations, ds.Locations...)
			all.Parts = append(all.Parts, ds.Parts...)
			all.Movements = append(all.Movements, ds.Movements...)
			all.RuleSets = append(all.RuleSets, ds.RuleSets...)
			all.Tickets = append(all.Tickets, ds.Tickets...)
			all.Repairs = append(all.Repairs, ds.Repairs...)
			all.PartsUsed = append(all.PartsUsed, ds.PartsUsed...)
			all.Photos = append(all.Photos, ds.Photos...)
			all.Notes = append(all.Notes, ds.Notes...)
			all.Conflicts = append(all.Conflicts, ds.Conflicts...)
			all.GoneTickets = append(all.GoneTickets, ds.GoneTickets...)
		}
		cursor = resp.Cursor
		if !resp.More {
			return all, cursor
		}
	}
	tb.Fatal("pull never ends")
	return all, cursor
}

// tables reads every row of every table of the central database, each
// row as its columns joined by "|", sorted per table. Comparing two reads
// shows any write, committed by any path.
func (f *httpFixture) tables(tb testing.TB) map[string][]string {
	tb.Helper()
	ctx := tb.Context()
	rows, err := f.raw.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, n := range names {
		rows, err := f.raw.QueryContext(ctx, `SELECT * FROM "`+n+`"`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		list := []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			s := make([]string, len(vals))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				s[i] = fmt.Sprint(v)
			}
			list = append(list, strings.Join(s, "|"))
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
		slices.Sort(list)
		out[n] = list
	}
	return out
}

// httpRowDiff is what changed in one table: rows that appeared and rows
// that went (an updated row is both).
type httpRowDiff struct{ added, removed []string }

func httpDiff(before, after map[string][]string) map[string]httpRowDiff {
	out := map[string]httpRowDiff{}
	for _, name := range httpKeys(before, after) {
		var d httpRowDiff
		b, a := before[name], after[name]
		i, j := 0, 0
		for i < len(b) || j < len(a) {
			switch {
			case j == len(a) || (i < len(b) && b[i] < a[j]):
				d.removed = append(d.removed, b[i])
				i++
			case i == len(b) || a[j] < b[i]:
				d.added = append(d.added, a[j])
				j++
			default:
				i, j = i+1, j+1
			}
		}
		if len(d.added)+len(d.removed) > 0 {
			out[name] = d
		}
	}
	return out
}

func httpKeys(ms ...map[string][]string) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// unchanged fails tb when any row of the database differs from before.
func (f *httpFixture) unchanged(tb testing.TB, before map[string][]string) {
	tb.Helper()
	for name, d := range httpDiff(before, f.tables(tb)) {
		tb.Errorf("table %s changed: added %q, removed %q", name, d.added, d.removed)
	}
}

// onlyRejected fails tb unless the writes since before are exactly what a
// rejected push writes for d: its watermark, the audit row and conflict
// records (with their change rows); nothing on any ticket, fact or stock.
func (f *httpFixture) onlyRejected(tb testing.TB, d *httpDevice, before map[string][]string) {
	tb.Helper()
	for name, diff := range httpDiff(before, f.tables(tb)) {
		switch name {
		case "counter", "applied":
		case "devices", "device_info": // the pushing device's own rows: its watermark, its last sync
			for _, r := range append(diff.added, diff.removed...) {
				if !strings.HasPrefix(r, string(d.ID)+"|") {
					tb.Errorf("another device changed: %s", r)
				}
			}
		case "entities", "changes":
			if len(diff.removed) > 0 {
				tb.Errorf("%s rows replaced or removed: %q", name, diff.removed)
			}
			for _, r := range diff.added {
				if kind := strings.Split(r, "|")[1]; kind != "conflict" {
					tb.Errorf("%s: a %s was written: %s", name, kind, r)
				}
			}
		default:
			tb.Errorf("table %s changed: added %q, removed %q", name, diff.added, diff.removed)
		}
	}
}

func (f *httpFixture) device(tb testing.TB, d *httpDevice) central.Device {
	tb.Helper()
	ds, err := f.db.Devices(tb.Context(), d.Tenant)
	if err != nil {
		tb.Fatal(err)
	}
	for _, x := range ds {
		if x.ID == d.ID {
			return x
		}
	}
	tb.Fatalf("no device %s", d.ID)
	return central.Device{}
}

func (f *httpFixture) detail(tb testing.TB, tenant string, id app.TicketID) app.TicketDetail {
	tb.Helper()
	d, err := f.db.TicketDetail(tb.Context(), tenant, id)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func (f *httpFixture) balance(tb testing.TB, tenant string, loc app.LocationID, part app.PartNumber) int {
	tb.Helper()
	bs, err := f.db.Balances(tb.Context(), tenant, loc)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range bs {
		if b.Part == part {
			return b.Qty
		}
	}
	return 0
}

func (f *httpFixture) conflict(tb testing.TB, tenant, id string) (app.Conflict, bool) {
	tb.Helper()
	cs, err := f.db.Conflicts(tb.Context(), tenant, false)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c, true
		}
	}
	return app.Conflict{}, false
}

func httpPtr[T any](v T) *T { return &v }

// onlyWatermark fails tb unless the writes since before touch nothing but
// d's own device row (last_seq, last_seen, clock offset) and the version
// counter: what a push of replays, or of a batch after a gap, may write.
func (f *httpFixture) onlyWatermark(tb testing.TB, d *httpDevice, before map[string][]string) {
	tb.Helper()
	for name, diff := range httpDiff(before, f.tables(tb)) {
		switch name {
		case "counter":
		case "devices", "device_info": // the pushing device's own rows: its watermark, its last sync
			for _, r := range append(diff.added, diff.removed...) {
				if !strings.HasPrefix(r, string(d.ID)+"|") {
					tb.Errorf("another device changed: %s", r)
				}
			}
		default:
			tb.Errorf("table %s changed: added %q, removed %q", name, diff.added, diff.removed)
		}
	}
}

// httpPulled summarizes a pulled dataset as sorted IDs, to compare with
// what a device's scopes should hold.
type httpPulled struct {
	Tickets     []string // "id/number"
	Technicians []string
	Locations   []string
	Parts       []string // "number/name"
	Movements   []string
	Repairs     []string
	PartsUsed   []string
	Photos      []string
	Notes       []string
	Conflicts   []string
}

func httpSummary(ds app.Dataset) httpPulled {
	var p httpPulled
	add := func(list *[]string, s string) {
		if !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, t := range ds.Tickets {
		add(&p.Tickets, string(t.Ticket.ID)+"/"+t.Ticket.Number)
	}
	for _, t := range ds.Technicians {
		add(&p.Technicians, string(t.ID))
	}
	for _, l := range ds.Locations {
		add(&p.Locations, string(l.ID))
	}
	for _, x := range ds.Parts {
		add(&p.Parts, string(x.Number)+"/"+x.NameEN)
	}
	for _, m := range ds.Movements {
		if strings.HasPrefix(m.ID, "open-") {
			// A first pull's opening balance: what counts is where, what
			// and how much.
			add(&p.Movements, fmt.Sprintf("open:%s/%s=%d", m.To, m.Part, m.Qty))
			continue
		}
		add(&p.Movements, m.ID)
	}
	for _, r := range ds.Repairs {
		add(&p.Repairs, r.ID)
	}
	for _, u := range ds.PartsUsed {
		add(&p.PartsUsed, u.ID)
	}
	for _, ph := range ds.Photos {
		add(&p.Photos, ph.ID)
	}
	for _, n := range ds.Notes {
		add(&p.Notes, n.ID)
	}
	for _, c := range ds.Conflicts {
		add(&p.Conflicts, c.ID)
	}
	for _, l := range [][]string{p.Tickets, p.Technicians, p.Locations, p.Parts, p.Movements, p.Repairs, p.PartsUsed, p.Photos, p.Notes, p.Conflicts} {
		slices.Sort(l)
	}
	return p
}

func TestHTTPPullHoldsOnlyOwnScopes(t *testing.T) {
	f := newHTTPFixture(t)
	// B works on its ticket and van first: a leaking scope would show it
	// to A or C.
	r := f.push(t, f.b,
		f.b.mut(t, "repair.log", app.LogRepair{Entry: app.RepairEntry{ID: fid("rp-b2"), Ticket: httpTicketB1, Action: "replaced the port", Minutes: 20}}),
		f.b.mut(t, "stock.consume", app.ConsumePart{Used: app.PartUsed{ID: fid("use-b2"), Ticket: httpTicketB1, Part: httpBattery, Qty: 1, From: httpVanB}}),
		f.b.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b2"), Ticket: httpTicketB1, Text: "called the customer"}}),
	)
	if r.Acked != 3 || len(r.Rejected) != 0 {
		t.Fatalf("B's own work: %+v", r)
	}
	t1Locations := []string{"van-a", "van-a-def", "van-b", "van-b-def", "wh-cn"}
	t1Parts := []string{"BAT-1/Battery (t1)", "SCR-1/Screen"}
	tests := map[string]struct {
		dev  *httpDevice
		want httpPulled
	}{
		"TechnicianA": {f.a, httpPulled{
			Tickets:     []string{"tk-a1/T1-A1", "tk-a2/T1-A2"},
			Technicians: []string{"tech-a"}, Locations: t1Locations, Parts: t1Parts,
			Movements: []string{"open:van-a/BAT-1=10"},
		}},
		"TechnicianB": {f.b, httpPulled{
			Tickets:     []string{"tk-b1/T1-B1", "tk-b2/T1-B2", "tk-same/T1-SAME"},
			Technicians: []string{"tech-b"}, Locations: t1Locations, Parts: t1Parts,
			Movements: []string{"open:van-b/BAT-1=9", "open:van-b/SCR-1=5"},
			Repairs:   []string{"rp-b1", fid("rp-b2")}, PartsUsed: []string{fid("use-b2")}, Photos: []string{"ph-b1"}, Notes: []string{"nt-b1", fid("nt-b2")},
		}},
		"TechnicianCOfOtherTenant": {f.c, httpPulled{
			Tickets:     []string{"tk-c1/T2-C1", "tk-same/T2-SAME"},
			Technicians: []string{"tech-c"}, Locations: []string{"van-c"}, Parts: []string{"BAT-1/Battery (t2)", "T2-ONLY/Only in t2"},
			Movements: []string{"open:van-c/BAT-1=7"}, Notes: []string{"nt-c1"},
		}},
	}
	cursors := map[string]string{}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ds, cursor := f.pullAll(t, tc.dev, "")
			got := httpSummary(ds)
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", httpNormalize(tc.want)); g != w {
				t.Errorf("pulled\n%s\nwant\n%s", g, w)
			}
			cursors[name] = cursor
		})
	}

	// More work by B, by dispatch on B's ticket and on t2: the incremental
	// pulls of A and C must stay empty of it.
	r = f.push(t, f.b, f.b.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b3"), Ticket: httpTicketB1, Text: "parts ordered"}}))
	if r.Acked != 4 || len(r.Rejected) != 0 {
		t.Fatalf("B's note: %+v", r)
	}
	f.okJSON(t, f.call(t, "POST", "/v1/admin/mutations", f.admin[httpT1], httpJSON(t, central.AdminMutation{Name: "ticket.schedule", Version: 1,
		Args: httpJSON(t, app.ScheduleTicket{Ticket: httpTicketB2, WindowStart: time.Now().Add(time.Hour), WindowEnd: time.Now().Add(3 * time.Hour)})}), nil), nil)
	for name, d := range map[string]*httpDevice{"TechnicianA": f.a, "TechnicianCOfOtherTenant": f.c} {
		ds, _ := f.pullAll(t, d, cursors[name])
		if !ds.Empty() {
			t.Errorf("%s pulled others' changes: %+v", name, httpSummary(ds))
		}
	}
}

// httpNormalize sorts the lists of a wanted summary, as httpSummary sorts
// what was pulled.
func httpNormalize(p httpPulled) httpPulled {
	for _, l := range []*[]string{&p.Tickets, &p.Technicians, &p.Locations, &p.Parts, &p.Movements, &p.Repairs, &p.PartsUsed, &p.Photos, &p.Notes, &p.Conflicts} {
		slices.Sort(*l)
	}
	return p
}

func TestHTTPTechnicianCannotTouchOthersTickets(t *testing.T) {
	f := newHTTPFixture(t)
	ticketsOfB := []app.TicketID{httpTicketB1, httpTicketB2, httpTicketSame}
	tests := map[string]struct {
		name string
		args any
	}{
		"UpdateDiagnosis": {"ticket.update", app.UpdateTicket{Ticket: httpTicketB1, Set: app.TicketFields{Diagnosis: httpPtr("not B's diagnosis"), LabourMinutes: httpPtr(600)}}},
		"UpdateSharedField": {"ticket.update", app.UpdateTicket{Ticket: httpTicketB1,
			Set: app.TicketFields{CustomerPhone: httpPtr("+86 21 5555 0999")}, Base: app.TicketFields{CustomerPhone: httpPtr("+86 21 5555 0101")}}},
		"UpdateTicketWhoseIDExistsInOtherTenant": {"ticket.update", app.UpdateTicket{Ticket: httpTicketSame, Set: app.TicketFields{Diagnosis: httpPtr("x")}}},
		"LogRepair":                              {"repair.log", app.LogRepair{Entry: app.RepairEntry{ID: fid("rp-by-a"), Ticket: httpTicketB1, Action: "billed B's ticket", Minutes: 600}}},
		"ConsumeFromOwnVan":                      {"stock.consume", app.ConsumePart{Used: app.PartUsed{ID: fid("use-by-a-1"), Ticket: httpTicketB1, Part: httpBattery, Qty: 1, From: httpVanA}}},
		"ConsumeFromTheirVan":                    {"stock.consume", app.ConsumePart{Used: app.PartUsed{ID: fid("use-by-a-2"), Ticket: httpTicketB1, Part: httpScreen, Qty: 2, From: httpVanB}}},
		"AddNote":                                {"note.add", app.AddNote{Note: app.Note{ID: fid("nt-by-a"), Ticket: httpTicketB1, Text: "A was here"}}},
		"AttachPhoto": {"photo.attach", app.AttachPhoto{Photo: app.Photo{ID: fid("ph-by-a"), Ticket: httpTicketB1,
			SHA256: strings.Repeat("cd", 32), Size: 2048, Mime: "image/jpeg", Kind: "condition"}}},
		"ReturnDefectiveOnTheirTicket": {"stock.return_defective", app.ReturnDefective{Movement: app.StockMovement{ID: fid("ret-by-a"), Part: httpBattery, To: httpVanADef, Qty: 1, Ticket: httpTicketB1}}},
		"StartTheirTicket":             {"ticket.start", app.TransitionTicket{Ticket: httpTicketB2, Epoch: 1}},
		"CancelTheirTicket":            {"ticket.cancel", app.TransitionTicket{Ticket: httpTicketB2, Epoch: 1, Reason: "not mine anyway"}},
		"FailTheirTicket":              {"ticket.fail", app.TransitionTicket{Ticket: httpTicketB1, Epoch: 1, Reason: "gave up"}},
	}
	var conflicts []string
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f.a.seq = f.device(t, f.a).LastSeq
			before := f.tables(t)
			details := map[app.TicketID]app.TicketDetail{}
			for _, id := range ticketsOfB {
				details[id] = f.detail(t, httpT1, id)
			}
			m := f.a.mut(t, tc.name, tc.args)
			r := f.push(t, f.a, m)
			if r.Acked != m.Seq || r.ResendFrom != 0 || len(r.Rejected) != 1 {
				t.Fatalf("want seq %d consumed with one rejection, got %+v", m.Seq, r)
			}
			// B's tickets were never A's: the answer is the one about a
			// ticket that does not exist, naming nothing of B's.
			x := r.Rejected[0]
			if x.Seq != m.Seq || x.Code != app.ENOTFOUND || x.Key != "central.not_found" || x.Conflict != "cf-"+m.ID {
				t.Errorf("rejection %+v", x)
			}
			if want := "No ticket " + string(app.TicketOf(mustDecode(t, m))) + " on the server."; x.Message != want {
				t.Errorf("rejection message %q, want %q", x.Message, want)
			}
			f.onlyRejected(t, f.a, before)
			for _, id := range ticketsOfB {
				if got := f.detail(t, httpT1, id); !httpSameJSON(got, details[id]) {
					t.Errorf("ticket %s changed:\n%s\nwas\n%s", id, httpJSON(t, got), httpJSON(t, details[id]))
				}
			}
			c, ok := f.conflict(t, httpT1, "cf-"+m.ID)
			if !ok || c.Kind != app.ConflictRejected || c.Technician != httpTechA || c.Device != f.a.ID || c.Mutation != m.ID || c.Ours == "" || !c.Open() {
				t.Errorf("want an open conflict for A keeping the work, got %+v (found %v)", c, ok)
			}
			conflicts = append(conflicts, c.ID)
		})
	}

	// The conflicts reach A, not B; A still pulls none of B's tickets.
	dsA, _ := f.pullAll(t, f.a, "")
	gotA := httpSummary(dsA)
	slices.Sort(conflicts)
	if !slices.Equal(gotA.Conflicts, conflicts) {
		t.Errorf("A pulled conflicts %q, want %q", gotA.Conflicts, conflicts)
	}
	if want := []string{"tk-a1/T1-A1", "tk-a2/T1-A2"}; !slices.Equal(gotA.Tickets, want) {
		t.Errorf("A pulled tickets %q, want %q", gotA.Tickets, want)
	}
	if dsB, _ := f.pullAll(t, f.b, ""); len(dsB.Conflicts) != 0 {
		t.Errorf("B pulled A's conflicts: %+v", dsB.Conflicts)
	}
}

func httpSameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestHTTPTechnicianCannotRunDispatcherMutations(t *testing.T) {
	f := newHTTPFixture(t)
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	// On another's ticket, the refusal is the one about a missing ticket.
	tests := map[string]struct {
		name string
		args any
		code string
	}{
		"AssignTheirTicketToSelf": {"ticket.assign", app.AssignTicket{Ticket: httpTicketB1, Technician: httpTechA}, app.ENOTFOUND},
		"AssignOwnTicketToOther":  {"ticket.assign", app.AssignTicket{Ticket: httpTicketA1, Technician: httpTechB}, app.EFORBIDDEN},
		"AssignOwnTicketToSelf":   {"ticket.assign", app.AssignTicket{Ticket: httpTicketA2, Technician: httpTechA}, app.EFORBIDDEN},
		"ScheduleOwnTicket":       {"ticket.schedule", app.ScheduleTicket{Ticket: httpTicketA1, WindowStart: start, WindowEnd: start.Add(2 * time.Hour), Priority: app.PriorityUrgent}, app.EFORBIDDEN},
		"ScheduleTheirTicket":     {"ticket.schedule", app.ScheduleTicket{Ticket: httpTicketB2, WindowStart: start, WindowEnd: start.Add(2 * time.Hour)}, app.ENOTFOUND},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f.a.seq = f.device(t, f.a).LastSeq
			before := f.tables(t)
			m := f.a.mut(t, tc.name, tc.args)
			r := f.push(t, f.a, m)
			if r.Acked != m.Seq || len(r.Rejected) != 1 || r.Rejected[0].Code != tc.code {
				t.Fatalf("want seq %d consumed and rejected as %s, got %+v", m.Seq, tc.code, r)
			}
			f.onlyRejected(t, f.a, before)
			if c, ok := f.conflict(t, httpT1, "cf-"+m.ID); !ok || c.Kind != app.ConflictRejected || c.Technician != httpTechA {
				t.Errorf("want a rejected conflict for A, got %+v", c)
			}
		})
	}
}

func TestHTTPDevicesCannotCallAdminEndpoints(t *testing.T) {
	f := newHTTPFixture(t)
	tests := map[string]struct {
		method, path string
		body         []byte
	}{
		"ListDevices":     {"GET", "/v1/admin/devices", nil},
		"RevokeDevice":    {"POST", "/v1/admin/devices/" + string(f.b.ID) + "/revoke", nil},
		"RevokeOwnDevice": {"POST", "/v1/admin/devices/" + string(f.a.ID) + "/revoke", nil},
		"CreatePairing":   {"POST", "/v1/admin/pairings", httpJSON(t, map[string]string{"technician": string(httpTechA)})},
		"PutTechnician":   {"PUT", "/v1/admin/technicians/tech-a", httpJSON(t, app.Technician{ID: httpTechA, Name: "Ann", Country: "CN", Van: httpVanB})},
		"PutLocation":     {"PUT", "/v1/admin/locations/van-a", httpJSON(t, app.Location{ID: httpVanA, Kind: app.LocationVan, Name: "mine"})},
		"AdminMutation": {"POST", "/v1/admin/mutations", httpJSON(t, central.AdminMutation{Name: "ticket.assign", Version: 1,
			Args: httpJSON(t, app.AssignTicket{Ticket: httpTicketB1, Technician: httpTechA})})},
		"ListTickets":   {"GET", "/v1/admin/tickets", nil},
		"GetTicket":     {"GET", "/v1/admin/tickets/" + string(httpTicketB1), nil},
		"TicketHistory": {"GET", "/v1/admin/tickets/" + string(httpTicketB1) + "/history", nil},
		"AppliedByB":    {"GET", "/v1/admin/devices/" + string(f.b.ID) + "/applied", nil},
		"ListConflicts": {"GET", "/v1/admin/conflicts?all=1", nil},
		"Balances":      {"GET", "/v1/admin/balances", nil},
		"ImportStock":   {"POST", "/v1/admin/import/stock", []byte("location,part,qty\nvan-a,BAT-1,100\n")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := f.tables(t)
			a := f.call(t, tc.method, tc.path, f.a.Token, tc.body, nil)
			httpWantError(t, a, http.StatusForbidden, app.EFORBIDDEN, "auth.wrong_role")
			f.unchanged(t, before)
		})
	}
}

func TestHTTPAdminSeesOnlyOwnTenant(t *testing.T) {
	f := newHTTPFixture(t)
	// t1 gets a conflict and some pushes, so every t1 list has something
	// to leak.
	m := f.a.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-x"), Ticket: httpTicketB1, Text: "x"}})
	if r := f.push(t, f.a, m); len(r.Rejected) != 1 {
		t.Fatalf("want a rejection, got %+v", r)
	}
	t1Conflict := "cf-" + m.ID
	admin2 := f.admin[httpT2]

	t.Run("Lists", func(t *testing.T) {
		var tickets []app.Ticket
		f.okJSON(t, f.call(t, "GET", "/v1/admin/tickets", admin2, nil, nil), &tickets)
		var got []string
		for _, tk := range tickets {
			got = append(got, string(tk.ID)+"/"+tk.Number)
		}
		slices.Sort(got)
		if want := []string{"tk-c1/T2-C1", "tk-same/T2-SAME"}; !slices.Equal(got, want) {
			t.Errorf("t2 admin lists tickets %q, want %q", got, want)
		}
		f.okJSON(t, f.call(t, "GET", "/v1/admin/tickets?technician=tech-a", admin2, nil, nil), &tickets)
		if len(tickets) != 0 {
			t.Errorf("t2 admin lists A's tickets: %+v", tickets)
		}
		var same app.TicketDetail
		f.okJSON(t, f.call(t, "GET", "/v1/admin/tickets/tk-same", admin2, nil, nil), &same)
		if same.Ticket.Number != "T2-SAME" || len(same.Notes) != 1 || same.Notes[0].ID != "nt-c1" {
			t.Errorf("t2's tk-same is %+v", same)
		}
		var devices []central.Device
		f.okJSON(t, f.call(t, "GET", "/v1/admin/devices", admin2, nil, nil), &devices)
		if len(devices) != 1 || devices[0].ID != f.c.ID {
			t.Errorf("t2 admin lists devices %+v, want only C's", devices)
		}
		var conflicts []app.Conflict
		f.okJSON(t, f.call(t, "GET", "/v1/admin/conflicts?all=1", admin2, nil, nil), &conflicts)
		if len(conflicts) != 0 {
			t.Errorf("t2 admin lists conflicts %+v", conflicts)
		}
		var balances []app.Balance
		f.okJSON(t, f.call(t, "GET", "/v1/admin/balances", admin2, nil, nil), &balances)
		if len(balances) != 1 || balances[0].Location != httpVanC || balances[0].Qty != 7 {
			t.Errorf("t2 admin sees balances %+v", balances)
		}
		// Another tenant's device is answered as one that does not exist
		// (PROTOCOL.md, the 404 row), not with its (empty) list.
		if res := f.call(t, "GET", "/v1/admin/devices/"+string(f.a.ID)+"/applied", admin2, nil, nil); res.Status != http.StatusNotFound {
			t.Errorf("t2 admin asks for A's pushes: HTTP %d, want 404", res.Status)
		}
		if res := f.call(t, "GET", "/v1/admin/tickets/tk-a1/history", admin2, nil, nil); res.Status != http.StatusNotFound {
			t.Errorf("t2 admin asks for the history of t1's ticket: HTTP %d, want 404", res.Status)
		}
	})

	tests := map[string]struct {
		method, path string
		body         []byte
		status       int
		code, key    string
	}{
		"GetTicket":         {"GET", "/v1/admin/tickets/tk-b1", nil, 404, app.ENOTFOUND, "central.not_found"},
		"RevokeDevice":      {"POST", "/v1/admin/devices/" + string(f.a.ID) + "/revoke", nil, 404, app.ENOTFOUND, "central.no_device"},
		"ResolveConflict":   {"POST", "/v1/conflicts/" + t1Conflict + "/resolve", httpJSON(t, fbsync.ResolveRequest{Resolution: "accept_ours"}), 404, app.ENOTFOUND, "central.not_found"},
		"PairTechnician":    {"POST", "/v1/admin/pairings", httpJSON(t, map[string]string{"technician": string(httpTechA)}), 404, app.ENOTFOUND, "central.no_technician"},
		"AssignTicket":      {"POST", "/v1/admin/mutations", httpJSON(t, central.AdminMutation{Name: "ticket.assign", Args: httpJSON(t, app.AssignTicket{Ticket: httpTicketB1, Technician: httpTechC})}), 404, app.ENOTFOUND, ""},
		"CancelTicket":      {"POST", "/v1/admin/mutations", httpJSON(t, central.AdminMutation{Name: "ticket.cancel", Args: httpJSON(t, app.TransitionTicket{Ticket: httpTicketA1, Epoch: 1, Reason: "x"})}), 404, app.ENOTFOUND, ""},
		"TransferFromVanA":  {"POST", "/v1/admin/mutations", httpJSON(t, central.AdminMutation{Name: "stock.transfer", Args: httpJSON(t, app.MoveStock{Movement: app.StockMovement{ID: "tr-x", Part: httpBattery, From: httpVanA, To: httpVanC, Qty: 5}})}), 404, app.ENOTFOUND, ""},
		"ImportStockToVanA": {"POST", "/v1/admin/import/stock", []byte("location,part,qty\nvan-a,BAT-1,5\n"), 400, app.EINVALID, "import.refused"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := f.tables(t)
			httpWantError(t, f.call(t, tc.method, tc.path, admin2, tc.body, nil), tc.status, tc.code, tc.key)
			f.unchanged(t, before)
		})
	}
	// A was not revoked by t2's administrator.
	if r := f.push(t, f.a, f.a.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-a"), Ticket: httpTicketA1, Text: "still here"}})); r.Acked != f.a.seq || len(r.Rejected) != 0 {
		t.Errorf("A after t2's revoke: %+v", r)
	}
}

func TestHTTPResolveConflictNeedsTheRightPerson(t *testing.T) {
	f := newHTTPFixture(t)
	m := f.a.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-x"), Ticket: httpTicketB1, Text: "x"}})
	if r := f.push(t, f.a, m); len(r.Rejected) != 1 {
		t.Fatalf("want a rejection, got %+v", r)
	}
	path := "/v1/conflicts/cf-" + m.ID + "/resolve"
	body := func(res string) []byte { return httpJSON(t, fbsync.ResolveRequest{Resolution: res}) }
	// In order: the refusals first, then A's own dismissal, then a second
	// try on the closed conflict.
	steps := []struct {
		name      string
		token     string
		body      []byte
		status    int
		code, key string
	}{
		{"OtherTechnicianDismisses", f.b.Token, body("dismissed"), 404, app.ENOTFOUND, "central.not_found"},
		{"OtherTechnicianAcceptsTheirs", f.b.Token, body("accept_theirs"), 404, app.ENOTFOUND, "central.not_found"},
		{"OwnerAcceptsOwnWork", f.a.Token, body("accept_ours"), 403, app.EFORBIDDEN, "conflict.not_yours"},
		{"OtherTenantTechnician", f.c.Token, body("dismissed"), 404, app.ENOTFOUND, ""},
		{"OtherTenantAdmin", f.admin[httpT2], body("dismissed"), 404, app.ENOTFOUND, ""},
		{"UnknownResolution", f.a.Token, body("delete"), 400, app.EINVALID, "conflict.bad_resolution"},
		{"UnknownConflict", f.a.Token, nil, 404, app.ENOTFOUND, ""},
		{"OwnerDismisses", f.a.Token, body("dismissed"), 200, "", ""},
		{"DismissedTwice", f.a.Token, body("dismissed"), 409, app.ECONFLICT, "conflict.closed"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := f.tables(t)
			p := path
			b := st.body
			if b == nil {
				p, b = "/v1/conflicts/cf-nope/resolve", body("dismissed")
			}
			a := f.call(t, "POST", p, st.token, b, nil)
			if st.status == 200 {
				var c app.Conflict
				f.okJSON(t, a, &c)
				if c.Open() || c.Resolution != "dismissed" {
					t.Errorf("resolved conflict %+v", c)
				}
				return
			}
			httpWantError(t, a, st.status, st.code, st.key)
			f.unchanged(t, before)
		})
	}
}

func TestHTTPRevokedDeviceIsRefused(t *testing.T) {
	f := newHTTPFixture(t)
	b2 := f.pair(t, httpT1, httpTechB)
	if r := f.push(t, b2, b2.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b2-1"), Ticket: httpTicketB1, Text: "before"}})); r.Acked != 1 {
		t.Fatalf("push before revoke: %+v", r)
	}
	f.okJSON(t, f.call(t, "POST", "/v1/admin/devices/"+string(b2.ID)+"/revoke", f.admin[httpT1], nil, nil), nil)

	tests := map[string]struct {
		method, path string
		body         []byte
	}{
		"Push": {"POST", "/v1/sync", httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{
			httpMutation(t, 2, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b2-2"), Ticket: httpTicketB1, Text: "after"}})}})},
		"Replay": {"POST", "/v1/sync", httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{
			httpMutation(t, 1, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b2-3"), Ticket: httpTicketB1, Text: "again"}})}})},
		"Pull":    {"POST", "/v1/sync", httpJSON(t, fbsync.Request{Protocol: 1})},
		"Resolve": {"POST", "/v1/conflicts/cf-x/resolve", httpJSON(t, fbsync.ResolveRequest{Resolution: "dismissed"})},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := f.tables(t)
			httpWantError(t, f.call(t, tc.method, tc.path, b2.Token, tc.body, nil), http.StatusUnauthorized, app.EREVOKED, "auth.revoked")
			f.unchanged(t, before)
		})
	}
	t.Run("RevokeTwice", func(t *testing.T) {
		httpWantError(t, f.call(t, "POST", "/v1/admin/devices/"+string(b2.ID)+"/revoke", f.admin[httpT1], nil, nil), 404, app.ENOTFOUND, "central.no_device")
	})
	if d := f.device(t, b2); d.LastSeq != 1 || d.RevokedAt.IsZero() {
		t.Errorf("revoked device %+v", d)
	}
	if d := f.detail(t, httpT1, httpTicketB1); len(d.Notes) != 2 {
		t.Errorf("B1 has notes %+v, want nt-b1 and nt-b2-1 only", d.Notes)
	}
	// B's other device is not affected.
	if r := f.push(t, f.b, f.b.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-b-ok"), Ticket: httpTicketB1, Text: "fine"}})); r.Acked != 1 {
		t.Errorf("B's other device: %+v", r)
	}
}

func TestHTTPForgedTokensAreUnauthorized(t *testing.T) {
	f := newHTTPFixture(t)
	tokA, admin := f.a.Token, f.admin[httpT1]
	flip := func(s string) string {
		b := []byte(s)
		if b[len(b)-1] == 'A' {
			b[len(b)-1] = 'B'
		} else {
			b[len(b)-1] = 'A'
		}
		return string(b)
	}
	auths := map[string]string{
		"NoHeader":          "",
		"EmptyBearer":       "Bearer ",
		"Garbage":           "Bearer garbage",
		"LowerCaseScheme":   "bearer " + tokA,
		"BasicScheme":       "Basic " + tokA,
		"TokenWithoutSheme": tokA,
		"OneCharChanged":    "Bearer " + flip(tokA),
		"Extended":          "Bearer " + tokA + "x",
		"Truncated":         "Bearer " + tokA[:len(tokA)-1],
		"StoredHash":        "Bearer " + httpSHA256(tokA),
		"AdminOneCharOff":   "Bearer " + flip(admin),
		"VeryLong":          "Bearer " + strings.Repeat("x", 10000),
	}
	push := httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{
		httpMutation(t, 1, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-forged"), Ticket: httpTicketA1, Text: "forged"}})}})
	endpoints := map[string]struct {
		method, path string
		body         []byte
	}{
		"Sync":          {"POST", "/v1/sync", push},
		"Resolve":       {"POST", "/v1/conflicts/cf-x/resolve", httpJSON(t, fbsync.ResolveRequest{Resolution: "dismissed"})},
		"AdminMutation": {"POST", "/v1/admin/mutations", httpJSON(t, central.AdminMutation{Name: "ticket.assign", Args: httpJSON(t, app.AssignTicket{Ticket: httpTicketB1, Technician: httpTechA})})},
		"AdminTickets":  {"GET", "/v1/admin/tickets", nil},
		"AdminImport":   {"POST", "/v1/admin/import/parts", []byte("number,name_en,class\nX-1,x,unit\n")},
		"AdminPairing":  {"POST", "/v1/admin/pairings", httpJSON(t, map[string]string{"technician": "tech-a"})},
	}
	for an, auth := range auths {
		for en, ep := range endpoints {
			t.Run(an+"/"+en, func(t *testing.T) {
				before := f.tables(t)
				a := f.call(t, ep.method, ep.path, "", ep.body, map[string]string{"Authorization": auth})
				httpWantError(t, a, http.StatusUnauthorized, app.EUNAUTHORIZED, "auth.unknown_token")
				f.unchanged(t, before)
			})
		}
	}
}

// httpSHA256 is what the server stores of a token.
func httpSHA256(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

func TestHTTPPairingCodes(t *testing.T) {
	f := newHTTPFixture(t)
	code, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB)
	if err != nil {
		t.Fatal(err)
	}
	expiring, _, err := f.db.CreatePairing(t.Context(), httpT1, httpTechB)
	if err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	// In order: a code works once, typed any way; then never again.
	steps := []struct {
		name   string
		code   string
		expire bool
		ok     bool
	}{
		{"WrongCode", "AAAA-BBBB-CCCC", false, false},
		{"EmptyCode", "", false, false},
		{"TooLongCode", strings.Repeat("A", 100), false, false},
		{"StartOfAPendingCode", code[:4], false, false}, // counts against that code: see TestPairingLocksACodeAfterFailures
		{"CodeAsTyped", typed, false, true},
		{"UsedCode", code, false, false},
		{"UsedCodeAsTyped", typed, false, false},
		{"ExpiredCode", expiring, true, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.expire {
				f.clock.advance(25 * time.Hour)
				defer f.clock.advance(-25 * time.Hour)
			}
			before := f.tables(t)
			a := f.call(t, "POST", "/v1/pair", "", httpJSON(t, fbsync.PairRequest{Code: st.code, DeviceName: "phone"}), nil)
			if st.ok {
				var pr fbsync.PairResponse
				f.okJSON(t, a, &pr)
				if pr.Technician.ID != httpTechB || pr.Token == "" {
					t.Errorf("paired %+v", pr)
				}
				return
			}
			httpWantError(t, a, http.StatusUnauthorized, app.EUNAUTHORIZED, "auth.bad_pairing")
			after := f.tables(t)
			delete(before, "pairing_guards") // the failure counters
			delete(after, "pairing_guards")
			if d := httpDiff(before, after); len(d) > 0 {
				t.Errorf("a wrong code changed %v", d)
			}
		})
	}
}

func TestHTTPBadRequestsWriteNothing(t *testing.T) {
	f := newHTTPFixture(t)
	tokA, admin := f.a.Token, f.admin[httpT1]
	note := func(seq int64) app.Mutation {
		return httpMutation(t, seq, "note.add", app.AddNote{Note: app.Note{ID: fid(fmt.Sprintf("nt-bad-%d", seq)), Ticket: httpTicketA1, Text: "note"}})
	}
	push := func(muts ...app.Mutation) []byte { return httpJSON(t, fbsync.Request{Protocol: 1, Push: muts}) }
	valid := push(note(1))
	// validMut is one mutation as JSON, to build broken envelopes around.
	validMut := string(httpJSON(t, note(1)))
	many := make([]app.Mutation, 1001)
	for i := range many {
		many[i] = note(int64(i + 1))
	}
	// pad makes a valid sync body of n bytes: a small request followed by
	// blanks.
	pad := func(n int) []byte {
		b := append([]byte(`{"v":1,"np":true}`), bytes.Repeat([]byte(" "), n)...)
		return b[:n]
	}
	random := make([]byte, 1<<20+(1<<19))
	rand.Read(random)
	gzipped := httpGzip(valid)
	gz := map[string]string{"Content-Encoding": "gzip"}
	cursor := func(raw string) []byte {
		return httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{note(1)}, Cursor: httpB64(raw)})
	}
	adminMut := func(name string, version int, args string) []byte {
		return httpJSON(t, central.AdminMutation{Name: name, Version: version, Args: json.RawMessage(args)})
	}
	tests := map[string]struct {
		method, path, token string
		header              map[string]string
		body                []byte
		status              int
		code, key           string
	}{
		// /v1/sync: the envelope.
		"SyncMalformedJSON":        {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"p":[`), 400, app.EINVALID, "http.bad_json"},
		"SyncEmptyBody":            {"POST", "/v1/sync", tokA, nil, nil, 400, app.EINVALID, "http.bad_json"},
		"SyncNotAnObject":          {"POST", "/v1/sync", tokA, nil, []byte(`[1,2,3]`), 400, app.EINVALID, "http.bad_json"},
		"SyncNull":                 {"POST", "/v1/sync", tokA, nil, []byte(`null`), 400, app.EINVALID, "sync.no_protocol"},
		"SyncProtocolAsString":     {"POST", "/v1/sync", tokA, nil, []byte(`{"v":"1"}`), 400, app.EINVALID, "http.bad_json"},
		"SyncProtocolHuge":         {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1e400}`), 400, app.EINVALID, "http.bad_json"},
		"SyncPushNotAList":         {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"p":{}}`), 400, app.EINVALID, "http.bad_json"},
		"SyncMutationNotAnObject":  {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"p":["note.add"]}`), 400, app.EINVALID, "http.bad_json"},
		"SyncSeqAsString":          {"POST", "/v1/sync", tokA, nil, []byte(strings.Replace(`{"v":1,"p":[`+validMut+`]}`, `"seq":1`, `"seq":"1"`, 1)), 400, app.EINVALID, "http.bad_json"},
		"SyncSeqFraction":          {"POST", "/v1/sync", tokA, nil, []byte(strings.Replace(`{"v":1,"p":[`+validMut+`]}`, `"seq":1`, `"seq":1.5`, 1)), 400, app.EINVALID, "http.bad_json"},
		"SyncVersionAsString":      {"POST", "/v1/sync", tokA, nil, []byte(strings.Replace(`{"v":1,"p":[`+validMut+`]}`, `"version":1`, `"version":"1"`, 1)), 400, app.EINVALID, "http.bad_json"},
		"SyncBadTime":              {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"p":[{"id":"x","name":"note.add","version":1,"seq":1,"at":"yesterday","args":{}}]}`), 400, app.EINVALID, "http.bad_json"},
		"SyncCursorAsNumber":       {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"c":5}`), 400, app.EINVALID, "http.bad_json"},
		"SyncUnknownField":         {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"push":[` + validMut + `]}`), 400, app.EINVALID, "http.bad_json"},
		"SyncUnknownMutationField": {"POST", "/v1/sync", tokA, nil, []byte(`{"v":1,"p":[` + strings.Replace(validMut, `{`, `{"priority":1,`, 1) + `]}`), 400, app.EINVALID, "http.bad_json"},
		"SyncTrailingObject":       {"POST", "/v1/sync", tokA, nil, append(append([]byte{}, valid...), `{"v":1}`...), 400, app.EINVALID, "http.bad_json"},
		"SyncTrailingBrace":        {"POST", "/v1/sync", tokA, nil, append(append([]byte{}, valid...), '}'), 400, app.EINVALID, "http.bad_json"},
		"SyncTrailingBracket":      {"POST", "/v1/sync", tokA, nil, append(append([]byte{}, valid...), ']'), 400, app.EINVALID, "http.bad_json"},
		"SyncTrailingGarbage":      {"POST", "/v1/sync", tokA, nil, append(append([]byte{}, valid...), " x"...), 400, app.EINVALID, "http.bad_json"},
		// /v1/sync: sizes and encodings.
		"SyncOverOneMiBPlain":       {"POST", "/v1/sync", tokA, nil, pad(1<<20 + 1), 413, app.EINVALID, "http.too_large"},
		"SyncOverEightMiBUnzipped":  {"POST", "/v1/sync", tokA, gz, httpGzip(pad(8<<20 + 1)), 413, app.EINVALID, "http.too_large"},
		"SyncGzipBomb":              {"POST", "/v1/sync", tokA, gz, httpGzip(make([]byte, 64<<20)), 413, app.EINVALID, "http.too_large"},
		"SyncOverOneMiBCompressed":  {"POST", "/v1/sync", tokA, gz, httpGzip(random), 413, app.EINVALID, "http.too_large"},
		"SyncNotGzip":               {"POST", "/v1/sync", tokA, gz, valid, 400, app.EINVALID, "http.bad_gzip"},
		"SyncTruncatedGzip":         {"POST", "/v1/sync", tokA, gz, gzipped[:len(gzipped)/2], 400, app.EINVALID, "http.bad_body"},
		"SyncGzipCorruptChecksum":   {"POST", "/v1/sync", tokA, gz, httpFlipLast(gzipped), 400, app.EINVALID, "http.bad_body"},
		"SyncGzipThenGarbage":       {"POST", "/v1/sync", tokA, gz, append(append([]byte{}, gzipped...), "garbage"...), 400, app.EINVALID, "http.bad_body"},
		"SyncUnknownEncoding":       {"POST", "/v1/sync", tokA, map[string]string{"Content-Encoding": "br"}, valid, 400, app.EINVALID, "http.bad_encoding"},
		"SyncDoubleEncoding":        {"POST", "/v1/sync", tokA, map[string]string{"Content-Encoding": "gzip, gzip"}, httpGzip(gzipped), 400, app.EINVALID, "http.bad_encoding"},
		"SyncProtocolZero":          {"POST", "/v1/sync", tokA, nil, httpJSON(t, fbsync.Request{Protocol: 0, Push: []app.Mutation{note(1)}}), 400, app.EINVALID, "sync.no_protocol"},
		"SyncProtocolNegative":      {"POST", "/v1/sync", tokA, nil, httpJSON(t, fbsync.Request{Protocol: -1, Push: []app.Mutation{note(1)}}), 400, app.EINVALID, "sync.no_protocol"},
		"SyncProtocolTooNew":        {"POST", "/v1/sync", tokA, nil, httpJSON(t, fbsync.Request{Protocol: 99, Push: []app.Mutation{note(1)}}), 426, app.ETOONEW, "sync.protocol_too_new"},
		"SyncTooManyMutations":      {"POST", "/v1/sync", tokA, nil, push(many...), 400, app.EINVALID, "sync.too_many"},
		"SyncBatchWithGap":          {"POST", "/v1/sync", tokA, nil, push(note(1), note(2), note(4)), 400, app.EINVALID, "sync.not_contiguous"},
		"SyncBatchDescending":       {"POST", "/v1/sync", tokA, nil, push(note(2), note(1)), 400, app.EINVALID, "sync.not_contiguous"},
		"SyncBatchRepeatedSeq":      {"POST", "/v1/sync", tokA, nil, push(note(1), note(1)), 400, app.EINVALID, "sync.not_contiguous"},
		"SyncCursorNotBase64":       {"POST", "/v1/sync", tokA, nil, httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{note(1)}, Cursor: "!!not a cursor!!"}), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncCursorTooFewFields":    {"POST", "/v1/sync", tokA, nil, cursor("ep-x\x00abc"), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncCursorNegativeVersion": {"POST", "/v1/sync", tokA, nil, cursor("ep-x\x001\x00-5\x00ticket\x00x"), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncCursorBadScopes":       {"POST", "/v1/sync", tokA, nil, cursor("ep-x\x00zzzzzzzzzzzz\x005\x00ticket\x00x"), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncCursorTooLong":         {"POST", "/v1/sync", tokA, nil, cursor(strings.Repeat("a", 600)), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncPushOnlyBadCursor":     {"POST", "/v1/sync", tokA, nil, httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{note(1)}, NoPull: true, Cursor: "%%%"}), 400, app.EINVALID, "sync.bad_cursor"},
		"SyncByAdmin":               {"POST", "/v1/sync", admin, nil, valid, 403, app.EFORBIDDEN, "auth.wrong_role"},
		// /v1/pair.
		"PairMalformedJSON": {"POST", "/v1/pair", "", nil, []byte(`{"code":`), 400, app.EINVALID, "http.bad_json"},
		"PairWrongType":     {"POST", "/v1/pair", "", nil, []byte(`{"code":12345678}`), 400, app.EINVALID, "http.bad_json"},
		"PairUnknownField":  {"POST", "/v1/pair", "", nil, []byte(`{"code":"AAAA","device":"x"}`), 400, app.EINVALID, "http.bad_json"},
		"PairTrailingData":  {"POST", "/v1/pair", "", nil, []byte(`{"code":"AAAA"}{}`), 400, app.EINVALID, "http.bad_json"},
		"PairOver64KiB":     {"POST", "/v1/pair", "", nil, []byte(`{"code":"` + strings.Repeat("A", 70<<10) + `"}`), 413, app.EINVALID, "http.too_large"},
		"PairGzipBomb":      {"POST", "/v1/pair", "", gz, httpGzip(make([]byte, 16<<20)), 413, app.EINVALID, "http.too_large"},
		"PairBadGzip":       {"POST", "/v1/pair", "", gz, []byte(`{"code":"AAAA"}`), 400, app.EINVALID, "http.bad_gzip"},
		// /v1/admin/*.
		"TechnicianMalformed":    {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"id":`), 400, app.EINVALID, "http.bad_json"},
		"TechnicianUnknownField": {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"id":"tech-x","name":"X","country":"CN","salary":1}`), 400, app.EINVALID, "http.bad_json"},
		"TechnicianWrongType":    {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"id":"tech-x","name":["X"]}`), 400, app.EINVALID, "http.bad_json"},
		"TechnicianIDMismatch":   {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"id":"tech-a","name":"X","country":"CN"}`), 400, app.EINVALID, "central.id_mismatch"},
		"TechnicianNoName":       {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"country":"CN"}`), 400, app.EINVALID, "technician.invalid.name"},
		"TechnicianBadCountry":   {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"name":"X","country":"China"}`), 400, app.EINVALID, "technician.invalid.country"},
		"TechnicianLongName":     {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"name":"` + strings.Repeat("x", app.MaxNameLen+1) + `","country":"CN"}`), 400, app.EINVALID, "mutation.too_long"},
		"TechnicianOver64KiB":    {"PUT", "/v1/admin/technicians/tech-x", admin, nil, []byte(`{"id":"tech-x","name":"` + strings.Repeat("x", 70<<10) + `"}`), 413, app.EINVALID, "http.too_large"},
		"LocationWrongType":      {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":5}`), 400, app.EINVALID, "http.bad_json"},
		"LocationNoName":         {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"van"}`), 400, app.EINVALID, "location.invalid.name"},
		"LocationUnknownKind":    {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"spaceship","name":"X"}`), 400, app.EINVALID, "location.invalid.kind"},
		"LocationNoKind":         {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"name":"X"}`), 400, app.EINVALID, "location.invalid.kind"},
		"LocationControlName":    {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"van","name":"X\u0000Y"}`), 400, app.EINVALID, "field.control_chars"},
		"LocationLeadTooLong":    {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"store","name":"X","lead_weeks":27}`), 400, app.EINVALID, "location.invalid.lead_weeks"},
		"LocationLeadText":       {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"store","name":"X","lead_weeks":"6"}`), 400, app.EINVALID, "http.bad_json"},
		"MutationAdjustOverflow": {"POST", "/v1/admin/mutations", admin, nil, adminMut("stock.adjust", 1, `{"movement":{"id":"mv-big","part":"BAT-1","to":"van-a","qty":9223372036854775807,"reason":"count"}}`), 400, app.EINVALID, "stock.qty_out_of_range"},
		"MutationAdjustNegative": {"POST", "/v1/admin/mutations", admin, nil, adminMut("stock.adjust", 1, `{"movement":{"id":"mv-neg","part":"BAT-1","to":"van-a","qty":-1000001,"reason":"count"}}`), 400, app.EINVALID, "stock.qty_out_of_range"},
		"MutationReceiveOverMax": {"POST", "/v1/admin/mutations", admin, nil, adminMut("stock.receive", 1, `{"movement":{"id":"mv-rcv","part":"BAT-1","to":"van-a","qty":1000001}}`), 400, app.EINVALID, "stock.qty_out_of_range"},
		"ImportPartHugeName":     {"POST", "/v1/admin/import/parts", admin, nil, []byte("number,name_en,class\nP-9," + strings.Repeat("x", 1<<20) + ",main\n"), 400, app.EINVALID, "import.refused"},
		"ImportPartManyModels":   {"POST", "/v1/admin/import/parts", admin, nil, []byte("number,name_en,class,models\nP-9,Filter,main," + strings.Repeat("m;", app.MaxListLen+1) + "\n"), 400, app.EINVALID, "import.refused"},
		"LocationTrailing":       {"PUT", "/v1/admin/locations/loc-x", admin, nil, []byte(`{"kind":"van","name":"x"}]`), 400, app.EINVALID, "http.bad_json"},
		"MutationUnknownName":    {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.teleport", 1, `{"ticket":"tk-a1"}`), 400, app.EINVALID, "mutation.unknown"},
		"MutationUnknownVersion": {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 9, `{"ticket":"tk-a1","technician":"tech-b"}`), 400, app.EINVALID, "mutation.unknown"},
		"MutationMalformedName":  {"POST", "/v1/admin/mutations", admin, nil, adminMut("Ticket.Assign", 1, `{"ticket":"tk-a1","technician":"tech-b"}`), 400, app.EINVALID, "mutation.bad_name"},
		"MutationArgsWrongType":  {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 1, `{"ticket":42,"technician":"tech-b"}`), 400, app.EINVALID, "mutation.bad_args"},
		"MutationArgsUnknown":    {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 1, `{"ticket":"tk-a1","technician":"tech-b","force":true}`), 400, app.EINVALID, "mutation.bad_args"},
		"MutationArgsNotObject":  {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 1, `"tk-a1"`), 400, app.EINVALID, "mutation.bad_args"},
		"MutationArgsInvalid":    {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 1, `{"ticket":"tk-a1"}`), 400, app.EINVALID, "ticket.assign_needs_target"},
		"MutationUnknownField":   {"POST", "/v1/admin/mutations", admin, nil, []byte(`{"name":"ticket.assign","args":{},"as":"system"}`), 400, app.EINVALID, "http.bad_json"},
		"MutationUnknownTicket":  {"POST", "/v1/admin/mutations", admin, nil, adminMut("ticket.assign", 1, `{"ticket":"tk-none","technician":"tech-b"}`), 404, app.ENOTFOUND, "central.not_found"},
		"PairingUnknownField":    {"POST", "/v1/admin/pairings", admin, nil, []byte(`{"technician":"tech-a","ttl":99999}`), 400, app.EINVALID, "http.bad_json"},
		"PairingWrongType":       {"POST", "/v1/admin/pairings", admin, nil, []byte(`{"technician":7}`), 400, app.EINVALID, "http.bad_json"},
		"PairingUnknownTech":     {"POST", "/v1/admin/pairings", admin, nil, []byte(`{"technician":"tech-zz"}`), 404, app.ENOTFOUND, "central.no_technician"},
		"RevokeUnknownDevice":    {"POST", "/v1/admin/devices/dev-none/revoke", admin, nil, nil, 404, app.ENOTFOUND, "central.no_device"},
		"ImportUnknownKind":      {"POST", "/v1/admin/import/tickets", admin, nil, []byte("a,b\n1,2\n"), 404, app.ENOTFOUND, "import.unknown"},
		"ImportEmpty":            {"POST", "/v1/admin/import/parts", admin, nil, nil, 400, app.EINVALID, "import.empty"},
		"ImportHeaderOnly":       {"POST", "/v1/admin/import/parts", admin, nil, []byte("number,name_en,class\n"), 400, app.EINVALID, "import.empty"},
		"ImportMissingColumns":   {"POST", "/v1/admin/import/stock", admin, nil, []byte("location,part\nvan-a,BAT-1\n"), 400, app.EINVALID, "import.missing_columns"},
		"ImportGzipBomb":         {"POST", "/v1/admin/import/parts", admin, gz, httpGzip(make([]byte, 64<<20)), 413, app.EINVALID, "http.too_large"},
		"ResolveMalformed":       {"POST", "/v1/conflicts/cf-x/resolve", admin, nil, []byte(`{"resolution":`), 400, app.EINVALID, "http.bad_json"},
		"ResolveUnknownField":    {"POST", "/v1/conflicts/cf-x/resolve", admin, nil, []byte(`{"resolution":"dismissed","why":"x"}`), 400, app.EINVALID, "http.bad_json"},
		"ResolveUnknownConflict": {"POST", "/v1/conflicts/cf-x/resolve", admin, nil, []byte(`{"resolution":"dismissed"}`), 404, app.ENOTFOUND, "central.not_found"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := f.tables(t)
			a := f.call(t, tc.method, tc.path, tc.token, tc.body, tc.header)
			httpWantError(t, a, tc.status, tc.code, tc.key)
			f.unchanged(t, before)
		})
	}
	if d := f.device(t, f.a); d.LastSeq != 0 {
		t.Errorf("A's last_seq is %d after refused requests only", d.LastSeq)
	}
}

func httpB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// httpFlipLast damages a gzip stream's trailer (its length field).
func httpFlipLast(b []byte) []byte {
	c := append([]byte{}, b...)
	c[len(c)-1] ^= 0xff
	return c
}

func TestHTTPPushIsExactlyOnceAndInOrder(t *testing.T) {
	f := newHTTPFixture(t)
	a := f.a
	note := func(seq int64) app.Mutation {
		return httpMutation(t, seq, "note.add", app.AddNote{Note: app.Note{ID: fid(fmt.Sprintf("nt-seq-%d", seq)), Ticket: httpTicketA2, Text: fmt.Sprintf("note %d", seq)}})
	}
	muts := []app.Mutation{
		httpMutation(t, 1, "ticket.start", app.TransitionTicket{Ticket: httpTicketA1, Epoch: 1}),
		httpMutation(t, 2, "repair.log", app.LogRepair{Entry: app.RepairEntry{ID: fid("rp-seq-2"), Ticket: httpTicketA1, Action: "cleaned the port", Minutes: 15}}),
		httpMutation(t, 3, "stock.consume", app.ConsumePart{Used: app.PartUsed{ID: fid("use-seq-3"), Ticket: httpTicketA1, Part: httpBattery, Qty: 2, From: httpVanA}}),
	}
	for seq := int64(4); seq <= 8; seq++ {
		muts = append(muts, note(seq))
	}
	// state is what the pushes may change, read through the API.
	type state struct {
		LastSeq int64
		A1, A2  app.TicketDetail
		Van     int
	}
	read := func(t *testing.T) state {
		return state{f.device(t, a).LastSeq, f.detail(t, httpT1, httpTicketA1), f.detail(t, httpT1, httpTicketA2), f.balance(t, httpT1, httpVanA, httpBattery)}
	}
	// The steps run in order on one device.
	steps := []struct {
		name       string
		push       []app.Mutation
		acked      int64
		resendFrom int64
		writes     bool // false: only the device's watermark row may change
		check      func(t *testing.T, s state)
	}{
		{"FirstBatch", muts[0:3], 3, 0, true, func(t *testing.T, s state) {
			if s.A1.Ticket.Status != app.StatusInProgress || len(s.A1.Repairs) != 1 || s.A1.Ticket.LabourMinutes != 15 || len(s.A1.Parts) != 1 || s.Van != 8 {
				t.Errorf("after the first batch: %+v", s)
			}
		}},
		{"SameBatchReplayed", muts[0:3], 3, 0, false, nil},
		{"ReplayOfOne", muts[1:2], 3, 0, false, nil},
		{"OverlappingBatch", muts[1:5], 5, 0, true, func(t *testing.T, s state) {
			if len(s.A1.Repairs) != 1 || s.A1.Ticket.LabourMinutes != 15 || s.Van != 8 || len(s.A2.Notes) != 2 {
				t.Errorf("after the overlapping batch: %+v", s)
			}
		}},
		{"SkippedSeq", muts[6:8], 5, 6, false, nil},
		{"SkippedSeqAgain", muts[7:8], 5, 6, false, nil},
		{"ResendFromGap", muts[5:8], 8, 0, true, func(t *testing.T, s state) {
			if len(s.A2.Notes) != 5 {
				t.Errorf("A2 has %d notes, want 5", len(s.A2.Notes))
			}
		}},
		{"AllReplayed", muts, 8, 0, false, nil},
		{"EmptyPush", nil, 8, 0, false, nil},
		// A seq at or below last_seq is a replay even under another ID.
		{"ReplayedSeqWithNewID", []app.Mutation{httpMutation(t, 8, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-seq-8-again"), Ticket: httpTicketA2, Text: "again"}})}, 8, 0, false, nil},
		// A re-push after a server restore: a known mutation ID under a new
		// seq consumes the seq and applies nothing.
		{"KnownIDUnderNewSeq", []app.Mutation{httpWithSeq(muts[1], 9), httpWithSeq(muts[4], 10)}, 10, 0, false, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, tables := read(t), f.tables(t)
			r := f.push(t, a, st.push...)
			if r.Acked != st.acked || r.ResendFrom != st.resendFrom || len(r.Rejected) != 0 {
				t.Errorf("want a=%d r=%d, got %+v", st.acked, st.resendFrom, r)
			}
			after := read(t)
			if after.LastSeq != st.acked {
				t.Errorf("last_seq %d, want %d", after.LastSeq, st.acked)
			}
			if !st.writes {
				before.LastSeq = after.LastSeq
				if !httpSameJSON(before, after) {
					t.Errorf("state changed:\n%s\nwas\n%s", httpJSON(t, after), httpJSON(t, before))
				}
				if st.name != "KnownIDUnderNewSeq" {
					f.onlyWatermark(t, a, tables)
				}
			}
			if st.check != nil {
				st.check(t, after)
			}
		})
	}
}

func httpWithSeq(m app.Mutation, seq int64) app.Mutation {
	m.Seq = seq
	return m
}

// The protocol never blocks a device's queue on a mutation the server
// cannot use: an unknown name or version, or arguments that do not decode,
// are refused by the rules (code invalid), consume the seq and become a
// conflict that keeps the mutation, with nothing else written.
func TestHTTPUndecodableMutationsAreRejectedNotBlocking(t *testing.T) {
	f := newHTTPFixture(t)
	raw := func(s string) []byte { return []byte(s) }
	tests := map[string]struct {
		name    string
		version int
		id      string
		args    []byte
		key     string
	}{
		"UnknownName":         {"ticket.teleport", 1, "", raw(`{"ticket":"tk-a1","epoch":1}`), "mutation.unknown"},
		"UnknownVersion":      {"ticket.start", 7, "", raw(`{"ticket":"tk-a1","epoch":1}`), "mutation.unknown"},
		"ZeroVersion":         {"ticket.start", 0, "", raw(`{"ticket":"tk-a1","epoch":1}`), "mutation.bad_name"},
		"MalformedName":       {"Ticket.Start", 1, "", raw(`{"ticket":"tk-a1","epoch":1}`), "mutation.bad_name"},
		"EmptyName":           {"", 1, "", raw(`{}`), "mutation.bad_name"},
		"ArgsWrongType":       {"ticket.start", 1, "", raw(`{"ticket":"tk-a1","epoch":"one"}`), "mutation.bad_args"},
		"ArgsNestedWrongType": {"repair.log", 1, "", raw(`{"entry":{"id":"rp-x","ticket":"tk-a1","action":"x","minutes":"ten"}}`), "mutation.bad_args"},
		"ArgsUnknownField":    {"note.add", 1, "", raw(`{"note":{"id":"nt-x","ticket":"tk-a1","text":"x","pinned":true}}`), "mutation.bad_args"},
		"ArgsNotAnObject":     {"note.add", 1, "", raw(`[1,2]`), "mutation.bad_args"},
		"ArgsNull":            {"note.add", 1, "", raw(`null`), "mutation.missing_field"},
		"ArgsMissing":         {"note.add", 1, "", nil, "mutation.bad_args"},
		"ArgsInvalid":         {"repair.log", 1, "", raw(`{"entry":{"id":"rp-x","ticket":"tk-a1","action":"x","minutes":-5}}`), "repair.bad_minutes"},
		"NoMutationID":        {"note.add", 1, "-", raw(`{"note":{"id":"nt-x","ticket":"tk-a1","text":"x"}}`), "sync.bad_mutation_id"},
		"MutationIDTooLong":   {"note.add", 1, strings.Repeat("x", 65), raw(`{"note":{"id":"nt-x","ticket":"tk-a1","text":"x"}}`), "sync.bad_mutation_id"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f.a.seq = f.device(t, f.a).LastSeq
			before := f.tables(t)
			m := f.a.mut(t, tc.name, json.RawMessage(`"ARGS"`))
			m.Version = tc.version
			switch tc.id {
			case "-":
				m.ID = ""
			case "":
			default:
				m.ID = tc.id
			}
			// The arguments go in as raw bytes: json.RawMessage would refuse
			// to marshal the broken ones.
			body := httpJSON(t, fbsync.Request{Protocol: 1, Push: []app.Mutation{m}, NoPull: true})
			if tc.args == nil {
				body = bytes.Replace(body, []byte(`,"args":"ARGS"`), nil, 1)
			} else {
				body = bytes.Replace(body, []byte(`"ARGS"`), tc.args, 1)
			}
			var r fbsync.Response
			f.okJSON(t, f.call(t, "POST", "/v1/sync", f.a.Token, body, nil), &r)
			if r.Acked != m.Seq || len(r.Rejected) != 1 || r.Rejected[0].Seq != m.Seq || r.Rejected[0].Code != app.EINVALID || r.Rejected[0].Key != tc.key {
				t.Fatalf("want seq %d consumed and rejected with %s, got %+v", m.Seq, tc.key, r)
			}
			f.onlyRejected(t, f.a, before)
			if c, ok := f.conflict(t, httpT1, r.Rejected[0].Conflict); !ok || c.Kind != app.ConflictRejected || c.Technician != httpTechA {
				t.Errorf("want a rejected conflict for A, got %+v (found %v)", c, ok)
			}
		})
	}
	// The queue goes on: the next good mutation applies.
	r := f.push(t, f.a, f.a.mut(t, "note.add", app.AddNote{Note: app.Note{ID: fid("nt-after"), Ticket: httpTicketA1, Text: "after the bad ones"}}))
	if r.Acked != f.a.seq || len(r.Rejected) != 0 {
		t.Errorf("good mutation after the bad ones: %+v", r)
	}
}

func TestHTTPImportCSV(t *testing.T) {
	f := newHTTPFixture(t)
	_, cursor := f.pullAll(t, f.a, "")
	admin := f.admin[httpT1]
	imp := func(t *testing.T, what, body string) httpAnswer {
		return f.call(t, "POST", "/v1/admin/import/"+what, admin, []byte(body), map[string]string{"Content-Type": "text/csv"})
	}
	t.Run("GoodPartsImport", func(t *testing.T) {
		csv := "\xef\xbb\xbfNumber,Name_EN,name_zh,class,serialized,prices\n" +
			"NEW-1,Charger,充电器,accessory,no,CNY 49.00; EUR 6.50\n" +
			"NEW-2,Mainboard,主板,main,yes,CNY 899.00\n" +
			"\n" +
			"NEW-3,\"Cable, 1 m\",,Accessory,,\n"
		var res map[string]int
		f.okJSON(t, imp(t, "parts", csv), &res)
		if res["rows"] != 3 {
			t.Errorf("imported %v, want 3 rows", res)
		}
		ds, next := f.pullAll(t, f.a, cursor)
		cursor = next
		got := map[app.PartNumber]app.Part{}
		for _, p := range ds.Parts {
			got[p.Number] = p
		}
		if p := got["NEW-1"]; p.NameZH != "充电器" || p.Class != app.ClassAccessory || len(p.Prices) != 2 || p.Prices[1] != (app.Money{Amount: 650, Currency: "EUR"}) {
			t.Errorf("NEW-1 is %+v", p)
		}
		if p := got["NEW-2"]; !p.Serialized || p.Class != app.ClassMain {
			t.Errorf("NEW-2 is %+v", p)
		}
		if p := got["NEW-3"]; p.NameEN != "Cable, 1 m" || len(got) != 3 {
			t.Errorf("pulled parts %+v", got)
		}
	})
	refused := map[string]struct {
		what, csv string
		key       string
		want      []string // in the message
		notWant   []string
	}{
		"PartsWithThreeBadRows": {"parts",
			"number,name_en,class,prices\n" +
				"OK-1,Good part,unit,CNY 10.00\n" +
				"BAD-1,Bad class,gadget,CNY 10.00\n" +
				"OK-2,Good part,unit,\n" +
				"OK-1,Duplicate,unit,CNY 10.00\n" +
				"BAD-3,Bad price,unit,CNY ten\n",
			"import.refused", []string{"line 3", "line 5", "line 6", "gadget", "also on line 2", "ten"}, []string{"line 2:", "line 4"}},
		"PartsBadRowsAmongMany": {"parts", httpPartsCSV(200, 17, 150), "import.refused", []string{"line 18", "line 151"}, []string{"line 19"}},
		"PartsWrongFieldCount":  {"parts", "number,name_en,class\nX-1,x\n", "import.refused", []string{"line 2"}, nil},
		"PartsBadCSVQuoting":    {"parts", "number,name_en,class\nX-1,\"unterminated,unit\n", "import.refused", []string{"line"}, nil},
		"StockUnknownPartAndLocation": {"stock",
			"location,part,qty\nvan-a,BAT-1,5\nvan-a,NOPE-1,1\nvan-zz,BAT-1,1\n",
			"import.refused", []string{"NOPE-1", "van-zz"}, nil},
		"StockOtherTenantsPart":     {"stock", "location,part,qty\nvan-a,T2-ONLY,1\n", "import.refused", []string{"T2-ONLY"}, nil},
		"StockOtherTenantsLocation": {"stock", "location,part,qty\nvan-c,BAT-1,1\n", "import.refused", []string{"van-c"}, nil},
		"StockBadQuantity":          {"stock", "location,part,qty\nvan-a,BAT-1,0\nvan-a,BAT-1,-3\nvan-a,BAT-1,many\n", "import.refused", []string{"line 2", "line 3", "line 4"}, nil},
		"PartsNotUTF8":              {"parts", "number,name_en,name_zh,class\nX-1,Charger,\xb3\xe4\xb5\xe7\xc6\xf7,accessory\n", "import.not_utf8", nil, nil},
		"StockNotUTF8":              {"stock", "location,part,qty,reason\nvan-a,BAT-1,1,\xff\xfe\n", "import.not_utf8", nil, nil},
		"RulesBadCountry":           {"rules", "rule_set,version,country,currency,category,unit_months,name_en\nrs-1,1,China,CNY,phone,12,China\n", "import.refused", []string{"line 2"}, nil},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) {
			before := f.tables(t)
			e := httpWantError(t, imp(t, tc.what, tc.csv), http.StatusBadRequest, app.EINVALID, tc.key)
			for _, w := range tc.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message lacks %q:\n%s", w, e.Message)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(e.Message, w) {
					t.Errorf("message names %q, a good row:\n%s", w, e.Message)
				}
			}
			f.unchanged(t, before)
		})
	}
	t.Run("GoodStockImportsOnce", func(t *testing.T) {
		csv := "location,part,qty,reason\nvan-a,BAT-1,5,delivery 12\nvan-a,NEW-2,1,delivery 12\n"
		for i := range 2 {
			var res map[string]int
			f.okJSON(t, imp(t, "stock", csv), &res)
			if res["rows"] != 2 {
				t.Errorf("import %d: %v", i, res)
			}
			if got := f.balance(t, httpT1, httpVanA, httpBattery); got != 15 {
				t.Errorf("import %d: van A holds %d batteries, want 15 (the same file twice adds once)", i, got)
			}
		}
	})
	// Nothing the refused files held reached A.
	ds, _ := f.pullAll(t, f.a, cursor)
	for _, p := range ds.Parts {
		if strings.HasPrefix(string(p.Number), "OK-") || strings.HasPrefix(string(p.Number), "BAD-") || strings.HasPrefix(string(p.Number), "X-") {
			t.Errorf("a refused file's part reached A: %+v", p)
		}
	}
}

// httpPartsCSV makes a parts file of n rows whose data rows bad1 and bad2
// (1-based) have an unknown class.
func httpPartsCSV(n, bad1, bad2 int) string {
	var b strings.Builder
	b.WriteString("number,name_en,class\n")
	for i := 1; i <= n; i++ {
		class := "unit"
		if i == bad1 || i == bad2 {
			class = "widget"
		}
		fmt.Fprintf(&b, "MANY-%d,Part %d,%s\n", i, i, class)
	}
	return b.String()
}

func mustDecode(t *testing.T, m app.Mutation) app.Command {
	t.Helper()
	cmd, err := app.DecodeMutation(m)
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestHTTPDispatchUpdateNeedsBase: over the admin API, a dispatcher's edit
// of a shared field without the value it showed answers 400 and changes
// nothing; with a stale one it applies and keeps the technician's value in
// a field conflict (issue 10.2).
func TestHTTPDispatchUpdateNeedsBase(t *testing.T) {
	f := newHTTPFixture(t)
	shown := f.detail(t, httpT1, httpTicketA1).Ticket.Customer.Phone
	mine := "+86 21 5555 0199"
	if r := f.push(t, f.a, f.a.mut(t, "ticket.update", app.UpdateTicket{Ticket: httpTicketA1,
		Set: app.TicketFields{CustomerPhone: &mine}, Base: app.TicketFields{CustomerPhone: &shown}})); len(r.Rejected) != 0 {
		t.Fatalf("the technician's update: %+v", r)
	}
	update := func(base *string) []byte {
		theirs := "+86 21 5555 0777"
		return httpJSON(t, central.AdminMutation{Name: "ticket.update", Version: 1, Args: httpJSON(t, app.UpdateTicket{Ticket: httpTicketA1,
			Set: app.TicketFields{CustomerPhone: &theirs}, Base: app.TicketFields{CustomerPhone: base}})})
	}
	before := f.tables(t)
	httpWantError(t, f.call(t, "POST", "/v1/admin/mutations", f.admin[httpT1], update(nil), nil), 400, app.EINVALID, "ticket.update_needs_base")
	f.unchanged(t, before)

	var answer map[string]string
	f.okJSON(t, f.call(t, "POST", "/v1/admin/mutations", f.admin[httpT1], update(&shown), nil), &answer)
	c, ok := f.conflict(t, httpT1, "cf-"+answer["id"]+"-customer_phone")
	if !ok || c.Kind != app.ConflictField || c.Key != "conflict.field_dispatch" || c.Ours != mine || c.Theirs != "+86 21 5555 0777" || c.Technician != httpTechA {
		t.Fatalf("conflict %+v (found %v), want the technician's phone kept beside dispatch's", c, ok)
	}
	ds, _ := f.pullAll(t, f.a, "")
	if got := httpSummary(ds).Conflicts; !slices.Contains(got, c.ID) {
		t.Fatalf("the technician pulled conflicts %q, want %s", got, c.ID)
	}
}

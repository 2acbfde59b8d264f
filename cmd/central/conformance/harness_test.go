package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/sync/central/pgtest"
)

// binary is the central service built once by TestMain.
var binary string

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "conformance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "central")
	build := exec.Command("go", "build", "-o", binary, "github.com/fieldbench/fieldbench/cmd/central")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/central: %v\n%s", err, out)
		return 1
	}
	code := m.Run()
	for _, p := range running.list() {
		p.kill()
	}
	for _, d := range dataDirs.list() {
		os.RemoveAll(d)
	}
	if pg.srv != nil {
		if err := pg.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		}
	}
	return code
}

// Bounds of every wait.
const (
	startTimeout   = 30 * time.Second
	requestTimeout = 20 * time.Second
	maxAnswer      = 16 << 20 // bytes read of one answer
	maxPages       = 200      // pages of one pull from scratch
)

// pg is the PostgreSQL server of this test binary, started by the first
// case that needs it.
var pg struct {
	once gosync.Once
	srv  *pgtest.Server
	err  error
	seq  atomic.Int64
}

// newPostgresDB returns the DSN of a new, empty database.
func newPostgresDB(t *testing.T) string {
	t.Helper()
	pg.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		pg.srv, pg.err = pgtest.Start(ctx, "")
	})
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	dsn, err := pg.srv.CreateDatabase(t.Context(), fmt.Sprintf("conformance_%d", pg.seq.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// proc is a running central process.
type proc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when the process has exited
	mu   gosync.Mutex
	log  bytes.Buffer // its stderr
}

// Write keeps the first MiB of the service's log, for failure messages.
func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log.Len() < 1<<20 {
		p.log.Write(b)
	}
	return len(b), nil
}

func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// kill sends SIGKILL: no shutdown code of the service runs.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// running are the processes TestMain kills at the end; dataDirs the data
// directories it removes then (the shared services outlive every test).
var (
	running  list[*proc]
	dataDirs list[string]
)

// list is a slice safe for concurrent use.
type list[T any] struct {
	mu gosync.Mutex
	v  []T
}

func (l *list[T]) add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.v = append(l.v, v)
}

func (l *list[T]) list() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.v...)
}

// listening is the line the service prints once it accepts connections
// (README, "The central service"): https, or http with -plain-http.
var listening = regexp.MustCompile(`^central: listening on (https?://\S+)$`)

// certificateLine is the line that gives the service's certificate
// fingerprint, which a device pins (README, "The central service";
// PROTOCOL.md, Pairing).
var certificateLine = regexp.MustCompile(`^central: certificate sha256 ([0-9a-f]{64})$`)

// pinned holds the fingerprints the services under test printed: the
// client trusts exactly those certificates, as a paired device does.
var pinned = struct {
	gosync.Mutex
	fps map[string]bool
}{fps: map[string]bool{}}

func pin(fp string) {
	pinned.Lock()
	defer pinned.Unlock()
	pinned.fps[fp] = true
}

// verifyPinned accepts a certificate whose SHA-256 a service printed.
func verifyPinned(raw [][]byte, _ [][]*x509.Certificate) error {
	if len(raw) == 0 {
		return fmt.Errorf("no certificate")
	}
	sum := sha256.Sum256(raw[0])
	pinned.Lock()
	defer pinned.Unlock()
	if !pinned.fps[hex.EncodeToString(sum[:])] {
		return fmt.Errorf("certificate %x is not pinned", sum)
	}
	return nil
}

// service is one central service under test and what the tests need to
// reach it.
type service struct {
	db    string   // "sqlite" or "postgres"
	dir   string   // -data
	dsn   string   // -postgres, "" on SQLite
	admin string   // the admin token the first start wrote to dir/admin-token
	flags []string // more flags of every start
	proc  *proc

	partsOnce gosync.Once
}

func (s *service) url() string { return s.proc.url }

// newService starts a central service on a fresh database of kind db.
// Its process lives until TestMain ends, or until the test kills it.
func newService(t *testing.T, db string, flags ...string) *service {
	t.Helper()
	dsn := ""
	if db == "postgres" {
		dsn = newPostgresDB(t)
	}
	return startService(t, db, dsn, flags...)
}

// startService is newService on the database dsn names ("" on SQLite).
func startService(t *testing.T, db, dsn string, flags ...string) *service {
	t.Helper()
	dir, err := os.MkdirTemp("", "conformance-data-")
	if err != nil {
		t.Fatal(err)
	}
	dataDirs.add(dir)
	s := &service{db: db, dir: dir, dsn: dsn, flags: flags}
	s.start(t)
	tok, err := os.ReadFile(filepath.Join(dir, "admin-token"))
	if err != nil {
		t.Fatalf("the first start wrote no admin token: %v\n%s", err, s.proc.stderr())
	}
	s.admin = strings.TrimSpace(string(tok))
	return s
}

// start runs the binary on s's database and waits for its listening line.
func (s *service) start(t *testing.T) {
	t.Helper()
	args := []string{"-data", s.dir, "-addr", "127.0.0.1:0"}
	if s.dsn != "" {
		args = append(args, "-postgres", s.dsn)
	}
	args = append(args, s.flags...)
	p := &proc{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	p.cmd.Stderr = p
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	running.add(p)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := certificateLine.FindStringSubmatch(sc.Text()); m != nil {
				pin(m[1]) // printed before the listening line
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		p.cmd.Wait()
		close(p.done)
	}()
	select {
	case p.url = <-urls:
	case <-p.done:
		t.Fatalf("central exited before listening:\n%s", p.stderr())
	case <-time.After(startTimeout):
		p.kill()
		t.Fatalf("central did not say where it listens within %v:\n%s", startTimeout, p.stderr())
	}
	s.proc = p
}

// shared holds one service per database for the cases that can share it.
var shared = map[string]*struct {
	once gosync.Once
	s    *service
	err  string
}{"sqlite": {}, "postgres": {}}

// onEachDB runs fn as a subtest per database, on that database's shared
// service.
func onEachDB(t *testing.T, fn func(t *testing.T, s *service)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			sh := shared[db]
			sh.once.Do(func() {
				// A failed start (newService fails t) is reported to every
				// later case too, not only the first.
				sh.err = "the shared " + db + " service did not start (see the first case's log)"
				sh.s = newService(t, db)
			})
			if sh.s == nil {
				t.Fatal(sh.err)
			}
			fn(t, sh.s)
		})
	}
}

// uniq makes the IDs of one case distinct from every other case's on the
// shared service.
var uniq atomic.Int64

func name(prefix string) string { return fmt.Sprintf("%s-%d", prefix, uniq.Add(1)) }

// newID mints a random UUID (v4) for mutations and facts.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// apiError is the body of every non-2xx answer (PROTOCOL.md, Transport).
type apiError struct {
	Code string         `json:"code"`
	Key  string         `json:"key"`
	Msg  string         `json:"msg"`
	Data map[string]any `json:"data"`
}

// client speaks TLS to the services under test, trusting only the
// certificates they printed (there is no CA): as a device that pinned the
// fingerprint of its pairing QR Code.
var client = &http.Client{Timeout: requestTimeout, Transport: &http.Transport{
	ForceAttemptHTTP2: true,
	TLSClientConfig: &tls.Config{
		InsecureSkipVerify:    true, // replaced by the pin check below
		VerifyPeerCertificate: verifyPinned,
	},
}}

// send sends a request with token as bearer. body is sent as it is when
// it is []byte, else as JSON; nil sends no body. It is safe to call from
// several goroutines.
func (s *service) send(ctx context.Context, method, path, token string, body any, header ...string) (answer, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url()+path, r)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: raw}, nil
}

// do is send for the test's goroutine: a failure to get an answer fails t.
func (s *service) do(t *testing.T, method, path, token string, body any, header ...string) answer {
	t.Helper()
	a, err := s.send(t.Context(), method, path, token, body, header...)
	if err != nil {
		t.Fatalf("%v\n%s", err, s.proc.stderr())
	}
	return a
}

// apiErr decodes an error answer and checks its documented shape.
func (a answer) apiErr(t *testing.T) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(a.body, &e); err != nil || e.Code == "" || e.Key == "" || e.Msg == "" {
		t.Fatalf("HTTP %d: the body %q is not an error {code, key, msg}", a.status, a.body)
	}
	return e
}

// adminOK runs an admin request that must succeed and decodes its answer
// into out (when not nil).
func (s *service) adminOK(t *testing.T, method, path string, body, out any) {
	t.Helper()
	a := s.do(t, method, path, s.admin, body)
	if a.status/100 != 2 {
		t.Fatalf("%s %s: HTTP %d %s", method, path, a.status, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, a.body)
		}
	}
}

// dispatch runs a named mutation as the dispatcher (POST /v1/admin/mutations).
func (s *service) dispatch(t *testing.T, mutation string, args any) answer {
	t.Helper()
	return s.do(t, "POST", "/v1/admin/mutations", s.admin, map[string]any{"name": mutation, "version": 1, "args": args})
}

func (s *service) dispatchOK(t *testing.T, mutation string, args any) {
	t.Helper()
	if a := s.dispatch(t, mutation, args); a.status != http.StatusOK {
		t.Fatalf("dispatch %s: HTTP %d %s", mutation, a.status, a.body)
	}
}

// The catalog every case uses (PROTOCOL.md, parts CSV).
const (
	partFilter = "CF-FILTER"
	partBelt   = "CF-BELT"
)

func (s *service) ensureParts(t *testing.T) {
	t.Helper()
	s.partsOnce.Do(func() {
		csv := "number,name_en,class\n" + partFilter + ",Water filter,main\n" + partBelt + ",Drive belt,unit\n"
		var got struct {
			Rows int `json:"rows"`
		}
		s.adminOK(t, "POST", "/v1/admin/import/parts", []byte(csv), &got)
		if got.Rows != 2 {
			t.Fatalf("parts import: %d rows, want 2", got.Rows)
		}
	})
}

// tech is a technician of the test world.
type tech struct {
	id, van, store string
}

// addFieldTech adds a field technician with a van stocked with qty of
// each catalog part.
func (s *service) addFieldTech(t *testing.T, prefix string, qty int) tech {
	t.Helper()
	s.ensureParts(t)
	tc := tech{id: name(prefix), van: name(prefix + "-van")}
	s.adminOK(t, "PUT", "/v1/admin/technicians/"+tc.id, map[string]any{"id": tc.id, "name": "Tech " + tc.id, "country": "CN", "van": tc.van}, nil)
	s.adminOK(t, "PUT", "/v1/admin/locations/"+tc.van, map[string]any{"id": tc.van, "kind": "van", "name": "Van of " + tc.id, "owner": tc.id}, nil)
	if qty > 0 {
		s.importStock(t, tc.van, partFilter, qty)
		s.importStock(t, tc.van, partBelt, qty)
	}
	return tc
}

// addCounterTech adds a technician working at the counter of store.
func (s *service) addCounterTech(t *testing.T, prefix, store string) tech {
	t.Helper()
	s.ensureParts(t)
	tc := tech{id: name(prefix), store: store}
	s.adminOK(t, "PUT", "/v1/admin/technicians/"+tc.id, map[string]any{"id": tc.id, "name": "Counter " + tc.id, "country": "CN", "store": store}, nil)
	return tc
}

func (s *service) importStock(t *testing.T, location, part string, qty int) {
	t.Helper()
	var got struct {
		Rows int `json:"rows"`
	}
	s.adminOK(t, "POST", "/v1/admin/import/stock", []byte(fmt.Sprintf("location,part,qty\n%s,%s,%d\n", location, part, qty)), &got)
	if got.Rows != 1 {
		t.Fatalf("stock import: %d rows, want 1", got.Rows)
	}
}

// balance is a location's balance of part summed from the server's ledger.
func (s *service) balance(t *testing.T, location, part string) int {
	t.Helper()
	var bs []struct {
		Part     string `json:"part"`
		Location string `json:"location"`
		Qty      int    `json:"qty"`
	}
	s.adminOK(t, "GET", "/v1/admin/balances?location="+location, nil, &bs)
	for _, b := range bs {
		if b.Part == part && b.Location == location {
			return b.Qty
		}
	}
	return 0
}

// newTicket creates, as dispatch, an on-site ticket assigned to techID
// (a carry-in one for the store when techID is empty) and returns its ID.
func (s *service) newTicket(t *testing.T, techID, store string) ticketView {
	t.Helper()
	return s.newTicketWithID(t, newID(), techID, store)
}

// newTicketWithID is newTicket with an ID dispatch chose (an order
// number, say).
func (s *service) newTicketWithID(t *testing.T, id, techID, store string) ticketView {
	t.Helper()
	return s.newTicketWith(t, id, techID, store, nil)
}

// newTicketWith is newTicketWithID with more of the ticket's fields set
// as dispatch may send them (created_at, say).
func (s *service) newTicketWith(t *testing.T, id, techID, store string, fields map[string]any) ticketView {
	t.Helper()
	tk := ticketView{ID: id, Number: name("CF"), Technician: techID, Store: store,
		Customer: customer{Name: "Customer " + techID + store, Phone: "13800000000", Address: "1 Old Road"}}
	kind := "on_site"
	if techID == "" {
		kind = "carry_in"
	}
	body := map[string]any{"ticket": map[string]any{
		"id": tk.ID, "number": tk.Number, "kind": kind, "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": tk.Customer.Name, "phone": tk.Customer.Phone, "address": tk.Customer.Address},
		"fault":    "leaks", "technician": techID, "store": store,
	}}
	maps.Copy(body["ticket"].(map[string]any), fields)
	s.dispatchOK(t, "ticket.create", body)
	return tk
}

type customer struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// ticketView is the part of a ticket the cases look at.
type ticketView struct {
	ID            string   `json:"id"`
	Number        string   `json:"number"`
	Status        string   `json:"status"`
	Epoch         int      `json:"epoch"`
	Technician    string   `json:"technician"`
	Store         string   `json:"store"`
	Customer      customer `json:"customer"`
	LabourMinutes int      `json:"labour_minutes"`
	StartedAt     string   `json:"started_at"`
	CompletedAt   string   `json:"completed_at"`
	Product       struct {
		PurchaseDate time.Time `json:"purchase_date"`
	} `json:"product"`
}

type fact struct {
	ID     string `json:"id"`
	Ticket string `json:"ticket"`
	Qty    int    `json:"qty"`
	At     string `json:"at"`
}

// ticketDetail is GET /v1/admin/tickets/{id}.
type ticketDetail struct {
	Ticket  ticketView `json:"ticket"`
	Repairs []fact     `json:"repairs"`
	Parts   []fact     `json:"parts"`
	Photos  []fact     `json:"photos"`
	Notes   []fact     `json:"notes"`
}

func (s *service) ticket(t *testing.T, id string) ticketDetail {
	t.Helper()
	var d ticketDetail
	s.adminOK(t, "GET", "/v1/admin/tickets/"+id, nil, &d)
	return d
}

// conflict is a conflict record (PROTOCOL.md, Conflicts).
type conflict struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Ticket     string `json:"ticket"`
	Technician string `json:"technician"`
	Mutation   string `json:"mutation"`
	Name       string `json:"name"`
	Device     string `json:"device"`
	Field      string `json:"field"`
	Ours       string `json:"ours"`
	Theirs     string `json:"theirs"`
	Code       string `json:"code"`
	Key        string `json:"key"`
	Message    string `json:"message"`
	Resolution string `json:"resolution"`
}

// conflicts lists every conflict (open and resolved) matching keep.
func (s *service) conflicts(t *testing.T, keep func(conflict) bool) []conflict {
	t.Helper()
	var all []conflict
	s.adminOK(t, "GET", "/v1/admin/conflicts?all=1", nil, &all)
	var out []conflict
	for _, c := range all {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func (s *service) conflictByID(t *testing.T, id string) (conflict, bool) {
	t.Helper()
	cs := s.conflicts(t, func(c conflict) bool { return c.ID == id })
	if len(cs) == 0 {
		return conflict{}, false
	}
	return cs[0], true
}

// applied is one row of GET /v1/admin/devices/{id}/applied.
type applied struct {
	Mutation string `json:"mutation"`
	Seq      int64  `json:"seq"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Conflict string `json:"conflict"`
}

func (s *service) applied(t *testing.T, device string) []applied {
	t.Helper()
	var out []applied
	s.adminOK(t, "GET", "/v1/admin/devices/"+device+"/applied", nil, &out)
	return out
}

// lastSeq is the device's last_seq in GET /v1/admin/devices.
func (s *service) lastSeq(t *testing.T, device string) int64 {
	t.Helper()
	var ds []struct {
		ID      string `json:"id"`
		LastSeq int64  `json:"last_seq"`
	}
	s.adminOK(t, "GET", "/v1/admin/devices", nil, &ds)
	for _, d := range ds {
		if d.ID == device {
			return d.LastSeq
		}
	}
	t.Fatalf("device %s is not listed", device)
	return 0
}

// device is a paired device: its token and its outbox's next seq.
type device struct {
	s     *service
	id    string
	token string
	tech  string
	seq   int64
}

// pair creates a pairing code for techID and exchanges it as a device.
func (s *service) pair(t *testing.T, techID string) *device {
	t.Helper()
	var code struct {
		Code string `json:"code"`
	}
	s.adminOK(t, "POST", "/v1/admin/pairings", map[string]any{"technician": techID}, &code)
	a := s.do(t, "POST", "/v1/pair", "", map[string]any{"code": code.Code, "device_name": "Tablet of " + techID})
	if a.status != http.StatusOK {
		t.Fatalf("pair: HTTP %d %s", a.status, a.body)
	}
	var pr struct {
		Device     string `json:"device"`
		Token      string `json:"token"`
		Technician struct {
			ID string `json:"id"`
		} `json:"technician"`
	}
	if err := json.Unmarshal(a.body, &pr); err != nil || pr.Device == "" || pr.Token == "" || pr.Technician.ID != techID {
		t.Fatalf("pair answered %s (%v)", a.body, err)
	}
	return &device{s: s, id: pr.Device, token: pr.Token, tech: techID}
}

// mutation is a pushed mutation (PROTOCOL.md, Sync).
type mutation struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	Seq     int64  `json:"seq"`
	HLC     string `json:"hlc"`
	At      string `json:"at"`
	Args    any    `json:"args"`
}

// mut queues a mutation with the device's next seq and a fresh ID.
func (d *device) mut(name string, args any) mutation {
	d.seq++
	return mutation{ID: newID(), Name: name, Version: 1, Seq: d.seq, HLC: fmt.Sprintf("hlc-%d", d.seq),
		At: time.Now().UTC().Format(time.RFC3339Nano), Args: args}
}

// rejection is an entry of the answer's x.
type rejection struct {
	Seq      int64  `json:"s"`
	Code     string `json:"code"`
	Key      string `json:"key"`
	Msg      string `json:"msg"`
	Conflict string `json:"cf"`
}

// page is the answer's d.
type page struct {
	Tickets []struct {
		Ticket ticketView `json:"ticket"`
	} `json:"tickets"`
	Repairs   []fact     `json:"repairs"`
	PartsUsed []fact     `json:"parts_used"`
	Notes     []fact     `json:"notes"`
	Movements []movement `json:"movements"`
	Conflicts []conflict `json:"conflicts"`
	Gone      []string   `json:"gone_tickets"`
	RuleSets  []ruleSet  `json:"rule_sets"`
	// PartRequests and Shipments: PROTOCOL.md, "Parts on their way".
	PartRequests []partRequest `json:"part_requests"`
	Shipments    []shipment    `json:"shipments"`
	// GoneConflicts: PROTOCOL.md, "Conflicts" (a field conflict follows
	// its ticket).
	GoneConflicts []string `json:"gone_conflicts"`
}

// ruleSet is the part of a pulled rule set the cases check (PROTOCOL.md,
// "A rule set").
type ruleSet struct {
	ID      string            `json:"id"`
	Version int               `json:"version"`
	Country string            `json:"country"`
	Names   map[string]string `json:"names"`
	Rules   []struct {
		Category        string            `json:"category"`
		LegalBasis      string            `json:"legal_basis"`
		LegalBasisTexts map[string]string `json:"legal_basis_texts"`
	} `json:"rules"`
}

type movement struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Part string `json:"part"`
	From string `json:"from"`
	To   string `json:"to"`
	Qty  int    `json:"qty"`
}

// syncAnswer is the answer to POST /v1/sync.
type syncAnswer struct {
	Epoch    string      `json:"e"`
	Acked    int64       `json:"a"`
	Resend   int64       `json:"r"`
	Rejected []rejection `json:"x"`
	Data     *page       `json:"d"`
	Cursor   string      `json:"c"`
	More     bool        `json:"m"`
	Reset    bool        `json:"rs"`
	Time     int64       `json:"t"`
}

// sync sends a raw sync request with the device's token.
func (d *device) sync(t *testing.T, req any) answer {
	t.Helper()
	return d.s.do(t, "POST", "/v1/sync", d.token, req)
}

// push pushes muts without pulling; the answer must be 200.
func (d *device) push(t *testing.T, muts ...mutation) syncAnswer {
	t.Helper()
	a := d.sync(t, map[string]any{"v": 1, "p": muts, "np": true})
	if a.status != http.StatusOK {
		t.Fatalf("push: HTTP %d %s", a.status, a.body)
	}
	var out syncAnswer
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("push answer %s: %v", a.body, err)
	}
	return out
}

// pushOne pushes one mutation and returns its rejection, if any.
func (d *device) pushOne(t *testing.T, m mutation) (rejection, bool) {
	t.Helper()
	out := d.push(t, m)
	if out.Acked != m.Seq || out.Resend != 0 {
		t.Fatalf("push of seq %d: acknowledged %d, resend from %d", m.Seq, out.Acked, out.Resend)
	}
	for _, x := range out.Rejected {
		if x.Seq == m.Seq {
			return x, true
		}
	}
	return rejection{}, false
}

// pullAll pulls from an empty cursor until nothing more is waiting and
// returns the pages merged.
func (d *device) pullAll(t *testing.T) page {
	t.Helper()
	p, _ := d.pullFrom(t, "")
	return p
}

// pullFrom pulls from cursor until nothing more is waiting and returns the
// pages merged and the cursor to send next time.
func (d *device) pullFrom(t *testing.T, cursor string) (page, string) {
	t.Helper()
	var all page
	cursor = d.pullPages(t, cursor, func(data json.RawMessage) {
		var p page
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("pulled page %.300s: %v", data, err)
		}
		all.Tickets = append(all.Tickets, p.Tickets...)
		all.Repairs = append(all.Repairs, p.Repairs...)
		all.PartsUsed = append(all.PartsUsed, p.PartsUsed...)
		all.Notes = append(all.Notes, p.Notes...)
		all.Movements = append(all.Movements, p.Movements...)
		all.Conflicts = append(all.Conflicts, p.Conflicts...)
		all.Gone = append(all.Gone, p.Gone...)
		all.GoneConflicts = append(all.GoneConflicts, p.GoneConflicts...)
		all.RuleSets = append(all.RuleSets, p.RuleSets...)
		all.PartRequests = append(all.PartRequests, p.PartRequests...)
		all.Shipments = append(all.Shipments, p.Shipments...)
	})
	return all, cursor
}

// pullPages pulls from cursor until nothing more is waiting, handing each
// page's data ("d", when the answer has one) to each, and returns the
// cursor to send next time.
func (d *device) pullPages(t *testing.T, cursor string, each func(data json.RawMessage)) string {
	t.Helper()
	for range maxPages {
		_, data, next, more := d.pullPage(t, map[string]any{"v": 1, "c": cursor})
		if data != nil {
			each(data)
		}
		if cursor = next; !more {
			return cursor
		}
	}
	t.Fatalf("pull did not end within %d pages", maxPages)
	return cursor
}

// pullPage sends the pull req with the headers given (name, value, ...),
// which the service must answer with 200, and returns the answer, its
// data (nil when it has none), its cursor and whether more is waiting.
func (d *device) pullPage(t *testing.T, req any, header ...string) (answer, json.RawMessage, string, bool) {
	t.Helper()
	a := d.s.do(t, "POST", "/v1/sync", d.token, req, header...)
	if a.status != http.StatusOK {
		t.Fatalf("pull: HTTP %d %.300s", a.status, a.body)
	}
	var out struct {
		Data   json.RawMessage `json:"d"`
		Cursor string          `json:"c"`
		More   bool            `json:"m"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("pull answer %.300s: %v", a.body, err)
	}
	if string(out.Data) == "null" {
		out.Data = nil
	}
	return a, out.Data, out.Cursor, out.More
}

// The argument shapes of the mutations the cases push, from the JSON tags
// of app/commands.go, app/ticket.go, app/part.go and app/repair.go (the
// document does not list them yet).

func transition(ticket string, epoch int, extra ...any) map[string]any {
	m := map[string]any{"ticket": ticket, "epoch": epoch}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func repairArgs(id, ticket string, minutes int) map[string]any {
	return map[string]any{"entry": map[string]any{"id": id, "ticket": ticket, "action": "replaced the seal", "minutes": minutes}}
}

func noteArgs(id, ticket string) map[string]any {
	return map[string]any{"note": map[string]any{"id": id, "ticket": ticket, "text": "customer asked for a call first"}}
}

func consumeArgs(id, ticket, part, from string, qty int) map[string]any {
	return map[string]any{"used": map[string]any{"id": id, "ticket": ticket, "part": part, "qty": qty, "from": from}}
}

func createArgs(id, number, store string) map[string]any {
	tk := map[string]any{"id": id, "number": number, "kind": "carry_in", "country": "CN",
		"product":  map[string]any{"category": "phone", "brand": "Acme", "model": "P1"},
		"customer": map[string]any{"name": "Walk-in", "phone": "13900000000"}, "fault": "no power"}
	if store != "" {
		tk["store"] = store
	}
	return map[string]any{"ticket": tk}
}

// delta is how a movement changes the balance of loc (PROTOCOL.md: a
// device's balances are sums over its ledger; an adjustment is signed and
// names its location in to).
func (m movement) delta(loc string) int {
	if m.Kind == "adjust" {
		if m.To == loc {
			return m.Qty
		}
		return 0
	}
	d := 0
	if m.To == loc {
		d += m.Qty
	}
	if m.From == loc {
		d -= m.Qty
	}
	return d
}

// ledgerBalance sums the pulled movements of part at loc.
func (p page) ledgerBalance(loc, part string) int {
	n := 0
	for _, m := range p.Movements {
		if m.Part == part {
			n += m.delta(loc)
		}
	}
	return n
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func (p page) hasTicket(id string) bool {
	for _, tk := range p.Tickets {
		if tk.Ticket.ID == id {
			return true
		}
	}
	return false
}

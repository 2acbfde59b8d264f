package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central/pgtest"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to count rows
)

// The defence tests run the built binary, as an attacker or an operator
// would meet it (issue 11).

func TestMain(m *testing.M) { pgtest.Main(m) }

var plainListening = regexp.MustCompile(`^central: listening on (http://\S+)$`)

// startCentral starts bin with args on a free loopback port and waits for
// the line that gives its address. It serves plain HTTP: these tests are
// about the HTTP layer, its limits and the data directory, which TLS
// (tested on its own) does not change, and they speak raw HTTP/1.1.
func startCentral(t *testing.T, bin string, args ...string) *killProc {
	t.Helper()
	return launch(t, bin, append(args, "-plain-http", "-addr", "127.0.0.1:0"), plainListening, false)
}

// runCentral runs bin to its end (a start expected to fail) and returns
// its standard error and exit error.
func runCentral(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "-addr", "127.0.0.1:0")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

// rawRequest opens a connection to p and sends head (request line and
// headers, with the blank line).
func rawRequest(t *testing.T, p *killProc, head string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	return c
}

// readStatus reads the status code of the answer on c, waiting at most wait.
func readStatus(c net.Conn, wait time.Duration) (int, error) {
	c.SetReadDeadline(time.Now().Add(wait))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return 0, err
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, fmt.Errorf("status line %q", line)
	}
	return strconv.Atoi(f[1])
}

func TestServeCutsOffSlowBodies(t *testing.T) {
	bin := killBuild(t)
	p := startCentral(t, bin, "-data", t.TempDir(), "-read-timeout", "1s")
	start := time.Now()
	// Unauthenticated pairing bodies and device sync bodies trickling in,
	// a byte every 200 ms.
	var slow []net.Conn
	for i := range 30 {
		path := "/v1/pair"
		if i%3 == 0 {
			path = "/v1/sync"
		}
		c := rawRequest(t, p, "POST "+path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		slow = append(slow, c)
		go func() {
			for range 100 {
				time.Sleep(200 * time.Millisecond)
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
	}
	// Meanwhile the service answers others at once.
	time.Sleep(300 * time.Millisecond)
	client := &http.Client{Timeout: 5 * time.Second}
	t0 := time.Now()
	res, err := client.Post(p.url+"/v1/pair", "application/json", strings.NewReader(`{"code":"AAAA-BBBB-CCCC"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || time.Since(t0) > time.Second {
		t.Errorf("a normal pairing attempt answered %d after %v, want 401 at once", res.StatusCode, time.Since(t0))
	}
	// A body announced too large is refused before it is sent.
	big := rawRequest(t, p, "POST /v1/pair HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
	t0 = time.Now()
	if code, err := readStatus(big, 5*time.Second); err != nil || code != http.StatusRequestEntityTooLarge || time.Since(t0) > time.Second {
		t.Errorf("an announced 100 MB body: %d, %v after %v, want 413 at once", code, err, time.Since(t0))
	}
	for i, c := range slow {
		code, err := readStatus(c, 10*time.Second)
		if err != nil {
			t.Fatalf("slow body %d: no answer after %v: %v", i, time.Since(start), err)
		}
		want := http.StatusRequestTimeout
		if i%3 == 0 {
			want = http.StatusUnauthorized // sync authenticates before it reads
		}
		if code != want {
			t.Errorf("slow body %d answered %d, want %d", i, code, want)
		}
	}
	// All cut off within the 1 s deadline (6 s for sync), with slack
	// for a loaded machine; they would have trickled for 20 s.
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the slow bodies were held %v", d)
	}
	if res, err := client.Get(p.url + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz after the slow bodies: %v %v", res, err)
	}
}

func TestServeCapsConnections(t *testing.T) {
	bin := killBuild(t)
	p := startCentral(t, bin, "-data", t.TempDir(), "-read-timeout", "1s", "-max-conns", "4")
	// Four connections that never send a header take every slot.
	for range 4 {
		rawRequest(t, p, "")
	}
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(p.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	d := time.Since(t0)
	// Served only once the header timeout (1 s) closed a silent one.
	if res.StatusCode != 200 || d < 700*time.Millisecond || d > 5*time.Second {
		t.Errorf("with every slot taken: HTTP %d after %v, want 200 after about 1 s", res.StatusCode, d)
	}
	for _, bad := range [][]string{{"-max-conns", "0"}, {"-max-conns-per-ip", "0"}, {"-read-timeout", "1ms"}, {"-max-conns", "1000000"}} {
		if stderr, err := runCentral(t, bin, append([]string{"-data", t.TempDir()}, bad...)...); err == nil || !strings.Contains(stderr, "-max-conns") {
			t.Errorf("%v: %v %s", bad, err, stderr)
		}
	}
}

// TestServeCapsConnectionsPerAddress: one address holding its share of
// connections is answered 429 for more at once, while another address is
// served at once.
func TestServeCapsConnectionsPerAddress(t *testing.T) {
	bin := killBuild(t)
	p := startCentral(t, bin, "-data", t.TempDir(), "-read-timeout", "2s", "-max-conns-per-ip", "3")
	host := strings.TrimPrefix(p.url, "http://")
	dial := func(src string) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		c, err := d.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	for range 3 {
		dial("127.0.0.2") // silent: holds a connection until the header timeout
	}
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	extra := dial("127.0.0.2")
	io.WriteString(extra, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if code, err := readStatus(extra, 5*time.Second); code != http.StatusTooManyRequests || time.Since(t0) > time.Second {
		t.Errorf("a fourth connection from one address: %d, %v after %v, want 429 at once", code, err, time.Since(t0))
	}
	other := dial("127.0.0.1")
	t0 = time.Now()
	io.WriteString(other, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if code, err := readStatus(other, 5*time.Second); code != http.StatusOK || time.Since(t0) > time.Second {
		t.Errorf("another address meanwhile: %d, %v after %v, want 200 at once", code, err, time.Since(t0))
	}
	// Once the silent ones are cut off, the address is served again.
	time.Sleep(3 * time.Second)
	again := dial("127.0.0.2")
	io.WriteString(again, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if code, err := readStatus(again, 5*time.Second); code != http.StatusOK {
		t.Errorf("the address after its silent connections were cut: %d, %v, want 200", code, err)
	}
}

func TestServeRefusesOverflowingQuantities(t *testing.T) {
	bin := killBuild(t)
	dir := t.TempDir()
	p := startCentral(t, bin, "-data", dir)
	clients := killSeed(t, p, dir, 1)
	a := killAdmin(t, p, dir)
	ctx := t.Context()
	for _, qty := range []int{math.MaxInt, math.MinInt, app.MaxQty + 1} {
		err := a.mutate(ctx, "stock.adjust", app.MoveStock{Movement: app.StockMovement{ID: fmt.Sprintf("adj-%d", qty), Part: killPart, To: killVan, Qty: qty, Reason: "count"}})
		if e := app.AsError(err); e == nil || e.Code != app.EINVALID || e.Key != "stock.qty_out_of_range" {
			t.Errorf("adjust by %d: %v, want stock.qty_out_of_range", qty, err)
		}
	}
	// A device's overflowing movement is rejected into a conflict, and
	// the batch goes on.
	big := httpMutationFor(t, 1, "stock.receive", app.MoveStock{Movement: app.StockMovement{ID: app.NewID(), Part: killPart, To: killVan, Qty: math.MaxInt}})
	note := httpMutationFor(t, 2, "note.add", app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: killTicket, Text: "after"}})
	resp, err := clients[0].Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Push: []app.Mutation{big, note}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Acked != 2 || len(resp.Rejected) != 1 || resp.Rejected[0].Seq != 1 || resp.Rejected[0].Key != "stock.qty_out_of_range" {
		t.Errorf("push: acked %d, rejected %+v; want both taken, the first rejected as stock.qty_out_of_range", resp.Acked, resp.Rejected)
	}
	// The service goes on answering: balances, a colleague's first pull.
	s := killRead(t, a)
	if s.stock != killStock {
		t.Errorf("balance %d, want %d", s.stock, killStock)
	}
	more := killSeedPair(t, p, dir)
	page, err := more.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion})
	if err != nil || page.Data == nil {
		t.Fatalf("a first pull: %+v, %v", page, err)
	}
	opening := 0
	for _, m := range page.Data.Movements {
		if m.To == killVan && m.Part == killPart {
			opening += m.Qty
		}
	}
	if opening != killStock {
		t.Errorf("the first pull opens the van at %d, want %d", opening, killStock)
	}
}

// httpMutationFor mints a device mutation with the command's wire form.
func httpMutationFor(t *testing.T, seq int64, name string, args any) app.Mutation {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	return app.Mutation{ID: app.NewID(), Name: name, Version: 1, Seq: seq, HLC: fmt.Sprintf("hlc-%d", seq), At: time.Now().UTC(), Args: raw}
}

// killSeedPair pairs one more device of killTech.
func killSeedPair(t *testing.T, p *killProc, dir string) *fbsync.Client {
	t.Helper()
	out := killCLI(t, p, dir, "pair", killTech)
	code, _, _ := strings.Cut(strings.TrimPrefix(out, "pairing code "), " ")
	c := &fbsync.Client{BaseURL: p.url, HTTP: &http.Client{Timeout: 20 * time.Second}}
	pr, err := c.Pair(t.Context(), code, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	c.Token = pr.Token
	return c
}

func TestServeDataDirModes(t *testing.T) {
	bin := killBuild(t)
	for name, tc := range map[string]struct {
		dir  string      // the data directory's name
		mode os.FileMode // 0: missing
		ok   bool
	}{
		"NewDir":             {"data", 0, true},
		"ExistingDir0755":    {"data", 0o755, true},
		"QueryAndFragment":   {"da?ta=1#frag", 0o755, true},
		"WorldWritable":      {"data", 0o777, false},
		"GroupWritable":      {"data", 0o775, false},
		"NewQueryInDSNStyle": {"x?_pragma=journal_mode(DELETE)", 0, true},
	} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, tc.dir)
			if tc.mode != 0 {
				if err := os.Mkdir(dir, tc.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, tc.mode); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			if !tc.ok {
				stderr, err := runCentral(t, bin, "-data", dir)
				if err == nil || !strings.Contains(stderr, "chmod 700") {
					t.Errorf("started on a %04o directory: %v\n%s", tc.mode, err, stderr)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("the refused directory holds %v", entries)
				}
				return
			}
			p := startCentral(t, bin, "-data", dir)
			killSeed(t, p, dir, 1) // writes through the WAL
			modes := map[string]os.FileMode{}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				fi, _ := e.Info()
				modes[e.Name()] = fi.Mode().Perm()
			}
			for _, f := range []string{"admin-token", "central.db", "central.db-wal", "central.db-shm"} {
				if m, ok := modes[f]; !ok || m != 0o600 {
					t.Errorf("%s: mode %04o (present %v), want 0600; all %v", f, m, ok, modes)
				}
			}
			if byParent, _ := os.ReadDir(parent); len(byParent) != 1 || byParent[0].Name() != tc.dir {
				t.Errorf("the data directory's parent holds %v, want only %q", byParent, tc.dir)
			}
		})
	}
}

// TestServeFirstStartIsAtomic: on either database, a first start whose
// admin token cannot be written creates nothing, and the next start, the
// obstacle gone, creates one tenant and one token that works, also after
// a restart; a data directory that does not exist yet is created.
func TestServeFirstStartIsAtomic(t *testing.T) {
	bin := killBuild(t)
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "not", "yet")
			args := []string{"-data", dir}
			count := func(table string) int { return countRows(t, dbName, "", dir, table) }
			if dbName == "postgres" {
				dsn := pgtest.ForTest(t)
				args = append(args, "-postgres", dsn)
				count = func(table string) int { return countRows(t, dbName, dsn, dir, table) }
			}
			// The token's temporary file cannot be created: a directory
			// stands in its way.
			if err := os.MkdirAll(filepath.Join(dir, "admin-token.new", "x"), 0o700); err != nil {
				t.Fatal(err)
			}
			stderr, err := runCentral(t, bin, args...)
			if err == nil || !strings.Contains(stderr, "admin-token") {
				t.Fatalf("started without writing the token: %v\n%s", err, stderr)
			}
			if n, m := count("tenants"), count("admin_tokens"); n != 0 || m != 0 {
				t.Errorf("a failed first start left %d tenants and %d admin tokens", n, m)
			}
			if err := os.RemoveAll(filepath.Join(dir, "admin-token.new")); err != nil {
				t.Fatal(err)
			}
			for round := range 2 {
				p := startCentral(t, bin, args...)
				a := killAdmin(t, p, dir)
				var devices []any
				if err := a.json(t.Context(), "GET", "/v1/admin/devices", nil, &devices); err != nil {
					t.Fatalf("start %d: the written token does not work: %v", round, err)
				}
				p.kill()
				if n, m := count("tenants"), count("admin_tokens"); n != 1 || m != 1 {
					t.Errorf("start %d: %d tenants and %d admin tokens, want 1 and 1", round, n, m)
				}
			}
			fi, err := os.Stat(filepath.Join(dir, "admin-token"))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("admin-token: %v, %v", fi, err)
			}
			// A start that died between the commit and the rename: the
			// next one finishes the rename, minting nothing.
			tok, _ := os.ReadFile(filepath.Join(dir, "admin-token"))
			if err := os.Rename(filepath.Join(dir, "admin-token"), filepath.Join(dir, "admin-token.new")); err != nil {
				t.Fatal(err)
			}
			startCentral(t, bin, args...).kill()
			if again, _ := os.ReadFile(filepath.Join(dir, "admin-token")); string(again) != string(tok) || count("admin_tokens") != 1 {
				t.Errorf("after an interrupted rename: token %q (was %q), %d admin tokens", again, tok, count("admin_tokens"))
			}
			if _, err := os.Stat(filepath.Join(dir, "admin-token.new")); !os.IsNotExist(err) {
				t.Errorf("admin-token.new is left behind: %v", err)
			}
		})
	}
}

// countRows counts a table's rows in the central database.
func countRows(t *testing.T, dbName, dsn, dir, table string) int {
	t.Helper()
	driver := "pgx"
	if dbName == "sqlite" {
		driver, dsn = "sqlite", "file:"+filepath.Join(dir, "central.db")+"?mode=ro"
	}
	if dbName == "sqlite" {
		if _, err := os.Stat(filepath.Join(dir, "central.db")); err != nil {
			return 0 // never created
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// pairFrom posts a pairing code to p from the loopback address src.
func pairFrom(t *testing.T, p *killProc, src, code string) (*http.Response, fbsync.Error) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}).DialContext,
	}}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(fbsync.PairRequest{Code: code, DeviceName: "phone"})
	res, err := client.Post(p.url+"/v1/pair", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e fbsync.Error
	raw, _ := io.ReadAll(res.Body)
	json.Unmarshal(raw, &e)
	return res, e
}

func TestServeThrottlesPairing(t *testing.T) {
	bin := killBuild(t)
	dir := t.TempDir()
	p := startCentral(t, bin, "-data", dir)
	killSeed(t, p, dir, 0)
	out := killCLI(t, p, dir, "pair", killTech)
	code, _, _ := strings.Cut(strings.TrimPrefix(out, "pairing code "), " ")
	const attacker = "127.0.0.2"
	for i := range 10 {
		res, e := pairFrom(t, p, attacker, fmt.Sprintf("ZZZZ-ZZZZ-ZZ%02d", i))
		if res.StatusCode != http.StatusUnauthorized || e.Key != "auth.bad_pairing" {
			t.Fatalf("wrong code %d: %d %s", i, res.StatusCode, e.Key)
		}
	}
	res, e := pairFrom(t, p, attacker, "ZZZZ-ZZZZ-ZZZZ")
	retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != http.StatusTooManyRequests || e.Code != app.ETHROTTLED || e.Key != "auth.pair_throttled" || retry < 1 || retry > 6 {
		t.Fatalf("the 11th wrong code: %d %+v Retry-After %q, want 429 with 1-6 s", res.StatusCode, e, res.Header.Get("Retry-After"))
	}
	// The throttled address waits even with the right code; the
	// technician's own address pairs with it.
	if res, e := pairFrom(t, p, attacker, code); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right code from the throttled address: %d %+v, want 429", res.StatusCode, e)
	}
	if res, e := pairFrom(t, p, "127.0.0.1", code); res.StatusCode != http.StatusOK {
		t.Errorf("the right code from another address: %d %+v, want 200", res.StatusCode, e)
	}

	// Once throttled, how many guesses a second get through.
	const window = 12 * time.Second
	const src = "127.0.0.3"
	for i := range 10 {
		pairFrom(t, p, src, fmt.Sprintf("YYYY-YYYY-YY%02d", i))
	}
	start := time.Now()
	tried, guessed := 0, 0
	for time.Since(start) < window {
		res, _ := pairFrom(t, p, src, fmt.Sprintf("YYYY-YYYY-%04d", tried%10000))
		tried++
		if res.StatusCode != http.StatusTooManyRequests {
			guessed++
		}
	}
	d := time.Since(start)
	t.Logf("once throttled: %d requests in %v (%.0f/s answered), %d guesses checked (%.2f/s)", tried, d.Round(time.Millisecond), float64(tried)/d.Seconds(), guessed, float64(guessed)/d.Seconds())
	if max := int(d/(6*time.Second)) + 1; guessed > max || guessed < 1 {
		t.Errorf("%d guesses checked in %v, want 1 to %d (one per 6 s)", guessed, d, max)
	}
}

// BenchmarkSlowPairBodies replays the attack on the built binary
// with its defaults: 3,000 unauthenticated pairing requests whose bodies
// trickle in a byte every 10 s, while a client asks /healthz every 500 ms.
// It reports when the last slow request was answered, how many were still
// open after 60 s (the issue found all 3,000), and the normal client's
// worst wait. Run with -benchtime 1x.
func BenchmarkSlowPairBodies(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "central")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for range b.N {
		benchSlowPairBodies(b, bin, 3000)
	}
}

func benchSlowPairBodies(b *testing.B, bin string, n int) {
	cmd := exec.Command(bin, "-data", b.TempDir(), "-plain-http", "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	var addr string
	for sc.Scan() {
		if m := plainListening.FindStringSubmatch(sc.Text()); m != nil {
			addr = strings.TrimPrefix(m[1], "http://")
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	start := time.Now()
	type answer struct {
		after  time.Duration
		status int // 0 when the connection closed without one
	}
	answered := make(chan answer, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "POST /v1/pair HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		go func() {
			stop := make(chan struct{})
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Second):
						if _, err := c.Write([]byte(" ")); err != nil {
							return
						}
					}
				}
			}()
			code, _ := readStatus(c, 90*time.Second)
			close(stop)
			answered <- answer{time.Since(start), code}
		}()
	}
	b.Logf("%d slow connections opened in %v", n, time.Since(start).Round(time.Millisecond))
	var worst time.Duration
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{ // another address than the attack's
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext,
	}}
	done := 0
	statuses := map[int]int{}
	var last time.Duration
	openAt60 := -1
	for done < n && time.Since(start) < 90*time.Second {
		t0 := time.Now()
		if res, err := client.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
		}
		worst = max(worst, time.Since(t0))
	drain:
		for {
			select {
			case a := <-answered:
				done++
				statuses[a.status]++
				last = max(last, a.after)
			default:
				break drain
			}
		}
		if openAt60 < 0 && time.Since(start) >= 60*time.Second {
			openAt60 = n - done
		}
		time.Sleep(500 * time.Millisecond)
	}
	if openAt60 < 0 {
		openAt60 = 0
	}
	b.Logf("%d of %d slow requests answered %v (status: count), the last after %v; %d still open at 60 s; worst /healthz wait %v", done, n, statuses, last.Round(time.Millisecond), openAt60, worst.Round(time.Millisecond))
	b.ReportMetric(last.Seconds(), "s-last-slow-answer")
	b.ReportMetric(float64(openAt60), "open-at-60s")
	b.ReportMetric(worst.Seconds(), "s-worst-normal-wait")
}

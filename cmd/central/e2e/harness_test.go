package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
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

	"github.com/fieldbench/fieldbench/internal/browser"
)

// Bounds of every wait and read.
const (
	buildTimeout   = 10 * time.Minute // go build ./cmd/central on a loaded 2-core machine
	startTimeout   = 60 * time.Second
	requestTimeout = 20 * time.Second
	maxAnswer      = 4 << 20
	maxPages       = 100 // pages of one pull
)

// The harness: one central service and one browser for the whole run.
var (
	svc struct {
		url   string // http://127.0.0.1:PORT
		dir   string
		admin string // the admin token
		cmd   *exec.Cmd
		done  chan struct{}
		mu    gosync.Mutex
		log   bytes.Buffer
	}
	browserCtx context.Context
	binary     string
)

// The console users the tests sign in as (made by `central console-user
// add` in TestMain).
const (
	dispatcher = "e2e-dispatcher"
	admin      = "e2e-admin"
	password   = "correct horse battery e2e"
)

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "console-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := setUp(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		fmt.Fprintln(os.Stderr, serviceLog())
		stopService()
		return 1
	}
	b, stop, err := browser.Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		stopService()
		return 1
	}
	browserCtx = b
	code := m.Run()
	stop()
	stopService()
	if code != 0 {
		fmt.Fprintln(os.Stderr, "the service's log:\n"+serviceLog())
	}
	return code
}

// setUp builds cmd/central, starts it on a new data directory and adds
// the console users.
func setUp(tmp string) error {
	binary = filepath.Join(tmp, "central")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, "github.com/fieldbench/fieldbench/cmd/central")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/central: %v\n%s", err, out)
	}
	svc.dir = filepath.Join(tmp, "data")
	if err := startService(); err != nil {
		return err
	}
	tok, err := os.ReadFile(filepath.Join(svc.dir, "admin-token"))
	if err != nil {
		return fmt.Errorf("the first start wrote no admin token: %w", err)
	}
	svc.admin = strings.TrimSpace(string(tok))
	for _, u := range []struct{ login, name, role string }{
		{dispatcher, "Dana Dispatch", "dispatcher"},
		{admin, "Ada Admin", "administrator"},
	} {
		if err := consoleUser(u.login, u.name, u.role, password); err != nil {
			return err
		}
	}
	return nil
}

// consoleUser runs `central console-user add` with the password on stdin.
func consoleUser(login, name, role, pw string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "console-user", "add", "-data", svc.dir, "-tenant", "default", "-login", login, "-name", name, "-role", role)
	cmd.Stdin = strings.NewReader(pw + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("central console-user add %s: %v\n%s", login, err, out)
	}
	return nil
}

var listening = regexp.MustCompile(`^central: listening on (http://\S+)$`)

func startService() error {
	svc.cmd = exec.Command(binary, "-data", svc.dir, "-addr", "127.0.0.1:0", "-plain-http")
	svc.cmd.Stderr = logWriter{}
	stdout, err := svc.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := svc.cmd.Start(); err != nil {
		return err
	}
	svc.done = make(chan struct{})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		svc.cmd.Wait()
		close(svc.done)
	}()
	select {
	case svc.url = <-urls:
		return nil
	case <-svc.done:
		return fmt.Errorf("central exited before listening")
	case <-time.After(startTimeout):
		return fmt.Errorf("central did not say where it listens within %v", startTimeout)
	}
}

func stopService() {
	if svc.cmd == nil || svc.cmd.Process == nil {
		return
	}
	select {
	case <-svc.done:
		return
	default:
	}
	svc.cmd.Process.Kill()
	<-svc.done
}

// logWriter keeps the first MiB of the service's stderr.
type logWriter struct{}

func (logWriter) Write(b []byte) (int, error) {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.log.Len() < 1<<20 {
		svc.log.Write(b)
	}
	return len(b), nil
}

func serviceLog() string {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	return svc.log.String()
}

// uniq makes the names of one test distinct from every other's.
var uniq atomic.Int64

func name(prefix string) string { return fmt.Sprintf("%s-%d", prefix, uniq.Add(1)) }

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var client = &http.Client{Timeout: requestTimeout}

// call sends a JSON request (body nil: none) with token as bearer and
// returns the status and the answer.
func call(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, svc.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res.StatusCode, raw
}

// callRaw sends body as it is (a CSV) with the admin token.
func callRaw(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, svc.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.admin)
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res.StatusCode, raw
}

// adminOK runs an admin API request that must succeed, decoding its
// answer into out (when not nil).
func adminOK(t *testing.T, method, path string, body, out any) {
	t.Helper()
	code, raw := call(t, method, path, svc.admin, body)
	if code/100 != 2 {
		t.Fatalf("%s %s: HTTP %d %s", method, path, code, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

// addTech adds a field technician with a van, through the admin API.
func addTech(t *testing.T, prefix string) string {
	t.Helper()
	id, van := name(prefix), name(prefix+"-van")
	adminOK(t, "PUT", "/v1/admin/technicians/"+id, map[string]any{"id": id, "name": "Tech " + id, "country": "CN", "van": van}, nil)
	adminOK(t, "PUT", "/v1/admin/locations/"+van, map[string]any{"id": van, "kind": "van", "name": "Van of " + id, "owner": id}, nil)
	return id
}

// ticketView is what the tests read of GET /v1/admin/tickets/{id}.
type ticketView struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Epoch      int    `json:"epoch"`
	Technician string `json:"technician"`
}

func ticket(t *testing.T, id string) ticketView {
	t.Helper()
	var d struct {
		Ticket ticketView `json:"ticket"`
	}
	adminOK(t, "GET", "/v1/admin/tickets/"+id, nil, &d)
	return d.Ticket
}

// newTicket creates, through the admin API, an on-site ticket for tech
// with a customer of that name and returns its ID.
func newTicket(t *testing.T, tech, customer string) string {
	t.Helper()
	return newTicketWith(t, tech, customer, nil)
}

// newTicketWith is newTicket with more of the ticket's fields set as
// dispatch may send them (created_at, say).
func newTicketWith(t *testing.T, tech, customer string, fields map[string]any) string {
	t.Helper()
	id := newID()
	tk := map[string]any{
		"id": id, "number": name("E2E"), "kind": "on_site", "country": "CN",
		"product":  map[string]any{"category": "appliance", "brand": "Acme", "model": "W1"},
		"customer": map[string]any{"name": customer, "phone": "13800000000", "address": "1 Test Road"},
		"fault":    "leaks", "technician": tech,
	}
	maps.Copy(tk, fields)
	adminOK(t, "POST", "/v1/admin/mutations", map[string]any{"name": "ticket.create", "version": 1, "args": map[string]any{"ticket": tk}}, nil)
	return id
}

// device is a paired device talking /v1/sync as the terminal does.
type device struct {
	id, token string
	seq       int64
}

// pair creates a pairing code for tech (admin API) and exchanges it.
func pair(t *testing.T, tech string) *device {
	t.Helper()
	var code struct {
		Code string `json:"code"`
	}
	adminOK(t, "POST", "/v1/admin/pairings", map[string]any{"technician": tech}, &code)
	status, raw := call(t, "POST", "/v1/pair", "", map[string]any{"code": code.Code, "device_name": "Tablet of " + tech})
	var pr struct {
		Device string `json:"device"`
		Token  string `json:"token"`
	}
	if err := json.Unmarshal(raw, &pr); status != http.StatusOK || err != nil || pr.Device == "" || pr.Token == "" {
		t.Fatalf("pair: HTTP %d %s", status, raw)
	}
	return &device{id: pr.Device, token: pr.Token}
}

// syncStatus sends one sync request and returns its HTTP status.
func (d *device) syncStatus(t *testing.T, req any) (int, []byte) {
	t.Helper()
	return call(t, "POST", "/v1/sync", d.token, req)
}

// pullAll pulls until nothing more is waiting.
func (d *device) pullAll(t *testing.T) {
	t.Helper()
	cursor := ""
	for range maxPages {
		status, raw := d.syncStatus(t, map[string]any{"v": 1, "c": cursor})
		var out struct {
			Cursor string `json:"c"`
			More   bool   `json:"m"`
		}
		if status != http.StatusOK || json.Unmarshal(raw, &out) != nil {
			t.Fatalf("pull: HTTP %d %s", status, raw)
		}
		if !out.More {
			return
		}
		cursor = out.Cursor
	}
	t.Fatalf("pull did not end within %d pages", maxPages)
}

// rejection is a refused mutation in a sync answer.
type rejection struct {
	Seq      int64  `json:"s"`
	Code     string `json:"code"`
	Conflict string `json:"cf"`
}

// push pushes one named mutation (version 1) and returns its refusal, if
// any.
func (d *device) push(t *testing.T, mutation string, args any) (rejection, bool) {
	t.Helper()
	return d.pushAt(t, mutation, args, time.Now())
}

// pushAt is push of a mutation the device made at at (offline, say).
func (d *device) pushAt(t *testing.T, mutation string, args any, at time.Time) (rejection, bool) {
	t.Helper()
	d.seq++
	m := map[string]any{"id": newID(), "name": mutation, "version": 1, "seq": d.seq, "hlc": fmt.Sprintf("hlc-%d", d.seq),
		"at": at.UTC().Format(time.RFC3339Nano), "args": args}
	status, raw := d.syncStatus(t, map[string]any{"v": 1, "p": []any{m}, "np": true})
	var out struct {
		Acked    int64       `json:"a"`
		Rejected []rejection `json:"x"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Acked != d.seq {
		t.Fatalf("push %s: HTTP %d %s", mutation, status, raw)
	}
	for _, x := range out.Rejected {
		if x.Seq == d.seq {
			return x, true
		}
	}
	return rejection{}, false
}

// tab opens a browser tab of its own (its own cookies) signed in as login.
func tab(t *testing.T, login string) context.Context {
	t.Helper()
	ctx, cancel, err := browser.NewTab(browserCtx, "en-US,en")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	if login != "" {
		if err := browser.SignIn(ctx, svc.url, login, password); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

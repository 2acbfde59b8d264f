package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
	"github.com/google/uuid"
)

// The crash test runs the real binary: it is killed with SIGKILL while
// devices push, restarted on the same data directory, and must have kept
// every mutation it acknowledged, and apply the devices' retries once.

// killProc is a running central process.
type killProc struct {
	cmd    *exec.Cmd
	url    string
	fp     string        // the certificate's SHA-256 it printed
	done   chan struct{} // closed when the process has exited
	mu     gosync.Mutex
	stderr bytes.Buffer
}

func (p *killProc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

func (p *killProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

var (
	killListening   = regexp.MustCompile(`^central: listening on (https://\S+)$`)
	killFingerprint = regexp.MustCompile(`^central: certificate sha256 ([0-9a-f]{64})$`)
)

// killBuild builds cmd/central into a temporary directory.
func killBuild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "central")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// killStart starts the service on dir with a free port and waits for the
// line that gives its address.
func killStart(t *testing.T, bin, dir string) *killProc {
	t.Helper()
	return launch(t, bin, []string{"-data", dir, "-addr", "127.0.0.1:0"}, killListening, true)
}

// launch starts bin with args and waits (up to 30 s) for the line that
// gives its address, which listening matches; with wantFingerprint, the
// line giving its certificate's fingerprint must come first. The process
// is killed when the test ends.
func launch(t *testing.T, bin string, args []string, listening *regexp.Regexp, wantFingerprint bool) *killProc {
	t.Helper()
	p := &killProc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Stderr = p
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	fps := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := killFingerprint.FindStringSubmatch(sc.Text()); m != nil {
				fps <- m[1]
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	select {
	case p.url = <-urls:
		if !wantFingerprint {
			break
		}
		// The fingerprint line comes first.
		select {
		case p.fp = <-fps:
		default:
			t.Fatalf("central listens on %s without printing its certificate's fingerprint", p.url)
		}
	case <-p.done:
		t.Fatalf("central exited before listening: %s", p.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("central did not say where it listens: %s", p.log())
	}
	return p
}

// kill sends SIGKILL (os.Process.Kill on Unix): no shutdown code runs.
func (p *killProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// killCLI runs the admin CLI in-process against the service.
func killCLI(t *testing.T, p *killProc, dir string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	full := append([]string{"admin", "-server", p.url, "-data", dir}, args...)
	if err := run(t.Context(), full, &out, io.Discard); err != nil {
		t.Fatalf("central %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// killAdmin is the admin API as the tests read it.
func killAdmin(t *testing.T, p *killProc, dir string) *adminClient {
	t.Helper()
	tok, err := os.ReadFile(filepath.Join(dir, "admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	return &adminClient{server: p.url, token: strings.TrimSpace(string(tok)), hc: fbsync.Link{Fingerprint: p.fp}.HTTPClient(), out: io.Discard}
}

const (
	killTech   = "tech-k"
	killVan    = "van-k"
	killPart   = "K-1"
	killTicket = "tk-kill"
	killStock  = 100000
)

// killSeed creates, through the admin CLI, a technician with a van
// stocked with parts and a ticket, and pairs n devices of theirs over
// HTTP.
func killSeed(t *testing.T, p *killProc, dir string, n int) []*fbsync.Client {
	t.Helper()
	files := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	killCLI(t, p, dir, "technician", killTech, "Kai", "CN", killVan)
	killCLI(t, p, dir, "location", killVan, "van", "Van K", killTech)
	killCLI(t, p, dir, "import", "parts", write("parts.csv", "number,name_en,class\nK-1,Filter,main\nK-2,Belt,unit\n"))
	killCLI(t, p, dir, "import", "stock", write("stock.csv", fmt.Sprintf("location,part,qty\n%s,%s,%d\n", killVan, killPart, killStock)))
	ticket := app.Ticket{ID: killTicket, Number: "K-0001", Kind: app.KindOnSite, Country: "CN",
		Product:  app.Product{Category: app.CategoryAppliance, Brand: "Acme", Model: "W1"},
		Customer: app.Customer{Name: "Customer", Phone: "13800000001", Address: "2 Road"}, Fault: "leaks", Technician: killTech}
	raw, _ := json.Marshal(ticket)
	killCLI(t, p, dir, "create-ticket", write("ticket.json", string(raw)))
	var clients []*fbsync.Client
	for i := range n {
		out := killCLI(t, p, dir, "pair", killTech)
		code, _, ok := strings.Cut(strings.TrimPrefix(out, "pairing code "), " ")
		if !ok || !strings.HasPrefix(out, "pairing code ") {
			t.Fatalf("pair printed %q", out)
		}
		hc := fbsync.Link{Fingerprint: p.fp}.HTTPClient()
		hc.Timeout = 20 * time.Second
		c := &fbsync.Client{BaseURL: p.url, HTTP: hc}
		pr, err := c.Pair(t.Context(), code, fmt.Sprintf("tablet %d", i))
		if err != nil {
			t.Fatal(err)
		}
		c.Token = pr.Token
		clients = append(clients, c)
	}
	return clients
}

// killOutbox is one device's outbox: mutations with consecutive seqs from
// 1, cycling through repair.log, note.add and stock.consume on the ticket,
// whose records have fresh IDs that the device and the seq determine (a
// device's new records need lower-case UUIDs). facts maps each mutation ID
// to its record's ID.
func killOutbox(t *testing.T, dev string, n int, facts map[string]string) []app.Mutation {
	t.Helper()
	out := make([]app.Mutation, n)
	for i := range out {
		seq := int64(i + 1)
		id := uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "%s-%05d", dev, seq)).String()
		var cmd app.Command
		switch i % 3 {
		case 0:
			cmd = &app.LogRepair{Entry: app.RepairEntry{ID: id, Ticket: killTicket, Action: "step " + id, Minutes: 1}}
		case 1:
			cmd = &app.AddNote{Note: app.Note{ID: id, Ticket: killTicket, Text: "note " + id}}
		case 2:
			cmd = &app.ConsumePart{Used: app.PartUsed{ID: id, Ticket: killTicket, Part: killPart, Qty: 1, From: killVan}}
		}
		m, err := app.NewMutation(cmd, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		m.Seq, m.HLC = seq, fmt.Sprintf("hlc-%d", seq)
		out[i], facts[m.ID] = m, id
	}
	return out
}

// killPusher pushes an outbox in small batches until told to stop or the
// connection fails, like a device's sync engine: it resends from the
// server's acknowledgement.
type killPusher struct {
	outbox []app.Mutation
	acked  atomic.Int64 // the highest seq an answer acknowledged
	sent   atomic.Int64 // the highest seq put in a request
	err    error        // why it stopped
}

func (k *killPusher) run(ctx context.Context, c *fbsync.Client, batch int) {
	for i := 0; ; i++ {
		next := int(k.acked.Load())
		if next >= len(k.outbox) {
			k.err = fmt.Errorf("outbox exhausted")
			return
		}
		size := 1 + i%batch
		muts := k.outbox[next:min(next+size, len(k.outbox))]
		k.sent.Store(max(k.sent.Load(), muts[len(muts)-1].Seq))
		resp, err := c.Sync(ctx, &fbsync.Request{Protocol: fbsync.ProtocolVersion, Push: muts, NoPull: true})
		if err != nil {
			k.err = err
			return
		}
		if len(resp.Rejected) > 0 || resp.ResendFrom != 0 {
			k.err = fmt.Errorf("push %d..%d: %+v", muts[0].Seq, muts[len(muts)-1].Seq, resp)
			return
		}
		k.acked.Store(max(k.acked.Load(), resp.Acked))
	}
}

// killState is what the service holds of the devices' work.
type killState struct {
	lastSeq  map[string]int64           // device ID -> last_seq
	ids      map[string]map[string]bool // kind -> mutation ID -> present
	labour   int
	stock    int
	applied  map[string][]central.Applied
	conflict int
}

func killRead(t *testing.T, a *adminClient) killState {
	t.Helper()
	ctx := t.Context()
	s := killState{lastSeq: map[string]int64{}, ids: map[string]map[string]bool{"repair": {}, "note": {}, "part": {}}, applied: map[string][]central.Applied{}}
	var devices []central.Device
	if err := a.json(ctx, "GET", "/v1/admin/devices", nil, &devices); err != nil {
		t.Fatal(err)
	}
	for _, d := range devices {
		s.lastSeq[string(d.ID)] = d.LastSeq
		var ap []central.Applied
		if err := a.json(ctx, "GET", "/v1/admin/devices/"+string(d.ID)+"/applied", nil, &ap); err != nil {
			t.Fatal(err)
		}
		s.applied[string(d.ID)] = ap
	}
	var d app.TicketDetail
	if err := a.json(ctx, "GET", "/v1/admin/tickets/"+killTicket, nil, &d); err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Repairs {
		s.ids["repair"][r.ID] = true
	}
	for _, n := range d.Notes {
		s.ids["note"][n.ID] = true
	}
	for _, u := range d.Parts {
		s.ids["part"][u.ID] = true
	}
	s.labour = d.Ticket.LabourMinutes
	var bs []app.Balance
	if err := a.json(ctx, "GET", "/v1/admin/balances?location="+killVan, nil, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Part == killPart {
			s.stock = b.Qty
		}
	}
	var cs []app.Conflict
	if err := a.json(ctx, "GET", "/v1/admin/conflicts?all=1", nil, &cs); err != nil {
		t.Fatal(err)
	}
	s.conflict = len(cs)
	return s
}

// killCheck fails t unless the service holds exactly the mutations of each
// outbox up to that device's last_seq, each applied once.
func killCheck(t *testing.T, s killState, devices map[string][]app.Mutation, facts map[string]string) {
	t.Helper()
	want := map[string]map[string]bool{"repair": {}, "note": {}, "part": {}}
	labour, consumed := 0, 0
	for dev, outbox := range devices {
		last := s.lastSeq[dev]
		for _, m := range outbox[:min(last, int64(len(outbox)))] {
			switch m.Name {
			case "repair.log":
				want["repair"][facts[m.ID]] = true
				labour++
			case "note.add":
				want["note"][facts[m.ID]] = true
			case "stock.consume":
				want["part"][facts[m.ID]] = true
				consumed++
			}
		}
		ap := s.applied[dev]
		if len(ap) != int(last) {
			t.Errorf("device %s: %d applied rows for last_seq %d", dev, len(ap), last)
		}
		for i, a := range ap {
			if a.Seq != int64(i+1) || a.Status != "applied" || a.Mutation != outbox[i].ID {
				t.Errorf("device %s: applied row %d is %+v, want seq %d of %s applied", dev, i, a, i+1, outbox[i].ID)
				break
			}
		}
	}
	for kind, ids := range want {
		for id := range ids {
			if !s.ids[kind][id] {
				t.Errorf("%s %s is missing", kind, id)
			}
		}
		for id := range s.ids[kind] {
			if !ids[id] {
				t.Errorf("%s %s is there beyond its device's last_seq", kind, id)
			}
		}
	}
	if s.labour != labour {
		t.Errorf("labour %d minutes, want %d (one per repair)", s.labour, labour)
	}
	if s.stock != killStock-consumed {
		t.Errorf("stock %d, want %d - %d consumed", s.stock, killStock, consumed)
	}
	if s.conflict != 0 {
		t.Errorf("%d conflicts, want none", s.conflict)
	}
}

func TestKill9KeepsAckedMutationsAndRetriesApplyOnce(t *testing.T) {
	bin := killBuild(t)
	tests := map[string]struct {
		acked   int64         // kill once the first device has this many acknowledged
		settle  time.Duration // then wait this long before the kill
		devices int
	}{
		"AfterFirstAck":       {1, 0, 2},
		"AfterFiftyAcks":      {50, 3 * time.Millisecond, 2},
		"AfterFourHundredAck": {400, 7 * time.Millisecond, 3},
		// Eight devices at once: their pushes commit in groups (one
		// transaction, one flush), and the kill lands while groups are
		// queued and committing.
		"EightDevicesInGroups": {200, 5 * time.Millisecond, 8},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := killStart(t, bin, dir)
			clients := killSeed(t, p, dir, tc.devices)
			a := killAdmin(t, p, dir)
			var devices []central.Device
			if err := a.json(t.Context(), "GET", "/v1/admin/devices", nil, &devices); err != nil || len(devices) != tc.devices {
				t.Fatalf("devices %+v: %v", devices, err)
			}
			outboxes, facts := map[string][]app.Mutation{}, map[string]string{}
			pushers := make([]*killPusher, len(clients))
			var wg gosync.WaitGroup
			for i, c := range clients {
				outbox := killOutbox(t, fmt.Sprintf("d%d", i), 4000, facts)
				outboxes[string(devices[i].ID)] = outbox
				pushers[i] = &killPusher{outbox: outbox}
				wg.Go(func() { pushers[i].run(t.Context(), c, 4+i) })
			}
			deadline := time.Now().Add(60 * time.Second)
			for pushers[0].acked.Load() < tc.acked {
				if time.Now().After(deadline) {
					t.Fatalf("no %d acks in time: %v\n%s", tc.acked, pushers[0].err, p.log())
				}
				time.Sleep(200 * time.Microsecond)
			}
			time.Sleep(tc.settle)
			p.kill()
			wg.Wait()
			for i, k := range pushers {
				if k.err == nil || app.ErrorCode(k.err) != app.EOFFLINE {
					t.Errorf("pusher %d stopped with %v, want the connection lost", i, k.err)
				}
				t.Logf("device %d: acked %d, sent up to %d when killed", i, k.acked.Load(), k.sent.Load())
			}

			p = killStart(t, bin, dir)
			a = killAdmin(t, p, dir)
			s := killRead(t, a)
			for i, d := range devices {
				if last := s.lastSeq[string(d.ID)]; last < pushers[i].acked.Load() || last > pushers[i].sent.Load() {
					t.Errorf("device %d: last_seq %d after the restart, acked %d, sent up to %d", i, last, pushers[i].acked.Load(), pushers[i].sent.Load())
				}
			}
			killCheck(t, s, outboxes, facts)

			// The devices retry everything they sent, from seq 1, twice.
			for round := range 2 {
				for i, c := range clients {
					c.BaseURL = p.url
					outbox := outboxes[string(devices[i].ID)][:pushers[i].sent.Load()]
					for from := 0; from < len(outbox); from += 100 {
						batch := outbox[from:min(from+100, len(outbox))]
						resp, err := c.Sync(t.Context(), &fbsync.Request{Protocol: fbsync.ProtocolVersion, Push: batch, NoPull: true})
						if err != nil {
							t.Fatalf("retry round %d: %v", round, err)
						}
						// Replays are acknowledged up to last_seq, which may be past the batch.
						if resp.Acked < batch[len(batch)-1].Seq || resp.Acked > pushers[i].sent.Load() || resp.ResendFrom != 0 || len(resp.Rejected) != 0 {
							t.Fatalf("retry round %d of %d..%d: %+v", round, batch[0].Seq, batch[len(batch)-1].Seq, resp)
						}
					}
				}
				s := killRead(t, a)
				for i, d := range devices {
					if last := s.lastSeq[string(d.ID)]; last != pushers[i].sent.Load() {
						t.Errorf("round %d: device %d has last_seq %d, want %d", round, i, last, pushers[i].sent.Load())
					}
				}
				killCheck(t, s, outboxes, facts)
			}
			if t.Failed() {
				t.Logf("central's log:\n%s", p.log())
			}
		})
	}
}

// TestCustomerCommandSendsBase: the CLI's edit of a shared field carries
// the value it showed, so a technician's change made after it read the
// ticket is kept in a field conflict (issue 10.2).
func TestCustomerCommandSendsBase(t *testing.T) {
	ctx := t.Context()
	db, err := central.OpenDB(ctx, central.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tk := app.Ticket{ID: "tk-1", Number: "FB-1", Kind: app.KindOnSite, Country: "CN", Technician: "tech-1", Epoch: 1, Status: app.StatusAssigned,
		Priority: app.PriorityNormal, Customer: app.Customer{Name: "Li Na", Phone: "138 0000 0111", Address: "1 Road"}, Product: app.Product{Category: app.CategoryPhone}}
	if err := db.LoadDataset(ctx, "default", app.Dataset{Technicians: []app.Technician{{ID: "tech-1", Name: "Wang", Country: "CN"}},
		Tickets: []app.TicketDetail{{Ticket: tk}}}); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateAdminToken(ctx, "default", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.NewServer(db, nil))
	defer srv.Close()
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(ctx, append([]string{"-server", srv.URL, "-token-file", tokenFile(t, token)}, args...), &out)
		return out.String(), err
	}
	tests := []struct {
		name      string
		args      []string
		code      string // "" when it succeeds
		address   string // afterwards
		conflicts int    // open afterwards
	}{
		{"UnknownField", []string{"customer", "tk-1", "email", "x@y"}, app.EINVALID, "1 Road", 0},
		{"CurrentValueAsBase", []string{"customer", "tk-1", "address", "2 Road"}, "", "2 Road", 0},
		{"StaleBaseKeepsBoth", []string{"customer", "tk-1", "address", "3 Road", "-base", "1 Road"}, "", "3 Road", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := cli(tc.args...)
			if app.ErrorCode(err) != tc.code {
				t.Fatalf("%v: %v (%s), want code %q", tc.args, err, out, tc.code)
			}
			d, err := db.TicketDetail(ctx, "default", "tk-1")
			if err != nil {
				t.Fatal(err)
			}
			cs, err := db.Conflicts(ctx, "default", true)
			if err != nil {
				t.Fatal(err)
			}
			if d.Ticket.Customer.Address != tc.address || len(cs) != tc.conflicts {
				t.Fatalf("address %q with %d conflicts, want %q and %d", d.Ticket.Customer.Address, len(cs), tc.address, tc.conflicts)
			}
			if tc.conflicts > 0 && (cs[0].Ours != "2 Road" || cs[0].Theirs != "3 Road") {
				t.Fatalf("conflict %+v, want the replaced and the new address", cs[0])
			}
		})
	}
}

// TestTechnicianCommandSetsStore: counter staff are technicians with a
// store, and the CLI can say so.
func TestTechnicianCommandSetsStore(t *testing.T) {
	ctx := t.Context()
	svc := startAdminService(t)
	for _, tc := range []struct {
		args       []string
		van, store string
	}{
		{[]string{"technician", "t-1", "Wang", "cn", "van-1"}, "van-1", ""},
		{[]string{"technician", "t-2", "Li", "cn", "-store", "store-sh"}, "", "store-sh"},
		{[]string{"technician", "t-3", "Zhou", "cn", "van-3", "-store", "store-bj"}, "van-3", "store-bj"},
	} {
		if err := admin(ctx, append([]string{"-server", svc.url, "-token-file", svc.tokenFile}, tc.args...), io.Discard); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		got, err := svc.db.Technician(ctx, "default", app.TechnicianID(tc.args[1]))
		if err != nil {
			t.Fatal(err)
		}
		if got.Van != app.LocationID(tc.van) || got.Store != app.StoreID(tc.store) || got.Country != "CN" {
			t.Errorf("%v: technician %+v, want van %q, store %q", tc.args, got, tc.van, tc.store)
		}
	}
}

// tokenFile writes an admin token to a file for the CLI's -token-file.
func tokenFile(t *testing.T, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

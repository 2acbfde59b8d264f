package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// ticketXSS are the payloads of the ticket page's XSS tests: a script
// element and an attribute breaking out of its quotes.
var ticketXSS = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}

// device is a paired device of the test console's database, pushing as
// its technician.
type device struct {
	tc  *testConsole
	p   central.Principal
	tok string
	seq int64
}

// pairDevice pairs a device for technician tech of tenant.
func (tc *testConsole) pairDevice(t *testing.T, tenant string, tech app.TechnicianID) *device {
	t.Helper()
	ctx := context.Background()
	code, _, err := tc.db.CreatePairing(ctx, tenant, tech)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := tc.db.Pair(ctx, code, "test device")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tc.db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return &device{tc: tc, p: p, tok: tok}
}

// push sends one mutation as the device's next seq and returns the
// conflict it was refused into ("" when applied).
func (d *device) push(t *testing.T, name string, args any) string {
	t.Helper()
	return d.pushAt(t, name, args, d.tc.clock())
}

// pushAt is push of a mutation the device made at at (offline, say).
func (d *device) pushAt(t *testing.T, name string, args any, at time.Time) string {
	t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	d.seq++
	m := app.Mutation{ID: app.NewID(), Name: name, Version: 1, Device: d.p.Device, Seq: d.seq, At: at, Args: b}
	res, err := d.tc.db.Push(context.Background(), d.p, []app.Mutation{m})
	if err != nil {
		t.Fatalf("push %s: %v", name, err)
	}
	if res.Acked != d.seq {
		t.Fatalf("push %s: acked %d, want %d", name, res.Acked, d.seq)
	}
	if len(res.Rejected) > 0 {
		t.Logf("push %s refused: %s", name, res.Rejected[0].Message)
		return res.Rejected[0].Conflict
	}
	return ""
}

// mustApply pushes a mutation that must be applied.
func (d *device) mustApply(t *testing.T, name string, args any) {
	t.Helper()
	if cf := d.push(t, name, args); cf != "" {
		t.Fatalf("push %s: refused into conflict %s", name, cf)
	}
}

// memPhotos is a device's photo queue and store of one picture, for the
// real uploader.
type memPhotos struct {
	ph    app.Photo
	bytes []byte
}

func (m *memPhotos) PhotosToUpload(context.Context) ([]app.Photo, error) {
	return []app.Photo{m.ph}, nil
}
func (m *memPhotos) SetPhotoState(context.Context, string, string) error { return nil }
func (m *memPhotos) PutPhoto(context.Context, io.Reader) (string, int64, error) {
	return "", 0, app.Errorf(app.EINTERNAL, "test.read_only", "read only")
}
func (m *memPhotos) OpenPhoto(context.Context, string) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m.bytes)), nil
}

// attachPhoto records a photo of kind on ticket from the device and, when
// upload, sends its bytes through the central service's tus endpoint as
// the app does. It returns the photo's ID.
func (d *device) attachPhoto(t *testing.T, ticket app.TicketID, kind, mime, caption string, data []byte, upload bool) string {
	t.Helper()
	sum := sha256.Sum256(data)
	ph := app.Photo{ID: app.NewID(), Ticket: ticket, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Mime: mime,
		Caption: caption, Kind: kind, At: d.tc.clock(), State: app.PhotoLocal}
	d.mustApply(t, "photo.attach", app.AttachPhoto{Photo: ph})
	if upload {
		srv := httptest.NewServer(central.NewServer(d.tc.db, nil))
		defer srv.Close()
		mem := &memPhotos{ph: ph, bytes: data}
		u, err := fbsync.NewPhotoUploader(mem, mem, srv.Client(), srv.URL, d.tok)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.UploadAll(context.Background(), nil); err != nil {
			t.Fatalf("upload photo: %v", err)
		}
	}
	return ph.ID
}

// testPNG is a small valid PNG (1x1, opaque).
var testPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
	0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d,
	0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}

// getRaw fetches path and returns the status, the headers and the body.
func (cl *client) getRaw(t *testing.T, path string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := cl.hc.Get(cl.tc.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

var photoLink = regexp.MustCompile(`href="(/tickets/tk-1/photos/[^"]+)"`)

// TestTicketPageShowsWhatTheTechnicianRecorded: a device's work on tk-1
// (start, repair, part, note, photos uploaded and not, a signature and the
// signed report, a payment) is on the ticket's page, with the history
// naming the technician and the office, and the photo bytes served.
func TestTicketPageShowsWhatTheTechnicianRecorded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		dev := tc.pairDevice(t, "t1", "tech-1")
		tc.advance(time.Minute)
		dev.mustApply(t, "ticket.start", map[string]any{"ticket": "tk-1", "epoch": 1})
		dev.mustApply(t, "repair.log", app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: "tk-1", Action: "Replaced the battery", Minutes: 25, At: tc.clock(), By: "tech-1"}})
		dev.mustApply(t, "note.add", app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: "tk-1", Text: "Customer asked for the old battery", At: tc.clock(), By: "tech-1"}})
		condition := dev.attachPhoto(t, "tk-1", "condition", "image/png", "Cracked back", testPNG, true)
		pending := dev.attachPhoto(t, "tk-1", "repair", "image/png", "Not sent yet", []byte("not sent"), false)
		report := dev.attachPhoto(t, "tk-1", "report", "application/pdf", "", []byte("%PDF-1.4 test report"), true)
		sigPNG := append(append([]byte{}, testPNG...), 0) // other bytes than the condition photo's
		sigPhoto := dev.attachPhoto(t, "tk-1", "signature", "image/png", "", sigPNG, true)
		strokes, err := app.EncodeStrokes([]app.Stroke{{{X: 1, Y: 1}, {X: 40, Y: 20}}})
		if err != nil {
			t.Fatal(err)
		}
		dev.mustApply(t, "signature.record", app.RecordSignature{Signature: app.Signature{ID: app.NewID(), Ticket: "tk-1", Signer: "Li Lei",
			Role: app.SignerCustomer, At: tc.clock(), Digest: strings.Repeat("ab", 32), Strokes: strokes, Photo: sigPhoto, By: "tech-1"}})
		prefix, err := tc.db.ReceiptPrefix(ctx, "t1", dev.p.Device)
		if err != nil {
			t.Fatal(err)
		}
		dev.mustApply(t, "estimate.issue", app.IssueEstimate{Estimate: app.Estimate{ID: app.NewID(), Ticket: "tk-1", Amount: app.Money{Amount: 45000, Currency: "CNY"},
			Note: "Battery and labour", At: tc.clock(), By: "tech-1"}})
		dev.mustApply(t, "payment.record", app.RecordPayment{Payment: app.Payment{ID: app.NewID(), Ticket: "tk-1", Kind: app.PaymentDeposit, Method: app.MethodCash,
			Amount: app.Money{Amount: 10000, Currency: "CNY"}, Receipt: prefix + "-1", At: tc.clock(), By: "tech-1"}})

		// One assignment so far: the history has no column numbering
		// assignments, which would read "1" on every row.
		if _, body := tc.signIn(t, "dispatcher@t1").get(t, "/tickets/tk-1"); strings.Contains(body, `<th scope="col">Assignment</th>`) {
			t.Errorf("the history of a ticket never reassigned numbers its assignment")
		}

		// A dispatcher's reassignment: a step made by the office.
		if err := tc.db.ApplyAdmin(ctx, central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "admin"},
			mustMutation(t, &app.AssignTicket{Ticket: "tk-1", Technician: "tech-1", Store: "s1"}, tc.clock())); err != nil {
			t.Fatal(err)
		}

		for _, login := range []string{"dispatcher@t1", "manager@t1", "clerk@t1", "admin@t1"} {
			cl := tc.signIn(t, login)
			status, body := cl.get(t, "/tickets/tk-1")
			if status != http.StatusOK {
				t.Fatalf("%s: GET /tickets/tk-1: status %d\n%s", login, status, body)
			}
			for _, want := range []string{"FB-1", "Customer FB-1", "138 0000 0000", "1 Road", "Huawei P60", "In progress", "status-open",
				"Replaced the battery", "Customer asked for the old battery", "Cracked back", "Not uploaded yet", "Signed service report (PDF)",
				// The history: created by the office, started on the device of tech-1.
				`<span class="tp-status status-open">Assigned</span></td><td>The office</td>`,
				`Assigned → <span class="tp-status status-open">In progress</span></td><td>Tech One</td><td>1</td>`,
				// Reassigned: the steps say which assignment they belong to.
				`<th scope="col">Assignment</th>`, `In progress → <span class="tp-status status-open">Assigned</span></td><td>The office</td><td>2</td>`,
				// Sign-off and money.
				"Signed by Li Lei (customer)", `src="/tickets/tk-1/photos/` + sigPhoto + `"`, `alt="Signature of Li Lei"`,
				"Battery and labour", "Waiting for the customer&#39;s answer", prefix + "-1", "Deposit", "Cash",
				"<h1>"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: ticket page lacks %q", login, want)
				}
			}
			editable := strings.Contains(body, `action="/tickets/tk-1/customer"`)
			if want := login != "clerk@t1"; editable != want {
				t.Errorf("%s: customer form shown %v, want %v", login, editable, want)
			}
		}

		cl := tc.signIn(t, "dispatcher@t1")
		_, body := cl.get(t, "/tickets/tk-1")
		links := map[string]bool{}
		for _, m := range photoLink.FindAllStringSubmatch(body, -1) {
			links[m[1]] = true
		}
		for _, c := range []struct {
			photo, mime, disposition string
			data                     []byte
		}{
			{condition, "image/png", "", testPNG},
			{report, "application/pdf", `attachment; filename="tk-1-` + report + `.pdf"`, []byte("%PDF-1.4 test report")},
		} {
			u := "/tickets/tk-1/photos/" + c.photo
			if !links[u] {
				t.Errorf("the page does not link %s", u)
			}
			status, h, got := cl.getRaw(t, u)
			if status != http.StatusOK || h.Get("Content-Type") != c.mime || h.Get("Content-Disposition") != c.disposition || !bytes.Equal(got, c.data) {
				t.Errorf("GET %s: status %d, type %q, disposition %q, %d bytes; want 200 %s %q with the uploaded bytes", u, status,
					h.Get("Content-Type"), h.Get("Content-Disposition"), len(got), c.mime, c.disposition)
			}
		}
		// A device may declare any type: what the browser would run is
		// sent as a download of bytes.
		html := dev.attachPhoto(t, "tk-1", "repair", "text/html", "", []byte(ticketXSS[0]), true)
		if status, h, _ := cl.getRaw(t, "/tickets/tk-1/photos/"+html); status != http.StatusOK ||
			h.Get("Content-Type") != "application/octet-stream" || h.Get("Content-Disposition") != "attachment" {
			t.Errorf("GET a photo declared text/html: status %d, type %q, disposition %q", status, h.Get("Content-Type"), h.Get("Content-Disposition"))
		}
		if links["/tickets/tk-1/photos/"+pending] {
			t.Errorf("the page links the photo whose bytes never arrived")
		}
		if status, _, got := cl.getRaw(t, "/tickets/tk-1/photos/"+pending); status != http.StatusNotFound || !strings.Contains(string(got), "not on the server yet") {
			t.Errorf("GET the pending photo: status %d\n%s", status, got)
		}
		// A photo of tk-1 under another ticket's URL is no photo there.
		if status, _, _ := cl.getRaw(t, "/tickets/tk-3/photos/"+condition); status != http.StatusNotFound {
			t.Errorf("GET tk-1's photo as tk-3's: status %d, want 404", status)
		}
		// Outside the session's scope: the same 404 as a missing ticket.
		_, missing := tc.signIn(t, "manager@t1").get(t, "/tickets/no-such")
		missing = mainOf(missing)
		for _, c := range []struct{ login, path string }{
			{"manager@t1", "/tickets/tk-2"},
			{"dispatcher@t2", "/tickets/tk-1"},
			{"manager@t1", "/tickets/tk-2/photos/" + condition},
			{"dispatcher@t2", "/tickets/tk-1/photos/" + condition},
		} {
			status, body := tc.signIn(t, c.login).get(t, c.path)
			if status != http.StatusNotFound {
				t.Errorf("%s GET %s: status %d, want 404", c.login, c.path, status)
			}
			if want := strings.ReplaceAll(missing, "no-such", strings.Split(c.path, "/")[2]); mainOf(body) != want {
				t.Errorf("%s GET %s: the refusal differs from a missing ticket's\n%s", c.login, c.path, body)
			}
		}
	})
}

// TestTicketHistoryShowsWhenStepsWereTaken: the history gives each of
// the technician's steps the time they took it, and, for one that reached
// the service more than a few minutes later, when it synced: its hour on
// the same day, its day and hour on another; nothing for one pushed at
// once, in English and in Chinese.
func TestTicketHistoryShowsWhenStepsWereTaken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		dev := tc.pairDevice(t, "t1", "tech-1")
		tc.advance(time.Minute) // 09:01, the fixture's ticket created at 08:00 (UTC, the tenant's zone)
		started := testStart.Add(-40 * time.Minute)
		if cf := dev.pushAt(t, "ticket.start", map[string]any{"ticket": "tk-1", "epoch": 1}, started); cf != "" {
			t.Fatalf("start refused into %s", cf)
		}
		tc.advance(24 * time.Hour) // synced the next day, 28 Nov 09:01
		if cf := dev.pushAt(t, "ticket.wait_parts", map[string]any{"ticket": "tk-1", "epoch": 1, "reason": "battery"}, started.Add(30*time.Minute)); cf != "" {
			t.Fatalf("wait refused into %s", cf)
		}
		dev.mustApply(t, "ticket.resume", map[string]any{"ticket": "tk-1", "epoch": 1})

		cl := tc.signIn(t, "dispatcher@t1")
		for _, c := range []struct {
			lang string
			want []string
		}{
			{"en", []string{
				`<th scope="row"><span class="when">27 Nov 2026</span> 08:20<br><span class="muted tp-synced">synced 09:01</span></th><td>Assigned → `,
				`<th scope="row"><span class="when">27 Nov 2026</span> 08:50<br><span class="muted tp-synced">synced 28 Nov 2026 09:01</span></th><td>In progress → `,
				`<th scope="row"><span class="when">28 Nov 2026</span> 09:01</th><td>Waiting for parts → `,
			}},
			{"zh-Hans", []string{
				`<th scope="row"><span class="when">2026年11月27日</span> 08:20<br><span class="muted tp-synced">09:01同步</span></th>`,
				`<th scope="row"><span class="when">2026年11月27日</span> 08:50<br><span class="muted tp-synced">2026年11月28日 09:01同步</span></th>`,
				`<th scope="row"><span class="when">2026年11月28日</span> 09:01</th>`,
			}},
		} {
			cl.inLanguage(t, c.lang)
			_, body := cl.get(t, "/tickets/tk-1")
			for _, want := range c.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the history lacks %s\n%s", c.lang, want, historyOf(body))
				}
			}
		}
	})
}

// historyOf is the ticket page's status history section.
func historyOf(body string) string {
	i := strings.Index(body, `<section aria-labelledby="tp-history">`)
	if i < 0 {
		return body
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

// mainOf is a page's <main> element: what differs between two answers
// apart from the session's header.
func mainOf(body string) string {
	i, j := strings.Index(body, "<main"), strings.Index(body, "</main>")
	if i < 0 || j < i {
		return body
	}
	return body[i:j]
}

func mustMutation(t *testing.T, cmd app.Command, at time.Time) app.Mutation {
	t.Helper()
	m, err := app.NewMutation(cmd, at)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTicketPageEscapesWhatDevicesWrite: every field a device can write,
// holding markup, is shown as text.
func TestTicketPageEscapesWhatDevicesWrite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		for _, payload := range ticketXSS {
			tc.advance(time.Minute)
			id := app.TicketID(app.NewID())
			dev := tc.pairDevice(t, "t1", "tech-1")
			tk := app.Ticket{ID: id, Number: "FB-X" + payload, Kind: app.KindCarryIn, Country: "CN",
				Product: app.Product{Category: app.CategoryPhone, Brand: payload, Model: payload, Serial: "SN" + payload},
				// The phone is checked as one (app.CheckNewCustomer): no
				// payload is.
				Customer: app.Customer{Name: payload, Phone: "138 0000 0000", Address: payload, City: payload},
				Fault:    payload, Priority: app.PriorityNormal}
			dev.mustApply(t, "ticket.create", app.CreateTicket{Ticket: tk})
			dev.mustApply(t, "ticket.start", map[string]any{"ticket": id, "epoch": 1})
			dev.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: id, Set: app.TicketFields{Diagnosis: ptr(payload)}})
			dev.mustApply(t, "repair.log", app.LogRepair{Entry: app.RepairEntry{ID: app.NewID(), Ticket: id, Action: payload, At: tc.clock(), By: payload}})
			dev.mustApply(t, "note.add", app.AddNote{Note: app.Note{ID: app.NewID(), Ticket: id, Text: payload, At: tc.clock(), By: payload}})
			dev.attachPhoto(t, id, "condition", "image/png", payload, testPNG, true)
			// A field conflict whose values hold the payload: the device
			// changes the address unseen after dispatch did (a phone is
			// checked as one, and no payload is).
			if err := tc.db.ApplyAdmin(ctx, central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "admin"},
				mustMutation(t, &app.UpdateTicket{Ticket: id, Set: app.TicketFields{CustomerAddress: ptr("2" + payload)}, Base: app.TicketFields{CustomerAddress: ptr(payload)}}, tc.clock())); err != nil {
				t.Fatal(err)
			}
			dev.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: id, Set: app.TicketFields{CustomerAddress: ptr("3" + payload)}, Base: app.TicketFields{CustomerAddress: ptr(payload)}})

			cl := tc.signIn(t, "dispatcher@t1")
			for _, path := range []string{"/tickets/" + url.PathEscape(string(id)), "/conflicts"} {
				status, body := cl.get(t, path)
				if status != http.StatusOK {
					t.Fatalf("GET %s: status %d\n%s", path, status, body)
				}
				if strings.Contains(body, payload) || strings.Contains(body, "<img src=x") {
					t.Errorf("GET %s shows %q unescaped", path, payload)
				}
				if escaped := "&lt;"; !strings.Contains(body, escaped) {
					t.Errorf("GET %s does not show the escaped payload", path)
				}
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

// customerForm is the customer form of tk as the page shows it.
func customerForm(phone, address, basePhone, baseAddress string) url.Values {
	return url.Values{"phone": {phone}, "address": {address}, "base_phone": {basePhone}, "base_address": {baseAddress}}
}

// TestTicketCustomerUpdate: the customer's phone and address change with
// ticket.update carrying the values shown as base; a stale base is
// applied and keeps the technician's value in a field conflict; every
// refusal changes nothing.
func TestTicketCustomerUpdate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		ctx := context.Background()
		customer := func(id app.TicketID) app.Customer {
			t.Helper()
			d, err := tc.db.TicketDetail(ctx, "t1", id)
			if err != nil {
				t.Fatal(err)
			}
			return d.Ticket.Customer
		}
		cl := tc.signIn(t, "dispatcher@t1")

		// Saved: the page shows the new values and the flash, the audit
		// names the login, no conflict.
		status, _ := cl.post(t, "/tickets/tk-1/customer", customerForm("139 1111 2222", "2 Road", "138 0000 0000", "1 Road"))
		if status != http.StatusSeeOther || cl.location != "/tickets/tk-1" {
			t.Fatalf("save: status %d to %q, want 303 to /tickets/tk-1", status, cl.location)
		}
		if c := customer("tk-1"); c.Phone != "139 1111 2222" || c.Address != "2 Road" {
			t.Fatalf("after save the customer is %+v", c)
		}
		_, body := cl.get(t, "/tickets/tk-1")
		if !strings.Contains(body, "phone and address are saved") || !strings.Contains(body, `value="139 1111 2222"`) {
			t.Errorf("after save the page lacks the flash or the new phone\n%s", body)
		}
		audit, err := tc.db.Audit(ctx, "t1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) == 0 || audit[0].Login != "dispatcher@t1" || audit[0].Action != "ticket.update.v1" || audit[0].Target != "tk-1" {
			t.Errorf("audit after save: %+v", audit)
		}
		if cs, _ := tc.db.Conflicts(ctx, "t1", false); len(cs) != 0 {
			t.Errorf("a save on the value shown raised conflicts %+v", cs)
		}

		// Stale: the technician changed the phone since the page was
		// drawn; dispatch's value wins and the technician's is kept.
		dev := tc.pairDevice(t, "t1", "tech-1")
		dev.mustApply(t, "ticket.update", app.UpdateTicket{Ticket: "tk-1", Set: app.TicketFields{CustomerPhone: ptr("137 5555 6666")}, Base: app.TicketFields{CustomerPhone: ptr("139 1111 2222")}})
		status, _ = cl.post(t, "/tickets/tk-1/customer", customerForm("135 7777 8888", "2 Road", "139 1111 2222", "2 Road"))
		if status != http.StatusSeeOther {
			t.Fatalf("stale save: status %d, want 303", status)
		}
		if c := customer("tk-1"); c.Phone != "135 7777 8888" {
			t.Errorf("after the stale save the phone is %q, want dispatch's", c.Phone)
		}
		cs, err := tc.db.Conflicts(ctx, "t1", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Kind != app.ConflictField || cs[0].Ours != "137 5555 6666" || cs[0].Theirs != "135 7777 8888" || cs[0].TheirsBy != "console:dispatcher@t1" {
			t.Fatalf("after the stale save, conflicts %+v", cs)
		}
		_, body = cl.get(t, "/tickets/tk-1")
		if !strings.Contains(body, "their value is kept in a conflict") || !strings.Contains(body, "Both sides changed a field") {
			t.Errorf("the page after the stale save does not say so or list the conflict\n%s", body)
		}

		// tk-3 is cancelled after its page was drawn: the form is stale.
		if err := tc.db.ApplyAdmin(ctx, central.Principal{Tenant: "t1", Role: app.RoleDispatcher, Name: "admin"},
			app.Mutation{ID: app.NewID(), Name: "ticket.cancel", Version: 1, At: tc.clock(), Args: json.RawMessage(`{"ticket":"tk-3","epoch":1,"reason":"customer called off"}`)}); err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("9", app.MaxTextLen+1)
		for _, c := range []struct {
			name, login, path string
			form              url.Values
			noCSRF            bool
			status            int
			says              string
			ticket            app.TicketID
		}{
			{"parts clerk", "clerk@t1", "/tickets/tk-1/customer", customerForm("1", "2 Road", "135 7777 8888", "2 Road"), false, http.StatusForbidden, "Your role may not do this", "tk-1"},
			{"other tenant", "dispatcher@t2", "/tickets/tk-1/customer", customerForm("1", "2 Road", "135 7777 8888", "2 Road"), false, http.StatusNotFound, "There is no ticket tk-1 here", "tk-1"},
			{"other store", "manager@t1", "/tickets/tk-2/customer", customerForm("1", "1 Road", "138 0000 0000", "1 Road"), false, http.StatusNotFound, "There is no ticket tk-2 here", "tk-2"},
			{"no CSRF token", "dispatcher@t1", "/tickets/tk-1/customer", customerForm("1", "2 Road", "135 7777 8888", "2 Road"), true, http.StatusForbidden, "", "tk-1"},
			{"nothing changed", "dispatcher@t1", "/tickets/tk-1/customer", customerForm("135 7777 8888", "2 Road", "135 7777 8888", "2 Road"), false, http.StatusBadRequest, "Nothing was changed", "tk-1"},
			{"not a phone", "dispatcher@t1", "/tickets/tk-1/customer", customerForm("call the neighbour", "2 Road", "135 7777 8888", "2 Road"), false, http.StatusBadRequest, "is not a phone number", "tk-1"},
			{"too long", "dispatcher@t1", "/tickets/tk-1/customer", customerForm(long, "2 Road", "135 7777 8888", "2 Road"), false, http.StatusBadRequest, "at most 4,000 characters", "tk-1"},
			{"too long in Chinese", "dispatcher@t1", "/tickets/tk-1/customer", customerForm("135 7777 8888", strings.Repeat("路", app.MaxTextLen+1), "135 7777 8888", "2 Road"), false, http.StatusBadRequest, "at most 4,000 characters", "tk-1"},
			{"stale form on a cancelled ticket", "dispatcher@t1", "/tickets/tk-3/customer", customerForm("136 1111 1111", "1 Road", "138 0000 0000", "1 Road"), false, http.StatusConflict, "can no longer be edited", "tk-3"},
		} {
			before := customer(c.ticket)
			ncf, _ := tc.db.Conflicts(ctx, "t1", false)
			u := tc.signIn(t, c.login)
			var status int
			var body string
			if c.noCSRF {
				status, body = u.postNoCSRF(t, c.path, c.form)
			} else {
				status, body = u.post(t, c.path, c.form)
			}
			if status != c.status || !strings.Contains(body, c.says) {
				t.Errorf("%s: status %d, want %d saying %q\n%s", c.name, status, c.status, c.says, body)
			}
			if after := customer(c.ticket); after != before {
				t.Errorf("%s: the customer changed from %+v to %+v", c.name, before, after)
			}
			if cs, _ := tc.db.Conflicts(ctx, "t1", false); len(cs) != len(ncf) {
				t.Errorf("%s: conflicts went from %d to %d", c.name, len(ncf), len(cs))
			}
			if c.status == http.StatusBadRequest && !strings.Contains(body, `name="base_phone" value="135 7777 8888"`) {
				t.Errorf("%s: the form shown again lost the base it came with", c.name)
			}
		}

		// A phone that is not one is refused by app's check, under the
		// phone field, in the user's language.
		status, body = cl.post(t, "/tickets/tk-1/customer", customerForm("call the neighbour", "2 Road", "135 7777 8888", "2 Road"))
		field, refusal, address := strings.Index(body, `id="tp-phone"`), strings.Index(body, "is not a phone number"), strings.Index(body, `id="tp-address"`)
		if status != http.StatusBadRequest || field < 0 || refusal < field || refusal > address || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("not a phone: status %d, the refusal at %d, want between the phone field (%d) and the address (%d), the phone marked invalid\n%s", status, refusal, field, address, body)
		}

		// The bound counts characters: an address of exactly
		// app.MaxTextLen Chinese characters (three times as many bytes)
		// is saved.
		zh := strings.Repeat("路", app.MaxTextLen)
		if status, _ := cl.post(t, "/tickets/tk-1/customer", customerForm("135 7777 8888", zh, "135 7777 8888", "2 Road")); status != http.StatusSeeOther {
			t.Errorf("an address of %d Chinese characters: status %d, want 303", app.MaxTextLen, status)
		}
		if c := customer("tk-1"); c.Address != zh {
			t.Errorf("after saving %d Chinese characters the address has %d", app.MaxTextLen, app.TextLen(c.Address))
		}

		// The flash names what was saved: a dispatcher who changed the
		// address alone is not told the phone was saved too.
		for _, c := range []struct {
			name      string
			form      url.Values
			says, not string
		}{
			{"address alone", customerForm("135 7777 8888", "3 Road", "135 7777 8888", zh), "The customer's address is saved.", "phone"},
			{"phone alone", customerForm("136 2222 3333", "3 Road", "135 7777 8888", "3 Road"), "The customer's phone is saved.", "address"},
			{"both", customerForm("137 4444 5555", "4 Road", "136 2222 3333", "3 Road"), "The customer's phone and address are saved.", ""},
		} {
			if status, _ := cl.post(t, "/tickets/tk-1/customer", c.form); status != http.StatusSeeOther {
				t.Fatalf("%s: status %d, want 303", c.name, status)
			}
			_, body := cl.get(t, "/tickets/tk-1")
			start := strings.Index(body, `class="flash`)
			if start < 0 {
				t.Fatalf("%s: no flash on the page\n%s", c.name, body)
			}
			flash := body[start:]
			flash = html.UnescapeString(flash[:strings.Index(flash, "</")])
			if !strings.Contains(flash, c.says) || c.not != "" && strings.Contains(flash, c.not) {
				t.Errorf("%s: the flash is %q, want %q", c.name, flash, c.says)
			}
		}
	})
}

// TestTicketPageSLA: the SLA targets carry the terminal's countdown and
// colour (app.SLAUrgency) while the ticket is open, respond-by only until
// the technician arrives or starts work, and none once it is done.
func TestTicketPageSLA(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		now := tc.clock()
		for _, c := range []struct {
			name      string
			status    app.Status
			respond   time.Duration
			resolve   time.Duration
			want, not []string
		}{
			{"overdue and due soon", app.StatusAssigned, -90 * time.Minute, 3 * time.Hour,
				[]string{`<span class="tp-sla sla-overdue">Overdue by 1 h</span>`, `<span class="tp-sla sla-soon">3 h left</span>`}, []string{"sla-ok"}},
			{"on time", app.StatusEnRoute, 30 * time.Hour, 72 * time.Hour,
				[]string{`<span class="tp-sla sla-ok">30 h left</span>`, `<span class="tp-sla sla-ok">3 d left</span>`}, []string{"sla-overdue", "sla-soon"}},
			// The technician is at work: the first response was given,
			// its target is behind them; only the resolution counts down.
			{"responded", app.StatusInProgress, -28 * time.Hour, 72 * time.Hour,
				[]string{`<span class="tp-sla sla-ok">3 d left</span>`}, []string{"sla-overdue", "Overdue by"}},
			{"waiting for parts", app.StatusWaitingParts, -time.Hour, 72 * time.Hour,
				[]string{`<span class="tp-sla sla-ok">3 d left</span>`}, []string{"sla-overdue", "Overdue by"}},
			{"completed: no countdown", app.StatusCompleted, -time.Hour, -time.Minute,
				[]string{"status-done"}, []string{"tp-sla"}},
		} {
			checkTicketPage(t, tc, c.name, func(tk *app.Ticket) {
				tk.Number, tk.Status = "FB-SLA", c.status
				tk.RespondBy, tk.ResolveBy = now.Add(c.respond), now.Add(c.resolve)
			}, c.want, c.not)
		}
	})
}

// checkTicketPage loads the test world's first ticket, as set changes it,
// under a new ID, and checks that its page holds each of want and none of
// not.
func checkTicketPage(t *testing.T, tc *testConsole, name string, set func(*app.Ticket), want, not []string) {
	t.Helper()
	tk := testDataset("t1").Tickets[0]
	tk.Ticket.ID = app.TicketID(app.NewID())
	set(&tk.Ticket)
	if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Tickets: []app.TicketDetail{tk}}); err != nil {
		t.Fatal(err)
	}
	status, body := tc.signIn(t, "dispatcher@t1").get(t, "/tickets/"+string(tk.Ticket.ID))
	if status != http.StatusOK {
		t.Fatalf("%s: status %d", name, status)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %s", name, w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("%s: the page shows %s", name, n)
		}
	}
}

// TestTicketPageVisit: the ticket's page shows the visit's window as the
// board's card does, in the tenant's zone, with the card's "missed: call
// the customer" once the window is over and no technician is there; a
// ticket without a window (a counter repair) has no Visit line.
func TestTicketPageVisit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		now := tc.clock() // 2026-11-27 09:00 UTC, the tenant's zone
		for _, c := range []struct {
			name      string
			status    app.Status
			from, to  time.Time
			want, not []string
		}{
			{"tomorrow", app.StatusAssigned, now.Add(25 * time.Hour), now.Add(27 * time.Hour),
				[]string{`<dt>Visit</dt><dd><span class="when">28 Nov 2026</span> <span class="when">10:00–12:00</span></dd>`}, []string{"missed: call the customer"}},
			{"missed", app.StatusAssigned, now.Add(-4 * time.Hour), now.Add(-2 * time.Hour),
				[]string{`<dt>Visit</dt><dd><span class="when">27 Nov 2026</span> <span class="when">05:00–07:00</span> <strong class="window-missed">missed: call the customer</strong></dd>`}, nil},
			{"over but the technician is at work", app.StatusInProgress, now.Add(-4 * time.Hour), now.Add(-2 * time.Hour),
				[]string{`<dt>Visit</dt><dd><span class="when">27 Nov 2026</span> <span class="when">05:00–07:00</span></dd>`}, []string{"missed: call the customer"}},
			{"no window", app.StatusInProgress, time.Time{}, time.Time{},
				nil, []string{"<dt>Visit</dt>"}},
		} {
			checkTicketPage(t, tc, c.name, func(tk *app.Ticket) {
				tk.Number, tk.Status = "FB-VISIT", c.status
				tk.WindowStart, tk.WindowEnd = c.from, c.to
			}, c.want, c.not)
		}
	})
}

// TestTicketPageActions: the page links to the board's action pages the
// ticket's status allows, for roles that dispatch only.
func TestTicketPageActions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			status    app.Status
			login     string
			want, not []string
		}{
			{app.StatusAssigned, "dispatcher@t1", []string{"assign", "schedule", "cancel"}, []string{"reopen"}},
			{app.StatusWaitingParts, "manager@t1", []string{"assign", "schedule", "cancel"}, []string{"reopen"}},
			// ticket.assign and ticket.schedule refuse a completed or failed
			// ticket until it is reopened: the page offers only reopen.
			{app.StatusCompleted, "manager@t1", []string{"reopen"}, []string{"assign", "schedule", "cancel"}},
			{app.StatusCannotComplete, "dispatcher@t1", []string{"reopen"}, []string{"assign", "schedule", "cancel"}},
			{app.StatusClosed, "dispatcher@t1", nil, []string{"assign", "schedule", "cancel", "reopen"}},
			{app.StatusCancelled, "dispatcher@t1", nil, []string{"assign", "schedule", "cancel", "reopen"}},
			{app.StatusAssigned, "clerk@t1", nil, []string{"assign", "schedule", "cancel", "reopen"}},
		} {
			tk := testDataset("t1").Tickets[0]
			id := app.TicketID(app.NewID())
			tk.Ticket.ID, tk.Ticket.Number, tk.Ticket.Status = id, "FB-ACT", c.status
			if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Tickets: []app.TicketDetail{tk}}); err != nil {
				t.Fatal(err)
			}
			status, body := tc.signIn(t, c.login).get(t, "/tickets/"+string(id))
			if status != http.StatusOK {
				t.Fatalf("%s %s: status %d", c.login, c.status, status)
			}
			for _, a := range c.want {
				if !strings.Contains(body, `href="/tickets/`+string(id)+`/`+a+`"`) {
					t.Errorf("%s on a %s ticket: no link to %s", c.login, c.status, a)
				}
			}
			// Cancel, which cannot be taken back, is red as on the board.
			if slices.Contains(c.want, "cancel") && !strings.Contains(body, `href="/tickets/`+string(id)+`/cancel" class="danger-link"`) {
				t.Errorf("%s on a %s ticket: the cancel link is not marked danger-link", c.login, c.status)
			}
			for _, a := range c.not {
				if strings.Contains(body, `href="/tickets/`+string(id)+`/`+a+`"`) {
					t.Errorf("%s on a %s ticket: a link to %s", c.login, c.status, a)
				}
			}
		}
	})
}

// TestTicketPageStoreAndAddress: the ticket's store shows by its name (its
// ID when it has no location), and the customer's address in the order
// of their language, the city not repeated in Chinese.
func TestTicketPageStoreAndAddress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		for _, c := range []struct {
			name     string
			store    app.StoreID
			customer app.Customer
			want     []string
			not      []string
		}{
			{"chinese", "s1", app.Customer{Name: "何军", Address: "上海市静安区延安中路907号", City: "上海", Language: "zh-CN"},
				[]string{"<dd>Store One</dd>", "<dd>上海市静安区延安中路907号</dd>"}, []string{"<dd>s1</dd>", ", 上海"}},
			{"chinese without the city", "s2", app.Customer{Name: "王芳", Address: "静安区延安中路907号", City: "上海"},
				[]string{"<dd>Store Two</dd>", "<dd>上海静安区延安中路907号</dd>"}, []string{"<dd>s2</dd>"}},
			{"german", "s1", app.Customer{Name: "Anna Weber", Address: "Torstraße 12", City: "Berlin", Language: "de"},
				[]string{"<dd>Torstraße 12, Berlin</dd>"}, nil},
			{"a store without a location", "s-gone", app.Customer{Name: "Ada", Address: "1 Road"},
				[]string{"<dd>s-gone</dd>", "<dd>1 Road</dd>"}, nil},
		} {
			tk := testDataset("t1").Tickets[0]
			id := app.TicketID(app.NewID())
			tk.Ticket.ID, tk.Ticket.Number, tk.Ticket.Store, tk.Ticket.Customer = id, "FB-ADDR", c.store, c.customer
			if err := tc.db.LoadDataset(context.Background(), "t1", app.Dataset{Tickets: []app.TicketDetail{tk}}); err != nil {
				t.Fatal(err)
			}
			status, body := tc.signIn(t, "dispatcher@t1").get(t, "/tickets/"+string(id))
			if status != http.StatusOK {
				t.Fatalf("%s: status %d", c.name, status)
			}
			body = mainOf(body)
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the page lacks %q", c.name, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("%s: the page has %q", c.name, n)
				}
			}
		}
	})
}

// TestTicketActionsSayWhatTheBoardSays: the ticket page's actions read as
// the board card's, in every language (in Chinese the board said 分派 and
// 改期, the ticket page 指派 and 改约: two words for one action).
func TestTicketActionsSayWhatTheBoardSays(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tc *testConsole) {
		cl := tc.signIn(t, "dispatcher@t1")
		link := func(body, href string) string {
			m := regexp.MustCompile(`<a href="` + regexp.QuoteMeta(href) + `"[^>]*>([^<]*)</a>`).FindStringSubmatch(body)
			if m == nil {
				return ""
			}
			return m[1]
		}
		for _, lang := range []string{"en", "es", "fr", "pt", "zh-Hans"} {
			if status, _ := cl.post(t, "/language", url.Values{"lang": {lang}, "next": {"/board"}}); status != http.StatusSeeOther {
				t.Fatalf("choosing %s: %d", lang, status)
			}
			_, board := cl.get(t, "/board")
			_, page := cl.get(t, "/tickets/tk-1")
			for _, action := range []string{"assign", "schedule", "cancel"} {
				href := "/tickets/tk-1/" + action
				if b, p := link(board, href), link(page, href); b == "" || b != p {
					t.Errorf("in %s the board's %s reads %q, the ticket page's %q", lang, action, b, p)
				}
			}
		}
	})
}

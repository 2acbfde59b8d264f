package demoserver_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/device/demoserver"
)

// TestDemoSendsCustomerNotices: an "on my way" sent from the demo
// device reaches the demo's text-message gateway, which writes it to
// sent-notices.txt (owner only), and comes back to the device as sent:
// before, the demo had no sender and every notice read "sending" for
// ever.
func TestDemoSendsCustomerNotices(t *testing.T) {
	dir := t.TempDir()
	d, err := device.New(dir, device.Options{Demo: demoserver.Starter(1, demo.Size{Models: 10, Parts: 60, Tickets: 80, Technicians: 2}), SerialRules: []byte(`[]`)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := t.Context()
	s, err := d.StartDemo(ctx, func(app.StartProgress) {})
	if err != nil {
		t.Fatal(err)
	}
	tickets, _, err := s.Tickets.FindTickets(ctx, app.TicketFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var tk app.Ticket
	for _, c := range tickets {
		if app.NoticeAllowed(c, app.NoticeOnMyWay) == nil && strings.TrimSpace(c.Customer.Phone) != "" && strings.TrimSpace(c.Customer.Email) == "" {
			tk = c
			break
		}
	}
	if tk.ID == "" {
		t.Fatalf("no visit of the demo technician to announce among %d tickets", len(tickets))
	}
	now := time.Now()
	n := app.CustomerNotice{ID: app.NewID(), Ticket: tk.ID, Kind: app.NoticeOnMyWay, ETA: now.Add(30 * time.Minute), At: now}
	if _, err := s.Commit.Commit(ctx, s.Actor, &app.SendNotice{Notice: n}); err != nil {
		t.Fatal(err)
	}
	var state string
	// The sender looks every 5 s; bounded at a minute.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		s.Sync.SyncNow()
		ns, err := s.Notices.Notices(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 1 {
			state = ns[0].State
			if state == app.NoticeSent && ns[0].Channel == app.ChannelWebhook {
				break
			}
		}
	}
	if state != app.NoticeSent {
		t.Fatalf("the notice is %q on the device after a minute, want %q", state, app.NoticeSent)
	}
	path := filepath.Join(dir, "central", demoserver.NoticesFile)
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "to "+strings.TrimSpace(tk.Customer.Phone)) || !strings.Contains(string(body), "ticket "+tk.Number) || !strings.Contains(string(body), "on_my_way") {
		t.Errorf("%s does not hold the notice to %s on %s:\n%s", demoserver.NoticesFile, tk.Customer.Phone, tk.Number, body)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, %v; want 0600, the customers' phones are in it", path, fi.Mode().Perm(), err)
	}
}

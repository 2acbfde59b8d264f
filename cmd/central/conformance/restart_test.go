package conformance

import (
	"testing"
)

// Restart after kill -9: what an answer acknowledged survives a SIGKILL,
// and the device's retry of the batch is skipped (no double effect).
func TestRestartAfterKill9(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			// Its own server: the kill must not take the shared one down.
			s := newService(t, db)
			defer s.proc.kill()
			const stock, n = 100, 30
			tc := s.addFieldTech(t, "killed", stock)
			dev := s.pair(t, tc.id)
			tk := s.newTicket(t, tc.id, "")
			batch := make([]mutation, n)
			for i := range batch {
				switch i % 3 {
				case 0:
					batch[i] = dev.mut("repair.log", repairArgs(newID(), tk.ID, 2))
				case 1:
					batch[i] = dev.mut("note.add", noteArgs(newID(), tk.ID))
				case 2:
					batch[i] = dev.mut("stock.consume", consumeArgs(newID(), tk.ID, partFilter, tc.van, 1))
				}
			}
			first := dev.push(t, batch...)
			if first.Acked != n || len(first.Rejected) != 0 || first.Epoch == "" {
				t.Fatalf("push answered a=%d e=%q x=%+v, want a=%d, an epoch and no refusal", first.Acked, first.Epoch, first.Rejected, n)
			}

			s.proc.kill()
			select {
			case <-s.proc.done:
			default:
				t.Fatal("the process is still running after SIGKILL")
			}
			s.start(t)

			check := func(t *testing.T, when string) {
				t.Helper()
				d := s.ticket(t, tk.ID)
				if len(d.Repairs) != n/3 || len(d.Notes) != n/3 || len(d.Parts) != n/3 || d.Ticket.LabourMinutes != 2*n/3 {
					t.Errorf("%s: the ticket holds %d repairs, %d notes, %d parts, %d minutes; want %d, %d, %d, %d",
						when, len(d.Repairs), len(d.Notes), len(d.Parts), d.Ticket.LabourMinutes, n/3, n/3, n/3, 2*n/3)
				}
				if got := s.balance(t, tc.van, partFilter); got != stock-n/3 {
					t.Errorf("%s: van balance %d, want %d", when, got, stock-n/3)
				}
				if got := s.lastSeq(t, dev.id); got != n {
					t.Errorf("%s: last_seq %d, want %d", when, got, n)
				}
				if ap := s.applied(t, dev.id); len(ap) != n {
					t.Errorf("%s: %d applied rows, want %d", when, len(ap), n)
				}
			}
			check(t, "after the restart")

			// The answer was lost with the process: the device sends it all again.
			again := dev.push(t, batch...)
			if again.Acked != n || again.Resend != 0 || len(again.Rejected) != 0 {
				t.Errorf("the retry answered a=%d r=%d x=%+v, want a=%d", again.Acked, again.Resend, again.Rejected, n)
			}
			if again.Epoch != first.Epoch {
				t.Errorf("the epoch changed across the restart: %q, then %q", first.Epoch, again.Epoch)
			}
			check(t, "after the retry")
			if _, ok := dev.pushOne(t, dev.mut("note.add", noteArgs(newID(), tk.ID))); ok {
				t.Errorf("the next mutation after the restart was refused")
			}
			if t.Failed() {
				t.Logf("central's log:\n%s", s.proc.stderr())
			}
		})
	}
}

package store

import (
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestCustomerNotices: a notice saved on the device waits to sync; the
// server's copies then bring its delivery state, which replaces the one
// the device holds; a refused notice goes with its conflict.
func TestCustomerNotices(t *testing.T) {
	r := newReplica(t)
	id := app.NewID()
	eta := storetest.Now.Add(30 * time.Minute)
	m := r.commit(ana, &app.SendNotice{Notice: app.CustomerNotice{ID: id, Ticket: storetest.T1, Kind: app.NoticeOnMyWay, ETA: eta}})
	got := func() []app.CustomerNoticeView {
		t.Helper()
		v, err := r.db.Notices(t.Context(), storetest.T1)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := got(); len(v) != 1 || !v[0].Pending || v[0].State != app.NoticeQueued || !v[0].ETA.Equal(eta) || v[0].Kind != app.NoticeOnMyWay {
		t.Fatalf("after the commit: %+v, want one pending on_my_way, queued", v)
	}
	server := app.CustomerNotice{ID: id, Ticket: storetest.T1, Kind: app.NoticeOnMyWay, ETA: eta, At: storetest.Now, By: "Ana", State: app.NoticeQueued}
	for i, step := range []struct {
		state, channel, lastError string
		attempts                  int
	}{
		{app.NoticeQueued, "", "", 0},
		{app.NoticeQueued, app.ChannelWebhook, "http_503", 1},
		{app.NoticeSent, app.ChannelWebhook, "", 2},
	} {
		n := server
		n.State, n.Channel, n.LastError, n.Attempts = step.state, step.channel, step.lastError, step.attempts
		if step.state == app.NoticeSent {
			n.SentAt = storetest.Now.Add(time.Minute)
		}
		r.apply(app.PullPage{Epoch: "e1", Acked: m.Seq, Cursor: "c" + string(rune('1'+i)), Data: app.Dataset{CustomerNotices: []app.CustomerNotice{n}}})
		v := got()
		if len(v) != 1 || v[0].Pending || v[0].State != step.state || v[0].Channel != step.channel || v[0].LastError != step.lastError ||
			v[0].Attempts != step.attempts || !v[0].SentAt.Equal(n.SentAt) {
			t.Fatalf("pull %d: %+v, want %+v", i+1, v, n)
		}
	}
	if v, err := r.db.Notices(t.Context(), storetest.T2); err != nil || len(v) != 0 {
		t.Fatalf("T2's notices: %+v, %v; want none", v, err)
	}
}

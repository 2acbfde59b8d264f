package ui

import (
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestChineseSyncTextsTouchTheirNumbers: the sync line and the sync page
// in Chinese, in every state, write a count or a size touching its words,
// as every Chinese text does (TestChineseCountsTouchTheirWords): the page
// said "已发送 288B" and the line "上次同步 5分钟前".
func TestChineseSyncTextsTouchTheirNumbers(t *testing.T) {
	inLanguage(t, "zh-Hans")
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	last := now.Add(-5 * time.Minute)
	offline := app.Errorf(app.EOFFLINE, "sync.offline", "Cannot reach the server. Your work is saved on this device and will be sent when the connection is back.")
	// A space between Chinese and a number with its unit or word after
	// it; a clock time (10:05) or a date keeps its spaces.
	parted := regexp.MustCompile(`[\p{Han}：，]([ \x{00a0}\x{202f}]+)[0-9][0-9.,]*(?:[A-Z]+\b|\p{Han})`)
	moved := app.SyncStatus{LastSuccess: last, Up: 288, Down: 3 << 20}
	for _, tc := range []struct {
		name string
		st   app.SyncStatus
	}{
		{"synced", moved},
		{"work waiting", app.SyncStatus{LastSuccess: last, Pending: 2, Up: 288, Down: 1536}},
		{"a conflict", app.SyncStatus{LastSuccess: last, Conflicts: 1, Up: 288}},
		{"photos sending", app.SyncStatus{LastSuccess: last, PhotoBytes: 2048, Up: 5 << 20}},
		{"offline by choice", app.SyncStatus{LastSuccess: last, WorkOffline: true, Pending: 1, PhotoBytes: 287}},
		{"offline", app.SyncStatus{LastSuccess: last, Err: offline, Offline: true, Pending: 3, NextTry: now.Add(time.Minute), Up: 288}},
		{"photos refused", app.SyncStatus{LastSuccess: last, PhotoBytes: 2048, PhotoErr: errors.New("too large")}},
		{"running", app.SyncStatus{LastSuccess: last, Running: true, Down: 12 << 10}},
		{"never", app.SyncStatus{}},
		{"a day ago", app.SyncStatus{LastSuccess: now.Add(-30 * time.Hour), Pending: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, text := range []string{
				syncSummary(tc.st, now, now.Add(-time.Hour)),
				syncDetail(tc.st, time.UTC),
				syncProblem(tc.st, time.UTC),
			} {
				if m := parted.FindString(text); m != "" {
					t.Errorf("a space parts a number from its words at %q: %s", m, text)
				}
			}
		})
	}
}

// TestChineseSyncProblemSentencesTouch: offline, the sync page's
// problem in Chinese follows "……恢复后会自动发送。" with "将于 10:01 重试。"
// with no space between them, as Chinese writes sentences; it wrote "。 将于".
// Other languages keep their space after the full stop.
func TestChineseSyncProblemSentencesTouch(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	offline := app.Errorf(app.EOFFLINE, "sync.offline", "Cannot reach the server. Your work is saved on this device and will be sent when the connection is back.")
	st := app.SyncStatus{Err: offline, Offline: true, NextTry: now.Add(time.Minute)}
	inLanguage(t, "zh-Hans")
	if text := syncProblem(st, time.UTC); !regexp.MustCompile(`。将于`).MatchString(text) {
		t.Errorf("the offline problem and its next try in Chinese: %q, want \"。将于\" touching", text)
	}
	inLanguage(t, "fr")
	if text := syncProblem(st, time.UTC); !regexp.MustCompile(`\. Prochaine tentative`).MatchString(text) {
		t.Errorf("the offline problem and its next try in French: %q, want a space after the full stop", text)
	}
}

// TestChangeTextInChinese: a change waiting to be sent, or refused, is
// named in Chinese punctuation (修改工单：电话、地址): the sync page wrote
// "修改工单: 电话", an English colon in Chinese.
func TestChangeTextInChinese(t *testing.T) {
	inLanguage(t, "zh-Hans")
	phone, address := "+86 139 1111 2222", "上海市徐汇区"
	args, err := json.Marshal(app.UpdateTicket{Ticket: "t1", Set: app.TicketFields{CustomerPhone: &phone, CustomerAddress: &address}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := changeText("ticket.update.v1", args), "修改工单：电话、地址"; got != want {
		t.Errorf("changeText = %q, want %q", got, want)
	}
}

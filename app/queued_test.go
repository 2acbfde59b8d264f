package app_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestQueuedCommandIsTheDecoding: whatever the command holds, QueuedCommand
// gives what DecodeMutation gives of its mutation, errors included, and
// never the caller's value itself.
func TestQueuedCommandIsTheDecoding(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	note := func(text string, at time.Time) app.Command {
		return &app.AddNote{Note: app.Note{ID: "n-1", Ticket: "T-1", Text: text, At: at}}
	}
	cases := map[string]app.Command{
		"note":                        note("checked the charging port", time.Time{}),
		"note at a time in UTC":       note("checked", at),
		"note at a local time":        note("checked", time.Now()),
		"note at another zone":        note("checked", at.In(time.FixedZone("CST", 8*3600))),
		"note with invalid UTF-8":     note("screen \xff cracked", at),
		"note with <html> & escapes":  note("<b>&</b> \u2028", at),
		"empty note":                  note("  ", at),
		"note too long":               note(strings.Repeat("x", app.MaxTextLen+1), at),
		"note larger than a mutation": note(strings.Repeat("\x01", app.MaxArgsBytes/6+1), at),
		"part used": &app.ConsumePart{Used: app.PartUsed{ID: "u-1", Ticket: "T-1", Part: "P-1", Qty: 2,
			Serial: "S1", From: "van-1", At: at}},
		"status change": &app.TransitionTicket{Action: app.ActionWait, Ticket: "T-1", Epoch: 1, Reason: "battery ordered"},
		"close with a balance": &app.TransitionTicket{Action: app.ActionClose, Ticket: "T-1", Epoch: 1,
			Balance: &app.Money{Amount: 100, Currency: "CNY"}, UnpaidReason: "goodwill"},
		"stock transfer": &app.MoveStock{Kind: app.MoveTransfer, Movement: app.StockMovement{ID: "m-1", Part: "P-1",
			From: "van-1", To: "van-2", Qty: 1, At: at}},
	}
	for name, cmd := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := app.NewMutation(cmd, at)
			if err != nil {
				t.Fatal(err)
			}
			want, werr := app.DecodeMutation(m)
			got, gerr := app.QueuedCommand(cmd, m)
			if errorKey(werr) != errorKey(gerr) || app.ErrorCode(werr) != app.ErrorCode(gerr) {
				t.Fatalf("error %v, DecodeMutation's %v", gerr, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("queued %#v\nbut the mutation decodes to %#v", got, want)
			}
			if got != nil && reflect.ValueOf(got).Pointer() == reflect.ValueOf(cmd).Pointer() {
				t.Errorf("queued the caller's value itself")
			}
		})
	}
}

// TestQueuedCommandCopyIsItsOwn: a change to the queued command (Apply may
// fill in fields) does not reach the caller's, nor the other way round.
func TestQueuedCommandCopyIsItsOwn(t *testing.T) {
	cmd := &app.AddNote{Note: app.Note{ID: "n-1", Ticket: "T-1", Text: "checked"}}
	m, err := app.NewMutation(cmd, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	q, err := app.QueuedCommand(cmd, m)
	if err != nil {
		t.Fatal(err)
	}
	q.(*app.AddNote).Note.By = "someone"
	cmd.Note.Text = "changed"
	if cmd.Note.By != "" || q.(*app.AddNote).Note.Text != "checked" {
		t.Errorf("the queued command and the caller's share their note: %+v, %+v", cmd.Note, q.(*app.AddNote).Note)
	}

	closing := &app.TransitionTicket{Action: app.ActionClose, Ticket: "T-1", Epoch: 1, Balance: &app.Money{Amount: 100, Currency: "CNY"}, UnpaidReason: "goodwill"}
	if m, err = app.NewMutation(closing, time.Now()); err != nil {
		t.Fatal(err)
	}
	if q, err = app.QueuedCommand(closing, m); err != nil {
		t.Fatal(err)
	}
	q.(*app.TransitionTicket).Balance.Amount = 1
	if closing.Balance.Amount != 100 {
		t.Errorf("the queued command and the caller's share their balance")
	}
}

// errorKey is the key of err's *app.Error, "" for nil or another error.
func errorKey(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

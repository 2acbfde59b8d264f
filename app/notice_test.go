package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

func TestSendNotice(t *testing.T) {
	visit := func(s app.Status) app.Ticket {
		return app.Ticket{ID: "tv", Number: "FB-V", Kind: app.KindOnSite, Country: "CN", Technician: "tech-1", Epoch: 1, Status: s,
			Priority: 3, Customer: app.Customer{Name: "李娜", Phone: "+86 138 0000 0000"}, Product: app.Product{Category: app.CategoryPhone, Brand: "Huawei"}}
	}
	carryIn := func(s app.Status) app.Ticket {
		tk := visit(s)
		tk.Kind = app.KindCarryIn
		return tk
	}
	noContact := visit(app.StatusEnRoute)
	noContact.Customer.Phone = ""
	emailOnly := carryIn(app.StatusCompleted)
	emailOnly.Customer = app.Customer{Name: "Ana", Email: "ana@example.com"}
	omw := func(eta time.Duration) app.CustomerNotice {
		return app.CustomerNotice{ID: app.NewID(), Ticket: "tv", Kind: app.NoticeOnMyWay, At: now, ETA: now.Add(eta)}
	}
	ready := app.CustomerNotice{ID: app.NewID(), Ticket: "tv", Kind: app.NoticeReadyForPickup, At: now}
	sent := ready
	sent.State = app.NoticeSent
	withETA := ready
	withETA.ETA = now.Add(time.Hour)
	for name, tc := range map[string]struct {
		ticket app.Ticket
		notice app.CustomerNotice
		key    string // "" when accepted
	}{
		"OnMyWayAssigned":       {visit(app.StatusAssigned), omw(30 * time.Minute), ""},
		"OnMyWayEnRoute":        {visit(app.StatusEnRoute), omw(90 * time.Minute), ""},
		"OnMyWayAtTheBound":     {visit(app.StatusEnRoute), omw(app.MaxNoticeETA), ""},
		"OnMyWayArrived":        {visit(app.StatusOnSite), omw(30 * time.Minute), "notice.not_on_my_way"},
		"OnMyWayCarryIn":        {carryIn(app.StatusAssigned), omw(30 * time.Minute), "notice.not_on_my_way"},
		"OnMyWayNoETA":          {visit(app.StatusEnRoute), omw(0), "notice.eta_range"},
		"OnMyWayETAPast":        {visit(app.StatusEnRoute), omw(-time.Minute), "notice.eta_range"},
		"OnMyWayETATooFar":      {visit(app.StatusEnRoute), omw(app.MaxNoticeETA + time.Minute), "notice.eta_range"},
		"ReadyCompletedCarryIn": {carryIn(app.StatusCompleted), ready, ""},
		"ReadyEmailOnly":        {emailOnly, ready, ""},
		"ReadyInProgress":       {carryIn(app.StatusInProgress), ready, "notice.not_ready"},
		"ReadyOnSite":           {visit(app.StatusCompleted), ready, "notice.not_ready"},
		"ReadyWithETA":          {carryIn(app.StatusCompleted), withETA, "notice.eta_unexpected"},
		"ServerStateFromDevice": {carryIn(app.StatusCompleted), sent, "notice.server_fields"},
		"NoContact":             {noContact, omw(15 * time.Minute), "notice.no_contact"},
		"UnknownKind":           {visit(app.StatusEnRoute), app.CustomerNotice{ID: "x", Ticket: "tv", Kind: "party"}, "notice.bad_kind"},
		"MissingID":             {carryIn(app.StatusCompleted), app.CustomerNotice{Ticket: "tv", Kind: app.NoticeReadyForPickup}, "mutation.missing_field"},
	} {
		t.Run(name, func(t *testing.T) {
			tx := newMemTx()
			tx.tickets[tc.ticket.ID] = tc.ticket
			m := mustMutation(t, &app.SendNotice{Notice: tc.notice})
			err := app.ApplyMutation(t.Context(), tx, tech, m, now)
			if tc.key != "" {
				var e *app.Error
				if !errors.As(err, &e) || e.Key != tc.key {
					t.Fatalf("error %v, want key %q", err, tc.key)
				}
				if len(tx.notices) != 0 {
					t.Fatalf("a refused notice was recorded: %+v", tx.notices)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := tx.notices[tc.notice.ID]
			if !ok || got.State != app.NoticeQueued || got.By != tech.Name || !got.ETA.Equal(tc.notice.ETA) || got.Kind != tc.notice.Kind {
				t.Fatalf("recorded %+v (found %v), want %s queued by %s", got, ok, tc.notice.Kind, tech.Name)
			}
		})
	}
}

func TestCustomerLanguage(t *testing.T) {
	for _, tc := range []struct {
		country, language, want string
	}{
		{"CN", "", "zh-CN"},
		{"cn", "", "zh-CN"},
		{"BR", "", "pt-BR"},
		{"FR", "en-GB", "en-GB"}, // the customer's own first
		{"XX", "", "en"},
		{"", "", "en"},
	} {
		tk := app.Ticket{Country: tc.country, Customer: app.Customer{Language: tc.language}}
		if got := tk.CustomerLanguage(); got != tc.want {
			t.Errorf("country %q, language %q: %q, want %q", tc.country, tc.language, got, tc.want)
		}
		// A technician's documents choose their language by the same rule.
		tech := app.Technician{Country: tc.country, Language: tc.language}
		if got := tech.DocumentLanguage(); got != tc.want {
			t.Errorf("technician of country %q, language %q: %q, want %q", tc.country, tc.language, got, tc.want)
		}
	}
}
